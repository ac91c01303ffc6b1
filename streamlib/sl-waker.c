/* sl-waker.c: how a sleeping processor is woken
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-lock-private.h"
#include "sl-waker-private.h"

#define SL_WAKER_YIELDS 16

SlWaker *
sl_waker_new (void)
{
  /* Aligned: `sleeping` has a cache line of its own. */
  SlWaker *waker = g_aligned_alloc0 (1, sizeof (SlWaker), 64);

  sl_ref_count_init (&waker->refcount);
  atomic_init (&waker->sleeping, 0);
  g_mutex_init (&waker->mutex);
  g_cond_init (&waker->cond);

  return waker;
}

SlWaker *
sl_waker_new_for_source (GSource *source)
{
  SlWaker *waker = sl_waker_new ();

  waker->source = g_source_ref (source);
  return waker;
}

SlWaker *
sl_waker_ref (SlWaker *waker)
{
  sl_ref_count_inc (&waker->refcount);
  return waker;
}

void
sl_waker_unref (SlWaker *waker)
{
  if (!sl_ref_count_dec (&waker->refcount))
    return;

  g_clear_pointer (&waker->source, g_source_unref);
  g_mutex_clear (&waker->mutex);
  g_cond_clear (&waker->cond);
  g_aligned_free (waker);
}

void
sl_waker_wake (SlWaker *waker)
{
  /* Pairs with the fence in sl_waker_wait(): either the sleeper sees the
   * work published before this call, or we see its flag. */
  atomic_thread_fence (memory_order_seq_cst);
  if (atomic_load_explicit (&waker->sleeping, memory_order_relaxed) == 0)
    return;

  if (waker->source != NULL)
    {
      g_source_set_ready_time (waker->source, 0);
      return;
    }

  sl_mutex_lock (&waker->mutex);
  waker->pending = TRUE;
  g_cond_signal (&waker->cond);
  sl_mutex_unlock (&waker->mutex);
}

void
sl_spin_budget_init (SlSpinBudget *budget)
{
  /* Measured on 2 cores (P1, P2 in tests/benchmarks): one yielder per core
   * halves throughput, unlimited yielders triple the 10-hop latency; two per
   * core kept both within their goals. */
  atomic_init (&budget->active, 0);
  budget->limit = MAX (1, 2 * (int) g_get_num_processors ());
}

void
sl_waker_wait (SlWaker      *waker,
               SlWakerCheck  check,
               gpointer      user_data,
               gint64        end_time,
               SlSpinBudget *budget)
{
  g_assert (waker->source == NULL);

  /* Work often arrives within microseconds (the other end of a link is
   * running): yield a few times before paying for a sleep and a wake-up.
   * Yielding, not spinning, lets the producer run when threads outnumber
   * cores, and the bound keeps an idle processor from burning CPU. */
  if (check != NULL && budget != NULL &&
      atomic_fetch_add_explicit (&budget->active, 1, memory_order_relaxed) < budget->limit)
    {
      gboolean ready = FALSE;

      for (guint i = 0; i < SL_WAKER_YIELDS && !ready; i++)
        {
          ready = check (user_data);
          if (!ready)
            g_thread_yield ();
        }
      atomic_fetch_sub_explicit (&budget->active, 1, memory_order_relaxed);
      if (ready)
        return;
    }
  else if (budget != NULL && check != NULL)
    atomic_fetch_sub_explicit (&budget->active, 1, memory_order_relaxed);

  atomic_store_explicit (&waker->sleeping, 1, memory_order_relaxed);
  atomic_thread_fence (memory_order_seq_cst);

  if (check == NULL || !check (user_data))
    {
      sl_mutex_lock (&waker->mutex);
      while (!waker->pending)
        {
          if (end_time < 0)
            sl_cond_wait (&waker->cond, &waker->mutex);
          else if (!sl_cond_wait_until (&waker->cond, &waker->mutex, end_time))
            break;
        }
      waker->pending = FALSE;
      sl_mutex_unlock (&waker->mutex);
    }

  atomic_store_explicit (&waker->sleeping, 0, memory_order_relaxed);
}

/* Main-context wakers: the source's dispatch clears the flag itself. */
