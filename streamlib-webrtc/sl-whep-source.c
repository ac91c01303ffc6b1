/* sl-whep-source.c: plays a WHEP server's stream as decoded video and audio
 *
 * SECTION:whep-source
 * @title: whep-source
 * @short_description: receive video and audio over WebRTC (WHEP)
 *
 * Factory `whep-source`. Output ports:
 *   - `video` (`video/x-raw`): decoded VP8 or H.264;
 *   - `audio` (`audio/x-raw`): decoded Opus.
 * A stream without audio (or video) leaves that output silent.
 *
 * Properties:
 *   - `url` (string, http:// or https://): the WHEP endpoint;
 *   - `token` (string): sent as `Authorization: Bearer <token>`;
 *   - `ice-servers` (strv of stun:/turn:/turns: URLs, checked when set;
 *     none by default);
 *   - `trickle` (boolean, default false): as whip-sink's;
 *   - read-only: `connected` (boolean), `resource-url` (string), `frames`
 *     (int64, frames sent on both outputs), `ice-restarts` (uint),
 *     `server-ice-servers` (strv), as whip-sink's.
 * Action signal `restart-ice` (no arguments, any thread). Read-only
 * properties emit no notify: poll them.
 *
 * The offer is recvonly: video (VP8 payload 96, H.264 payload 102) and audio
 * (Opus payload 111). The server answers it (201), or sends a counter-offer
 * (406 with an SDP offer): a fresh webrtcbin then answers that offer and the
 * answer goes back by PATCH application/sdp. Each stream webrtcbin outputs
 * goes through decodebin and a converter into an appsink; its streaming
 * thread queues the frame (a few at most, the oldest dropped: the stream is
 * live) and schedules the processor (SL_EXECUTION_MANUAL), whose process()
 * pushes the frames on its own thread. All HTTP and ICE work is the
 * SlWhipClient's, on its own thread; an HTTP error (`WHEP server http://…
 * answered 404 Not Found: …`), a failed connection or a GStreamer error
 * fails this processor only. Teardown DELETEs the session (bounded wait)
 * and sends the frames already decoded.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <gst/app/gstappsink.h>

#include "sl-webrtc-processors-private.h"
#include "sl-webrtc-client-processor-private.h"

/* Decoded frames that may wait for the processor's thread, all outputs
 * together; past that the oldest goes. */
#define SL_WHEP_SOURCE_QUEUE 16

#define SL_RTP_VIDEO \
  "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000; " \
  "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000," \
  "packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1"
#define SL_RTP_AUDIO \
  "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,encoding-params=(string)2"

typedef struct _SlWhepSource SlWhepSource;
#define SL_WHEP_SOURCE(obj) (G_TYPE_CHECK_INSTANCE_CAST ((obj), sl_whep_source_get_type (), SlWhepSource))

typedef struct
{
  SlOutputPort *port;
  GstSample    *sample;
} SlWhepFrame;

struct _SlWhepSource
{
  SlWebrtcClientProcessor  parent_instance;

  GMutex                   queue_mutex;  /* guards what follows */
  GQueue                   queue;        /* SlWhepFrame* */
  gboolean                 flushing;
  gboolean                 have_video;
  gboolean                 have_audio;
  guint64                  dropped;
};

typedef struct
{
  SlWebrtcClientProcessorClass parent_class;
} SlWhepSourceClass;

G_DEFINE_FINAL_TYPE (SlWhepSource, sl_whep_source, SL_TYPE_WEBRTC_CLIENT_PROCESSOR)

static void
sl_whep_frame_free (SlWhepFrame *frame)
{
  if (frame->sample != NULL)
    gst_sample_unref (frame->sample);
  g_free (frame);
}

/* ---- decoded frames: streaming threads → the processor's thread -------------- */

static GstFlowReturn
sl_whep_source_new_sample (GstAppSink *appsink,
                           gpointer    user_data)
{
  SlWhepSource *self = user_data;
  SlOutputPort *port = g_object_get_data (G_OBJECT (appsink), "sl-port");
  GstSample *sample = gst_app_sink_pull_sample (appsink);
  SlWhepFrame *frame;

  if (sample == NULL)
    return GST_FLOW_FLUSHING;

  g_mutex_lock (&self->queue_mutex);
  if (self->flushing)
    {
      g_mutex_unlock (&self->queue_mutex);
      gst_sample_unref (sample);
      return GST_FLOW_FLUSHING;
    }
  /* Live: never hold the network's thread back, drop the oldest. */
  while (g_queue_get_length (&self->queue) >= SL_WHEP_SOURCE_QUEUE)
    {
      sl_whep_frame_free (g_queue_pop_head (&self->queue));
      self->dropped++;
    }
  frame = g_new0 (SlWhepFrame, 1);
  frame->port = port;
  frame->sample = sample;
  g_queue_push_tail (&self->queue, frame);
  g_mutex_unlock (&self->queue_mutex);

  sl_processor_schedule (SL_PROCESSOR (self));
  return GST_FLOW_OK;
}

static void
sl_whep_source_push_queued (SlWhepSource *self)
{
  GQueue frames = G_QUEUE_INIT;
  SlWhepFrame *frame;

  g_mutex_lock (&self->queue_mutex);
  frames = self->queue;
  g_queue_init (&self->queue);
  g_mutex_unlock (&self->queue_mutex);

  while ((frame = g_queue_pop_head (&frames)) != NULL)
    {
      sl_output_port_push (frame->port, g_steal_pointer (&frame->sample));
      sl_webrtc_client_processor_count_frame (SL_WEBRTC_CLIENT_PROCESSOR (self));
      sl_whep_frame_free (frame);
    }
}

/* A decoded stream: convert it into an appsink for its output. Runs on a
 * streaming thread. */
static void
sl_whep_source_on_decoded_pad (GstElement *decodebin,
                               GstPad     *pad,
                               gpointer    user_data)
{
  SlWhepSource *self = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstCaps) raw = NULL;
  g_autoptr(GstPad) sinkpad = NULL;
  g_autoptr(GError) error = NULL;
  const char *media, *description, *port_name;
  GstElement *bin, *appsink;
  GstBin *pipeline = GST_BIN (GST_ELEMENT_PARENT (decodebin));
  gboolean wanted;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_name (gst_caps_get_structure (caps, 0));

  g_mutex_lock (&self->queue_mutex);
  if (g_str_has_prefix (media, "video/"))
    {
      wanted = !self->have_video;
      self->have_video = TRUE;
      description = "videoconvert";
      port_name = "video";
    }
  else if (g_str_has_prefix (media, "audio/"))
    {
      wanted = !self->have_audio;
      self->have_audio = TRUE;
      description = "audioconvert ! audioresample";
      port_name = "audio";
    }
  else
    {
      wanted = FALSE;
      description = NULL;
      port_name = NULL;
    }
  g_mutex_unlock (&self->queue_mutex);

  if (!wanted)
    {
      /* A second stream of a kind, or one that is neither: consumed here
       * so that it does not stall webrtcbin. */
      GstElement *fakesink = gst_element_factory_make ("fakesink", NULL);

      g_object_set (fakesink, "async", FALSE, "sync", FALSE, NULL);
      gst_bin_add (pipeline, fakesink);
      gst_element_sync_state_with_parent (fakesink);
      sinkpad = gst_element_get_static_pad (fakesink, "sink");
      gst_pad_link (pad, sinkpad);
      g_debug ("whep-source “%s”: ignoring an extra %s stream", sl_processor_get_id (SL_PROCESSOR (self)), media);
      return;
    }

  bin = gst_parse_bin_from_description (description, TRUE, &error);
  if (bin == NULL)
    {
      g_warning ("whep-source “%s”: cannot convert the %s stream: %s",
                 sl_processor_get_id (SL_PROCESSOR (self)), port_name, error->message);
      return;
    }

  raw = gst_caps_new_empty_simple (g_str_equal (port_name, "video") ? "video/x-raw" : "audio/x-raw");
  appsink = gst_element_factory_make ("appsink", NULL);
  g_object_set (appsink, "caps", raw, NULL);
  g_object_set_data (G_OBJECT (appsink), "sl-port",
                     sl_processor_get_output_port (SL_PROCESSOR (self), port_name));
  sl_webrtc_appsink_set_new_sample (appsink, 1, sl_whep_source_new_sample, self);

  gst_bin_add_many (pipeline, bin, appsink, NULL);
  gst_element_link (bin, appsink);
  gst_element_sync_state_with_parent (appsink);
  gst_element_sync_state_with_parent (bin);

  sinkpad = gst_element_get_static_pad (bin, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_warning ("whep-source “%s”: cannot link the decoded %s stream",
               sl_processor_get_id (SL_PROCESSOR (self)), port_name);
}

/* Depayloaders ask the sender for a keyframe when packets are lost: the
 * first ones usually are, sent before the connection formed. */
static void
sl_whep_source_on_element_added (GstBin     *bin,
                                 GstBin     *sub_bin,
                                 GstElement *element,
                                 gpointer    user_data)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (element), "request-keyframe") != NULL)
    g_object_set (element, "request-keyframe", TRUE, NULL);
}

/* A stream from webrtcbin: decode it. Runs on a streaming thread. */
static void
sl_whep_source_on_webrtc_pad (GstElement *webrtcbin,
                              GstPad     *pad,
                              gpointer    user_data)
{
  SlWhepSource *self = user_data;
  g_autoptr(GstPad) sinkpad = NULL;
  GstElement *decodebin;
  GstBin *pipeline = GST_BIN (GST_ELEMENT_PARENT (webrtcbin));

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || pipeline == NULL)
    return;

  decodebin = gst_element_factory_make ("decodebin", NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (sl_whep_source_on_decoded_pad), self);
  g_signal_connect (decodebin, "deep-element-added", G_CALLBACK (sl_whep_source_on_element_added), NULL);
  gst_bin_add (pipeline, decodebin);
  gst_element_sync_state_with_parent (decodebin);

  sinkpad = gst_element_get_static_pad (decodebin, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_warning ("whep-source “%s”: cannot decode a stream of webrtcbin",
               sl_processor_get_id (SL_PROCESSOR (self)));
}

/* ---- webrtcbin ---------------------------------------------------------------------- */

static GstElement *
sl_whep_source_make_webrtcbin (SlWhepSource  *self,
                               SlWhipClient  *client,
                               GError       **error)
{
  GstElement *webrtcbin = sl_webrtc_client_processor_make_webrtcbin (SL_WEBRTC_CLIENT_PROCESSOR (self),
                                                                     client, error);

  if (webrtcbin != NULL)
    g_signal_connect (webrtcbin, "pad-added", G_CALLBACK (sl_whep_source_on_webrtc_pad), self);
  return webrtcbin;
}

static gboolean
sl_whep_source_add_transceiver (GstElement  *webrtcbin,
                                const char  *caps_text,
                                const char  *what,
                                GError     **error)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string (caps_text);
  g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;

  g_signal_emit_by_name (webrtcbin, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps,
                         &transceiver);
  if (transceiver == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("webrtcbin refused a receive-only %s transceiver"), what);
      return FALSE;
    }
  return TRUE;
}

/* A 406 counter-offer: a fresh webrtcbin, without transceivers (the
 * server's offer makes them), replaces the one that made our offer. Runs
 * on the client's thread. */
static GstElement *
sl_whep_source_renew (SlWhipClient  *client,
                      gpointer       user_data,
                      GError       **error)
{
  SlWhepSource *self = user_data;
  g_autoptr(GstElement) pipeline = NULL;
  GstElement *webrtcbin;
  GstElement *old;

  pipeline = sl_webrtc_client_processor_dup_pipeline (SL_WEBRTC_CLIENT_PROCESSOR (self));
  if (pipeline == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_STATE, _("The WHEP pipeline is stopping"));
      return NULL;
    }

  webrtcbin = sl_whep_source_make_webrtcbin (self, client, error);
  if (webrtcbin == NULL)
    return NULL;

  gst_bin_add (GST_BIN (pipeline), webrtcbin);
  if (!gst_element_sync_state_with_parent (webrtcbin))
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED, _("A new webrtcbin cannot start"));
      gst_bin_remove (GST_BIN (pipeline), webrtcbin);
      gst_object_unref (webrtcbin);
      return NULL;
    }

  old = sl_webrtc_client_processor_swap_webrtcbin (SL_WEBRTC_CLIENT_PROCESSOR (self), webrtcbin);

  /* Nothing flowed from the old one: no answer ever reached it. */
  if (old != NULL)
    {
      gst_element_set_state (old, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (pipeline), old);
      gst_object_unref (old);
    }

  return webrtcbin;
}

/* ---- lifecycle ------------------------------------------------------------------- */

/* The session is closed: the streaming threads are released before the
 * pipeline stops. */
static void
sl_whep_source_stop (SlWebrtcClientProcessor *processor)
{
  SlWhepSource *self = SL_WHEP_SOURCE (processor);

  g_mutex_lock (&self->queue_mutex);
  self->flushing = TRUE;
  g_mutex_unlock (&self->queue_mutex);
}

static gboolean
sl_whep_source_prepare (SlWebrtcClientProcessor  *processor,
                        GError                  **error)
{
  SlWhepSource *self = SL_WHEP_SOURCE (processor);

  g_mutex_lock (&self->queue_mutex);
  self->flushing = FALSE;
  self->have_video = self->have_audio = FALSE;
  g_mutex_unlock (&self->queue_mutex);
  return TRUE;
}

static gboolean
sl_whep_source_build (SlWebrtcClientProcessor  *processor,
                      SlWhipClient             *client,
                      GstElement               *pipeline,
                      GstElement               *webrtcbin,
                      GError                  **error)
{
  SlWhepSource *self = SL_WHEP_SOURCE (processor);

  g_signal_connect (webrtcbin, "pad-added", G_CALLBACK (sl_whep_source_on_webrtc_pad), self);
  sl_whip_client_set_renew_func (client, sl_whep_source_renew, self);

  return sl_whep_source_add_transceiver (webrtcbin, SL_RTP_VIDEO, "video", error) &&
         sl_whep_source_add_transceiver (webrtcbin, SL_RTP_AUDIO, "audio", error);
}

static gboolean
sl_whep_source_process (SlProcessor  *processor,
                        GError      **error)
{
  if (!SL_PROCESSOR_CLASS (sl_whep_source_parent_class)->process (processor, error))
    return FALSE;

  sl_whep_source_push_queued (SL_WHEP_SOURCE (processor));
  return TRUE;
}

static gboolean
sl_whep_source_teardown (SlProcessor  *processor,
                         GError      **error)
{
  SL_PROCESSOR_CLASS (sl_whep_source_parent_class)->teardown (processor, error);

  /* Frames already decoded are sent: a drain loses nothing. */
  if (!sl_webrtc_client_processor_has_failed (SL_WEBRTC_CLIENT_PROCESSOR (processor)))
    sl_whep_source_push_queued (SL_WHEP_SOURCE (processor));
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
sl_whep_source_dispose (GObject *object)
{
  SlWhepSource *self = SL_WHEP_SOURCE (object);

  /* The session stops first (the base's dispose), then the queue goes. */
  G_OBJECT_CLASS (sl_whep_source_parent_class)->dispose (object);

  g_mutex_lock (&self->queue_mutex);
  g_queue_clear_full (&self->queue, (GDestroyNotify) sl_whep_frame_free);
  g_mutex_unlock (&self->queue_mutex);
}

static void
sl_whep_source_finalize (GObject *object)
{
  SlWhepSource *self = SL_WHEP_SOURCE (object);

  g_mutex_clear (&self->queue_mutex);

  G_OBJECT_CLASS (sl_whep_source_parent_class)->finalize (object);
}

static void
sl_whep_source_class_init (SlWhepSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  SlWebrtcClientProcessorClass *client_class = SL_WEBRTC_CLIENT_PROCESSOR_CLASS (klass);
  g_autoptr(GstCaps) video = gst_caps_from_string ("video/x-raw");
  g_autoptr(GstCaps) audio = gst_caps_from_string ("audio/x-raw");

  object_class->dispose = sl_whep_source_dispose;
  object_class->finalize = sl_whep_source_finalize;
  processor_class->process = sl_whep_source_process;
  processor_class->teardown = sl_whep_source_teardown;
  client_class->factory = "whep-source";
  client_class->protocol = "WHEP";
  client_class->missing_url = "No WHEP endpoint to play: set the “url” property";
  client_class->prepare = sl_whep_source_prepare;
  client_class->build = sl_whep_source_build;
  client_class->stop = sl_whep_source_stop;

  /* url, token, ice-servers, trickle, the read-only state and restart-ice. */
  sl_webrtc_client_processor_class_install (client_class,
                                            "The WHEP endpoint (http:// or https://)",
                                            "Whether media flows from the server (no notify: poll it)",
                                            "Decoded frames sent (video and audio)");

  sl_processor_class_add_output_port (processor_class, "video", video);
  sl_processor_class_add_output_port (processor_class, "audio", audio);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_MANUAL);
  sl_processor_class_set_description (processor_class,
                                      "Plays a WHEP server's WebRTC stream as decoded video and audio");
}

static void
sl_whep_source_init (SlWhepSource *self)
{
  g_mutex_init (&self->queue_mutex);
  g_queue_init (&self->queue);
}
