/* test-paintable-sink.c: paintable-sink without a window
 *
 * Frames of known pixels go in through an app-source; what comes out is read
 * back from the paintable (its size, its current image downloaded as
 * pixels). Filling a paintable needs no display, so this runs headless; the
 * drawing itself is tested by the GTK demo under Xvfb (gtk-demo).
 *
 * Every wait iterates the main context (paintable-sink runs there) and is
 * bounded.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <gst/video/video.h>
#include <gtk/gtk.h>
#include <streamlib/streamlib.h>

#define TIMEOUT_MS 10000

static gboolean
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @expr holds; fails after TIMEOUT_MS. */
#define WAIT_FOR(expr)                                                        \
  G_STMT_START {                                                              \
    gboolean timed_out_ = FALSE;                                              \
    guint timeout_id_ = g_timeout_add (TIMEOUT_MS, set_true, &timed_out_);    \
    while (!(expr) && !timed_out_)                                            \
      g_main_context_iteration (NULL, TRUE);                                  \
    if (!timed_out_)                                                          \
      g_source_remove (timeout_id_);                                          \
    if (!(expr))                                                              \
      g_error ("Timed out after %d ms waiting for %s", TIMEOUT_MS, #expr);   \
  } G_STMT_END

typedef struct
{
  SlRuntime    *runtime;
  SlProcessor  *source;        /* app-source, or NULL */
  SlProcessor  *sink;
  GdkPaintable *paintable;
  guint         contents;      /* invalidate-contents emissions */
  guint         sizes;         /* invalidate-size emissions */
  GPtrArray    *errors;        /* "id: message" */
  gboolean      eos;
} Fixture;

static void
on_error (SlRuntime    *runtime,
          const char   *id,
          const GError *error,
          Fixture      *fixture)
{
  g_ptr_array_add (fixture->errors, g_strdup_printf ("%s: %s", id, error->message));
}

static void
on_eos (SlRuntime *runtime,
        Fixture   *fixture)
{
  fixture->eos = TRUE;
}

static void
on_contents (GdkPaintable *paintable,
             Fixture      *fixture)
{
  fixture->contents++;
}

static void
on_size (GdkPaintable *paintable,
         Fixture      *fixture)
{
  fixture->sizes++;
}

/* Runs "LINE ! paintable-sink name=sink" and waits for the sink's instance
 * (created on the main context, so only once it is iterated). The links
 * block when full instead of dropping the oldest frame, so every frame
 * arrives. */
static void
fixture_start (Fixture    *fixture,
               const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *full = g_strdup_printf ("%s ! paintable-sink name=sink", line);
  g_autoptr(SlGraph) graph = NULL;
  g_auto(GStrv) links = NULL;

  fixture->errors = g_ptr_array_new_with_free_func (g_free);
  fixture->runtime = sl_runtime_new ();
  g_signal_connect (fixture->runtime, "error", G_CALLBACK (on_error), fixture);
  g_signal_connect (fixture->runtime, "eos", G_CALLBACK (on_eos), fixture);

  sl_runtime_parse_launch (fixture->runtime, full, &error);
  g_assert_no_error (error);
  graph = sl_runtime_get_graph (fixture->runtime);
  links = sl_graph_list_links (graph);
  for (guint i = 0; links[i] != NULL; i++)
    {
      sl_runtime_configure_link (fixture->runtime, links[i], 8, SL_OVERFLOW_BLOCK, &error);
      g_assert_no_error (error);
    }
  sl_runtime_start (fixture->runtime, &error);
  g_assert_no_error (error);

  fixture->source = sl_runtime_get_processor (fixture->runtime, "src");
  WAIT_FOR ((fixture->sink = sl_runtime_get_processor (fixture->runtime, "sink")) != NULL);

  g_object_get (fixture->sink, "paintable", &fixture->paintable, NULL);
  g_assert_true (GDK_IS_PAINTABLE (fixture->paintable));
  g_signal_connect (fixture->paintable, "invalidate-contents", G_CALLBACK (on_contents), fixture);
  g_signal_connect (fixture->paintable, "invalidate-size", G_CALLBACK (on_size), fixture);
}

static void
fixture_stop (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  sl_runtime_stop (fixture->runtime, SL_STOP_IMMEDIATE, &error);
  g_assert_no_error (error);
  g_signal_handlers_disconnect_by_data (fixture->paintable, fixture);
  g_clear_object (&fixture->paintable);
  g_clear_object (&fixture->sink);
  g_clear_object (&fixture->source);
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->errors, g_ptr_array_unref);
}

static void
fixture_assert_no_error (Fixture *fixture)
{
  if (fixture->errors->len > 0)
    g_error ("Unexpected error: %s", (char *) g_ptr_array_index (fixture->errors, 0));
}

/* ---- frames of known pixels ---------------------------------------------- */

typedef struct
{
  guint8 r, g, b, a;
} Rgba;

/* 3×2: every channel distinct, and one half-transparent pixel. */
static const Rgba test_pixels[6] = {
  { 255, 0, 0, 255 }, { 0, 255, 0, 255 }, { 0, 0, 255, 255 },
  { 255, 255, 255, 255 }, { 10, 200, 30, 255 }, { 200, 100, 50, 128 },
};

/* A frame of @format, @width × @height, pixel i = @pixels[i % n_pixels]; row
 * padding and x bytes hold garbage (the sink must not show it). */
static GstSample *
make_frame (GstVideoFormat  format,
            int             width,
            int             height,
            int             par_n,
            int             par_d,
            const Rgba     *pixels,
            guint           n_pixels)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBuffer) buffer = NULL;
  const GstVideoFormatInfo *finfo = gst_video_format_get_info (format);
  gboolean has_alpha = GST_VIDEO_FORMAT_INFO_HAS_ALPHA (finfo);
  GstVideoInfo info;
  GstMapInfo map;

  gst_video_info_set_format (&info, format, width, height);
  GST_VIDEO_INFO_PAR_N (&info) = par_n;
  GST_VIDEO_INFO_PAR_D (&info) = par_d;
  caps = gst_video_info_to_caps (&info);
  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);

  g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_WRITE));
  memset (map.data, 0x5a, map.size);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *pixel = map.data + GST_VIDEO_INFO_PLANE_OFFSET (&info, 0) +
                        y * GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) +
                        x * GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0);
        const Rgba *c = &pixels[(y * width + x) % n_pixels];

        pixel[GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_R)] = c->r;
        pixel[GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_G)] = c->g;
        pixel[GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_B)] = c->b;
        if (has_alpha)
          pixel[GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_A)] = c->a;
        else if (GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0) == 4)
          {
            /* The x byte: transparent if the sink took it for alpha. */
            for (guint i = 0; i < 4; i++)
              if (i != GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_R) &&
                  i != GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_G) &&
                  i != GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_B))
                pixel[i] = 0;
          }
      }
  gst_buffer_unmap (buffer, &map);

  return gst_sample_new (buffer, caps, NULL, NULL);
}

static void
push_frame (Fixture   *fixture,
            GstSample *sample)
{
  g_signal_emit_by_name (fixture->source, "push-sample", sample);
  gst_sample_unref (sample);
}

/* The current image as native-endian premultiplied ARGB. */
static guint32 *
download_current (Fixture *fixture,
                  int     *width,
                  int     *height)
{
  g_autoptr(GdkPaintable) image = gdk_paintable_get_current_image (fixture->paintable);
  GdkTexture *texture;
  guint32 *pixels;

  g_assert_true (GDK_IS_TEXTURE (image));
  texture = GDK_TEXTURE (image);
  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  pixels = g_new (guint32, (gsize) *width * *height);
  gdk_texture_download (texture, (guchar *) pixels, (gsize) *width * 4);
  return pixels;
}

static void
assert_channel (const char *format,
                int         index,
                const char *channel,
                int         got,
                int         expected)
{
  if (ABS (got - expected) > 1)
    g_error ("%s, pixel %d: %s is %d, expected %d", format, index, channel, got, expected);
}

/* ---- tests ------------------------------------------------------------- */

static void
test_formats (void)
{
  static const GstVideoFormat formats[] = {
    GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_BGRA, GST_VIDEO_FORMAT_ARGB, GST_VIDEO_FORMAT_ABGR,
    GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_xRGB, GST_VIDEO_FORMAT_xBGR,
    GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR,
  };
  Fixture fixture = { 0, };

  fixture_start (&fixture, "app-source name=src");

  /* One stream whose format changes at every frame: caps are re-read. */
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      const char *name = gst_video_format_to_string (formats[f]);
      gboolean has_alpha = GST_VIDEO_FORMAT_INFO_HAS_ALPHA (gst_video_format_get_info (formats[f]));
      guint contents = fixture.contents;
      g_autofree guint32 *pixels = NULL;
      int width, height;

      g_test_message ("format %s", name);
      push_frame (&fixture, make_frame (formats[f], 3, 2, 1, 1, test_pixels, 6));
      WAIT_FOR (fixture.contents > contents || fixture.errors->len > 0);
      fixture_assert_no_error (&fixture);

      g_assert_cmpint (gdk_paintable_get_intrinsic_width (fixture.paintable), ==, 3);
      g_assert_cmpint (gdk_paintable_get_intrinsic_height (fixture.paintable), ==, 2);
      pixels = download_current (&fixture, &width, &height);
      g_assert_cmpint (width, ==, 3);
      g_assert_cmpint (height, ==, 2);

      for (int i = 0; i < 6; i++)
        {
          int a = has_alpha ? test_pixels[i].a : 255;

          assert_channel (name, i, "alpha", (pixels[i] >> 24) & 0xff, a);
          assert_channel (name, i, "red", (pixels[i] >> 16) & 0xff, (test_pixels[i].r * a + 127) / 255);
          assert_channel (name, i, "green", (pixels[i] >> 8) & 0xff, (test_pixels[i].g * a + 127) / 255);
          assert_channel (name, i, "blue", pixels[i] & 0xff, (test_pixels[i].b * a + 127) / 255);
        }
    }

  g_assert_cmpint (fixture.errors->len, ==, 0);
  fixture_stop (&fixture);
}

static void
test_size (void)
{
  Fixture fixture = { 0, };
  guint contents, sizes;

  fixture_start (&fixture, "app-source name=src");
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (fixture.paintable), ==, 0);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (fixture.paintable), ==, 0);

  contents = fixture.contents;
  push_frame (&fixture, make_frame (GST_VIDEO_FORMAT_RGBA, 64, 48, 1, 1, test_pixels, 6));
  WAIT_FOR (fixture.contents > contents);
  g_assert_cmpint (fixture.sizes, ==, 1);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (fixture.paintable), ==, 64);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (fixture.paintable), ==, 48);
  g_assert_cmpfloat_with_epsilon (gdk_paintable_get_intrinsic_aspect_ratio (fixture.paintable),
                                  64.0 / 48.0, 1e-9);

  /* The same size again: new contents, no new size. */
  contents = fixture.contents;
  push_frame (&fixture, make_frame (GST_VIDEO_FORMAT_BGRA, 64, 48, 1, 1, test_pixels, 6));
  WAIT_FOR (fixture.contents > contents);
  g_assert_cmpint (fixture.sizes, ==, 1);

  /* Pixels twice as wide as high: shown twice as wide, the texture as is. */
  sizes = fixture.sizes;
  push_frame (&fixture, make_frame (GST_VIDEO_FORMAT_RGBA, 40, 30, 2, 1, test_pixels, 6));
  WAIT_FOR (fixture.sizes > sizes);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (fixture.paintable), ==, 80);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (fixture.paintable), ==, 30);
  g_assert_cmpfloat_with_epsilon (gdk_paintable_get_intrinsic_aspect_ratio (fixture.paintable),
                                  80.0 / 30.0, 1e-9);
  {
    g_autoptr(GdkPaintable) image = gdk_paintable_get_current_image (fixture.paintable);

    g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (image)), ==, 40);
  }

  fixture_assert_no_error (&fixture);
  fixture_stop (&fixture);
}

static void
test_bad_format (void)
{
  Fixture fixture = { 0, };
  g_autoptr(GstSample) sample = NULL;
  GstVideoInfo info;
  g_autoptr(GstCaps) caps = NULL;
  const char *message;

  fixture_start (&fixture, "app-source name=src");

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 32, 32);
  caps = gst_video_info_to_caps (&info);
  sample = gst_sample_new (gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL),
                           caps, NULL, NULL);
  gst_buffer_unref (gst_sample_get_buffer (sample));   /* the sample holds it */
  g_signal_emit_by_name (fixture.source, "push-sample", sample);

  WAIT_FOR (fixture.errors->len > 0);
  message = g_ptr_array_index (fixture.errors, 0);
  g_test_message ("%s", message);
  g_assert_true (g_str_has_prefix (message, "sink: "));
  g_assert_nonnull (strstr (message, "I420"));
  g_assert_nonnull (strstr (message, "videoconvert"));
  WAIT_FOR (sl_runtime_get_processor_state (fixture.runtime, "sink") == SL_PROCESSOR_STATE_FAILED);

  /* Nothing was shown. */
  g_assert_cmpint (fixture.contents, ==, 0);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (fixture.paintable), ==, 0);

  fixture_stop (&fixture);
}

static void
test_counters_and_last_frame (void)
{
  static const Rgba red = { 255, 0, 0, 255 }, green = { 0, 255, 0, 255 }, blue = { 0, 0, 255, 255 };
  Fixture fixture = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkPaintable) image = NULL;
  g_autofree guint32 *pixels = NULL;
  gint64 received = 0, shown = -1;
  int width, height;

  fixture_start (&fixture, "app-source name=src");

  /* Three frames at once: all counted, the last one shown. */
  push_frame (&fixture, make_frame (GST_VIDEO_FORMAT_RGBA, 8, 8, 1, 1, &red, 1));
  push_frame (&fixture, make_frame (GST_VIDEO_FORMAT_RGBA, 8, 8, 1, 1, &green, 1));
  push_frame (&fixture, make_frame (GST_VIDEO_FORMAT_RGBA, 8, 8, 1, 1, &blue, 1));
  WAIT_FOR ((g_object_get (fixture.sink, "received", &received, NULL), received == 3));
  WAIT_FOR (fixture.contents > 0);

  pixels = download_current (&fixture, &width, &height);
  g_assert_cmphex (pixels[0], ==, 0xff0000ff);
  g_assert_cmphex (pixels[63], ==, 0xff0000ff);

  /* Nothing draws it here. */
  g_object_get (fixture.sink, "shown", &shown, NULL);
  g_assert_cmpint (shown, ==, 0);

  /* Stopped, the paintable keeps the last frame for whoever holds it. */
  paintable = g_object_ref (fixture.paintable);
  sl_runtime_stop (fixture.runtime, SL_STOP_DRAIN, &error);
  g_assert_no_error (error);
  fixture_assert_no_error (&fixture);
  fixture_stop (&fixture);

  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 8);
  image = gdk_paintable_get_current_image (paintable);
  g_assert_true (GDK_IS_TEXTURE (image));
}

/* A paintable-sink added to a running graph, from the main thread, which is
 * also where it must be created and set up: nothing may wait for that
 * without iterating the main context. */
static void
test_added_while_running (void)
{
  static const Rgba white = { 255, 255, 255, 255 };
  Fixture fixture = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(SlProcessor) late = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autofree char *id = NULL;
  g_autofree char *link = NULL;

  fixture_start (&fixture, "app-source name=src");

  id = sl_runtime_add (fixture.runtime, "paintable-sink", "late", &error);
  g_assert_no_error (error);
  link = sl_runtime_link (fixture.runtime, "src", "late", &error);
  g_assert_no_error (error);
  WAIT_FOR ((late = sl_runtime_get_processor (fixture.runtime, "late")) != NULL);
  g_object_get (late, "paintable", &paintable, NULL);

  push_frame (&fixture, make_frame (GST_VIDEO_FORMAT_RGBA, 16, 8, 1, 1, &white, 1));
  WAIT_FOR (gdk_paintable_get_intrinsic_width (paintable) == 16 || fixture.errors->len > 0);
  fixture_assert_no_error (&fixture);
  /* The first sink got it too: an output fans out. */
  WAIT_FOR (gdk_paintable_get_intrinsic_width (fixture.paintable) == 16);

  fixture_stop (&fixture);
}

static void
test_video_test_source (void)
{
  Fixture fixture = { 0, };
  g_autoptr(SlRegistry) registry = sl_registry_new ();
  g_autofree guint32 *pixels = NULL;
  gint64 received = 0;
  int width, height;

  if (sl_registry_lookup (registry, "video-test-source") == G_TYPE_INVALID)
    {
      g_test_skip ("video-test-source is not available (processors/gst)");
      return;
    }

  /* BGRx: the x bytes must come out opaque. */
  fixture_start (&fixture, "video-test-source name=src format=BGRx is-live=false num-frames=10");
  WAIT_FOR ((g_object_get (fixture.sink, "received", &received, NULL), received == 10) ||
            fixture.errors->len > 0);
  fixture_assert_no_error (&fixture);
  WAIT_FOR (fixture.eos);

  g_assert_cmpint (gdk_paintable_get_intrinsic_width (fixture.paintable), ==, 320);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (fixture.paintable), ==, 240);
  pixels = download_current (&fixture, &width, &height);
  for (int i = 0; i < width * height; i++)
    if ((pixels[i] >> 24) != 0xff)
      g_error ("pixel %d is not opaque: %08x", i, pixels[i]);

  fixture_stop (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add_func ("/gtk/paintable-sink/formats", test_formats);
  g_test_add_func ("/gtk/paintable-sink/size", test_size);
  g_test_add_func ("/gtk/paintable-sink/bad-format", test_bad_format);
  g_test_add_func ("/gtk/paintable-sink/counters-and-last-frame", test_counters_and_last_frame);
  g_test_add_func ("/gtk/paintable-sink/added-while-running", test_added_while_running);
  g_test_add_func ("/gtk/paintable-sink/video-test-source", test_video_test_source);

  return g_test_run ();
}
