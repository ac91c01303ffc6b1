/* sl-output-port.c: the output end of links
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>

#include "sl-lock-private.h"
#include "sl-port-private.h"
#include "sl-processor.h"

/**
 * SlOutputPort:
 *
 * The sending end of links, owned by a [class@Streamlib.Processor].
 *
 * An output port fans out to any number of links: a frame pushed with
 * [method@Streamlib.OutputPort.push] is shared (by reference, never copied)
 * with every link. A port without links holds a plug that drops what it is
 * given and counts it, so a processor never checks whether it is linked.
 *
 * Threading: push from the processor's own thread only.
 *
 * Since: 1.0
 */

struct _SlOutputPort
{
  GObject       parent_instance;

  char         *name;
  GstCaps      *caps;
  SlProcessor  *processor;   /* owns us: not referenced */
  GPtrArray    *links;       /* owned by the processor's thread */
  atomic_uint_fast64_t unlinked_drops;
};

G_DEFINE_FINAL_TYPE (SlOutputPort, sl_output_port, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_CAPS,
  PROP_PROCESSOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sl_output_port_finalize (GObject *object)
{
  SlOutputPort *self = SL_OUTPUT_PORT (object);

  g_clear_pointer (&self->links, g_ptr_array_unref);
  gst_clear_caps (&self->caps);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (sl_output_port_parent_class)->finalize (object);
}

static void
sl_output_port_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SlOutputPort *self = SL_OUTPUT_PORT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_CAPS:
      g_value_set_boxed (value, self->caps);
      break;

    case PROP_PROCESSOR:
      g_value_set_object (value, self->processor);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_output_port_class_init (SlOutputPortClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sl_output_port_finalize;
  object_class->get_property = sl_output_port_get_property;

  /**
   * SlOutputPort:name:
   *
   * The port's name, unique among its processor's output ports.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SlOutputPort:caps:
   *
   * The media types the port produces.
   *
   * Since: 1.0
   */
  properties[PROP_CAPS] =
    g_param_spec_boxed ("caps", NULL, NULL, gst_caps_get_type (),
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SlOutputPort:processor:
   *
   * The processor that owns the port.
   *
   * Since: 1.0
   */
  properties[PROP_PROCESSOR] =
    g_param_spec_object ("processor", NULL, NULL, SL_TYPE_PROCESSOR,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sl_output_port_init (SlOutputPort *self)
{
  self->links = g_ptr_array_new_with_free_func ((GDestroyNotify) sl_link_unref);
}

SlOutputPort *
_sl_output_port_new (SlProcessor *processor,
                     const char  *name,
                     GstCaps     *caps)
{
  SlOutputPort *self = g_object_new (SL_TYPE_OUTPUT_PORT, NULL);

  self->processor = processor;
  self->name = g_strdup (name);
  self->caps = gst_caps_ref (caps);

  return self;
}

/**
 * sl_output_port_get_name:
 * @self: an output port
 *
 * Gets the port's name.
 *
 * Any thread may call this.
 *
 * Returns: the name
 *
 * Since: 1.0
 */
const char *
sl_output_port_get_name (SlOutputPort *self)
{
  g_return_val_if_fail (SL_IS_OUTPUT_PORT (self), NULL);

  return self->name;
}

/**
 * sl_output_port_get_caps:
 * @self: an output port
 *
 * Gets the media types the port produces.
 *
 * Any thread may call this.
 *
 * Returns: (transfer none): the caps
 *
 * Since: 1.0
 */
GstCaps *
sl_output_port_get_caps (SlOutputPort *self)
{
  g_return_val_if_fail (SL_IS_OUTPUT_PORT (self), NULL);

  return self->caps;
}

/**
 * sl_output_port_get_processor:
 * @self: an output port
 *
 * Gets the processor that owns the port.
 *
 * Any thread may call this.
 *
 * Returns: (transfer none): the processor
 *
 * Since: 1.0
 */
SlProcessor *
sl_output_port_get_processor (SlOutputPort *self)
{
  g_return_val_if_fail (SL_IS_OUTPUT_PORT (self), NULL);

  return self->processor;
}

/**
 * sl_output_port_push:
 * @self: an output port
 * @sample: (transfer full): the frame to send
 *
 * Sends @sample to every link of the port. The frame is shared by reference;
 * it must not be modified afterwards. What happens when a link is full is
 * that link's [enum@Streamlib.OverflowPolicy]; only
 * [enum@Streamlib.OverflowPolicy.BLOCK] can make this call wait.
 *
 * Call it from the owning processor's thread (its `process`, or its own
 * callbacks for [enum@Streamlib.ExecutionMode.MANUAL] processors).
 *
 * Since: 1.0
 */
void
sl_output_port_push (SlOutputPort *self,
                     GstSample    *sample)
{
  guint n_links;

  g_return_if_fail (SL_IS_OUTPUT_PORT (self));
  g_return_if_fail (GST_IS_SAMPLE (sample));

  /* The frame's reference count (in GStreamer, which TSan does not see)
   * orders our reads before whichever thread frees it: say so. */
  sl_tsan_release (sample);

  n_links = self->links->len;
  if (n_links == 0)
    {
      atomic_fetch_add_explicit (&self->unlinked_drops, 1, memory_order_relaxed);
      gst_sample_unref (sample);
      return;
    }

  for (guint i = 0; i + 1 < n_links; i++)
    sl_link_push (g_ptr_array_index (self->links, i),
                  GST_MINI_OBJECT_CAST (gst_sample_ref (sample)));
  sl_link_push (g_ptr_array_index (self->links, n_links - 1), GST_MINI_OBJECT_CAST (sample));
}

/**
 * sl_output_port_get_n_links:
 * @self: an output port
 *
 * Gets how many links the port feeds.
 *
 * Call it from the owning processor's thread.
 *
 * Returns: the number of links
 *
 * Since: 1.0
 */
guint
sl_output_port_get_n_links (SlOutputPort *self)
{
  g_return_val_if_fail (SL_IS_OUTPUT_PORT (self), 0);

  return self->links->len;
}

/**
 * sl_output_port_get_unlinked_drops:
 * @self: an output port
 *
 * Gets how many frames were pushed while the port had no link (and so were
 * dropped by its plug).
 *
 * Any thread may call this.
 *
 * Returns: the number of frames dropped for want of a link
 *
 * Since: 1.0
 */
guint64
sl_output_port_get_unlinked_drops (SlOutputPort *self)
{
  g_return_val_if_fail (SL_IS_OUTPUT_PORT (self), 0);

  return atomic_load (&self->unlinked_drops);
}

void
_sl_output_port_add_link (SlOutputPort *self,
                          SlLink       *link)
{
  g_ptr_array_add (self->links, sl_link_ref (link));
}

gboolean
_sl_output_port_remove_link (SlOutputPort *self,
                             SlLink       *link)
{
  return g_ptr_array_remove (self->links, link);
}

GPtrArray *
_sl_output_port_get_links (SlOutputPort *self)
{
  return self->links;
}

void
_sl_output_port_push_eos (SlOutputPort *self)
{
  for (guint i = 0; i < self->links->len; i++)
    sl_link_push_eos (g_ptr_array_index (self->links, i));
}

void
_sl_output_port_clear_eos (SlOutputPort *self)
{
  for (guint i = 0; i < self->links->len; i++)
    sl_link_clear_eos (g_ptr_array_index (self->links, i));
}
