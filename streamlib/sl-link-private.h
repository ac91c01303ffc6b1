/* sl-link-private.h: one link between an output port and an input port
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdatomic.h>
#include <glib.h>

#include "sl-refcount-private.h"
#include <gst/gst.h>

#include "sl-enums.h"
#include "sl-link-stats.h"
#include "sl-ring-private.h"
#include "sl-waker-private.h"

G_BEGIN_DECLS

/* A link is shared by its producer (the output port pushing into it) and its
 * consumer (the input port popping from it), and is reference counted so that
 * either side can let go first.
 *
 * Producer-only fields: write_ring, pushed, dropped, high_water.
 * Consumer-only fields: read_ring, popped.
 * Counters are atomics so that statistics can be read from any thread. */
typedef struct _SlLink SlLink;

struct _SlLink
{
  SlRefCount refcount;
  char *id;

  /* Read by both sides on every frame, written rarely (configure, close,
   * the end of stream): a line of their own, so that neither side's
   * counters make the other miss its cache on every frame. */
  _Alignas (SL_CACHE_LINE) atomic_int policy;
  atomic_uint capacity;
  atomic_bool eos;
  atomic_bool closed;
  _Atomic (SlWaker *) consumer_waker;
  SlWaker *space_waker;      /* the producer waits on it under SL_OVERFLOW_BLOCK */
  SlRing *first_ring;        /* rings are chained on resize and freed with the link */

  /* producer side */
  _Alignas (SL_CACHE_LINE) SlRing *write_ring;
  atomic_uint_fast64_t pushed;
  atomic_uint_fast64_t dropped;
  atomic_uint_fast64_t high_water;
  gboolean wake_deferred;    /* on the producer's runner's list of wake-ups to send */

  /* consumer side */
  _Alignas (SL_CACHE_LINE) SlRing *read_ring;
  atomic_uint_fast64_t popped;
};

SlLink     *sl_link_new                 (const char       *id,
                                         guint             capacity,
                                         SlOverflowPolicy  policy);
SlLink     *sl_link_ref                 (SlLink           *link);
void        sl_link_unref               (SlLink           *link);

/* Producer side. */
void        sl_link_push                (SlLink           *link,
                                         GstMiniObject    *item);
void        sl_link_push_eos            (SlLink           *link);
void        sl_link_clear_eos           (SlLink           *link);
void        sl_link_configure           (SlLink           *link,
                                         guint             capacity,
                                         SlOverflowPolicy  policy);

/* Producer: sends a wake-up sl_link_push() deferred. */
void        sl_link_send_deferred_wake  (SlLink           *link);

/* Consumer side. */
GstMiniObject *sl_link_pop              (SlLink           *link);
gboolean    sl_link_is_empty            (SlLink           *link);
gboolean    sl_link_is_eos              (SlLink           *link);
void        sl_link_set_consumer_waker  (SlLink           *link,
                                         SlWaker          *waker);

/* Any thread: from now on the producer drops instead of blocking, and
 * frames go nowhere. */
void        sl_link_close               (SlLink           *link);
gboolean    sl_link_is_closed           (SlLink           *link);

/* Any thread. */
SlLinkStats *sl_link_get_stats          (SlLink           *link);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlLink, sl_link_unref)

G_END_DECLS
