/* test-webrtc-endpoint.c: the WHIP/WHEP endpoint's HTTP handling
 *
 * A runtime serves a whep-serve node (test video and audio) and a
 * whip-ingest node; the endpoint listens on 127.0.0.1, port 0. Peers are
 * raw webrtcbins made here (viewers that decode what they receive, a
 * publisher sending test media), requests go through a SoupSession on the
 * test's thread. Every bad request class is answered with its 4xx and a
 * reason, and a good request is served right after each. Loopback only;
 * every wait is bounded.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define GST_USE_UNSTABLE_API
#include <string.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <libsoup/soup.h>
#include "webrtc-test-util.h"

#define TOKEN "s3cret-token"

/* ---- a raw webrtcbin peer -------------------------------------------------------- */

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean done;
} PromiseWait;

static void
promise_changed (GstPromise *promise,
                 gpointer    user_data)
{
  PromiseWait *wait = user_data;

  g_mutex_lock (&wait->mutex);
  wait->done = TRUE;
  g_cond_broadcast (&wait->cond);
  g_mutex_unlock (&wait->mutex);
}

/* Emits @signal_name with @argument and a promise; returns the reply
 * (owned by the promise, which is returned in @out_promise). */
static const GstStructure *
call_webrtcbin (GstElement  *webrtcbin,
                const char  *signal_name,
                gpointer     argument,
                GstPromise **out_promise)
{
  /* Leaked if the wait fails: the test aborts then. */
  PromiseWait *wait = g_new0 (PromiseWait, 1);
  gint64 deadline = webrtc_test_deadline ();
  GstPromise *promise = gst_promise_new_with_change_func (promise_changed, wait, NULL);

  g_signal_emit_by_name (webrtcbin, signal_name, argument, promise);
  g_mutex_lock (&wait->mutex);
  while (!wait->done)
    if (!g_cond_wait_until (&wait->cond, &wait->mutex, deadline))
      g_error ("webrtcbin did not answer %s in time", signal_name);
  g_mutex_unlock (&wait->mutex);
  g_free (wait);

  g_assert_cmpint (gst_promise_wait (promise), ==, GST_PROMISE_RESULT_REPLIED);
  *out_promise = promise;
  return gst_promise_get_reply (promise);
}

typedef struct
{
  GstElement *pipeline;
  GstElement *webrtcbin;
  gint        video_buffers;   /* decoded, atomic */
  gint        audio_buffers;
  GMutex      mutex;
  GstCaps    *video_caps;      /* the decoded caps */
  GstCaps    *audio_caps;
  char       *location;        /* the session's resource, once answered */
  char       *etag;
} Peer;

static void
configure_ice (GstElement *webrtcbin)
{
  g_autoptr(GstObject) ice = NULL;
  g_autoptr(GObject) agent = NULL;
  gboolean added = FALSE;

  /* As the endpoint's own sessions: loopback only, no UPnP. */
  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  g_object_get (ice, "agent", &agent, NULL);
  g_object_set (agent, "upnp", FALSE, NULL);
  g_object_set (ice, "ice-tcp", FALSE, NULL);
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &added);
  g_assert_true (added);
}

static GstPadProbeReturn
count_decoded (GstPad          *pad,
               GstPadProbeInfo *info,
               gpointer         user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

static void
peer_decoded_pad (GstElement *decodebin,
                  GstPad     *pad,
                  gpointer    user_data)
{
  Peer *peer = user_data;
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  gboolean video = g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps, 0)), "video/");
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sink_pad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (peer->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  g_assert_cmpint (gst_pad_link (pad, sink_pad), ==, GST_PAD_LINK_OK);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_decoded,
                     video ? &peer->video_buffers : &peer->audio_buffers, NULL);

  g_mutex_lock (&peer->mutex);
  gst_caps_replace (video ? &peer->video_caps : &peer->audio_caps, gst_pad_get_current_caps (pad));
  g_mutex_unlock (&peer->mutex);
}

static void
peer_incoming_pad (GstElement *webrtcbin,
                   GstPad     *pad,
                   gpointer    user_data)
{
  Peer *peer = user_data;
  GstElement *decodebin;
  g_autoptr(GstPad) sink = NULL;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  decodebin = gst_element_factory_make ("decodebin", NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (peer_decoded_pad), peer);
  gst_bin_add (GST_BIN (peer->pipeline), decodebin);
  gst_element_sync_state_with_parent (decodebin);
  sink = gst_element_get_static_pad (decodebin, "sink");
  g_assert_cmpint (gst_pad_link (pad, sink), ==, GST_PAD_LINK_OK);
}

static Peer *
peer_new (void)
{
  Peer *peer = g_new0 (Peer, 1);

  g_mutex_init (&peer->mutex);
  peer->pipeline = gst_object_ref_sink (gst_pipeline_new (NULL));
  peer->webrtcbin = gst_element_factory_make ("webrtcbin", NULL);
  g_object_set (peer->webrtcbin, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  gst_bin_add (GST_BIN (peer->pipeline), peer->webrtcbin);
  configure_ice (peer->webrtcbin);
  g_signal_connect (peer->webrtcbin, "pad-added", G_CALLBACK (peer_incoming_pad), peer);
  return peer;
}

static void
peer_add_recvonly (Peer       *peer,
                   const char *caps_text)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string (caps_text);
  g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;

  g_signal_emit_by_name (peer->webrtcbin, "add-transceiver",
                         GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &transceiver);
  g_assert_nonnull (transceiver);
}

/* A WHEP viewer: receives VP8 video and Opus audio, in this order or the
 * other, with payload types of its own choosing. */
static Peer *
viewer_new (gboolean audio_first,
            guint    video_pt,
            guint    audio_pt)
{
  Peer *peer = peer_new ();
  g_autofree char *video = g_strdup_printf ("application/x-rtp, media=video, encoding-name=VP8, "
                                            "clock-rate=90000, payload=%u", video_pt);
  g_autofree char *audio = g_strdup_printf ("application/x-rtp, media=audio, encoding-name=OPUS, "
                                            "clock-rate=48000, encoding-params=(string)2, payload=%u",
                                            audio_pt);

  if (audio_first)
    peer_add_recvonly (peer, audio);
  peer_add_recvonly (peer, video);
  if (!audio_first)
    peer_add_recvonly (peer, audio);

  g_assert_cmpint (gst_element_set_state (peer->pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  return peer;
}

static gboolean
peer_sink_pads_negotiated (gpointer user_data)
{
  Peer *peer = user_data;
  g_autoptr(GstIterator) pads = gst_element_iterate_sink_pads (peer->webrtcbin);
  GValue item = G_VALUE_INIT;
  gboolean negotiated = TRUE;
  guint n = 0;

  while (gst_iterator_next (pads, &item) == GST_ITERATOR_OK)
    {
      g_autoptr(GstCaps) caps = gst_pad_get_current_caps (g_value_get_object (&item));

      negotiated = negotiated && caps != NULL;
      n++;
      g_value_reset (&item);
    }
  g_value_unset (&item);

  return negotiated && n > 0;
}

/* A WHIP publisher: test video (VP8) and audio (Opus), sending only. */
static Peer *
publisher_new (void)
{
  Peer *peer = peer_new ();
  const char *branches[][2] = {
    { "videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=15/1 ! vp8enc deadline=1 ! rtpvp8pay pt=96",
      "application/x-rtp, media=video, encoding-name=VP8, clock-rate=90000, payload=96" },
    { "audiotestsrc is-live=true ! opusenc ! rtpopuspay pt=111",
      "application/x-rtp, media=audio, encoding-name=OPUS, clock-rate=48000, encoding-params=(string)2, payload=111" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (branches); i++)
    {
      g_autoptr(GError) error = NULL;
      GstElement *bin = gst_parse_bin_from_description (branches[i][0], TRUE, &error);
      g_autoptr(GstCaps) caps = gst_caps_from_string (branches[i][1]);
      GstPadTemplate *template = gst_element_get_pad_template (peer->webrtcbin, "sink_%u");
      g_autoptr(GstPad) sink = gst_element_request_pad (peer->webrtcbin, template, NULL, caps);
      g_autoptr(GstPad) src = NULL;
      g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;

      g_assert_no_error (error);
      gst_bin_add (GST_BIN (peer->pipeline), bin);
      src = gst_element_get_static_pad (bin, "src");
      g_assert_cmpint (gst_pad_link (src, sink), ==, GST_PAD_LINK_OK);
      g_object_get (sink, "transceiver", &transceiver, NULL);
      g_object_set (transceiver, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, NULL);
    }

  g_assert_cmpint (gst_element_set_state (peer->pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  /* webrtcbin describes a sending section from the caps that reached it:
   * an offer made earlier lacks the section. */
  webrtc_test_wait_for (peer_sink_pads_negotiated, peer, "the test publisher's caps");
  return peer;
}

static gboolean
peer_gathered (gpointer user_data)
{
  Peer *peer = user_data;
  GstWebRTCICEGatheringState state;

  g_object_get (peer->webrtcbin, "ice-gathering-state", &state, NULL);
  return state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE;
}

/* The offer, with the peer's candidates. */
static char *
peer_create_offer (Peer *peer)
{
  g_autoptr(GstPromise) promise = NULL;
  g_autoptr(GstPromise) set_promise = NULL;
  GstWebRTCSessionDescription *offer = NULL;
  GstWebRTCSessionDescription *local = NULL;
  const GstStructure *reply;
  char *text;

  reply = call_webrtcbin (peer->webrtcbin, "create-offer", NULL, &promise);
  gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, NULL);
  g_assert_nonnull (offer);
  call_webrtcbin (peer->webrtcbin, "set-local-description", offer, &set_promise);
  gst_webrtc_session_description_free (offer);

  webrtc_test_wait_for (peer_gathered, peer, "the test peer's ICE gathering");
  g_object_get (peer->webrtcbin, "local-description", &local, NULL);
  text = gst_sdp_message_as_text (local->sdp);
  gst_webrtc_session_description_free (local);
  return text;
}

static void
peer_set_answer (Peer       *peer,
                 const char *answer)
{
  g_autoptr(GstPromise) promise = NULL;
  GstSDPMessage *sdp = NULL;
  GstWebRTCSessionDescription *description;
  const GstStructure *reply;

  g_assert_cmpint (gst_sdp_message_new_from_text (answer, &sdp), ==, GST_SDP_OK);
  description = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
  reply = call_webrtcbin (peer->webrtcbin, "set-remote-description", description, &promise);
  g_assert_true (reply == NULL || !gst_structure_has_field (reply, "error"));
  gst_webrtc_session_description_free (description);
}

static void
peer_free (Peer *peer)
{
  gst_element_set_state (peer->pipeline, GST_STATE_NULL);
  gst_object_unref (peer->pipeline);
  gst_clear_caps (&peer->video_caps);
  gst_clear_caps (&peer->audio_caps);
  g_free (peer->location);
  g_free (peer->etag);
  g_mutex_clear (&peer->mutex);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

/* ---- HTTP ---------------------------------------------------------------------------- */

typedef struct
{
  guint               status;
  char               *body;
  SoupMessageHeaders *headers;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  soup_message_headers_unref (reply->headers);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

typedef struct
{
  SlRuntime        *runtime;
  SlWebrtcEndpoint *endpoint;
  SoupSession      *http;
  char             *url;          /* "http://127.0.0.1:PORT/" */
  GPtrArray        *opened;       /* "kind node id" from session-opened */
  GPtrArray        *closed;
  GPtrArray        *errors;       /* the runtime's error signal */
} Fixture;

/* Sends a request; @headers is a NULL-terminated list of name, value. A
 * @body_length of -1 sends the body chunked. */
static Reply *
request_full (Fixture     *fixture,
              const char  *method,
              const char  *path,
              const char  *content_type,
              const char  *body,
              gssize       body_length,
              const char **headers)
{
  g_autofree char *uri = g_strconcat (fixture->url, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  Reply *reply;

  g_assert_nonnull (msg);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);

  if (body != NULL && body_length >= 0)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_length);

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  else if (body != NULL)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_strdup (body), -1, g_free);

      soup_message_set_request_body (msg, content_type, stream, -1);
    }
  else if (content_type != NULL)
    soup_message_headers_set_content_type (soup_message_get_request_headers (msg), content_type, NULL);

  answer = soup_session_send_and_read (fixture->http, msg, NULL, &error);
  g_assert_no_error (error);

  reply = g_new0 (Reply, 1);
  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  g_test_message ("%s %s → %u %s", method, path, reply->status, reply->status >= 400 ? reply->body : "");
  return reply;
}

static Reply *
request (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *content_type,
         const char *body,
         gboolean    with_token)
{
  const char *auth[] = { "Authorization", "Bearer " TOKEN, NULL };

  return request_full (fixture, method, path, content_type, body,
                       body != NULL ? (gssize) strlen (body) : 0, with_token ? auth : NULL);
}

static void
assert_refused (Reply      *reply,
                guint       status,
                const char *reason)
{
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_nonnull (strstr (reply->body, reason));
  /* Browsers read refusals too. */
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Access-Control-Allow-Origin"), ==, "*");
}

/* ---- the fixture ------------------------------------------------------------------------ */

static void
on_opened (SlWebrtcEndpoint *endpoint,
           const char       *kind,
           const char       *node,
           const char       *session,
           Fixture          *fixture)
{
  g_ptr_array_add (fixture->opened, g_strdup_printf ("%s %s %s", kind, node, session));
}

static void
on_closed (SlWebrtcEndpoint *endpoint,
           const char       *kind,
           const char       *node,
           const char       *session,
           Fixture          *fixture)
{
  g_ptr_array_add (fixture->closed, g_strdup_printf ("%s %s %s", kind, node, session));
}

/* cam + tone → tv (whep-serve); in (whip-ingest) → counter sinks; the
 * endpoint on 127.0.0.1, any port, with a token. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->opened = g_ptr_array_new_with_free_func (g_free);
  fixture->closed = g_ptr_array_new_with_free_func (g_free);
  fixture->errors = g_ptr_array_new_with_free_func (g_free);

  fixture->runtime = sl_runtime_new ();
  webrtc_test_collect_errors (fixture->runtime, fixture->errors);
  webrtc_test_add (fixture->runtime, "video-test-source", "cam", NULL);
  webrtc_test_add (fixture->runtime, "audio-test-source", "tone", NULL);
  webrtc_test_add (fixture->runtime, "whep-serve", "tv", NULL);
  webrtc_test_add (fixture->runtime, "whip-ingest", "in", NULL);
  webrtc_test_add (fixture->runtime, "app-sink", "in-video", "emit-signals", "false", "max-queued", "0", NULL);
  webrtc_test_add (fixture->runtime, "counter-sink", "in-audio", NULL);
  webrtc_test_link (fixture->runtime, "cam", "tv.video");
  webrtc_test_link (fixture->runtime, "tone", "tv.audio");
  webrtc_test_link (fixture->runtime, "in.video", "in-video");
  webrtc_test_link (fixture->runtime, "in.audio", "in-audio");
  sl_runtime_start (fixture->runtime, &error);
  g_assert_no_error (error);
  webrtc_test_wait_running (fixture->runtime, "tv");
  webrtc_test_wait_running (fixture->runtime, "in");

  fixture->endpoint = sl_webrtc_endpoint_new (fixture->runtime);
  g_object_set (fixture->endpoint, "token", TOKEN, NULL);
  g_signal_connect (fixture->endpoint, "session-opened", G_CALLBACK (on_opened), fixture);
  g_signal_connect (fixture->endpoint, "session-closed", G_CALLBACK (on_closed), fixture);
  g_assert_true (sl_webrtc_endpoint_listen (fixture->endpoint, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  fixture->url = sl_webrtc_endpoint_get_url (fixture->endpoint);

  fixture->http = soup_session_new_with_options ("timeout", 20, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sl_webrtc_endpoint_close (fixture->endpoint);
  g_assert_cmpuint (sl_webrtc_endpoint_get_n_sessions (fixture->endpoint), ==, 0);
  g_clear_object (&fixture->endpoint);
  g_clear_object (&fixture->http);

  if (sl_runtime_get_state (fixture->runtime) != SL_RUNTIME_STATE_IDLE)
    {
      sl_runtime_stop (fixture->runtime, SL_STOP_IMMEDIATE, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (fixture->errors->len, ==, 0);
  g_clear_object (&fixture->runtime);

  g_free (fixture->url);
  g_ptr_array_unref (fixture->opened);
  g_ptr_array_unref (fixture->closed);
  g_ptr_array_unref (fixture->errors);
}

static guint
node_uint (Fixture    *fixture,
           const char *id,
           const char *property)
{
  g_autoptr(SlProcessor) processor = sl_runtime_get_processor (fixture->runtime, id);
  guint value = 0;

  g_assert_nonnull (processor);
  g_object_get (processor, property, &value, NULL);
  return value;
}

static gint64
node_int64 (Fixture    *fixture,
            const char *id,
            const char *property)
{
  g_autoptr(SlProcessor) processor = sl_runtime_get_processor (fixture->runtime, id);
  gint64 value = 0;

  g_assert_nonnull (processor);
  g_object_get (processor, property, &value, NULL);
  return value;
}

/* POSTs the peer's offer to @path, expects 201 and applies the answer. */
static void
open_session (Fixture    *fixture,
              Peer       *peer,
              const char *path)
{
  g_autofree char *offer = peer_create_offer (peer);
  g_autoptr(Reply) reply = request (fixture, "POST", path, "application/sdp", offer, TRUE);
  const char *location;

  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_CREATED);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "application/sdp");
  location = soup_message_headers_get_one (reply->headers, "Location");
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, path));
  g_assert_nonnull (soup_message_headers_get_one (reply->headers, "ETag"));
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Accept-Patch"), ==,
                   "application/trickle-ice-sdpfrag");
  /* The answer carries the endpoint's loopback candidate. */
  g_assert_nonnull (strstr (reply->body, "a=candidate:"));
  g_assert_nonnull (strstr (reply->body, "127.0.0.1"));
  /* What a viewer receives is described, SSRCs included: a browser cannot
   * tell bundled streams apart without them. */
  if (g_str_has_prefix (path, "/whep/"))
    g_assert_nonnull (strstr (reply->body, "a=ssrc:"));

  peer->location = g_strdup (location);
  peer->etag = g_strdup (soup_message_headers_get_one (reply->headers, "ETag"));
  peer_set_answer (peer, reply->body);
}

static void
close_session (Fixture *fixture,
               Peer    *peer)
{
  g_autoptr(Reply) reply = request (fixture, "DELETE", peer->location, NULL, NULL, TRUE);

  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
}

typedef struct
{
  Peer  *peer;
  gint   video;
  gint   audio;
} FrameGoal;

static gboolean
peer_decoded (gpointer user_data)
{
  FrameGoal *goal = user_data;

  return g_atomic_int_get (&goal->peer->video_buffers) >= goal->video &&
         g_atomic_int_get (&goal->peer->audio_buffers) >= goal->audio;
}

/* Waits until @peer decoded @more video frames and @more audio buffers
 * beyond what it had. */
static void
wait_decoded_more (Peer *peer,
                   gint  more)
{
  FrameGoal goal = {
    peer,
    g_atomic_int_get (&peer->video_buffers) + more,
    g_atomic_int_get (&peer->audio_buffers) + more,
  };

  webrtc_test_wait_for (peer_decoded, &goal, "a viewer to decode frames");
}

/* A good request is served: a viewer plays, then leaves. */
static void
assert_still_serving (Fixture *fixture)
{
  g_autoptr(Peer) viewer = viewer_new (FALSE, 96, 111);
  guint before = sl_webrtc_endpoint_get_n_sessions (fixture->endpoint);

  open_session (fixture, viewer, "/whep/tv");
  webrtc_test_wait_n_sessions (fixture->endpoint, before + 1);
  wait_decoded_more (viewer, 1);
  close_session (fixture, viewer);
  webrtc_test_wait_n_sessions (fixture->endpoint, before);
}

/* ---- tests ---------------------------------------------------------------------------- */

static void
test_listen_errors (void)
{
  g_autoptr(SlRuntime) runtime = sl_runtime_new ();
  g_autoptr(SlWebrtcEndpoint) first = sl_webrtc_endpoint_new (runtime);
  g_autoptr(SlWebrtcEndpoint) second = sl_webrtc_endpoint_new (runtime);
  g_autoptr(SlWebrtcEndpoint) third = sl_webrtc_endpoint_new (runtime);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *port_text = NULL;
  guint port;

  /* Not an IP literal. */
  g_assert_false (sl_webrtc_endpoint_listen (first, "localhost", 0, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "localhost"));
  g_clear_error (&error);
  g_assert_false (sl_webrtc_endpoint_listen (first, "127.0.0.1", 70000, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "70000"));
  g_clear_error (&error);
  g_assert_cmpuint (sl_webrtc_endpoint_get_port (first), ==, 0);
  g_assert_null (sl_webrtc_endpoint_get_url (first));

  /* Port 0: a free port, named in the URL. */
  g_assert_true (sl_webrtc_endpoint_listen (first, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  port = sl_webrtc_endpoint_get_port (first);
  g_assert_cmpuint (port, >, 0);
  url = sl_webrtc_endpoint_get_url (first);
  expected = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_assert_cmpstr (url, ==, expected);

  /* Listening once only. */
  g_assert_false (sl_webrtc_endpoint_listen (first, "127.0.0.1", 0, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_STATE);
  g_clear_error (&error);

  /* The port in use: an error naming it, and the first one unharmed. */
  g_assert_false (sl_webrtc_endpoint_listen (second, "127.0.0.1", port, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_FAILED);
  port_text = g_strdup_printf ("%u", port);
  g_assert_nonnull (strstr (error->message, port_text));
  g_clear_error (&error);
  g_assert_cmpuint (sl_webrtc_endpoint_get_port (second), ==, 0);
  g_assert_cmpuint (sl_webrtc_endpoint_get_port (first), ==, port);

  /* IPv6 loopback, URL in brackets. */
  if (sl_webrtc_endpoint_listen (third, "::1", 0, &error))
    {
      g_autofree char *url6 = sl_webrtc_endpoint_get_url (third);

      g_assert_true (g_str_has_prefix (url6, "http://[::1]:"));
    }
  else
    g_test_message ("no IPv6 loopback here: %s", error->message);
  g_clear_error (&error);

  sl_webrtc_endpoint_close (first);
  g_assert_cmpuint (sl_webrtc_endpoint_get_port (first), ==, 0);
  g_assert_false (sl_webrtc_endpoint_listen (first, "127.0.0.1", 0, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_STATE);
}

static void
test_options (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Reply) endpoint = NULL;
  g_autoptr(Reply) resource = NULL;
  g_autoptr(Reply) unknown = NULL;
  const char *preflight[] = {
    "Origin", "http://example.test",
    "Access-Control-Request-Method", "POST",
    "Access-Control-Request-Headers", "authorization, content-type",
    NULL
  };

  /* A CORS preflight carries no token: it is answered anyway. */
  endpoint = request_full (fixture, "OPTIONS", "/whip/in", NULL, NULL, 0, preflight);
  g_assert_cmpuint (endpoint->status, ==, SOUP_STATUS_NO_CONTENT);
  g_assert_cmpstr (soup_message_headers_get_one (endpoint->headers, "Accept-Post"), ==, "application/sdp");
  g_assert_cmpstr (soup_message_headers_get_one (endpoint->headers, "Access-Control-Allow-Origin"), ==, "*");
  g_assert_nonnull (strstr (soup_message_headers_get_one (endpoint->headers, "Access-Control-Allow-Methods"), "POST"));
  g_assert_nonnull (strstr (soup_message_headers_get_one (endpoint->headers, "Access-Control-Allow-Headers"), "Authorization"));
  g_assert_nonnull (strstr (soup_message_headers_get_one (endpoint->headers, "Access-Control-Expose-Headers"), "Location"));
  g_assert_nonnull (strstr (soup_message_headers_get_one (endpoint->headers, "Allow"), "POST"));

  resource = request_full (fixture, "OPTIONS", "/whep/tv/some-session", NULL, NULL, 0, preflight);
  g_assert_cmpuint (resource->status, ==, SOUP_STATUS_NO_CONTENT);
  g_assert_cmpstr (soup_message_headers_get_one (resource->headers, "Accept-Patch"), ==,
                   "application/trickle-ice-sdpfrag");
  g_assert_nonnull (strstr (soup_message_headers_get_one (resource->headers, "Allow"), "DELETE"));
  g_assert_nonnull (strstr (soup_message_headers_get_one (resource->headers, "Allow"), "PATCH"));

  unknown = request_full (fixture, "OPTIONS", "/nowhere", NULL, NULL, 0, preflight);
  assert_refused (unknown, SOUP_STATUS_NOT_FOUND, "/nowhere");

  /* OPTIONS made no session. */
  g_assert_cmpuint (fixture->opened->len, ==, 0);
}

static void
test_page (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(Reply) page = request (fixture, "GET", "/", NULL, NULL, FALSE);
  g_autoptr(Reply) script = request (fixture, "GET", "/player.js", NULL, NULL, FALSE);
  g_autoptr(Reply) streams = request (fixture, "GET", "/streams", NULL, NULL, TRUE);
  g_autoptr(Reply) streams_without_token = request (fixture, "GET", "/streams", NULL, NULL, FALSE);

  /* The page and its script need no token: the page asks for one. */
  g_assert_cmpuint (page->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (soup_message_headers_get_content_type (page->headers, NULL), ==, "text/html");
  g_assert_nonnull (strstr (page->body, "player.js"));
  g_assert_cmpuint (script->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (soup_message_headers_get_content_type (script->headers, NULL), ==, "text/javascript");
  g_assert_nonnull (strstr (script->body, "whep"));

  /* The whep-serve nodes, as JSON. */
  g_assert_cmpuint (streams->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (soup_message_headers_get_content_type (streams->headers, NULL), ==, "application/json");
  g_assert_cmpstr (streams->body, ==, "[\"tv\"]");
  assert_refused (streams_without_token, SOUP_STATUS_UNAUTHORIZED, "Bearer");
}

static void
test_viewers (Fixture       *fixture,
              gconstpointer  data)
{
  /* Payload types and section orders of three different viewers. */
  g_autoptr(Peer) first = viewer_new (FALSE, 96, 111);
  g_autoptr(Peer) second = viewer_new (TRUE, 120, 109);
  g_autoptr(Peer) third = viewer_new (FALSE, 100, 101);
  Peer *viewers[] = { first, second, third };
  g_autoptr(Reply) again = NULL;
  g_autofree char *expected = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (viewers); i++)
    open_session (fixture, viewers[i], "/whep/tv");
  webrtc_test_wait_n_sessions (fixture->endpoint, 3);
  g_assert_cmpuint (fixture->opened->len, ==, 3);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fixture->opened, 0), "whep tv "));
  g_assert_cmpuint (node_uint (fixture, "tv", "viewers"), ==, 3);

  /* All three play, at once. */
  for (guint i = 0; i < G_N_ELEMENTS (viewers); i++)
    {
      wait_decoded_more (viewers[i], 5);
      g_mutex_lock (&viewers[i]->mutex);
      g_assert_nonnull (viewers[i]->video_caps);
      g_assert_true (gst_structure_has_name (gst_caps_get_structure (viewers[i]->video_caps, 0), "video/x-raw"));
      g_assert_true (gst_structure_has_name (gst_caps_get_structure (viewers[i]->audio_caps, 0), "audio/x-raw"));
      g_mutex_unlock (&viewers[i]->mutex);
    }

  /* One leaves: its session is freed, the others keep playing. */
  close_session (fixture, second);
  webrtc_test_wait_n_sessions (fixture->endpoint, 2);
  g_assert_cmpuint (fixture->closed->len, ==, 1);
  expected = g_strdup_printf ("whep tv %s", strrchr (second->location, '/') + 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->closed, 0), ==, expected);
  g_assert_cmpuint (node_uint (fixture, "tv", "viewers"), ==, 2);
  wait_decoded_more (first, 10);
  wait_decoded_more (third, 10);

  /* Gone is gone. */
  again = request (fixture, "DELETE", second->location, NULL, NULL, TRUE);
  assert_refused (again, SOUP_STATUS_NOT_FOUND, strrchr (second->location, '/') + 1);

  close_session (fixture, first);
  close_session (fixture, third);
  webrtc_test_wait_n_sessions (fixture->endpoint, 0);
  g_assert_cmpuint (node_uint (fixture, "tv", "viewers"), ==, 0);
  g_assert_cmpuint (fixture->closed->len, ==, 3);
}

typedef struct
{
  Fixture *fixture;
  gint64   frames;
} IngestGoal;

static gboolean
ingest_counted (gpointer user_data)
{
  IngestGoal *goal = user_data;

  return node_int64 (goal->fixture, "in-video", "received") >= goal->frames &&
         node_int64 (goal->fixture, "in-audio", "count") >= goal->frames;
}

/* Pulls every frame app-sink @id kept: their timestamps never go back. */
static void
assert_timestamps_increase (Fixture    *fixture,
                            const char *id)
{
  g_autoptr(SlProcessor) sink = sl_runtime_get_processor (fixture->runtime, id);
  GstClockTime previous = GST_CLOCK_TIME_NONE;
  guint n = 0;

  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      GstBuffer *buffer;

      g_signal_emit_by_name (sink, "pull-sample", &sample);
      if (sample == NULL)
        break;
      buffer = gst_sample_get_buffer (sample);
      g_assert_true (GST_BUFFER_PTS_IS_VALID (buffer));
      if (GST_CLOCK_TIME_IS_VALID (previous))
        g_assert_cmpuint (GST_BUFFER_PTS (buffer), >=, previous);
      previous = GST_BUFFER_PTS (buffer);
      n++;
    }
  g_assert_cmpuint (n, >=, 10);
}

static void
test_publish (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Peer) publisher = publisher_new ();
  g_autoptr(Peer) second = publisher_new ();
  g_autofree char *second_offer = NULL;
  g_autoptr(Reply) refused = NULL;
  IngestGoal goal = { fixture, 5 };
  gboolean publishing = FALSE;
  g_autoptr(SlProcessor) ingest = sl_runtime_get_processor (fixture->runtime, "in");

  /* Nothing before a publish. */
  g_assert_cmpint (node_int64 (fixture, "in-video", "received"), ==, 0);

  open_session (fixture, publisher, "/whip/in");
  webrtc_test_wait_n_sessions (fixture->endpoint, 1);
  g_object_get (ingest, "publishing", &publishing, NULL);
  g_assert_true (publishing);
  webrtc_test_wait_for (ingest_counted, &goal, "whip-ingest to output what the publisher sends");

  /* One publisher at a time. */
  second_offer = peer_create_offer (second);
  refused = request (fixture, "POST", "/whip/in", "application/sdp", second_offer, TRUE);
  assert_refused (refused, SOUP_STATUS_CONFLICT, "already has a publisher");

  close_session (fixture, publisher);
  webrtc_test_wait_n_sessions (fixture->endpoint, 0);
  g_object_get (ingest, "publishing", &publishing, NULL);
  g_assert_false (publishing);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fixture->closed, 0), "whip in "));

  /* The next publisher is welcome; its frames go on in time from the
   * first one's (they never go backwards for what follows whip-ingest). */
  open_session (fixture, second, "/whip/in");
  webrtc_test_wait_n_sessions (fixture->endpoint, 1);
  goal.frames = node_int64 (fixture, "in-video", "received") + 5;
  webrtc_test_wait_for (ingest_counted, &goal, "whip-ingest to output what the second publisher sends");
  close_session (fixture, second);
  webrtc_test_wait_n_sessions (fixture->endpoint, 0);
  assert_timestamps_increase (fixture, "in-video");
}

/* An offer webrtcbin made, with every attribute a check looks for. */
static char *
valid_whep_offer (void)
{
  g_autoptr(Peer) peer = viewer_new (FALSE, 96, 111);

  return peer_create_offer (peer);
}

/* @offer without the lines that start with @prefix. */
static char *
offer_without (const char *offer,
               const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (offer, "\r\n", -1);
  GString *kept = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && !g_str_has_prefix (lines[i], prefix))
      g_string_append_printf (kept, "%s\r\n", lines[i]);
  return g_string_free (kept, FALSE);
}

static void
test_bad_requests (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *offer = valid_whep_offer ();
  g_autofree char *no_fingerprint = offer_without (offer, "a=fingerprint");
  g_autofree char *big = NULL;
  const char *wrong_token[] = { "Authorization", "Bearer not-the-token", NULL };
  const char *basic_auth[] = { "Authorization", "Basic dXNlcjpwYXNz", NULL };
  const char *token[] = { "Authorization", "Bearer " TOKEN, NULL };

  g_object_set (fixture->endpoint, "max-body-size", 8192, NULL);

  /* No token. */
  {
    g_autoptr(Reply) reply = request (fixture, "POST", "/whep/tv", "application/sdp", offer, FALSE);

    assert_refused (reply, SOUP_STATUS_UNAUTHORIZED, "Bearer token");
    g_assert_true (g_str_has_prefix (soup_message_headers_get_one (reply->headers, "WWW-Authenticate"), "Bearer"));
  }
  assert_still_serving (fixture);

  /* A wrong token, another scheme. */
  {
    g_autoptr(Reply) reply = request_full (fixture, "POST", "/whep/tv", "application/sdp", offer,
                                           strlen (offer), wrong_token);
    g_autoptr(Reply) basic = request_full (fixture, "POST", "/whep/tv", "application/sdp", offer,
                                           strlen (offer), basic_auth);

    assert_refused (reply, SOUP_STATUS_UNAUTHORIZED, "not valid");
    g_assert_nonnull (strstr (soup_message_headers_get_one (reply->headers, "WWW-Authenticate"), "invalid_token"));
    assert_refused (basic, SOUP_STATUS_UNAUTHORIZED, "not a Bearer token");
  }
  assert_still_serving (fixture);

  /* The wrong content type, or none. */
  {
    g_autoptr(Reply) text = request (fixture, "POST", "/whep/tv", "text/plain", offer, TRUE);
    g_autoptr(Reply) none = request (fixture, "POST", "/whep/tv", NULL, NULL, TRUE);
    g_autoptr(Reply) patch = request (fixture, "PATCH", "/whep/tv/x", "application/sdp", "a=x", TRUE);

    assert_refused (text, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "text/plain");
    assert_refused (none, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "application/sdp");
    assert_refused (patch, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "application/trickle-ice-sdpfrag");
  }
  assert_still_serving (fixture);

  /* Oversize: declared (refused before it is read) and chunked (counted). */
  big = g_strnfill (20000, 'a');
  {
    g_autoptr(Reply) declared = request (fixture, "POST", "/whep/tv", "application/sdp", big, TRUE);
    g_autoptr(Reply) chunked = request_full (fixture, "POST", "/whep/tv", "application/sdp", big, -1, token);

    assert_refused (declared, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "8192");
    assert_refused (chunked, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "8192");
  }
  assert_still_serving (fixture);

  /* Malformed SDP: not SDP at all, no media, no fingerprint, empty. */
  {
    g_autoptr(Reply) garbage = request (fixture, "POST", "/whep/tv", "application/sdp", "hello, endpoint", TRUE);
    g_autoptr(Reply) no_media = request (fixture, "POST", "/whep/tv", "application/sdp",
                                         "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", TRUE);
    g_autoptr(Reply) unsigned_offer = request (fixture, "POST", "/whep/tv", "application/sdp", no_fingerprint, TRUE);
    g_autoptr(Reply) empty = request (fixture, "POST", "/whep/tv", "application/sdp", "", TRUE);

    assert_refused (garbage, SOUP_STATUS_BAD_REQUEST, "SDP");
    assert_refused (no_media, SOUP_STATUS_BAD_REQUEST, "m=");
    assert_refused (unsigned_offer, SOUP_STATUS_BAD_REQUEST, "fingerprint");
    assert_refused (empty, SOUP_STATUS_BAD_REQUEST, "empty");
  }
  assert_still_serving (fixture);

  /* Unknown paths and nodes, nodes of the wrong kind, wrong methods. */
  {
    g_autoptr(Reply) path = request (fixture, "POST", "/whap/tv", "application/sdp", offer, TRUE);
    g_autoptr(Reply) node = request (fixture, "POST", "/whep/nobody", "application/sdp", offer, TRUE);
    g_autoptr(Reply) ingest = request (fixture, "POST", "/whep/in", "application/sdp", offer, TRUE);
    g_autoptr(Reply) source = request (fixture, "POST", "/whip/cam", "application/sdp", offer, TRUE);
    g_autoptr(Reply) get = request (fixture, "GET", "/whep/tv", NULL, NULL, TRUE);
    g_autoptr(Reply) post_page = request (fixture, "POST", "/", "application/sdp", offer, TRUE);

    assert_refused (path, SOUP_STATUS_NOT_FOUND, "/whap/tv");
    assert_refused (node, SOUP_STATUS_NOT_FOUND, "“nobody”");
    assert_refused (ingest, SOUP_STATUS_NOT_FOUND, "whip-ingest, not a whep-serve");
    assert_refused (source, SOUP_STATUS_NOT_FOUND, "video-test-source, not a whip-ingest");
    assert_refused (get, SOUP_STATUS_METHOD_NOT_ALLOWED, "GET");
    g_assert_cmpstr (soup_message_headers_get_one (get->headers, "Allow"), ==, "POST, OPTIONS");
    assert_refused (post_page, SOUP_STATUS_METHOD_NOT_ALLOWED, "POST");
  }
  assert_still_serving (fixture);

  /* Unknown sessions. */
  {
    g_autoptr(Reply) patch = request (fixture, "PATCH", "/whep/tv/no-such-session",
                                      "application/trickle-ice-sdpfrag", "a=ice-ufrag:x\r\n", TRUE);
    g_autoptr(Reply) delete = request (fixture, "DELETE", "/whep/tv/no-such-session", NULL, NULL, TRUE);

    assert_refused (patch, SOUP_STATUS_NOT_FOUND, "no-such-session");
    assert_refused (delete, SOUP_STATUS_NOT_FOUND, "no-such-session");
  }
  assert_still_serving (fixture);

  g_assert_cmpuint (sl_webrtc_endpoint_get_n_sessions (fixture->endpoint), ==, 0);
  /* Every good request opened and closed a session; no bad one did. */
  g_assert_cmpuint (fixture->opened->len, ==, 7);
  g_assert_cmpuint (fixture->closed->len, ==, 7);
}

/* Trickle ICE: PATCH with If-Match, out of order, ICE restart. */
static void
test_patch (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(Peer) viewer = viewer_new (FALSE, 96, 111);
  const char *fragment =
    "a=group:BUNDLE video0 audio1\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 0\r\n"
    "a=mid:video0\r\n"
    "a=candidate:7 1 UDP 2015363327 127.0.0.1 9 typ host\r\n";
  const char *restart =
    "a=ice-ufrag:brandnew\r\n"
    "a=ice-pwd:brandnewpasswordbrandnewpassword\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 0\r\n"
    "a=mid:video0\r\n";
  const char *token_only[] = { "Authorization", "Bearer " TOKEN, NULL };

  open_session (fixture, viewer, "/whep/tv");
  webrtc_test_wait_n_sessions (fixture->endpoint, 1);

  /* In order: 204. */
  {
    const char *headers[] = { "Authorization", "Bearer " TOKEN, "If-Match", viewer->etag, NULL };
    g_autoptr(Reply) reply = request_full (fixture, "PATCH", viewer->location, "application/trickle-ice-sdpfrag",
                                           fragment, strlen (fragment), headers);

    g_assert_cmpuint (reply->status, ==, SOUP_STATUS_NO_CONTENT);
  }

  /* Another ICE session's tag: 412. */
  {
    const char *headers[] = { "Authorization", "Bearer " TOKEN, "If-Match", "\"stale\"", NULL };
    g_autoptr(Reply) reply = request_full (fixture, "PATCH", viewer->location, "application/trickle-ice-sdpfrag",
                                           fragment, strlen (fragment), headers);

    assert_refused (reply, SOUP_STATUS_PRECONDITION_FAILED, "\"stale\"");
  }

  /* An ICE restart (If-Match: *, new credentials): not supported, 422. */
  {
    const char *headers[] = { "Authorization", "Bearer " TOKEN, "If-Match", "*", NULL };
    g_autoptr(Reply) reply = request_full (fixture, "PATCH", viewer->location, "application/trickle-ice-sdpfrag",
                                           restart, strlen (restart), headers);

    assert_refused (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, "ICE restart");
  }

  /* A malformed fragment: 400. */
  {
    g_autoptr(Reply) reply = request_full (fixture, "PATCH", viewer->location, "application/trickle-ice-sdpfrag",
                                           "a=candidate:nonsense\r\n", 22, token_only);

    assert_refused (reply, SOUP_STATUS_BAD_REQUEST, "candidate");
  }

  /* None of that disturbed the session. */
  wait_decoded_more (viewer, 5);
  close_session (fixture, viewer);
  webrtc_test_wait_n_sessions (fixture->endpoint, 0);
}

static void
test_too_many (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(Peer) first = viewer_new (FALSE, 96, 111);
  g_autoptr(Peer) second = publisher_new ();
  g_autoptr(Peer) third = viewer_new (FALSE, 96, 111);
  g_autofree char *third_offer = NULL;
  g_autoptr(Reply) refused = NULL;

  g_object_set (fixture->endpoint, "max-sessions", 2, NULL);

  /* WHIP and WHEP count together. */
  open_session (fixture, first, "/whep/tv");
  open_session (fixture, second, "/whip/in");
  webrtc_test_wait_n_sessions (fixture->endpoint, 2);

  third_offer = peer_create_offer (third);
  refused = request (fixture, "POST", "/whep/tv", "application/sdp", third_offer, TRUE);
  assert_refused (refused, 429, "max-sessions");
  g_assert_nonnull (soup_message_headers_get_one (refused->headers, "Retry-After"));

  /* The others were not disturbed. */
  wait_decoded_more (first, 5);

  /* Room again once one leaves. */
  close_session (fixture, second);
  webrtc_test_wait_n_sessions (fixture->endpoint, 1);
  assert_still_serving (fixture);
  close_session (fixture, first);
  webrtc_test_wait_n_sessions (fixture->endpoint, 0);
}

/* Closing the endpoint closes its sessions, signals included. */
static void
test_close (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(Peer) viewer = viewer_new (FALSE, 96, 111);
  g_autoptr(Peer) publisher = publisher_new ();
  g_autoptr(SlProcessor) ingest = sl_runtime_get_processor (fixture->runtime, "in");
  gboolean publishing = TRUE;

  open_session (fixture, viewer, "/whep/tv");
  open_session (fixture, publisher, "/whip/in");
  webrtc_test_wait_n_sessions (fixture->endpoint, 2);

  sl_webrtc_endpoint_close (fixture->endpoint);
  g_assert_cmpuint (sl_webrtc_endpoint_get_n_sessions (fixture->endpoint), ==, 0);
  g_assert_cmpuint (fixture->closed->len, ==, 2);
  g_assert_cmpuint (node_uint (fixture, "tv", "viewers"), ==, 0);
  g_object_get (ingest, "publishing", &publishing, NULL);
  g_assert_false (publishing);
  g_assert_cmpuint (sl_webrtc_endpoint_get_port (fixture->endpoint), ==, 0);
}

/* Stopping the runtime tears the processors down, which closes their
 * sessions: the endpoint forgets them. */
static void
test_runtime_stop (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(Peer) viewer = viewer_new (FALSE, 96, 111);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) after = NULL;
  g_autofree char *offer = NULL;

  open_session (fixture, viewer, "/whep/tv");
  webrtc_test_wait_n_sessions (fixture->endpoint, 1);

  sl_runtime_stop (fixture->runtime, SL_STOP_IMMEDIATE, &error);
  g_assert_no_error (error);
  webrtc_test_wait_n_sessions (fixture->endpoint, 0);
  g_assert_cmpuint (fixture->closed->len, ==, 1);

  /* The node exists but does not run: 503, to try again later. */
  offer = valid_whep_offer ();
  after = request (fixture, "POST", "/whep/tv", "application/sdp", offer, TRUE);
  assert_refused (after, SOUP_STATUS_SERVICE_UNAVAILABLE, "not running");
  g_assert_nonnull (soup_message_headers_get_one (after->headers, "Retry-After"));
}

/* The endpoint's ICE servers are used by its sessions and announced to
 * their clients (RFC 9725 §4.6). */
static void
test_ice_servers (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Peer) viewer = viewer_new (FALSE, 96, 111);
  g_autofree char *offer = peer_create_offer (viewer);
  const char *servers[] = { "stun:127.0.0.1:3478", NULL };
  const char *bad[] = { "stun:127.0.0.1:3478", "http://example.test", NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) kept = NULL;
  g_autoptr(Reply) reply = NULL;
  const char *link;

  g_assert_true (sl_webrtc_endpoint_set_ice_servers (fixture->endpoint, servers, &error));
  g_assert_no_error (error);

  /* A bad list changes nothing and names the bad URL. */
  g_assert_false (sl_webrtc_endpoint_set_ice_servers (fixture->endpoint, bad, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "http://example.test"));
  kept = sl_webrtc_endpoint_dup_ice_servers (fixture->endpoint);
  g_assert_cmpstrv (kept, servers);

  reply = request (fixture, "POST", "/whep/tv", "application/sdp", offer, TRUE);
  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_CREATED);
  link = soup_message_headers_get_list (reply->headers, "Link");
  g_assert_nonnull (link);
  g_assert_nonnull (strstr (link, "stun:127.0.0.1:3478"));
  g_assert_nonnull (strstr (link, "rel=\"ice-server\""));
  peer_set_answer (viewer, reply->body);
  viewer->location = g_strdup (soup_message_headers_get_one (reply->headers, "Location"));
  webrtc_test_wait_n_sessions (fixture->endpoint, 1);
  wait_decoded_more (viewer, 1);
  close_session (fixture, viewer);
  webrtc_test_wait_n_sessions (fixture->endpoint, 0);
}

typedef struct
{
  Fixture *fixture;
  guint    served;
} ViewerGoal;

static gboolean
viewer_came_and_went (gpointer user_data)
{
  ViewerGoal *goal = user_data;

  return node_uint (goal->fixture, "tv", "viewers-served") >= goal->served &&
         node_uint (goal->fixture, "tv", "viewers") == 0;
}

/* A client that closes its connection before the answer: the session it
 * asked for is not opened (nobody would ever delete it). */
static void
test_client_gone (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *offer = valid_whep_offer ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  GOutputStream *output;
  ViewerGoal goal = { fixture, 1 };

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", sl_webrtc_endpoint_get_port (fixture->endpoint),
                                                NULL, &error);
  g_assert_no_error (error);
  head = g_strdup_printf ("POST /whep/tv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " TOKEN "\r\n"
                          "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n", strlen (offer));
  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_assert_true (g_output_stream_write_all (output, head, strlen (head), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (output, offer, strlen (offer), NULL, NULL, &error));
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, &error);
  g_assert_no_error (error);

  /* The offer was taken (a viewer attached), then dropped. */
  webrtc_test_wait_for (viewer_came_and_went, &goal, "the departed client's viewer to come and go");
  g_assert_cmpuint (fixture->opened->len, ==, 0);
  g_assert_cmpuint (sl_webrtc_endpoint_get_n_sessions (fixture->endpoint), ==, 0);

  assert_still_serving (fixture);
}

int
main (int argc, char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/endpoint/listen-errors", test_listen_errors);
  g_test_add ("/endpoint/options", Fixture, NULL, fixture_setup, test_options, fixture_teardown);
  g_test_add ("/endpoint/page", Fixture, NULL, fixture_setup, test_page, fixture_teardown);
  g_test_add ("/endpoint/viewers", Fixture, NULL, fixture_setup, test_viewers, fixture_teardown);
  g_test_add ("/endpoint/publish", Fixture, NULL, fixture_setup, test_publish, fixture_teardown);
  g_test_add ("/endpoint/bad-requests", Fixture, NULL, fixture_setup, test_bad_requests, fixture_teardown);
  g_test_add ("/endpoint/patch", Fixture, NULL, fixture_setup, test_patch, fixture_teardown);
  g_test_add ("/endpoint/too-many-sessions", Fixture, NULL, fixture_setup, test_too_many, fixture_teardown);
  g_test_add ("/endpoint/ice-servers", Fixture, NULL, fixture_setup, test_ice_servers, fixture_teardown);
  g_test_add ("/endpoint/client-gone", Fixture, NULL, fixture_setup, test_client_gone, fixture_teardown);
  g_test_add ("/endpoint/close", Fixture, NULL, fixture_setup, test_close, fixture_teardown);
  g_test_add ("/endpoint/runtime-stop", Fixture, NULL, fixture_setup, test_runtime_stop, fixture_teardown);

  return g_test_run ();
}
