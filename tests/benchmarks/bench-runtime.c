/* bench-runtime.c: streamlib against GStreamer, measures P1…P8, in one run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every measure runs streamlib and its GStreamer equivalent back to back
 * (alternately where it repeats), so that the ratio holds on a noisy
 * machine. Ids, as in the issue that asked for them:
 *
 * P1.throughput.n1/.n3/.n10  frames/s through k = 1, 3, 10 pass-throughs:
 *     test-source num-frames=N rate=0 ! passthrough×k ! counter-sink
 *   (every link SL_OVERFLOW_BLOCK at capacity C: nothing may be dropped),
 *   from sl_runtime_start() to the sink's count reaching N, against
 *     fakesrc sizetype=empty num-buffers=N ! (queue ! identity)×k ! fakesink sync=false
 *   (each queue bounded to C buffers), from PLAYING to EOS. Median of runs.
 *
 * P2.latency.median/.p99 .n1/.n10  µs from the push to the arrival at the
 *   sink, one frame in flight:
 *     app-source ! passthrough×k ! latency-sink (defined here; it reads the
 *       push time from the PTS on its own thread)
 *     appsrc ! (queue ! identity)×k ! appsink (arrival: the new-sample
 *       callback, on the last queue's thread)
 *   Both chains stay up and take frames in alternate blocks.
 *
 * P3.live_add.median  ms from asking to insert one pass-through into a
 *   running chain to the first frame through it:
 *     test-source rate=0 ! counter-sink (blocking links of C frames, like the
 *     queues); in SL_COMMIT_MANUAL: unlink, add a
 *     bench-probe (a pass-through that notes its first frame), link, link,
 *     sl_runtime_commit()
 *   against fakesrc ! queue ! fakesink sync=false where queue ! identity is
 *   made, then inserted after the queue from a blocking pad probe (unlink,
 *   link, sync_state_with_parent); the first buffer is seen by a probe on
 *   the new identity's source pad. Fresh chain each time; median.
 *
 * P4.start100.ms, P4.rss_per_processor_kib  build and start a chain of 100
 *   processors (test-source num-frames=1 ! passthrough×98 ! bench-probe) to
 *   its first frame at the sink, and the resident memory it added / 100,
 *   against fakesrc num-buffers=1 ! (queue ! identity)×98 ! fakesink built
 *   element by element (100 stages: 99 streaming threads against 100
 *   processor threads). Each in a fresh child process (this program with
 *   --child=p4-streamlib or --child=p4-gstreamer) after a warm-up that
 *   loads the same types, so that the RSS delta is clean; median.
 *
 * P5.spsc_fraction  P1 at n1 as a fraction of a bare C11 SPSC ring between
 *   two threads moving the same number of items, sleeping on a futex
 *   (bench-spsc.c). "reference" is the ring's items/s.
 *
 * P7.growth.10_100_1000  per-frame cost of test-source ! passthrough !
 *   counter-sink beside 10, 100, 1000 idle reactive passthroughs (chains
 *   of 10 that no frame enters), over the frames between 20 % and 100 %
 *   of the run; ratio = cost at 1000 / cost at 10. No reference.
 *
 * P8.idle_cpu_percent  CPU (getrusage, user + system, % of one core) used
 *   by a started app-source ! passthrough×8 ! counter-sink through which no
 *   frame flows, over 5 s (2 s with --quick), in a child process. No
 *   reference.
 *
 * Output: one JSON object per line, on stdout and (--json FILE) in FILE:
 *   {"id": …, "unit": …, "streamlib": …, "reference": …, "ratio": …}
 * with reference null where there is none; bench-results.json (a JSON
 * array of the same objects) and bench-results.svg (a bar chart) next to
 * FILE, or in the current directory (--out-dir to choose); the details and
 * a table with the goals on stderr.
 *
 * --verbose prints every repetition and where the time or memory goes (P3:
 * edit calls, commit, commit to first frame; P4: heap, thread stacks,
 * arenas). To profile one side alone (callgrind, perf stat, strace -c):
 *   bench-runtime --child=p1-streamlib|p1-gstreamer|spsc --frames=N --hops=K
 *   bench-runtime --child=p2-streamlib|p2-gstreamer --frames=N --hops=K
 *   bench-runtime --child=p3-streamlib|p3-gstreamer --frames=INSERTIONS
 *
 * Every wait is bounded: a hang, a drop on a blocking link or a failed
 * processor ends the program with "bench-runtime: FAILED: ..." and status 1.
 */

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "bench.h"

/* Throughput runs shorter than this are repeated with more frames (full run). */
#define MIN_RUN_SECONDS      0.5

typedef struct
{
  gboolean quick;
  gboolean verbose;
  int      runs;
  int      capacity;
  FILE    *json;
  char    *exe;
  char    *only;
} Options;

static gboolean
selected (const Options *options,
          const char    *measure)
{
  g_auto(GStrv) parts = NULL;

  if (options->only == NULL)
    return TRUE;
  parts = g_strsplit (options->only, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_ascii_strcasecmp (g_strstrip (parts[i]), measure) == 0)
      return TRUE;
  return FALSE;
}

static void
add_row (const Options *options,
         const char    *id,
         const char    *unit,
         double         streamlib,
         double         reference,
         double         ratio,
         gboolean       higher_is_better,
         Goal           goal)
{
  report_add (id, unit, streamlib, reference, ratio, higher_is_better, goal);
  report_emit_last (options->json);
}

/* Polls a counter property until it reaches @target; fails on a stall. */
static gint64
wait_count (SlRuntime  *runtime,
            const char *id,
            const char *property,
            gint64      target,
            gint64      poll_us,
            const char *what)
{
  gint64 count, last_count = -1, last_progress = g_get_monotonic_time ();

  while ((count = get_int64 (runtime, id, property)) < target)
    {
      if (count != last_count)
        {
          last_count = count;
          last_progress = g_get_monotonic_time ();
        }
      else if (g_get_monotonic_time () - last_progress > STALL_TIMEOUT_US)
        fail ("streamlib %s: %s %s stuck at %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " for %d s",
              what, id, property, count, target, (int) (STALL_TIMEOUT_US / G_USEC_PER_SEC));
      iterate_main_context ();
      g_usleep (poll_us);
    }
  return count;
}

/* ------------------------------------------------------------------------ */
/* P1: throughput                                                            */

typedef struct
{
  double  seconds;
  guint64 dropped;
} RunResult;

static RunResult
sl_throughput_run (int     k,
                   gint64  n,
                   guint   capacity)
{
  g_autofree char *what = g_strdup_printf ("throughput n%d (%" G_GINT64_FORMAT " frames)", k, n);
  g_autoptr(SlRuntime) runtime = runtime_new (what);
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *frames = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  RunResult result = { 0, 0 };
  gint64 start, end, count;

  add_chain (runtime, "", "test-source", k, "counter-sink", capacity, links);
  check (sl_runtime_set_from_string (runtime, "src", "num-frames", frames, &error), error, "num-frames");
  check (sl_runtime_set_from_string (runtime, "src", "rate", "0", &error), error, "rate");

  start = now_ns ();
  runtime_start (runtime, what);
  /* A 250 µs poll is < 0.1 % of a 0.5 s run. */
  count = wait_count (runtime, "sink", "count", n, 250, what);
  end = now_ns ();

  runtime_stop (runtime, SL_STOP_DRAIN, what);

  if (count != n || get_int64 (runtime, "sink", "count") > n)
    fail ("streamlib %s: counter-sink counted %" G_GINT64_FORMAT " frames, expected %" G_GINT64_FORMAT,
          what, get_int64 (runtime, "sink", "count"), n);

  for (guint i = 0; i < links->len; i++)
    {
      const char *link = g_ptr_array_index (links, i);
      g_autoptr(SlLinkStats) stats = sl_runtime_get_link_stats (runtime, link, &error);
      guint64 pushed, popped, dropped, queued;

      check (stats != NULL, error, "sl_runtime_get_link_stats");
      pushed = sl_link_stats_get_pushed (stats);
      popped = sl_link_stats_get_popped (stats);
      dropped = sl_link_stats_get_dropped (stats);
      queued = sl_link_stats_get_queued (stats);
      if (dropped != 0 || pushed != (guint64) n || popped != (guint64) n)
        fail ("streamlib %s: link %s (SL_OVERFLOW_BLOCK) pushed %" G_GUINT64_FORMAT
              " popped %" G_GUINT64_FORMAT " dropped %" G_GUINT64_FORMAT " queued %" G_GUINT64_FORMAT
              ", expected %" G_GINT64_FORMAT " pushed and popped, none dropped",
              what, link, pushed, popped, dropped, queued, n);
      result.dropped += dropped;
    }

  result.seconds = (end - start) / 1e9;
  return result;
}

static RunResult
gst_throughput_run (int     k,
                    gint64  n,
                    guint   capacity)
{
  g_autofree char *what = g_strdup_printf ("throughput n%d (%" G_GINT64_FORMAT " buffers)", k, n);
  g_autofree char *head = g_strdup_printf ("fakesrc sizetype=empty num-buffers=%" G_GINT64_FORMAT, n);
  g_autofree char *queue = g_strdup_printf (" max-size-buffers=%u max-size-bytes=0 max-size-time=0", capacity);
  g_autofree char *description = gst_chain_description (head, k, queue, "fakesink sync=false");
  GstElement *pipeline = gst_pipeline_new_from (description, what);
  RunResult result = { 0, 0 };
  gint64 start, end;

  start = now_ns ();
  gst_set_state (pipeline, GST_STATE_PLAYING, what);
  /* Scaled like the streamlib stall timeout: 10 s plus 1 s per 10k buffers. */
  gst_wait_eos (pipeline, 10 + (int) (n / 10000), what);
  end = now_ns ();

  gst_set_state (pipeline, GST_STATE_NULL, what);
  gst_object_unref (pipeline);

  result.seconds = (end - start) / 1e9;
  return result;
}

typedef RunResult (*ThroughputFunc) (int     k,
                                     gint64  n,
                                     guint   capacity);

/* One timed run of @*n frames, in frames/s. Outside --quick, a run shorter
 * than MIN_RUN_SECONDS is thrown away and redone with more frames; @*n keeps
 * the count used. */
static double
throughput_measure (ThroughputFunc  func,
                    const char     *name,
                    int             k,
                    gint64         *n,
                    guint           capacity,
                    gboolean        quick,
                    double         *seconds)
{
  for (int attempt = 0;; attempt++)
    {
      RunResult result = func (k, *n, capacity);

      if (quick || result.seconds >= MIN_RUN_SECONDS || attempt >= 4)
        {
          *seconds = result.seconds;
          return *n / result.seconds;
        }
      *n = (gint64) (*n * MIN_RUN_SECONDS * 1.3 / MAX (result.seconds, 0.001));
      fprintf (stderr, "  n%-2d %s: %.3f s is too short to time, again with %" G_GINT64_FORMAT " frames\n",
               k, name, result.seconds, *n);
    }
}

/* P1, and P5 next to P1 at n1: the bare ring moves as many items as
 * streamlib's run did, in the same round. */
static void
measure_throughput (const Options *options,
                    gboolean       p1,
                    gboolean       p5)
{
  static const int chains[] = { 1, 3, 10 };
  static const double goals[] = { 2, 2, 3 };
  /* Frames per run, about 0.3 s (quick) or 0.6 s (full) on a 2-core
   * machine; raised at run time where a full run is shorter than
   * MIN_RUN_SECONDS. */
  static const gint64 full_frames[] = { 1500000, 600000, 350000 };
  static const gint64 gst_full_frames[] = { 900000, 500000, 200000 };
  static const gint64 quick_frames[] = { 1000000, 600000, 300000 };
  static const gint64 gst_quick_frames[] = { 300000, 150000, 50000 };
  int runs = options->runs;
  guint spsc_per_run = options->quick ? 3 : 5;
  double sl_n1 = 0;
  g_autofree double *spsc_rates = g_new (double, runs * spsc_per_run);
  guint n_spsc = 0;

  for (guint c = 0; c < G_N_ELEMENTS (chains); c++)
    {
      int k = chains[c];
      gint64 sl_n = options->quick ? quick_frames[c] : full_frames[c];
      gint64 gst_n = options->quick ? gst_quick_frames[c] : gst_full_frames[c];
      g_autofree double *sl_rates = g_new (double, runs);
      g_autofree double *gst_rates = g_new (double, runs);
      g_autofree char *id = g_strdup_printf ("P1.throughput.n%d", k);
      double sl_rate, gst_rate;

      if (!p1 && k != 1)
        continue;

      /* Alternate the two, so that a noisy moment hits both alike. */
      for (int r = 0; r < runs; r++)
        {
          double sl_seconds, gst_seconds = 0;

          sl_rates[r] = throughput_measure (sl_throughput_run, "streamlib", k, &sl_n,
                                            (guint) options->capacity, options->quick, &sl_seconds);
          if (p1)
            gst_rates[r] = throughput_measure (gst_throughput_run, "gstreamer", k, &gst_n,
                                               (guint) options->capacity, options->quick, &gst_seconds);
          fprintf (stderr, "  P1 n%-2d run %d: streamlib %10.0f frames/s (%.3f s)   "
                   "gstreamer %10.0f frames/s (%.3f s)\n",
                   k, r + 1, sl_rates[r], sl_seconds, p1 ? gst_rates[r] : 0, gst_seconds);

          if (k == 1 && p5)
            for (guint s = 0; s < spsc_per_run; s++)
              {
                guint64 wakeups = 0;
                double seconds = spsc_run (sl_n, (guint) options->capacity, &wakeups);

                spsc_rates[n_spsc++] = sl_n / seconds;
                fprintf (stderr, "  P5 bare ring: %10.0f items/s (%" G_GINT64_FORMAT " items, %.4f s, "
                         "%" G_GUINT64_FORMAT " futex wakes)\n",
                         sl_n / seconds, sl_n, seconds, wakeups);
              }
        }

      sl_rate = median (sl_rates, runs);
      if (k == 1)
        sl_n1 = sl_rate;
      if (p1)
        {
          gst_rate = median (gst_rates, runs);
          add_row (options, id, "frames/s", sl_rate, gst_rate, NAN, TRUE,
                   (Goal) { GOAL_RATIO_AT_LEAST, goals[c], NULL });
        }
    }

  if (p5)
    add_row (options, "P5.spsc_fraction", "items/s", sl_n1, median (spsc_rates, n_spsc), NAN, TRUE,
             (Goal) { GOAL_RATIO_AT_LEAST, 0.5, NULL });
}

/* ------------------------------------------------------------------------ */
/* P2: latency                                                               */

/* One streamlib chain app-source ! passthrough×hops ! latency-sink, kept
 * running while frames are sent one at a time. */
typedef struct
{
  char             *what;
  SlRuntime        *runtime;
  SlProcessor      *source;
  SlProcessor      *sink_processor;
  BenchLatencySink *sink;
  GstCaps          *caps;
  guint             push_sample;   /* app-source's action signal, looked up once */
  guint             sent;
} SlLatency;

static void
sl_latency_open (SlLatency *self,
                 int        hops,
                 guint      total)
{
  self->what = g_strdup_printf ("latency n%d", hops);
  self->runtime = runtime_new (self->what);
  self->caps = gst_caps_new_empty_simple ("application/x-streamlib-bench");
  self->sent = 0;

  add_chain (self->runtime, "", "app-source", hops, "latency-sink", 0, NULL);
  runtime_start (self->runtime, self->what);

  self->source = sl_runtime_get_processor (self->runtime, "src");
  self->sink_processor = sl_runtime_get_processor (self->runtime, "sink");
  if (self->source == NULL || self->sink_processor == NULL ||
      !BENCH_IS_LATENCY_SINK (self->sink_processor))
    fail ("streamlib %s: no running app-source or latency-sink after start", self->what);
  self->sink = BENCH_LATENCY_SINK (self->sink_processor);
  self->push_sample = g_signal_lookup ("push-sample", G_OBJECT_TYPE (self->source));
  if (self->push_sample == 0)
    fail ("streamlib %s: app-source has no push-sample signal", self->what);
  bench_latency_sink_prepare (self->sink, total);
}

/* Sends one frame stamped with the time, waits for latency-sink to record
 * it; returns its latency in µs. */
static double
sl_latency_frame (SlLatency *self)
{
  g_autoptr(GstBuffer) buffer = gst_buffer_new ();
  g_autoptr(GstSample) sample = NULL;
  guint index = self->sent++;
  guint received;
  gint64 latency;

  GST_BUFFER_OFFSET (buffer) = index;
  sample = gst_sample_new (buffer, self->caps, NULL, NULL);
  GST_BUFFER_PTS (buffer) = (GstClockTime) now_ns ();
  g_signal_emit (self->source, self->push_sample, 0, sample);

  received = bench_latency_sink_wait (self->sink, index + 1, FRAME_TIMEOUT_US);
  if (received < index + 1)
    fail ("streamlib %s: frame %u did not reach latency-sink within %d s (%u received)",
          self->what, index, (int) (FRAME_TIMEOUT_US / G_USEC_PER_SEC), received);
  if (received > index + 1)
    fail ("streamlib %s: latency-sink received %u frames after %u were pushed",
          self->what, received, index + 1);
  if (!bench_latency_sink_get (self->sink, index, &latency))
    fail ("streamlib %s: frame %u reached latency-sink without its PTS", self->what, index);

  iterate_main_context ();
  return latency / 1e3;
}

static void
sl_latency_close (SlLatency *self)
{
  g_signal_emit_by_name (self->source, "end-of-stream");
  runtime_stop (self->runtime, SL_STOP_DRAIN, self->what);
  g_clear_object (&self->source);
  g_clear_object (&self->sink_processor);
  g_clear_object (&self->runtime);
  gst_clear_caps (&self->caps);
  g_clear_pointer (&self->what, g_free);
}

/* The GStreamer equivalent: appsrc ! (queue ! identity)×hops ! appsink. */
typedef struct
{
  char       *what;
  GstElement *pipeline;
  GstElement *src;
  GstElement *sink;
  GMutex      mutex;
  GCond       cond;
  guint       received;   /* under mutex */
  gint64      arrived;    /* under mutex: now_ns() in the last new-sample */
  guint       sent;
} GstLatency;

static GstFlowReturn
gst_latency_new_sample (GstAppSink *appsink,
                        gpointer    user_data)
{
  GstLatency *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (appsink);
  gint64 now = now_ns ();

  if (sample != NULL)
    gst_sample_unref (sample);

  g_mutex_lock (&self->mutex);
  self->arrived = now;
  self->received++;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  return GST_FLOW_OK;
}

static void
gst_latency_open (GstLatency *self,
                  int         hops)
{
  g_autofree char *description =
    gst_chain_description ("appsrc name=src caps=application/x-streamlib-bench", hops, "",
                           "appsink name=sink sync=false");
  GstAppSinkCallbacks callbacks = { 0 };

  self->what = g_strdup_printf ("latency n%d", hops);
  self->pipeline = gst_pipeline_new_from (description, self->what);
  self->src = gst_bin_get_by_name (GST_BIN (self->pipeline), "src");
  self->sink = gst_bin_get_by_name (GST_BIN (self->pipeline), "sink");
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->received = 0;
  self->sent = 0;

  callbacks.new_sample = gst_latency_new_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (self->sink), &callbacks, self, NULL);
  gst_set_state (self->pipeline, GST_STATE_PLAYING, self->what);
}

/* Pushes one buffer, waits for appsink's new-sample; returns the time from
 * the push to the callback, in µs. */
static double
gst_latency_frame (GstLatency *self)
{
  GstBuffer *buffer = gst_buffer_new ();
  guint index = self->sent++;
  gint64 pushed, arrived = 0, deadline;
  GstFlowReturn ret;
  gboolean waiting = TRUE;

  GST_BUFFER_OFFSET (buffer) = index;
  pushed = now_ns ();
  ret = gst_app_src_push_buffer (GST_APP_SRC (self->src), buffer);
  if (ret != GST_FLOW_OK)
    fail ("GStreamer %s: push-buffer returned %s", self->what, gst_flow_get_name (ret));

  deadline = g_get_monotonic_time () + FRAME_TIMEOUT_US;
  g_mutex_lock (&self->mutex);
  while (self->received < index + 1 && waiting)
    waiting = g_cond_wait_until (&self->cond, &self->mutex, deadline);
  if (self->received == index + 1)
    arrived = self->arrived;
  g_mutex_unlock (&self->mutex);
  if (arrived == 0)
    fail ("GStreamer %s: buffer %u did not reach appsink within %d s, or more arrived", self->what,
          index, (int) (FRAME_TIMEOUT_US / G_USEC_PER_SEC));
  return (arrived - pushed) / 1e3;
}

static void
gst_latency_close (GstLatency *self)
{
  gst_app_src_end_of_stream (GST_APP_SRC (self->src));
  gst_wait_eos (self->pipeline, CONTROL_TIMEOUT_S, self->what);
  gst_set_state (self->pipeline, GST_STATE_NULL, self->what);
  gst_clear_object (&self->src);
  gst_clear_object (&self->sink);
  gst_clear_object (&self->pipeline);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_clear_pointer (&self->what, g_free);
}

/* Both chains run side by side; frames go to one then the other in blocks
 * of LATENCY_BLOCK, so that a noisy moment hits both alike. Only one frame
 * is in flight at any time. */
#define LATENCY_BLOCK 100

static void
latency_measure (int           hops,
                 guint         warmup,
                 guint         frames,
                 LatencyStats *sl_stats,
                 LatencyStats *gst_stats)
{
  SlLatency sl;
  GstLatency gst;
  g_autofree double *sl_values = g_new (double, frames);
  g_autofree double *gst_values = g_new (double, frames);

  sl_latency_open (&sl, hops, warmup + frames);
  gst_latency_open (&gst, hops);

  for (guint i = 0; i < warmup; i++)
    {
      sl_latency_frame (&sl);
      gst_latency_frame (&gst);
    }
  for (guint done = 0; done < frames; done += LATENCY_BLOCK)
    {
      guint end = MIN (done + LATENCY_BLOCK, frames);

      for (guint i = done; i < end; i++)
        sl_values[i] = sl_latency_frame (&sl);
      for (guint i = done; i < end; i++)
        gst_values[i] = gst_latency_frame (&gst);
    }

  sl_latency_close (&sl);
  gst_latency_close (&gst);

  *sl_stats = latency_stats (sl_values, frames);
  *gst_stats = latency_stats (gst_values, frames);
}

static void
measure_latency (const Options *options)
{
  guint warmup = options->quick ? 100 : 300;
  guint frames = options->quick ? 2000 : 5000;
  LatencyStats sl[2], gst[2];
  static const int hops[] = { 1, 10 };

  for (guint h = 0; h < 2; h++)
    {
      latency_measure (hops[h], warmup, frames, &sl[h], &gst[h]);
      fprintf (stderr, "  P2 n%-2d latency (%u frames): streamlib median %.1f p99 %.1f max %.1f us   "
               "gstreamer median %.1f p99 %.1f max %.1f us\n",
               hops[h], frames, sl[h].median, sl[h].p99, sl[h].max,
               gst[h].median, gst[h].p99, gst[h].max);
    }
  for (guint h = 0; h < 2; h++)
    {
      g_autofree char *id = g_strdup_printf ("P2.latency.median.n%d", hops[h]);

      add_row (options, id, "us", sl[h].median, gst[h].median, NAN, FALSE,
               (Goal) { GOAL_RATIO_AT_MOST, 0.5, NULL });
    }
  for (guint h = 0; h < 2; h++)
    {
      g_autofree char *id = g_strdup_printf ("P2.latency.p99.n%d", hops[h]);
      static const char *bases[] = { "P2.latency.median.n1", "P2.latency.median.n10" };

      add_row (options, id, "us", sl[h].p99, gst[h].p99, NAN, FALSE,
               (Goal) { GOAL_OWN_MEDIAN_TIMES, 3, bases[h] });
    }
}

/* ------------------------------------------------------------------------ */
/* P3: live insertion                                                        */

/* Where streamlib's insertion time goes, for the stderr details: the edit
 * calls, the commit, and from the commit's return to the first frame. */
typedef struct
{
  double edit_ms;
  double commit_ms;
  double after_ms;
  double setup_ms;    /* from the commit's return to the inserted processor's setup */
} LiveAddSplit;

static double
sl_live_add_once (guint         capacity,
                  LiveAddSplit *split)
{
  const char *what = "live add";
  g_autoptr(SlRuntime) runtime = runtime_new (what);
  g_autoptr(GError) error = NULL;
  g_autoptr(SlProcessor) probe = NULL;
  g_autofree char *link = NULL;
  g_autofree char *in_link = NULL;
  g_autofree char *out_link = NULL;
  gint64 start, edited, committed, first;

  add_node (runtime, "test-source", "src");
  add_node (runtime, "counter-sink", "sink");
  link = add_link (runtime, "src", "sink", capacity);
  runtime_start (runtime, what);
  wait_count (runtime, "sink", "count", 1000, 100, what);
  g_usleep (5000);

  sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);

  /* The request: one delta, applied by the commit. */
  start = now_ns ();
  check (sl_runtime_unlink (runtime, link, &error), error, "streamlib live add: unlink");
  add_node (runtime, "bench-probe", "inserted");
  in_link = add_link (runtime, "src", "inserted", capacity);
  out_link = add_link (runtime, "inserted", "sink", capacity);
  edited = now_ns ();
  watchdog_arm (CONTROL_TIMEOUT_S, "streamlib %s: sl_runtime_commit()", what);
  check (sl_runtime_commit (runtime, &error), error, "streamlib live add: commit");
  watchdog_disarm ();
  committed = now_ns ();

  probe = sl_runtime_get_processor (runtime, "inserted");
  if (probe == NULL || !BENCH_IS_PROBE (probe))
    fail ("streamlib %s: no running bench-probe after the commit", what);
  first = bench_probe_wait_first (BENCH_PROBE (probe), FRAME_TIMEOUT_US);
  if (first == 0)
    fail ("streamlib %s: no frame through the inserted processor within %d s", what,
          (int) (FRAME_TIMEOUT_US / G_USEC_PER_SEC));

  /* And the frames go on to the sink. */
  {
    gint64 before = get_int64 (runtime, "sink", "count");

    wait_count (runtime, "sink", "count", before + 100, 100, what);
  }

  runtime_stop (runtime, SL_STOP_IMMEDIATE, what);
  if (split != NULL)
    {
      split->edit_ms = (edited - start) / 1e6;
      split->commit_ms = (committed - edited) / 1e6;
      split->after_ms = (first - committed) / 1e6;
      split->setup_ms = (bench_probe_get_setup_time (BENCH_PROBE (probe)) - committed) / 1e6;
    }
  return (first - start) / 1e6;
}

typedef struct
{
  GstElement *queue;
  GstElement *sink;
  GstElement *new_queue;
  GstElement *new_identity;
  GMutex      mutex;
  GCond       cond;
  gint64      first;        /* under mutex */
  gboolean    relink_failed;
} GstInsert;

static GstPadProbeReturn
gst_insert_first_buffer (GstPad          *pad,
                         GstPadProbeInfo *info,
                         gpointer         user_data)
{
  GstInsert *self = user_data;
  gint64 now = now_ns ();

  g_mutex_lock (&self->mutex);
  if (self->first == 0)
    self->first = now;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  return GST_PAD_PROBE_REMOVE;
}

/* On the queue's streaming thread, with its source pad blocked. */
static GstPadProbeReturn
gst_insert_blocked (GstPad          *pad,
                    GstPadProbeInfo *info,
                    gpointer         user_data)
{
  GstInsert *self = user_data;
  g_autoptr(GstPad) sink_pad = gst_element_get_static_pad (self->sink, "sink");
  g_autoptr(GstPad) new_sink_pad = gst_element_get_static_pad (self->new_queue, "sink");
  g_autoptr(GstPad) new_src_pad = gst_element_get_static_pad (self->new_identity, "src");
  gboolean ok;

  ok = gst_pad_unlink (pad, sink_pad);
  ok = ok && gst_pad_link (new_src_pad, sink_pad) == GST_PAD_LINK_OK;
  ok = ok && gst_element_sync_state_with_parent (self->new_identity);
  ok = ok && gst_element_sync_state_with_parent (self->new_queue);
  ok = ok && gst_pad_link (pad, new_sink_pad) == GST_PAD_LINK_OK;
  if (!ok)
    {
      g_mutex_lock (&self->mutex);
      self->relink_failed = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->mutex);
    }
  return GST_PAD_PROBE_REMOVE;
}

static double
gst_live_add_once (void)
{
  const char *what = "live add";
  GstElement *pipeline = gst_pipeline_new_from ("fakesrc sizetype=empty ! queue name=q ! "
                                                "fakesink name=sink sync=false", what);
  GstInsert insert = { 0 };
  g_autoptr(GstPad) queue_src = NULL;
  g_autoptr(GstPad) identity_src = NULL;
  gint64 start, first, deadline;

  g_mutex_init (&insert.mutex);
  g_cond_init (&insert.cond);
  insert.queue = gst_bin_get_by_name (GST_BIN (pipeline), "q");
  insert.sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_set_state (pipeline, GST_STATE_PLAYING, what);
  if (gst_element_get_state (pipeline, NULL, NULL, 10 * GST_SECOND) != GST_STATE_CHANGE_SUCCESS)
    fail ("GStreamer %s: the pipeline did not reach PLAYING", what);
  g_usleep (5000);

  /* The request: make queue ! identity, insert it after the queue. */
  start = now_ns ();
  insert.new_queue = gst_make ("queue", what);
  insert.new_identity = gst_make ("identity", what);
  gst_bin_add_many (GST_BIN (pipeline), insert.new_queue, insert.new_identity, NULL);
  if (!gst_element_link (insert.new_queue, insert.new_identity))
    fail ("GStreamer %s: cannot link queue ! identity", what);
  identity_src = gst_element_get_static_pad (insert.new_identity, "src");
  gst_pad_add_probe (identity_src, GST_PAD_PROBE_TYPE_BUFFER, gst_insert_first_buffer, &insert, NULL);
  queue_src = gst_element_get_static_pad (insert.queue, "src");
  gst_pad_add_probe (queue_src, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM, gst_insert_blocked, &insert, NULL);

  deadline = g_get_monotonic_time () + FRAME_TIMEOUT_US;
  g_mutex_lock (&insert.mutex);
  while (insert.first == 0 && !insert.relink_failed)
    if (!g_cond_wait_until (&insert.cond, &insert.mutex, deadline))
      break;
  first = insert.first;
  g_mutex_unlock (&insert.mutex);
  if (insert.relink_failed)
    fail ("GStreamer %s: relinking from the blocking probe failed", what);
  if (first == 0)
    fail ("GStreamer %s: no buffer through the inserted identity within %d s", what,
          (int) (FRAME_TIMEOUT_US / G_USEC_PER_SEC));

  gst_set_state (pipeline, GST_STATE_NULL, what);
  gst_object_unref (insert.queue);
  gst_object_unref (insert.sink);
  gst_object_unref (pipeline);
  g_mutex_clear (&insert.mutex);
  g_cond_clear (&insert.cond);
  return (first - start) / 1e6;
}

static void
measure_live_add (const Options *options)
{
  guint reps = options->quick ? 15 : 31;
  g_autofree double *sl = g_new (double, reps);
  g_autofree double *gst = g_new (double, reps);
  g_autofree double *edit = g_new (double, reps);
  g_autofree double *commit = g_new (double, reps);
  g_autofree double *after = g_new (double, reps);

  /* Warm-up: types, plugins, thread pools. */
  sl_live_add_once ((guint) options->capacity, NULL);
  gst_live_add_once ();
  for (guint i = 0; i < reps; i++)
    {
      LiveAddSplit split;

      sl[i] = sl_live_add_once ((guint) options->capacity, &split);
      edit[i] = split.edit_ms;
      commit[i] = split.commit_ms;
      after[i] = split.after_ms;
      gst[i] = gst_live_add_once ();
      if (options->verbose)
        fprintf (stderr, "  P3 %2u: streamlib %.3f ms (edit %.3f, commit %.3f, then %.3f; setup at %+.3f)   "
                 "gstreamer %.3f ms\n", i + 1, sl[i], edit[i], commit[i], after[i], split.setup_ms, gst[i]);
    }
  {
    LatencyStats s = latency_stats (sl, reps), g = latency_stats (gst, reps);

    fprintf (stderr, "  P3 streamlib, medians: edit calls %.3f ms, sl_runtime_commit() %.3f ms, "
             "commit to first frame %.3f ms\n",
             median (edit, reps), median (commit, reps), median (after, reps));

    fprintf (stderr, "  P3 live add (%u times): streamlib median %.3f min %.3f max %.3f ms   "
             "gstreamer median %.3f min %.3f max %.3f ms\n",
             reps, s.median, s.min, s.max, g.median, g.min, g.max);
    add_row (options, "P3.live_add.median", "ms", s.median, g.median, NAN, FALSE,
             (Goal) { GOAL_RATIO_AT_MOST, 0.2, NULL });
  }
}

/* ------------------------------------------------------------------------ */
/* P4: a 100-processor chain, in child processes                             */

#define P4_PROCESSORS 100

/* RSS once the chain is built, before it starts (KiB), for the details. */
static double p4_rss_built;

/* Build and start @k pass-throughs between a one-frame source and a probe;
 * returns ns from the start of the build to the first frame at the sink. */
static gint64
sl_chain_to_first_frame (int         k,
                         SlRuntime **out)
{
  const char *what = "start100";
  gint64 start = now_ns (), first;
  SlRuntime *runtime = runtime_new (what);
  g_autoptr(GError) error = NULL;
  g_autoptr(SlProcessor) probe = NULL;

  add_chain (runtime, "", "test-source", k, "bench-probe", 0, NULL);
  check (sl_runtime_set_from_string (runtime, "src", "num-frames", "1", &error), error, "num-frames");
  p4_rss_built = rss_kib ();
  runtime_start (runtime, what);
  probe = sl_runtime_get_processor (runtime, "sink");
  first = probe != NULL ? bench_probe_wait_first (BENCH_PROBE (probe), FRAME_TIMEOUT_US) : 0;
  if (first == 0)
    fail ("streamlib %s: no frame reached the sink of %d processors within %d s", what, k + 2,
          (int) (FRAME_TIMEOUT_US / G_USEC_PER_SEC));
  *out = runtime;
  return first - start;
}

static GstPadProbeReturn
gst_first_buffer (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  GstInsert *self = user_data;
  gint64 now = now_ns ();

  g_mutex_lock (&self->mutex);
  if (self->first == 0)
    self->first = now;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  return GST_PAD_PROBE_REMOVE;
}

/* fakesrc num-buffers=1 ! (queue ! identity)×k ! fakesink, element by
 * element; returns ns from the start of the build to the first buffer at
 * the sink. */
static gint64
gst_chain_to_first_frame (int          k,
                          GstElement **out)
{
  const char *what = "start100";
  gint64 start = now_ns (), first, deadline;
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *previous = gst_make ("fakesrc", what), *sink;
  g_autoptr(GstPad) sink_pad = NULL;
  GstInsert watch = { 0 };

  g_object_set (previous, "num-buffers", 1, "sizetype", 1 /* empty */, NULL);
  gst_bin_add (GST_BIN (pipeline), previous);
  for (int i = 0; i < 2 * k + 1; i++)
    {
      GstElement *element = gst_make (i == 2 * k ? "fakesink" : i % 2 ? "identity" : "queue", what);

      gst_bin_add (GST_BIN (pipeline), element);
      if (!gst_element_link (previous, element))
        fail ("GStreamer %s: cannot link element %d", what, i);
      previous = element;
    }
  sink = previous;
  g_object_set (sink, "sync", FALSE, NULL);
  g_mutex_init (&watch.mutex);
  g_cond_init (&watch.cond);
  sink_pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_BUFFER, gst_first_buffer, &watch, NULL);

  p4_rss_built = rss_kib ();
  gst_set_state (pipeline, GST_STATE_PLAYING, what);
  deadline = g_get_monotonic_time () + FRAME_TIMEOUT_US;
  g_mutex_lock (&watch.mutex);
  while (watch.first == 0)
    if (!g_cond_wait_until (&watch.cond, &watch.mutex, deadline))
      break;
  first = watch.first;
  g_mutex_unlock (&watch.mutex);
  if (first == 0)
    fail ("GStreamer %s: no buffer reached the sink of %d stages within %d s", what, k + 2,
          (int) (FRAME_TIMEOUT_US / G_USEC_PER_SEC));
  g_mutex_clear (&watch.mutex);
  g_cond_clear (&watch.cond);
  *out = pipeline;
  return first - start;
}

static int
child_p4 (gboolean streamlib)
{
  double rss_before, rss_after;
  double before[4], after[4];   /* heap, stacks, other anonymous, files */
  gint64 ns;

  /* Warm-up: load and initialise every type the measure uses. */
  if (streamlib)
    {
      SlRuntime *runtime = NULL;

      sl_chain_to_first_frame (2, &runtime);
      runtime_stop (runtime, SL_STOP_IMMEDIATE, "warm-up");
      g_object_unref (runtime);
    }
  else
    {
      GstElement *pipeline = NULL;

      gst_chain_to_first_frame (2, &pipeline);
      gst_set_state (pipeline, GST_STATE_NULL, "warm-up");
      gst_object_unref (pipeline);
    }

  rss_breakdown_kib (&before[0], &before[1], &before[2], &before[3]);
  rss_before = rss_kib ();
  if (streamlib)
    {
      SlRuntime *runtime = NULL;

      ns = sl_chain_to_first_frame (P4_PROCESSORS - 2, &runtime);
      rss_after = rss_kib ();
      rss_breakdown_kib (&after[0], &after[1], &after[2], &after[3]);
      runtime_stop (runtime, SL_STOP_IMMEDIATE, "start100");
      g_object_unref (runtime);
    }
  else
    {
      GstElement *pipeline = NULL;

      ns = gst_chain_to_first_frame (P4_PROCESSORS - 2, &pipeline);
      rss_after = rss_kib ();
      rss_breakdown_kib (&after[0], &after[1], &after[2], &after[3]);
      gst_set_state (pipeline, GST_STATE_NULL, "start100");
      gst_object_unref (pipeline);
    }

  printf ("P4 %.4f %.2f %.2f %.2f %.2f %.2f %.2f\n", ns / 1e6, (rss_after - rss_before) / P4_PROCESSORS,
          (p4_rss_built - rss_before) / P4_PROCESSORS,
          (after[0] - before[0]) / P4_PROCESSORS, (after[1] - before[1]) / P4_PROCESSORS,
          (after[2] - before[2]) / P4_PROCESSORS, (after[3] - before[3]) / P4_PROCESSORS);
  fflush (stdout);
  return 0;
}

/* Runs this program with @args; returns its stdout. */
static char *
run_child (const Options *options,
           const char    *child,
           const char    *extra)
{
  g_autofree char *child_arg = g_strdup_printf ("--child=%s", child);
  const char *argv[] = { options->exe, child_arg, extra, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                     &status, &error))
    fail ("cannot run %s %s: %s", options->exe, child_arg, error->message);
  if (!g_spawn_check_wait_status (status, &error))
    fail ("%s %s: %s", options->exe, child_arg, error->message);
  return out;
}

static void
measure_start100 (const Options *options)
{
  guint reps = options->quick ? 5 : 9;  /* at most 16 */
  g_autofree double *sl_ms = g_new (double, reps);
  g_autofree double *sl_kib = g_new (double, reps);
  g_autofree double *gst_ms = g_new (double, reps);
  g_autofree double *gst_kib = g_new (double, reps);
  double sl_built[16], gst_built[16];

  for (guint i = 0; i < reps; i++)
    {
      for (int s = 0; s < 2; s++)
        {
          g_autofree char *out = run_child (options, s == 0 ? "p4-streamlib" : "p4-gstreamer", NULL);
          double ms, kib, built, heap, stacks, anonymous, files;

          if (out == NULL ||
              sscanf (out, "P4 %lf %lf %lf %lf %lf %lf %lf", &ms, &kib, &built,
                      &heap, &stacks, &anonymous, &files) != 7)
            fail ("P4 child: unexpected output “%s”", out != NULL ? out : "");
          if (options->verbose)
            fprintf (stderr, "  P4 %s, KiB per processor: heap %.1f, thread stacks %.1f, other anonymous "
                     "(arenas) %.1f, files %.1f\n", s == 0 ? "streamlib" : "gstreamer",
                     heap, stacks, anonymous, files);
          (s == 0 ? sl_ms : gst_ms)[i] = ms;
          (s == 0 ? sl_kib : gst_kib)[i] = kib;
          (s == 0 ? sl_built : gst_built)[i] = built;
        }
      fprintf (stderr, "  P4 run %u: streamlib %.2f ms %.1f KiB/processor (%.1f once built)   "
               "gstreamer %.2f ms %.1f KiB/stage (%.1f once built)\n",
               i + 1, sl_ms[i], sl_kib[i], sl_built[i], gst_ms[i], gst_kib[i], gst_built[i]);
    }

  add_row (options, "P4.start100.ms", "ms", median (sl_ms, reps), median (gst_ms, reps), NAN, FALSE,
           (Goal) { GOAL_RATIO_AT_MOST, 0.5, NULL });
  add_row (options, "P4.rss_per_processor_kib", "KiB", median (sl_kib, reps), median (gst_kib, reps),
           NAN, FALSE, (Goal) { GOAL_RATIO_AT_MOST, 0.75, NULL });
}

/* ------------------------------------------------------------------------ */
/* P7: growth with idle processors                                           */

/* ns per frame through test-source ! passthrough ! counter-sink beside
 * @idle reactive passthroughs in chains of 10 that no frame enters. */
static double
growth_cost (int    idle,
             gint64 n,
             guint  capacity)
{
  g_autofree char *what = g_strdup_printf ("growth with %d idle", idle);
  g_autoptr(SlRuntime) runtime = runtime_new (what);
  g_autoptr(GError) error = NULL;
  g_autofree char *frames = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  gint64 t1, t2, c1, c2;

  for (int i = 0; i < idle; i++)
    {
      g_autofree char *id = g_strdup_printf ("idle%d", i);

      add_node (runtime, "passthrough", id);
      if (i % 10 != 0)
        {
          g_autofree char *previous = g_strdup_printf ("idle%d", i - 1);

          g_free (add_link (runtime, previous, id, 0));
        }
    }
  add_chain (runtime, "", "test-source", 1, "counter-sink", capacity, NULL);
  check (sl_runtime_set_from_string (runtime, "src", "num-frames", frames, &error), error, "num-frames");

  runtime_start (runtime, what);
  c1 = wait_count (runtime, "sink", "count", n / 5, 100, what);
  t1 = now_ns ();
  c2 = wait_count (runtime, "sink", "count", n, 100, what);
  t2 = now_ns ();
  runtime_stop (runtime, SL_STOP_IMMEDIATE, what);

  return (double) (t2 - t1) / (double) (c2 - c1);
}

static void
measure_growth (const Options *options)
{
  static const int sizes[] = { 10, 100, 1000 };
  int runs = options->runs;
  gint64 n = options->quick ? 300000 : 1000000;
  double costs[G_N_ELEMENTS (sizes)][16];
  double medians[G_N_ELEMENTS (sizes)];

  runs = MIN (runs, 16);
  for (int r = 0; r < runs; r++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        costs[s][r] = growth_cost (sizes[s], n, (guint) options->capacity);
        fprintf (stderr, "  P7 run %d: %4d idle processors: %.1f ns/frame\n", r + 1, sizes[s], costs[s][r]);
      }
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    medians[s] = median (costs[s], runs);
  fprintf (stderr, "  P7 median ns/frame: 10 idle %.1f, 100 idle %.1f, 1000 idle %.1f\n",
           medians[0], medians[1], medians[2]);
  add_row (options, "P7.growth.10_100_1000", "cost1000/cost10", medians[2] / medians[0], NAN,
           medians[2] / medians[0], FALSE, (Goal) { GOAL_RATIO_AT_MOST, 2, NULL });
}

/* ------------------------------------------------------------------------ */
/* P8: idle CPU, in a child process                                          */

static int
child_p8 (double seconds)
{
  const char *what = "idle";
  g_autoptr(SlRuntime) runtime = runtime_new (what);
  guint64 voluntary0, voluntary1, involuntary0, involuntary1;
  double cpu0, cpu1;
  gint64 wall0, wall1;

  add_chain (runtime, "", "app-source", 8, "counter-sink", 0, NULL);
  runtime_start (runtime, what);
  g_usleep (200000);   /* setup done, every processor asleep */

  cpu0 = cpu_seconds (&voluntary0, &involuntary0);
  wall0 = now_ns ();
  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  cpu1 = cpu_seconds (&voluntary1, &involuntary1);
  wall1 = now_ns ();

  if (get_int64 (runtime, "sink", "count") != 0)
    fail ("streamlib %s: a frame flowed", what);
  runtime_stop (runtime, SL_STOP_IMMEDIATE, what);

  printf ("P8 %.5f %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %.3f\n",
          100.0 * (cpu1 - cpu0) / ((wall1 - wall0) / 1e9),
          voluntary1 - voluntary0, involuntary1 - involuntary0, (wall1 - wall0) / 1e9);
  fflush (stdout);
  return 0;
}

static void
measure_idle (const Options *options)
{
  double seconds = options->quick ? 2 : 5;
  g_autofree char *extra = g_strdup_printf ("--seconds=%g", seconds);
  g_autofree char *out = run_child (options, "p8", extra);
  double percent, wall;
  guint64 voluntary, involuntary;

  if (out == NULL ||
      sscanf (out, "P8 %lf %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %lf",
              &percent, &voluntary, &involuntary, &wall) != 4)
    fail ("P8 child: unexpected output “%s”", out != NULL ? out : "");
  fprintf (stderr, "  P8 idle 10-processor graph over %.2f s: %.4f %% CPU, %" G_GUINT64_FORMAT
           " voluntary and %" G_GUINT64_FORMAT " involuntary context switches\n",
           wall, percent, voluntary, involuntary);
  add_row (options, "P8.idle_cpu_percent", "%", percent, NAN, percent, FALSE,
           (Goal) { GOAL_RATIO_BELOW, 1, NULL });
}

/* ------------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  Options options = { 0 };
  int capacity = 200;
  double seconds = 5;
  gint64 frames = 1000000;
  int hops = 1;
  g_autofree char *json_path = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *child = NULL;
  g_autofree char *only = NULL;
  GOptionEntry entries[] = {
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &options.quick, "Smaller runs, fewer repetitions (for CI; < 3 min)", NULL },
    { "json", 'j', 0, G_OPTION_ARG_FILENAME, &json_path, "Also write the JSON lines to FILE", "FILE" },
    { "out-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Where to write bench-results.json and bench-results.svg (default: next to --json FILE, else .)", "DIR" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &options.runs,
      "Runs of each throughput chain and growth size (default 5, 3 with --quick)", "N" },
    { "capacity", 'c', 0, G_OPTION_ARG_INT, &capacity,
      "Frames each throughput link (and GStreamer queue) holds (default 200, GStreamer's queue default)", "C" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &options.verbose, "Print every repetition", NULL },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only,
      "Run only these measures, comma-separated (P1,P2,P3,P4,P5,P7,P8)", "LIST" },
    { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child, "Internal: one measure in this process", "NAME" },
    { "seconds", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_DOUBLE, &seconds, "Internal: P8's duration", "S" },
    { "frames", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &frames, "Internal: frames of a child P1 run", "N" },
    { "hops", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &hops, "Internal: pass-throughs of a child P1 run", "K" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- streamlib against GStreamer, P1…P8");
  g_autoptr(GError) error = NULL;
  g_autofree char *results_json = NULL;
  g_autofree char *results_svg = NULL;
  gint64 started;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", BENCH_NAME, error->message);
      return 2;
    }
  if (options.runs <= 0)
    options.runs = options.quick ? 3 : 5;
  if (capacity <= 0)
    {
      fprintf (stderr, "%s: --capacity must be at least 1\n", BENCH_NAME);
      return 2;
    }
  options.capacity = capacity;
  options.only = only;

  gst_init (NULL, NULL);
  watchdog_init ();

  if (child != NULL)
    {
      if (strcmp (child, "p4-streamlib") == 0)
        return child_p4 (TRUE);
      if (strcmp (child, "p4-gstreamer") == 0)
        return child_p4 (FALSE);
      if (strcmp (child, "p8") == 0)
        return child_p8 (seconds);
      /* For profiling one side alone (callgrind, strace -c, perf):
       * --child=p1-streamlib|p1-gstreamer|spsc --frames=N --hops=K, or
       * --child=p2-streamlib|p2-gstreamer --frames=N --hops=K, or
       * --child=p3-streamlib|p3-gstreamer --frames=INSERTIONS */
      if (strcmp (child, "p2-streamlib") == 0 || strcmp (child, "p2-gstreamer") == 0)
        {
          g_autofree double *us = g_new (double, MAX (frames, 1));
          LatencyStats stats;

          if (child[3] == 's')
            {
              SlLatency sl;

              sl_latency_open (&sl, hops, (guint) MAX (frames, 1));
              for (gint64 i = 0; i < MAX (frames, 1); i++)
                us[i] = sl_latency_frame (&sl);
              sl_latency_close (&sl);
            }
          else
            {
              GstLatency gst;

              gst_latency_open (&gst, hops);
              for (gint64 i = 0; i < MAX (frames, 1); i++)
                us[i] = gst_latency_frame (&gst);
              gst_latency_close (&gst);
            }
          stats = latency_stats (us, (guint) MAX (frames, 1));
          printf ("%s n%d median %.1f p99 %.1f us over %" G_GINT64_FORMAT " frames\n", child, hops,
                  stats.median, stats.p99, MAX (frames, 1));
          return 0;
        }
      if (strcmp (child, "p3-streamlib") == 0 || strcmp (child, "p3-gstreamer") == 0)
        {
          g_autofree double *ms = g_new (double, MAX (frames, 1));

          for (gint64 i = 0; i < MAX (frames, 1); i++)
            ms[i] = child[3] == 's' ? sl_live_add_once ((guint) capacity, NULL) : gst_live_add_once ();
          printf ("%s median %.3f ms over %" G_GINT64_FORMAT "\n", child, median (ms, MAX (frames, 1)),
                  MAX (frames, 1));
          return 0;
        }
      if (strcmp (child, "p1-streamlib") == 0 || strcmp (child, "p1-gstreamer") == 0 ||
          strcmp (child, "spsc") == 0)
        {
          double run_seconds;

          if (child[1] == 's')
            run_seconds = spsc_run (frames, (guint) capacity, NULL);
          else
            run_seconds = (child[3] == 's' ? sl_throughput_run : gst_throughput_run)
                            (hops, frames, (guint) capacity).seconds;
          printf ("%s %.0f items/s (%" G_GINT64_FORMAT " in %.3f s)\n", child, frames / run_seconds,
                  frames, run_seconds);
          return 0;
        }
      fprintf (stderr, "%s: unknown --child %s\n", BENCH_NAME, child);
      return 2;
    }

  options.exe = g_file_read_link ("/proc/self/exe", &error);
  if (options.exe == NULL)
    {
      fprintf (stderr, "%s: cannot find this program for its child runs: %s\n", BENCH_NAME, error->message);
      return 2;
    }

  if (json_path != NULL)
    {
      options.json = fopen (json_path, "w");
      if (options.json == NULL)
        {
          fprintf (stderr, "%s: cannot write %s: %s\n", BENCH_NAME, json_path, g_strerror (errno));
          return 2;
        }
    }
  if (out_dir == NULL)
    out_dir = json_path != NULL ? g_path_get_dirname (json_path) : g_strdup (".");
  results_json = g_build_filename (out_dir, "bench-results.json", NULL);
  results_svg = g_build_filename (out_dir, "bench-results.svg", NULL);

  fprintf (stderr, "%s: %s run, %d run(s) per throughput chain, %u CPUs, %s\n",
           BENCH_NAME, options.quick ? "quick" : "full", options.runs, g_get_num_processors (),
           gst_version_string ());
  started = g_get_monotonic_time ();

  bench_registry ();
  if (selected (&options, "P1") || selected (&options, "P5"))
    measure_throughput (&options, selected (&options, "P1"), selected (&options, "P5"));
  if (selected (&options, "P2"))
    measure_latency (&options);
  if (selected (&options, "P3"))
    measure_live_add (&options);
  if (selected (&options, "P4"))
    measure_start100 (&options);
  if (selected (&options, "P7"))
    measure_growth (&options);
  if (selected (&options, "P8"))
    measure_idle (&options);

  report_print_table (options.quick);
  fprintf (stderr, "took %.1f s\n", (g_get_monotonic_time () - started) / 1e6);

  if (!report_write_json_array (results_json, &error))
    fprintf (stderr, "%s: cannot write %s: %s\n", BENCH_NAME, results_json, error->message);
  else
    fprintf (stderr, "wrote %s (a JSON array of the lines above)\n", results_json);
  g_clear_error (&error);
  if (!report_write_svg (results_svg, options.quick, &error))
    fprintf (stderr, "%s: cannot write %s: %s\n", BENCH_NAME, results_svg, error->message);
  else
    fprintf (stderr, "wrote %s\n", results_svg);

  if (options.json != NULL)
    fclose (options.json);
  g_free (options.exe);
  return 0;
}
