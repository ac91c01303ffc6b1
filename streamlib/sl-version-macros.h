/* sl-version-macros.h: export and availability decorators
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_INSIDE__) && !defined(STREAMLIB_COMPILATION)
#error "Only <streamlib/streamlib.h> can be included directly."
#endif

#include <glib.h>

#include "sl-version.h"

#ifndef _SL_EXTERN
# define _SL_EXTERN __attribute__((visibility ("default"))) extern
#endif

#define SL_VERSION_1_0 (SL_ENCODE_VERSION (1, 0, 0))

#ifdef SL_DISABLE_DEPRECATION_WARNINGS
# define SL_DEPRECATED _SL_EXTERN
# define SL_DEPRECATED_FOR(f) _SL_EXTERN
# define SL_UNAVAILABLE(maj,min) _SL_EXTERN
#else
# define SL_DEPRECATED G_DEPRECATED _SL_EXTERN
# define SL_DEPRECATED_FOR(f) G_DEPRECATED_FOR (f) _SL_EXTERN
# define SL_UNAVAILABLE(maj,min) G_UNAVAILABLE (maj, min) _SL_EXTERN
#endif

/**
 * SL_AVAILABLE_IN_ALL:
 *
 * Marks a symbol as part of streamlib's public API since its first release.
 *
 * Since: 1.0
 */
#define SL_AVAILABLE_IN_ALL _SL_EXTERN

/**
 * SL_AVAILABLE_IN_1_0:
 *
 * Marks a symbol as available since streamlib 1.0.
 *
 * Since: 1.0
 */
#define SL_AVAILABLE_IN_1_0 _SL_EXTERN
