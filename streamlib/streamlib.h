/* streamlib.h: the single header to include
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define __STREAMLIB_INSIDE__

#include "sl-version.h"
#include "sl-version-macros.h"
#include "sl-enums.h"
#include "sl-enum-types.h"
#include "sl-error.h"
#include "sl-input-port.h"
#include "sl-output-port.h"
#include "sl-param-spec.h"
#include "sl-processor.h"
#include "sl-registry.h"
#include "sl-graph.h"
#include "sl-link-stats.h"
#include "sl-runtime.h"
#include "sl-launch.h"

#undef __STREAMLIB_INSIDE__
