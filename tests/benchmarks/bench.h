/* bench.h: what the parts of the runtime benchmark share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-runtime.c   the measures P1…P8 and main()
 * bench-util.c      clocks, failing, the watchdog, statistics, streamlib and
 *                   GStreamer helpers, RSS and CPU time
 * bench-processors.c processors defined for the benchmark (latency-sink,
 *                   bench-probe)
 * bench-spsc.c      the bare C11 SPSC ring between two threads (P5's limit)
 * bench-report.c    the table, the JSON lines, bench-results.json and .svg
 */

#pragma once

#include <math.h>
#include <stdio.h>

#include <gst/gst.h>
#include <streamlib/streamlib.h>

G_BEGIN_DECLS

#define BENCH_NAME "bench-runtime"

/* How long a chain may make no progress before the benchmark gives up. */
#define STALL_TIMEOUT_US     (10 * G_USEC_PER_SEC)
/* How long one latency frame, or one first frame, may take. */
#define FRAME_TIMEOUT_US     (5 * G_USEC_PER_SEC)
/* How long start, stop or a GStreamer state change may take. */
#define CONTROL_TIMEOUT_S    30

/* ------------------------------------------------------------------------ */
/* bench-util.c                                                              */

gint64      now_ns                 (void);

void        fail                   (const char *format,
                                    ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

void        watchdog_init          (void);
void        watchdog_arm           (int         seconds,
                                    const char *format,
                                    ...) G_GNUC_PRINTF (2, 3);
void        watchdog_disarm        (void);

double      median                 (double       *values,
                                    guint         n);
double      percentile             (const double *values,
                                    guint         n,
                                    double        p);

typedef struct
{
  double median;
  double p99;
  double mean;
  double min;
  double max;
} LatencyStats;

LatencyStats latency_stats         (double       *values,
                                    guint         n);

/* Resident set size of this process, KiB (/proc/self/statm). */
double      rss_kib                (void);
void        rss_breakdown_kib      (double       *heap,
                                    double       *stacks,
                                    double       *anonymous,
                                    double       *files);
/* User + system CPU time of this process so far, seconds (getrusage). */
double      cpu_seconds            (guint64      *voluntary_switches,
                                    guint64      *involuntary_switches);

void        iterate_main_context   (void);
void        check                  (gboolean     ok,
                                    GError      *error,
                                    const char  *what);

/* streamlib */
SlRegistry *bench_registry         (void);
SlRuntime  *runtime_new            (const char  *what);
void        runtime_start          (SlRuntime   *runtime,
                                    const char  *what);
void        runtime_stop           (SlRuntime   *runtime,
                                    SlStopMode   mode,
                                    const char  *what);
gint64      get_int64              (SlRuntime   *runtime,
                                    const char  *id,
                                    const char  *property);
/* Adds @id from @factory; fails the benchmark on an error. */
void        add_node               (SlRuntime   *runtime,
                                    const char  *factory,
                                    const char  *id);
/* Links @source to @target; capacity 0 keeps the default (and its policy).
 * Returns the link id. */
char       *add_link               (SlRuntime   *runtime,
                                    const char  *source,
                                    const char  *target,
                                    guint        capacity);
/* @prefix"src" ! passthrough×k (@prefix"pass1"…) ! @prefix"sink"; every link
 * SL_OVERFLOW_BLOCK at @capacity (0: the default link). Link ids go to @links
 * when non-NULL. */
void        add_chain              (SlRuntime   *runtime,
                                    const char  *prefix,
                                    const char  *source_factory,
                                    int          k,
                                    const char  *sink_factory,
                                    guint        capacity,
                                    GPtrArray   *links);

/* GStreamer */
char       *gst_chain_description  (const char  *head,
                                    int          k,
                                    const char  *queue_options,
                                    const char  *tail);
GstElement *gst_pipeline_new_from  (const char  *description,
                                    const char  *what);
void        gst_set_state          (GstElement  *pipeline,
                                    GstState     state,
                                    const char  *what);
void        gst_wait_eos           (GstElement  *pipeline,
                                    int          timeout_s,
                                    const char  *what);
GstElement *gst_make               (const char  *factory,
                                    const char  *what);

/* ------------------------------------------------------------------------ */
/* bench-processors.c                                                        */

/* latency-sink: records now − PTS (monotonic ns) for every frame, on its
 * own thread. */
#define BENCH_TYPE_LATENCY_SINK (bench_latency_sink_get_type ())
G_DECLARE_FINAL_TYPE (BenchLatencySink, bench_latency_sink, BENCH, LATENCY_SINK, SlProcessor)

void        bench_latency_sink_prepare (BenchLatencySink *self,
                                        guint             capacity);
guint       bench_latency_sink_wait    (BenchLatencySink *self,
                                        guint             at_least,
                                        gint64            timeout_us);
/* Latency of frame @index in ns; FALSE if it had no PTS. */
gboolean    bench_latency_sink_get     (BenchLatencySink *self,
                                        guint             index,
                                        gint64           *latency);

/* bench-probe: a pass-through (or, unlinked downstream, a sink) that notes
 * when its first frame arrived (now_ns()) and counts frames. */
#define BENCH_TYPE_PROBE (bench_probe_get_type ())
G_DECLARE_FINAL_TYPE (BenchProbe, bench_probe, BENCH, PROBE, SlProcessor)

/* now_ns() of the first frame, or 0 if none arrived within @timeout_us. */
gint64      bench_probe_wait_first     (BenchProbe       *self,
                                        gint64            timeout_us);

/* now_ns() when its setup ran, 0 before. */
gint64      bench_probe_get_setup_time (BenchProbe       *self);

/* Registers latency-sink and bench-probe in @registry. */
void        bench_register_processors  (SlRegistry       *registry);

/* ------------------------------------------------------------------------ */
/* bench-spsc.c                                                              */

/* Moves @n items from one thread to another through a bounded C11 SPSC ring
 * of @capacity; both sides sleep on a futex (never spin). Returns seconds
 * from the start of both threads to the last item consumed; @wakeups gets
 * how many futex wakes were issued. */
double      spsc_run                   (gint64            n,
                                        guint             capacity,
                                        guint64          *wakeups);

/* ------------------------------------------------------------------------ */
/* bench-report.c                                                            */

typedef enum
{
  GOAL_NONE,
  GOAL_RATIO_AT_LEAST,      /* ratio >= value */
  GOAL_RATIO_AT_MOST,       /* ratio <= value */
  GOAL_RATIO_BELOW,         /* ratio <  value */
  GOAL_OWN_MEDIAN_TIMES,    /* streamlib <= value × the row named by `base` */
} GoalKind;

typedef struct
{
  GoalKind    kind;
  double      value;
  const char *base;         /* GOAL_OWN_MEDIAN_TIMES: id of the median row */
} Goal;

/* @reference NAN: none (JSON null). @ratio NAN: streamlib / reference. */
void        report_add                 (const char       *id,
                                        const char       *unit,
                                        double            streamlib,
                                        double            reference,
                                        double            ratio,
                                        gboolean          higher_is_better,
                                        Goal              goal);
/* Writes the JSON line of the last row added to stdout and @json. */
void        report_emit_last           (FILE             *json);
void        report_print_table         (gboolean          quick);
gboolean    report_write_json_array    (const char       *path,
                                        GError          **error);
gboolean    report_write_svg           (const char       *path,
                                        gboolean          quick,
                                        GError          **error);

G_END_DECLS
