/* test-modes.c: the pause gate, execution modes, main-context affinity,
 * thread names
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-util.h"

static void
assert_fixed (SlRuntime  *runtime,
              const char *id,
              const char *property,
              gint64      value)
{
  g_assert_cmpint (test_get_int64 (runtime, id, property), ==, value);
}

/* After sl_runtime_pause() returns nothing moves; after resume it does. */
static void
test_pause_gate (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;
  guint rounds = test_under_sanitizer () ? 5 : 20;

  /* Two sources as fast as they can go, one through a filter. */
  g_free (test_add (runtime, "test-source", "src"));
  g_free (test_add (runtime, "counter-sink", "sink"));
  g_free (test_add (runtime, "probe-source", "psrc"));
  g_free (test_add (runtime, "probe", "pmid"));
  g_free (test_add (runtime, "probe-sink", "psink"));
  g_free (test_link (runtime, "src", "sink"));
  g_free (test_link (runtime, "psrc", "pmid"));
  g_free (test_link (runtime, "pmid", "psink"));
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 100);
  test_wait_int64 (runtime, "psink", "count", 100);

  for (guint round = 0; round < rounds; round++)
    {
      gint64 produced, count, pproduced, pmid, pcount;
      const char *ids[] = { "src", "sink", "psrc", "pmid", "psink" };

      test_pause (runtime);
      produced = test_get_int64 (runtime, "src", "produced");
      count = test_get_int64 (runtime, "sink", "count");
      pproduced = test_get_int64 (runtime, "psrc", "produced");
      pmid = test_get_int64 (runtime, "pmid", "processed");
      pcount = test_get_int64 (runtime, "psink", "processed");

      test_iterate_for (50 * 1000);
      assert_fixed (runtime, "src", "produced", produced);
      assert_fixed (runtime, "sink", "count", count);
      assert_fixed (runtime, "psrc", "produced", pproduced);
      assert_fixed (runtime, "pmid", "processed", pmid);
      assert_fixed (runtime, "psink", "processed", pcount);
      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        test_wait_processor_state (runtime, ids[i], SL_PROCESSOR_STATE_PAUSED);
      g_assert_cmpint (sl_runtime_get_state (runtime), ==, SL_RUNTIME_STATE_PAUSED);

      /* Pausing twice is fine. */
      test_pause (runtime);

      g_assert_true (sl_runtime_resume (runtime, &error));
      g_assert_no_error (error);
      g_assert_cmpint (sl_runtime_get_state (runtime), ==, SL_RUNTIME_STATE_RUNNING);
      test_wait_int64 (runtime, "sink", "count", count + 10);
      test_wait_int64 (runtime, "psink", "count", pcount + 10);
      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        test_wait_processor_state (runtime, ids[i], SL_PROCESSOR_STATE_RUNNING);
    }

  test_stop (runtime, SL_STOP_DRAIN);
  test_assert_invariant (runtime, "src.out->sink.in");
  test_assert_invariant (runtime, "psrc.out->pmid.in");
  test_assert_invariant (runtime, "pmid.out->psink.in");
}

/* A producer blocked on a full block link does not hold pause up; once the
 * consumer is released it stays gated until resume. */
static void
test_pause_with_blocked_producer (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;
  const char *link = "src.out->sink.in";
  gint64 produced;

  test_gate_close ("sink");
  g_free (test_add (runtime, "probe-source", "src"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  test_set (runtime, "sink", "latch", "true");
  g_free (test_link (runtime, "src", "sink"));
  test_configure (runtime, link, 3, SL_OVERFLOW_BLOCK);
  test_start (runtime);
  test_wait_pushed (runtime, link, 4);

  test_pause (runtime);
  test_gate_open ("sink");
  test_wait_processor_state (runtime, "sink", SL_PROCESSOR_STATE_PAUSED);
  produced = test_get_int64 (runtime, "src", "produced");
  test_iterate_for (30 * 1000);
  assert_fixed (runtime, "sink", "processed", 0);
  assert_fixed (runtime, "src", "produced", produced);

  g_assert_true (sl_runtime_resume (runtime, &error));
  g_assert_no_error (error);
  test_wait_int64 (runtime, "sink", "count", 50);
  test_stop (runtime, SL_STOP_DRAIN);
  test_assert_invariant (runtime, link);
  {
    g_autoptr(SlLinkStats) stats = test_link_stats (runtime, link);

    g_assert_cmpuint (sl_link_stats_get_dropped (stats), ==, 0);
  }
}

/* Pause and resume outside RUNNING. */
static void
test_pause_states (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;

  g_free (test_add (runtime, "test-source", "src"));
  g_free (test_add (runtime, "counter-sink", "sink"));
  g_free (test_link (runtime, "src", "sink"));

  g_assert_false (sl_runtime_pause (runtime, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (sl_runtime_resume (runtime, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_STATE);
  g_clear_error (&error);

  /* Stopping a paused runtime drains it. */
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 10);
  test_pause (runtime);
  test_stop (runtime, SL_STOP_DRAIN);
  test_assert_invariant (runtime, "src.out->sink.in");
  {
    g_autoptr(SlLinkStats) stats = test_link_stats (runtime, "src.out->sink.in");

    g_assert_cmpuint (sl_link_stats_get_queued (stats), ==, 0);
  }

  /* Starting paused-then-stopped again works. */
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 10);
  test_stop (runtime, SL_STOP_IMMEDIATE);
}

/* ---- execution modes ------------------------------------------------------ */

/* Continuous with an interval: test-source at 1000 frames/s is paced, not
 * faster than its rate (the lower bound on time cannot be flaky). */
static void
test_continuous_interval (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  gint64 start, elapsed, produced;

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "1000");
  g_free (test_add (runtime, "counter-sink", "sink"));
  g_free (test_link (runtime, "src", "sink"));

  start = g_get_monotonic_time ();
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 50);
  produced = test_get_int64 (runtime, "src", "produced");
  elapsed = g_get_monotonic_time () - start;
  /* n frames at 1 ms intervals take at least (n - 1) ms. */
  g_assert_cmpint (elapsed, >=, (produced - 1) * 1000);

  /* A faster rate, set while running, takes effect. */
  test_set (runtime, "src", "rate", "0");
  test_wait_int64 (runtime, "sink", "count", produced + 500);

  test_stop (runtime, SL_STOP_DRAIN);
  test_assert_invariant (runtime, "src.out->sink.in");
}

/* Manual: process runs only when scheduled. */
static void
test_manual (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();

  g_free (test_add (runtime, "probe-manual-source", "idle"));
  g_free (test_add (runtime, "probe-manual-source", "busy"));
  test_set (runtime, "busy", "reschedule", "true");
  g_free (test_add (runtime, "app-source", "app"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_add (runtime, "probe-sink", "busy-sink"));
  g_free (test_link (runtime, "app", "sink"));
  g_free (test_link (runtime, "busy", "busy-sink"));
  test_configure (runtime, "app.out->sink.in", 4, SL_OVERFLOW_BLOCK);

  test_start (runtime);
  test_wait_processor_state (runtime, "idle", SL_PROCESSOR_STATE_RUNNING);
  test_wait_int64 (runtime, "busy", "processed", 100);
  test_wait_int64 (runtime, "busy-sink", "count", 10);

  test_push_samples (runtime, "app", 0, 25);
  test_wait_int64 (runtime, "sink", "count", 25);
  test_iterate_for (20 * 1000);
  assert_fixed (runtime, "idle", "processed", 0);
  assert_fixed (runtime, "sink", "count", 25);

  test_push_samples (runtime, "app", 25, 5);
  test_end_of_stream (runtime, "app");
  test_stop (runtime, SL_STOP_DRAIN);
  {
    g_autoptr(GArray) offsets = test_recorder_offsets ("sink");

    g_assert_cmpuint (offsets->len, ==, 30);
    for (guint i = 0; i < offsets->len; i++)
      g_assert_cmpint (g_array_index (offsets, gint64, i), ==, i);
  }
}

/* Reactive: process runs when frames arrive, and not otherwise. */
static void
test_reactive (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  gint64 processed;

  g_free (test_add (runtime, "app-source", "app"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_add (runtime, "probe-sink", "lonely"));
  g_free (test_link (runtime, "app", "sink"));
  test_configure (runtime, "app.out->sink.in", 16, SL_OVERFLOW_BLOCK);
  test_start (runtime);
  test_wait_processor_state (runtime, "sink", SL_PROCESSOR_STATE_RUNNING);
  test_wait_processor_state (runtime, "lonely", SL_PROCESSOR_STATE_RUNNING);

  test_iterate_for (20 * 1000);
  assert_fixed (runtime, "sink", "processed", 0);
  assert_fixed (runtime, "lonely", "processed", 0);

  test_push_samples (runtime, "app", 0, 3);
  test_wait_int64 (runtime, "sink", "count", 3);
  processed = test_get_int64 (runtime, "sink", "processed");
  g_assert_cmpint (processed, >=, 1);
  g_assert_cmpint (processed, <=, 3);
  test_iterate_for (20 * 1000);
  assert_fixed (runtime, "sink", "processed", processed);
  assert_fixed (runtime, "lonely", "processed", 0);

  test_stop (runtime, SL_STOP_DRAIN);
}

/* ---- main-context affinity ------------------------------------------------ */

static void
assert_all_on_thread (const char *id,
                      GThread    *thread,
                      guint       at_least)
{
  g_autoptr(GPtrArray) events = test_recorder_events (id);

  g_assert_cmpuint (events->len, >=, at_least);
  for (guint i = 0; i < events->len; i++)
    {
      TestEvent *event = g_ptr_array_index (events, i);

      if (event->thread != thread)
        g_error ("%s: “%s” ran on the wrong thread", id, event->text);
    }
}

static void
assert_none_on_thread (const char *id,
                       GThread    *thread)
{
  g_autoptr(GPtrArray) events = test_recorder_events (id);

  g_assert_cmpuint (events->len, >=, 2);
  for (guint i = 0; i < events->len; i++)
    {
      TestEvent *event = g_ptr_array_index (events, i);

      if (event->thread == thread)
        g_error ("%s: “%s” ran on the main thread", id, event->text);
    }
}

static void
test_main_context_affinity (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  GThread *main_thread = g_thread_self ();

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe-main", "ui"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "ui"));
  g_free (test_link (runtime, "ui", "sink"));
  test_set (runtime, "ui", "action", "get-state");
  test_set (runtime, "ui", "action-phase", "process");
  test_set (runtime, "ui", "action-at", "5");

  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 20);
  /* A property set while running reaches it on the main thread too. */
  test_set (runtime, "ui", "trigger", "3");
  test_wait_recorded ("ui", "trigger 3");
  test_wait_recorded ("ui", "actions done process");
  test_stop (runtime, SL_STOP_DRAIN);

  test_wait_recorded ("ui", "teardown");
  /* setup, process, the action, the setter, teardown: all on this thread. */
  assert_all_on_thread ("ui", main_thread, 5);
  assert_none_on_thread ("sink", main_thread);
  test_assert_invariant (runtime, "src.out->ui.in");
  test_assert_invariant (runtime, "ui.out->sink.in");
}

/* A main-context processor added while running and removed again. */
static void
test_main_context_add_remove (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;
  GThread *main_thread = g_thread_self ();

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "counter-sink", "sink"));
  g_free (test_link (runtime, "src", "sink"));
  test_start (runtime);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("ui%u", i);

      sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);
      g_free (test_add (runtime, "probe-main", id));
      g_free (test_link (runtime, "src", id));
      g_assert_true (sl_runtime_commit (runtime, &error));
      sl_runtime_set_commit_mode (runtime, SL_COMMIT_AUTO);
      test_wait_int64 (runtime, id, "count", 5);
      test_wait_recorded (id, "setup in=linked");
      g_assert_true (sl_runtime_remove (runtime, id, &error));
      g_assert_no_error (error);
      test_wait_recorded (id, "teardown in=unlinked out=0");
      assert_all_on_thread (id, main_thread, 3);
    }

  test_stop (runtime, SL_STOP_DRAIN);
}

/* Processor code (on its own thread) adds a main-context processor: it is
 * built and run on the main thread all the same. */
static void
test_main_context_added_by_processor (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  GThread *main_thread = g_thread_self ();

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe", "actor"));
  g_free (test_link (runtime, "src", "actor"));
  test_set (runtime, "actor", "action",
            "add|probe-main|ui0;link|actor|ui0;add|probe-main|ui1;link|src|ui1");
  test_set (runtime, "actor", "action-phase", "process");
  test_set (runtime, "actor", "action-at", "2");
  test_start (runtime);

  test_wait_recorded ("actor", "actions done process");
  test_wait_int64 (runtime, "ui0", "count", 5);
  test_wait_int64 (runtime, "ui1", "count", 5);
  test_stop (runtime, SL_STOP_DRAIN);
  assert_all_on_thread ("ui0", main_thread, 3);
  assert_all_on_thread ("ui1", main_thread, 3);
}

/* A main-context source drives itself with sl_processor_schedule(), as a
 * JavaScript source would: process must run, on the main thread. */
static void
test_main_context_source (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();

  g_free (test_add (runtime, "probe-main-source", "jsrc"));
  test_set (runtime, "jsrc", "reschedule", "true");
  test_set (runtime, "jsrc", "num-frames", "50");
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "jsrc", "sink"));
  test_configure (runtime, "jsrc.out->sink.in", 64, SL_OVERFLOW_BLOCK);
  test_start (runtime);

  test_wait_int64 (runtime, "sink", "count", 50);
  test_stop (runtime, SL_STOP_DRAIN);
  assert_all_on_thread ("jsrc", g_thread_self (), 3);
}

/* A block link between two main-context processors: the producer must not
 * hold the main thread while the consumer, which needs the main thread,
 * cannot run. The watchdog fails the test on a deadlock. */
static void
test_main_context_block_link (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();

  g_free (test_add (runtime, "app-source", "app"));
  g_free (test_add (runtime, "probe-main", "js-filter"));
  g_free (test_add (runtime, "probe-main", "gtk-sink"));
  g_free (test_link (runtime, "app", "js-filter"));
  g_free (test_link (runtime, "js-filter", "gtk-sink"));
  test_configure (runtime, "app.out->js-filter.in", 16, SL_OVERFLOW_BLOCK);
  test_configure (runtime, "js-filter.out->gtk-sink.in", 1, SL_OVERFLOW_BLOCK);
  test_start (runtime);
  test_wait_processor_state (runtime, "gtk-sink", SL_PROCESSOR_STATE_RUNNING);

  test_push_samples (runtime, "app", 0, 10);
  {
    /* Queue all ten in front of js-filter before it runs: wait iterating
     * another context than the runtime's. */
    g_autoptr(GMainContext) other = g_main_context_new ();

    g_main_context_push_thread_default (other);
    test_wait_pushed (runtime, "app.out->js-filter.in", 10);
    g_main_context_pop_thread_default (other);
  }
  test_watchdog_arm ("frames between two main-context processors");
  test_wait_int64 (runtime, "gtk-sink", "count", 10);
  test_watchdog_disarm ();

  test_stop (runtime, SL_STOP_DRAIN);
  {
    g_autoptr(SlLinkStats) stats = test_link_stats (runtime, "js-filter.out->gtk-sink.in");

    g_assert_cmpuint (sl_link_stats_get_popped (stats), ==, 10);
    g_assert_cmpuint (sl_link_stats_get_dropped (stats), ==, 0);
  }
}

/* The runtime is stopped from another thread while the main thread is busy
 * (not iterating its context): the main-context processor must still be
 * torn down on the main thread, and the stopping thread must not dispatch
 * the application's main-context sources. */
typedef struct
{
  SlRuntime *runtime;
  gint       done;
} Stopper;

static gpointer
stop_from_thread (gpointer data)
{
  Stopper *stopper = data;

  g_assert_true (sl_runtime_stop (stopper->runtime, SL_STOP_DRAIN, NULL));
  g_atomic_int_set (&stopper->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
stopper_done (gpointer data)
{
  return g_atomic_int_get (&((Stopper *) data)->done);
}

static gboolean
stopper_done_or_later (gpointer data)
{
  Stopper *stopper = data;

  return g_atomic_int_get (&stopper->done) ||
         g_get_monotonic_time () > (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (stopper->runtime), "until"));
}

static gboolean
app_source_ran (gpointer data)
{
  GThread **thread = data;

  *thread = g_thread_self ();
  return G_SOURCE_REMOVE;
}

static void
test_main_context_stop_from_other_thread (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  GThread *main_thread = g_thread_self ();
  GThread *app_source_thread = NULL;
  Stopper stopper = { runtime, FALSE };
  GThread *thread;

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "1000");
  g_free (test_add (runtime, "probe-main", "ui"));
  g_free (test_link (runtime, "src", "ui"));
  test_start (runtime);
  test_wait_int64 (runtime, "ui", "count", 5);

  /* An application source of the main context, ready to run. */
  g_idle_add (app_source_ran, &app_source_thread);

  thread = g_thread_new ("stopper", stop_from_thread, &stopper);
  {
    /* Busy for a while: wait on another context. */
    g_autoptr(GMainContext) other = g_main_context_new ();

    g_object_set_data (G_OBJECT (runtime), "until",
                       GSIZE_TO_POINTER (g_get_monotonic_time () + 200 * 1000));
    g_main_context_push_thread_default (other);
    test_wait_for (stopper_done_or_later, &stopper, "the stopper or a delay");
    g_main_context_pop_thread_default (other);
  }
  test_wait_for (stopper_done, &stopper, "the stopper");
  g_thread_join (thread);
  test_iterate_for (10 * 1000);

  test_wait_recorded ("ui", "teardown");
  assert_all_on_thread ("ui", main_thread, 3);
  g_assert_true (app_source_thread == main_thread);
}

/* ---- thread names --------------------------------------------------------- */

static GHashTable *
thread_names (void)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *task;

  if (dir == NULL)
    return names;

  while ((task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/comm", task);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL))
        g_hash_table_add (names, g_strdup (g_strstrip (comm)));
    }

  return names;
}

static void
test_thread_names (void)
{
  g_autoptr(SlRuntime) runtime = NULL;
  g_autoptr(GHashTable) names = NULL;

  if (!g_file_test ("/proc/self/task", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no /proc/self/task");
      return;
    }

  runtime = test_probe_runtime_new ();
  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "500");
  g_free (test_add (runtime, "passthrough", "a-long-processor-name"));
  g_free (test_add (runtime, "counter-sink", "sink"));
  g_free (test_add (runtime, "probe-main", "ui"));
  g_free (test_link (runtime, "src", "a-long-processor-name"));
  g_free (test_link (runtime, "a-long-processor-name", "sink"));
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 2);

  names = thread_names ();
  if (g_test_verbose ())
    {
      GHashTableIter iter;
      gpointer name;

      g_hash_table_iter_init (&iter, names);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        g_printerr ("# thread “%s”\n", (char *) name);
    }
  g_assert_true (g_hash_table_contains (names, "sl:src"));
  g_assert_true (g_hash_table_contains (names, "sl:sink"));
  /* Linux keeps 15 bytes of a thread name. */
  g_assert_true (g_hash_table_contains (names, "sl:a-long-proce"));
  /* A main-context processor has no thread of its own. */
  g_assert_false (g_hash_table_contains (names, "sl:ui"));

  test_stop (runtime, SL_STOP_DRAIN);
}

int
main (int argc, char *argv[])
{
  test_init (&argc, &argv);

  g_test_add_func ("/runtime/modes/pause/gate", test_pause_gate);
  g_test_add_func ("/runtime/modes/pause/blocked-producer", test_pause_with_blocked_producer);
  g_test_add_func ("/runtime/modes/pause/states", test_pause_states);
  g_test_add_func ("/runtime/modes/continuous-interval", test_continuous_interval);
  g_test_add_func ("/runtime/modes/manual", test_manual);
  g_test_add_func ("/runtime/modes/reactive", test_reactive);
  g_test_add_func ("/runtime/modes/main-context/affinity", test_main_context_affinity);
  g_test_add_func ("/runtime/modes/main-context/add-remove", test_main_context_add_remove);
  g_test_add_func ("/runtime/modes/main-context/source", test_main_context_source);
  g_test_add_func ("/runtime/modes/main-context/added-by-processor", test_main_context_added_by_processor);
  g_test_add_func ("/runtime/modes/main-context/block-link", test_main_context_block_link);
  g_test_add_func ("/runtime/modes/main-context/stop-from-other-thread",
                   test_main_context_stop_from_other_thread);
  g_test_add_func ("/runtime/modes/thread-names", test_thread_names);

  return g_test_run ();
}
