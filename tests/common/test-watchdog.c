/* test-watchdog.c: abort a test that blocks too long
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdlib.h>

#include "test-watchdog.h"

/* Test programs only: one watchdog per process. */
static GMutex watchdog_mutex;
static GCond watchdog_cond;
static gboolean watchdog_armed;
static char *watchdog_what;
static gint64 watchdog_deadline;
static GThread *watchdog_thread;

static gpointer
watchdog_run (gpointer data)
{
  g_mutex_lock (&watchdog_mutex);
  while (watchdog_armed)
    if (!g_cond_wait_until (&watchdog_cond, &watchdog_mutex, watchdog_deadline) && watchdog_armed)
      {
        g_printerr ("Bail out! Timed out %s\n", watchdog_what);
        abort ();
      }
  g_mutex_unlock (&watchdog_mutex);

  return NULL;
}

void
test_watchdog_arm (const char *what,
                   gint64      timeout_us)
{
  g_mutex_lock (&watchdog_mutex);
  g_assert_false (watchdog_armed);
  watchdog_armed = TRUE;
  g_free (watchdog_what);
  watchdog_what = g_strdup (what);
  watchdog_deadline = g_get_monotonic_time () + timeout_us;
  g_mutex_unlock (&watchdog_mutex);

  watchdog_thread = g_thread_new ("test-watchdog", watchdog_run, NULL);
}

void
test_watchdog_disarm (void)
{
  g_mutex_lock (&watchdog_mutex);
  watchdog_armed = FALSE;
  g_cond_broadcast (&watchdog_cond);
  g_mutex_unlock (&watchdog_mutex);

  g_thread_join (g_steal_pointer (&watchdog_thread));
}
