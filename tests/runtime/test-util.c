/* test-util.c: helpers shared by the runtime suites
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

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
        {
          test_dump_stacks ();
          g_error ("Timed out waiting for %s", what);
        }
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

/* A runtime that knows the probe processors, with the recorder emptied. */
SlRuntime *
test_probe_runtime_new (void)
{
  SlRuntime *runtime = test_runtime_new ();

  test_recorder_reset ();
  test_register_processors (runtime);
  return runtime;
}

/* ---- additions for the runtime suites ---------------------------------- */


/* The test-side locks are pthread mutexes: ThreadSanitizer understands them
 * (GLib's GMutex is an uninstrumented futex). */

void
test_init (int    *argc,
           char ***argv)
{
  /* GSlice hands memory between threads through magazines ThreadSanitizer
   * cannot see (GLib is not instrumented): plain malloc instead, as the CI
   * does. GLib reads G_SLICE before main() runs, so start again with it. */
  if (g_getenv ("G_SLICE") == NULL)
    {
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      execv ("/proc/self/exe", *argv);
      /* No /proc: carry on with GSlice. */
    }
  g_test_init (argc, argv, NULL);
}

gboolean
test_under_sanitizer (void)
{
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  return TRUE;
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
  return TRUE;
# else
  return FALSE;
# endif
#else
  return FALSE;
#endif
}

typedef struct
{
  gint64 deadline;
} IterateFor;

static gboolean
deadline_passed (gpointer user_data)
{
  IterateFor *data = user_data;

  return g_get_monotonic_time () >= data->deadline;
}

void
test_iterate_for (gint64 duration_us)
{
  IterateFor data = { g_get_monotonic_time () + duration_us };

  g_assert_cmpint (duration_us, <, TEST_TIMEOUT_US);
  test_wait_for (deadline_passed, &data, "a fixed delay");
}

/* Debugging aid, with TEST_WATCHDOG_GDB set: every thread's stack. */
void
test_dump_stacks (void)
{
  g_autofree char *command = NULL;

  if (g_getenv ("TEST_WATCHDOG_GDB") == NULL)
    return;

  command = g_strdup_printf ("gdb -q -batch -p %d -ex 'thread apply all bt 20' 1>&2", (int) getpid ());
#ifdef PR_SET_PTRACER
  prctl (PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
#endif
  if (system (command) != 0)
    g_printerr ("could not run gdb\n");
}

/* Watchdog: one thread, armed with a deadline that test_watchdog_kick()
 * pushes back. */

static pthread_mutex_t watchdog_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watchdog_cond = PTHREAD_COND_INITIALIZER;
static guint watchdog_armed;    /* nesting depth */
static gint64 watchdog_deadline;
static char *watchdog_what;
static GThread *watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  pthread_mutex_lock (&watchdog_mutex);
  for (;;)
    {
      struct timespec tick;

      if (watchdog_armed && g_get_monotonic_time () > watchdog_deadline)
        {
          g_printerr ("Watchdog: timed out waiting for %s (deadlock?)\n", watchdog_what);
          test_dump_stacks ();
          abort ();
        }

      /* Look again every 100 ms at most. */
      clock_gettime (CLOCK_REALTIME, &tick);
      tick.tv_nsec += 100 * 1000 * 1000;
      if (tick.tv_nsec >= 1000 * 1000 * 1000)
        {
          tick.tv_sec++;
          tick.tv_nsec -= 1000 * 1000 * 1000;
        }
      pthread_cond_timedwait (&watchdog_cond, &watchdog_mutex, &tick);
    }
  pthread_mutex_unlock (&watchdog_mutex);
  return NULL;
}

void
test_watchdog_arm (const char *what)
{
  pthread_mutex_lock (&watchdog_mutex);
  watchdog_armed++;
  watchdog_deadline = g_get_monotonic_time () + TEST_TIMEOUT_US;
  g_free (watchdog_what);
  watchdog_what = g_strdup (what);
  if (watchdog == NULL)
    watchdog = g_thread_new ("test-watchdog", watchdog_thread, NULL);
  pthread_mutex_unlock (&watchdog_mutex);
}

void
test_watchdog_kick (void)
{
  pthread_mutex_lock (&watchdog_mutex);
  watchdog_deadline = g_get_monotonic_time () + TEST_TIMEOUT_US;
  pthread_mutex_unlock (&watchdog_mutex);
}

void
test_watchdog_disarm (void)
{
  pthread_mutex_lock (&watchdog_mutex);
  g_assert_cmpuint (watchdog_armed, >, 0);
  watchdog_armed--;
  watchdog_deadline = g_get_monotonic_time () + TEST_TIMEOUT_US;
  pthread_cond_broadcast (&watchdog_cond);
  pthread_mutex_unlock (&watchdog_mutex);
}

void
test_stop (SlRuntime  *runtime,
           SlStopMode  mode)
{
  g_autoptr(GError) error = NULL;

  test_watchdog_arm (mode == SL_STOP_DRAIN ? "sl_runtime_stop (DRAIN)" : "sl_runtime_stop (IMMEDIATE)");
  g_assert_true (sl_runtime_stop (runtime, mode, &error));
  test_watchdog_disarm ();
  g_assert_no_error (error);
  g_assert_cmpint (sl_runtime_get_state (runtime), ==, SL_RUNTIME_STATE_IDLE);
}

void
test_pause (SlRuntime *runtime)
{
  g_autoptr(GError) error = NULL;

  test_watchdog_arm ("sl_runtime_pause");
  g_assert_true (sl_runtime_pause (runtime, &error));
  test_watchdog_disarm ();
  g_assert_no_error (error);
}

void
test_start (SlRuntime *runtime)
{
  g_autoptr(GError) error = NULL;

  test_watchdog_arm ("sl_runtime_start");
  g_assert_true (sl_runtime_start (runtime, &error));
  test_watchdog_disarm ();
  g_assert_no_error (error);
}

typedef struct
{
  SlRuntime        *runtime;
  const char       *id;
  int               state;
} WaitState;

static gboolean
runtime_state_is (gpointer user_data)
{
  WaitState *wait = user_data;

  return (int) sl_runtime_get_state (wait->runtime) == wait->state;
}

void
test_wait_state (SlRuntime      *runtime,
                 SlRuntimeState  state)
{
  WaitState wait = { runtime, NULL, state };
  g_autofree char *what = g_strdup_printf ("runtime state %d", state);

  test_wait_for (runtime_state_is, &wait, what);
}

static gboolean
processor_state_is (gpointer user_data)
{
  WaitState *wait = user_data;

  return (int) sl_runtime_get_processor_state (wait->runtime, wait->id) == wait->state;
}

void
test_wait_processor_state (SlRuntime        *runtime,
                           const char       *id,
                           SlProcessorState  state)
{
  WaitState wait = { runtime, id, state };
  g_autofree char *what = g_strdup_printf ("processor %s in state %d", id, state);

  test_wait_for (processor_state_is, &wait, what);
}

char *
test_add (SlRuntime  *runtime,
          const char *factory,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  char *added = sl_runtime_add (runtime, factory, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (added);
  return added;
}

char *
test_link (SlRuntime  *runtime,
           const char *source,
           const char *target)
{
  g_autoptr(GError) error = NULL;
  char *link = sl_runtime_link (runtime, source, target, &error);

  g_assert_no_error (error);
  g_assert_nonnull (link);
  return link;
}

void
test_configure (SlRuntime        *runtime,
                const char       *link,
                guint             capacity,
                SlOverflowPolicy  policy)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_runtime_configure_link (runtime, link, capacity, policy, &error));
  g_assert_no_error (error);
}

void
test_set (SlRuntime  *runtime,
          const char *id,
          const char *property,
          const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_runtime_set_from_string (runtime, id, property, value, &error));
  g_assert_no_error (error);
}

typedef struct
{
  SlRuntime  *runtime;
  const char *link;
  guint64     pushed;
} WaitPushed;

static gboolean
pushed_reached (gpointer user_data)
{
  WaitPushed *wait = user_data;
  g_autoptr(SlLinkStats) stats = sl_runtime_get_link_stats (wait->runtime, wait->link, NULL);

  return stats != NULL && sl_link_stats_get_pushed (stats) >= wait->pushed;
}

void
test_wait_pushed (SlRuntime  *runtime,
                  const char *link,
                  guint64     pushed)
{
  WaitPushed wait = { runtime, link, pushed };
  g_autofree char *what = g_strdup_printf ("%s pushed >= %" G_GUINT64_FORMAT, link, pushed);

  test_wait_for (pushed_reached, &wait, what);
}

void
test_push_samples (SlRuntime  *runtime,
                   const char *id,
                   guint64     first,
                   guint       n)
{
  g_autoptr(SlProcessor) source = sl_runtime_get_processor (runtime, id);
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("application/x-streamlib-test");

  g_assert_nonnull (source);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GstBuffer) buffer = gst_buffer_new ();
      g_autoptr(GstSample) sample = NULL;

      GST_BUFFER_OFFSET (buffer) = first + i;
      sample = gst_sample_new (buffer, caps, NULL, NULL);
      g_signal_emit_by_name (source, "push-sample", sample);
    }
}

void
test_end_of_stream (SlRuntime  *runtime,
                    const char *id)
{
  g_autoptr(SlProcessor) source = sl_runtime_get_processor (runtime, id);

  g_assert_nonnull (source);
  g_signal_emit_by_name (source, "end-of-stream");
}

/* Recorder */

static pthread_mutex_t recorder_mutex = PTHREAD_MUTEX_INITIALIZER;
static GPtrArray *recorder_events;   /* TestEvent* */
static GHashTable *recorder_offsets; /* id → GArray of gint64 */
static GHashTable *recorder_gates;   /* id → GINT_TO_POINTER (open) */
static pthread_cond_t recorder_cond = PTHREAD_COND_INITIALIZER;

static void
test_event_free (gpointer data)
{
  TestEvent *event = data;

  g_free (event->id);
  g_free (event->text);
  g_free (event);
}

static void
recorder_ensure (void)
{
  if (recorder_events == NULL)
    {
      recorder_events = g_ptr_array_new_with_free_func (test_event_free);
      recorder_offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_array_unref);
      recorder_gates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
}

void
test_recorder_reset (void)
{
  pthread_mutex_lock (&recorder_mutex);
  recorder_ensure ();
  g_ptr_array_set_size (recorder_events, 0);
  g_hash_table_remove_all (recorder_offsets);
  g_hash_table_remove_all (recorder_gates);
  pthread_mutex_unlock (&recorder_mutex);
}

void
test_record (const char *id,
             const char *format,
             ...)
{
  TestEvent *event = g_new0 (TestEvent, 1);
  va_list args;

  va_start (args, format);
  event->text = g_strdup_vprintf (format, args);
  va_end (args);
  event->id = g_strdup (id);
  event->thread = g_thread_self ();

  if (g_test_verbose ())
    g_printerr ("# [%s] %s\n", id, event->text);

  pthread_mutex_lock (&recorder_mutex);
  recorder_ensure ();
  g_ptr_array_add (recorder_events, event);
  pthread_mutex_unlock (&recorder_mutex);
}

GPtrArray *
test_recorder_events (const char *id)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (test_event_free);

  pthread_mutex_lock (&recorder_mutex);
  recorder_ensure ();
  for (guint i = 0; i < recorder_events->len; i++)
    {
      TestEvent *event = g_ptr_array_index (recorder_events, i);
      TestEvent *dup;

      if (id != NULL && g_strcmp0 (event->id, id) != 0)
        continue;
      dup = g_new0 (TestEvent, 1);
      dup->id = g_strdup (event->id);
      dup->text = g_strdup (event->text);
      dup->thread = event->thread;
      g_ptr_array_add (copy, dup);
    }
  pthread_mutex_unlock (&recorder_mutex);

  return copy;
}

gboolean
test_recorder_has (const char *id,
                   const char *text)
{
  gboolean found = FALSE;

  pthread_mutex_lock (&recorder_mutex);
  recorder_ensure ();
  for (guint i = 0; i < recorder_events->len && !found; i++)
    {
      TestEvent *event = g_ptr_array_index (recorder_events, i);

      found = g_strcmp0 (event->id, id) == 0 && g_str_has_prefix (event->text, text);
    }
  pthread_mutex_unlock (&recorder_mutex);

  return found;
}

void
test_recorder_add_offset (const char *id,
                          gint64      offset)
{
  GArray *offsets;

  pthread_mutex_lock (&recorder_mutex);
  recorder_ensure ();
  offsets = g_hash_table_lookup (recorder_offsets, id);
  if (offsets == NULL)
    {
      offsets = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (recorder_offsets, g_strdup (id), offsets);
    }
  g_array_append_val (offsets, offset);
  pthread_mutex_unlock (&recorder_mutex);
}

GArray *
test_recorder_offsets (const char *id)
{
  GArray *copy = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *offsets;

  pthread_mutex_lock (&recorder_mutex);
  recorder_ensure ();
  offsets = g_hash_table_lookup (recorder_offsets, id);
  if (offsets != NULL)
    g_array_append_vals (copy, offsets->data, offsets->len);
  pthread_mutex_unlock (&recorder_mutex);

  return copy;
}

typedef struct
{
  const char *id;
  const char *text;
} WaitRecorded;

static gboolean
recorded (gpointer user_data)
{
  WaitRecorded *wait = user_data;

  return test_recorder_has (wait->id, wait->text);
}

void
test_wait_recorded (const char *id,
                    const char *text)
{
  WaitRecorded wait = { id, text };
  g_autofree char *what = g_strdup_printf ("%s to record “%s”", id, text);

  test_wait_for (recorded, &wait, what);
}

void
test_gate_close (const char *id)
{
  pthread_mutex_lock (&recorder_mutex);
  recorder_ensure ();
  g_hash_table_insert (recorder_gates, g_strdup (id), GINT_TO_POINTER (FALSE));
  pthread_mutex_unlock (&recorder_mutex);
}

void
test_gate_open (const char *id)
{
  pthread_mutex_lock (&recorder_mutex);
  recorder_ensure ();
  g_hash_table_insert (recorder_gates, g_strdup (id), GINT_TO_POINTER (TRUE));
  pthread_cond_broadcast (&recorder_cond);
  pthread_mutex_unlock (&recorder_mutex);
}

gboolean
test_gate_wait (const char *id)
{
  struct timespec deadline;
  gboolean open = FALSE;

  clock_gettime (CLOCK_REALTIME, &deadline);
  deadline.tv_sec += TEST_TIMEOUT_US / G_USEC_PER_SEC;

  pthread_mutex_lock (&recorder_mutex);
  recorder_ensure ();
  for (;;)
    {
      gpointer value;

      /* A gate nobody closed is open. */
      if (!g_hash_table_lookup_extended (recorder_gates, id, NULL, &value) ||
          GPOINTER_TO_INT (value))
        {
          open = TRUE;
          break;
        }
      if (pthread_cond_timedwait (&recorder_cond, &recorder_mutex, &deadline) != 0)
        break;
    }
  pthread_mutex_unlock (&recorder_mutex);

  return open;
}
