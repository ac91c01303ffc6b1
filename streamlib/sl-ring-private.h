/* sl-ring-private.h: bounded single-producer single-consumer ring
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdatomic.h>
#include <glib.h>
#include <gst/gst.h>

#include "sl-enums.h"

G_BEGIN_DECLS

#define SL_CACHE_LINE 64

/* A ring of frame pointers between exactly one producer thread and one
 * consumer thread. `head` is written by the producer only. `tail` is advanced
 * by the consumer with a compare-and-swap; the producer also advances it, with
 * the same compare-and-swap, when it evicts the oldest frame under
 * SL_OVERFLOW_DROP_OLDEST, so whichever side wins a slot owns its frame.
 * Positions are 64-bit and never wrap, so there is no ABA.
 *
 * When a link is resized, the producer starts a new ring and links it from
 * the old one with `next`; the consumer finishes the old ring first, which
 * keeps frames in order. */
typedef struct _SlRing SlRing;

struct _SlRing
{
  _Alignas (SL_CACHE_LINE) atomic_uint_fast64_t head;
  _Alignas (SL_CACHE_LINE) atomic_uint_fast64_t tail;
  _Alignas (SL_CACHE_LINE) _Atomic (SlRing *) next;
  guint capacity;
  guint mask;
  _Atomic (GstMiniObject *) slots[];
};

SlRing        *sl_ring_new       (guint           capacity);
void           sl_ring_free      (SlRing         *ring);
guint          sl_ring_queued    (SlRing         *ring);

/* Producer side. */
gboolean       sl_ring_try_push  (SlRing         *ring,
                                  GstMiniObject  *item);
GstMiniObject *sl_ring_evict     (SlRing         *ring);

/* Consumer side. */
GstMiniObject *sl_ring_pop       (SlRing         *ring);

G_END_DECLS
