/* sl-webrtc-util.c: helpers shared by the WHIP/WHEP clients and the endpoint
 *
 * See sl-webrtc-util-private.h for what each one is for.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <gio/gio.h>

#include "sl-webrtc-util-private.h"

/* How much of a server's answer body an error message quotes. */
#define SL_WEBRTC_ERROR_BODY_MAX 200

/* g_set_str() is GLib 2.76. */
static void
sl_set_str (char       **slot,
            const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*slot);
  *slot = copy;
}

/* ---- ICE server URLs -------------------------------------------------------- */

typedef struct
{
  char    *scheme;      /* "stun", "turn" or "turns" */
  char    *user;        /* unescaped, or NULL */
  char    *password;    /* unescaped, or NULL */
  char    *host;        /* an IPv6 address keeps its brackets */
  guint    port;
  char    *transport;   /* "udp", "tcp" or NULL */
} SlIceServer;

static void
sl_ice_server_clear (SlIceServer *server)
{
  g_free (server->scheme);
  g_free (server->user);
  g_free (server->password);
  g_free (server->host);
  g_free (server->transport);
  memset (server, 0, sizeof *server);
}

static gboolean
sl_ice_server_fail (SlIceServer  *server,
                    const char   *url,
                    const char   *why,
                    GError      **error)
{
  sl_ice_server_clear (server);
  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
               _("“%s” is not a usable ICE server URL: %s"), url, why);
  return FALSE;
}

/* Parses both the RFC 7064/7065 form (stun:host:port, turn:user:pass@host)
 * and webrtcbin's (stun://host:port, turn://user:pass@host:port). */
static gboolean
sl_ice_server_parse (const char   *url,
                     SlIceServer  *server,
                     GError      **error)
{
  g_autofree char *rest = NULL;
  const char *colon, *query, *at, *hostport, *port_text = NULL;
  g_autofree char *hostpart = NULL;

  memset (server, 0, sizeof *server);

  if (url == NULL || *url == '\0')
    return sl_ice_server_fail (server, "", "it is empty", error);

  for (const char *c = url; *c != '\0'; c++)
    if (g_ascii_isspace (*c) || g_ascii_iscntrl (*c))
      return sl_ice_server_fail (server, url, "it contains white space", error);

  colon = strchr (url, ':');
  if (colon == NULL)
    return sl_ice_server_fail (server, url, "it has no scheme (stun:, turn: or turns:)", error);

  server->scheme = g_ascii_strdown (url, colon - url);
  if (!g_str_equal (server->scheme, "stun") && !g_str_equal (server->scheme, "turn") &&
      !g_str_equal (server->scheme, "turns"))
    return sl_ice_server_fail (server, url, "the scheme is not stun:, turn: or turns:", error);

  rest = g_strdup (g_str_has_prefix (colon + 1, "//") ? colon + 3 : colon + 1);

  query = strchr (rest, '?');
  if (query != NULL)
    {
      rest[query - rest] = '\0';
      if (g_ascii_strcasecmp (query + 1, "transport=udp") == 0)
        server->transport = g_strdup ("udp");
      else if (g_ascii_strcasecmp (query + 1, "transport=tcp") == 0)
        server->transport = g_strdup ("tcp");
      else
        return sl_ice_server_fail (server, url, "the only query it may have is ?transport=udp or ?transport=tcp",
                                   error);
      if (g_str_equal (server->scheme, "stun"))
        return sl_ice_server_fail (server, url, "a STUN URL takes no transport", error);
    }

  at = strrchr (rest, '@');
  if (at != NULL)
    {
      g_autofree char *userinfo = g_strndup (rest, at - rest);
      const char *separator = strchr (userinfo, ':');

      if (separator == NULL)
        return sl_ice_server_fail (server, url, "the credentials are not USER:PASSWORD", error);
      server->user = g_uri_unescape_segment (userinfo, separator, NULL);
      server->password = g_uri_unescape_string (separator + 1, NULL);
      if (server->user == NULL || server->password == NULL || *server->user == '\0')
        return sl_ice_server_fail (server, url, "the credentials are not USER:PASSWORD", error);
      hostport = at + 1;
    }
  else
    hostport = rest;

  if (*hostport == '[')
    {
      const char *close = strchr (hostport, ']');

      if (close == NULL)
        return sl_ice_server_fail (server, url, "the IPv6 address has no closing bracket", error);
      hostpart = g_strndup (hostport, close - hostport + 1);
      if (close[1] == ':')
        port_text = close + 2;
      else if (close[1] != '\0')
        return sl_ice_server_fail (server, url, "unexpected text after the IPv6 address", error);
    }
  else
    {
      const char *port_colon = strchr (hostport, ':');

      hostpart = port_colon != NULL ? g_strndup (hostport, port_colon - hostport) : g_strdup (hostport);
      if (port_colon != NULL)
        port_text = port_colon + 1;
    }

  if (*hostpart == '\0' || g_str_equal (hostpart, "[]") || strpbrk (hostpart, "/@") != NULL)
    return sl_ice_server_fail (server, url, "it has no host", error);
  server->host = g_steal_pointer (&hostpart);

  if (port_text != NULL)
    {
      guint64 port;

      if (!g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL))
        return sl_ice_server_fail (server, url, "the port is not a number from 1 to 65535", error);
      server->port = port;
    }
  else
    server->port = g_str_equal (server->scheme, "turns") ? 5349 : 3478;

  if (!g_str_equal (server->scheme, "stun") && server->user == NULL)
    return sl_ice_server_fail (server, url,
                               "a TURN server needs credentials (turn:USER:PASSWORD@HOST)", error);
  if (g_str_equal (server->scheme, "stun") && server->user != NULL)
    return sl_ice_server_fail (server, url, "a STUN URL takes no credentials", error);

  return TRUE;
}

/* webrtcbin's form: stun://host:port, turn(s)://user:pass@host:port[?transport=…] */
static char *
sl_ice_server_to_webrtcbin (const SlIceServer *server)
{
  GString *url = g_string_new (server->scheme);

  g_string_append (url, "://");
  if (server->user != NULL)
    {
      g_string_append_uri_escaped (url, server->user, NULL, FALSE);
      g_string_append_c (url, ':');
      g_string_append_uri_escaped (url, server->password, NULL, FALSE);
      g_string_append_c (url, '@');
    }
  g_string_append_printf (url, "%s:%u", server->host, server->port);
  if (server->transport != NULL)
    g_string_append_printf (url, "?transport=%s", server->transport);

  return g_string_free (url, FALSE);
}

gboolean
sl_webrtc_check_ice_server (const char  *url,
                            GError     **error)
{
  SlIceServer server;

  if (!sl_ice_server_parse (url, &server, error))
    return FALSE;
  sl_ice_server_clear (&server);
  return TRUE;
}

gboolean
sl_webrtc_check_ice_servers (const char * const  *ice_servers,
                             GError             **error)
{
  for (guint i = 0; ice_servers != NULL && ice_servers[i] != NULL; i++)
    if (!sl_webrtc_check_ice_server (ice_servers[i], error))
      return FALSE;

  return TRUE;
}

gboolean
sl_webrtc_check_http_url (const char  *url,
                          GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *scheme;

  if (url == NULL || *url == '\0')
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, _("The URL is empty"));
      return FALSE;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &parse_error);
  if (uri == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, _("“%s” is not a URL: %s"), url,
                   parse_error->message);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   _("“%s” is not an http:// or https:// URL"), url);
      return FALSE;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, _("“%s” has no host"), url);
      return FALSE;
    }

  return TRUE;
}

gboolean
sl_webrtc_url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
sl_webrtc_configure_ice (GstElement          *webrtcbin,
                         gboolean             loopback,
                         const char * const  *ice_servers,
                         GError             **error)
{
  g_autoptr(GObject) ice = NULL;
  g_autoptr(GObject) agent = NULL;
  gboolean have_stun = FALSE;

  g_return_val_if_fail (GST_IS_ELEMENT (webrtcbin), FALSE);

  if (!sl_webrtc_check_ice_servers (ice_servers, error))
    return FALSE;

  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (ice == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED, _("webrtcbin has no ICE agent"));
      return FALSE;
    }

  /* UPnP sends SSDP multicast to the whole network: never wanted here. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent") != NULL)
    g_object_get (ice, "agent", &agent, NULL);
  if (agent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "upnp") != NULL)
    g_object_set (agent, "upnp", FALSE, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "ice-tcp") != NULL)
    g_object_set (ice, "ice-tcp", FALSE, NULL);

  if (loopback)
    {
      gboolean added = FALSE;

      g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &added);
      if (!added)
        {
          g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                               _("The ICE agent refused 127.0.0.1 as a local address"));
          return FALSE;
        }
    }

  for (guint i = 0; ice_servers != NULL && ice_servers[i] != NULL; i++)
    {
      SlIceServer server;
      g_autofree char *url = NULL;

      sl_ice_server_parse (ice_servers[i], &server, NULL);
      url = sl_ice_server_to_webrtcbin (&server);

      if (g_str_equal (server.scheme, "stun"))
        {
          /* webrtcbin takes one STUN server; the first one wins. */
          if (!have_stun)
            g_object_set (webrtcbin, "stun-server", url, NULL);
          else
            g_debug ("Ignoring the STUN server %s: webrtcbin uses one", ice_servers[i]);
          have_stun = TRUE;
        }
      else
        {
          gboolean added = FALSE;

          g_signal_emit_by_name (webrtcbin, "add-turn-server", url, &added);
          if (!added)
            {
              g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                           _("webrtcbin refused the TURN server %s"), ice_servers[i]);
              sl_ice_server_clear (&server);
              return FALSE;
            }
        }
      sl_ice_server_clear (&server);
    }

  return TRUE;
}

/* ---- a G_TYPE_STRV property of ICE server URLs ----------------------------- */

/* libstreamlib's sl_param_spec_checked_string() checks string values only:
 * a list needs a spec type of its own, a boxed one whose validate refuses a
 * list sl_webrtc_check_ice_servers() does not accept. Its only user is the
 * client processors' `ice-servers` (the endpoint's setter checks its own). */

static gboolean
ice_servers_validate (GParamSpec *pspec,
                      GValue     *value)
{
  const char * const *servers = g_value_get_boxed (value);

  if (sl_webrtc_check_ice_servers (servers, NULL))
    return FALSE;

  /* Anything but "unchanged" tells the caller the value was refused. */
  g_value_set_boxed (value, NULL);
  return TRUE;
}

static void
ice_servers_class_init (GParamSpecClass *klass,
                        gpointer         class_data)
{
  klass->value_validate = ice_servers_validate;
}

static GType
sl_webrtc_param_ice_servers_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      const GTypeInfo info = {
        .class_size = sizeof (GParamSpecClass),
        .class_init = (GClassInitFunc) ice_servers_class_init,
        .instance_size = sizeof (GParamSpecBoxed),
      };
      GType registered = g_type_register_static (G_TYPE_PARAM_BOXED,
                                                 g_intern_static_string ("SlWebrtcParamIceServers"),
                                                 &info, 0);

      g_once_init_leave (&type, registered);
    }

  return type;
}

GParamSpec *
sl_webrtc_param_spec_ice_servers (const char  *name,
                                  const char  *blurb,
                                  GParamFlags  flags)
{
  GParamSpec *pspec = g_param_spec_internal (sl_webrtc_param_ice_servers_get_type (),
                                             name, NULL, blurb, flags);

  pspec->value_type = G_TYPE_STRV;
  return pspec;
}

void
sl_webrtc_appsink_set_new_sample (GstElement     *appsink,
                                  guint           max_buffers,
                                  GstFlowReturn (*new_sample) (GstAppSink *appsink,
                                                               gpointer    user_data),
                                  gpointer        user_data)
{
  GstAppSinkCallbacks callbacks = { .new_sample = new_sample };

  g_object_set (appsink,
                "sync", FALSE,
                "enable-last-sample", FALSE,
                "max-buffers", max_buffers,
                NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, user_data, NULL);
}

/* ---- webrtcbin promises ----------------------------------------------------- */

typedef struct
{
  GMutex    mutex;
  GCond     cond;
  gboolean  done;
  int       refs;
} SlPromiseWait;

static SlPromiseWait *
sl_promise_wait_new (void)
{
  SlPromiseWait *wait = g_new0 (SlPromiseWait, 1);

  g_mutex_init (&wait->mutex);
  g_cond_init (&wait->cond);
  wait->refs = 1;
  return wait;
}

static void
sl_promise_wait_unref (gpointer data)
{
  SlPromiseWait *wait = data;

  if (!g_atomic_int_dec_and_test (&wait->refs))
    return;
  g_mutex_clear (&wait->mutex);
  g_cond_clear (&wait->cond);
  g_free (wait);
}

static void
sl_promise_wait_wake (SlPromiseWait *wait)
{
  g_mutex_lock (&wait->mutex);
  wait->done = TRUE;
  g_cond_broadcast (&wait->cond);
  g_mutex_unlock (&wait->mutex);
}

static void
sl_promise_changed (GstPromise *promise,
                    gpointer    user_data)
{
  sl_promise_wait_wake (user_data);
}

static void
sl_promise_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  sl_promise_wait_wake (user_data);
}

/* Emits @signal with @arg and a promise and waits for the reply at most
 * @timeout. On success *@reply is webrtcbin's reply (nullable: setting a
 * description replies with nothing). The error names @what. */
static gboolean
sl_webrtc_promise_call (GstElement    *webrtcbin,
                        const char    *signal,
                        gpointer       arg,
                        const char    *what,
                        gint64         timeout,
                        GCancellable  *cancellable,
                        GstStructure **reply,
                        GError       **error)
{
  SlPromiseWait *wait = sl_promise_wait_new ();
  g_autoptr(GstPromise) promise = NULL;
  gint64 deadline = g_get_monotonic_time () + timeout;
  gulong cancel_id = 0;
  gboolean done;
  const GstStructure *answer;
  g_autoptr(GError) webrtc_error = NULL;

  *reply = NULL;

  /* The promise holds a reference: it may reply after we gave up. */
  g_atomic_int_inc (&wait->refs);
  promise = gst_promise_new_with_change_func (sl_promise_changed, wait, sl_promise_wait_unref);
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (sl_promise_cancelled), wait, NULL);

  g_signal_emit_by_name (webrtcbin, signal, arg, promise);

  g_mutex_lock (&wait->mutex);
  while (!wait->done)
    if (!g_cond_wait_until (&wait->cond, &wait->mutex, deadline))
      break;
  done = wait->done;
  g_mutex_unlock (&wait->mutex);

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, cancel_id);
  sl_promise_wait_unref (wait);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      gst_promise_interrupt (promise);
      return FALSE;
    }

  if (!done)
    {
      gst_promise_interrupt (promise);
      g_set_error (error, SL_ERROR, SL_ERROR_TIMEOUT, _("webrtcbin did not %s within %u ms"), what,
                   (guint) (timeout / 1000));
      return FALSE;
    }

  /* Replied, interrupted or expired: not pending any more, so no wait. */
  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("webrtcbin could not %s"), what);
      return FALSE;
    }

  answer = gst_promise_get_reply (promise);
  if (answer != NULL && gst_structure_has_field (answer, "error"))
    {
      gst_structure_get (answer, "error", G_TYPE_ERROR, &webrtc_error, NULL);
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("webrtcbin could not %s: %s"), what,
                   webrtc_error != NULL ? webrtc_error->message : "unknown error");
      return FALSE;
    }

  *reply = answer != NULL ? gst_structure_copy (answer) : NULL;
  return TRUE;
}

GstWebRTCSessionDescription *
sl_webrtc_create_description (GstElement          *webrtcbin,
                              GstWebRTCSDPType     type,
                              const GstStructure  *options,
                              gint64               timeout,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(GstStructure) copy = options != NULL ? gst_structure_copy (options) : NULL;
  g_autoptr(GstStructure) reply = NULL;
  GstWebRTCSessionDescription *description = NULL;
  gboolean offer = type == GST_WEBRTC_SDP_TYPE_OFFER;

  g_return_val_if_fail (GST_IS_ELEMENT (webrtcbin), NULL);
  g_return_val_if_fail (type == GST_WEBRTC_SDP_TYPE_OFFER || type == GST_WEBRTC_SDP_TYPE_ANSWER, NULL);

  if (!sl_webrtc_promise_call (webrtcbin, offer ? "create-offer" : "create-answer", copy,
                               offer ? "create an offer" : "create an answer",
                               timeout, cancellable, &reply, error))
    return NULL;

  if (reply != NULL)
    gst_structure_get (reply, offer ? "offer" : "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
                       &description, NULL);
  if (description == NULL)
    g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("webrtcbin created no %s"),
                 offer ? "offer" : "answer");

  return description;
}

gboolean
sl_webrtc_set_description (GstElement                  *webrtcbin,
                           gboolean                     local,
                           GstWebRTCSessionDescription *description,
                           gint64                       timeout,
                           GCancellable                *cancellable,
                           GError                     **error)
{
  g_autoptr(GstStructure) reply = NULL;
  g_autofree char *what = NULL;

  g_return_val_if_fail (GST_IS_ELEMENT (webrtcbin), FALSE);
  g_return_val_if_fail (description != NULL, FALSE);

  what = g_strdup_printf ("take the %s %s", local ? "local" : "remote",
                          gst_webrtc_sdp_type_to_string (description->type));
  return sl_webrtc_promise_call (webrtcbin, local ? "set-local-description" : "set-remote-description",
                                 description, what, timeout, cancellable, &reply, error);
}

/* ---- candidates --------------------------------------------------------------- */

SlWebrtcCandidate *
sl_webrtc_candidate_new (guint       mline_index,
                         const char *mid,
                         const char *candidate)
{
  SlWebrtcCandidate *self = g_new0 (SlWebrtcCandidate, 1);

  self->mline_index = mline_index;
  self->mid = g_strdup (mid);
  self->candidate = g_strdup (candidate);
  return self;
}

void
sl_webrtc_candidate_free (SlWebrtcCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->mid);
  g_free (candidate->candidate);
  g_free (candidate);
}

struct _SlWebrtcIceGatherer
{
  int          refs;
  GMutex       mutex;
  GCond        cond;
  GstElement  *webrtcbin;
  gulong       candidate_id;
  gulong       state_id;
  GPtrArray   *all;          /* SlWebrtcCandidate*, every one gathered */
  guint        taken;        /* how many of them take() returned */
  gboolean     complete;
  gboolean     closed;       /* freed: call notify no more */
  guint        notifying;    /* notify calls running */
  GFunc        notify;
  gpointer     user_data;
};

static SlWebrtcIceGatherer *
sl_gatherer_ref (SlWebrtcIceGatherer *self)
{
  g_atomic_int_inc (&self->refs);
  return self;
}

static void
sl_gatherer_unref (gpointer data,
                   GClosure *closure)
{
  SlWebrtcIceGatherer *self = data;

  if (!g_atomic_int_dec_and_test (&self->refs))
    return;
  g_ptr_array_unref (self->all);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* Calls the notify function unless the gatherer is being freed. */
static void
sl_gatherer_notify (SlWebrtcIceGatherer *self)
{
  g_mutex_lock (&self->mutex);
  if (self->closed || self->notify == NULL)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->notifying++;
  g_mutex_unlock (&self->mutex);

  self->notify (self, self->user_data);

  g_mutex_lock (&self->mutex);
  self->notifying--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static void
sl_gatherer_on_candidate (GstElement *webrtcbin,
                          guint       mline_index,
                          const char *candidate,
                          gpointer    user_data)
{
  SlWebrtcIceGatherer *self = user_data;

  /* An empty candidate marks the end in some versions: the gathering
   * state says the same. */
  if (candidate == NULL || *candidate == '\0')
    return;

  if (g_str_has_prefix (candidate, "a="))
    candidate += 2;

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->all, sl_webrtc_candidate_new (mline_index, NULL, candidate));
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  sl_gatherer_notify (self);
}

static void
sl_gatherer_on_state (GObject    *webrtcbin,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  SlWebrtcIceGatherer *self = user_data;
  GstWebRTCICEGatheringState state;
  gboolean changed;

  g_object_get (webrtcbin, "ice-gathering-state", &state, NULL);

  g_mutex_lock (&self->mutex);
  changed = self->complete != (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE);
  self->complete = state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (changed)
    sl_gatherer_notify (self);
}

SlWebrtcIceGatherer *
sl_webrtc_ice_gatherer_new (GstElement *webrtcbin,
                            GFunc       notify,
                            gpointer    user_data)
{
  SlWebrtcIceGatherer *self;

  g_return_val_if_fail (GST_IS_ELEMENT (webrtcbin), NULL);

  self = g_new0 (SlWebrtcIceGatherer, 1);
  self->refs = 1;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->webrtcbin = webrtcbin;
  self->all = g_ptr_array_new_with_free_func ((GDestroyNotify) sl_webrtc_candidate_free);
  self->notify = notify;
  self->user_data = user_data;

  /* Each handler holds a reference: one may still run after the free. */
  self->candidate_id = g_signal_connect_data (webrtcbin, "on-ice-candidate",
                                              G_CALLBACK (sl_gatherer_on_candidate),
                                              sl_gatherer_ref (self), sl_gatherer_unref, 0);
  self->state_id = g_signal_connect_data (webrtcbin, "notify::ice-gathering-state",
                                          G_CALLBACK (sl_gatherer_on_state),
                                          sl_gatherer_ref (self), sl_gatherer_unref, 0);
  return self;
}

void
sl_webrtc_ice_gatherer_free (SlWebrtcIceGatherer *gatherer)
{
  if (gatherer == NULL)
    return;

  g_signal_handler_disconnect (gatherer->webrtcbin, gatherer->candidate_id);
  g_signal_handler_disconnect (gatherer->webrtcbin, gatherer->state_id);

  g_mutex_lock (&gatherer->mutex);
  gatherer->closed = TRUE;
  g_cond_broadcast (&gatherer->cond);
  while (gatherer->notifying > 0)
    g_cond_wait (&gatherer->cond, &gatherer->mutex);
  gatherer->webrtcbin = NULL;
  g_mutex_unlock (&gatherer->mutex);

  sl_gatherer_unref (gatherer, NULL);
}

static void
sl_gatherer_cancelled (GCancellable *cancellable,
                       gpointer      user_data)
{
  SlWebrtcIceGatherer *self = user_data;

  g_mutex_lock (&self->mutex);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

gboolean
sl_webrtc_ice_gatherer_wait (SlWebrtcIceGatherer *gatherer,
                             gint64               timeout,
                             GCancellable        *cancellable,
                             GError             **error)
{
  gint64 deadline = g_get_monotonic_time () + timeout;
  gulong cancel_id = 0;
  gboolean complete;

  g_return_val_if_fail (gatherer != NULL, FALSE);

  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (sl_gatherer_cancelled), gatherer, NULL);

  g_mutex_lock (&gatherer->mutex);
  while (!gatherer->complete && !gatherer->closed && !g_cancellable_is_cancelled (cancellable))
    if (!g_cond_wait_until (&gatherer->cond, &gatherer->mutex, deadline))
      break;
  complete = gatherer->complete;
  g_mutex_unlock (&gatherer->mutex);

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, cancel_id);

  if (complete)
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_set_error (error, SL_ERROR, SL_ERROR_TIMEOUT, _("ICE gathering did not complete within %u ms"),
               (guint) (timeout / 1000));
  return FALSE;
}

gboolean
sl_webrtc_ice_gatherer_is_complete (SlWebrtcIceGatherer *gatherer)
{
  gboolean complete;

  g_mutex_lock (&gatherer->mutex);
  complete = gatherer->complete;
  g_mutex_unlock (&gatherer->mutex);
  return complete;
}

static GPtrArray *
sl_gatherer_copy (SlWebrtcIceGatherer *gatherer,
                  guint                from)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) sl_webrtc_candidate_free);

  for (guint i = from; i < gatherer->all->len; i++)
    {
      SlWebrtcCandidate *candidate = g_ptr_array_index (gatherer->all, i);

      g_ptr_array_add (copy, sl_webrtc_candidate_new (candidate->mline_index, candidate->mid,
                                                      candidate->candidate));
    }
  return copy;
}

GPtrArray *
sl_webrtc_ice_gatherer_take (SlWebrtcIceGatherer *gatherer)
{
  GPtrArray *taken;

  g_mutex_lock (&gatherer->mutex);
  taken = sl_gatherer_copy (gatherer, gatherer->taken);
  gatherer->taken = gatherer->all->len;
  g_mutex_unlock (&gatherer->mutex);
  return taken;
}

GPtrArray *
sl_webrtc_ice_gatherer_get_all (SlWebrtcIceGatherer *gatherer)
{
  GPtrArray *all;

  g_mutex_lock (&gatherer->mutex);
  all = sl_gatherer_copy (gatherer, 0);
  g_mutex_unlock (&gatherer->mutex);
  return all;
}

void
sl_webrtc_ice_gatherer_reset (SlWebrtcIceGatherer *gatherer)
{
  g_mutex_lock (&gatherer->mutex);
  g_ptr_array_set_size (gatherer->all, 0);
  gatherer->taken = 0;
  gatherer->complete = FALSE;
  g_mutex_unlock (&gatherer->mutex);
}

/* ---- SDP -------------------------------------------------------------------------- */

static const char *
sl_sdp_media_or_session_attribute (const GstSDPMessage *sdp,
                                   const GstSDPMedia   *media,
                                   const char          *key)
{
  const char *value = gst_sdp_media_get_attribute_val (media, key);

  return value != NULL ? value : gst_sdp_message_get_attribute_val (sdp, key);
}

GstWebRTCSessionDescription *
sl_webrtc_sdp_parse (const char        *text,
                     GstWebRTCSDPType   type,
                     GError           **error)
{
  const char *kind = gst_webrtc_sdp_type_to_string (type);
  GstSDPMessage *sdp = NULL;

  if (text == NULL || *text == '\0' || strspn (text, " \t\r\n") == strlen (text))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE, _("The SDP %s is empty"), kind);
      return NULL;
    }
  if (!g_str_has_prefix (text, "v="))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                   _("The SDP %s does not start with a version line (v=0)"), kind);
      return NULL;
    }
  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE, _("The SDP %s cannot be parsed"), kind);
      return NULL;
    }

  if (gst_sdp_message_medias_len (sdp) == 0)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE, _("The SDP %s has no media section (m= line)"), kind);
      gst_sdp_message_free (sdp);
      return NULL;
    }

  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);
      const char *missing = NULL;

      if (gst_sdp_media_get_media (media) == NULL)
        missing = "a media type";
      else if (gst_sdp_media_get_port (media) == 0)
        continue;   /* a rejected section needs nothing more */
      else if (sl_sdp_media_or_session_attribute (sdp, media, "ice-ufrag") == NULL)
        missing = "an ICE user fragment (a=ice-ufrag)";
      else if (sl_sdp_media_or_session_attribute (sdp, media, "ice-pwd") == NULL)
        missing = "an ICE password (a=ice-pwd)";
      else if (sl_sdp_media_or_session_attribute (sdp, media, "fingerprint") == NULL)
        missing = "a DTLS fingerprint (a=fingerprint)";

      if (missing != NULL)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_PARSE, _("Media section %u (%s) of the SDP %s lacks %s"),
                       i, gst_sdp_media_get_media (media) != NULL ? gst_sdp_media_get_media (media) : "?",
                       kind, missing);
          gst_sdp_message_free (sdp);
          return NULL;
        }
    }

  return gst_webrtc_session_description_new (type, sdp);
}

void
sl_webrtc_sdp_add_candidates (GstSDPMessage *sdp,
                              GPtrArray     *candidates,
                              gboolean       complete)
{
  g_return_if_fail (sdp != NULL);

  for (guint i = 0; candidates != NULL && i < candidates->len; i++)
    {
      SlWebrtcCandidate *candidate = g_ptr_array_index (candidates, i);
      GstSDPMedia *media;
      const char *value = candidate->candidate;

      if (candidate->mline_index >= gst_sdp_message_medias_len (sdp))
        continue;
      media = (GstSDPMedia *) gst_sdp_message_get_media (sdp, candidate->mline_index);
      if (g_str_has_prefix (value, "candidate:"))
        value += strlen ("candidate:");
      gst_sdp_media_add_attribute (media, "candidate", value);
    }

  if (complete)
    for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
      {
        GstSDPMedia *media = (GstSDPMedia *) gst_sdp_message_get_media (sdp, i);

        if (gst_sdp_media_get_attribute_val (media, "end-of-candidates") == NULL)
          /* "", not NULL: gst_sdp_media_attributes_to_caps() reads the
           * value of every attribute (webrtcbin calls it on descriptions
           * that were never text). */
          gst_sdp_media_add_attribute (media, "end-of-candidates", "");
      }
}

gboolean
sl_webrtc_sdp_get_ice_credentials (const GstSDPMessage  *sdp,
                                   char                **ufrag,
                                   char                **pwd)
{
  g_return_val_if_fail (sdp != NULL, FALSE);

  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);
      const char *media_ufrag = gst_sdp_media_get_attribute_val (media, "ice-ufrag");
      const char *media_pwd = gst_sdp_media_get_attribute_val (media, "ice-pwd");

      if (media_ufrag != NULL && media_pwd != NULL)
        {
          if (ufrag != NULL)
            *ufrag = g_strdup (media_ufrag);
          if (pwd != NULL)
            *pwd = g_strdup (media_pwd);
          return TRUE;
        }
    }

  if (gst_sdp_message_get_attribute_val (sdp, "ice-ufrag") != NULL &&
      gst_sdp_message_get_attribute_val (sdp, "ice-pwd") != NULL)
    {
      if (ufrag != NULL)
        *ufrag = g_strdup (gst_sdp_message_get_attribute_val (sdp, "ice-ufrag"));
      if (pwd != NULL)
        *pwd = g_strdup (gst_sdp_message_get_attribute_val (sdp, "ice-pwd"));
      return TRUE;
    }

  return FALSE;
}

static void
sl_sdp_media_rewrite_ice (GstSDPMedia *media,
                          const char  *ufrag,
                          const char  *pwd)
{
  for (guint i = gst_sdp_media_attributes_len (media); i > 0; i--)
    {
      const GstSDPAttribute *attribute = gst_sdp_media_get_attribute (media, i - 1);

      if (g_str_equal (attribute->key, "candidate") || g_str_equal (attribute->key, "end-of-candidates"))
        gst_sdp_media_remove_attribute (media, i - 1);
      else if (g_str_equal (attribute->key, "ice-ufrag") || g_str_equal (attribute->key, "ice-pwd"))
        {
          GstSDPAttribute replacement;

          gst_sdp_attribute_set (&replacement, attribute->key,
                                 g_str_equal (attribute->key, "ice-ufrag") ? ufrag : pwd);
          gst_sdp_media_replace_attribute (media, i - 1, &replacement);
        }
    }
}

GstSDPMessage *
sl_webrtc_sdp_with_ice_credentials (const GstSDPMessage *sdp,
                                    const char          *ufrag,
                                    const char          *pwd)
{
  GstSDPMessage *copy = NULL;

  g_return_val_if_fail (sdp != NULL, NULL);
  g_return_val_if_fail (ufrag != NULL && pwd != NULL, NULL);

  gst_sdp_message_copy (sdp, &copy);

  for (guint i = gst_sdp_message_attributes_len (copy); i > 0; i--)
    {
      const GstSDPAttribute *attribute = gst_sdp_message_get_attribute (copy, i - 1);

      if (g_str_equal (attribute->key, "ice-ufrag") || g_str_equal (attribute->key, "ice-pwd"))
        {
          GstSDPAttribute replacement;

          gst_sdp_attribute_set (&replacement, attribute->key,
                                 g_str_equal (attribute->key, "ice-ufrag") ? ufrag : pwd);
          gst_sdp_message_replace_attribute (copy, i - 1, &replacement);
        }
    }

  for (guint i = 0; i < gst_sdp_message_medias_len (copy); i++)
    sl_sdp_media_rewrite_ice ((GstSDPMedia *) gst_sdp_message_get_media (copy, i), ufrag, pwd);

  return copy;
}

char *
sl_webrtc_random_ice_string (guint length)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *text = g_malloc (length + 1);

  for (guint i = 0; i < length; i++)
    text[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  text[length] = '\0';
  return text;
}

int
sl_webrtc_sdp_find_mid (const GstSDPMessage *sdp,
                        const char          *mid)
{
  g_return_val_if_fail (sdp != NULL, -1);

  for (guint i = 0; mid != NULL && i < gst_sdp_message_medias_len (sdp); i++)
    if (g_strcmp0 (gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (sdp, i), "mid"), mid) == 0)
      return i;

  return -1;
}

/* ---- trickle-ice-sdpfrag ---------------------------------------------------------- */

char *
sl_webrtc_trickle_build (const GstSDPMessage *session,
                         const char          *ufrag,
                         const char          *pwd,
                         GPtrArray           *candidates,
                         gboolean             end_of_candidates)
{
  GString *fragment = g_string_new (NULL);

  g_return_val_if_fail (session != NULL, NULL);

  if (ufrag != NULL)
    g_string_append_printf (fragment, "a=ice-ufrag:%s\r\n", ufrag);
  if (pwd != NULL)
    g_string_append_printf (fragment, "a=ice-pwd:%s\r\n", pwd);

  for (guint i = 0; i < gst_sdp_message_medias_len (session); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (session, i);
      const char *mid = gst_sdp_media_get_attribute_val (media, "mid");
      const char *format = gst_sdp_media_formats_len (media) > 0 ? gst_sdp_media_get_format (media, 0) : "0";
      gboolean any = FALSE;

      for (guint c = 0; candidates != NULL && c < candidates->len; c++)
        if (((SlWebrtcCandidate *) g_ptr_array_index (candidates, c))->mline_index == i)
          any = TRUE;

      /* A bundled section without candidates of its own needs no line,
       * unless it is to be told that gathering has ended. */
      if (!any && !end_of_candidates && (ufrag == NULL || i > 0))
        continue;

      g_string_append_printf (fragment, "m=%s 9 %s %s\r\n",
                              gst_sdp_media_get_media (media) != NULL ? gst_sdp_media_get_media (media) : "audio",
                              gst_sdp_media_get_proto (media) != NULL ? gst_sdp_media_get_proto (media) : "UDP/TLS/RTP/SAVPF",
                              format);
      if (mid != NULL)
        g_string_append_printf (fragment, "a=mid:%s\r\n", mid);

      for (guint c = 0; candidates != NULL && c < candidates->len; c++)
        {
          SlWebrtcCandidate *candidate = g_ptr_array_index (candidates, c);

          if (candidate->mline_index != i)
            continue;
          g_string_append_printf (fragment, "a=%s%s\r\n",
                                  g_str_has_prefix (candidate->candidate, "candidate:") ? "" : "candidate:",
                                  candidate->candidate);
        }

      if (end_of_candidates)
        g_string_append (fragment, "a=end-of-candidates\r\n");
    }

  return g_string_free (fragment, FALSE);
}

GPtrArray *
sl_webrtc_trickle_parse (const char           *fragment,
                         const GstSDPMessage  *session,
                         char                **ufrag,
                         char                **pwd,
                         gboolean             *end_of_candidates,
                         GError              **error)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) sl_webrtc_candidate_free);
  g_auto(GStrv) lines = NULL;
  g_autofree char *found_ufrag = NULL;
  g_autofree char *found_pwd = NULL;
  g_autofree char *mid = NULL;
  gboolean end = FALSE;
  int section = -1;           /* position of the current m= in the fragment */
  guint first_of_section = 0; /* its first candidate in @candidates */

  g_return_val_if_fail (fragment != NULL, NULL);

  lines = g_strsplit (fragment, "\n", -1);
  for (guint n = 0; lines[n] != NULL; n++)
    {
      char *line = g_strchomp (lines[n]);   /* also drops the \r */

      if (*line == '\0')
        continue;

      if (strlen (line) < 2 || line[1] != '=' || !g_ascii_isalpha (line[0]))
        {
          g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                       _("Line %u of the trickle-ice-sdpfrag is not an SDP line: “%.60s”"), n + 1, line);
          return NULL;
        }

      if (line[0] == 'm')
        {
          section++;
          first_of_section = candidates->len;
          g_clear_pointer (&mid, g_free);
          continue;
        }
      if (line[0] != 'a')
        continue;

      if (g_str_has_prefix (line, "a=ice-ufrag:"))
        sl_set_str (&found_ufrag, line + strlen ("a=ice-ufrag:"));
      else if (g_str_has_prefix (line, "a=ice-pwd:"))
        sl_set_str (&found_pwd, line + strlen ("a=ice-pwd:"));
      else if (g_str_equal (line, "a=end-of-candidates"))
        end = TRUE;
      else if (g_str_has_prefix (line, "a=mid:"))
        {
          mid = g_strdup (line + strlen ("a=mid:"));
          /* The mid may follow candidates of its own section. */
          for (guint c = first_of_section; c < candidates->len; c++)
            sl_set_str (&((SlWebrtcCandidate *) g_ptr_array_index (candidates, c))->mid, mid);
        }
      else if (g_str_has_prefix (line, "a=candidate:"))
        {
          if (section < 0)
            {
              g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                           _("Line %u of the trickle-ice-sdpfrag has a candidate outside a media section (m= line)"),
                           n + 1);
              return NULL;
            }
          g_ptr_array_add (candidates, sl_webrtc_candidate_new (section, mid, line + 2));
        }
    }

  /* Candidates belong to sections of the session, found by their mid. */
  for (guint c = 0; session != NULL && c < candidates->len; c++)
    {
      SlWebrtcCandidate *candidate = g_ptr_array_index (candidates, c);
      int index;

      if (candidate->mid == NULL)
        continue;
      index = sl_webrtc_sdp_find_mid (session, candidate->mid);
      if (index < 0)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                       _("The trickle-ice-sdpfrag names a media section (a=mid:%s) the session does not have"),
                       candidate->mid);
          return NULL;
        }
      candidate->mline_index = index;
    }

  if (ufrag != NULL)
    *ufrag = g_steal_pointer (&found_ufrag);
  if (pwd != NULL)
    *pwd = g_steal_pointer (&found_pwd);
  if (end_of_candidates != NULL)
    *end_of_candidates = end;

  return g_steal_pointer (&candidates);
}

/* ---- HTTP ----------------------------------------------------------------------------- */

/* Reads a quoted-string or a token at *@p; advances *@p past it. */
static char *
sl_link_read_value (const char **p)
{
  const char *c = *p;
  GString *value = g_string_new (NULL);

  if (*c == '"')
    {
      for (c++; *c != '\0' && *c != '"'; c++)
        {
          if (*c == '\\' && c[1] != '\0')
            c++;
          g_string_append_c (value, *c);
        }
      if (*c == '"')
        c++;
    }
  else
    for (; *c != '\0' && *c != ';' && *c != ',' && !g_ascii_isspace (*c); c++)
      g_string_append_c (value, *c);

  *p = c;
  return g_string_free (value, FALSE);
}

static gboolean
sl_link_rel_has (const char *rel,
                 const char *wanted)
{
  g_auto(GStrv) values = rel != NULL ? g_strsplit_set (rel, " \t", -1) : NULL;

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (g_ascii_strcasecmp (values[i], wanted) == 0)
      return TRUE;
  return FALSE;
}

char **
sl_webrtc_parse_link_ice_servers (SoupMessageHeaders *headers)
{
  g_autoptr(GStrvBuilder) servers = g_strv_builder_new ();
  const char *p = headers != NULL ? soup_message_headers_get_list (headers, "Link") : NULL;

  while (p != NULL && *p != '\0')
    {
      g_autofree char *target = NULL;
      g_autofree char *rel = NULL;
      g_autofree char *username = NULL;
      g_autofree char *credential = NULL;
      const char *close;

      while (*p == ',' || g_ascii_isspace (*p))
        p++;
      if (*p != '<' || (close = strchr (p, '>')) == NULL)
        break;   /* malformed: keep what was read */
      target = g_strndup (p + 1, close - p - 1);
      p = close + 1;

      /* Parameters up to the next link. */
      while (*p != '\0' && *p != ',')
        {
          g_autofree char *name = NULL;
          g_autofree char *value = NULL;
          const char *start;

          while (*p == ';' || g_ascii_isspace (*p))
            p++;
          start = p;
          while (*p != '\0' && *p != '=' && *p != ';' && *p != ',' && !g_ascii_isspace (*p))
            p++;
          name = g_ascii_strdown (start, p - start);
          while (g_ascii_isspace (*p))
            p++;
          if (*p == '=')
            {
              p++;
              while (g_ascii_isspace (*p))
                p++;
              value = sl_link_read_value (&p);
            }
          while (*p != '\0' && *p != ';' && *p != ',')
            p++;

          if (g_str_equal (name, "rel") && rel == NULL)
            rel = g_steal_pointer (&value);
          else if (g_str_equal (name, "username"))
            sl_set_str (&username, value);
          else if (g_str_equal (name, "credential"))
            sl_set_str (&credential, value);
        }

      if (sl_link_rel_has (rel, "ice-server"))
        {
          SlIceServer server;
          g_autofree char *with_credentials = NULL;
          const char *colon = strchr (target, ':');

          /* RFC 7065 URLs carry no userinfo: put the parameters there. */
          if (username != NULL && credential != NULL && colon != NULL && strchr (target, '@') == NULL)
            {
              g_autofree char *scheme = g_strndup (target, colon - target);
              g_autofree char *user = g_uri_escape_string (username, NULL, FALSE);
              g_autofree char *password = g_uri_escape_string (credential, NULL, FALSE);
              const char *rest = g_str_has_prefix (colon + 1, "//") ? colon + 3 : colon + 1;

              with_credentials = g_strdup_printf ("%s:%s:%s@%s", scheme, user, password, rest);
            }

          if (sl_ice_server_parse (with_credentials != NULL ? with_credentials : target, &server, NULL))
            {
              g_autofree char *normalised = sl_ice_server_to_webrtcbin (&server);

              g_strv_builder_add (servers, normalised);
              sl_ice_server_clear (&server);
            }
          else
            g_debug ("Ignoring the ICE server link <%s>: not a usable STUN or TURN URL", target);
        }
    }

  return g_strv_builder_end (servers);
}

static void
sl_append_quoted (GString    *out,
                  const char *value)
{
  g_string_append_c (out, '"');
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

char *
sl_webrtc_format_link_ice_server (const char *url)
{
  SlIceServer server;
  GString *link;

  if (!sl_ice_server_parse (url, &server, NULL))
    return NULL;

  link = g_string_new ("<");
  g_string_append_printf (link, "%s:%s", server.scheme, server.host);
  if (server.port != 0)
    g_string_append_printf (link, ":%u", server.port);
  if (server.transport != NULL)
    g_string_append_printf (link, "?transport=%s", server.transport);
  g_string_append (link, ">; rel=\"ice-server\"");
  if (server.user != NULL)
    {
      g_string_append (link, "; username=");
      sl_append_quoted (link, server.user);
      g_string_append (link, "; credential=");
      sl_append_quoted (link, server.password);
      g_string_append (link, "; credential-type=\"password\"");
    }

  sl_ice_server_clear (&server);
  return g_string_free (link, FALSE);
}

/* One line of printable text, at most @max characters (UTF-8 safe). */
static char *
sl_one_line (const char *text,
             gsize       max)
{
  g_autofree char *valid = NULL;
  GString *line = g_string_new (NULL);
  gboolean space = FALSE;
  gsize count = 0;

  if (text == NULL)
    return g_string_free (line, FALSE);

  valid = g_utf8_make_valid (text, -1);
  for (const char *c = valid; *c != '\0'; c = g_utf8_next_char (c))
    {
      gunichar u = g_utf8_get_char (c);

      if (g_unichar_isspace (u) || g_unichar_iscntrl (u))
        {
          space = line->len > 0;
          continue;
        }
      if (count >= max)
        {
          g_string_append (line, "…");
          break;
        }
      if (space)
        {
          g_string_append_c (line, ' ');
          count++;
        }
      space = FALSE;
      g_string_append_unichar (line, u);
      count++;
    }

  return g_string_free (line, FALSE);
}

GError *
sl_webrtc_error_from_status (const char *what,
                             const char *url,
                             guint       status,
                             const char *reason,
                             const char *body)
{
  g_autofree char *clean_reason = sl_one_line (reason, 80);
  g_autofree char *clean_body = sl_one_line (body, SL_WEBRTC_ERROR_BODY_MAX);
  int code = (status == 408 || status == 504) ? SL_ERROR_TIMEOUT : SL_ERROR_FAILED;

  if (what == NULL)
    what = "Server";
  if (url == NULL)
    url = "(no URL)";

  if (status == 0)
    return g_error_new (SL_ERROR, code, _("%s %s cannot be reached: %s"), what, url,
                        *clean_reason != '\0' ? clean_reason : "no answer");

  if (*clean_reason == '\0')
    sl_set_str (&clean_reason, soup_status_get_phrase (status));

  if (*clean_body != '\0')
    return g_error_new (SL_ERROR, code, _("%s %s answered %u %s: %s"), what, url, status,
                        clean_reason != NULL ? clean_reason : "", clean_body);

  return g_error_new (SL_ERROR, code, _("%s %s answered %u %s"), what, url, status,
                      clean_reason != NULL ? clean_reason : "");
}
