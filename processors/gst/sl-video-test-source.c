/* sl-video-test-source.c: test video from videotestsrc
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

struct _SlVideoTestSource
{
  SlGstSource  parent_instance;

  GMutex       mutex;          /* guards the settings against other threads' reads */
  char        *pattern;
  char        *format;
  char        *framerate;
  gint         width;
  gint         height;
  gint         num_frames;
  gboolean     is_live;

  /* The running pipeline's elements, for live changes (processor thread). */
  GstElement  *src;
  GstElement  *capsfilter;
};

G_DEFINE_FINAL_TYPE (SlVideoTestSource, sl_video_test_source, SL_TYPE_GST_SOURCE)

enum {
  PROP_0,
  PROP_PATTERN,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_FRAMERATE,
  PROP_FORMAT,
  PROP_NUM_FRAMES,
  PROP_IS_LIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GstCaps *
sl_video_test_source_make_caps (SlVideoTestSource *self)
{
  gint num = 30, den = 1;
  GstCaps *caps;

  g_mutex_lock (&self->mutex);
  sl_gst_parse_fraction (self->framerate, &num, &den);
  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, self->format,
                              "width", G_TYPE_INT, self->width,
                              "height", G_TYPE_INT, self->height,
                              "framerate", GST_TYPE_FRACTION, num, den,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  g_mutex_unlock (&self->mutex);

  return caps;
}

static GstElement *
sl_video_test_source_build (SlGstSource  *source,
                            GError      **error)
{
  SlVideoTestSource *self = SL_VIDEO_TEST_SOURCE (source);
  g_autoptr(GstCaps) caps = sl_video_test_source_make_caps (self);
  g_autoptr(GstCaps) sink_caps = gst_caps_new_empty_simple ("video/x-raw");
  GstElement *pipeline = gst_object_ref_sink (gst_pipeline_new (sl_processor_get_id (SL_PROCESSOR (self))));
  GstElement *appsink;

  self->src = gst_element_factory_make ("videotestsrc", NULL);
  self->capsfilter = gst_element_factory_make ("capsfilter", NULL);
  appsink = sl_gst_source_make_appsink (source, "out", sink_caps);
  if (self->src == NULL || self->capsfilter == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                           "The GStreamer elements videotestsrc and capsfilter are not installed");
      gst_clear_object (&pipeline);
      return NULL;
    }

  g_mutex_lock (&self->mutex);
  gst_util_set_object_arg (G_OBJECT (self->src), "pattern", self->pattern);
  g_object_set (self->src,
                "is-live", self->is_live,
                "num-buffers", self->num_frames,
                NULL);
  g_mutex_unlock (&self->mutex);
  g_object_set (self->capsfilter, "caps", caps, NULL);

  gst_bin_add_many (GST_BIN (pipeline), self->src, self->capsfilter, appsink, NULL);
  if (!gst_element_link_many (self->src, self->capsfilter, appsink, NULL))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "videotestsrc cannot produce %" GST_PTR_FORMAT, caps);
      gst_clear_object (&pipeline);
      return NULL;
    }

  sl_gst_source_set_error_prefix (source, "Video test source");
  return pipeline;
}

static void
sl_video_test_source_apply_caps (SlVideoTestSource *self)
{
  g_autoptr(GstCaps) caps = NULL;

  if (self->capsfilter == NULL || sl_gst_source_get_pipeline (SL_GST_SOURCE (self)) == NULL)
    return;

  /* videotestsrc renegotiates with the new caps on its next frame. */
  caps = sl_video_test_source_make_caps (self);
  g_object_set (self->capsfilter, "caps", caps, NULL);
}

static gboolean
sl_video_test_source_teardown (SlProcessor  *processor,
                               GError      **error)
{
  SlVideoTestSource *self = SL_VIDEO_TEST_SOURCE (processor);
  gboolean ok = SL_PROCESSOR_CLASS (sl_video_test_source_parent_class)->teardown (processor, error);

  self->src = NULL;
  self->capsfilter = NULL;
  return ok;
}

static void
sl_video_test_source_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SlVideoTestSource *self = SL_VIDEO_TEST_SOURCE (object);

  g_mutex_lock (&self->mutex);
  switch (prop_id)
    {
    case PROP_PATTERN:
      g_value_set_string (value, self->pattern);
      break;
    case PROP_WIDTH:
      g_value_set_int (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->height);
      break;
    case PROP_FRAMERATE:
      g_value_set_string (value, self->framerate);
      break;
    case PROP_FORMAT:
      g_value_set_string (value, self->format);
      break;
    case PROP_NUM_FRAMES:
      g_value_set_int (value, self->num_frames);
      break;
    case PROP_IS_LIVE:
      g_value_set_boolean (value, self->is_live);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->mutex);
}

static void
sl_video_test_source_set_string (SlVideoTestSource *self,
                                 char             **field,
                                 const GValue      *value,
                                 const char        *fallback)
{
  const char *text = g_value_get_string (value);

  g_mutex_lock (&self->mutex);
  g_free (*field);
  *field = g_strdup (text != NULL ? text : fallback);
  g_mutex_unlock (&self->mutex);
}

static void
sl_video_test_source_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SlVideoTestSource *self = SL_VIDEO_TEST_SOURCE (object);

  /* Setters run on the processor's thread (or before it exists): pattern
   * and caps apply live, num-frames and is-live from the next start. */
  switch (prop_id)
    {
    case PROP_PATTERN:
      sl_video_test_source_set_string (self, &self->pattern, value, "smpte");
      if (self->src != NULL && sl_gst_source_get_pipeline (SL_GST_SOURCE (self)) != NULL)
        gst_util_set_object_arg (G_OBJECT (self->src), "pattern", self->pattern);
      break;
    case PROP_WIDTH:
      g_mutex_lock (&self->mutex);
      self->width = g_value_get_int (value);
      g_mutex_unlock (&self->mutex);
      sl_video_test_source_apply_caps (self);
      break;
    case PROP_HEIGHT:
      g_mutex_lock (&self->mutex);
      self->height = g_value_get_int (value);
      g_mutex_unlock (&self->mutex);
      sl_video_test_source_apply_caps (self);
      break;
    case PROP_FRAMERATE:
      sl_video_test_source_set_string (self, &self->framerate, value, "30/1");
      sl_video_test_source_apply_caps (self);
      break;
    case PROP_FORMAT:
      sl_video_test_source_set_string (self, &self->format, value, "I420");
      sl_video_test_source_apply_caps (self);
      break;
    case PROP_NUM_FRAMES:
      g_mutex_lock (&self->mutex);
      self->num_frames = g_value_get_int (value);
      g_mutex_unlock (&self->mutex);
      break;
    case PROP_IS_LIVE:
      g_mutex_lock (&self->mutex);
      self->is_live = g_value_get_boolean (value);
      g_mutex_unlock (&self->mutex);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  g_object_notify_by_pspec (object, pspec);
}

static void
sl_video_test_source_finalize (GObject *object)
{
  SlVideoTestSource *self = SL_VIDEO_TEST_SOURCE (object);

  g_free (self->pattern);
  g_free (self->format);
  g_free (self->framerate);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_video_test_source_parent_class)->finalize (object);
}

static void
sl_video_test_source_class_init (SlVideoTestSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  SlGstSourceClass *source_class = SL_GST_SOURCE_CLASS (klass);
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("video/x-raw");
  g_autofree char *nicks = sl_gst_enum_property_nicks ("videotestsrc", "pattern");
  g_autofree char *pattern_blurb = NULL;
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_NAME | G_PARAM_STATIC_NICK;

  object_class->finalize = sl_video_test_source_finalize;
  object_class->get_property = sl_video_test_source_get_property;
  object_class->set_property = sl_video_test_source_set_property;
  processor_class->teardown = sl_video_test_source_teardown;
  source_class->build = sl_video_test_source_build;

  pattern_blurb = g_strdup_printf ("Test pattern, one of: %s", nicks);
  properties[PROP_PATTERN] =
    sl_param_spec_checked_string ("pattern", NULL, pattern_blurb,
                                  "smpte", sl_gst_check_videotestsrc_pattern, flags);
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, "Frame width in pixels", 16, 8192, 320,
                      flags | G_PARAM_STATIC_BLURB);
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, "Frame height in pixels", 16, 8192, 240,
                      flags | G_PARAM_STATIC_BLURB);
  properties[PROP_FRAMERATE] =
    sl_param_spec_checked_string ("framerate", NULL,
                                  "Frames per second: a number (“30”, “29.97”) or a fraction (“30000/1001”)",
                                  "30/1", sl_gst_check_fraction, flags | G_PARAM_STATIC_BLURB);
  properties[PROP_FORMAT] =
    sl_param_spec_checked_string ("format", NULL, "Raw video format (I420, NV12, RGBA…)",
                                  "I420", sl_gst_check_video_format, flags | G_PARAM_STATIC_BLURB);
  properties[PROP_NUM_FRAMES] =
    g_param_spec_int ("num-frames", NULL, "Frames to produce before end-of-stream (-1: no end)",
                      -1, G_MAXINT, -1, flags | G_PARAM_STATIC_BLURB);
  properties[PROP_IS_LIVE] =
    g_param_spec_boolean ("is-live", NULL,
                          "Produce frames in real time (TRUE) or as fast as the graph takes them (FALSE)",
                          TRUE, flags | G_PARAM_STATIC_BLURB);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_output_port (processor_class, "out", caps);
  sl_processor_class_set_description (processor_class,
                                      "Test video (videotestsrc): patterns, size, rate, live or as fast as possible");
}

static void
sl_video_test_source_init (SlVideoTestSource *self)
{
  g_mutex_init (&self->mutex);
  self->pattern = g_strdup ("smpte");
  self->format = g_strdup ("I420");
  self->framerate = g_strdup ("30/1");
  self->width = 320;
  self->height = 240;
  self->num_frames = -1;
  self->is_live = TRUE;
}
