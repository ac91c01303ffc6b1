/* sl-paintable-sink.c: shows video in a GdkPaintable
 *
 * paintable-sink runs on the runtime's main context
 * (SL_EXECUTION_MAIN_CONTEXT), which in a GTK application is GTK's own: its
 * process() turns the newest frame waiting on its input into a
 * GdkMemoryTexture and hands it to its paintable, which invalidates its
 * contents (and its size, when the frame size changes) right there. Bind the
 * read-only "paintable" property to a GtkPicture:
 *
 *   runtime = sl_runtime_new ();      (on GTK's main thread)
 *   … add "paintable-sink" as "sink", link, start …
 *   processor = sl_runtime_get_processor (runtime, "sink");   (once it runs:
 *                                     see SlRuntime::processor-state-changed)
 *   g_object_bind_property (processor, "paintable", picture, "paintable",
 *                           G_BINDING_SYNC_CREATE);
 *
 * The frames must be packed RGB in memory (RGBA, BGRA, ARGB, ABGR, RGBx,
 * BGRx, xRGB, xBGR, RGB, BGR: what GdkMemoryTexture reads); put a converter
 * in front of it for anything else, such as gst-filter
 * description="videoconvert ! video/x-raw,format=RGBA", or ask the source for
 * it (video-test-source format=RGBA). Another format fails the processor with
 * a message that says so. The texture wraps the frame's memory: no copy, the
 * buffer is kept (mapped) for as long as GTK holds the texture, except for
 * the x formats with a GTK older than 4.14, which are copied with their
 * padding byte made opaque.
 *
 * Only the newest frame matters to a display: the frames that arrived
 * together are counted ("received") and all but the last dropped. "shown"
 * counts the frames GTK drew at least once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>
#include <string.h>
#include <gst/video/video.h>

#include "sl-gtk-processors.h"

#define SL_PAINTABLE_SINK_FORMAT_LIST \
  "RGBA, BGRA, ARGB, ABGR, RGBx, BGRx, xRGB, xBGR, RGB, BGR"

struct _SlPaintableSink
{
  SlProcessor          parent_instance;

  SlGtkPaintable      *paintable;

  /* The format of the last frame, so that caps are parsed once per change. */
  GstCaps             *caps;
  GstVideoInfo         info;
  GdkMemoryFormat      memory_format;
  int                  opaque_byte;   /* index of an x byte to make 0xff, or -1 */
  int                  display_width;

  atomic_int_fast64_t  received;
};

G_DEFINE_FINAL_TYPE (SlPaintableSink, sl_paintable_sink, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_PAINTABLE,
  PROP_RECEIVED,
  PROP_SHOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GstVideoFormat   video;
  GdkMemoryFormat  memory;
  int              opaque_byte;   /* the x byte, when memory has alpha there */
} SlFormatMapping;

/* GStreamer's RGBA and friends are not premultiplied; x bytes are padding. */
static const SlFormatMapping format_mappings[] = {
  { GST_VIDEO_FORMAT_RGBA, GDK_MEMORY_R8G8B8A8, -1 },
  { GST_VIDEO_FORMAT_BGRA, GDK_MEMORY_B8G8R8A8, -1 },
  { GST_VIDEO_FORMAT_ARGB, GDK_MEMORY_A8R8G8B8, -1 },
  { GST_VIDEO_FORMAT_ABGR, GDK_MEMORY_A8B8G8R8, -1 },
#if GTK_CHECK_VERSION (4, 14, 0)
  { GST_VIDEO_FORMAT_RGBx, GDK_MEMORY_R8G8B8X8, -1 },
  { GST_VIDEO_FORMAT_BGRx, GDK_MEMORY_B8G8R8X8, -1 },
  { GST_VIDEO_FORMAT_xRGB, GDK_MEMORY_X8R8G8B8, -1 },
  { GST_VIDEO_FORMAT_xBGR, GDK_MEMORY_X8B8G8R8, -1 },
#else
  { GST_VIDEO_FORMAT_RGBx, GDK_MEMORY_R8G8B8A8, 3 },
  { GST_VIDEO_FORMAT_BGRx, GDK_MEMORY_B8G8R8A8, 3 },
  { GST_VIDEO_FORMAT_xRGB, GDK_MEMORY_A8R8G8B8, 0 },
  { GST_VIDEO_FORMAT_xBGR, GDK_MEMORY_A8B8G8R8, 0 },
#endif
  { GST_VIDEO_FORMAT_RGB, GDK_MEMORY_R8G8B8, -1 },
  { GST_VIDEO_FORMAT_BGR, GDK_MEMORY_B8G8R8, -1 },
};

/* Parses new caps into self->info and the memory format. */
static gboolean
sl_paintable_sink_set_caps (SlPaintableSink  *self,
                            GstCaps          *caps,
                            GError          **error)
{
  const SlFormatMapping *mapping = NULL;
  GstVideoInfo info;

  if (self->caps != NULL && gst_caps_is_equal (self->caps, caps))
    return TRUE;

  if (!gst_video_info_from_caps (&info, caps))
    {
      g_autofree char *text = gst_caps_to_string (caps);

      g_set_error (error, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS,
                   "paintable-sink shows raw video frames, not %s", text);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (format_mappings); i++)
    if (format_mappings[i].video == GST_VIDEO_INFO_FORMAT (&info))
      mapping = &format_mappings[i];

  if (mapping == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS,
                   "paintable-sink shows packed RGB video (%s), not %s: put a converter "
                   "in front of it (gst-filter description=\"videoconvert ! video/x-raw,format=RGBA\") "
                   "or ask the source for RGBA",
                   SL_PAINTABLE_SINK_FORMAT_LIST, GST_VIDEO_INFO_NAME (&info));
      return FALSE;
    }

  gst_caps_replace (&self->caps, caps);
  self->info = info;
  self->memory_format = mapping->memory;
  self->opaque_byte = mapping->opaque_byte;

  /* Square pixels on screen: the pixel aspect ratio widens (or narrows) the
   * frame; the height stays. */
  if (GST_VIDEO_INFO_PAR_N (&info) > 0 && GST_VIDEO_INFO_PAR_D (&info) > 0)
    self->display_width = (int) gst_util_uint64_scale_int_round (GST_VIDEO_INFO_WIDTH (&info),
                                                                 GST_VIDEO_INFO_PAR_N (&info),
                                                                 GST_VIDEO_INFO_PAR_D (&info));
  else
    self->display_width = GST_VIDEO_INFO_WIDTH (&info);
  self->display_width = MAX (self->display_width, 1);

  return TRUE;
}

typedef struct
{
  GstVideoFrame frame;
} SlMappedFrame;

static void
sl_mapped_frame_free (gpointer data)
{
  SlMappedFrame *mapped = data;

  /* Unmapping drops the frame's reference to the buffer. */
  gst_video_frame_unmap (&mapped->frame);
  g_free (mapped);
}

static GdkTexture *
sl_paintable_sink_make_texture (SlPaintableSink  *self,
                                GstBuffer        *buffer,
                                GError          **error)
{
  SlMappedFrame *mapped = g_new0 (SlMappedFrame, 1);
  g_autoptr(GBytes) bytes = NULL;
  int width = GST_VIDEO_INFO_WIDTH (&self->info);
  int height = GST_VIDEO_INFO_HEIGHT (&self->info);
  gsize pixel_size, stride, size;
  const guint8 *data;

  if (!gst_video_frame_map (&mapped->frame, &self->info, buffer, GST_MAP_READ))
    {
      g_free (mapped);
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "paintable-sink cannot read a %dx%d %s frame: its buffer is too small or unreadable",
                   width, height, GST_VIDEO_INFO_NAME (&self->info));
      return NULL;
    }

  data = GST_VIDEO_FRAME_PLANE_DATA (&mapped->frame, 0);
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0);
  pixel_size = GST_VIDEO_FRAME_COMP_PSTRIDE (&mapped->frame, 0);
  /* The last row need not be padded to the stride. */
  size = stride * (height - 1) + pixel_size * width;

  if (self->opaque_byte < 0)
    {
      /* The texture reads the mapped frame itself; it unmaps (and lets the
       * buffer go) when GTK drops the texture. */
      bytes = g_bytes_new_with_free_func (data, size, sl_mapped_frame_free, mapped);
    }
  else
    {
      /* An x byte GTK would read as alpha: copy, with it made opaque. */
      guint8 *copy = g_malloc (size);

      for (int y = 0; y < height; y++)
        {
          guint8 *row = copy + y * stride;

          memcpy (row, data + y * stride, pixel_size * width);
          for (int x = 0; x < width; x++)
            row[x * pixel_size + self->opaque_byte] = 0xff;
        }
      sl_mapped_frame_free (mapped);
      bytes = g_bytes_new_take (copy, size);
    }

  return gdk_memory_texture_new (width, height, self->memory_format, bytes, stride);
}

static gboolean
sl_paintable_sink_process (SlProcessor  *processor,
                           GError      **error)
{
  SlPaintableSink *self = SL_PAINTABLE_SINK (processor);
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  g_autoptr(GstSample) last = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GstSample *sample;
  GstCaps *caps;
  GstBuffer *buffer;

  /* Only the newest frame is worth drawing. */
  while ((sample = sl_input_port_pop (in)) != NULL)
    {
      atomic_fetch_add (&self->received, 1);
      g_clear_pointer (&last, gst_sample_unref);
      last = sample;
    }
  if (last == NULL)
    return TRUE;

  caps = gst_sample_get_caps (last);
  buffer = gst_sample_get_buffer (last);
  if (caps == NULL || buffer == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_FAILED,
                           caps == NULL ? "paintable-sink received a frame without caps"
                                        : "paintable-sink received a sample without a buffer");
      return FALSE;
    }

  if (!sl_paintable_sink_set_caps (self, caps, error))
    return FALSE;

  texture = sl_paintable_sink_make_texture (self, buffer, error);
  if (texture == NULL)
    return FALSE;

  /* We are on the runtime's main context: GTK's, in a GTK application. */
  sl_gtk_paintable_set_texture (self->paintable, texture, self->display_width,
                                GST_VIDEO_INFO_HEIGHT (&self->info));
  return TRUE;
}

static void
sl_paintable_sink_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SlPaintableSink *self = SL_PAINTABLE_SINK (object);

  switch (prop_id)
    {
    case PROP_PAINTABLE:
      g_value_set_object (value, self->paintable);
      break;
    case PROP_RECEIVED:
      g_value_set_int64 (value, atomic_load (&self->received));
      break;
    case PROP_SHOWN:
      g_value_set_int64 (value, sl_gtk_paintable_get_shown (self->paintable));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_paintable_sink_finalize (GObject *object)
{
  SlPaintableSink *self = SL_PAINTABLE_SINK (object);

  /* The application may keep the paintable: it keeps the last frame. */
  g_clear_object (&self->paintable);
  gst_clear_caps (&self->caps);

  G_OBJECT_CLASS (sl_paintable_sink_parent_class)->finalize (object);
}

static void
sl_paintable_sink_class_init (SlPaintableSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw, format=(string){ " SL_PAINTABLE_SINK_FORMAT_LIST " }");

  object_class->finalize = sl_paintable_sink_finalize;
  object_class->get_property = sl_paintable_sink_get_property;
  processor_class->process = sl_paintable_sink_process;

  /**
   * SlPaintableSink:paintable:
   *
   * The paintable showing the newest frame; bind it to a GtkPicture. It is
   * the same object for the life of the processor, and keeps the last frame
   * after the processor stops.
   */
  properties[PROP_PAINTABLE] =
    g_param_spec_object ("paintable", NULL,
                         "The GdkPaintable showing the video (bind it to a GtkPicture)",
                         GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECEIVED] =
    g_param_spec_int64 ("received", NULL, "Frames received", 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOWN] =
    g_param_spec_int64 ("shown", NULL,
                        "Frames GTK drew at least once (the others were replaced by newer ones first)",
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_input_port (processor_class, "in", caps);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_MAIN_CONTEXT);
  sl_processor_class_set_description (processor_class,
                                      "Shows video in a GdkPaintable (bind its paintable property to a GtkPicture); "
                                      "runs on the main context");
}

static void
sl_paintable_sink_init (SlPaintableSink *self)
{
  self->paintable = sl_gtk_paintable_new ();
  self->opaque_byte = -1;
  atomic_init (&self->received, 0);
}
