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

/**
 * SL_WEBRTC_ENDPOINT_DEFAULT_MAX_SESSIONS:
 *
 * The default of [property@StreamlibWebrtc.Endpoint:max-sessions].
 *
 * Since: 1.0
 */
#define SL_WEBRTC_ENDPOINT_DEFAULT_MAX_SESSIONS 16

/**
 * SL_WEBRTC_ENDPOINT_DEFAULT_MAX_BODY_SIZE:
 *
 * The default of [property@StreamlibWebrtc.Endpoint:max-body-size], in
 * bytes: a browser's offer is a few kilobytes.
 *
 * Since: 1.0
 */
#define SL_WEBRTC_ENDPOINT_DEFAULT_MAX_BODY_SIZE (64 * 1024)

#define SL_WEBRTC_TYPE_ENDPOINT (sl_webrtc_endpoint_get_type ())

SL_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SlWebrtcEndpoint, sl_webrtc_endpoint, SL_WEBRTC, ENDPOINT, GObject)

SL_AVAILABLE_IN_1_0
SlWebrtcEndpoint  *sl_webrtc_endpoint_new             (SlRuntime           *runtime);

SL_AVAILABLE_IN_1_0
gboolean           sl_webrtc_endpoint_listen          (SlWebrtcEndpoint    *self,
                                                       const char          *address,
                                                       guint                port,
                                                       GError             **error);
SL_AVAILABLE_IN_1_0
void               sl_webrtc_endpoint_close           (SlWebrtcEndpoint    *self);

SL_AVAILABLE_IN_1_0
guint              sl_webrtc_endpoint_get_port        (SlWebrtcEndpoint    *self);
SL_AVAILABLE_IN_1_0
char              *sl_webrtc_endpoint_get_url         (SlWebrtcEndpoint    *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
SlRuntime         *sl_webrtc_endpoint_get_runtime     (SlWebrtcEndpoint    *self);

SL_AVAILABLE_IN_1_0
char              *sl_webrtc_endpoint_dup_token       (SlWebrtcEndpoint    *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
void               sl_webrtc_endpoint_set_token       (SlWebrtcEndpoint    *self,
                                                       const char          *token);
SL_AVAILABLE_IN_1_0
guint              sl_webrtc_endpoint_get_max_sessions (SlWebrtcEndpoint   *self);
SL_AVAILABLE_IN_1_0
void               sl_webrtc_endpoint_set_max_sessions (SlWebrtcEndpoint   *self,
                                                        guint               max_sessions);
SL_AVAILABLE_IN_1_0
guint              sl_webrtc_endpoint_get_max_body_size (SlWebrtcEndpoint  *self);
SL_AVAILABLE_IN_1_0
void               sl_webrtc_endpoint_set_max_body_size (SlWebrtcEndpoint  *self,
                                                         guint              max_body_size);
SL_AVAILABLE_IN_1_0
char             **sl_webrtc_endpoint_dup_ice_servers (SlWebrtcEndpoint    *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
gboolean           sl_webrtc_endpoint_set_ice_servers (SlWebrtcEndpoint    *self,
                                                       const char * const  *ice_servers,
                                                       GError             **error);
SL_AVAILABLE_IN_1_0
guint              sl_webrtc_endpoint_get_n_sessions  (SlWebrtcEndpoint    *self);

G_END_DECLS
