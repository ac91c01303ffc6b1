/* sl-test-plugin.c: a processor plugin module for the registry tests
 *
 * Registers one factory, "test-plugin-proc".
 *
 * If the registry carries object data "sl-test-plugin-init-hook" (a
 * `void (*) (SlRegistry *)`), the init function calls it first: tests use it
 * to hold a scan in the middle of loading the module.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gmodule.h>
#include <streamlib/streamlib.h>

#define TEST_TYPE_PLUGIN_PROC (test_plugin_proc_get_type ())
G_DECLARE_FINAL_TYPE (TestPluginProc, test_plugin_proc, TEST, PLUGIN_PROC, SlProcessor)

struct _TestPluginProc
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (TestPluginProc, test_plugin_proc, SL_TYPE_PROCESSOR)

static void
test_plugin_proc_class_init (TestPluginProcClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_add_output_port (processor_class, "out", NULL);
  sl_processor_class_set_description (processor_class, "A processor from a test plugin");
}

static void
test_plugin_proc_init (TestPluginProc *self)
{
}

G_MODULE_EXPORT gboolean sl_plugin_init (SlRegistry  *registry,
                                         GError     **error);

G_MODULE_EXPORT gboolean
sl_plugin_init (SlRegistry  *registry,
                GError     **error)
{
  void (*hook) (SlRegistry *) = g_object_get_data (G_OBJECT (registry), "sl-test-plugin-init-hook");

  if (hook != NULL)
    hook (registry);

  return sl_registry_register (registry, "test-plugin-proc", TEST_TYPE_PLUGIN_PROC, error);
}
