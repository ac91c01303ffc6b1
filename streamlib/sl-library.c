/* sl-library.c: one-time library initialisation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>

#include "sl-library-private.h"

void
_sl_library_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
#ifdef ENABLE_NLS
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
#endif
      /* Caps and samples need GStreamer's types; the application may not
       * have initialised it (a Python or JavaScript script, say). */
      if (!gst_is_initialized ())
        gst_init (NULL, NULL);
      g_once_init_leave (&initialised, 1);
    }
}

int
sl_compare_strings (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}
