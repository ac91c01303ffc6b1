/* test-basic.c: start, run, drain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdlib.h>
#include <string.h>

#include "test-util.h"

static void
add_chain (SlRuntime *runtime,
           gint64     frames)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = sl_runtime_add (runtime, "test-source", "src", &error);
  g_autofree char *pass = sl_runtime_add (runtime, "passthrough", "pass", &error);
  g_autofree char *sink = sl_runtime_add (runtime, "counter-sink", "sink", &error);
  g_autofree char *l1 = NULL, *l2 = NULL;
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, frames);

  g_assert_no_error (error);
  g_assert_true (sl_runtime_set_from_string (runtime, "src", "num-frames", value, &error));
  g_assert_no_error (error);
  l1 = sl_runtime_link (runtime, "src", "pass", &error);
  g_assert_no_error (error);
  l2 = sl_runtime_link (runtime, "pass", "sink", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (l1, ==, "src.out->pass.in");
  g_assert_cmpstr (l2, ==, "pass.out->sink.in");

  /* Lossless: the source runs as fast as it can. */
  g_assert_true (sl_runtime_configure_link (runtime, l1, 8, SL_OVERFLOW_BLOCK, &error));
  g_assert_true (sl_runtime_configure_link (runtime, l2, 8, SL_OVERFLOW_BLOCK, &error));
  g_assert_no_error (error);
}

static void
test_run_to_end_and_drain (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SlLinkStats) stats = NULL;

  add_chain (runtime, 1000);
  g_assert_cmpint (sl_runtime_get_state (runtime), ==, SL_RUNTIME_STATE_IDLE);
  g_assert_true (sl_runtime_start (runtime, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sl_runtime_get_state (runtime), ==, SL_RUNTIME_STATE_RUNNING);

  test_wait_int64 (runtime, "sink", "count", 1000);
  g_assert_true (sl_runtime_stop (runtime, SL_STOP_DRAIN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sl_runtime_get_state (runtime), ==, SL_RUNTIME_STATE_IDLE);

  stats = test_link_stats (runtime, "pass.out->sink.in");
  g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==, 1000);
  g_assert_cmpuint (sl_link_stats_get_popped (stats), ==, 1000);
  g_assert_cmpuint (sl_link_stats_get_dropped (stats), ==, 0);
  g_assert_cmpuint (sl_link_stats_get_high_water (stats), <=, 8);
  test_assert_invariant (runtime, "src.out->pass.in");
  test_assert_invariant (runtime, "pass.out->sink.in");
}

static void
on_eos (SlRuntime *runtime,
        gpointer   user_data)
{
  guint *n_eos = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  (*n_eos)++;
}

static gboolean
eos_seen (gpointer user_data)
{
  return *(guint *) user_data > 0;
}

/* A graph whose source finishes ends by itself: `eos` once, then a drain
 * has nothing left to wait for. */
static void
test_eos_signal (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SlLinkStats) stats = NULL;
  guint n_eos = 0;

  add_chain (runtime, 300);
  g_signal_connect (runtime, "eos", G_CALLBACK (on_eos), &n_eos);
  g_assert_true (sl_runtime_start (runtime, &error));
  g_assert_no_error (error);

  test_wait_for (eos_seen, &n_eos, "the eos signal");
  g_assert_cmpint (test_get_int64 (runtime, "sink", "count"), ==, 300);
  g_assert_true (sl_runtime_stop (runtime, SL_STOP_DRAIN, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_eos, ==, 1);

  stats = test_link_stats (runtime, "pass.out->sink.in");
  g_assert_cmpuint (sl_link_stats_get_popped (stats), ==, 300);
}

/* A sink whose thread asks for a raised priority. */
#define TEST_TYPE_HIGH_SINK (test_high_sink_get_type ())
G_DECLARE_FINAL_TYPE (TestHighSink, test_high_sink, TEST, HIGH_SINK, SlProcessor)

struct _TestHighSink
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (TestHighSink, test_high_sink, SL_TYPE_PROCESSOR)

static gboolean
test_high_sink_process (SlProcessor  *processor,
                        GError      **error)
{
  GstSample *sample;

  while ((sample = sl_input_port_pop (sl_processor_get_input_port (processor, "in"))) != NULL)
    gst_sample_unref (sample);
  return TRUE;
}

static void
test_high_sink_class_init (TestHighSinkClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  processor_class->process = test_high_sink_process;
  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_set_thread_priority (processor_class, SL_THREAD_PRIORITY_HIGH);
}

static void
test_high_sink_init (TestHighSink *self)
{
}

/* The nice value of the thread named @name, read from /proc. */
static gboolean
thread_nice (const char *name,
             int        *nice_value)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *task;

  while (dir != NULL && (task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", task, "comm", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc/self/task", task, "stat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) ||
          !g_str_equal (g_strstrip (comm), name) ||
          !g_file_get_contents (stat_path, &stat, NULL, NULL) ||
          (after = strrchr (stat, ')')) == NULL)
        continue;

      /* After "pid (comm) ", nice is the 17th field. */
      fields = g_strsplit (after + 2, " ", -1);
      if (g_strv_length (fields) < 17)
        return FALSE;
      *nice_value = atoi (fields[16]);
      return TRUE;
    }

  return FALSE;
}

/* The priority a processor's class asks for is requested on its thread and
 * the one obtained is reported as it is, not assumed. */
static void
test_thread_priority (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTypeClass) klass = NULL;
  SlThreadPriority effective;
  int nice_value = 0;

  g_assert_true (sl_registry_register (sl_runtime_get_registry (runtime), "high-sink",
                                       TEST_TYPE_HIGH_SINK, &error));
  klass = g_type_class_ref (TEST_TYPE_HIGH_SINK);
  g_assert_cmpint (sl_processor_class_get_thread_priority (SL_PROCESSOR_CLASS (klass)),
                   ==, SL_THREAD_PRIORITY_HIGH);
  g_free (sl_runtime_add (runtime, "test-source", "src", &error));
  g_free (sl_runtime_add (runtime, "high-sink", "high", &error));
  g_free (sl_runtime_link (runtime, "src", "high", &error));
  g_assert_no_error (error);
  g_assert_true (sl_runtime_start (runtime, &error));

  g_assert_cmpint (sl_runtime_get_processor_priority (runtime, "src"), ==, SL_THREAD_PRIORITY_NORMAL);
  effective = sl_runtime_get_processor_priority (runtime, "high");
  g_assert_true (effective == SL_THREAD_PRIORITY_NORMAL || effective == SL_THREAD_PRIORITY_HIGH);
  g_assert_true (thread_nice ("sl:high", &nice_value));
  if (effective == SL_THREAD_PRIORITY_HIGH)
    g_assert_cmpint (nice_value, <, 0);
  else
    g_assert_cmpint (nice_value, ==, 0);

  g_assert_true (sl_runtime_stop (runtime, SL_STOP_IMMEDIATE, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  test_init (&argc, &argv);

  g_test_add_func ("/runtime/basic/run-to-end-and-drain", test_run_to_end_and_drain);
  g_test_add_func ("/runtime/basic/eos-signal", test_eos_signal);
  g_test_add_func ("/runtime/basic/thread-priority", test_thread_priority);

  return g_test_run ();
}
