/* sl-test-plugin-no-init.c: a module that lacks sl_plugin_init
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gmodule.h>
#include <streamlib/streamlib.h>

G_MODULE_EXPORT gboolean sl_plugin_inti (SlRegistry  *registry,
                                         GError     **error);

/* Misspelt on purpose. */
G_MODULE_EXPORT gboolean
sl_plugin_inti (SlRegistry  *registry,
                GError     **error)
{
  return TRUE;
}
