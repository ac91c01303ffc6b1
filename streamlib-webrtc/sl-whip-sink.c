/* sl-whip-sink.c: publishes video and audio to a WHIP server
 *
 * SECTION:whip-sink
 * @title: whip-sink
 * @short_description: publish raw video and audio over WebRTC (WHIP, RFC 9725)
 *
 * Factory `whip-sink`. Input ports:
 *   - `video` (`video/x-raw`): encoded to VP8 or H.264 (`video-codec`);
 *   - `audio` (`audio/x-raw`): encoded to Opus.
 * Link either or both: the inputs linked when the processor starts decide
 * the offer's m-lines (an input linked later is ignored until the next
 * start). With neither linked, setup fails.
 *
 * Properties:
 *   - `url` (string, http:// or https://): the WHIP endpoint;
 *   - `token` (string): sent as `Authorization: Bearer <token>`;
 *   - `video-codec` (string, "vp8" (default) or "h264");
 *   - `bitrate` (uint, kbit/s, default 1500): the video encoder's target;
 *   - `ice-servers` (strv of stun:/turn:/turns: URLs, checked when set;
 *     none by default: no STUN/TURN);
 *   - `trickle` (boolean, default false): POST the offer at once and send
 *     the candidates in PATCH requests, instead of waiting (bounded) for
 *     ICE gathering so that the offer carries them;
 *   - read-only: `connected` (boolean), `resource-url` (string, the
 *     session's resource once created), `frames` (int64, frames handed to
 *     the encoders), `ice-restarts` (uint, restarts the server accepted),
 *     `server-ice-servers` (strv: the `Link: rel="ice-server"` URLs of
 *     the server's answer, as webrtcbin takes them; used from the next ICE
 *     restart).
 * Action signal `restart-ice` (no arguments, any thread): restarts ICE
 * (RFC 9725 §4.3.2). Read-only properties emit no notify: poll them.
 *
 * Setup builds `appsrc ! videoconvert ! vp8enc ! rtpvp8pay ! webrtcbin` (and
 * `appsrc ! audioconvert ! audioresample ! opusenc ! rtpopuspay` for audio)
 * and hands the webrtcbin to an SlWhipClient, whose own thread does all the
 * HTTP and ICE work. process() only pushes frames into the appsrcs, which
 * never block (they drop their oldest frame when full), and polls the
 * client: an HTTP error — `WHIP server http://…/whip answered 403
 * Forbidden: …` — or a failed connection fails this processor only.
 * Frames given before the connection forms are encoded and dropped by
 * webrtcbin. Teardown (stop or drain) DELETEs the session, waiting for it
 * at most SL_WHIP_CLIENT_CLOSE_TIMEOUT.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <gst/app/gstappsrc.h>

#include "sl-webrtc-processors-private.h"
#include "sl-webrtc-client-processor-private.h"

/* Frames an appsrc keeps before dropping the oldest: a live stream prefers
 * the newest frame to a growing delay. */
#define SL_WHIP_SINK_QUEUE 8

#define SL_RTP_VP8 "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000"
/* No profile-level-id: webrtcbin holds the payloader's caps to these, and
 * the encoder's level depends on the frame size. The answer says which
 * profile the server takes; the encoder sends constrained baseline. */
#define SL_RTP_H264 "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000," \
                    "packetization-mode=(string)1,level-asymmetry-allowed=(string)1"
#define SL_RTP_H264_PAD "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000"
#define SL_RTP_OPUS "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000," \
                    "encoding-params=(string)2"

typedef struct
{
  const char  *name;        /* the port: "video" or "audio" */
  SlInputPort *port;
  GstElement  *appsrc;      /* NULL when the input was not linked at setup */
  GstCaps     *caps;        /* given to the appsrc */
  gboolean     eos;
} SlWhipSinkInput;

typedef struct _SlWhipSink SlWhipSink;
#define SL_WHIP_SINK(obj) (G_TYPE_CHECK_INSTANCE_CAST ((obj), sl_whip_sink_get_type (), SlWhipSink))

struct _SlWhipSink
{
  SlWebrtcClientProcessor  parent_instance;

  GMutex                   mutex;        /* guards the settings */
  char                    *video_codec;
  guint                    bitrate;

  /* The processor thread's. */
  SlWhipSinkInput          inputs[2];
  char                    *run_video_codec;  /* this run's settings */
  guint                    run_bitrate;
  gboolean                 warned_late_input;
};

typedef struct
{
  SlWebrtcClientProcessorClass parent_class;
} SlWhipSinkClass;

G_DEFINE_FINAL_TYPE (SlWhipSink, sl_whip_sink, SL_TYPE_WEBRTC_CLIENT_PROCESSOR)

enum {
  PROP_VIDEO_CODEC = SL_WEBRTC_CLIENT_PROCESSOR_N_PROPS,
  PROP_BITRATE,
  N_PROPS
};

static gboolean
sl_whip_sink_check_codec (const char  *value,
                          GError     **error)
{
  if (g_strcmp0 (value, "vp8") == 0 || g_strcmp0 (value, "h264") == 0)
    return TRUE;

  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
               _("“%s” is not a video codec whip-sink sends: use vp8 or h264"), value);
  return FALSE;
}

static gboolean
sl_have_element (const char *name)
{
  g_autoptr(GstElementFactory) factory = gst_element_factory_find (name);

  return factory != NULL;
}

/* The encoder branch of an input, as a bin description. */
static char *
sl_whip_sink_branch (SlWhipSink  *self,
                     const char  *input,
                     const char  *codec,
                     guint        bitrate,
                     const char **rtp_caps,
                     const char **pad_caps,
                     GError     **error)
{
  if (g_str_equal (input, "audio"))
    {
      *rtp_caps = *pad_caps = SL_RTP_OPUS;
      return g_strdup ("audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 mtu=1200");
    }

  if (g_str_equal (codec, "h264"))
    {
      g_autofree char *encoder = NULL;

      *rtp_caps = SL_RTP_H264;
      *pad_caps = SL_RTP_H264_PAD;
      if (sl_have_element ("x264enc"))
        encoder = g_strdup_printf ("x264enc tune=zerolatency speed-preset=ultrafast key-int-max=60 bitrate=%u",
                                   bitrate);
      else if (sl_have_element ("openh264enc"))
        encoder = g_strdup_printf ("openh264enc complexity=low gop-size=60 bitrate=%u", bitrate * 1000);
      if (encoder == NULL)
        {
          g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                               _("No H.264 encoder is installed (x264enc or openh264enc); use video-codec=vp8"));
          return NULL;
        }

      /* Browsers decode the constrained baseline profile everywhere. */
      return g_strdup_printf ("videoconvert ! %s ! video/x-h264,profile=constrained-baseline ! h264parse ! "
                              "rtph264pay pt=102 mtu=1200 config-interval=-1 aggregate-mode=zero-latency",
                              encoder);
    }

  *rtp_caps = *pad_caps = SL_RTP_VP8;
  return g_strdup_printf ("videoconvert ! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=30 "
                          "error-resilient=partitions target-bitrate=%u ! rtpvp8pay pt=96 mtu=1200 "
                          "picture-id-mode=15-bit", bitrate * 1000);
}

static gboolean
sl_whip_sink_add_input (SlWhipSink       *self,
                        SlWhipSinkInput  *input,
                        GstElement       *pipeline,
                        GstElement       *webrtcbin,
                        GError          **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GstCaps) preferences = NULL;
  g_autoptr(GstCaps) pad_filter = NULL;
  g_autoptr(GstPad) sinkpad = NULL;
  g_autoptr(GstPad) srcpad = NULL;
  g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;
  g_autofree char *description = NULL;
  const char *rtp_caps = NULL, *pad_caps = NULL;
  GstElement *appsrc, *branch, *filter;

  description = sl_whip_sink_branch (self, input->name, self->run_video_codec, self->run_bitrate,
                                     &rtp_caps, &pad_caps, error);
  if (description == NULL)
    return FALSE;

  branch = gst_parse_bin_from_description_full (description, TRUE, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
                                                &parse_error);
  if (branch == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Cannot build the %s encoder “%s”: %s"), input->name,
                   description, parse_error->message);
      return FALSE;
    }

  appsrc = gst_element_factory_make ("appsrc", NULL);
  /* Live and never blocking: process() must not wait for the encoder.
   * Frames are stamped with the pipeline's clock as they come in. */
  g_object_set (appsrc,
                "is-live", TRUE,
                "format", GST_FORMAT_TIME,
                "do-timestamp", TRUE,
                "block", FALSE,
                "max-buffers", (guint64) SL_WHIP_SINK_QUEUE,
                "max-bytes", (guint64) 0,
                "max-time", (guint64) 0,
                NULL);
  gst_util_set_object_arg (G_OBJECT (appsrc), "leaky-type", "downstream");

  pad_filter = gst_caps_from_string (pad_caps);
  filter = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (filter, "caps", pad_filter, NULL);

  gst_bin_add_many (GST_BIN (pipeline), appsrc, branch, filter, NULL);
  if (!gst_element_link_many (appsrc, branch, filter, NULL))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Cannot link the %s encoder “%s”"), input->name, description);
      return FALSE;
    }

  sinkpad = gst_element_request_pad_simple (webrtcbin, "sink_%u");
  srcpad = gst_element_get_static_pad (filter, "src");
  if (sinkpad == NULL || gst_pad_link (srcpad, sinkpad) != GST_PAD_LINK_OK)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Cannot link the %s encoder to webrtcbin"), input->name);
      return FALSE;
    }

  /* The offer can be made before any frame: the codec is declared. */
  preferences = gst_caps_from_string (rtp_caps);
  g_object_get (sinkpad, "transceiver", &transceiver, NULL);
  g_object_set (transceiver,
                "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY,
                "codec-preferences", preferences,
                NULL);

  input->appsrc = gst_object_ref (appsrc);
  return TRUE;
}

/* The session is closed: the appsrcs go with the pipeline. */
static void
sl_whip_sink_stop (SlWebrtcClientProcessor *processor)
{
  SlWhipSink *self = SL_WHIP_SINK (processor);

  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    {
      gst_clear_object (&self->inputs[i].appsrc);
      gst_clear_caps (&self->inputs[i].caps);
      self->inputs[i].eos = FALSE;
    }
}

static gboolean
sl_whip_sink_prepare (SlWebrtcClientProcessor  *processor,
                      GError                  **error)
{
  SlWhipSink *self = SL_WHIP_SINK (processor);
  gboolean any = FALSE;

  g_mutex_lock (&self->mutex);
  g_free (self->run_video_codec);
  self->run_video_codec = g_strdup (self->video_codec);
  self->run_bitrate = self->bitrate;
  g_mutex_unlock (&self->mutex);

  self->warned_late_input = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    {
      self->inputs[i].port = sl_processor_get_input_port (SL_PROCESSOR (self), self->inputs[i].name);
      any = any || sl_input_port_is_linked (self->inputs[i].port);
    }
  if (!any)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_STATE,
                           _("Nothing to publish: link the video or the audio input (or both)"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
sl_whip_sink_build (SlWebrtcClientProcessor  *processor,
                    SlWhipClient             *client,
                    GstElement               *pipeline,
                    GstElement               *webrtcbin,
                    GError                  **error)
{
  SlWhipSink *self = SL_WHIP_SINK (processor);

  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    if (sl_input_port_is_linked (self->inputs[i].port) &&
        !sl_whip_sink_add_input (self, &self->inputs[i], pipeline, webrtcbin, error))
      return FALSE;

  return TRUE;
}

static void
sl_whip_sink_push (SlWhipSink      *self,
                   SlWhipSinkInput *input,
                   GstSample       *sample)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);

  if (caps == NULL || buffer == NULL)
    return;

  if (input->caps == NULL || !gst_caps_is_equal (caps, input->caps))
    {
      gst_caps_replace (&input->caps, caps);
      g_object_set (input->appsrc, "caps", caps, NULL);
    }

  /* The producer's timestamps mean nothing to this pipeline's clock: the
   * appsrc stamps the frame on arrival (do-timestamp). The copy shares the
   * memory. */
  buffer = gst_buffer_copy (buffer);
  GST_BUFFER_PTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buffer) = GST_CLOCK_TIME_NONE;
  if (gst_app_src_push_buffer (GST_APP_SRC (input->appsrc), buffer) == GST_FLOW_OK)
    sl_webrtc_client_processor_count_frame (SL_WEBRTC_CLIENT_PROCESSOR (self));
}

static gboolean
sl_whip_sink_process (SlProcessor  *processor,
                      GError      **error)
{
  SlWhipSink *self = SL_WHIP_SINK (processor);

  if (!SL_PROCESSOR_CLASS (sl_whip_sink_parent_class)->process (processor, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    {
      SlWhipSinkInput *input = &self->inputs[i];
      GstSample *sample;

      while ((sample = sl_input_port_pop (input->port)) != NULL)
        {
          if (input->appsrc != NULL && !input->eos)
            sl_whip_sink_push (self, input, sample);
          else if (!self->warned_late_input)
            {
              self->warned_late_input = TRUE;
              g_message ("whip-sink “%s”: the %s input was not linked when the session started; "
                         "its frames are dropped until the next start",
                         sl_processor_get_id (processor), input->name);
            }
          gst_sample_unref (sample);
        }

      if (input->appsrc != NULL && !input->eos && sl_input_port_is_eos (input->port))
        {
          input->eos = TRUE;
          gst_app_src_end_of_stream (GST_APP_SRC (input->appsrc));
        }
    }

  return TRUE;
}

static void
sl_whip_sink_finalize (GObject *object)
{
  SlWhipSink *self = SL_WHIP_SINK (object);

  g_free (self->video_codec);
  g_free (self->run_video_codec);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_whip_sink_parent_class)->finalize (object);
}

static void
sl_whip_sink_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SlWhipSink *self = SL_WHIP_SINK (object);

  switch (prop_id)
    {
    case PROP_VIDEO_CODEC:
      g_mutex_lock (&self->mutex);
      g_value_set_string (value, self->video_codec);
      g_mutex_unlock (&self->mutex);
      break;
    case PROP_BITRATE:
      g_mutex_lock (&self->mutex);
      g_value_set_uint (value, self->bitrate);
      g_mutex_unlock (&self->mutex);
      break;
    default:
      /* The client processor's. */
      G_OBJECT_CLASS (sl_whip_sink_parent_class)->get_property (object, prop_id, value, pspec);
    }
}

static void
sl_whip_sink_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SlWhipSink *self = SL_WHIP_SINK (object);

  /* Each takes effect from the next start: a running session keeps its
   * settings. */
  switch (prop_id)
    {
    case PROP_VIDEO_CODEC:
      g_mutex_lock (&self->mutex);
      g_free (self->video_codec);
      self->video_codec = g_value_dup_string (value);
      if (self->video_codec == NULL)
        self->video_codec = g_strdup ("vp8");
      g_mutex_unlock (&self->mutex);
      break;
    case PROP_BITRATE:
      g_mutex_lock (&self->mutex);
      self->bitrate = g_value_get_uint (value);
      g_mutex_unlock (&self->mutex);
      break;
    default:
      G_OBJECT_CLASS (sl_whip_sink_parent_class)->set_property (object, prop_id, value, pspec);
      return;
    }

  g_object_notify_by_pspec (object, pspec);
}

static void
sl_whip_sink_class_init (SlWhipSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  SlWebrtcClientProcessorClass *client_class = SL_WEBRTC_CLIENT_PROCESSOR_CLASS (klass);
  g_autoptr(GstCaps) video = gst_caps_from_string ("video/x-raw");
  g_autoptr(GstCaps) audio = gst_caps_from_string ("audio/x-raw");
  const GParamFlags settable = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sl_whip_sink_finalize;
  object_class->get_property = sl_whip_sink_get_property;
  object_class->set_property = sl_whip_sink_set_property;
  processor_class->process = sl_whip_sink_process;
  client_class->factory = "whip-sink";
  client_class->protocol = "WHIP";
  client_class->missing_url = "No WHIP endpoint to publish to: set the “url” property";
  client_class->prepare = sl_whip_sink_prepare;
  client_class->build = sl_whip_sink_build;
  client_class->stop = sl_whip_sink_stop;

  /* url, token, ice-servers, trickle, the read-only state and restart-ice. */
  sl_webrtc_client_processor_class_install (client_class,
                                            "The WHIP endpoint (http:// or https://)",
                                            "Whether media flows to the server (no notify: poll it)",
                                            "Frames (video and audio) handed to the encoders");
  g_object_class_install_property (object_class, PROP_VIDEO_CODEC,
    sl_param_spec_checked_string ("video-codec", NULL, "The video codec sent: vp8 or h264",
                                  "vp8", sl_whip_sink_check_codec, settable));
  g_object_class_install_property (object_class, PROP_BITRATE,
    g_param_spec_uint ("bitrate", NULL, "The video encoder's target bitrate (kbit/s)",
                       50, 50000, 1500, settable));

  sl_processor_class_add_input_port (processor_class, "video", video);
  sl_processor_class_add_input_port (processor_class, "audio", audio);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
  sl_processor_class_set_description (processor_class,
                                      "Publishes video (VP8 or H.264) and audio (Opus) to a WHIP "
                                      "server over WebRTC");
}

static void
sl_whip_sink_init (SlWhipSink *self)
{
  g_mutex_init (&self->mutex);
  self->video_codec = g_strdup ("vp8");
  self->bitrate = 1500;
  self->inputs[0].name = "video";
  self->inputs[1].name = "audio";
}
