/* test-media-sources.c: the GStreamer sources and file-sink with real media,
 * read back with GStreamer alone (discoverer, decoding)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "media-util.h"

#define N_FRAMES 30

/* video-test-source num-frames=30 → file-sink out.webm; drain. */
static void
write_test_video (MediaFixture *fixture,
                  const char   *path)
{
  g_autofree char *link = NULL;

  media_add (fixture, "video-test-source", "src",
             "pattern", "ball", "width", "320", "height", "240", "framerate", "30",
             "num-frames", G_STRINGIFY (N_FRAMES), "is-live", "false", NULL);
  media_add (fixture, "file-sink", "file", "location", path, NULL);
  link = media_link (fixture, "src", "file.video", TRUE);
  g_assert_cmpstr (link, ==, "src.out->file.video");

  media_start (fixture);
  media_wait_pushed (fixture, link, N_FRAMES);
  media_drain (fixture);
  media_assert_no_errors (fixture);
}

static void
test_video_to_webm (MediaFixture  *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = media_path (fixture, "out.webm");
  g_autoptr(SlLinkStats) stats = NULL;
  MediaInfo info;

  write_test_video (fixture, path);

  stats = sl_runtime_get_link_stats (fixture->runtime, "src.out->file.video", NULL);
  g_assert_nonnull (stats);
  g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==, N_FRAMES);
  g_assert_cmpuint (sl_link_stats_get_popped (stats), ==, N_FRAMES);
  g_assert_cmpuint (sl_link_stats_get_dropped (stats), ==, 0);

  media_discover (path, &info);
  g_assert_cmpstr (info.container, ==, "video/webm");
  g_assert_cmpuint (info.n_video, ==, 1);
  g_assert_cmpuint (info.n_audio, ==, 0);
  g_assert_cmpstr (info.video_caps, ==, "video/x-vp8");
  g_assert_cmpint (info.width, ==, 320);
  g_assert_cmpint (info.height, ==, 240);
  /* 30 frames at 30 fps. */
  g_assert_cmpuint (info.duration, >, 0);
  g_assert_cmpuint (info.duration, >=, 900 * GST_MSECOND);
  g_assert_cmpuint (info.duration, <=, 1100 * GST_MSECOND);
  media_info_clear (&info);

  g_assert_cmpuint (media_count_video_frames (path), ==, N_FRAMES);
}

static void
on_eos (SlRuntime *runtime,
        gpointer   user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

/* No drain: the source ends by itself, end-of-stream goes through the
 * encoder to the file, the runtime says so (eos), and stopping then finalises
 * the file. */
static void
test_end_of_stream_then_stop (MediaFixture  *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = media_path (fixture, "eos.webm");
  gboolean eos = FALSE;
  MediaInfo info;

  media_add (fixture, "video-test-source", "src",
             "num-frames", "12", "is-live", "false", "width", "128", "height", "96", NULL);
  media_add (fixture, "vp8-encoder", "enc", NULL);
  media_add (fixture, "file-sink", "file", "location", path, NULL);
  g_free (media_link (fixture, "src", "enc", TRUE));
  g_free (media_link (fixture, "enc", "file.video", TRUE));
  g_signal_connect (fixture->runtime, "eos", G_CALLBACK (on_eos), &eos);

  media_start (fixture);
  media_wait (flag_set, &eos, "the runtime's eos signal");
  media_drain (fixture);
  media_assert_no_errors (fixture);

  media_discover (path, &info);
  g_assert_cmpint (info.width, ==, 128);
  g_assert_cmpint (info.height, ==, 96);
  media_info_clear (&info);
  g_assert_cmpuint (media_count_video_frames (path), ==, 12);
}

/* Raw video and raw audio into Matroska: file-sink encodes both. */
static void
test_video_and_audio_to_mkv (MediaFixture  *fixture,
                             gconstpointer  data)
{
  g_autofree char *path = media_path (fixture, "av.mkv");
  g_autofree char *video = NULL;
  g_autofree char *audio = NULL;
  MediaInfo info;

  media_add (fixture, "video-test-source", "vsrc",
             "width", "160", "height", "120", "num-frames", "20", "is-live", "false", NULL);
  /* 50 × 20 ms = 1 s of stereo sine at 48 kHz. */
  media_add (fixture, "audio-test-source", "asrc",
             "wave", "sine", "freq", "880", "num-buffers", "50", "is-live", "false", NULL);
  media_add (fixture, "file-sink", "file", "location", path, NULL);
  video = media_link (fixture, "vsrc", "file.video", TRUE);
  audio = media_link (fixture, "asrc", "file.audio", TRUE);

  media_start (fixture);
  media_wait_pushed (fixture, video, 20);
  media_wait_pushed (fixture, audio, 50);
  media_drain (fixture);
  media_assert_no_errors (fixture);

  media_discover (path, &info);
  g_assert_cmpstr (info.container, ==, "video/x-matroska");
  g_assert_cmpuint (info.n_video, ==, 1);
  g_assert_cmpint (info.width, ==, 160);
  g_assert_cmpint (info.height, ==, 120);
  g_assert_cmpuint (info.n_audio, ==, 1);
  g_assert_cmpuint (info.channels, ==, 2);
  g_assert_cmpuint (info.rate, ==, 48000);
  g_assert_cmpuint (info.duration, >=, 600 * GST_MSECOND);
  media_info_clear (&info);

  g_assert_cmpuint (media_count_video_frames (path), ==, 20);
}

/* audio-test-source → opus-encoder → file-sink .webm (already encoded:
 * muxed as it is). */
static void
test_audio_opus_to_webm (MediaFixture  *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = media_path (fixture, "audio.webm");
  g_autofree char *l1 = NULL, *l2 = NULL;
  MediaInfo info;

  media_add (fixture, "audio-test-source", "src",
             "wave", "ticks", "num-buffers", "50", "is-live", "false", "channels", "1", NULL);
  media_add (fixture, "opus-encoder", "enc", "bitrate", "32", NULL);
  media_add (fixture, "file-sink", "file", "location", path, NULL);
  l1 = media_link (fixture, "src", "enc", TRUE);
  l2 = media_link (fixture, "enc", "file.audio", TRUE);

  media_start (fixture);
  media_wait_pushed (fixture, l1, 50);
  media_drain (fixture);
  media_assert_no_errors (fixture);

  media_discover (path, &info);
  g_assert_cmpstr (info.container, ==, "audio/webm");
  g_assert_cmpuint (info.n_video, ==, 0);
  g_assert_cmpuint (info.n_audio, ==, 1);
  g_assert_cmpstr (info.audio_caps, ==, "audio/x-opus");
  g_assert_cmpuint (info.channels, ==, 1);
  g_assert_cmpuint (info.duration, >=, 900 * GST_MSECOND);
  g_assert_cmpuint (info.duration, <=, 1200 * GST_MSECOND);
  media_info_clear (&info);
}

typedef struct
{
  MediaFixture *fixture;
  gint64        frames;
} WaitFrames;

static gboolean
received_reached (gpointer user_data)
{
  WaitFrames *wait = user_data;

  return media_get_int64 (wait->fixture, "sink", "received") >= wait->frames;
}

/* A file written by file-sink, played back by uri-source. */
static void
test_uri_source_reads_back (MediaFixture  *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = media_path (fixture, "out.webm");
  g_autofree char *link = NULL;
  g_autoptr(SlProcessor) sink = NULL;
  g_autoptr(GstSample) sample = NULL;
  WaitFrames wait = { fixture, N_FRAMES };
  GstStructure *structure;
  gint width = 0, height = 0;

  write_test_video (fixture, path);

  /* The same runtime, a new graph: remove the writer, add a reader. */
  g_assert_true (sl_runtime_remove (fixture->runtime, "src", NULL));
  g_assert_true (sl_runtime_remove (fixture->runtime, "file", NULL));
  media_add (fixture, "uri-source", "play", "uri", path, NULL);
  media_add (fixture, "app-sink", "sink", "emit-signals", "false", "max-queued", "0", NULL);
  link = media_link (fixture, "play.video", "sink", TRUE);

  media_start (fixture);
  media_wait (received_reached, &wait, "30 frames at the app-sink");
  media_drain (fixture);
  media_assert_no_errors (fixture);

  {
    g_autoptr(SlLinkStats) stats = sl_runtime_get_link_stats (fixture->runtime, link, NULL);

    g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==, N_FRAMES);
  }

  /* The raw frames have the size that was written. Read one through a new
   * run of an app-sink fed by the same file. */
  media_start (fixture);
  media_wait (received_reached, &wait, "30 frames at the app-sink (second run)");
  sink = sl_runtime_get_processor (fixture->runtime, "sink");
  g_signal_emit_by_name (sink, "pull-sample", &sample);
  g_assert_nonnull (sample);
  structure = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  g_assert_true (gst_structure_has_name (structure, "video/x-raw"));
  g_assert_true (gst_structure_get_int (structure, "width", &width));
  g_assert_true (gst_structure_get_int (structure, "height", &height));
  g_assert_cmpint (width, ==, 320);
  g_assert_cmpint (height, ==, 240);
  media_drain (fixture);
  media_assert_no_errors (fixture);
}

static void
test_uri_source_missing_file (MediaFixture  *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = media_path (fixture, "no-such-file.webm");
  g_autofree char *link = NULL;
  const char *message;

  media_add (fixture, "uri-source", "play", "uri", path, NULL);
  media_add (fixture, "null-sink", "sink", NULL);
  link = media_link (fixture, "play.video", "sink", FALSE);

  media_start (fixture);
  media_wait_state (fixture, "play", SL_PROCESSOR_STATE_FAILED);
  message = media_wait_error (fixture, "play");
  g_test_message ("error: %s", message);
  g_assert_nonnull (strstr (message, "setup"));
  g_assert_nonnull (strstr (message, path));
  g_assert_nonnull (strstr (message, "no such file"));

  /* The rest of the graph keeps going and drains. */
  media_stop (fixture);
}

/* A URI that is not a URI is refused when it is set, graph unchanged. */
static void
test_uri_source_bad_uri (MediaFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlGraph) graph = NULL;
  GValue value = G_VALUE_INIT;

  media_add (fixture, "uri-source", "play", NULL);
  g_assert_false (sl_runtime_set_from_string (fixture->runtime, "play", "uri", "relative/path.webm", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "relative/path.webm"));
  graph = sl_runtime_get_graph (fixture->runtime);
  g_assert_true (sl_graph_get_node_property (graph, "play", "uri", &value, NULL));
  g_assert_null (g_value_get_string (&value));
  g_value_unset (&value);
}

static void
test_camera_without_camera (MediaFixture  *fixture,
                            gconstpointer  data)
{
  const char *message;

  if (g_file_test ("/dev/video0", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("this machine has a camera (/dev/video0): the no-camera error cannot be tested");
      return;
    }

  media_add (fixture, "camera", "cam", NULL);
  media_add (fixture, "null-sink", "sink", NULL);
  g_free (media_link (fixture, "cam", "sink", FALSE));

  media_start (fixture);
  media_wait_state (fixture, "cam", SL_PROCESSOR_STATE_FAILED);
  message = media_wait_error (fixture, "cam");
  g_test_message ("error: %s", message);
  g_assert_nonnull (strstr (message, "No camera found"));
  g_assert_cmpint (sl_runtime_get_processor_state (fixture->runtime, "sink"), !=, SL_PROCESSOR_STATE_FAILED);
  media_stop (fixture);
}

static void
test_camera_bad_device (MediaFixture  *fixture,
                        gconstpointer  data)
{
  g_autofree char *device = media_path (fixture, "video99");
  const char *message;

  media_add (fixture, "camera", "cam", "device", device, NULL);
  media_add (fixture, "null-sink", "sink", NULL);
  g_free (media_link (fixture, "cam", "sink", FALSE));

  media_start (fixture);
  media_wait_state (fixture, "cam", SL_PROCESSOR_STATE_FAILED);
  message = media_wait_error (fixture, "cam");
  g_test_message ("error: %s", message);
  g_assert_nonnull (strstr (message, device));
  media_stop (fixture);
}

static void
test_file_sink_bad_location (MediaFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing_dir = media_path (fixture, "no-such-dir/out.webm");
  const char *message;

  media_add (fixture, "file-sink", "file", NULL);

  /* An extension that names no container: refused when set. */
  g_assert_false (sl_runtime_set_from_string (fixture->runtime, "file", "location", "/tmp/out.avi", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "/tmp/out.avi"));
  g_clear_error (&error);

  /* A folder that does not exist: setup fails, naming it. */
  media_add (fixture, "video-test-source", "src", "num-frames", "5", "is-live", "false", NULL);
  sl_runtime_set_from_string (fixture->runtime, "file", "location", missing_dir, &error);
  g_assert_no_error (error);
  g_free (media_link (fixture, "src", "file.video", FALSE));

  media_start (fixture);
  media_wait_state (fixture, "file", SL_PROCESSOR_STATE_FAILED);
  message = media_wait_error (fixture, "file");
  g_test_message ("error: %s", message);
  g_assert_nonnull (strstr (message, "does not exist"));
  g_assert_nonnull (strstr (message, missing_dir));
  media_stop (fixture);
}

/* Things refused when they are set: the graph is unchanged. */
static void
test_source_bad_properties (MediaFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlGraph) graph = NULL;
  GValue value = G_VALUE_INIT;

  media_add (fixture, "video-test-source", "src", "pattern", "ball", NULL);
  g_assert_false (sl_runtime_set_from_string (fixture->runtime, "src", "pattern", "zigzag", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "zigzag"));
  g_clear_error (&error);
  g_assert_false (sl_runtime_set_from_string (fixture->runtime, "src", "framerate", "fast", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_clear_error (&error);
  g_assert_false (sl_runtime_set_from_string (fixture->runtime, "src", "format", "NOPE", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_clear_error (&error);

  graph = sl_runtime_get_graph (fixture->runtime);
  g_assert_true (sl_graph_get_node_property (graph, "src", "pattern", &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, "ball");
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (graph, "src", "framerate", &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, "30/1");
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (graph, "src", "format", &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, "I420");
  g_value_unset (&value);

  /* Nicks, names and numbers of videotestsrc's enum are all accepted. */
  sl_runtime_set_from_string (fixture->runtime, "src", "pattern", "smpte", &error);
  g_assert_no_error (error);
  sl_runtime_set_from_string (fixture->runtime, "src", "framerate", "30000/1001", &error);
  g_assert_no_error (error);

  media_add (fixture, "audio-test-source", "asrc", NULL);
  g_assert_false (sl_runtime_set_from_string (fixture->runtime, "asrc", "wave", "squiggle", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

#define ADD(path, func) \
  g_test_add ("/media/" path, MediaFixture, NULL, media_fixture_setup, func, media_fixture_teardown)

  ADD ("video-test-source/to-webm", test_video_to_webm);
  ADD ("file-sink/video-and-audio-to-mkv", test_video_and_audio_to_mkv);
  ADD ("file-sink/end-of-stream-then-stop", test_end_of_stream_then_stop);
  ADD ("file-sink/bad-location", test_file_sink_bad_location);
  ADD ("audio-test-source/opus-to-webm", test_audio_opus_to_webm);
  ADD ("sources/bad-properties", test_source_bad_properties);
  ADD ("uri-source/reads-back", test_uri_source_reads_back);
  ADD ("uri-source/missing-file", test_uri_source_missing_file);
  ADD ("uri-source/bad-uri", test_uri_source_bad_uri);
  ADD ("camera/no-camera", test_camera_without_camera);
  ADD ("camera/bad-device", test_camera_bad_device);

  return g_test_run ();
}
