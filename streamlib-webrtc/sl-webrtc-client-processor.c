/* sl-webrtc-client-processor.c: the base of whip-sink and whep-source
 *
 * The settings and the session of a WHIP/WHEP client processor (see
 * sl-webrtc-client-processor-private.h). Setup checks the settings, makes
 * the SlWhipClient, the pipeline and its webrtcbin, lets the subclass build
 * the media, plays the pipeline and starts the client, whose own thread
 * does all the HTTP and ICE work. process() fails the processor once the
 * client has failed (an HTTP error, a failed connection, a GStreamer
 * error). Stopping DELETEs the session, waiting at most
 * SL_WHIP_CLIENT_CLOSE_TIMEOUT, then stops the pipeline.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdatomic.h>

#include "sl-webrtc-client-processor-private.h"

typedef struct
{
  GMutex               mutex;        /* guards the settings, `client`, `pipeline`, `webrtcbin` */
  char                *url;
  char                *token;
  char               **ice_servers;
  gboolean             trickle;
  SlWhipClient        *client;       /* kept after a stop: its state can still be read */
  GstElement          *pipeline;     /* set in setup, cleared in stop */
  GstElement          *webrtcbin;
  char               **run_ice_servers;  /* this run's, for a counter-offer's webrtcbin */

  /* The processor thread's. */
  gboolean             failed;
  atomic_int_fast64_t  frames;
} SlWebrtcClientProcessorPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SlWebrtcClientProcessor, sl_webrtc_client_processor, SL_TYPE_PROCESSOR)

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

G_STATIC_ASSERT (N_PROPS == SL_WEBRTC_CLIENT_PROCESSOR_N_PROPS);

static SlWhipClient *
sl_webrtc_client_processor_dup_client (SlWebrtcClientProcessor *self)
{
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);
  SlWhipClient *client;

  g_mutex_lock (&priv->mutex);
  client = priv->client != NULL ? g_object_ref (priv->client) : NULL;
  g_mutex_unlock (&priv->mutex);
  return client;
}

static void
sl_webrtc_client_processor_wake (gpointer client,
                                 gpointer user_data)
{
  sl_processor_schedule (SL_PROCESSOR (user_data));
}

void
sl_webrtc_client_processor_count_frame (SlWebrtcClientProcessor *self)
{
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);

  atomic_fetch_add (&priv->frames, 1);
}

gboolean
sl_webrtc_client_processor_has_failed (SlWebrtcClientProcessor *self)
{
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);

  return priv->failed;
}

GstElement *
sl_webrtc_client_processor_make_webrtcbin (SlWebrtcClientProcessor  *self,
                                           SlWhipClient             *client,
                                           GError                  **error)
{
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);

  /* Set in setup before the client starts, cleared in stop after it ended. */
  return sl_whip_client_make_webrtcbin (client, (const char * const *) priv->run_ice_servers, error);
}

GstElement *
sl_webrtc_client_processor_dup_pipeline (SlWebrtcClientProcessor *self)
{
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);
  GstElement *pipeline;

  g_mutex_lock (&priv->mutex);
  pipeline = priv->pipeline != NULL ? gst_object_ref (priv->pipeline) : NULL;
  g_mutex_unlock (&priv->mutex);
  return pipeline;
}

GstElement *
sl_webrtc_client_processor_swap_webrtcbin (SlWebrtcClientProcessor *self,
                                           GstElement              *webrtcbin)
{
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);
  GstElement *old;

  g_mutex_lock (&priv->mutex);
  old = priv->webrtcbin;
  priv->webrtcbin = webrtcbin != NULL ? gst_object_ref (webrtcbin) : NULL;
  g_mutex_unlock (&priv->mutex);
  return old;
}

/* ---- lifecycle ------------------------------------------------------------------- */

static void
sl_webrtc_client_processor_stop (SlWebrtcClientProcessor  *self,
                                 GError                  **error)
{
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);
  SlWebrtcClientProcessorClass *klass = SL_WEBRTC_CLIENT_PROCESSOR_GET_CLASS (self);
  /* The closed client stays until the next start: its resource URL and
   * state can still be read. */
  g_autoptr(SlWhipClient) client = sl_webrtc_client_processor_dup_client (self);
  g_autoptr(GstElement) pipeline = sl_webrtc_client_processor_dup_pipeline (self);

  /* DELETE first, while the media still flows (the client's thread may
   * also be renewing webrtcbin); then the pipeline. */
  if (client != NULL)
    sl_whip_client_close (client, SL_WHIP_CLIENT_CLOSE_TIMEOUT, error);

  if (klass->stop != NULL)
    klass->stop (self);

  if (pipeline != NULL)
    {
      if (client != NULL)
        sl_whip_client_unwatch_pipeline (client, pipeline);
      gst_element_set_state (pipeline, GST_STATE_NULL);
    }

  g_mutex_lock (&priv->mutex);
  gst_clear_object (&priv->webrtcbin);
  g_clear_pointer (&priv->run_ice_servers, g_strfreev);
  gst_clear_object (&priv->pipeline);
  g_mutex_unlock (&priv->mutex);
}

static gboolean
sl_webrtc_client_processor_setup (SlProcessor  *processor,
                                  GError      **error)
{
  SlWebrtcClientProcessor *self = SL_WEBRTC_CLIENT_PROCESSOR (processor);
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);
  SlWebrtcClientProcessorClass *klass = SL_WEBRTC_CLIENT_PROCESSOR_GET_CLASS (self);
  g_autoptr(SlWhipClient) client = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  GstElement *webrtcbin;
  gboolean trickle;

  g_mutex_lock (&priv->mutex);
  url = g_strdup (priv->url);
  token = g_strdup (priv->token);
  g_strfreev (priv->run_ice_servers);
  priv->run_ice_servers = g_strdupv (priv->ice_servers);
  trickle = priv->trickle;
  g_mutex_unlock (&priv->mutex);

  priv->failed = FALSE;

  if (url == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, klass->missing_url);
      return FALSE;
    }
  if (!sl_webrtc_check_http_url (url, error) ||
      !sl_webrtc_check_ice_servers ((const char * const *) priv->run_ice_servers, error))
    return FALSE;
  if (klass->prepare != NULL && !klass->prepare (self, error))
    return FALSE;

  client = sl_whip_client_new (klass->protocol, url, token, sl_processor_get_id (processor));
  sl_whip_client_set_trickle (client, trickle);
  sl_whip_client_set_notify (client, sl_webrtc_client_processor_wake, self);

  pipeline = gst_object_ref_sink (gst_pipeline_new (sl_processor_get_id (processor)));
  g_mutex_lock (&priv->mutex);
  priv->pipeline = gst_object_ref (pipeline);
  g_clear_object (&priv->client);
  priv->client = g_object_ref (client);
  g_mutex_unlock (&priv->mutex);

  webrtcbin = sl_webrtc_client_processor_make_webrtcbin (self, client, error);
  if (webrtcbin == NULL)
    goto failed;
  g_mutex_lock (&priv->mutex);
  priv->webrtcbin = webrtcbin;
  g_mutex_unlock (&priv->mutex);
  gst_bin_add (GST_BIN (pipeline), webrtcbin);

  if (!klass->build (self, client, pipeline, webrtcbin, error))
    goto failed;

  sl_whip_client_watch_pipeline (client, pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!sl_whip_client_take_error (client, error))
        g_set_error (error, SL_ERROR, SL_ERROR_FAILED, _("The %s pipeline cannot start"), klass->protocol);
      goto failed;
    }

  sl_whip_client_start (client, webrtcbin);
  return TRUE;

failed:
  sl_webrtc_client_processor_stop (self, NULL);
  return FALSE;
}

static gboolean
sl_webrtc_client_processor_process (SlProcessor  *processor,
                                    GError      **error)
{
  SlWebrtcClientProcessor *self = SL_WEBRTC_CLIENT_PROCESSOR (processor);
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);
  g_autoptr(SlWhipClient) client = sl_webrtc_client_processor_dup_client (self);

  if (client != NULL && sl_whip_client_take_error (client, error))
    {
      /* Let the session go now (its DELETE included); teardown waits. */
      sl_whip_client_close_async (client);
      priv->failed = TRUE;
      return FALSE;
    }

  return TRUE;
}

static gboolean
sl_webrtc_client_processor_teardown (SlProcessor  *processor,
                                     GError      **error)
{
  SlWebrtcClientProcessor *self = SL_WEBRTC_CLIENT_PROCESSOR (processor);
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);
  g_autoptr(GError) close_error = NULL;

  sl_webrtc_client_processor_stop (self, &close_error);

  /* A failed session has said why already; a DELETE that goes wrong after
   * a good session is worth a warning, not a failure of the stop. */
  if (close_error != NULL && !priv->failed)
    g_warning ("%s “%s”: %s", SL_WEBRTC_CLIENT_PROCESSOR_GET_CLASS (self)->factory,
               sl_processor_get_id (processor), close_error->message);

  return TRUE;
}

static void
sl_webrtc_client_processor_restart_ice (SlWebrtcClientProcessor *self)
{
  g_autoptr(SlWhipClient) client = sl_webrtc_client_processor_dup_client (self);

  if (client != NULL)
    sl_whip_client_restart_ice (client);
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
sl_webrtc_client_processor_dispose (GObject *object)
{
  SlWebrtcClientProcessor *self = SL_WEBRTC_CLIENT_PROCESSOR (object);
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);

  sl_webrtc_client_processor_stop (self, NULL);
  g_mutex_lock (&priv->mutex);
  g_clear_object (&priv->client);
  g_mutex_unlock (&priv->mutex);

  G_OBJECT_CLASS (sl_webrtc_client_processor_parent_class)->dispose (object);
}

static void
sl_webrtc_client_processor_finalize (GObject *object)
{
  SlWebrtcClientProcessor *self = SL_WEBRTC_CLIENT_PROCESSOR (object);
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);

  g_free (priv->url);
  g_free (priv->token);
  g_strfreev (priv->ice_servers);
  g_mutex_clear (&priv->mutex);

  G_OBJECT_CLASS (sl_webrtc_client_processor_parent_class)->finalize (object);
}

static void
sl_webrtc_client_processor_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  SlWebrtcClientProcessor *self = SL_WEBRTC_CLIENT_PROCESSOR (object);
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);
  g_autoptr(SlWhipClient) client = sl_webrtc_client_processor_dup_client (self);

  /* The client's state is read without the lock: the client takes its own. */
  switch (prop_id)
    {
    case PROP_URL:
      g_mutex_lock (&priv->mutex);
      g_value_set_string (value, priv->url);
      g_mutex_unlock (&priv->mutex);
      break;
    case PROP_TOKEN:
      g_mutex_lock (&priv->mutex);
      g_value_set_string (value, priv->token);
      g_mutex_unlock (&priv->mutex);
      break;
    case PROP_ICE_SERVERS:
      g_mutex_lock (&priv->mutex);
      g_value_set_boxed (value, priv->ice_servers);
      g_mutex_unlock (&priv->mutex);
      break;
    case PROP_TRICKLE:
      g_mutex_lock (&priv->mutex);
      g_value_set_boolean (value, priv->trickle);
      g_mutex_unlock (&priv->mutex);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, client != NULL &&
                           sl_whip_client_get_state (client) == SL_WHIP_CLIENT_STATE_CONNECTED);
      break;
    case PROP_RESOURCE_URL:
      g_value_take_string (value, client != NULL ? sl_whip_client_dup_resource_url (client) : NULL);
      break;
    case PROP_FRAMES:
      g_value_set_int64 (value, atomic_load (&priv->frames));
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
sl_webrtc_client_processor_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  SlWebrtcClientProcessor *self = SL_WEBRTC_CLIENT_PROCESSOR (object);
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);

  /* Each takes effect from the next start: a running session keeps its
   * settings. */
  g_mutex_lock (&priv->mutex);
  switch (prop_id)
    {
    case PROP_URL:
      g_free (priv->url);
      priv->url = g_value_dup_string (value);
      break;
    case PROP_TOKEN:
      g_free (priv->token);
      priv->token = g_value_dup_string (value);
      break;
    case PROP_ICE_SERVERS:
      g_strfreev (priv->ice_servers);
      priv->ice_servers = g_value_dup_boxed (value);
      break;
    case PROP_TRICKLE:
      priv->trickle = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      g_mutex_unlock (&priv->mutex);
      return;
    }
  g_mutex_unlock (&priv->mutex);

  g_object_notify_by_pspec (object, pspec);
}

void
sl_webrtc_client_processor_class_install (SlWebrtcClientProcessorClass *klass,
                                          const char                   *url_blurb,
                                          const char                   *connected_blurb,
                                          const char                   *frames_blurb)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags settable = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags readable = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamSpec *properties[N_PROPS] = { NULL, };

  /* GObject gives each class its own get_property and set_property, NULL
   * until set: a subclass without properties of its own uses the base's
   * (one with some chains up to them). */
  if (object_class->get_property == NULL)
    object_class->get_property = sl_webrtc_client_processor_get_property;
  if (object_class->set_property == NULL)
    object_class->set_property = sl_webrtc_client_processor_set_property;

  /* Installed on the subclass itself, not in the base's class_init: each
   * says WHIP or WHEP in its blurbs. */
  properties[PROP_URL] =
    sl_param_spec_checked_string ("url", NULL, url_blurb, NULL, sl_webrtc_check_http_url, settable);
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
    g_param_spec_boolean ("connected", NULL, connected_blurb, FALSE, readable);
  properties[PROP_RESOURCE_URL] =
    g_param_spec_string ("resource-url", NULL, "The session's resource on the server, once created",
                         NULL, readable);
  properties[PROP_FRAMES] =
    g_param_spec_int64 ("frames", NULL, frames_blurb, 0, G_MAXINT64, 0, readable);
  properties[PROP_ICE_RESTARTS] =
    g_param_spec_uint ("ice-restarts", NULL, "ICE restarts the server accepted",
                       0, G_MAXUINT, 0, readable);
  properties[PROP_SERVER_ICE_SERVERS] =
    g_param_spec_boxed ("server-ice-servers", NULL,
                        "The ICE servers the server announced (Link rel=ice-server), as webrtcbin URLs; "
                        "used from the next ICE restart", G_TYPE_STRV, readable);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SlWebrtcClientProcessor::restart-ice:
   *
   * Restarts ICE with new credentials (RFC 9725 §4.3.2), on the session's
   * own thread. Any thread may emit it; without a session it does nothing.
   */
  g_signal_new_class_handler ("restart-ice", G_TYPE_FROM_CLASS (klass),
                              G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                              G_CALLBACK (sl_webrtc_client_processor_restart_ice),
                              NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sl_webrtc_client_processor_class_init (SlWebrtcClientProcessorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->dispose = sl_webrtc_client_processor_dispose;
  object_class->finalize = sl_webrtc_client_processor_finalize;
  object_class->get_property = sl_webrtc_client_processor_get_property;
  object_class->set_property = sl_webrtc_client_processor_set_property;
  processor_class->setup = sl_webrtc_client_processor_setup;
  processor_class->process = sl_webrtc_client_processor_process;
  processor_class->teardown = sl_webrtc_client_processor_teardown;
}

static void
sl_webrtc_client_processor_init (SlWebrtcClientProcessor *self)
{
  SlWebrtcClientProcessorPrivate *priv = sl_webrtc_client_processor_get_instance_private (self);

  g_mutex_init (&priv->mutex);
  atomic_init (&priv->frames, 0);
}
