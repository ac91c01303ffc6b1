/* sl-library-private.h: one-time library initialisation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Binds the translation domain and makes sure GStreamer is initialised.
 * Every public class calls it from its class init. */
void _sl_library_init (void);

/* A GCompareDataFunc for an array of strings: sorts by the strings, not by
 * the addresses of the array's elements. */
int  sl_compare_strings (gconstpointer a,
                         gconstpointer b,
                         gpointer      user_data);

G_END_DECLS
