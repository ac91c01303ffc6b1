/* sl-refcount-private.h: reference counts ThreadSanitizer can see
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdatomic.h>
#include <glib.h>

G_BEGIN_DECLS

/* GLib's grefcount lives in uninstrumented libglib: under TSan the free that
 * follows the last unref would look unordered with the other owners' last
 * accesses. C11 atomics in our own code are instrumented. */
typedef atomic_int SlRefCount;

static inline void
sl_ref_count_init (SlRefCount *count)
{
  atomic_init (count, 1);
}

static inline void
sl_ref_count_inc (SlRefCount *count)
{
  atomic_fetch_add_explicit (count, 1, memory_order_relaxed);
}

/* Returns TRUE when the last reference went away. */
static inline gboolean
sl_ref_count_dec (SlRefCount *count)
{
  return atomic_fetch_sub_explicit (count, 1, memory_order_acq_rel) == 1;
}

G_END_DECLS
