/* sl-waker.c: how a sleeping processor is woken
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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
  atomic_init (&waker->wakes, 0);

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

  /* Release: what was published before the wake-up is seen by the sleeper
   * that sees the new count. */
  atomic_fetch_add_explicit (&waker->wakes, 1, memory_order_release);
  syscall (SYS_futex, &waker->wakes, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Sleeps while the futex word still holds @seen, until @end_time
 * (monotonic µs, -1 for none). FALSE once @end_time has passed. */
static gboolean
sl_waker_sleep (SlWaker *waker,
                guint    seen,
                gint64   end_time)
{
  struct timespec timeout, *timeout_p = NULL;

  if (end_time >= 0)
    {
      gint64 left = end_time - g_get_monotonic_time ();

      if (left <= 0)
        return FALSE;
      timeout.tv_sec = left / G_USEC_PER_SEC;
      timeout.tv_nsec = (left % G_USEC_PER_SEC) * 1000;
      timeout_p = &timeout;
    }

  /* Returns at once if a wake-up bumped the word since @seen was read;
   * spurious returns (EINTR) are looked at again by the caller. */
  if (syscall (SYS_futex, &waker->wakes, FUTEX_WAIT_PRIVATE, seen, timeout_p, NULL, 0) < 0 &&
      errno == ETIMEDOUT)
    return FALSE;
  return TRUE;
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

  {
    /* Read before announcing the sleep: a wake-up after the announcement
     * changes it, and the futex then returns at once. */
    guint seen = atomic_load_explicit (&waker->wakes, memory_order_acquire);

    atomic_store_explicit (&waker->sleeping, 1, memory_order_relaxed);
    atomic_thread_fence (memory_order_seq_cst);

    if (check == NULL || !check (user_data))
      {
        while (atomic_load_explicit (&waker->wakes, memory_order_acquire) == seen)
          if (!sl_waker_sleep (waker, seen, end_time))
            break;
      }
  }

  atomic_store_explicit (&waker->sleeping, 0, memory_order_relaxed);
}

/* Main-context wakers: the source's dispatch clears the flag itself. */
