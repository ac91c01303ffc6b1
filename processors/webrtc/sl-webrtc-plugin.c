/* sl-webrtc-plugin.c: the plugin module that registers the WebRTC processors
 *
 * The processors live in libstreamlib-webrtc (the endpoint needs them); this
 * module only makes them factories of a registry that scans the plugin path.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gmodule.h>

#include "sl-webrtc-processors-private.h"

G_MODULE_EXPORT gboolean sl_plugin_init (SlRegistry *registry, GError **error);

G_MODULE_EXPORT gboolean
sl_plugin_init (SlRegistry  *registry,
                GError     **error)
{
  return sl_webrtc_register_processors (registry, error);
}
