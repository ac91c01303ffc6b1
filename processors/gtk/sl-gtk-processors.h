/* sl-gtk-processors.h: the GTK 4 processor types
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <streamlib/streamlib.h>

G_BEGIN_DECLS

/* ---- the paintable a paintable-sink draws into ------------------------- */

#define SL_TYPE_GTK_PAINTABLE (sl_gtk_paintable_get_type ())
G_DECLARE_FINAL_TYPE (SlGtkPaintable, sl_gtk_paintable, SL, GTK_PAINTABLE, GObject)

SlGtkPaintable *sl_gtk_paintable_new          (void);
/* Shows @texture (NULL: nothing), drawn at @width x @height (the display
 * size: the frame's size corrected by its pixel aspect ratio). Main thread
 * only, as everything GTK draws. */
void            sl_gtk_paintable_set_texture  (SlGtkPaintable *self,
                                               GdkTexture     *texture,
                                               int             width,
                                               int             height);
/* Frames drawn at least once by a snapshot. Any thread. */
gint64          sl_gtk_paintable_get_shown    (SlGtkPaintable *self);

/* ---- paintable-sink ------------------------------------------------------ */

#define SL_TYPE_PAINTABLE_SINK (sl_paintable_sink_get_type ())
G_DECLARE_FINAL_TYPE (SlPaintableSink, sl_paintable_sink, SL, PAINTABLE_SINK, SlProcessor)

G_END_DECLS
