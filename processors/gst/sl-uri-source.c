/* sl-uri-source.c: decodes a file or URI (uridecodebin) into raw video and audio
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

struct _SlUriSource
{
  SlGstSource  parent_instance;

  GMutex       mutex;          /* guards the settings and the branch flags */
  char        *uri;
  gboolean     sync;
  gboolean     has_video;      /* the pipeline's decoded streams already taken */
  gboolean     has_audio;
};

G_DEFINE_FINAL_TYPE (SlUriSource, sl_uri_source, SL_TYPE_GST_SOURCE)

enum {
  PROP_0,
  PROP_URI,
  PROP_SYNC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
sl_uri_source_check_uri (const char  *value,
                         GError     **error)
{
  if (*value != '\0' && (gst_uri_is_valid (value) || g_path_is_absolute (value)))
    return TRUE;

  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
               "“%s” is neither a URI (file:///…, https://…) nor an absolute path", value);
  return FALSE;
}

/* A decoded stream appeared (on a streaming thread): the first video and the
 * first audio stream go to the outputs, anything else is discarded. */
static void
sl_uri_source_pad_added (GstElement *decodebin,
                         GstPad     *pad,
                         gpointer    user_data)
{
  SlUriSource *self = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  GstStructure *structure;
  const char *port = NULL;
  GstElement *pipeline = GST_ELEMENT (gst_element_get_parent (decodebin));
  GstElement *sink;
  g_autoptr(GstPad) sink_pad = NULL;
  gboolean sync;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  structure = caps != NULL && !gst_caps_is_empty (caps) ? gst_caps_get_structure (caps, 0) : NULL;

  g_mutex_lock (&self->mutex);
  if (structure != NULL && gst_structure_has_name (structure, "video/x-raw") && !self->has_video)
    {
      port = "video";
      self->has_video = TRUE;
    }
  else if (structure != NULL && gst_structure_has_name (structure, "audio/x-raw") && !self->has_audio)
    {
      port = "audio";
      self->has_audio = TRUE;
    }
  sync = self->sync;
  g_mutex_unlock (&self->mutex);

  if (port != NULL)
    {
      g_autoptr(GstCaps) sink_caps = gst_caps_new_empty_simple (g_str_equal (port, "video") ? "video/x-raw"
                                                                                             : "audio/x-raw");
      sink = sl_gst_source_make_appsink (SL_GST_SOURCE (self), port, sink_caps);
      g_object_set (sink, "sync", sync, NULL);
    }
  else
    {
      sink = gst_element_factory_make ("fakesink", NULL);
      g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
    }

  gst_bin_add (GST_BIN (pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  sink_pad = gst_element_get_static_pad (sink, "sink");
  if (gst_pad_link (pad, sink_pad) != GST_PAD_LINK_OK)
    GST_ELEMENT_ERROR (decodebin, CORE, NEGOTIATION, (NULL),
                       ("Cannot link the decoded stream %" GST_PTR_FORMAT, caps));

  gst_object_unref (pipeline);
}

static GstElement *
sl_uri_source_build (SlGstSource  *source,
                     GError      **error)
{
  SlUriSource *self = SL_URI_SOURCE (source);
  g_autofree char *uri = NULL;
  g_autofree char *prefix = NULL;
  GstElement *pipeline, *decodebin;

  g_mutex_lock (&self->mutex);
  if (self->uri != NULL && g_path_is_absolute (self->uri))
    uri = gst_filename_to_uri (self->uri, NULL);
  else
    uri = g_strdup (self->uri);
  self->has_video = self->has_audio = FALSE;
  g_mutex_unlock (&self->mutex);

  if (uri == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                           "No URI to play: set the “uri” property");
      return NULL;
    }

  /* A missing local file is the common mistake: say so plainly. */
  if (g_str_has_prefix (uri, "file:"))
    {
      g_autoptr(GFile) file = g_file_new_for_uri (uri);

      if (!g_file_query_exists (file, NULL))
        {
          g_autofree char *path = g_file_get_path (file);

          g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                       "Cannot read “%s”: no such file", path != NULL ? path : uri);
          return NULL;
        }
    }

  decodebin = gst_element_factory_make ("uridecodebin", NULL);
  if (decodebin == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                           "The GStreamer element uridecodebin is not installed");
      return NULL;
    }

  pipeline = gst_object_ref_sink (gst_pipeline_new (sl_processor_get_id (SL_PROCESSOR (self))));
  g_object_set (decodebin, "uri", uri, NULL);
  g_signal_connect_object (decodebin, "pad-added", G_CALLBACK (sl_uri_source_pad_added), self, 0);
  gst_bin_add (GST_BIN (pipeline), decodebin);

  prefix = g_strdup_printf ("Cannot play “%s”", uri);
  sl_gst_source_set_error_prefix (source, prefix);
  return pipeline;
}

static void
sl_uri_source_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SlUriSource *self = SL_URI_SOURCE (object);

  g_mutex_lock (&self->mutex);
  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_SYNC:
      g_value_set_boolean (value, self->sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->mutex);
}

static void
sl_uri_source_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SlUriSource *self = SL_URI_SOURCE (object);

  g_mutex_lock (&self->mutex);
  switch (prop_id)
    {
    case PROP_URI:
      g_free (self->uri);
      self->uri = g_value_dup_string (value);
      break;
    case PROP_SYNC:
      self->sync = g_value_get_boolean (value);
      break;
    default:
      g_mutex_unlock (&self->mutex);
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_mutex_unlock (&self->mutex);

  g_object_notify_by_pspec (object, pspec);
}

static void
sl_uri_source_finalize (GObject *object)
{
  SlUriSource *self = SL_URI_SOURCE (object);

  g_free (self->uri);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_uri_source_parent_class)->finalize (object);
}

static void
sl_uri_source_class_init (SlUriSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  SlGstSourceClass *source_class = SL_GST_SOURCE_CLASS (klass);
  g_autoptr(GstCaps) video = gst_caps_new_empty_simple ("video/x-raw");
  g_autoptr(GstCaps) audio = gst_caps_new_empty_simple ("audio/x-raw");
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sl_uri_source_finalize;
  object_class->get_property = sl_uri_source_get_property;
  object_class->set_property = sl_uri_source_set_property;
  source_class->build = sl_uri_source_build;
  source_class->preroll = TRUE;

  properties[PROP_URI] =
    sl_param_spec_checked_string ("uri", NULL, "The URI (or absolute file name) to play",
                                  NULL, sl_uri_source_check_uri, flags);
  properties[PROP_SYNC] =
    g_param_spec_boolean ("sync", NULL,
                          "Send frames at the media's own pace (TRUE) or as fast as the graph takes them (FALSE)",
                          FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_output_port (processor_class, "video", video);
  sl_processor_class_add_output_port (processor_class, "audio", audio);
  sl_processor_class_set_description (processor_class,
                                      "Plays a file or URI (uridecodebin): raw video and audio outputs");
}

static void
sl_uri_source_init (SlUriSource *self)
{
  g_mutex_init (&self->mutex);
}
