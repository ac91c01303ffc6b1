/* bench-util.c: clocks, failing, the watchdog, statistics, helpers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* ------------------------------------------------------------------------ */
/* Failing                                                                  */

void
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
 * (start, stop, state changes, relinking). */
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

void
watchdog_init (void)
{
  g_mutex_init (&watchdog.mutex);
  g_cond_init (&watchdog.cond);
  g_thread_unref (g_thread_new ("bench-watchdog", watchdog_thread, NULL));
}

void
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

void
watchdog_disarm (void)
{
  g_mutex_lock (&watchdog.mutex);
  g_clear_pointer (&watchdog.what, g_free);
  g_cond_signal (&watchdog.cond);
  g_mutex_unlock (&watchdog.mutex);
}

/* ------------------------------------------------------------------------ */
/* Statistics                                                               */

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Sorts @values. */
double
median (double *values,
        guint   n)
{
  g_assert (n > 0);
  qsort (values, n, sizeof *values, compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* Nearest rank on sorted @values. */
double
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

/* @values in µs, sorted here. */
LatencyStats
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

/* ------------------------------------------------------------------------ */
/* The process                                                              */

double
rss_kib (void)
{
  g_autofree char *contents = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &contents, NULL, NULL) ||
      sscanf (contents, "%lu %lu", &size, &resident) != 2)
    fail ("cannot read /proc/self/statm");
  return resident * (double) sysconf (_SC_PAGESIZE) / 1024.0;
}

/* Resident KiB by kind of mapping, from /proc/self/smaps: the main heap,
 * thread stacks (anonymous rw mappings the size of the default stack), other
 * anonymous memory (malloc arenas, large allocations), and file mappings. */
void
rss_breakdown_kib (double *heap,
                   double *stacks,
                   double *anonymous,
                   double *files)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  struct rlimit limit;
  unsigned long stack_kib = 8192;
  enum { HEAP, STACKS, ANONYMOUS, FILES, OTHER } kind = OTHER;

  *heap = *stacks = *anonymous = *files = 0;
  if (getrlimit (RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    stack_kib = (unsigned long) (limit.rlim_cur / 1024);
  if (!g_file_get_contents ("/proc/self/smaps", &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      unsigned long start, end, kib;
      char perms[8] = "";
      int path = 0;

      if (sscanf (lines[i], "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perms, &path) >= 3 &&
          strchr (lines[i], '-') < strchr (lines[i], ' '))
        {
          const char *name = path > 0 ? lines[i] + path : "";

          if (strcmp (name, "[heap]") == 0)
            kind = HEAP;
          else if (name[0] == '/')
            kind = FILES;
          else if (name[0] == '\0' && (end - start) / 1024 == stack_kib)
            kind = STACKS;
          else if (name[0] == '\0')
            kind = ANONYMOUS;
          else
            kind = OTHER;
        }
      else if (sscanf (lines[i], "Rss: %lu kB", &kib) == 1)
        {
          switch (kind)
            {
            case HEAP: *heap += kib; break;
            case STACKS: *stacks += kib; break;
            case ANONYMOUS: *anonymous += kib; break;
            case FILES: *files += kib; break;
            case OTHER: default: break;
            }
        }
    }
}

double
cpu_seconds (guint64 *voluntary_switches,
             guint64 *involuntary_switches)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    fail ("getrusage: %s", g_strerror (errno));
  if (voluntary_switches != NULL)
    *voluntary_switches = (guint64) usage.ru_nvcsw;
  if (involuntary_switches != NULL)
    *involuntary_switches = (guint64) usage.ru_nivcsw;
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

void
iterate_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (!ok)
    fail ("%s: %s", what, error != NULL ? error->message : "failed");
}

/* ------------------------------------------------------------------------ */
/* streamlib                                                                */

static void
on_runtime_error (SlRuntime    *runtime,
                  const char   *id,
                  const GError *error,
                  gpointer      user_data)
{
  fail ("streamlib %s: processor or link “%s” reported an error: %s",
        (const char *) user_data, id, error->message);
}

/* One registry for every runtime of the run, scanned once: like GStreamer's
 * registry, loaded by gst_init(), its cost is not part of any measure. */
SlRegistry *
bench_registry (void)
{
  static SlRegistry *registry;

  if (registry == NULL)
    {
      registry = sl_registry_new ();
      if (sl_registry_lookup (registry, "passthrough") == G_TYPE_INVALID)
        fail ("streamlib: no “passthrough” factory: is STREAMLIB_PLUGIN_PATH set to the core "
              "processors' directory (scripts/bench does it)?");
      bench_register_processors (registry);
    }
  return registry;
}

SlRuntime *
runtime_new (const char *what)
{
  SlRuntime *runtime = sl_runtime_new_with_registry (bench_registry ());

  g_signal_connect_data (runtime, "error", G_CALLBACK (on_runtime_error),
                         g_strdup (what), (GClosureNotify) g_free, 0);
  return runtime;
}

void
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

void
runtime_stop (SlRuntime  *runtime,
              SlStopMode  mode,
              const char *what)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  watchdog_arm (CONTROL_TIMEOUT_S, "streamlib %s: sl_runtime_stop(%s)", what,
                mode == SL_STOP_DRAIN ? "SL_STOP_DRAIN" : "SL_STOP_IMMEDIATE");
  ok = sl_runtime_stop (runtime, mode, &error);
  watchdog_disarm ();
  if (!ok)
    fail ("streamlib %s: sl_runtime_stop(): %s", what, error->message);
  iterate_main_context ();
}

gint64
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

void
add_node (SlRuntime  *runtime,
          const char *factory,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *added = sl_runtime_add (runtime, factory, id, &error);

  if (added == NULL)
    fail ("streamlib: adding %s “%s”: %s", factory, id,
          error != NULL ? error->message : "failed");
}

char *
add_link (SlRuntime  *runtime,
          const char *source,
          const char *target,
          guint       capacity)
{
  g_autoptr(GError) error = NULL;
  char *link = sl_runtime_link (runtime, source, target, &error);

  if (link == NULL)
    fail ("streamlib: linking %s to %s: %s", source, target,
          error != NULL ? error->message : "failed");
  if (capacity > 0 &&
      !sl_runtime_configure_link (runtime, link, capacity, SL_OVERFLOW_BLOCK, &error))
    fail ("streamlib: configuring %s: %s", link, error->message);
  return link;
}

void
add_chain (SlRuntime  *runtime,
           const char *prefix,
           const char *source_factory,
           int         k,
           const char *sink_factory,
           guint       capacity,
           GPtrArray  *links)
{
  g_autofree char *previous = g_strdup_printf ("%ssrc", prefix);

  add_node (runtime, source_factory, previous);
  for (int i = 0; i <= k; i++)
    {
      g_autofree char *node = i < k ? g_strdup_printf ("%spass%d", prefix, i + 1)
                                    : g_strdup_printf ("%ssink", prefix);
      char *link;

      add_node (runtime, i < k ? "passthrough" : sink_factory, node);
      link = add_link (runtime, previous, node, capacity);
      if (links != NULL)
        g_ptr_array_add (links, link);
      else
        g_free (link);
      g_free (previous);
      previous = g_steal_pointer (&node);
    }
}

/* ------------------------------------------------------------------------ */
/* GStreamer                                                                */

char *
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

GstElement *
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

GstElement *
gst_make (const char *factory,
          const char *what)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    fail ("GStreamer %s: no element “%s” (is the GStreamer core plugin installed?)", what, factory);
  return element;
}

/* Waits for EOS; fails on an error message or after @timeout_s. */
void
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

void
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
