/* sl-webrtc-endpoint.c: a WHIP/WHEP endpoint serving a streamlib runtime
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SlWebrtcEndpoint:
 *
 * An HTTP server that lets WebRTC peers publish into a runtime's graph (WHIP,
 * RFC 9725) and play its outputs (WHEP), with a browser player page.
 *
 * ## Routes
 *
 * | request | answer |
 * |---|---|
 * | `POST /whip/<node-id>` (`application/sdp` offer) | `201 Created`, the SDP answer, `Location`, `ETag`; the node must be a `whip-ingest`, which then outputs what the publisher sends |
 * | `POST /whep/<node-id>` (`application/sdp` offer) | `201 Created` likewise; the node must be a `whep-serve`, whose inputs the viewer receives (VP8/Opus, any number of viewers) |
 * | `PATCH /whip/<node-id>/<session>` (`application/trickle-ice-sdpfrag`) | `204 No Content` once the candidates are given to the session; `412 Precondition Failed` when `If-Match` is not the session's `ETag`; `422 Unprocessable Content` for an ICE restart (not supported) |
 * | `DELETE /whip/<node-id>/<session>` | `200 OK` once the session is closed and its resources freed |
 * | `OPTIONS` on any of them | `204 No Content` with `Allow`, `Accept-Post` / `Accept-Patch` and the CORS headers a browser's preflight needs |
 * | `GET /`, `GET /player.js` | the player page, which plays a `whep-serve` node over WHEP (`?stream=<node-id>`, `?token=<token>`) |
 * | `GET /streams` | a JSON array of the graph's `whep-serve` node ids |
 *
 * The same holds with `/whep/` in place of `/whip/`. Every answer carries
 * `Access-Control-Allow-Origin: *`, so that a page served elsewhere may use
 * the endpoint too.
 *
 * ## Bad requests
 *
 * A request the endpoint cannot serve gets a 4xx status with a
 * `text/plain` body saying why, and changes nothing: an unknown path or
 * node, or a node of the wrong kind (404), a method the resource does not
 * take (405, with `Allow`), a missing or wrong Bearer token when
 * [property@StreamlibWebrtc.Endpoint:token] is set (401, with
 * `WWW-Authenticate`), a content type other than the one the route takes
 * (415), a body larger than [property@StreamlibWebrtc.Endpoint:max-body-size]
 * (413: a declared `Content-Length` is refused before the body is read, a
 * chunked body is counted and not kept beyond the limit), a malformed offer
 * or fragment (400), an unknown session (404), a second publisher on a
 * `whip-ingest` node (409), more than
 * [property@StreamlibWebrtc.Endpoint:max-sessions] sessions (429, with
 * `Retry-After`). A node that exists but does not run yet answers 503.
 * Sessions being negotiated count towards the limit.
 *
 * ## Threads
 *
 * The HTTP server runs on a thread of the endpoint's own, with its own
 * `GMainContext`; negotiations (webrtcbin's promises, ICE gathering) and
 * session closes run on worker threads, each wait bounded. So a request
 * never blocks the application's thread nor a processor, and a slow peer
 * never blocks other requests. The endpoint's signals and the notifications
 * of [property@StreamlibWebrtc.Endpoint:n-sessions] are emitted on the
 * thread-default main context of the thread that made the endpoint, in the
 * order the sessions opened and closed.
 *
 * Sessions belong to the endpoint: closing the endpoint (or stopping the
 * runtime, which tears the processors down) closes them. A session also
 * ends when its peer connection fails, when its client left before the
 * answer could reach it, and when its peer has not connected within 30
 * seconds of the answer.
 *
 * Since: 1.0
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <sys/socket.h>
#include <json-glib/json-glib.h>

#include "sl-webrtc-endpoint.h"
#include "sl-webrtc-session-private.h"
#include "sl-webrtc-util-private.h"

#define SL_WEBRTC_RESOURCE_PREFIX "/org/gnome/Streamlib/webrtc"
#define SL_WEBRTC_REALM "streamlib"
#define SL_WEBRTC_SDP_TYPE "application/sdp"
#define SL_WEBRTC_TRICKLE_TYPE "application/trickle-ice-sdpfrag"
/* A session whose peer never connects (it got the answer, then vanished)
 * is closed after this long (seconds): nothing else would end it. */
#define SL_WEBRTC_CONNECT_TIMEOUT_S 30

/* libsoup 3.2 names neither. */
#define SL_METHOD_PATCH "PATCH"
#define SL_STATUS_TOO_MANY_REQUESTS 429
/* Seconds a refused client is asked to wait (429, 503). */
#define SL_WEBRTC_RETRY_AFTER "5"

/* ---- what the server thread tells the owner's thread ---------------------- */

typedef struct
{
  gboolean             opened;
  SlWebrtcSessionKind  kind;
  char                *node_id;
  char                *session_id;
} SlEndpointEvent;

static void
sl_endpoint_event_free (SlEndpointEvent *event)
{
  g_free (event->node_id);
  g_free (event->session_id);
  g_free (event);
}

/* A session's end function may run on any thread, after the endpoint began
 * to close: it posts to the server thread through this, which outlives
 * the endpoint's server when need be. */
typedef struct
{
  GMutex             mutex;
  gboolean           alive;        /* the server thread still dispatches */
  GMainContext      *context;
  SlWebrtcEndpoint  *endpoint;     /* only dereferenced on the server thread */
} SlEndpointLink;

struct _SlWebrtcEndpoint
{
  GObject         parent_instance;

  SlRuntime      *runtime;
  GMainContext   *owner_context;   /* where signals are emitted */
  GSource        *owner_source;    /* dispatches events there */

  GMutex          mutex;           /* guards settings, events, the state below */
  char           *token;
  guint           max_sessions;
  guint           max_body_size;
  char          **ice_servers;
  GQueue          events;          /* SlEndpointEvent*, for the owner's thread */
  guint           port;
  char           *url;
  gboolean        listening;
  gboolean        closed;
  gboolean        ready;           /* the server thread reported its start */
  GError         *start_error;
  GCond           cond;

  /* Owner's thread only. */
  guint           n_sessions;

  /* Server thread only (after its start). */
  GThread        *thread;
  GMainContext   *context;
  GMainLoop      *loop;
  SoupServer     *server;
  GSocket        *socket;
  SlEndpointLink *link;
  GHashTable     *sessions;        /* id → SlWebrtcSession*, open ones */
  GCancellable   *cancellable;     /* cancels negotiations when closing */
  guint           n_negotiating;
  guint           n_closing;
  gboolean        shutting_down;
};

G_DEFINE_FINAL_TYPE (SlWebrtcEndpoint, sl_webrtc_endpoint, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNTIME,
  PROP_TOKEN,
  PROP_MAX_SESSIONS,
  PROP_MAX_BODY_SIZE,
  PROP_ICE_SERVERS,
  PROP_N_SESSIONS,
  PROP_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SESSION_OPENED,
  SIGNAL_SESSION_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- owner-side dispatch ------------------------------------------------------ */

/* Emits what the server thread queued. On the owner's thread. */
static void
sl_webrtc_endpoint_dispatch_events (SlWebrtcEndpoint *self)
{
  SlEndpointEvent *event;

  g_object_ref (self);
  for (;;)
    {
      g_mutex_lock (&self->mutex);
      event = g_queue_pop_head (&self->events);
      g_mutex_unlock (&self->mutex);
      if (event == NULL)
        break;

      if (event->opened)
        self->n_sessions++;
      else if (self->n_sessions > 0)
        self->n_sessions--;

      g_signal_emit (self, signals[event->opened ? SIGNAL_SESSION_OPENED : SIGNAL_SESSION_CLOSED], 0,
                     sl_webrtc_session_kind_to_string (event->kind), event->node_id,
                     event->session_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SESSIONS]);
      sl_endpoint_event_free (event);
    }
  g_object_unref (self);
}

static gboolean
sl_webrtc_endpoint_owner_dispatch (GSource     *source,
                                   GSourceFunc  callback,
                                   gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs sl_webrtc_endpoint_owner_funcs = {
  .dispatch = sl_webrtc_endpoint_owner_dispatch,
};

static gboolean
sl_webrtc_endpoint_owner_callback (gpointer user_data)
{
  sl_webrtc_endpoint_dispatch_events (user_data);
  return G_SOURCE_CONTINUE;
}

/* Server thread: queue an event for the owner's thread and wake it. */
static void
sl_webrtc_endpoint_post_event (SlWebrtcEndpoint *self,
                               gboolean          opened,
                               SlWebrtcSession  *session)
{
  SlEndpointEvent *event = g_new0 (SlEndpointEvent, 1);

  event->opened = opened;
  event->kind = sl_webrtc_session_get_kind (session);
  event->node_id = g_strdup (sl_webrtc_session_get_node_id (session));
  event->session_id = g_strdup (sl_webrtc_session_get_id (session));

  g_mutex_lock (&self->mutex);
  g_queue_push_tail (&self->events, event);
  g_mutex_unlock (&self->mutex);

  g_source_set_ready_time (self->owner_source, 0);
}

/* ---- the link for session end notices -------------------------------------------- */

static SlEndpointLink *
sl_endpoint_link_new (SlWebrtcEndpoint *endpoint,
                      GMainContext     *context)
{
  SlEndpointLink *link = g_atomic_rc_box_new0 (SlEndpointLink);

  g_mutex_init (&link->mutex);
  link->alive = TRUE;
  link->context = g_main_context_ref (context);
  link->endpoint = endpoint;
  return link;
}

static void
sl_endpoint_link_clear (SlEndpointLink *link)
{
  g_main_context_unref (link->context);
  g_mutex_clear (&link->mutex);
}

static SlEndpointLink *
sl_endpoint_link_ref (SlEndpointLink *link)
{
  return g_atomic_rc_box_acquire (link);
}

static void
sl_endpoint_link_unref (gpointer link)
{
  g_atomic_rc_box_release_full (link, (GDestroyNotify) sl_endpoint_link_clear);
}

static void sl_webrtc_endpoint_session_ended (SlWebrtcEndpoint *self,
                                              const char       *session_id);

typedef struct
{
  SlEndpointLink *link;
  char           *session_id;
} SlEndedNotice;

static void
sl_ended_notice_free (gpointer data)
{
  SlEndedNotice *notice = data;

  sl_endpoint_link_unref (notice->link);
  g_free (notice->session_id);
  g_free (notice);
}

static gboolean
sl_ended_notice_dispatch (gpointer data)
{
  SlEndedNotice *notice = data;

  /* Dispatched on the server thread, which is still running. */
  sl_webrtc_endpoint_session_ended (notice->link->endpoint, notice->session_id);
  return G_SOURCE_REMOVE;
}

/* SlWebrtcSessionEndFunc: any thread. */
static void
sl_webrtc_endpoint_on_session_end (SlWebrtcSession *session,
                                   const char      *reason,
                                   gpointer         user_data)
{
  SlEndpointLink *link = user_data;
  g_autoptr(GSource) source = NULL;
  SlEndedNotice *notice;

  g_mutex_lock (&link->mutex);
  if (link->alive)
    {
      notice = g_new0 (SlEndedNotice, 1);
      notice->link = sl_endpoint_link_ref (link);
      notice->session_id = g_strdup (sl_webrtc_session_get_id (session));
      source = g_idle_source_new ();
      g_source_set_static_name (source, "[streamlib] WebRTC session ended");
      g_source_set_callback (source, sl_ended_notice_dispatch, notice, sl_ended_notice_free);
      g_source_attach (source, link->context);
    }
  g_mutex_unlock (&link->mutex);
}

/* ---- HTTP helpers --------------------------------------------------------------- */

/* On every answer: CORS, so that a page served elsewhere may use the
 * endpoint, and no content sniffing (refusals quote what the client sent). */
static void
sl_http_add_common_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", "*");
  soup_message_headers_replace (headers, "Access-Control-Expose-Headers",
                                "Location, ETag, Link, Accept-Post, Accept-Patch, Retry-After");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
}

static void
sl_http_respond_text (SoupServerMessage *msg,
                      guint              status,
                      const char        *text)
{
  char *body = g_strconcat (text, "\n", NULL);

  sl_http_add_common_headers (msg);
  soup_server_message_set_status (msg, status,
                                  status == SL_STATUS_TOO_MANY_REQUESTS ? "Too Many Requests" : NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_TAKE,
                                    body, strlen (body));
}

static void sl_http_refuse (SoupServerMessage *msg,
                            guint              status,
                            const char        *format,
                            ...) G_GNUC_PRINTF (3, 4);

/* A 4xx/5xx with a reason, logged for whoever debugs a client. */
static void
sl_http_refuse (SoupServerMessage *msg,
                guint              status,
                const char        *format,
                ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_debug ("%s %s → %u: %s", soup_server_message_get_method (msg),
           g_uri_get_path (soup_server_message_get_uri (msg)), status, reason);
  sl_http_respond_text (msg, status, reason);
}

static gboolean
sl_http_has_content_type (SoupServerMessage *msg,
                          const char        *expected)
{
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                            NULL);

  return type != NULL && g_ascii_strcasecmp (type, expected) == 0;
}

/* Compares without an early exit, so that the time taken tells nothing of
 * where the first difference is. */
static gboolean
sl_tokens_equal (const char *given,
                 const char *expected)
{
  gsize given_length = strlen (given);
  gsize expected_length = strlen (expected);
  guchar difference = given_length != expected_length;

  for (gsize i = 0; i < expected_length; i++)
    difference |= (guchar) (i < given_length ? given[i] : 0) ^ (guchar) expected[i];

  return difference == 0;
}

/* ---- routes ------------------------------------------------------------------------ */

typedef enum
{
  SL_ROUTE_UNKNOWN,
  SL_ROUTE_PAGE,          /* / */
  SL_ROUTE_SCRIPT,        /* /player.js */
  SL_ROUTE_STREAMS,       /* /streams */
  SL_ROUTE_ENDPOINT,      /* /whip/<node>, /whep/<node> */
  SL_ROUTE_RESOURCE,      /* /whip/<node>/<session>, /whep/… */
} SlRouteType;

typedef struct
{
  SlRouteType          type;
  SlWebrtcSessionKind  kind;
  char                *node_id;
  char                *session_id;
} SlRoute;

static void
sl_route_clear (SlRoute *route)
{
  g_clear_pointer (&route->node_id, g_free);
  g_clear_pointer (&route->session_id, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SlRoute, sl_route_clear)

/* @path is percent-encoded, as the request line had it. */
static void
sl_route_parse (const char *path,
                SlRoute    *route)
{
  g_auto(GStrv) segments = NULL;
  guint n;

  memset (route, 0, sizeof *route);
  if (path == NULL || path[0] != '/')
    return;

  if (strcmp (path, "/") == 0 || strcmp (path, "/index.html") == 0)
    {
      route->type = SL_ROUTE_PAGE;
      return;
    }
  if (strcmp (path, "/player.js") == 0)
    {
      route->type = SL_ROUTE_SCRIPT;
      return;
    }
  if (strcmp (path, "/streams") == 0)
    {
      route->type = SL_ROUTE_STREAMS;
      return;
    }

  segments = g_strsplit (path + 1, "/", 0);
  n = g_strv_length (segments);
  if (n < 2 || n > 3 || (strcmp (segments[0], "whip") != 0 && strcmp (segments[0], "whep") != 0))
    return;
  for (guint i = 1; i < n; i++)
    if (segments[i][0] == '\0')
      return;

  /* A node id with an encoded "/" in it names no node. */
  route->node_id = g_uri_unescape_string (segments[1], "/");
  route->session_id = n == 3 ? g_uri_unescape_string (segments[2], "/") : NULL;
  if (route->node_id == NULL || (n == 3 && route->session_id == NULL))
    {
      sl_route_clear (route);
      return;
    }

  route->kind = strcmp (segments[0], "whip") == 0 ? SL_WEBRTC_SESSION_WHIP : SL_WEBRTC_SESSION_WHEP;
  route->type = n == 2 ? SL_ROUTE_ENDPOINT : SL_ROUTE_RESOURCE;
}

static const char *
sl_route_allow (SlRouteType type)
{
  switch (type)
    {
    case SL_ROUTE_PAGE:
    case SL_ROUTE_SCRIPT:
    case SL_ROUTE_STREAMS:
      return "GET, HEAD, OPTIONS";
    case SL_ROUTE_ENDPOINT:
      return "POST, OPTIONS";
    case SL_ROUTE_RESOURCE:
      return "PATCH, DELETE, OPTIONS";
    case SL_ROUTE_UNKNOWN:
    default:
      return "OPTIONS";
    }
}

static gboolean
sl_route_allows (SlRouteType  type,
                 const char  *method)
{
  g_auto(GStrv) methods = g_strsplit (sl_route_allow (type), ", ", 0);

  return g_strv_contains ((const char * const *) methods, method);
}

/* Which factory serves a kind, for messages. */
static const char *
sl_kind_factory (SlWebrtcSessionKind kind)
{
  return kind == SL_WEBRTC_SESSION_WHIP ? "whip-ingest" : "whep-serve";
}

/* ---- the server thread: checks made on the headers ------------------------------------ */

/* Whether the request may go on; refuses it otherwise. */
static gboolean
sl_webrtc_endpoint_check_token (SlWebrtcEndpoint  *self,
                                SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *token = NULL;
  const char *given;

  g_mutex_lock (&self->mutex);
  token = g_strdup (self->token);
  g_mutex_unlock (&self->mutex);

  if (token == NULL)
    return TRUE;

  if (authorization == NULL)
    {
      soup_message_headers_replace (response_headers, "WWW-Authenticate",
                                    "Bearer realm=\"" SL_WEBRTC_REALM "\"");
      sl_http_refuse (msg, SOUP_STATUS_UNAUTHORIZED,
                      "This endpoint needs a Bearer token (an “Authorization: Bearer TOKEN” header)");
      return FALSE;
    }

  if (g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    {
      soup_message_headers_replace (response_headers, "WWW-Authenticate",
                                    "Bearer realm=\"" SL_WEBRTC_REALM "\", error=\"invalid_request\"");
      sl_http_refuse (msg, SOUP_STATUS_UNAUTHORIZED,
                      "The Authorization header is not a Bearer token");
      return FALSE;
    }

  given = authorization + 7;
  while (*given == ' ')
    given++;
  if (!sl_tokens_equal (given, token))
    {
      soup_message_headers_replace (response_headers, "WWW-Authenticate",
                                    "Bearer realm=\"" SL_WEBRTC_REALM "\", error=\"invalid_token\"");
      sl_http_refuse (msg, SOUP_STATUS_UNAUTHORIZED, "The Bearer token is not valid");
      return FALSE;
    }

  return TRUE;
}

static guint
sl_webrtc_endpoint_get_limit (SlWebrtcEndpoint *self,
                              gboolean          body)
{
  guint limit;

  g_mutex_lock (&self->mutex);
  limit = body ? self->max_body_size : self->max_sessions;
  g_mutex_unlock (&self->mutex);

  return limit;
}

/* Sets max-body-size (@body) or max-sessions; notifies when it changed. */
static void
sl_webrtc_endpoint_set_limit (SlWebrtcEndpoint *self,
                              gboolean          body,
                              guint             limit)
{
  guint *field = body ? &self->max_body_size : &self->max_sessions;
  gboolean changed;

  g_mutex_lock (&self->mutex);
  changed = *field != limit;
  *field = limit;
  g_mutex_unlock (&self->mutex);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[body ? PROP_MAX_BODY_SIZE : PROP_MAX_SESSIONS]);
}

/* A chunked body: counted as it comes, not kept beyond the limit. */
typedef struct
{
  guint64  received;
  guint    limit;
  gboolean too_large;
} SlBodyCount;

static void
sl_webrtc_endpoint_got_chunk (SoupServerMessage *msg,
                              GBytes            *chunk,
                              gpointer           user_data)
{
  SlBodyCount *count = user_data;

  count->received += g_bytes_get_size (chunk);
  if (count->received > count->limit && !count->too_large)
    {
      count->too_large = TRUE;
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
    }
}

static void
sl_webrtc_endpoint_refuse_unknown (SoupServerMessage *msg,
                                   const char        *path)
{
  sl_http_refuse (msg, SOUP_STATUS_NOT_FOUND,
                  "Nothing at %s: this endpoint serves POST /whip/<node-id>, POST /whep/<node-id>, "
                  "their sessions, GET / and GET /streams", path);
}

/* Runs once the headers are read, before the body: what can be refused
 * without reading a body is refused here. */
static void
sl_webrtc_endpoint_early_handler (SoupServer        *server,
                                  SoupServerMessage *msg,
                                  const char        *path,
                                  GHashTable        *query,
                                  gpointer           user_data)
{
  SlWebrtcEndpoint *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_auto(SlRoute) route = { 0, };
  SlBodyCount *count;
  goffset length;
  guint limit;

  sl_route_parse (path, &route);
  if (route.type == SL_ROUTE_UNKNOWN)
    {
      /* Refused before its body, whatever its size, is read. */
      sl_webrtc_endpoint_refuse_unknown (msg, path);
      return;
    }
  if (strcmp (method, SOUP_METHOD_OPTIONS) == 0)
    return;

  if (!sl_route_allows (route.type, method))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    sl_route_allow (route.type));
      sl_http_refuse (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "%s does not take %s (only %s)",
                      path, method, sl_route_allow (route.type));
      return;
    }

  if (route.type != SL_ROUTE_PAGE && route.type != SL_ROUTE_SCRIPT &&
      !sl_webrtc_endpoint_check_token (self, msg))
    return;

  if (strcmp (method, SOUP_METHOD_POST) == 0 && !sl_http_has_content_type (msg, SL_WEBRTC_SDP_TYPE))
    {
      sl_http_refuse (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                      "A %s offer must be sent as " SL_WEBRTC_SDP_TYPE ", not %s",
                      route.kind == SL_WEBRTC_SESSION_WHIP ? "WHIP" : "WHEP",
                      soup_message_headers_get_content_type (headers, NULL) != NULL
                      ? soup_message_headers_get_content_type (headers, NULL) : "no content type");
      return;
    }
  if (strcmp (method, SL_METHOD_PATCH) == 0 && !sl_http_has_content_type (msg, SL_WEBRTC_TRICKLE_TYPE))
    {
      sl_http_refuse (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                      "A PATCH must carry " SL_WEBRTC_TRICKLE_TYPE ", not %s",
                      soup_message_headers_get_content_type (headers, NULL) != NULL
                      ? soup_message_headers_get_content_type (headers, NULL) : "no content type");
      return;
    }

  limit = sl_webrtc_endpoint_get_limit (self, TRUE);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      length = soup_message_headers_get_content_length (headers);
      if (length > (goffset) limit)
        {
          sl_http_refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                          "The body (%" G_GOFFSET_FORMAT " bytes) is larger than this endpoint "
                          "takes (%u bytes)", length, limit);
          return;
        }
    }
  else
    {
      count = g_new0 (SlBodyCount, 1);
      count->limit = limit;
      g_object_set_data_full (G_OBJECT (msg), "sl-body-count", count, g_free);
      g_signal_connect (msg, "got-chunk", G_CALLBACK (sl_webrtc_endpoint_got_chunk), count);
    }
}

/* ---- the server thread: sessions ------------------------------------------------------- */

static void sl_webrtc_endpoint_maybe_finish (SlWebrtcEndpoint *self);

typedef struct
{
  SoupServerMessage *msg;        /* a DELETE to answer once closed, or NULL */
  gboolean           announce;   /* the session was open: tell the owner */
} SlClosing;

static void
sl_closing_free (gpointer data)
{
  SlClosing *closing = data;

  g_clear_object (&closing->msg);
  g_free (closing);
}

static void
sl_webrtc_endpoint_close_done (GObject      *source_object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  SlWebrtcEndpoint *self = user_data;
  SlClosing *closing = g_task_get_task_data (G_TASK (result));
  SoupServerMessage *msg = closing->msg;

  self->n_closing--;
  /* Told once it is closed: a session-closed handler finds the session's
   * resources freed (the processor no longer counts it). */
  if (closing->announce)
    sl_webrtc_endpoint_post_event (self, FALSE, SL_WEBRTC_SESSION (source_object));
  /* Once closing, the server dropped its connections and their messages. */
  if (msg != NULL && !self->shutting_down)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      sl_http_add_common_headers (msg);
      soup_server_message_unpause (msg);
    }
  sl_webrtc_endpoint_maybe_finish (self);
}

static void
sl_webrtc_endpoint_close_thread (GTask        *task,
                                 gpointer      source_object,
                                 gpointer      task_data,
                                 GCancellable *cancellable)
{
  sl_webrtc_session_close (source_object);
  g_task_return_boolean (task, TRUE);
}

/* Closes @session on a worker thread (stopping webrtcbin takes a while);
 * then answers @msg (nullable, paused) 200 and, if @announce, emits
 * session-closed. */
static void
sl_webrtc_endpoint_close_session (SlWebrtcEndpoint  *self,
                                  SlWebrtcSession   *session,
                                  SoupServerMessage *msg,
                                  gboolean           announce)
{
  g_autoptr(GTask) task = g_task_new (session, NULL, sl_webrtc_endpoint_close_done, self);
  SlClosing *closing = g_new0 (SlClosing, 1);

  closing->msg = msg != NULL ? g_object_ref (msg) : NULL;
  closing->announce = announce;
  g_task_set_task_data (task, closing, sl_closing_free);
  self->n_closing++;
  g_task_run_in_thread (task, sl_webrtc_endpoint_close_thread);
}

/* Forgets an open session: it is closed, or about to be. */
static void
sl_webrtc_endpoint_forget (SlWebrtcEndpoint  *self,
                           SlWebrtcSession   *session,
                           SoupServerMessage *msg)
{
  g_autoptr(SlWebrtcSession) forgotten = g_object_ref (session);

  g_hash_table_remove (self->sessions, sl_webrtc_session_get_id (session));
  sl_webrtc_endpoint_close_session (self, forgotten, msg, TRUE);
}

/* A session ended by itself (or its processor closed it). Server thread. */
static void
sl_webrtc_endpoint_session_ended (SlWebrtcEndpoint *self,
                                  const char       *session_id)
{
  SlWebrtcSession *session = g_hash_table_lookup (self->sessions, session_id);

  if (session != NULL)
    sl_webrtc_endpoint_forget (self, session, NULL);
}

static void
sl_webrtc_endpoint_maybe_finish (SlWebrtcEndpoint *self)
{
  if (self->shutting_down && self->n_negotiating == 0 && self->n_closing == 0)
    g_main_loop_quit (self->loop);
}

/* Where the node's processor is, or why a request for it cannot be served. */
static SlProcessor *
sl_webrtc_endpoint_find_host (SlWebrtcEndpoint     *self,
                              SlWebrtcSessionKind   kind,
                              const char           *node_id,
                              SoupServerMessage    *msg)
{
  g_autoptr(SlGraph) graph = sl_runtime_get_graph (self->runtime);
  SlRegistry *registry = sl_runtime_get_registry (self->runtime);
  g_autoptr(SlProcessor) processor = NULL;
  const char *factory;
  GType type;
  gboolean is_host = FALSE;

  if (!sl_graph_has_node (graph, node_id))
    {
      sl_http_refuse (msg, SOUP_STATUS_NOT_FOUND, "No node “%s” in the graph", node_id);
      return NULL;
    }

  factory = sl_graph_get_node_factory (graph, node_id);
  type = sl_registry_lookup (registry, factory);
  if (type != G_TYPE_INVALID && g_type_is_a (type, SL_WEBRTC_TYPE_SESSION_HOST))
    {
      gpointer klass = g_type_class_ref (type);
      SlWebrtcSessionHostInterface *iface = g_type_interface_peek (klass, SL_WEBRTC_TYPE_SESSION_HOST);

      is_host = iface != NULL && iface->kind == kind;
      g_type_class_unref (klass);
    }
  if (!is_host)
    {
      sl_http_refuse (msg, SOUP_STATUS_NOT_FOUND,
                      "Node “%s” is a %s, not a %s: /%s/ serves %s nodes only", node_id, factory,
                      sl_kind_factory (kind), sl_webrtc_session_kind_to_string (kind),
                      sl_kind_factory (kind));
      return NULL;
    }

  processor = sl_runtime_get_processor (self->runtime, node_id);
  if (processor == NULL || !SL_WEBRTC_IS_SESSION_HOST (processor))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                    SL_WEBRTC_RETRY_AFTER);
      sl_http_refuse (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                      "Node “%s” is not running (start the runtime)", node_id);
      return NULL;
    }

  return g_steal_pointer (&processor);
}

/* Whether the client that sent @msg closed its connection: then nobody
 * would learn of the session an answer makes. */
static gboolean
sl_http_client_gone (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  char byte;
  gssize peeked;

  if (socket == NULL || g_socket_is_closed (socket))
    return TRUE;
  if ((g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) & (G_IO_HUP | G_IO_ERR)) != 0)
    return TRUE;

  /* A clean close reads as the end of the stream; a client waiting for
   * its answer sends nothing else meanwhile. */
  peeked = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return peeked == 0;
}

typedef struct
{
  SlWebrtcEndpoint *endpoint;
  char             *session_id;
} SlConnectDeadline;

static void
sl_connect_deadline_free (gpointer data)
{
  SlConnectDeadline *deadline = data;

  g_free (deadline->session_id);
  g_free (deadline);
}

/* Server thread: a session's peer had its time to connect. */
static gboolean
sl_webrtc_endpoint_connect_deadline (gpointer user_data)
{
  SlConnectDeadline *deadline = user_data;
  SlWebrtcEndpoint *self = deadline->endpoint;
  SlWebrtcSession *session = g_hash_table_lookup (self->sessions, deadline->session_id);

  if (session != NULL && !self->shutting_down && !sl_webrtc_session_has_connected (session))
    {
      g_debug ("%s session %s on “%s”: the peer did not connect within %u s; closing it",
               sl_webrtc_session_kind_to_string (sl_webrtc_session_get_kind (session)),
               deadline->session_id, sl_webrtc_session_get_node_id (session),
               SL_WEBRTC_CONNECT_TIMEOUT_S);
      sl_webrtc_endpoint_forget (self, session, NULL);
    }

  return G_SOURCE_REMOVE;
}

static void
sl_webrtc_endpoint_arm_connect_deadline (SlWebrtcEndpoint *self,
                                         SlWebrtcSession  *session)
{
  g_autoptr(GSource) source = g_timeout_source_new_seconds (SL_WEBRTC_CONNECT_TIMEOUT_S);
  SlConnectDeadline *deadline = g_new0 (SlConnectDeadline, 1);

  /* Destroyed with the server's context, before the endpoint goes. */
  deadline->endpoint = self;
  deadline->session_id = g_strdup (sl_webrtc_session_get_id (session));
  g_source_set_static_name (source, "[streamlib] WebRTC connect deadline");
  g_source_set_callback (source, sl_webrtc_endpoint_connect_deadline, deadline, sl_connect_deadline_free);
  g_source_attach (source, self->context);
}

static guint
sl_status_for_error (const GError *error)
{
  if (error->domain == SL_ERROR)
    switch (error->code)
      {
      case SL_ERROR_PARSE:
      case SL_ERROR_INVALID_ARGUMENT:
        return SOUP_STATUS_BAD_REQUEST;
      case SL_ERROR_PORT_IN_USE:
        return SOUP_STATUS_CONFLICT;
      case SL_ERROR_INVALID_STATE:
        return SOUP_STATUS_SERVICE_UNAVAILABLE;
      case SL_ERROR_TIMEOUT:
        return SOUP_STATUS_GATEWAY_TIMEOUT;
      default:
        break;
      }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return SOUP_STATUS_SERVICE_UNAVAILABLE;
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

static char *
sl_resource_path (SlWebrtcSession *session)
{
  g_autofree char *node = g_uri_escape_string (sl_webrtc_session_get_node_id (session), NULL, FALSE);

  return g_strdup_printf ("/%s/%s/%s", sl_webrtc_session_kind_to_string (sl_webrtc_session_get_kind (session)),
                          node, sl_webrtc_session_get_id (session));
}

typedef struct
{
  SlWebrtcEndpoint  *endpoint;
  SoupServerMessage *msg;
} SlPendingPost;

static void
sl_webrtc_endpoint_negotiated (GObject      *source_object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  SlWebrtcSession *session = SL_WEBRTC_SESSION (source_object);
  SlPendingPost *pending = user_data;
  SlWebrtcEndpoint *self = pending->endpoint;
  g_autoptr(SoupServerMessage) msg = pending->msg;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *location = NULL;
  g_auto(GStrv) ice_servers = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *offer_text = NULL;
  g_autofree char *answer_text = NULL;
  gsize answer_length;

  g_free (pending);
  self->n_negotiating--;

  answer = sl_webrtc_session_negotiate_finish (session, result, &error);
  if (self->shutting_down)
    {
      /* The server dropped its connections and their messages. */
      sl_webrtc_endpoint_close_session (self, session, NULL, FALSE);
      sl_webrtc_endpoint_maybe_finish (self);
      return;
    }
  if (answer != NULL && sl_webrtc_session_has_ended (session))
    {
      g_clear_pointer (&answer, g_free);
      g_set_error_literal (&error, SL_ERROR, SL_ERROR_INVALID_STATE,
                           _("The session ended while it was negotiated"));
    }
  if (answer != NULL && sl_http_client_gone (msg))
    {
      g_debug ("The client of %s session %s left before its answer: not opening it",
               sl_webrtc_session_kind_to_string (sl_webrtc_session_get_kind (session)),
               sl_webrtc_session_get_id (session));
      g_clear_pointer (&answer, g_free);
      g_set_error_literal (&error, SL_ERROR, SL_ERROR_INVALID_STATE,
                           _("The client closed its connection before the answer"));
    }
  if (error != NULL)
    {
      if (g_error_matches (error, SL_ERROR, SL_ERROR_INVALID_STATE) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        soup_message_headers_replace (headers, "Retry-After", SL_WEBRTC_RETRY_AFTER);
      sl_http_refuse (msg, sl_status_for_error (error), "The offer cannot be answered: %s",
                      error->message);
      soup_server_message_unpause (msg);
      sl_webrtc_endpoint_close_session (self, session, NULL, FALSE);
      sl_webrtc_endpoint_maybe_finish (self);
      return;
    }

  g_hash_table_insert (self->sessions, g_strdup (sl_webrtc_session_get_id (session)),
                       g_object_ref (session));
  sl_webrtc_endpoint_post_event (self, TRUE, session);
  sl_webrtc_endpoint_arm_connect_deadline (self, session);

  location = sl_resource_path (session);
  sl_http_add_common_headers (msg);
  soup_message_headers_replace (headers, "Location", location);
  soup_message_headers_replace (headers, "ETag", sl_webrtc_session_get_etag (session));
  soup_message_headers_replace (headers, "Accept-Patch", SL_WEBRTC_TRICKLE_TYPE);
  ice_servers = sl_webrtc_endpoint_dup_ice_servers (self);
  for (guint i = 0; ice_servers != NULL && ice_servers[i] != NULL; i++)
    {
      g_autofree char *link = sl_webrtc_format_link_ice_server (ice_servers[i]);

      if (link != NULL)
        soup_message_headers_append (headers, "Link", link);
    }
  soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
  answer_length = strlen (answer);
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN) == FALSE)
    {
      offer_text = gst_sdp_message_as_text (sl_webrtc_session_get_offer (session));
      answer_text = g_strdup (answer);
    }
  soup_server_message_set_response (msg, SL_WEBRTC_SDP_TYPE, SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&answer), answer_length);
  soup_server_message_unpause (msg);

  g_debug ("%s session %s opened on “%s”; offer:\n%sanswer:\n%s",
           sl_webrtc_session_kind_to_string (sl_webrtc_session_get_kind (session)),
           sl_webrtc_session_get_id (session), sl_webrtc_session_get_node_id (session),
           offer_text, answer_text);
}

/* The request body as text; refuses it (and returns NULL) when it was too
 * large or is not text. */
static char *
sl_webrtc_endpoint_take_body (SoupServerMessage *msg,
                              const char        *what)
{
  SlBodyCount *count = g_object_get_data (G_OBJECT (msg), "sl-body-count");
  g_autoptr(GBytes) body = NULL;
  const char *data;
  gsize size;

  if (count != NULL && count->too_large)
    {
      sl_http_refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                      "The body (%" G_GUINT64_FORMAT " bytes) is larger than this endpoint takes (%u bytes)",
                      count->received, count->limit);
      return NULL;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &size);
  if (size == 0)
    {
      sl_http_refuse (msg, SOUP_STATUS_BAD_REQUEST, "The %s is empty", what);
      return NULL;
    }
  if (memchr (data, '\0', size) != NULL || !g_utf8_validate_len (data, size, NULL))
    {
      sl_http_refuse (msg, SOUP_STATUS_BAD_REQUEST, "The %s is not UTF-8 text", what);
      return NULL;
    }

  return g_strndup (data, size);
}

static void
sl_webrtc_endpoint_handle_post (SlWebrtcEndpoint  *self,
                                SoupServerMessage *msg,
                                const SlRoute     *route)
{
  g_autoptr(SlProcessor) processor = NULL;
  g_autoptr(SlWebrtcSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *offer = NULL;
  g_auto(GStrv) ice_servers = NULL;
  SlPendingPost *pending;
  GSocketAddress *local;
  gboolean loopback;
  guint open_sessions, limit;

  offer = sl_webrtc_endpoint_take_body (msg, "SDP offer");
  if (offer == NULL)
    return;

  limit = sl_webrtc_endpoint_get_limit (self, FALSE);
  open_sessions = g_hash_table_size (self->sessions) + self->n_negotiating;
  if (open_sessions >= limit)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                    SL_WEBRTC_RETRY_AFTER);
      sl_http_refuse (msg, SL_STATUS_TOO_MANY_REQUESTS,
                      "This endpoint already has %u sessions, its limit (max-sessions)", open_sessions);
      return;
    }

  processor = sl_webrtc_endpoint_find_host (self, route->kind, route->node_id, msg);
  if (processor == NULL)
    return;

  /* A client that reached us through loopback is on this machine: offer it
   * the loopback candidate only (and gather that one, which libnice would
   * skip otherwise). */
  local = soup_server_message_get_local_address (msg);
  loopback = G_IS_INET_SOCKET_ADDRESS (local) &&
             g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
  ice_servers = sl_webrtc_endpoint_dup_ice_servers (self);
  session = sl_webrtc_session_new (route->kind, route->node_id, offer, loopback,
                                   (const char * const *) ice_servers, &error);
  if (session == NULL ||
      !sl_webrtc_session_attach (session, SL_WEBRTC_SESSION_HOST (processor), &error))
    {
      guint status = sl_status_for_error (error);

      if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                      SL_WEBRTC_RETRY_AFTER);
      sl_http_refuse (msg, status, "%s", error->message);
      if (session != NULL)
        sl_webrtc_endpoint_close_session (self, session, NULL, FALSE);
      return;
    }

  sl_webrtc_session_set_end_func (session, sl_webrtc_endpoint_on_session_end,
                                  sl_endpoint_link_ref (self->link), sl_endpoint_link_unref);

  pending = g_new0 (SlPendingPost, 1);
  pending->endpoint = self;
  pending->msg = g_object_ref (msg);
  self->n_negotiating++;
  soup_server_message_pause (msg);
  sl_webrtc_session_negotiate_async (session, self->cancellable, sl_webrtc_endpoint_negotiated, pending);
}

/* The open session a resource URL names, or NULL once refused with 404. */
static SlWebrtcSession *
sl_webrtc_endpoint_find_session (SlWebrtcEndpoint  *self,
                                 SoupServerMessage *msg,
                                 const SlRoute     *route)
{
  SlWebrtcSession *session = g_hash_table_lookup (self->sessions, route->session_id);

  if (session == NULL || sl_webrtc_session_get_kind (session) != route->kind ||
      strcmp (sl_webrtc_session_get_node_id (session), route->node_id) != 0)
    {
      sl_http_refuse (msg, SOUP_STATUS_NOT_FOUND, "No %s session “%s” on node “%s” (ended, or never made)",
                      route->kind == SL_WEBRTC_SESSION_WHIP ? "WHIP" : "WHEP",
                      route->session_id, route->node_id);
      return NULL;
    }

  return session;
}

static void
sl_webrtc_endpoint_handle_patch (SlWebrtcEndpoint  *self,
                                 SoupServerMessage *msg,
                                 const SlRoute     *route)
{
  SlWebrtcSession *session = sl_webrtc_endpoint_find_session (self, msg, route);
  const char *if_match;
  g_autofree char *fragment = NULL;
  g_autoptr(GError) error = NULL;

  if (session == NULL)
    return;

  /* Out-of-order PATCHes of an older ICE session are refused (RFC 9725
   * §4.3.1); "*" is the client's ICE restart marker. */
  if_match = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "If-Match");
  if (if_match != NULL && strcmp (if_match, "*") != 0 &&
      strcmp (if_match, sl_webrtc_session_get_etag (session)) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag",
                                    sl_webrtc_session_get_etag (session));
      sl_http_refuse (msg, SOUP_STATUS_PRECONDITION_FAILED,
                      "If-Match %s is not the session's entity tag (%s)", if_match,
                      sl_webrtc_session_get_etag (session));
      return;
    }

  fragment = sl_webrtc_endpoint_take_body (msg, "trickle-ice-sdpfrag fragment");
  if (fragment == NULL)
    return;

  if (!sl_webrtc_session_add_remote_candidates (session, fragment, &error))
    {
      if (g_error_matches (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT))
        sl_http_refuse (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "%s", error->message);
      else if (g_error_matches (error, SL_ERROR, SL_ERROR_INVALID_STATE))
        sl_http_refuse (msg, SOUP_STATUS_NOT_FOUND, "%s", error->message);
      else
        sl_http_refuse (msg, SOUP_STATUS_BAD_REQUEST, "Malformed trickle-ice-sdpfrag: %s",
                        error->message);
      return;
    }

  sl_http_add_common_headers (msg);
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
sl_webrtc_endpoint_handle_delete (SlWebrtcEndpoint  *self,
                                  SoupServerMessage *msg,
                                  const SlRoute     *route)
{
  SlWebrtcSession *session = sl_webrtc_endpoint_find_session (self, msg, route);

  if (session == NULL)
    return;

  /* Answered once the session is closed: a client that waits for the
   * answer knows its resources are freed. */
  soup_server_message_pause (msg);
  sl_webrtc_endpoint_forget (self, session, msg);
}

static void
sl_webrtc_endpoint_handle_file (SoupServerMessage *msg,
                                const char        *file,
                                const char        *content_type)
{
  g_autofree char *path = g_strconcat (SL_WEBRTC_RESOURCE_PREFIX "/", file, NULL);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gconstpointer bytes;
  gsize size;

  data = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (data == NULL)
    {
      sl_http_refuse (msg, SOUP_STATUS_NOT_FOUND, "The player page is missing: %s", error->message);
      return;
    }

  bytes = g_bytes_get_data (data, &size);
  sl_http_add_common_headers (msg);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, bytes, size);
}

static void
sl_webrtc_endpoint_handle_streams (SlWebrtcEndpoint  *self,
                                   SoupServerMessage *msg)
{
  g_autoptr(SlGraph) graph = sl_runtime_get_graph (self->runtime);
  SlRegistry *registry = sl_runtime_get_registry (self->runtime);
  g_auto(GStrv) nodes = sl_graph_list_nodes (graph);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;

  json_builder_begin_array (builder);
  for (guint i = 0; nodes[i] != NULL; i++)
    {
      GType type = sl_registry_lookup (registry, sl_graph_get_node_factory (graph, nodes[i]));

      if (type != G_TYPE_INVALID && g_type_is_a (type, SL_WEBRTC_TYPE_SESSION_HOST))
        {
          gpointer klass = g_type_class_ref (type);
          SlWebrtcSessionHostInterface *iface = g_type_interface_peek (klass, SL_WEBRTC_TYPE_SESSION_HOST);

          if (iface != NULL && iface->kind == SL_WEBRTC_SESSION_WHEP)
            json_builder_add_string_value (builder, nodes[i]);
          g_type_class_unref (klass);
        }
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  sl_http_add_common_headers (msg);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-cache");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

/* OPTIONS: what the resource takes, and a CORS preflight's answer. */
static void
sl_webrtc_endpoint_handle_options (SoupServerMessage *msg,
                                   const SlRoute     *route)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *allow = sl_route_allow (route->type);

  sl_http_add_common_headers (msg);
  soup_message_headers_replace (headers, "Allow", allow);
  soup_message_headers_replace (headers, "Access-Control-Allow-Methods", allow);
  soup_message_headers_replace (headers, "Access-Control-Allow-Headers",
                                "Authorization, Content-Type, If-Match");
  soup_message_headers_replace (headers, "Access-Control-Max-Age", "86400");
  if (route->type == SL_ROUTE_ENDPOINT)
    soup_message_headers_replace (headers, "Accept-Post", SL_WEBRTC_SDP_TYPE);
  else if (route->type == SL_ROUTE_RESOURCE)
    soup_message_headers_replace (headers, "Accept-Patch", SL_WEBRTC_TRICKLE_TYPE);
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
sl_webrtc_endpoint_handler (SoupServer        *server,
                            SoupServerMessage *msg,
                            const char        *path,
                            GHashTable        *query,
                            gpointer           user_data)
{
  SlWebrtcEndpoint *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto(SlRoute) route = { 0, };

  sl_route_parse (path, &route);
  if (route.type == SL_ROUTE_UNKNOWN)
    {
      sl_webrtc_endpoint_refuse_unknown (msg, path);
      return;
    }

  if (strcmp (method, SOUP_METHOD_OPTIONS) == 0)
    {
      sl_webrtc_endpoint_handle_options (msg, &route);
      return;
    }

  /* The early handler refused the rest already: disallowed methods, a
   * missing token, a wrong content type, a declared oversize body. */
  switch (route.type)
    {
    case SL_ROUTE_PAGE:
      sl_webrtc_endpoint_handle_file (msg, "player/index.html", "text/html; charset=utf-8");
      break;
    case SL_ROUTE_SCRIPT:
      sl_webrtc_endpoint_handle_file (msg, "player/player.js", "text/javascript; charset=utf-8");
      break;
    case SL_ROUTE_STREAMS:
      sl_webrtc_endpoint_handle_streams (self, msg);
      break;
    case SL_ROUTE_ENDPOINT:
      sl_webrtc_endpoint_handle_post (self, msg, &route);
      break;
    case SL_ROUTE_RESOURCE:
      if (strcmp (method, SL_METHOD_PATCH) == 0)
        sl_webrtc_endpoint_handle_patch (self, msg, &route);
      else
        sl_webrtc_endpoint_handle_delete (self, msg, &route);
      break;
    case SL_ROUTE_UNKNOWN:
    default:
      g_assert_not_reached ();
    }
}

/* ---- the server thread ------------------------------------------------------------------ */

/* Server thread: stop taking requests, cancel negotiations, close every
 * session; the loop ends once the last of them is done. */
static gboolean
sl_webrtc_endpoint_begin_shutdown (gpointer user_data)
{
  SlWebrtcEndpoint *self = user_data;
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer session;

  self->shutting_down = TRUE;
  soup_server_disconnect (self->server);
  g_cancellable_cancel (self->cancellable);

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    g_ptr_array_add (open, g_object_ref (session));
  for (guint i = 0; i < open->len; i++)
    sl_webrtc_endpoint_forget (self, g_ptr_array_index (open, i), NULL);

  sl_webrtc_endpoint_maybe_finish (self);
  return G_SOURCE_REMOVE;
}

static void
sl_webrtc_endpoint_report_start (SlWebrtcEndpoint *self,
                                 GError           *error)
{
  g_mutex_lock (&self->mutex);
  self->ready = TRUE;
  self->start_error = error;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static gpointer
sl_webrtc_endpoint_thread (gpointer user_data)
{
  SlWebrtcEndpoint *self = user_data;
  GError *error = NULL;

  g_main_context_push_thread_default (self->context);

  /* libsoup binds the server's sources to this thread's context. */
  self->server = soup_server_new ("server-header", "streamlib-webrtc/" PACKAGE_VERSION " ", NULL);
  soup_server_add_early_handler (self->server, NULL, sl_webrtc_endpoint_early_handler, self, NULL);
  soup_server_add_handler (self->server, NULL, sl_webrtc_endpoint_handler, self, NULL);

  if (!soup_server_listen_socket (self->server, self->socket, 0, &error))
    {
      g_clear_object (&self->server);
      g_main_context_pop_thread_default (self->context);
      sl_webrtc_endpoint_report_start (self, error);
      return NULL;
    }

  sl_webrtc_endpoint_report_start (self, NULL);
  g_main_loop_run (self->loop);

  /* No more end notices: later ones are dropped with the context. */
  g_mutex_lock (&self->link->mutex);
  self->link->alive = FALSE;
  g_mutex_unlock (&self->link->mutex);

  g_clear_object (&self->server);
  g_hash_table_remove_all (self->sessions);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* ---- public API ---------------------------------------------------------------------------- */

/**
 * sl_webrtc_endpoint_new:
 * @runtime: the runtime whose graph the endpoint serves
 *
 * Makes an endpoint for @runtime. It serves nothing until
 * [method@StreamlibWebrtc.Endpoint.listen]. Its signals are emitted on the
 * thread-default main context of the calling thread.
 *
 * Call it from the thread whose main context should receive the signals
 * (typically the application's main thread).
 *
 * Returns: (transfer full): a new endpoint
 *
 * Since: 1.0
 */
SlWebrtcEndpoint *
sl_webrtc_endpoint_new (SlRuntime *runtime)
{
  g_return_val_if_fail (SL_IS_RUNTIME (runtime), NULL);

  return g_object_new (SL_WEBRTC_TYPE_ENDPOINT, "runtime", runtime, NULL);
}

static char *
sl_webrtc_endpoint_format_url (GInetAddress *address,
                               guint         port)
{
  g_autoptr(GInetAddress) shown = NULL;
  g_autofree char *text = NULL;

  /* A wildcard address is not one a client can use: give the loopback
   * address of the same family, which reaches the endpoint from here. */
  if (g_inet_address_get_is_any (address))
    shown = g_inet_address_new_loopback (g_inet_address_get_family (address));
  else
    shown = g_object_ref (address);

  text = g_inet_address_to_string (shown);
  if (g_inet_address_get_family (shown) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("http://[%s]:%u/", text, port);
  return g_strdup_printf ("http://%s:%u/", text, port);
}

/**
 * sl_webrtc_endpoint_listen:
 * @self: an endpoint
 * @address: the IP address to listen on, such as `127.0.0.1`, `::1`, or
 *   `0.0.0.0` for every IPv4 interface
 * @port: the TCP port, or 0 for any free port
 * @error: return location for a #GError
 *
 * Starts serving: binds @address:@port (synchronously, so that a bad
 * address or a port in use is reported here) and starts the endpoint's
 * thread. Read the port chosen with
 * [method@StreamlibWebrtc.Endpoint.get_port] and the URL with
 * [method@StreamlibWebrtc.Endpoint.get_url].
 *
 * An endpoint listens once: a second call fails with
 * %SL_ERROR_INVALID_STATE, and so does a call after
 * [method@StreamlibWebrtc.Endpoint.close].
 *
 * Call it from the thread that made the endpoint.
 *
 * Returns: %TRUE once listening; %FALSE with %SL_ERROR_INVALID_ARGUMENT when
 *   @address is not an IP address or @port is out of range, %SL_ERROR_FAILED
 *   naming the address when it cannot be bound (a port in use)
 *
 * Since: 1.0
 */
gboolean
sl_webrtc_endpoint_listen (SlWebrtcEndpoint  *self,
                           const char        *address,
                           guint              port,
                           GError           **error)
{
  g_autoptr(GInetAddress) inet_address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) local_error = NULL;
  GError *start_error;
  guint bound_port;

  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);
  if (self->listening || self->closed)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_STATE, _("The endpoint is %s"),
                   self->closed ? "closed" : "already listening");
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }
  g_mutex_unlock (&self->mutex);

  inet_address = g_inet_address_new_from_string (address);
  if (inet_address == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address (give one such as 127.0.0.1 or ::1)"), address);
      return FALSE;
    }
  if (port > G_MAXUINT16)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                   _("%u is not a TCP port (0 to 65535; 0 picks a free one)"), port);
      return FALSE;
    }

  socket_address = g_inet_socket_address_new (inet_address, (guint16) port);
  socket = g_socket_new (g_inet_address_get_family (inet_address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &local_error);
  if (socket == NULL ||
      !g_socket_bind (socket, socket_address, TRUE, &local_error) ||
      !g_socket_listen (socket, &local_error) ||
      (local = g_socket_get_local_address (socket, &local_error)) == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Cannot listen on %s port %u: %s"),
                   address, port, local_error->message);
      return FALSE;
    }
  bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

  self->socket = g_steal_pointer (&socket);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->link = sl_endpoint_link_new (self, self->context);
  self->cancellable = g_cancellable_new ();

  self->thread = g_thread_try_new ("sl-webrtc-endpoint", sl_webrtc_endpoint_thread, self, &local_error);
  if (self->thread == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Cannot start the endpoint's thread: %s"),
                   local_error->message);
      return FALSE;
    }

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  start_error = g_steal_pointer (&self->start_error);
  if (start_error == NULL)
    {
      self->listening = TRUE;
      self->port = bound_port;
      self->url = sl_webrtc_endpoint_format_url (inet_address, bound_port);
    }
  g_mutex_unlock (&self->mutex);

  if (start_error != NULL)
    {
      g_thread_join (g_steal_pointer (&self->thread));
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("Cannot serve on %s port %u: %s"),
                   address, port, start_error->message);
      g_error_free (start_error);
      return FALSE;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  g_debug ("WHIP/WHEP endpoint listening on %s", self->url);
  return TRUE;
}

/**
 * sl_webrtc_endpoint_close:
 * @self: an endpoint
 *
 * Stops serving: the listening socket and the connections close, sessions
 * being negotiated are cancelled, and every open session is closed (its
 * peer connection ends, the processor stops sending it media or receiving
 * its media). [signal@StreamlibWebrtc.Endpoint::session-closed] is emitted
 * for each open session before this returns. Calling it again does nothing;
 * disposing of the endpoint closes it.
 *
 * It waits for the endpoint's thread, which waits for negotiations in
 * progress: at most a few seconds, every such wait being bounded.
 *
 * Call it from the thread that made the endpoint.
 *
 * Since: 1.0
 */
void
sl_webrtc_endpoint_close (SlWebrtcEndpoint *self)
{
  g_autoptr(GSource) source = NULL;
  GThread *thread;

  g_return_if_fail (SL_WEBRTC_IS_ENDPOINT (self));

  g_mutex_lock (&self->mutex);
  if (self->closed)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->closed = TRUE;
  self->listening = FALSE;
  thread = g_steal_pointer (&self->thread);
  g_mutex_unlock (&self->mutex);

  if (thread != NULL)
    {
      source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_HIGH);
      g_source_set_static_name (source, "[streamlib] close the WebRTC endpoint");
      g_source_set_callback (source, sl_webrtc_endpoint_begin_shutdown, self, NULL);
      g_source_attach (source, self->context);
      g_thread_join (thread);
    }

  g_clear_object (&self->socket);
  /* Dropped with the context: end notices nobody will dispatch. */
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->link, sl_endpoint_link_unref);

  /* The closes of the last sessions, before close returns. */
  sl_webrtc_endpoint_dispatch_events (self);
}

/**
 * sl_webrtc_endpoint_get_port:
 * @self: an endpoint
 *
 * Any thread may call this.
 *
 * Returns: the TCP port the endpoint listens on, or 0 when it does not
 *
 * Since: 1.0
 */
guint
sl_webrtc_endpoint_get_port (SlWebrtcEndpoint *self)
{
  guint port;

  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), 0);

  g_mutex_lock (&self->mutex);
  port = self->listening ? self->port : 0;
  g_mutex_unlock (&self->mutex);

  return port;
}

/**
 * sl_webrtc_endpoint_get_url:
 * @self: an endpoint
 *
 * The base URL of the endpoint, such as `http://127.0.0.1:8080/`: the
 * player page. WHIP publishers post to `<url>whip/<node-id>`, WHEP viewers
 * to `<url>whep/<node-id>`. For an endpoint listening on a wildcard address
 * (`0.0.0.0`, `::`) the URL names the loopback address.
 *
 * Any thread may call this.
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL when the endpoint
 *   does not listen
 *
 * Since: 1.0
 */
char *
sl_webrtc_endpoint_get_url (SlWebrtcEndpoint *self)
{
  char *url;

  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), NULL);

  g_mutex_lock (&self->mutex);
  url = self->listening ? g_strdup (self->url) : NULL;
  g_mutex_unlock (&self->mutex);

  return url;
}

/**
 * sl_webrtc_endpoint_get_runtime:
 * @self: an endpoint
 *
 * Any thread may call this.
 *
 * Returns: (transfer none): the runtime the endpoint serves
 *
 * Since: 1.0
 */
SlRuntime *
sl_webrtc_endpoint_get_runtime (SlWebrtcEndpoint *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), NULL);

  return self->runtime;
}

/**
 * sl_webrtc_endpoint_dup_token:
 * @self: an endpoint
 *
 * Any thread may call this.
 *
 * Returns: (transfer full) (nullable): the Bearer token requests must
 *   carry, or %NULL if none is needed
 *
 * Since: 1.0
 */
char *
sl_webrtc_endpoint_dup_token (SlWebrtcEndpoint *self)
{
  char *token;

  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), NULL);

  g_mutex_lock (&self->mutex);
  token = g_strdup (self->token);
  g_mutex_unlock (&self->mutex);

  return token;
}

/**
 * sl_webrtc_endpoint_set_token:
 * @self: an endpoint
 * @token: (nullable): the Bearer token, or %NULL (or empty) to serve
 *   without one
 *
 * Sets [property@StreamlibWebrtc.Endpoint:token]. It applies to the
 * requests that arrive from then on.
 *
 * Call it from the thread that made the endpoint (the property's notify is
 * emitted there).
 *
 * Since: 1.0
 */
void
sl_webrtc_endpoint_set_token (SlWebrtcEndpoint *self,
                              const char       *token)
{
  gboolean changed;

  g_return_if_fail (SL_WEBRTC_IS_ENDPOINT (self));

  if (token != NULL && *token == '\0')
    token = NULL;

  g_mutex_lock (&self->mutex);
  changed = g_strcmp0 (self->token, token) != 0;
  if (changed)
    {
      g_free (self->token);
      self->token = g_strdup (token);
    }
  g_mutex_unlock (&self->mutex);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

/**
 * sl_webrtc_endpoint_get_max_sessions:
 * @self: an endpoint
 *
 * Any thread may call this.
 *
 * Returns: the most sessions (open or being negotiated) the endpoint holds
 *
 * Since: 1.0
 */
guint
sl_webrtc_endpoint_get_max_sessions (SlWebrtcEndpoint *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), 0);

  return sl_webrtc_endpoint_get_limit (self, FALSE);
}

/**
 * sl_webrtc_endpoint_set_max_sessions:
 * @self: an endpoint
 * @max_sessions: the most sessions the endpoint holds at once, at least 1
 *
 * Sets [property@StreamlibWebrtc.Endpoint:max-sessions]. Lowering it closes
 * no session; new ones are refused until there are fewer.
 *
 * Call it from the thread that made the endpoint.
 *
 * Since: 1.0
 */
void
sl_webrtc_endpoint_set_max_sessions (SlWebrtcEndpoint *self,
                                     guint             max_sessions)
{
  g_return_if_fail (SL_WEBRTC_IS_ENDPOINT (self));
  g_return_if_fail (max_sessions >= 1);

  sl_webrtc_endpoint_set_limit (self, FALSE, max_sessions);
}

/**
 * sl_webrtc_endpoint_get_max_body_size:
 * @self: an endpoint
 *
 * Any thread may call this.
 *
 * Returns: the largest request body the endpoint takes, in bytes
 *
 * Since: 1.0
 */
guint
sl_webrtc_endpoint_get_max_body_size (SlWebrtcEndpoint *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), 0);

  return sl_webrtc_endpoint_get_limit (self, TRUE);
}

/**
 * sl_webrtc_endpoint_set_max_body_size:
 * @self: an endpoint
 * @max_body_size: the largest request body taken, in bytes, at least 1
 *
 * Sets [property@StreamlibWebrtc.Endpoint:max-body-size].
 *
 * Call it from the thread that made the endpoint.
 *
 * Since: 1.0
 */
void
sl_webrtc_endpoint_set_max_body_size (SlWebrtcEndpoint *self,
                                      guint             max_body_size)
{
  g_return_if_fail (SL_WEBRTC_IS_ENDPOINT (self));
  g_return_if_fail (max_body_size >= 1);

  sl_webrtc_endpoint_set_limit (self, TRUE, max_body_size);
}

/**
 * sl_webrtc_endpoint_dup_ice_servers:
 * @self: an endpoint
 *
 * Any thread may call this.
 *
 * Returns: (transfer full) (nullable) (array zero-terminated=1): the STUN
 *   and TURN servers sessions use, or %NULL if none
 *
 * Since: 1.0
 */
char **
sl_webrtc_endpoint_dup_ice_servers (SlWebrtcEndpoint *self)
{
  char **servers;

  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), NULL);

  g_mutex_lock (&self->mutex);
  servers = g_strdupv (self->ice_servers);
  g_mutex_unlock (&self->mutex);

  return servers;
}

/**
 * sl_webrtc_endpoint_set_ice_servers:
 * @self: an endpoint
 * @ice_servers: (nullable) (array zero-terminated=1): STUN and TURN server
 *   URLs (`stun:HOST[:PORT]`, `turn:USER:PASSWORD@HOST[:PORT]`, …), or
 *   %NULL for none
 * @error: return location for a #GError
 *
 * Sets [property@StreamlibWebrtc.Endpoint:ice-servers]: the servers the
 * sessions made from then on gather candidates with, also given to the
 * clients in `Link: rel="ice-server"` headers of the 201 answers. Without
 * servers only host candidates are used (no STUN, no TURN).
 *
 * Call it from the thread that made the endpoint.
 *
 * Returns: %TRUE if set; %FALSE with %SL_ERROR_INVALID_PROPERTY_VALUE
 *   naming the first URL that is not valid (nothing changes then)
 *
 * Since: 1.0
 */
gboolean
sl_webrtc_endpoint_set_ice_servers (SlWebrtcEndpoint    *self,
                                    const char * const  *ice_servers,
                                    GError             **error)
{
  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sl_webrtc_check_ice_servers (ice_servers, error))
    return FALSE;

  g_mutex_lock (&self->mutex);
  g_strfreev (self->ice_servers);
  self->ice_servers = ice_servers != NULL && ice_servers[0] != NULL
                      ? g_strdupv ((char **) ice_servers) : NULL;
  g_mutex_unlock (&self->mutex);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICE_SERVERS]);
  return TRUE;
}

/**
 * sl_webrtc_endpoint_get_n_sessions:
 * @self: an endpoint
 *
 * The number of open sessions, as the signals told it so far: it counts
 * [signal@StreamlibWebrtc.Endpoint::session-opened] emissions less
 * [signal@StreamlibWebrtc.Endpoint::session-closed] ones, so it changes on
 * the thread that made the endpoint, when its main context dispatches them.
 *
 * Call it from the thread that made the endpoint.
 *
 * Returns: the number of open WHIP and WHEP sessions
 *
 * Since: 1.0
 */
guint
sl_webrtc_endpoint_get_n_sessions (SlWebrtcEndpoint *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_ENDPOINT (self), 0);

  return self->n_sessions;
}

/* ---- GObject ---------------------------------------------------------------------------------- */

static void
sl_webrtc_endpoint_constructed (GObject *object)
{
  SlWebrtcEndpoint *self = SL_WEBRTC_ENDPOINT (object);

  G_OBJECT_CLASS (sl_webrtc_endpoint_parent_class)->constructed (object);

  g_return_if_fail (SL_IS_RUNTIME (self->runtime));

  self->owner_context = g_main_context_ref_thread_default ();
  self->owner_source = g_source_new (&sl_webrtc_endpoint_owner_funcs, sizeof (GSource));
  g_source_set_static_name (self->owner_source, "[streamlib] WebRTC endpoint events");
  g_source_set_callback (self->owner_source, sl_webrtc_endpoint_owner_callback, self, NULL);
  g_source_set_ready_time (self->owner_source, -1);
  g_source_attach (self->owner_source, self->owner_context);
}

static void
sl_webrtc_endpoint_dispose (GObject *object)
{
  SlWebrtcEndpoint *self = SL_WEBRTC_ENDPOINT (object);

  if (self->owner_source != NULL)
    sl_webrtc_endpoint_close (self);
  if (self->owner_source != NULL)
    {
      g_source_destroy (self->owner_source);
      g_clear_pointer (&self->owner_source, g_source_unref);
    }
  g_clear_object (&self->runtime);

  G_OBJECT_CLASS (sl_webrtc_endpoint_parent_class)->dispose (object);
}

static void
sl_webrtc_endpoint_finalize (GObject *object)
{
  SlWebrtcEndpoint *self = SL_WEBRTC_ENDPOINT (object);

  g_queue_clear_full (&self->events, (GDestroyNotify) sl_endpoint_event_free);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->start_error);
  g_free (self->token);
  g_free (self->url);
  g_strfreev (self->ice_servers);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (sl_webrtc_endpoint_parent_class)->finalize (object);
}

static void
sl_webrtc_endpoint_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SlWebrtcEndpoint *self = SL_WEBRTC_ENDPOINT (object);

  switch (prop_id)
    {
    case PROP_RUNTIME:
      g_value_set_object (value, self->runtime);
      break;
    case PROP_TOKEN:
      g_value_take_string (value, sl_webrtc_endpoint_dup_token (self));
      break;
    case PROP_MAX_SESSIONS:
      g_value_set_uint (value, sl_webrtc_endpoint_get_max_sessions (self));
      break;
    case PROP_MAX_BODY_SIZE:
      g_value_set_uint (value, sl_webrtc_endpoint_get_max_body_size (self));
      break;
    case PROP_ICE_SERVERS:
      g_value_take_boxed (value, sl_webrtc_endpoint_dup_ice_servers (self));
      break;
    case PROP_N_SESSIONS:
      g_value_set_uint (value, self->n_sessions);
      break;
    case PROP_PORT:
      g_value_set_uint (value, sl_webrtc_endpoint_get_port (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_webrtc_endpoint_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SlWebrtcEndpoint *self = SL_WEBRTC_ENDPOINT (object);
  g_autoptr(GError) error = NULL;

  switch (prop_id)
    {
    case PROP_RUNTIME:
      self->runtime = g_value_dup_object (value);
      break;
    case PROP_TOKEN:
      sl_webrtc_endpoint_set_token (self, g_value_get_string (value));
      break;
    case PROP_MAX_SESSIONS:
      sl_webrtc_endpoint_set_max_sessions (self, g_value_get_uint (value));
      break;
    case PROP_MAX_BODY_SIZE:
      sl_webrtc_endpoint_set_max_body_size (self, g_value_get_uint (value));
      break;
    case PROP_ICE_SERVERS:
      /* A property has no error to report through: warn, keep the old
       * value. sl_webrtc_endpoint_set_ice_servers() reports it. */
      if (!sl_webrtc_endpoint_set_ice_servers (self, g_value_get_boxed (value), &error))
        g_warning ("Not setting the endpoint's ice-servers: %s", error->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_webrtc_endpoint_class_init (SlWebrtcEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = sl_webrtc_endpoint_constructed;
  object_class->dispose = sl_webrtc_endpoint_dispose;
  object_class->finalize = sl_webrtc_endpoint_finalize;
  object_class->get_property = sl_webrtc_endpoint_get_property;
  object_class->set_property = sl_webrtc_endpoint_set_property;

  /**
   * SlWebrtcEndpoint:runtime:
   *
   * The runtime whose graph the endpoint serves: `POST /whip/<node-id>`
   * and `POST /whep/<node-id>` name its nodes.
   *
   * Since: 1.0
   */
  properties[PROP_RUNTIME] =
    g_param_spec_object ("runtime", NULL, NULL, SL_TYPE_RUNTIME,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SlWebrtcEndpoint:token:
   *
   * The Bearer token WHIP and WHEP requests (and `GET /streams`) must
   * carry in an `Authorization: Bearer TOKEN` header, or %NULL to serve
   * anyone. The player page and its script are served to anyone; the page
   * takes the token from its `?token=` query parameter.
   *
   * Since: 1.0
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL, flags);

  /**
   * SlWebrtcEndpoint:max-sessions:
   *
   * The most sessions, WHIP and WHEP together, open or being negotiated,
   * the endpoint holds at once; more are refused with 429 Too Many
   * Requests.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_SESSIONS] =
    g_param_spec_uint ("max-sessions", NULL, NULL,
                       1, G_MAXUINT, SL_WEBRTC_ENDPOINT_DEFAULT_MAX_SESSIONS, flags | G_PARAM_CONSTRUCT);

  /**
   * SlWebrtcEndpoint:max-body-size:
   *
   * The largest request body (an SDP offer, a trickle fragment), in bytes;
   * larger ones are refused with 413 Content Too Large.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_BODY_SIZE] =
    g_param_spec_uint ("max-body-size", NULL, NULL,
                       1, G_MAXUINT, SL_WEBRTC_ENDPOINT_DEFAULT_MAX_BODY_SIZE, flags | G_PARAM_CONSTRUCT);

  /**
   * SlWebrtcEndpoint:ice-servers: (type GStrv)
   *
   * STUN and TURN server URLs the sessions gather candidates with (see
   * [method@StreamlibWebrtc.Endpoint.set_ice_servers]). Empty by default:
   * host candidates only, nothing is asked of a server.
   *
   * Since: 1.0
   */
  properties[PROP_ICE_SERVERS] =
    g_param_spec_boxed ("ice-servers", NULL, NULL, G_TYPE_STRV, flags);

  /**
   * SlWebrtcEndpoint:n-sessions:
   *
   * The number of open sessions (see
   * [method@StreamlibWebrtc.Endpoint.get_n_sessions]). Its notify is
   * emitted on the thread-default main context of the thread that made the
   * endpoint.
   *
   * Since: 1.0
   */
  properties[PROP_N_SESSIONS] =
    g_param_spec_uint ("n-sessions", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SlWebrtcEndpoint:port:
   *
   * The TCP port the endpoint listens on, 0 while it does not.
   *
   * Since: 1.0
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SlWebrtcEndpoint::session-opened:
   * @self: the endpoint
   * @kind: "whip" (a publisher) or "whep" (a viewer)
   * @node_id: the node the session belongs to
   * @session_id: the session's id, the last segment of its URL
   *
   * A session was answered (201 Created). Emitted on the thread-default
   * main context of the thread that made the endpoint.
   *
   * Since: 1.0
   */
  signals[SIGNAL_SESSION_OPENED] =
    g_signal_new ("session-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * SlWebrtcEndpoint::session-closed:
   * @self: the endpoint
   * @kind: "whip" or "whep"
   * @node_id: the node the session belonged to
   * @session_id: the session's id
   *
   * A session ended: deleted by its client, failed (ICE, DTLS), closed
   * with its processor or with the endpoint. Emitted on the thread-default
   * main context of the thread that made the endpoint.
   *
   * Since: 1.0
   */
  signals[SIGNAL_SESSION_CLOSED] =
    g_signal_new ("session-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
sl_webrtc_endpoint_init (SlWebrtcEndpoint *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->events);
  self->max_sessions = SL_WEBRTC_ENDPOINT_DEFAULT_MAX_SESSIONS;
  self->max_body_size = SL_WEBRTC_ENDPOINT_DEFAULT_MAX_BODY_SIZE;
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}
