/* sl-link.c: one link between an output port and an input port
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-link-private.h"
#include "sl-lock-private.h"
#include "sl-link-stats-private.h"
#include "sl-runner-private.h"

SlLink *
sl_link_new (const char       *id,
             guint             capacity,
             SlOverflowPolicy  policy)
{
  SlLink *link = g_aligned_alloc0 (1, sizeof (SlLink), SL_CACHE_LINE);

  sl_ref_count_init (&link->refcount);
  link->id = g_strdup (id);
  link->first_ring = sl_ring_new (capacity);
  link->write_ring = link->first_ring;
  link->read_ring = link->first_ring;
  atomic_init (&link->pushed, 0);
  atomic_init (&link->dropped, 0);
  atomic_init (&link->high_water, 0);
  atomic_init (&link->popped, 0);
  atomic_init (&link->policy, policy);
  atomic_init (&link->capacity, capacity);
  atomic_init (&link->eos, FALSE);
  atomic_init (&link->closed, FALSE);
  atomic_init (&link->consumer_waker, NULL);
  link->space_waker = sl_waker_new ();

  return link;
}

SlLink *
sl_link_ref (SlLink *link)
{
  sl_ref_count_inc (&link->refcount);
  return link;
}

void
sl_link_unref (SlLink *link)
{
  SlRing *ring;
  SlWaker *waker;

  if (!sl_ref_count_dec (&link->refcount))
    return;

  ring = link->first_ring;
  while (ring != NULL)
    {
      SlRing *next = atomic_load (&ring->next);

      sl_ring_free (ring);
      ring = next;
    }

  waker = atomic_load (&link->consumer_waker);
  g_clear_pointer (&waker, sl_waker_unref);
  sl_waker_unref (link->space_waker);
  g_free (link->id);
  g_aligned_free (link);
}

static inline void
sl_counter_add (atomic_uint_fast64_t *counter,
                guint64               n)
{
  /* Each counter has a single writer: a plain load and store is enough and
   * avoids a locked instruction per frame. */
  atomic_store_explicit (counter,
                         atomic_load_explicit (counter, memory_order_relaxed) + n,
                         memory_order_relaxed);
}

static gboolean
sl_link_has_room (gpointer user_data)
{
  SlLink *link = user_data;
  SlRing *ring = link->write_ring;

  /* Hysteresis: a blocked producer resumes once the consumer has made room
   * for half a ring, not one frame, so the two do not wake each other for
   * every frame. */
  return atomic_load (&link->closed) ||
         sl_ring_queued (ring) <= ring->capacity / 2 ||
         atomic_load (&link->policy) != SL_OVERFLOW_BLOCK ||
         atomic_load (&link->capacity) != ring->capacity;
}

static void
sl_link_wake_consumer (SlLink *link)
{
  SlWaker *waker = atomic_load_explicit (&link->consumer_waker, memory_order_acquire);

  if (waker != NULL)
    sl_waker_wake (waker);
}

/* Producer: a new capacity starts a new ring; the consumer finishes the old
 * one first, so order is kept. */
static void
sl_link_apply_capacity (SlLink *link,
                        guint   capacity)
{
  SlRing *ring = sl_ring_new (capacity);
  SlRing *old = link->write_ring;

  link->write_ring = ring;
  atomic_store_explicit (&old->next, ring, memory_order_release);
}

/* Producer: pushes @item (taking ownership), applying the overflow policy. */
void
sl_link_push (SlLink        *link,
              GstMiniObject *item)
{
  guint capacity = atomic_load_explicit (&link->capacity, memory_order_relaxed);
  SlRing *ring;
  guint queued;

  if (G_UNLIKELY (capacity != link->write_ring->capacity))
    sl_link_apply_capacity (link, capacity);
  ring = link->write_ring;

  sl_counter_add (&link->pushed, 1);

  while (!sl_ring_try_push (ring, item))
    {
      GstMiniObject *oldest;

      if (atomic_load_explicit (&link->closed, memory_order_relaxed))
        {
          sl_tsan_acquire (item);
          gst_mini_object_unref (item);
          sl_counter_add (&link->dropped, 1);
          return;
        }

      switch ((SlOverflowPolicy) atomic_load_explicit (&link->policy, memory_order_relaxed))
        {
        case SL_OVERFLOW_DROP_NEWEST:
          sl_tsan_acquire (item);
          gst_mini_object_unref (item);
          sl_counter_add (&link->dropped, 1);
          return;

        case SL_OVERFLOW_DROP_OLDEST:
          oldest = sl_ring_evict (ring);
          if (oldest != NULL)
            {
              sl_tsan_acquire (oldest);
              gst_mini_object_unref (oldest);
              sl_counter_add (&link->dropped, 1);
            }
          break;

        case SL_OVERFLOW_BLOCK:
        default:
          {
            SlRunner *runner = sl_runner_get_current ();

            /* Make sure the consumer is awake to make room, then wait. A
             * pause does not wait for a producer stuck here. */
            sl_link_wake_consumer (link);
            /* Whoever we wait for may need what we pushed elsewhere. */
            sl_runner_flush_wakes ();
            if (runner != NULL)
              {
                atomic_store (&runner->blocked, 1);
                runner->host->gate_passed (runner->host_data);
              }
            if (runner != NULL && runner->mode == SL_EXECUTION_MAIN_CONTEXT)
              {
                /* On the main context, the consumer may need this very
                 * thread: let the context's other sources run, and poll our
                 * waker briefly when there is nothing to dispatch. */
                if (!g_main_context_iteration (g_source_get_context (runner->source), FALSE))
                  sl_waker_wait (link->space_waker, sl_link_has_room, link,
                                 g_get_monotonic_time () + 1000, NULL);
              }
            else
              sl_waker_wait (link->space_waker, sl_link_has_room, link, -1,
                             runner != NULL ? runner->spin_budget : NULL);
            if (runner != NULL)
              atomic_store (&runner->blocked, 0);

            /* Woken, maybe by a new capacity: the frame goes to the new ring. */
            capacity = atomic_load (&link->capacity);
            if (capacity != link->write_ring->capacity)
              sl_link_apply_capacity (link, capacity);
            ring = link->write_ring;
          }
          break;
        }
    }

  queued = sl_ring_queued (ring);
  if (queued > atomic_load_explicit (&link->high_water, memory_order_relaxed))
    atomic_store_explicit (&link->high_water, queued, memory_order_relaxed);

  /* A consumer woken for the first frame of a batch pops it, finds the link
   * empty and sleeps again: wake it for the batch instead, unless the link
   * fills up meanwhile. */
  if (link->wake_deferred)
    {
      if (queued < ring->capacity / 2)
        return;
    }
  else if (queued < ring->capacity / 2 && sl_runner_defer_wake (link))
    {
      link->wake_deferred = TRUE;
      return;
    }

  sl_link_wake_consumer (link);
}

void
sl_link_send_deferred_wake (SlLink *link)
{
  link->wake_deferred = FALSE;
  sl_link_wake_consumer (link);
}

/* Producer: no frame will follow. */
void
sl_link_push_eos (SlLink *link)
{
  atomic_store_explicit (&link->eos, TRUE, memory_order_release);
  sl_link_wake_consumer (link);
}

/* Producer: frames will follow after all (its own input came back). */
void
sl_link_clear_eos (SlLink *link)
{
  atomic_store_explicit (&link->eos, FALSE, memory_order_release);
}

/* Any thread: the policy applies at once, the capacity at the producer's
 * next push — including the one it may be blocked in, which this wakes. */
void
sl_link_configure (SlLink           *link,
                   guint             capacity,
                   SlOverflowPolicy  policy)
{
  g_return_if_fail (capacity > 0);

  atomic_store (&link->policy, policy);
  atomic_store (&link->capacity, capacity);

  sl_waker_wake (link->space_waker);
  sl_link_wake_consumer (link);
}

/* Consumer: takes the next frame, or returns NULL. */
GstMiniObject *
sl_link_pop (SlLink *link)
{
  for (;;)
    {
      SlRing *ring = link->read_ring;
      GstMiniObject *item = sl_ring_pop (ring);
      SlRing *next;

      if (item == NULL)
        {
          next = atomic_load_explicit (&ring->next, memory_order_acquire);
          if (next == NULL)
            {
              /* An input ran dry: this batch is over, downstream may start. */
              sl_runner_flush_wakes ();
              return NULL;
            }

          /* The producer publishes `next` after its last push into @ring:
           * look once more before moving on. */
          item = sl_ring_pop (ring);
          if (item == NULL)
            {
              link->read_ring = next;
              continue;
            }
        }

      sl_counter_add (&link->popped, 1);
      if (atomic_load_explicit (&link->policy, memory_order_relaxed) == SL_OVERFLOW_BLOCK &&
          sl_ring_queued (ring) <= ring->capacity / 2)
        sl_waker_wake (link->space_waker);

      return item;
    }
}

static guint64
sl_link_count_queued (SlLink *link)
{
  guint64 queued = 0;

  for (SlRing *ring = link->first_ring; ring != NULL;
       ring = atomic_load_explicit (&ring->next, memory_order_acquire))
    queued += sl_ring_queued (ring);

  return queued;
}

/* Consumer, or any thread for a snapshot. */
gboolean
sl_link_is_empty (SlLink *link)
{
  return sl_link_count_queued (link) == 0;
}

gboolean
sl_link_is_eos (SlLink *link)
{
  return atomic_load_explicit (&link->eos, memory_order_acquire) &&
         sl_link_is_empty (link);
}

/* Set once, when the consumer end is wired. The waker stays referenced until
 * the link dies because a producer may be waking it at any moment. */
void
sl_link_set_consumer_waker (SlLink  *link,
                            SlWaker *waker)
{
  SlWaker *expected = NULL;

  g_return_if_fail (waker != NULL);

  sl_waker_ref (waker);
  if (!atomic_compare_exchange_strong (&link->consumer_waker, &expected, waker))
    {
      g_critical ("link %s already has a consumer", link->id);
      sl_waker_unref (waker);
    }
}

void
sl_link_close (SlLink *link)
{
  atomic_store (&link->closed, TRUE);
  sl_waker_wake (link->space_waker);
}

gboolean
sl_link_is_closed (SlLink *link)
{
  return atomic_load (&link->closed);
}

SlLinkStats *
sl_link_get_stats (SlLink *link)
{
  SlLinkStats *stats = g_new0 (SlLinkStats, 1);

  /* Read the consumer's counters first so that a frame in flight is seen
   * as queued rather than lost. */
  stats->popped = atomic_load (&link->popped);
  stats->queued = sl_link_count_queued (link);
  stats->dropped = atomic_load (&link->dropped);
  stats->pushed = atomic_load (&link->pushed);
  stats->high_water = atomic_load (&link->high_water);
  stats->capacity = atomic_load (&link->capacity);
  stats->policy = atomic_load (&link->policy);

  return stats;
}
