/* bench-runtime.c: throughput and latency of the runtime, next to GStreamer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Measures, in one run, streamlib and the equivalent GStreamer pipeline, so
 * that the ratio holds on a noisy machine:
 *
 * - throughput: frames/s through 1, 3 and 10 pass-through processors
 *     test-source num-frames=N rate=0 ! passthrough×k ! counter-sink
 *   (every link SL_OVERFLOW_BLOCK, capacity C: nothing may be dropped), timed
 *   from sl_runtime_start() to the sink's count reaching N, against
 *     fakesrc sizetype=empty num-buffers=N ! (queue ! identity)×k ! fakesink sync=false
 *   (each queue bounded to C buffers) timed from PLAYING to EOS on the bus.
 *   Median of the runs; the two are run alternately.
 *
 * - latency: one frame at a time, end to end through k = 1 and 10 hops,
 *     app-source ! passthrough×k ! latency-sink
 *   where the push time travels in the buffer's PTS and latency-sink (defined
 *   here) computes now − pushed on its own thread, against
 *     appsrc ! (queue ! identity)×k ! appsink
 *   where the main thread waits for appsink's new-sample and records the
 *   time. Both paths cross k + 2 threads (app-source's or appsrc's, one per
 *   hop, the sink's or the woken main thread). The next frame is sent only
 *   once the previous one arrived; both chains run side by side and take
 *   frames in alternate blocks. "per_hop" is the marginal cost of a hop:
 *   (median(k=10) − median(k=1)) / 9.
 *
 * Results go to stdout, one JSON object per line:
 *   {"id": "throughput.n3", "unit": "frames/s", "value": 123456.0, ...}
 * ids prefixed "gst." are GStreamer's, "ratio." are streamlib / GStreamer.
 * A human table goes to stderr.
 *
 * Every wait is bounded: a hang, a drop on a blocking link or a failed
 * processor ends the program with "bench-runtime: FAILED: ..." and status 1.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <streamlib/streamlib.h>

#define BENCH_NAME "bench-runtime"

/* How long a chain may make no progress before the benchmark gives up. */
#define STALL_TIMEOUT_US     (10 * G_USEC_PER_SEC)
/* How long one latency frame may take. */
#define FRAME_TIMEOUT_US     (5 * G_USEC_PER_SEC)
/* How long start, stop or a GStreamer state change may take. */
#define CONTROL_TIMEOUT_S    30
/* Throughput runs shorter than this are repeated with more frames. */
#define MIN_RUN_SECONDS      0.5

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* ------------------------------------------------------------------------ */
/* Failing                                                                  */

static void fail (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
fail (const char *format,
      ...)
{
  va_list args;

  fflush (stdout);
  fprintf (stderr, "%s: FAILED: ", BENCH_NAME);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fprintf (stderr, "\n");
  fflush (stderr);
  /* Threads may be stuck: do not run exit handlers that could wait on them. */
  _exit (1);
}

/* A watchdog bounds the calls that block inside the library or GStreamer
 * (start, stop, state changes). */
static struct
{
  GMutex   mutex;
  GCond    cond;
  char    *what;        /* armed when non-NULL */
  gint64   deadline;    /* g_get_monotonic_time() */
  int      seconds;
} watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  g_mutex_lock (&watchdog.mutex);
  for (;;)
    {
      if (watchdog.what == NULL)
        g_cond_wait (&watchdog.cond, &watchdog.mutex);
      else if (!g_cond_wait_until (&watchdog.cond, &watchdog.mutex, watchdog.deadline) &&
               watchdog.what != NULL && g_get_monotonic_time () >= watchdog.deadline)
        fail ("%s did not return within %d s (engine hang?)", watchdog.what, watchdog.seconds);
    }
  return NULL;
}

static void watchdog_arm (int seconds, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
watchdog_arm (int         seconds,
              const char *format,
              ...)
{
  va_list args;

  g_mutex_lock (&watchdog.mutex);
  g_free (watchdog.what);
  va_start (args, format);
  watchdog.what = g_strdup_vprintf (format, args);
  va_end (args);
  watchdog.seconds = seconds;
  watchdog.deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  g_cond_signal (&watchdog.cond);
  g_mutex_unlock (&watchdog.mutex);
}

static void
watchdog_disarm (void)
{
  g_mutex_lock (&watchdog.mutex);
  g_clear_pointer (&watchdog.what, g_free);
  g_cond_signal (&watchdog.cond);
  g_mutex_unlock (&watchdog.mutex);
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */

static FILE *json_file;

static void
emit (const char *id,
      const char *unit,
      double      value,
      const char *extra_format,
      ...) G_GNUC_PRINTF (4, 5);

/* One JSON object per line; @extra_format adds fields (", \"runs\": 3"). */
static void
emit (const char *id,
      const char *unit,
      double      value,
      const char *extra_format,
      ...)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *extra = NULL;
  g_autofree char *line = NULL;

  if (extra_format != NULL)
    {
      va_list args;

      va_start (args, extra_format);
      extra = g_strdup_vprintf (extra_format, args);
      va_end (args);
    }

  g_ascii_formatd (number, sizeof number, strcmp (unit, "frames") == 0 ? "%.0f" : "%.3f", value);
  line = g_strdup_printf ("{\"id\": \"%s\", \"unit\": \"%s\", \"value\": %s%s}\n",
                          id, unit, number, extra != NULL ? extra : "");
  fputs (line, stdout);
  fflush (stdout);
  if (json_file != NULL)
    {
      fputs (line, json_file);
      fflush (json_file);
    }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Sorts @values. */
static double
median (double *values,
        guint   n)
{
  g_assert (n > 0);
  qsort (values, n, sizeof *values, (int (*)(const void *, const void *)) compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* Nearest rank on sorted @values. */
static double
percentile (const double *values,
            guint         n,
            double        p)
{
  guint rank = (guint) (p / 100.0 * n + 0.999999);

  if (rank < 1)
    rank = 1;
  if (rank > n)
    rank = n;
  return values[rank - 1];
}

/* ------------------------------------------------------------------------ */
/* latency-sink: records now − PTS for each frame, on its own thread         */

#define BENCH_TYPE_LATENCY_SINK (bench_latency_sink_get_type ())
G_DECLARE_FINAL_TYPE (BenchLatencySink, bench_latency_sink, BENCH, LATENCY_SINK, SlProcessor)

struct _BenchLatencySink
{
  SlProcessor  parent_instance;

  GMutex       mutex;
  GCond        cond;
  gint64      *samples;    /* ns, preallocated by bench_latency_sink_prepare() */
  guint        capacity;
  guint        received;
  guint        untimed;    /* frames without a PTS */
};

G_DEFINE_FINAL_TYPE (BenchLatencySink, bench_latency_sink, SL_TYPE_PROCESSOR)

static gboolean
bench_latency_sink_process (SlProcessor  *processor,
                            GError      **error)
{
  BenchLatencySink *self = BENCH_LATENCY_SINK (processor);
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  GstSample *sample;

  while ((sample = sl_input_port_pop (in)) != NULL)
    {
      gint64 now = now_ns ();
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      gboolean timed = buffer != NULL && GST_BUFFER_PTS_IS_VALID (buffer);
      gint64 latency = timed ? now - (gint64) GST_BUFFER_PTS (buffer) : 0;

      gst_sample_unref (sample);

      g_mutex_lock (&self->mutex);
      if (!timed)
        self->untimed++;
      if (self->received < self->capacity)
        self->samples[self->received] = latency;
      self->received++;
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->mutex);
    }

  return TRUE;
}

static void
bench_latency_sink_finalize (GObject *object)
{
  BenchLatencySink *self = BENCH_LATENCY_SINK (object);

  g_free (self->samples);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (bench_latency_sink_parent_class)->finalize (object);
}

static void
bench_latency_sink_class_init (BenchLatencySinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->finalize = bench_latency_sink_finalize;
  processor_class->process = bench_latency_sink_process;
  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
  sl_processor_class_set_description (processor_class,
                                      "Records how long each frame took since its PTS (monotonic ns)");
}

static void
bench_latency_sink_init (BenchLatencySink *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
}

/* Before the first frame: room for @capacity samples. */
static void
bench_latency_sink_prepare (BenchLatencySink *self,
                            guint             capacity)
{
  g_mutex_lock (&self->mutex);
  g_free (self->samples);
  self->samples = g_new0 (gint64, capacity);
  self->capacity = capacity;
  self->received = 0;
  self->untimed = 0;
  g_mutex_unlock (&self->mutex);
}

/* Returns how many frames arrived: at least @at_least, or fewer on timeout. */
static guint
bench_latency_sink_wait (BenchLatencySink *self,
                         guint             at_least,
                         gint64            timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  guint received;

  g_mutex_lock (&self->mutex);
  while (self->received < at_least)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  received = self->received;
  g_mutex_unlock (&self->mutex);
  return received;
}

/* ------------------------------------------------------------------------ */
/* streamlib helpers                                                         */

static void
on_runtime_error (SlRuntime    *runtime,
                  const char   *id,
                  const GError *error,
                  gpointer      user_data)
{
  fail ("streamlib %s: processor or link “%s” reported an error: %s",
        (const char *) user_data, id, error->message);
}

static void
iterate_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static SlRuntime *
runtime_new (const char *what)
{
  SlRuntime *runtime = sl_runtime_new ();

  g_signal_connect_data (runtime, "error", G_CALLBACK (on_runtime_error),
                         g_strdup (what), (GClosureNotify) g_free, 0);
  return runtime;
}

static void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (!ok)
    fail ("%s: %s", what, error != NULL ? error->message : "failed");
}

/* Builds source ! passthrough×k ! sink with every link blocking at
 * @capacity; the link ids go to @links. */
static void
add_chain (SlRuntime  *runtime,
           const char *source_factory,
           int         k,
           const char *sink_factory,
           guint       capacity,
           GPtrArray  *links)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = g_strdup ("src");
  g_autofree char *id = NULL;

  g_free (sl_runtime_add (runtime, source_factory, "src", &error));
  check (error == NULL, error, "adding the source");

  for (int i = 0; i <= k; i++)
    {
      g_autofree char *link = NULL;
      g_autofree char *node = i < k ? g_strdup_printf ("pass%d", i + 1) : g_strdup ("sink");

      g_free (sl_runtime_add (runtime, i < k ? "passthrough" : sink_factory, node, &error));
      check (error == NULL, error, "adding a processor");
      link = sl_runtime_link (runtime, previous, node, &error);
      check (link != NULL, error, "linking");
      check (sl_runtime_configure_link (runtime, link, capacity, SL_OVERFLOW_BLOCK, &error),
             error, "configuring a link");
      g_ptr_array_add (links, g_steal_pointer (&link));
      g_free (previous);
      previous = g_steal_pointer (&node);
    }
}

static void
runtime_start (SlRuntime  *runtime,
               const char *what)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  watchdog_arm (CONTROL_TIMEOUT_S, "streamlib %s: sl_runtime_start()", what);
  ok = sl_runtime_start (runtime, &error);
  watchdog_disarm ();
  if (!ok)
    fail ("streamlib %s: sl_runtime_start(): %s", what, error->message);
}

static void
runtime_drain (SlRuntime  *runtime,
               const char *what)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  watchdog_arm (CONTROL_TIMEOUT_S, "streamlib %s: sl_runtime_stop(SL_STOP_DRAIN)", what);
  ok = sl_runtime_stop (runtime, SL_STOP_DRAIN, &error);
  watchdog_disarm ();
  if (!ok)
    fail ("streamlib %s: sl_runtime_stop(SL_STOP_DRAIN): %s", what, error->message);
  iterate_main_context ();
}

static gint64
get_int64 (SlRuntime  *runtime,
           const char *id,
           const char *property)
{
  g_autoptr(SlProcessor) processor = sl_runtime_get_processor (runtime, id);
  gint64 value = -1;

  if (processor != NULL)
    g_object_get (processor, property, &value, NULL);
  return value;
}

/* ------------------------------------------------------------------------ */
/* Throughput                                                                */

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
  gint64 start, end, count = 0, last_count = -1, last_progress;

  add_chain (runtime, "test-source", k, "counter-sink", capacity, links);
  check (sl_runtime_set_from_string (runtime, "src", "num-frames", frames, &error), error, "num-frames");
  check (sl_runtime_set_from_string (runtime, "src", "rate", "0", &error), error, "rate");

  start = now_ns ();
  runtime_start (runtime, what);

  /* Poll the sink; a 250 µs granularity is < 0.1 % of a 0.5 s run. */
  last_progress = g_get_monotonic_time ();
  while ((count = get_int64 (runtime, "sink", "count")) < n)
    {
      if (count != last_count)
        {
          last_count = count;
          last_progress = g_get_monotonic_time ();
        }
      else if (g_get_monotonic_time () - last_progress > STALL_TIMEOUT_US)
        fail ("streamlib %s: counter-sink count stuck at %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
              " for %d s (test-source produced %" G_GINT64_FORMAT ")",
              what, count, n, (int) (STALL_TIMEOUT_US / G_USEC_PER_SEC),
              get_int64 (runtime, "src", "produced"));
      iterate_main_context ();
      g_usleep (250);
    }
  end = now_ns ();

  runtime_drain (runtime, what);

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

static char *
gst_chain_description (const char *head,
                       int         k,
                       const char *queue_options,
                       const char *tail)
{
  GString *description = g_string_new (head);

  for (int i = 0; i < k; i++)
    g_string_append_printf (description, " ! queue%s ! identity", queue_options);
  g_string_append_printf (description, " ! %s", tail);
  return g_string_free (description, FALSE);
}

static GstElement *
gst_pipeline_new_from (const char *description,
                       const char *what)
{
  g_autoptr(GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);

  if (pipeline == NULL || error != NULL)
    fail ("GStreamer %s: cannot build “%s”: %s", what, description,
          error != NULL ? error->message : "unknown error");
  return pipeline;
}

/* Waits for EOS; fails on an error message or after @timeout_s. */
static void
gst_wait_eos (GstElement *pipeline,
              int         timeout_s,
              const char *what)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  GstMessage *message = gst_bus_timed_pop_filtered (bus, (GstClockTime) timeout_s * GST_SECOND,
                                                    GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

  if (message == NULL)
    fail ("GStreamer %s: no EOS within %d s", what, timeout_s);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      fail ("GStreamer %s: %s (%s)", what, error->message, debug != NULL ? debug : "");
    }
  gst_message_unref (message);
}

static void
gst_set_state (GstElement *pipeline,
               GstState    state,
               const char *what)
{
  GstStateChangeReturn ret;

  watchdog_arm (CONTROL_TIMEOUT_S, "GStreamer %s: set_state(%s)", what,
                gst_element_state_get_name (state));
  ret = gst_element_set_state (pipeline, state);
  watchdog_disarm ();
  if (ret == GST_STATE_CHANGE_FAILURE)
    fail ("GStreamer %s: set_state(%s) failed", what, gst_element_state_get_name (state));
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
                    guint64        *dropped,
                    double         *seconds)
{
  for (int attempt = 0;; attempt++)
    {
      RunResult result = func (k, *n, capacity);

      if (quick || result.seconds >= MIN_RUN_SECONDS || attempt >= 4)
        {
          if (dropped != NULL)
            *dropped += result.dropped;
          *seconds = result.seconds;
          return *n / result.seconds;
        }
      *n = (gint64) (*n * MIN_RUN_SECONDS * 1.3 / MAX (result.seconds, 0.001));
      fprintf (stderr, "  n%-2d %s: %.3f s is too short to time, again with %" G_GINT64_FORMAT " frames\n",
               k, name, result.seconds, *n);
    }
}

/* ------------------------------------------------------------------------ */
/* Latency                                                                   */

typedef struct
{
  double median;
  double p99;
  double mean;
  double min;
  double max;
} LatencyStats;

/* @values in µs, sorted here. */
static LatencyStats
latency_stats (double *values,
               guint   n)
{
  LatencyStats stats;
  double sum = 0;

  stats.median = median (values, n);
  stats.p99 = percentile (values, n, 99);
  stats.min = values[0];
  stats.max = values[n - 1];
  for (guint i = 0; i < n; i++)
    sum += values[i];
  stats.mean = sum / n;
  return stats;
}

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
  guint             sent;
} SlLatency;

static void
sl_latency_open (SlLatency *self,
                 int        hops,
                 guint      total)
{
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  self->what = g_strdup_printf ("latency h%d", hops);
  self->runtime = runtime_new (self->what);
  self->caps = gst_caps_new_empty_simple ("application/x-streamlib-bench");
  self->sent = 0;

  check (sl_registry_register (sl_runtime_get_registry (self->runtime), "latency-sink",
                               BENCH_TYPE_LATENCY_SINK, &error),
         error, "registering latency-sink");
  add_chain (self->runtime, "app-source", hops, "latency-sink", SL_DEFAULT_LINK_CAPACITY, links);
  runtime_start (self->runtime, self->what);

  self->source = sl_runtime_get_processor (self->runtime, "src");
  self->sink_processor = sl_runtime_get_processor (self->runtime, "sink");
  if (self->source == NULL || self->sink_processor == NULL ||
      !BENCH_IS_LATENCY_SINK (self->sink_processor))
    fail ("streamlib %s: no running app-source or latency-sink after start", self->what);
  self->sink = BENCH_LATENCY_SINK (self->sink_processor);
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
  gboolean untimed;

  GST_BUFFER_OFFSET (buffer) = index;
  sample = gst_sample_new (buffer, self->caps, NULL, NULL);
  GST_BUFFER_PTS (buffer) = (GstClockTime) now_ns ();
  g_signal_emit_by_name (self->source, "push-sample", sample);

  received = bench_latency_sink_wait (self->sink, index + 1, FRAME_TIMEOUT_US);
  if (received < index + 1)
    fail ("streamlib %s: frame %u did not reach latency-sink within %d s (%u received)",
          self->what, index, (int) (FRAME_TIMEOUT_US / G_USEC_PER_SEC), received);
  if (received > index + 1)
    fail ("streamlib %s: latency-sink received %u frames after %u were pushed",
          self->what, received, index + 1);

  g_mutex_lock (&self->sink->mutex);
  latency = self->sink->samples[index];
  untimed = self->sink->untimed > 0;
  g_mutex_unlock (&self->sink->mutex);
  if (untimed)
    fail ("streamlib %s: frame %u reached latency-sink without its PTS", self->what, index);

  iterate_main_context ();
  return latency / 1e3;
}

static void
sl_latency_close (SlLatency *self)
{
  g_signal_emit_by_name (self->source, "end-of-stream");
  runtime_drain (self->runtime, self->what);
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
  guint       sent;
} GstLatency;

static GstFlowReturn
gst_latency_new_sample (GstAppSink *appsink,
                        gpointer    user_data)
{
  GstLatency *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (appsink);

  if (sample != NULL)
    gst_sample_unref (sample);

  g_mutex_lock (&self->mutex);
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

  self->what = g_strdup_printf ("latency h%d", hops);
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
 * the push to the wake-up, in µs. */
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
  if (self->received >= index + 1)
    arrived = now_ns ();
  g_mutex_unlock (&self->mutex);
  if (arrived == 0)
    fail ("GStreamer %s: buffer %u did not reach appsink within %d s", self->what, index,
          (int) (FRAME_TIMEOUT_US / G_USEC_PER_SEC));
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

/* ------------------------------------------------------------------------ */

typedef struct
{
  char  *id;
  double streamlib;
  double gst;
  char  *unit;
} Row;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_free (row->id);
  g_free (row->unit);
  g_free (row);
}

static void
add_row (GPtrArray  *rows,
         const char *id,
         const char *unit,
         double      streamlib,
         double      gst)
{
  Row *row = g_new0 (Row, 1);

  row->id = g_strdup (id);
  row->unit = g_strdup (unit);
  row->streamlib = streamlib;
  row->gst = gst;
  g_ptr_array_add (rows, row);
}

static void
emit_pair (GPtrArray  *rows,
           const char *id,
           const char *unit,
           double      streamlib,
           double      gst,
           const char *better,
           const char *extra)
{
  g_autofree char *gst_id = g_strdup_printf ("gst.%s", id);
  g_autofree char *ratio_id = g_strdup_printf ("ratio.%s", id);

  emit (id, unit, streamlib, "%s", extra != NULL ? extra : "");
  emit (gst_id, unit, gst, "%s", extra != NULL ? extra : "");
  emit (ratio_id, "streamlib/gst", gst != 0 ? streamlib / gst : 0,
        ", \"better\": \"%s\"", better);
  add_row (rows, id, unit, streamlib, gst);
}

static void
print_table (GPtrArray *rows,
             gboolean   quick,
             guint      capacity)
{
  fprintf (stderr, "\n%-26s %-9s %14s %14s %9s\n", "measure", "unit", "streamlib", "gstreamer", "sl/gst");
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);

      fprintf (stderr, "%-26s %-9s %14.1f %14.1f %9.3f\n", row->id, row->unit,
               row->streamlib, row->gst, row->gst != 0 ? row->streamlib / row->gst : 0);
    }
  fprintf (stderr,
           "\n%s run, %u CPUs. throughput: median of runs, links/queues bound to %u frames, "
           "higher is better.\nlatency: end to end through hN pass-throughs, one frame in flight, "
           "lower is better; per_hop = (median h10 - median h1) / 9.\n",
           quick ? "quick" : "full", g_get_num_processors (), capacity);
}

int
main (int   argc,
      char *argv[])
{
  gboolean quick = FALSE;
  int runs = 0;
  int capacity = 200;
  g_autofree char *json_path = NULL;
  GOptionEntry entries[] = {
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "Smaller runs, once each (for CI)", NULL },
    { "json", 'j', 0, G_OPTION_ARG_FILENAME, &json_path, "Also write the JSON lines to FILE", "FILE" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Throughput runs per chain (default 3, 1 with --quick)", "N" },
    { "capacity", 'c', 0, G_OPTION_ARG_INT, &capacity,
      "Frames each throughput link (and GStreamer queue) holds (default 200, GStreamer's queue default)", "C" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- streamlib runtime benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (row_free);
  static const int chains[] = { 1, 3, 10 };
  /* Frames per throughput run, for about 0.6 s on a 2-core machine; raised
   * at run time where a run is shorter than MIN_RUN_SECONDS. */
  static const gint64 full_frames[] = { 1500000, 600000, 350000 };
  static const gint64 gst_full_frames[] = { 900000, 500000, 200000 };
  static const gint64 quick_frames[] = { 200000, 100000, 50000 };
  guint warmup, frames;
  double sl_latency_h1 = 0, sl_latency_h10 = 0, gst_latency_h1 = 0, gst_latency_h10 = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", BENCH_NAME, error->message);
      return 2;
    }
  if (runs <= 0)
    runs = quick ? 1 : 3;
  if (capacity <= 0)
    {
      fprintf (stderr, "%s: --capacity must be at least 1\n", BENCH_NAME);
      return 2;
    }
  warmup = quick ? 50 : 200;
  frames = quick ? 300 : 2000;

  gst_init (NULL, NULL);
  g_mutex_init (&watchdog.mutex);
  g_cond_init (&watchdog.cond);
  g_thread_unref (g_thread_new ("bench-watchdog", watchdog_thread, NULL));

  if (json_path != NULL)
    {
      json_file = fopen (json_path, "w");
      if (json_file == NULL)
        {
          fprintf (stderr, "%s: cannot write %s: %s\n", BENCH_NAME, json_path, g_strerror (errno));
          return 2;
        }
    }

  fprintf (stderr, "%s: %s run, %d run(s) per throughput chain, %u CPUs\n",
           BENCH_NAME, quick ? "quick" : "full", runs, g_get_num_processors ());

  for (guint c = 0; c < G_N_ELEMENTS (chains); c++)
    {
      int k = chains[c];
      gint64 sl_n = quick ? quick_frames[c] : full_frames[c];
      gint64 gst_n = quick ? quick_frames[c] : gst_full_frames[c];
      g_autofree double *sl_rates = g_new (double, runs);
      g_autofree double *gst_rates = g_new (double, runs);
      g_autofree char *id = g_strdup_printf ("throughput.n%d", k);
      g_autofree char *gst_id = g_strdup_printf ("gst.throughput.n%d", k);
      g_autofree char *ratio_id = g_strdup_printf ("ratio.throughput.n%d", k);
      g_autofree char *dropped_id = g_strdup_printf ("throughput.n%d.dropped", k);
      double sl_rate, gst_rate;
      guint64 dropped = 0;

      /* Alternate the two, so that a noisy moment hits both alike. */
      for (int r = 0; r < runs; r++)
        {
          double sl_seconds, gst_seconds;

          sl_rates[r] = throughput_measure (sl_throughput_run, "streamlib", k, &sl_n,
                                            (guint) capacity, quick, &dropped, &sl_seconds);
          gst_rates[r] = throughput_measure (gst_throughput_run, "gstreamer", k, &gst_n,
                                             (guint) capacity, quick, NULL, &gst_seconds);
          fprintf (stderr, "  n%-2d run %d: streamlib %10.0f frames/s (%.3f s)   "
                   "gstreamer %10.0f frames/s (%.3f s)\n",
                   k, r + 1, sl_rates[r], sl_seconds, gst_rates[r], gst_seconds);
        }

      sl_rate = median (sl_rates, runs);
      gst_rate = median (gst_rates, runs);
      emit (id, "frames/s", sl_rate, ", \"frames\": %" G_GINT64_FORMAT ", \"runs\": %d, \"capacity\": %d",
            sl_n, runs, capacity);
      emit (dropped_id, "frames", (double) dropped, ", \"runs\": %d", runs);
      emit (gst_id, "frames/s", gst_rate, ", \"frames\": %" G_GINT64_FORMAT ", \"runs\": %d, \"capacity\": %d",
            gst_n, runs, capacity);
      emit (ratio_id, "streamlib/gst", sl_rate / gst_rate, ", \"better\": \"higher\"");
      add_row (rows, id, "frames/s", sl_rate, gst_rate);
    }

  for (guint h = 0; h < 2; h++)
    {
      int hops = h == 0 ? 1 : 10;
      LatencyStats sl, gst;
      g_autofree char *median_id = g_strdup_printf ("latency.h%d.median", hops);
      g_autofree char *p99_id = g_strdup_printf ("latency.h%d.p99", hops);
      g_autofree char *extra = g_strdup_printf (", \"frames\": %u, \"warmup\": %u", frames, warmup);

      latency_measure (hops, warmup, frames, &sl, &gst);
      fprintf (stderr, "  h%-2d latency: streamlib median %.1f p99 %.1f max %.1f us   "
               "gstreamer median %.1f p99 %.1f max %.1f us\n",
               hops, sl.median, sl.p99, sl.max, gst.median, gst.p99, gst.max);
      emit_pair (rows, median_id, "us", sl.median, gst.median, "lower", extra);
      emit_pair (rows, p99_id, "us", sl.p99, gst.p99, "lower", extra);
      if (hops == 1)
        sl_latency_h1 = sl.median, gst_latency_h1 = gst.median;
      else
        sl_latency_h10 = sl.median, gst_latency_h10 = gst.median;
    }
  emit_pair (rows, "latency.per_hop.median", "us",
             (sl_latency_h10 - sl_latency_h1) / 9, (gst_latency_h10 - gst_latency_h1) / 9, "lower",
             ", \"from\": \"(h10.median - h1.median) / 9\"");

  print_table (rows, quick, (guint) capacity);

  if (json_file != NULL)
    fclose (json_file);
  return 0;
}
