/* sl-test-plugin-failing.c: a module whose init function fails
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gmodule.h>
#include <streamlib/streamlib.h>

#define TEST_PLUGIN_FAILURE_MESSAGE "the test plugin refuses to initialise"

G_MODULE_EXPORT gboolean sl_plugin_init (SlRegistry  *registry,
                                         GError     **error);

G_MODULE_EXPORT gboolean
sl_plugin_init (SlRegistry  *registry,
                GError     **error)
{
#ifdef TEST_PLUGIN_SILENT_FAILURE
  /* Fails without saying why. */
  return FALSE;
#else
  g_set_error_literal (error, g_quark_from_static_string ("sl-test-plugin-error"), 1,
                       TEST_PLUGIN_FAILURE_MESSAGE);
  return FALSE;
#endif
}
