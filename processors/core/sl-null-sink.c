/* sl-null-sink.c: drops frames
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-core-processors.h"

struct _SlNullSink
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (SlNullSink, sl_null_sink, SL_TYPE_PROCESSOR)

static gboolean
sl_null_sink_process (SlProcessor  *processor,
                      GError      **error)
{
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  GstSample *sample;

  while ((sample = sl_input_port_pop (in)) != NULL)
    gst_sample_unref (sample);

  return TRUE;
}

static void
sl_null_sink_class_init (SlNullSinkClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  processor_class->process = sl_null_sink_process;
  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_set_description (processor_class, "Drops every frame");
}

static void
sl_null_sink_init (SlNullSink *self)
{
}
