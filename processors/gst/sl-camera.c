/* sl-camera.c: video from a camera (PipeWire where available, else V4L2)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

struct _SlCamera
{
  SlGstSource  parent_instance;

  GMutex       mutex;          /* guards the settings against other threads' reads */
  char        *device;
  char        *framerate;
  gint         width;
  gint         height;
};

G_DEFINE_FINAL_TYPE (SlCamera, sl_camera, SL_TYPE_GST_SOURCE)

enum {
  PROP_0,
  PROP_DEVICE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_FRAMERATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The first video capture device GStreamer's device providers know
 * (PipeWire's when its plugin is installed, V4L2's otherwise). */
static GstElement *
sl_camera_find_device (char **name)
{
  g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
  GList *devices = NULL;
  GstElement *element = NULL;

  gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
  if (gst_device_monitor_start (monitor))
    {
      devices = gst_device_monitor_get_devices (monitor);
      gst_device_monitor_stop (monitor);
    }

  for (GList *l = devices; l != NULL && element == NULL; l = l->next)
    {
      element = gst_device_create_element (l->data, NULL);
      if (element != NULL)
        *name = gst_device_get_display_name (l->data);
    }

  g_list_free_full (devices, gst_object_unref);
  return element;
}

static GstElement *
sl_camera_build (SlGstSource  *source,
                 GError      **error)
{
  SlCamera *self = SL_CAMERA (source);
  g_autoptr(GstCaps) sink_caps = gst_caps_new_empty_simple ("video/x-raw");
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("video/x-raw");
  g_autofree char *device = NULL;
  g_autofree char *name = NULL;
  g_autofree char *prefix = NULL;
  GstElement *pipeline, *src, *convert, *scale, *rate, *capsfilter, *appsink;
  gint num, den;

  g_mutex_lock (&self->mutex);
  device = g_strdup (self->device);
  if (self->width > 0)
    gst_caps_set_simple (caps, "width", G_TYPE_INT, self->width, NULL);
  if (self->height > 0)
    gst_caps_set_simple (caps, "height", G_TYPE_INT, self->height, NULL);
  if (self->framerate != NULL && sl_gst_parse_fraction (self->framerate, &num, &den))
    gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION, num, den, NULL);
  g_mutex_unlock (&self->mutex);

  if (device != NULL)
    {
      src = gst_element_factory_make ("v4l2src", NULL);
      if (src == NULL)
        {
          g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                               "Cannot open a camera by device path: the GStreamer element v4l2src is not installed");
          return NULL;
        }
      g_object_set (src, "device", device, NULL);
      name = g_strdup (device);
    }
  else
    {
      src = sl_camera_find_device (&name);
      if (src == NULL)
        {
          g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                               "No camera found: GStreamer lists no video capture device "
                               "(looked for PipeWire and V4L2 cameras)");
          return NULL;
        }
    }

  pipeline = gst_object_ref_sink (gst_pipeline_new (sl_processor_get_id (SL_PROCESSOR (self))));
  convert = gst_element_factory_make ("videoconvert", NULL);
  scale = gst_element_factory_make ("videoscale", NULL);
  rate = gst_element_factory_make ("videorate", NULL);
  capsfilter = gst_element_factory_make ("capsfilter", NULL);
  appsink = sl_gst_source_make_appsink (source, "out", sink_caps);
  g_object_set (capsfilter, "caps", caps, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, convert, scale, rate, capsfilter, appsink, NULL);
  if (!gst_element_link_many (src, convert, scale, rate, capsfilter, appsink, NULL))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "Camera “%s” cannot produce %" GST_PTR_FORMAT, name, caps);
      gst_clear_object (&pipeline);
      return NULL;
    }

  prefix = g_strdup_printf ("Camera “%s”", name);
  sl_gst_source_set_error_prefix (source, prefix);
  return pipeline;
}

static void
sl_camera_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SlCamera *self = SL_CAMERA (object);

  g_mutex_lock (&self->mutex);
  switch (prop_id)
    {
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_WIDTH:
      g_value_set_int (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->height);
      break;
    case PROP_FRAMERATE:
      g_value_set_string (value, self->framerate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->mutex);
}

static void
sl_camera_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SlCamera *self = SL_CAMERA (object);

  /* Takes effect from the next start. */
  g_mutex_lock (&self->mutex);
  switch (prop_id)
    {
    case PROP_DEVICE:
      g_free (self->device);
      self->device = g_value_dup_string (value);
      break;
    case PROP_WIDTH:
      self->width = g_value_get_int (value);
      break;
    case PROP_HEIGHT:
      self->height = g_value_get_int (value);
      break;
    case PROP_FRAMERATE:
      g_free (self->framerate);
      self->framerate = g_value_dup_string (value);
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
sl_camera_finalize (GObject *object)
{
  SlCamera *self = SL_CAMERA (object);

  g_free (self->device);
  g_free (self->framerate);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_camera_parent_class)->finalize (object);
}

static void
sl_camera_class_init (SlCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  SlGstSourceClass *source_class = SL_GST_SOURCE_CLASS (klass);
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("video/x-raw");
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sl_camera_finalize;
  object_class->get_property = sl_camera_get_property;
  object_class->set_property = sl_camera_set_property;
  source_class->build = sl_camera_build;
  source_class->preroll = TRUE;

  properties[PROP_DEVICE] =
    g_param_spec_string ("device", NULL,
                         "A V4L2 device path such as /dev/video0 (unset: the first camera found)",
                         NULL, flags);
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, "Frame width in pixels (0: the camera's choice)",
                      0, 8192, 0, flags);
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, "Frame height in pixels (0: the camera's choice)",
                      0, 8192, 0, flags);
  properties[PROP_FRAMERATE] =
    sl_param_spec_checked_string ("framerate", NULL,
                                  "Frames per second, a number or a fraction (unset: the camera's choice)",
                                  NULL, sl_gst_check_fraction, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_output_port (processor_class, "out", caps);
  sl_processor_class_set_description (processor_class,
                                      "Video from a camera (PipeWire or V4L2); fails clearly when there is none");
}

static void
sl_camera_init (SlCamera *self)
{
  g_mutex_init (&self->mutex);
}
