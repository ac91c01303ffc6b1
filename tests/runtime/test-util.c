/* test-util.c: helpers shared by the runtime suites
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

static gboolean
remove_source (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

void
test_wait_for (TestCondition  condition,
               gpointer       user_data,
               const char    *what)
{
  gint64 deadline = g_get_monotonic_time () + TEST_TIMEOUT_US;
  GMainContext *context = g_main_context_get_thread_default ();

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      /* Non-blocking iteration plus a short bounded wait on the context:
       * processor threads change what we watch without waking us. */
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

gint64
test_get_int64 (SlRuntime  *runtime,
                const char *id,
                const char *property)
{
  g_autoptr(SlProcessor) processor = sl_runtime_get_processor (runtime, id);
  gint64 value = -1;

  if (processor != NULL)
    g_object_get (processor, property, &value, NULL);
  return value;
}

typedef struct
{
  SlRuntime  *runtime;
  const char *id;
  const char *property;
  gint64      at_least;
} WaitInt64;

static gboolean
int64_reached (gpointer user_data)
{
  WaitInt64 *wait = user_data;

  return test_get_int64 (wait->runtime, wait->id, wait->property) >= wait->at_least;
}

void
test_wait_int64 (SlRuntime  *runtime,
                 const char *id,
                 const char *property,
                 gint64      at_least)
{
  WaitInt64 wait = { runtime, id, property, at_least };
  g_autofree char *what = g_strdup_printf ("%s:%s >= %" G_GINT64_FORMAT, id, property, at_least);

  test_wait_for (int64_reached, &wait, what);
}

SlLinkStats *
test_link_stats (SlRuntime  *runtime,
                 const char *link)
{
  g_autoptr(GError) error = NULL;
  SlLinkStats *stats = sl_runtime_get_link_stats (runtime, link, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  return stats;
}

void
test_assert_invariant (SlRuntime  *runtime,
                       const char *link)
{
  g_autoptr(SlLinkStats) stats = test_link_stats (runtime, link);

  g_assert_cmpuint (sl_link_stats_get_pushed (stats), ==,
                    sl_link_stats_get_popped (stats) + sl_link_stats_get_dropped (stats) +
                    sl_link_stats_get_queued (stats));
}

SlRuntime *
test_runtime_new (void)
{
  return sl_runtime_new ();
}
