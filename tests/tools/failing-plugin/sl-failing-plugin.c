/* sl-failing-plugin.c: a processor plugin whose processor fails, to test
 * how streamlib-launch reports the runtime's errors
 *
 * Registers "failing-sink": its `process` fails on the first frame.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gmodule.h>
#include <streamlib/streamlib.h>

#define TEST_TYPE_FAILING_SINK (test_failing_sink_get_type ())
G_DECLARE_FINAL_TYPE (TestFailingSink, test_failing_sink, TEST, FAILING_SINK, SlProcessor)

struct _TestFailingSink
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (TestFailingSink, test_failing_sink, SL_TYPE_PROCESSOR)

static gboolean
test_failing_sink_process (SlProcessor  *processor,
                           GError      **error)
{
  GstSample *sample = sl_input_port_pop (sl_processor_get_input_port (processor, "in"));

  if (sample == NULL)
    return TRUE;

  gst_sample_unref (sample);
  g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED, "failing on purpose");
  return FALSE;
}

static void
test_failing_sink_class_init (TestFailingSinkClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  processor_class->process = test_failing_sink_process;
  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_set_description (processor_class, "Fails on its first frame");
}

static void
test_failing_sink_init (TestFailingSink *self)
{
}

G_MODULE_EXPORT gboolean sl_plugin_init (SlRegistry  *registry,
                                         GError     **error);

G_MODULE_EXPORT gboolean
sl_plugin_init (SlRegistry  *registry,
                GError     **error)
{
  return sl_registry_register (registry, "failing-sink", TEST_TYPE_FAILING_SINK, error);
}
