/* test-deadlock.c: processor code calls the runtime API from setup, process,
 * a property setter and teardown; every call completes
 *
 * Each scenario is bounded: the waits time out and the blocking runtime
 * calls run under a watchdog, so a deadlock fails the test instead of
 * hanging it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

typedef enum {
  PHASE_SETUP,
  PHASE_PROCESS,
  PHASE_SET,
  PHASE_TEARDOWN,          /* the test removes the actor */
  PHASE_TEARDOWN_DRAIN,    /* the actor is torn down by the drain */
  N_PHASES
} Phase;

static const char *phase_names[] = { "setup", "process", "set", "teardown", "teardown-drain" };
static const char *phase_vfunc[] = { "setup", "process", "set", "teardown", "teardown" };

typedef struct
{
  const char *name;
  const char *action;
} Action;

static const Action actions[] = {
  { "add", "add|probe-sink|added" },
  { "add-main", "add|probe-main|added" },
  { "link-main", "add|probe-main|added;link|src|added" },
  { "link", "link|src|spare" },
  { "unlink", "unlink|src.out->other.in" },
  { "remove-self", "remove-self" },
  { "remove-other", "remove|other" },
  { "set", "set|other|trigger|9" },
  { "configure", "configure|src.out->other.in|2|block" },
  { "commit", "manual;add|probe-sink|added;link|src|added;commit;auto" },
  { "pause", "pause" },
  { "resume", "pause;resume" },
  { "stop", "stop" },
  { "stop-immediate", "stop-immediate" },
  { "start", "start" },
  { "queries", "get-state;get-graph;get-processor|other;get-processor|actor" },
};

typedef struct
{
  const char *kind;     /* the actor's factory */
  Phase       phase;
  const Action *action;
} Scenario;

static gboolean
action_ok (const Scenario *scenario,
           const char     *action)
{
  g_autofree char *text = g_strdup_printf ("action %s %s ok", phase_vfunc[scenario->phase], action);

  return test_recorder_has ("actor", text);
}

static void
dump_events (void)
{
  g_autoptr(GPtrArray) events = test_recorder_events (NULL);

  for (guint i = 0; i < events->len; i++)
    {
      TestEvent *event = g_ptr_array_index (events, i);

      if (!g_str_has_prefix (event->text, "process first"))
        g_printerr ("#   [%s] %s\n", event->id, event->text);
    }
}

static void
test_scenario (gconstpointer data)
{
  const Scenario *scenario = data;
  const char *name = scenario->action->name;
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *done = g_strdup_printf ("actions done %s", phase_vfunc[scenario->phase]);
  gboolean stopped_by_actor = FALSE;
  SlRuntimeState state;

  test_recorder_reset ();
  test_register_processors (runtime);

  /* src → actor → sink, src → other, src → watch, spare alone. Actions
   * never touch watch. */
  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, scenario->kind, "actor"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_add (runtime, "probe-sink", "other"));
  g_free (test_add (runtime, "probe-sink", "spare"));
  g_free (test_add (runtime, "probe-sink", "watch"));
  g_free (test_link (runtime, "src", "watch"));
  g_free (test_link (runtime, "src", "actor"));
  g_free (test_link (runtime, "actor", "sink"));
  g_free (test_link (runtime, "src", "other"));
  test_set (runtime, "actor", "action", scenario->action->action);
  test_set (runtime, "actor", "action-phase", phase_vfunc[scenario->phase]);
  test_set (runtime, "actor", "action-at", "5");

  test_start (runtime);

  switch (scenario->phase)
    {
    case PHASE_SETUP:
    case PHASE_PROCESS:
      break;
    case PHASE_SET:
      test_wait_int64 (runtime, "actor", "count", 3);
      test_set (runtime, "actor", "trigger", "1");
      break;
    case PHASE_TEARDOWN:
      test_wait_int64 (runtime, "actor", "count", 3);
      g_assert_true (sl_runtime_remove (runtime, "actor", &error));
      g_assert_no_error (error);
      break;
    case PHASE_TEARDOWN_DRAIN:
      test_wait_int64 (runtime, "actor", "count", 3);
      test_stop (runtime, SL_STOP_DRAIN);
      break;
    case N_PHASES:
    default:
      g_assert_not_reached ();
    }

  test_wait_recorded ("actor", done);
  if (g_test_verbose ())
    dump_events ();

  /* What the call did, where it could. A call made while the runtime is
   * stopping may fail with an error, never hang. */
  if (scenario->phase != PHASE_TEARDOWN_DRAIN)
    {
      if (g_str_equal (name, "add") || g_str_equal (name, "commit") ||
          g_str_equal (name, "add-main") || g_str_equal (name, "link-main"))
        {
          g_assert_true (action_ok (scenario, "commit") ||
                         action_ok (scenario, "add|probe-sink|added") ||
                         action_ok (scenario, "add|probe-main|added"));
          test_wait_processor_state (runtime, "added", SL_PROCESSOR_STATE_RUNNING);
          if (g_str_equal (name, "commit") || g_str_equal (name, "link-main"))
            test_wait_int64 (runtime, "added", "count", 3);
        }
      else if (g_str_equal (name, "link"))
        {
          g_assert_true (action_ok (scenario, scenario->action->action));
          test_wait_int64 (runtime, "spare", "count", 3);
        }
      else if (g_str_equal (name, "unlink"))
        {
          g_autoptr(SlGraph) graph = sl_runtime_get_graph (runtime);

          g_assert_true (action_ok (scenario, scenario->action->action));
          g_assert_false (sl_graph_has_link (graph, "src.out->other.in"));
        }
      else if (g_str_equal (name, "remove-self"))
        {
          /* In teardown the actor is already gone from the graph. */
          if (scenario->phase != PHASE_TEARDOWN)
            g_assert_true (action_ok (scenario, "remove-self"));
          test_wait_recorded ("actor", "teardown");
          test_wait_processor_state (runtime, "actor", SL_PROCESSOR_STATE_NONE);
        }
      else if (g_str_equal (name, "remove-other"))
        {
          g_assert_true (action_ok (scenario, scenario->action->action));
          test_wait_processor_state (runtime, "other", SL_PROCESSOR_STATE_NONE);
          /* Removed before its setup ran, it is never set up nor torn down. */
          if (test_recorder_has ("other", "setup"))
            test_wait_recorded ("other", "teardown in=unlinked out=0");
        }
      else if (g_str_equal (name, "set"))
        {
          g_assert_true (action_ok (scenario, scenario->action->action));
          test_wait_recorded ("other", "trigger 9");
        }
      else if (g_str_equal (name, "configure"))
        {
          gint64 deadline = g_get_monotonic_time () + TEST_TIMEOUT_US;

          g_assert_true (action_ok (scenario, scenario->action->action));
          for (;;)
            {
              g_autoptr(SlLinkStats) stats = test_link_stats (runtime, "src.out->other.in");

              if (sl_link_stats_get_capacity (stats) == 2 &&
                  sl_link_stats_get_policy (stats) == SL_OVERFLOW_BLOCK)
                break;
              g_assert_cmpint (g_get_monotonic_time (), <, deadline);
              test_iterate_for (1000);
            }
        }
      else if (g_str_equal (name, "pause"))
        {
          g_assert_true (action_ok (scenario, "pause"));
          test_wait_state (runtime, SL_RUNTIME_STATE_PAUSED);
          test_wait_processor_state (runtime, "other", SL_PROCESSOR_STATE_PAUSED);
          g_assert_true (sl_runtime_resume (runtime, &error));
          g_assert_no_error (error);
        }
      else if (g_str_equal (name, "stop") || g_str_equal (name, "stop-immediate"))
        {
          g_assert_true (action_ok (scenario, scenario->action->action));
          test_wait_state (runtime, SL_RUNTIME_STATE_IDLE);
          stopped_by_actor = TRUE;
        }
    }

  /* The rest keeps running (unless the actor stopped it), and a drain
   * still completes. */
  state = sl_runtime_get_state (runtime);
  if (!stopped_by_actor && scenario->phase != PHASE_TEARDOWN_DRAIN &&
      state != SL_RUNTIME_STATE_IDLE)
    {
      if (state == SL_RUNTIME_STATE_PAUSED)
        g_assert_true (sl_runtime_resume (runtime, &error));
      test_wait_int64 (runtime, "watch", "count", test_get_int64 (runtime, "watch", "count") + 3);
    }
  if (sl_runtime_get_state (runtime) != SL_RUNTIME_STATE_IDLE)
    {
      /* A stop requested by processor code may still be under way. */
      test_stop (runtime, SL_STOP_DRAIN);
    }
  test_wait_state (runtime, SL_RUNTIME_STATE_IDLE);

  /* And the runtime can run again. */
  test_start (runtime);
  test_stop (runtime, SL_STOP_IMMEDIATE);
}

/* Every processor calls stop at once from its own process: no deadlock. */
static void
test_everyone_stops (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();

  test_recorder_reset ();
  test_register_processors (runtime);
  g_free (test_add (runtime, "probe-source", "src"));
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autofree char *upstream = i == 0 ? g_strdup ("src") : g_strdup_printf ("p%u", i - 1);
      const char *kind = i % 3 == 2 ? "probe-main" : "probe";

      g_free (test_add (runtime, kind, id));
      g_free (test_link (runtime, upstream, id));
      test_set (runtime, id, "action", i % 2 ? "stop" : "pause;stop-immediate");
      test_set (runtime, id, "action-phase", "process");
      test_set (runtime, id, "action-at", "3");
    }
  test_start (runtime);
  test_wait_state (runtime, SL_RUNTIME_STATE_IDLE);
  test_stop (runtime, SL_STOP_DRAIN);
}

/* Edits from several processor threads and the application at once. */
static void
test_concurrent_edits (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  guint n = test_under_sanitizer () ? 3 : 8;

  test_recorder_reset ();
  test_register_processors (runtime);
  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autofree char *action = g_strdup_printf ("add|probe-sink|q%u;link|%s|q%u;set|q%u|trigger|%u;"
                                                 "configure|%s.out->q%u.in|3|block;"
                                                 "unlink|%s.out->q%u.in;remove|q%u;"
                                                 "add|probe-sink|r%u;link|%s|r%u",
                                                 i, id, i, i, i + 1, id, i, id, i, i, i, id, i);

      g_free (test_add (runtime, "probe", id));
      g_free (test_link (runtime, "src", id));
      test_set (runtime, id, "action", action);
      test_set (runtime, id, "action-phase", "process");
      test_set (runtime, id, "action-at", "2");
    }
  test_start (runtime);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *id = g_strdup_printf ("app%u", i);

      g_free (test_add (runtime, "counter-sink", id));
      g_assert_true (sl_runtime_remove (runtime, id, NULL));
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autofree char *r = g_strdup_printf ("r%u", i);
      g_autoptr(GPtrArray) events = NULL;

      test_wait_recorded (id, "actions done process");
      events = test_recorder_events (id);
      for (guint j = 0; j < events->len; j++)
        {
          TestEvent *event = g_ptr_array_index (events, j);

          if (g_str_has_prefix (event->text, "action ") && !g_str_has_suffix (event->text, " ok"))
            g_error ("%s: %s", id, event->text);
        }
      test_wait_int64 (runtime, r, "count", 3);
    }
  test_stop (runtime, SL_STOP_DRAIN);
}

/* The application pauses (and waits for the gate) just as a processor thread
 * adds a main-context processor, which only the application's thread can
 * build: neither may wait for the other. */
static void
test_pause_while_adding_main_context (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  g_autoptr(GError) error = NULL;

  test_recorder_reset ();
  test_register_processors (runtime);
  test_gate_close ("go");
  g_free (test_add (runtime, "test-source", "src"));
  test_set (runtime, "src", "rate", "2000");
  g_free (test_add (runtime, "probe", "actor"));
  g_free (test_link (runtime, "src", "actor"));
  test_set (runtime, "actor", "action", "gate|go;add|probe-main|ui;link|src|ui");
  test_set (runtime, "actor", "action-phase", "process");
  test_set (runtime, "actor", "action-at", "3");
  test_start (runtime);

  test_wait_recorded ("actor", "gate go waiting");
  test_gate_open ("go");
  test_pause (runtime);
  test_wait_recorded ("actor", "actions done process");
  g_assert_true (test_recorder_has ("actor", "action process add|probe-main|ui ok"));
  g_assert_true (sl_runtime_resume (runtime, &error));
  g_assert_no_error (error);
  test_wait_int64 (runtime, "ui", "count", 5);
  test_stop (runtime, SL_STOP_DRAIN);
}

int
main (int argc, char *argv[])
{
  static const char *kinds[] = { "probe", "probe-main" };
  g_autoptr(GPtrArray) scenarios = g_ptr_array_new_with_free_func (g_free);

  test_init (&argc, &argv);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint p = 0; p < N_PHASES; p++)
      for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
        {
          Scenario *scenario = g_new0 (Scenario, 1);
          g_autofree char *path = NULL;

          scenario->kind = kinds[k];
          scenario->phase = p;
          scenario->action = &actions[a];
          g_ptr_array_add (scenarios, scenario);
          path = g_strdup_printf ("/runtime/deadlock/%s/%s/%s", kinds[k], phase_names[p], actions[a].name);
          g_test_add_data_func (path, scenario, test_scenario);
        }
  g_test_add_func ("/runtime/deadlock/everyone-stops", test_everyone_stops);
  g_test_add_func ("/runtime/deadlock/concurrent-edits", test_concurrent_edits);
  g_test_add_func ("/runtime/deadlock/pause-while-adding-main-context", test_pause_while_adding_main_context);

  return g_test_run ();
}
