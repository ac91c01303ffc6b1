/* bench-spsc.c: the bare SPSC ring, P5's reference
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The physical limit for a runtime that burns no idle CPU: two threads, one
 * bounded C11 ring of pointers, nothing allocated per item, and waits that
 * sleep on a futex instead of spinning. It follows the rules the engine
 * must follow too:
 *
 * - the consumer drains everything queued per wake-up and announces that it
 *   sleeps (a flag holding a fresh sleep number) before re-checking the
 *   ring and calling FUTEX_WAIT;
 * - the producer wakes it at most once per announced sleep (it remembers
 *   the number it woke), i.e. on the empty → non-empty transition;
 * - a full ring makes the producer sleep the same way; the consumer wakes it
 *   once half the ring is free again (hysteresis);
 * - only a sleeper clears its own flag, so no wake-up is lost.
 *
 * A seq_cst fence on each side orders "publish, then look at the other
 * side's flag" against "raise my flag, then look at the ring" (Dekker).
 */

#define _GNU_SOURCE
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

#define CACHE_LINE 64

typedef struct
{
  /* producer's line */
  _Alignas (CACHE_LINE) atomic_uint_fast64_t head;
  atomic_uint    producer_sleeping;   /* 0, or the producer's sleep number */
  atomic_uint    space_futex;         /* bumped by the consumer to wake it */

  /* consumer's line */
  _Alignas (CACHE_LINE) atomic_uint_fast64_t tail;
  atomic_uint    consumer_sleeping;
  atomic_uint    items_futex;         /* bumped by the producer to wake it */

  _Alignas (CACHE_LINE) guint capacity;
  guint64        mask;
  _Atomic (gpointer) *slots;
  gint64         n;

  /* statistics, written by their own thread only */
  _Alignas (CACHE_LINE) guint64 producer_wakes;
  _Alignas (CACHE_LINE) guint64 consumer_wakes;
  guint64        sum;                 /* so that the consumer reads what it pops */
  gint64         start_ns;
  gint64         end_ns;
  atomic_int     ready;
} Ring;

static void
futex_wait (atomic_uint *word,
            guint        expected)
{
  syscall (SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void
futex_wake (atomic_uint *word)
{
  syscall (SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* The sleeper: raise the flag with a fresh number, re-check, sleep until
 * the futex word moves, clear the flag. */
static void
sleep_until (atomic_uint *flag,
             atomic_uint *futex,
             guint       *sleep_number,
             gboolean   (*ready) (Ring *ring),
             Ring        *ring)
{
  guint seen = atomic_load_explicit (futex, memory_order_acquire);

  if (++*sleep_number == 0)
    ++*sleep_number;
  atomic_store_explicit (flag, *sleep_number, memory_order_relaxed);
  atomic_thread_fence (memory_order_seq_cst);
  while (!ready (ring) && atomic_load_explicit (futex, memory_order_acquire) == seen)
    futex_wait (futex, seen);
  atomic_store_explicit (flag, 0, memory_order_relaxed);
}

/* The waker: after publishing, at most one wake per announced sleep. */
static gboolean
wake (atomic_uint *flag,
      atomic_uint *futex,
      guint       *last_woken)
{
  guint sleeping;

  atomic_thread_fence (memory_order_seq_cst);
  sleeping = atomic_load_explicit (flag, memory_order_relaxed);
  if (sleeping == 0 || sleeping == *last_woken)
    return FALSE;
  *last_woken = sleeping;
  atomic_fetch_add_explicit (futex, 1, memory_order_release);
  futex_wake (futex);
  return TRUE;
}

static gboolean
ring_has_items (Ring *ring)
{
  return atomic_load_explicit (&ring->head, memory_order_acquire) !=
         atomic_load_explicit (&ring->tail, memory_order_relaxed);
}

/* The producer resumes once half the ring is free. */
static gboolean
ring_has_room (Ring *ring)
{
  return atomic_load_explicit (&ring->head, memory_order_relaxed) -
         atomic_load_explicit (&ring->tail, memory_order_acquire) <= ring->capacity / 2;
}

static void
wait_ready (Ring *ring)
{
  atomic_fetch_add (&ring->ready, 1);
  while (atomic_load (&ring->ready) < 2)
    g_thread_yield ();
}

static gpointer
producer_thread (gpointer data)
{
  Ring *ring = data;
  guint64 head = 0, tail = 0;
  guint sleep_number = 0, last_woken = 0;

  wait_ready (ring);
  ring->start_ns = now_ns ();
  for (gint64 i = 0; i < ring->n; i++)
    {
      if (head - tail >= ring->capacity)
        {
          tail = atomic_load_explicit (&ring->tail, memory_order_acquire);
          while (head - tail >= ring->capacity)
            {
              sleep_until (&ring->producer_sleeping, &ring->space_futex, &sleep_number,
                           ring_has_room, ring);
              tail = atomic_load_explicit (&ring->tail, memory_order_acquire);
            }
        }
      atomic_store_explicit (&ring->slots[head & ring->mask], GSIZE_TO_POINTER (i + 1),
                             memory_order_relaxed);
      atomic_store_explicit (&ring->head, ++head, memory_order_release);
      if (wake (&ring->consumer_sleeping, &ring->items_futex, &last_woken))
        ring->consumer_wakes++;
    }
  return NULL;
}

static gpointer
consumer_thread (gpointer data)
{
  Ring *ring = data;
  guint64 tail = 0, head = 0, sum = 0;
  guint sleep_number = 0, last_woken = 0;
  gint64 left = ring->n;

  wait_ready (ring);
  while (left > 0)
    {
      if (tail == head)
        {
          head = atomic_load_explicit (&ring->head, memory_order_acquire);
          if (tail == head)
            {
              sleep_until (&ring->consumer_sleeping, &ring->items_futex, &sleep_number,
                           ring_has_items, ring);
              continue;
            }
        }
      sum += GPOINTER_TO_SIZE (atomic_load_explicit (&ring->slots[tail & ring->mask],
                                                     memory_order_relaxed));
      atomic_store_explicit (&ring->tail, ++tail, memory_order_release);
      left--;
      /* A sleeping producer waits for half a ring of room. */
      if (head - tail <= ring->capacity / 2 &&
          wake (&ring->producer_sleeping, &ring->space_futex, &last_woken))
        ring->producer_wakes++;
    }
  ring->end_ns = now_ns ();
  ring->sum = sum;
  return NULL;
}

double
spsc_run (gint64   n,
          guint    capacity,
          guint64 *wakeups)
{
  Ring *ring = g_aligned_alloc0 (1, sizeof (Ring), CACHE_LINE);
  guint64 size = 1;
  GThread *producer, *consumer;
  double seconds;

  while (size < capacity)
    size <<= 1;
  ring->capacity = capacity;
  ring->mask = size - 1;
  ring->slots = g_aligned_alloc0 (size, sizeof (gpointer), CACHE_LINE);
  ring->n = n;

  consumer = g_thread_new ("bench-spsc-c", consumer_thread, ring);
  producer = g_thread_new ("bench-spsc-p", producer_thread, ring);
  g_thread_join (producer);
  g_thread_join (consumer);

  if (ring->sum != (guint64) n * (guint64) (n + 1) / 2)
    fail ("bare SPSC ring: the consumer read a sum of %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
          ring->sum, (guint64) n * (guint64) (n + 1) / 2);

  seconds = (ring->end_ns - ring->start_ns) / 1e9;
  if (wakeups != NULL)
    *wakeups = ring->producer_wakes + ring->consumer_wakes;
  g_aligned_free (ring->slots);
  g_aligned_free (ring);
  return seconds;
}
