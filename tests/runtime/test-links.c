/* test-links.c: overflow policies, link reconfiguration, drain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

static void
assert_offsets (const char *id,
                gint64      first,
                gint64      last)
{
  g_autoptr(GArray) offsets = test_recorder_offsets (id);

  g_assert_cmpuint (offsets->len, ==, (guint) (last - first + 1));
  for (guint i = 0; i < offsets->len; i++)
    g_assert_cmpint (g_array_index (offsets, gint64, i), ==, first + i);
}

static void
assert_stats (SlRuntime  *runtime,
              const char *link,
              guint64     pushed,
              guint64     popped,
              guint64     dropped,
              guint64     queued)
{
  g_autoptr(SlLinkStats) stats = test_link_stats (runtime, link);

  g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==, pushed);
  g_assert_cmpuint (sl_link_stats_get_popped (stats), ==, popped);
  g_assert_cmpuint (sl_link_stats_get_dropped (stats), ==, dropped);
  g_assert_cmpuint (sl_link_stats_get_queued (stats), ==, queued);
}

typedef struct
{
  SlRuntime  *runtime;
  const char *link;
  guint64     pushed, popped, dropped, queued;
} WaitStats;

static gboolean
stats_are (gpointer data)
{
  WaitStats *wait = data;
  g_autoptr(SlLinkStats) stats = test_link_stats (wait->runtime, wait->link);

  return sl_link_stats_get_pushed (stats) == wait->pushed &&
         sl_link_stats_get_popped (stats) == wait->popped &&
         sl_link_stats_get_dropped (stats) == wait->dropped &&
         sl_link_stats_get_queued (stats) == wait->queued;
}

/* The counters are a live snapshot: a push under way is counted as pushed
 * before it is queued or dropped. Wait for them to settle on the values. */
static void
wait_stats (SlRuntime  *runtime,
            const char *link,
            guint64     pushed,
            guint64     popped,
            guint64     dropped,
            guint64     queued)
{
  WaitStats wait = { runtime, link, pushed, popped, dropped, queued };
  g_autofree char *what = g_strdup_printf ("%s at pushed %" G_GUINT64_FORMAT ", popped %" G_GUINT64_FORMAT
                                           ", dropped %" G_GUINT64_FORMAT ", queued %" G_GUINT64_FORMAT,
                                           link, pushed, popped, dropped, queued);

  test_wait_for (stats_are, &wait, what);
}

/* app-source → probe-sink (held in setup) with a link of 4: push 10 numbered
 * frames while the consumer does not consume yet. */
static void
test_overflow (gconstpointer data)
{
  SlOverflowPolicy policy = GPOINTER_TO_INT (data);
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  const char *link = "src.out->sink.in";

  test_gate_close ("sink");
  g_free (test_add (runtime, "app-source", "src"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  test_set (runtime, "sink", "latch", "true");
  g_free (test_link (runtime, "src", "sink"));
  test_configure (runtime, link, 4, policy);
  test_start (runtime);
  test_wait_recorded ("sink", "setup");

  test_push_samples (runtime, "src", 0, 10);

  if (policy == SL_OVERFLOW_BLOCK)
    {
      /* Four in the ring, the fifth waits with the producer. */
      wait_stats (runtime, link, 5, 0, 0, 4);
      test_iterate_for (30 * 1000);
      assert_stats (runtime, link, 5, 0, 0, 4);
    }
  else
    {
      wait_stats (runtime, link, 10, 0, 6, 4);
      test_iterate_for (10 * 1000);
      assert_stats (runtime, link, 10, 0, 6, 4);
    }
  {
    g_autoptr(SlLinkStats) stats = test_link_stats (runtime, link);

    g_assert_cmpuint (sl_link_stats_get_high_water (stats), ==, 4);
    g_assert_cmpuint (sl_link_stats_get_capacity (stats), ==, 4);
    g_assert_cmpint (sl_link_stats_get_policy (stats), ==, policy);
  }

  test_gate_open ("sink");
  switch (policy)
    {
    case SL_OVERFLOW_DROP_NEWEST:
      test_wait_int64 (runtime, "sink", "count", 4);
      assert_offsets ("sink", 0, 3);
      break;
    case SL_OVERFLOW_DROP_OLDEST:
      test_wait_int64 (runtime, "sink", "count", 4);
      assert_offsets ("sink", 6, 9);
      break;
    case SL_OVERFLOW_BLOCK:
    default:
      test_wait_int64 (runtime, "sink", "count", 10);
      assert_offsets ("sink", 0, 9);
      break;
    }

  test_stop (runtime, SL_STOP_DRAIN);
  if (policy == SL_OVERFLOW_BLOCK)
    assert_stats (runtime, link, 10, 10, 0, 0);
  else
    assert_stats (runtime, link, 10, 4, 6, 0);
  test_assert_invariant (runtime, link);
}

/* The drain flushes what the application pushed but the source has not sent
 * yet, through a full block link. */
static void
test_drain_flushes_app_source (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  const char *link = "src.out->sink.in";

  test_gate_close ("sink");
  g_free (test_add (runtime, "app-source", "src"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  test_set (runtime, "sink", "latch", "true");
  g_free (test_link (runtime, "src", "sink"));
  test_configure (runtime, link, 2, SL_OVERFLOW_BLOCK);
  test_start (runtime);
  test_wait_recorded ("sink", "setup");

  test_push_samples (runtime, "src", 0, 100);
  test_wait_pushed (runtime, link, 3);
  test_gate_open ("sink");
  test_stop (runtime, SL_STOP_DRAIN);

  assert_offsets ("sink", 0, 99);
  assert_stats (runtime, link, 100, 100, 0, 0);
}

/* Capacity and policy changes while frames flow: order is kept and only
 * counted drops are lost. The source runs unbounded until the drain. */
static void
test_reconfigure_while_flowing (gconstpointer data)
{
  gboolean lossless = GPOINTER_TO_INT (data);
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  const char *link = "src.out->sink.in";
  static const guint capacities[] = { 1, 2, 7, 64, 3, 1, 16, 5, 128, 2 };
  guint rounds = test_under_sanitizer () ? 20 : 60;
  g_autoptr(GArray) offsets = NULL;
  g_autoptr(SlLinkStats) stats = NULL;

  g_free (test_add (runtime, "probe-source", "src"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "sink"));
  test_configure (runtime, link, 4, SL_OVERFLOW_BLOCK);
  test_start (runtime);

  for (guint round = 0; round < rounds; round++)
    {
      guint capacity = capacities[round % G_N_ELEMENTS (capacities)];
      SlOverflowPolicy policy = lossless ? SL_OVERFLOW_BLOCK : (SlOverflowPolicy) (round % 3);

      test_configure (runtime, link, capacity, policy);
      /* Let some frames through with this setting. */
      test_wait_int64 (runtime, "sink", "count", test_get_int64 (runtime, "sink", "count") + 20);
    }

  test_stop (runtime, SL_STOP_DRAIN);

  offsets = test_recorder_offsets ("sink");
  for (guint i = 1; i < offsets->len; i++)
    if (g_array_index (offsets, gint64, i) <= g_array_index (offsets, gint64, i - 1))
      g_error ("frame %" G_GINT64_FORMAT " arrived after %" G_GINT64_FORMAT,
               g_array_index (offsets, gint64, i), g_array_index (offsets, gint64, i - 1));

  stats = test_link_stats (runtime, link);
  g_assert_cmpuint (sl_link_stats_get_queued (stats), ==, 0);
  g_assert_cmpuint (sl_link_stats_get_popped (stats), ==, offsets->len);
  g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==,
                    sl_link_stats_get_popped (stats) + sl_link_stats_get_dropped (stats));
  if (lossless)
    {
      /* Every frame, in order, none missing. */
      g_assert_cmpuint (sl_link_stats_get_dropped (stats), ==, 0);
      for (guint i = 0; i < offsets->len; i++)
        g_assert_cmpint (g_array_index (offsets, gint64, i), ==, i);
    }
}

/* N frames in, N frames out through a chain with fan-out, lossless links. */
static void
test_drain_lossless_chain (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  static const char *links[] = {
    "src.out->echo.in",
    "echo.out->pass.in",
    "pass.out->filter.in",
    "filter.out->sink.in",
    "echo.out->tap.in",
  };
  guint64 produced;

  g_free (test_add (runtime, "test-source", "src"));
  g_free (test_add (runtime, "echo", "echo"));
  g_free (test_add (runtime, "passthrough", "pass"));
  g_free (test_add (runtime, "drop-filter", "filter"));     /* drop-every 2 */
  g_free (test_add (runtime, "counter-sink", "sink"));
  g_free (test_add (runtime, "counter-sink", "tap"));
  g_free (test_link (runtime, "src", "echo"));
  g_free (test_link (runtime, "echo", "pass"));
  g_free (test_link (runtime, "pass", "filter"));
  g_free (test_link (runtime, "filter", "sink"));
  g_free (test_link (runtime, "echo", "tap"));
  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    test_configure (runtime, links[i], 1 + i * 3, SL_OVERFLOW_BLOCK);

  test_start (runtime);
  test_wait_int64 (runtime, "sink", "count", 1000);
  test_stop (runtime, SL_STOP_DRAIN);

  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    {
      g_autoptr(SlLinkStats) stats = test_link_stats (runtime, links[i]);

      g_assert_cmpuint (sl_link_stats_get_dropped (stats), ==, 0);
      g_assert_cmpuint (sl_link_stats_get_queued (stats), ==, 0);
      g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==, sl_link_stats_get_popped (stats));
    }

  {
    g_autoptr(SlLinkStats) first = test_link_stats (runtime, links[0]);
    g_autoptr(SlLinkStats) second = test_link_stats (runtime, links[1]);
    g_autoptr(SlLinkStats) last = test_link_stats (runtime, links[3]);
    g_autoptr(SlLinkStats) tap = test_link_stats (runtime, links[4]);

    produced = sl_link_stats_get_pushed (first);
    g_assert_cmpuint (produced, >, 0);
    g_assert_cmpuint (sl_link_stats_get_pushed (second), ==, 2 * produced);
    g_assert_cmpuint (sl_link_stats_get_pushed (tap), ==, 2 * produced);
    g_assert_cmpuint (sl_link_stats_get_pushed (last), ==, produced);
  }
}

/* A lossy chain: the invariant holds on every link after the drain, and
 * nothing stays queued. */
static void
test_drain_lossy_chain (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  static const char *links[] = {
    "src.out->echo.in",
    "echo.out->pass.in",
    "pass.out->sink.in",
  };

  g_free (test_add (runtime, "test-source", "src"));
  g_free (test_add (runtime, "echo", "echo"));
  g_free (test_add (runtime, "passthrough", "pass"));
  g_free (test_add (runtime, "counter-sink", "sink"));
  g_free (test_link (runtime, "src", "echo"));
  g_free (test_link (runtime, "echo", "pass"));
  g_free (test_link (runtime, "pass", "sink"));
  test_configure (runtime, links[0], 2, SL_OVERFLOW_DROP_OLDEST);
  test_configure (runtime, links[1], 3, SL_OVERFLOW_DROP_NEWEST);
  test_configure (runtime, links[2], 1, SL_OVERFLOW_DROP_OLDEST);

  test_start (runtime);
  /* The source runs flat out and the links are lossy: under CPU contention
   * the consumers get few frames through, so do not ask for many. */
  test_wait_int64 (runtime, "sink", "count", 200);
  test_stop (runtime, SL_STOP_DRAIN);

  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    {
      g_autoptr(SlLinkStats) stats = test_link_stats (runtime, links[i]);

      g_assert_cmpuint (sl_link_stats_get_queued (stats), ==, 0);
      g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==,
                        sl_link_stats_get_popped (stats) + sl_link_stats_get_dropped (stats));
    }
}

/* An immediate stop keeps the counters consistent too; frames left queued
 * are counted as queued. */
static void
test_stop_immediate_invariant (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();

  test_gate_close ("sink");
  g_free (test_add (runtime, "test-source", "src"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  test_set (runtime, "sink", "latch", "true");
  g_free (test_link (runtime, "src", "sink"));
  test_configure (runtime, "src.out->sink.in", 8, SL_OVERFLOW_BLOCK);
  test_start (runtime);
  test_wait_pushed (runtime, "src.out->sink.in", 9);
  test_gate_open ("sink");
  test_stop (runtime, SL_STOP_IMMEDIATE);
  test_assert_invariant (runtime, "src.out->sink.in");
}

/* The statistics of the last run are kept until the next start, then
 * start from zero. */
static void
test_stats_across_runs (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  const char *link = "src.out->sink.in";
  g_autoptr(GError) error = NULL;

  g_free (test_add (runtime, "app-source", "src"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  g_free (test_link (runtime, "src", "sink"));
  test_configure (runtime, link, 4, SL_OVERFLOW_BLOCK);

  /* Before any run: all zero, with the graph's settings. */
  {
    g_autoptr(SlLinkStats) stats = test_link_stats (runtime, link);

    g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==, 0);
    g_assert_cmpuint (sl_link_stats_get_capacity (stats), ==, 4);
    g_assert_cmpint (sl_link_stats_get_policy (stats), ==, SL_OVERFLOW_BLOCK);
  }
  g_assert_null (sl_runtime_get_link_stats (runtime, "nope.out->sink.in", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_UNKNOWN_LINK);
  g_clear_error (&error);

  for (guint run = 0; run < 3; run++)
    {
      test_start (runtime);
      test_push_samples (runtime, "src", 0, 7 + run);
      test_wait_int64 (runtime, "sink", "count", 7 + run);
      test_stop (runtime, SL_STOP_DRAIN);
      assert_stats (runtime, link, 7 + run, 7 + run, 0, 0);
    }
}

/* Ports are never empty: an output without a link drops into a plug that
 * counts, and a link added later gets the frames that follow. */
static void
test_unlinked_plug (void)
{
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(SlProcessor) source = NULL;
  SlOutputPort *out;
  guint64 drops;

  g_free (test_add (runtime, "probe-source", "src"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  test_start (runtime);
  test_wait_int64 (runtime, "src", "produced", 100);
  source = sl_runtime_get_processor (runtime, "src");
  out = sl_processor_get_output_port (source, "out");
  g_assert_cmpuint (sl_output_port_get_unlinked_drops (out), >=, 99);

  g_free (test_link (runtime, "src", "sink"));
  test_wait_int64 (runtime, "sink", "count", 100);
  drops = sl_output_port_get_unlinked_drops (out);
  test_wait_int64 (runtime, "sink", "count", test_get_int64 (runtime, "sink", "count") + 100);
  g_assert_cmpuint (sl_output_port_get_unlinked_drops (out), ==, drops);

  test_stop (runtime, SL_STOP_DRAIN);
  {
    g_autoptr(SlLinkStats) stats = test_link_stats (runtime, "src.out->sink.in");
    gint64 produced = 0;

    g_object_get (source, "produced", &produced, NULL);
    g_assert_cmpuint (sl_link_stats_get_pushed (stats) + drops, ==, (guint64) produced);
  }
}

/* A producer blocked on a full block link is released when the link goes
 * away, when its consumer goes away, or when the link is reconfigured. */
typedef enum {
  RELEASE_UNLINK,
  RELEASE_REMOVE_CONSUMER,
  RELEASE_GROW,
  RELEASE_DROP_POLICY,
} Release;

static void
test_release_blocked_producer (gconstpointer data)
{
  Release release = GPOINTER_TO_INT (data);
  g_autoptr(SlRuntime) runtime = test_probe_runtime_new ();
  g_autoptr(GError) error = NULL;
  const char *link = "src.out->sink.in";
  gint64 produced;

  test_gate_close ("sink");
  g_free (test_add (runtime, "probe-source", "src"));
  g_free (test_add (runtime, "probe-sink", "sink"));
  test_set (runtime, "sink", "latch", "true");
  g_free (test_link (runtime, "src", "sink"));
  test_configure (runtime, link, 2, SL_OVERFLOW_BLOCK);
  test_start (runtime);
  test_wait_pushed (runtime, link, 3);
  produced = test_get_int64 (runtime, "src", "produced");
  test_iterate_for (20 * 1000);
  /* Stuck in its third push. */
  g_assert_cmpint (test_get_int64 (runtime, "src", "produced"), ==, produced);

  switch (release)
    {
    case RELEASE_UNLINK:
      g_assert_true (sl_runtime_unlink (runtime, link, &error));
      break;
    case RELEASE_REMOVE_CONSUMER:
      g_assert_true (sl_runtime_remove (runtime, "sink", &error));
      test_gate_open ("sink");
      break;
    case RELEASE_GROW:
      test_configure (runtime, link, 100, SL_OVERFLOW_BLOCK);
      break;
    case RELEASE_DROP_POLICY:
      test_configure (runtime, link, 2, SL_OVERFLOW_DROP_OLDEST);
      break;
    }
  g_assert_no_error (error);

  test_wait_int64 (runtime, "src", "produced", produced + 50);
  /* Released by the change, not by the sink giving up on its gate. */
  if (release != RELEASE_REMOVE_CONSUMER)
    g_assert_cmpint (sl_runtime_get_processor_state (runtime, "sink"), !=, SL_PROCESSOR_STATE_FAILED);
  if (release == RELEASE_GROW)
    {
      /* Only as far as the new capacity. */
      test_wait_pushed (runtime, link, 100 + 3);
      produced = test_get_int64 (runtime, "src", "produced");
      test_iterate_for (20 * 1000);
      g_assert_cmpint (test_get_int64 (runtime, "src", "produced"), ==, produced);
    }
  test_gate_open ("sink");
  test_stop (runtime, SL_STOP_DRAIN);
  if (release == RELEASE_GROW || release == RELEASE_DROP_POLICY)
    test_assert_invariant (runtime, link);
}

int
main (int argc, char *argv[])
{
  test_init (&argc, &argv);

  g_test_add_data_func ("/runtime/links/overflow/drop-newest",
                        GINT_TO_POINTER (SL_OVERFLOW_DROP_NEWEST), test_overflow);
  g_test_add_data_func ("/runtime/links/overflow/drop-oldest",
                        GINT_TO_POINTER (SL_OVERFLOW_DROP_OLDEST), test_overflow);
  g_test_add_data_func ("/runtime/links/overflow/block",
                        GINT_TO_POINTER (SL_OVERFLOW_BLOCK), test_overflow);
  g_test_add_func ("/runtime/links/drain-flushes-app-source", test_drain_flushes_app_source);
  g_test_add_data_func ("/runtime/links/reconfigure/lossless", GINT_TO_POINTER (TRUE),
                        test_reconfigure_while_flowing);
  g_test_add_data_func ("/runtime/links/reconfigure/lossy", GINT_TO_POINTER (FALSE),
                        test_reconfigure_while_flowing);
  g_test_add_func ("/runtime/links/drain/lossless-chain", test_drain_lossless_chain);
  g_test_add_func ("/runtime/links/drain/lossy-chain", test_drain_lossy_chain);
  g_test_add_func ("/runtime/links/stop-immediate-invariant", test_stop_immediate_invariant);
  g_test_add_func ("/runtime/links/stats-across-runs", test_stats_across_runs);
  g_test_add_func ("/runtime/links/unlinked-plug", test_unlinked_plug);
  g_test_add_data_func ("/runtime/links/blocked-producer/unlink", GINT_TO_POINTER (RELEASE_UNLINK),
                        test_release_blocked_producer);
  g_test_add_data_func ("/runtime/links/blocked-producer/remove-consumer",
                        GINT_TO_POINTER (RELEASE_REMOVE_CONSUMER), test_release_blocked_producer);
  g_test_add_data_func ("/runtime/links/blocked-producer/grow", GINT_TO_POINTER (RELEASE_GROW),
                        test_release_blocked_producer);
  g_test_add_data_func ("/runtime/links/blocked-producer/drop-policy",
                        GINT_TO_POINTER (RELEASE_DROP_POLICY), test_release_blocked_producer);

  return g_test_run ();
}
