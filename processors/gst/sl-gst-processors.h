/* sl-gst-processors.h: the GStreamer bridge processor types
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <streamlib/streamlib.h>

G_BEGIN_DECLS

/* ---- sources: a GStreamer pipeline ending in appsinks ------------------- */

#define SL_TYPE_GST_SOURCE (sl_gst_source_get_type ())
G_DECLARE_DERIVABLE_TYPE (SlGstSource, sl_gst_source, SL, GST_SOURCE, SlProcessor)

/**
 * SlGstSourceClass:
 * @build: makes the pipeline (a new, non-floating reference); its outputs end
 *   in appsinks made with sl_gst_source_make_appsink(), now or later (from a
 *   pad-added callback)
 * @preroll: whether setup waits (bounded) for the pipeline to preroll before
 *   it plays, so that errors such as a missing file fail setup
 * @started: optional, called on the processor's thread once the pipeline
 *   plays
 */
struct _SlGstSourceClass
{
  SlProcessorClass parent_class;

  GstElement * (* build)   (SlGstSource  *self,
                            GError      **error);
  void         (* started) (SlGstSource  *self);
  gboolean     preroll;
};

GstElement *sl_gst_source_make_appsink        (SlGstSource *self,
                                               const char  *port,
                                               GstCaps     *caps);
GstElement *sl_gst_source_get_pipeline        (SlGstSource *self);
void        sl_gst_source_set_error_prefix    (SlGstSource *self,
                                               const char  *prefix);

#define SL_TYPE_VIDEO_TEST_SOURCE (sl_video_test_source_get_type ())
G_DECLARE_FINAL_TYPE (SlVideoTestSource, sl_video_test_source, SL, VIDEO_TEST_SOURCE, SlGstSource)

#define SL_TYPE_AUDIO_TEST_SOURCE (sl_audio_test_source_get_type ())
G_DECLARE_FINAL_TYPE (SlAudioTestSource, sl_audio_test_source, SL, AUDIO_TEST_SOURCE, SlGstSource)

#define SL_TYPE_URI_SOURCE (sl_uri_source_get_type ())
G_DECLARE_FINAL_TYPE (SlUriSource, sl_uri_source, SL, URI_SOURCE, SlGstSource)

#define SL_TYPE_CAMERA (sl_camera_get_type ())
G_DECLARE_FINAL_TYPE (SlCamera, sl_camera, SL, CAMERA, SlGstSource)

/* ---- filters: one input, one output, a GStreamer bin in between ------- */

#define SL_TYPE_GST_TRANSFORM (sl_gst_transform_get_type ())
G_DECLARE_DERIVABLE_TYPE (SlGstTransform, sl_gst_transform, SL, GST_TRANSFORM, SlProcessor)

/**
 * SlGstTransformClass:
 * @build_description: returns the bin description to run (a new string), or
 *   %NULL with @error set
 */
struct _SlGstTransformClass
{
  SlProcessorClass parent_class;

  char * (* build_description) (SlGstTransform  *self,
                                GError         **error);
};

/* Rebuilds the bin before the next frame (after a property change). Call it
 * from the processor's thread (a property setter). */
void sl_gst_transform_request_rebuild (SlGstTransform *self);

#define SL_TYPE_GST_FILTER (sl_gst_filter_get_type ())
G_DECLARE_FINAL_TYPE (SlGstFilter, sl_gst_filter, SL, GST_FILTER, SlGstTransform)

#define SL_TYPE_VP8_ENCODER (sl_vp8_encoder_get_type ())
G_DECLARE_FINAL_TYPE (SlVp8Encoder, sl_vp8_encoder, SL, VP8_ENCODER, SlGstTransform)

#define SL_TYPE_VP8_DECODER (sl_vp8_decoder_get_type ())
G_DECLARE_FINAL_TYPE (SlVp8Decoder, sl_vp8_decoder, SL, VP8_DECODER, SlGstTransform)

#define SL_TYPE_H264_ENCODER (sl_h264_encoder_get_type ())
G_DECLARE_FINAL_TYPE (SlH264Encoder, sl_h264_encoder, SL, H264_ENCODER, SlGstTransform)

#define SL_TYPE_H264_DECODER (sl_h264_decoder_get_type ())
G_DECLARE_FINAL_TYPE (SlH264Decoder, sl_h264_decoder, SL, H264_DECODER, SlGstTransform)

#define SL_TYPE_OPUS_ENCODER (sl_opus_encoder_get_type ())
G_DECLARE_FINAL_TYPE (SlOpusEncoder, sl_opus_encoder, SL, OPUS_ENCODER, SlGstTransform)

#define SL_TYPE_OPUS_DECODER (sl_opus_decoder_get_type ())
G_DECLARE_FINAL_TYPE (SlOpusDecoder, sl_opus_decoder, SL, OPUS_DECODER, SlGstTransform)

/* ---- sinks: appsrc feeding a GStreamer sink ----------------------------- */

#define SL_TYPE_GST_SINK (sl_gst_sink_get_type ())
G_DECLARE_DERIVABLE_TYPE (SlGstSink, sl_gst_sink, SL, GST_SINK, SlProcessor)

/**
 * SlGstSinkClass:
 * @convert: the converters put between the appsrc and the sink
 * @default_sink: the sink used while the "sink" property is unset
 * @max_buffers: frames the appsrc keeps before it drops the oldest
 * @headless_sink: (nullable): used instead of @default_sink when neither
 *   DISPLAY nor WAYLAND_DISPLAY is set
 */
struct _SlGstSinkClass
{
  SlProcessorClass parent_class;

  const char *convert;
  const char *default_sink;
  guint       max_buffers;
  const char *headless_sink;
};

#define SL_TYPE_DISPLAY (sl_display_get_type ())
G_DECLARE_FINAL_TYPE (SlDisplay, sl_display, SL, DISPLAY, SlGstSink)

#define SL_TYPE_AUDIO_SINK (sl_audio_sink_get_type ())
G_DECLARE_FINAL_TYPE (SlAudioSink, sl_audio_sink, SL, AUDIO_SINK, SlGstSink)

#define SL_TYPE_FILE_SINK (sl_file_sink_get_type ())
G_DECLARE_FINAL_TYPE (SlFileSink, sl_file_sink, SL, FILE_SINK, SlProcessor)

G_END_DECLS
