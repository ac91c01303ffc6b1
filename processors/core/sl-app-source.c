/* sl-app-source.c: frames pushed by the application
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-core-processors.h"
#include "sl-lock-private.h"

struct _SlAppSource
{
  SlProcessor  parent_instance;

  GMutex       mutex;
  GQueue       pending;     /* GstSample*, pushed by the application */
  gboolean     eos;
};

G_DEFINE_FINAL_TYPE (SlAppSource, sl_app_source, SL_TYPE_PROCESSOR)

enum {
  PUSH_SAMPLE,
  END_OF_STREAM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Only the processor's thread pushes into the output port (a link has one
 * producer), so the application's frames wait in a queue until process(). */
static void
sl_app_source_push_sample (SlAppSource *self,
                           GstSample   *sample)
{
  g_return_if_fail (GST_IS_SAMPLE (sample));

  sl_mutex_lock (&self->mutex);
  if (!self->eos)
    g_queue_push_tail (&self->pending, gst_sample_ref (sample));
  sl_mutex_unlock (&self->mutex);

  sl_processor_schedule (SL_PROCESSOR (self));
}

static void
sl_app_source_end_of_stream (SlAppSource *self)
{
  sl_mutex_lock (&self->mutex);
  self->eos = TRUE;
  sl_mutex_unlock (&self->mutex);

  sl_processor_schedule (SL_PROCESSOR (self));
}

static void
sl_app_source_flush (SlAppSource *self)
{
  SlOutputPort *out = sl_processor_get_output_port (SL_PROCESSOR (self), "out");
  GQueue pending;
  gboolean eos;
  GstSample *sample;

  sl_mutex_lock (&self->mutex);
  pending = self->pending;
  g_queue_init (&self->pending);
  eos = self->eos;
  sl_mutex_unlock (&self->mutex);

  while ((sample = g_queue_pop_head (&pending)) != NULL)
    sl_output_port_push (out, sample);

  if (eos)
    sl_processor_finish (SL_PROCESSOR (self));
}

static gboolean
sl_app_source_process (SlProcessor  *processor,
                       GError      **error)
{
  sl_app_source_flush (SL_APP_SOURCE (processor));
  return TRUE;
}

static gboolean
sl_app_source_teardown (SlProcessor  *processor,
                        GError      **error)
{
  /* A drain must not lose what the application already pushed. */
  sl_app_source_flush (SL_APP_SOURCE (processor));
  return TRUE;
}

static void
sl_app_source_finalize (GObject *object)
{
  SlAppSource *self = SL_APP_SOURCE (object);

  g_queue_clear_full (&self->pending, (GDestroyNotify) gst_sample_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_app_source_parent_class)->finalize (object);
}

static void
sl_app_source_class_init (SlAppSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->finalize = sl_app_source_finalize;
  processor_class->process = sl_app_source_process;
  processor_class->teardown = sl_app_source_teardown;

  /**
   * SlAppSource::push-sample:
   * @self: the processor
   * @sample: the frame to send
   *
   * Action signal: queues @sample to be sent on the output. Any thread may
   * emit it.
   */
  signals[PUSH_SAMPLE] =
    g_signal_new_class_handler ("push-sample", G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                                G_CALLBACK (sl_app_source_push_sample),
                                NULL, NULL, NULL, G_TYPE_NONE, 1,
                                GST_TYPE_SAMPLE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SlAppSource::end-of-stream:
   * @self: the processor
   *
   * Action signal: no frame will follow. Any thread may emit it.
   */
  signals[END_OF_STREAM] =
    g_signal_new_class_handler ("end-of-stream", G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                                G_CALLBACK (sl_app_source_end_of_stream),
                                NULL, NULL, NULL, G_TYPE_NONE, 0);

  sl_processor_class_add_output_port (processor_class, "out", NULL);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_MANUAL);
  sl_processor_class_set_description (processor_class,
                                      "Sends the frames the application pushes with the push-sample action");
}

static void
sl_app_source_init (SlAppSource *self)
{
  g_mutex_init (&self->mutex);
  g_queue_init (&self->pending);
}
