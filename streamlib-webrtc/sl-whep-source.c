/* sl-whep-source.c: (being written)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-webrtc-processors-private.h"

typedef struct { SlProcessor parent_instance; } SlWhepSource;
typedef struct { SlProcessorClass parent_class; } SlWhepSourceClass;

G_DEFINE_FINAL_TYPE (SlWhepSource, sl_whep_source, SL_TYPE_PROCESSOR)

static void sl_whep_source_class_init (SlWhepSourceClass *klass) { }
static void sl_whep_source_init (SlWhepSource *self) { }
