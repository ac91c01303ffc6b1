/* sl-gst-transform.c: base class of one-input, one-output processors that run
 * a GStreamer bin (gst-filter, the encoders and decoders)
 *
 * The bin runs synchronously on the processor's own thread: process() pushes
 * each input buffer into the bin through a pad of ours (stream-start, caps and
 * segment first, as a source element would), GStreamer processes it in that
 * same call, and the bin's output lands in an appsink that process() drains
 * right away. So a frame goes in and its result comes out in one process()
 * call: no extra thread, no latency, no timed wait, and it works for filters
 * that are not 1:1 (a rate changer, an encoder holding frames) because
 * whatever the bin emits is taken each time. A bin that has threads of its
 * own (a `queue` in the description) still works: what it emits on them
 * schedules a process() call (sl_processor_schedule) that sends it.
 *
 * At end of stream EOS goes into the bin, which flushes (an encoder emits what
 * it held); the outputs are sent before the runner sends end-of-stream
 * downstream (teardown runs first). A bin that fails reports GStreamer's error
 * message and fails the processor.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>
#include <gst/app/gstappsink.h>

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

typedef struct
{
  GstElement          *pipeline;
  GstElement          *appsink;
  GstPad              *srcpad;       /* ours, linked to the bin's input */
  GstPad              *bin_sink;
  SlBusWatch           watch;
  char                *description;  /* what runs */

  GstCaps             *caps;         /* caps sent into the bin */
  GstSegment           segment;
  gboolean             have_segment;
  gboolean             stream_started;
  gboolean             eos_sent;     /* EOS went into the bin */
  gboolean             bin_ended;    /* the bin returned EOS by itself */
  gboolean             rebuild;      /* a setting changed: rebuild before the next frame */
  gboolean             failed;       /* an error was already reported */
  GThread             *thread;       /* the processor's own */
  guint                stream_count;

  atomic_int_fast64_t  frames_in;
  atomic_int_fast64_t  frames_out;
} SlGstTransformPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SlGstTransform, sl_gst_transform, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_FRAMES_IN,
  PROP_FRAMES_OUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The bin produced a frame on a thread of its own (a `queue` in the
 * description): ask for a process() call to send it. Frames produced on the
 * processor's thread, during gst_pad_push(), are sent by that same call. */
static GstFlowReturn
sl_gst_transform_new_sample (GstAppSink *appsink,
                             gpointer    user_data)
{
  SlGstTransform *self = user_data;
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);

  if (g_thread_self () != priv->thread)
    sl_processor_schedule (SL_PROCESSOR (self));
  return GST_FLOW_OK;
}

/* Our pad stands for an upstream element: it answers the queries a bin asks
 * upstream and swallows the events it sends there (QoS, reconfigure…). */
static gboolean
sl_gst_transform_src_query (GstPad    *pad,
                            GstObject *parent,
                            GstQuery  *query)
{
  switch (GST_QUERY_TYPE (query))
    {
    case GST_QUERY_CAPS:
      {
        g_autoptr(GstCaps) current = gst_pad_get_current_caps (pad);
        GstCaps *filter = NULL;
        g_autoptr(GstCaps) result = NULL;

        gst_query_parse_caps (query, &filter);
        if (current == NULL)
          current = gst_caps_new_any ();
        result = filter != NULL ? gst_caps_intersect_full (filter, current, GST_CAPS_INTERSECT_FIRST)
                                : gst_caps_ref (current);
        gst_query_set_caps_result (query, result);
        return TRUE;
      }

    case GST_QUERY_LATENCY:
      gst_query_set_latency (query, FALSE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;

    default:
      return FALSE;
    }
}

static gboolean
sl_gst_transform_src_event (GstPad    *pad,
                            GstObject *parent,
                            GstEvent  *event)
{
  gst_event_unref (event);
  return TRUE;
}

static void
sl_gst_transform_reset_stream (SlGstTransform *self)
{
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);

  gst_clear_caps (&priv->caps);
  priv->have_segment = FALSE;
  priv->stream_started = FALSE;
  priv->eos_sent = FALSE;
  priv->bin_ended = FALSE;
}

static void
sl_gst_transform_destroy (SlGstTransform *self)
{
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);

  if (priv->pipeline != NULL)
    {
      gst_element_set_state (priv->pipeline, GST_STATE_NULL);
      sl_bus_watch_detach (&priv->watch, priv->pipeline);
    }
  if (priv->srcpad != NULL)
    {
      if (priv->bin_sink != NULL)
        gst_pad_unlink (priv->srcpad, priv->bin_sink);
      gst_pad_set_active (priv->srcpad, FALSE);
    }
  gst_clear_object (&priv->srcpad);
  gst_clear_object (&priv->bin_sink);
  gst_clear_object (&priv->appsink);
  gst_clear_object (&priv->pipeline);
  g_clear_pointer (&priv->description, g_free);
  sl_gst_transform_reset_stream (self);
}

static gboolean
sl_gst_transform_build (SlGstTransform  *self,
                        GError         **error)
{
  SlGstTransformClass *klass = SL_GST_TRANSFORM_GET_CLASS (self);
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);
  const char *id = sl_processor_get_id (SL_PROCESSOR (self));
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(GstPad) bin_src = NULL;
  g_autoptr(GstPad) appsink_pad = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = sl_gst_transform_new_sample };
  GstElement *bin;

  description = klass->build_description (self, error);
  if (description == NULL)
    return FALSE;

  bin = gst_parse_bin_from_description_full (description, TRUE, NULL,
                                             GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (bin == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   "Invalid GStreamer bin description “%s”: %s", description,
                   parse_error != NULL ? parse_error->message : "cannot be parsed");
      return FALSE;
    }

  priv->pipeline = gst_object_ref_sink (gst_pipeline_new (id));
  gst_bin_add (GST_BIN (priv->pipeline), bin);
  priv->bin_sink = gst_element_get_static_pad (bin, "sink");
  bin_src = gst_element_get_static_pad (bin, "src");
  if (priv->bin_sink == NULL || bin_src == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   "GStreamer bin description “%s” has no unlinked %s pad: a filter needs one input and one output",
                   description, priv->bin_sink == NULL ? "sink (input)" : "source (output)");
      sl_gst_transform_destroy (self);
      return FALSE;
    }

  priv->appsink = gst_object_ref (gst_element_factory_make ("appsink", "sl-out"));
  g_object_set (priv->appsink,
                "sync", FALSE,
                "async", FALSE,
                "enable-last-sample", FALSE,
                "max-buffers", 0,
                "emit-signals", FALSE,
                /* EOS must not wait for us to pull: we pull after it. */
                "wait-on-eos", FALSE,
                NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (priv->appsink), &callbacks, self, NULL);
  gst_bin_add (GST_BIN (priv->pipeline), priv->appsink);
  appsink_pad = gst_element_get_static_pad (priv->appsink, "sink");
  if (gst_pad_link (bin_src, appsink_pad) != GST_PAD_LINK_OK)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "Cannot take the output of GStreamer bin “%s”", description);
      sl_gst_transform_destroy (self);
      return FALSE;
    }

  priv->srcpad = gst_pad_new ("sl-in", GST_PAD_SRC);
  gst_object_ref_sink (priv->srcpad);
  gst_pad_set_query_function (priv->srcpad, sl_gst_transform_src_query);
  gst_pad_set_event_function (priv->srcpad, sl_gst_transform_src_event);
  gst_pad_set_active (priv->srcpad, TRUE);
  if (gst_pad_link_full (priv->srcpad, priv->bin_sink, GST_PAD_LINK_CHECK_NOTHING) != GST_PAD_LINK_OK)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "Cannot feed GStreamer bin “%s”", description);
      sl_gst_transform_destroy (self);
      return FALSE;
    }

  prefix = g_strdup_printf ("GStreamer bin “%s”", description);
  g_mutex_lock (&priv->watch.mutex);
  g_free (priv->watch.prefix);
  priv->watch.prefix = g_steal_pointer (&prefix);
  g_clear_error (&priv->watch.error);
  priv->watch.eos = FALSE;
  g_mutex_unlock (&priv->watch.mutex);
  sl_bus_watch_attach (&priv->watch, priv->pipeline);

  priv->description = g_steal_pointer (&description);
  if (!sl_gst_set_state (priv->pipeline, GST_STATE_PLAYING, SL_GST_WAIT_TIMEOUT,
                         &priv->watch, priv->watch.prefix, error))
    {
      sl_gst_transform_destroy (self);
      return FALSE;
    }

  priv->rebuild = FALSE;
  return TRUE;
}

/* Sends what the bin has emitted so far. */
static void
sl_gst_transform_pull (SlGstTransform *self,
                       SlOutputPort   *out,
                       GstClockTime    timeout)
{
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);
  GstSample *sample;

  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (priv->appsink), timeout)) != NULL)
    {
      sl_output_port_push (out, sample);
      atomic_fetch_add (&priv->frames_out, 1);
    }
}

/* End of stream: EOS into the bin, then everything it flushes out, waiting
 * (bounded) for the EOS to reach the appsink if the bin has threads. */
static void
sl_gst_transform_finish_stream (SlGstTransform *self)
{
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);
  SlOutputPort *out = sl_processor_get_output_port (SL_PROCESSOR (self), "out");
  gint64 deadline;

  if (priv->pipeline == NULL || !priv->stream_started || priv->eos_sent)
    return;

  priv->eos_sent = TRUE;
  gst_pad_push_event (priv->srcpad, gst_event_new_eos ());

  deadline = g_get_monotonic_time () + SL_GST_WAIT_TIMEOUT / GST_USECOND;
  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();

      sl_gst_transform_pull (self, out, 0);
      if (gst_app_sink_is_eos (GST_APP_SINK (priv->appsink)) ||
          sl_bus_watch_has_error (&priv->watch))
        break;
      if (left <= 0)
        {
          g_warning ("Processor “%s”: GStreamer bin “%s” did not finish its stream within %u s",
                     sl_processor_get_id (SL_PROCESSOR (self)), priv->description,
                     (guint) (SL_GST_WAIT_TIMEOUT / GST_SECOND));
          break;
        }
      /* Blocks until a sample, EOS, or the time left. */
      sl_gst_transform_pull (self, out, MIN ((GstClockTime) left * GST_USECOND, 100 * GST_MSECOND));
    }
}

static gboolean
sl_gst_transform_flow_error (SlGstTransform  *self,
                             GstFlowReturn    ret,
                             GError         **error)
{
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);
  g_autofree char *caps = priv->caps != NULL ? gst_caps_to_string (priv->caps) : g_strdup ("no caps");

  if (sl_bus_watch_take_error (&priv->watch, error))
    return FALSE;

  if (ret == GST_FLOW_NOT_NEGOTIATED)
    g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                 "GStreamer bin “%s” cannot take the input %s", priv->description, caps);
  else
    g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                 "GStreamer bin “%s” failed (%s) on input %s", priv->description,
                 gst_flow_get_name (ret), caps);
  return FALSE;
}

static gboolean
sl_gst_transform_push_sample (SlGstTransform  *self,
                              GstSample       *sample,
                              GError         **error)
{
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  const GstSegment *segment = gst_sample_get_segment (sample);
  GstFlowReturn ret;

  if (!priv->stream_started)
    {
      g_autofree char *stream_id = g_strdup_printf ("streamlib/%s/%u",
                                                    sl_processor_get_id (SL_PROCESSOR (self)),
                                                    priv->stream_count++);
      GstEvent *event = gst_event_new_stream_start (stream_id);

      gst_event_set_group_id (event, gst_util_group_id_next ());
      gst_pad_push_event (priv->srcpad, event);
      priv->stream_started = TRUE;
    }

  if (caps != NULL && (priv->caps == NULL || !gst_caps_is_equal (caps, priv->caps)))
    {
      gst_caps_replace (&priv->caps, caps);
      gst_pad_push_event (priv->srcpad, gst_event_new_caps (caps));
    }

  if (segment != NULL && segment->format != GST_FORMAT_UNDEFINED &&
      (!priv->have_segment || !gst_segment_is_equal (segment, &priv->segment)))
    {
      gst_segment_copy_into (segment, &priv->segment);
      priv->have_segment = TRUE;
      gst_pad_push_event (priv->srcpad, gst_event_new_segment (&priv->segment));
    }
  else if (!priv->have_segment)
    {
      gst_segment_init (&priv->segment, GST_FORMAT_TIME);
      priv->have_segment = TRUE;
      gst_pad_push_event (priv->srcpad, gst_event_new_segment (&priv->segment));
    }

  if (buffer == NULL)
    return TRUE;

  atomic_fetch_add (&priv->frames_in, 1);
  ret = gst_pad_push (priv->srcpad, gst_buffer_ref (buffer));
  if (ret == GST_FLOW_OK)
    return TRUE;
  if (ret == GST_FLOW_EOS)
    {
      /* The bin ended its stream by itself (say, `identity eos-after=N`):
       * the rest of this input stream is dropped. */
      priv->bin_ended = TRUE;
      return TRUE;
    }

  return sl_gst_transform_flow_error (self, ret, error);
}

static gboolean
sl_gst_transform_fail (SlGstTransform *self)
{
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);

  priv->failed = TRUE;
  return FALSE;
}

static gboolean
sl_gst_transform_setup (SlProcessor  *processor,
                        GError      **error)
{
  SlGstTransform *self = SL_GST_TRANSFORM (processor);
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);

  priv->thread = g_thread_self ();
  return sl_gst_transform_build (self, error);
}

static gboolean
sl_gst_transform_process (SlProcessor  *processor,
                          GError      **error)
{
  SlGstTransform *self = SL_GST_TRANSFORM (processor);
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  SlOutputPort *out = sl_processor_get_output_port (processor, "out");
  GstSample *sample;

  if (sl_bus_watch_take_error (&priv->watch, error))
    return sl_gst_transform_fail (self);

  while ((sample = sl_input_port_pop (in)) != NULL)
    {
      g_autoptr(GstSample) owned = sample;

      if (priv->bin_ended && !priv->eos_sent)
        continue;

      /* A changed setting, or frames after the end of a stream (a new
       * upstream was linked): finish the old bin and start a fresh one. */
      if (priv->pipeline == NULL || priv->rebuild || priv->eos_sent)
        {
          sl_gst_transform_finish_stream (self);
          sl_gst_transform_destroy (self);
          if (!sl_gst_transform_build (self, error))
            return sl_gst_transform_fail (self);
        }

      if (!sl_gst_transform_push_sample (self, owned, error))
        return sl_gst_transform_fail (self);
      sl_gst_transform_pull (self, out, 0);
    }

  sl_gst_transform_pull (self, out, 0);

  /* The runner sends end-of-stream downstream on its own once the input is
   * at its end; flush the bin first whenever we see the end here. */
  if (sl_input_port_is_eos (in))
    sl_gst_transform_finish_stream (self);

  if (sl_bus_watch_take_error (&priv->watch, error))
    return sl_gst_transform_fail (self);
  return TRUE;
}

static gboolean
sl_gst_transform_teardown (SlProcessor  *processor,
                           GError      **error)
{
  SlGstTransform *self = SL_GST_TRANSFORM (processor);
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);
  gboolean failed;

  /* An error process() already reported is not reported twice. */
  if (!priv->failed)
    sl_gst_transform_finish_stream (self);
  failed = !priv->failed && priv->pipeline != NULL && sl_bus_watch_take_error (&priv->watch, error);
  sl_gst_transform_destroy (self);

  return !failed;
}

/**
 * sl_gst_transform_request_rebuild:
 * @self: a transform
 *
 * Makes the next frame go through a new bin built from the current settings;
 * the old bin finishes its stream first. Call it from the processor's thread.
 */
void
sl_gst_transform_request_rebuild (SlGstTransform *self)
{
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);

  priv->rebuild = TRUE;
}

static void
sl_gst_transform_dispose (GObject *object)
{
  sl_gst_transform_destroy (SL_GST_TRANSFORM (object));

  G_OBJECT_CLASS (sl_gst_transform_parent_class)->dispose (object);
}

static void
sl_gst_transform_finalize (GObject *object)
{
  SlGstTransform *self = SL_GST_TRANSFORM (object);
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);

  sl_bus_watch_clear (&priv->watch);

  G_OBJECT_CLASS (sl_gst_transform_parent_class)->finalize (object);
}

static void
sl_gst_transform_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SlGstTransform *self = SL_GST_TRANSFORM (object);
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_FRAMES_IN:
      g_value_set_int64 (value, atomic_load (&priv->frames_in));
      break;
    case PROP_FRAMES_OUT:
      g_value_set_int64 (value, atomic_load (&priv->frames_out));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_gst_transform_class_init (SlGstTransformClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->dispose = sl_gst_transform_dispose;
  object_class->finalize = sl_gst_transform_finalize;
  object_class->get_property = sl_gst_transform_get_property;
  processor_class->setup = sl_gst_transform_setup;
  processor_class->process = sl_gst_transform_process;
  processor_class->teardown = sl_gst_transform_teardown;

  properties[PROP_FRAMES_IN] =
    g_param_spec_int64 ("frames-in", NULL, "Frames given to the GStreamer bin",
                        0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMES_OUT] =
    g_param_spec_int64 ("frames-out", NULL, "Frames the GStreamer bin produced",
                        0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
}

static void
sl_gst_transform_init (SlGstTransform *self)
{
  SlGstTransformPrivate *priv = sl_gst_transform_get_instance_private (self);

  sl_bus_watch_init (&priv->watch, "GStreamer", NULL, NULL);
  atomic_init (&priv->frames_in, 0);
  atomic_init (&priv->frames_out, 0);
}
