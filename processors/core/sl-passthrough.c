/* sl-passthrough.c: forwards every frame
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-core-processors.h"

struct _SlPassthrough
{
  SlProcessor   parent_instance;
  SlInputPort  *in;
  SlOutputPort *out;
};

G_DEFINE_FINAL_TYPE (SlPassthrough, sl_passthrough, SL_TYPE_PROCESSOR)

static gboolean
sl_passthrough_setup (SlProcessor  *processor,
                      GError      **error)
{
  SlPassthrough *self = SL_PASSTHROUGH (processor);

  self->in = sl_processor_get_input_port (processor, "in");
  self->out = sl_processor_get_output_port (processor, "out");
  return TRUE;
}

static gboolean
sl_passthrough_process (SlProcessor  *processor,
                        GError      **error)
{
  SlPassthrough *self = SL_PASSTHROUGH (processor);
  GstSample *sample;

  while ((sample = sl_input_port_pop (self->in)) != NULL)
    sl_output_port_push (self->out, sample);

  return TRUE;
}

static void
sl_passthrough_class_init (SlPassthroughClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  processor_class->setup = sl_passthrough_setup;
  processor_class->process = sl_passthrough_process;
  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_add_output_port (processor_class, "out", NULL);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
  sl_processor_class_set_description (processor_class, "Forwards every frame unchanged");
}

static void
sl_passthrough_init (SlPassthrough *self)
{
}
