/* sl-whip-sink.c: (being written)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-webrtc-processors-private.h"

typedef struct { SlProcessor parent_instance; } SlWhipSink;
typedef struct { SlProcessorClass parent_class; } SlWhipSinkClass;

G_DEFINE_FINAL_TYPE (SlWhipSink, sl_whip_sink, SL_TYPE_PROCESSOR)

static void sl_whip_sink_class_init (SlWhipSinkClass *klass) { }
static void sl_whip_sink_init (SlWhipSink *self) { }
