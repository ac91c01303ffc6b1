/* sl-webrtc-endpoint.h: a WHIP/WHEP endpoint serving a streamlib runtime
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_WEBRTC_INSIDE__) && !defined(STREAMLIB_WEBRTC_COMPILATION)
#error "Only <streamlib-webrtc/streamlib-webrtc.h> can be included directly."
#endif

#include <gio/gio.h>
#include <streamlib/streamlib.h>

G_BEGIN_DECLS

#define SL_WEBRTC_TYPE_ENDPOINT (sl_webrtc_endpoint_get_type ())

SL_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SlWebrtcEndpoint, sl_webrtc_endpoint, SL_WEBRTC, ENDPOINT, GObject)

/* The endpoint's API is designed and written in sl-webrtc-endpoint.c. */

G_END_DECLS
