/* sl-param-spec.h: string properties whose values a processor checks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_INSIDE__) && !defined(STREAMLIB_COMPILATION)
#error "Only <streamlib/streamlib.h> can be included directly."
#endif

#include <glib-object.h>

#include "sl-version-macros.h"

G_BEGIN_DECLS

/**
 * SlStringCheckFunc:
 * @value: (not nullable): the value to check
 * @error: return location for a #GError
 *
 * Checks a value of a checked string property. It must be a pure function of
 * @value (it may run on any thread, any number of times).
 *
 * Returns: %TRUE if @value is acceptable; otherwise %FALSE with @error set to
 *   a message saying what is wrong with it
 *
 * Since: 1.0
 */
typedef gboolean (*SlStringCheckFunc) (const char  *value,
                                       GError     **error);

#define SL_TYPE_PARAM_CHECKED_STRING (sl_param_spec_checked_string_get_type ())

SL_AVAILABLE_IN_1_0
GType        sl_param_spec_checked_string_get_type (void) G_GNUC_CONST;
SL_AVAILABLE_IN_1_0
GParamSpec  *sl_param_spec_checked_string          (const char         *name,
                                                    const char         *nick,
                                                    const char         *blurb,
                                                    const char         *default_value,
                                                    SlStringCheckFunc   check,
                                                    GParamFlags         flags);
SL_AVAILABLE_IN_1_0
gboolean     sl_param_spec_check_string            (GParamSpec         *pspec,
                                                    const char         *value,
                                                    GError            **error);

G_END_DECLS
