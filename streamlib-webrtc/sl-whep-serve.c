/* sl-whep-serve.c: (being written)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-webrtc-processors-private.h"

typedef struct { SlProcessor parent_instance; } SlWhepServe;
typedef struct { SlProcessorClass parent_class; } SlWhepServeClass;

G_DEFINE_FINAL_TYPE (SlWhepServe, sl_whep_serve, SL_TYPE_PROCESSOR)

static void sl_whep_serve_class_init (SlWhepServeClass *klass) { }
static void sl_whep_serve_init (SlWhepServe *self) { }
