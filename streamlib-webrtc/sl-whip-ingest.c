/* sl-whip-ingest.c: (being written)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-webrtc-processors-private.h"

typedef struct { SlProcessor parent_instance; } SlWhipIngest;
typedef struct { SlProcessorClass parent_class; } SlWhipIngestClass;

G_DEFINE_FINAL_TYPE (SlWhipIngest, sl_whip_ingest, SL_TYPE_PROCESSOR)

static void sl_whip_ingest_class_init (SlWhipIngestClass *klass) { }
static void sl_whip_ingest_init (SlWhipIngest *self) { }
