/* sl-graph-private.h: what the runtime reads of a graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-graph.h"

G_BEGIN_DECLS

typedef struct
{
  char       *id;
  char       *factory;
  GType       type;
  GHashTable *properties;   /* name → GValue*, already of the property's type */
} SlGraphNode;

typedef struct
{
  char             *id;
  char             *source_node;
  char             *source_port;
  char             *target_node;
  char             *target_port;
  guint             capacity;
  SlOverflowPolicy  policy;
} SlGraphLink;

/* Replaces the contents of @self with a copy of @from's (same registry). */
void         _sl_graph_assign      (SlGraph    *self,
                                    SlGraph    *from);

/* Insertion order, stable: the runtime applies deltas in this order. */
GPtrArray   *_sl_graph_get_nodes   (SlGraph    *self);
GPtrArray   *_sl_graph_get_links   (SlGraph    *self);
SlGraphNode *_sl_graph_lookup_node (SlGraph    *self,
                                    const char *id);
SlGraphLink *_sl_graph_lookup_link (SlGraph    *self,
                                    const char *id);

/* "drop-oldest" → SL_OVERFLOW_DROP_OLDEST…; SL_ERROR_PARSE naming @nick
 * otherwise. JSON graphs and launch lines read policies with it. */
gboolean     _sl_overflow_policy_from_nick (const char        *nick,
                                            SlOverflowPolicy  *policy,
                                            GError           **error);


G_END_DECLS
