/* sl-gst-source.c: base class of sources that run a GStreamer pipeline
 *
 * The pipeline ends in one appsink per output port. Its streaming threads
 * hand each sample to a bounded queue and ask the runtime to schedule the
 * processor (SL_EXECUTION_MANUAL); process() then pushes the queued samples on
 * the processor's own thread, the only one allowed to push into its ports.
 * When the queue is full the streaming thread waits: a slow consumer slows the
 * source down (back-pressure) instead of growing memory. Teardown releases
 * any waiting thread before it stops the pipeline.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>
#include <gst/app/gstappsink.h>

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

/* Frames that may wait between GStreamer and the processor's thread. */
#define SL_GST_SOURCE_QUEUE_CAPACITY 8

typedef struct
{
  GstElement          *pipeline;
  SlBusWatch           watch;
  SlSampleQueue        queue;
  gboolean             finished;
  atomic_int_fast64_t  frames;
} SlGstSourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SlGstSource, sl_gst_source, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_FRAMES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sl_gst_source_wake (gpointer user_data)
{
  sl_processor_schedule (SL_PROCESSOR (user_data));
}

static GstFlowReturn
sl_gst_source_new_sample (GstAppSink *appsink,
                          gpointer    user_data)
{
  SlGstSource *self = user_data;
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);
  SlOutputPort *port = g_object_get_data (G_OBJECT (appsink), "sl-port");
  GstSample *sample = gst_app_sink_pull_sample (appsink);

  if (sample == NULL)
    return GST_FLOW_FLUSHING;

  if (!sl_sample_queue_push (&priv->queue, port, sample))
    return GST_FLOW_FLUSHING;

  sl_processor_schedule (SL_PROCESSOR (self));
  return GST_FLOW_OK;
}

/**
 * sl_gst_source_make_appsink:
 * @self: a source
 * @port: the output port its samples go to
 * @caps: (nullable): the caps the appsink accepts
 *
 * Makes an appsink whose samples are sent on @port. Any thread may call it
 * (pad-added callbacks run on streaming threads).
 *
 * Returns: (transfer floating): the appsink
 */
GstElement *
sl_gst_source_make_appsink (SlGstSource *self,
                            const char  *port,
                            GstCaps     *caps)
{
  SlOutputPort *output = sl_processor_get_output_port (SL_PROCESSOR (self), port);
  GstAppSinkCallbacks callbacks = { .new_sample = sl_gst_source_new_sample };
  GstElement *appsink;

  g_return_val_if_fail (output != NULL, NULL);

  appsink = gst_element_factory_make ("appsink", NULL);
  g_object_set (appsink,
                "sync", FALSE,
                "enable-last-sample", FALSE,
                "max-buffers", 1,
                "caps", caps,
                NULL);
  g_object_set_data (G_OBJECT (appsink), "sl-port", output);
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, self, NULL);

  return appsink;
}

/**
 * sl_gst_source_get_pipeline:
 * @self: a source
 *
 * Returns: (transfer none) (nullable): the running pipeline
 */
GstElement *
sl_gst_source_get_pipeline (SlGstSource *self)
{
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);

  return priv->pipeline;
}

void
sl_gst_source_set_error_prefix (SlGstSource *self,
                                const char  *prefix)
{
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);

  g_mutex_lock (&priv->watch.mutex);
  g_free (priv->watch.prefix);
  priv->watch.prefix = g_strdup (prefix);
  g_mutex_unlock (&priv->watch.mutex);
}

static void
sl_gst_source_stop (SlGstSource *self)
{
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);

  /* Release a streaming thread waiting for room, then join them all. */
  sl_sample_queue_set_flushing (&priv->queue, TRUE);
  sl_gst_pipeline_dispose (&priv->pipeline, &priv->watch);
}

static void
sl_gst_source_push_queued (SlGstSource *self)
{
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);
  GQueue items = G_QUEUE_INIT;
  SlQueuedSample *item;

  sl_sample_queue_pop_all (&priv->queue, &items);
  while ((item = g_queue_pop_head (&items)) != NULL)
    {
      sl_output_port_push (item->port, g_steal_pointer (&item->sample));
      atomic_fetch_add (&priv->frames, 1);
      sl_queued_sample_free (item);
    }
}

static gboolean
sl_gst_source_setup (SlProcessor  *processor,
                     GError      **error)
{
  SlGstSource *self = SL_GST_SOURCE (processor);
  SlGstSourceClass *klass = SL_GST_SOURCE_GET_CLASS (self);
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);

  g_return_val_if_fail (klass->build != NULL, FALSE);

  sl_sample_queue_set_flushing (&priv->queue, FALSE);
  priv->pipeline = klass->build (self, error);
  if (priv->pipeline == NULL)
    return FALSE;

  sl_bus_watch_attach (&priv->watch, priv->pipeline);

  if ((klass->preroll &&
       !sl_gst_set_state (priv->pipeline, GST_STATE_PAUSED, SL_GST_WAIT_TIMEOUT,
                          &priv->watch, priv->watch.prefix, error)) ||
      !sl_gst_set_state (priv->pipeline, GST_STATE_PLAYING, 0,
                         &priv->watch, priv->watch.prefix, error))
    {
      sl_gst_source_stop (self);
      return FALSE;
    }

  if (klass->started != NULL)
    klass->started (self);

  return TRUE;
}

static gboolean
sl_gst_source_process (SlProcessor  *processor,
                       GError      **error)
{
  SlGstSource *self = SL_GST_SOURCE (processor);
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);
  gboolean eos;

  if (sl_bus_watch_take_error (&priv->watch, error))
    return FALSE;

  /* Read EOS first: every sample was queued before the pipeline posted it,
   * so what is popped next is all there will be. */
  eos = sl_bus_watch_is_eos (&priv->watch);
  sl_gst_source_push_queued (self);

  if (eos && !priv->finished)
    {
      priv->finished = TRUE;
      sl_processor_finish (processor);
    }

  return TRUE;
}

static gboolean
sl_gst_source_teardown (SlProcessor  *processor,
                        GError      **error)
{
  SlGstSource *self = SL_GST_SOURCE (processor);

  sl_gst_source_stop (self);
  /* Frames already produced are sent: a drain loses nothing. */
  sl_gst_source_push_queued (self);
  return TRUE;
}

static void
sl_gst_source_dispose (GObject *object)
{
  sl_gst_source_stop (SL_GST_SOURCE (object));

  G_OBJECT_CLASS (sl_gst_source_parent_class)->dispose (object);
}

static void
sl_gst_source_finalize (GObject *object)
{
  SlGstSource *self = SL_GST_SOURCE (object);
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);

  sl_sample_queue_clear (&priv->queue);
  sl_bus_watch_clear (&priv->watch);

  G_OBJECT_CLASS (sl_gst_source_parent_class)->finalize (object);
}

static void
sl_gst_source_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SlGstSource *self = SL_GST_SOURCE (object);
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_FRAMES:
      g_value_set_int64 (value, atomic_load (&priv->frames));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_gst_source_class_init (SlGstSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->dispose = sl_gst_source_dispose;
  object_class->finalize = sl_gst_source_finalize;
  object_class->get_property = sl_gst_source_get_property;
  processor_class->setup = sl_gst_source_setup;
  processor_class->process = sl_gst_source_process;
  processor_class->teardown = sl_gst_source_teardown;

  properties[PROP_FRAMES] =
    g_param_spec_int64 ("frames", NULL, "Frames sent so far (all outputs)",
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_MANUAL);
}

static void
sl_gst_source_init (SlGstSource *self)
{
  SlGstSourcePrivate *priv = sl_gst_source_get_instance_private (self);

  sl_bus_watch_init (&priv->watch, "GStreamer", sl_gst_source_wake, self);
  sl_sample_queue_init (&priv->queue, SL_GST_SOURCE_QUEUE_CAPACITY);
  atomic_init (&priv->frames, 0);
}
