/* sl-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-error.h"

G_DEFINE_QUARK (sl-error-quark, sl_error)
