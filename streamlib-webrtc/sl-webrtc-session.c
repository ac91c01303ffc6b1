/* sl-webrtc-session.c: one WHIP or WHEP session (see sl-webrtc-session-private.h)
 *
 * The negotiation runs on a GTask worker thread because every webrtcbin step
 * answers through a GstPromise and ICE gathering takes a while: the
 * endpoint's thread keeps serving other requests meanwhile, and each wait is
 * bounded (the shared helpers of sl-webrtc-util-private.h): a promise
 * webrtcbin never answers, or gathering that never completes, fails the
 * request instead of hanging it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "sl-webrtc-session-private.h"
#include "sl-webrtc-util-private.h"

const char *
sl_webrtc_session_kind_to_string (SlWebrtcSessionKind kind)
{
  return kind == SL_WEBRTC_SESSION_WHIP ? "whip" : "whep";
}

/* ---- the host interface --------------------------------------------------- */

G_DEFINE_INTERFACE (SlWebrtcSessionHost, sl_webrtc_session_host, SL_TYPE_PROCESSOR)

static void
sl_webrtc_session_host_default_init (SlWebrtcSessionHostInterface *iface)
{
}

SlWebrtcSessionKind
sl_webrtc_session_host_get_kind (SlWebrtcSessionHost *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION_HOST (self), SL_WEBRTC_SESSION_WHIP);

  return SL_WEBRTC_SESSION_HOST_GET_IFACE (self)->kind;
}

gboolean
sl_webrtc_session_host_check_running (SlWebrtcSessionHost  *self,
                                      gboolean              running,
                                      GError              **error)
{
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION_HOST (self), FALSE);

  if (running)
    return TRUE;

  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_STATE, _("%s node “%s” is not running"),
               sl_webrtc_session_host_get_kind (self) == SL_WEBRTC_SESSION_WHIP ? "WHIP" : "WHEP",
               sl_processor_get_id (SL_PROCESSOR (self)));
  return FALSE;
}

/* ---- the session ------------------------------------------------------------ */

struct _SlWebrtcSession
{
  GObject                      parent_instance;

  /* Set at construction, then read-only. */
  SlWebrtcSessionKind          kind;
  char                        *id;
  char                        *node_id;
  char                        *etag;
  GstWebRTCSessionDescription *offer;
  GstElement                  *pipeline;
  GstElement                  *webrtcbin;
  SlWebrtcIceGatherer         *gatherer;

  GMutex                       mutex;     /* guards what follows */
  SlWebrtcSessionHost         *host;
  gpointer                     host_data;
  GDestroyNotify               host_data_destroy;
  SlWebrtcSessionEndFunc       end_func;
  gpointer                     end_data;
  GDestroyNotify               end_destroy;
  gboolean                     negotiating;
  gboolean                     connected; /* ICE and DTLS completed, once */
  gboolean                     ended;     /* the end function was called */
  gboolean                     closed;
};

G_DEFINE_FINAL_TYPE (SlWebrtcSession, sl_webrtc_session, G_TYPE_OBJECT)

/* Calls the end function once, whoever sees the end first. */
static void
sl_webrtc_session_report_end (SlWebrtcSession *self,
                              const char      *reason)
{
  SlWebrtcSessionEndFunc func;
  gpointer data;

  g_mutex_lock (&self->mutex);
  if (self->ended)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->ended = TRUE;
  func = self->end_func;
  data = self->end_data;
  g_mutex_unlock (&self->mutex);

  if (reason != NULL)
    g_debug ("%s session %s on “%s” ended: %s", sl_webrtc_session_kind_to_string (self->kind),
             self->id, self->node_id, reason);
  if (func != NULL)
    func (self, reason, data);
}

static GstBusSyncReply
sl_webrtc_session_bus_handler (GstBus     *bus,
                               GstMessage *message,
                               gpointer    user_data)
{
  SlWebrtcSession *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *debug = NULL;
      g_autofree char *reason = NULL;

      gst_message_parse_error (message, &error, &debug);
      reason = g_strdup_printf ("GStreamer error from %s: %s", GST_MESSAGE_SRC_NAME (message),
                                error != NULL ? error->message : "unknown");
      sl_webrtc_session_report_end (self, reason);
    }

  /* Nothing pops this bus: keep it empty. */
  return GST_BUS_DROP;
}

static void
sl_webrtc_session_connection_state_changed (GstElement *webrtcbin,
                                            GParamSpec *pspec,
                                            gpointer    user_data)
{
  SlWebrtcSession *self = user_data;
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtcbin, "connection-state", &state, NULL);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    {
      g_mutex_lock (&self->mutex);
      self->connected = TRUE;
      g_mutex_unlock (&self->mutex);
    }
  else if (state == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED)
    sl_webrtc_session_report_end (self, "the peer connection failed (ICE or DTLS)");
}

static void
sl_webrtc_session_ice_state_changed (GstElement *webrtcbin,
                                     GParamSpec *pspec,
                                     gpointer    user_data)
{
  SlWebrtcSession *self = user_data;
  GstWebRTCICEConnectionState state;

  g_object_get (webrtcbin, "ice-connection-state", &state, NULL);
  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    sl_webrtc_session_report_end (self, "ICE failed");
}

static void
sl_webrtc_session_dispose (GObject *object)
{
  SlWebrtcSession *self = SL_WEBRTC_SESSION (object);

  /* A session is closed before its last reference goes; this is the net
   * for one that never was (a failed POST). */
  sl_webrtc_session_close (self);

  G_OBJECT_CLASS (sl_webrtc_session_parent_class)->dispose (object);
}

static void
sl_webrtc_session_finalize (GObject *object)
{
  SlWebrtcSession *self = SL_WEBRTC_SESSION (object);

  if (self->webrtcbin != NULL)
    g_signal_handlers_disconnect_by_data (self->webrtcbin, self);
  g_clear_pointer (&self->gatherer, sl_webrtc_ice_gatherer_free);
  if (self->pipeline != NULL)
    {
      g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);

      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    }
  gst_clear_object (&self->webrtcbin);
  gst_clear_object (&self->pipeline);
  g_clear_pointer (&self->offer, gst_webrtc_session_description_free);
  if (self->end_destroy != NULL)
    self->end_destroy (self->end_data);
  g_free (self->id);
  g_free (self->node_id);
  g_free (self->etag);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_webrtc_session_parent_class)->finalize (object);
}

static void
sl_webrtc_session_class_init (SlWebrtcSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sl_webrtc_session_dispose;
  object_class->finalize = sl_webrtc_session_finalize;
}

static void
sl_webrtc_session_init (SlWebrtcSession *self)
{
  g_mutex_init (&self->mutex);
}

static char *
sl_webrtc_random_token (void)
{
  return g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
}

SlWebrtcSession *
sl_webrtc_session_new (SlWebrtcSessionKind   kind,
                       const char           *node_id,
                       const char           *offer,
                       gboolean              loopback,
                       const char * const   *ice_servers,
                       GError              **error)
{
  g_autoptr(SlWebrtcSession) self = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (node_id != NULL, NULL);
  g_return_val_if_fail (offer != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SL_WEBRTC_TYPE_SESSION, NULL);
  self->kind = kind;
  self->node_id = g_strdup (node_id);
  self->id = g_uuid_string_random ();
  self->etag = g_strdup_printf ("\"%s\"", sl_webrtc_random_token ());

  self->offer = sl_webrtc_sdp_parse (offer, GST_WEBRTC_SDP_TYPE_OFFER, error);
  if (self->offer == NULL)
    return NULL;

  name = g_strdup_printf ("sl-%s-%s-%.8s", sl_webrtc_session_kind_to_string (kind), node_id, self->id);
  self->pipeline = gst_object_ref_sink (gst_pipeline_new (name));
  self->webrtcbin = gst_element_factory_make ("webrtcbin", "webrtcbin");
  if (self->webrtcbin == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_PLUGIN,
                           _("The GStreamer element webrtcbin is not installed"));
      return NULL;
    }
  gst_object_ref (self->webrtcbin);
  g_object_set (self->webrtcbin, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  gst_bin_add (GST_BIN (self->pipeline), self->webrtcbin);

  if (!sl_webrtc_configure_ice (self->webrtcbin, loopback, ice_servers, error))
    return NULL;

  bus = gst_element_get_bus (self->pipeline);
  gst_bus_set_sync_handler (bus, sl_webrtc_session_bus_handler, self, NULL);

  /* Before the local description is set: candidates come from then on. */
  self->gatherer = sl_webrtc_ice_gatherer_new (self->webrtcbin, NULL, NULL);

  g_signal_connect (self->webrtcbin, "notify::connection-state",
                    G_CALLBACK (sl_webrtc_session_connection_state_changed), self);
  g_signal_connect (self->webrtcbin, "notify::ice-connection-state",
                    G_CALLBACK (sl_webrtc_session_ice_state_changed), self);

  return g_steal_pointer (&self);
}

gboolean
sl_webrtc_session_attach (SlWebrtcSession      *self,
                          SlWebrtcSessionHost  *host,
                          GError              **error)
{
  SlWebrtcSessionHostInterface *iface;

  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), FALSE);
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION_HOST (host), FALSE);

  iface = SL_WEBRTC_SESSION_HOST_GET_IFACE (host);
  g_return_val_if_fail (iface->kind == self->kind, FALSE);

  g_mutex_lock (&self->mutex);
  g_return_val_if_fail (self->host == NULL && !self->closed, (g_mutex_unlock (&self->mutex), FALSE));
  g_mutex_unlock (&self->mutex);

  if (!iface->attach (host, self, error))
    return FALSE;

  g_mutex_lock (&self->mutex);
  self->host = g_object_ref (host);
  g_mutex_unlock (&self->mutex);

  return TRUE;
}

void
sl_webrtc_session_set_end_func (SlWebrtcSession        *self,
                                SlWebrtcSessionEndFunc  func,
                                gpointer                user_data,
                                GDestroyNotify          destroy)
{
  g_return_if_fail (SL_WEBRTC_IS_SESSION (self));

  g_mutex_lock (&self->mutex);
  g_warn_if_fail (self->end_func == NULL);
  self->end_func = func;
  self->end_data = user_data;
  self->end_destroy = destroy;
  g_mutex_unlock (&self->mutex);
}

/* ---- negotiation -------------------------------------------------------------- */

/* webrtcbin refusing the offer is the client's doing: a 400, not a 500. */
static void
sl_webrtc_session_blame_offer (GError **error)
{
  if (error != NULL && *error != NULL && (*error)->domain == SL_ERROR &&
      (*error)->code == SL_ERROR_FAILED)
    (*error)->code = SL_ERROR_INVALID_ARGUMENT;
}

/* How long the sending branches of a session may take to tell webrtcbin
 * their caps once the pipeline plays (microseconds). */
#define SL_WEBRTC_CAPS_TIMEOUT (2 * G_TIME_SPAN_SECOND)

typedef struct
{
  GMutex mutex;
  GCond  cond;
} SlCapsWait;

static void
sl_webrtc_session_caps_changed (GstPad     *pad,
                                GParamSpec *pspec,
                                gpointer    user_data)
{
  SlCapsWait *wait = user_data;

  g_mutex_lock (&wait->mutex);
  g_cond_broadcast (&wait->cond);
  g_mutex_unlock (&wait->mutex);
}

static gboolean
sl_webrtc_session_sink_pads_have_caps (GPtrArray *pads)
{
  for (guint i = 0; i < pads->len; i++)
    if (!gst_pad_has_current_caps (g_ptr_array_index (pads, i)))
      return FALSE;
  return TRUE;
}

/* Waits (bounded) until every sink pad of webrtcbin has caps: webrtcbin
 * describes a sending stream's SSRC in its answer only once the caps
 * carrying it arrived. A session without sink pads (WHIP) does not wait;
 * past the deadline the answer goes without. */
static void
sl_webrtc_session_wait_sending_caps (SlWebrtcSession *self,
                                     gint64           deadline)
{
  g_autoptr(GPtrArray) pads = g_ptr_array_new_with_free_func (gst_object_unref);
  g_autoptr(GstIterator) iterator = gst_element_iterate_sink_pads (self->webrtcbin);
  GValue item = G_VALUE_INIT;
  SlCapsWait wait;

  while (gst_iterator_next (iterator, &item) == GST_ITERATOR_OK)
    {
      g_ptr_array_add (pads, g_value_dup_object (&item));
      g_value_reset (&item);
    }
  g_value_unset (&item);
  if (pads->len == 0)
    return;

  g_mutex_init (&wait.mutex);
  g_cond_init (&wait.cond);
  for (guint i = 0; i < pads->len; i++)
    g_signal_connect (g_ptr_array_index (pads, i), "notify::caps",
                      G_CALLBACK (sl_webrtc_session_caps_changed), &wait);

  g_mutex_lock (&wait.mutex);
  while (!sl_webrtc_session_sink_pads_have_caps (pads))
    if (!g_cond_wait_until (&wait.cond, &wait.mutex, deadline))
      break;
  g_mutex_unlock (&wait.mutex);

  /* Disconnected before the wait goes: no handler runs on it afterwards
   * (a running one holds the pad's handler lock we wait for). */
  for (guint i = 0; i < pads->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (pads, i), &wait);
  if (!sl_webrtc_session_sink_pads_have_caps (pads))
    g_debug ("Session %s: answering before every sending stream has caps (no a=ssrc for some)",
             self->id);
  g_mutex_clear (&wait.mutex);
  g_cond_clear (&wait.cond);
}

static char *
sl_webrtc_session_negotiate (SlWebrtcSession  *self,
                             GCancellable     *cancellable,
                             GError          **error)
{
  gint64 deadline = g_get_monotonic_time () + SL_WEBRTC_NEGOTIATION_TIMEOUT;
  g_autoptr(GstWebRTCSessionDescription) answer = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  GstSDPMessage *sdp = NULL;
  char *text;

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("The session's GStreamer pipeline cannot play"));
      return NULL;
    }

  sl_webrtc_session_wait_sending_caps (self, MIN (deadline, g_get_monotonic_time () + SL_WEBRTC_CAPS_TIMEOUT));

  if (!sl_webrtc_set_description (self->webrtcbin, FALSE, self->offer,
                                  MAX (deadline - g_get_monotonic_time (), 0), cancellable, error))
    {
      sl_webrtc_session_blame_offer (error);
      return NULL;
    }

  answer = sl_webrtc_create_description (self->webrtcbin, GST_WEBRTC_SDP_TYPE_ANSWER, NULL,
                                         MAX (deadline - g_get_monotonic_time (), 0), cancellable, error);
  if (answer == NULL)
    {
      sl_webrtc_session_blame_offer (error);
      return NULL;
    }

  if (!sl_webrtc_set_description (self->webrtcbin, TRUE, answer,
                                  MAX (deadline - g_get_monotonic_time (), 0), cancellable, error))
    return NULL;

  /* The answer carries every local candidate: a WHIP/WHEP server cannot
   * trickle its own candidates to the client. */
  if (!sl_webrtc_ice_gatherer_wait (self->gatherer,
                                    CLAMP (deadline - g_get_monotonic_time (), 0, SL_WEBRTC_GATHER_TIMEOUT),
                                    cancellable, error))
    return NULL;

  candidates = sl_webrtc_ice_gatherer_get_all (self->gatherer);
  gst_sdp_message_copy (answer->sdp, &sdp);
  sl_webrtc_sdp_add_candidates (sdp, candidates, TRUE);
  text = gst_sdp_message_as_text (sdp);
  gst_sdp_message_free (sdp);

  return text;
}

static void
sl_webrtc_session_negotiate_thread (GTask        *task,
                                    gpointer      source_object,
                                    gpointer      task_data,
                                    GCancellable *cancellable)
{
  SlWebrtcSession *self = source_object;
  GError *error = NULL;
  char *answer;

  answer = sl_webrtc_session_negotiate (self, cancellable, &error);

  g_mutex_lock (&self->mutex);
  self->negotiating = FALSE;
  if (answer != NULL && self->closed)
    {
      g_clear_pointer (&answer, g_free);
      g_set_error_literal (&error, SL_ERROR, SL_ERROR_INVALID_STATE,
                           _("The session was closed while it was negotiated"));
    }
  g_mutex_unlock (&self->mutex);

  if (answer != NULL)
    g_task_return_pointer (task, answer, g_free);
  else
    g_task_return_error (task, error);
}

void
sl_webrtc_session_negotiate_async (SlWebrtcSession     *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SL_WEBRTC_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sl_webrtc_session_negotiate_async);

  g_mutex_lock (&self->mutex);
  if (self->closed || self->negotiating)
    {
      g_mutex_unlock (&self->mutex);
      g_task_return_new_error (task, SL_ERROR, SL_ERROR_INVALID_STATE,
                               "The session is closed or already negotiating");
      return;
    }
  self->negotiating = TRUE;
  g_mutex_unlock (&self->mutex);

  g_task_run_in_thread (task, sl_webrtc_session_negotiate_thread);
}

char *
sl_webrtc_session_negotiate_finish (SlWebrtcSession  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- trickle, close, accessors ---------------------------------------------- */

gboolean
sl_webrtc_session_add_remote_candidates (SlWebrtcSession  *self,
                                         const char       *fragment,
                                         GError          **error)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_autofree char *ufrag = NULL;
  g_autofree char *pwd = NULL;
  g_autofree char *offer_ufrag = NULL;
  g_autofree char *offer_pwd = NULL;
  gboolean end_of_candidates = FALSE;

  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), FALSE);
  g_return_val_if_fail (fragment != NULL, FALSE);

  if (sl_webrtc_session_is_closed (self))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_STATE, _("Session %s is closed"), self->id);
      return FALSE;
    }

  candidates = sl_webrtc_trickle_parse (fragment, self->offer->sdp, &ufrag, &pwd,
                                        &end_of_candidates, error);
  if (candidates == NULL)
    return FALSE;

  /* Other credentials than the offer's mean an ICE restart (RFC 9725
   * §4.3.2), which needs a new webrtcbin negotiation: not supported. */
  if ((ufrag != NULL || pwd != NULL) &&
      sl_webrtc_sdp_get_ice_credentials (self->offer->sdp, &offer_ufrag, &offer_pwd) &&
      (g_strcmp0 (ufrag, offer_ufrag) != 0 || (pwd != NULL && g_strcmp0 (pwd, offer_pwd) != 0)))
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                           _("ICE restarts are not supported (the fragment has new ICE credentials)"));
      return FALSE;
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      SlWebrtcCandidate *candidate = g_ptr_array_index (candidates, i);

      g_signal_emit_by_name (self->webrtcbin, "add-ice-candidate",
                             candidate->mline_index, candidate->candidate);
    }

  return TRUE;
}

void
sl_webrtc_session_close (SlWebrtcSession *self)
{
  SlWebrtcSessionHost *host;
  gpointer host_data;
  GDestroyNotify host_data_destroy;

  g_return_if_fail (SL_WEBRTC_IS_SESSION (self));

  g_mutex_lock (&self->mutex);
  if (self->closed)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->closed = TRUE;
  host = g_steal_pointer (&self->host);
  g_mutex_unlock (&self->mutex);

  /* The host stops feeding (or reading) the pipeline first, then the
   * pipeline stops: no frame is pushed into an element going down. */
  if (host != NULL)
    SL_WEBRTC_SESSION_HOST_GET_IFACE (host)->detach (host, self);
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);

  g_mutex_lock (&self->mutex);
  host_data = g_steal_pointer (&self->host_data);
  host_data_destroy = self->host_data_destroy;
  self->host_data_destroy = NULL;
  g_mutex_unlock (&self->mutex);
  if (host_data_destroy != NULL)
    host_data_destroy (host_data);
  g_clear_object (&host);

  sl_webrtc_session_report_end (self, NULL);
}

gboolean
sl_webrtc_session_is_closed (SlWebrtcSession *self)
{
  gboolean closed;

  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), TRUE);

  g_mutex_lock (&self->mutex);
  closed = self->closed;
  g_mutex_unlock (&self->mutex);

  return closed;
}

gboolean
sl_webrtc_session_has_connected (SlWebrtcSession *self)
{
  gboolean connected;

  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), FALSE);

  g_mutex_lock (&self->mutex);
  connected = self->connected;
  g_mutex_unlock (&self->mutex);

  return connected;
}

gboolean
sl_webrtc_session_has_ended (SlWebrtcSession *self)
{
  gboolean ended;

  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), TRUE);

  g_mutex_lock (&self->mutex);
  ended = self->ended;
  g_mutex_unlock (&self->mutex);

  return ended;
}

SlWebrtcSessionKind
sl_webrtc_session_get_kind (SlWebrtcSession *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), SL_WEBRTC_SESSION_WHIP);

  return self->kind;
}

const char *
sl_webrtc_session_get_id (SlWebrtcSession *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), NULL);

  return self->id;
}

const char *
sl_webrtc_session_get_node_id (SlWebrtcSession *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), NULL);

  return self->node_id;
}

const char *
sl_webrtc_session_get_etag (SlWebrtcSession *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), NULL);

  return self->etag;
}

const GstSDPMessage *
sl_webrtc_session_get_offer (SlWebrtcSession *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), NULL);

  return self->offer->sdp;
}

GstElement *
sl_webrtc_session_get_pipeline (SlWebrtcSession *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), NULL);

  return self->pipeline;
}

GstElement *
sl_webrtc_session_get_webrtcbin (SlWebrtcSession *self)
{
  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), NULL);

  return self->webrtcbin;
}

void
sl_webrtc_session_set_host_data (SlWebrtcSession *self,
                                 gpointer         data,
                                 GDestroyNotify   destroy)
{
  g_return_if_fail (SL_WEBRTC_IS_SESSION (self));

  g_mutex_lock (&self->mutex);
  g_warn_if_fail (self->host_data == NULL);
  self->host_data = data;
  self->host_data_destroy = destroy;
  g_mutex_unlock (&self->mutex);
}

gpointer
sl_webrtc_session_get_host_data (SlWebrtcSession *self)
{
  gpointer data;

  g_return_val_if_fail (SL_WEBRTC_IS_SESSION (self), NULL);

  g_mutex_lock (&self->mutex);
  data = self->host_data;
  g_mutex_unlock (&self->mutex);

  return data;
}

/* A section with port 0 is rejected unless it is bundle-only (RFC 8843:
 * such a section shares the transport of the bundle's first one). */
static gboolean
sl_webrtc_sdp_media_is_rejected (const GstSDPMedia *media)
{
  return gst_sdp_media_get_port (media) == 0 &&
         gst_sdp_media_get_attribute_val (media, "bundle-only") == NULL;
}

gint
sl_webrtc_sdp_find_payload (const GstSDPMessage *sdp,
                            const char          *media_name,
                            const char          *encoding)
{
  g_return_val_if_fail (sdp != NULL, -1);

  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);

      if (g_strcmp0 (gst_sdp_media_get_media (media), media_name) != 0 ||
          sl_webrtc_sdp_media_is_rejected (media))
        continue;

      for (guint j = 0; ; j++)
        {
          const char *rtpmap = gst_sdp_media_get_attribute_val_n (media, "rtpmap", j);
          char *end = NULL;
          gint64 pt;

          if (rtpmap == NULL)
            break;
          /* "96 VP8/90000" */
          pt = g_ascii_strtoll (rtpmap, &end, 10);
          if (end == rtpmap || pt < 0 || pt > 127)
            continue;
          while (*end == ' ')
            end++;
          if (g_ascii_strncasecmp (end, encoding, strlen (encoding)) == 0 &&
              end[strlen (encoding)] == '/')
            return (gint) pt;
        }
      /* Only the first usable section of that kind. */
      return -1;
    }

  return -1;
}
