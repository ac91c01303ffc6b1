/* sl-runtime.h: runs a graph
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
#include "sl-graph.h"
#include "sl-link-stats.h"
#include "sl-processor.h"
#include "sl-registry.h"

G_BEGIN_DECLS

#define SL_TYPE_RUNTIME (sl_runtime_get_type ())

SL_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SlRuntime, sl_runtime, SL, RUNTIME, GObject)

SL_AVAILABLE_IN_1_0
SlRuntime        *sl_runtime_new                  (void);
SL_AVAILABLE_IN_1_0
SlRuntime        *sl_runtime_new_with_registry    (SlRegistry        *registry);
SL_AVAILABLE_IN_1_0
SlRegistry       *sl_runtime_get_registry         (SlRuntime         *self);
SL_AVAILABLE_IN_1_0
GMainContext     *sl_runtime_get_main_context     (SlRuntime         *self);
SL_AVAILABLE_IN_1_0
SlGraph          *sl_runtime_get_graph            (SlRuntime         *self) G_GNUC_WARN_UNUSED_RESULT;

SL_AVAILABLE_IN_1_0
char             *sl_runtime_add                  (SlRuntime         *self,
                                                   const char        *factory,
                                                   const char        *id,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_remove               (SlRuntime         *self,
                                                   const char        *id,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_set_node_property    (SlRuntime         *self,
                                                   const char        *id,
                                                   const char        *name,
                                                   const GValue      *value,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_set_node_property_from_string (SlRuntime *self,
                                                   const char        *id,
                                                   const char        *name,
                                                   const char        *value,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
char             *sl_runtime_link                 (SlRuntime         *self,
                                                   const char        *source,
                                                   const char        *target,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_unlink               (SlRuntime         *self,
                                                   const char        *link,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_configure_link       (SlRuntime         *self,
                                                   const char        *link,
                                                   guint              capacity,
                                                   SlOverflowPolicy   policy,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_load_from_data       (SlRuntime         *self,
                                                   const char        *data,
                                                   gssize             length,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_load_from_file       (SlRuntime         *self,
                                                   const char        *filename,
                                                   GError           **error);

SL_AVAILABLE_IN_1_0
SlCommitMode      sl_runtime_get_commit_mode      (SlRuntime         *self);
SL_AVAILABLE_IN_1_0
void              sl_runtime_set_commit_mode      (SlRuntime         *self,
                                                   SlCommitMode       mode);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_commit               (SlRuntime         *self,
                                                   GError           **error);

SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_start                (SlRuntime         *self,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_pause                (SlRuntime         *self,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_resume               (SlRuntime         *self,
                                                   GError           **error);
SL_AVAILABLE_IN_1_0
gboolean          sl_runtime_stop                 (SlRuntime         *self,
                                                   SlStopMode         mode,
                                                   GError           **error);

SL_AVAILABLE_IN_1_0
SlRuntimeState    sl_runtime_get_state            (SlRuntime         *self);
SL_AVAILABLE_IN_1_0
SlProcessorState  sl_runtime_get_processor_state  (SlRuntime         *self,
                                                   const char        *id);
SL_AVAILABLE_IN_1_0
SlThreadPriority  sl_runtime_get_processor_priority (SlRuntime       *self,
                                                   const char        *id);
SL_AVAILABLE_IN_1_0
SlProcessor      *sl_runtime_get_processor        (SlRuntime         *self,
                                                   const char        *id);
SL_AVAILABLE_IN_1_0
SlLinkStats      *sl_runtime_get_link_stats       (SlRuntime         *self,
                                                   const char        *link,
                                                   GError           **error);

/**
 * sl_runtime_set:
 *
 * C shorthand for [method@Streamlib.Runtime.set_node_property]. The long
 * name is the real one: a method named `set` would hide GObject's own `set`
 * in JavaScript and Vala.
 *
 * Since: 1.0
 */
#define sl_runtime_set sl_runtime_set_node_property

/**
 * sl_runtime_set_from_string:
 *
 * C shorthand for [method@Streamlib.Runtime.set_node_property_from_string].
 *
 * Since: 1.0
 */
#define sl_runtime_set_from_string sl_runtime_set_node_property_from_string

G_END_DECLS
