/* test-media-filters.c: gst-filter, encoders and decoders, display and
 * audio-sink with real media
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "media-util.h"

typedef struct
{
  MediaFixture *fixture;
  const char   *id;
  const char   *property;
  gint64        at_least;
} WaitInt64;

static gboolean
int64_reached (gpointer user_data)
{
  WaitInt64 *wait = user_data;

  return media_get_int64 (wait->fixture, wait->id, wait->property) >= wait->at_least;
}

static void
wait_int64 (MediaFixture *fixture,
            const char   *id,
            const char   *property,
            gint64        at_least)
{
  WaitInt64 wait = { fixture, id, property, at_least };
  g_autofree char *what = g_strdup_printf ("%s:%s >= %" G_GINT64_FORMAT, id, property, at_least);

  media_wait (int64_reached, &wait, what);
}

/* Pulls every frame queued at app-sink @id; checks each one's caps. */
static guint
pull_all (MediaFixture *fixture,
          const char   *id,
          const char   *media,
          gint          width,
          gint          height)
{
  g_autoptr(SlProcessor) sink = sl_runtime_get_processor (fixture->runtime, id);
  guint n = 0;

  g_assert_nonnull (sink);
  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      GstStructure *structure;
      gint w = 0, h = 0;

      g_signal_emit_by_name (sink, "pull-sample", &sample);
      if (sample == NULL)
        break;
      n++;
      structure = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
      g_assert_cmpstr (gst_structure_get_name (structure), ==, media);
      if (width > 0)
        {
          g_assert_true (gst_structure_get_int (structure, "width", &w));
          g_assert_true (gst_structure_get_int (structure, "height", &h));
          g_assert_cmpint (w, ==, width);
          g_assert_cmpint (h, ==, height);
        }
    }

  return n;
}

/* 320x240 → videoflip clockwise → 240x320, every frame. */
static void
test_gst_filter_flip (MediaFixture  *fixture,
                      gconstpointer  data)
{
  g_autofree char *l1 = NULL, *l2 = NULL;

  media_add (fixture, "video-test-source", "src",
             "width", "320", "height", "240", "num-frames", "10", "is-live", "false", NULL);
  media_add (fixture, "gst-filter", "flip",
             "description", "videoconvert ! videoflip video-direction=90r", NULL);
  media_add (fixture, "app-sink", "sink", "emit-signals", "false", "max-queued", "0", NULL);
  l1 = media_link (fixture, "src", "flip", TRUE);
  l2 = media_link (fixture, "flip", "sink", TRUE);

  media_start (fixture);
  wait_int64 (fixture, "sink", "received", 10);
  g_assert_cmpint (media_get_int64 (fixture, "flip", "frames-in"), ==, 10);
  g_assert_cmpint (media_get_int64 (fixture, "flip", "frames-out"), ==, 10);
  g_assert_cmpuint (pull_all (fixture, "sink", "video/x-raw", 240, 320), ==, 10);
  media_drain (fixture);
  media_assert_no_errors (fixture);
}

/* A bin with a thread of its own (a queue): its output arrives on that
 * thread and still reaches the output, every frame. */
static void
test_gst_filter_with_queue (MediaFixture  *fixture,
                            gconstpointer  data)
{
  g_autofree char *l1 = NULL, *l2 = NULL;

  media_add (fixture, "video-test-source", "src",
             "width", "320", "height", "240", "num-frames", "20", "is-live", "false", NULL);
  media_add (fixture, "gst-filter", "flip",
             "description", "queue ! videoconvert ! videoflip video-direction=90r", NULL);
  media_add (fixture, "app-sink", "sink", "emit-signals", "false", "max-queued", "0", NULL);
  l1 = media_link (fixture, "src", "flip", TRUE);
  l2 = media_link (fixture, "flip", "sink", TRUE);

  media_start (fixture);
  wait_int64 (fixture, "sink", "received", 20);
  g_assert_cmpuint (pull_all (fixture, "sink", "video/x-raw", 240, 320), ==, 20);
  media_drain (fixture);
  media_assert_no_errors (fixture);
}

/* Changing the description while running swaps the bin between frames. */
static void
test_gst_filter_live_change (MediaFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *l1 = NULL, *l2 = NULL;
  g_autoptr(SlProcessor) sink = NULL;
  gint64 before;
  gboolean saw_scaled = FALSE;

  media_add (fixture, "video-test-source", "src",
             "width", "320", "height", "240", "is-live", "true", "framerate", "100", NULL);
  media_add (fixture, "gst-filter", "filter", "description", "videoconvert", NULL);
  media_add (fixture, "app-sink", "sink", "emit-signals", "false", "max-queued", "0", NULL);
  l1 = media_link (fixture, "src", "filter", FALSE);
  l2 = media_link (fixture, "filter", "sink", FALSE);

  media_start (fixture);
  wait_int64 (fixture, "sink", "received", 3);
  g_assert_cmpuint (pull_all (fixture, "sink", "video/x-raw", 320, 240), >=, 3);

  sl_runtime_set_from_string (fixture->runtime, "filter", "description",
                              "videoscale ! capsfilter caps=video/x-raw,width=64,height=48", &error);
  g_assert_no_error (error);
  before = media_get_int64 (fixture, "sink", "received");
  wait_int64 (fixture, "sink", "received", before + 5);

  sink = sl_runtime_get_processor (fixture->runtime, "sink");
  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      gint w = 0;

      g_signal_emit_by_name (sink, "pull-sample", &sample);
      if (sample == NULL)
        break;
      gst_structure_get_int (gst_caps_get_structure (gst_sample_get_caps (sample), 0), "width", &w);
      if (w == 64)
        saw_scaled = TRUE;
      else
        g_assert_false (saw_scaled);   /* never back to the old bin */
    }
  g_assert_true (saw_scaled);

  media_drain (fixture);
  media_assert_no_errors (fixture);
}

/* A bad bin description is refused when it is set, naming it; the graph is
 * unchanged. */
static void
test_gst_filter_bad_description (MediaFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlGraph) graph = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GValue value = G_VALUE_INIT;
  const char *bad[] = {
    "videoconvert ! nosuchelement",
    "videoconvert ! ! videoflip",
    "videotestsrc",                        /* no input */
    "videoconvert ! fakesink",             /* no output */
    "videoconvert ! audioconvert",         /* cannot link */
  };
  /* The error says why, in GStreamer's words or the filter's. */
  const char *reasons[] = {
    "no element \"nosuchelement\"",
    "syntax error",
    "no unlinked sink (input) pad",
    "no unlinked source (output) pad",
    "could not link",
  };

  media_add (fixture, "gst-filter", "f", "description", "videoconvert", NULL);
  graph = sl_runtime_get_graph (fixture->runtime);
  before = sl_graph_to_json (graph);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (sl_runtime_set_from_string (fixture->runtime, "f", "description", bad[i], &error));
      g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
      g_test_message ("%s → %s", bad[i], error->message);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_assert_nonnull (strstr (error->message, "description"));
      g_assert_nonnull (strstr (error->message, reasons[i]));
      g_clear_error (&error);
    }

  /* Through a GValue too. */
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, "nosuchelement");
  g_assert_false (sl_runtime_set (fixture->runtime, "f", "description", &value, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "nosuchelement"));
  g_value_unset (&value);
  g_clear_error (&error);

  after = sl_graph_to_json (graph);
  g_assert_cmpstr (before, ==, after);
  g_assert_true (sl_graph_get_node_property (graph, "f", "description", &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, "videoconvert");
  g_value_unset (&value);
}

/* The same through a launch line and a JSON graph: refused as a whole, the
 * graph as it was. */
static void
test_gst_filter_bad_description_launch_and_json (MediaFixture  *fixture,
                                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlGraph) graph = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *json =
    "{ \"nodes\": [ { \"id\": \"f\", \"factory\": \"gst-filter\","
    "               \"properties\": { \"description\": \"videoconvert ! nosuchelement\" } } ],"
    "  \"links\": [] }";

  media_add (fixture, "null-sink", "existing", NULL);
  graph = sl_runtime_get_graph (fixture->runtime);
  before = sl_graph_to_json (graph);

  g_assert_false (sl_runtime_parse_launch (fixture->runtime,
                                           "video-test-source ! gst-filter description=\"videoconvert ! nosuchelement\" ! null-sink",
                                           &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_test_message ("launch: %s", error->message);
  g_assert_nonnull (strstr (error->message, "videoconvert ! nosuchelement"));
  g_clear_error (&error);

  g_assert_false (sl_runtime_load_from_data (fixture->runtime, json, -1, &error));
  g_assert_nonnull (error);
  g_test_message ("json: %s", error->message);
  g_assert_nonnull (strstr (error->message, "videoconvert ! nosuchelement"));
  g_clear_error (&error);

  after = sl_graph_to_json (graph);
  g_assert_cmpstr (before, ==, after);

  /* A good line goes in. */
  g_assert_true (sl_runtime_parse_launch (fixture->runtime,
                                          "video-test-source name=src ! gst-filter name=f description=\"videoconvert ! videoflip video-direction=90r\" ! null-sink",
                                          &error));
  g_assert_no_error (error);
}

/* A description that parses but cannot take the input fails the processor
 * with GStreamer's reason; the rest of the graph drains. */
static void
test_gst_filter_not_negotiated (MediaFixture  *fixture,
                                gconstpointer  data)
{
  g_autofree char *l1 = NULL, *l2 = NULL;
  const char *message;

  media_add (fixture, "video-test-source", "src", "num-frames", "5", "is-live", "false", NULL);
  media_add (fixture, "gst-filter", "f", "description", "audioconvert", NULL);
  media_add (fixture, "app-sink", "sink", NULL);
  l1 = media_link (fixture, "src", "f", FALSE);
  l2 = media_link (fixture, "f", "sink", FALSE);

  media_start (fixture);
  media_wait_state (fixture, "f", SL_PROCESSOR_STATE_FAILED);
  message = media_wait_error (fixture, "f");
  g_test_message ("error: %s", message);
  g_assert_nonnull (strstr (message, "audioconvert"));
  g_assert_nonnull (strstr (message, "video/x-raw"));
  media_drain (fixture);
}

/* A gst-filter with no description fails setup, saying what to set. */
static void
test_gst_filter_no_description (MediaFixture  *fixture,
                                gconstpointer  data)
{
  const char *message;

  media_add (fixture, "video-test-source", "src", "num-frames", "5", "is-live", "false", NULL);
  media_add (fixture, "gst-filter", "f", NULL);
  g_free (media_link (fixture, "src", "f", FALSE));

  media_start (fixture);
  media_wait_state (fixture, "f", SL_PROCESSOR_STATE_FAILED);
  message = media_wait_error (fixture, "f");
  g_assert_nonnull (strstr (message, "description"));
  media_stop (fixture);
}

/* Raw → vp8-encoder → vp8-decoder → raw: every frame, the same size. */
static void
test_vp8_round_trip (MediaFixture  *fixture,
                     gconstpointer  data)
{
  g_autofree char *l1 = NULL, *l2 = NULL, *l3 = NULL;

  media_add (fixture, "video-test-source", "src",
             "width", "176", "height", "144", "num-frames", "15", "is-live", "false", NULL);
  media_add (fixture, "vp8-encoder", "enc", "bitrate", "300", NULL);
  media_add (fixture, "vp8-decoder", "dec", NULL);
  media_add (fixture, "app-sink", "sink", "emit-signals", "false", "max-queued", "0", NULL);
  l1 = media_link (fixture, "src", "enc", TRUE);
  l2 = media_link (fixture, "enc", "dec", TRUE);
  l3 = media_link (fixture, "dec", "sink", TRUE);

  media_start (fixture);
  wait_int64 (fixture, "sink", "received", 15);
  g_assert_cmpint (media_get_int64 (fixture, "enc", "frames-out"), ==, 15);
  g_assert_cmpuint (pull_all (fixture, "sink", "video/x-raw", 176, 144), ==, 15);
  media_drain (fixture);
  media_assert_no_errors (fixture);
}

/* Opus both ways: encoded frames in, raw audio out. */
static void
test_opus_round_trip (MediaFixture  *fixture,
                      gconstpointer  data)
{
  g_autofree char *l1 = NULL, *l2 = NULL, *l3 = NULL;
  g_autoptr(SlLinkStats) stats = NULL;

  media_add (fixture, "audio-test-source", "src", "num-buffers", "25", "is-live", "false", NULL);
  media_add (fixture, "opus-encoder", "enc", NULL);
  media_add (fixture, "opus-decoder", "dec", NULL);
  media_add (fixture, "app-sink", "sink", "emit-signals", "false", "max-queued", "0", NULL);
  l1 = media_link (fixture, "src", "enc", TRUE);
  l2 = media_link (fixture, "enc", "dec", TRUE);
  l3 = media_link (fixture, "dec", "sink", TRUE);

  media_start (fixture);
  media_wait_pushed (fixture, l1, 25);
  media_drain (fixture);
  media_assert_no_errors (fixture);

  /* 25 × 20 ms in; Opus frames are 20 ms too: 25 out, maybe one more for
   * the encoder's look-ahead flushed at the end. */
  stats = sl_runtime_get_link_stats (fixture->runtime, l2, NULL);
  g_assert_cmpuint (sl_link_stats_get_pushed (stats), >=, 25);
  g_assert_cmpuint (sl_link_stats_get_pushed (stats), <=, 27);
  g_clear_pointer (&stats, sl_link_stats_free);
  stats = sl_runtime_get_link_stats (fixture->runtime, l3, NULL);
  g_assert_cmpuint (sl_link_stats_get_pushed (stats), >=, 25);
}

/* H.264 into MP4 (when x264enc is installed), read back. */
static void
test_h264_to_mp4 (MediaFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(SlRegistry) registry = sl_registry_new ();
  g_autofree char *path = media_path (fixture, "out.mp4");
  g_autofree char *l1 = NULL, *l2 = NULL;
  MediaInfo info;

  if (sl_registry_lookup (registry, "h264-encoder") == G_TYPE_INVALID)
    {
      g_test_skip ("x264enc is not installed: no h264-encoder");
      return;
    }

  media_add (fixture, "video-test-source", "src",
             "width", "320", "height", "240", "num-frames", "30", "is-live", "false", NULL);
  media_add (fixture, "h264-encoder", "enc", NULL);
  media_add (fixture, "file-sink", "file", "location", path, NULL);
  l1 = media_link (fixture, "src", "enc", TRUE);
  l2 = media_link (fixture, "enc", "file.video", TRUE);

  media_start (fixture);
  media_wait_pushed (fixture, l1, 30);
  media_drain (fixture);
  media_assert_no_errors (fixture);

  media_discover (path, &info);
  g_assert_cmpstr (info.container, ==, "video/quicktime");
  g_assert_cmpuint (info.n_video, ==, 1);
  g_assert_cmpstr (info.video_caps, ==, "video/x-h264");
  g_assert_cmpint (info.width, ==, 320);
  g_assert_cmpint (info.height, ==, 240);
  g_assert_cmpuint (info.duration, >=, 900 * GST_MSECOND);
  media_info_clear (&info);
  g_assert_cmpuint (media_count_video_frames (path), ==, 30);
}

/* Encoded input the container cannot hold: a clear error. */
static void
test_file_sink_wrong_codec (MediaFixture  *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = media_path (fixture, "vp8.mp4");
  const char *message;

  media_add (fixture, "video-test-source", "src", "num-frames", "5", "is-live", "false", NULL);
  media_add (fixture, "vp8-encoder", "enc", NULL);
  media_add (fixture, "file-sink", "file", "location", path, NULL);
  g_free (media_link (fixture, "src", "enc", TRUE));
  g_free (media_link (fixture, "enc", "file.video", TRUE));

  media_start (fixture);
  media_wait_state (fixture, "file", SL_PROCESSOR_STATE_FAILED);
  message = media_wait_error (fixture, "file");
  g_test_message ("error: %s", message);
  g_assert_nonnull (strstr (message, "MP4"));
  g_assert_nonnull (strstr (message, "video/x-vp8"));
  media_drain (fixture);
}

/* display and audio-sink, with fakesink standing in for the devices. */
static void
test_display_and_audio_sink (MediaFixture  *fixture,
                             gconstpointer  data)
{
  g_autofree char *l1 = NULL, *l2 = NULL;

  media_add (fixture, "video-test-source", "vsrc", "num-frames", "10", "is-live", "false", NULL);
  media_add (fixture, "display", "screen", "sink", "fakesink", NULL);
  media_add (fixture, "audio-test-source", "asrc", "num-buffers", "10", "is-live", "false", NULL);
  media_add (fixture, "audio-sink", "speaker", "sink", "fakesink", "sync", "true", NULL);
  l1 = media_link (fixture, "vsrc", "screen", TRUE);
  l2 = media_link (fixture, "asrc", "speaker", TRUE);

  media_start (fixture);
  wait_int64 (fixture, "screen", "frames", 10);
  wait_int64 (fixture, "speaker", "frames", 10);
  media_drain (fixture);
  media_assert_no_errors (fixture);
}

/* display with its default sink: on a machine without a display it must
 * neither fail nor crash (autovideosink would probe DirectFB and crash). */
static void
test_display_default_sink (MediaFixture  *fixture,
                           gconstpointer  data)
{
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      g_test_skip ("a display is set: the headless default is not used");
      return;
    }

  media_add (fixture, "video-test-source", "vsrc", "num-frames", "5", "is-live", "false", NULL);
  media_add (fixture, "display", "screen", NULL);
  g_free (media_link (fixture, "vsrc", "screen", TRUE));

  media_start (fixture);
  wait_int64 (fixture, "screen", "frames", 5);
  media_drain (fixture);
  media_assert_no_errors (fixture);
}

static void
test_sink_bad_sink (MediaFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  media_add (fixture, "display", "screen", NULL);
  g_assert_false (sl_runtime_set_from_string (fixture->runtime, "screen", "sink", "nosuchsink", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "nosuchsink"));
}

/* sl_param_spec_check_string() gives the same verdict and reason as the
 * graph, without a graph: what a tool or a UI uses to check a value as it is
 * typed. */
static void
test_gst_filter_check_string (MediaFixture  *fixture,
                              gconstpointer  data)
{
  g_autoptr(SlRegistry) registry = sl_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTypeClass) klass = NULL;
  GParamSpec *pspec;
  GType type;

  type = sl_registry_lookup (registry, "gst-filter");
  g_assert_true (g_type_is_a (type, SL_TYPE_PROCESSOR));
  klass = g_type_class_ref (type);
  pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), "description");
  g_assert_nonnull (pspec);
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (pspec, SL_TYPE_PARAM_CHECKED_STRING));

  g_assert_true (sl_param_spec_check_string (pspec, "videoconvert ! videoflip video-direction=90r", &error));
  g_assert_no_error (error);
  g_assert_true (sl_param_spec_check_string (pspec, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (sl_param_spec_check_string (pspec, "videoconvert ! nosuchelement", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "description"));
  g_assert_nonnull (strstr (error->message, "no element \"nosuchelement\""));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

#define ADD(path, func) \
  g_test_add ("/media/" path, MediaFixture, NULL, media_fixture_setup, func, media_fixture_teardown)

  ADD ("gst-filter/flip", test_gst_filter_flip);
  ADD ("gst-filter/with-queue", test_gst_filter_with_queue);
  ADD ("gst-filter/live-change", test_gst_filter_live_change);
  ADD ("gst-filter/bad-description", test_gst_filter_bad_description);
  ADD ("gst-filter/bad-description-launch-and-json", test_gst_filter_bad_description_launch_and_json);
  ADD ("gst-filter/check-string", test_gst_filter_check_string);
  ADD ("gst-filter/not-negotiated", test_gst_filter_not_negotiated);
  ADD ("gst-filter/no-description", test_gst_filter_no_description);
  ADD ("codecs/vp8-round-trip", test_vp8_round_trip);
  ADD ("codecs/opus-round-trip", test_opus_round_trip);
  ADD ("codecs/h264-to-mp4", test_h264_to_mp4);
  ADD ("file-sink/wrong-codec", test_file_sink_wrong_codec);
  ADD ("sinks/display-and-audio-sink", test_display_and_audio_sink);
  ADD ("sinks/display-default-sink", test_display_default_sink);
  ADD ("sinks/bad-sink", test_sink_bad_sink);

  return g_test_run ();
}
