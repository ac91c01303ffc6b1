/* sl-launch-private.h: the launch-line parser, without the commit
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-launch.h"

G_BEGIN_DECLS

/* Parses @description and applies it to @graph edit by edit. On error @graph
 * may hold part of the description: callers pass a scratch copy. */
gboolean _sl_launch_parse_into (SlGraph     *graph,
                                const char  *description,
                                GError     **error);

G_END_DECLS
