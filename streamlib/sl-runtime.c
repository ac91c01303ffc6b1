/* sl-runtime.c: runs a graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>

#include "sl-enum-types.h"
#include "sl-error.h"
#include "sl-graph-private.h"
#include "sl-library-private.h"
#include "sl-link-private.h"
#include "sl-link-stats-private.h"
#include "sl-lock-private.h"
#include "sl-runner-private.h"
#include "sl-runtime-private.h"

/**
 * SlRuntime:
 *
 * Runs a graph of processors and keeps it running while it is edited.
 *
 * A runtime owns a [class@Streamlib.Graph], the *desired state*, and
 * reconciles its *actual state* — one thread per processor (`sl:<id>`),
 * wired links — to it. Edits (`add`, `remove`, `set`, `link`, `unlink`,
 * `configure_link`) are the same calls whether the runtime is idle, running
 * or paused. With [enum@Streamlib.CommitMode.AUTO] each edit of a started
 * runtime is applied at once; with [enum@Streamlib.CommitMode.MANUAL] edits
 * are batched until [method@Streamlib.Runtime.commit]. A failed edit returns
 * an error in %SL_ERROR and changes nothing.
 *
 * A commit applies the difference between desired and actual state in this
 * order: unwire removed links, shut down removed processors, spawn added
 * processors (each instance is created on its own thread, which then
 * signals it is ready), wire added links, release the new threads to run
 * `setup`, apply property changes (on each processor's thread, between two
 * `process` calls), and apply link changes (capacity and overflow policy,
 * keeping the frames in flight in order).
 *
 * Signals and property notifications are emitted on the #GMainContext that
 * was the thread-default context when the runtime was created, in order,
 * never on a processor thread: a GTK application can touch its widgets from
 * the handlers.
 *
 * Threading: every method may be called from any thread, including from a
 * processor's own `setup`, `process` or `teardown`: the runtime holds no lock
 * while processor code runs, so nothing deadlocks. Calls that wait (`start`,
 * `pause`, `stop`) do not wait when called from a processor thread: they
 * take effect and return, and the signals tell when they are complete.
 *
 * Since: 1.0
 */

typedef enum {
  SL_EMIT_STATE,
  SL_EMIT_PROCESSOR_STATE,
  SL_EMIT_ERROR,
  SL_EMIT_COMMITTED,
  SL_EMIT_COMMIT_MODE,
  SL_EMIT_EOS,
} SlEmitKind;

typedef struct
{
  SlEmitKind        kind;
  SlRuntimeState    old_state;
  SlRuntimeState    new_state;
  char             *id;
  SlProcessorState  processor_state;
  GError           *error;
} SlEmission;

typedef struct
{
  SlRunner   *runner;
  GType       type;
  GHashTable *applied;   /* name → GValue*: property values sent to the runner */
  gboolean    finished;  /* the runner sent end-of-stream */
} SlActual;

typedef struct
{
  SlLink           *link;
  SlRunner         *producer;
  SlRunner         *consumer;
  char             *source_port;
  char             *target_port;
  guint             capacity;
  SlOverflowPolicy  policy;
} SlWired;

struct _SlRuntime
{
  GObject         parent_instance;

  SlRegistry     *registry;
  GMainContext   *context;
  GSource        *emit_source;

  GMutex          emit_mutex;
  GQueue          emissions;

  GMutex          lock;         /* guards everything below; never held while
                                 * processor code runs or while waiting */
  GCond           cond;         /* runner exits */
  SlGraph        *graph;
  SlCommitMode    commit_mode;
  SlRuntimeState  state;
  SlRuntimeState  target;       /* IDLE, RUNNING or PAUSED */
  gboolean        applied_paused;
  gboolean        reconciling;
  gboolean        dirty;        /* another round is needed */
  gboolean        graph_dirty;  /* that round must apply the graph too */
  GHashTable     *actual;       /* id → SlActual* */
  GHashTable     *wired;        /* link id → SlWired* */
  GPtrArray      *retiring;     /* SlRunner*: removed, not yet exited */
  guint           n_live;       /* runners not exited */
  guint           n_main_context;
  gboolean        eos_emitted;  /* in this run */

  GMutex          gate_mutex;
  GCond           gate_cond;

  SlSpinBudget    spin_budget;
  SlThreadPool   *thread_pool;  /* threads parked for the next processors */
  GSource        *spare_source; /* adds a parked thread, on the context */
  GThread        *home_thread;  /* made the runtime: runs its context */
};

G_DEFINE_FINAL_TYPE (SlRuntime, sl_runtime, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REGISTRY,
  PROP_STATE,
  PROP_COMMIT_MODE,
  N_PROPS
};

enum {
  STATE_CHANGED,
  PROCESSOR_STATE_CHANGED,
  ERROR,
  COMMITTED,
  EOS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
sl_emission_free (gpointer data)
{
  SlEmission *emission = data;

  g_free (emission->id);
  g_clear_error (&emission->error);
  g_free (emission);
}

static void
sl_actual_free (gpointer data)
{
  SlActual *actual = data;

  sl_runner_unref (actual->runner);
  g_hash_table_unref (actual->applied);
  g_free (actual);
}

static void
sl_wired_free (gpointer data)
{
  SlWired *wired = data;

  sl_link_unref (wired->link);
  sl_runner_unref (wired->producer);
  sl_runner_unref (wired->consumer);
  g_free (wired->source_port);
  g_free (wired->target_port);
  g_free (wired);
}

static void
gvalue_free (gpointer data)
{
  g_value_unset (data);
  g_free (data);
}

static GValue *
gvalue_dup (const GValue *value)
{
  GValue *copy = g_new0 (GValue, 1);

  g_value_init (copy, G_VALUE_TYPE (value));
  g_value_copy (value, copy);
  return copy;
}

/* Signals go through a queue drained by a source on the runtime's context. */
static void
sl_runtime_queue (SlRuntime  *self,
                  SlEmission *emission)
{
  sl_mutex_lock (&self->emit_mutex);
  g_queue_push_tail (&self->emissions, emission);
  sl_mutex_unlock (&self->emit_mutex);

  g_source_set_ready_time (self->emit_source, 0);
}

static void
sl_runtime_set_state_locked (SlRuntime      *self,
                             SlRuntimeState  state)
{
  SlEmission *emission;

  if (self->state == state)
    return;

  emission = g_new0 (SlEmission, 1);
  emission->kind = SL_EMIT_STATE;
  emission->old_state = self->state;
  emission->new_state = state;
  self->state = state;
  sl_runtime_queue (self, emission);
}

static gboolean
sl_runtime_emit_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  SlRuntime *self = ((SlRuntime **) (source + 1))[0];
  GQueue pending;
  SlEmission *emission;

  g_source_set_ready_time (source, -1);

  sl_mutex_lock (&self->emit_mutex);
  pending = self->emissions;
  g_queue_init (&self->emissions);
  sl_mutex_unlock (&self->emit_mutex);

  g_object_ref (self);
  while ((emission = g_queue_pop_head (&pending)) != NULL)
    {
      switch (emission->kind)
        {
        case SL_EMIT_STATE:
          g_signal_emit (self, signals[STATE_CHANGED], 0, emission->old_state, emission->new_state);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
          break;

        case SL_EMIT_PROCESSOR_STATE:
          g_signal_emit (self, signals[PROCESSOR_STATE_CHANGED], 0,
                         emission->id, emission->processor_state);
          break;

        case SL_EMIT_ERROR:
          g_signal_emit (self, signals[ERROR], 0, emission->id, emission->error);
          break;

        case SL_EMIT_COMMITTED:
          g_signal_emit (self, signals[COMMITTED], 0);
          break;

        case SL_EMIT_COMMIT_MODE:
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMIT_MODE]);
          break;

        case SL_EMIT_EOS:
          g_signal_emit (self, signals[EOS], 0);
          break;
        }
      sl_emission_free (emission);
    }
  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs sl_runtime_emit_funcs = {
  .dispatch = sl_runtime_emit_dispatch,
};

/* Runner callbacks: processor threads report here. */
static void
sl_runtime_runner_state_changed (gpointer          user_data,
                                 SlRunner         *runner,
                                 SlProcessorState  state)
{
  SlRuntime *self = user_data;
  SlEmission *emission = g_new0 (SlEmission, 1);

  emission->kind = SL_EMIT_PROCESSOR_STATE;
  emission->id = g_strdup (runner->id);
  emission->processor_state = state;
  sl_runtime_queue (self, emission);
}

static void
sl_runtime_runner_failed (gpointer      user_data,
                          SlRunner     *runner,
                          const GError *error)
{
  SlRuntime *self = user_data;
  SlEmission *emission = g_new0 (SlEmission, 1);

  emission->kind = SL_EMIT_ERROR;
  emission->id = g_strdup (runner->id);
  emission->error = g_error_copy (error);
  sl_runtime_queue (self, emission);
}

static void
sl_runtime_check_links_locked (SlRuntime *self)
{
  GHashTableIter iter;
  gpointer value;

  /* The counters must add up once everything has stopped. */
  g_hash_table_iter_init (&iter, self->wired);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SlWired *wired = value;
      g_autoptr(SlLinkStats) stats = sl_link_get_stats (wired->link);

      if (stats->pushed != stats->popped + stats->dropped + stats->queued)
        {
          SlEmission *emission = g_new0 (SlEmission, 1);
          g_autofree char *counts =
            g_strdup_printf ("%" G_GUINT64_FORMAT " ≠ %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT
                             " + %" G_GUINT64_FORMAT, stats->pushed, stats->popped,
                             stats->dropped, stats->queued);

          emission->kind = SL_EMIT_ERROR;
          emission->id = g_strdup (wired->link->id);
          /* Translators: the second %s is "pushed ≠ popped + dropped + queued" in numbers */
          emission->error = g_error_new (SL_ERROR, SL_ERROR_FAILED,
                                         _("Link “%s” lost frames (pushed ≠ popped + dropped + queued): %s"),
                                         wired->link->id, counts);
          sl_runtime_queue (self, emission);
        }
    }
}

static void
sl_runtime_runner_exited (gpointer  user_data,
                          SlRunner *runner)
{
  SlRuntime *self = user_data;

  sl_mutex_lock (&self->lock);
  g_ptr_array_remove (self->retiring, runner);
  if (runner->mode == SL_EXECUTION_MAIN_CONTEXT)
    self->n_main_context--;
  self->n_live--;
  if (self->n_live == 0 && self->target == SL_RUNTIME_STATE_IDLE &&
      self->state != SL_RUNTIME_STATE_IDLE)
    {
      sl_runtime_check_links_locked (self);
      g_hash_table_remove_all (self->actual);
      sl_runtime_set_state_locked (self, SL_RUNTIME_STATE_IDLE);
    }
  /* Wake a stop() iterating the main context, before unlocking: once the
   * lock is released the waiter may return and the runtime may be gone. */
  g_main_context_wakeup (self->context);
  g_cond_broadcast (&self->cond);
  sl_mutex_unlock (&self->lock);
}

static void
sl_runtime_runner_finished (gpointer  user_data,
                            SlRunner *runner,
                            gboolean  finished)
{
  SlRuntime *self = user_data;
  GHashTableIter iter;
  gpointer value;
  gboolean all = TRUE;

  sl_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->actual);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SlActual *actual = value;

      if (actual->runner == runner)
        actual->finished = finished;
      all &= actual->finished;
    }

  /* Everything ended by itself: say so once; the application decides
   * whether to stop. A stop under way is not an end of stream. */
  if (all && !self->eos_emitted && self->target != SL_RUNTIME_STATE_IDLE)
    {
      SlEmission *emission = g_new0 (SlEmission, 1);

      self->eos_emitted = TRUE;
      emission->kind = SL_EMIT_EOS;
      sl_runtime_queue (self, emission);
    }
  sl_mutex_unlock (&self->lock);
}

static void
sl_runtime_runner_gate_passed (gpointer user_data)
{
  SlRuntime *self = user_data;

  sl_mutex_lock (&self->gate_mutex);
  g_cond_broadcast (&self->gate_cond);
  sl_mutex_unlock (&self->gate_mutex);
}

static const SlRunnerHost sl_runtime_runner_host = {
  .state_changed = sl_runtime_runner_state_changed,
  .failed = sl_runtime_runner_failed,
  .exited = sl_runtime_runner_exited,
  .finished = sl_runtime_runner_finished,
  .gate_passed = sl_runtime_runner_gate_passed,
};

static gboolean
sl_values_equal (const GValue *a,
                 const GValue *b)
{
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;

  if (G_VALUE_TYPE (a) != G_VALUE_TYPE (b))
    return FALSE;
  if (gst_value_can_compare (a, b))
    return gst_value_compare (a, b) == GST_VALUE_EQUAL;

  text_a = gst_value_serialize (a);
  text_b = gst_value_serialize (b);
  return text_a != NULL && g_strcmp0 (text_a, text_b) == 0;
}

/* The actual processor for a node, if it runs the node's current factory.
 * The graph may change while the reconciler waits without the lock: what no
 * longer matches is left to the next round. */
static SlActual *
sl_runtime_lookup_current (SlRuntime  *self,
                           const char *id)
{
  SlGraphNode *node = _sl_graph_lookup_node (self->graph, id);
  SlActual *actual = g_hash_table_lookup (self->actual, id);

  if (node == NULL || actual == NULL || actual->type != node->type)
    return NULL;

  return actual;
}

/* Applies the delta between the graph and the actual state. Called with the
 * lock held; drops it only to wait for new threads to be ready. */
static void
sl_runtime_apply_delta_locked (SlRuntime *self,
                               gboolean   apply_graph)
{
  g_autoptr(GPtrArray) spawned = g_ptr_array_new_with_free_func ((GDestroyNotify) sl_runner_unref);
  gboolean paused = self->target == SL_RUNTIME_STATE_PAUSED;
  GHashTableIter iter;
  gpointer key, value;
  GPtrArray *nodes, *links;

  if (!apply_graph)
    goto gate;

  /* 1. Unwire removed links, and links whose ends go away. */
  g_hash_table_iter_init (&iter, self->wired);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SlWired *wired = value;
      SlGraphLink *wanted = _sl_graph_lookup_link (self->graph, key);
      SlGraphNode *producer = wanted ? _sl_graph_lookup_node (self->graph, wanted->source_node) : NULL;
      SlGraphNode *consumer = wanted ? _sl_graph_lookup_node (self->graph, wanted->target_node) : NULL;
      SlActual *producer_actual = producer ? g_hash_table_lookup (self->actual, producer->id) : NULL;
      SlActual *consumer_actual = consumer ? g_hash_table_lookup (self->actual, consumer->id) : NULL;

      if (wanted != NULL &&
          producer_actual != NULL && producer_actual->type == producer->type &&
          producer_actual->runner == wired->producer &&
          consumer_actual != NULL && consumer_actual->type == consumer->type &&
          consumer_actual->runner == wired->consumer)
        continue;

      sl_link_close (wired->link);
      sl_runner_post_remove_output (wired->producer, wired->source_port, wired->link);
      sl_runner_post_set_input (wired->consumer, wired->target_port, NULL);
      g_hash_table_iter_remove (&iter);
    }

  /* 2. Shut down removed processors (and those whose factory changed). */
  g_hash_table_iter_init (&iter, self->actual);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SlActual *actual = value;
      SlGraphNode *node = _sl_graph_lookup_node (self->graph, key);

      if (node != NULL && node->type == actual->type)
        continue;

      sl_runner_request_stop (actual->runner);
      g_ptr_array_add (self->retiring, sl_runner_ref (actual->runner));
      g_hash_table_iter_remove (&iter);
    }

  /* 3. Spawn added processors; each creates its instance on its thread. */
  nodes = _sl_graph_get_nodes (self->graph);
  for (guint i = 0; i < nodes->len; i++)
    {
      SlGraphNode *node = g_ptr_array_index (nodes, i);
      SlActual *actual;

      if (g_hash_table_contains (self->actual, node->id))
        continue;

      actual = g_new0 (SlActual, 1);
      actual->type = node->type;
      actual->applied = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, gvalue_free);
      g_hash_table_iter_init (&iter, node->properties);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (actual->applied, g_strdup (key), gvalue_dup (value));

      actual->runner = sl_runner_new (self, self->home_thread, &self->spin_budget, self->thread_pool,
                                      &sl_runtime_runner_host, self, node->id,
                                      node->type, node->properties, self->context);
      if (paused)
        sl_runner_set_paused (actual->runner, TRUE);
      if (actual->runner->mode == SL_EXECUTION_MAIN_CONTEXT)
        self->n_main_context++;
      self->n_live++;
      g_hash_table_insert (self->actual, g_strdup (node->id), actual);
      g_ptr_array_add (spawned, sl_runner_ref (actual->runner));
    }

  /* 4. Wire added links. A new processor's thread builds its instance
   * meanwhile: the wiring is posted to it as controls, which it runs once
   * the instance exists and before setup, so nothing waits for it here.
   * Whatever is not spawned yet is left for the next round. */
  links = _sl_graph_get_links (self->graph);
  for (guint i = 0; i < links->len; i++)
    {
      SlGraphLink *link = g_ptr_array_index (links, i);
      SlActual *producer, *consumer;
      SlWired *wired;

      if (g_hash_table_contains (self->wired, link->id))
        continue;

      producer = sl_runtime_lookup_current (self, link->source_node);
      consumer = sl_runtime_lookup_current (self, link->target_node);
      if (producer == NULL || consumer == NULL)
        {
          self->dirty = TRUE;
          continue;
        }

      wired = g_new0 (SlWired, 1);
      wired->link = sl_link_new (link->id, link->capacity, link->policy);
      wired->producer = sl_runner_ref (producer->runner);
      wired->consumer = sl_runner_ref (consumer->runner);
      wired->source_port = g_strdup (link->source_port);
      wired->target_port = g_strdup (link->target_port);
      wired->capacity = link->capacity;
      wired->policy = link->policy;
      /* The consumer first, so no frame waits in a link nobody will wake. */
      sl_runner_post_set_input (consumer->runner, link->target_port, wired->link);
      sl_runner_post_add_output (producer->runner, link->source_port, wired->link);
      g_hash_table_insert (self->wired, g_strdup (link->id), wired);
    }

  /* 5. Release the new threads to run setup. */
  for (guint i = 0; i < spawned->len; i++)
    sl_runner_release (g_ptr_array_index (spawned, i));

  /* A thread waits, parked, for the next processor added while the graph
   * runs, made when the main context has nothing better to do. */
  if (spawned->len > 0)
    g_source_set_ready_time (self->spare_source, 0);

  /* 6. Property changes, on each processor's own thread. */
  for (guint i = 0; i < nodes->len; i++)
    {
      SlGraphNode *node = g_ptr_array_index (nodes, i);
      SlActual *actual = sl_runtime_lookup_current (self, node->id);

      if (actual == NULL)
        {
          self->dirty = TRUE;
          continue;
        }

      g_hash_table_iter_init (&iter, node->properties);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          GValue *applied = g_hash_table_lookup (actual->applied, key);

          if (applied != NULL && sl_values_equal (applied, value))
            continue;

          sl_runner_post_set_property (actual->runner, key, value);
          g_hash_table_insert (actual->applied, g_strdup (key), gvalue_dup (value));
        }

      /* A value no longer in the graph (the node was replaced, or a JSON
       * reload left it out) goes back to the processor's default. */
      g_hash_table_iter_init (&iter, actual->applied);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_autoptr(GTypeClass) klass = NULL;
          g_auto(GValue) reset = G_VALUE_INIT;
          GParamSpec *pspec;

          if (g_hash_table_contains (node->properties, key))
            continue;

          klass = g_type_class_ref (node->type);
          pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), key);
          g_value_init (&reset, pspec->value_type);
          g_param_value_set_default (pspec, &reset);
          sl_runner_post_set_property (actual->runner, key, &reset);
          g_hash_table_iter_remove (&iter);
        }
    }

  /* 7. Link changes: the producer switches rings at its next push (even one
   * it is blocked in), frames kept in order. */
  g_hash_table_iter_init (&iter, self->wired);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SlWired *wired = value;
      SlGraphLink *link = _sl_graph_lookup_link (self->graph, key);

      if (link == NULL)
        {
          /* Unlinked while we waited: the next round unwires it. */
          self->dirty = TRUE;
          continue;
        }
      if (link->capacity == wired->capacity && link->policy == wired->policy)
        continue;

      sl_link_configure (wired->link, link->capacity, link->policy);
      wired->capacity = link->capacity;
      wired->policy = link->policy;
    }

gate:
  /* Pause gate. */
  if (paused != self->applied_paused)
    {
      g_hash_table_iter_init (&iter, self->actual);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        sl_runner_set_paused (((SlActual *) value)->runner, paused);
      self->applied_paused = paused;
    }

  /* The ready barrier, without the lock (instance construction is processor
   * code and may call back into the runtime): the new instances exist when
   * the caller returns. Waiting last lets each new thread build, wire and
   * set up in one go, with no hand-off back to us in between. */
  if (spawned->len > 0)
    {
      sl_mutex_unlock (&self->lock);
      for (guint i = 0; i < spawned->len; i++)
        sl_runner_wait_created (g_ptr_array_index (spawned, i));
      sl_mutex_lock (&self->lock);
    }
}

/* Brings the actual state to the desired one: the pause gate always, the
 * graph when @apply_graph (a commit, a start, or an edit in automatic mode).
 * Only one thread reconciles at a time; a call made meanwhile (from
 * processor code, say) marks the work dirty and returns, and the reconciling
 * thread does another round. */
static void
sl_runtime_reconcile (SlRuntime *self,
                      gboolean   apply_graph)
{
  gboolean applied = FALSE;

  sl_mutex_lock (&self->lock);
  self->graph_dirty |= apply_graph;
  if (self->reconciling)
    {
      self->dirty = TRUE;
      sl_mutex_unlock (&self->lock);
      return;
    }

  self->reconciling = TRUE;
  do
    {
      gboolean graph = self->graph_dirty;

      self->dirty = FALSE;
      self->graph_dirty = FALSE;
      if (self->target != SL_RUNTIME_STATE_IDLE)
        {
          sl_runtime_apply_delta_locked (self, graph);
          applied |= graph;
        }
    }
  while (self->dirty && self->target != SL_RUNTIME_STATE_IDLE);
  self->reconciling = FALSE;

  if (self->target != SL_RUNTIME_STATE_IDLE)
    sl_runtime_set_state_locked (self, self->target);

  if (applied)
    {
      SlEmission *emission = g_new0 (SlEmission, 1);

      emission->kind = SL_EMIT_COMMITTED;
      sl_runtime_queue (self, emission);
    }
  sl_mutex_unlock (&self->lock);
}

static void
sl_runtime_changed (SlRuntime *self)
{
  gboolean apply;

  sl_mutex_lock (&self->lock);
  apply = self->commit_mode == SL_COMMIT_AUTO && self->target != SL_RUNTIME_STATE_IDLE;
  sl_mutex_unlock (&self->lock);

  if (apply)
    sl_runtime_reconcile (self, TRUE);
}

static void
sl_runtime_dispose (GObject *object)
{
  SlRuntime *self = SL_RUNTIME (object);

  if (self->graph != NULL)
    sl_runtime_stop (self, SL_STOP_IMMEDIATE, NULL);
  if (self->spare_source != NULL)
    {
      g_source_destroy (self->spare_source);
      g_clear_pointer (&self->spare_source, g_source_unref);
    }
  if (self->thread_pool != NULL)
    sl_thread_pool_close (self->thread_pool);

  if (self->emit_source != NULL)
    {
      g_source_destroy (self->emit_source);
      g_clear_pointer (&self->emit_source, g_source_unref);
    }

  G_OBJECT_CLASS (sl_runtime_parent_class)->dispose (object);
}

static void
sl_runtime_finalize (GObject *object)
{
  SlRuntime *self = SL_RUNTIME (object);

  g_queue_clear_full (&self->emissions, sl_emission_free);
  g_clear_pointer (&self->wired, g_hash_table_unref);
  g_clear_pointer (&self->actual, g_hash_table_unref);
  g_clear_pointer (&self->retiring, g_ptr_array_unref);
  g_clear_pointer (&self->thread_pool, sl_thread_pool_unref);
  g_clear_object (&self->graph);
  g_clear_object (&self->registry);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->emit_mutex);
  g_mutex_clear (&self->gate_mutex);
  g_cond_clear (&self->gate_cond);

  G_OBJECT_CLASS (sl_runtime_parent_class)->finalize (object);
}

static void
sl_runtime_constructed (GObject *object)
{
  SlRuntime *self = SL_RUNTIME (object);

  G_OBJECT_CLASS (sl_runtime_parent_class)->constructed (object);

  if (self->registry == NULL)
    self->registry = sl_registry_new ();
  self->graph = sl_graph_new (self->registry);

  self->context = g_main_context_ref_thread_default ();
  self->home_thread = g_thread_self ();
  self->emit_source = g_source_new (&sl_runtime_emit_funcs, sizeof (GSource) + sizeof (SlRuntime *));
  /* The source does not reference us: dispose destroys it first. */
  ((SlRuntime **) (self->emit_source + 1))[0] = self;
  g_source_set_name (self->emit_source, "SlRuntime signals");
  g_source_set_priority (self->emit_source, G_PRIORITY_DEFAULT);
  g_source_attach (self->emit_source, self->context);

  self->spare_source = sl_thread_pool_new_spare_source (self->thread_pool);
  g_source_attach (self->spare_source, self->context);
}

static void
sl_runtime_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SlRuntime *self = SL_RUNTIME (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;

    case PROP_STATE:
      g_value_set_enum (value, sl_runtime_get_state (self));
      break;

    case PROP_COMMIT_MODE:
      g_value_set_enum (value, sl_runtime_get_commit_mode (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_runtime_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SlRuntime *self = SL_RUNTIME (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      self->registry = g_value_dup_object (value);
      break;

    case PROP_COMMIT_MODE:
      sl_runtime_set_commit_mode (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_runtime_class_init (SlRuntimeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sl_runtime_constructed;
  object_class->dispose = sl_runtime_dispose;
  object_class->finalize = sl_runtime_finalize;
  object_class->get_property = sl_runtime_get_property;
  object_class->set_property = sl_runtime_set_property;

  /**
   * SlRuntime:registry:
   *
   * The registry that resolves factory names. A runtime made without one
   * creates its own with [ctor@Streamlib.Registry.new].
   *
   * Since: 1.0
   */
  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, SL_TYPE_REGISTRY,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SlRuntime:state:
   *
   * The lifecycle state. Notified on the runtime's main context.
   *
   * Since: 1.0
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SL_TYPE_RUNTIME_STATE, SL_RUNTIME_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SlRuntime:commit-mode:
   *
   * When edits reach a started runtime's processors.
   *
   * Since: 1.0
   */
  properties[PROP_COMMIT_MODE] =
    g_param_spec_enum ("commit-mode", NULL, NULL, SL_TYPE_COMMIT_MODE, SL_COMMIT_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SlRuntime::state-changed:
   * @self: the runtime
   * @old_state: the previous state
   * @new_state: the new state
   *
   * The runtime's lifecycle state changed. Emitted on the runtime's main
   * context.
   *
   * Since: 1.0
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  SL_TYPE_RUNTIME_STATE, SL_TYPE_RUNTIME_STATE);

  /**
   * SlRuntime::processor-state-changed:
   * @self: the runtime
   * @id: the node id
   * @state: the processor's new state
   *
   * A processor's lifecycle state changed. Emitted on the runtime's main
   * context, in the order the processor went through its states.
   *
   * Since: 1.0
   */
  signals[PROCESSOR_STATE_CHANGED] =
    g_signal_new ("processor-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, SL_TYPE_PROCESSOR_STATE);

  /**
   * SlRuntime::error:
   * @self: the runtime
   * @id: the node (or link) id the error is about
   * @error: the error
   *
   * A processor failed (its `setup`, `process` or `teardown` returned
   * %FALSE), or a link's counters did not add up at the end of a run. The
   * rest of the graph keeps running. Emitted on the runtime's main context.
   *
   * Since: 1.0
   */
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, G_TYPE_ERROR);

  /**
   * SlRuntime::committed:
   * @self: the runtime
   *
   * A commit was applied to the running processors. Emitted on the
   * runtime's main context.
   *
   * Since: 1.0
   */
  signals[COMMITTED] =
    g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * SlRuntime::eos:
   * @self: the runtime
   *
   * Every processor has reached its end of stream by itself: the sources
   * finished (see [method@Streamlib.Processor.finish]) and everything they
   * sent went through. Emitted once per run, on the runtime's main context;
   * nothing stops by itself: call [method@Streamlib.Runtime.stop] (a drain
   * then completes at once). Not emitted while the runtime stops.
   *
   * Since: 1.0
   */
  signals[EOS] =
    g_signal_new ("eos", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _sl_library_init ();
}

static void
sl_runtime_init (SlRuntime *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_mutex_init (&self->emit_mutex);
  g_mutex_init (&self->gate_mutex);
  g_cond_init (&self->gate_cond);
  g_queue_init (&self->emissions);
  sl_spin_budget_init (&self->spin_budget);
  self->thread_pool = sl_thread_pool_new ();
  self->actual = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sl_actual_free);
  self->wired = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sl_wired_free);
  self->retiring = g_ptr_array_new_with_free_func ((GDestroyNotify) sl_runner_unref);
}

/**
 * sl_runtime_new:
 *
 * Creates a runtime with its own registry (see [ctor@Streamlib.Registry.new]).
 * The runtime remembers the calling thread's thread-default #GMainContext and
 * emits its signals there.
 *
 * Returns: (transfer full): a new runtime
 *
 * Since: 1.0
 */
SlRuntime *
sl_runtime_new (void)
{
  return g_object_new (SL_TYPE_RUNTIME, NULL);
}

/**
 * sl_runtime_new_with_registry:
 * @registry: the registry resolving factory names
 *
 * Creates a runtime that resolves factories with @registry. The runtime
 * remembers the calling thread's thread-default #GMainContext and emits its
 * signals there.
 *
 * Returns: (transfer full): a new runtime
 *
 * Since: 1.0
 */
SlRuntime *
sl_runtime_new_with_registry (SlRegistry *registry)
{
  g_return_val_if_fail (SL_IS_REGISTRY (registry), NULL);

  return g_object_new (SL_TYPE_RUNTIME, "registry", registry, NULL);
}

/**
 * sl_runtime_get_registry:
 * @self: a runtime
 *
 * Any thread may call this.
 *
 * Returns: (transfer none): the registry resolving factory names
 *
 * Since: 1.0
 */
SlRegistry *
sl_runtime_get_registry (SlRuntime *self)
{
  g_return_val_if_fail (SL_IS_RUNTIME (self), NULL);

  return self->registry;
}

/**
 * sl_runtime_get_main_context:
 * @self: a runtime
 *
 * Any thread may call this.
 *
 * Returns: (transfer none): the context the runtime emits its signals on
 *
 * Since: 1.0
 */
GMainContext *
sl_runtime_get_main_context (SlRuntime *self)
{
  g_return_val_if_fail (SL_IS_RUNTIME (self), NULL);

  return self->context;
}

/**
 * sl_runtime_get_graph:
 * @self: a runtime
 *
 * Gets a copy of the desired graph, including edits not committed yet.
 * Editing the copy does not change the runtime; load it back with
 * [method@Streamlib.Runtime.load_from_data] if that is what you want.
 *
 * Any thread may call this.
 *
 * Returns: (transfer full): a copy of the graph
 *
 * Since: 1.0
 */
SlGraph *
sl_runtime_get_graph (SlRuntime *self)
{
  g_autoptr(SlMutex) locker = NULL;

  g_return_val_if_fail (SL_IS_RUNTIME (self), NULL);

  locker = sl_mutex_locker_new (&self->lock);
  return sl_graph_copy (self->graph);
}

/**
 * sl_runtime_add:
 * @self: a runtime
 * @factory: a factory name
 * @id: (nullable): the node id, or %NULL to make one from the factory name
 * @error: return location for a #GError
 *
 * Adds a processor node (see [method@Streamlib.Graph.add_node] for the
 * errors). In a started runtime with [enum@Streamlib.CommitMode.AUTO] the
 * processor instance exists, its links are wired and it is released to run
 * `setup` before this returns; `setup` then runs on the processor's own
 * thread (watch [signal@Streamlib.Runtime::processor-state-changed]). Not
 * waiting for it is what lets processor code add processors without
 * deadlocking.
 *
 * Any thread may call this, processor threads included.
 *
 * Returns: (transfer full) (nullable): the node's id, or %NULL on error
 *
 * Since: 1.0
 */
char *
sl_runtime_add (SlRuntime   *self,
                const char  *factory,
                const char  *id,
                GError     **error)
{
  char *added;

  g_return_val_if_fail (SL_IS_RUNTIME (self), NULL);
  g_return_val_if_fail (factory != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sl_mutex_lock (&self->lock);
  added = g_strdup (sl_graph_add_node (self->graph, factory, id, error));
  sl_mutex_unlock (&self->lock);

  if (added != NULL)
    sl_runtime_changed (self);
  return added;
}

/**
 * sl_runtime_remove:
 * @self: a runtime
 * @id: a node id
 * @error: return location for a #GError
 *
 * Removes a node and its links. In a started runtime its links are unwired
 * first, then the processor finishes its current `process` call, runs
 * `teardown` and its thread ends; this call does not wait for that (a
 * processor may remove itself).
 *
 * Any thread may call this, processor threads included.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_remove (SlRuntime   *self,
                   const char  *id,
                   GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  ok = sl_graph_remove_node (self->graph, id, error);
  sl_mutex_unlock (&self->lock);

  if (ok)
    sl_runtime_changed (self);
  return ok;
}

/**
 * sl_runtime_set_node_property:
 * @self: a runtime
 * @id: a node id
 * @name: a property name
 * @value: the new value
 * @error: return location for a #GError
 *
 * Sets a processor property. A running processor receives it on its own
 * thread, between two `process` calls.
 *
 * Any thread may call this, processor threads included.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_set_node_property (SlRuntime     *self,
                              const char    *id,
                              const char    *name,
                              const GValue  *value,
                              GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (id != NULL && name != NULL, FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  ok = sl_graph_set_node_property (self->graph, id, name, value, error);
  sl_mutex_unlock (&self->lock);

  if (ok)
    sl_runtime_changed (self);
  return ok;
}

/**
 * sl_runtime_set_node_property_from_string:
 * @self: a runtime
 * @id: a node id
 * @name: a property name
 * @value: the new value, as text
 * @error: return location for a #GError
 *
 * Like [method@Streamlib.Runtime.set_node_property], parsing @value as
 * [method@Streamlib.Graph.set_node_property_from_string] does.
 *
 * Any thread may call this, processor threads included.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_set_node_property_from_string (SlRuntime   *self,
                                          const char  *id,
                                          const char  *name,
                                          const char  *value,
                                          GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (id != NULL && name != NULL && value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  ok = sl_graph_set_node_property_from_string (self->graph, id, name, value, error);
  sl_mutex_unlock (&self->lock);

  if (ok)
    sl_runtime_changed (self);
  return ok;
}

/**
 * sl_runtime_link:
 * @self: a runtime
 * @source: the output, as `"node.port"` or `"node"`
 * @target: the input, as `"node.port"` or `"node"`
 * @error: return location for a #GError
 *
 * Links an output to an input (see [method@Streamlib.Graph.link] for the
 * errors).
 *
 * Any thread may call this, processor threads included.
 *
 * Returns: (transfer full) (nullable): the link id, or %NULL on error
 *
 * Since: 1.0
 */
char *
sl_runtime_link (SlRuntime   *self,
                 const char  *source,
                 const char  *target,
                 GError     **error)
{
  char *link;

  g_return_val_if_fail (SL_IS_RUNTIME (self), NULL);
  g_return_val_if_fail (source != NULL && target != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sl_mutex_lock (&self->lock);
  link = g_strdup (sl_graph_link (self->graph, source, target, error));
  sl_mutex_unlock (&self->lock);

  if (link != NULL)
    sl_runtime_changed (self);
  return link;
}

/**
 * sl_runtime_unlink:
 * @self: a runtime
 * @link: a link id
 * @error: return location for a #GError
 *
 * Removes a link. Frames still queued in it are dropped.
 *
 * Any thread may call this, processor threads included.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_unlink (SlRuntime   *self,
                   const char  *link,
                   GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (link != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  ok = sl_graph_unlink (self->graph, link, error);
  sl_mutex_unlock (&self->lock);

  if (ok)
    sl_runtime_changed (self);
  return ok;
}

/**
 * sl_runtime_configure_link:
 * @self: a runtime
 * @link: a link id
 * @capacity: the new capacity in frames, at least 1
 * @policy: the new overflow policy
 * @error: return location for a #GError
 *
 * Changes a link's capacity and overflow policy. On a running link the
 * change is made by the producer between two `process` calls; frames in
 * flight are kept and stay in order.
 *
 * Any thread may call this, processor threads included.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_configure_link (SlRuntime         *self,
                           const char        *link,
                           guint              capacity,
                           SlOverflowPolicy   policy,
                           GError           **error)
{
  gboolean ok;

  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (link != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  ok = sl_graph_configure_link (self->graph, link, capacity, policy, error);
  sl_mutex_unlock (&self->lock);

  if (ok)
    sl_runtime_changed (self);
  return ok;
}

/**
 * sl_runtime_load_from_data:
 * @self: a runtime
 * @data: a graph as JSON (see [method@Streamlib.Graph.to_json])
 * @length: the length of @data, or -1 if nul-terminated
 * @error: return location for a #GError
 *
 * Replaces the desired graph. In a started runtime only the difference is
 * applied: processors whose node kept its id and factory keep running. On
 * error nothing changes.
 *
 * Any thread may call this.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_load_from_data (SlRuntime   *self,
                           const char  *data,
                           gssize       length,
                           GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  ok = sl_graph_load_from_data (self->graph, data, length, error);
  sl_mutex_unlock (&self->lock);

  if (ok)
    sl_runtime_changed (self);
  return ok;
}

/**
 * sl_runtime_load_from_file:
 * @self: a runtime
 * @filename: (type filename): a JSON graph file
 * @error: return location for a #GError
 *
 * Like [method@Streamlib.Runtime.load_from_data], from a file.
 *
 * Any thread may call this.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_load_from_file (SlRuntime   *self,
                           const char  *filename,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (filename != NULL, FALSE);

  if (!g_file_get_contents (filename, &contents, &length, error))
    return FALSE;

  return sl_runtime_load_from_data (self, contents, length, error);
}

/**
 * sl_runtime_get_commit_mode:
 * @self: a runtime
 *
 * Any thread may call this.
 *
 * Returns: the commit mode
 *
 * Since: 1.0
 */
SlCommitMode
sl_runtime_get_commit_mode (SlRuntime *self)
{
  g_autoptr(SlMutex) locker = NULL;

  g_return_val_if_fail (SL_IS_RUNTIME (self), SL_COMMIT_AUTO);

  locker = sl_mutex_locker_new (&self->lock);
  return self->commit_mode;
}

/**
 * sl_runtime_set_commit_mode:
 * @self: a runtime
 * @mode: the commit mode
 *
 * Chooses when edits reach a started runtime's processors. Switching to
 * [enum@Streamlib.CommitMode.AUTO] does not apply pending edits; call
 * [method@Streamlib.Runtime.commit].
 *
 * Any thread may call this.
 *
 * Since: 1.0
 */
void
sl_runtime_set_commit_mode (SlRuntime    *self,
                            SlCommitMode  mode)
{
  gboolean changed;

  g_return_if_fail (SL_IS_RUNTIME (self));

  sl_mutex_lock (&self->lock);
  changed = self->commit_mode != mode;
  self->commit_mode = mode;
  sl_mutex_unlock (&self->lock);

  if (changed)
    {
      SlEmission *emission = g_new0 (SlEmission, 1);

      emission->kind = SL_EMIT_COMMIT_MODE;
      sl_runtime_queue (self, emission);
    }
}

/**
 * sl_runtime_commit:
 * @self: a runtime
 * @error: return location for a #GError
 *
 * Applies the edits made since the last commit to the running processors,
 * as one delta, and emits [signal@Streamlib.Runtime::committed]. On an idle
 * runtime there is nothing to apply: the graph is used as it is at the next
 * start. If another thread is committing at the same moment, the edits are
 * folded into its delta.
 *
 * Any thread may call this, processor threads included.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_commit (SlRuntime  *self,
                   GError    **error)
{
  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_runtime_reconcile (self, TRUE);
  return TRUE;
}

/* Waits until every runner has exited, iterating the runtime's context when
 * we may so main-context processors can finish too. No lock held while
 * dispatching. */
static void
sl_runtime_wait_idle (SlRuntime *self)
{
  /* Processor code waiting here must not hold back what it pushed. */
  sl_runner_flush_wakes ();
  sl_mutex_lock (&self->lock);
  while (self->n_live > 0)
    {
      /* Only the runtime's own thread may run its context: acquiring it
       * from another thread while it is idle would run main-context
       * processors on the wrong thread. */
      if (self->n_main_context > 0 && g_thread_self () == self->home_thread &&
          g_main_context_acquire (self->context))
        {
          sl_mutex_unlock (&self->lock);
          g_main_context_iteration (self->context, TRUE);
          g_main_context_release (self->context);
          sl_mutex_lock (&self->lock);
        }
      else
        sl_cond_wait (&self->cond, &self->lock);
    }
  sl_mutex_unlock (&self->lock);
}

/**
 * sl_runtime_start:
 * @self: a runtime
 * @error: return location for a #GError
 *
 * Starts every processor of the graph: each is spawned on its thread, its
 * links are wired, and it runs `setup`, then `process`. Returns once every
 * processor is released to run; watch
 * [signal@Streamlib.Runtime::processor-state-changed] for each `setup`
 * result. Starting a running or paused runtime does nothing.
 *
 * Any thread may call this.
 *
 * Returns: %TRUE on success; %FALSE with %SL_ERROR_INVALID_STATE while the
 *   runtime is stopping
 *
 * Since: 1.0
 */
gboolean
sl_runtime_start (SlRuntime  *self,
                  GError    **error)
{
  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  if (self->state == SL_RUNTIME_STATE_RUNNING || self->state == SL_RUNTIME_STATE_PAUSED ||
      self->state == SL_RUNTIME_STATE_STARTING)
    {
      sl_mutex_unlock (&self->lock);
      return TRUE;
    }
  if (self->state != SL_RUNTIME_STATE_IDLE || self->n_live > 0)
    {
      sl_mutex_unlock (&self->lock);
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_STATE,
                   _("Cannot start the runtime while it is stopping"));
      return FALSE;
    }

  /* The previous run's links were kept for their statistics. */
  g_hash_table_remove_all (self->wired);
  self->target = SL_RUNTIME_STATE_RUNNING;
  self->applied_paused = FALSE;
  self->eos_emitted = FALSE;
  sl_runtime_set_state_locked (self, SL_RUNTIME_STATE_STARTING);
  sl_mutex_unlock (&self->lock);

  sl_runtime_reconcile (self, TRUE);
  return TRUE;
}

static gboolean
sl_runtime_all_gated (GPtrArray *runners)
{
  for (guint i = 0; i < runners->len; i++)
    {
      SlRunner *runner = g_ptr_array_index (runners, i);

      if (!sl_runner_is_current (runner) && !sl_runner_is_gated (runner))
        return FALSE;
    }

  return TRUE;
}

/**
 * sl_runtime_pause:
 * @self: a runtime
 * @error: return location for a #GError
 *
 * Closes the gate in front of every processor: once this returns, no
 * `process` call begins until [method@Streamlib.Runtime.resume]. Calls
 * already under way finish first (this waits for them); a producer waiting
 * for room in a full [enum@Streamlib.OverflowPolicy.BLOCK] link is not
 * waited for. Called from a processor thread, it closes the gate without
 * waiting.
 *
 * Any thread may call this.
 *
 * Returns: %TRUE on success; %FALSE with %SL_ERROR_INVALID_STATE if the
 *   runtime is not running
 *
 * Since: 1.0
 */
gboolean
sl_runtime_pause (SlRuntime  *self,
                  GError    **error)
{
  g_autoptr(GPtrArray) runners = g_ptr_array_new_with_free_func ((GDestroyNotify) sl_runner_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  if (self->target == SL_RUNTIME_STATE_PAUSED)
    {
      sl_mutex_unlock (&self->lock);
      return TRUE;
    }
  if (self->target != SL_RUNTIME_STATE_RUNNING)
    {
      sl_mutex_unlock (&self->lock);
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_STATE,
                   _("Cannot pause a runtime that is not running"));
      return FALSE;
    }
  self->target = SL_RUNTIME_STATE_PAUSED;
  sl_mutex_unlock (&self->lock);

  sl_runtime_reconcile (self, FALSE);

  if (sl_runner_get_current () != NULL)
    return TRUE;

  sl_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->actual);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (runners, sl_runner_ref (((SlActual *) value)->runner));
  sl_mutex_unlock (&self->lock);

  sl_mutex_lock (&self->gate_mutex);
  while (!sl_runtime_all_gated (runners))
    sl_cond_wait (&self->gate_cond, &self->gate_mutex);
  sl_mutex_unlock (&self->gate_mutex);

  return TRUE;
}

/**
 * sl_runtime_resume:
 * @self: a runtime
 * @error: return location for a #GError
 *
 * Opens the gate closed by [method@Streamlib.Runtime.pause].
 *
 * Any thread may call this.
 *
 * Returns: %TRUE on success; %FALSE with %SL_ERROR_INVALID_STATE if the
 *   runtime is not paused or running
 *
 * Since: 1.0
 */
gboolean
sl_runtime_resume (SlRuntime  *self,
                   GError    **error)
{
  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  if (self->target != SL_RUNTIME_STATE_PAUSED && self->target != SL_RUNTIME_STATE_RUNNING)
    {
      sl_mutex_unlock (&self->lock);
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_STATE,
                   _("Cannot resume a runtime that is not paused"));
      return FALSE;
    }
  self->target = SL_RUNTIME_STATE_RUNNING;
  sl_mutex_unlock (&self->lock);

  sl_runtime_reconcile (self, FALSE);
  return TRUE;
}

/**
 * sl_runtime_stop:
 * @self: a runtime
 * @mode: how to stop
 * @error: return location for a #GError
 *
 * Stops every processor and returns to [enum@Streamlib.RuntimeState.IDLE].
 * With [enum@Streamlib.StopMode.DRAIN], sources stop first and
 * end-of-stream flows through every link: each processor finishes its input,
 * then runs `teardown`, so no frame is lost; the link counters are checked at
 * the end and a mismatch is reported through
 * [signal@Streamlib.Runtime::error]. With
 * [enum@Streamlib.StopMode.IMMEDIATE] queued frames are dropped.
 *
 * From an application thread this waits until every processor has stopped
 * (on the thread that made the runtime it iterates the runtime's main context
 * meanwhile, for main-context processors; another thread waits for that
 * context to be run). From a processor thread it does not wait.
 * Stopping an idle runtime does nothing. The graph and the last run's link
 * statistics are kept.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_stop (SlRuntime   *self,
                 SlStopMode   mode,
                 GError     **error)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sl_mutex_lock (&self->lock);
  if (self->target != SL_RUNTIME_STATE_IDLE)
    {
      self->target = SL_RUNTIME_STATE_IDLE;
      self->dirty = TRUE;
      sl_runtime_set_state_locked (self, mode == SL_STOP_DRAIN ? SL_RUNTIME_STATE_DRAINING
                                                               : SL_RUNTIME_STATE_STOPPING);

      g_hash_table_iter_init (&iter, self->actual);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          SlRunner *runner = ((SlActual *) value)->runner;

          if (mode == SL_STOP_DRAIN)
            {
              sl_runner_set_paused (runner, FALSE);
              sl_runner_request_drain (runner);
            }
          else
            sl_runner_request_stop (runner);
        }

      if (mode == SL_STOP_IMMEDIATE)
        {
          /* Producers blocked on a full link must not wait for consumers
           * that are going away. */
          g_hash_table_iter_init (&iter, self->wired);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            sl_link_close (((SlWired *) value)->link);
        }

      if (self->n_live == 0)
        {
          g_hash_table_remove_all (self->actual);
          sl_runtime_set_state_locked (self, SL_RUNTIME_STATE_IDLE);
        }
    }
  sl_mutex_unlock (&self->lock);

  if (sl_runner_get_current () == NULL)
    sl_runtime_wait_idle (self);

  return TRUE;
}

/**
 * sl_runtime_get_state:
 * @self: a runtime
 *
 * Any thread may call this.
 *
 * Returns: the runtime's lifecycle state
 *
 * Since: 1.0
 */
SlRuntimeState
sl_runtime_get_state (SlRuntime *self)
{
  g_autoptr(SlMutex) locker = NULL;

  g_return_val_if_fail (SL_IS_RUNTIME (self), SL_RUNTIME_STATE_IDLE);

  locker = sl_mutex_locker_new (&self->lock);
  return self->state;
}

static SlRunner *
sl_runtime_dup_runner (SlRuntime  *self,
                       const char *id)
{
  g_autoptr(SlMutex) locker = sl_mutex_locker_new (&self->lock);
  SlActual *actual = g_hash_table_lookup (self->actual, id);

  return actual != NULL ? sl_runner_ref (actual->runner) : NULL;
}

/**
 * sl_runtime_get_processor_state:
 * @self: a runtime
 * @id: a node id
 *
 * Any thread may call this.
 *
 * Returns: the state of the processor running node @id, or
 *   [enum@Streamlib.ProcessorState.NONE] if none runs it
 *
 * Since: 1.0
 */
SlProcessorState
sl_runtime_get_processor_state (SlRuntime  *self,
                                const char *id)
{
  g_autoptr(SlRunner) runner = NULL;

  g_return_val_if_fail (SL_IS_RUNTIME (self), SL_PROCESSOR_STATE_NONE);
  g_return_val_if_fail (id != NULL, SL_PROCESSOR_STATE_NONE);

  runner = sl_runtime_dup_runner (self, id);
  return runner != NULL ? (SlProcessorState) atomic_load (&runner->state) : SL_PROCESSOR_STATE_NONE;
}

/**
 * sl_runtime_get_processor:
 * @self: a runtime
 * @id: a node id
 *
 * Gets the processor instance running node @id, for instance to push frames
 * into an `app-source`. Its virtual functions run on its own thread: do not
 * call them.
 *
 * Any thread may call this.
 *
 * Returns: (transfer full) (nullable): the instance, or %NULL if none runs
 *
 * Since: 1.0
 */
SlProcessor *
sl_runtime_get_processor (SlRuntime  *self,
                          const char *id)
{
  g_autoptr(SlRunner) runner = NULL;

  g_return_val_if_fail (SL_IS_RUNTIME (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  runner = sl_runtime_dup_runner (self, id);
  if (runner == NULL)
    return NULL;

  sl_runner_wait_created (runner);
  return sl_runner_dup_processor (runner);
}

/**
 * sl_runtime_get_link_stats:
 * @self: a runtime
 * @link: a link id
 * @error: return location for a #GError
 *
 * Reads a link's counters. While the link runs they are a live snapshot;
 * after a stop they are the last run's final figures until the next start.
 * A link of the graph that has not run yet reads all zero.
 *
 * Any thread may call this.
 *
 * Returns: (transfer full) (nullable): the statistics, or %NULL with
 *   %SL_ERROR_UNKNOWN_LINK
 *
 * Since: 1.0
 */
SlLinkStats *
sl_runtime_get_link_stats (SlRuntime   *self,
                           const char  *link,
                           GError     **error)
{
  g_autoptr(SlMutex) locker = NULL;
  SlGraphLink *graph_link;
  SlWired *wired;
  SlLinkStats *stats;

  g_return_val_if_fail (SL_IS_RUNTIME (self), NULL);
  g_return_val_if_fail (link != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = sl_mutex_locker_new (&self->lock);
  wired = g_hash_table_lookup (self->wired, link);
  if (wired != NULL)
    return sl_link_get_stats (wired->link);

  graph_link = _sl_graph_lookup_link (self->graph, link);
  if (graph_link == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_UNKNOWN_LINK,
                   _("The runtime has no link “%s”"), link);
      return NULL;
    }

  stats = g_new0 (SlLinkStats, 1);
  stats->capacity = graph_link->capacity;
  stats->policy = graph_link->policy;
  return stats;
}

gboolean
_sl_runtime_edit (SlRuntime        *self,
                  SlGraphEditFunc   edit,
                  gpointer          user_data,
                  GError          **error)
{
  g_autoptr(SlGraph) copy = NULL;
  gboolean ok;

  sl_mutex_lock (&self->lock);
  copy = sl_graph_copy (self->graph);
  ok = edit (copy, user_data, error);
  if (ok)
    _sl_graph_assign (self->graph, copy);
  sl_mutex_unlock (&self->lock);

  if (ok)
    sl_runtime_changed (self);
  return ok;
}

/**
 * sl_runtime_get_processor_priority:
 * @self: a runtime
 * @id: a node id
 *
 * Gets the scheduling priority the thread of the processor running node @id
 * actually obtained for the priority its class requested (see
 * [method@Streamlib.ProcessorClass.set_thread_priority]). It is never
 * assumed: a request the system refused reads as what the thread has.
 *
 * Any thread may call this.
 *
 * Returns: the effective priority, or
 *   [enum@Streamlib.ThreadPriority.NORMAL] if no thread of its own runs @id
 *   (yet)
 *
 * Since: 1.0
 */
SlThreadPriority
sl_runtime_get_processor_priority (SlRuntime  *self,
                                   const char *id)
{
  g_autoptr(SlRunner) runner = NULL;

  g_return_val_if_fail (SL_IS_RUNTIME (self), SL_THREAD_PRIORITY_NORMAL);
  g_return_val_if_fail (id != NULL, SL_THREAD_PRIORITY_NORMAL);

  runner = sl_runtime_dup_runner (self, id);
  if (runner == NULL)
    return SL_THREAD_PRIORITY_NORMAL;

  sl_runner_wait_created (runner);
  return atomic_load (&runner->effective_priority);
}
