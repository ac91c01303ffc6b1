/* sl-core-plugin.c: registers the core processors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gmodule.h>

#include "sl-core-processors.h"

G_MODULE_EXPORT gboolean sl_plugin_init (SlRegistry *registry, GError **error);

G_MODULE_EXPORT gboolean
sl_plugin_init (SlRegistry  *registry,
                GError     **error)
{
  return sl_registry_register (registry, "passthrough", SL_TYPE_PASSTHROUGH, error) &&
         sl_registry_register (registry, "echo", SL_TYPE_ECHO, error) &&
         sl_registry_register (registry, "test-source", SL_TYPE_TEST_SOURCE, error) &&
         sl_registry_register (registry, "app-source", SL_TYPE_APP_SOURCE, error) &&
         sl_registry_register (registry, "app-sink", SL_TYPE_APP_SINK, error) &&
         sl_registry_register (registry, "counter-sink", SL_TYPE_COUNTER_SINK, error) &&
         sl_registry_register (registry, "null-sink", SL_TYPE_NULL_SINK, error) &&
         sl_registry_register (registry, "drop-filter", SL_TYPE_DROP_FILTER, error);
}
