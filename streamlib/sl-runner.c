/* sl-runner.c: the loop that runs one processor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "sl-error.h"
#include "sl-lock-private.h"
#include "sl-port-private.h"
#include "sl-runner-private.h"

/* How many times a thread yields, waiting for the other side of a hand-off
 * that takes microseconds (a processor's creation, its release), before it
 * sleeps: sleeping costs a wake-up on both sides. */
#define SL_HANDOFF_YIELDS 100

/* Which runner, if any, the calling thread belongs to. Thread-local, so it is
 * not state shared between threads. */
static GPrivate current_runner;

typedef enum {
  SL_ITERATE_AGAIN,
  SL_ITERATE_WAIT,
  SL_ITERATE_EXIT,
} SlIterate;

typedef struct
{
  SlControlFunc  func;
  gpointer       data;
  GDestroyNotify destroy;
} SlControl;

static void
sl_control_free (gpointer data)
{
  SlControl *control = data;

  if (control->destroy != NULL)
    control->destroy (control->data);
  g_free (control);
}

SlRunner *
sl_runner_ref (SlRunner *runner)
{
  sl_ref_count_inc (&runner->refcount);
  return runner;
}

void
sl_runner_unref (SlRunner *runner)
{
  if (!sl_ref_count_dec (&runner->refcount))
    return;

  g_queue_clear_full (&runner->controls, sl_control_free);
  g_clear_pointer (&runner->deferred_wakes, g_ptr_array_unref);
  g_clear_object (&runner->processor);
  if (runner->source != NULL)
    {
      g_source_destroy (runner->source);
      g_source_unref (runner->source);
    }
  sl_waker_unref (runner->waker);
  g_clear_pointer (&runner->initial_names, g_ptr_array_unref);
  g_clear_pointer (&runner->initial_values, g_array_unref);
  g_mutex_clear (&runner->mutex);
  g_cond_clear (&runner->cond);
  g_free (runner->thread_name);
  g_free (runner->id);
  g_free (runner);
}

gboolean
sl_runner_is_current (SlRunner *runner)
{
  return g_private_get (&current_runner) == runner;
}

SlRunner *
sl_runner_get_current (void)
{
  return g_private_get (&current_runner);
}

gboolean
sl_runner_defer_wake (SlLink *link)
{
  SlRunner *runner = g_private_get (&current_runner);

  if (runner == NULL)
    return FALSE;

  g_ptr_array_add (runner->deferred_wakes, sl_link_ref (link));
  return TRUE;
}

static void
sl_runner_send_wakes (SlRunner *runner)
{
  GPtrArray *links = runner->deferred_wakes;

  if (links->len == 0)
    return;
  for (guint i = 0; i < links->len; i++)
    sl_link_send_deferred_wake (g_ptr_array_index (links, i));
  g_ptr_array_set_size (links, 0);
}

void
sl_runner_flush_wakes (void)
{
  SlRunner *runner = g_private_get (&current_runner);

  if (runner != NULL)
    sl_runner_send_wakes (runner);
}

static void
sl_runner_set_state (SlRunner         *runner,
                     SlProcessorState  state)
{
  /* Only this runner's thread writes its state: a plain load avoids a
   * locked exchange on every turn of the loop. */
  if (atomic_load_explicit (&runner->state, memory_order_relaxed) == (int) state)
    return;

  atomic_store (&runner->state, state);
  runner->host->state_changed (runner->host_data, runner, state);
}

static void
sl_runner_create (SlRunner *runner)
{
  g_autoptr(GPtrArray) names = g_steal_pointer (&runner->initial_names);
  g_autoptr(GArray) values = g_steal_pointer (&runner->initial_values);
  SlProcessor *processor;

  g_ptr_array_add (names, g_strdup ("id"));
  g_array_set_size (values, values->len + 1);
  g_value_init (&g_array_index (values, GValue, values->len - 1), G_TYPE_STRING);
  g_value_set_string (&g_array_index (values, GValue, values->len - 1), runner->id);

  processor = (SlProcessor *) g_object_new_with_properties (runner->type, names->len,
                                                            (const char **) names->pdata,
                                                            (const GValue *) values->data);
  _sl_processor_attach (processor, runner->runtime, runner);

  /* The state first: whoever waits for `created` may read it at once. */
  sl_runner_set_state (runner, SL_PROCESSOR_STATE_SPAWNED);

  sl_mutex_lock (&runner->mutex);
  runner->processor = processor;
  runner->created = TRUE;
  g_cond_broadcast (&runner->cond);
  sl_mutex_unlock (&runner->mutex);
}

static void
sl_runner_run_controls (SlRunner *runner)
{
  GQueue controls = G_QUEUE_INIT;
  SlControl *control;

  if (atomic_load_explicit (&runner->n_controls, memory_order_acquire) == 0)
    return;

  sl_mutex_lock (&runner->mutex);
  controls = runner->controls;
  g_queue_init (&runner->controls);
  atomic_store (&runner->n_controls, 0);
  sl_mutex_unlock (&runner->mutex);

  while ((control = g_queue_pop_head (&controls)) != NULL)
    {
      control->func (runner, control->data);
      sl_control_free (control);
    }
}

static gboolean
sl_runner_inputs (SlRunner *runner,
                  gboolean *any_linked,
                  gboolean *all_eos)
{
  GPtrArray *inputs = sl_processor_get_input_ports (runner->processor);
  gboolean has_frames = FALSE;

  *any_linked = FALSE;
  *all_eos = TRUE;
  for (guint i = 0; i < inputs->len; i++)
    {
      SlLink *link = _sl_input_port_get_link (g_ptr_array_index (inputs, i));

      if (link == NULL)
        continue;

      *any_linked = TRUE;
      if (!sl_link_is_empty (link))
        has_frames = TRUE;
      if (!sl_link_is_eos (link))
        *all_eos = FALSE;
    }

  if (!*any_linked)
    *all_eos = FALSE;

  return has_frames;
}

static void
sl_runner_send_eos (SlRunner *runner)
{
  GPtrArray *outputs;

  if (runner->eos_sent || runner->processor == NULL)
    return;

  runner->eos_sent = TRUE;
  outputs = sl_processor_get_output_ports (runner->processor);
  for (guint i = 0; i < outputs->len; i++)
    _sl_output_port_push_eos (g_ptr_array_index (outputs, i));

  runner->host->finished (runner->host_data, runner, TRUE);
}

static void
sl_runner_close_inputs (SlRunner *runner)
{
  GPtrArray *inputs = sl_processor_get_input_ports (runner->processor);

  for (guint i = 0; i < inputs->len; i++)
    {
      SlLink *link = _sl_input_port_get_link (g_ptr_array_index (inputs, i));

      if (link != NULL)
        sl_link_close (link);
    }
}

static void
sl_runner_fail (SlRunner    *runner,
                GError      *error,
                const char  *vfunc)
{
  g_autoptr(GError) reported = NULL;

  /* A binding may return FALSE without an error (a Python exception that is
   * not a GLib.Error): make one up rather than report nothing. */
  if (error == NULL)
    reported = g_error_new (SL_ERROR, SL_ERROR_PROCESSOR_FAILED,
                            _("Processor “%s” failed in %s without saying why"),
                            runner->id, vfunc);
  else
    reported = g_error_new (error->domain, error->code,
                            _("Processor “%s” failed in %s: %s"),
                            runner->id, vfunc, error->message);

  sl_runner_set_state (runner, SL_PROCESSOR_STATE_FAILED);
  runner->host->failed (runner->host_data, runner, reported);
  /* Downstream must not wait for frames that will never come, and upstream
   * must not block on links nobody will pop. */
  sl_runner_send_eos (runner);
  sl_runner_close_inputs (runner);
  g_clear_error (&error);
}

static void
sl_runner_setup (SlRunner *runner)
{
  SlProcessorClass *klass = SL_PROCESSOR_GET_CLASS (runner->processor);
  GError *error = NULL;

  sl_runner_set_state (runner, SL_PROCESSOR_STATE_SETTING_UP);
  if (klass->setup != NULL && !klass->setup (runner->processor, &error))
    {
      sl_runner_fail (runner, error, "setup");
      return;
    }

  runner->setup_ok = TRUE;
  runner->next_tick = g_get_monotonic_time ();
  sl_runner_set_state (runner,
                       atomic_load (&runner->paused) ? SL_PROCESSOR_STATE_PAUSED
                                                     : SL_PROCESSOR_STATE_RUNNING);
}

static void
sl_runner_teardown (SlRunner *runner)
{
  SlProcessorClass *klass = SL_PROCESSOR_GET_CLASS (runner->processor);
  GError *error = NULL;
  gboolean failed = atomic_load (&runner->state) == SL_PROCESSOR_STATE_FAILED;

  /* teardown may still push (a source flushing what it holds); the end of
   * stream follows it. */
  if (runner->setup_ok && klass->teardown != NULL &&
      !klass->teardown (runner->processor, &error))
    {
      sl_runner_fail (runner, error, "teardown");
      failed = TRUE;
    }
  sl_runner_send_eos (runner);

  if (!failed)
    sl_runner_set_state (runner, SL_PROCESSOR_STATE_STOPPED);
}

/* Calls process() unless a pause closed the gate. The store to `processing`
 * and the load of `paused` are ordered so that once sl_runner_set_paused()
 * has returned, a runner either saw the pause or is counted as processing. */
static void
sl_runner_process (SlRunner *runner)
{
  SlProcessorClass *klass = SL_PROCESSOR_GET_CLASS (runner->processor);
  GError *error = NULL;

  atomic_store (&runner->processing, 1);
  if (atomic_load (&runner->paused))
    {
      atomic_store (&runner->processing, 0);
      runner->host->gate_passed (runner->host_data);
      return;
    }

  if (klass->process != NULL && !klass->process (runner->processor, &error))
    sl_runner_fail (runner, error, "process");

  atomic_store (&runner->processing, 0);
  if (atomic_load (&runner->paused))
    runner->host->gate_passed (runner->host_data);
}

/* A processor that ended only because its inputs did comes back when one of
 * them carries frames again (a new producer was linked while it ran). A
 * source that finished, or a failed processor, does not. */
static gboolean
sl_runner_can_resume (SlRunner *runner,
                      gboolean  any_linked,
                      gboolean  all_eos)
{
  return runner->eos_sent && runner->setup_ok && any_linked && !all_eos &&
         !atomic_load (&runner->finish_requested) &&
         atomic_load (&runner->state) != SL_PROCESSOR_STATE_FAILED;
}

static void
sl_runner_resume_stream (SlRunner *runner)
{
  GPtrArray *outputs = sl_processor_get_output_ports (runner->processor);

  runner->eos_sent = FALSE;
  for (guint i = 0; i < outputs->len; i++)
    _sl_output_port_clear_eos (g_ptr_array_index (outputs, i));
  runner->host->finished (runner->host_data, runner, FALSE);
}

static gboolean
sl_runner_is_done (SlRunner *runner)
{
  return runner->eos_sent || !runner->setup_ok ||
         atomic_load (&runner->state) == SL_PROCESSOR_STATE_FAILED;
}

/* One turn of the loop: what to do next and, for a wait, until when. */
static SlIterate
sl_runner_turn (SlRunner *runner,
                gint64   *wait_until)
{
  gboolean any_linked, all_eos, has_frames;

  *wait_until = -1;

  sl_runner_run_controls (runner);

  if (atomic_load (&runner->stop_requested))
    return SL_ITERATE_EXIT;

  if (!runner->setup_ok && atomic_load (&runner->state) == SL_PROCESSOR_STATE_SPAWNED)
    {
      sl_runner_setup (runner);
      return SL_ITERATE_AGAIN;
    }

  has_frames = sl_runner_inputs (runner, &any_linked, &all_eos);

  if (atomic_load (&runner->finish_requested) && !runner->eos_sent)
    sl_runner_send_eos (runner);
  else if (sl_runner_can_resume (runner, any_linked, all_eos))
    sl_runner_resume_stream (runner);

  if (atomic_load (&runner->drain_requested))
    {
      /* Sources stop at once; the others finish their input first. */
      if (sl_runner_is_done (runner) || !any_linked || all_eos)
        return SL_ITERATE_EXIT;
    }

  if (sl_runner_is_done (runner))
    return SL_ITERATE_WAIT;

  if (atomic_load (&runner->paused))
    {
      sl_runner_set_state (runner, SL_PROCESSOR_STATE_PAUSED);
      runner->host->gate_passed (runner->host_data);
      return SL_ITERATE_WAIT;
    }
  sl_runner_set_state (runner,
                       atomic_load (&runner->drain_requested) ? SL_PROCESSOR_STATE_DRAINING
                                                              : SL_PROCESSOR_STATE_RUNNING);

  switch (runner->mode)
    {
    case SL_EXECUTION_CONTINUOUS:
      {
        gint64 interval = atomic_load (&runner->interval);

        if (interval > 0)
          {
            gint64 now = g_get_monotonic_time ();

            if (now < runner->next_tick)
              {
                *wait_until = runner->next_tick;
                return SL_ITERATE_WAIT;
              }
            /* Do not try to catch up after a stall: keep the period. */
            runner->next_tick = MAX (runner->next_tick + interval, now);
          }
        sl_runner_process (runner);
        return SL_ITERATE_AGAIN;
      }

    case SL_EXECUTION_MANUAL:
      if (atomic_exchange (&runner->schedule_requested, FALSE))
        {
          sl_runner_process (runner);
          return SL_ITERATE_AGAIN;
        }
      return SL_ITERATE_WAIT;

    case SL_EXECUTION_REACTIVE:
    case SL_EXECUTION_MAIN_CONTEXT:
    default:
      /* Frames wake a reactive processor; so does sl_processor_schedule(),
       * which is how one fed by callbacks (or a JavaScript source, which has
       * no thread to loop on) asks for a turn. */
      if (has_frames || atomic_exchange (&runner->schedule_requested, FALSE))
        {
          sl_runner_process (runner);
          return SL_ITERATE_AGAIN;
        }
      if (all_eos)
        {
          /* Upstream has finished and everything it sent is processed: one
           * last call, with every input at end-of-stream, lets the
           * processor flush what it holds before the end goes downstream. */
          sl_runner_process (runner);
          sl_runner_send_eos (runner);
          return SL_ITERATE_AGAIN;
        }
      return SL_ITERATE_WAIT;
    }
}

/* Whether a sleeping runner has something to do: the wait's re-check. */
/* One turn, then the wake-ups it deferred: the thread may sleep next. */
static SlIterate
sl_runner_iterate (SlRunner *runner,
                   gint64   *wait_until)
{
  SlIterate next = sl_runner_turn (runner, wait_until);

  sl_runner_send_wakes (runner);
  return next;
}

static gboolean
sl_runner_has_work (gpointer user_data)
{
  SlRunner *runner = user_data;
  gboolean any_linked, all_eos, has_frames;

  if (atomic_load (&runner->n_controls) > 0 || atomic_load (&runner->stop_requested))
    return TRUE;

  if (runner->processor == NULL)
    return FALSE;

  /* A processor that failed in setup only waits to be stopped or drained. */
  if (!runner->setup_ok)
    return atomic_load (&runner->drain_requested);

  has_frames = sl_runner_inputs (runner, &any_linked, &all_eos);

  /* Draining: wake up to leave once the inputs have ended; until then, only
   * frames wake it (waking on the request alone would spin). */
  if (atomic_load (&runner->drain_requested) &&
      (sl_runner_is_done (runner) || !any_linked || all_eos))
    return TRUE;
  if (atomic_load (&runner->finish_requested) && !runner->eos_sent)
    return TRUE;
  if (sl_runner_can_resume (runner, any_linked, all_eos))
    return TRUE;
  if (sl_runner_is_done (runner))
    return FALSE;
  if (atomic_load (&runner->paused))
    return atomic_load (&runner->state) != SL_PROCESSOR_STATE_PAUSED;
  if (atomic_load (&runner->state) == SL_PROCESSOR_STATE_PAUSED)
    return TRUE;

  switch (runner->mode)
    {
    case SL_EXECUTION_CONTINUOUS:
      return FALSE;   /* woken by its deadline */
    case SL_EXECUTION_MANUAL:
      return atomic_load (&runner->schedule_requested);
    default:
      return has_frames || all_eos || atomic_load (&runner->schedule_requested);
    }
}

static void
sl_runner_finish_exit (SlRunner *runner)
{
  SlProcessor *processor;

  if (runner->processor != NULL)
    {
      /* A removal posts the unwiring, then asks to stop: the stop may be
       * seen first, but teardown must find the links gone. */
      sl_runner_run_controls (runner);
      sl_runner_teardown (runner);
    }

  sl_runner_send_wakes (runner);
  sl_mutex_lock (&runner->mutex);
  processor = g_steal_pointer (&runner->processor);
  runner->exited = TRUE;
  g_cond_broadcast (&runner->cond);
  sl_mutex_unlock (&runner->mutex);

  /* The instance dies where it lived, unless someone else holds it; then it
   * no longer belongs to a runner. */
  if (processor != NULL)
    _sl_processor_attach (processor, NULL, NULL);
  g_clear_object (&processor);

  runner->host->exited (runner->host_data, runner);
}

static void
sl_runner_apply_priority (SlRunner *runner)
{
  SlThreadPriority effective = SL_THREAD_PRIORITY_NORMAL;

  if (runner->priority == SL_THREAD_PRIORITY_REALTIME)
    {
      struct sched_param param = { .sched_priority = 10 };

      if (pthread_setschedparam (pthread_self (), SCHED_FIFO, &param) == 0)
        effective = SL_THREAD_PRIORITY_REALTIME;
    }
  if (runner->priority != SL_THREAD_PRIORITY_NORMAL && effective == SL_THREAD_PRIORITY_NORMAL)
    {
      if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), -10) == 0)
        effective = SL_THREAD_PRIORITY_HIGH;
    }

  atomic_store (&runner->effective_priority, effective);
}

/* Back to what a new thread has, before the thread waits for another
 * processor. */
static void
sl_runner_restore_priority (SlRunner *runner)
{
  SlThreadPriority effective = atomic_load (&runner->effective_priority);

  if (effective == SL_THREAD_PRIORITY_REALTIME)
    {
      struct sched_param param = { .sched_priority = 0 };

      pthread_setschedparam (pthread_self (), SCHED_OTHER, &param);
    }
  else if (effective == SL_THREAD_PRIORITY_HIGH)
    setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 0);
}

/* Runs @runner on the calling thread until its processor exits; consumes
 * the reference the thread was given. */
static void
sl_runner_run (SlRunner *runner)
{
  g_private_set (&current_runner, runner);
  sl_runner_apply_priority (runner);
  sl_runner_create (runner);

  /* The ready barrier: wait until the runtime has wired our links, which
   * it does as soon as we are created. */
  for (guint i = 0; i < SL_HANDOFF_YIELDS && !atomic_load (&runner->released) &&
       !atomic_load (&runner->stop_requested); i++)
    g_thread_yield ();
  sl_mutex_lock (&runner->mutex);
  while (!runner->released && !atomic_load (&runner->stop_requested))
    sl_cond_wait (&runner->cond, &runner->mutex);
  sl_mutex_unlock (&runner->mutex);

  for (;;)
    {
      gint64 wait_until;
      SlIterate next = sl_runner_iterate (runner, &wait_until);

      if (next == SL_ITERATE_EXIT)
        break;
      if (next == SL_ITERATE_WAIT)
        sl_waker_wait (runner->waker, sl_runner_has_work, runner, wait_until,
                       runner->spin_budget);
    }

  sl_runner_finish_exit (runner);
  sl_runner_restore_priority (runner);
  g_private_set (&current_runner, NULL);
  sl_runner_unref (runner);
}

/* ---- the thread pool ------------------------------------------------------ */

/* Parked threads kept per runtime: enough for a graph edit that replaces a
 * few processors; each costs its stack's resident pages. */
#define SL_THREAD_POOL_MAX_PARKED 4

struct _SlThreadPool
{
  SlRefCount refcount;
  GMutex     mutex;         /* guards the fields below it */
  GQueue     parked;        /* SlPoolThread*, the most recently parked last */
  gboolean   closed;
};

/* One pool thread: parked, or running a runner. */
typedef struct
{
  SlThreadPool *pool;
  GThread      *thread;     /* the thread's own reference, set under pool->mutex */
  GCond         cond;
  SlRunner     *runner;     /* under pool->mutex: handed over by sl_runner_new() */
  gboolean      evicted;    /* under pool->mutex: taken off the queue by a close */
} SlPoolThread;

SlThreadPool *
sl_thread_pool_new (void)
{
  SlThreadPool *pool = g_new0 (SlThreadPool, 1);

  sl_ref_count_init (&pool->refcount);
  g_mutex_init (&pool->mutex);
  g_queue_init (&pool->parked);
  return pool;
}

SlThreadPool *
sl_thread_pool_ref (SlThreadPool *pool)
{
  sl_ref_count_inc (&pool->refcount);
  return pool;
}

void
sl_thread_pool_unref (SlThreadPool *pool)
{
  if (!sl_ref_count_dec (&pool->refcount))
    return;

  /* Every parked thread holds a reference: none is left. */
  g_assert (g_queue_is_empty (&pool->parked));
  g_mutex_clear (&pool->mutex);
  g_free (pool);
}

/* Ends the parked threads and waits for them: they run no processor code,
 * so nothing can deadlock, and a disposed runtime leaves no thread behind.
 * Threads still running a processor end by themselves when it exits. */
void
sl_thread_pool_close (SlThreadPool *pool)
{
  g_autoptr(GPtrArray) joined = g_ptr_array_new ();
  SlPoolThread *parked;

  sl_mutex_lock (&pool->mutex);
  pool->closed = TRUE;
  while ((parked = g_queue_pop_head (&pool->parked)) != NULL)
    {
      parked->evicted = TRUE;
      g_ptr_array_add (joined, g_thread_ref (parked->thread));
      g_cond_signal (&parked->cond);
    }
  sl_mutex_unlock (&pool->mutex);

  for (guint i = 0; i < joined->len; i++)
    g_thread_join (g_ptr_array_index (joined, i));
}

static void
sl_thread_set_name (const char *name)
{
  /* Linux keeps 15 bytes of a thread name; the caller has cut it. */
  pthread_setname_np (pthread_self (), name);
}

static gpointer
sl_pool_thread_main (gpointer data)
{
  SlPoolThread *self = data;
  SlThreadPool *pool = self->pool;
  SlRunner *runner;
  GThread *thread;

  sl_mutex_lock (&pool->mutex);
  runner = g_steal_pointer (&self->runner);
  sl_mutex_unlock (&pool->mutex);

  for (;;)
    {
      if (runner != NULL)
        sl_runner_run (runner);

      /* Park, unless enough threads wait already. */
      sl_mutex_lock (&pool->mutex);
      if (pool->closed || pool->parked.length >= SL_THREAD_POOL_MAX_PARKED)
        {
          sl_mutex_unlock (&pool->mutex);
          break;
        }
      g_queue_push_tail (&pool->parked, self);
      sl_thread_set_name ("sl:parked");
      while (self->runner == NULL && !pool->closed)
        sl_cond_wait (&self->cond, &pool->mutex);
      runner = g_steal_pointer (&self->runner);
      if (runner == NULL)
        {
          /* Closed: the closer took us off the queue and joins us. */
          g_assert (self->evicted);
          sl_mutex_unlock (&pool->mutex);
          break;
        }
      sl_mutex_unlock (&pool->mutex);
      sl_thread_set_name (runner->thread_name);
    }

  /* Our reference: the last one, unless a closer joins us. */
  sl_mutex_lock (&pool->mutex);
  thread = g_steal_pointer (&self->thread);
  sl_mutex_unlock (&pool->mutex);
  g_thread_unref (thread);
  g_cond_clear (&self->cond);
  g_free (self);
  sl_thread_pool_unref (pool);
  return NULL;
}

/* Starts a pool thread that runs @runner (taking the reference), or parks
 * at once for NULL. */
static void
sl_thread_pool_spawn (SlThreadPool *pool,
                      const char   *name,
                      SlRunner     *runner)
{
  SlPoolThread *thread = g_new0 (SlPoolThread, 1);

  thread->pool = sl_thread_pool_ref (pool);
  g_cond_init (&thread->cond);
  /* Under the lock, which the new thread takes first: it sees both. The
   * runtime waits for a runner's `exited`, never joins a thread that runs
   * one; only sl_thread_pool_close() joins parked threads. */
  sl_mutex_lock (&pool->mutex);
  thread->runner = runner;
  thread->thread = g_thread_new (name, sl_pool_thread_main, thread);
  sl_mutex_unlock (&pool->mutex);
}

/* Hands @runner (a new reference) to a parked thread; FALSE if none waits. */
static gboolean
sl_thread_pool_take (SlThreadPool *pool,
                     SlRunner     *runner)
{
  SlPoolThread *thread;

  sl_mutex_lock (&pool->mutex);
  /* The most recently parked: its stack is the likeliest to be warm. */
  thread = pool->closed ? NULL : g_queue_pop_tail (&pool->parked);
  if (thread != NULL)
    {
      thread->runner = sl_runner_ref (runner);
      g_cond_signal (&thread->cond);
    }
  sl_mutex_unlock (&pool->mutex);

  return thread != NULL;
}

void
sl_thread_pool_add_spare (SlThreadPool *pool)
{
  gboolean needed;

  sl_mutex_lock (&pool->mutex);
  needed = !pool->closed && g_queue_is_empty (&pool->parked);
  sl_mutex_unlock (&pool->mutex);

  /* Two callers at once may both add one: still bounded by the parking
   * limit. */
  if (needed)
    sl_thread_pool_spawn (pool, "sl:parked", NULL);
}

typedef struct
{
  GSource       source;
  SlThreadPool *pool;
} SlSpareSource;

static gboolean
sl_spare_source_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  sl_thread_pool_add_spare (((SlSpareSource *) source)->pool);
  return G_SOURCE_CONTINUE;
}

static void
sl_spare_source_finalize (GSource *source)
{
  g_clear_pointer (&((SlSpareSource *) source)->pool, sl_thread_pool_unref);
}

static GSourceFuncs sl_spare_source_funcs = {
  .dispatch = sl_spare_source_dispatch,
  .finalize = sl_spare_source_finalize,
};

GSource *
sl_thread_pool_new_spare_source (SlThreadPool *pool)
{
  GSource *source = g_source_new (&sl_spare_source_funcs, sizeof (SlSpareSource));

  ((SlSpareSource *) source)->pool = sl_thread_pool_ref (pool);
  g_source_set_name (source, "SlThreadPool spare");
  /* Made when the context has nothing better to do. */
  g_source_set_priority (source, G_PRIORITY_LOW);
  return source;
}

/* Main-context runners: one source dispatch runs a bounded number of turns,
 * then yields to the rest of the main loop. */
static gboolean
sl_runner_source_dispatch (GSource     *source,
                           GSourceFunc  callback,
                           gpointer     user_data)
{
  g_autoptr(SlRunner) runner = NULL;
  SlRunner *previous = g_private_get (&current_runner);
  gboolean keep = G_SOURCE_CONTINUE;
  gboolean released;

  /* Pairs with the release before g_source_attach(): GLib's context lock,
   * which orders them, is invisible to TSan. */
  sl_tsan_acquire (source);
  runner = sl_runner_ref (((SlRunner **) (source + 1))[0]);

  g_private_set (&current_runner, runner);
  atomic_store (&runner->waker->sleeping, 0);
  g_source_set_ready_time (source, -1);

  if (!runner->created)
    sl_runner_create (runner);

  sl_mutex_lock (&runner->mutex);
  released = runner->released;
  sl_mutex_unlock (&runner->mutex);

  if (released || atomic_load (&runner->stop_requested))
    {
      for (guint turn = 0; turn < 64; turn++)
        {
          gint64 wait_until;
          SlIterate next = sl_runner_iterate (runner, &wait_until);

          if (next == SL_ITERATE_EXIT)
            {
              sl_runner_finish_exit (runner);
              keep = G_SOURCE_REMOVE;
              break;
            }
          if (next == SL_ITERATE_WAIT)
            {
              /* The deadline before the flag: a producer that sees the flag
               * makes the source ready after this, and only a ready time
               * of 0 follows here. Setting the deadline after the check
               * could undo a wake-up sent in between (the check missing
               * the work while the producer saw the flag). */
              g_source_set_ready_time (source, wait_until);
              atomic_store (&runner->waker->sleeping, 1);
              atomic_thread_fence (memory_order_seq_cst);
              if (sl_runner_has_work (runner))
                g_source_set_ready_time (source, 0);
              break;
            }
          if (turn == 63)
            g_source_set_ready_time (source, 0);
        }
    }
  else
    atomic_store (&runner->waker->sleeping, 1);

  g_private_set (&current_runner, previous);
  return keep;
}

static GSourceFuncs sl_runner_source_funcs = {
  .dispatch = sl_runner_source_dispatch,
};

SlRunner *
sl_runner_new (SlRuntime          *runtime,
               GThread            *home_thread,
               SlSpinBudget       *spin_budget,
               SlThreadPool       *thread_pool,
               const SlRunnerHost *host,
               gpointer            host_data,
               const char         *id,
               GType               type,
               GHashTable         *properties,
               GMainContext       *context)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);
  SlRunner *runner = g_new0 (SlRunner, 1);
  GHashTableIter iter;
  gpointer key, value;

  sl_ref_count_init (&runner->refcount);
  runner->runtime = runtime;
  runner->spin_budget = spin_budget;
  runner->home_thread = home_thread;
  runner->host = host;
  runner->host_data = host_data;
  runner->id = g_strdup (id);
  runner->type = type;
  runner->mode = sl_processor_class_get_execution_mode (SL_PROCESSOR_CLASS (klass));
  runner->priority = sl_processor_class_get_thread_priority (SL_PROCESSOR_CLASS (klass));
  g_mutex_init (&runner->mutex);
  g_cond_init (&runner->cond);
  g_queue_init (&runner->controls);
  runner->deferred_wakes = g_ptr_array_new_with_free_func ((GDestroyNotify) sl_link_unref);
  atomic_init (&runner->state, SL_PROCESSOR_STATE_NONE);
  atomic_init (&runner->interval, 0);

  runner->initial_names = g_ptr_array_new_with_free_func (g_free);
  runner->initial_values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_array_set_clear_func (runner->initial_values, (GDestroyNotify) g_value_unset);
  if (properties != NULL)
    {
      g_hash_table_iter_init (&iter, properties);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          GValue copy = G_VALUE_INIT;

          g_value_init (&copy, G_VALUE_TYPE ((GValue *) value));
          g_value_copy (value, &copy);
          g_ptr_array_add (runner->initial_names, g_strdup (key));
          g_array_append_val (runner->initial_values, copy);
        }
    }

  if (runner->mode == SL_EXECUTION_MAIN_CONTEXT)
    {
      runner->source = g_source_new (&sl_runner_source_funcs, sizeof (GSource) + sizeof (SlRunner *));
      ((SlRunner **) (runner->source + 1))[0] = runner;
      g_source_set_name (runner->source, id);
      g_source_set_priority (runner->source, G_PRIORITY_DEFAULT);
      runner->waker = sl_waker_new_for_source (runner->source);
      atomic_store (&runner->waker->sleeping, 1);
      g_source_set_ready_time (runner->source, 0);
      sl_tsan_release (runner->source);
      g_source_attach (runner->source, context);
    }
  else
    {
      char *name = g_strdup_printf ("sl:%s", id);

      /* Linux keeps 15 bytes of a thread name and refuses a longer one
       * outright: cut it ourselves, on a character boundary. */
      if (strlen (name) > 15)
        *g_utf8_find_prev_char (name, name + 16) = '\0';
      runner->thread_name = name;

      runner->waker = sl_waker_new ();
      /* The thread owns a reference. */
      if (!sl_thread_pool_take (thread_pool, runner))
        sl_thread_pool_spawn (thread_pool, name, sl_runner_ref (runner));
    }

  return runner;
}

void
sl_runner_wait_created (SlRunner *runner)
{
  sl_runner_flush_wakes ();
  if (runner->mode == SL_EXECUTION_MAIN_CONTEXT)
    {
      GMainContext *context = g_source_get_context (runner->source);
      gboolean created;

      /* A main-context processor is built by its source's first dispatch.
       * The thread that runs that context (the one that made the runtime)
       * builds it now instead, so it exists when the caller returns, as a
       * threaded one would. Any other thread does not wait: the context may
       * be the very thing it blocks, and acquiring an idle context would
       * build the instance on the wrong thread. */
      if (context == NULL || g_thread_self () != runner->home_thread ||
          !g_main_context_acquire (context))
        return;

      sl_mutex_lock (&runner->mutex);
      created = runner->created;
      sl_mutex_unlock (&runner->mutex);
      if (!created)
        {
          SlRunner *previous = g_private_get (&current_runner);

          g_private_set (&current_runner, runner);
          sl_runner_create (runner);
          g_private_set (&current_runner, previous);
        }
      g_main_context_release (context);
      return;
    }

  for (guint i = 0; i < SL_HANDOFF_YIELDS && !atomic_load (&runner->created); i++)
    g_thread_yield ();
  sl_mutex_lock (&runner->mutex);
  while (!runner->created)
    sl_cond_wait (&runner->cond, &runner->mutex);
  sl_mutex_unlock (&runner->mutex);
}

void
sl_runner_release (SlRunner *runner)
{
  sl_mutex_lock (&runner->mutex);
  runner->released = TRUE;
  g_cond_broadcast (&runner->cond);
  sl_mutex_unlock (&runner->mutex);
  sl_waker_wake (runner->waker);
}

void
sl_runner_post (SlRunner       *runner,
                SlControlFunc   func,
                gpointer        data,
                GDestroyNotify  destroy)
{
  SlControl *control = g_new0 (SlControl, 1);

  control->func = func;
  control->data = data;
  control->destroy = destroy;

  sl_mutex_lock (&runner->mutex);
  g_queue_push_tail (&runner->controls, control);
  atomic_fetch_add (&runner->n_controls, 1);
  sl_mutex_unlock (&runner->mutex);

  sl_waker_wake (runner->waker);
}

void
sl_runner_request_stop (SlRunner *runner)
{
  atomic_store (&runner->stop_requested, TRUE);
  sl_mutex_lock (&runner->mutex);
  g_cond_broadcast (&runner->cond);
  sl_mutex_unlock (&runner->mutex);
  sl_waker_wake (runner->waker);
}

void
sl_runner_request_drain (SlRunner *runner)
{
  atomic_store (&runner->drain_requested, TRUE);
  sl_waker_wake (runner->waker);
}

void
sl_runner_set_paused (SlRunner *runner,
                      gboolean  paused)
{
  atomic_store (&runner->paused, paused);
  sl_waker_wake (runner->waker);
}

/* Whether the runner cannot begin a process() call: it is outside one, or
 * stuck inside one waiting for room in a full SL_OVERFLOW_BLOCK link. */
gboolean
sl_runner_is_gated (SlRunner *runner)
{
  return atomic_load (&runner->processing) == 0 || atomic_load (&runner->blocked) != 0;
}

gboolean
sl_runner_wait_exited (SlRunner *runner,
                       gint64    end_time)
{
  gboolean exited;

  sl_runner_flush_wakes ();
  sl_mutex_lock (&runner->mutex);
  while (!runner->exited)
    if (!sl_cond_wait_until (&runner->cond, &runner->mutex, end_time))
      break;
  exited = runner->exited;
  sl_mutex_unlock (&runner->mutex);

  return exited;
}

SlProcessor *
sl_runner_dup_processor (SlRunner *runner)
{
  SlProcessor *processor;

  sl_mutex_lock (&runner->mutex);
  processor = runner->processor != NULL ? g_object_ref (runner->processor) : NULL;
  sl_mutex_unlock (&runner->mutex);

  return processor;
}

typedef struct
{
  char   *port;
  SlLink *link;
  char   *name;
  GValue  value;
} SlWiring;

static void
sl_wiring_free (gpointer data)
{
  SlWiring *wiring = data;

  g_free (wiring->port);
  g_free (wiring->name);
  g_clear_pointer (&wiring->link, sl_link_unref);
  if (G_IS_VALUE (&wiring->value))
    g_value_unset (&wiring->value);
  g_free (wiring);
}

static SlWiring *
sl_wiring_new (const char *port,
               SlLink     *link)
{
  SlWiring *wiring = g_new0 (SlWiring, 1);

  wiring->port = g_strdup (port);
  wiring->link = link != NULL ? sl_link_ref (link) : NULL;
  return wiring;
}

static void
sl_control_add_output (SlRunner *runner,
                       gpointer  data)
{
  SlWiring *wiring = data;
  SlOutputPort *port = sl_processor_get_output_port (runner->processor, wiring->port);

  _sl_output_port_add_link (port, wiring->link);
  /* A consumer that joins after we finished must still see the end. */
  if (runner->eos_sent)
    sl_link_push_eos (wiring->link);
}

static void
sl_control_remove_output (SlRunner *runner,
                          gpointer  data)
{
  SlWiring *wiring = data;
  SlOutputPort *port = sl_processor_get_output_port (runner->processor, wiring->port);

  _sl_output_port_remove_link (port, wiring->link);
}

static void
sl_control_set_input (SlRunner *runner,
                      gpointer  data)
{
  SlWiring *wiring = data;
  SlInputPort *port = sl_processor_get_input_port (runner->processor, wiring->port);

  if (wiring->link != NULL)
    {
      sl_link_set_consumer_waker (wiring->link, runner->waker);
      /* A failed processor pops nothing: its producer must not wait. */
      if (atomic_load (&runner->state) == SL_PROCESSOR_STATE_FAILED)
        sl_link_close (wiring->link);
    }
  _sl_input_port_set_link (port, wiring->link);
}

static void
sl_control_set_property (SlRunner *runner,
                         gpointer  data)
{
  SlWiring *wiring = data;

  g_object_set_property (G_OBJECT (runner->processor), wiring->name, &wiring->value);
}

void
sl_runner_post_add_output (SlRunner   *runner,
                           const char *port,
                           SlLink     *link)
{
  sl_runner_post (runner, sl_control_add_output, sl_wiring_new (port, link), sl_wiring_free);
}

void
sl_runner_post_remove_output (SlRunner   *runner,
                              const char *port,
                              SlLink     *link)
{
  sl_runner_post (runner, sl_control_remove_output, sl_wiring_new (port, link), sl_wiring_free);
}

void
sl_runner_post_set_input (SlRunner   *runner,
                          const char *port,
                          SlLink     *link)
{
  sl_runner_post (runner, sl_control_set_input, sl_wiring_new (port, link), sl_wiring_free);
}

void
sl_runner_post_set_property (SlRunner     *runner,
                             const char   *name,
                             const GValue *value)
{
  SlWiring *wiring = sl_wiring_new (NULL, NULL);

  wiring->name = g_strdup (name);
  g_value_init (&wiring->value, G_VALUE_TYPE (value));
  g_value_copy (value, &wiring->value);
  sl_runner_post (runner, sl_control_set_property, wiring, sl_wiring_free);
}
