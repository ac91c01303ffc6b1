/* test-lifecycle.c: runtimes and processors coming and going
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

/* After the runtime has initialised GStreamer. */
static GstSample *
new_sample (void)
{
  g_autoptr(GstBuffer) buffer = gst_buffer_new ();

  return gst_sample_new (buffer, NULL, NULL, NULL);
}

/* The application keeps a processor it got from sl_runtime_get_processor()
 * after the run ended and the runtime is gone: the instance no longer
 * belongs to a runtime, and using it (an app-source's push-sample) must not
 * touch the runner that ran it. */
static void
test_processor_outlives_runtime (void)
{
  SlRuntime *runtime;
  g_autoptr(SlProcessor) source = NULL;
  g_autoptr(SlProcessor) sink = NULL;
  g_autoptr(GstSample) sample = NULL;

  test_recorder_reset ();
  runtime = test_probe_runtime_new ();
  sample = new_sample ();
  g_free (test_add (runtime, "app-source", "src"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "sink"));
  test_start (runtime);

  source = sl_runtime_get_processor (runtime, "src");
  sink = sl_runtime_get_processor (runtime, "sink");
  g_assert_nonnull (source);
  g_assert_true (sl_processor_get_runtime (source) == runtime);
  test_push_samples (runtime, "src", 0, 3);
  test_wait_int64 (runtime, "sink", "count", 3);

  test_stop (runtime, SL_STOP_DRAIN);
  g_object_unref (runtime);

  /* An application thread may still push: nothing happens, nothing
   * crashes (under ASan: no use after free of the runner), nothing hangs
   * (a freed runner's waker can block for ever). */
  test_watchdog_arm ("using a processor after its runtime is gone");
  g_signal_emit_by_name (source, "push-sample", sample);
  g_signal_emit_by_name (source, "end-of-stream");
  sl_processor_schedule (source);
  sl_processor_set_interval (source, 1000);
  test_watchdog_disarm ();
  /* Run by no runtime any more. */
  g_assert_null (sl_processor_get_runtime (source));
  g_assert_null (sl_processor_get_runtime (sink));
}

/* Same, with a stop that leaves the runtime alive: the next start makes
 * new instances; the old one is inert. */
static void
test_processor_outlives_run (void)
{
  g_autoptr(SlRuntime) runtime = NULL;
  g_autoptr(SlProcessor) first = NULL;
  g_autoptr(SlProcessor) second = NULL;
  g_autoptr(GstSample) sample = NULL;

  test_recorder_reset ();
  runtime = test_probe_runtime_new ();
  sample = new_sample ();
  g_free (test_add (runtime, "app-source", "src"));
  test_start (runtime);
  first = sl_runtime_get_processor (runtime, "src");
  test_stop (runtime, SL_STOP_DRAIN);
  g_assert_null (sl_runtime_get_processor (runtime, "src"));

  /* The runner that ran `first` is gone with the run. */
  test_start (runtime);
  test_stop (runtime, SL_STOP_DRAIN);
  test_watchdog_arm ("using a processor after its run");
  g_signal_emit_by_name (first, "push-sample", sample);
  test_watchdog_disarm ();
  g_assert_null (sl_processor_get_runtime (first));

  test_start (runtime);
  second = sl_runtime_get_processor (runtime, "src");
  g_assert_true (second != first);
  test_stop (runtime, SL_STOP_IMMEDIATE);
}

/* Many runtimes made, run and dropped while running (dispose stops them):
 * no crash, no hang, no thread left behind. */
static void
test_create_destroy (void)
{
  guint rounds = test_under_sanitizer () ? 30 : 200;

  test_recorder_reset ();
  for (guint i = 0; i < rounds; i++)
    {
      SlRuntime *runtime = test_probe_runtime_new ();

      g_free (test_add (runtime, "test-source", "src"));
      g_free (test_add (runtime, "echo", "echo"));
      g_free (test_add (runtime, "counter-sink", "sink"));
      g_free (test_add (runtime, i % 4 == 0 ? "probe-main" : "probe", "p"));
      g_free (test_link (runtime, "src", "echo"));
      g_free (test_link (runtime, "echo", "sink"));
      g_free (test_link (runtime, "src", "p"));
      if (i % 3 == 0)
        test_configure (runtime, "src.out->echo.in", 2, SL_OVERFLOW_BLOCK);
      test_start (runtime);
      if (i % 2 == 0)
        test_wait_int64 (runtime, "sink", "count", 2);
      if (i % 5 == 0)
        test_pause (runtime);

      test_watchdog_arm ("dropping a running runtime");
      g_object_unref (runtime);
      test_watchdog_disarm ();
    }
}

/* Stopped from processor code (which does not wait), then dropped at once
 * by the application. */
static void
test_drop_while_stopping (void)
{
  guint rounds = test_under_sanitizer () ? 20 : 100;

  test_recorder_reset ();
  for (guint i = 0; i < rounds; i++)
    {
      SlRuntime *runtime = test_probe_runtime_new ();

      test_recorder_reset ();
      g_free (test_add (runtime, "test-source", "src"));
      g_free (test_add (runtime, "probe", "p"));
      g_free (test_add (runtime, "counter-sink", "sink"));
      g_free (test_link (runtime, "src", "p"));
      g_free (test_link (runtime, "p", "sink"));
      test_set (runtime, "p", "action", i % 2 ? "stop" : "stop-immediate");
      test_set (runtime, "p", "action-phase", "process");
      test_set (runtime, "p", "action-at", "1");
      test_start (runtime);
      test_wait_recorded ("p", "actions done process");

      test_watchdog_arm ("dropping a stopping runtime");
      g_object_unref (runtime);
      test_watchdog_disarm ();
    }
}

/* Start and stop the same graph many times. */
static void
test_restart (void)
{
  g_autoptr(SlRuntime) runtime = NULL;
  guint rounds = test_under_sanitizer () ? 10 : 50;

  test_recorder_reset ();
  runtime = test_probe_runtime_new ();
  g_free (test_add (runtime, "test-source", "src"));
  g_free (test_add (runtime, "probe-main", "ui"));
  g_free (test_add (runtime, "counter-sink", "sink"));
  g_free (test_link (runtime, "src", "ui"));
  g_free (test_link (runtime, "ui", "sink"));
  test_configure (runtime, "src.out->ui.in", 4, SL_OVERFLOW_BLOCK);
  test_configure (runtime, "ui.out->sink.in", 4, SL_OVERFLOW_BLOCK);

  for (guint i = 0; i < rounds; i++)
    {
      test_start (runtime);
      test_wait_int64 (runtime, "sink", "count", 10);
      test_stop (runtime, i % 2 ? SL_STOP_DRAIN : SL_STOP_IMMEDIATE);
      test_assert_invariant (runtime, "src.out->ui.in");
      test_assert_invariant (runtime, "ui.out->sink.in");
      g_assert_cmpint (sl_runtime_get_processor_state (runtime, "ui"), ==, SL_PROCESSOR_STATE_NONE);
    }
}

int
main (int argc, char *argv[])
{
  test_init (&argc, &argv);

  g_test_add_func ("/runtime/lifecycle/processor-outlives-runtime", test_processor_outlives_runtime);
  g_test_add_func ("/runtime/lifecycle/processor-outlives-run", test_processor_outlives_run);
  g_test_add_func ("/runtime/lifecycle/create-destroy", test_create_destroy);
  g_test_add_func ("/runtime/lifecycle/drop-while-stopping", test_drop_while_stopping);
  g_test_add_func ("/runtime/lifecycle/restart", test_restart);

  return g_test_run ();
}
