/* test-whip-client.c: whip-sink and whep-source against scripted WHIP/WHEP servers
 *
 * Each test runs a SoupServer on 127.0.0.1 (a free port) in this thread's
 * main context. Its handler records every request and answers from a
 * script: a webrtcbin of its own (receiving for WHIP, sending a test pattern
 * and a tone for WHEP) answers offers or makes a counter-offer, takes
 * trickled candidates and ICE restarts; or the POST gets a scripted status
 * (401, 403, 404, 406 without an offer, 500), a 307 redirect; or nothing
 * listens at all. The handler runs webrtcbin's steps synchronously with
 * bounded waits: webrtcbin works on its own threads, and the clients do
 * their HTTP on theirs, so blocking this context briefly stalls no one.
 *
 * Loopback only: servers bind 127.0.0.1, both ends' ICE agents use
 * 127.0.0.1 alone (UPnP off, no STUN/TURN). Every wait has a deadline and
 * fails the test instead of hanging.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <stdlib.h>
#include <gio/gio.h>
#include <libsoup/soup.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include "test-watchdog.h"
#include "webrtc-test-util.h"

/* ---- waiting --------------------------------------------------------------------- */

/* ---- the server's WebRTC peer ------------------------------------------------------- */

typedef struct
{
  GstElement *pipeline;
  GstElement *webrtcbin;
  GMutex      mutex;
  GCond       cond;
  GPtrArray  *candidates;     /* "MLINE candidate:…" */
  gboolean    gathered;
  gint        decoded_video;  /* frames decoded from what the client sent */
  gint        decoded_audio;
  gint        connected;
} Peer;

static void
peer_on_candidate (GstElement *webrtcbin,
                   guint       mline,
                   const char *candidate,
                   Peer       *peer)
{
  g_mutex_lock (&peer->mutex);
  if (candidate != NULL && *candidate != '\0')
    g_ptr_array_add (peer->candidates, g_strdup_printf ("%u %s", mline, candidate));
  g_mutex_unlock (&peer->mutex);
}

static void
peer_on_gathering (GObject    *webrtcbin,
                   GParamSpec *pspec,
                   Peer       *peer)
{
  GstWebRTCICEGatheringState state;

  g_object_get (webrtcbin, "ice-gathering-state", &state, NULL);
  g_mutex_lock (&peer->mutex);
  peer->gathered = state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE;
  g_cond_broadcast (&peer->cond);
  g_mutex_unlock (&peer->mutex);
}

static void
peer_on_connection (GObject    *webrtcbin,
                    GParamSpec *pspec,
                    Peer       *peer)
{
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtcbin, "connection-state", &state, NULL);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    g_atomic_int_set (&peer->connected, 1);
}

static void
peer_on_decoded (GstElement *fakesink,
                 GstBuffer  *buffer,
                 GstPad     *pad,
                 gint       *counter)
{
  g_atomic_int_inc (counter);
}

static void
peer_on_decoded_pad (GstElement *decodebin,
                     GstPad     *pad,
                     Peer       *peer)
{
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  g_autoptr(GstPad) sinkpad = NULL;
  gboolean video = g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps, 0)), "video/");
  GstElement *fakesink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (fakesink, "sync", FALSE, "async", FALSE, "signal-handoffs", TRUE, NULL);
  g_signal_connect (fakesink, "handoff", G_CALLBACK (peer_on_decoded),
                    video ? &peer->decoded_video : &peer->decoded_audio);
  gst_bin_add (GST_BIN (peer->pipeline), fakesink);
  gst_element_sync_state_with_parent (fakesink);
  sinkpad = gst_element_get_static_pad (fakesink, "sink");
  g_assert_cmpint (gst_pad_link (pad, sinkpad), ==, GST_PAD_LINK_OK);
}

static void
peer_on_element_added (GstBin     *bin,
                       GstBin     *sub_bin,
                       GstElement *element,
                       gpointer    user_data)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (element), "request-keyframe") != NULL)
    g_object_set (element, "request-keyframe", TRUE, NULL);
}

static void
peer_on_pad (GstElement *webrtcbin,
             GstPad     *pad,
             Peer       *peer)
{
  g_autoptr(GstPad) sinkpad = NULL;
  GstElement *decodebin;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  decodebin = gst_element_factory_make ("decodebin", NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (peer_on_decoded_pad), peer);
  g_signal_connect (decodebin, "deep-element-added", G_CALLBACK (peer_on_element_added), NULL);
  gst_bin_add (GST_BIN (peer->pipeline), decodebin);
  gst_element_sync_state_with_parent (decodebin);
  sinkpad = gst_element_get_static_pad (decodebin, "sink");
  g_assert_cmpint (gst_pad_link (pad, sinkpad), ==, GST_PAD_LINK_OK);
}

/* A receiving peer (WHIP) or one sending a test pattern and a tone (WHEP). */
static Peer *
peer_new (gboolean sender)
{
  Peer *peer = g_new0 (Peer, 1);
  g_autoptr(GObject) ice = NULL;
  g_autoptr(GObject) agent = NULL;
  g_autoptr(GError) error = NULL;
  gboolean added = FALSE;

  g_mutex_init (&peer->mutex);
  g_cond_init (&peer->cond);
  peer->candidates = g_ptr_array_new_with_free_func (g_free);

  if (sender)
    {
      peer->pipeline = gst_parse_launch (
        "webrtcbin name=webrtc bundle-policy=max-bundle "
        "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! videoconvert ! "
        "vp8enc deadline=1 cpu-used=8 keyframe-max-dist=10 ! rtpvp8pay pt=96 ! "
        "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! webrtc. "
        "audiotestsrc is-live=true ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! "
        "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
        "encoding-params=(string)2 ! webrtc.", &error);
      g_assert_no_error (error);
      peer->webrtcbin = gst_bin_get_by_name (GST_BIN (peer->pipeline), "webrtc");
    }
  else
    {
      peer->pipeline = gst_pipeline_new ("receiver");
      peer->webrtcbin = gst_element_factory_make ("webrtcbin", NULL);
      g_object_ref (peer->webrtcbin);
      gst_util_set_object_arg (G_OBJECT (peer->webrtcbin), "bundle-policy", "max-bundle");
      gst_bin_add (GST_BIN (peer->pipeline), peer->webrtcbin);
      g_signal_connect (peer->webrtcbin, "pad-added", G_CALLBACK (peer_on_pad), peer);
    }
  gst_object_ref_sink (peer->pipeline);

  /* Loopback only, as the clients. */
  g_object_get (peer->webrtcbin, "ice-agent", &ice, NULL);
  g_object_get (ice, "agent", &agent, NULL);
  g_object_set (agent, "upnp", FALSE, NULL);
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &added);
  g_assert_true (added);

  g_signal_connect (peer->webrtcbin, "on-ice-candidate", G_CALLBACK (peer_on_candidate), peer);
  g_signal_connect (peer->webrtcbin, "notify::ice-gathering-state", G_CALLBACK (peer_on_gathering), peer);
  g_signal_connect (peer->webrtcbin, "notify::connection-state", G_CALLBACK (peer_on_connection), peer);

  if (sender)
    {
      GArray *transceivers = NULL;

      g_signal_emit_by_name (peer->webrtcbin, "get-transceivers", &transceivers);
      for (guint i = 0; i < transceivers->len; i++)
        g_object_set (g_array_index (transceivers, GstWebRTCRTPTransceiver *, i),
                      "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, NULL);
      g_array_unref (transceivers);
    }

  g_assert_cmpint (gst_element_set_state (peer->pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  return peer;
}

static void
peer_free (Peer *peer)
{
  if (peer == NULL)
    return;
  gst_element_set_state (peer->pipeline, GST_STATE_NULL);
  gst_object_unref (peer->webrtcbin);
  gst_object_unref (peer->pipeline);
  g_ptr_array_unref (peer->candidates);
  g_mutex_clear (&peer->mutex);
  g_cond_clear (&peer->cond);
  g_free (peer);
}

typedef struct
{
  Peer     *peer;
  gboolean  done;
} PromiseWait;

static void
promise_changed (GstPromise *promise,
                 gpointer    user_data)
{
  PromiseWait *wait = user_data;

  g_mutex_lock (&wait->peer->mutex);
  wait->done = TRUE;
  g_cond_broadcast (&wait->peer->cond);
  g_mutex_unlock (&wait->peer->mutex);
}

/* Emits @signal with @arg and waits (bounded) for the reply. */
static GstStructure *
peer_call (Peer       *peer,
           const char *signal,
           gpointer    arg)
{
  PromiseWait wait = { peer, FALSE };
  g_autoptr(GstPromise) promise = gst_promise_new_with_change_func (promise_changed, &wait, NULL);
  gint64 deadline = webrtc_test_deadline ();
  const GstStructure *reply;

  g_signal_emit_by_name (peer->webrtcbin, signal, arg, promise);

  g_mutex_lock (&peer->mutex);
  while (!wait.done)
    if (!g_cond_wait_until (&peer->cond, &peer->mutex, deadline))
      g_error ("The server's webrtcbin did not answer %s in time", signal);
  g_mutex_unlock (&peer->mutex);

  g_assert_cmpint (gst_promise_wait (promise), ==, GST_PROMISE_RESULT_REPLIED);
  reply = gst_promise_get_reply (promise);
  if (reply != NULL && gst_structure_has_field (reply, "error"))
    {
      g_autoptr(GError) error = NULL;

      gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
      g_error ("The server's webrtcbin failed %s: %s", signal, error != NULL ? error->message : "?");
    }
  return reply != NULL ? gst_structure_copy (reply) : NULL;
}

static void
peer_wait_gathered (Peer *peer)
{
  gint64 deadline = webrtc_test_deadline ();

  g_mutex_lock (&peer->mutex);
  while (!peer->gathered)
    if (!g_cond_wait_until (&peer->cond, &peer->mutex, deadline))
      g_error ("The server's ICE gathering did not complete in time");
  g_mutex_unlock (&peer->mutex);
}

static GstWebRTCSessionDescription *
parse_description (const char       *text,
                   GstWebRTCSDPType  type)
{
  GstSDPMessage *sdp = NULL;

  g_assert_cmpint (gst_sdp_message_new_from_text (text, &sdp), ==, GST_SDP_OK);
  return gst_webrtc_session_description_new (type, sdp);
}

/* @description as text, with the candidates gathered and
 * a=end-of-candidates: the server sends its whole description. */
static char *
peer_description_text (Peer                        *peer,
                       GstWebRTCSessionDescription *description)
{
  GstSDPMessage *sdp = NULL;
  char *text;

  gst_sdp_message_copy (description->sdp, &sdp);
  g_mutex_lock (&peer->mutex);
  for (guint i = 0; i < peer->candidates->len; i++)
    {
      const char *entry = g_ptr_array_index (peer->candidates, i);
      guint mline = (guint) g_ascii_strtoull (entry, NULL, 10);
      const char *candidate = strchr (entry, ' ') + 1;

      if (mline < gst_sdp_message_medias_len (sdp))
        gst_sdp_media_add_attribute ((GstSDPMedia *) gst_sdp_message_get_media (sdp, mline), "candidate",
                                     candidate + strlen ("candidate:"));
    }
  g_mutex_unlock (&peer->mutex);
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    gst_sdp_media_add_attribute ((GstSDPMedia *) gst_sdp_message_get_media (sdp, i), "end-of-candidates", "");

  text = gst_sdp_message_as_text (sdp);
  gst_sdp_message_free (sdp);
  return text;
}

static GstWebRTCSessionDescription *
peer_create (Peer       *peer,
             const char *signal,
             const char *field)
{
  g_autoptr(GstStructure) reply = peer_call (peer, signal, NULL);
  GstWebRTCSessionDescription *description = NULL;

  g_assert_nonnull (reply);
  gst_structure_get (reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &description, NULL);
  g_assert_nonnull (description);
  return description;
}

static void
peer_set (Peer                        *peer,
          const char                  *signal,
          GstWebRTCSessionDescription *description)
{
  g_autoptr(GstStructure) reply = peer_call (peer, signal, description);
}

static char *
peer_answer (Peer       *peer,
             const char *offer_text)
{
  g_autoptr(GstWebRTCSessionDescription) offer = parse_description (offer_text, GST_WEBRTC_SDP_TYPE_OFFER);
  g_autoptr(GstWebRTCSessionDescription) answer = NULL;

  peer_set (peer, "set-remote-description", offer);
  answer = peer_create (peer, "create-answer", "answer");
  peer_set (peer, "set-local-description", answer);
  peer_wait_gathered (peer);
  return peer_description_text (peer, answer);
}

static char *
peer_offer (Peer *peer)
{
  g_autoptr(GstWebRTCSessionDescription) offer = peer_create (peer, "create-offer", "offer");

  peer_set (peer, "set-local-description", offer);
  peer_wait_gathered (peer);
  return peer_description_text (peer, offer);
}

static void
peer_take_answer (Peer       *peer,
                  const char *answer_text)
{
  g_autoptr(GstWebRTCSessionDescription) answer = parse_description (answer_text, GST_WEBRTC_SDP_TYPE_ANSWER);

  peer_set (peer, "set-remote-description", answer);
}

static int
find_mid (const GstSDPMessage *sdp,
          const char          *mid)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    if (g_strcmp0 (gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (sdp, i), "mid"), mid) == 0)
      return i;
  return -1;
}

/* Adds the candidates of a trickle-ice-sdpfrag; returns how many. */
static guint
peer_add_fragment (Peer       *peer,
                   const char *fragment)
{
  g_autoptr(GstWebRTCSessionDescription) remote = NULL;
  g_auto(GStrv) lines = g_strsplit (fragment, "\n", -1);
  int mline = 0;
  guint added = 0;

  g_object_get (peer->webrtcbin, "remote-description", &remote, NULL);
  g_assert_nonnull (remote);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strchomp (lines[i]);

      if (g_str_has_prefix (line, "a=mid:"))
        {
          mline = find_mid (remote->sdp, line + strlen ("a=mid:"));
          g_assert_cmpint (mline, >=, 0);
        }
      else if (g_str_has_prefix (line, "a=candidate:"))
        {
          g_signal_emit_by_name (peer->webrtcbin, "add-ice-candidate", (guint) mline, line + 2);
          added++;
        }
    }
  return added;
}

static char *
fragment_value (const char *fragment,
                const char *key)
{
  g_auto(GStrv) lines = g_strsplit (fragment, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], key))
      return g_strdup (g_strchomp (lines[i] + strlen (key)));
  return NULL;
}

static GstSDPMessage *
sdp_with_credentials (const GstSDPMessage *sdp,
                      const char          *ufrag,
                      const char          *pwd)
{
  GstSDPMessage *copy = NULL;

  gst_sdp_message_copy (sdp, &copy);
  for (guint m = 0; m < gst_sdp_message_medias_len (copy); m++)
    {
      GstSDPMedia *media = (GstSDPMedia *) gst_sdp_message_get_media (copy, m);

      for (guint a = gst_sdp_media_attributes_len (media); a > 0; a--)
        {
          const GstSDPAttribute *attribute = gst_sdp_media_get_attribute (media, a - 1);
          GstSDPAttribute replacement;

          if (g_str_equal (attribute->key, "candidate") || g_str_equal (attribute->key, "end-of-candidates"))
            gst_sdp_media_remove_attribute (media, a - 1);
          else if (g_str_equal (attribute->key, "ice-ufrag") || g_str_equal (attribute->key, "ice-pwd"))
            {
              gst_sdp_attribute_set (&replacement, attribute->key,
                                     g_str_equal (attribute->key, "ice-ufrag") ? ufrag : pwd);
              gst_sdp_media_replace_attribute (media, a - 1, &replacement);
            }
        }
    }
  return copy;
}

/* An ICE restart (RFC 9725 §4.3.2): the client's new credentials become a
 * new remote offer, the server answers with new ones of its own (webrtcbin
 * 1.22 would keep its old ones: they are replaced in the answer before it
 * is set). The reply fragment carries them and the server's candidates,
 * the same as before (libnice does not gather again). */
static char *
peer_restart (Peer       *peer,
              const char *fragment)
{
  g_autofree char *ufrag = fragment_value (fragment, "a=ice-ufrag:");
  g_autofree char *pwd = fragment_value (fragment, "a=ice-pwd:");
  g_autoptr(GstWebRTCSessionDescription) remote = NULL;
  g_autoptr(GstWebRTCSessionDescription) offer = NULL;
  g_autoptr(GstWebRTCSessionDescription) created = NULL;
  g_autoptr(GstWebRTCSessionDescription) answer = NULL;
  const char *answer_ufrag = "restartedUfrag1";
  const char *answer_pwd = "restartedPassword0123456789";
  GString *reply = g_string_new (NULL);
  const GstSDPMedia *first;

  g_assert_nonnull (ufrag);
  g_assert_nonnull (pwd);

  g_object_get (peer->webrtcbin, "current-remote-description", &remote, NULL);
  g_assert_nonnull (remote);
  offer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER,
                                              sdp_with_credentials (remote->sdp, ufrag, pwd));
  peer_set (peer, "set-remote-description", offer);
  created = peer_create (peer, "create-answer", "answer");
  answer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER,
                                               sdp_with_credentials (created->sdp, answer_ufrag, answer_pwd));
  peer_set (peer, "set-local-description", answer);
  peer_add_fragment (peer, fragment);

  first = gst_sdp_message_get_media (answer->sdp, 0);
  g_string_append_printf (reply, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", answer_ufrag, answer_pwd);
  g_string_append_printf (reply, "m=%s 9 %s %s\r\na=mid:%s\r\n", gst_sdp_media_get_media (first),
                          gst_sdp_media_get_proto (first), gst_sdp_media_get_format (first, 0),
                          gst_sdp_media_get_attribute_val (first, "mid"));
  g_mutex_lock (&peer->mutex);
  for (guint i = 0; i < peer->candidates->len; i++)
    g_string_append_printf (reply, "a=%s\r\n", strchr (g_ptr_array_index (peer->candidates, i), ' ') + 1);
  g_mutex_unlock (&peer->mutex);
  g_string_append (reply, "a=end-of-candidates\r\n");

  return g_string_free (reply, FALSE);
}

/* ---- the scripted HTTP server -------------------------------------------------------- */

typedef struct
{
  char *method;
  char *path;
  char *content_type;
  char *accept;
  char *authorization;
  char *if_match;
  char *body;
} Request;

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->content_type);
  g_free (request->accept);
  g_free (request->authorization);
  g_free (request->if_match);
  g_free (request->body);
  g_free (request);
}

/* Runs on a thread of its own with its own context: the main thread blocks
 * in sl_runtime_stop() while a processor's teardown DELETEs its session. */
typedef struct
{
  SoupServer   *soup;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  char         *base;            /* http://127.0.0.1:PORT */
  GMutex        mutex;           /* guards requests and peer */
  GCond         cond;
  GPtrArray    *requests;        /* Request* */
  Peer         *peer;
  gboolean      sender;          /* the peer sends media (WHEP) */
  gboolean      counter_offer;   /* POST gets 406 and the server's offer */
  const char   *location;        /* of the created session; relative by default */
  const char   *etag;
  const char   *link;            /* a Link header for the 201, or NULL */
  char         *redirect_to;     /* POST gets 307 to this, or NULL */
} Server;

static void
server_reply (SoupServerMessage *message,
              guint              status,
              const char        *content_type,
              const char        *body)
{
  soup_server_message_set_status (message, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (message, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
server_handle (SoupServer        *soup,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Server *server = user_data;
  const char *method = soup_server_message_get_method (message);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (message);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (message));
  Request *request = g_new0 (Request, 1);
  g_autofree char *text = NULL;

  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->content_type = g_strdup (soup_message_headers_get_content_type (in, NULL));
  request->accept = g_strdup (soup_message_headers_get_one (in, "Accept"));
  request->authorization = g_strdup (soup_message_headers_get_one (in, "Authorization"));
  request->if_match = g_strdup (soup_message_headers_get_one (in, "If-Match"));
  request->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_mutex_lock (&server->mutex);
  g_ptr_array_add (server->requests, request);
  g_mutex_unlock (&server->mutex);
  g_test_message ("server %s: %s %s", server->base, method, path);

  if (g_str_equal (method, "POST"))
    {
      if (g_str_has_prefix (path, "/status/"))
        {
          guint status = (guint) g_ascii_strtoull (path + strlen ("/status/"), NULL, 10);
          g_autofree char *body = g_strdup_printf ("scripted %u answer", status);

          server_reply (message, status, "text/plain", body);
          /* A reason of the server's own, which the error must quote. */
          if (status == SOUP_STATUS_FORBIDDEN)
            soup_server_message_set_status (message, status, "Stream Key Revoked");
          return;
        }
      if (g_str_equal (path, "/loop"))
        {
          soup_message_headers_replace (out, "Location", "loop");
          server_reply (message, SOUP_STATUS_TEMPORARY_REDIRECT, NULL, NULL);
          return;
        }
      if (g_str_equal (path, "/no-location"))
        {
          server_reply (message, SOUP_STATUS_CREATED, "application/sdp", "v=0\r\n");
          return;
        }
      if (g_str_equal (path, "/bad-answer"))
        {
          soup_message_headers_replace (out, "Location", server->location);
          server_reply (message, SOUP_STATUS_CREATED, "application/sdp", "not an SDP answer");
          return;
        }
      if (server->redirect_to != NULL)
        {
          soup_message_headers_replace (out, "Location", server->redirect_to);
          server_reply (message, SOUP_STATUS_TEMPORARY_REDIRECT, NULL, NULL);
          return;
        }

      {
        Peer *old;

        g_mutex_lock (&server->mutex);
        old = g_steal_pointer (&server->peer);
        server->peer = peer_new (server->sender);
        g_mutex_unlock (&server->mutex);
        peer_free (old);
      }
      soup_message_headers_replace (out, "Location", server->location);
      soup_message_headers_replace (out, "ETag", server->etag);
      if (server->link != NULL)
        soup_message_headers_replace (out, "Link", server->link);

      if (server->counter_offer)
        {
          text = peer_offer (server->peer);
          server_reply (message, SOUP_STATUS_NOT_ACCEPTABLE, "application/sdp", text);
        }
      else
        {
          text = peer_answer (server->peer, request->body);
          server_reply (message, SOUP_STATUS_CREATED, "application/sdp", text);
        }
      return;
    }

  if (g_str_equal (method, "PATCH") && server->peer != NULL)
    {
      if (g_strcmp0 (request->content_type, "application/sdp") == 0)
        {
          peer_take_answer (server->peer, request->body);
          server_reply (message, SOUP_STATUS_NO_CONTENT, NULL, NULL);
        }
      else if (g_strcmp0 (request->content_type, "application/trickle-ice-sdpfrag") != 0)
        server_reply (message, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, NULL, NULL);
      else if (g_strcmp0 (request->if_match, "*") == 0)
        {
          text = peer_restart (server->peer, request->body);
          soup_message_headers_replace (out, "ETag", "\"after-restart\"");
          server_reply (message, SOUP_STATUS_OK, "application/trickle-ice-sdpfrag", text);
        }
      else if (g_strcmp0 (request->if_match, server->etag) != 0)
        server_reply (message, SOUP_STATUS_PRECONDITION_FAILED, "text/plain", "wrong entity tag");
      else
        {
          peer_add_fragment (server->peer, request->body);
          server_reply (message, SOUP_STATUS_NO_CONTENT, NULL, NULL);
        }
      return;
    }

  if (g_str_equal (method, "DELETE"))
    {
      server_reply (message, SOUP_STATUS_OK, NULL, NULL);
      return;
    }

  server_reply (message, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, NULL);
}

static gpointer
server_thread (gpointer user_data)
{
  Server *server = user_data;
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *uri = NULL;

  g_main_context_push_thread_default (server->context);
  server->soup = soup_server_new ("server-header", "streamlib-test", NULL);
  soup_server_add_handler (server->soup, NULL, server_handle, server, NULL);
  soup_server_listen_local (server->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server->soup);
  g_assert_nonnull (uris);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (g_str_has_suffix (uri, "/"))
    uri[strlen (uri) - 1] = '\0';

  g_mutex_lock (&server->mutex);
  server->base = g_steal_pointer (&uri);
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->mutex);

  g_main_loop_run (server->loop);

  soup_server_disconnect (server->soup);
  g_clear_object (&server->soup);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static Server *
server_new (void)
{
  Server *server = g_new0 (Server, 1);
  gint64 deadline = webrtc_test_deadline ();

  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);
  server->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  server->location = "resource/1";
  server->etag = "\"etag-1\"";
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("test-server", server_thread, server);

  g_mutex_lock (&server->mutex);
  while (server->base == NULL)
    if (!g_cond_wait_until (&server->cond, &server->mutex, deadline))
      g_error ("The test server did not start");
  g_mutex_unlock (&server->mutex);
  g_assert_true (g_str_has_prefix (server->base, "http://127.0.0.1:"));

  return server;
}

static gboolean
server_quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
server_free (Server *server)
{
  g_autoptr(GSource) quit = g_idle_source_new ();

  g_source_set_callback (quit, server_quit, server->loop, NULL);
  g_source_attach (quit, server->context);
  g_thread_join (server->thread);

  g_clear_pointer (&server->peer, peer_free);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_ptr_array_unref (server->requests);
  g_free (server->base);
  g_free (server->redirect_to);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_free (server);
}

static char *
server_url (Server     *server,
            const char *path)
{
  return g_strconcat (server->base, path, NULL);
}

/* The @n-th request (from 0) with @method, or NULL. Requests live as long
 * as the server. */
static Request *
server_find (Server     *server,
             const char *method,
             guint       n)
{
  Request *found = NULL;

  g_mutex_lock (&server->mutex);
  for (guint i = 0; i < server->requests->len && found == NULL; i++)
    {
      Request *request = g_ptr_array_index (server->requests, i);

      if (g_str_equal (request->method, method) && n-- == 0)
        found = request;
    }
  g_mutex_unlock (&server->mutex);
  return found;
}

static guint
server_count (Server     *server,
              const char *method)
{
  guint count = 0;

  while (server_find (server, method, count) != NULL)
    count++;
  return count;
}

typedef struct
{
  Server   *server;
  gboolean  video;
  gint      target;
} DecodedWait;

static gboolean
decoded_reached (gpointer user_data)
{
  DecodedWait *wait = user_data;
  gint decoded = -1;

  g_mutex_lock (&wait->server->mutex);
  if (wait->server->peer != NULL)
    decoded = g_atomic_int_get (wait->video ? &wait->server->peer->decoded_video
                                            : &wait->server->peer->decoded_audio);
  g_mutex_unlock (&wait->server->mutex);
  return decoded >= wait->target;
}

/* Waits until the server's peer decoded @target frames from the client. */
static void
wait_decoded (Server   *server,
              gboolean  video,
              gint      target)
{
  DecodedWait wait = { server, video, target };
  g_autofree char *what = g_strdup_printf ("the server to decode %d %s frames", target,
                                           video ? "video" : "audio");

  webrtc_test_wait_for (decoded_reached, &wait, what);
}

/* ---- the runtime ------------------------------------------------------------------------ */

typedef struct
{
  SlRuntime *runtime;
  GPtrArray *errors;   /* "id: message" */
} Fixture;

static void
fixture_init (Fixture *fixture)
{
  fixture->runtime = sl_runtime_new ();
  fixture->errors = g_ptr_array_new_with_free_func (g_free);
  webrtc_test_collect_errors (fixture->runtime, fixture->errors);
}

static void
fixture_stop (Fixture   *fixture,
              SlStopMode mode)
{
  g_autoptr(GError) error = NULL;

  test_watchdog_arm ("stopping the runtime", webrtc_test_get_timeout ());
  sl_runtime_stop (fixture->runtime, mode, &error);
  test_watchdog_disarm ();
  g_assert_no_error (error);
}

static void
fixture_clear (Fixture *fixture)
{
  if (sl_runtime_get_state (fixture->runtime) != SL_RUNTIME_STATE_IDLE)
    fixture_stop (fixture, SL_STOP_IMMEDIATE);
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->errors, g_ptr_array_unref);
}

static void
start (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  test_watchdog_arm ("starting the runtime", webrtc_test_get_timeout ());
  sl_runtime_start (fixture->runtime, &error);
  test_watchdog_disarm ();
  g_assert_no_error (error);
}

static void
get (Fixture    *fixture,
     const char *id,
     const char *property,
     gpointer    out)
{
  g_autoptr(SlProcessor) processor = sl_runtime_get_processor (fixture->runtime, id);

  g_assert_nonnull (processor);
  g_object_get (processor, property, out, NULL);
}

static gint64
get_int64 (Fixture    *fixture,
           const char *id,
           const char *property)
{
  gint64 value = -1;

  get (fixture, id, property, &value);
  return value;
}

typedef struct
{
  Fixture    *fixture;
  const char *id;
  const char *found;
} ErrorWait;

static gboolean
error_reported (gpointer user_data)
{
  ErrorWait *wait = user_data;
  g_autofree char *prefix = g_strdup_printf ("%s: ", wait->id);

  for (guint i = 0; i < wait->fixture->errors->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (wait->fixture->errors, i), prefix))
      {
        wait->found = (const char *) g_ptr_array_index (wait->fixture->errors, i) + strlen (prefix);
        return TRUE;
      }
  return FALSE;
}

static const char *
wait_error (Fixture    *fixture,
            const char *id)
{
  ErrorWait wait = { fixture, id, NULL };
  g_autofree char *what = g_strdup_printf ("an error from %s", id);

  webrtc_test_wait_for (error_reported, &wait, what);
  return wait.found;
}

static void
assert_no_errors (Fixture *fixture)
{
  for (guint i = 0; i < fixture->errors->len; i++)
    g_test_message ("unexpected error: %s", (char *) g_ptr_array_index (fixture->errors, i));
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

typedef struct
{
  Fixture    *fixture;
  const char *id;
  const char *property;
  gint64      target;
} PropertyWait;

static gboolean
property_reached (gpointer user_data)
{
  PropertyWait *wait = user_data;
  g_autoptr(SlProcessor) processor = sl_runtime_get_processor (wait->fixture->runtime, wait->id);
  GParamSpec *pspec;
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GValue) as_int64 = G_VALUE_INIT;

  if (processor == NULL)
    return FALSE;
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (processor), wait->property);
  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (processor), wait->property, &value);
  g_value_init (&as_int64, G_TYPE_INT64);
  g_assert_true (g_value_transform (&value, &as_int64));
  return g_value_get_int64 (&as_int64) >= wait->target;
}

/* Waits until a numeric or boolean property of a processor reaches @target. */
static void
wait_property (Fixture    *fixture,
               const char *id,
               const char *property,
               gint64      target)
{
  PropertyWait wait = { fixture, id, property, target };
  g_autofree char *what = g_strdup_printf ("%s's %s to reach %" G_GINT64_FORMAT, id, property, target);

  webrtc_test_wait_for (property_reached, &wait, what);
}

/* Every a=candidate line of @sdp is a 127.0.0.1 host candidate; returns
 * how many there are. */
static guint
assert_loopback_candidates (const char *sdp)
{
  g_auto(GStrv) lines = g_strsplit (sdp, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "a=candidate:"))
      {
        g_assert_nonnull (strstr (lines[i], " 127.0.0.1 "));
        g_assert_nonnull (strstr (lines[i], " typ host"));
        count++;
      }
  return count;
}

/* A TCP port on 127.0.0.1 that nothing listens on. */
static guint
unused_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* ---- tests ------------------------------------------------------------------------------- */

/* whip-sink publishes video and audio: the POST is right (headers, offer),
 * the server's webrtcbin decodes what arrives, the 201's relative Location
 * and Link headers are taken, and a drain DELETEs the session. */
static void
test_whip_publish (void)
{
  Server *server = server_new ();
  Fixture fixture;
  g_autofree char *url = server_url (server, "/whip/live");
  g_autofree char *resource = NULL;
  g_autofree char *expected_resource = server_url (server, "/whip/resource/1");
  g_auto(GStrv) link_servers = NULL;
  Request *post, *delete;

  server->link = "<stun:127.0.0.1:3478>; rel=\"ice-server\", "
                 "<turn:127.0.0.1:3478?transport=udp>; rel=\"ice-server\"; username=\"user\"; "
                 "credential=\"pa:ss\"; credential-type=\"password\"";

  fixture_init (&fixture);
  webrtc_test_add (fixture.runtime, "video-test-source", "video", "is-live", "true", NULL);
  webrtc_test_add (fixture.runtime, "audio-test-source", "audio", "is-live", "true", NULL);
  webrtc_test_add (fixture.runtime, "whip-sink", "publish", "url", url, "token", "secret-token", NULL);
  webrtc_test_link (fixture.runtime, "video", "publish.video");
  webrtc_test_link (fixture.runtime, "audio", "publish.audio");
  start (&fixture);

  wait_property (&fixture, "publish", "connected", TRUE);
  wait_decoded (server, TRUE, 10);
  wait_decoded (server, FALSE, 10);

  post = server_find (server, "POST", 0);
  g_assert_nonnull (post);
  g_assert_cmpstr (post->path, ==, "/whip/live");
  g_assert_cmpstr (post->content_type, ==, "application/sdp");
  g_assert_cmpstr (post->accept, ==, "application/sdp");
  g_assert_cmpstr (post->authorization, ==, "Bearer secret-token");
  g_assert_true (g_str_has_prefix (post->body, "v=0"));
  g_assert_nonnull (strstr (post->body, "m=video"));
  g_assert_nonnull (strstr (post->body, "VP8/90000"));
  g_assert_nonnull (strstr (post->body, "m=audio"));
  g_assert_nonnull (strstr (post->body, "OPUS/48000"));
  g_assert_nonnull (strstr (post->body, "a=sendonly"));
  g_assert_nonnull (strstr (post->body, "a=group:BUNDLE"));
  /* Not trickling: the offer carries the candidates, loopback only. */
  g_assert_cmpuint (assert_loopback_candidates (post->body), >, 0);
  g_assert_nonnull (strstr (post->body, "a=end-of-candidates"));

  get (&fixture, "publish", "resource-url", &resource);
  g_assert_cmpstr (resource, ==, expected_resource);
  get (&fixture, "publish", "server-ice-servers", &link_servers);
  g_assert_cmpuint (g_strv_length (link_servers), ==, 2);
  g_assert_cmpstr (link_servers[0], ==, "stun://127.0.0.1:3478");
  g_assert_cmpstr (link_servers[1], ==, "turn://user:pa%3Ass@127.0.0.1:3478?transport=udp");
  g_assert_cmpint (get_int64 (&fixture, "publish", "frames"), >, 0);
  g_assert_cmpuint (server_count (server, "DELETE"), ==, 0);

  fixture_stop (&fixture, SL_STOP_DRAIN);

  delete = server_find (server, "DELETE", 0);
  g_assert_nonnull (delete);
  g_assert_cmpstr (delete->path, ==, "/whip/resource/1");
  g_assert_cmpstr (delete->authorization, ==, "Bearer secret-token");
  g_assert_cmpuint (server_count (server, "DELETE"), ==, 1);
  assert_no_errors (&fixture);

  fixture_clear (&fixture);
  server_free (server);
}

/* H.264 with trickle: the offer is POSTed at once, the candidates follow in
 * PATCH requests carrying the session's entity tag; stop DELETEs. */
static void
test_whip_trickle_h264 (void)
{
  Server *server = server_new ();
  Fixture fixture;
  g_autofree char *url = server_url (server, "/whip/live");
  Request *post, *patch;
  guint candidates = 0;

  server->etag = "\"trickle-etag\"";

  fixture_init (&fixture);
  webrtc_test_add (fixture.runtime, "video-test-source", "video", "is-live", "true", NULL);
  webrtc_test_add (fixture.runtime, "whip-sink", "publish", "url", url, "video-codec", "h264", "trickle", "true", NULL);
  webrtc_test_link (fixture.runtime, "video", "publish.video");
  start (&fixture);

  wait_property (&fixture, "publish", "connected", TRUE);
  wait_decoded (server, TRUE, 10);

  post = server_find (server, "POST", 0);
  g_assert_nonnull (post);
  g_assert_nonnull (strstr (post->body, "H264/90000"));
  g_assert_nonnull (strstr (post->body, "packetization-mode=1"));
  g_assert_null (strstr (post->body, "m=audio"));
  g_assert_null (strstr (post->body, "a=end-of-candidates"));
  g_assert_null (post->authorization);

  /* Every candidate came by PATCH, with the ETag of the 201. */
  g_assert_cmpuint (server_count (server, "PATCH"), >, 0);
  for (guint i = 0; (patch = server_find (server, "PATCH", i)) != NULL; i++)
    {
      g_assert_cmpstr (patch->path, ==, "/whip/resource/1");
      g_assert_cmpstr (patch->content_type, ==, "application/trickle-ice-sdpfrag");
      g_assert_cmpstr (patch->if_match, ==, "\"trickle-etag\"");
      g_assert_nonnull (strstr (patch->body, "a=ice-ufrag:"));
      g_assert_nonnull (strstr (patch->body, "a=mid:"));
      candidates += assert_loopback_candidates (patch->body);
    }
  g_assert_cmpuint (candidates + assert_loopback_candidates (post->body), >, 0);
  g_assert_cmpuint (candidates, >, 0);

  fixture_stop (&fixture, SL_STOP_IMMEDIATE);
  g_assert_cmpuint (server_count (server, "DELETE"), ==, 1);
  assert_no_errors (&fixture);

  fixture_clear (&fixture);
  server_free (server);
}

/* A 307 to another server is followed as a POST with the same body and
 * token; the 201's relative Location is resolved against the server that
 * answered, where the DELETE then goes. */
static void
test_whip_redirect (void)
{
  Server *front = server_new ();
  Server *back = server_new ();
  Fixture fixture;
  g_autofree char *url = server_url (front, "/whip");
  g_autofree char *resource = NULL;
  g_autofree char *expected_resource = server_url (back, "/ingest/resource/1");
  Request *first, *second;

  front->redirect_to = server_url (back, "/ingest/live");

  fixture_init (&fixture);
  webrtc_test_add (fixture.runtime, "video-test-source", "video", "is-live", "true", NULL);
  webrtc_test_add (fixture.runtime, "whip-sink", "publish", "url", url, "token", "redirected-token", NULL);
  webrtc_test_link (fixture.runtime, "video", "publish.video");
  start (&fixture);

  wait_property (&fixture, "publish", "connected", TRUE);
  wait_decoded (back, TRUE, 5);

  first = server_find (front, "POST", 0);
  second = server_find (back, "POST", 0);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_cmpstr (second->path, ==, "/ingest/live");
  g_assert_cmpstr (second->content_type, ==, "application/sdp");
  g_assert_cmpstr (second->body, ==, first->body);
  g_assert_cmpstr (second->authorization, ==, "Bearer redirected-token");
  g_assert_cmpuint (server_count (front, "POST"), ==, 1);

  get (&fixture, "publish", "resource-url", &resource);
  g_assert_cmpstr (resource, ==, expected_resource);

  fixture_stop (&fixture, SL_STOP_DRAIN);
  g_assert_cmpuint (server_count (back, "DELETE"), ==, 1);
  g_assert_cmpstr (server_find (back, "DELETE", 0)->path, ==, "/ingest/resource/1");
  g_assert_cmpuint (server_count (front, "DELETE"), ==, 0);
  assert_no_errors (&fixture);

  fixture_clear (&fixture);
  server_free (front);
  server_free (back);
}

/* restart-ice: new credentials PATCHed with If-Match: *, the server's new
 * ones applied; media keeps flowing. */
static void
test_whip_ice_restart (void)
{
  Server *server = server_new ();
  Fixture fixture;
  g_autofree char *url = server_url (server, "/whip/live");
  g_autofree char *offer_ufrag = NULL;
  g_autofree char *restart_ufrag = NULL;
  g_autoptr(SlProcessor) publish = NULL;
  Request *restart;
  gint decoded;

  fixture_init (&fixture);
  webrtc_test_add (fixture.runtime, "video-test-source", "video", "is-live", "true", NULL);
  webrtc_test_add (fixture.runtime, "whip-sink", "publish", "url", url, NULL);
  webrtc_test_link (fixture.runtime, "video", "publish.video");
  start (&fixture);

  wait_property (&fixture, "publish", "connected", TRUE);
  wait_decoded (server, TRUE, 5);

  publish = sl_runtime_get_processor (fixture.runtime, "publish");
  g_signal_emit_by_name (publish, "restart-ice");
  wait_property (&fixture, "publish", "ice-restarts", 1);

  restart = server_find (server, "PATCH", 0);
  g_assert_nonnull (restart);
  g_assert_cmpstr (restart->if_match, ==, "*");
  g_assert_cmpstr (restart->content_type, ==, "application/trickle-ice-sdpfrag");
  g_assert_cmpstr (restart->accept, ==, "application/trickle-ice-sdpfrag");
  offer_ufrag = fragment_value (server_find (server, "POST", 0)->body, "a=ice-ufrag:");
  restart_ufrag = fragment_value (restart->body, "a=ice-ufrag:");
  g_assert_nonnull (offer_ufrag);
  g_assert_nonnull (restart_ufrag);
  g_assert_cmpstr (offer_ufrag, !=, restart_ufrag);

  /* Media still flows after the restart. */
  g_mutex_lock (&server->mutex);
  decoded = g_atomic_int_get (&server->peer->decoded_video);
  g_mutex_unlock (&server->mutex);
  wait_decoded (server, TRUE, decoded + 20);

  fixture_stop (&fixture, SL_STOP_IMMEDIATE);
  g_assert_cmpuint (server_count (server, "DELETE"), ==, 1);
  assert_no_errors (&fixture);

  fixture_clear (&fixture);
  server_free (server);
}

typedef struct
{
  gint     frames;
  GstCaps *caps;
} Received;

static void
on_new_sample (SlProcessor *sink,
               GstSample   *sample,
               Received    *received)
{
  if (received->caps == NULL)
    received->caps = gst_caps_ref (gst_sample_get_caps (sample));
  received->frames++;
}

static gboolean
received_enough (gpointer user_data)
{
  Received *received = user_data;

  return received[0].frames >= 10 && received[1].frames >= 10;
}

/* whep-source plays the server's test pattern and tone (201 answer, or a
 * 406 counter-offer answered by PATCH): decoded frames with the server's
 * caps come out of both outputs. */
static void
play (gboolean counter_offer)
{
  Server *server = server_new ();
  Fixture fixture;
  g_autofree char *url = server_url (server, "/whep/live");
  g_autoptr(SlProcessor) video_sink = NULL;
  g_autoptr(SlProcessor) audio_sink = NULL;
  Received received[2] = { { 0 } };
  GstStructure *structure;
  gint width = 0, height = 0, rate = 0;
  Request *post, *patch;

  server->sender = TRUE;
  server->counter_offer = counter_offer;

  fixture_init (&fixture);
  webrtc_test_add (fixture.runtime, "whep-source", "play", "url", url, "token", "viewer", NULL);
  webrtc_test_add (fixture.runtime, "app-sink", "video-out", NULL);
  webrtc_test_add (fixture.runtime, "app-sink", "audio-out", NULL);
  webrtc_test_link (fixture.runtime, "play.video", "video-out");
  webrtc_test_link (fixture.runtime, "play.audio", "audio-out");
  start (&fixture);

  video_sink = sl_runtime_get_processor (fixture.runtime, "video-out");
  audio_sink = sl_runtime_get_processor (fixture.runtime, "audio-out");
  g_signal_connect (video_sink, "new-sample", G_CALLBACK (on_new_sample), &received[0]);
  g_signal_connect (audio_sink, "new-sample", G_CALLBACK (on_new_sample), &received[1]);
  webrtc_test_wait_for (received_enough, received, "10 decoded video and audio frames from whep-source");

  structure = gst_caps_get_structure (received[0].caps, 0);
  g_assert_cmpstr (gst_structure_get_name (structure), ==, "video/x-raw");
  g_assert_true (gst_structure_get_int (structure, "width", &width));
  g_assert_true (gst_structure_get_int (structure, "height", &height));
  g_assert_cmpint (width, ==, 320);
  g_assert_cmpint (height, ==, 240);
  structure = gst_caps_get_structure (received[1].caps, 0);
  g_assert_cmpstr (gst_structure_get_name (structure), ==, "audio/x-raw");
  g_assert_true (gst_structure_get_int (structure, "rate", &rate));
  g_assert_cmpint (rate, ==, 48000);
  g_assert_cmpint (get_int64 (&fixture, "play", "frames"), >=, 20);

  post = server_find (server, "POST", 0);
  g_assert_nonnull (post);
  g_assert_cmpstr (post->content_type, ==, "application/sdp");
  g_assert_cmpstr (post->authorization, ==, "Bearer viewer");
  g_assert_nonnull (strstr (post->body, "a=recvonly"));
  g_assert_null (strstr (post->body, "a=sendonly"));
  g_assert_nonnull (strstr (post->body, "VP8/90000"));
  g_assert_nonnull (strstr (post->body, "H264/90000"));
  g_assert_nonnull (strstr (post->body, "OPUS/48000"));

  patch = server_find (server, "PATCH", 0);
  if (counter_offer)
    {
      /* The answer to the server's offer, sent whole. */
      g_assert_nonnull (patch);
      g_assert_cmpstr (patch->path, ==, "/whep/resource/1");
      g_assert_cmpstr (patch->content_type, ==, "application/sdp");
      g_assert_cmpstr (patch->if_match, ==, "\"etag-1\"");
      g_assert_cmpstr (patch->authorization, ==, "Bearer viewer");
      g_assert_true (g_str_has_prefix (patch->body, "v=0"));
      g_assert_nonnull (strstr (patch->body, "a=recvonly"));
      g_assert_cmpuint (assert_loopback_candidates (patch->body), >, 0);
    }
  else
    g_assert_null (patch);

  fixture_stop (&fixture, SL_STOP_DRAIN);
  g_assert_cmpuint (server_count (server, "DELETE"), ==, 1);
  g_assert_cmpstr (server_find (server, "DELETE", 0)->path, ==, "/whep/resource/1");
  assert_no_errors (&fixture);

  gst_clear_caps (&received[0].caps);
  gst_clear_caps (&received[1].caps);
  fixture_clear (&fixture);
  server_free (server);
}

static void
test_whep_play (void)
{
  play (FALSE);
}

static void
test_whep_counter_offer (void)
{
  play (TRUE);
}

typedef struct
{
  const char *id;
  const char *factory;
  const char *path;       /* on the server, or NULL: nothing listens */
  const char *expected;   /* what the error says after "WHIP server URL" */
} ErrorCase;

typedef struct
{
  Fixture *fixture;
  gint64   target;
} NeighbourWait;

static gboolean
neighbour_counted (gpointer user_data)
{
  NeighbourWait *wait = user_data;

  return get_int64 (wait->fixture, "neighbour", "count") >= wait->target;
}

/* Every kind of refusal fails its processor with an error naming the URL,
 * the status, the reason and the server's words, while the rest of the
 * same runtime keeps running. */
static void
test_errors (void)
{
  static const ErrorCase cases[] = {
    { "whip-401", "whip-sink", "/status/401", " answered 401 Unauthorized: scripted 401 answer" },
    { "whip-403", "whip-sink", "/status/403", " answered 403 Stream Key Revoked: scripted 403 answer" },
    { "whip-404", "whip-sink", "/status/404", " answered 404 Not Found: scripted 404 answer" },
    { "whip-406", "whip-sink", "/status/406", " answered 406 Not Acceptable: scripted 406 answer" },
    { "whip-500", "whip-sink", "/status/500", " answered 500 Internal Server Error: scripted 500 answer" },
    { "whip-unreachable", "whip-sink", NULL, " cannot be reached: " },
    { "whip-loop", "whip-sink", "/loop", " redirected POST more than 5 times" },
    { "whip-no-location", "whip-sink", "/no-location", " answered 201 Created without a Location header" },
    { "whip-bad-answer", "whip-sink", "/bad-answer",
      " answered 201 with an unusable SDP answer: The SDP answer does not start with a version line (v=0)" },
    { "whep-403", "whep-source", "/status/403", " answered 403 Stream Key Revoked: scripted 403 answer" },
    { "whep-406", "whep-source", "/status/406", " answered 406 Not Acceptable: scripted 406 answer" },
    { "whep-unreachable", "whep-source", NULL, " cannot be reached: " },
  };
  Server *server = server_new ();
  g_autofree char *unreachable = g_strdup_printf ("http://127.0.0.1:%u/whip", unused_port ());
  Fixture fixture;
  NeighbourWait neighbour;

  fixture_init (&fixture);
  webrtc_test_add (fixture.runtime, "test-source", "ticks", "rate", "200", NULL);
  webrtc_test_add (fixture.runtime, "counter-sink", "neighbour", NULL);
  webrtc_test_link (fixture.runtime, "ticks", "neighbour");
  webrtc_test_add (fixture.runtime, "video-test-source", "video", "is-live", "true", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = cases[i].path != NULL ? server_url (server, cases[i].path) : g_strdup (unreachable);

      webrtc_test_add (fixture.runtime, cases[i].factory, cases[i].id, "url", url, "token", "wrong-token", NULL);
      if (g_str_equal (cases[i].factory, "whip-sink"))
        {
          g_autofree char *input = g_strdup_printf ("%s.video", cases[i].id);

          webrtc_test_link (fixture.runtime, "video", input);
        }
    }
  start (&fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *message = wait_error (&fixture, cases[i].id);
      g_autofree char *url = cases[i].path != NULL ? server_url (server, cases[i].path) : g_strdup (unreachable);
      g_autofree char *expected = NULL;

      expected = g_strdup_printf ("%s server %s%s", g_str_equal (cases[i].factory, "whip-sink") ? "WHIP" : "WHEP",
                                  url, cases[i].expected);
      g_test_message ("%s: %s", cases[i].id, message);
      g_assert_nonnull (strstr (message, expected));
      g_assert_cmpint (sl_runtime_get_processor_state (fixture.runtime, cases[i].id), ==,
                       SL_PROCESSOR_STATE_FAILED);
    }

  /* The token went with each request, redirected ones included. */
  for (guint i = 0; i < server_count (server, "POST"); i++)
    g_assert_cmpstr (server_find (server, "POST", i)->authorization, ==, "Bearer wrong-token");
  g_assert_cmpuint (server_count (server, "POST"), ==, 7 + 6 + 2);

  /* The neighbour chain and the shared source run on. */
  neighbour.fixture = &fixture;
  neighbour.target = get_int64 (&fixture, "neighbour", "count") + 50;
  webrtc_test_wait_for (neighbour_counted, &neighbour, "the neighbour to count 50 more frames");
  g_assert_cmpint (sl_runtime_get_processor_state (fixture.runtime, "neighbour"), ==,
                   SL_PROCESSOR_STATE_RUNNING);
  g_assert_cmpint (sl_runtime_get_processor_state (fixture.runtime, "video"), ==,
                   SL_PROCESSOR_STATE_RUNNING);
  g_assert_cmpuint (fixture.errors->len, ==, G_N_ELEMENTS (cases));

  fixture_stop (&fixture, SL_STOP_IMMEDIATE);

  /* Only the session whose answer was unusable had been created: it is
   * deleted all the same. */
  g_assert_cmpuint (server_count (server, "DELETE"), ==, 1);
  g_assert_cmpstr (server_find (server, "DELETE", 0)->path, ==, "/resource/1");

  fixture_clear (&fixture);
  server_free (server);
}

/* Bad settings are refused when set, the graph unchanged. */
static void
test_bad_properties (void)
{
  const char *bad_servers[][2] = {
    { "http://stun.example.org", NULL },
    { "turn:127.0.0.1:3478", NULL },          /* TURN without credentials */
    { "stun:127.0.0.1:99999", NULL },
    { "stun:", NULL },
  };
  const char *good_servers[] = { "stun:stun.example.org:3478", "turn:user:pass@127.0.0.1?transport=udp",
                                 "turns://user:pass@[::1]:5349", NULL };
  Fixture fixture;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GStrv) stored = NULL;
  g_autoptr(SlGraph) graph = NULL;

  fixture_init (&fixture);
  webrtc_test_add (fixture.runtime, "whip-sink", "publish", NULL);
  webrtc_test_add (fixture.runtime, "whep-source", "play", NULL);

  sl_runtime_set_from_string (fixture.runtime, "publish", "url", "ftp://127.0.0.1/whip", &error);
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "ftp://127.0.0.1/whip"));
  g_clear_error (&error);
  sl_runtime_set_from_string (fixture.runtime, "play", "url", "not a url", &error);
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_clear_error (&error);
  sl_runtime_set_from_string (fixture.runtime, "publish", "video-codec", "vp9", &error);
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "vp9"));
  g_clear_error (&error);

  g_value_init (&value, G_TYPE_STRV);
  for (guint i = 0; i < G_N_ELEMENTS (bad_servers); i++)
    {
      g_value_set_boxed (&value, bad_servers[i]);
      sl_runtime_set (fixture.runtime, "publish", "ice-servers", &value, &error);
      g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
      g_clear_error (&error);
    }
  g_value_set_boxed (&value, good_servers);
  sl_runtime_set (fixture.runtime, "play", "ice-servers", &value, &error);
  g_assert_no_error (error);

  /* Nothing bad was stored. */
  graph = sl_runtime_get_graph (fixture.runtime);
  g_value_unset (&value);
  sl_graph_get_node_property (graph, "publish", "url", &value, &error);
  g_assert_no_error (error);
  g_assert_null (g_value_get_string (&value));
  g_value_unset (&value);
  sl_graph_get_node_property (graph, "publish", "video-codec", &value, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_value_get_string (&value), ==, "vp8");
  g_value_unset (&value);
  sl_graph_get_node_property (graph, "publish", "ice-servers", &value, &error);
  g_assert_no_error (error);
  g_assert_null (g_value_get_boxed (&value));
  g_value_unset (&value);
  sl_graph_get_node_property (graph, "play", "ice-servers", &value, &error);
  g_assert_no_error (error);
  stored = g_value_dup_boxed (&value);
  g_assert_cmpuint (g_strv_length (stored), ==, 3);

  fixture_clear (&fixture);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  g_test_add_func ("/whip-client/whip/publish", test_whip_publish);
  g_test_add_func ("/whip-client/whip/trickle-h264", test_whip_trickle_h264);
  g_test_add_func ("/whip-client/whip/redirect", test_whip_redirect);
  g_test_add_func ("/whip-client/whip/ice-restart", test_whip_ice_restart);
  g_test_add_func ("/whip-client/whep/play", test_whep_play);
  g_test_add_func ("/whip-client/whep/counter-offer", test_whep_counter_offer);
  g_test_add_func ("/whip-client/errors", test_errors);
  g_test_add_func ("/whip-client/bad-properties", test_bad_properties);

  return g_test_run ();
}
