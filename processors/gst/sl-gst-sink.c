/* sl-gst-sink.c: frames into a GStreamer sink through appsrc (display,
 * audio-sink)
 *
 * The pipeline is `appsrc ! <converters> ! <sink>`, <sink> being the "sink"
 * property (autovideosink / autoaudiosink by default; display uses a fakesink
 * when there is no display to show on). The appsrc keeps a few
 * frames and drops the oldest beyond that, so a stalled output device cannot
 * make memory grow. With sync unset (the default) frames are rendered as they
 * arrive: the source paces them. With sync set the sink follows the frames'
 * timestamps, offset so that the first frame plays now.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>
#include <gst/app/gstappsrc.h>

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

/* How far ahead of "now" the first frame is scheduled with sync set. */
#define SL_GST_SINK_LATENCY (100 * GST_MSECOND)

typedef struct
{
  GMutex               mutex;        /* guards the settings against other threads' reads */
  char                *sink;
  gboolean             sync;

  GstElement          *pipeline;
  GstElement          *appsrc;
  SlBusWatch           watch;
  gboolean             pushed_any;
  gboolean             eos_sent;
  gboolean             offset_set;
  gboolean             failed;
  atomic_int_fast64_t  frames;
} SlGstSinkPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SlGstSink, sl_gst_sink, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_SINK,
  PROP_SYNC,
  PROP_FRAMES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
sl_gst_check_sink_description (const char  *description,
                               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GstElement) bin = NULL;
  g_autoptr(GstPad) sink = NULL;

  bin = gst_parse_bin_from_description_full (description, TRUE, NULL,
                                             GST_PARSE_FLAG_FATAL_ERRORS, &local_error);
  if (bin == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   "Invalid GStreamer sink description “%s”: %s", description,
                   local_error != NULL ? local_error->message : "cannot be parsed");
      return FALSE;
    }
  gst_object_ref_sink (bin);

  sink = gst_element_get_static_pad (bin, "sink");
  if (sink == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   "GStreamer sink description “%s” has no unlinked input pad", description);
      return FALSE;
    }

  return TRUE;
}

static void
sl_gst_sink_set_sync (GstElement *pipeline,
                      gboolean    sync)
{
  g_autoptr(GstIterator) iter = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;

  while (gst_iterator_next (iter, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), "sync");

      if (pspec != NULL && pspec->value_type == G_TYPE_BOOLEAN && (pspec->flags & G_PARAM_WRITABLE))
        g_object_set (element, "sync", sync, NULL);
      g_value_reset (&item);
    }
  g_value_unset (&item);
}

static gboolean
sl_gst_sink_setup (SlProcessor  *processor,
                   GError      **error)
{
  SlGstSink *self = SL_GST_SINK (processor);
  SlGstSinkClass *klass = SL_GST_SINK_GET_CLASS (self);
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *sink = NULL;
  g_autofree char *description = NULL;
  g_autofree char *prefix = NULL;
  gboolean sync;

  g_mutex_lock (&priv->mutex);
  sink = g_strdup (priv->sink != NULL ? priv->sink : klass->default_sink);
  sync = priv->sync;
  if (priv->sink == NULL && klass->headless_sink != NULL &&
      g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      /* autovideosink probes every video sink it knows; without a display
       * some of them crash (DirectFB's, in GStreamer 1.22). */
      g_message ("Processor “%s”: no display (neither DISPLAY nor WAYLAND_DISPLAY is set): "
                 "its frames are discarded", sl_processor_get_id (processor));
      g_free (sink);
      sink = g_strdup (klass->headless_sink);
    }
  g_mutex_unlock (&priv->mutex);

  description = g_strdup_printf ("appsrc name=sl-in ! %s ! %s", klass->convert, sink);
  priv->pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (priv->pipeline == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, "Cannot build the GStreamer pipeline “%s”: %s",
                   description, parse_error != NULL ? parse_error->message : "cannot be parsed");
      return FALSE;
    }
  gst_object_ref_sink (priv->pipeline);
  gst_object_set_name (GST_OBJECT (priv->pipeline), sl_processor_get_id (processor));

  priv->appsrc = gst_bin_get_by_name (GST_BIN (priv->pipeline), "sl-in");
  g_object_set (priv->appsrc,
                "format", GST_FORMAT_TIME,
                "is-live", TRUE,
                "block", FALSE,
                "max-bytes", (guint64) 0,
                "max-buffers", (guint64) klass->max_buffers,
                "leaky-type", GST_APP_LEAKY_TYPE_DOWNSTREAM,
                NULL);
  sl_gst_sink_set_sync (priv->pipeline, sync);

  prefix = g_strdup_printf ("Sink “%s”", sink);
  g_mutex_lock (&priv->watch.mutex);
  g_free (priv->watch.prefix);
  priv->watch.prefix = g_steal_pointer (&prefix);
  g_mutex_unlock (&priv->watch.mutex);
  sl_bus_watch_attach (&priv->watch, priv->pipeline);

  if (!sl_gst_set_state (priv->pipeline, GST_STATE_PLAYING, 0, &priv->watch, priv->watch.prefix, error))
    {
      gst_clear_object (&priv->appsrc);
      sl_gst_pipeline_dispose (&priv->pipeline, &priv->watch);
      return FALSE;
    }

  return TRUE;
}

/* With sync set: shift running time so that the first frame plays now. */
static void
sl_gst_sink_set_offset (SlGstSink *self,
                        GstSample *sample)
{
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  const GstSegment *segment = gst_sample_get_segment (sample);
  g_autoptr(GstClock) clock = gst_element_get_clock (priv->pipeline);
  g_autoptr(GstPad) pad = NULL;
  GstClockTime running, now;

  priv->offset_set = TRUE;
  if (clock == NULL || buffer == NULL || !GST_BUFFER_PTS_IS_VALID (buffer))
    return;

  running = segment != NULL && segment->format == GST_FORMAT_TIME
            ? gst_segment_to_running_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer))
            : GST_BUFFER_PTS (buffer);
  now = gst_clock_get_time (clock) - gst_element_get_base_time (priv->pipeline);
  if (!GST_CLOCK_TIME_IS_VALID (running))
    return;

  pad = gst_element_get_static_pad (priv->appsrc, "src");
  gst_pad_set_offset (pad, (gint64) (now + SL_GST_SINK_LATENCY) - (gint64) running);
}

static gboolean
sl_gst_sink_fail (SlGstSink *self)
{
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);

  priv->failed = TRUE;
  return FALSE;
}

static gboolean
sl_gst_sink_process (SlProcessor  *processor,
                     GError      **error)
{
  SlGstSink *self = SL_GST_SINK (processor);
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  GstSample *sample;
  gboolean sync;

  if (sl_bus_watch_take_error (&priv->watch, error))
    return sl_gst_sink_fail (self);

  g_mutex_lock (&priv->mutex);
  sync = priv->sync;
  g_mutex_unlock (&priv->mutex);

  while ((sample = sl_input_port_pop (in)) != NULL)
    {
      if (!priv->eos_sent)
        {
          if (sync && !priv->offset_set)
            sl_gst_sink_set_offset (self, sample);
          gst_app_src_push_sample (GST_APP_SRC (priv->appsrc), sample);
          priv->pushed_any = TRUE;
          atomic_fetch_add (&priv->frames, 1);
        }
      gst_sample_unref (sample);
    }

  if (sl_input_port_is_eos (in) && priv->pushed_any && !priv->eos_sent)
    {
      priv->eos_sent = TRUE;
      gst_app_src_end_of_stream (GST_APP_SRC (priv->appsrc));
    }

  return TRUE;
}

static gboolean
sl_gst_sink_teardown (SlProcessor  *processor,
                      GError      **error)
{
  SlGstSink *self = SL_GST_SINK (processor);
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);
  gboolean ok = TRUE;

  /* Let the sink play out what it holds (bounded), then stop it. */
  if (priv->pushed_any && !priv->failed)
    {
      if (!priv->eos_sent)
        {
          priv->eos_sent = TRUE;
          gst_app_src_end_of_stream (GST_APP_SRC (priv->appsrc));
        }
      if (!sl_bus_watch_wait_eos (&priv->watch, SL_GST_WAIT_TIMEOUT))
        ok = !sl_bus_watch_take_error (&priv->watch, error);
    }

  gst_clear_object (&priv->appsrc);
  sl_gst_pipeline_dispose (&priv->pipeline, &priv->watch);
  return ok;
}

static void
sl_gst_sink_dispose (GObject *object)
{
  SlGstSink *self = SL_GST_SINK (object);
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);

  gst_clear_object (&priv->appsrc);
  sl_gst_pipeline_dispose (&priv->pipeline, &priv->watch);

  G_OBJECT_CLASS (sl_gst_sink_parent_class)->dispose (object);
}

static void
sl_gst_sink_finalize (GObject *object)
{
  SlGstSink *self = SL_GST_SINK (object);
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);

  g_free (priv->sink);
  sl_bus_watch_clear (&priv->watch);
  g_mutex_clear (&priv->mutex);

  G_OBJECT_CLASS (sl_gst_sink_parent_class)->finalize (object);
}

static void
sl_gst_sink_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SlGstSink *self = SL_GST_SINK (object);
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SINK:
      g_mutex_lock (&priv->mutex);
      g_value_set_string (value, priv->sink);
      g_mutex_unlock (&priv->mutex);
      break;
    case PROP_SYNC:
      g_mutex_lock (&priv->mutex);
      g_value_set_boolean (value, priv->sync);
      g_mutex_unlock (&priv->mutex);
      break;
    case PROP_FRAMES:
      g_value_set_int64 (value, atomic_load (&priv->frames));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_gst_sink_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SlGstSink *self = SL_GST_SINK (object);
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);

  /* Takes effect from the next start. */
  g_mutex_lock (&priv->mutex);
  switch (prop_id)
    {
    case PROP_SINK:
      g_free (priv->sink);
      priv->sink = g_value_dup_string (value);
      break;
    case PROP_SYNC:
      priv->sync = g_value_get_boolean (value);
      break;
    default:
      g_mutex_unlock (&priv->mutex);
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_mutex_unlock (&priv->mutex);

  g_object_notify_by_pspec (object, pspec);
}

static void
sl_gst_sink_class_init (SlGstSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sl_gst_sink_dispose;
  object_class->finalize = sl_gst_sink_finalize;
  object_class->get_property = sl_gst_sink_get_property;
  object_class->set_property = sl_gst_sink_set_property;
  processor_class->setup = sl_gst_sink_setup;
  processor_class->process = sl_gst_sink_process;
  processor_class->teardown = sl_gst_sink_teardown;

  properties[PROP_SINK] =
    sl_param_spec_checked_string ("sink", NULL,
                                  "The GStreamer sink to use, as a bin description (unset: the automatic sink)",
                                  NULL, sl_gst_check_sink_description, flags);
  properties[PROP_SYNC] =
    g_param_spec_boolean ("sync", NULL,
                          "Follow the frames' timestamps (TRUE) or render frames as they arrive (FALSE)",
                          FALSE, flags);
  properties[PROP_FRAMES] =
    g_param_spec_int64 ("frames", NULL, "Frames given to the sink",
                        0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
}

static void
sl_gst_sink_init (SlGstSink *self)
{
  SlGstSinkPrivate *priv = sl_gst_sink_get_instance_private (self);

  g_mutex_init (&priv->mutex);
  sl_bus_watch_init (&priv->watch, "GStreamer sink", NULL, NULL);
  atomic_init (&priv->frames, 0);
}

/* ---- display ------------------------------------------------------------ */

struct _SlDisplay
{
  SlGstSink parent_instance;
};

G_DEFINE_FINAL_TYPE (SlDisplay, sl_display, SL_TYPE_GST_SINK)

static void
sl_display_class_init (SlDisplayClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  SlGstSinkClass *sink_class = SL_GST_SINK_CLASS (klass);
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("video/x-raw");

  sink_class->convert = "videoconvert";
  sink_class->default_sink = "autovideosink";
  sink_class->max_buffers = 2;
  sink_class->headless_sink = "fakesink";

  sl_processor_class_add_input_port (processor_class, "in", caps);
  sl_processor_class_set_description (processor_class,
                                      "Shows video in a window (autovideosink, or the sink property)");
}

static void
sl_display_init (SlDisplay *self)
{
}

/* ---- audio-sink --------------------------------------------------------- */

struct _SlAudioSink
{
  SlGstSink parent_instance;
};

G_DEFINE_FINAL_TYPE (SlAudioSink, sl_audio_sink, SL_TYPE_GST_SINK)

static void
sl_audio_sink_class_init (SlAudioSinkClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  SlGstSinkClass *sink_class = SL_GST_SINK_CLASS (klass);
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("audio/x-raw");

  sink_class->convert = "audioconvert ! audioresample";
  sink_class->default_sink = "autoaudiosink";
  sink_class->max_buffers = 50;

  sl_processor_class_add_input_port (processor_class, "in", caps);
  sl_processor_class_set_description (processor_class,
                                      "Plays audio (autoaudiosink, or the sink property)");
}

static void
sl_audio_sink_init (SlAudioSink *self)
{
}
