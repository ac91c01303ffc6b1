/* sl-gtk-plugin.c: registers the GTK 4 processors
 *
 * Nothing here needs a display: paintable-sink fills its paintable headless
 * too, and only drawing it (a GtkPicture in a window) needs one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gmodule.h>

#include "sl-gtk-processors.h"

G_MODULE_EXPORT gboolean sl_plugin_init (SlRegistry *registry, GError **error);

G_MODULE_EXPORT gboolean
sl_plugin_init (SlRegistry  *registry,
                GError     **error)
{
  return sl_registry_register (registry, "paintable-sink", SL_TYPE_PAINTABLE_SINK, error);
}
