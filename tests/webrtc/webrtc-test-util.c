/* webrtc-test-util.c: what the WebRTC test programs share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "webrtc-test-util.h"

static gint64 webrtc_test_timeout_us = 20 * G_USEC_PER_SEC;

void
webrtc_test_set_timeout (gint64 timeout_us)
{
  webrtc_test_timeout_us = timeout_us;
}

gint64
webrtc_test_get_timeout (void)
{
  return webrtc_test_timeout_us;
}

gint64
webrtc_test_deadline (void)
{
  return g_get_monotonic_time () + webrtc_test_timeout_us;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

void
webrtc_test_wait_for (WebrtcTestCondition  condition,
                      gpointer             user_data,
                      const char          *what)
{
  gint64 deadline = webrtc_test_deadline ();
  GMainContext *context = g_main_context_ref_thread_default ();

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      /* Iterate; when nothing is ready, wait at most 5 ms for something. */
      if (!g_main_context_iteration (context, FALSE))
        {
          g_autoptr(GSource) tick = g_timeout_source_new (5);

          g_source_set_callback (tick, wake_up, NULL, NULL);
          g_source_attach (tick, context);
          g_main_context_iteration (context, TRUE);
          g_source_destroy (tick);
        }
    }

  g_main_context_unref (context);
}

void
webrtc_test_add (SlRuntime  *runtime,
                 const char *factory,
                 const char *id,
                 ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *added = sl_runtime_add (runtime, factory, id, &error);
  const char *name;
  va_list args;

  g_assert_no_error (error);
  va_start (args, id);
  while ((name = va_arg (args, const char *)) != NULL)
    webrtc_test_set (runtime, id, name, va_arg (args, const char *));
  va_end (args);
}

void
webrtc_test_set (SlRuntime  *runtime,
                 const char *id,
                 const char *property,
                 const char *value)
{
  g_autoptr(GError) error = NULL;

  sl_runtime_set_from_string (runtime, id, property, value, &error);
  g_assert_no_error (error);
}

void
webrtc_test_link (SlRuntime  *runtime,
                  const char *source,
                  const char *target)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *link = sl_runtime_link (runtime, source, target, &error);

  g_assert_no_error (error);
}

static void
on_runtime_error (SlRuntime  *runtime,
                  const char *id,
                  GError     *error,
                  GPtrArray  *errors)
{
  g_test_message ("runtime error: %s: %s", id, error->message);
  g_ptr_array_add (errors, g_strdup_printf ("%s: %s", id, error->message));
}

void
webrtc_test_collect_errors (SlRuntime *runtime,
                            GPtrArray *errors)
{
  g_signal_connect (runtime, "error", G_CALLBACK (on_runtime_error), errors);
}

typedef struct
{
  SlRuntime  *runtime;
  const char *id;
} NodeRef;

static gboolean
node_running (gpointer user_data)
{
  NodeRef *node = user_data;

  return sl_runtime_get_processor_state (node->runtime, node->id) == SL_PROCESSOR_STATE_RUNNING;
}

void
webrtc_test_wait_running (SlRuntime  *runtime,
                          const char *id)
{
  NodeRef node = { runtime, id };
  g_autofree char *what = g_strdup_printf ("“%s” to run", id);

  webrtc_test_wait_for (node_running, &node, what);
}

typedef struct
{
  SlWebrtcEndpoint *endpoint;
  guint             n;
} SessionCount;

static gboolean
has_n_sessions (gpointer user_data)
{
  SessionCount *count = user_data;

  return sl_webrtc_endpoint_get_n_sessions (count->endpoint) == count->n;
}

void
webrtc_test_wait_n_sessions (SlWebrtcEndpoint *endpoint,
                             guint             n)
{
  SessionCount count = { endpoint, n };
  g_autofree char *what = g_strdup_printf ("the endpoint to have %u sessions", n);

  webrtc_test_wait_for (has_n_sessions, &count, what);
}
