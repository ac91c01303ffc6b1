/* sl-runner-private.h: the loop that runs one processor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdatomic.h>
#include <glib-object.h>

#include "sl-refcount-private.h"

#include "sl-enums.h"
#include "sl-link-private.h"
#include "sl-processor-private.h"
#include "sl-waker-private.h"

G_BEGIN_DECLS

/* A runner owns one processor instance and the thread (or main-context
 * source) it runs on. Everything that touches the instance — construction,
 * wiring of its ports, property changes, setup/process/teardown — happens
 * there, in the order it was asked for: other threads post *controls* to the
 * runner's queue and wake it. That is why port wiring needs no lock and why
 * no lock is ever held while processor code runs. */

typedef void (*SlControlFunc) (SlRunner *runner,
                               gpointer  data);

typedef struct
{
  /* Called on the runner's thread (or main context); the host queues
   * whatever it reports for its own main context. */
  void (*state_changed) (gpointer user_data, SlRunner *runner, SlProcessorState state);
  void (*failed)        (gpointer user_data, SlRunner *runner, const GError *error);
  void (*exited)        (gpointer user_data, SlRunner *runner);
  /* The runner sent end-of-stream on its outputs (a source that finished, a
   * processor whose inputs all ended, or one that failed), or, with
   * @finished FALSE, came back to life because a new input was linked. */
  void (*finished)      (gpointer user_data, SlRunner *runner, gboolean finished);
  void (*gate_passed)   (gpointer user_data);
} SlRunnerHost;

/* Threads of one runtime that wait, parked, for a processor to run. A
 * processor added while the graph runs starts on one of them instead of on
 * a new thread: creating a thread costs more than the rest of an insertion.
 * A runner's thread parks when its processor exits, up to a few; the rest
 * end. Closing the pool ends the parked threads. */
typedef struct _SlThreadPool SlThreadPool;

SlThreadPool     *sl_thread_pool_new        (void);
SlThreadPool     *sl_thread_pool_ref        (SlThreadPool       *pool);
void              sl_thread_pool_unref      (SlThreadPool       *pool);
/* Any thread. */
void              sl_thread_pool_close      (SlThreadPool       *pool);
/* Starts a parked thread unless one is waiting already. */
void              sl_thread_pool_add_spare  (SlThreadPool       *pool);
/* A source that calls sl_thread_pool_add_spare() when it is made ready
 * (g_source_set_ready_time (source, 0), from any thread), so that whoever
 * adds processors never waits for a thread to be made. Attach it on the
 * thread that runs the context. */
GSource          *sl_thread_pool_new_spare_source (SlThreadPool *pool);

struct _SlRunner
{
  SlRefCount       refcount;
  char            *id;
  GType            type;
  SlExecutionMode  mode;
  SlThreadPriority priority;
  const SlRunnerHost *host;
  gpointer         host_data;
  SlRuntime       *runtime;
  SlSpinBudget    *spin_budget;     /* the runtime's */
  char            *thread_name;     /* "sl:<id>", cut to what Linux keeps */
  GThread         *home_thread;     /* the thread that made the runtime */

  /* Construction properties, consumed on the runner's thread. */
  GPtrArray       *initial_names;
  GArray          *initial_values;

  SlProcessor     *processor;       /* the runner's thread's */
  GSource         *source;          /* main-context runners */
  SlWaker         *waker;

  GMutex           mutex;           /* guards the fields below it */
  GCond            cond;
  GQueue           controls;
  atomic_bool      created;         /* written under the mutex, read */
  atomic_bool      released;        /* without it to spin briefly */
  gboolean         exited;

  atomic_int       n_controls;
  atomic_int       state;
  atomic_bool      stop_requested;
  atomic_bool      drain_requested;
  atomic_bool      paused;
  atomic_int       processing;
  atomic_int       blocked;
  atomic_bool      finish_requested;
  atomic_bool      schedule_requested;
  atomic_int_fast64_t interval;
  atomic_int       effective_priority;

  /* The runner's thread's own. */
  GPtrArray       *deferred_wakes;  /* SlLink*: consumers to wake before we stop */
  gboolean         setup_ok;
  gboolean         eos_sent;
  gint64           next_tick;
};

SlRunner         *sl_runner_new            (SlRuntime          *runtime,
                                            GThread            *home_thread,
                                            SlSpinBudget       *spin_budget,
                                            SlThreadPool       *thread_pool,
                                            const SlRunnerHost *host,
                                            gpointer            host_data,
                                            const char         *id,
                                            GType               type,
                                            GHashTable         *properties,
                                            GMainContext       *context);
SlRunner         *sl_runner_ref            (SlRunner           *runner);
void              sl_runner_unref          (SlRunner           *runner);

/* Any thread. */
void              sl_runner_wait_created   (SlRunner           *runner);
void              sl_runner_release        (SlRunner           *runner);
void              sl_runner_post           (SlRunner           *runner,
                                            SlControlFunc       func,
                                            gpointer            data,
                                            GDestroyNotify      destroy);
void              sl_runner_request_stop   (SlRunner           *runner);
void              sl_runner_request_drain  (SlRunner           *runner);
void              sl_runner_set_paused     (SlRunner           *runner,
                                            gboolean            paused);
gboolean          sl_runner_is_gated       (SlRunner           *runner);
gboolean          sl_runner_wait_exited    (SlRunner           *runner,
                                            gint64              end_time);
SlProcessor      *sl_runner_dup_processor  (SlRunner           *runner);
gboolean          sl_runner_is_current     (SlRunner           *runner);
SlRunner         *sl_runner_get_current    (void);

/* Frames a processor pushes while it runs wake their sleeping consumers in
 * one go: when the link is half full, when the processor finds an input
 * empty, and at the latest before its thread stops or waits for anything
 * (the end of a turn, a blocked push, a wait inside the runtime), so that a
 * consumer wakes once for a batch instead of once per frame. Returns FALSE
 * (nothing deferred) off a runner's thread: wake at once. */
gboolean          sl_runner_defer_wake     (SlLink             *link);
/* Sends the wake-ups the calling thread's runner deferred, if any. */
void              sl_runner_flush_wakes    (void);

/* Controls: wiring and settings, applied on the runner's thread. */
void              sl_runner_post_add_output    (SlRunner *runner, const char *port, SlLink *link);
void              sl_runner_post_remove_output (SlRunner *runner, const char *port, SlLink *link);
void              sl_runner_post_set_input     (SlRunner *runner, const char *port, SlLink *link);
void              sl_runner_post_set_property  (SlRunner *runner, const char *name, const GValue *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlRunner, sl_runner_unref)

G_END_DECLS
