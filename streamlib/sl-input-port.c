/* sl-input-port.c: the input end of links
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-port-private.h"
#include "sl-processor.h"

/**
 * SlInputPort:
 *
 * The receiving end of a link, owned by a [class@Streamlib.Processor].
 *
 * An input port has at most one link (links are single-producer,
 * single-consumer rings). Its processor takes frames out of it with
 * [method@Streamlib.InputPort.pop] from `process`; an unlinked port simply
 * has nothing to pop.
 *
 * Threading: pop from the processor's own `process` only.
 *
 * Since: 1.0
 */

struct _SlInputPort
{
  GObject       parent_instance;

  char         *name;
  GstCaps      *caps;
  SlProcessor  *processor;   /* owns us: not referenced */
  SlLink       *link;        /* owned by the processor's thread */
};

G_DEFINE_FINAL_TYPE (SlInputPort, sl_input_port, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_CAPS,
  PROP_PROCESSOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sl_input_port_finalize (GObject *object)
{
  SlInputPort *self = SL_INPUT_PORT (object);

  g_clear_pointer (&self->link, sl_link_unref);
  gst_clear_caps (&self->caps);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (sl_input_port_parent_class)->finalize (object);
}

static void
sl_input_port_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SlInputPort *self = SL_INPUT_PORT (object);

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
sl_input_port_class_init (SlInputPortClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sl_input_port_finalize;
  object_class->get_property = sl_input_port_get_property;

  /**
   * SlInputPort:name:
   *
   * The port's name, unique among its processor's input ports.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SlInputPort:caps:
   *
   * The media types the port accepts.
   *
   * Since: 1.0
   */
  properties[PROP_CAPS] =
    g_param_spec_boxed ("caps", NULL, NULL, gst_caps_get_type (),
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SlInputPort:processor:
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
sl_input_port_init (SlInputPort *self)
{
}

SlInputPort *
_sl_input_port_new (SlProcessor *processor,
                    const char  *name,
                    GstCaps     *caps)
{
  SlInputPort *self = g_object_new (SL_TYPE_INPUT_PORT, NULL);

  self->processor = processor;
  self->name = g_strdup (name);
  self->caps = gst_caps_ref (caps);

  return self;
}

/**
 * sl_input_port_get_name:
 * @self: an input port
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
sl_input_port_get_name (SlInputPort *self)
{
  g_return_val_if_fail (SL_IS_INPUT_PORT (self), NULL);

  return self->name;
}

/**
 * sl_input_port_get_caps:
 * @self: an input port
 *
 * Gets the media types the port accepts.
 *
 * Any thread may call this.
 *
 * Returns: (transfer none): the caps
 *
 * Since: 1.0
 */
GstCaps *
sl_input_port_get_caps (SlInputPort *self)
{
  g_return_val_if_fail (SL_IS_INPUT_PORT (self), NULL);

  return self->caps;
}

/**
 * sl_input_port_get_processor:
 * @self: an input port
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
sl_input_port_get_processor (SlInputPort *self)
{
  g_return_val_if_fail (SL_IS_INPUT_PORT (self), NULL);

  return self->processor;
}

/**
 * sl_input_port_pop:
 * @self: an input port
 *
 * Takes the oldest frame waiting in the port's link. Never blocks.
 *
 * Call it from the owning processor's `process` (its thread) only.
 *
 * Returns: (transfer full) (nullable): the frame, or %NULL if none waits
 *   (including when the port has no link)
 *
 * Since: 1.0
 */
GstSample *
sl_input_port_pop (SlInputPort *self)
{
  g_return_val_if_fail (SL_IS_INPUT_PORT (self), NULL);

  if (self->link == NULL)
    return NULL;

  return (GstSample *) sl_link_pop (self->link);
}

/**
 * sl_input_port_is_linked:
 * @self: an input port
 *
 * Whether a link feeds the port.
 *
 * Call it from the owning processor's thread.
 *
 * Returns: %TRUE if the port has a link
 *
 * Since: 1.0
 */
gboolean
sl_input_port_is_linked (SlInputPort *self)
{
  g_return_val_if_fail (SL_IS_INPUT_PORT (self), FALSE);

  return self->link != NULL;
}

/**
 * sl_input_port_is_eos:
 * @self: an input port
 *
 * Whether the upstream processor has finished (end-of-stream) and every
 * frame it sent has been popped.
 *
 * Call it from the owning processor's thread.
 *
 * Returns: %TRUE at end-of-stream
 *
 * Since: 1.0
 */
gboolean
sl_input_port_is_eos (SlInputPort *self)
{
  g_return_val_if_fail (SL_IS_INPUT_PORT (self), FALSE);

  return self->link != NULL && sl_link_is_eos (self->link);
}

void
_sl_input_port_set_link (SlInputPort *self,
                         SlLink      *link)
{
  if (link != NULL)
    sl_link_ref (link);
  g_clear_pointer (&self->link, sl_link_unref);
  self->link = link;
}

SlLink *
_sl_input_port_get_link (SlInputPort *self)
{
  return self->link;
}

gboolean
_sl_input_port_has_frames (SlInputPort *self)
{
  return self->link != NULL &&
         (!sl_link_is_empty (self->link) || atomic_load (&self->link->eos));
}
