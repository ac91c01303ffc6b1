/* sl-gtk-paintable.c: the GdkPaintable a paintable-sink draws into
 *
 * It holds the latest frame as a GdkTexture and draws it scaled to whatever
 * size GTK asks for (a GtkPicture keeps the aspect ratio with its
 * content-fit). Its intrinsic size is the frame's display size, so a
 * GtkPicture sizes itself to the video and follows a change of resolution or
 * orientation. Everything but the frame counter runs on the main thread: the
 * sink sets frames from its process(), which runs on the runtime's main
 * context, and GTK snapshots there.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>

#include "sl-gtk-processors.h"

struct _SlGtkPaintable
{
  GObject              parent_instance;

  GdkTexture          *texture;    /* the frame shown, or NULL */
  int                  width;      /* its display size */
  int                  height;
  gboolean             drawn;      /* the texture was drawn at least once */
  atomic_int_fast64_t  shown;      /* frames drawn at least once */
};

static void sl_gtk_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SlGtkPaintable, sl_gtk_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, sl_gtk_paintable_iface_init))

static void
sl_gtk_paintable_snapshot (GdkPaintable *paintable,
                           GdkSnapshot  *snapshot,
                           double        width,
                           double        height)
{
  SlGtkPaintable *self = SL_GTK_PAINTABLE (paintable);

  if (self->texture == NULL)
    return;

  gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
  if (!self->drawn)
    {
      self->drawn = TRUE;
      atomic_fetch_add (&self->shown, 1);
    }
}

static GdkPaintable *
sl_gtk_paintable_get_current_image (GdkPaintable *paintable)
{
  SlGtkPaintable *self = SL_GTK_PAINTABLE (paintable);

  /* A texture never changes: it is its own snapshot of this moment. */
  if (self->texture != NULL)
    return g_object_ref (GDK_PAINTABLE (self->texture));

  return gdk_paintable_new_empty (self->width, self->height);
}

static int
sl_gtk_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return SL_GTK_PAINTABLE (paintable)->width;
}

static int
sl_gtk_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return SL_GTK_PAINTABLE (paintable)->height;
}

static double
sl_gtk_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  SlGtkPaintable *self = SL_GTK_PAINTABLE (paintable);

  return self->width > 0 && self->height > 0 ? (double) self->width / self->height : 0.0;
}

static void
sl_gtk_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = sl_gtk_paintable_snapshot;
  iface->get_current_image = sl_gtk_paintable_get_current_image;
  iface->get_intrinsic_width = sl_gtk_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = sl_gtk_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = sl_gtk_paintable_get_intrinsic_aspect_ratio;
}

static void
sl_gtk_paintable_dispose (GObject *object)
{
  SlGtkPaintable *self = SL_GTK_PAINTABLE (object);

  g_clear_object (&self->texture);

  G_OBJECT_CLASS (sl_gtk_paintable_parent_class)->dispose (object);
}

static void
sl_gtk_paintable_class_init (SlGtkPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sl_gtk_paintable_dispose;
}

static void
sl_gtk_paintable_init (SlGtkPaintable *self)
{
  atomic_init (&self->shown, 0);
}

SlGtkPaintable *
sl_gtk_paintable_new (void)
{
  return g_object_new (SL_TYPE_GTK_PAINTABLE, NULL);
}

void
sl_gtk_paintable_set_texture (SlGtkPaintable *self,
                              GdkTexture     *texture,
                              int             width,
                              int             height)
{
  gboolean resized;

  g_return_if_fail (SL_IS_GTK_PAINTABLE (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  if (texture == NULL)
    width = height = 0;
  resized = width != self->width || height != self->height;

  g_set_object (&self->texture, texture);
  self->width = width;
  self->height = height;
  self->drawn = FALSE;

  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

gint64
sl_gtk_paintable_get_shown (SlGtkPaintable *self)
{
  g_return_val_if_fail (SL_IS_GTK_PAINTABLE (self), 0);

  return atomic_load (&self->shown);
}
