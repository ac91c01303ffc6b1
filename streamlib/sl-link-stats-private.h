/* sl-link-stats-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-link-stats.h"

G_BEGIN_DECLS

struct _SlLinkStats
{
  guint64 pushed;
  guint64 popped;
  guint64 dropped;
  guint64 queued;
  guint64 high_water;
  guint capacity;
  SlOverflowPolicy policy;
};

G_END_DECLS
