/* sl-counter-sink.c: counts and drops frames
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>

#include "sl-core-processors.h"

struct _SlCounterSink
{
  SlProcessor          parent_instance;
  atomic_int_fast64_t  count;
  atomic_int_fast64_t  last_offset;
  atomic_int_fast64_t  out_of_order;
};

G_DEFINE_FINAL_TYPE (SlCounterSink, sl_counter_sink, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_COUNT,
  PROP_LAST_OFFSET,
  PROP_OUT_OF_ORDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
sl_counter_sink_process (SlProcessor  *processor,
                         GError      **error)
{
  SlCounterSink *self = SL_COUNTER_SINK (processor);
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  GstSample *sample;

  while ((sample = sl_input_port_pop (in)) != NULL)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);

      /* Frames numbered by their source (buffer offset) must arrive in
       * increasing order: count the ones that do not. */
      if (buffer != NULL && GST_BUFFER_OFFSET_IS_VALID (buffer))
        {
          gint64 offset = (gint64) GST_BUFFER_OFFSET (buffer);

          /* This thread is the only writer of the counters: a load and a
           * store, not a locked add per frame. */
          if (offset <= atomic_load_explicit (&self->last_offset, memory_order_relaxed))
            atomic_store_explicit (&self->out_of_order,
                                   atomic_load_explicit (&self->out_of_order, memory_order_relaxed) + 1,
                                   memory_order_relaxed);
          atomic_store_explicit (&self->last_offset, offset, memory_order_relaxed);
        }
      atomic_store_explicit (&self->count,
                             atomic_load_explicit (&self->count, memory_order_relaxed) + 1,
                             memory_order_release);
      gst_sample_unref (sample);
    }

  return TRUE;
}

static void
sl_counter_sink_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SlCounterSink *self = SL_COUNTER_SINK (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      g_value_set_int64 (value, atomic_load (&self->count));
      break;
    case PROP_LAST_OFFSET:
      g_value_set_int64 (value, atomic_load (&self->last_offset));
      break;
    case PROP_OUT_OF_ORDER:
      g_value_set_int64 (value, atomic_load (&self->out_of_order));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_counter_sink_class_init (SlCounterSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->get_property = sl_counter_sink_get_property;
  processor_class->process = sl_counter_sink_process;

  properties[PROP_COUNT] =
    g_param_spec_int64 ("count", NULL, "Frames received", 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_OFFSET] =
    g_param_spec_int64 ("last-offset", NULL, "Offset of the last numbered frame, -1 before any",
                        -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUT_OF_ORDER] =
    g_param_spec_int64 ("out-of-order", NULL, "Numbered frames that arrived out of order",
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_set_description (processor_class, "Counts the frames it receives, checks their order, drops them");
}

static void
sl_counter_sink_init (SlCounterSink *self)
{
  atomic_init (&self->last_offset, -1);
}
