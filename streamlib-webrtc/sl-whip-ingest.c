/* sl-whip-ingest.c: a source whose media a WHIP publisher sends to the endpoint
 *
 * Outputs `video` (video/x-raw) and `audio` (audio/x-raw). Until somebody
 * publishes to the node (POST /whip/<node-id> on a streamlib WebRTC
 * endpoint serving the runtime) it outputs nothing; while a publisher is
 * connected it outputs the decoded media; when the publisher leaves it
 * outputs nothing again, and the next publisher may come. One publisher at a
 * time: a second one is refused while the first is connected.
 *
 * The publisher's session (sl-webrtc-session-private.h) owns the pipeline:
 *
 *   webrtcbin ! decodebin ! videoconvert ! appsink   (per incoming stream)
 *                         ! audioconvert ! audioresample ! appsink
 *
 * The appsinks run on GStreamer streaming threads; they hand each decoded
 * frame to a bounded queue and schedule the processor (manual execution
 * mode), whose own thread pushes the frames into its ports. When the queue
 * is full the oldest frame is dropped rather than stalling webrtcbin's
 * jitter buffer: the publisher is live and would not slow down anyway.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdatomic.h>
#include <gst/app/gstappsink.h>

#include "sl-webrtc-processors-private.h"
#include "sl-webrtc-session-private.h"
#include "sl-webrtc-util-private.h"

/* Decoded frames that may wait for the processor's thread. */
#define SL_WHIP_INGEST_QUEUE 16

typedef struct
{
  gboolean   video;
  GstSample *sample;
} SlIngestItem;

typedef struct
{
  SlProcessor parent_instance;

  GMutex           mutex;        /* guards what follows */
  gboolean         running;      /* between setup and teardown */
  SlWebrtcSession *publisher;    /* the connected publisher, if any */
  GQueue           queue;        /* SlIngestItem*, at most SL_WHIP_INGEST_QUEUE */
  GstClockTime     next_pts;     /* past the last frame sent, any publisher */
  GstClockTime     last_pts[2];  /* the last frame sent, video and audio */

  atomic_int_fast64_t video_frames;
  atomic_int_fast64_t audio_frames;
  atomic_int_fast64_t dropped;
  atomic_uint         publishes;
} SlWhipIngest;

typedef struct
{
  SlProcessorClass parent_class;
} SlWhipIngestClass;

static void sl_whip_ingest_host_init (SlWebrtcSessionHostInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SlWhipIngest, sl_whip_ingest, SL_TYPE_PROCESSOR,
                               G_IMPLEMENT_INTERFACE (SL_WEBRTC_TYPE_SESSION_HOST,
                                                      sl_whip_ingest_host_init))

enum {
  PROP_0,
  PROP_PUBLISHING,
  PROP_PUBLISHES,
  PROP_VIDEO_FRAMES,
  PROP_AUDIO_FRAMES,
  PROP_DROPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sl_ingest_item_free (SlIngestItem *item)
{
  g_clear_pointer (&item->sample, gst_sample_unref);
  g_free (item);
}

/* Per publisher: what the streaming threads need to find their way back. */
typedef struct
{
  SlWhipIngest    *self;        /* the session holds the processor */
  SlWebrtcSession *session;     /* the session owns this */
  gboolean         offset_set;  /* the rest under the processor's mutex */
  GstClockTimeDiff offset;      /* added to the publisher's timestamps */
} SlIngestLink;

/* ---- from GStreamer threads ----------------------------------------------- */

/* Each publisher's timestamps start wherever its pipeline's clock was; the
 * frames leave with timestamps that go on from the previous publisher's
 * last frame, so that what follows (an encoder, a muxer) never sees time
 * go backwards. Called with the processor's mutex held. */
static void
sl_whip_ingest_restamp (SlWhipIngest *self,
                        SlIngestLink *link,
                        SlIngestItem *item)
{
  GstBuffer *buffer = gst_sample_get_buffer (item->sample);
  g_autoptr(GstBuffer) copy = NULL;
  GstClockTime pts, duration;
  GstClockTime *last_pts = &self->last_pts[item->video ? 0 : 1];
  GstSample *restamped;

  if (buffer == NULL || !GST_BUFFER_PTS_IS_VALID (buffer))
    return;

  pts = GST_BUFFER_PTS (buffer);
  if (!link->offset_set)
    {
      link->offset = GST_CLOCK_DIFF (pts, self->next_pts);
      link->offset_set = TRUE;
    }
  if (link->offset == 0 && pts >= self->next_pts)
    {
      duration = GST_BUFFER_DURATION_IS_VALID (buffer) ? GST_BUFFER_DURATION (buffer) : 0;
      self->next_pts = MAX (self->next_pts, pts + duration);
      *last_pts = pts;
      return;
    }

  /* The data is shared, not copied. The offset was taken from the first
   * frame of either stream: the other stream's first frames may land a
   * little before that stream's last frame of the previous publisher, and
   * are held at it so that each output's time never goes back. */
  copy = gst_buffer_copy (buffer);
  GST_BUFFER_PTS (copy) = (GstClockTime) MAX ((GstClockTimeDiff) pts + link->offset, 0);
  if (GST_CLOCK_TIME_IS_VALID (*last_pts) && GST_BUFFER_PTS (copy) < *last_pts)
    GST_BUFFER_PTS (copy) = *last_pts;
  *last_pts = GST_BUFFER_PTS (copy);
  if (GST_BUFFER_DTS_IS_VALID (copy))
    GST_BUFFER_DTS (copy) = (GstClockTime) MAX ((GstClockTimeDiff) GST_BUFFER_DTS (copy) + link->offset, 0);
  duration = GST_BUFFER_DURATION_IS_VALID (copy) ? GST_BUFFER_DURATION (copy) : 0;
  self->next_pts = MAX (self->next_pts, GST_BUFFER_PTS (copy) + duration);

  restamped = gst_sample_new (copy, gst_sample_get_caps (item->sample), NULL,
                              gst_sample_get_info (item->sample) != NULL
                              ? gst_structure_copy (gst_sample_get_info (item->sample)) : NULL);
  gst_sample_unref (item->sample);
  item->sample = restamped;
}

static GstFlowReturn
sl_whip_ingest_new_sample (GstAppSink *appsink,
                           gpointer    user_data)
{
  SlIngestLink *link = user_data;
  SlWhipIngest *self = link->self;
  gboolean video = g_object_get_data (G_OBJECT (appsink), "sl-video") != NULL;
  GstSample *sample = gst_app_sink_pull_sample (appsink);
  SlIngestItem *item;
  SlIngestItem *dropped = NULL;

  if (sample == NULL)
    return GST_FLOW_FLUSHING;

  item = g_new0 (SlIngestItem, 1);
  item->video = video;
  item->sample = sample;

  g_mutex_lock (&self->mutex);
  if (self->publisher != link->session || !self->running)
    {
      /* A publisher that left, or a processor that stopped. */
      g_mutex_unlock (&self->mutex);
      sl_ingest_item_free (item);
      return GST_FLOW_FLUSHING;
    }
  sl_whip_ingest_restamp (self, link, item);
  if (self->queue.length >= SL_WHIP_INGEST_QUEUE)
    dropped = g_queue_pop_head (&self->queue);
  g_queue_push_tail (&self->queue, item);
  g_mutex_unlock (&self->mutex);

  if (dropped != NULL)
    {
      atomic_fetch_add (&self->dropped, 1);
      sl_ingest_item_free (dropped);
    }

  sl_processor_schedule (SL_PROCESSOR (self));
  return GST_FLOW_OK;
}

static GstElement *
sl_whip_ingest_make_branch (SlIngestLink *link,
                            gboolean      video)
{
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple (video ? "video/x-raw" : "audio/x-raw");
  g_autoptr(GError) error = NULL;
  GstElement *bin;
  g_autoptr(GstElement) appsink = NULL;

  bin = gst_parse_bin_from_description (video
                                        ? "queue max-size-buffers=4 leaky=downstream ! videoconvert ! appsink name=sink"
                                        : "queue ! audioconvert ! audioresample ! appsink name=sink",
                                        TRUE, &error);
  if (bin == NULL)
    {
      g_warning ("Cannot build the WHIP ingest branch: %s", error->message);
      return NULL;
    }

  appsink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  g_object_set (appsink, "caps", caps, NULL);
  if (video)
    g_object_set_data (G_OBJECT (appsink), "sl-video", GINT_TO_POINTER (TRUE));
  sl_webrtc_appsink_set_new_sample (appsink, 1, sl_whip_ingest_new_sample, link);

  return bin;
}

/* decodebin made a raw stream: send it to the processor. */
static void
sl_whip_ingest_decoded_pad (GstElement *decodebin,
                            GstPad     *pad,
                            gpointer    user_data)
{
  SlIngestLink *link = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sink = NULL;
  GstElement *pipeline = sl_webrtc_session_get_pipeline (link->session);
  const char *name;
  GstElement *branch;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (!g_str_has_prefix (name, "video/") && !g_str_has_prefix (name, "audio/"))
    return;

  branch = sl_whip_ingest_make_branch (link, g_str_has_prefix (name, "video/"));
  if (branch == NULL)
    return;

  gst_bin_add (GST_BIN (pipeline), branch);
  sink = gst_element_get_static_pad (branch, "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    g_warning ("WHIP ingest: cannot link the decoded %s stream", name);
  gst_element_sync_state_with_parent (branch);
}

/* webrtcbin receives a stream (RTP, decrypted): decode it. */
static void
sl_whip_ingest_incoming_pad (GstElement *webrtcbin,
                             GstPad     *pad,
                             gpointer    user_data)
{
  SlIngestLink *link = user_data;
  GstElement *pipeline = sl_webrtc_session_get_pipeline (link->session);
  g_autoptr(GstPad) sink = NULL;
  GstElement *decodebin;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  decodebin = gst_element_factory_make ("decodebin", NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (sl_whip_ingest_decoded_pad), link);
  gst_bin_add (GST_BIN (pipeline), decodebin);
  gst_element_sync_state_with_parent (decodebin);

  sink = gst_element_get_static_pad (decodebin, "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    g_warning ("WHIP ingest: cannot link an incoming stream to decodebin");
}

/* ---- the processor ------------------------------------------------------------ */

static void
sl_whip_ingest_push_queued (SlWhipIngest *self)
{
  SlOutputPort *video = sl_processor_get_output_port (SL_PROCESSOR (self), "video");
  SlOutputPort *audio = sl_processor_get_output_port (SL_PROCESSOR (self), "audio");
  GQueue items = G_QUEUE_INIT;
  SlIngestItem *item;

  g_mutex_lock (&self->mutex);
  items = self->queue;
  g_queue_init (&self->queue);
  g_mutex_unlock (&self->mutex);

  while ((item = g_queue_pop_head (&items)) != NULL)
    {
      sl_output_port_push (item->video ? video : audio, g_steal_pointer (&item->sample));
      atomic_fetch_add (item->video ? &self->video_frames : &self->audio_frames, 1);
      sl_ingest_item_free (item);
    }
}

static gboolean
sl_whip_ingest_setup (SlProcessor  *processor,
                      GError      **error)
{
  SlWhipIngest *self = (SlWhipIngest *) processor;

  g_mutex_lock (&self->mutex);
  self->running = TRUE;
  g_mutex_unlock (&self->mutex);

  return TRUE;
}

static gboolean
sl_whip_ingest_process (SlProcessor  *processor,
                        GError      **error)
{
  sl_whip_ingest_push_queued ((SlWhipIngest *) processor);
  return TRUE;
}

/* Ends the publisher's session, if any: its close detaches it. */
static void
sl_whip_ingest_close_publisher (SlWhipIngest *self)
{
  g_autoptr(SlWebrtcSession) publisher = NULL;

  g_mutex_lock (&self->mutex);
  self->running = FALSE;
  if (self->publisher != NULL)
    publisher = g_object_ref (self->publisher);
  g_mutex_unlock (&self->mutex);

  if (publisher != NULL)
    sl_webrtc_session_close (publisher);
}

static gboolean
sl_whip_ingest_teardown (SlProcessor  *processor,
                         GError      **error)
{
  SlWhipIngest *self = (SlWhipIngest *) processor;

  sl_whip_ingest_close_publisher (self);
  /* What was decoded is sent: a drain loses nothing. */
  sl_whip_ingest_push_queued (self);
  return TRUE;
}

/* ---- sessions ------------------------------------------------------------------ */

static gboolean
sl_whip_ingest_attach (SlWebrtcSessionHost  *host,
                       SlWebrtcSession      *session,
                       GError              **error)
{
  SlWhipIngest *self = (SlWhipIngest *) host;
  GstElement *webrtcbin = sl_webrtc_session_get_webrtcbin (session);
  SlIngestLink *link;

  g_mutex_lock (&self->mutex);
  if (!sl_webrtc_session_host_check_running (host, self->running, error))
    {
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }
  if (self->publisher != NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PORT_IN_USE,
                   _("WHIP node “%s” already has a publisher (session %s)"),
                   sl_processor_get_id (SL_PROCESSOR (self)),
                   sl_webrtc_session_get_id (self->publisher));
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }
  self->publisher = g_object_ref (session);
  g_mutex_unlock (&self->mutex);

  link = g_new0 (SlIngestLink, 1);
  link->self = self;
  link->session = session;
  sl_webrtc_session_set_host_data (session, link, g_free);
  g_signal_connect (webrtcbin, "pad-added", G_CALLBACK (sl_whip_ingest_incoming_pad), link);

  atomic_fetch_add (&self->publishes, 1);
  return TRUE;
}

static void
sl_whip_ingest_detach (SlWebrtcSessionHost *host,
                       SlWebrtcSession     *session)
{
  SlWhipIngest *self = (SlWhipIngest *) host;
  SlWebrtcSession *publisher = NULL;

  g_mutex_lock (&self->mutex);
  if (self->publisher == session)
    publisher = g_steal_pointer (&self->publisher);
  g_mutex_unlock (&self->mutex);

  g_clear_object (&publisher);
}

static void
sl_whip_ingest_host_init (SlWebrtcSessionHostInterface *iface)
{
  iface->kind = SL_WEBRTC_SESSION_WHIP;
  iface->attach = sl_whip_ingest_attach;
  iface->detach = sl_whip_ingest_detach;
}

/* ---- GObject ------------------------------------------------------------------- */

static void
sl_whip_ingest_dispose (GObject *object)
{
  sl_whip_ingest_close_publisher ((SlWhipIngest *) object);

  G_OBJECT_CLASS (sl_whip_ingest_parent_class)->dispose (object);
}

static void
sl_whip_ingest_finalize (GObject *object)
{
  SlWhipIngest *self = (SlWhipIngest *) object;

  g_queue_clear_full (&self->queue, (GDestroyNotify) sl_ingest_item_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_whip_ingest_parent_class)->finalize (object);
}

static void
sl_whip_ingest_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SlWhipIngest *self = (SlWhipIngest *) object;

  switch (prop_id)
    {
    case PROP_PUBLISHING:
      g_mutex_lock (&self->mutex);
      g_value_set_boolean (value, self->publisher != NULL);
      g_mutex_unlock (&self->mutex);
      break;
    case PROP_PUBLISHES:
      g_value_set_uint (value, atomic_load (&self->publishes));
      break;
    case PROP_VIDEO_FRAMES:
      g_value_set_int64 (value, atomic_load (&self->video_frames));
      break;
    case PROP_AUDIO_FRAMES:
      g_value_set_int64 (value, atomic_load (&self->audio_frames));
      break;
    case PROP_DROPPED:
      g_value_set_int64 (value, atomic_load (&self->dropped));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_whip_ingest_class_init (SlWhipIngestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  g_autoptr(GstCaps) video = gst_caps_new_empty_simple ("video/x-raw");
  g_autoptr(GstCaps) audio = gst_caps_new_empty_simple ("audio/x-raw");
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sl_whip_ingest_dispose;
  object_class->finalize = sl_whip_ingest_finalize;
  object_class->get_property = sl_whip_ingest_get_property;
  processor_class->setup = sl_whip_ingest_setup;
  processor_class->process = sl_whip_ingest_process;
  processor_class->teardown = sl_whip_ingest_teardown;

  properties[PROP_PUBLISHING] =
    g_param_spec_boolean ("publishing", NULL, "Whether a WHIP publisher is connected",
                          FALSE, flags);
  properties[PROP_PUBLISHES] =
    g_param_spec_uint ("publishes", NULL, "Publishers accepted since the processor was made",
                       0, G_MAXUINT, 0, flags);
  properties[PROP_VIDEO_FRAMES] =
    g_param_spec_int64 ("video-frames", NULL, "Decoded video frames sent",
                        0, G_MAXINT64, 0, flags);
  properties[PROP_AUDIO_FRAMES] =
    g_param_spec_int64 ("audio-frames", NULL, "Decoded audio buffers sent",
                        0, G_MAXINT64, 0, flags);
  properties[PROP_DROPPED] =
    g_param_spec_int64 ("dropped", NULL,
                        "Decoded frames dropped because the processor's thread fell behind",
                        0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_output_port (processor_class, "video", video);
  sl_processor_class_add_output_port (processor_class, "audio", audio);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_MANUAL);
  sl_processor_class_set_description (processor_class,
                                      "Outputs what a WHIP publisher sends to a streamlib WebRTC "
                                      "endpoint (POST /whip/<node-id>); nothing before a publish");
}

static void
sl_whip_ingest_init (SlWhipIngest *self)
{
  g_mutex_init (&self->mutex);
  g_queue_init (&self->queue);
  self->last_pts[0] = self->last_pts[1] = GST_CLOCK_TIME_NONE;
  atomic_init (&self->video_frames, 0);
  atomic_init (&self->audio_frames, 0);
  atomic_init (&self->dropped, 0);
  atomic_init (&self->publishes, 0);
}
