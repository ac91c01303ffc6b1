/* test-failure.c: a failing processor is reported and isolated
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-util.h"

typedef struct
{
  GThread   *thread;
  gboolean   wrong_thread;
  GPtrArray *ids;
  GPtrArray *errors;   /* GError* */
} Errors;

static void
on_error (SlRuntime    *runtime,
          const char   *id,
          const GError *error,
          Errors       *errors)
{
  if (g_thread_self () != errors->thread)
    errors->wrong_thread = TRUE;
  g_ptr_array_add (errors->ids, g_strdup (id));
  g_ptr_array_add (errors->errors, g_error_copy (error));
}

static void
errors_init (Errors    *errors,
             SlRuntime *runtime)
{
  errors->thread = g_thread_self ();
  errors->ids = g_ptr_array_new_with_free_func (g_free);
  errors->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_signal_connect (runtime, "error", G_CALLBACK (on_error), errors);
}

static void
errors_clear (Errors    *errors,
              SlRuntime *runtime)
{
  g_signal_handlers_disconnect_by_data (runtime, errors);
  g_ptr_array_unref (errors->ids);
  g_ptr_array_unref (errors->errors);
}

typedef struct
{
  Errors *errors;
  guint   n;
} WaitErrors;

static gboolean
has_errors (gpointer data)
{
  WaitErrors *wait = data;

  return wait->errors->ids->len >= wait->n;
}

static void
wait_errors (Errors *errors,
             guint   n)
{
  WaitErrors wait = { errors, n };

  test_wait_for (has_errors, &wait, "error signals");
}

static void
assert_error (Errors     *errors,
              guint       index,
              const char *id,
              const char *vfunc)
{
  const GError *error = g_ptr_array_index (errors->errors, index);

  g_assert_cmpstr (g_ptr_array_index (errors->ids, index), ==, id);
  /* The processor's own error, with the id and the stage in the message. */
  g_assert_error (error, SL_ERROR, SL_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, id));
  g_assert_nonnull (strstr (error->message, vfunc));
  g_assert_nonnull (strstr (error->message, "told to fail"));
}

static void
test_isolation (gconstpointer data)
{
  const char *kind = data;   /* the failing processors' factory */
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  Errors errors = { 0 };
  gint64 good;

  test_recorder_reset ();
  test_register_processors (runtime);
  errors_init (&errors, runtime);

  /* src → bad-setup → after-setup
   * src → bad-process → after-process
   * src → good */
  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, kind, "bad-setup"));
  test_set (runtime, "bad-setup", "fail-setup", "true");
  g_free (test_add (runtime, kind, "bad-process"));
  test_set (runtime, "bad-process", "fail-at", "10");
  g_free (test_add (runtime, "probe-sink", "after-setup"));
  g_free (test_add (runtime, "probe-sink", "after-process"));
  g_free (test_add (runtime, "probe-sink", "good"));
  g_free (test_link (runtime, "src", "bad-setup"));
  g_free (test_link (runtime, "src", "bad-process"));
  g_free (test_link (runtime, "src", "good"));
  g_free (test_link (runtime, "bad-setup", "after-setup"));
  g_free (test_link (runtime, "bad-process", "after-process"));
  test_configure (runtime, "bad-process.out->after-process.in", 4, SL_OVERFLOW_BLOCK);

  test_start (runtime);
  wait_errors (&errors, 2);
  test_wait_processor_state (runtime, "bad-setup", SL_PROCESSOR_STATE_FAILED);
  test_wait_processor_state (runtime, "bad-process", SL_PROCESSOR_STATE_FAILED);

  g_assert_false (errors.wrong_thread);
  g_assert_cmpuint (errors.ids->len, ==, 2);
  if (g_str_equal (g_ptr_array_index (errors.ids, 0), "bad-setup"))
    {
      assert_error (&errors, 0, "bad-setup", "setup");
      assert_error (&errors, 1, "bad-process", "process");
    }
  else
    {
      assert_error (&errors, 0, "bad-process", "process");
      assert_error (&errors, 1, "bad-setup", "setup");
    }

  /* The failed ones stay failed; the rest keeps running. */
  good = test_get_int64 (runtime, "good", "count");
  test_wait_int64 (runtime, "good", "count", good + 20);
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "bad-setup"), ==, SL_PROCESSOR_STATE_FAILED);
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "bad-process"), ==, SL_PROCESSOR_STATE_FAILED);
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "after-setup"), ==, SL_PROCESSOR_STATE_RUNNING);
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "src"), ==, SL_PROCESSOR_STATE_RUNNING);
  g_assert_cmpint (sl_runtime_get_state (runtime), ==, SL_RUNTIME_STATE_RUNNING);
  /* The frames before the failure went through (lossless link); none
   * after. */
  test_wait_int64 (runtime, "after-process", "count", 10);
  test_iterate_for (10 * 1000);
  g_assert_cmpint (test_get_int64 (runtime, "after-process", "count"), ==, 10);
  g_assert_cmpint (test_get_int64 (runtime, "after-setup", "count"), ==, 0);
  /* A failed setup runs no process, and no teardown. */
  g_assert_cmpint (test_get_int64 (runtime, "bad-setup", "processed"), ==, 0);

  /* Pause and resume still work around the failed processors. */
  test_pause (runtime);
  g_assert_true (sl_runtime_resume (runtime, NULL));
  test_wait_int64 (runtime, "good", "count", test_get_int64 (runtime, "good", "count") + 20);

  test_stop (runtime, SL_STOP_DRAIN);
  test_iterate_for (10 * 1000);
  /* No further error: the links add up. */
  g_assert_cmpuint (errors.ids->len, ==, 2);
  test_assert_invariant (runtime, "src.out->bad-setup.in");
  test_assert_invariant (runtime, "src.out->bad-process.in");
  test_assert_invariant (runtime, "src.out->good.in");
  test_assert_invariant (runtime, "bad-process.out->after-process.in");
  g_assert_false (test_recorder_has ("bad-setup", "teardown"));
  g_assert_true (test_recorder_has ("bad-process", "teardown"));

  errors_clear (&errors, runtime);
}

/* A processor failing in teardown is reported too, and the drain ends. */
static void
on_processor_state (SlRuntime        *runtime,
                    const char       *id,
                    SlProcessorState  state,
                    SlProcessorState *last)
{
  if (g_str_equal (id, "bad"))
    *last = state;
}

static void
test_teardown_failure (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  SlProcessorState last = SL_PROCESSOR_STATE_NONE;
  Errors errors = { 0 };

  test_recorder_reset ();
  test_register_processors (runtime);
  errors_init (&errors, runtime);
  g_signal_connect (runtime, "processor-state-changed", G_CALLBACK (on_processor_state), &last);

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe", "bad"));
  test_set (runtime, "bad", "fail-teardown", "true");
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "bad"));
  g_free (test_link (runtime, "bad", "sink"));
  test_configure (runtime, "src.out->bad.in", 4, SL_OVERFLOW_BLOCK);
  test_configure (runtime, "bad.out->sink.in", 4, SL_OVERFLOW_BLOCK);
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 5);
  test_stop (runtime, SL_STOP_DRAIN);
  wait_errors (&errors, 1);
  test_iterate_for (10 * 1000);

  g_assert_cmpuint (errors.ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (errors.ids, 0), ==, "bad");
  g_assert_nonnull (strstr (((GError *) g_ptr_array_index (errors.errors, 0))->message, "teardown"));
  g_assert_cmpint (last, ==, SL_PROCESSOR_STATE_FAILED);
  /* Its downstream still got everything: lossless links. */
  test_assert_invariant (runtime, "src.out->bad.in");
  {
    g_autoptr(SlLinkStats) in = test_link_stats (runtime, "src.out->bad.in");
    g_autoptr(SlLinkStats) out = test_link_stats (runtime, "bad.out->sink.in");

    g_assert_cmpuint (sl_link_stats_get_popped (in), ==, sl_link_stats_get_pushed (in));
    g_assert_cmpuint (sl_link_stats_get_popped (out), ==, sl_link_stats_get_pushed (in));
  }

  errors_clear (&errors, runtime);
}

/* A consumer that failed stops taking frames from its block link. Its
 * producer must not be stuck on that link for ever: its other consumers
 * keep being fed, and a drain completes. */
static void
test_failed_consumer_of_block_link (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  Errors errors = { 0 };
  gint64 good;

  test_recorder_reset ();
  test_register_processors (runtime);
  errors_init (&errors, runtime);

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe-sink", "bad"));
  test_set (runtime, "bad", "fail-at", "3");
  g_free (test_add (runtime, "probe-sink", "good"));
  g_free (test_link (runtime, "src", "bad"));
  g_free (test_link (runtime, "src", "good"));
  test_configure (runtime, "src.out->bad.in", 4, SL_OVERFLOW_BLOCK);
  test_configure (runtime, "src.out->good.in", 4, SL_OVERFLOW_BLOCK);

  test_start (runtime);
  wait_errors (&errors, 1);
  test_wait_processor_state (runtime, "bad", SL_PROCESSOR_STATE_FAILED);

  good = test_get_int64 (runtime, "good", "count");
  test_wait_int64 (runtime, "good", "count", good + 50);
  if (g_test_verbose ())
    {
      g_autoptr(SlLinkStats) stats = test_link_stats (runtime, "src.out->bad.in");

      g_printerr ("# bad link: pushed %" G_GUINT64_FORMAT " popped %" G_GUINT64_FORMAT
                  " dropped %" G_GUINT64_FORMAT " queued %" G_GUINT64_FORMAT "\n",
                  sl_link_stats_get_pushed (stats), sl_link_stats_get_popped (stats),
                  sl_link_stats_get_dropped (stats), sl_link_stats_get_queued (stats));
    }

  test_stop (runtime, SL_STOP_DRAIN);
  test_assert_invariant (runtime, "src.out->bad.in");
  test_assert_invariant (runtime, "src.out->good.in");

  errors_clear (&errors, runtime);
}

/* A block link made to a processor after it failed: nobody will ever pop
 * it, so its producer must not wait for room for ever (as with the links
 * it had when it failed), and a drain completes. */
static void
test_link_to_failed_consumer (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  g_autoptr(GError) error = NULL;
  Errors errors = { 0 };
  const char *link = "app.out->bad.in";

  test_recorder_reset ();
  test_register_processors (runtime);
  errors_init (&errors, runtime);

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe-sink", "bad"));
  test_set (runtime, "bad", "fail-at", "1");
  g_free (test_add (runtime, "app-source", "app"));
  g_free (test_link (runtime, "src", "bad"));
  test_start (runtime);
  test_wait_processor_state (runtime, "bad", SL_PROCESSOR_STATE_FAILED);

  g_assert_true (sl_runtime_unlink (runtime, "src.out->bad.in", &error));
  g_assert_no_error (error);
  sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);
  g_free (test_link (runtime, "app", "bad"));
  test_configure (runtime, link, 1, SL_OVERFLOW_BLOCK);
  g_assert_true (sl_runtime_commit (runtime, &error));
  sl_runtime_set_commit_mode (runtime, SL_COMMIT_AUTO);

  test_push_samples (runtime, "app", 0, 5);
  test_wait_pushed (runtime, link, 5);
  test_stop (runtime, SL_STOP_DRAIN);
  test_assert_invariant (runtime, link);

  errors_clear (&errors, runtime);
}

/* A failed processor can be removed and replaced while the rest runs. */
static void
test_replace_failed (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  g_autoptr(GError) error = NULL;
  Errors errors = { 0 };

  test_recorder_reset ();
  test_register_processors (runtime);
  errors_init (&errors, runtime);

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe", "mid"));
  test_set (runtime, "mid", "fail-at", "5");
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "mid"));
  g_free (test_link (runtime, "mid", "sink"));
  test_start (runtime);
  test_wait_processor_state (runtime, "mid", SL_PROCESSOR_STATE_FAILED);

  g_assert_true (sl_runtime_remove (runtime, "mid", &error));
  g_assert_no_error (error);
  sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);
  g_free (test_add (runtime, "probe", "mid"));
  g_free (test_link (runtime, "src", "mid"));
  g_free (test_link (runtime, "mid", "sink"));
  g_assert_true (sl_runtime_commit (runtime, &error));
  g_assert_no_error (error);

  test_wait_processor_state (runtime, "mid", SL_PROCESSOR_STATE_RUNNING);
  test_wait_int64 (runtime, "sink", "count", 5 + 20);
  test_stop (runtime, SL_STOP_DRAIN);
  g_assert_cmpuint (errors.ids->len, ==, 1);

  errors_clear (&errors, runtime);
}

int
main (int argc, char *argv[])
{
  test_init (&argc, &argv);

  g_test_add_data_func ("/runtime/failure/isolation/thread", "probe", test_isolation);
  g_test_add_data_func ("/runtime/failure/isolation/main-context", "probe-main", test_isolation);
  g_test_add_func ("/runtime/failure/teardown", test_teardown_failure);
  g_test_add_func ("/runtime/failure/failed-consumer-of-block-link", test_failed_consumer_of_block_link);
  g_test_add_func ("/runtime/failure/replace-failed", test_replace_failed);
  g_test_add_func ("/runtime/failure/link-to-failed-consumer", test_link_to_failed_consumer);

  return g_test_run ();
}
