/* sl-app-sink.c: hands frames to the application
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>

#include "sl-core-processors.h"
#include "sl-lock-private.h"

struct _SlAppSink
{
  SlProcessor          parent_instance;

  GMutex               mutex;
  GQueue               queued;         /* GstSample* */
  gboolean             dispatch_pending;
  guint                max_queued;
  atomic_bool          emit_signals;
  atomic_int_fast64_t  received;
};

G_DEFINE_FINAL_TYPE (SlAppSink, sl_app_sink, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_EMIT_SIGNALS,
  PROP_MAX_QUEUED,
  PROP_RECEIVED,
  N_PROPS
};

enum {
  NEW_SAMPLE,
  PULL_SAMPLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GstSample *
sl_app_sink_pull_sample (SlAppSink *self)
{
  GstSample *sample;

  sl_mutex_lock (&self->mutex);
  sample = g_queue_pop_head (&self->queued);
  sl_mutex_unlock (&self->mutex);

  return sample;
}

/* Runs on the runtime's main context: the only place new-sample is
 * emitted, so handlers written in JavaScript or touching widgets are safe. */
static gboolean
sl_app_sink_dispatch (gpointer user_data)
{
  SlAppSink *self = user_data;
  GstSample *sample;

  sl_mutex_lock (&self->mutex);
  self->dispatch_pending = FALSE;
  sl_mutex_unlock (&self->mutex);

  while (atomic_load (&self->emit_signals) && (sample = sl_app_sink_pull_sample (self)) != NULL)
    {
      g_signal_emit (self, signals[NEW_SAMPLE], 0, sample);
      gst_sample_unref (sample);
    }

  return G_SOURCE_REMOVE;
}

static gboolean
sl_app_sink_process (SlProcessor  *processor,
                     GError      **error)
{
  SlAppSink *self = SL_APP_SINK (processor);
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  gboolean schedule = FALSE;
  GstSample *sample;

  while ((sample = sl_input_port_pop (in)) != NULL)
    {
      atomic_fetch_add (&self->received, 1);
      sl_mutex_lock (&self->mutex);
      g_queue_push_tail (&self->queued, sample);
      while (self->max_queued > 0 && self->queued.length > self->max_queued)
        gst_sample_unref (g_queue_pop_head (&self->queued));
      if (atomic_load (&self->emit_signals) && !self->dispatch_pending)
        schedule = self->dispatch_pending = TRUE;
      sl_mutex_unlock (&self->mutex);
    }

  if (schedule)
    {
      SlRuntime *runtime = sl_processor_get_runtime (processor);
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_callback (source, sl_app_sink_dispatch, g_object_ref (self), g_object_unref);
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_attach (source, runtime != NULL ? sl_runtime_get_main_context (runtime) : NULL);
    }

  return TRUE;
}

static void
sl_app_sink_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SlAppSink *self = SL_APP_SINK (object);

  switch (prop_id)
    {
    case PROP_EMIT_SIGNALS:
      g_value_set_boolean (value, atomic_load (&self->emit_signals));
      break;
    case PROP_MAX_QUEUED:
      sl_mutex_lock (&self->mutex);
      g_value_set_uint (value, self->max_queued);
      sl_mutex_unlock (&self->mutex);
      break;
    case PROP_RECEIVED:
      g_value_set_int64 (value, atomic_load (&self->received));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_app_sink_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SlAppSink *self = SL_APP_SINK (object);

  switch (prop_id)
    {
    case PROP_EMIT_SIGNALS:
      atomic_store (&self->emit_signals, g_value_get_boolean (value));
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_MAX_QUEUED:
      sl_mutex_lock (&self->mutex);
      self->max_queued = g_value_get_uint (value);
      sl_mutex_unlock (&self->mutex);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_app_sink_finalize (GObject *object)
{
  SlAppSink *self = SL_APP_SINK (object);

  g_queue_clear_full (&self->queued, (GDestroyNotify) gst_sample_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_app_sink_parent_class)->finalize (object);
}

static void
sl_app_sink_class_init (SlAppSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->finalize = sl_app_sink_finalize;
  object_class->get_property = sl_app_sink_get_property;
  object_class->set_property = sl_app_sink_set_property;
  processor_class->process = sl_app_sink_process;

  properties[PROP_EMIT_SIGNALS] =
    g_param_spec_boolean ("emit-signals", NULL, "Emit new-sample on the runtime's main context",
                          TRUE, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_QUEUED] =
    g_param_spec_uint ("max-queued", NULL, "Frames kept for pull-sample (0: no limit); the oldest go first",
                       0, G_MAXUINT, 64,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECEIVED] =
    g_param_spec_int64 ("received", NULL, "Frames received", 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SlAppSink::new-sample:
   * @self: the processor
   * @sample: the frame
   *
   * A frame arrived. Emitted on the runtime's main context, in order, when
   * #SlAppSink:emit-signals is set.
   */
  signals[NEW_SAMPLE] =
    g_signal_new ("new-sample", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  GST_TYPE_SAMPLE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SlAppSink::pull-sample:
   * @self: the processor
   *
   * Action signal: takes the oldest queued frame, or %NULL. Any thread may
   * emit it.
   *
   * Returns: (transfer full) (nullable): the frame
   */
  signals[PULL_SAMPLE] =
    g_signal_new_class_handler ("pull-sample", G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                                G_CALLBACK (sl_app_sink_pull_sample),
                                NULL, NULL, NULL, GST_TYPE_SAMPLE, 0);

  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_set_description (processor_class,
                                      "Hands frames to the application: new-sample on the main context, or pull-sample");
}

static void
sl_app_sink_init (SlAppSink *self)
{
  g_mutex_init (&self->mutex);
  g_queue_init (&self->queued);
  self->max_queued = 64;
  atomic_init (&self->emit_signals, TRUE);
}
