/* test-delta.c: the order a commit applies its delta in, and edits in every
 * state and commit mode
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-util.h"

static void
assert_recorded (const char *id,
                 const char *text)
{
  g_autofree char *phase = g_strndup (text, strcspn (text, " "));

  /* The phase happens on the processor's thread: wait for it first. */
  test_wait_recorded (id, phase);
  if (!test_recorder_has (id, text))
    {
      g_autoptr(GPtrArray) events = test_recorder_events (id);

      for (guint i = 0; i < events->len; i++)
        g_printerr ("  [%s] %s\n", id, ((TestEvent *) g_ptr_array_index (events, i))->text);
      g_error ("%s did not record “%s”", id, text);
    }
}

/* Step 4 before step 5: a processor's setup sees its links wired, both when
 * the runtime starts and when a running runtime commits a new processor
 * together with its links. */
static void
test_setup_sees_links (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autofree char *l1 = NULL, *l2 = NULL, *l3 = NULL, *l4 = NULL;
  g_autoptr(GError) error = NULL;

  g_free (test_add (runtime, "probe-source", "src"));
  g_free (test_add (runtime, "probe", "mid"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  l1 = test_link (runtime, "src", "mid");
  l2 = test_link (runtime, "mid", "sink");

  test_start (runtime);
  test_wait_recorded ("sink", "setup");
  assert_recorded ("src", "setup in=none out=1");
  assert_recorded ("mid", "setup in=linked out=1");
  assert_recorded ("sink", "setup in=linked out=0");

  /* Added while running, with its links, as one commit. */
  sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);
  g_free (test_add (runtime, "probe", "late"));
  g_free (test_add (runtime, "probe-sink", "late-sink"));
  l3 = test_link (runtime, "mid", "late");
  l4 = test_link (runtime, "late", "late-sink");
  g_assert_true (sl_runtime_commit (runtime, &error));
  g_assert_no_error (error);

  test_wait_recorded ("late-sink", "setup");
  assert_recorded ("late", "setup in=linked out=1");
  assert_recorded ("late-sink", "setup in=linked out=0");
  test_wait_int64 (runtime, "late-sink", "count", 10);

  /* Added in AUTO mode: its links come in a later commit, so its setup
   * sees none, and frames flow once they are wired. */
  sl_runtime_set_commit_mode (runtime, SL_COMMIT_AUTO);
  g_free (test_add (runtime, "probe-sink", "auto-sink"));
  test_wait_recorded ("auto-sink", "setup");
  assert_recorded ("auto-sink", "setup in=unlinked out=0");
  g_free (test_link (runtime, "late", "auto-sink"));
  test_wait_int64 (runtime, "auto-sink", "count", 10);

  test_stop (runtime, SL_STOP_IMMEDIATE);
}

/* Step 1 before step 2: a removed processor's links are unwired before its
 * teardown runs. Repeated, because the unwiring and the stop request reach
 * the processor's thread through two different paths. */
static void
test_teardown_sees_unwired (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  guint rounds = test_under_sanitizer () ? 40 : 200;
  guint bad = 0;

  g_free (test_add (runtime, "probe-sink", "sink"));
  test_start (runtime);

  for (guint i = 0; i < rounds; i++)
    {
      g_autofree char *src = g_strdup_printf ("src%u", i);
      g_autofree char *mid = g_strdup_printf ("mid%u", i);
      g_autofree char *l1 = NULL, *l2 = NULL;
      g_autoptr(GError) error = NULL;

      /* A source spinning as fast as it can, into a filter, into the sink. */
      sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);
      g_free (test_add (runtime, "probe-source", src));
      g_free (test_add (runtime, "probe", mid));
      l1 = test_link (runtime, src, mid);
      l2 = test_link (runtime, mid, "sink");
      g_assert_true (sl_runtime_commit (runtime, &error));
      sl_runtime_set_commit_mode (runtime, SL_COMMIT_AUTO);
      test_wait_int64 (runtime, mid, "count", 1);

      /* Removing both in one commit. */
      sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);
      g_assert_true (sl_runtime_remove (runtime, src, &error));
      g_assert_true (sl_runtime_remove (runtime, mid, &error));
      g_assert_no_error (error);
      g_assert_true (sl_runtime_commit (runtime, &error));
      sl_runtime_set_commit_mode (runtime, SL_COMMIT_AUTO);

      test_wait_recorded (src, "teardown");
      test_wait_recorded (mid, "teardown");
      if (!test_recorder_has (src, "teardown in=none out=0"))
        bad++;
      if (!test_recorder_has (mid, "teardown in=unlinked out=0"))
        bad++;
    }

  test_stop (runtime, SL_STOP_DRAIN);

  if (bad > 0)
    g_error ("%u of %u removed processors ran teardown with links still wired", bad, rounds * 2);
}

/* Remove one processor from a running chain: it sees itself unwired, the
 * others keep running. */
static void
test_remove_middle (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;
  gint64 count;

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "1000");
  g_free (test_add (runtime, "probe", "mid"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "mid"));
  g_free (test_link (runtime, "mid", "sink"));
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 5);

  g_assert_true (sl_runtime_remove (runtime, "mid", &error));
  g_assert_no_error (error);
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "mid"), ==, SL_PROCESSOR_STATE_NONE);
  test_wait_recorded ("mid", "teardown");
  assert_recorded ("mid", "teardown in=unlinked out=0");

  /* The sink is still there, fed by nothing: it neither failed nor ended. */
  count = test_get_int64 (runtime, "sink", "count");
  test_iterate_for (30 * 1000);
  g_assert_cmpint (test_get_int64 (runtime, "sink", "count"), ==, count);
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "sink"), ==, SL_PROCESSOR_STATE_RUNNING);

  /* Relinking the source to the sink directly resumes the flow. */
  g_free (test_link (runtime, "src", "sink"));
  test_wait_int64 (runtime, "sink", "count", count + 5);

  test_stop (runtime, SL_STOP_DRAIN);
  test_assert_invariant (runtime, "src.out->sink.in");
}

/* ---- edits in every state and commit mode ------------------------------- */

typedef enum {
  EDIT_IDLE,
  EDIT_RUNNING,
  EDIT_PAUSED,
} EditState;

typedef struct
{
  EditState    state;
  SlCommitMode mode;
} EditCase;

static void
count_signal (gpointer  instance,
              guint    *counter)
{
  (*counter)++;
}

static SlOverflowPolicy
link_policy (SlRuntime  *runtime,
             const char *link)
{
  g_autoptr(SlLinkStats) stats = test_link_stats (runtime, link);

  return sl_link_stats_get_policy (stats);
}

static guint
link_capacity (SlRuntime  *runtime,
               const char *link)
{
  g_autoptr(SlLinkStats) stats = test_link_stats (runtime, link);

  return sl_link_stats_get_capacity (stats);
}

static void
test_edits (gconstpointer data)
{
  const EditCase *edit = data;
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;
  gboolean started = edit->state != EDIT_IDLE;
  gboolean manual = edit->mode == SL_COMMIT_MANUAL;
  guint committed = 0;
  gint64 victim_count, b_count;

  g_signal_connect (runtime, "committed", G_CALLBACK (count_signal), &committed);

  /* src → a → b, and a → victim. */
  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "1000");
  g_free (test_add (runtime, "probe", "a"));
  g_free (test_add (runtime, "probe-sink", "b"));
  g_free (test_add (runtime, "probe-sink", "victim"));
  g_free (test_link (runtime, "src", "a"));
  g_free (test_link (runtime, "a", "b"));
  g_free (test_link (runtime, "a", "victim"));
  test_configure (runtime, "a.out->b.in", 16, SL_OVERFLOW_DROP_OLDEST);

  if (started)
    {
      test_start (runtime);
      test_wait_int64 (runtime, "victim", "count", 3);
      test_wait_int64 (runtime, "b", "count", 3);
      if (edit->state == EDIT_PAUSED)
        test_pause (runtime);
    }
  sl_runtime_set_commit_mode (runtime, edit->mode);
  test_iterate_for (1000);
  committed = 0;

  /* The six edits. */
  g_free (test_add (runtime, "probe-sink", "x"));
  g_free (test_link (runtime, "a", "x"));
  test_set (runtime, "a", "trigger", "7");
  test_configure (runtime, "a.out->b.in", 3, SL_OVERFLOW_DROP_NEWEST);
  g_assert_true (sl_runtime_unlink (runtime, "a.out->victim.in", &error));
  g_assert_no_error (error);
  g_assert_true (sl_runtime_remove (runtime, "victim", &error));
  g_assert_no_error (error);

  /* The graph has them all, in every case. */
  {
    g_autoptr(SlGraph) graph = sl_runtime_get_graph (runtime);

    g_assert_true (sl_graph_has_node (graph, "x"));
    g_assert_false (sl_graph_has_node (graph, "victim"));
    g_assert_true (sl_graph_has_link (graph, "a.out->x.in"));
    g_assert_false (sl_graph_has_link (graph, "a.out->victim.in"));
  }

  if (!started || manual)
    {
      /* Nothing reached the processors. */
      g_assert_cmpint (sl_runtime_get_processor_state (runtime, "x"), ==, SL_PROCESSOR_STATE_NONE);
      g_assert_false (test_recorder_has ("a", "trigger 7"));
      g_assert_false (test_recorder_has ("victim", "teardown"));
      if (started)
        {
          g_assert_cmpint (sl_runtime_get_processor_state (runtime, "victim"), !=,
                           SL_PROCESSOR_STATE_NONE);
          /* The wired link is unchanged… */
          g_assert_cmpuint (link_capacity (runtime, "a.out->b.in"), ==, 16);
          g_assert_cmpint (link_policy (runtime, "a.out->b.in"), ==, SL_OVERFLOW_DROP_OLDEST);
        }
      test_iterate_for (20 * 1000);
      g_assert_cmpuint (committed, ==, 0);
      g_assert_cmpint (sl_runtime_get_processor_state (runtime, "x"), ==, SL_PROCESSOR_STATE_NONE);
      if (edit->state == EDIT_RUNNING)
        {
          /* …and the victim is still fed until the commit. */
          victim_count = test_get_int64 (runtime, "victim", "count");
          test_wait_int64 (runtime, "victim", "count", victim_count + 3);
        }

      if (started)
        {
          g_assert_true (sl_runtime_commit (runtime, &error));
          g_assert_no_error (error);
          test_iterate_for (1000);
          g_assert_cmpuint (committed, ==, 1);
        }
      else
        test_start (runtime);
    }
  else
    {
      /* AUTO: each edit was one commit. */
      test_iterate_for (1000);
      g_assert_cmpuint (committed, ==, 6);
    }

  /* Now everything is applied. */
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "x"), !=, SL_PROCESSOR_STATE_NONE);
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "victim"), ==, SL_PROCESSOR_STATE_NONE);
  /* In AUTO mode x is spawned by the add, before the link exists. */
  test_wait_recorded ("x", manual || !started ? "setup in=linked" : "setup");
  test_wait_recorded ("a", "trigger 7");
  if (started)
    test_wait_recorded ("victim", "teardown in=unlinked out=0");
  else
    g_assert_false (test_recorder_has ("victim", "setup"));
  /* The link change is applied by the producer's thread: wait for it. */
  {
    gint64 deadline = g_get_monotonic_time () + TEST_TIMEOUT_US;

    while (link_capacity (runtime, "a.out->b.in") != 3)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        test_iterate_for (1000);
      }
    g_assert_cmpint (link_policy (runtime, "a.out->b.in"), ==, SL_OVERFLOW_DROP_NEWEST);
  }

  if (edit->state == EDIT_PAUSED)
    {
      /* Applied while paused, and still nothing flows. */
      test_wait_processor_state (runtime, "x", SL_PROCESSOR_STATE_PAUSED);
      b_count = test_get_int64 (runtime, "b", "count");
      test_iterate_for (20 * 1000);
      g_assert_cmpint (test_get_int64 (runtime, "b", "count"), ==, b_count);
      g_assert_cmpint (test_get_int64 (runtime, "x", "count"), ==, 0);
      g_assert_true (sl_runtime_resume (runtime, &error));
      g_assert_no_error (error);
    }

  /* Frames reach the new processor and the old one keeps going. */
  test_wait_int64 (runtime, "x", "count", 3);
  b_count = test_get_int64 (runtime, "b", "count");
  test_wait_int64 (runtime, "b", "count", b_count + 3);

  test_stop (runtime, SL_STOP_DRAIN);
  test_assert_invariant (runtime, "src.out->a.in");
  test_assert_invariant (runtime, "a.out->b.in");
  test_assert_invariant (runtime, "a.out->x.in");
}

/* In MANUAL mode, pause and resume are not commits: edits made before them
 * still wait for sl_runtime_commit(). */
static void
test_manual_pause_does_not_commit (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "1000");
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "sink"));
  test_start (runtime);
  sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);

  g_free (test_add (runtime, "probe-sink", "pending"));
  test_pause (runtime);
  g_assert_true (sl_runtime_resume (runtime, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "pending"), ==, SL_PROCESSOR_STATE_NONE);

  g_assert_true (sl_runtime_commit (runtime, &error));
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "pending"), !=, SL_PROCESSOR_STATE_NONE);

  test_stop (runtime, SL_STOP_DRAIN);
}

/* A node removed and added back with the same id and factory in one commit
 * keeps its instance; the instance must still end up with the graph's
 * property values, not the old ones. */
static void
test_readd_resets_properties (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) offsets = NULL;

  g_free (test_add (runtime, "app-source", "src"));
  g_free (test_add (runtime, "drop-filter", "filter"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  test_set (runtime, "filter", "drop-every", "3");
  g_free (test_link (runtime, "src", "filter"));
  g_free (test_link (runtime, "filter", "sink"));
  test_configure (runtime, "src.out->filter.in", 4, SL_OVERFLOW_BLOCK);
  test_configure (runtime, "filter.out->sink.in", 4, SL_OVERFLOW_BLOCK);
  test_start (runtime);

  sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);
  g_assert_true (sl_runtime_remove (runtime, "filter", &error));
  g_free (test_add (runtime, "drop-filter", "filter"));   /* drop-every: default 2 */
  g_free (test_link (runtime, "src", "filter"));
  g_free (test_link (runtime, "filter", "sink"));
  test_configure (runtime, "src.out->filter.in", 4, SL_OVERFLOW_BLOCK);
  test_configure (runtime, "filter.out->sink.in", 4, SL_OVERFLOW_BLOCK);
  g_assert_true (sl_runtime_commit (runtime, &error));
  g_assert_no_error (error);
  test_wait_processor_state (runtime, "filter", SL_PROCESSOR_STATE_RUNNING);

  /* 12 frames through a drop-every=2 filter: 6 pass (with the old value
   * 3, 8 would: 0 1 3 4 6 7 9 10). Lossless links. */
  test_push_samples (runtime, "src", 0, 12);
  test_end_of_stream (runtime, "src");
  test_wait_pushed (runtime, "src.out->filter.in", 12);
  test_stop (runtime, SL_STOP_DRAIN);

  offsets = test_recorder_offsets ("sink");
  g_assert_cmpuint (offsets->len, ==, 6);
}

/* While a commit waits for a new processor's instance to exist (without
 * its lock), another thread edits the graph: here the new instance's own
 * construction unlinks a wired link and removes a running node. The commit
 * in progress must cope with the graph it finds when it takes the lock
 * back. */
static void
unlink_while_constructed (SlProcessor *processor,
                          gpointer     data)
{
  SlRuntime *runtime = data;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (sl_processor_get_id (processor), "newbie") != 0)
    return;

  g_assert_true (sl_runtime_unlink (runtime, "src.out->a.in", &error));
  g_assert_no_error (error);
  g_assert_true (sl_runtime_remove (runtime, "b", &error));
  g_assert_no_error (error);
  test_record ("newbie", "constructed");
}

static void
test_edit_while_spawning (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "1000");
  g_free (test_add (runtime, "probe-sink", "a"));
  g_free (test_add (runtime, "probe-sink", "b"));
  g_free (test_add (runtime, "probe-sink", "c"));
  g_free (test_link (runtime, "src", "a"));
  g_free (test_link (runtime, "src", "b"));
  g_free (test_link (runtime, "src", "c"));
  test_configure (runtime, "src.out->a.in", 4, SL_OVERFLOW_DROP_OLDEST);
  test_start (runtime);
  test_wait_int64 (runtime, "a", "count", 3);

  test_set_construct_hook (unlink_while_constructed, runtime);
  g_free (test_add (runtime, "probe-sink", "newbie"));
  test_set_construct_hook (NULL, NULL);
  test_wait_recorded ("newbie", "constructed");

  /* The edits made meanwhile are applied. */
  test_wait_recorded ("b", "teardown in=unlinked");
  test_wait_processor_state (runtime, "b", SL_PROCESSOR_STATE_NONE);
  {
    gint64 a = test_get_int64 (runtime, "a", "count");
    gint64 c = test_get_int64 (runtime, "c", "count");

    test_wait_int64 (runtime, "c", "count", c + 5);
    g_assert_cmpint (test_get_int64 (runtime, "a", "count"), <=, a + 4);
  }
  test_stop (runtime, SL_STOP_DRAIN);
}

/* A consumer whose producer ended (end-of-stream) and is replaced by a new
 * one, while running, receives the new producer's frames. */
static void
test_relink_after_eos (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;

  g_free (test_add (runtime, "test-source", "first"));
  test_set (runtime, "first", "num-frames", "5");
  g_free (test_add (runtime, "probe", "mid"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "first", "mid"));
  g_free (test_link (runtime, "mid", "sink"));
  test_configure (runtime, "first.out->mid.in", 8, SL_OVERFLOW_BLOCK);
  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 5);

  sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);
  g_assert_true (sl_runtime_remove (runtime, "first", &error));
  g_free (test_add (runtime, "test-source", "second"));
  test_set (runtime, "second", "rate", "1000");
  g_free (test_link (runtime, "second", "mid"));
  g_assert_true (sl_runtime_commit (runtime, &error));
  g_assert_no_error (error);

  test_wait_int64 (runtime, "mid", "count", 10);
  test_wait_int64 (runtime, "sink", "count", 10);
  test_stop (runtime, SL_STOP_DRAIN);
}

/* Loading a whole graph into a running runtime applies only the difference:
 * processors that keep their id and factory keep their instance. */
static void
test_load_while_running (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(SlGraph) next = NULL;
  g_autoptr(SlProcessor) keep_before = NULL;
  g_autoptr(SlProcessor) keep_after = NULL;
  g_autoptr(SlProcessor) swap = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 keep;

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "1000");
  g_free (test_add (runtime, "probe-sink", "keep"));
  g_free (test_add (runtime, "probe-sink", "gone"));
  g_free (test_add (runtime, "probe-sink", "swap"));
  g_free (test_link (runtime, "src", "keep"));
  g_free (test_link (runtime, "src", "gone"));
  g_free (test_link (runtime, "src", "swap"));
  test_start (runtime);
  test_wait_int64 (runtime, "keep", "count", 5);
  test_wait_int64 (runtime, "swap", "count", 5);
  keep_before = sl_runtime_get_processor (runtime, "keep");

  next = sl_runtime_get_graph (runtime);
  g_assert_true (sl_graph_remove_node (next, "gone", &error));
  g_assert_true (sl_graph_remove_node (next, "swap", &error));
  g_assert_nonnull (sl_graph_add_node (next, "counter-sink", "swap", &error));
  g_assert_nonnull (sl_graph_add_node (next, "probe-sink", "fresh", &error));
  g_assert_nonnull (sl_graph_link (next, "src", "fresh", &error));
  g_assert_nonnull (sl_graph_link (next, "src", "swap", &error));
  g_assert_no_error (error);
  json = sl_graph_to_json (next);

  keep = test_get_int64 (runtime, "keep", "count");
  g_assert_true (sl_runtime_load_from_data (runtime, json, -1, &error));
  g_assert_no_error (error);

  test_wait_processor_state (runtime, "gone", SL_PROCESSOR_STATE_NONE);
  test_wait_recorded ("gone", "teardown in=unlinked out=0");
  test_wait_recorded ("swap", "teardown in=unlinked out=0");
  test_wait_int64 (runtime, "fresh", "count", 5);
  test_wait_int64 (runtime, "keep", "count", keep + 5);
  keep_after = sl_runtime_get_processor (runtime, "keep");
  g_assert_true (keep_after == keep_before);
  g_assert_false (test_recorder_has ("keep", "teardown"));
  swap = sl_runtime_get_processor (runtime, "swap");
  g_assert_nonnull (swap);
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (swap), ==, "SlCounterSink");
  test_wait_int64 (runtime, "swap", "count", 5);

  /* Bad JSON changes nothing. */
  g_assert_false (sl_runtime_load_from_data (runtime, "{ not json", -1, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_PARSE);
  g_clear_error (&error);
  test_wait_int64 (runtime, "fresh", "count", test_get_int64 (runtime, "fresh", "count") + 5);
  g_assert_cmpint (sl_runtime_get_processor_state (runtime, "fresh"), ==, SL_PROCESSOR_STATE_RUNNING);

  g_clear_object (&keep_before);
  g_clear_object (&keep_after);
  g_clear_object (&swap);
  test_stop (runtime, SL_STOP_DRAIN);
  test_assert_invariant (runtime, "src.out->keep.in");
  test_assert_invariant (runtime, "src.out->fresh.in");
  test_assert_invariant (runtime, "src.out->swap.in");
}

/* A main-context processor added to a running runtime can be looked up at
 * once, like any other. */
static void
test_get_main_context_processor (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(SlProcessor) thread_one = NULL;
  g_autoptr(SlProcessor) main_one = NULL;

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "1000");
  test_start (runtime);
  g_free (test_add (runtime, "probe-sink", "t"));
  g_free (test_add (runtime, "probe-main", "m"));
  thread_one = sl_runtime_get_processor (runtime, "t");
  main_one = sl_runtime_get_processor (runtime, "m");
  g_assert_nonnull (thread_one);
  g_assert_nonnull (main_one);
  g_clear_object (&thread_one);
  g_clear_object (&main_one);
  test_stop (runtime, SL_STOP_DRAIN);
}

/* sl_runtime_add() documents that in a started runtime with AUTO commits
 * the instance exists and is released to run setup when it returns; setup
 * follows on its own thread. */
static void
test_add_returns_set_up (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();

  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "1000");
  test_start (runtime);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *id = g_strdup_printf ("late%u", i);

      g_free (test_add (runtime, "probe-sink", id));
      g_assert_cmpint (sl_runtime_get_processor_state (runtime, id), !=, SL_PROCESSOR_STATE_NONE);
      test_wait_recorded (id, "setup");
      test_wait_processor_state (runtime, id, SL_PROCESSOR_STATE_RUNNING);
    }
  test_stop (runtime, SL_STOP_DRAIN);
}

int
main (int argc, char *argv[])
{
  static const EditCase cases[] = {
    { EDIT_IDLE, SL_COMMIT_AUTO },
    { EDIT_IDLE, SL_COMMIT_MANUAL },
    { EDIT_RUNNING, SL_COMMIT_AUTO },
    { EDIT_RUNNING, SL_COMMIT_MANUAL },
    { EDIT_PAUSED, SL_COMMIT_AUTO },
    { EDIT_PAUSED, SL_COMMIT_MANUAL },
  };
  static const char *state_names[] = { "idle", "running", "paused" };

  test_init (&argc, &argv);

  g_test_add_func ("/runtime/delta/setup-sees-links", test_setup_sees_links);
  g_test_add_func ("/runtime/delta/teardown-sees-unwired", test_teardown_sees_unwired);
  g_test_add_func ("/runtime/delta/remove-middle", test_remove_middle);
  g_test_add_func ("/runtime/delta/edit-while-spawning", test_edit_while_spawning);
  g_test_add_func ("/runtime/delta/relink-after-eos", test_relink_after_eos);
  g_test_add_func ("/runtime/delta/load-while-running", test_load_while_running);
  g_test_add_func ("/runtime/delta/add-returns-set-up", test_add_returns_set_up);
  g_test_add_func ("/runtime/delta/get-main-context-processor", test_get_main_context_processor);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/runtime/delta/edits/%s/%s",
                                               state_names[cases[i].state],
                                               cases[i].mode == SL_COMMIT_AUTO ? "auto" : "manual");

      g_test_add_data_func (path, &cases[i], test_edits);
    }
  g_test_add_func ("/runtime/delta/manual-pause-does-not-commit", test_manual_pause_does_not_commit);
  g_test_add_func ("/runtime/delta/readd-resets-properties", test_readd_resets_properties);

  return g_test_run ();
}
