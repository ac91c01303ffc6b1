/* sl-output-port.h: the output end of links
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_INSIDE__) && !defined(STREAMLIB_COMPILATION)
#error "Only <streamlib/streamlib.h> can be included directly."
#endif

#include <glib-object.h>
#include <gst/gst.h>

#include "sl-version-macros.h"

G_BEGIN_DECLS

typedef struct _SlProcessor SlProcessor;

#define SL_TYPE_OUTPUT_PORT (sl_output_port_get_type ())

SL_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SlOutputPort, sl_output_port, SL, OUTPUT_PORT, GObject)

SL_AVAILABLE_IN_1_0
const char  *sl_output_port_get_name      (SlOutputPort *self);
SL_AVAILABLE_IN_1_0
GstCaps     *sl_output_port_get_caps      (SlOutputPort *self);
SL_AVAILABLE_IN_1_0
SlProcessor *sl_output_port_get_processor (SlOutputPort *self);
SL_AVAILABLE_IN_1_0
void         sl_output_port_push          (SlOutputPort *self,
                                           GstSample    *sample);
SL_AVAILABLE_IN_1_0
guint        sl_output_port_get_n_links   (SlOutputPort *self);
SL_AVAILABLE_IN_1_0
guint64      sl_output_port_get_unlinked_drops (SlOutputPort *self);

G_END_DECLS
