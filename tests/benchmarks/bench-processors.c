/* bench-processors.c: processors defined for the benchmark
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdatomic.h>

#include "bench.h"

/* ------------------------------------------------------------------------ */
/* latency-sink: records now − PTS for each frame, on its own thread         */

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
void
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
guint
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

gboolean
bench_latency_sink_get (BenchLatencySink *self,
                        guint             index,
                        gint64           *latency)
{
  gboolean timed;

  g_mutex_lock (&self->mutex);
  g_assert (index < self->capacity && index < self->received);
  *latency = self->samples[index];
  timed = self->untimed == 0;
  g_mutex_unlock (&self->mutex);
  return timed;
}

/* ------------------------------------------------------------------------ */
/* bench-probe: notes when the first frame arrived                           */

struct _BenchProbe
{
  SlProcessor   parent_instance;

  SlInputPort  *in;
  SlOutputPort *out;
  GMutex        mutex;
  GCond         cond;
  atomic_int_fast64_t first;    /* now_ns() of the first frame, 0 before */
  atomic_int_fast64_t setup;    /* now_ns() at setup */
  atomic_int_fast64_t count;
};

G_DEFINE_FINAL_TYPE (BenchProbe, bench_probe, SL_TYPE_PROCESSOR)

enum {
  PROBE_PROP_0,
  PROBE_PROP_COUNT,
  PROBE_N_PROPS
};

static GParamSpec *probe_properties[PROBE_N_PROPS];

static gboolean
bench_probe_setup (SlProcessor  *processor,
                   GError      **error)
{
  BenchProbe *self = BENCH_PROBE (processor);

  atomic_store (&self->setup, now_ns ());
  self->in = sl_processor_get_input_port (processor, "in");
  self->out = sl_processor_get_output_port (processor, "out");
  return TRUE;
}

static gboolean
bench_probe_process (SlProcessor  *processor,
                     GError      **error)
{
  BenchProbe *self = BENCH_PROBE (processor);
  GstSample *sample;

  while ((sample = sl_input_port_pop (self->in)) != NULL)
    {
      if (G_UNLIKELY (atomic_load_explicit (&self->first, memory_order_relaxed) == 0))
        {
          gint64 now = now_ns ();

          g_mutex_lock (&self->mutex);
          atomic_store (&self->first, now);
          g_cond_broadcast (&self->cond);
          g_mutex_unlock (&self->mutex);
        }
      atomic_store_explicit (&self->count,
                             atomic_load_explicit (&self->count, memory_order_relaxed) + 1,
                             memory_order_relaxed);
      if (sl_output_port_get_n_links (self->out) > 0)
        sl_output_port_push (self->out, sample);
      else
        gst_sample_unref (sample);
    }

  return TRUE;
}

static void
bench_probe_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  BenchProbe *self = BENCH_PROBE (object);

  switch (prop_id)
    {
    case PROBE_PROP_COUNT:
      g_value_set_int64 (value, atomic_load (&self->count));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_probe_finalize (GObject *object)
{
  BenchProbe *self = BENCH_PROBE (object);

  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (bench_probe_parent_class)->finalize (object);
}

static void
bench_probe_class_init (BenchProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->finalize = bench_probe_finalize;
  object_class->get_property = bench_probe_get_property;
  processor_class->setup = bench_probe_setup;
  processor_class->process = bench_probe_process;

  probe_properties[PROBE_PROP_COUNT] =
    g_param_spec_int64 ("count", NULL, "Frames seen", 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, PROBE_N_PROPS, probe_properties);

  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_add_output_port (processor_class, "out", NULL);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
  sl_processor_class_set_description (processor_class,
                                      "Forwards every frame, noting when the first one arrived");
}

static void
bench_probe_init (BenchProbe *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  atomic_init (&self->first, 0);
  atomic_init (&self->count, 0);
}

gint64
bench_probe_get_setup_time (BenchProbe *self)
{
  return atomic_load (&self->setup);
}

gint64
bench_probe_wait_first (BenchProbe *self,
                        gint64      timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  gint64 first;

  g_mutex_lock (&self->mutex);
  while ((first = atomic_load (&self->first)) == 0)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  first = atomic_load (&self->first);
  g_mutex_unlock (&self->mutex);
  return first;
}

/* ------------------------------------------------------------------------ */

void
bench_register_processors (SlRegistry *registry)
{
  g_autoptr(GError) error = NULL;

  check (sl_registry_register (registry, "latency-sink", BENCH_TYPE_LATENCY_SINK, &error),
         error, "registering latency-sink");
  check (sl_registry_register (registry, "bench-probe", BENCH_TYPE_PROBE, &error),
         error, "registering bench-probe");
}
