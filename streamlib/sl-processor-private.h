/* sl-processor-private.h: what the runtime needs from processors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-processor.h"

G_BEGIN_DECLS

G_END_DECLS
