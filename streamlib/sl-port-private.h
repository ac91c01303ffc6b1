/* sl-port-private.h: what the runtime needs from ports
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-input-port.h"
#include "sl-output-port.h"
#include "sl-link-private.h"

G_BEGIN_DECLS

SlInputPort  *_sl_input_port_new            (SlProcessor  *processor,
                                             const char   *name,
                                             GstCaps      *caps);
SlOutputPort *_sl_output_port_new           (SlProcessor  *processor,
                                             const char   *name,
                                             GstCaps      *caps);

/* Wiring. Call on the thread that runs the port's processor, or while that
 * processor does not run: the fan-out array and the input's link are owned by
 * that thread, which is what keeps push and pop free of locks. */
void          _sl_output_port_add_link      (SlOutputPort *self,
                                             SlLink       *link);
gboolean      _sl_output_port_remove_link   (SlOutputPort *self,
                                             SlLink       *link);
GPtrArray    *_sl_output_port_get_links     (SlOutputPort *self);
void          _sl_output_port_push_eos      (SlOutputPort *self);
void          _sl_output_port_clear_eos     (SlOutputPort *self);

void          _sl_input_port_set_link       (SlInputPort  *self,
                                             SlLink       *link);
SlLink       *_sl_input_port_get_link       (SlInputPort  *self);
gboolean      _sl_input_port_has_frames     (SlInputPort  *self);

G_END_DECLS
