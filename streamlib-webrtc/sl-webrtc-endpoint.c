/* sl-webrtc-endpoint.c: (being written)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-webrtc-endpoint.h"

struct _SlWebrtcEndpoint
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (SlWebrtcEndpoint, sl_webrtc_endpoint, G_TYPE_OBJECT)

static void
sl_webrtc_endpoint_class_init (SlWebrtcEndpointClass *klass)
{
}

static void
sl_webrtc_endpoint_init (SlWebrtcEndpoint *self)
{
}
