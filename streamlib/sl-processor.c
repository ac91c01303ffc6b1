/* sl-processor.c: the base class of every processor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-library-private.h"
#include "sl-lock-private.h"

#include <stdatomic.h>
#include <string.h>

#include "sl-processor-private.h"
#include "sl-port-private.h"
#include "sl-runner-private.h"

/**
 * SlProcessor:
 *
 * The base class of every processor in a streamlib graph.
 *
 * A processor is a GObject subclass with typed ports and three virtual
 * functions, `setup`, `process` and `teardown`. A runtime creates each
 * instance on the processor's own thread (or on its main context, for
 * [enum@Streamlib.ExecutionMode.MAIN_CONTEXT]), calls `setup` once its links
 * are wired, then schedules `process` according to the class's execution
 * mode, and finally calls `teardown`.
 *
 * Ports are declared as class data, like GStreamer pad templates:
 *
 * ```c
 * static void
 * my_invert_class_init (MyInvertClass *klass)
 * {
 *   SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
 *   g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw");
 *
 *   processor_class->process = my_invert_process;
 *   sl_processor_class_add_input_port (processor_class, "in", caps);
 *   sl_processor_class_add_output_port (processor_class, "out", caps);
 *   sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
 * }
 * ```
 *
 * `process` pops frames with [method@Streamlib.InputPort.pop] and pushes them
 * with [method@Streamlib.OutputPort.push]; pushing nothing filters a frame.
 *
 * Threading: the virtual functions and property setters of one processor are
 * never called concurrently; they run on the processor's thread. A processor
 * may call any runtime API from them.
 *
 * Since: 1.0
 */

typedef struct
{
  char            *name;
  SlPortDirection  direction;
  GstCaps         *caps;
} SlPortTemplate;

/* Class data is copied on write: a subclass's class structure starts as a
 * copy of its parent's, so it shares the parent's templates until it declares
 * its own. */
typedef struct
{
  GType            owner;
  GPtrArray       *templates;
  SlExecutionMode  execution_mode;
  SlThreadPriority thread_priority;
  char            *description;
} SlProcessorClassData;

typedef struct
{
  char         *id;
  /* Set while a runtime runs the instance; cleared (under the lock) when
   * its runner ends, since an application may keep the instance longer. */
  GMutex        runner_lock;
  SlRuntime    *runtime;     /* not referenced: valid while the runner is */
  SlRunner     *runner;      /* referenced */
  atomic_int_fast64_t interval;
  GPtrArray    *input_ports;
  GPtrArray    *output_ports;
} SlProcessorPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (SlProcessor, sl_processor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sl_port_template_free (gpointer data)
{
  SlPortTemplate *template = data;

  g_free (template->name);
  gst_caps_unref (template->caps);
  g_free (template);
}

static SlProcessorClassData *
sl_processor_class_get_data (SlProcessorClass *klass)
{
  return klass->class_data;
}

static SlProcessorClassData *
sl_processor_class_get_writable_data (SlProcessorClass *klass)
{
  SlProcessorClassData *parent = klass->class_data;
  SlProcessorClassData *data;

  if (parent != NULL && parent->owner == G_TYPE_FROM_CLASS (klass))
    return parent;

  /* Class data lives as long as the type, which is never unloaded. */
  data = g_new0 (SlProcessorClassData, 1);
  data->owner = G_TYPE_FROM_CLASS (klass);
  data->templates = g_ptr_array_new_with_free_func (sl_port_template_free);
  if (parent != NULL)
    {
      for (guint i = 0; i < parent->templates->len; i++)
        {
          SlPortTemplate *src = g_ptr_array_index (parent->templates, i);
          SlPortTemplate *copy = g_new0 (SlPortTemplate, 1);

          copy->name = g_strdup (src->name);
          copy->direction = src->direction;
          copy->caps = gst_caps_ref (src->caps);
          g_ptr_array_add (data->templates, copy);
        }
      data->execution_mode = parent->execution_mode;
      data->thread_priority = parent->thread_priority;
      data->description = g_strdup (parent->description);
    }
  else
    data->execution_mode = SL_EXECUTION_REACTIVE;

  klass->class_data = data;
  return data;
}

static SlPortTemplate *
sl_processor_class_find_template (SlProcessorClass *klass,
                                  SlPortDirection   direction,
                                  const char       *name)
{
  SlProcessorClassData *data = sl_processor_class_get_data (klass);

  for (guint i = 0; data != NULL && i < data->templates->len; i++)
    {
      SlPortTemplate *template = g_ptr_array_index (data->templates, i);

      if (template->direction == direction && g_str_equal (template->name, name))
        return template;
    }

  return NULL;
}

static void
sl_processor_class_add_port (SlProcessorClass *klass,
                             SlPortDirection   direction,
                             const char       *name,
                             GstCaps          *caps)
{
  SlProcessorClassData *data = sl_processor_class_get_writable_data (klass);
  SlPortTemplate *template;

  template = sl_processor_class_find_template (klass, direction, name);
  if (template == NULL)
    {
      template = g_new0 (SlPortTemplate, 1);
      template->name = g_strdup (name);
      template->direction = direction;
      g_ptr_array_add (data->templates, template);
    }
  else
    gst_clear_caps (&template->caps);

  template->caps = caps != NULL ? gst_caps_ref (caps) : gst_caps_new_any ();
}

/**
 * sl_processor_class_add_input_port:
 * @klass: a processor class
 * @name: the port's name, unique among the class's input ports
 * @caps: (nullable): the media types the port accepts, or %NULL for any
 *
 * Declares an input port on every instance of @klass and its subclasses.
 * Declaring a name again replaces its caps.
 *
 * Call it from the class init function (in Python and JavaScript: right after
 * the class is defined, as `MyProcessor.add_input_port ()`), before the first
 * instance is created.
 *
 * Since: 1.0
 */
void
sl_processor_class_add_input_port (SlProcessorClass *klass,
                                   const char       *name,
                                   GstCaps          *caps)
{
  g_return_if_fail (SL_IS_PROCESSOR_CLASS (klass));
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (strchr (name, '.') == NULL);

  sl_processor_class_add_port (klass, SL_PORT_INPUT, name, caps);
}

/**
 * sl_processor_class_add_output_port:
 * @klass: a processor class
 * @name: the port's name, unique among the class's output ports
 * @caps: (nullable): the media types the port produces, or %NULL for any
 *
 * Declares an output port on every instance of @klass and its subclasses.
 * Declaring a name again replaces its caps.
 *
 * Call it from the class init function, before the first instance is created.
 *
 * Since: 1.0
 */
void
sl_processor_class_add_output_port (SlProcessorClass *klass,
                                    const char       *name,
                                    GstCaps          *caps)
{
  g_return_if_fail (SL_IS_PROCESSOR_CLASS (klass));
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (strchr (name, '.') == NULL);

  sl_processor_class_add_port (klass, SL_PORT_OUTPUT, name, caps);
}

/**
 * sl_processor_class_list_ports:
 * @klass: a processor class
 * @direction: which ports to list
 *
 * Lists the names of the ports declared on @klass in @direction, in the order
 * they were declared.
 *
 * Any thread may call this once the class is initialised.
 *
 * Returns: (transfer full) (array zero-terminated=1): the port names
 *
 * Since: 1.0
 */
char **
sl_processor_class_list_ports (SlProcessorClass *klass,
                               SlPortDirection   direction)
{
  SlProcessorClassData *data;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SL_IS_PROCESSOR_CLASS (klass), NULL);

  data = sl_processor_class_get_data (klass);
  for (guint i = 0; data != NULL && i < data->templates->len; i++)
    {
      SlPortTemplate *template = g_ptr_array_index (data->templates, i);

      if (template->direction == direction)
        g_strv_builder_add (builder, template->name);
    }

  return g_strv_builder_end (builder);
}

/**
 * sl_processor_class_get_port_caps:
 * @klass: a processor class
 * @direction: the port's direction
 * @name: the port's name
 *
 * Gets the media types of a declared port.
 *
 * Any thread may call this once the class is initialised.
 *
 * Returns: (transfer none) (nullable): the port's caps, or %NULL if @klass has
 *   no such port
 *
 * Since: 1.0
 */
GstCaps *
sl_processor_class_get_port_caps (SlProcessorClass *klass,
                                  SlPortDirection   direction,
                                  const char       *name)
{
  SlPortTemplate *template;

  g_return_val_if_fail (SL_IS_PROCESSOR_CLASS (klass), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  template = sl_processor_class_find_template (klass, direction, name);
  return template != NULL ? template->caps : NULL;
}

/**
 * sl_processor_class_set_execution_mode:
 * @klass: a processor class
 * @mode: how instances are scheduled
 *
 * Sets how the runtime schedules `process` for instances of @klass. The
 * default is [enum@Streamlib.ExecutionMode.REACTIVE].
 *
 * Call it from the class init function.
 *
 * Since: 1.0
 */
void
sl_processor_class_set_execution_mode (SlProcessorClass *klass,
                                       SlExecutionMode   mode)
{
  g_return_if_fail (SL_IS_PROCESSOR_CLASS (klass));

  sl_processor_class_get_writable_data (klass)->execution_mode = mode;
}

/**
 * sl_processor_class_get_execution_mode:
 * @klass: a processor class
 *
 * Gets how the runtime schedules instances of @klass.
 *
 * Any thread may call this once the class is initialised.
 *
 * Returns: the execution mode
 *
 * Since: 1.0
 */
SlExecutionMode
sl_processor_class_get_execution_mode (SlProcessorClass *klass)
{
  SlProcessorClassData *data;

  g_return_val_if_fail (SL_IS_PROCESSOR_CLASS (klass), SL_EXECUTION_REACTIVE);

  data = sl_processor_class_get_data (klass);
  return data != NULL ? data->execution_mode : SL_EXECUTION_REACTIVE;
}

/**
 * sl_processor_class_set_thread_priority:
 * @klass: a processor class
 * @priority: the scheduling priority its threads ask for
 *
 * Sets the priority the thread of each instance of @klass requests when it
 * starts. The request is best effort (a real-time class or a raised priority
 * usually needs privileges); read what was obtained with
 * [method@Streamlib.Runtime.get_processor_priority]. The default is
 * [enum@Streamlib.ThreadPriority.NORMAL]; main-context processors have no
 * thread of their own and ignore it.
 *
 * Call it from the class init function.
 *
 * Since: 1.0
 */
void
sl_processor_class_set_thread_priority (SlProcessorClass *klass,
                                        SlThreadPriority  priority)
{
  g_return_if_fail (SL_IS_PROCESSOR_CLASS (klass));

  sl_processor_class_get_writable_data (klass)->thread_priority = priority;
}

/**
 * sl_processor_class_get_thread_priority:
 * @klass: a processor class
 *
 * Gets the priority the threads of @klass request.
 *
 * Any thread may call this once the class is initialised.
 *
 * Returns: the requested priority
 *
 * Since: 1.0
 */
SlThreadPriority
sl_processor_class_get_thread_priority (SlProcessorClass *klass)
{
  SlProcessorClassData *data;

  g_return_val_if_fail (SL_IS_PROCESSOR_CLASS (klass), SL_THREAD_PRIORITY_NORMAL);

  data = sl_processor_class_get_data (klass);
  return data != NULL ? data->thread_priority : SL_THREAD_PRIORITY_NORMAL;
}

/**
 * sl_processor_class_set_description:
 * @klass: a processor class
 * @description: a one-line description, shown by `streamlib-inspect`
 *
 * Sets a human-readable description of what the processor does.
 *
 * Call it from the class init function.
 *
 * Since: 1.0
 */
void
sl_processor_class_set_description (SlProcessorClass *klass,
                                    const char       *description)
{
  SlProcessorClassData *data;

  g_return_if_fail (SL_IS_PROCESSOR_CLASS (klass));

  data = sl_processor_class_get_writable_data (klass);
  g_free (data->description);
  data->description = g_strdup (description);
}

/**
 * sl_processor_class_get_description:
 * @klass: a processor class
 *
 * Gets the description set with
 * [method@Streamlib.ProcessorClass.set_description].
 *
 * Any thread may call this once the class is initialised.
 *
 * Returns: (nullable): the description
 *
 * Since: 1.0
 */
const char *
sl_processor_class_get_description (SlProcessorClass *klass)
{
  SlProcessorClassData *data;

  g_return_val_if_fail (SL_IS_PROCESSOR_CLASS (klass), NULL);

  data = sl_processor_class_get_data (klass);
  return data != NULL ? data->description : NULL;
}

static void
sl_processor_constructed (GObject *object)
{
  SlProcessor *self = SL_PROCESSOR (object);
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);
  SlProcessorClassData *data = sl_processor_class_get_data (SL_PROCESSOR_GET_CLASS (self));

  G_OBJECT_CLASS (sl_processor_parent_class)->constructed (object);

  for (guint i = 0; data != NULL && i < data->templates->len; i++)
    {
      SlPortTemplate *template = g_ptr_array_index (data->templates, i);

      if (template->direction == SL_PORT_INPUT)
        g_ptr_array_add (priv->input_ports,
                         _sl_input_port_new (self, template->name, template->caps));
      else
        g_ptr_array_add (priv->output_ports,
                         _sl_output_port_new (self, template->name, template->caps));
    }
}

static void
sl_processor_finalize (GObject *object)
{
  SlProcessor *self = SL_PROCESSOR (object);
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  g_clear_pointer (&priv->input_ports, g_ptr_array_unref);
  g_clear_pointer (&priv->output_ports, g_ptr_array_unref);
  g_clear_pointer (&priv->id, g_free);
  g_clear_pointer (&priv->runner, sl_runner_unref);
  g_mutex_clear (&priv->runner_lock);

  G_OBJECT_CLASS (sl_processor_parent_class)->finalize (object);
}

static void
sl_processor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SlProcessor *self = SL_PROCESSOR (object);
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_processor_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SlProcessor *self = SL_PROCESSOR (object);
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      priv->id = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_processor_class_init (SlProcessorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sl_processor_constructed;
  object_class->finalize = sl_processor_finalize;
  object_class->get_property = sl_processor_get_property;
  object_class->set_property = sl_processor_set_property;

  /**
   * SlProcessor:id:
   *
   * The id of the graph node this processor instance runs.
   *
   * Since: 1.0
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _sl_library_init ();
}

static void
sl_processor_init (SlProcessor *self)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  g_mutex_init (&priv->runner_lock);
  priv->input_ports = g_ptr_array_new_with_free_func (g_object_unref);
  priv->output_ports = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * sl_processor_get_id:
 * @self: a processor
 *
 * Gets the id of the graph node this instance runs.
 *
 * Any thread may call this.
 *
 * Returns: (nullable): the id
 *
 * Since: 1.0
 */
const char *
sl_processor_get_id (SlProcessor *self)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  g_return_val_if_fail (SL_IS_PROCESSOR (self), NULL);

  return priv->id;
}

static gpointer
sl_processor_find_port (GPtrArray  *ports,
                        const char *name,
                        const char *(*get_name) (gpointer))
{
  for (guint i = 0; i < ports->len; i++)
    {
      gpointer port = g_ptr_array_index (ports, i);

      if (g_str_equal (get_name (port), name))
        return port;
    }

  return NULL;
}

/**
 * sl_processor_get_input_port:
 * @self: a processor
 * @name: a port name
 *
 * Looks up one of the processor's input ports by name.
 *
 * Any thread may call this; the ports exist for the processor's whole life.
 *
 * Returns: (transfer none) (nullable): the port, or %NULL if there is none of
 *   that name
 *
 * Since: 1.0
 */
SlInputPort *
sl_processor_get_input_port (SlProcessor *self,
                             const char  *name)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  g_return_val_if_fail (SL_IS_PROCESSOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return sl_processor_find_port (priv->input_ports, name,
                                 (const char *(*) (gpointer)) sl_input_port_get_name);
}

/**
 * sl_processor_get_output_port:
 * @self: a processor
 * @name: a port name
 *
 * Looks up one of the processor's output ports by name.
 *
 * Any thread may call this; the ports exist for the processor's whole life.
 *
 * Returns: (transfer none) (nullable): the port, or %NULL if there is none of
 *   that name
 *
 * Since: 1.0
 */
SlOutputPort *
sl_processor_get_output_port (SlProcessor *self,
                              const char  *name)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  g_return_val_if_fail (SL_IS_PROCESSOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return sl_processor_find_port (priv->output_ports, name,
                                 (const char *(*) (gpointer)) sl_output_port_get_name);
}

/**
 * sl_processor_get_input_ports:
 * @self: a processor
 *
 * Gets all input ports, in the order the class declared them.
 *
 * Any thread may call this.
 *
 * Returns: (transfer none) (element-type SlInputPort): the input ports
 *
 * Since: 1.0
 */
GPtrArray *
sl_processor_get_input_ports (SlProcessor *self)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  g_return_val_if_fail (SL_IS_PROCESSOR (self), NULL);

  return priv->input_ports;
}

/**
 * sl_processor_get_output_ports:
 * @self: a processor
 *
 * Gets all output ports, in the order the class declared them.
 *
 * Any thread may call this.
 *
 * Returns: (transfer none) (element-type SlOutputPort): the output ports
 *
 * Since: 1.0
 */
GPtrArray *
sl_processor_get_output_ports (SlProcessor *self)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  g_return_val_if_fail (SL_IS_PROCESSOR (self), NULL);

  return priv->output_ports;
}

void
_sl_processor_attach (SlProcessor *self,
                      SlRuntime   *runtime,
                      SlRunner    *runner)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);
  SlRunner *old;

  sl_mutex_lock (&priv->runner_lock);
  old = priv->runner;
  priv->runtime = runtime;
  priv->runner = runner != NULL ? sl_runner_ref (runner) : NULL;
  if (runner != NULL)
    atomic_store (&runner->interval, atomic_load (&priv->interval));
  sl_mutex_unlock (&priv->runner_lock);

  g_clear_pointer (&old, sl_runner_unref);
}

/* A reference on the runner running the instance, or NULL. */
static SlRunner *
sl_processor_dup_runner (SlProcessor *self)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);
  SlRunner *runner;

  sl_mutex_lock (&priv->runner_lock);
  runner = priv->runner != NULL ? sl_runner_ref (priv->runner) : NULL;
  sl_mutex_unlock (&priv->runner_lock);

  return runner;
}

/**
 * sl_processor_get_runtime:
 * @self: a processor
 *
 * Gets the runtime running this processor. Processor code may call any
 * runtime method on it, from any of its virtual functions.
 *
 * Any thread may call this.
 *
 * Returns: (transfer none) (nullable): the runtime, or %NULL for an instance
 *   no runtime runs
 *
 * Since: 1.0
 */
SlRuntime *
sl_processor_get_runtime (SlProcessor *self)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);
  SlRuntime *runtime;

  g_return_val_if_fail (SL_IS_PROCESSOR (self), NULL);

  sl_mutex_lock (&priv->runner_lock);
  runtime = priv->runtime;
  sl_mutex_unlock (&priv->runner_lock);

  return runtime;
}

/**
 * sl_processor_finish:
 * @self: a processor
 *
 * Declares that the processor will produce nothing more, like a source that
 * reached its last frame: end-of-stream is sent on every output after the
 * current `process` returns, and `process` is not called again. The
 * processor is torn down when the runtime stops.
 *
 * Call it from the processor's own thread (typically from `process`).
 *
 * Since: 1.0
 */
void
sl_processor_finish (SlProcessor *self)
{
  g_autoptr(SlRunner) runner = NULL;

  g_return_if_fail (SL_IS_PROCESSOR (self));

  runner = sl_processor_dup_runner (self);

  if (runner != NULL)
    atomic_store (&runner->finish_requested, TRUE);
}

/**
 * sl_processor_schedule:
 * @self: a processor
 *
 * Asks the runtime to call `process` once more. This is how a
 * [enum@Streamlib.ExecutionMode.MANUAL] processor drives its own timing, for
 * instance from a GStreamer callback, and how a reactive or main-context
 * processor asks for a turn without an input frame (a source written in
 * JavaScript, say). Continuous processors do not need it.
 *
 * Any thread may call this.
 *
 * Since: 1.0
 */
void
sl_processor_schedule (SlProcessor *self)
{
  g_autoptr(SlRunner) runner = NULL;

  g_return_if_fail (SL_IS_PROCESSOR (self));

  runner = sl_processor_dup_runner (self);

  if (runner != NULL)
    {
      atomic_store (&runner->schedule_requested, TRUE);
      sl_waker_wake (runner->waker);
    }
}

/**
 * sl_processor_set_interval:
 * @self: a processor
 * @interval: the period between two `process` calls, in microseconds, or 0
 *   to call `process` as often as possible
 *
 * Paces a [enum@Streamlib.ExecutionMode.CONTINUOUS] processor. The thread
 * sleeps between calls; it does not spin.
 *
 * Any thread may call this; it takes effect at the next call.
 *
 * Since: 1.0
 */
void
sl_processor_set_interval (SlProcessor *self,
                           GTimeSpan    interval)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);
  g_autoptr(SlRunner) runner = NULL;

  g_return_if_fail (SL_IS_PROCESSOR (self));
  g_return_if_fail (interval >= 0);

  atomic_store (&priv->interval, interval);
  runner = sl_processor_dup_runner (self);
  if (runner != NULL)
    {
      atomic_store (&runner->interval, interval);
      sl_waker_wake (runner->waker);
    }
}

/**
 * sl_processor_get_interval:
 * @self: a processor
 *
 * Gets the pacing set with [method@Streamlib.Processor.set_interval].
 *
 * Any thread may call this.
 *
 * Returns: the interval in microseconds, 0 for none
 *
 * Since: 1.0
 */
GTimeSpan
sl_processor_get_interval (SlProcessor *self)
{
  SlProcessorPrivate *priv = sl_processor_get_instance_private (self);

  g_return_val_if_fail (SL_IS_PROCESSOR (self), 0);

  return atomic_load (&priv->interval);
}
