/* media-util.c: helpers for the media suites
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "media-util.h"
#include "test-watchdog.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gst/pbutils/pbutils.h>

static void
on_error (SlRuntime  *runtime,
          const char *id,
          GError     *error,
          gpointer    user_data)
{
  MediaFixture *fixture = user_data;

  g_test_message ("runtime error: %s: %s", id, error->message);
  g_ptr_array_add (fixture->errors, g_strdup_printf ("%s: %s", id, error->message));
}

void
media_fixture_setup (MediaFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->runtime = sl_runtime_new ();
  fixture->errors = g_ptr_array_new_with_free_func (g_free);
  fixture->dir = g_dir_make_tmp ("streamlib-media-XXXXXX", &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->runtime, "error", G_CALLBACK (on_error), fixture);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
media_fixture_teardown (MediaFixture  *fixture,
                        gconstpointer  data)
{
  if (sl_runtime_get_state (fixture->runtime) != SL_RUNTIME_STATE_IDLE)
    {
      media_watchdog_arm ("stopping the runtime");
      sl_runtime_stop (fixture->runtime, SL_STOP_IMMEDIATE, NULL);
      media_watchdog_disarm ();
    }
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->errors, g_ptr_array_unref);
  if (fixture->dir != NULL && g_getenv ("MEDIA_KEEP_FILES") == NULL)
    remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

char *
media_path (MediaFixture *fixture,
            const char   *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static gboolean
remove_source (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

void
media_wait (MediaCondition  condition,
            gpointer        user_data,
            const char     *what)
{
  gint64 deadline = g_get_monotonic_time () + MEDIA_TIMEOUT_US;
  GMainContext *context = g_main_context_get_thread_default ();

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      /* Processor threads change what we watch without waking the main
       * context: iterate, then wait at most 1 ms for it. */
      if (!g_main_context_iteration (context, FALSE))
        {
          g_autoptr(GSource) timeout = g_timeout_source_new (1);

          g_source_set_callback (timeout, remove_source, NULL, NULL);
          g_source_attach (timeout, context);
          g_main_context_iteration (context, TRUE);
          g_source_destroy (timeout);
        }
    }
}

void
media_add (MediaFixture *fixture,
           const char   *factory,
           const char   *id,
           ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *added = sl_runtime_add (fixture->runtime, factory, id, &error);
  const char *name;
  va_list args;

  g_assert_no_error (error);
  g_assert_cmpstr (added, ==, id);

  va_start (args, id);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);

      sl_runtime_set_from_string (fixture->runtime, id, name, value, &error);
      g_assert_no_error (error);
    }
  va_end (args);
}

char *
media_link (MediaFixture *fixture,
            const char   *source,
            const char   *target,
            gboolean      lossless)
{
  g_autoptr(GError) error = NULL;
  char *link = sl_runtime_link (fixture->runtime, source, target, &error);

  g_assert_no_error (error);
  g_assert_nonnull (link);
  if (lossless)
    {
      sl_runtime_configure_link (fixture->runtime, link, 16, SL_OVERFLOW_BLOCK, &error);
      g_assert_no_error (error);
    }

  return link;
}

void
media_start (MediaFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  media_watchdog_arm ("starting the runtime");
  sl_runtime_start (fixture->runtime, &error);
  media_watchdog_disarm ();
  g_assert_no_error (error);
}

void
media_drain (MediaFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  media_watchdog_arm ("draining the runtime");
  sl_runtime_stop (fixture->runtime, SL_STOP_DRAIN, &error);
  media_watchdog_disarm ();
  g_assert_no_error (error);
  g_assert_cmpint (sl_runtime_get_state (fixture->runtime), ==, SL_RUNTIME_STATE_IDLE);
}

void
media_stop (MediaFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  media_watchdog_arm ("stopping the runtime");
  sl_runtime_stop (fixture->runtime, SL_STOP_IMMEDIATE, &error);
  media_watchdog_disarm ();
  g_assert_no_error (error);
  g_assert_cmpint (sl_runtime_get_state (fixture->runtime), ==, SL_RUNTIME_STATE_IDLE);
}

typedef struct
{
  MediaFixture *fixture;
  const char   *link;
  guint64       pushed;
} WaitPushed;

static gboolean
pushed_reached (gpointer user_data)
{
  WaitPushed *wait = user_data;
  g_autoptr(SlLinkStats) stats = sl_runtime_get_link_stats (wait->fixture->runtime, wait->link, NULL);

  return stats != NULL && sl_link_stats_get_pushed (stats) >= wait->pushed;
}

void
media_wait_pushed (MediaFixture *fixture,
                   const char   *link,
                   guint64       pushed)
{
  WaitPushed wait = { fixture, link, pushed };
  g_autofree char *what = g_strdup_printf ("%" G_GUINT64_FORMAT " frames pushed on %s", pushed, link);

  media_wait (pushed_reached, &wait, what);
}

typedef struct
{
  MediaFixture     *fixture;
  const char       *id;
  SlProcessorState  state;
} WaitState;

static gboolean
state_reached (gpointer user_data)
{
  WaitState *wait = user_data;

  return sl_runtime_get_processor_state (wait->fixture->runtime, wait->id) == wait->state;
}

void
media_wait_state (MediaFixture     *fixture,
                  const char       *id,
                  SlProcessorState  state)
{
  WaitState wait = { fixture, id, state };
  g_autofree char *what = g_strdup_printf ("processor %s to reach state %d", id, state);

  media_wait (state_reached, &wait, what);
}

typedef struct
{
  MediaFixture *fixture;
  const char   *id;
  const char   *found;
} WaitError;

static gboolean
error_reported (gpointer user_data)
{
  WaitError *wait = user_data;
  g_autofree char *prefix = g_strdup_printf ("%s: ", wait->id);

  for (guint i = 0; i < wait->fixture->errors->len; i++)
    {
      const char *message = g_ptr_array_index (wait->fixture->errors, i);

      if (g_str_has_prefix (message, prefix))
        {
          wait->found = message + strlen (prefix);
          return TRUE;
        }
    }

  return FALSE;
}

const char *
media_wait_error (MediaFixture *fixture,
                  const char   *id)
{
  WaitError wait = { fixture, id, NULL };
  g_autofree char *what = g_strdup_printf ("an error about %s", id);

  media_wait (error_reported, &wait, what);
  return wait.found;
}

void
media_assert_no_errors (MediaFixture *fixture)
{
  for (guint i = 0; i < fixture->errors->len; i++)
    g_test_message ("unexpected error: %s", (char *) g_ptr_array_index (fixture->errors, i));
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

gint64
media_get_int64 (MediaFixture *fixture,
                 const char   *id,
                 const char   *property)
{
  g_autoptr(SlProcessor) processor = sl_runtime_get_processor (fixture->runtime, id);
  gint64 value = -1;

  if (processor != NULL)
    g_object_get (processor, property, &value, NULL);
  return value;
}

/* ---- watchdog ----------------------------------------------------------- */

void
media_watchdog_arm (const char *what)
{
  test_watchdog_arm (what, MEDIA_TIMEOUT_US);
}

void
media_watchdog_disarm (void)
{
  test_watchdog_disarm ();
}

/* ---- reading files back ------------------------------------------------- */

void
media_discover (const char *path,
                MediaInfo  *info)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstDiscoverer) discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  g_autoptr(GstDiscovererInfo) result = NULL;
  g_autofree char *uri = gst_filename_to_uri (path, &error);
  GList *streams;

  memset (info, 0, sizeof *info);
  g_assert_no_error (error);
  result = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_discoverer_info_get_result (result), ==, GST_DISCOVERER_OK);

  info->duration = gst_discoverer_info_get_duration (result);
  {
    g_autoptr(GstDiscovererStreamInfo) top = gst_discoverer_info_get_stream_info (result);
    g_autoptr(GstCaps) caps = top != NULL ? gst_discoverer_stream_info_get_caps (top) : NULL;

    if (caps != NULL)
      info->container = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
  }

  streams = gst_discoverer_info_get_video_streams (result);
  info->n_video = g_list_length (streams);
  if (streams != NULL)
    {
      GstDiscovererVideoInfo *video = streams->data;
      g_autoptr(GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      info->width = (gint) gst_discoverer_video_info_get_width (video);
      info->height = (gint) gst_discoverer_video_info_get_height (video);
      if (caps != NULL)
        info->video_caps = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
    }
  gst_discoverer_stream_info_list_free (streams);

  streams = gst_discoverer_info_get_audio_streams (result);
  info->n_audio = g_list_length (streams);
  if (streams != NULL)
    {
      GstDiscovererAudioInfo *audio = streams->data;
      g_autoptr(GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      info->channels = gst_discoverer_audio_info_get_channels (audio);
      info->rate = gst_discoverer_audio_info_get_sample_rate (audio);
      if (caps != NULL)
        info->audio_caps = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
    }
  gst_discoverer_stream_info_list_free (streams);
}

void
media_info_clear (MediaInfo *info)
{
  g_clear_pointer (&info->container, g_free);
  g_clear_pointer (&info->video_caps, g_free);
  g_clear_pointer (&info->audio_caps, g_free);
}

static GstPadProbeReturn
count_buffer (GstPad          *pad,
              GstPadProbeInfo *probe,
              gpointer         user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

static void
on_decoded_pad (GstElement *decodebin,
                GstPad     *pad,
                gpointer    user_data)
{
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  GstElement *pipeline = GST_ELEMENT (gst_element_get_parent (decodebin));
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sink_pad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  if (gst_structure_has_name (gst_caps_get_structure (caps, 0), "video/x-raw"))
    gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, user_data, NULL);
  g_assert_cmpint (gst_pad_link (pad, sink_pad), ==, GST_PAD_LINK_OK);
  gst_object_unref (pipeline);
}

guint
media_count_video_frames (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = gst_filename_to_uri (path, &error);
  g_autoptr(GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new (NULL));
  GstElement *decodebin = gst_element_factory_make ("uridecodebin", NULL);
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = NULL;
  gint frames = 0;

  g_assert_no_error (error);
  g_object_set (decodebin, "uri", uri, NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_decoded_pad), &frames);
  gst_bin_add (GST_BIN (pipeline), decodebin);

  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  message = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) decode_error = NULL;

      gst_message_parse_error (message, &decode_error, NULL);
      g_error ("Decoding %s failed: %s", path, decode_error->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return (guint) g_atomic_int_get (&frames);
}
