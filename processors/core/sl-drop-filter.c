/* sl-drop-filter.c: drops every Nth frame
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-core-processors.h"

struct _SlDropFilter
{
  SlProcessor parent_instance;
  guint       drop_every;
  guint64     seen;
};

G_DEFINE_FINAL_TYPE (SlDropFilter, sl_drop_filter, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_DROP_EVERY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
sl_drop_filter_process (SlProcessor  *processor,
                        GError      **error)
{
  SlDropFilter *self = SL_DROP_FILTER (processor);
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  SlOutputPort *out = sl_processor_get_output_port (processor, "out");
  GstSample *sample;

  /* Filtering is pushing nothing. */
  while ((sample = sl_input_port_pop (in)) != NULL)
    {
      self->seen++;
      if (self->drop_every > 0 && self->seen % self->drop_every == 0)
        gst_sample_unref (sample);
      else
        sl_output_port_push (out, sample);
    }

  return TRUE;
}

static void
sl_drop_filter_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SlDropFilter *self = SL_DROP_FILTER (object);

  switch (prop_id)
    {
    case PROP_DROP_EVERY:
      g_value_set_uint (value, self->drop_every);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_drop_filter_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SlDropFilter *self = SL_DROP_FILTER (object);

  switch (prop_id)
    {
    case PROP_DROP_EVERY:
      if (self->drop_every != g_value_get_uint (value))
        {
          self->drop_every = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_drop_filter_class_init (SlDropFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->get_property = sl_drop_filter_get_property;
  object_class->set_property = sl_drop_filter_set_property;
  processor_class->process = sl_drop_filter_process;

  properties[PROP_DROP_EVERY] =
    g_param_spec_uint ("drop-every", NULL, "Drop every Nth frame (0: drop none)",
                       0, G_MAXUINT, 2,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_add_output_port (processor_class, "out", NULL);
  sl_processor_class_set_description (processor_class, "Drops every Nth frame");
}

static void
sl_drop_filter_init (SlDropFilter *self)
{
  self->drop_every = 2;
}
