/* sl-whip-client.c: the WHIP/WHEP client's signalling session
 *
 * The protocol steps are described in sl-whip-client-private.h. Here, how
 * the threads share the work:
 *
 * - The signalling thread owns the SoupSession (libsoup 3 binds a session
 *   to the context it is used from) and runs every HTTP request
 *   synchronously, one after the other, from tasks queued on its
 *   GMainContext: negotiate, flush the trickle, restart ICE, close. Blocking
 *   there stalls nobody else: each client has its own thread.
 * - webrtcbin calls back on its own threads (candidates, connection state,
 *   bus errors); those callbacks only record and queue a task.
 * - The owner (a processor) reads the state and the first error under the
 *   mutex, never waiting, except in sl_whip_client_close(), which waits for
 *   the DELETE with a time limit and cancels it past that.
 * Every wait — webrtcbin's promises, ICE gathering, each HTTP request
 * (SL_WHIP_CLIENT_HTTP_TIMEOUT) — is bounded, and cancelled by closing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdatomic.h>
#include <string.h>

#include "sl-whip-client-private.h"

/* How long webrtcbin may take to create or take a description. */
#define SL_WHIP_PROMISE_TIMEOUT (5 * G_TIME_SPAN_SECOND)
/* Redirects followed for one request. */
#define SL_WHIP_MAX_REDIRECTS 5
/* How much longer than asked closing waits once it cancelled the DELETE. */
#define SL_WHIP_CANCEL_GRACE (G_TIME_SPAN_SECOND)

struct _SlWhipClient
{
  GObject                parent_instance;

  /* Set at construction, then read only. */
  char                  *what;          /* "WHIP server" */
  char                  *url;
  char                  *token;
  gboolean               loopback;
  GMainContext          *context;
  GMainLoop             *loop;
  GCancellable          *cancellable;       /* negotiation, trickle, restart */
  GCancellable          *close_cancellable; /* the DELETE */

  /* Set by the owner before start. */
  gboolean               trickle;
  SlWhipClientRenewFunc  renew;
  gpointer               renew_data;
  GFunc                  notify;
  gpointer               notify_data;

  /* The owner's. */
  GThread               *thread;

  /* The signalling thread's (webrtcbin is set by start, before the first
   * task is queued, and released by the last one). */
  SoupSession           *session;
  GstElement            *webrtcbin;
  gulong                 connection_id;
  gulong                 ice_connection_id;
  SlWebrtcIceGatherer   *gatherer;
  gboolean               trickle_refused;
  gboolean               end_sent;
  gboolean               counter_offered;
  gboolean               restarting;
  gboolean               link_servers_applied;
  atomic_bool            flush_queued;

  /* Guarded by mutex. */
  GMutex                 mutex;
  GCond                  cond;
  SlWhipClientState      state;
  GError                *error;
  GError                *close_error;
  char                  *resource_url;
  char                  *etag;
  char                 **link_ice_servers;
  guint                  ice_restarts;
  gboolean               started;
  gboolean               closing;
  gboolean               thread_done;
};

G_DEFINE_FINAL_TYPE (SlWhipClient, sl_whip_client, G_TYPE_OBJECT)

typedef void (*SlWhipTaskFunc) (SlWhipClient *self);

typedef struct
{
  SlWhipClient   *self;
  SlWhipTaskFunc  func;
} SlWhipTask;

static void sl_whip_client_flush (SlWhipClient *self);

/* ---- state -------------------------------------------------------------------- */

static void
sl_whip_client_call_notify (SlWhipClient *self)
{
  if (self->notify != NULL)
    self->notify (self, self->notify_data);
}

static void
sl_whip_client_set_state (SlWhipClient      *self,
                          SlWhipClientState  from,
                          SlWhipClientState  to)
{
  gboolean changed = FALSE;

  g_mutex_lock (&self->mutex);
  if (self->state == from && !self->closing)
    {
      self->state = to;
      changed = TRUE;
    }
  g_mutex_unlock (&self->mutex);

  if (changed)
    sl_whip_client_call_notify (self);
}

/* Records @error (taken) as the session's failure, unless one is recorded
 * already or the client is closing (then it is an effect of the close). */
static void
sl_whip_client_fail (SlWhipClient *self,
                     GError       *error)
{
  gboolean recorded = FALSE;

  g_mutex_lock (&self->mutex);
  if (self->error == NULL && !self->closing &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->error = error;
      self->state = SL_WHIP_CLIENT_STATE_FAILED;
      recorded = TRUE;
    }
  g_mutex_unlock (&self->mutex);

  if (recorded)
    {
      g_debug ("%s session failed: %s", self->what, error->message);
      sl_whip_client_call_notify (self);
    }
  else
    g_error_free (error);
}

static gboolean
sl_whip_client_is_closing (SlWhipClient *self)
{
  gboolean closing;

  g_mutex_lock (&self->mutex);
  closing = self->closing;
  g_mutex_unlock (&self->mutex);
  return closing;
}

/* ---- tasks on the signalling thread -------------------------------------------- */

static gboolean
sl_whip_task_dispatch (gpointer user_data)
{
  SlWhipTask *task = user_data;

  task->func (task->self);
  return G_SOURCE_REMOVE;
}

/* Tasks hold no reference: they run only while the thread (which holds
 * one) runs, and the context frees those left over when the client goes. */
static void
sl_whip_client_queue (SlWhipClient   *self,
                      SlWhipTaskFunc  func)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  SlWhipTask *task = g_new0 (SlWhipTask, 1);

  task->self = self;
  task->func = func;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, sl_whip_task_dispatch, task, g_free);
  g_source_set_static_name (source, "sl-whip-client task");
  g_source_attach (source, self->context);
}

static gpointer
sl_whip_client_thread (gpointer user_data)
{
  SlWhipClient *self = user_data;

  g_main_context_push_thread_default (self->context);

  self->session = soup_session_new_with_options ("timeout", SL_WHIP_CLIENT_HTTP_TIMEOUT,
                                                 "idle-timeout", 30,
                                                 "user-agent", "streamlib/" PACKAGE_VERSION " ",
                                                 NULL);
  /* A proxy has nothing to do between two ends of the same machine. */
  if (self->loopback)
    soup_session_set_proxy_resolver (self->session, NULL);

  g_main_loop_run (self->loop);

  g_clear_object (&self->session);
  g_main_context_pop_thread_default (self->context);

  g_mutex_lock (&self->mutex);
  self->thread_done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_object_unref (self);
  return NULL;
}

/* ---- HTTP ------------------------------------------------------------------------ */

static char *
sl_bytes_to_string (GBytes *bytes)
{
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

  return g_strndup (data != NULL ? data : "", size);
}

/* Sends one request, following 307/308 redirects with the same method,
 * headers and body. Returns the final message (its body in *@response and
 * the URL that answered in *@answered_url), or NULL with @error set when no
 * HTTP answer came (or the redirects went wrong). */
static SoupMessage *
sl_whip_client_send (SlWhipClient  *self,
                     const char    *method,
                     const char    *url,
                     const char    *content_type,
                     const char    *accept,
                     const char    *if_match,
                     const char    *body,
                     GCancellable  *cancellable,
                     char         **response,
                     char         **answered_url,
                     GError       **error)
{
  g_autofree char *current = g_strdup (url);

  for (guint redirects = 0; ; redirects++)
    {
      g_autoptr(SoupMessage) message = soup_message_new (method, current);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) local_error = NULL;
      SoupMessageHeaders *headers;
      const char *location;
      guint status;

      if (message == NULL)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                       _("%s URL “%s” is not a valid http:// or https:// URL"), self->what, current);
          return NULL;
        }

      /* libsoup would turn a redirected POST into a GET: redirects are
       * followed here, keeping the method and the body. */
      soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
      headers = soup_message_get_request_headers (message);
      if (self->token != NULL)
        {
          g_autofree char *authorization = g_strdup_printf ("Bearer %s", self->token);

          soup_message_headers_replace (headers, "Authorization", authorization);
        }
      if (accept != NULL)
        soup_message_headers_replace (headers, "Accept", accept);
      if (if_match != NULL)
        soup_message_headers_replace (headers, "If-Match", if_match);
      if (body != NULL)
        {
          g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

          soup_message_set_request_body_from_bytes (message, content_type, bytes);
        }

      g_debug ("%s %s", method, current);
      reply = soup_session_send_and_read (self->session, message, cancellable, &local_error);
      if (reply == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_propagate_error (error, sl_webrtc_error_from_status (self->what, current, 0,
                                                                   local_error->message, NULL));
          return NULL;
        }

      status = soup_message_get_status (message);
      if (status != SOUP_STATUS_TEMPORARY_REDIRECT && status != SOUP_STATUS_PERMANENT_REDIRECT)
        {
          *response = sl_bytes_to_string (reply);
          *answered_url = g_steal_pointer (&current);
          return g_steal_pointer (&message);
        }

      location = soup_message_headers_get_one (soup_message_get_response_headers (message), "Location");
      if (location == NULL)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("%s %s answered %u %s without a Location header"),
                       self->what, current, status, soup_status_get_phrase (status));
          return NULL;
        }
      if (redirects == SL_WHIP_MAX_REDIRECTS)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("%s %s redirected %s more than %u times"),
                       self->what, url, method, SL_WHIP_MAX_REDIRECTS);
          return NULL;
        }

      {
        g_autoptr(GError) uri_error = NULL;
        char *next = g_uri_resolve_relative (current, location, G_URI_FLAGS_NONE, &uri_error);

        if (next == NULL)
          {
            g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("%s %s redirected to an invalid URL “%s”: %s"),
                         self->what, current, location, uri_error->message);
            return NULL;
          }
        g_debug ("%s %s: %u redirect to %s", method, current, status, next);
        g_free (current);
        current = next;
      }
    }
}

static GError *
sl_whip_client_status_error (SlWhipClient *self,
                             SoupMessage  *message,
                             const char   *url,
                             const char   *body)
{
  return sl_webrtc_error_from_status (self->what, url, soup_message_get_status (message),
                                      soup_message_get_reason_phrase (message), body);
}

/* Keeps the resource the server created: Location (mandatory), ETag, Link. */
static gboolean
sl_whip_client_take_resource (SlWhipClient  *self,
                              SoupMessage   *message,
                              const char    *answered_url,
                              GError       **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *location = soup_message_headers_get_one (headers, "Location");
  g_autoptr(GError) uri_error = NULL;
  g_autofree char *resource = NULL;
  g_auto(GStrv) servers = NULL;

  if (location == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   _("%s %s answered %u %s without a Location header: the session cannot be addressed"),
                   self->what, answered_url, soup_message_get_status (message),
                   soup_status_get_phrase (soup_message_get_status (message)));
      return FALSE;
    }

  resource = g_uri_resolve_relative (answered_url, location, G_URI_FLAGS_NONE, &uri_error);
  if (resource == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("%s %s answered with an invalid Location “%s”: %s"),
                   self->what, answered_url, location, uri_error->message);
      return FALSE;
    }

  servers = sl_webrtc_parse_link_ice_servers (headers);

  g_mutex_lock (&self->mutex);
  g_free (self->resource_url);
  self->resource_url = g_steal_pointer (&resource);
  g_free (self->etag);
  self->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  g_strfreev (self->link_ice_servers);
  self->link_ice_servers = g_steal_pointer (&servers);
  g_mutex_unlock (&self->mutex);

  return TRUE;
}

static void
sl_whip_client_update_etag (SlWhipClient *self,
                            SoupMessage  *message)
{
  const char *etag = soup_message_headers_get_one (soup_message_get_response_headers (message), "ETag");

  if (etag == NULL)
    return;

  g_mutex_lock (&self->mutex);
  g_free (self->etag);
  self->etag = g_strdup (etag);
  g_mutex_unlock (&self->mutex);
}

/* ---- webrtcbin ----------------------------------------------------------------- */

static void
sl_whip_client_on_connection_state (GObject    *webrtcbin,
                                    GParamSpec *pspec,
                                    gpointer    user_data)
{
  SlWhipClient *self = user_data;
  GstWebRTCPeerConnectionState connection;
  GstWebRTCICEConnectionState ice;

  g_object_get (webrtcbin, "connection-state", &connection, "ice-connection-state", &ice, NULL);

  if (connection == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED || ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    sl_whip_client_fail (self, g_error_new (SL_ERROR, SL_ERROR_FAILED,
                                            _("The WebRTC connection with %s %s failed (%s)"),
                                            self->what, self->url,
                                            ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED
                                              ? "no ICE candidate pair works" : "DTLS"));
  else if (connection == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    sl_whip_client_set_state (self, SL_WHIP_CLIENT_STATE_NEGOTIATED, SL_WHIP_CLIENT_STATE_CONNECTED);
}

static void
sl_whip_client_queue_flush (SlWhipClient *self)
{
  if (!atomic_exchange (&self->flush_queued, TRUE))
    sl_whip_client_queue (self, sl_whip_client_flush);
}

static void
sl_whip_client_on_gathered (gpointer gatherer,
                            gpointer user_data)
{
  sl_whip_client_queue_flush (user_data);
}

static void
sl_whip_client_closure_unref (gpointer  data,
                              GClosure *closure)
{
  g_object_unref (data);
}

static void
sl_whip_client_hold_webrtcbin (SlWhipClient *self,
                               GstElement   *webrtcbin)
{
  self->webrtcbin = gst_object_ref (webrtcbin);
  /* Handlers hold a reference: one may still run after disconnection. */
  self->connection_id =
    g_signal_connect_data (webrtcbin, "notify::connection-state",
                           G_CALLBACK (sl_whip_client_on_connection_state),
                           g_object_ref (self), sl_whip_client_closure_unref, 0);
  self->ice_connection_id =
    g_signal_connect_data (webrtcbin, "notify::ice-connection-state",
                           G_CALLBACK (sl_whip_client_on_connection_state),
                           g_object_ref (self), sl_whip_client_closure_unref, 0);
  self->gatherer = sl_webrtc_ice_gatherer_new (webrtcbin, sl_whip_client_on_gathered, self);
}

static void
sl_whip_client_release_webrtcbin (SlWhipClient *self)
{
  if (self->webrtcbin == NULL)
    return;

  g_clear_pointer (&self->gatherer, sl_webrtc_ice_gatherer_free);
  g_clear_signal_handler (&self->connection_id, self->webrtcbin);
  g_clear_signal_handler (&self->ice_connection_id, self->webrtcbin);
  gst_clear_object (&self->webrtcbin);
}

/* The local description's SDP as text. With @wait, after a bounded wait
 * for ICE gathering, with the candidates gathered; without, bare (they will
 * be trickled). */
static char *
sl_whip_client_local_sdp (SlWhipClient                *self,
                          GstWebRTCSessionDescription *description,
                          gboolean                     wait,
                          GError                     **error)
{
  g_autoptr(GError) gather_error = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  GstSDPMessage *sdp = NULL;
  gboolean complete;
  char *text;

  if (wait && !sl_webrtc_ice_gatherer_wait (self->gatherer, SL_WEBRTC_GATHER_TIMEOUT,
                                            self->cancellable, &gather_error))
    {
      if (g_error_matches (gather_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&gather_error));
          return NULL;
        }
      /* Not fatal: what was not gathered yet is trickled. */
      g_debug ("%s %s: %s; sending the candidates gathered so far", self->what, self->url,
               gather_error->message);
    }

  gst_sdp_message_copy (description->sdp, &sdp);
  /* Trickling, every candidate goes by PATCH, even those already there. */
  if (wait)
    {
      complete = sl_webrtc_ice_gatherer_is_complete (self->gatherer);
      candidates = sl_webrtc_ice_gatherer_take (self->gatherer);
      sl_webrtc_sdp_add_candidates (sdp, candidates, complete);
      self->end_sent = complete;
    }
  text = gst_sdp_message_as_text (sdp);
  gst_sdp_message_free (sdp);

  return text;
}

/* ---- the negotiation ------------------------------------------------------------- */

static gboolean
sl_whip_client_prefix_error (SlWhipClient  *self,
                             GError       **error)
{
  if (error != NULL && *error != NULL && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (error, _("Negotiating with %s %s: "), self->what, self->url);
  return FALSE;
}

/* 406 with an SDP offer: a fresh webrtcbin answers it, the answer goes back
 * by PATCH. */
static gboolean
sl_whip_client_answer_counter_offer (SlWhipClient  *self,
                                     SoupMessage   *message,
                                     const char    *answered_url,
                                     const char    *body,
                                     GError       **error)
{
  g_autoptr(GstWebRTCSessionDescription) offer = NULL;
  g_autoptr(GstWebRTCSessionDescription) answer = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(SoupMessage) patch = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *patched_url = NULL;
  GstElement *webrtcbin;

  if (!sl_whip_client_take_resource (self, message, answered_url, error))
    return FALSE;

  offer = sl_webrtc_sdp_parse (body, GST_WEBRTC_SDP_TYPE_OFFER, &parse_error);
  if (offer == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("%s %s answered 406 with an unusable SDP counter-offer: %s"),
                   self->what, answered_url, parse_error->message);
      return FALSE;
    }

  /* The old webrtcbin holds our offer as its local description and cannot
   * take an offer now: the owner gives a fresh one. */
  sl_whip_client_release_webrtcbin (self);
  webrtcbin = self->renew (self, self->renew_data, error);
  if (webrtcbin == NULL)
    return sl_whip_client_prefix_error (self, error);
  sl_whip_client_hold_webrtcbin (self, webrtcbin);
  gst_object_unref (webrtcbin);
  self->counter_offered = TRUE;

  if (!sl_webrtc_set_description (self->webrtcbin, FALSE, offer, SL_WHIP_PROMISE_TIMEOUT,
                                  self->cancellable, error))
    return sl_whip_client_prefix_error (self, error);
  answer = sl_webrtc_create_description (self->webrtcbin, GST_WEBRTC_SDP_TYPE_ANSWER, NULL,
                                         SL_WHIP_PROMISE_TIMEOUT, self->cancellable, error);
  if (answer == NULL ||
      !sl_webrtc_set_description (self->webrtcbin, TRUE, answer, SL_WHIP_PROMISE_TIMEOUT,
                                  self->cancellable, error))
    return sl_whip_client_prefix_error (self, error);

  /* The answer is sent whole: wait for the candidates (bounded). */
  text = sl_whip_client_local_sdp (self, answer, TRUE, error);
  if (text == NULL)
    return FALSE;

  g_mutex_lock (&self->mutex);
  resource = g_strdup (self->resource_url);
  etag = g_strdup (self->etag);
  g_mutex_unlock (&self->mutex);

  patch = sl_whip_client_send (self, "PATCH", resource, "application/sdp", NULL, etag, text,
                               self->cancellable, &reply, &patched_url, error);
  if (patch == NULL)
    return FALSE;
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (patch)))
    {
      g_propagate_error (error, sl_whip_client_status_error (self, patch, patched_url, reply));
      g_prefix_error (error, _("Sending the answer to a counter-offer: "));
      return FALSE;
    }
  sl_whip_client_update_etag (self, patch);

  return TRUE;
}

static gboolean
sl_whip_client_do_negotiate (SlWhipClient  *self,
                             GError       **error)
{
  g_autoptr(GstWebRTCSessionDescription) offer = NULL;
  g_autoptr(GstWebRTCSessionDescription) answer = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  g_autofree char *answered_url = NULL;
  const char *content_type;
  guint status;

  sl_whip_client_set_state (self, SL_WHIP_CLIENT_STATE_NEW, SL_WHIP_CLIENT_STATE_NEGOTIATING);

  offer = sl_webrtc_create_description (self->webrtcbin, GST_WEBRTC_SDP_TYPE_OFFER, NULL,
                                        SL_WHIP_PROMISE_TIMEOUT, self->cancellable, error);
  if (offer == NULL ||
      !sl_webrtc_set_description (self->webrtcbin, TRUE, offer, SL_WHIP_PROMISE_TIMEOUT,
                                  self->cancellable, error))
    return sl_whip_client_prefix_error (self, error);

  text = sl_whip_client_local_sdp (self, offer, !self->trickle, error);
  if (text == NULL)
    return FALSE;

  message = sl_whip_client_send (self, "POST", self->url, "application/sdp", "application/sdp", NULL, text,
                                 self->cancellable, &body, &answered_url, error);
  if (message == NULL)
    return FALSE;

  status = soup_message_get_status (message);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (message), NULL);

  if (status == SOUP_STATUS_NOT_ACCEPTABLE && self->renew != NULL &&
      g_strcmp0 (content_type, "application/sdp") == 0 && *body != '\0')
    {
      if (!sl_whip_client_answer_counter_offer (self, message, answered_url, body, error))
        return FALSE;
    }
  else if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (!sl_whip_client_take_resource (self, message, answered_url, error))
        return FALSE;

      answer = sl_webrtc_sdp_parse (body, GST_WEBRTC_SDP_TYPE_ANSWER, &parse_error);
      if (answer == NULL)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("%s %s answered %u with an unusable SDP answer: %s"),
                       self->what, answered_url, status, parse_error->message);
          return FALSE;
        }
      if (!sl_webrtc_set_description (self->webrtcbin, FALSE, answer, SL_WHIP_PROMISE_TIMEOUT,
                                      self->cancellable, error))
        return sl_whip_client_prefix_error (self, error);
    }
  else
    {
      g_propagate_error (error, sl_whip_client_status_error (self, message, answered_url, body));
      return FALSE;
    }

  sl_whip_client_set_state (self, SL_WHIP_CLIENT_STATE_NEGOTIATING, SL_WHIP_CLIENT_STATE_NEGOTIATED);
  /* webrtcbin may have connected while the state was still negotiating. */
  sl_whip_client_on_connection_state (G_OBJECT (self->webrtcbin), NULL, self);
  return TRUE;
}

static void
sl_whip_client_negotiate (SlWhipClient *self)
{
  g_autoptr(GError) error = NULL;

  if (sl_whip_client_is_closing (self))
    return;

  if (!sl_whip_client_do_negotiate (self, &error))
    {
      sl_whip_client_fail (self, g_steal_pointer (&error));
      return;
    }

  sl_whip_client_flush (self);
}

/* ---- trickle ----------------------------------------------------------------------- */

static void
sl_whip_client_flush (SlWhipClient *self)
{
  g_autoptr(GstWebRTCSessionDescription) local = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *ufrag = NULL;
  g_autofree char *pwd = NULL;
  g_autofree char *fragment = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *answered_url = NULL;
  SlWhipClientState state;
  gboolean complete;
  guint status;

  atomic_store (&self->flush_queued, FALSE);

  g_mutex_lock (&self->mutex);
  state = self->state;
  resource = g_strdup (self->resource_url);
  etag = g_strdup (self->etag);
  g_mutex_unlock (&self->mutex);

  if (self->webrtcbin == NULL || self->trickle_refused || self->restarting || resource == NULL ||
      (state != SL_WHIP_CLIENT_STATE_NEGOTIATED && state != SL_WHIP_CLIENT_STATE_CONNECTED) ||
      sl_whip_client_is_closing (self))
    return;

  complete = sl_webrtc_ice_gatherer_is_complete (self->gatherer) && !self->end_sent;
  candidates = sl_webrtc_ice_gatherer_take (self->gatherer);
  if (candidates->len == 0 && !complete)
    return;

  g_object_get (self->webrtcbin, "local-description", &local, NULL);
  if (local == NULL)
    return;
  sl_webrtc_sdp_get_ice_credentials (local->sdp, &ufrag, &pwd);
  fragment = sl_webrtc_trickle_build (local->sdp, ufrag, pwd, candidates, complete);

  message = sl_whip_client_send (self, "PATCH", resource, "application/trickle-ice-sdpfrag", NULL, etag,
                                 fragment, self->cancellable, &reply, &answered_url, &error);
  if (message == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Trickling ICE candidates: %s", error->message);
      return;
    }

  status = soup_message_get_status (message);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      self->end_sent = self->end_sent || complete;
      return;
    }

  /* The server does not trickle: the connection relies on what the offer
   * carried and on peer-reflexive candidates. */
  self->trickle_refused = TRUE;
  if (status == SOUP_STATUS_METHOD_NOT_ALLOWED || status == SOUP_STATUS_UNPROCESSABLE_ENTITY ||
      status == SOUP_STATUS_NOT_IMPLEMENTED)
    g_debug ("%s %s does not take trickled candidates (%u)", self->what, answered_url, status);
  else
    {
      g_autoptr(GError) refused = sl_whip_client_status_error (self, message, answered_url, reply);

      g_warning ("Trickling ICE candidates: %s", refused->message);
    }
}

/* ---- ICE restart ----------------------------------------------------------------- */

/* The ICE servers of the server's Link headers, for the next gathering. */
static void
sl_whip_client_apply_link_servers (SlWhipClient *self)
{
  g_auto(GStrv) servers = sl_whip_client_dup_link_ice_servers (self);
  g_autofree char *stun = NULL;

  if (self->link_servers_applied)
    return;
  self->link_servers_applied = TRUE;

  g_object_get (self->webrtcbin, "stun-server", &stun, NULL);
  for (guint i = 0; servers[i] != NULL; i++)
    {
      gboolean added = FALSE;

      if (g_str_has_prefix (servers[i], "stun:"))
        {
          if (stun == NULL)
            {
              g_object_set (self->webrtcbin, "stun-server", servers[i], NULL);
              stun = g_strdup (servers[i]);
            }
        }
      else
        {
          g_signal_emit_by_name (self->webrtcbin, "add-turn-server", servers[i], &added);
          if (!added)
            g_debug ("webrtcbin refused the TURN server %s of %s %s", servers[i], self->what, self->url);
        }
    }
}

static gboolean
sl_whip_client_do_restart (SlWhipClient  *self,
                           GError       **error)
{
  g_autoptr(GstStructure) options = NULL;
  g_autoptr(GstWebRTCSessionDescription) offer = NULL;
  g_autoptr(GstWebRTCSessionDescription) remote = NULL;
  g_autoptr(GstWebRTCSessionDescription) previous = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GPtrArray) taken = NULL;
  g_autoptr(GPtrArray) remote_candidates = NULL;
  g_autofree char *previous_ufrag = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *ufrag = NULL;
  g_autofree char *pwd = NULL;
  g_autofree char *remote_ufrag = NULL;
  g_autofree char *remote_pwd = NULL;
  g_autofree char *fragment = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *answered_url = NULL;
  gboolean complete, remote_complete = FALSE;
  GstSDPMessage *sdp;
  SlWhipClientState state;

  g_mutex_lock (&self->mutex);
  state = self->state;
  resource = g_strdup (self->resource_url);
  g_mutex_unlock (&self->mutex);

  if (resource == NULL ||
      (state != SL_WHIP_CLIENT_STATE_NEGOTIATED && state != SL_WHIP_CLIENT_STATE_CONNECTED))
    {
      g_message ("%s %s: no ICE restart before the session is established", self->what, self->url);
      return TRUE;
    }
  if (self->counter_offered)
    {
      g_message ("%s %s: no ICE restart after a counter-offer (the server made the offer)",
                 self->what, self->url);
      return TRUE;
    }

  sl_whip_client_apply_link_servers (self);
  self->restarting = TRUE;

  g_object_get (self->webrtcbin, "local-description", &previous, NULL);
  if (previous != NULL)
    sl_webrtc_sdp_get_ice_credentials (previous->sdp, &previous_ufrag, NULL);

  options = gst_structure_new ("webrtcbin-offer-options", "ice-restart", G_TYPE_BOOLEAN, TRUE, NULL);
  offer = sl_webrtc_create_description (self->webrtcbin, GST_WEBRTC_SDP_TYPE_OFFER, options,
                                        SL_WHIP_PROMISE_TIMEOUT, self->cancellable, error);
  if (offer == NULL)
    return sl_whip_client_prefix_error (self, error);

  /* webrtcbin 1.22 ignores "ice-restart" and offers the same credentials:
   * new ones go in the offer, which webrtcbin then gives the ICE agent. */
  if (!sl_webrtc_sdp_get_ice_credentials (offer->sdp, &ufrag, &pwd) || g_strcmp0 (ufrag, previous_ufrag) == 0)
    {
      GstWebRTCSessionDescription *renewed;

      g_free (ufrag);
      g_free (pwd);
      ufrag = sl_webrtc_random_ice_string (16);
      pwd = sl_webrtc_random_ice_string (32);
      renewed = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER,
                                                    sl_webrtc_sdp_with_ice_credentials (offer->sdp, ufrag, pwd));
      gst_webrtc_session_description_free (offer);
      offer = renewed;
    }

  if (!sl_webrtc_set_description (self->webrtcbin, TRUE, offer, SL_WHIP_PROMISE_TIMEOUT,
                                  self->cancellable, error))
    return sl_whip_client_prefix_error (self, error);

  /* The host addresses are the same and libnice does not gather again for
   * a stream it has gathered: the candidates found so far still hold. */
  complete = sl_webrtc_ice_gatherer_is_complete (self->gatherer);
  candidates = sl_webrtc_ice_gatherer_get_all (self->gatherer);
  taken = sl_webrtc_ice_gatherer_take (self->gatherer);
  fragment = sl_webrtc_trickle_build (offer->sdp, ufrag, pwd, candidates, complete);

  /* RFC 9725 §4.3.2: an ICE restart matches any entity: If-Match: *. */
  message = sl_whip_client_send (self, "PATCH", resource, "application/trickle-ice-sdpfrag",
                                 "application/trickle-ice-sdpfrag", "*", fragment,
                                 self->cancellable, &reply, &answered_url, error);
  if (message == NULL)
    return FALSE;
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      g_propagate_error (error, sl_whip_client_status_error (self, message, answered_url, reply));
      g_prefix_error (error, _("Restarting ICE: "));
      return FALSE;
    }

  g_object_get (self->webrtcbin, "current-remote-description", &remote, NULL);
  if (remote == NULL)
    g_object_get (self->webrtcbin, "remote-description", &remote, NULL);
  if (remote == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Restarting ICE with %s %s: no remote description"),
                   self->what, self->url);
      return FALSE;
    }

  remote_candidates = sl_webrtc_trickle_parse (reply, remote->sdp, &remote_ufrag, &remote_pwd,
                                               &remote_complete, &parse_error);
  if (remote_candidates == NULL || remote_ufrag == NULL || remote_pwd == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   _("%s %s answered the ICE restart without new ICE credentials%s%s"), self->what,
                   answered_url, parse_error != NULL ? ": " : "",
                   parse_error != NULL ? parse_error->message : "");
      return FALSE;
    }
  sl_whip_client_update_etag (self, message);

  sdp = sl_webrtc_sdp_with_ice_credentials (remote->sdp, remote_ufrag, remote_pwd);
  sl_webrtc_sdp_add_candidates (sdp, remote_candidates, remote_complete);
  gst_webrtc_session_description_free (g_steal_pointer (&remote));
  remote = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
  if (!sl_webrtc_set_description (self->webrtcbin, FALSE, remote, SL_WHIP_PROMISE_TIMEOUT,
                                  self->cancellable, error))
    return sl_whip_client_prefix_error (self, error);

  self->end_sent = complete;
  self->restarting = FALSE;
  g_mutex_lock (&self->mutex);
  self->ice_restarts++;
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

static void
sl_whip_client_restart_task (SlWhipClient *self)
{
  g_autoptr(GError) error = NULL;

  if (sl_whip_client_is_closing (self) || self->webrtcbin == NULL)
    return;

  if (!sl_whip_client_do_restart (self, &error))
    {
      self->restarting = FALSE;
      sl_whip_client_fail (self, g_steal_pointer (&error));
      return;
    }
  sl_whip_client_flush (self);
}

/* ---- closing --------------------------------------------------------------------- */

static void
sl_whip_client_close_task (SlWhipClient *self)
{
  g_autofree char *resource = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *answered_url = NULL;
  g_autoptr(SoupMessage) message = NULL;
  GError *error = NULL;

  g_mutex_lock (&self->mutex);
  resource = g_strdup (self->resource_url);
  g_mutex_unlock (&self->mutex);

  if (resource != NULL)
    {
      message = sl_whip_client_send (self, "DELETE", resource, NULL, NULL, NULL, NULL,
                                     self->close_cancellable, &reply, &answered_url, &error);
      if (message != NULL && !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
        error = sl_whip_client_status_error (self, message, answered_url, reply);
      if (error != NULL)
        g_prefix_error (&error, _("Ending the session: "));
    }

  sl_whip_client_release_webrtcbin (self);

  g_mutex_lock (&self->mutex);
  self->close_error = error;
  self->state = SL_WHIP_CLIENT_STATE_CLOSED;
  g_mutex_unlock (&self->mutex);

  g_main_loop_quit (self->loop);
}

/* ---- bus errors ------------------------------------------------------------------- */

static GstBusSyncReply
sl_whip_client_bus_sync (GstBus     *bus,
                         GstMessage *message,
                         gpointer    user_data)
{
  SlWhipClient *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *debug = NULL;
      g_autofree char *path = gst_object_get_path_string (GST_MESSAGE_SRC (message));

      gst_message_parse_error (message, &error, &debug);
      sl_whip_client_fail (self, g_error_new (SL_ERROR, SL_ERROR_FAILED,
                                              _("GStreamer failed in the %s session with %s: %s (%s)"),
                                              self->what, self->url, error->message, path));
    }

  /* Nobody pops this bus. A sync handler that drops a message owns it
   * (each message holds a reference to its source: kept, they would keep
   * the pipeline alive). */
  gst_message_unref (message);
  return GST_BUS_DROP;
}

void
sl_whip_client_watch_pipeline (SlWhipClient *self,
                               GstElement   *pipeline)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);

  g_return_if_fail (SL_IS_WHIP_CLIENT (self));

  gst_bus_set_sync_handler (bus, sl_whip_client_bus_sync, g_object_ref (self), g_object_unref);
}

void
sl_whip_client_unwatch_pipeline (SlWhipClient *self,
                                 GstElement   *pipeline)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);

  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
}

/* ---- the owner's API --------------------------------------------------------------- */

SlWhipClient *
sl_whip_client_new (const char *kind,
                    const char *url,
                    const char *token,
                    const char *name)
{
  SlWhipClient *self;
  g_autofree char *thread_name = NULL;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (SL_TYPE_WHIP_CLIENT, NULL);
  self->what = g_strdup_printf ("%s server", kind);
  self->url = g_strdup (url);
  self->token = token != NULL && *token != '\0' ? g_strdup (token) : NULL;
  self->loopback = sl_webrtc_url_is_loopback (url);

  thread_name = g_strdup_printf ("sl-%s:%s", kind, name != NULL ? name : "client");
  self->thread = g_thread_new (thread_name, sl_whip_client_thread, g_object_ref (self));

  return self;
}

GstElement *
sl_whip_client_make_webrtcbin (SlWhipClient        *self,
                               const char * const  *ice_servers,
                               GError             **error)
{
  GstElement *webrtcbin;

  g_return_val_if_fail (SL_IS_WHIP_CLIENT (self), NULL);

  webrtcbin = gst_element_factory_make ("webrtcbin", NULL);
  if (webrtcbin == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                           _("The GStreamer element webrtcbin is not installed (gst-plugins-bad)"));
      return NULL;
    }
  gst_object_ref_sink (webrtcbin);
  gst_util_set_object_arg (G_OBJECT (webrtcbin), "bundle-policy", "max-bundle");

  if (!sl_webrtc_configure_ice (webrtcbin, self->loopback, ice_servers, error))
    {
      gst_object_unref (webrtcbin);
      return NULL;
    }

  return webrtcbin;
}

void
sl_whip_client_set_trickle (SlWhipClient *self,
                            gboolean      trickle)
{
  g_return_if_fail (SL_IS_WHIP_CLIENT (self));
  self->trickle = trickle;
}

void
sl_whip_client_set_renew_func (SlWhipClient          *self,
                               SlWhipClientRenewFunc  func,
                               gpointer               user_data)
{
  g_return_if_fail (SL_IS_WHIP_CLIENT (self));
  self->renew = func;
  self->renew_data = user_data;
}

void
sl_whip_client_set_notify (SlWhipClient *self,
                           GFunc         notify,
                           gpointer      user_data)
{
  g_return_if_fail (SL_IS_WHIP_CLIENT (self));
  self->notify = notify;
  self->notify_data = user_data;
}

void
sl_whip_client_start (SlWhipClient *self,
                      GstElement   *webrtcbin)
{
  g_return_if_fail (SL_IS_WHIP_CLIENT (self));
  g_return_if_fail (GST_IS_ELEMENT (webrtcbin));

  g_mutex_lock (&self->mutex);
  if (self->started || self->closing)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->started = TRUE;
  g_mutex_unlock (&self->mutex);

  /* Before the first task: the signalling thread sees it once queued. */
  sl_whip_client_hold_webrtcbin (self, webrtcbin);
  sl_whip_client_queue (self, sl_whip_client_negotiate);
}

SlWhipClientState
sl_whip_client_get_state (SlWhipClient *self)
{
  SlWhipClientState state;

  g_return_val_if_fail (SL_IS_WHIP_CLIENT (self), SL_WHIP_CLIENT_STATE_FAILED);

  g_mutex_lock (&self->mutex);
  state = self->state;
  g_mutex_unlock (&self->mutex);
  return state;
}

gboolean
sl_whip_client_take_error (SlWhipClient  *self,
                           GError       **error)
{
  gboolean failed;

  g_return_val_if_fail (SL_IS_WHIP_CLIENT (self), FALSE);

  g_mutex_lock (&self->mutex);
  failed = self->error != NULL;
  if (failed && error != NULL)
    *error = g_error_copy (self->error);
  g_mutex_unlock (&self->mutex);
  return failed;
}

gboolean
sl_whip_client_has_error (SlWhipClient *self)
{
  return sl_whip_client_take_error (self, NULL);
}

char *
sl_whip_client_dup_resource_url (SlWhipClient *self)
{
  char *url;

  g_return_val_if_fail (SL_IS_WHIP_CLIENT (self), NULL);

  g_mutex_lock (&self->mutex);
  url = g_strdup (self->resource_url);
  g_mutex_unlock (&self->mutex);
  return url;
}

char **
sl_whip_client_dup_link_ice_servers (SlWhipClient *self)
{
  char **servers;

  g_return_val_if_fail (SL_IS_WHIP_CLIENT (self), NULL);

  g_mutex_lock (&self->mutex);
  servers = self->link_ice_servers != NULL ? g_strdupv (self->link_ice_servers) : g_new0 (char *, 1);
  g_mutex_unlock (&self->mutex);
  return servers;
}

guint
sl_whip_client_get_ice_restarts (SlWhipClient *self)
{
  guint restarts;

  g_return_val_if_fail (SL_IS_WHIP_CLIENT (self), 0);

  g_mutex_lock (&self->mutex);
  restarts = self->ice_restarts;
  g_mutex_unlock (&self->mutex);
  return restarts;
}

void
sl_whip_client_restart_ice (SlWhipClient *self)
{
  g_return_if_fail (SL_IS_WHIP_CLIENT (self));

  if (!sl_whip_client_is_closing (self))
    sl_whip_client_queue (self, sl_whip_client_restart_task);
}

void
sl_whip_client_close_async (SlWhipClient *self)
{
  g_return_if_fail (SL_IS_WHIP_CLIENT (self));

  g_mutex_lock (&self->mutex);
  if (self->closing)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->closing = TRUE;
  g_mutex_unlock (&self->mutex);

  /* Whatever the thread waits for now is abandoned; the DELETE follows. */
  g_cancellable_cancel (self->cancellable);
  sl_whip_client_queue (self, sl_whip_client_close_task);
}

static gboolean
sl_whip_client_wait_thread (SlWhipClient *self,
                            gint64        deadline)
{
  gboolean done;

  g_mutex_lock (&self->mutex);
  while (!self->thread_done)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  done = self->thread_done;
  g_mutex_unlock (&self->mutex);
  return done;
}

gboolean
sl_whip_client_close (SlWhipClient  *self,
                      gint64         timeout,
                      GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + timeout;
  gboolean done;

  g_return_val_if_fail (SL_IS_WHIP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_thread_self () != self->thread, FALSE);

  sl_whip_client_close_async (self);
  if (self->thread == NULL)
    return TRUE;   /* closed before */

  done = sl_whip_client_wait_thread (self, deadline);
  if (!done)
    {
      g_cancellable_cancel (self->close_cancellable);
      done = sl_whip_client_wait_thread (self, g_get_monotonic_time () + SL_WHIP_CANCEL_GRACE);
    }

  if (!done)
    {
      /* Left to finish alone: it holds its own reference. */
      g_clear_pointer (&self->thread, g_thread_unref);
      g_set_error (error, SL_ERROR, SL_ERROR_TIMEOUT, _("The %s session with %s did not end within %u ms"),
                   self->what, self->url, (guint) (timeout / 1000));
      return FALSE;
    }

  g_thread_join (g_steal_pointer (&self->thread));

  g_mutex_lock (&self->mutex);
  if (self->close_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->close_error));
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
sl_whip_client_finalize (GObject *object)
{
  SlWhipClient *self = SL_WHIP_CLIENT (object);

  /* The thread held a reference until it ended: it is done or detached. */
  g_clear_pointer (&self->thread, g_thread_unref);
  g_warn_if_fail (self->webrtcbin == NULL);

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->close_cancellable);
  g_clear_error (&self->error);
  g_clear_error (&self->close_error);
  g_free (self->what);
  g_free (self->url);
  g_free (self->token);
  g_free (self->resource_url);
  g_free (self->etag);
  g_strfreev (self->link_ice_servers);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (sl_whip_client_parent_class)->finalize (object);
}

static void
sl_whip_client_class_init (SlWhipClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sl_whip_client_finalize;
}

static void
sl_whip_client_init (SlWhipClient *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->cancellable = g_cancellable_new ();
  self->close_cancellable = g_cancellable_new ();
  atomic_init (&self->flush_queued, FALSE);
}
