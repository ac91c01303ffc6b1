/* sl-launch.h: graphs from launch lines
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_INSIDE__) && !defined(STREAMLIB_COMPILATION)
#error "Only <streamlib/streamlib.h> can be included directly."
#endif

#include <glib-object.h>

#include "sl-version-macros.h"
#include "sl-graph.h"
#include "sl-runtime.h"

G_BEGIN_DECLS

SL_AVAILABLE_IN_1_0
gboolean  sl_graph_parse_launch    (SlGraph     *graph,
                                    const char  *description,
                                    GError     **error);
SL_AVAILABLE_IN_1_0
gboolean  sl_runtime_parse_launch  (SlRuntime   *self,
                                    const char  *description,
                                    GError     **error);

G_END_DECLS
