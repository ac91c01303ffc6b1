/* sl-param-spec-private.h: the check of a checked string property
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sl-param-spec.h"

G_BEGIN_DECLS

/* Runs @pspec's check on @value when @pspec is a checked string property.
 * TRUE when there is nothing to check or the value passes; otherwise FALSE
 * with @error set to the check's own message. */
gboolean sl_param_spec_run_check (GParamSpec  *pspec,
                                  const char  *value,
                                  GError     **error);

G_END_DECLS
