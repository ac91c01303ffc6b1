/* test-launch.c: sl_graph_parse_launch() and sl_runtime_parse_launch()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <streamlib/streamlib.h>

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

/* Every wait is bounded: a deadlock fails the test instead of hanging it. */
#define TIMEOUT_US (20 * G_USEC_PER_SEC)

static SlRegistry *registry;

/* A processor with a text property, for the quoting tests, and a string
 * list property. */
#define TEST_TYPE_LABELLED (test_labelled_get_type ())
G_DECLARE_FINAL_TYPE (TestLabelled, test_labelled, TEST, LABELLED, SlProcessor)

struct _TestLabelled
{
  SlProcessor  parent_instance;
  char        *label;
  char       **tags;
};

G_DEFINE_FINAL_TYPE (TestLabelled, test_labelled, SL_TYPE_PROCESSOR)

static void
test_labelled_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  if (prop_id == 1)
    g_value_set_string (value, TEST_LABELLED (object)->label);
  else
    g_value_set_boxed (value, TEST_LABELLED (object)->tags);
}

static void
test_labelled_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TestLabelled *self = TEST_LABELLED (object);

  if (prop_id == 1)
    {
      g_free (self->label);
      self->label = g_value_dup_string (value);
    }
  else
    {
      g_strfreev (self->tags);
      self->tags = g_value_dup_boxed (value);
    }
}

static void
test_labelled_finalize (GObject *object)
{
  g_free (TEST_LABELLED (object)->label);
  g_strfreev (TEST_LABELLED (object)->tags);

  G_OBJECT_CLASS (test_labelled_parent_class)->finalize (object);
}

static void
test_labelled_class_init (TestLabelledClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->get_property = test_labelled_get_property;
  object_class->set_property = test_labelled_set_property;
  object_class->finalize = test_labelled_finalize;
  g_object_class_install_property (object_class, 1,
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, 2,
    g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_add_output_port (processor_class, "out", NULL);
}

static void
test_labelled_init (TestLabelled *self)
{
}


static SlGraph *
graph_new (void)
{
  return sl_graph_new (registry);
}

static SlGraph *
graph_parse (const char *description)
{
  g_autoptr(SlGraph) graph = graph_new ();
  g_autoptr(GError) error = NULL;

  if (!sl_graph_parse_launch (graph, description, &error))
    g_error ("Could not parse “%s”: %s", description, error->message);
  return g_steal_pointer (&graph);
}

static void
assert_links (SlGraph           *graph,
              const char * const *expected)
{
  g_auto(GStrv) links = sl_graph_list_links (graph);

  if (!g_strv_equal ((const char * const *) links, expected))
    {
      g_autofree char *got = g_strjoinv (" ", links);
      g_autofree char *want = g_strjoinv (" ", (char **) expected);

      g_error ("links: got “%s”, want “%s”", got, want);
    }
}

static void
assert_nodes (SlGraph           *graph,
              const char * const *expected)
{
  g_auto(GStrv) nodes = sl_graph_list_nodes (graph);

  if (!g_strv_equal ((const char * const *) nodes, expected))
    {
      g_autofree char *got = g_strjoinv (" ", nodes);
      g_autofree char *want = g_strjoinv (" ", (char **) expected);

      g_error ("nodes: got “%s”, want “%s”", got, want);
    }
}

static char *
property_text (SlGraph    *graph,
               const char *id,
               const char *name)
{
  g_auto(GValue) value = G_VALUE_INIT;

  if (!sl_graph_get_node_property (graph, id, name, &value, NULL))
    return NULL;
  if (G_VALUE_HOLDS_STRING (&value))
    return g_value_dup_string (&value);
  return g_strdup_value_contents (&value);
}

#define assert_property(graph, id, name, expected) \
  G_STMT_START { \
    g_autofree char *text__ = property_text ((graph), (id), (name)); \
    g_assert_cmpstr (text__, ==, (expected)); \
  } G_STMT_END

/* Success */

static void
test_chain (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source ! passthrough ! null-sink");

  assert_nodes (graph, STRV ("test-source0", "passthrough0", "null-sink0"));
  assert_links (graph, STRV ("test-source0.out->passthrough0.in",
                             "passthrough0.out->null-sink0.in"));
}

static void
test_chain_without_spaces (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("  test-source!passthrough\t!\nnull-sink  ");

  assert_links (graph, STRV ("test-source0.out->passthrough0.in",
                             "passthrough0.out->null-sink0.in"));
}

static void
test_single_processor (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("null-sink name=alone");

  assert_nodes (graph, STRV ("alone"));
  assert_links (graph, STRV (NULL));
}

static void
test_properties (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source name=src num-frames=200 rate=25.5 ! "
                                          "drop-filter id=f drop-every=3 ! counter-sink name=sink");

  assert_nodes (graph, STRV ("src", "f", "sink"));
  assert_property (graph, "src", "num-frames", "200");
  assert_property (graph, "src", "rate", "25.500000");
  assert_property (graph, "f", "drop-every", "3");
  assert_links (graph, STRV ("src.out->f.in", "f.out->sink.in"));
}

static void
test_quoted_values (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source name=\"src\" num-frames='3'4 ! "
                                          "labelled name=a label=\"a b ! c=d\" ! "
                                          "labelled name=b label='say \"hi\"' ! "
                                          "labelled name=c label=\"q\\\"\\\\\" ! "
                                          "labelled name=d label=x\\ y=z ! "
                                          "labelled name=e label=\"\" ! "
                                          "labelled name=f label=\"é ü\"");

  assert_nodes (graph, STRV ("src", "a", "b", "c", "d", "e", "f"));
  assert_property (graph, "src", "num-frames", "34");
  assert_property (graph, "a", "label", "a b ! c=d");
  assert_property (graph, "b", "label", "say \"hi\"");
  assert_property (graph, "c", "label", "q\"\\");
  assert_property (graph, "d", "label", "x y=z");
  assert_property (graph, "e", "label", "");
  assert_property (graph, "f", "label", "é ü");
  assert_links (graph, STRV ("src.out->a.in", "a.out->b.in", "b.out->c.in", "c.out->d.in",
                             "d.out->e.in", "e.out->f.in"));
}

static void
test_named_ports (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source name=a  passthrough name=p  null-sink name=b "
                                          "a.out ! p.in  p.out ! b.in");

  assert_nodes (graph, STRV ("a", "p", "b"));
  assert_links (graph, STRV ("a.out->p.in", "p.out->b.in"));
}

static void
test_named_port_to_processor (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source name=src  src.out ! null-sink name=sink");

  assert_links (graph, STRV ("src.out->sink.in"));
}

static void
test_branches (void)
{
  g_autoptr(SlGraph) graph =
    graph_parse ("test-source name=src ! passthrough name=p ! null-sink  "
                 "src. ! counter-sink name=c  src.out ! null-sink name=n");

  assert_nodes (graph, STRV ("src", "p", "null-sink0", "c", "n"));
  assert_links (graph, STRV ("src.out->p.in", "p.out->null-sink0.in",
                             "src.out->c.in", "src.out->n.in"));
}

static void
test_branch_into_reference (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source name=src ! p.  passthrough name=p ! null-sink name=s");

  /* A reference may name a processor defined later in the line. */
  assert_links (graph, STRV ("src.out->p.in", "p.out->s.in"));
}

static void
test_new_chain_after_processor (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source ! null-sink test-source ! null-sink");

  assert_nodes (graph, STRV ("test-source0", "null-sink0", "test-source1", "null-sink1"));
  assert_links (graph, STRV ("test-source0.out->null-sink0.in",
                             "test-source1.out->null-sink1.in"));
}

/* A string list is written comma-separated in a launch line, and is a JSON
 * array in a JSON graph; both round-trip through sl_graph_to_json(). */
static void
test_string_list_property (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("labelled name=a tags=\"stun:a.example:3478, stun:b.example\""
                                          "  labelled name=b tags=");
  g_autoptr(SlGraph) copy = graph_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autofree char *json = NULL;
  const char * const *tags;

  g_assert_true (sl_graph_get_node_property (graph, "a", "tags", &value, NULL));
  tags = g_value_get_boxed (&value);
  g_assert_true (g_strv_equal (tags, STRV ("stun:a.example:3478", "stun:b.example")));
  g_value_unset (&value);

  g_assert_true (sl_graph_get_node_property (graph, "b", "tags", &value, NULL));
  tags = g_value_get_boxed (&value);
  g_assert_nonnull (tags);
  g_assert_cmpuint (g_strv_length ((char **) tags), ==, 0);
  g_value_unset (&value);

  json = sl_graph_to_json (graph);
  g_assert_nonnull (strstr (json, "\"stun:b.example\""));
  g_assert_true (sl_graph_load_from_data (copy, json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_get_node_property (copy, "a", "tags", &value, NULL));
  g_assert_true (g_strv_equal (g_value_get_boxed (&value), STRV ("stun:a.example:3478", "stun:b.example")));
  g_value_unset (&value);

  /* An array holding anything but strings is refused, and changes nothing. */
  g_assert_false (sl_graph_load_from_data (copy,
                                           "{ \"nodes\": [ { \"id\": \"c\", \"factory\": \"labelled\","
                                           "  \"properties\": { \"tags\": [ \"x\", 3 ] } } ] }",
                                           -1, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE);
  g_assert_nonnull (strstr (error->message, "tags"));
  g_assert_nonnull (strstr (error->message, "element 1"));
  g_assert_true (sl_graph_has_node (copy, "a"));
  g_assert_false (sl_graph_has_node (copy, "c"));
}

/* Options written after a “!” configure that link; the others keep the
 * defaults. */
static void
test_link_options (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source name=a ! capacity=64 overflow=block ! passthrough name=b"
                                          " ! overflow=drop-newest ! passthrough name=c ! null-sink name=d");
  g_auto(GStrv) links = NULL;
  guint capacity, default_capacity;
  SlOverflowPolicy policy, default_policy;

  links = sl_graph_list_links (graph);
  g_assert_cmpuint (g_strv_length (links), ==, 3);

  g_assert_true (sl_graph_get_link_info (graph, links[2], NULL, NULL, &default_capacity, &default_policy));
  g_assert_cmpint (default_policy, ==, SL_OVERFLOW_DROP_OLDEST);

  g_assert_true (sl_graph_get_link_info (graph, links[0], NULL, NULL, &capacity, &policy));
  g_assert_cmpuint (capacity, ==, 64);
  g_assert_cmpint (policy, ==, SL_OVERFLOW_BLOCK);

  g_assert_true (sl_graph_get_link_info (graph, links[1], NULL, NULL, &capacity, &policy));
  g_assert_cmpuint (capacity, ==, default_capacity);
  g_assert_cmpint (policy, ==, SL_OVERFLOW_DROP_NEWEST);
}

static void
test_adds_to_graph (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source name=src ! passthrough name=p");
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_graph_parse_launch (graph, "p. ! null-sink name=sink  src. ! passthrough", &error));
  g_assert_no_error (error);
  assert_nodes (graph, STRV ("src", "p", "sink", "passthrough0"));
  assert_links (graph, STRV ("src.out->p.in", "p.out->sink.in", "src.out->passthrough0.in"));

  g_assert_true (sl_graph_parse_launch (graph, "passthrough0. ! echo", &error));
  g_assert_no_error (error);
  assert_links (graph, STRV ("src.out->p.in", "p.out->sink.in", "src.out->passthrough0.in",
                             "passthrough0.out->echo0.in"));
}

/* Errors: each leaves the graph as it was and says where. */

typedef struct
{
  const char *description;
  int         code;       /* in SL_ERROR */
  const char *fragments[3];   /* each must be in the message */
} ErrorCase;

static void
check_error_case (gconstpointer data)
{
  const ErrorCase *c = data;
  g_autoptr(SlGraph) graph = graph_parse ("test-source name=src num-frames=5 ! passthrough name=p");
  g_autofree char *before = sl_graph_to_json (graph);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_graph_parse_launch (graph, c->description, &error));
  g_assert_nonnull (error);
  g_test_message ("“%s” → %s", c->description, error->message);
  g_assert_error (error, SL_ERROR, c->code);
  for (guint i = 0; i < G_N_ELEMENTS (c->fragments) && c->fragments[i] != NULL; i++)
    if (strstr (error->message, c->fragments[i]) == NULL)
      g_error ("“%s”: message “%s” lacks “%s”", c->description, error->message, c->fragments[i]);

  after = sl_graph_to_json (graph);
  g_assert_cmpstr (after, ==, before);
}

static const ErrorCase error_cases[] = {
  { "test-source label=\"a b ! null-sink", SL_ERROR_PARSE,
    { "Unterminated quote", "position 18", "“\"a b ! null-sink”" } },
  { "null-sink label='x", SL_ERROR_PARSE, { "Unterminated quote", "position 16" } },
  { "test-source !", SL_ERROR_PARSE, { "Dangling “!”", "position 12" } },
  { "test-source ! ! null-sink", SL_ERROR_PARSE, { "Unexpected “!”", "position 14" } },
  { "! null-sink", SL_ERROR_PARSE, { "Unexpected “!”", "position 0" } },
  { "num-frames=3 ! null-sink", SL_ERROR_PARSE, { "Unexpected “num-frames=3”", "position 0" } },
  { "test-source ! num-frames=3", SL_ERROR_PARSE, { "Unexpected “num-frames=3”", "position 14" } },
  { "src. num-frames=3 ! null-sink", SL_ERROR_PARSE, { "“num-frames=3”", "position 5" } },
  { "test-source =3", SL_ERROR_PARSE, { "Unexpected “=3”", "position 12" } },
  { "test-source name=a id=b", SL_ERROR_PARSE, { "“id=b”", "position 19" } },
  { "src.", SL_ERROR_PARSE, { "“src.”", "position 0", "linked" } },
  { ".out ! null-sink", SL_ERROR_PARSE, { "“.out”", "position 0" } },
  { "   ", SL_ERROR_PARSE, { "empty" } },
  { "", SL_ERROR_PARSE, { "empty" } },
  { "test-source ! fakesink", SL_ERROR_UNKNOWN_FACTORY,
    { "“fakesink” at position 14", "No processor factory named “fakesink”" } },
  { "test-source bogus=1 ! null-sink", SL_ERROR_UNKNOWN_PROPERTY,
    { "“bogus=1” at position 12", "bogus" } },
  { "test-source num-frames=abc ! null-sink", SL_ERROR_INVALID_PROPERTY_VALUE,
    { "“num-frames=abc” at position 12", "abc" } },
  { "test-source num-frames=-5 ! null-sink", SL_ERROR_INVALID_PROPERTY_VALUE,
    { "“num-frames=-5” at position 12" } },
  { "null-sink  x. ! null-sink", SL_ERROR_UNKNOWN_NODE,
    { "Unknown reference “x.” at position 11", "“x”" } },
  { "x.out ! null-sink", SL_ERROR_UNKNOWN_NODE, { "“x.out” at position 0" } },
  { "test-source name=src", SL_ERROR_DUPLICATE_ID, { "“name=src” at position 12", "src" } },
  { "test-source name=a.b", SL_ERROR_INVALID_ARGUMENT, { "“name=a.b” at position 12" } },
  { "src.nope ! null-sink", SL_ERROR_UNKNOWN_PORT,
    { "Link “src.nope ! null-sink” at position 9", "nope" } },
  { "null-sink name=s  p. ! s.  src. ! s.", SL_ERROR_PORT_IN_USE,
    { "Link “src. ! s.” at position 32", "s.in" } },
  { "null-sink name=a ! null-sink", SL_ERROR_UNKNOWN_PORT, { "position 17", "“a”" } },
  { "p. ! src.", SL_ERROR_UNKNOWN_PORT, { "position 3" } },
  { "test-source \xff", SL_ERROR_PARSE, { "UTF-8" } },
  { "test-source ! capacity=0 ! null-sink", SL_ERROR_INVALID_ARGUMENT,
    { "“capacity=0” at position 14", "capacity" } },
  { "test-source ! capacity=lots ! null-sink", SL_ERROR_INVALID_ARGUMENT,
    { "“capacity=lots” at position 14" } },
  { "test-source ! overflow=sometimes ! null-sink", SL_ERROR_PARSE,
    { "“overflow=sometimes” at position 14", "“sometimes”", "drop-oldest" } },
  { "test-source ! capacity=4 capacity=5 ! null-sink", SL_ERROR_PARSE,
    { "“capacity=5”", "position 25", "already" } },
  { "test-source ! capacity=4", SL_ERROR_PARSE, { "“capacity=4” at position 14", "followed by “!”" } },
  { "test-source ! capacity=4 null-sink", SL_ERROR_PARSE, { "“capacity=4” at position 14", "followed by “!”" } },
  { "test-source ! capacity=4 !", SL_ERROR_PARSE, { "Dangling “!”", "position 12" } },
  { "test-source ! capacity=4 ! overflow=block ! null-sink", SL_ERROR_PARSE,
    { "“overflow=block” at position 27", "must follow the link’s options" } },
};

static void
test_error_position_counts_characters (void)
{
  g_autoptr(SlGraph) graph = graph_new ();
  g_autoptr(GError) error = NULL;

  /* “é” is two bytes, one character. */
  g_assert_false (sl_graph_parse_launch (graph, "null-sink name=é_x ! !", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "position 21"));
}

static void
test_failure_after_edits_changes_nothing (void)
{
  g_autoptr(SlGraph) graph = graph_parse ("test-source name=src");
  g_autofree char *before = sl_graph_to_json (graph);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  /* Two processors and a link are made before the last link fails. */
  g_assert_false (sl_graph_parse_launch (graph, "passthrough name=a ! null-sink name=b  src. ! b.", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_PORT_IN_USE);
  after = sl_graph_to_json (graph);
  g_assert_cmpstr (after, ==, before);
}

/* The runtime */

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

static gint64
processor_int64 (SlRuntime  *runtime,
                 const char *id,
                 const char *property)
{
  g_autoptr(SlProcessor) processor = sl_runtime_get_processor (runtime, id);
  gint64 value = -1;

  if (processor != NULL)
    g_object_get (processor, property, &value, NULL);
  return value;
}

static void
wait_int64 (SlRuntime  *runtime,
            const char *id,
            const char *property,
            gint64      at_least)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  while (processor_int64 (runtime, id, property) < at_least)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s:%s", id, property);
      if (!g_main_context_iteration (NULL, FALSE))
        {
          g_autoptr(GSource) timeout = g_timeout_source_new (2);

          g_source_set_callback (timeout, wake_up, NULL, NULL);
          g_source_attach (timeout, NULL);
          g_main_context_iteration (NULL, TRUE);
          g_source_destroy (timeout);
        }
    }
}

static void
test_runtime_parse (void)
{
  g_autoptr(SlRuntime) runtime = sl_runtime_new_with_registry (registry);
  g_autoptr(SlGraph) graph = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_runtime_parse_launch (runtime, "test-source name=src num-frames=7 ! counter-sink name=sink",
                                          &error));
  g_assert_no_error (error);
  graph = sl_runtime_get_graph (runtime);
  assert_nodes (graph, STRV ("src", "sink"));
  assert_links (graph, STRV ("src.out->sink.in"));
  assert_property (graph, "src", "num-frames", "7");
}

static void
test_runtime_parse_error_changes_nothing (void)
{
  g_autoptr(SlRuntime) runtime = sl_runtime_new_with_registry (registry);
  g_autoptr(SlGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (sl_runtime_parse_launch (runtime, "test-source name=src ! null-sink name=sink", &error));
  g_assert_no_error (error);
  graph = sl_runtime_get_graph (runtime);
  before = sl_graph_to_json (graph);
  g_clear_object (&graph);

  g_assert_false (sl_runtime_parse_launch (runtime, "src. ! passthrough ! nothing-at-all", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_UNKNOWN_FACTORY);
  g_assert_nonnull (strstr (error->message, "“nothing-at-all” at position 21"));
  g_clear_error (&error);

  g_assert_false (sl_runtime_parse_launch (runtime, "src. ! passthrough \"", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_PARSE);

  graph = sl_runtime_get_graph (runtime);
  after = sl_graph_to_json (graph);
  g_assert_cmpstr (after, ==, before);
}

static void
test_runtime_parse_while_running (void)
{
  g_autoptr(SlRuntime) runtime = sl_runtime_new_with_registry (registry);
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_runtime_parse_launch (runtime, "test-source name=src rate=500 ! counter-sink name=a",
                                          &error));
  g_assert_no_error (error);
  g_assert_true (sl_runtime_start (runtime, &error));
  g_assert_no_error (error);
  wait_int64 (runtime, "a", "count", 5);

  /* A branch added live: the running source keeps its frames flowing. */
  g_assert_true (sl_runtime_parse_launch (runtime, "src. ! counter-sink name=b", &error));
  g_assert_no_error (error);
  wait_int64 (runtime, "b", "count", 5);
  g_assert_cmpint (processor_int64 (runtime, "src", "produced"), >=, 10);

  g_assert_true (sl_runtime_stop (runtime, SL_STOP_DRAIN, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_autoptr(SlRegistry) owned = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  owned = registry = sl_registry_new ();
  if (!sl_registry_register (registry, "labelled", TEST_TYPE_LABELLED, NULL))
    g_error ("Could not register the test processor");

  g_test_add_func ("/launch/chain", test_chain);
  g_test_add_func ("/launch/chain-without-spaces", test_chain_without_spaces);
  g_test_add_func ("/launch/single-processor", test_single_processor);
  g_test_add_func ("/launch/properties", test_properties);
  g_test_add_func ("/launch/quoted-values", test_quoted_values);
  g_test_add_func ("/launch/named-ports", test_named_ports);
  g_test_add_func ("/launch/named-port-to-processor", test_named_port_to_processor);
  g_test_add_func ("/launch/branches", test_branches);
  g_test_add_func ("/launch/branch-into-reference", test_branch_into_reference);
  g_test_add_func ("/launch/new-chain-after-processor", test_new_chain_after_processor);
  g_test_add_func ("/launch/link-options", test_link_options);
  g_test_add_func ("/launch/string-list-property", test_string_list_property);
  g_test_add_func ("/launch/adds-to-graph", test_adds_to_graph);
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/launch/error/%u", i);

      g_test_add_data_func (path, &error_cases[i], check_error_case);
    }
  g_test_add_func ("/launch/error/position-counts-characters", test_error_position_counts_characters);
  g_test_add_func ("/launch/error/failure-after-edits", test_failure_after_edits_changes_nothing);
  g_test_add_func ("/launch/runtime/parse", test_runtime_parse);
  g_test_add_func ("/launch/runtime/error-changes-nothing", test_runtime_parse_error_changes_nothing);
  g_test_add_func ("/launch/runtime/while-running", test_runtime_parse_while_running);

  status = g_test_run ();
  registry = NULL;
  return status;
}
