/* streamlib-gtk-demo.c: a live streamlib graph in a GTK 4 window
 *
 *   video-test-source (pattern=ball, RGBA) ──────────────→ paintable-sink → GtkPicture
 *                      └→ gst-filter "videoflip video-direction=90r" ┘
 *                         (inserted and removed while it runs)
 *
 * The window shows the video of a paintable-sink in a GtkPicture. While the
 * graph runs:
 *   - "Rotate" inserts a gst-filter (videoflip, a quarter turn) between the
 *     source and the sink, and removes it again: one batched edit each way
 *     (SL_COMMIT_MANUAL, then sl_runtime_commit), the source and the sink keep
 *     running;
 *   - "Pattern" and "Frames per second" change properties of the running
 *     source (its pattern, its frame rate: the ball moves one step per frame).
 * The line at the bottom shows the sink's counters.
 *
 * paintable-sink runs on the runtime's main context, which is GTK's: create
 * the runtime on GTK's main thread, as here.
 *
 * --test runs the same window unattended, as tests/gtk does under Xvfb: it
 * waits for frames to be drawn, rotates (the picture must turn to portrait),
 * switches to the smpte pattern (the picture must brighten), un-rotates, and
 * exits 0; it exits 1 if a step does not happen within --timeout seconds
 * (default 30) or a processor fails.
 *
 * Build (installed streamlib): cc streamlib-gtk-demo.c \
 *   $(pkg-config --cflags --libs streamlib-1.0 gtk4) -o streamlib-gtk-demo
 * Run: STREAMLIB_PLUGIN_PATH must reach the core, gst and gtk processors when
 * streamlib is not installed (meson devenv, or scripts/lib.sh's
 * sl_uninstalled_env).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gtk/gtk.h>
#include <streamlib/streamlib.h>

#define SOURCE "source"
#define EFFECT "effect"
#define SINK "sink"
#define EFFECT_DESCRIPTION "videoflip video-direction=90r"
#define TEST_FRAMES 5          /* frames drawn at each step of --test */

static const char *const patterns[] = { "ball", "smpte", "pinwheel", "snow", "spokes", NULL };

typedef enum {
  STEP_FIRST_FRAMES,   /* frames drawn, landscape */
  STEP_ROTATED,        /* the effect is in: portrait */
  STEP_PATTERN,        /* the smpte pattern: a bright picture */
  STEP_UNROTATED,      /* the effect is out again: landscape */
  STEP_DONE,
} TestStep;

static const char *const step_names[] = {
  "waiting for the first frames",
  "waiting for the rotated (portrait) picture",
  "waiting for the smpte pattern",
  "waiting for the unrotated (landscape) picture",
  "done",
};

typedef struct
{
  GtkApplication  *app;
  SlRuntime       *runtime;
  SlProcessor     *sink;          /* once it runs */
  GtkPicture      *picture;
  GtkToggleButton *rotate;
  GtkDropDown     *pattern;
  GtkSpinButton   *rate;
  GtkLabel        *status;

  char            *direct_link;   /* source → sink, while there is no effect */
  guint            status_id;
  guint            timeout_id;

  /* --test */
  gboolean         test;
  int              timeout;
  TestStep         step;
  gint64           step_shown;    /* frames drawn when the step began */
  int              exit_status;
} Demo;

static void
demo_fail (Demo       *demo,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static gint64
demo_shown (Demo *demo)
{
  gint64 shown = 0;

  if (demo->sink != NULL)
    g_object_get (demo->sink, "shown", &shown, NULL);
  return shown;
}

static gboolean
demo_quit_idle (gpointer user_data)
{
  Demo *demo = user_data;
  GtkWindow *window = gtk_application_get_active_window (demo->app);

  if (window != NULL)
    gtk_window_destroy (window);   /* the last window: the application quits */
  return G_SOURCE_REMOVE;
}

static void
demo_quit (Demo *demo,
           int   status)
{
  demo->exit_status = status;
  /* Not from inside the handler or tick callback that decided it. */
  g_idle_add (demo_quit_idle, demo);
}

static void
demo_fail (Demo       *demo,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("streamlib-gtk-demo: %s\n", message);
  if (demo->test)
    demo_quit (demo, 1);
  else
    gtk_label_set_text (demo->status, message);
}

/* ---- editing the running graph ----------------------------------------- */

static gboolean
demo_commit (Demo    *demo,
             GError **error)
{
  return sl_runtime_commit (demo->runtime, error);
}

static gboolean
demo_insert_effect (Demo    *demo,
                    GError **error)
{
  g_autofree char *id = NULL;
  g_autofree char *link_in = NULL;
  g_autofree char *link_out = NULL;

  /* One batch: nothing runs with the source unlinked in between. */
  if (!sl_runtime_unlink (demo->runtime, demo->direct_link, error))
    return FALSE;
  g_clear_pointer (&demo->direct_link, g_free);

  id = sl_runtime_add (demo->runtime, "gst-filter", EFFECT, error);
  if (id == NULL ||
      !sl_runtime_set_from_string (demo->runtime, EFFECT, "description", EFFECT_DESCRIPTION, error) ||
      (link_in = sl_runtime_link (demo->runtime, SOURCE, EFFECT, error)) == NULL ||
      (link_out = sl_runtime_link (demo->runtime, EFFECT, SINK, error)) == NULL)
    return FALSE;

  return demo_commit (demo, error);
}

static gboolean
demo_remove_effect (Demo    *demo,
                    GError **error)
{
  /* Removing the node removes its links. */
  if (!sl_runtime_remove (demo->runtime, EFFECT, error))
    return FALSE;

  demo->direct_link = sl_runtime_link (demo->runtime, SOURCE, SINK, error);
  if (demo->direct_link == NULL)
    return FALSE;

  return demo_commit (demo, error);
}

static void
on_rotate_toggled (GtkToggleButton *button,
                   Demo            *demo)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (gtk_toggle_button_get_active (button))
    ok = demo->direct_link == NULL || demo_insert_effect (demo, &error);
  else
    ok = demo->direct_link != NULL || demo_remove_effect (demo, &error);

  if (!ok)
    demo_fail (demo, "Cannot %s the effect: %s",
               gtk_toggle_button_get_active (button) ? "insert" : "remove", error->message);
}

static void
on_pattern_selected (GtkDropDown *dropdown,
                     GParamSpec  *pspec,
                     Demo        *demo)
{
  g_autoptr(GError) error = NULL;
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected >= G_N_ELEMENTS (patterns) - 1)
    return;

  if (!sl_runtime_set_from_string (demo->runtime, SOURCE, "pattern", patterns[selected], &error) ||
      !demo_commit (demo, &error))
    demo_fail (demo, "Cannot change the pattern: %s", error->message);
}

static void
on_rate_changed (GtkSpinButton *spin,
                 Demo          *demo)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rate = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (spin));

  if (!sl_runtime_set_from_string (demo->runtime, SOURCE, "framerate", rate, &error) ||
      !demo_commit (demo, &error))
    demo_fail (demo, "Cannot change the frame rate: %s", error->message);
}

/* ---- the runtime's signals (on GTK's main context) ---------------------- */

static void
on_processor_state_changed (SlRuntime        *runtime,
                            const char       *id,
                            SlProcessorState  state,
                            Demo             *demo)
{
  g_autoptr(SlProcessor) sink = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;

  /* The sink's instance exists once it is set up: show its paintable (a new
   * one if the runtime ever makes a new instance). */
  if (g_strcmp0 (id, SINK) != 0 ||
      (state != SL_PROCESSOR_STATE_SETTING_UP && state != SL_PROCESSOR_STATE_RUNNING))
    return;

  sink = sl_runtime_get_processor (runtime, SINK);
  if (sink == NULL || sink == demo->sink)
    return;

  g_set_object (&demo->sink, sink);
  g_object_get (sink, "paintable", &paintable, NULL);
  gtk_picture_set_paintable (demo->picture, paintable);
}

static void
on_runtime_error (SlRuntime    *runtime,
                  const char   *id,
                  const GError *error,
                  Demo         *demo)
{
  demo_fail (demo, "%s: %s", id, error->message);
}

static gboolean
update_status (gpointer user_data)
{
  Demo *demo = user_data;
  GdkPaintable *paintable = gtk_picture_get_paintable (demo->picture);
  gint64 received = 0, shown = 0;
  g_autofree char *text = NULL;

  if (demo->sink != NULL)
    g_object_get (demo->sink, "received", &received, "shown", &shown, NULL);

  text = g_strdup_printf ("%s · %d×%d · %" G_GINT64_FORMAT " frames received, %" G_GINT64_FORMAT " drawn",
                          demo->direct_link != NULL ? "source → sink" : "source → videoflip → sink",
                          paintable != NULL ? gdk_paintable_get_intrinsic_width (paintable) : 0,
                          paintable != NULL ? gdk_paintable_get_intrinsic_height (paintable) : 0,
                          received, shown);
  gtk_label_set_text (demo->status, text);
  return G_SOURCE_CONTINUE;
}

/* ---- --test: drive the window, check the picture ------------------------- */

/* The mean of red, green and blue over the frame shown, 0 to 255. */
static double
demo_brightness (GdkPaintable *paintable)
{
  g_autoptr(GdkPaintable) image = gdk_paintable_get_current_image (paintable);
  g_autofree guint32 *pixels = NULL;
  GdkTexture *texture;
  int width, height;
  guint64 sum = 0;

  if (!GDK_IS_TEXTURE (image))
    return 0;
  texture = GDK_TEXTURE (image);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_new (guint32, (gsize) width * height);
  /* Native-endian premultiplied ARGB, 4 bytes a pixel. */
  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);

  for (gsize i = 0; i < (gsize) width * height; i++)
    sum += ((pixels[i] >> 16) & 0xff) + ((pixels[i] >> 8) & 0xff) + (pixels[i] & 0xff);

  return (double) sum / (3.0 * width * height);
}

static void
demo_next_step (Demo *demo)
{
  demo->step++;
  demo->step_shown = demo_shown (demo);
  g_print ("streamlib-gtk-demo: %s (%" G_GINT64_FORMAT " frames drawn)\n",
           step_names[demo->step], demo->step_shown);

  switch (demo->step)
    {
    case STEP_ROTATED:
      gtk_toggle_button_set_active (demo->rotate, TRUE);
      break;
    case STEP_PATTERN:
      gtk_spin_button_set_value (demo->rate, 60);
      gtk_drop_down_set_selected (demo->pattern, 1);   /* smpte */
      break;
    case STEP_UNROTATED:
      gtk_toggle_button_set_active (demo->rotate, FALSE);
      break;
    case STEP_DONE:
      demo_quit (demo, 0);
      break;
    case STEP_FIRST_FRAMES:
    default:
      g_assert_not_reached ();
    }
}

/* Runs on every frame GTK draws. */
static gboolean
test_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  Demo *demo = user_data;
  GdkPaintable *paintable = gtk_picture_get_paintable (demo->picture);
  int width, height;
  gboolean reached = FALSE;

  if (demo->step == STEP_DONE)
    return G_SOURCE_REMOVE;
  if (paintable == NULL || demo_shown (demo) < demo->step_shown + TEST_FRAMES)
    return G_SOURCE_CONTINUE;

  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);

  switch (demo->step)
    {
    case STEP_FIRST_FRAMES:
    case STEP_UNROTATED:
      reached = width > height && height > 0;
      break;
    case STEP_ROTATED:
      reached = height > width && width > 0;
      break;
    case STEP_PATTERN:
      /* The ball is a small white disc on black; the bars fill the frame. */
      reached = demo_brightness (paintable) > 80;
      break;
    case STEP_DONE:
    default:
      break;
    }

  if (reached)
    demo_next_step (demo);
  return G_SOURCE_CONTINUE;
}

static gboolean
test_timeout (gpointer user_data)
{
  Demo *demo = user_data;
  gint64 received = 0;

  demo->timeout_id = 0;
  if (demo->sink != NULL)
    g_object_get (demo->sink, "received", &received, NULL);
  demo_fail (demo, "timed out after %d s, %s (%" G_GINT64_FORMAT " frames received, %" G_GINT64_FORMAT " drawn)",
             demo->timeout, step_names[demo->step], received, demo_shown (demo));
  return G_SOURCE_REMOVE;
}

/* ---- the window ---------------------------------------------------------- */

static gboolean
demo_build_graph (Demo    *demo,
                  GError **error)
{
  g_autofree char *source = NULL;
  g_autofree char *sink = NULL;

  /* Edits wait for sl_runtime_commit(): an insertion or a removal is then one
   * delta, applied between two frames. */
  sl_runtime_set_commit_mode (demo->runtime, SL_COMMIT_MANUAL);

  source = sl_runtime_add (demo->runtime, "video-test-source", SOURCE, error);
  if (source == NULL ||
      !sl_runtime_set_from_string (demo->runtime, SOURCE, "pattern", "ball", error) ||
      /* What paintable-sink takes: no converter needed. */
      !sl_runtime_set_from_string (demo->runtime, SOURCE, "format", "RGBA", error))
    return FALSE;

  sink = sl_runtime_add (demo->runtime, "paintable-sink", SINK, error);
  if (sink == NULL)
    return FALSE;

  demo->direct_link = sl_runtime_link (demo->runtime, SOURCE, SINK, error);
  if (demo->direct_link == NULL)
    return FALSE;

  return sl_runtime_start (demo->runtime, error);
}

static void
on_activate (GtkApplication *app,
             Demo           *demo)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *box, *controls, *picture, *rotate, *pattern, *rate, *status;

  if (demo->runtime != NULL)
    {
      gtk_window_present (gtk_application_get_active_window (app));
      return;
    }

  window = gtk_application_window_new (app);
  gtk_window_set_title (GTK_WINDOW (window), "streamlib GTK demo");
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 420);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_window_set_child (GTK_WINDOW (window), box);

  picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_vexpand (picture, TRUE);
  gtk_widget_set_size_request (picture, 160, 160);
  gtk_box_append (GTK_BOX (box), picture);

  controls = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (controls, 12);
  gtk_widget_set_margin_end (controls, 12);
  gtk_box_append (GTK_BOX (box), controls);

  rotate = gtk_toggle_button_new_with_label ("Rotate");
  gtk_widget_set_tooltip_text (rotate, "Insert a gst-filter “" EFFECT_DESCRIPTION "” into the running graph");
  gtk_box_append (GTK_BOX (controls), rotate);

  gtk_box_append (GTK_BOX (controls), gtk_label_new ("Pattern"));
  pattern = gtk_drop_down_new_from_strings ((const char * const *) patterns);
  gtk_box_append (GTK_BOX (controls), pattern);

  gtk_box_append (GTK_BOX (controls), gtk_label_new ("Frames per second"));
  rate = gtk_spin_button_new_with_range (1, 60, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (rate), 30);
  gtk_box_append (GTK_BOX (controls), rate);

  status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_label_set_ellipsize (GTK_LABEL (status), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (status, 12);
  gtk_widget_set_margin_end (status, 12);
  gtk_widget_set_margin_bottom (status, 6);
  gtk_box_append (GTK_BOX (box), status);

  demo->picture = GTK_PICTURE (picture);
  demo->rotate = GTK_TOGGLE_BUTTON (rotate);
  demo->pattern = GTK_DROP_DOWN (pattern);
  demo->rate = GTK_SPIN_BUTTON (rate);
  demo->status = GTK_LABEL (status);

  /* Created here, on GTK's main thread: its main context is GTK's, where
   * paintable-sink runs and where the runtime's signals arrive. */
  demo->runtime = sl_runtime_new ();
  g_signal_connect (demo->runtime, "processor-state-changed",
                    G_CALLBACK (on_processor_state_changed), demo);
  g_signal_connect (demo->runtime, "error", G_CALLBACK (on_runtime_error), demo);

  g_signal_connect (rotate, "toggled", G_CALLBACK (on_rotate_toggled), demo);
  g_signal_connect (pattern, "notify::selected", G_CALLBACK (on_pattern_selected), demo);
  g_signal_connect (rate, "value-changed", G_CALLBACK (on_rate_changed), demo);
  demo->status_id = g_timeout_add_seconds (1, update_status, demo);

  gtk_window_present (GTK_WINDOW (window));

  if (!demo_build_graph (demo, &error))
    demo_fail (demo, "Cannot run the graph: %s", error->message);

  if (demo->test)
    {
      gtk_widget_add_tick_callback (picture, test_tick, demo, NULL);
      demo->timeout_id = g_timeout_add_seconds (demo->timeout, test_timeout, demo);
      g_print ("streamlib-gtk-demo: %s\n", step_names[demo->step]);
    }
}

static void
on_shutdown (GtkApplication *app,
             Demo           *demo)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&demo->status_id, g_source_remove);
  g_clear_handle_id (&demo->timeout_id, g_source_remove);
  if (demo->runtime != NULL && !sl_runtime_stop (demo->runtime, SL_STOP_IMMEDIATE, &error))
    g_printerr ("streamlib-gtk-demo: cannot stop: %s\n", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— a live streamlib graph in a GTK window");
  g_autoptr(GError) error = NULL;
  Demo demo = { .timeout = 30 };
  const GOptionEntry entries[] = {
    { "test", 0, 0, G_OPTION_ARG_NONE, &demo.test,
      "Run unattended: rotate, change the pattern, un-rotate; exit 0 once each showed, 1 otherwise", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &demo.timeout,
      "Seconds --test waits at most (default 30)", "SECONDS" },
    { NULL }
  };
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("streamlib-gtk-demo: %s\n", error->message);
      return 2;
    }

  demo.app = gtk_application_new ("org.streamlib.GtkDemo", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (demo.app, "activate", G_CALLBACK (on_activate), &demo);
  g_signal_connect (demo.app, "shutdown", G_CALLBACK (on_shutdown), &demo);

  status = g_application_run (G_APPLICATION (demo.app), 1, argv);

  g_clear_object (&demo.sink);
  g_clear_object (&demo.runtime);
  g_clear_object (&demo.app);
  g_free (demo.direct_link);

  if (demo.test && demo.step != STEP_DONE && demo.exit_status == 0)
    {
      g_printerr ("streamlib-gtk-demo: the window closed before the test ended\n");
      demo.exit_status = 1;
    }
  return status != 0 ? status : demo.exit_status;
}
