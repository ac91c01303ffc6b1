/* sl-gst-codecs.c: VP8, H.264 and Opus encoders and decoders
 *
 * Each is an SlGstTransform running a fixed GStreamer bin built from its
 * properties; a property changed while running rebuilds the bin between two
 * frames. The encoders are set for real time: no look-ahead, so each frame
 * comes out in the process() call that took it in.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

/* ---- shared encoder settings ------------------------------------------- */

enum {
  PROP_0,
  PROP_BITRATE,
  PROP_KEYFRAME_INTERVAL,
  N_PROPS
};

typedef struct
{
  GMutex  mutex;
  gint    bitrate;
  gint    keyframe_interval;
} SlEncoderSettings;

static void
sl_encoder_settings_get (SlEncoderSettings *settings,
                         guint              prop_id,
                         GValue            *value)
{
  g_mutex_lock (&settings->mutex);
  if (prop_id == PROP_BITRATE)
    g_value_set_int (value, settings->bitrate);
  else
    g_value_set_int (value, settings->keyframe_interval);
  g_mutex_unlock (&settings->mutex);
}

static void
sl_encoder_settings_set (SlGstTransform    *transform,
                         SlEncoderSettings *settings,
                         guint              prop_id,
                         const GValue      *value)
{
  g_mutex_lock (&settings->mutex);
  if (prop_id == PROP_BITRATE)
    settings->bitrate = g_value_get_int (value);
  else
    settings->keyframe_interval = g_value_get_int (value);
  g_mutex_unlock (&settings->mutex);

  sl_gst_transform_request_rebuild (transform);
}

static void
sl_encoder_settings_snapshot (SlEncoderSettings *settings,
                              gint              *bitrate,
                              gint              *keyframe_interval)
{
  g_mutex_lock (&settings->mutex);
  *bitrate = settings->bitrate;
  *keyframe_interval = settings->keyframe_interval;
  g_mutex_unlock (&settings->mutex);
}

#define SL_DEFINE_ENCODER_PROPERTY_FUNCS(TypeName, type_name, TYPE)                     \
  static void                                                                           \
  type_name##_get_property (GObject *object, guint prop_id, GValue *value,              \
                            GParamSpec *pspec)                                          \
  {                                                                                     \
    if (prop_id == PROP_BITRATE || prop_id == PROP_KEYFRAME_INTERVAL)                   \
      sl_encoder_settings_get (&TYPE (object)->settings, prop_id, value);               \
    else                                                                                \
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);                       \
  }                                                                                     \
  static void                                                                           \
  type_name##_set_property (GObject *object, guint prop_id, const GValue *value,        \
                            GParamSpec *pspec)                                          \
  {                                                                                     \
    if (prop_id == PROP_BITRATE || prop_id == PROP_KEYFRAME_INTERVAL)                   \
      {                                                                                 \
        sl_encoder_settings_set (SL_GST_TRANSFORM (object), &TYPE (object)->settings,   \
                                 prop_id, value);                                       \
        g_object_notify_by_pspec (object, pspec);                                       \
      }                                                                                 \
    else                                                                                \
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);                       \
  }                                                                                     \
  static void                                                                           \
  type_name##_finalize (GObject *object)                                                \
  {                                                                                     \
    g_mutex_clear (&TYPE (object)->settings.mutex);                                     \
    G_OBJECT_CLASS (type_name##_parent_class)->finalize (object);                       \
  }

static void
sl_add_ports (SlProcessorClass *klass,
              const char       *in,
              const char       *out)
{
  g_autoptr(GstCaps) in_caps = gst_caps_from_string (in);
  g_autoptr(GstCaps) out_caps = gst_caps_from_string (out);

  sl_processor_class_add_input_port (klass, "in", in_caps);
  sl_processor_class_add_output_port (klass, "out", out_caps);
}

#define SL_ENCODER_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

/* ---- vp8-encoder -------------------------------------------------------- */

struct _SlVp8Encoder
{
  SlGstTransform     parent_instance;
  SlEncoderSettings  settings;
};

G_DEFINE_FINAL_TYPE (SlVp8Encoder, sl_vp8_encoder, SL_TYPE_GST_TRANSFORM)
SL_DEFINE_ENCODER_PROPERTY_FUNCS (SlVp8Encoder, sl_vp8_encoder, SL_VP8_ENCODER)

static char *
sl_vp8_encoder_build_description (SlGstTransform  *transform,
                                  GError         **error)
{
  gint bitrate, keyframe_interval;

  sl_encoder_settings_snapshot (&SL_VP8_ENCODER (transform)->settings, &bitrate, &keyframe_interval);
  return g_strdup_printf ("videoconvert ! vp8enc deadline=1 lag-in-frames=0 cpu-used=8 "
                          "keyframe-max-dist=%d target-bitrate=%d",
                          keyframe_interval, bitrate * 1000);
}

static void
sl_vp8_encoder_class_init (SlVp8EncoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->get_property = sl_vp8_encoder_get_property;
  object_class->set_property = sl_vp8_encoder_set_property;
  object_class->finalize = sl_vp8_encoder_finalize;
  SL_GST_TRANSFORM_CLASS (klass)->build_description = sl_vp8_encoder_build_description;

  g_object_class_install_property (object_class, PROP_BITRATE,
    g_param_spec_int ("bitrate", NULL, "Target bitrate in kbit/s (0: chosen from the frame size)",
                      0, 1000000, 0, SL_ENCODER_FLAGS));
  g_object_class_install_property (object_class, PROP_KEYFRAME_INTERVAL,
    g_param_spec_int ("keyframe-interval", NULL, "Frames between two key frames at most",
                      1, 100000, 60, SL_ENCODER_FLAGS));

  sl_add_ports (processor_class, "video/x-raw", "video/x-vp8");
  sl_processor_class_set_description (processor_class, "Encodes raw video to VP8 (vp8enc, real time)");
}

static void
sl_vp8_encoder_init (SlVp8Encoder *self)
{
  g_mutex_init (&self->settings.mutex);
  self->settings.bitrate = 0;
  self->settings.keyframe_interval = 60;
}

/* ---- h264-encoder ------------------------------------------------------- */

struct _SlH264Encoder
{
  SlGstTransform     parent_instance;
  SlEncoderSettings  settings;
};

G_DEFINE_FINAL_TYPE (SlH264Encoder, sl_h264_encoder, SL_TYPE_GST_TRANSFORM)
SL_DEFINE_ENCODER_PROPERTY_FUNCS (SlH264Encoder, sl_h264_encoder, SL_H264_ENCODER)

static char *
sl_h264_encoder_build_description (SlGstTransform  *transform,
                                   GError         **error)
{
  gint bitrate, keyframe_interval;

  sl_encoder_settings_snapshot (&SL_H264_ENCODER (transform)->settings, &bitrate, &keyframe_interval);
  return g_strdup_printf ("videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast "
                          "key-int-max=%d bitrate=%d",
                          keyframe_interval, bitrate);
}

static void
sl_h264_encoder_class_init (SlH264EncoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->get_property = sl_h264_encoder_get_property;
  object_class->set_property = sl_h264_encoder_set_property;
  object_class->finalize = sl_h264_encoder_finalize;
  SL_GST_TRANSFORM_CLASS (klass)->build_description = sl_h264_encoder_build_description;

  g_object_class_install_property (object_class, PROP_BITRATE,
    g_param_spec_int ("bitrate", NULL, "Bitrate in kbit/s", 1, 2048000, 2048, SL_ENCODER_FLAGS));
  g_object_class_install_property (object_class, PROP_KEYFRAME_INTERVAL,
    g_param_spec_int ("keyframe-interval", NULL, "Frames between two key frames at most",
                      1, 100000, 60, SL_ENCODER_FLAGS));

  sl_add_ports (processor_class, "video/x-raw", "video/x-h264");
  sl_processor_class_set_description (processor_class,
                                      "Encodes raw video to H.264 (x264enc, zero latency)");
}

static void
sl_h264_encoder_init (SlH264Encoder *self)
{
  g_mutex_init (&self->settings.mutex);
  self->settings.bitrate = 2048;
  self->settings.keyframe_interval = 60;
}

/* ---- opus-encoder ------------------------------------------------------- */

struct _SlOpusEncoder
{
  SlGstTransform     parent_instance;
  SlEncoderSettings  settings;   /* keyframe_interval unused */
};

G_DEFINE_FINAL_TYPE (SlOpusEncoder, sl_opus_encoder, SL_TYPE_GST_TRANSFORM)
SL_DEFINE_ENCODER_PROPERTY_FUNCS (SlOpusEncoder, sl_opus_encoder, SL_OPUS_ENCODER)

static char *
sl_opus_encoder_build_description (SlGstTransform  *transform,
                                   GError         **error)
{
  gint bitrate, unused;

  sl_encoder_settings_snapshot (&SL_OPUS_ENCODER (transform)->settings, &bitrate, &unused);
  return g_strdup_printf ("audioconvert ! audioresample ! opusenc bitrate=%d", bitrate * 1000);
}

static void
sl_opus_encoder_class_init (SlOpusEncoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->get_property = sl_opus_encoder_get_property;
  object_class->set_property = sl_opus_encoder_set_property;
  object_class->finalize = sl_opus_encoder_finalize;
  SL_GST_TRANSFORM_CLASS (klass)->build_description = sl_opus_encoder_build_description;

  g_object_class_install_property (object_class, PROP_BITRATE,
    g_param_spec_int ("bitrate", NULL, "Bitrate in kbit/s", 4, 650, 64, SL_ENCODER_FLAGS));

  sl_add_ports (processor_class, "audio/x-raw", "audio/x-opus");
  sl_processor_class_set_description (processor_class, "Encodes raw audio to Opus (opusenc)");
}

static void
sl_opus_encoder_init (SlOpusEncoder *self)
{
  g_mutex_init (&self->settings.mutex);
  self->settings.bitrate = 64;
}

/* ---- decoders ----------------------------------------------------------- */

struct _SlVp8Decoder
{
  SlGstTransform parent_instance;
};

G_DEFINE_FINAL_TYPE (SlVp8Decoder, sl_vp8_decoder, SL_TYPE_GST_TRANSFORM)

static char *
sl_vp8_decoder_build_description (SlGstTransform  *transform,
                                  GError         **error)
{
  return g_strdup ("vp8dec");
}

static void
sl_vp8_decoder_class_init (SlVp8DecoderClass *klass)
{
  SL_GST_TRANSFORM_CLASS (klass)->build_description = sl_vp8_decoder_build_description;
  sl_add_ports (SL_PROCESSOR_CLASS (klass), "video/x-vp8", "video/x-raw");
  sl_processor_class_set_description (SL_PROCESSOR_CLASS (klass), "Decodes VP8 to raw video (vp8dec)");
}

static void
sl_vp8_decoder_init (SlVp8Decoder *self)
{
}

struct _SlH264Decoder
{
  SlGstTransform parent_instance;
};

G_DEFINE_FINAL_TYPE (SlH264Decoder, sl_h264_decoder, SL_TYPE_GST_TRANSFORM)

static char *
sl_h264_decoder_build_description (SlGstTransform  *transform,
                                   GError         **error)
{
  const char *decoder = sl_gst_first_element ("avdec_h264", "openh264dec", NULL);

  if (decoder == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                           "No H.264 decoder is installed (avdec_h264 or openh264dec)");
      return NULL;
    }

  return g_strdup_printf ("h264parse ! %s", decoder);
}

static void
sl_h264_decoder_class_init (SlH264DecoderClass *klass)
{
  SL_GST_TRANSFORM_CLASS (klass)->build_description = sl_h264_decoder_build_description;
  sl_add_ports (SL_PROCESSOR_CLASS (klass), "video/x-h264", "video/x-raw");
  sl_processor_class_set_description (SL_PROCESSOR_CLASS (klass),
                                      "Decodes H.264 to raw video (avdec_h264 or openh264dec)");
}

static void
sl_h264_decoder_init (SlH264Decoder *self)
{
}

struct _SlOpusDecoder
{
  SlGstTransform parent_instance;
};

G_DEFINE_FINAL_TYPE (SlOpusDecoder, sl_opus_decoder, SL_TYPE_GST_TRANSFORM)

static char *
sl_opus_decoder_build_description (SlGstTransform  *transform,
                                   GError         **error)
{
  return g_strdup ("opusdec");
}

static void
sl_opus_decoder_class_init (SlOpusDecoderClass *klass)
{
  SL_GST_TRANSFORM_CLASS (klass)->build_description = sl_opus_decoder_build_description;
  sl_add_ports (SL_PROCESSOR_CLASS (klass), "audio/x-opus", "audio/x-raw");
  sl_processor_class_set_description (SL_PROCESSOR_CLASS (klass), "Decodes Opus to raw audio (opusdec)");
}

static void
sl_opus_decoder_init (SlOpusDecoder *self)
{
}
