/* test-signals.c: every runtime signal arrives on the thread that owns the
 * runtime's main context, in lifecycle order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-util.h"

typedef struct
{
  GThread    *thread;          /* the test's thread */
  gboolean    wrong_thread;
  GArray     *runtime_states;  /* SlRuntimeState, new states in order */
  GArray     *notified_states; /* SlRuntime:state at each notify */
  GHashTable *processor_states; /* id → GArray of SlProcessorState */
  GPtrArray  *errors;           /* "id: message" */
  guint       committed;
  gboolean    old_state_mismatch;
} Watch;

static void
watch_check_thread (Watch *watch)
{
  if (g_thread_self () != watch->thread)
    watch->wrong_thread = TRUE;
}

static void
on_state_changed (SlRuntime      *runtime,
                  SlRuntimeState  old_state,
                  SlRuntimeState  new_state,
                  Watch          *watch)
{
  watch_check_thread (watch);
  if (watch->runtime_states->len > 0 &&
      g_array_index (watch->runtime_states, SlRuntimeState, watch->runtime_states->len - 1) != old_state)
    watch->old_state_mismatch = TRUE;
  g_array_append_val (watch->runtime_states, new_state);
}

static void
on_notify_state (SlRuntime  *runtime,
                 GParamSpec *pspec,
                 Watch      *watch)
{
  SlRuntimeState state;

  watch_check_thread (watch);
  g_object_get (runtime, "state", &state, NULL);
  g_array_append_val (watch->notified_states, state);
}

static void
on_processor_state_changed (SlRuntime        *runtime,
                            const char       *id,
                            SlProcessorState  state,
                            Watch            *watch)
{
  GArray *states;

  watch_check_thread (watch);
  states = g_hash_table_lookup (watch->processor_states, id);
  if (states == NULL)
    {
      states = g_array_new (FALSE, FALSE, sizeof (SlProcessorState));
      g_hash_table_insert (watch->processor_states, g_strdup (id), states);
    }
  g_array_append_val (states, state);
}

static void
on_error (SlRuntime    *runtime,
          const char   *id,
          const GError *error,
          Watch        *watch)
{
  watch_check_thread (watch);
  g_ptr_array_add (watch->errors, g_strdup_printf ("%s: %s", id, error->message));
}

static void
on_committed (SlRuntime *runtime,
              Watch     *watch)
{
  watch_check_thread (watch);
  watch->committed++;
}

static void
watch_init (Watch     *watch,
            SlRuntime *runtime)
{
  watch->thread = g_thread_self ();
  watch->runtime_states = g_array_new (FALSE, FALSE, sizeof (SlRuntimeState));
  watch->notified_states = g_array_new (FALSE, FALSE, sizeof (SlRuntimeState));
  watch->processor_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) g_array_unref);
  watch->errors = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (runtime, "state-changed", G_CALLBACK (on_state_changed), watch);
  g_signal_connect (runtime, "notify::state", G_CALLBACK (on_notify_state), watch);
  g_signal_connect (runtime, "processor-state-changed", G_CALLBACK (on_processor_state_changed), watch);
  g_signal_connect (runtime, "error", G_CALLBACK (on_error), watch);
  g_signal_connect (runtime, "committed", G_CALLBACK (on_committed), watch);
}

static void
watch_clear (Watch     *watch,
             SlRuntime *runtime)
{
  g_signal_handlers_disconnect_by_data (runtime, watch);
  g_array_unref (watch->runtime_states);
  g_array_unref (watch->notified_states);
  g_hash_table_unref (watch->processor_states);
  g_ptr_array_unref (watch->errors);
}

/* Lifecycle rank: states may only move forward, except RUNNING ⇄ PAUSED. */
static int
rank (SlProcessorState state)
{
  switch (state)
    {
    case SL_PROCESSOR_STATE_SPAWNED:
      return 1;
    case SL_PROCESSOR_STATE_SETTING_UP:
      return 2;
    case SL_PROCESSOR_STATE_RUNNING:
    case SL_PROCESSOR_STATE_PAUSED:
      return 3;
    case SL_PROCESSOR_STATE_DRAINING:
      return 4;
    case SL_PROCESSOR_STATE_STOPPED:
    case SL_PROCESSOR_STATE_FAILED:
      return 5;
    case SL_PROCESSOR_STATE_NONE:
    default:
      return 0;
    }
}

static char *
format_states (GArray *states)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GEnumClass) klass = g_type_class_ref (SL_TYPE_PROCESSOR_STATE);

  for (guint i = 0; i < states->len; i++)
    g_string_append_printf (text, "%s%s", i ? " → " : "",
                            g_enum_get_value (klass, g_array_index (states, SlProcessorState, i))->value_nick);
  return g_string_free (text, FALSE);
}

static void
assert_lifecycle (Watch            *watch,
                  const char       *id,
                  SlProcessorState  last)
{
  GArray *states = g_hash_table_lookup (watch->processor_states, id);
  g_autofree char *text = NULL;

  g_assert_nonnull (states);
  text = format_states (states);
  if (g_test_verbose ())
    g_printerr ("# %s: %s\n", id, text);

  if (g_array_index (states, SlProcessorState, 0) != SL_PROCESSOR_STATE_SPAWNED ||
      g_array_index (states, SlProcessorState, states->len - 1) != last)
    g_error ("%s: states %s do not go from spawned to %d", id, text, last);
  for (guint i = 1; i < states->len; i++)
    {
      SlProcessorState prev = g_array_index (states, SlProcessorState, i - 1);
      SlProcessorState state = g_array_index (states, SlProcessorState, i);

      if (state == prev || rank (state) < rank (prev))
        g_error ("%s: states %s out of lifecycle order", id, text);
    }
  /* Set up before running. */
  g_assert_cmpint (g_array_index (states, SlProcessorState, 1), ==, SL_PROCESSOR_STATE_SETTING_UP);
}

static gboolean
has_state_count (gpointer user_data)
{
  Watch *watch = user_data;

  return watch->runtime_states->len >= 4 &&
         g_array_index (watch->runtime_states, SlRuntimeState, watch->runtime_states->len - 1) ==
         SL_RUNTIME_STATE_IDLE;
}

static void
assert_runtime_states (Watch                *watch,
                       const SlRuntimeState *expected,
                       guint                 n)
{
  GArray *states = watch->runtime_states;

  if (states->len != n || memcmp (states->data, expected, n * sizeof (SlRuntimeState)) != 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < states->len; i++)
        g_string_append_printf (text, " %d", g_array_index (states, SlRuntimeState, i));
      g_error ("runtime states:%s", text->str);
    }
  /* notify::state follows each change. The getter reads the state as it
   * is when the notification is dispatched, which may already be later in
   * the sequence: only the last one must be the final state. */
  g_assert_cmpuint (watch->notified_states->len, ==, n);
  g_assert_cmpint (g_array_index (watch->notified_states, SlRuntimeState, n - 1), ==, expected[n - 1]);
  g_assert_false (watch->old_state_mismatch);
}

static void
test_signals_in_order (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  g_autoptr(GError) error = NULL;
  static const SlRuntimeState expected[] = {
    SL_RUNTIME_STATE_STARTING, SL_RUNTIME_STATE_RUNNING,
    SL_RUNTIME_STATE_PAUSED, SL_RUNTIME_STATE_RUNNING,
    SL_RUNTIME_STATE_DRAINING, SL_RUNTIME_STATE_IDLE,
  };
  const char *ids[] = { "src", "mid", "sink", "ui", "late" };
  Watch watch = { 0 };

  test_recorder_reset ();
  test_register_processors (runtime);
  watch_init (&watch, runtime);

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe", "mid"));
  g_free (test_add (runtime, "probe-main", "ui"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "mid"));
  g_free (test_link (runtime, "mid", "ui"));
  g_free (test_link (runtime, "ui", "sink"));
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 10);

  g_free (test_add (runtime, "probe-sink", "late"));
  g_free (test_link (runtime, "mid", "late"));
  test_wait_int64 (runtime, "late", "count", 10);

  test_pause (runtime);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    test_wait_processor_state (runtime, ids[i], SL_PROCESSOR_STATE_PAUSED);
  g_assert_true (sl_runtime_resume (runtime, &error));
  g_assert_no_error (error);
  test_wait_int64 (runtime, "late", "count", 20);

  test_stop (runtime, SL_STOP_DRAIN);
  test_wait_for (has_state_count, &watch, "the runtime's state signals");
  /* Let every queued signal through. */
  test_iterate_for (10 * 1000);

  g_assert_false (watch.wrong_thread);
  assert_runtime_states (&watch, expected, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    assert_lifecycle (&watch, ids[i], SL_PROCESSOR_STATE_STOPPED);
  g_assert_cmpuint (watch.errors->len, ==, 0);
  /* start, add, link: each a commit (pause and resume are not). */
  g_assert_cmpuint (watch.committed, >=, 3);

  watch_clear (&watch, runtime);
}

/* A failure: the error signal comes on the main thread with the id, and the
 * processor's states end in FAILED. */
static void
test_signals_failure (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  Watch watch = { 0 };

  test_recorder_reset ();
  test_register_processors (runtime);
  watch_init (&watch, runtime);

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe-sink", "bad"));
  test_set (runtime, "bad", "fail-at", "3");
  g_free (test_link (runtime, "src", "bad"));
  test_start (runtime);
  test_wait_processor_state (runtime, "bad", SL_PROCESSOR_STATE_FAILED);
  test_stop (runtime, SL_STOP_DRAIN);
  test_wait_for (has_state_count, &watch, "the runtime's state signals");
  test_iterate_for (10 * 1000);

  g_assert_false (watch.wrong_thread);
  assert_lifecycle (&watch, "bad", SL_PROCESSOR_STATE_FAILED);
  assert_lifecycle (&watch, "src", SL_PROCESSOR_STATE_STOPPED);
  g_assert_cmpuint (watch.errors->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (watch.errors, 0), "bad: "));

  watch_clear (&watch, runtime);
}

/* Signals are emitted on the context that was thread-default when the
 * runtime was made, even when the runtime is driven from another thread. */
typedef struct
{
  SlRuntime *runtime;
  gboolean   done;
} Driver;

static gpointer
drive_runtime (gpointer data)
{
  Driver *driver = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();

  /* The driver's own context, for the bounded wait helpers only. */
  g_main_context_push_thread_default (context);
  g_assert_true (sl_runtime_start (driver->runtime, &error));
  g_assert_no_error (error);
  test_wait_int64 (driver->runtime, "sink", "count", 10);
  g_assert_true (sl_runtime_pause (driver->runtime, &error));
  g_assert_true (sl_runtime_resume (driver->runtime, &error));
  g_assert_true (sl_runtime_stop (driver->runtime, SL_STOP_DRAIN, &error));
  g_assert_no_error (error);
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&driver->done, TRUE);
  g_main_context_wakeup (sl_runtime_get_main_context (driver->runtime));
  return NULL;
}

static gboolean
driver_done (gpointer data)
{
  Driver *driver = data;

  return g_atomic_int_get (&driver->done);
}

static void
test_signals_from_other_thread (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  Watch watch = { 0 };
  Driver driver = { runtime, FALSE };
  GThread *thread;
  static const SlRuntimeState expected[] = {
    SL_RUNTIME_STATE_STARTING, SL_RUNTIME_STATE_RUNNING,
    SL_RUNTIME_STATE_PAUSED, SL_RUNTIME_STATE_RUNNING,
    SL_RUNTIME_STATE_DRAINING, SL_RUNTIME_STATE_IDLE,
  };

  test_recorder_reset ();
  test_register_processors (runtime);
  watch_init (&watch, runtime);
  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "sink"));

  thread = g_thread_new ("driver", drive_runtime, &driver);
  test_wait_for (driver_done, &driver, "the driver thread");
  g_thread_join (thread);
  test_iterate_for (10 * 1000);

  g_assert_false (watch.wrong_thread);
  assert_runtime_states (&watch, expected, G_N_ELEMENTS (expected));
  assert_lifecycle (&watch, "src", SL_PROCESSOR_STATE_STOPPED);
  assert_lifecycle (&watch, "sink", SL_PROCESSOR_STATE_STOPPED);

  watch_clear (&watch, runtime);
}

/* A runtime made on a worker thread with its own thread-default context
 * emits there, not on the global default context. */
typedef struct
{
  gboolean  ok;
  gboolean  wrong_thread;
  guint     states;
} Worker;

static void
worker_state_changed (SlRuntime      *runtime,
                      SlRuntimeState  old_state,
                      SlRuntimeState  new_state,
                      GThread        *thread)
{
  Worker *worker = g_object_get_data (G_OBJECT (runtime), "worker");

  if (g_thread_self () != thread)
    worker->wrong_thread = TRUE;
  worker->states++;
}

static gboolean
worker_saw_all (gpointer data)
{
  Worker *worker = data;

  return worker->states >= 4;
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SlRuntime) runtime = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (context);
  runtime = test_runtime_new ();
  g_assert_true (sl_runtime_get_main_context (runtime) == context);
  g_object_set_data (G_OBJECT (runtime), "worker", worker);
  g_signal_connect (runtime, "state-changed", G_CALLBACK (worker_state_changed), g_thread_self ());
  test_register_processors (runtime);
  g_free (test_add (runtime, "probe-source", "src"));
  test_set (runtime, "src", "num-frames", "100");
  g_free (test_add (runtime, "probe-main", "ui"));
  g_free (test_link (runtime, "src", "ui"));
  test_configure (runtime, "src.out->ui.in", 8, SL_OVERFLOW_BLOCK);
  g_assert_true (sl_runtime_start (runtime, &error));
  test_wait_int64 (runtime, "ui", "count", 100);
  g_assert_true (sl_runtime_stop (runtime, SL_STOP_DRAIN, &error));
  g_assert_no_error (error);
  test_wait_for (worker_saw_all, worker, "the worker's signals");
  g_clear_object (&runtime);
  g_main_context_pop_thread_default (context);

  worker->ok = TRUE;
  return NULL;
}

static void
test_signals_worker_context (void)
{
  Worker worker = { 0 };
  GThread *thread;
  g_autoptr(GPtrArray) events = NULL;

  test_recorder_reset ();
  thread = g_thread_new ("worker", worker_thread, &worker);
  g_thread_join (thread);

  g_assert_true (worker.ok);
  g_assert_false (worker.wrong_thread);
  /* The main-context processor ran on the worker's context, i.e. thread. */
  events = test_recorder_events ("ui");
  g_assert_cmpuint (events->len, >=, 3);
  for (guint i = 0; i < events->len; i++)
    g_assert_true (((TestEvent *) g_ptr_array_index (events, i))->thread != g_thread_self ());
}

/* ---- eos ------------------------------------------------------------------ */

typedef struct
{
  guint    count;
  gboolean wrong_thread;
  gint64   sink_count;   /* the sink's count when eos came */
  SlRuntime *runtime;
} EosWatch;

static void
on_eos (SlRuntime *runtime,
        EosWatch  *watch)
{
  if (g_thread_self () != g_object_get_data (G_OBJECT (runtime), "test-thread"))
    watch->wrong_thread = TRUE;
  watch->count++;
  watch->sink_count = test_get_int64 (runtime, "sink", "count");
}

static gboolean
eos_seen (gpointer data)
{
  return ((EosWatch *) data)->count > 0;
}

/* Sources that finish: eos once per run, after everything went through, on
 * the main thread; the drain that follows is immediate. */
static void
test_eos (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  EosWatch watch = { 0 };

  test_recorder_reset ();
  test_register_processors (runtime);
  g_object_set_data (G_OBJECT (runtime), "test-thread", g_thread_self ());
  g_signal_connect (runtime, "eos", G_CALLBACK (on_eos), &watch);
  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "num-frames", "100");
  g_free (test_add (runtime, "app-source", "app"));
  g_free (test_add (runtime, "probe", "mid"));
  g_free (test_add (runtime, "probe-main", "ui"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_add (runtime, "probe-sink", "app-sink"));
  g_free (test_link (runtime, "src", "mid"));
  g_free (test_link (runtime, "mid", "ui"));
  g_free (test_link (runtime, "ui", "sink"));
  g_free (test_link (runtime, "app", "app-sink"));
  test_configure (runtime, "src.out->mid.in", 8, SL_OVERFLOW_BLOCK);
  test_configure (runtime, "mid.out->ui.in", 8, SL_OVERFLOW_BLOCK);
  test_configure (runtime, "ui.out->sink.in", 8, SL_OVERFLOW_BLOCK);

  for (guint run = 0; run < 2; run++)
    {
      watch.count = 0;
      test_recorder_reset ();
      test_start (runtime);
      test_push_samples (runtime, "app", 0, 5);
      test_wait_int64 (runtime, "sink", "count", 100);
      /* The app source has not ended: no eos yet. */
      test_iterate_for (20 * 1000);
      g_assert_cmpuint (watch.count, ==, 0);

      test_end_of_stream (runtime, "app");
      test_wait_for (eos_seen, &watch, "eos");
      test_iterate_for (10 * 1000);
      g_assert_cmpuint (watch.count, ==, 1);
      g_assert_false (watch.wrong_thread);
      g_assert_cmpint (watch.sink_count, ==, 100);
      g_assert_cmpint (test_get_int64 (runtime, "app-sink", "count"), ==, 5);
      g_assert_cmpint (sl_runtime_get_state (runtime), ==, SL_RUNTIME_STATE_RUNNING);

      test_stop (runtime, SL_STOP_DRAIN);
      g_assert_cmpuint (watch.count, ==, 1);
    }
}

/* No eos while an unbounded source runs, nor when the runtime is stopped
 * by the application. */
static void
test_no_eos (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  EosWatch watch = { 0 };

  test_recorder_reset ();
  test_register_processors (runtime);
  g_object_set_data (G_OBJECT (runtime), "test-thread", g_thread_self ());
  g_signal_connect (runtime, "eos", G_CALLBACK (on_eos), &watch);
  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "num-frames", "10");
  g_free (test_add (runtime, "test-source", "live"));
  test_set (runtime, "live", "rate", "1000");
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_add (runtime, "probe-sink", "live-sink"));
  g_free (test_link (runtime, "src", "sink"));
  g_free (test_link (runtime, "live", "live-sink"));
  test_configure (runtime, "src.out->sink.in", 4, SL_OVERFLOW_BLOCK);
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 10);
  test_wait_int64 (runtime, "live-sink", "count", 20);
  test_iterate_for (20 * 1000);
  test_stop (runtime, SL_STOP_DRAIN);
  test_iterate_for (10 * 1000);
  g_assert_cmpuint (watch.count, ==, 0);
}

int
main (int argc, char *argv[])
{
  test_init (&argc, &argv);

  g_test_add_func ("/runtime/signals/in-order", test_signals_in_order);
  g_test_add_func ("/runtime/signals/failure", test_signals_failure);
  g_test_add_func ("/runtime/signals/from-other-thread", test_signals_from_other_thread);
  g_test_add_func ("/runtime/signals/worker-context", test_signals_worker_context);
  g_test_add_func ("/runtime/signals/eos", test_eos);
  g_test_add_func ("/runtime/signals/no-eos", test_no_eos);

  return g_test_run ();
}
