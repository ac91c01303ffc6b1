/* sl-webrtc-processors-private.h: the WebRTC processor types
 *
 * The four processors are private types of libstreamlib-webrtc; applications
 * reach them through their factory names (registered by the sl-webrtc plugin
 * module with sl_webrtc_register_processors()).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <streamlib/streamlib.h>

G_BEGIN_DECLS

/* "whip-sink": publishes its video and audio inputs to a WHIP server. */
GType sl_whip_sink_get_type (void) G_GNUC_CONST;
/* "whep-source": plays a WHEP server's stream as decoded video and audio. */
GType sl_whep_source_get_type (void) G_GNUC_CONST;
/* "whip-ingest": a source whose media a WHIP publisher sends to the endpoint. */
GType sl_whip_ingest_get_type (void) G_GNUC_CONST;
/* "whep-serve": a sink whose inputs the endpoint serves to WHEP viewers. */
GType sl_whep_serve_get_type (void) G_GNUC_CONST;

/* Registers the four factories in @registry (those whose GStreamer elements
 * are installed). Called by the sl-webrtc plugin module. */
SL_AVAILABLE_IN_ALL
gboolean sl_webrtc_register_processors (SlRegistry  *registry,
                                        GError     **error);

G_END_DECLS
