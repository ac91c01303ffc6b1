/* sl-runtime-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-runtime.h"

G_BEGIN_DECLS

typedef gboolean (*SlGraphEditFunc) (SlGraph     *graph,
                                     gpointer     user_data,
                                     GError     **error);

/* Runs @edit on a copy of the runtime's graph under its lock and, if it
 * succeeds, makes the copy the graph: several edits applied as one, with no
 * other edit in between, and nothing changed on error. */
gboolean _sl_runtime_edit (SlRuntime        *self,
                           SlGraphEditFunc   edit,
                           gpointer          user_data,
                           GError          **error);


G_END_DECLS
