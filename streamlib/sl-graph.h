/* sl-graph.h: the desired state: nodes and links
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
#include "sl-registry.h"

G_BEGIN_DECLS

/**
 * SL_DEFAULT_LINK_CAPACITY:
 *
 * The capacity, in frames, of a link made without one.
 *
 * Since: 1.0
 */
#define SL_DEFAULT_LINK_CAPACITY 8

#define SL_TYPE_GRAPH (sl_graph_get_type ())

SL_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SlGraph, sl_graph, SL, GRAPH, GObject)

SL_AVAILABLE_IN_1_0
SlGraph     *sl_graph_new                          (SlRegistry        *registry);
SL_AVAILABLE_IN_1_0
SlGraph     *sl_graph_copy                         (SlGraph           *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
SlRegistry  *sl_graph_get_registry                 (SlGraph           *self);

SL_AVAILABLE_IN_1_0
const char  *sl_graph_add_node                     (SlGraph           *self,
                                                    const char        *factory,
                                                    const char        *id,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_remove_node                  (SlGraph           *self,
                                                    const char        *id,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_has_node                     (SlGraph           *self,
                                                    const char        *id);
SL_AVAILABLE_IN_1_0
const char  *sl_graph_get_node_factory             (SlGraph           *self,
                                                    const char        *id);
SL_AVAILABLE_IN_1_0
char       **sl_graph_list_nodes                   (SlGraph           *self) G_GNUC_WARN_UNUSED_RESULT;

SL_AVAILABLE_IN_1_0
gboolean     sl_graph_set_node_property            (SlGraph           *self,
                                                    const char        *id,
                                                    const char        *name,
                                                    const GValue      *value,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_set_node_property_from_string (SlGraph          *self,
                                                    const char        *id,
                                                    const char        *name,
                                                    const char        *value,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_get_node_property            (SlGraph           *self,
                                                    const char        *id,
                                                    const char        *name,
                                                    GValue            *value,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
char       **sl_graph_list_node_properties         (SlGraph           *self,
                                                    const char        *id) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
char        *sl_graph_get_node_checksum            (SlGraph           *self,
                                                    const char        *id) G_GNUC_WARN_UNUSED_RESULT;

SL_AVAILABLE_IN_1_0
const char  *sl_graph_link                         (SlGraph           *self,
                                                    const char        *source,
                                                    const char        *target,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_unlink                       (SlGraph           *self,
                                                    const char        *link,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_configure_link               (SlGraph           *self,
                                                    const char        *link,
                                                    guint              capacity,
                                                    SlOverflowPolicy   policy,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_has_link                     (SlGraph           *self,
                                                    const char        *link);
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_get_link_info                (SlGraph           *self,
                                                    const char        *link,
                                                    char             **source,
                                                    char             **target,
                                                    guint             *capacity,
                                                    SlOverflowPolicy  *policy);
SL_AVAILABLE_IN_1_0
char       **sl_graph_list_links                   (SlGraph           *self) G_GNUC_WARN_UNUSED_RESULT;

SL_AVAILABLE_IN_1_0
gboolean     sl_graph_validate                     (SlGraph           *self,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
char       **sl_graph_get_topological_order        (SlGraph           *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
char       **sl_graph_get_sources                  (SlGraph           *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
char       **sl_graph_get_sinks                    (SlGraph           *self) G_GNUC_WARN_UNUSED_RESULT;

SL_AVAILABLE_IN_1_0
char        *sl_graph_to_json                      (SlGraph           *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_load_from_data               (SlGraph           *self,
                                                    const char        *data,
                                                    gssize             length,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
gboolean     sl_graph_load_from_file               (SlGraph           *self,
                                                    const char        *filename,
                                                    GError           **error);
SL_AVAILABLE_IN_1_0
char        *sl_graph_to_dot                       (SlGraph           *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
