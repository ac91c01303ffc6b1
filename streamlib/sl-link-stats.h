/* sl-link-stats.h: counters of one link
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_INSIDE__) && !defined(STREAMLIB_COMPILATION)
#error "Only <streamlib/streamlib.h> can be included directly."
#endif

#include <glib-object.h>

#include "sl-version-macros.h"
#include "sl-enums.h"

G_BEGIN_DECLS

#define SL_TYPE_LINK_STATS (sl_link_stats_get_type ())

typedef struct _SlLinkStats SlLinkStats;

SL_AVAILABLE_IN_1_0
GType             sl_link_stats_get_type         (void) G_GNUC_CONST;
SL_AVAILABLE_IN_1_0
SlLinkStats      *sl_link_stats_copy             (const SlLinkStats *self);
SL_AVAILABLE_IN_1_0
void              sl_link_stats_free             (SlLinkStats       *self);
SL_AVAILABLE_IN_1_0
guint64           sl_link_stats_get_pushed       (const SlLinkStats *self);
SL_AVAILABLE_IN_1_0
guint64           sl_link_stats_get_popped       (const SlLinkStats *self);
SL_AVAILABLE_IN_1_0
guint64           sl_link_stats_get_dropped      (const SlLinkStats *self);
SL_AVAILABLE_IN_1_0
guint64           sl_link_stats_get_queued       (const SlLinkStats *self);
SL_AVAILABLE_IN_1_0
guint64           sl_link_stats_get_high_water   (const SlLinkStats *self);
SL_AVAILABLE_IN_1_0
guint             sl_link_stats_get_capacity     (const SlLinkStats *self);
SL_AVAILABLE_IN_1_0
SlOverflowPolicy  sl_link_stats_get_policy       (const SlLinkStats *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlLinkStats, sl_link_stats_free)

G_END_DECLS
