/* sl-link-stats.c: counters of one link
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-link-stats-private.h"

/**
 * SlLinkStats:
 *
 * A snapshot of the counters of one link, from
 * [method@Streamlib.Runtime.get_link_stats].
 *
 * The counters satisfy `pushed == popped + dropped + queued`. While frames
 * flow the snapshot is taken counter by counter; it is exact once the link is
 * quiet (for instance after a drain).
 *
 * Since: 1.0
 */

G_DEFINE_BOXED_TYPE (SlLinkStats, sl_link_stats, sl_link_stats_copy, sl_link_stats_free)

/**
 * sl_link_stats_copy:
 * @self: link statistics
 *
 * Copies @self.
 *
 * Returns: (transfer full): a copy
 *
 * Since: 1.0
 */
SlLinkStats *
sl_link_stats_copy (const SlLinkStats *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof *self);
}

/**
 * sl_link_stats_free:
 * @self: link statistics
 *
 * Frees @self.
 *
 * Since: 1.0
 */
void
sl_link_stats_free (SlLinkStats *self)
{
  g_free (self);
}

/**
 * sl_link_stats_get_pushed:
 * @self: link statistics
 *
 * Returns: how many frames the producer pushed into the link
 *
 * Since: 1.0
 */
guint64
sl_link_stats_get_pushed (const SlLinkStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->pushed;
}

/**
 * sl_link_stats_get_popped:
 * @self: link statistics
 *
 * Returns: how many frames the consumer took out of the link
 *
 * Since: 1.0
 */
guint64
sl_link_stats_get_popped (const SlLinkStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->popped;
}

/**
 * sl_link_stats_get_dropped:
 * @self: link statistics
 *
 * Returns: how many frames the overflow policy dropped
 *
 * Since: 1.0
 */
guint64
sl_link_stats_get_dropped (const SlLinkStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->dropped;
}

/**
 * sl_link_stats_get_queued:
 * @self: link statistics
 *
 * Returns: how many frames wait in the link
 *
 * Since: 1.0
 */
guint64
sl_link_stats_get_queued (const SlLinkStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->queued;
}

/**
 * sl_link_stats_get_high_water:
 * @self: link statistics
 *
 * Returns: the most frames that ever waited in the link at once
 *
 * Since: 1.0
 */
guint64
sl_link_stats_get_high_water (const SlLinkStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->high_water;
}

/**
 * sl_link_stats_get_capacity:
 * @self: link statistics
 *
 * Returns: the link's capacity, in frames
 *
 * Since: 1.0
 */
guint
sl_link_stats_get_capacity (const SlLinkStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->capacity;
}

/**
 * sl_link_stats_get_policy:
 * @self: link statistics
 *
 * Returns: the link's overflow policy
 *
 * Since: 1.0
 */
SlOverflowPolicy
sl_link_stats_get_policy (const SlLinkStats *self)
{
  g_return_val_if_fail (self != NULL, SL_OVERFLOW_DROP_OLDEST);
  return self->policy;
}
