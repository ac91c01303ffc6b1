/* sl-webrtc-processors.c: registers the WebRTC processors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <gst/gst.h>

#include "sl-webrtc-processors-private.h"

typedef struct
{
  const char  *factory;
  GType      (*get_type) (void);
  const char  *needs[12];     /* GStreamer elements that must all exist */
} SlWebrtcFactory;

static const SlWebrtcFactory factories[] = {
  { "whip-sink", sl_whip_sink_get_type,
    { "webrtcbin", "appsrc", "videoconvert", "vp8enc", "rtpvp8pay", "opusenc", "rtpopuspay" } },
  { "whep-source", sl_whep_source_get_type,
    { "webrtcbin", "appsink", "decodebin", "videoconvert", "audioconvert" } },
  { "whip-ingest", sl_whip_ingest_get_type,
    { "webrtcbin", "appsink", "decodebin", "queue", "videoconvert", "audioconvert", "audioresample" } },
  { "whep-serve", sl_whep_serve_get_type,
    { "webrtcbin", "appsrc", "appsink", "queue", "videoconvert", "vp8enc", "rtpvp8pay",
      "audioconvert", "audioresample", "opusenc", "rtpopuspay" } },
};

static gboolean
sl_webrtc_factory_available (const SlWebrtcFactory *factory)
{
  for (guint i = 0; i < G_N_ELEMENTS (factory->needs) && factory->needs[i] != NULL; i++)
    {
      g_autoptr(GstElementFactory) element = gst_element_factory_find (factory->needs[i]);

      if (element == NULL)
        {
          g_debug ("Not registering “%s”: the GStreamer element %s is not installed",
                   factory->factory, factory->needs[i]);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
sl_webrtc_register_processors (SlRegistry  *registry,
                               GError     **error)
{
  g_autoptr(GError) init_error = NULL;

  g_return_val_if_fail (SL_IS_REGISTRY (registry), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!gst_is_initialized () && !gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PLUGIN, _("Cannot initialise GStreamer: %s"),
                   init_error->message);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++)
    if (sl_webrtc_factory_available (&factories[i]) &&
        !sl_registry_register (registry, factories[i].factory, factories[i].get_type (), error))
      return FALSE;

  return TRUE;
}
