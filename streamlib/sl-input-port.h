/* sl-input-port.h: the input end of links
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

#define SL_TYPE_INPUT_PORT (sl_input_port_get_type ())

SL_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SlInputPort, sl_input_port, SL, INPUT_PORT, GObject)

SL_AVAILABLE_IN_1_0
const char  *sl_input_port_get_name      (SlInputPort *self);
SL_AVAILABLE_IN_1_0
GstCaps     *sl_input_port_get_caps      (SlInputPort *self);
SL_AVAILABLE_IN_1_0
SlProcessor *sl_input_port_get_processor (SlInputPort *self);
SL_AVAILABLE_IN_1_0
GstSample   *sl_input_port_pop            (SlInputPort *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
gboolean     sl_input_port_is_linked      (SlInputPort *self);
SL_AVAILABLE_IN_1_0
gboolean     sl_input_port_is_eos         (SlInputPort *self);

G_END_DECLS
