/* test-processors.c: processors that record what the runtime does to them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdatomic.h>
#include <string.h>

#include "test-util.h"

/* TestProbe is the base: no ports of its own. The registered subclasses add
 * ports and choose the execution mode. Fields touched by process/setup/
 * teardown and the setters all live on the processor's own thread; what the
 * test reads from its thread is atomic. */

#define TEST_TYPE_PROBE (test_probe_get_type ())
G_DECLARE_DERIVABLE_TYPE (TestProbe, test_probe, TEST, PROBE, SlProcessor)

struct _TestProbeClass
{
  SlProcessorClass parent_class;
};

typedef struct
{
  gboolean    fail_setup;
  gboolean    fail_teardown;
  gint64      fail_at;
  gboolean    latch;
  gboolean    forward;
  char       *action;
  char       *action_phase;
  gint64      action_at;
  gboolean    action_done;
  gint64      num_frames;
  gint64      seen;
  gboolean    first_recorded;
  int         construct_trigger;
  atomic_int_fast64_t count;
  atomic_int_fast64_t produced;
  atomic_int_fast64_t processed;
  gboolean    reschedule;
  GstCaps    *caps;
} TestProbePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (TestProbe, test_probe, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_FAIL_SETUP,
  PROP_FAIL_TEARDOWN,
  PROP_FAIL_AT,
  PROP_LATCH,
  PROP_FORWARD,
  PROP_ACTION,
  PROP_ACTION_PHASE,
  PROP_ACTION_AT,
  PROP_TRIGGER,
  PROP_COUNT,
  PROP_NUM_FRAMES,
  PROP_PRODUCED,
  PROP_PROCESSED,
  PROP_RESCHEDULE,
  N_PROPS
};

static GParamSpec *probe_properties[N_PROPS];

/* Called from constructed(), on the processor's thread, while the runtime
 * waits for the instance to exist. Test-wide, set by one test at a time. */
static TestConstructHook construct_hook;
static gpointer construct_hook_data;

void
test_set_construct_hook (TestConstructHook hook,
                         gpointer          data)
{
  construct_hook = hook;
  construct_hook_data = data;
}

static void
test_probe_constructed (GObject *object)
{
  G_OBJECT_CLASS (test_probe_parent_class)->constructed (object);

  if (construct_hook != NULL)
    construct_hook (SL_PROCESSOR (object), construct_hook_data);
}

static SlOverflowPolicy
parse_policy (const char *text)
{
  if (g_str_equal (text, "newest"))
    return SL_OVERFLOW_DROP_NEWEST;
  if (g_str_equal (text, "block"))
    return SL_OVERFLOW_BLOCK;
  return SL_OVERFLOW_DROP_OLDEST;
}

/* Runs one runtime call described by @action ("verb|arg|arg"). */
static gboolean
run_one_action (SlProcessor  *processor,
                const char   *action,
                GError      **error)
{
  SlRuntime *runtime = sl_processor_get_runtime (processor);
  const char *self_id = sl_processor_get_id (processor);
  g_auto(GStrv) argv = g_strsplit (action, "|", -1);
  guint argc = g_strv_length (argv);
  const char *verb = argc > 0 ? argv[0] : "";

  if (runtime == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, "no runtime");
      return FALSE;
    }

  if (g_str_equal (verb, "add") && argc == 3)
    {
      g_autofree char *id = sl_runtime_add (runtime, argv[1], argv[2], error);
      return id != NULL;
    }
  if (g_str_equal (verb, "remove") && argc == 2)
    return sl_runtime_remove (runtime, argv[1], error);
  if (g_str_equal (verb, "remove-self"))
    return sl_runtime_remove (runtime, self_id, error);
  if (g_str_equal (verb, "link") && argc == 3)
    {
      g_autofree char *id = sl_runtime_link (runtime, argv[1], argv[2], error);
      return id != NULL;
    }
  if (g_str_equal (verb, "unlink") && argc == 2)
    return sl_runtime_unlink (runtime, argv[1], error);
  if (g_str_equal (verb, "set") && argc == 4)
    return sl_runtime_set_from_string (runtime, argv[1], argv[2], argv[3], error);
  if (g_str_equal (verb, "configure") && argc == 4)
    return sl_runtime_configure_link (runtime, argv[1], (guint) g_ascii_strtoull (argv[2], NULL, 10),
                                      parse_policy (argv[3]), error);
  if (g_str_equal (verb, "commit"))
    return sl_runtime_commit (runtime, error);
  if (g_str_equal (verb, "manual"))
    {
      sl_runtime_set_commit_mode (runtime, SL_COMMIT_MANUAL);
      return TRUE;
    }
  if (g_str_equal (verb, "auto"))
    {
      sl_runtime_set_commit_mode (runtime, SL_COMMIT_AUTO);
      return TRUE;
    }
  if (g_str_equal (verb, "pause"))
    return sl_runtime_pause (runtime, error);
  if (g_str_equal (verb, "resume"))
    return sl_runtime_resume (runtime, error);
  if (g_str_equal (verb, "start"))
    return sl_runtime_start (runtime, error);
  if (g_str_equal (verb, "stop"))
    return sl_runtime_stop (runtime, SL_STOP_DRAIN, error);
  if (g_str_equal (verb, "stop-immediate"))
    return sl_runtime_stop (runtime, SL_STOP_IMMEDIATE, error);
  if (g_str_equal (verb, "gate") && argc == 2)
    {
      /* Wait (bounded) until the test opens the gate. */
      test_record (self_id, "gate %s waiting", argv[1]);
      if (!test_gate_wait (argv[1]))
        {
          g_set_error (error, SL_ERROR, SL_ERROR_TIMEOUT, "gate %s never opened", argv[1]);
          return FALSE;
        }
      return TRUE;
    }
  if (g_str_equal (verb, "get-state"))
    {
      (void) sl_runtime_get_state (runtime);
      (void) sl_runtime_get_processor_state (runtime, self_id);
      return TRUE;
    }
  if (g_str_equal (verb, "get-processor") && argc == 2)
    {
      g_autoptr(SlProcessor) other = sl_runtime_get_processor (runtime, argv[1]);
      return TRUE;
    }
  if (g_str_equal (verb, "get-graph"))
    {
      g_autoptr(SlGraph) graph = sl_runtime_get_graph (runtime);
      return graph != NULL;
    }

  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "bad test action “%s”", action);
  return FALSE;
}

static void
test_probe_run_actions (TestProbe  *self,
                        const char *phase)
{
  TestProbePrivate *priv = test_probe_get_instance_private (self);
  SlProcessor *processor = SL_PROCESSOR (self);
  const char *id = sl_processor_get_id (processor);
  g_auto(GStrv) actions = NULL;

  if (priv->action == NULL || priv->action_done ||
      g_strcmp0 (priv->action_phase, phase) != 0)
    return;

  priv->action_done = TRUE;
  actions = g_strsplit (priv->action, ";", -1);
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (run_one_action (processor, actions[i], &error))
        test_record (id, "action %s %s ok", phase, actions[i]);
      else
        test_record (id, "action %s %s error %s %d: %s", phase, actions[i],
                     error ? g_quark_to_string (error->domain) : "none",
                     error ? error->code : -1, error ? error->message : "");
    }
  test_record (id, "actions done %s", phase);
}

static void
test_probe_record_wiring (SlProcessor *processor,
                          const char  *phase)
{
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  SlOutputPort *out = sl_processor_get_output_port (processor, "out");

  test_record (sl_processor_get_id (processor), "%s in=%s out=%u", phase,
               in == NULL ? "none" : sl_input_port_is_linked (in) ? "linked" : "unlinked",
               out == NULL ? 0 : sl_output_port_get_n_links (out));
}

static gboolean
test_probe_setup (SlProcessor  *processor,
                  GError      **error)
{
  TestProbe *self = TEST_PROBE (processor);
  TestProbePrivate *priv = test_probe_get_instance_private (self);
  const char *id = sl_processor_get_id (processor);

  test_probe_record_wiring (processor, "setup");
  if (priv->construct_trigger > 0)
    test_record (id, "trigger %d", priv->construct_trigger);

  if (priv->latch && !test_gate_wait (id))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_TIMEOUT, "gate of %s never opened", id);
      return FALSE;
    }

  test_probe_run_actions (self, "setup");
  if (priv->reschedule)
    sl_processor_schedule (processor);

  if (priv->fail_setup)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, "probe %s told to fail in setup", id);
      return FALSE;
    }

  return TRUE;
}

static gboolean
test_probe_handle (TestProbe  *self,
                   GstSample  *sample,
                   GError    **error)
{
  TestProbePrivate *priv = test_probe_get_instance_private (self);
  SlProcessor *processor = SL_PROCESSOR (self);
  const char *id = sl_processor_get_id (processor);
  SlOutputPort *out = sl_processor_get_output_port (processor, "out");
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  gint64 index = priv->seen++;

  if (buffer != NULL && GST_BUFFER_OFFSET_IS_VALID (buffer))
    test_recorder_add_offset (id, (gint64) GST_BUFFER_OFFSET (buffer));
  atomic_fetch_add (&priv->count, 1);

  if (priv->fail_at >= 0 && index == priv->fail_at)
    {
      gst_sample_unref (sample);
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "probe %s told to fail at frame %" G_GINT64_FORMAT, id, index);
      return FALSE;
    }

  if (priv->action_at == index)
    test_probe_run_actions (self, "process");

  if (out != NULL && priv->forward)
    sl_output_port_push (out, sample);
  else
    gst_sample_unref (sample);

  return TRUE;
}

static gboolean
test_probe_process (SlProcessor  *processor,
                    GError      **error)
{
  TestProbe *self = TEST_PROBE (processor);
  TestProbePrivate *priv = test_probe_get_instance_private (self);
  SlInputPort *in = sl_processor_get_input_port (processor, "in");
  GstSample *sample;

  atomic_fetch_add (&priv->processed, 1);
  if (priv->reschedule)
    sl_processor_schedule (processor);

  if (!priv->first_recorded)
    {
      /* The thread of the first process call. */
      priv->first_recorded = TRUE;
      test_record (sl_processor_get_id (processor), "process first");
    }

  if (in == NULL)
    {
      /* A source: one numbered frame per call. */
      gint64 n = atomic_load (&priv->produced);
      g_autoptr(GstBuffer) buffer = NULL;

      if (priv->num_frames >= 0 && n >= priv->num_frames)
        {
          sl_processor_finish (processor);
          return TRUE;
        }
      buffer = gst_buffer_new ();
      GST_BUFFER_OFFSET (buffer) = n;
      atomic_store (&priv->produced, n + 1);
      return test_probe_handle (self, gst_sample_new (buffer, priv->caps, NULL, NULL), error);
    }

  while ((sample = sl_input_port_pop (in)) != NULL)
    if (!test_probe_handle (self, sample, error))
      return FALSE;

  return TRUE;
}

static gboolean
test_probe_teardown (SlProcessor  *processor,
                     GError      **error)
{
  TestProbe *self = TEST_PROBE (processor);

  TestProbePrivate *priv = test_probe_get_instance_private (self);

  test_probe_record_wiring (processor, "teardown");
  test_probe_run_actions (self, "teardown");
  if (priv->fail_teardown)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED, "probe %s told to fail in teardown",
                   sl_processor_get_id (processor));
      return FALSE;
    }
  return TRUE;
}

static void
test_probe_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TestProbePrivate *priv = test_probe_get_instance_private (TEST_PROBE (object));

  switch (prop_id)
    {
    case PROP_COUNT:
      g_value_set_int64 (value, atomic_load (&priv->count));
      break;
    case PROP_PRODUCED:
      g_value_set_int64 (value, atomic_load (&priv->produced));
      break;
    case PROP_PROCESSED:
      g_value_set_int64 (value, atomic_load (&priv->processed));
      break;
    default:
      /* The other properties are written on the processor's thread and
       * only ever read there: the test does not read them back. */
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_probe_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TestProbe *self = TEST_PROBE (object);
  TestProbePrivate *priv = test_probe_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_FAIL_SETUP:
      priv->fail_setup = g_value_get_boolean (value);
      break;
    case PROP_FAIL_TEARDOWN:
      priv->fail_teardown = g_value_get_boolean (value);
      break;
    case PROP_FAIL_AT:
      priv->fail_at = g_value_get_int64 (value);
      break;
    case PROP_LATCH:
      priv->latch = g_value_get_boolean (value);
      break;
    case PROP_FORWARD:
      priv->forward = g_value_get_boolean (value);
      break;
    case PROP_ACTION:
      g_free (priv->action);
      priv->action = g_value_dup_string (value);
      priv->action_done = FALSE;
      break;
    case PROP_ACTION_PHASE:
      g_free (priv->action_phase);
      priv->action_phase = g_value_dup_string (value);
      break;
    case PROP_ACTION_AT:
      priv->action_at = g_value_get_int64 (value);
      break;
    case PROP_TRIGGER:
      /* A setter runs on the processor's thread: it may call the runtime. */
      if (g_value_get_int (value) > 0 && sl_processor_get_runtime (SL_PROCESSOR (self)) == NULL)
        {
          /* Set at construction (before the id): recorded by setup. */
          priv->construct_trigger = g_value_get_int (value);
        }
      else if (g_value_get_int (value) > 0)
        {
          test_record (sl_processor_get_id (SL_PROCESSOR (self)), "trigger %d", g_value_get_int (value));
          test_probe_run_actions (self, "set");
        }
      break;
    case PROP_NUM_FRAMES:
      priv->num_frames = g_value_get_int64 (value);
      break;
    case PROP_RESCHEDULE:
      priv->reschedule = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_probe_finalize (GObject *object)
{
  TestProbePrivate *priv = test_probe_get_instance_private (TEST_PROBE (object));

  g_free (priv->action);
  g_free (priv->action_phase);
  gst_clear_caps (&priv->caps);

  G_OBJECT_CLASS (test_probe_parent_class)->finalize (object);
}

static void
test_probe_class_init (TestProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->constructed = test_probe_constructed;
  object_class->finalize = test_probe_finalize;
  object_class->get_property = test_probe_get_property;
  object_class->set_property = test_probe_set_property;
  processor_class->setup = test_probe_setup;
  processor_class->process = test_probe_process;
  processor_class->teardown = test_probe_teardown;

  probe_properties[PROP_FAIL_SETUP] = g_param_spec_boolean ("fail-setup", NULL, NULL, FALSE, rw);
  probe_properties[PROP_FAIL_TEARDOWN] = g_param_spec_boolean ("fail-teardown", NULL, NULL, FALSE, rw);
  probe_properties[PROP_FAIL_AT] = g_param_spec_int64 ("fail-at", NULL, NULL, -1, G_MAXINT64, -1, rw);
  probe_properties[PROP_LATCH] = g_param_spec_boolean ("latch", NULL, NULL, FALSE, rw);
  probe_properties[PROP_FORWARD] = g_param_spec_boolean ("forward", NULL, NULL, TRUE, rw);
  probe_properties[PROP_ACTION] = g_param_spec_string ("action", NULL, NULL, NULL, rw);
  probe_properties[PROP_ACTION_PHASE] = g_param_spec_string ("action-phase", NULL, NULL, NULL, rw);
  probe_properties[PROP_ACTION_AT] = g_param_spec_int64 ("action-at", NULL, NULL, -1, G_MAXINT64, 0, rw);
  probe_properties[PROP_TRIGGER] = g_param_spec_int ("trigger", NULL, NULL, 0, G_MAXINT, 0, rw);
  probe_properties[PROP_COUNT] = g_param_spec_int64 ("count", NULL, NULL, 0, G_MAXINT64, 0, ro);
  probe_properties[PROP_NUM_FRAMES] = g_param_spec_int64 ("num-frames", NULL, NULL, -1, G_MAXINT64, -1, rw);
  probe_properties[PROP_PRODUCED] = g_param_spec_int64 ("produced", NULL, NULL, 0, G_MAXINT64, 0, ro);
  probe_properties[PROP_PROCESSED] = g_param_spec_int64 ("processed", NULL, NULL, 0, G_MAXINT64, 0, ro);
  probe_properties[PROP_RESCHEDULE] = g_param_spec_boolean ("reschedule", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, probe_properties);
}

static void
test_probe_init (TestProbe *self)
{
  TestProbePrivate *priv = test_probe_get_instance_private (self);

  priv->fail_at = -1;
  priv->forward = TRUE;
  priv->num_frames = -1;
  priv->caps = gst_caps_new_empty_simple ("application/x-streamlib-test");
}

/* The registered kinds. */

#define DEFINE_PROBE_KIND(TypeName, type_name, has_in, has_out, mode)                \
  typedef struct { TestProbe parent_instance; } TypeName;                            \
  typedef struct { TestProbeClass parent_class; } TypeName##Class;                   \
  static GType type_name##_get_type (void);                                          \
  G_DEFINE_TYPE (TypeName, type_name, TEST_TYPE_PROBE)                               \
  static void                                                                        \
  type_name##_class_init (TypeName##Class *klass)                                    \
  {                                                                                  \
    SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);                  \
    if (has_in)                                                                      \
      sl_processor_class_add_input_port (processor_class, "in", NULL);               \
    if (has_out)                                                                     \
      sl_processor_class_add_output_port (processor_class, "out", NULL);             \
    sl_processor_class_set_execution_mode (processor_class, mode);                   \
  }                                                                                  \
  static void                                                                        \
  type_name##_init (TypeName *self)                                                  \
  {                                                                                  \
  }

DEFINE_PROBE_KIND (TestProbeFilter, test_probe_filter, TRUE, TRUE, SL_EXECUTION_REACTIVE)
DEFINE_PROBE_KIND (TestProbeMain, test_probe_main, TRUE, TRUE, SL_EXECUTION_MAIN_CONTEXT)
DEFINE_PROBE_KIND (TestProbeSink, test_probe_sink, TRUE, FALSE, SL_EXECUTION_REACTIVE)
DEFINE_PROBE_KIND (TestProbeSource, test_probe_source, FALSE, TRUE, SL_EXECUTION_CONTINUOUS)
DEFINE_PROBE_KIND (TestProbeMainSource, test_probe_main_source, FALSE, TRUE, SL_EXECUTION_MAIN_CONTEXT)
DEFINE_PROBE_KIND (TestProbeManualSource, test_probe_manual_source, FALSE, TRUE, SL_EXECUTION_MANUAL)

void
test_register_processors (SlRuntime *runtime)
{
  SlRegistry *registry = sl_runtime_get_registry (runtime);
  struct { const char *name; GType type; } kinds[] = {
    { "probe", test_probe_filter_get_type () },
    { "probe-main", test_probe_main_get_type () },
    { "probe-sink", test_probe_sink_get_type () },
    { "probe-source", test_probe_source_get_type () },
    { "probe-main-source", test_probe_main_source_get_type () },
    { "probe-manual-source", test_probe_manual_source_get_type () },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (sl_registry_register (registry, kinds[i].name, kinds[i].type, &error));
      g_assert_no_error (error);
    }
}
