/* sl-echo.c: sends every frame twice
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-core-processors.h"

struct _SlEcho
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (SlEcho, sl_echo, SL_TYPE_PROCESSOR)

static gboolean
sl_echo_process (SlProcessor  *processor,
                 GError      **error)
{
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  SlOutputPort *out = sl_processor_get_output_port (processor, "out");
  GstSample *sample;

  /* The second copy is the same frame by reference: frames are never
   * copied. */
  while ((sample = sl_input_port_pop (in)) != NULL)
    {
      sl_output_port_push (out, gst_sample_ref (sample));
      sl_output_port_push (out, sample);
    }

  return TRUE;
}

static void
sl_echo_class_init (SlEchoClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  processor_class->process = sl_echo_process;
  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_add_output_port (processor_class, "out", NULL);
  sl_processor_class_set_description (processor_class, "Sends every frame twice");
}

static void
sl_echo_init (SlEcho *self)
{
}
