/* sl-audio-test-source.c: test audio from audiotestsrc
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

struct _SlAudioTestSource
{
  SlGstSource  parent_instance;

  GMutex       mutex;          /* guards the settings against other threads' reads */
  char        *wave;
  double       freq;
  double       volume;
  gint         rate;
  gint         channels;
  gint         samples_per_buffer;
  gint         num_buffers;
  gboolean     is_live;

  GstElement  *src;            /* the running pipeline's source, for live changes */
};

G_DEFINE_FINAL_TYPE (SlAudioTestSource, sl_audio_test_source, SL_TYPE_GST_SOURCE)

enum {
  PROP_0,
  PROP_WAVE,
  PROP_FREQ,
  PROP_VOLUME,
  PROP_RATE,
  PROP_CHANNELS,
  PROP_SAMPLES_PER_BUFFER,
  PROP_NUM_BUFFERS,
  PROP_IS_LIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
sl_audio_test_source_running (SlAudioTestSource *self)
{
  return self->src != NULL && sl_gst_source_get_pipeline (SL_GST_SOURCE (self)) != NULL;
}

static GstElement *
sl_audio_test_source_build (SlGstSource  *source,
                            GError      **error)
{
  SlAudioTestSource *self = SL_AUDIO_TEST_SOURCE (source);
  g_autoptr(GstCaps) sink_caps = gst_caps_new_empty_simple ("audio/x-raw");
  g_autoptr(GstCaps) caps = NULL;
  GstElement *pipeline = gst_object_ref_sink (gst_pipeline_new (sl_processor_get_id (SL_PROCESSOR (self))));
  GstElement *capsfilter, *appsink;

  self->src = gst_element_factory_make ("audiotestsrc", NULL);
  capsfilter = gst_element_factory_make ("capsfilter", NULL);
  appsink = sl_gst_source_make_appsink (source, "out", sink_caps);
  if (self->src == NULL || capsfilter == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                           "The GStreamer elements audiotestsrc and capsfilter are not installed");
      gst_clear_object (&pipeline);
      return NULL;
    }

  g_mutex_lock (&self->mutex);
  gst_util_set_object_arg (G_OBJECT (self->src), "wave", self->wave);
  g_object_set (self->src,
                "freq", self->freq,
                "volume", self->volume,
                "samplesperbuffer", self->samples_per_buffer,
                "num-buffers", self->num_buffers,
                "is-live", self->is_live,
                NULL);
  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, "S16LE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, self->rate,
                              "channels", G_TYPE_INT, self->channels,
                              NULL);
  g_mutex_unlock (&self->mutex);
  g_object_set (capsfilter, "caps", caps, NULL);

  gst_bin_add_many (GST_BIN (pipeline), self->src, capsfilter, appsink, NULL);
  if (!gst_element_link_many (self->src, capsfilter, appsink, NULL))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "audiotestsrc cannot produce %" GST_PTR_FORMAT, caps);
      gst_clear_object (&pipeline);
      return NULL;
    }

  sl_gst_source_set_error_prefix (source, "Audio test source");
  return pipeline;
}

static gboolean
sl_audio_test_source_teardown (SlProcessor  *processor,
                               GError      **error)
{
  SlAudioTestSource *self = SL_AUDIO_TEST_SOURCE (processor);
  gboolean ok = SL_PROCESSOR_CLASS (sl_audio_test_source_parent_class)->teardown (processor, error);

  self->src = NULL;
  return ok;
}

static void
sl_audio_test_source_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SlAudioTestSource *self = SL_AUDIO_TEST_SOURCE (object);

  g_mutex_lock (&self->mutex);
  switch (prop_id)
    {
    case PROP_WAVE:
      g_value_set_string (value, self->wave);
      break;
    case PROP_FREQ:
      g_value_set_double (value, self->freq);
      break;
    case PROP_VOLUME:
      g_value_set_double (value, self->volume);
      break;
    case PROP_RATE:
      g_value_set_int (value, self->rate);
      break;
    case PROP_CHANNELS:
      g_value_set_int (value, self->channels);
      break;
    case PROP_SAMPLES_PER_BUFFER:
      g_value_set_int (value, self->samples_per_buffer);
      break;
    case PROP_NUM_BUFFERS:
      g_value_set_int (value, self->num_buffers);
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
sl_audio_test_source_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SlAudioTestSource *self = SL_AUDIO_TEST_SOURCE (object);

  /* Setters run on the processor's thread (or before it exists): wave, freq
   * and volume apply live; the others from the next start. */
  g_mutex_lock (&self->mutex);
  switch (prop_id)
    {
    case PROP_WAVE:
      g_free (self->wave);
      self->wave = g_value_dup_string (value);
      if (self->wave == NULL)
        self->wave = g_strdup ("sine");
      if (sl_audio_test_source_running (self))
        gst_util_set_object_arg (G_OBJECT (self->src), "wave", self->wave);
      break;
    case PROP_FREQ:
      self->freq = g_value_get_double (value);
      if (sl_audio_test_source_running (self))
        g_object_set (self->src, "freq", self->freq, NULL);
      break;
    case PROP_VOLUME:
      self->volume = g_value_get_double (value);
      if (sl_audio_test_source_running (self))
        g_object_set (self->src, "volume", self->volume, NULL);
      break;
    case PROP_RATE:
      self->rate = g_value_get_int (value);
      break;
    case PROP_CHANNELS:
      self->channels = g_value_get_int (value);
      break;
    case PROP_SAMPLES_PER_BUFFER:
      self->samples_per_buffer = g_value_get_int (value);
      break;
    case PROP_NUM_BUFFERS:
      self->num_buffers = g_value_get_int (value);
      break;
    case PROP_IS_LIVE:
      self->is_live = g_value_get_boolean (value);
      break;
    default:
      g_mutex_unlock (&self->mutex);
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_mutex_unlock (&self->mutex);

  g_object_notify_by_pspec (object, pspec);
}

static void
sl_audio_test_source_finalize (GObject *object)
{
  SlAudioTestSource *self = SL_AUDIO_TEST_SOURCE (object);

  g_free (self->wave);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_audio_test_source_parent_class)->finalize (object);
}

static void
sl_audio_test_source_class_init (SlAudioTestSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  SlGstSourceClass *source_class = SL_GST_SOURCE_CLASS (klass);
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("audio/x-raw");
  g_autofree char *nicks = sl_gst_enum_property_nicks ("audiotestsrc", "wave");
  g_autofree char *wave_blurb = g_strdup_printf ("Waveform, one of: %s", nicks);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_NAME | G_PARAM_STATIC_NICK;

  object_class->finalize = sl_audio_test_source_finalize;
  object_class->get_property = sl_audio_test_source_get_property;
  object_class->set_property = sl_audio_test_source_set_property;
  processor_class->teardown = sl_audio_test_source_teardown;
  source_class->build = sl_audio_test_source_build;

  properties[PROP_WAVE] =
    sl_param_spec_checked_string ("wave", NULL, wave_blurb, "sine",
                                  sl_gst_check_audiotestsrc_wave, flags);
  properties[PROP_FREQ] =
    g_param_spec_double ("freq", NULL, "Frequency in Hz", 0, 20000, 440,
                         flags | G_PARAM_STATIC_BLURB);
  properties[PROP_VOLUME] =
    g_param_spec_double ("volume", NULL, "Volume, 0 to 1", 0, 1, 0.8,
                         flags | G_PARAM_STATIC_BLURB);
  properties[PROP_RATE] =
    g_param_spec_int ("rate", NULL, "Sample rate in Hz", 8000, 192000, 48000,
                      flags | G_PARAM_STATIC_BLURB);
  properties[PROP_CHANNELS] =
    g_param_spec_int ("channels", NULL, "Number of channels", 1, 8, 2,
                      flags | G_PARAM_STATIC_BLURB);
  properties[PROP_SAMPLES_PER_BUFFER] =
    g_param_spec_int ("samples-per-buffer", NULL, "Samples in each frame (960 is 20 ms at 48 kHz)",
                      1, G_MAXINT, 960, flags | G_PARAM_STATIC_BLURB);
  properties[PROP_NUM_BUFFERS] =
    g_param_spec_int ("num-buffers", NULL, "Frames to produce before end-of-stream (-1: no end)",
                      -1, G_MAXINT, -1, flags | G_PARAM_STATIC_BLURB);
  properties[PROP_IS_LIVE] =
    g_param_spec_boolean ("is-live", NULL,
                          "Produce audio in real time (TRUE) or as fast as the graph takes it (FALSE)",
                          TRUE, flags | G_PARAM_STATIC_BLURB);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_output_port (processor_class, "out", caps);
  sl_processor_class_set_description (processor_class,
                                      "Test audio (audiotestsrc): waveforms, frequency, rate, live or as fast as possible");
}

static void
sl_audio_test_source_init (SlAudioTestSource *self)
{
  g_mutex_init (&self->mutex);
  self->wave = g_strdup ("sine");
  self->freq = 440;
  self->volume = 0.8;
  self->rate = 48000;
  self->channels = 2;
  self->samples_per_buffer = 960;
  self->num_buffers = -1;
  self->is_live = TRUE;
}
