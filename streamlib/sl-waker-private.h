/* sl-waker-private.h: how a sleeping processor is woken
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdatomic.h>
#include <glib.h>

#include "sl-refcount-private.h"

G_BEGIN_DECLS

/* One per scheduled processor. The processor's thread announces that it is
 * about to sleep by setting `sleeping`, re-checks for work, then waits on a
 * futex word. Producers look at `sleeping` after publishing work and only
 * when it is set bump the word and wake the futex, so waking a consumer that
 * is awake costs no syscall, and waking a sleeping one costs one (no mutex
 * for the woken thread to contend for). Only the sleeping thread clears its
 * own flag, which is what keeps wake-ups from being lost.
 *
 * A waker bound to a GSource (main-context processors) wakes by making the
 * source ready instead. */
typedef struct _SlWaker SlWaker;

struct _SlWaker
{
  _Alignas (64) atomic_int sleeping;
  atomic_uint wakes;         /* the futex word: bumped by each wake-up */
  SlRefCount refcount;
  GSource *source;
};

SlWaker  *sl_waker_new        (void);
SlWaker  *sl_waker_new_for_source (GSource *source);
SlWaker  *sl_waker_ref        (SlWaker *waker);
void      sl_waker_unref      (SlWaker *waker);
void      sl_waker_wake       (SlWaker *waker);

typedef gboolean (*SlWakerCheck) (gpointer user_data);

/* How many threads of one runtime may yield-wait at once. Yielding before a
 * sleep saves a wake-up when the other end is about to deliver, but when
 * more threads yield than there are cores they only hand the CPU to each
 * other while the thread carrying the frame waits. */
typedef struct
{
  atomic_int active;
  int        limit;
} SlSpinBudget;

void      sl_spin_budget_init (SlSpinBudget *budget);

/* Sleeps until woken, @check returns TRUE, or @end_time (monotonic µs, or
 * -1 for none) passes. With a @budget that has room, yields a few times
 * first. */
void      sl_waker_wait       (SlWaker      *waker,
                               SlWakerCheck  check,
                               gpointer      user_data,
                               gint64        end_time,
                               SlSpinBudget *budget);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlWaker, sl_waker_unref)

G_END_DECLS
