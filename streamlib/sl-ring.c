/* sl-ring.c: bounded single-producer single-consumer ring
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-lock-private.h"
#include "sl-ring-private.h"

SlRing *
sl_ring_new (guint capacity)
{
  SlRing *ring;
  guint size = 1;

  g_assert (capacity > 0);

  while (size < capacity)
    size <<= 1;

  /* The slot array is rounded up to a power of two so that a position maps
   * to a slot with a mask; the occupancy is limited to @capacity. */
  ring = g_aligned_alloc0 (1, sizeof (SlRing) + size * sizeof (ring->slots[0]), SL_CACHE_LINE);
  atomic_init (&ring->head, 0);
  atomic_init (&ring->tail, 0);
  atomic_init (&ring->next, NULL);
  ring->capacity = capacity;
  ring->mask = size - 1;
  for (guint i = 0; i < size; i++)
    atomic_init (&ring->slots[i], NULL);

  return ring;
}

/* Frees the ring and drops the frames it still holds. Only call it when
 * neither side can touch the ring any more. */
void
sl_ring_free (SlRing *ring)
{
  GstMiniObject *item;

  while ((item = sl_ring_pop (ring)) != NULL)
    {
      sl_tsan_acquire (item);
      gst_mini_object_unref (item);
    }

  g_aligned_free (ring);
}

guint
sl_ring_queued (SlRing *ring)
{
  guint64 tail = atomic_load_explicit (&ring->tail, memory_order_acquire);
  guint64 head = atomic_load_explicit (&ring->head, memory_order_acquire);

  return head > tail ? (guint) (head - tail) : 0;
}

/* Producer: appends @item (taking ownership) if there is room. */
gboolean
sl_ring_try_push (SlRing        *ring,
                  GstMiniObject *item)
{
  guint64 head = atomic_load_explicit (&ring->head, memory_order_relaxed);
  guint64 tail = atomic_load_explicit (&ring->tail, memory_order_acquire);

  if (head - tail >= ring->capacity)
    return FALSE;

  atomic_store_explicit (&ring->slots[head & ring->mask], item, memory_order_relaxed);
  atomic_store_explicit (&ring->head, head + 1, memory_order_release);

  return TRUE;
}

/* Producer: takes the oldest frame out of a ring to make room, or returns
 * NULL if the consumer took it first. */
GstMiniObject *
sl_ring_evict (SlRing *ring)
{
  guint64 tail = atomic_load_explicit (&ring->tail, memory_order_acquire);
  guint64 head = atomic_load_explicit (&ring->head, memory_order_relaxed);

  if (tail == head)
    return NULL;

  if (!atomic_compare_exchange_strong_explicit (&ring->tail, &tail, tail + 1,
                                                memory_order_acq_rel,
                                                memory_order_acquire))
    return NULL;

  /* Only this thread writes slots, so the frame is still there. */
  return atomic_load_explicit (&ring->slots[tail & ring->mask], memory_order_relaxed);
}

/* Consumer: takes the oldest frame, or returns NULL if the ring is empty. */
GstMiniObject *
sl_ring_pop (SlRing *ring)
{
  guint64 tail = atomic_load_explicit (&ring->tail, memory_order_acquire);

  for (;;)
    {
      guint64 head = atomic_load_explicit (&ring->head, memory_order_acquire);
      GstMiniObject *item;

      if (tail == head)
        return NULL;

      item = atomic_load_explicit (&ring->slots[tail & ring->mask], memory_order_relaxed);
      /* A failed exchange means the producer evicted this frame: retry with
       * the tail it left (loaded into @tail by the exchange). */
      if (atomic_compare_exchange_weak_explicit (&ring->tail, &tail, tail + 1,
                                                 memory_order_acq_rel,
                                                 memory_order_acquire))
        return item;
    }
}
