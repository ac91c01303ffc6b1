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

#include <stdatomic.h>
#include <gst/app/gstappsink.h>

#include "sl-webrtc-processors-private.h"
#include "sl-whip-client-private.h"

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
  SlProcessor          parent_instance;

  GMutex               mutex;        /* guards the settings, `client`, `webrtcbin`, `pipeline` */
  char                *url;
  char                *token;
  char               **ice_servers;
  gboolean             trickle;
  SlWhipClient        *client;
  GstElement          *webrtcbin;
  char               **run_ice_servers;  /* this run's, for a counter-offer's webrtcbin */

  GstElement          *pipeline;     /* set in setup, cleared in stop; read by the client's thread */

  GMutex               queue_mutex;  /* guards what follows */
  GQueue               queue;        /* SlWhepFrame* */
  gboolean             flushing;
  gboolean             have_video;
  gboolean             have_audio;
  guint64              dropped;

  gboolean             failed;
  atomic_int_fast64_t  frames;
};

typedef struct
{
  SlProcessorClass parent_class;
} SlWhepSourceClass;

G_DEFINE_FINAL_TYPE (SlWhepSource, sl_whep_source, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_URL,
  PROP_TOKEN,
  PROP_ICE_SERVERS,
  PROP_TRICKLE,
  PROP_CONNECTED,
  PROP_RESOURCE_URL,
  PROP_FRAMES,
  PROP_ICE_RESTARTS,
  PROP_SERVER_ICE_SERVERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_RESTART_ICE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sl_whep_frame_free (SlWhepFrame *frame)
{
  if (frame->sample != NULL)
    gst_sample_unref (frame->sample);
  g_free (frame);
}

static SlWhipClient *
sl_whep_source_dup_client (SlWhepSource *self)
{
  SlWhipClient *client;

  g_mutex_lock (&self->mutex);
  client = self->client != NULL ? g_object_ref (self->client) : NULL;
  g_mutex_unlock (&self->mutex);
  return client;
}

static void
sl_whep_source_wake (gpointer client,
                     gpointer user_data)
{
  sl_processor_schedule (SL_PROCESSOR (user_data));
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
      atomic_fetch_add (&self->frames, 1);
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
  GstAppSinkCallbacks callbacks = { .new_sample = sl_whep_source_new_sample };
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
  g_object_set (appsink,
                "sync", FALSE,
                "enable-last-sample", FALSE,
                "max-buffers", 1,
                "caps", raw,
                NULL);
  g_object_set_data (G_OBJECT (appsink), "sl-port",
                     sl_processor_get_output_port (SL_PROCESSOR (self), port_name));
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, self, NULL);

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
  GstElement *webrtcbin = sl_whip_client_make_webrtcbin (client, (const char * const *) self->run_ice_servers,
                                                         error);

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
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, "webrtcbin refused a receive-only %s transceiver", what);
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

  g_mutex_lock (&self->mutex);
  pipeline = self->pipeline != NULL ? gst_object_ref (self->pipeline) : NULL;
  g_mutex_unlock (&self->mutex);
  if (pipeline == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_STATE, "The WHEP pipeline is stopping");
      return NULL;
    }

  webrtcbin = sl_whep_source_make_webrtcbin (self, client, error);
  if (webrtcbin == NULL)
    return NULL;

  gst_bin_add (GST_BIN (pipeline), webrtcbin);
  if (!gst_element_sync_state_with_parent (webrtcbin))
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED, "A new webrtcbin cannot start");
      gst_bin_remove (GST_BIN (pipeline), webrtcbin);
      gst_object_unref (webrtcbin);
      return NULL;
    }

  g_mutex_lock (&self->mutex);
  old = self->webrtcbin;
  self->webrtcbin = gst_object_ref (webrtcbin);
  g_mutex_unlock (&self->mutex);

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

static void
sl_whep_source_stop (SlWhepSource  *self,
                     GError       **error)
{
  /* The closed client stays until the next start: its resource URL and
   * state can still be read. */
  g_autoptr(SlWhipClient) client = sl_whep_source_dup_client (self);

  /* The session ends first (its thread may be renewing webrtcbin), then
   * the streaming threads are released and joined. */
  if (client != NULL)
    sl_whip_client_close (client, SL_WHIP_CLIENT_CLOSE_TIMEOUT, error);

  g_mutex_lock (&self->queue_mutex);
  self->flushing = TRUE;
  g_mutex_unlock (&self->queue_mutex);

  if (self->pipeline != NULL)
    {
      if (client != NULL)
        sl_whip_client_unwatch_pipeline (client, self->pipeline);
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
    }

  g_mutex_lock (&self->mutex);
  gst_clear_object (&self->webrtcbin);
  g_clear_pointer (&self->run_ice_servers, g_strfreev);
  gst_clear_object (&self->pipeline);
  g_mutex_unlock (&self->mutex);
}

static gboolean
sl_whep_source_setup (SlProcessor  *processor,
                      GError      **error)
{
  SlWhepSource *self = SL_WHEP_SOURCE (processor);
  g_autoptr(SlWhipClient) client = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  GstElement *webrtcbin;
  gboolean trickle;

  g_mutex_lock (&self->mutex);
  url = g_strdup (self->url);
  token = g_strdup (self->token);
  g_strfreev (self->run_ice_servers);
  self->run_ice_servers = g_strdupv (self->ice_servers);
  trickle = self->trickle;
  g_mutex_unlock (&self->mutex);

  self->failed = FALSE;
  g_mutex_lock (&self->queue_mutex);
  self->flushing = FALSE;
  self->have_video = self->have_audio = FALSE;
  g_mutex_unlock (&self->queue_mutex);

  if (url == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                           "No WHEP endpoint to play: set the “url” property");
      return FALSE;
    }
  if (!sl_webrtc_check_http_url (url, error) ||
      !sl_webrtc_check_ice_servers ((const char * const *) self->run_ice_servers, error))
    return FALSE;

  client = sl_whip_client_new ("WHEP", url, token, sl_processor_get_id (processor));
  sl_whip_client_set_trickle (client, trickle);
  sl_whip_client_set_notify (client, sl_whep_source_wake, self);
  sl_whip_client_set_renew_func (client, sl_whep_source_renew, self);

  g_mutex_lock (&self->mutex);
  self->pipeline = gst_object_ref_sink (gst_pipeline_new (sl_processor_get_id (processor)));
  g_clear_object (&self->client);
  self->client = g_object_ref (client);
  g_mutex_unlock (&self->mutex);

  webrtcbin = sl_whep_source_make_webrtcbin (self, client, error);
  if (webrtcbin == NULL)
    goto failed;
  g_mutex_lock (&self->mutex);
  self->webrtcbin = webrtcbin;
  g_mutex_unlock (&self->mutex);
  gst_bin_add (GST_BIN (self->pipeline), webrtcbin);

  if (!sl_whep_source_add_transceiver (webrtcbin, SL_RTP_VIDEO, "video", error) ||
      !sl_whep_source_add_transceiver (webrtcbin, SL_RTP_AUDIO, "audio", error))
    goto failed;

  sl_whip_client_watch_pipeline (client, self->pipeline);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!sl_whip_client_take_error (client, error))
        g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED, "The WHEP pipeline cannot start");
      goto failed;
    }

  sl_whip_client_start (client, webrtcbin);
  return TRUE;

failed:
  sl_whep_source_stop (self, NULL);
  return FALSE;
}

static gboolean
sl_whep_source_process (SlProcessor  *processor,
                        GError      **error)
{
  SlWhepSource *self = SL_WHEP_SOURCE (processor);
  g_autoptr(SlWhipClient) client = sl_whep_source_dup_client (self);

  if (client != NULL && sl_whip_client_take_error (client, error))
    {
      sl_whip_client_close_async (client);
      self->failed = TRUE;
      return FALSE;
    }

  sl_whep_source_push_queued (self);
  return TRUE;
}

static gboolean
sl_whep_source_teardown (SlProcessor  *processor,
                         GError      **error)
{
  SlWhepSource *self = SL_WHEP_SOURCE (processor);
  g_autoptr(GError) close_error = NULL;

  sl_whep_source_stop (self, &close_error);
  if (close_error != NULL && !self->failed)
    g_warning ("whep-source “%s”: %s", sl_processor_get_id (processor), close_error->message);

  /* Frames already decoded are sent: a drain loses nothing. */
  if (!self->failed)
    sl_whep_source_push_queued (self);
  return TRUE;
}

static void
sl_whep_source_restart_ice (SlWhepSource *self)
{
  g_autoptr(SlWhipClient) client = sl_whep_source_dup_client (self);

  if (client != NULL)
    sl_whip_client_restart_ice (client);
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
sl_whep_source_dispose (GObject *object)
{
  SlWhepSource *self = SL_WHEP_SOURCE (object);

  sl_whep_source_stop (self, NULL);
  g_mutex_lock (&self->mutex);
  g_clear_object (&self->client);
  g_mutex_unlock (&self->mutex);
  g_mutex_lock (&self->queue_mutex);
  g_queue_clear_full (&self->queue, (GDestroyNotify) sl_whep_frame_free);
  g_mutex_unlock (&self->queue_mutex);

  G_OBJECT_CLASS (sl_whep_source_parent_class)->dispose (object);
}

static void
sl_whep_source_finalize (GObject *object)
{
  SlWhepSource *self = SL_WHEP_SOURCE (object);

  g_free (self->url);
  g_free (self->token);
  g_strfreev (self->ice_servers);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->queue_mutex);

  G_OBJECT_CLASS (sl_whep_source_parent_class)->finalize (object);
}

static void
sl_whep_source_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SlWhepSource *self = SL_WHEP_SOURCE (object);
  g_autoptr(SlWhipClient) client = sl_whep_source_dup_client (self);

  switch (prop_id)
    {
    case PROP_URL:
      g_mutex_lock (&self->mutex);
      g_value_set_string (value, self->url);
      g_mutex_unlock (&self->mutex);
      break;
    case PROP_TOKEN:
      g_mutex_lock (&self->mutex);
      g_value_set_string (value, self->token);
      g_mutex_unlock (&self->mutex);
      break;
    case PROP_ICE_SERVERS:
      g_mutex_lock (&self->mutex);
      g_value_set_boxed (value, self->ice_servers);
      g_mutex_unlock (&self->mutex);
      break;
    case PROP_TRICKLE:
      g_mutex_lock (&self->mutex);
      g_value_set_boolean (value, self->trickle);
      g_mutex_unlock (&self->mutex);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, client != NULL &&
                           sl_whip_client_get_state (client) == SL_WHIP_CLIENT_STATE_CONNECTED);
      break;
    case PROP_RESOURCE_URL:
      g_value_take_string (value, client != NULL ? sl_whip_client_dup_resource_url (client) : NULL);
      break;
    case PROP_FRAMES:
      g_value_set_int64 (value, atomic_load (&self->frames));
      break;
    case PROP_ICE_RESTARTS:
      g_value_set_uint (value, client != NULL ? sl_whip_client_get_ice_restarts (client) : 0);
      break;
    case PROP_SERVER_ICE_SERVERS:
      g_value_take_boxed (value, client != NULL ? sl_whip_client_dup_link_ice_servers (client) : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_whep_source_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SlWhepSource *self = SL_WHEP_SOURCE (object);

  /* Each takes effect from the next start. */
  g_mutex_lock (&self->mutex);
  switch (prop_id)
    {
    case PROP_URL:
      g_free (self->url);
      self->url = g_value_dup_string (value);
      break;
    case PROP_TOKEN:
      g_free (self->token);
      self->token = g_value_dup_string (value);
      break;
    case PROP_ICE_SERVERS:
      g_strfreev (self->ice_servers);
      self->ice_servers = g_value_dup_boxed (value);
      break;
    case PROP_TRICKLE:
      self->trickle = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      g_mutex_unlock (&self->mutex);
      return;
    }
  g_mutex_unlock (&self->mutex);

  g_object_notify_by_pspec (object, pspec);
}

static void
sl_whep_source_class_init (SlWhepSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  g_autoptr(GstCaps) video = gst_caps_from_string ("video/x-raw");
  g_autoptr(GstCaps) audio = gst_caps_from_string ("audio/x-raw");
  const GParamFlags settable = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags readable = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sl_whep_source_dispose;
  object_class->finalize = sl_whep_source_finalize;
  object_class->get_property = sl_whep_source_get_property;
  object_class->set_property = sl_whep_source_set_property;
  processor_class->setup = sl_whep_source_setup;
  processor_class->process = sl_whep_source_process;
  processor_class->teardown = sl_whep_source_teardown;

  properties[PROP_URL] =
    sl_param_spec_checked_string ("url", NULL, "The WHEP endpoint (http:// or https://)",
                                  NULL, sl_webrtc_check_http_url, settable);
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, "A Bearer token sent in the Authorization header",
                         NULL, settable);
  properties[PROP_ICE_SERVERS] =
    sl_webrtc_param_spec_ice_servers ("ice-servers",
                                      "STUN/TURN servers: stun:HOST[:PORT], turn:USER:PASSWORD@HOST[:PORT]"
                                      "[?transport=udp|tcp], turns:…; none by default", settable);
  properties[PROP_TRICKLE] =
    g_param_spec_boolean ("trickle", NULL,
                          "Send the offer at once and trickle candidates by PATCH, instead of "
                          "waiting for ICE gathering", FALSE, settable);
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, "Whether media flows from the server (no notify: poll it)",
                          FALSE, readable);
  properties[PROP_RESOURCE_URL] =
    g_param_spec_string ("resource-url", NULL, "The session's resource on the server, once created",
                         NULL, readable);
  properties[PROP_FRAMES] =
    g_param_spec_int64 ("frames", NULL, "Decoded frames sent (video and audio)",
                        0, G_MAXINT64, 0, readable);
  properties[PROP_ICE_RESTARTS] =
    g_param_spec_uint ("ice-restarts", NULL, "ICE restarts the server accepted",
                       0, G_MAXUINT, 0, readable);
  properties[PROP_SERVER_ICE_SERVERS] =
    g_param_spec_boxed ("server-ice-servers", NULL,
                        "The ICE servers the server announced (Link rel=ice-server), as webrtcbin URLs; "
                        "used from the next ICE restart", G_TYPE_STRV, readable);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SlWhepSource::restart-ice:
   *
   * Restarts ICE with new credentials, on the session's own thread. Any
   * thread may emit it; without a session it does nothing.
   */
  signals[SIGNAL_RESTART_ICE] =
    g_signal_new_class_handler ("restart-ice", G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                                G_CALLBACK (sl_whep_source_restart_ice),
                                NULL, NULL, NULL, G_TYPE_NONE, 0);

  sl_processor_class_add_output_port (processor_class, "video", video);
  sl_processor_class_add_output_port (processor_class, "audio", audio);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_MANUAL);
  sl_processor_class_set_description (processor_class,
                                      "Plays a WHEP server's WebRTC stream as decoded video and audio");
}

static void
sl_whep_source_init (SlWhepSource *self)
{
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->queue_mutex);
  g_queue_init (&self->queue);
  atomic_init (&self->frames, 0);
}
