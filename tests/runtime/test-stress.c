/* test-stress.c: thousands of random live edits while frames flow
 *
 * Reproducible with --seed (g_test_rand_*). The number of operations is
 * STREAMLIB_STRESS_OPS if set, else 5000 (1000 under a sanitizer).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-util.h"

typedef struct
{
  const char *factory;
  gboolean    has_in;
  gboolean    has_out;
  const char *property;   /* a property the stress may set, or NULL */
  const char *values[3];
} Kind;

static const Kind kinds[] = {
  { "passthrough", TRUE, TRUE, NULL, { NULL } },
  { "echo", TRUE, TRUE, NULL, { NULL } },
  { "drop-filter", TRUE, TRUE, "drop-every", { "0", "2", "5" } },
  { "probe", TRUE, TRUE, "trigger", { "1", "2", "3" } },
  { "probe", TRUE, TRUE, "fail-at", { "1", "50", "500" } },
  { "probe-main", TRUE, TRUE, "trigger", { "4", "5", "6" } },
  { "counter-sink", TRUE, FALSE, NULL, { NULL } },
  { "probe-sink", TRUE, FALSE, "trigger", { "1", "7", "8" } },
  { "null-sink", TRUE, FALSE, NULL, { NULL } },
  { "test-source", FALSE, TRUE, "rate", { "500", "2000", "4000" } },
};

#define N_POOL 14

/* Whether block links may feed main-context processors. */
#define STRESS_MAIN_CONTEXT_BLOCK FALSE

typedef struct
{
  const Kind *kind;        /* NULL: not in the graph */
} Node;

typedef struct
{
  char *id;
  int   from;              /* node index */
  int   to;
} Link;

typedef struct
{
  SlRuntime *runtime;
  Node       nodes[N_POOL];
  GPtrArray *links;        /* Link* */
  guint      errors;       /* error signals */
  GPtrArray *error_texts;
  guint      ops[10];
  guint      links_made;
  guint      failures;
  GHashTable *failed;      /* ids whose current instance failed */
  guint      links_refused;
} Stress;

static void
link_free (gpointer data)
{
  Link *link = data;

  g_free (link->id);
  g_free (link);
}

static char *
node_id (int index)
{
  return g_strdup_printf ("n%d", index);
}

static Link *
find_link_to (Stress *stress,
              int     to)
{
  for (guint i = 0; i < stress->links->len; i++)
    {
      Link *link = g_ptr_array_index (stress->links, i);

      if (link->to == to)
        return link;
    }
  return NULL;
}

static gboolean
reaches (Stress *stress,
         int     from,
         int     to)
{
  gboolean seen[N_POOL] = { 0 };
  int stack[N_POOL * N_POOL];
  int top = 0;

  stack[top++] = from;
  while (top > 0)
    {
      int node = stack[--top];

      if (node == to)
        return TRUE;
      if (seen[node])
        continue;
      seen[node] = TRUE;
      for (guint i = 0; i < stress->links->len; i++)
        {
          Link *link = g_ptr_array_index (stress->links, i);

          if (link->from == node)
            stack[top++] = link->to;
        }
    }
  return FALSE;
}

/* Picks, if there is one, a free input and an output that would not make a
 * cycle; leaves the pair alone otherwise. */
static void
pick_linkable (Stress *stress,
               int    *from,
               int    *to)
{
  int candidates[N_POOL * N_POOL][2];
  guint n = 0;

  for (int t = 0; t < N_POOL; t++)
    {
      if (stress->nodes[t].kind == NULL || !stress->nodes[t].kind->has_in || find_link_to (stress, t))
        continue;
      for (int f = 0; f < N_POOL; f++)
        if (f != t && stress->nodes[f].kind != NULL && stress->nodes[f].kind->has_out &&
            !reaches (stress, t, f))
          {
            candidates[n][0] = f;
            candidates[n][1] = t;
            n++;
          }
    }

  if (n > 0)
    {
      guint pick = g_test_rand_int_range (0, n);

      *from = candidates[pick][0];
      *to = candidates[pick][1];
    }
}

static void
on_processor_state (SlRuntime        *runtime,
                    const char       *id,
                    SlProcessorState  state,
                    Stress           *stress)
{
  if (state == SL_PROCESSOR_STATE_SPAWNED)
    g_hash_table_remove (stress->failed, id);
  else if (state == SL_PROCESSOR_STATE_FAILED)
    g_hash_table_add (stress->failed, g_strdup (id));
}

static void
on_error (SlRuntime    *runtime,
          const char   *id,
          const GError *error,
          Stress       *stress)
{
  /* Probes told to fail do; anything else is an error of the runtime. */
  if (strstr (error->message, "told to fail") != NULL)
    {
      stress->failures++;
      return;
    }
  stress->errors++;
  g_ptr_array_add (stress->error_texts, g_strdup_printf ("%s: %s", id, error->message));
}

static void
expect (gboolean     ok,
        GError      *error,
        int          expected_code,
        const char  *what)
{
  if (expected_code < 0)
    {
      if (!ok || error != NULL)
        g_error ("%s failed: %s", what, error ? error->message : "no error set");
    }
  else
    {
      if (ok)
        g_error ("%s succeeded, expected error %d", what, expected_code);
      if (!g_error_matches (error, SL_ERROR, expected_code))
        g_error ("%s: expected error %d, got %s %d: %s", what, expected_code,
                 error ? g_quark_to_string (error->domain) : "none", error ? error->code : -1,
                 error ? error->message : "");
    }
}

static void
op_add (Stress *stress,
        int     index)
{
  g_autofree char *id = node_id (index);
  const Kind *kind = &kinds[g_test_rand_int_range (0, G_N_ELEMENTS (kinds))];
  g_autoptr(GError) error = NULL;
  g_autofree char *added = sl_runtime_add (stress->runtime, kind->factory, id, &error);
  g_autofree char *what = g_strdup_printf ("add %s %s", kind->factory, id);

  expect (added != NULL, error, stress->nodes[index].kind != NULL ? SL_ERROR_DUPLICATE_ID : -1, what);
  if (added != NULL)
    stress->nodes[index].kind = kind;
}

static void
op_remove (Stress *stress,
           int     index)
{
  g_autofree char *id = node_id (index);
  g_autoptr(GError) error = NULL;
  gboolean ok = sl_runtime_remove (stress->runtime, id, &error);
  g_autofree char *what = g_strdup_printf ("remove %s", id);

  expect (ok, error, stress->nodes[index].kind == NULL ? SL_ERROR_UNKNOWN_NODE : -1, what);
  if (ok)
    {
      stress->nodes[index].kind = NULL;
      for (guint i = stress->links->len; i > 0; i--)
        {
          Link *link = g_ptr_array_index (stress->links, i - 1);

          if (link->from == index || link->to == index)
            g_ptr_array_remove_index (stress->links, i - 1);
        }
    }
}

static void
op_link (Stress *stress,
         int     from,
         int     to)
{
  g_autofree char *from_id = node_id (from);
  g_autofree char *to_id = node_id (to);
  g_autoptr(GError) error = NULL;
  g_autofree char *link = sl_runtime_link (stress->runtime, from_id, to_id, &error);
  g_autofree char *what = g_strdup_printf ("link %s → %s", from_id, to_id);
  const Kind *a = stress->nodes[from].kind;
  const Kind *b = stress->nodes[to].kind;
  Link *existing = NULL;
  int code = -1;

  /* The graph checks the source end, then the target end, then the input's
   * existing link, then cycles. */
  if (a == NULL)
    code = SL_ERROR_UNKNOWN_NODE;
  else if (!a->has_out)
    code = SL_ERROR_UNKNOWN_PORT;
  else if (b == NULL)
    code = SL_ERROR_UNKNOWN_NODE;
  else if (!b->has_in)
    code = SL_ERROR_UNKNOWN_PORT;
  else if ((existing = find_link_to (stress, to)) != NULL)
    code = existing->from == from ? SL_ERROR_DUPLICATE_ID : SL_ERROR_PORT_IN_USE;
  else if (from == to || reaches (stress, to, from))
    code = SL_ERROR_CYCLE;

  expect (link != NULL, error, code, what);

  if (link == NULL)
    stress->links_refused++;
  else
    {
      Link *added = g_new0 (Link, 1);

      stress->links_made++;
      added->id = g_steal_pointer (&link);
      added->from = from;
      added->to = to;
      g_ptr_array_add (stress->links, added);
    }
}

static void
op_unlink (Stress *stress)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (stress->links->len == 0 || g_test_rand_int_range (0, 10) == 0)
    {
      ok = sl_runtime_unlink (stress->runtime, "n0.out->nowhere.in", &error);
      expect (ok, error, SL_ERROR_UNKNOWN_LINK, "unlink unknown");
      return;
    }
  else
    {
      guint index = g_test_rand_int_range (0, stress->links->len);
      Link *link = g_ptr_array_index (stress->links, index);

      ok = sl_runtime_unlink (stress->runtime, link->id, &error);
      expect (ok, error, -1, link->id);
      g_ptr_array_remove_index (stress->links, index);
    }
}

static void
op_configure (Stress *stress)
{
  static const SlOverflowPolicy policies[] = {
    SL_OVERFLOW_DROP_OLDEST, SL_OVERFLOW_DROP_NEWEST, SL_OVERFLOW_BLOCK,
  };
  g_autoptr(GError) error = NULL;
  guint capacity = g_test_rand_int_range (1, 33);
  SlOverflowPolicy policy = policies[g_test_rand_int_range (0, 3)];
  gboolean ok;

  if (stress->links->len == 0)
    {
      ok = sl_runtime_configure_link (stress->runtime, "n0.out->n1.in", capacity, policy, &error);
      expect (ok, error, SL_ERROR_UNKNOWN_LINK, "configure unknown");
    }
  else
    {
      Link *link = g_ptr_array_index (stress->links, g_test_rand_int_range (0, stress->links->len));

      /* A block link into a main-context processor can stall the main
       * thread for ever (see /runtime/modes/main-context/block-link):
       * not here. */
      if (!STRESS_MAIN_CONTEXT_BLOCK && policy == SL_OVERFLOW_BLOCK &&
          g_str_equal (stress->nodes[link->to].kind->factory, "probe-main"))
        policy = SL_OVERFLOW_DROP_NEWEST;

      ok = sl_runtime_configure_link (stress->runtime, link->id, capacity, policy, &error);
      expect (ok, error, -1, link->id);
    }
}

static void
op_set (Stress *stress,
        int     index)
{
  g_autofree char *id = node_id (index);
  const Kind *kind = stress->nodes[index].kind;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (kind == NULL)
    {
      ok = sl_runtime_set_from_string (stress->runtime, id, "trigger", "1", &error);
      expect (ok, error, SL_ERROR_UNKNOWN_NODE, "set on a missing node");
    }
  else if (kind->property == NULL)
    {
      ok = sl_runtime_set_from_string (stress->runtime, id, "no-such-property", "1", &error);
      expect (ok, error, SL_ERROR_UNKNOWN_PROPERTY, "set an unknown property");
    }
  else
    {
      const char *value = kind->values[g_test_rand_int_range (0, 3)];
      g_autofree char *what = g_strdup_printf ("set %s %s=%s", id, kind->property, value);

      ok = sl_runtime_set_from_string (stress->runtime, id, kind->property, value, &error);
      expect (ok, error, -1, what);
    }
}

static void
test_stress (void)
{
  g_autoptr(SlRuntime) runtime = test_runtime_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SlGraph) graph = NULL;
  g_auto(GStrv) links = NULL;
  const char *env = g_getenv ("STREAMLIB_STRESS_OPS");
  guint n_ops = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10)
                            : test_under_sanitizer () ? 1000 : 5000;
  gboolean paused = FALSE;
  gint64 start = g_get_monotonic_time ();
  Stress stress = { 0 };

  test_recorder_reset ();
  test_register_processors (runtime);
  stress.runtime = runtime;
  stress.links = g_ptr_array_new_with_free_func (link_free);
  stress.error_texts = g_ptr_array_new_with_free_func (g_free);
  stress.failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (runtime, "error", G_CALLBACK (on_error), &stress);
  g_signal_connect (runtime, "processor-state-changed", G_CALLBACK (on_processor_state), &stress);

  /* Two sources that stay, feeding the pool. */
  stress.nodes[0].kind = &kinds[G_N_ELEMENTS (kinds) - 1];
  stress.nodes[1].kind = &kinds[G_N_ELEMENTS (kinds) - 1];
  g_free (test_add (runtime, "test-source", "n0"));
  g_free (test_add (runtime, "test-source", "n1"));
  test_set (runtime, "n0", "rate", "2000");
  test_set (runtime, "n1", "rate", "5000");
  test_start (runtime);

  /* A call that never returns fails the test. */
  test_watchdog_arm ("a stress operation");
  for (guint op = 0; op < n_ops; op++)
    {
      int a = g_test_rand_int_range (2, N_POOL);
      int b = g_test_rand_int_range (0, N_POOL);
      guint choice = g_test_rand_int_range (0, 100);

      if (choice < 15)
        op_add (&stress, a);
      else if (choice < 21)
        op_remove (&stress, a);
      else if (choice < 59)
        {
          /* Mostly a link that can be made; sometimes any pair. */
          if (g_test_rand_int_range (0, 4) > 0)
            pick_linkable (&stress, &b, &a);
          op_link (&stress, b, a);
        }
      else if (choice < 65)
        op_unlink (&stress);
      else if (choice < 80)
        op_configure (&stress);
      else if (choice < 88)
        op_set (&stress, b);
      else if (choice < 93)
        {
          /* Batch a few edits in MANUAL mode. */
          sl_runtime_set_commit_mode (runtime, g_test_rand_bit () ? SL_COMMIT_MANUAL : SL_COMMIT_AUTO);
          g_assert_true (sl_runtime_commit (runtime, &error));
          g_assert_no_error (error);
        }
      else if (choice < 95)
        {
          if (paused)
            g_assert_true (sl_runtime_resume (runtime, &error));
          else
            test_pause (runtime);
          g_assert_no_error (error);
          paused = !paused;
        }
      else
        {
          /* Let frames flow (and main-context processors run) a little. */
          test_iterate_for (2000);
        }
      stress.ops[choice / 10]++;

      /* Main-context processors and signals need the main loop. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      test_watchdog_kick ();
    }
  test_watchdog_disarm ();

  sl_runtime_set_commit_mode (runtime, SL_COMMIT_AUTO);
  g_assert_true (sl_runtime_commit (runtime, &error));
  if (paused)
    g_assert_true (sl_runtime_resume (runtime, &error));
  g_assert_no_error (error);
  test_iterate_for (20 * 1000);
  test_stop (runtime, SL_STOP_DRAIN);
  test_iterate_for (10 * 1000);

  if (g_test_verbose ())
    {
      guint n_nodes = 0;

      for (guint i = 0; i < N_POOL; i++)
        n_nodes += stress.nodes[i].kind != NULL;
      g_printerr ("# %u ops in %.1f s, %u nodes and %u links at the end; "
                  "%u links made, %u link attempts refused, %u processors failed as told\n", n_ops,
                  (g_get_monotonic_time () - start) / 1e6, n_nodes, stress.links->len,
                  stress.links_made, stress.links_refused, stress.failures);
    }

  /* The graph is what the model says, and every link adds up. */
  graph = sl_runtime_get_graph (runtime);
  links = sl_graph_list_links (graph);
  g_assert_cmpuint (g_strv_length (links), ==, stress.links->len);
  for (guint i = 0; links[i] != NULL; i++)
    {
      g_autoptr(SlLinkStats) stats = test_link_stats (runtime, links[i]);
      g_autofree char *target = g_strdup (strstr (links[i], "->") + 2);

      *strchr (target, '.') = '\0';
      /* A drain empties every link, except into a processor that failed. */
      if (!g_hash_table_contains (stress.failed, target))
        g_assert_cmpuint (sl_link_stats_get_queued (stats), ==, 0);
      g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==,
                        sl_link_stats_get_popped (stats) + sl_link_stats_get_dropped (stats) +
                        sl_link_stats_get_queued (stats));
    }
  for (guint i = 0; i < N_POOL; i++)
    {
      g_autofree char *id = node_id (i);

      g_assert_cmpint (sl_graph_has_node (graph, id), ==, stress.nodes[i].kind != NULL);
    }

  if (stress.errors > 0)
    g_error ("%u error signals, the first: %s", stress.errors,
             (char *) g_ptr_array_index (stress.error_texts, 0));

  /* It runs again from the same graph. */
  test_start (runtime);
  test_iterate_for (10 * 1000);
  test_stop (runtime, SL_STOP_DRAIN);

  g_signal_handlers_disconnect_by_data (runtime, &stress);
  g_ptr_array_unref (stress.links);
  g_ptr_array_unref (stress.error_texts);
  g_hash_table_unref (stress.failed);
}

int
main (int argc, char *argv[])
{
  test_init (&argc, &argv);

  g_test_add_func ("/runtime/stress/random-edits", test_stress);

  return g_test_run ();
}
