/* sl-gst-plugin.c: registers the GStreamer bridge processors
 *
 * A processor whose GStreamer elements are not installed is not registered,
 * so `streamlib-inspect` lists only what can run here.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gmodule.h>

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

G_MODULE_EXPORT gboolean sl_plugin_init (SlRegistry *registry, GError **error);

typedef struct
{
  const char  *factory;
  GType      (*get_type) (void);
  const char  *needs[4];      /* GStreamer elements that must all exist */
  const char  *any_of[3];     /* and at least one of these, if given */
} SlGstFactory;

static const SlGstFactory factories[] = {
  { "video-test-source", sl_video_test_source_get_type, { "videotestsrc", "capsfilter", "appsink" } },
  { "audio-test-source", sl_audio_test_source_get_type, { "audiotestsrc", "capsfilter", "appsink" } },
  { "uri-source", sl_uri_source_get_type, { "uridecodebin", "appsink" } },
  { "camera", sl_camera_get_type, { "videoconvert", "videoscale", "videorate", "appsink" },
    { "v4l2src", "pipewiresrc" } },
  { "gst-filter", sl_gst_filter_get_type, { "appsink" } },
  { "vp8-encoder", sl_vp8_encoder_get_type, { "videoconvert", "vp8enc", "appsink" } },
  { "vp8-decoder", sl_vp8_decoder_get_type, { "vp8dec", "appsink" } },
  { "h264-encoder", sl_h264_encoder_get_type, { "videoconvert", "x264enc", "appsink" } },
  { "h264-decoder", sl_h264_decoder_get_type, { "h264parse", "appsink" },
    { "avdec_h264", "openh264dec" } },
  { "opus-encoder", sl_opus_encoder_get_type, { "audioconvert", "audioresample", "opusenc", "appsink" } },
  { "opus-decoder", sl_opus_decoder_get_type, { "opusdec", "appsink" } },
  { "display", sl_display_get_type, { "appsrc", "videoconvert", "autovideosink" } },
  { "audio-sink", sl_audio_sink_get_type, { "appsrc", "audioconvert", "audioresample", "autoaudiosink" } },
  { "file-sink", sl_file_sink_get_type, { "appsrc", "filesink" }, { "webmmux", "matroskamux", "mp4mux" } },
};

static gboolean
sl_gst_factory_available (const SlGstFactory *factory)
{
  gboolean any = factory->any_of[0] == NULL;

  for (guint i = 0; i < G_N_ELEMENTS (factory->needs) && factory->needs[i] != NULL; i++)
    if (!sl_gst_have_element (factory->needs[i]))
      {
        g_debug ("Not registering “%s”: the GStreamer element %s is not installed",
                 factory->factory, factory->needs[i]);
        return FALSE;
      }

  for (guint i = 0; i < G_N_ELEMENTS (factory->any_of) && factory->any_of[i] != NULL; i++)
    any = any || sl_gst_have_element (factory->any_of[i]);

  if (!any)
    g_debug ("Not registering “%s”: none of the GStreamer elements it can use is installed",
             factory->factory);
  return any;
}

/* Class initialisers read the enum values of these elements (the test
 * sources' pattern and wave names). Loaded here, outside any class_init:
 * loading a GStreamer plugin from a class_init, which holds GLib's class
 * initialisation lock, can deadlock against another thread that loads a
 * plugin whose own initialisation needs that lock. */
static const char * const classes_read_elements[] = { "videotestsrc", "audiotestsrc" };

static void
sl_gst_preload_element (const char *name)
{
  g_autoptr(GstElementFactory) factory = gst_element_factory_find (name);
  g_autoptr(GstPluginFeature) loaded = NULL;

  if (factory != NULL)
    loaded = gst_plugin_feature_load (GST_PLUGIN_FEATURE (factory));
}

G_MODULE_EXPORT gboolean
sl_plugin_init (SlRegistry  *registry,
                GError     **error)
{
  g_autoptr(GError) init_error = NULL;

  if (!gst_is_initialized () && !gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PLUGIN, "Cannot initialise GStreamer: %s",
                   init_error->message);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (classes_read_elements); i++)
    sl_gst_preload_element (classes_read_elements[i]);

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++)
    if (sl_gst_factory_available (&factories[i]) &&
        !sl_registry_register (registry, factories[i].factory, factories[i].get_type (), error))
      return FALSE;

  return TRUE;
}
