/* sl-runtime-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-runtime.h"

G_BEGIN_DECLS

/* Only for tests: the effective thread priority of a running processor. */
SlThreadPriority _sl_runtime_get_effective_priority (SlRuntime  *self,
                                                     const char *id);

G_END_DECLS
