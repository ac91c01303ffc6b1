/* sl-whep-serve.c: a sink whose inputs the endpoint serves to WHEP viewers
 *
 * Inputs `video` (video/x-raw) and `audio` (audio/x-raw). The processor
 * encodes once, in a pipeline of its own built in setup:
 *
 *   appsrc video ! videoconvert ! vp8enc  ! appsink
 *   appsrc audio ! audioconvert ! audioresample ! opusenc ! appsink
 *
 * and the appsinks fan every encoded frame out to the viewers. Each viewer
 * is a session (sl-webrtc-session-private.h) with a pipeline of its own:
 *
 *   appsrc ! rtpvp8pay pt=<the viewer's> ! webrtcbin ! (ICE)
 *   appsrc ! rtpopuspay pt=<the viewer's> ! webrtcbin
 *
 * so a viewer that joins, stalls or leaves touches nothing but its own
 * pipeline and one entry of the fan-out list; payloading per viewer lets
 * each one keep the payload types its offer chose. While nobody watches,
 * process() drops the input instead of encoding it. A viewer receives
 * nothing until its peer connection forms; then, or when it asks for a
 * picture (RTCP PLI/FIR), a key frame is requested from the encoder, and it
 * receives nothing before one.
 *
 * process() never blocks: the encoder's appsrcs drop their oldest frames
 * when full, and so do the viewers' appsrcs (a slow viewer loses frames,
 * not the graph).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdatomic.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "sl-webrtc-processors-private.h"
#include "sl-webrtc-session-private.h"
#include "sl-webrtc-util-private.h"

/* Encoded frames a viewer's appsrc may hold before it drops the oldest. */
#define SL_WHEP_VIEWER_QUEUE 16

typedef struct
{
  SlWebrtcSession *session;       /* the fan-out list's reference */
  GstElement      *video;         /* the viewer's appsrcs, or NULL */
  GstElement      *audio;
  gboolean         connected;     /* its peer connection formed */
  gboolean         keyframe_seen; /* video: nothing is sent before one */
} SlWhepViewer;

typedef struct
{
  SlProcessor parent_instance;

  GMutex      mutex;              /* guards what follows */
  gboolean    running;            /* between setup and teardown */
  GPtrArray  *viewers;            /* SlWhepViewer* */
  GstElement *pipeline;           /* the encoder */
  GstElement *video_encoder;
  GError     *pipeline_error;     /* the first error it posted */

  GstCaps    *video_caps;         /* what the encoders made last, or NULL */
  GstCaps    *audio_caps;

  /* Only the processor's thread touches these. */
  GstElement *video_in;
  GstElement *audio_in;

  atomic_uint n_viewers;
  atomic_uint viewers_served;
  atomic_int_fast64_t video_frames;
  atomic_int_fast64_t audio_frames;
} SlWhepServe;

typedef struct
{
  SlProcessorClass parent_class;
} SlWhepServeClass;

static void sl_whep_serve_host_init (SlWebrtcSessionHostInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SlWhepServe, sl_whep_serve, SL_TYPE_PROCESSOR,
                               G_IMPLEMENT_INTERFACE (SL_WEBRTC_TYPE_SESSION_HOST,
                                                      sl_whep_serve_host_init))

enum {
  PROP_0,
  PROP_VIEWERS,
  PROP_VIEWERS_SERVED,
  PROP_VIDEO_FRAMES,
  PROP_AUDIO_FRAMES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sl_whep_viewer_free (SlWhepViewer *viewer)
{
  gst_clear_object (&viewer->video);
  gst_clear_object (&viewer->audio);
  g_clear_object (&viewer->session);
  g_free (viewer);
}

/* Asks the encoder for a key frame. Any thread. */
static void
sl_whep_serve_request_keyframe (SlWhepServe *self)
{
  g_autoptr(GstElement) encoder = NULL;

  g_mutex_lock (&self->mutex);
  if (self->video_encoder != NULL)
    encoder = gst_object_ref (self->video_encoder);
  g_mutex_unlock (&self->mutex);

  if (encoder != NULL)
    gst_element_send_event (encoder,
                            gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
                                                                         TRUE, 0));
}

/* ---- the encoder pipeline ------------------------------------------------ */

static GstBusSyncReply
sl_whep_serve_bus_handler (GstBus     *bus,
                           GstMessage *message,
                           gpointer    user_data)
{
  SlWhepServe *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gst_message_parse_error (message, &error, NULL);
      g_mutex_lock (&self->mutex);
      if (self->pipeline_error == NULL)
        self->pipeline_error = g_error_new (SL_ERROR, SL_ERROR_FAILED,
                                            _("The WHEP encoder failed: %s (from %s)"),
                                            error != NULL ? error->message : "unknown error",
                                            GST_MESSAGE_SRC_NAME (message));
      g_mutex_unlock (&self->mutex);
      sl_processor_schedule (SL_PROCESSOR (self));
    }

  return GST_BUS_DROP;
}

/* Copies @buffer's data reference without its timestamps: each viewer's
 * appsrc stamps it with its own pipeline's running time. */
static GstSample *
sl_whep_serve_make_viewer_sample (GstBuffer *buffer,
                                  GstCaps   *caps)
{
  g_autoptr(GstBuffer) copy = gst_buffer_copy (buffer);

  GST_BUFFER_PTS (copy) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DTS (copy) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (copy) = GST_CLOCK_TIME_NONE;
  return gst_sample_new (copy, caps, NULL, NULL);
}

/* An encoded frame: to every viewer (GStreamer streaming thread). */
static GstFlowReturn
sl_whep_serve_new_encoded (GstAppSink *appsink,
                           gpointer    user_data)
{
  SlWhepServe *self = user_data;
  gboolean is_video = g_object_get_data (G_OBJECT (appsink), "sl-video") != NULL;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);
  GstBuffer *buffer;
  GstCaps *caps;
  gboolean keyframe;
  gboolean newly_connected = FALSE;

  if (sample == NULL)
    return GST_FLOW_FLUSHING;

  buffer = gst_sample_get_buffer (sample);
  caps = gst_sample_get_caps (sample);
  keyframe = !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT);

  g_mutex_lock (&self->mutex);
  gst_caps_replace (is_video ? &self->video_caps : &self->audio_caps, caps);
  for (guint i = 0; i < self->viewers->len; i++)
    {
      SlWhepViewer *viewer = g_ptr_array_index (self->viewers, i);
      GstElement *appsrc = is_video ? viewer->video : viewer->audio;
      g_autoptr(GstSample) copy = NULL;

      if (appsrc == NULL)
        continue;
      /* Nothing goes to a viewer before its peer connection forms: frames
       * queued in webrtcbin ahead of the transport are stale when it
       * connects, and webrtcbin 1.22 could leave a branch fed that early
       * stalled. Once connected, it starts from a key frame asked for then. */
      if (!viewer->connected)
        {
          if (!sl_webrtc_session_has_connected (viewer->session))
            continue;
          viewer->connected = TRUE;
          newly_connected = TRUE;
        }
      if (is_video && !viewer->keyframe_seen)
        {
          if (!keyframe)
            continue;
          viewer->keyframe_seen = TRUE;
          g_debug ("WHEP viewer %s on “%s” starts at a key frame",
                   sl_webrtc_session_get_id (viewer->session), sl_processor_get_id (SL_PROCESSOR (self)));
        }

      /* Does not block: the appsrc drops its oldest frame when full. */
      copy = sl_whep_serve_make_viewer_sample (buffer, caps);
      gst_app_src_push_sample (GST_APP_SRC (appsrc), copy);
    }
  g_mutex_unlock (&self->mutex);

  if (newly_connected)
    sl_whep_serve_request_keyframe (self);

  return GST_FLOW_OK;
}

static GstElement *
sl_whep_serve_setup_appsink (SlWhepServe *self,
                             GstElement  *pipeline,
                             const char  *name,
                             gboolean     is_video)
{
  GstElement *appsink = gst_bin_get_by_name (GST_BIN (pipeline), name);

  /* Not async: with one input unlinked its branch never prerolls, and a
   * live pipeline would then hold the other branch's sink waiting for it. */
  g_object_set (appsink, "async", FALSE, NULL);
  if (is_video)
    g_object_set_data (G_OBJECT (appsink), "sl-video", GINT_TO_POINTER (TRUE));
  sl_webrtc_appsink_set_new_sample (appsink, 2, sl_whep_serve_new_encoded, self);
  return appsink;
}

static GstElement *
sl_whep_serve_setup_appsrc (GstElement *pipeline,
                            const char *name)
{
  GstElement *appsrc = gst_bin_get_by_name (GST_BIN (pipeline), name);

  g_object_set (appsrc,
                "format", GST_FORMAT_TIME,
                "is-live", TRUE,
                "block", FALSE,
                "max-bytes", (guint64) 0,
                "max-buffers", (guint64) 4,
                "leaky-type", GST_APP_LEAKY_TYPE_DOWNSTREAM,
                NULL);
  return appsrc;
}

static void
sl_whep_serve_stop_pipeline (SlWhepServe *self)
{
  GstElement *pipeline;

  g_mutex_lock (&self->mutex);
  pipeline = g_steal_pointer (&self->pipeline);
  gst_clear_object (&self->video_encoder);
  g_mutex_unlock (&self->mutex);

  gst_clear_object (&self->video_in);
  gst_clear_object (&self->audio_in);
  if (pipeline != NULL)
    {
      g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);

      gst_element_set_state (pipeline, GST_STATE_NULL);
      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
      gst_object_unref (pipeline);
    }
}

static gboolean
sl_whep_serve_setup (SlProcessor  *processor,
                     GError      **error)
{
  SlWhepServe *self = (SlWhepServe *) processor;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstElement) video_out = NULL;
  g_autoptr(GstElement) audio_out = NULL;
  GstElement *pipeline;

  /* Real-time VP8 (deadline 1) with a key frame at least every 2 s at
   * 30 fps, so that a viewer whose key frame request is lost still starts
   * soon. */
  pipeline = gst_parse_launch_full ("appsrc name=video ! videoconvert ! queue max-size-buffers=2 leaky=downstream "
                                    "! vp8enc name=venc deadline=1 cpu-used=8 keyframe-max-dist=60 "
                                    "! appsink name=vout caps=video/x-vp8 "
                                    "appsrc name=audio ! audioconvert ! audioresample "
                                    "! opusenc ! appsink name=aout caps=audio/x-opus",
                                    NULL, GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (pipeline == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Cannot build the WHEP encoder: %s"),
                   parse_error != NULL ? parse_error->message : "unknown error");
      return FALSE;
    }
  gst_object_ref_sink (pipeline);
  gst_object_set_name (GST_OBJECT (pipeline), sl_processor_get_id (processor));

  self->video_in = sl_whep_serve_setup_appsrc (pipeline, "video");
  self->audio_in = sl_whep_serve_setup_appsrc (pipeline, "audio");
  video_out = sl_whep_serve_setup_appsink (self, pipeline, "vout", TRUE);
  audio_out = sl_whep_serve_setup_appsink (self, pipeline, "aout", FALSE);

  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, sl_whep_serve_bus_handler, self, NULL);

  g_mutex_lock (&self->mutex);
  self->pipeline = pipeline;
  self->video_encoder = gst_bin_get_by_name (GST_BIN (pipeline), "venc");
  g_mutex_unlock (&self->mutex);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED, _("The WHEP encoder pipeline cannot play"));
      sl_whep_serve_stop_pipeline (self);
      return FALSE;
    }

  g_mutex_lock (&self->mutex);
  self->running = TRUE;
  g_mutex_unlock (&self->mutex);

  return TRUE;
}

static void
sl_whep_serve_forward (SlWhepServe         *self,
                       const char          *port,
                       GstElement          *appsrc,
                       atomic_int_fast64_t *counter)
{
  SlInputPort *input = sl_processor_get_input_port (SL_PROCESSOR (self), port);
  gboolean watched = atomic_load (&self->n_viewers) > 0;
  GstSample *sample;

  while ((sample = sl_input_port_pop (input)) != NULL)
    {
      /* Nobody watches: do not spend the CPU on encoding. */
      if (watched)
        {
          gst_app_src_push_sample (GST_APP_SRC (appsrc), sample);
          atomic_fetch_add (counter, 1);
        }
      gst_sample_unref (sample);
    }
}

static gboolean
sl_whep_serve_process (SlProcessor  *processor,
                       GError      **error)
{
  SlWhepServe *self = (SlWhepServe *) processor;
  GError *pipeline_error = NULL;

  g_mutex_lock (&self->mutex);
  if (self->pipeline_error != NULL)
    pipeline_error = g_error_copy (self->pipeline_error);
  g_mutex_unlock (&self->mutex);
  if (pipeline_error != NULL)
    {
      g_propagate_error (error, pipeline_error);
      return FALSE;
    }

  sl_whep_serve_forward (self, "video", self->video_in, &self->video_frames);
  sl_whep_serve_forward (self, "audio", self->audio_in, &self->audio_frames);
  return TRUE;
}

/* Closes every viewer: the session closes detach them from the list. */
static void
sl_whep_serve_close_viewers (SlWhepServe *self)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);

  g_mutex_lock (&self->mutex);
  self->running = FALSE;
  for (guint i = 0; i < self->viewers->len; i++)
    {
      SlWhepViewer *viewer = g_ptr_array_index (self->viewers, i);

      g_ptr_array_add (sessions, g_object_ref (viewer->session));
    }
  g_mutex_unlock (&self->mutex);

  /* Outside the lock: closing calls our detach. */
  for (guint i = 0; i < sessions->len; i++)
    sl_webrtc_session_close (g_ptr_array_index (sessions, i));
}

static gboolean
sl_whep_serve_teardown (SlProcessor  *processor,
                        GError      **error)
{
  SlWhepServe *self = (SlWhepServe *) processor;

  sl_whep_serve_close_viewers (self);
  sl_whep_serve_stop_pipeline (self);
  return TRUE;
}

/* ---- sessions -------------------------------------------------------------- */

/* A viewer asks for a picture (RTCP PLI/FIR becomes a force-key-unit event
 * travelling up its pipeline): pass the request on to the encoder. */
static GstPadProbeReturn
sl_whep_serve_viewer_upstream_event (GstPad          *pad,
                                     GstPadProbeInfo *info,
                                     gpointer         user_data)
{
  SlWhepServe *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

  if (gst_video_event_is_force_key_unit (event))
    sl_whep_serve_request_keyframe (self);

  return GST_PAD_PROBE_OK;
}

/* appsrc ! payloader ! webrtcbin.sink_%u, sending only. The appsrc starts
 * with @caps (what the encoder makes), so that the payloader's caps, SSRC
 * included, reach webrtcbin before it answers: an answer without a=ssrc
 * lines leaves a browser unable to tell the bundled streams apart. */
static GstElement *
sl_whep_serve_add_branch (SlWhepServe  *self,
                          GstElement   *pipeline,
                          GstElement   *webrtcbin,
                          GstCaps      *caps,
                          const char   *payloader_name,
                          gint          payload_type,
                          const char   *rtp_caps_text,
                          GError      **error)
{
  g_autoptr(GstCaps) rtp_caps = NULL;
  g_autoptr(GstPad) src_pad = NULL;
  g_autoptr(GstPad) sink_pad = NULL;
  g_autoptr(GstPad) appsrc_pad = NULL;
  g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;
  GstPadTemplate *template;
  GstElement *appsrc;
  GstElement *payloader;

  appsrc = gst_element_factory_make ("appsrc", NULL);
  payloader = gst_element_factory_make (payloader_name, NULL);
  if (appsrc == NULL || payloader == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PLUGIN, _("The GStreamer element %s is not installed"),
                   appsrc == NULL ? "appsrc" : payloader_name);
      gst_clear_object (&appsrc);
      gst_clear_object (&payloader);
      return NULL;
    }

  g_object_set (appsrc,
                "caps", caps,
                "format", GST_FORMAT_TIME,
                "is-live", TRUE,
                "do-timestamp", TRUE,
                "block", FALSE,
                "max-bytes", (guint64) 0,
                "max-buffers", (guint64) SL_WHEP_VIEWER_QUEUE,
                "leaky-type", GST_APP_LEAKY_TYPE_DOWNSTREAM,
                NULL);
  g_object_set (payloader, "pt", (guint) payload_type, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (payloader), "picture-id-mode") != NULL)
    gst_util_set_object_arg (G_OBJECT (payloader), "picture-id-mode", "15-bit");

  gst_bin_add_many (GST_BIN (pipeline), appsrc, payloader, NULL);
  if (!gst_element_link (appsrc, payloader))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Cannot link appsrc to %s"), payloader_name);
      return NULL;
    }

  /* A sink pad requested with caps gives its transceiver those codec
   * preferences: webrtcbin answers with the viewer's payload type. */
  rtp_caps = gst_caps_from_string (rtp_caps_text);
  gst_caps_set_simple (rtp_caps, "payload", G_TYPE_INT, payload_type, NULL);
  template = gst_element_get_pad_template (webrtcbin, "sink_%u");
  sink_pad = gst_element_request_pad (webrtcbin, template, NULL, rtp_caps);
  src_pad = gst_element_get_static_pad (payloader, "src");
  if (sink_pad == NULL || gst_pad_link (src_pad, sink_pad) != GST_PAD_LINK_OK)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Cannot link %s to webrtcbin"), payloader_name);
      return NULL;
    }
  g_object_get (sink_pad, "transceiver", &transceiver, NULL);
  if (transceiver != NULL)
    g_object_set (transceiver, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, NULL);

  appsrc_pad = gst_element_get_static_pad (appsrc, "src");
  gst_pad_add_probe (appsrc_pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
                     sl_whep_serve_viewer_upstream_event, self, NULL);

  return gst_object_ref (appsrc);
}

static gboolean
sl_whep_serve_attach (SlWebrtcSessionHost  *host,
                      SlWebrtcSession      *session,
                      GError              **error)
{
  SlWhepServe *self = (SlWhepServe *) host;
  const GstSDPMessage *offer = sl_webrtc_session_get_offer (session);
  GstElement *pipeline = sl_webrtc_session_get_pipeline (session);
  GstElement *webrtcbin = sl_webrtc_session_get_webrtcbin (session);
  gint video_pt = sl_webrtc_sdp_find_payload (offer, "video", "VP8");
  gint audio_pt = sl_webrtc_sdp_find_payload (offer, "audio", "OPUS");
  g_autoptr(GstElement) video = NULL;
  g_autoptr(GstElement) audio = NULL;
  g_autoptr(GstCaps) video_caps = NULL;
  g_autoptr(GstCaps) audio_caps = NULL;
  SlWhepViewer *viewer;
  gboolean running;

  g_mutex_lock (&self->mutex);
  running = self->running;
  video_caps = self->video_caps != NULL ? gst_caps_ref (self->video_caps) : NULL;
  audio_caps = self->audio_caps != NULL ? gst_caps_ref (self->audio_caps) : NULL;
  g_mutex_unlock (&self->mutex);

  /* Before the encoders made anything: the caps they will make. */
  if (video_caps == NULL)
    video_caps = gst_caps_new_empty_simple ("video/x-vp8");
  if (audio_caps == NULL)
    audio_caps = gst_caps_from_string ("audio/x-opus, channel-mapping-family=(int)0, "
                                       "channels=(int)2, rate=(int)48000");
  if (!sl_webrtc_session_host_check_running (host, running, error))
    return FALSE;

  if (video_pt < 0 && audio_pt < 0)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                   _("The offer has neither VP8 video nor Opus audio, which are what node “%s” sends"),
                   sl_processor_get_id (SL_PROCESSOR (self)));
      return FALSE;
    }

  /* The sections in the offer's order: webrtcbin matches transceivers to
   * them in the order they were made. */
  for (guint i = 0; i < gst_sdp_message_medias_len (offer); i++)
    {
      const char *media = gst_sdp_media_get_media (gst_sdp_message_get_media (offer, i));

      if (video == NULL && video_pt >= 0 && g_strcmp0 (media, "video") == 0)
        {
          video = sl_whep_serve_add_branch (self, pipeline, webrtcbin, video_caps, "rtpvp8pay", video_pt,
                                            "application/x-rtp, media=video, encoding-name=VP8, "
                                            "clock-rate=90000", error);
          if (video == NULL)
            return FALSE;
        }
      else if (audio == NULL && audio_pt >= 0 && g_strcmp0 (media, "audio") == 0)
        {
          audio = sl_whep_serve_add_branch (self, pipeline, webrtcbin, audio_caps, "rtpopuspay", audio_pt,
                                            "application/x-rtp, media=audio, encoding-name=OPUS, "
                                            "clock-rate=48000, encoding-params=(string)2", error);
          if (audio == NULL)
            return FALSE;
        }
    }

  viewer = g_new0 (SlWhepViewer, 1);
  viewer->session = g_object_ref (session);
  viewer->video = g_steal_pointer (&video);
  viewer->audio = g_steal_pointer (&audio);

  g_mutex_lock (&self->mutex);
  if (!sl_webrtc_session_host_check_running (host, self->running, error))
    {
      g_mutex_unlock (&self->mutex);
      sl_whep_viewer_free (viewer);
      return FALSE;
    }
  g_ptr_array_add (self->viewers, viewer);
  atomic_store (&self->n_viewers, self->viewers->len);
  atomic_fetch_add (&self->viewers_served, 1);
  g_mutex_unlock (&self->mutex);

  g_debug ("WHEP viewer %s on “%s”: VP8 payload type %d, Opus %d",
           sl_webrtc_session_get_id (session), sl_processor_get_id (SL_PROCESSOR (self)),
           video_pt, audio_pt);

  /* Its key frame is asked for once it connects (see new_encoded). */
  return TRUE;
}

static void
sl_whep_serve_detach (SlWebrtcSessionHost *host,
                      SlWebrtcSession     *session)
{
  SlWhepServe *self = (SlWhepServe *) host;
  SlWhepViewer *removed = NULL;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->viewers->len; i++)
    {
      SlWhepViewer *viewer = g_ptr_array_index (self->viewers, i);

      if (viewer->session == session)
        {
          removed = g_ptr_array_steal_index (self->viewers, i);
          break;
        }
    }
  atomic_store (&self->n_viewers, self->viewers->len);
  g_mutex_unlock (&self->mutex);

  /* Outside the lock: the last reference to the session may go. */
  g_clear_pointer (&removed, sl_whep_viewer_free);
}

static void
sl_whep_serve_host_init (SlWebrtcSessionHostInterface *iface)
{
  iface->kind = SL_WEBRTC_SESSION_WHEP;
  iface->attach = sl_whep_serve_attach;
  iface->detach = sl_whep_serve_detach;
}

/* ---- GObject ----------------------------------------------------------------- */

static void
sl_whep_serve_dispose (GObject *object)
{
  SlWhepServe *self = (SlWhepServe *) object;

  sl_whep_serve_close_viewers (self);
  sl_whep_serve_stop_pipeline (self);

  G_OBJECT_CLASS (sl_whep_serve_parent_class)->dispose (object);
}

static void
sl_whep_serve_finalize (GObject *object)
{
  SlWhepServe *self = (SlWhepServe *) object;

  g_ptr_array_unref (self->viewers);
  gst_clear_caps (&self->video_caps);
  gst_clear_caps (&self->audio_caps);
  g_clear_error (&self->pipeline_error);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_whep_serve_parent_class)->finalize (object);
}

static void
sl_whep_serve_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SlWhepServe *self = (SlWhepServe *) object;

  switch (prop_id)
    {
    case PROP_VIEWERS:
      g_value_set_uint (value, atomic_load (&self->n_viewers));
      break;
    case PROP_VIEWERS_SERVED:
      g_value_set_uint (value, atomic_load (&self->viewers_served));
      break;
    case PROP_VIDEO_FRAMES:
      g_value_set_int64 (value, atomic_load (&self->video_frames));
      break;
    case PROP_AUDIO_FRAMES:
      g_value_set_int64 (value, atomic_load (&self->audio_frames));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_whep_serve_class_init (SlWhepServeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  g_autoptr(GstCaps) video = gst_caps_new_empty_simple ("video/x-raw");
  g_autoptr(GstCaps) audio = gst_caps_new_empty_simple ("audio/x-raw");
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sl_whep_serve_dispose;
  object_class->finalize = sl_whep_serve_finalize;
  object_class->get_property = sl_whep_serve_get_property;
  processor_class->setup = sl_whep_serve_setup;
  processor_class->process = sl_whep_serve_process;
  processor_class->teardown = sl_whep_serve_teardown;

  properties[PROP_VIEWERS] =
    g_param_spec_uint ("viewers", NULL, "WHEP viewers watching now",
                       0, G_MAXUINT, 0, flags);
  properties[PROP_VIEWERS_SERVED] =
    g_param_spec_uint ("viewers-served", NULL, "WHEP viewers taken since the processor was made",
                       0, G_MAXUINT, 0, flags);
  properties[PROP_VIDEO_FRAMES] =
    g_param_spec_int64 ("video-frames", NULL, "Video frames given to the encoder",
                        0, G_MAXINT64, 0, flags);
  properties[PROP_AUDIO_FRAMES] =
    g_param_spec_int64 ("audio-frames", NULL, "Audio buffers given to the encoder",
                        0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_input_port (processor_class, "video", video);
  sl_processor_class_add_input_port (processor_class, "audio", audio);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
  sl_processor_class_set_description (processor_class,
                                      "Serves its video and audio to WHEP viewers of a "
                                      "streamlib WebRTC endpoint (VP8/Opus, encoded once)");
}

static void
sl_whep_serve_init (SlWhepServe *self)
{
  g_mutex_init (&self->mutex);
  self->viewers = g_ptr_array_new_with_free_func ((GDestroyNotify) sl_whep_viewer_free);
  atomic_init (&self->n_viewers, 0);
  atomic_init (&self->viewers_served, 0);
  atomic_init (&self->video_frames, 0);
  atomic_init (&self->audio_frames, 0);
}
