/* every-nth.c: your first processor, in C
 *
 * A processor that forwards one frame in every `n`, used in the graph
 *
 *   test-source → every-nth → counter-sink
 *
 * `n` is changed from 1 to 3 while the graph runs; the runtime is then
 * drained and the counts printed. See docs/first-processor.md.
 *
 * Build: cc every-nth.c $(pkg-config --cflags --libs streamlib-1.0) -o every-nth
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <streamlib/streamlib.h>

/* [processor] */
#define EXAMPLE_TYPE_EVERY_NTH (example_every_nth_get_type ())
G_DECLARE_FINAL_TYPE (ExampleEveryNth, example_every_nth, EXAMPLE, EVERY_NTH, SlProcessor)

struct _ExampleEveryNth
{
  SlProcessor   parent_instance;

  int           n;        /* the property: forward one frame in n */
  guint64       seen;     /* frames seen so far */
  SlInputPort  *in;
  SlOutputPort *out;
};

G_DEFINE_FINAL_TYPE (ExampleEveryNth, example_every_nth, SL_TYPE_PROCESSOR)

enum { PROP_0, PROP_N, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* setup, process and teardown run on the processor's own thread. */
static gboolean
example_every_nth_setup (SlProcessor  *processor,
                         GError      **error)
{
  ExampleEveryNth *self = EXAMPLE_EVERY_NTH (processor);

  self->in = sl_processor_get_input_port (processor, "in");
  self->out = sl_processor_get_output_port (processor, "out");
  return TRUE;
}

static gboolean
example_every_nth_process (SlProcessor  *processor,
                           GError      **error)
{
  ExampleEveryNth *self = EXAMPLE_EVERY_NTH (processor);
  GstSample *sample;

  /* Take every frame queued on the input; push one in n, drop the rest. */
  while ((sample = sl_input_port_pop (self->in)) != NULL)
    {
      if (self->seen++ % self->n == 0)
        sl_output_port_push (self->out, sample);   /* takes the reference */
      else
        gst_sample_unref (sample);
    }
  return TRUE;
}

/* A property change made while the graph runs is applied on the processor's
 * thread too, between two `process` calls: no lock needed. */
static void
example_every_nth_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ExampleEveryNth *self = EXAMPLE_EVERY_NTH (object);

  switch (prop_id)
    {
    case PROP_N:
      self->n = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
example_every_nth_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ExampleEveryNth *self = EXAMPLE_EVERY_NTH (object);

  switch (prop_id)
    {
    case PROP_N:
      g_value_set_int (value, self->n);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
example_every_nth_class_init (ExampleEveryNthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->set_property = example_every_nth_set_property;
  object_class->get_property = example_every_nth_get_property;
  processor_class->setup = example_every_nth_setup;
  processor_class->process = example_every_nth_process;

  properties[PROP_N] =
    g_param_spec_int ("n", NULL, "Forward one frame in n", 1, 1000, 1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Ports are class data, like GStreamer pad templates (NULL caps: any). */
  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_add_output_port (processor_class, "out", NULL);
  /* Reactive (the default): the thread sleeps until a frame arrives. */
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
  sl_processor_class_set_description (processor_class, "Forwards one frame in n");
}

static void
example_every_nth_init (ExampleEveryNth *self)
{
  self->n = 1;
}
/* [processor] */

/* [application] */
typedef struct {
  SlRuntime   *runtime;
  SlProcessor *sink;
  GMainLoop   *loop;
  gboolean     changed;
  gboolean     idle;
  gboolean     failed;
} App;

static gint64
sink_count (App *app)
{
  gint64 count;

  g_object_get (app->sink, "count", &count, NULL);
  return count;
}

/* Signals arrive on the main context of the thread that created the runtime. */
static void
on_error (SlRuntime    *runtime,
          const char   *id,
          const GError *error,
          gpointer      user_data)
{
  App *app = user_data;

  g_printerr ("error from %s: %s\n", id, error->message);
  app->failed = TRUE;
  g_main_loop_quit (app->loop);
}

static void
on_state_changed (SlRuntime      *runtime,
                  SlRuntimeState  old_state,
                  SlRuntimeState  new_state,
                  gpointer        user_data)
{
  App *app = user_data;
  g_autoptr(GEnumClass) klass = g_type_class_ref (SL_TYPE_RUNTIME_STATE);

  g_print ("runtime: %s\n", g_enum_get_value (klass, new_state)->value_nick);
  app->idle = new_state == SL_RUNTIME_STATE_IDLE;
}

static gboolean
give_up (gpointer user_data)
{
  App *app = user_data;

  g_printerr ("timed out\n");
  app->failed = TRUE;
  g_main_loop_quit (app->loop);
  return G_SOURCE_CONTINUE;
}

/* Runs on the main context, every few milliseconds. */
static gboolean
watch_progress (gpointer user_data)
{
  App *app = user_data;
  gint64 count = sink_count (app);

  if (!app->changed && count >= 100)
    {
      g_autoptr(GError) error = NULL;

      /* Live: one frame in three from now on. */
      if (!sl_runtime_set_from_string (app->runtime, "nth", "n", "3", &error))
        {
          g_printerr ("set n: %s\n", error->message);
          app->failed = TRUE;
          g_main_loop_quit (app->loop);
        }
      app->changed = TRUE;
    }
  if (app->changed && count >= 150)
    g_main_loop_quit (app->loop);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlRuntime) runtime = NULL;
  g_autoptr(SlLinkStats) in_stats = NULL;
  g_autoptr(SlLinkStats) out_stats = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  guint timeout_id, watch_id;
  gint64 counted;
  App app = { 0 };
  int status = 1;

  runtime = sl_runtime_new ();
  app.runtime = runtime;
  app.loop = g_main_loop_new (NULL, FALSE);

  /* [graph] */
  /* Register the class under a factory name; the graph refers to it by name. */
  if (!sl_registry_register (sl_runtime_get_registry (runtime), "every-nth",
                             EXAMPLE_TYPE_EVERY_NTH, &error))
    goto out;

  /* test-source → every-nth → counter-sink; blocking links lose nothing. */
  if (!sl_runtime_add (runtime, "test-source", "src", &error) ||
      !sl_runtime_add (runtime, "every-nth", "nth", &error) ||
      !sl_runtime_add (runtime, "counter-sink", "sink", &error) ||
      !sl_runtime_set_from_string (runtime, "src", "rate", "1000", &error) ||
      (first = sl_runtime_link (runtime, "src", "nth", &error)) == NULL ||
      (second = sl_runtime_link (runtime, "nth", "sink", &error)) == NULL ||
      !sl_runtime_configure_link (runtime, first, 16, SL_OVERFLOW_BLOCK, &error) ||
      !sl_runtime_configure_link (runtime, second, 16, SL_OVERFLOW_BLOCK, &error))
    goto out;
  /* [graph] */

  g_signal_connect (runtime, "error", G_CALLBACK (on_error), &app);
  g_signal_connect (runtime, "state-changed", G_CALLBACK (on_state_changed), &app);

  if (!sl_runtime_start (runtime, &error))
    goto out;
  app.sink = sl_runtime_get_processor (runtime, "sink");
  if (app.sink == NULL)
    {
      g_printerr ("the sink is not running\n");
      goto out;
    }

  timeout_id = g_timeout_add_seconds (20, give_up, &app);
  watch_id = g_timeout_add (5, watch_progress, &app);
  g_main_loop_run (app.loop);
  g_source_remove (watch_id);

  /* Drain: the source stops, every frame in flight reaches the sink. */
  if (!sl_runtime_stop (runtime, SL_STOP_DRAIN, &error))
    goto out;
  /* The last state changes are signalled on this main context too. */
  while (!app.idle && !app.failed)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);

  in_stats = sl_runtime_get_link_stats (runtime, first, &error);
  if (in_stats == NULL)
    goto out;
  out_stats = sl_runtime_get_link_stats (runtime, second, &error);
  if (out_stats == NULL)
    goto out;

  /* The instance outlives the run because we hold a reference. */
  counted = sink_count (&app);
  g_print ("source sent %" G_GUINT64_FORMAT ", every-nth forwarded %" G_GUINT64_FORMAT
           ", sink counted %" G_GINT64_FORMAT "\n",
           sl_link_stats_get_pushed (in_stats), sl_link_stats_get_pushed (out_stats), counted);

  /* Drain lost nothing, and after the change fewer frames went through. */
  if (!app.failed && counted == (gint64) sl_link_stats_get_pushed (out_stats) &&
      sl_link_stats_get_pushed (out_stats) < sl_link_stats_get_pushed (in_stats))
    status = 0;
  else
    g_printerr ("unexpected counts\n");

out:
  if (error != NULL)
    g_printerr ("%s\n", error->message);
  g_clear_object (&app.sink);
  g_main_loop_unref (app.loop);
  return status;
}
/* [application] */
