/* test-webrtc-loop.c: whip-sink → endpoint (whip-ingest → whep-serve) → whep-source
 *
 * Two runtimes in one process, as two programs would be:
 *
 *   server: whip-ingest "in" ─┬─ video ─→ whep-serve "tv" ←─ audio ─┬─ "in"
 *                             └─ app-sinks (what was ingested)       │
 *           and an endpoint on 127.0.0.1 (a free port)
 *   client: video-test-source + audio-test-source → whip-sink "pub"  (POST /whip/in)
 *           whep-source "play" (POST /whep/tv) → app-sinks           (what was played)
 *
 * Media flows on both legs: decoded frames are counted and their caps
 * checked where they leave whip-ingest and where they leave whep-source.
 * Removing the publisher makes whip-sink DELETE its session, and the
 * endpoint frees it (session-closed, n-sessions, whip-ingest no longer
 * publishing); likewise for the viewer. Loopback only; every wait is
 * bounded.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <gst/gst.h>
#include "webrtc-test-util.h"

typedef struct
{
  SlRuntime        *server;
  SlRuntime        *client;
  SlWebrtcEndpoint *endpoint;
  GPtrArray        *opened;    /* "kind node" */
  GPtrArray        *closed;
  GPtrArray        *errors;
} Loop;

static void
on_opened (SlWebrtcEndpoint *endpoint,
           const char       *kind,
           const char       *node,
           const char       *session,
           Loop             *loop)
{
  g_test_message ("session opened: %s %s %s", kind, node, session);
  g_ptr_array_add (loop->opened, g_strdup_printf ("%s %s", kind, node));
}

static void
on_closed (SlWebrtcEndpoint *endpoint,
           const char       *kind,
           const char       *node,
           const char       *session,
           Loop             *loop)
{
  g_test_message ("session closed: %s %s %s", kind, node, session);
  g_ptr_array_add (loop->closed, g_strdup_printf ("%s %s", kind, node));
}

static void
add_app_sink (SlRuntime  *runtime,
              const char *id,
              const char *source)
{
  webrtc_test_add (runtime, "app-sink", id, "emit-signals", "false", "max-queued", "8", NULL);
  webrtc_test_link (runtime, source, id);
}

typedef struct
{
  SlRuntime  *runtime;
  const char *id;
  const char *property;
  gint64      at_least;
} Int64Goal;

static gint64
get_int64 (SlRuntime  *runtime,
           const char *id,
           const char *property)
{
  g_autoptr(SlProcessor) processor = sl_runtime_get_processor (runtime, id);
  gint64 value = 0;

  g_assert_nonnull (processor);
  g_object_get (processor, property, &value, NULL);
  return value;
}

static gboolean
int64_reached (gpointer user_data)
{
  Int64Goal *goal = user_data;

  return get_int64 (goal->runtime, goal->id, goal->property) >= goal->at_least;
}

static void
wait_int64 (SlRuntime  *runtime,
            const char *id,
            const char *property,
            gint64      at_least)
{
  Int64Goal goal = { runtime, id, property, at_least };
  g_autofree char *what = g_strdup_printf ("%s:%s >= %" G_GINT64_FORMAT, id, property, at_least);

  webrtc_test_wait_for (int64_reached, &goal, what);
}

/* The caps of the frame the app-sink @id holds; checks its media type and,
 * for video, its size, for audio, its rate and channels. */
static void
assert_pulled_caps (SlRuntime  *runtime,
                    const char *id,
                    const char *media,
                    gint        first,
                    gint        second)
{
  g_autoptr(SlProcessor) sink = sl_runtime_get_processor (runtime, id);
  g_autoptr(GstSample) sample = NULL;
  GstStructure *structure;
  gint a = 0, b = 0;

  g_assert_nonnull (sink);
  g_signal_emit_by_name (sink, "pull-sample", &sample);
  g_assert_nonnull (sample);
  g_assert_nonnull (gst_sample_get_buffer (sample));
  g_assert_cmpuint (gst_buffer_get_size (gst_sample_get_buffer (sample)), >, 0);
  structure = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  g_test_message ("%s: %s", id, gst_structure_to_string (structure));
  g_assert_cmpstr (gst_structure_get_name (structure), ==, media);
  if (strcmp (media, "video/x-raw") == 0)
    {
      g_assert_true (gst_structure_get_int (structure, "width", &a));
      g_assert_true (gst_structure_get_int (structure, "height", &b));
    }
  else
    {
      g_assert_true (gst_structure_get_int (structure, "rate", &a));
      g_assert_true (gst_structure_get_int (structure, "channels", &b));
    }
  g_assert_cmpint (a, ==, first);
  g_assert_cmpint (b, ==, second);
}

static gboolean
ingest_idle (gpointer user_data)
{
  g_autoptr(SlProcessor) ingest = sl_runtime_get_processor (user_data, "in");
  gboolean publishing = TRUE;

  g_object_get (ingest, "publishing", &publishing, NULL);
  return !publishing;
}

static void
test_loop (void)
{
  Loop loop = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *whip_url = NULL;
  g_autofree char *whep_url = NULL;
  g_autoptr(SlProcessor) serve = NULL;
  guint viewers = 0;

  loop.opened = g_ptr_array_new_with_free_func (g_free);
  loop.closed = g_ptr_array_new_with_free_func (g_free);
  loop.errors = g_ptr_array_new_with_free_func (g_free);

  /* The server: ingest → serve, with taps on what was ingested. */
  loop.server = sl_runtime_new ();
  webrtc_test_collect_errors (loop.server, loop.errors);
  webrtc_test_add (loop.server, "whip-ingest", "in", NULL);
  webrtc_test_add (loop.server, "whep-serve", "tv", NULL);
  webrtc_test_link (loop.server, "in.video", "tv.video");
  webrtc_test_link (loop.server, "in.audio", "tv.audio");
  add_app_sink (loop.server, "ingested-video", "in.video");
  add_app_sink (loop.server, "ingested-audio", "in.audio");

  /* The endpoint listens before its runtime runs: the URLs are known
   * early, and requests until then are answered 503. */
  loop.endpoint = sl_webrtc_endpoint_new (loop.server);
  g_object_set (loop.endpoint, "token", "loop-token", NULL);
  g_signal_connect (loop.endpoint, "session-opened", G_CALLBACK (on_opened), &loop);
  g_signal_connect (loop.endpoint, "session-closed", G_CALLBACK (on_closed), &loop);
  g_assert_true (sl_webrtc_endpoint_listen (loop.endpoint, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  url = sl_webrtc_endpoint_get_url (loop.endpoint);
  whip_url = g_strconcat (url, "whip/in", NULL);
  whep_url = g_strconcat (url, "whep/tv", NULL);

  /* The client: a publisher and a viewer. */
  loop.client = sl_runtime_new ();
  webrtc_test_collect_errors (loop.client, loop.errors);
  webrtc_test_add (loop.client, "video-test-source", "cam", "pattern", "ball", NULL);
  webrtc_test_add (loop.client, "audio-test-source", "tone", NULL);
  webrtc_test_add (loop.client, "whip-sink", "pub", "url", whip_url, "token", "loop-token", NULL);
  webrtc_test_link (loop.client, "cam", "pub.video");
  webrtc_test_link (loop.client, "tone", "pub.audio");
  webrtc_test_add (loop.client, "whep-source", "play", "url", whep_url, "token", "loop-token", NULL);
  add_app_sink (loop.client, "played-video", "play.video");
  add_app_sink (loop.client, "played-audio", "play.audio");

  /* Both graphs are complete before any processor thread runs: a processor
   * class initialised on this thread while another thread loads a
   * GStreamer plugin can deadlock in GLib's type system (video-test-source
   * loads videotestsrc in its class init). */
  sl_runtime_start (loop.server, &error);
  g_assert_no_error (error);
  webrtc_test_wait_running (loop.server, "in");
  webrtc_test_wait_running (loop.server, "tv");
  sl_runtime_start (loop.client, &error);
  g_assert_no_error (error);

  /* Both sessions open… */
  webrtc_test_wait_n_sessions (loop.endpoint, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (loop.opened, "whip in", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (loop.opened, "whep tv", g_str_equal, NULL));

  /* …and media flows on both legs: decoded, at the source's size and
   * rate. */
  wait_int64 (loop.server, "ingested-video", "received", 10);
  wait_int64 (loop.server, "ingested-audio", "received", 10);
  assert_pulled_caps (loop.server, "ingested-video", "video/x-raw", 320, 240);
  assert_pulled_caps (loop.server, "ingested-audio", "audio/x-raw", 48000, 2);
  wait_int64 (loop.client, "played-video", "received", 10);
  wait_int64 (loop.client, "played-audio", "received", 10);
  assert_pulled_caps (loop.client, "played-video", "video/x-raw", 320, 240);
  assert_pulled_caps (loop.client, "played-audio", "audio/x-raw", 48000, 2);
  g_assert_cmpint (get_int64 (loop.server, "in", "video-frames"), >, 0);
  g_assert_cmpint (get_int64 (loop.server, "tv", "video-frames"), >, 0);

  /* The publisher goes: whip-sink's teardown DELETEs its session, and the
   * endpoint frees it. (Without the DELETE nothing would end the session:
   * ICE on loopback never fails.) */
  sl_runtime_remove (loop.client, "pub", &error);
  g_assert_no_error (error);
  webrtc_test_wait_n_sessions (loop.endpoint, 1);
  g_assert_cmpuint (loop.closed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (loop.closed, 0), ==, "whip in");
  webrtc_test_wait_for (ingest_idle, loop.server, "whip-ingest to stop publishing");

  /* So does the viewer. */
  sl_runtime_remove (loop.client, "play", &error);
  g_assert_no_error (error);
  webrtc_test_wait_n_sessions (loop.endpoint, 0);
  g_assert_cmpstr (g_ptr_array_index (loop.closed, 1), ==, "whep tv");
  serve = sl_runtime_get_processor (loop.server, "tv");
  g_object_get (serve, "viewers", &viewers, NULL);
  g_assert_cmpuint (viewers, ==, 0);

  sl_runtime_stop (loop.client, SL_STOP_IMMEDIATE, &error);
  g_assert_no_error (error);
  sl_webrtc_endpoint_close (loop.endpoint);
  sl_runtime_stop (loop.server, SL_STOP_IMMEDIATE, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < loop.errors->len; i++)
    g_test_message ("error: %s", (char *) g_ptr_array_index (loop.errors, i));
  g_assert_cmpuint (loop.errors->len, ==, 0);

  g_clear_object (&serve);
  g_clear_object (&loop.endpoint);
  g_clear_object (&loop.client);
  g_clear_object (&loop.server);
  g_ptr_array_unref (loop.opened);
  g_ptr_array_unref (loop.closed);
  g_ptr_array_unref (loop.errors);
}

int
main (int argc, char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  /* Two runtimes, four sessions' worth of encoding on two cores. */
  webrtc_test_set_timeout (30 * G_USEC_PER_SEC);

  g_test_add_func ("/webrtc-loop/publish-serve-play", test_loop);

  return g_test_run ();
}
