/* sl-processor.h: the base class of every processor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_INSIDE__) && !defined(STREAMLIB_COMPILATION)
#error "Only <streamlib/streamlib.h> can be included directly."
#endif

#include <glib-object.h>
#include <gst/gst.h>

#include "sl-version-macros.h"
#include "sl-enums.h"
#include "sl-input-port.h"
#include "sl-output-port.h"

G_BEGIN_DECLS

typedef struct _SlRuntime SlRuntime;

#define SL_TYPE_PROCESSOR (sl_processor_get_type ())

SL_AVAILABLE_IN_1_0
G_DECLARE_DERIVABLE_TYPE (SlProcessor, sl_processor, SL, PROCESSOR, GObject)

/**
 * SlProcessorClass:
 * @parent_class: the parent class
 * @setup: called once on the processor's thread (or main context) before the
 *   first @process, after its links are wired. Returns %FALSE and sets the
 *   error to fail the processor
 * @process: called each time the processor is scheduled: pop frames from the
 *   input ports, push frames to the output ports. A reactive processor is
 *   called once more when every linked input has reached end-of-stream
 *   ([method@Streamlib.InputPort.is_eos]), to flush what it holds before the
 *   end goes downstream. Returns %FALSE and sets the error to fail the
 *   processor
 * @teardown: called once on the processor's thread (or main context) after
 *   the last @process
 *
 * The class structure of [class@Streamlib.Processor]. A subclass overrides the
 * virtual functions it needs; all three are optional. Port templates and the
 * execution mode are class data, declared in the subclass's class init with
 * [method@Streamlib.ProcessorClass.add_input_port],
 * [method@Streamlib.ProcessorClass.add_output_port] and
 * [method@Streamlib.ProcessorClass.set_execution_mode].
 *
 * Since: 1.0
 */
struct _SlProcessorClass
{
  GObjectClass parent_class;

  gboolean (* setup)    (SlProcessor  *self,
                         GError      **error);
  gboolean (* process)  (SlProcessor  *self,
                         GError      **error);
  gboolean (* teardown) (SlProcessor  *self,
                         GError      **error);

  /*< private >*/
  gpointer class_data;
  gpointer _sl_reserved[11];
};

SL_AVAILABLE_IN_1_0
void             sl_processor_class_add_input_port       (SlProcessorClass *klass,
                                                          const char       *name,
                                                          GstCaps          *caps);
SL_AVAILABLE_IN_1_0
void             sl_processor_class_add_output_port      (SlProcessorClass *klass,
                                                          const char       *name,
                                                          GstCaps          *caps);
SL_AVAILABLE_IN_1_0
char           **sl_processor_class_list_ports           (SlProcessorClass *klass,
                                                          SlPortDirection   direction) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
GstCaps         *sl_processor_class_get_port_caps        (SlProcessorClass *klass,
                                                          SlPortDirection   direction,
                                                          const char       *name);
SL_AVAILABLE_IN_1_0
void             sl_processor_class_set_execution_mode   (SlProcessorClass *klass,
                                                          SlExecutionMode   mode);
SL_AVAILABLE_IN_1_0
SlExecutionMode  sl_processor_class_get_execution_mode   (SlProcessorClass *klass);
SL_AVAILABLE_IN_1_0
void             sl_processor_class_set_thread_priority  (SlProcessorClass *klass,
                                                          SlThreadPriority  priority);
SL_AVAILABLE_IN_1_0
SlThreadPriority sl_processor_class_get_thread_priority  (SlProcessorClass *klass);
SL_AVAILABLE_IN_1_0
void             sl_processor_class_set_description      (SlProcessorClass *klass,
                                                          const char       *description);
SL_AVAILABLE_IN_1_0
const char      *sl_processor_class_get_description      (SlProcessorClass *klass);

SL_AVAILABLE_IN_1_0
const char      *sl_processor_get_id                     (SlProcessor      *self);
SL_AVAILABLE_IN_1_0
SlRuntime       *sl_processor_get_runtime                (SlProcessor      *self);
SL_AVAILABLE_IN_1_0
void             sl_processor_finish                     (SlProcessor      *self);
SL_AVAILABLE_IN_1_0
void             sl_processor_schedule                   (SlProcessor      *self);
SL_AVAILABLE_IN_1_0
void             sl_processor_set_interval               (SlProcessor      *self,
                                                          GTimeSpan         interval);
SL_AVAILABLE_IN_1_0
GTimeSpan        sl_processor_get_interval               (SlProcessor      *self);
SL_AVAILABLE_IN_1_0
SlInputPort     *sl_processor_get_input_port             (SlProcessor      *self,
                                                          const char       *name);
SL_AVAILABLE_IN_1_0
SlOutputPort    *sl_processor_get_output_port            (SlProcessor      *self,
                                                          const char       *name);
SL_AVAILABLE_IN_1_0
GPtrArray       *sl_processor_get_input_ports            (SlProcessor      *self);
SL_AVAILABLE_IN_1_0
GPtrArray       *sl_processor_get_output_ports           (SlProcessor      *self);

G_END_DECLS
