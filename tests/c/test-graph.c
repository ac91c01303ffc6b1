/* test-graph.c: SlGraph, the desired state
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <streamlib/streamlib.h>

#include "test-processors.h"

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define EMPTY_STRV ((const char * const[]) { NULL })

/* Helpers */

/* Everything observable about a graph, as text: its JSON, its lists and
 * every node's checksum. Two equal fingerprints mean an unchanged graph. */
static char *
graph_fingerprint (SlGraph *graph)
{
  g_autofree char *json = sl_graph_to_json (graph);
  g_auto(GStrv) nodes = sl_graph_list_nodes (graph);
  g_auto(GStrv) links = sl_graph_list_links (graph);
  GString *text = g_string_new (json);

  g_string_append (text, "\n-- nodes\n");
  for (guint i = 0; nodes[i] != NULL; i++)
    {
      g_autofree char *checksum = sl_graph_get_node_checksum (graph, nodes[i]);

      g_string_append_printf (text, "%s %s %s\n", nodes[i],
                              sl_graph_get_node_factory (graph, nodes[i]), checksum);
    }

  g_string_append (text, "-- links\n");
  for (guint i = 0; links[i] != NULL; i++)
    {
      g_autofree char *source = NULL;
      g_autofree char *target = NULL;
      guint capacity = 0;
      SlOverflowPolicy policy = SL_OVERFLOW_DROP_OLDEST;

      g_assert_true (sl_graph_get_link_info (graph, links[i], &source, &target, &capacity, &policy));
      g_string_append_printf (text, "%s %s %s %u %d\n", links[i], source, target,
                              capacity, (int) policy);
    }

  return g_string_free (text, FALSE);
}

/* The graph is exactly as it was when @before was taken. */
#define assert_unchanged(graph, before) \
  G_STMT_START { \
    g_autofree char *after__ = graph_fingerprint (graph); \
    g_assert_cmpstr (after__, ==, (before)); \
  } G_STMT_END

/* @error is (domain, code) and its message names @name. */
#define assert_error_names(error, domain, code, name) \
  G_STMT_START { \
    g_assert_error ((error), (domain), (code)); \
    if (strstr ((error)->message, (name)) == NULL) \
      g_printerr ("error message “%s” does not name “%s”\n", (error)->message, (name)); \
    g_assert_nonnull (strstr ((error)->message, (name))); \
  } G_STMT_END

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* @actual describes the same graph as @expected: nodes, factories,
 * properties (names, types and values), links and their settings, the same
 * JSON text and the same checksums. */
static void
assert_same_graph (SlGraph *expected,
                   SlGraph *actual)
{
  g_auto(GStrv) nodes = sl_graph_list_nodes (expected);
  g_auto(GStrv) actual_nodes = sl_graph_list_nodes (actual);
  g_auto(GStrv) links = sl_graph_list_links (expected);
  g_auto(GStrv) actual_links = sl_graph_list_links (actual);
  g_autofree char *expected_json = sl_graph_to_json (expected);
  g_autofree char *actual_json = sl_graph_to_json (actual);
  g_autoptr(JsonNode) expected_root = parse_json (expected_json);
  g_autoptr(JsonNode) actual_root = parse_json (actual_json);

  g_assert_cmpstrv (actual_nodes, nodes);
  g_assert_cmpstrv (actual_links, links);

  for (guint i = 0; nodes[i] != NULL; i++)
    {
      g_auto(GStrv) names = sl_graph_list_node_properties (expected, nodes[i]);
      g_auto(GStrv) actual_names = sl_graph_list_node_properties (actual, nodes[i]);

      g_assert_cmpstr (sl_graph_get_node_factory (actual, nodes[i]), ==,
                       sl_graph_get_node_factory (expected, nodes[i]));
      g_assert_true (test_strv_is_sorted ((const char * const *) names));
      g_assert_cmpstrv (actual_names, names);
      for (guint j = 0; names[j] != NULL; j++)
        {
          g_auto(GValue) value = G_VALUE_INIT;
          g_auto(GValue) actual_value = G_VALUE_INIT;
          g_autofree char *text = NULL;
          g_autofree char *actual_text = NULL;

          g_assert_true (sl_graph_get_node_property (expected, nodes[i], names[j], &value, NULL));
          g_assert_true (sl_graph_get_node_property (actual, nodes[i], names[j], &actual_value, NULL));
          g_assert_cmpstr (G_VALUE_TYPE_NAME (&actual_value), ==, G_VALUE_TYPE_NAME (&value));
          text = g_strdup_value_contents (&value);
          actual_text = g_strdup_value_contents (&actual_value);
          g_assert_cmpstr (actual_text, ==, text);
        }
    }

  for (guint i = 0; links[i] != NULL; i++)
    {
      g_autofree char *source = NULL;
      g_autofree char *target = NULL;
      g_autofree char *actual_source = NULL;
      g_autofree char *actual_target = NULL;
      guint capacity = 0, actual_capacity = 0;
      SlOverflowPolicy policy = 0, actual_policy = 0;

      g_assert_true (sl_graph_get_link_info (expected, links[i], &source, &target, &capacity, &policy));
      g_assert_true (sl_graph_get_link_info (actual, links[i], &actual_source, &actual_target,
                                             &actual_capacity, &actual_policy));
      g_assert_cmpstr (actual_source, ==, source);
      g_assert_cmpstr (actual_target, ==, target);
      g_assert_cmpuint (actual_capacity, ==, capacity);
      g_assert_cmpint (actual_policy, ==, policy);
    }

  /* The same document, and the same text. */
  g_assert_true (json_node_equal (expected_root, actual_root));
  g_assert_cmpstr (actual_json, ==, expected_json);

  /* The same checksums. */
  for (guint i = 0; nodes[i] != NULL; i++)
    {
      g_autofree char *checksum = sl_graph_get_node_checksum (expected, nodes[i]);
      g_autofree char *actual_checksum = sl_graph_get_node_checksum (actual, nodes[i]);

      g_assert_cmpstr (actual_checksum, ==, checksum);
    }
}

static SlGraph *
new_graph (void)
{
  g_autoptr(SlRegistry) registry = test_registry_new ();

  return sl_graph_new (registry);
}

static void
add (SlGraph    *graph,
     const char *factory,
     const char *id)
{
  g_autoptr(GError) error = NULL;
  const char *added = sl_graph_add_node (graph, factory, id, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (added, ==, id);
}

static const char *
add_link (SlGraph    *graph,
         const char *source,
         const char *target)
{
  g_autoptr(GError) error = NULL;
  const char *id = sl_graph_link (graph, source, target, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static void
set (SlGraph    *graph,
     const char *id,
     const char *name,
     const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_graph_set_node_property_from_string (graph, id, name, value, &error));
  g_assert_no_error (error);
}

static guint
strv_index (char       **strv,
            const char  *item)
{
  for (guint i = 0; strv[i] != NULL; i++)
    if (g_str_equal (strv[i], item))
      return i;

  g_assert_not_reached ();
}

/* Every link goes from an earlier node to a later one in @order, and @order
 * holds every node once. */
static void
assert_topological (SlGraph  *graph,
                    char    **order)
{
  g_auto(GStrv) nodes = sl_graph_list_nodes (graph);
  g_auto(GStrv) links = sl_graph_list_links (graph);

  g_assert_cmpuint (g_strv_length (order), ==, g_strv_length (nodes));
  for (guint i = 0; nodes[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char * const *) order, nodes[i]));

  for (guint i = 0; links[i] != NULL; i++)
    {
      g_autofree char *source = NULL;
      g_autofree char *target = NULL;
      g_auto(GStrv) source_parts = NULL;
      g_auto(GStrv) target_parts = NULL;

      g_assert_true (sl_graph_get_link_info (graph, links[i], &source, &target, NULL, NULL));
      source_parts = g_strsplit (source, ".", 2);
      target_parts = g_strsplit (target, ".", 2);
      g_assert_cmpuint (strv_index (order, source_parts[0]), <, strv_index (order, target_parts[0]));
    }
}

/* Nodes */

static void
test_add_node_auto_id (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  const char *id;

  id = sl_graph_add_node (graph, TEST_FACTORY_VIDEO_SOURCE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "video-source0");

  id = sl_graph_add_node (graph, TEST_FACTORY_VIDEO_SOURCE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "video-source1");

  id = sl_graph_add_node (graph, TEST_FACTORY_ANY_SINK, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "any-sink0");

  /* An automatic id never takes one already used explicitly. */
  add (graph, TEST_FACTORY_VIDEO_FILTER, "video-filter0");
  id = sl_graph_add_node (graph, TEST_FACTORY_VIDEO_FILTER, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, !=, "video-filter0");
  g_assert_true (g_str_has_prefix (id, "video-filter"));

  g_assert_true (sl_graph_has_node (graph, "video-source0"));
  g_assert_true (sl_graph_has_node (graph, "video-source1"));
  g_assert_cmpstr (sl_graph_get_node_factory (graph, "video-source1"), ==, TEST_FACTORY_VIDEO_SOURCE);
  g_assert_cmpstr (sl_graph_get_node_factory (graph, "any-sink0"), ==, TEST_FACTORY_ANY_SINK);
}

static void
test_add_node_explicit_id (void)
{
  g_autoptr(SlRegistry) registry = test_registry_new ();
  g_autoptr(SlGraph) graph = sl_graph_new (registry);
  g_autoptr(GError) error = NULL;
  const char *id;

  g_assert_true (sl_graph_get_registry (graph) == registry);

  id = sl_graph_add_node (graph, TEST_FACTORY_VIDEO_SOURCE, "camera_1-left", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "camera_1-left");
  g_assert_true (sl_graph_has_node (graph, "camera_1-left"));
  g_assert_false (sl_graph_has_node (graph, "camera"));
  g_assert_cmpstr (sl_graph_get_node_factory (graph, "camera_1-left"), ==, TEST_FACTORY_VIDEO_SOURCE);
  g_assert_null (sl_graph_get_node_factory (graph, "camera"));
}

static void
test_remove_node (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) nodes = NULL;
  g_auto(GStrv) links = NULL;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f");
  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src2");
  add (graph, TEST_FACTORY_ANY_SINK, "sink2");
  add_link (graph, "src.out", "f.in");
  add_link (graph, "f.out", "sink.in");
  add_link (graph, "src2", "sink2");

  g_assert_true (sl_graph_remove_node (graph, "f", &error));
  g_assert_no_error (error);

  g_assert_false (sl_graph_has_node (graph, "f"));
  g_assert_false (sl_graph_has_link (graph, "src.out->f.in"));
  g_assert_false (sl_graph_has_link (graph, "f.out->sink.in"));
  g_assert_true (sl_graph_has_link (graph, "src2.out->sink2.in"));

  nodes = sl_graph_list_nodes (graph);
  g_assert_cmpstrv (nodes, STRV ("src", "sink", "src2", "sink2"));
  links = sl_graph_list_links (graph);
  g_assert_cmpstrv (links, STRV ("src2.out->sink2.in"));

  /* The id is free again and the input it fed can be linked again. */
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f");
  add_link (graph, "src", "f");
  add_link (graph, "f", "sink");
}

static void
test_remove_node_with_graph_owned_id (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  const char *id;

  /* The id returned by add_node belongs to the graph: passing it back to
   * remove_node must not read freed memory. */
  id = sl_graph_add_node (graph, TEST_FACTORY_VIDEO_FILTER, NULL, &error);
  g_assert_no_error (error);
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add_link (graph, "src", id);

  g_assert_true (sl_graph_remove_node (graph, id, &error));
  g_assert_no_error (error);
  g_assert_false (sl_graph_has_node (graph, "video-filter0"));
  g_assert_true (sl_graph_has_node (graph, "src"));
  {
    g_auto(GStrv) links = sl_graph_list_links (graph);
    g_assert_cmpstrv (links, EMPTY_STRV);
  }
}

static void
test_list_order (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_auto(GStrv) nodes = NULL;
  g_auto(GStrv) links = NULL;

  add (graph, TEST_FACTORY_ANY_SINK, "zulu");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "alpha");
  add (graph, TEST_FACTORY_TWO_IN, "mike");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "bravo");

  add_link (graph, "mike", "zulu");
  add_link (graph, "bravo", "mike.b");
  add_link (graph, "alpha", "mike.a");

  nodes = sl_graph_list_nodes (graph);
  g_assert_cmpstrv (nodes, STRV ("zulu", "alpha", "mike", "bravo"));
  links = sl_graph_list_links (graph);
  g_assert_cmpstrv (links, STRV ("mike.out->zulu.in", "bravo.out->mike.b", "alpha.out->mike.a"));
}

static void
test_empty_graph (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) nodes = sl_graph_list_nodes (graph);
  g_auto(GStrv) links = sl_graph_list_links (graph);
  g_auto(GStrv) order = sl_graph_get_topological_order (graph);
  g_auto(GStrv) sources = sl_graph_get_sources (graph);
  g_auto(GStrv) sinks = sl_graph_get_sinks (graph);
  g_autofree char *json = sl_graph_to_json (graph);
  g_autofree char *dot = sl_graph_to_dot (graph);

  g_assert_cmpstrv (nodes, EMPTY_STRV);
  g_assert_cmpstrv (links, EMPTY_STRV);
  g_assert_cmpstrv (order, EMPTY_STRV);
  g_assert_cmpstrv (sources, EMPTY_STRV);
  g_assert_cmpstrv (sinks, EMPTY_STRV);
  g_assert_nonnull (json);
  g_assert_nonnull (dot);
  g_assert_true (sl_graph_validate (graph, &error));
  g_assert_no_error (error);
  g_assert_null (sl_graph_get_node_checksum (graph, "nothing"));
  g_assert_null (sl_graph_list_node_properties (graph, "nothing"));
}

/* Links */

static void
test_link_by_port (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  g_autofree char *target = NULL;
  guint capacity = 0;
  SlOverflowPolicy policy = SL_OVERFLOW_BLOCK;
  const char *id;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_TWO_IN, "mix");

  id = sl_graph_link (graph, "src.out", "mix.b", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "src.out->mix.b");
  g_assert_true (sl_graph_has_link (graph, "src.out->mix.b"));
  g_assert_false (sl_graph_has_link (graph, "src.out->mix.a"));

  g_assert_true (sl_graph_get_link_info (graph, id, &source, &target, &capacity, &policy));
  g_assert_cmpstr (source, ==, "src.out");
  g_assert_cmpstr (target, ==, "mix.b");
  g_assert_cmpuint (capacity, ==, SL_DEFAULT_LINK_CAPACITY);
  g_assert_cmpint (policy, ==, SL_OVERFLOW_DROP_OLDEST);

  /* Every out argument is optional. */
  g_assert_true (sl_graph_get_link_info (graph, id, NULL, NULL, NULL, NULL));
  g_assert_false (sl_graph_get_link_info (graph, "src.out->mix.a", NULL, NULL, NULL, NULL));
}

static void
test_link_by_node_alone (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  const char *id;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f");
  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  add (graph, TEST_FACTORY_TWO_IN, "mix");

  id = sl_graph_link (graph, "src", "f", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "src.out->f.in");

  /* Mixed forms. */
  id = sl_graph_link (graph, "f.out", "mix.a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "f.out->mix.a");

  /* A node with two inputs but one output can be named alone as a source. */
  id = sl_graph_link (graph, "mix", "sink.in", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "mix.out->sink.in");
}

static void
test_link_fan_out (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_auto(GStrv) links = NULL;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_ANY_SINK, "a");
  add (graph, TEST_FACTORY_ANY_SINK, "b");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "c");

  /* An output feeds any number of links. */
  add_link (graph, "src", "a");
  add_link (graph, "src", "b");
  add_link (graph, "src", "c");

  links = sl_graph_list_links (graph);
  g_assert_cmpstrv (links, STRV ("src.out->a.in", "src.out->b.in", "src.out->c.in"));
}

static void
test_link_any_caps (void)
{
  g_autoptr(SlGraph) graph = new_graph ();

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "v");
  add (graph, TEST_FACTORY_AUDIO_SOURCE, "a");
  add (graph, TEST_FACTORY_ANY_SINK, "vsink");
  add (graph, TEST_FACTORY_ANY_SINK, "asink");

  /* An input with ANY caps takes video and audio alike. */
  add_link (graph, "v", "vsink");
  add_link (graph, "a", "asink");
}

static void
test_unlink (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) links = NULL;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f");
  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  add_link (graph, "src", "f");
  add_link (graph, "f", "sink");

  g_assert_true (sl_graph_unlink (graph, "src.out->f.in", &error));
  g_assert_no_error (error);
  g_assert_false (sl_graph_has_link (graph, "src.out->f.in"));
  links = sl_graph_list_links (graph);
  g_assert_cmpstrv (links, STRV ("f.out->sink.in"));

  /* Nodes stay; the input is free again. */
  g_assert_true (sl_graph_has_node (graph, "src"));
  g_assert_true (sl_graph_has_node (graph, "f"));
  add_link (graph, "src", "f");
}

static void
test_unlink_with_graph_owned_id (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  const char *id;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  id = add_link (graph, "src", "sink");

  g_assert_true (sl_graph_configure_link (graph, id, 2, SL_OVERFLOW_BLOCK, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_unlink (graph, id, &error));
  g_assert_no_error (error);
  g_assert_false (sl_graph_has_link (graph, "src.out->sink.in"));
}

static void
test_configure_link (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  guint capacity = 0;
  SlOverflowPolicy policy = SL_OVERFLOW_DROP_OLDEST;
  const SlOverflowPolicy policies[] = {
    SL_OVERFLOW_BLOCK, SL_OVERFLOW_DROP_NEWEST, SL_OVERFLOW_DROP_OLDEST,
  };

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  add_link (graph, "src", "sink");

  for (gsize i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      guint wanted = 1 + 7 * i;

      g_assert_true (sl_graph_configure_link (graph, "src.out->sink.in", wanted, policies[i], &error));
      g_assert_no_error (error);
      g_assert_true (sl_graph_get_link_info (graph, "src.out->sink.in", NULL, NULL, &capacity, &policy));
      g_assert_cmpuint (capacity, ==, wanted);
      g_assert_cmpint (policy, ==, policies[i]);
    }

  g_assert_true (sl_graph_configure_link (graph, "src.out->sink.in", 1000000, SL_OVERFLOW_BLOCK, &error));
  g_assert_no_error (error);
}

/* Properties */

static void
test_property_set_transformable (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GValue) stored = G_VALUE_INIT;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");

  /* int → double */
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 3);
  g_assert_true (sl_graph_set_node_property (graph, "src", "ratio", &value, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_get_node_property (graph, "src", "ratio", &stored, NULL));
  g_assert_true (G_VALUE_HOLDS_DOUBLE (&stored));
  g_assert_cmpfloat (g_value_get_double (&stored), ==, 3.0);
  g_value_unset (&stored);
  g_value_unset (&value);

  /* double → int */
  g_value_init (&value, G_TYPE_DOUBLE);
  g_value_set_double (&value, 42.0);
  g_assert_true (sl_graph_set_node_property (graph, "src", "level", &value, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_get_node_property (graph, "src", "level", &stored, NULL));
  g_assert_true (G_VALUE_HOLDS_INT (&stored));
  g_assert_cmpint (g_value_get_int (&stored), ==, 42);
  g_value_unset (&stored);
  g_value_unset (&value);

  /* uint → int */
  g_value_init (&value, G_TYPE_UINT);
  g_value_set_uint (&value, 100);
  g_assert_true (sl_graph_set_node_property (graph, "src", "level", &value, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_get_node_property (graph, "src", "level", &stored, NULL));
  g_assert_cmpint (g_value_get_int (&stored), ==, 100);
  g_value_unset (&stored);
  g_value_unset (&value);

  /* Exact types. */
  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, FALSE);
  g_assert_true (sl_graph_set_node_property (graph, "src", "enabled", &value, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_get_node_property (graph, "src", "enabled", &stored, NULL));
  g_assert_true (G_VALUE_HOLDS_BOOLEAN (&stored));
  g_assert_false (g_value_get_boolean (&stored));
  g_value_unset (&stored);
  g_value_unset (&value);

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, "front camera");
  g_assert_true (sl_graph_set_node_property (graph, "src", "label", &value, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_get_node_property (graph, "src", "label", &stored, NULL));
  g_assert_cmpstr (g_value_get_string (&stored), ==, "front camera");
  g_value_unset (&stored);
  g_value_unset (&value);

  g_value_init (&value, TEST_TYPE_MODE);
  g_value_set_enum (&value, TEST_MODE_FAST);
  g_assert_true (sl_graph_set_node_property (graph, "src", "mode", &value, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_get_node_property (graph, "src", "mode", &stored, NULL));
  g_assert_true (G_VALUE_HOLDS (&stored, TEST_TYPE_MODE));
  g_assert_cmpint (g_value_get_enum (&stored), ==, TEST_MODE_FAST);
  g_value_unset (&stored);
  g_value_unset (&value);

  /* Range limits are inclusive. */
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 0);
  g_assert_true (sl_graph_set_node_property (graph, "src", "level", &value, &error));
  g_assert_no_error (error);
}

static void
test_property_set_from_string (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_auto(GValue) stored = G_VALUE_INIT;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f");

  set (graph, "src", "level", "42");
  g_assert_true (sl_graph_get_node_property (graph, "src", "level", &stored, NULL));
  g_assert_true (G_VALUE_HOLDS_INT (&stored));
  g_assert_cmpint (g_value_get_int (&stored), ==, 42);
  g_value_unset (&stored);

  set (graph, "src", "enabled", "false");
  g_assert_true (sl_graph_get_node_property (graph, "src", "enabled", &stored, NULL));
  g_assert_true (G_VALUE_HOLDS_BOOLEAN (&stored));
  g_assert_false (g_value_get_boolean (&stored));
  g_value_unset (&stored);

  set (graph, "src", "enabled", "true");
  g_assert_true (sl_graph_get_node_property (graph, "src", "enabled", &stored, NULL));
  g_assert_true (g_value_get_boolean (&stored));
  g_value_unset (&stored);

  set (graph, "src", "ratio", "2.5");
  g_assert_true (sl_graph_get_node_property (graph, "src", "ratio", &stored, NULL));
  g_assert_true (G_VALUE_HOLDS_DOUBLE (&stored));
  g_assert_cmpfloat (g_value_get_double (&stored), ==, 2.5);
  g_value_unset (&stored);

  /* An integer text for a double property. */
  set (graph, "f", "strength", "1");
  g_assert_true (sl_graph_get_node_property (graph, "f", "strength", &stored, NULL));
  g_assert_cmpfloat (g_value_get_double (&stored), ==, 1.0);
  g_value_unset (&stored);

  /* Enum by nick, and by full name. */
  set (graph, "src", "mode", "bouncing-ball");
  g_assert_true (sl_graph_get_node_property (graph, "src", "mode", &stored, NULL));
  g_assert_true (G_VALUE_HOLDS (&stored, TEST_TYPE_MODE));
  g_assert_cmpint (g_value_get_enum (&stored), ==, TEST_MODE_BOUNCING_BALL);
  g_value_unset (&stored);

  set (graph, "src", "mode", "TEST_MODE_FAST");
  g_assert_true (sl_graph_get_node_property (graph, "src", "mode", &stored, NULL));
  g_assert_cmpint (g_value_get_enum (&stored), ==, TEST_MODE_FAST);
  g_value_unset (&stored);

  /* Strings are taken as they are: no quoting, no parsing. */
  set (graph, "src", "label", "hello \"world\", 42 = true");
  g_assert_true (sl_graph_get_node_property (graph, "src", "label", &stored, NULL));
  g_assert_true (G_VALUE_HOLDS_STRING (&stored));
  g_assert_cmpstr (g_value_get_string (&stored), ==, "hello \"world\", 42 = true");
  g_value_unset (&stored);

  set (graph, "src", "label", "");
  g_assert_true (sl_graph_get_node_property (graph, "src", "label", &stored, NULL));
  g_assert_cmpstr (g_value_get_string (&stored), ==, "");
  g_value_unset (&stored);
}

static void
test_property_get_and_list (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  g_auto(GValue) stored = G_VALUE_INIT;
  g_auto(GStrv) names = NULL;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");

  /* Properties never set read as the processor's defaults, with their own
   * types, and are not listed as set. */
  g_assert_true (sl_graph_get_node_property (graph, "src", "level", &stored, &error));
  g_assert_no_error (error);
  g_assert_true (G_VALUE_HOLDS_INT (&stored));
  g_assert_cmpint (g_value_get_int (&stored), ==, 50);
  g_value_unset (&stored);
  g_assert_true (sl_graph_get_node_property (graph, "src", "mode", &stored, &error));
  g_assert_no_error (error);
  g_assert_true (G_VALUE_HOLDS (&stored, TEST_TYPE_MODE));
  g_assert_cmpint (g_value_get_enum (&stored), ==, TEST_MODE_SLOW);
  g_value_unset (&stored);
  g_assert_true (sl_graph_get_node_property (graph, "src", "label", &stored, &error));
  g_assert_no_error (error);
  g_assert_null (g_value_get_string (&stored));
  g_value_unset (&stored);
  names = sl_graph_list_node_properties (graph, "src");
  g_assert_cmpstrv (names, EMPTY_STRV);
  g_clear_pointer (&names, g_strfreev);

  set (graph, "src", "ratio", "0.5");
  set (graph, "src", "mode", "fast");
  set (graph, "src", "enabled", "true");
  set (graph, "src", "level", "7");
  set (graph, "src", "level", "8");

  names = sl_graph_list_node_properties (graph, "src");
  g_assert_cmpstrv (names, STRV ("enabled", "level", "mode", "ratio"));

  g_assert_true (sl_graph_get_node_property (graph, "src", "level", &stored, NULL));
  g_assert_cmpint (g_value_get_int (&stored), ==, 8);
}

/* Checksums */

static void
test_checksum (void)
{
  g_autoptr(SlGraph) one = new_graph ();
  g_autoptr(SlGraph) two = new_graph ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  g_autofree char *e = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  add (one, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (one, TEST_FACTORY_ANY_SINK, "sink");
  set (one, "src", "level", "10");
  set (one, "src", "label", "x");

  /* Same spec in another graph, nodes added in another order, properties
   * set in another order and through another type. */
  add (two, TEST_FACTORY_ANY_SINK, "sink");
  add (two, TEST_FACTORY_VIDEO_FILTER, "f");
  add (two, TEST_FACTORY_VIDEO_SOURCE, "src");
  set (two, "src", "label", "x");
  g_value_init (&value, G_TYPE_DOUBLE);
  g_value_set_double (&value, 10.0);
  g_assert_true (sl_graph_set_node_property (two, "src", "level", &value, &error));
  g_assert_no_error (error);
  add_link (two, "src", "f");

  a = sl_graph_get_node_checksum (one, "src");
  b = sl_graph_get_node_checksum (two, "src");
  g_assert_nonnull (a);
  g_assert_cmpuint (strlen (a), ==, 64);   /* SHA-256, hexadecimal */
  g_assert_cmpstr (a, ==, b);

  /* Stable across calls. */
  c = sl_graph_get_node_checksum (one, "src");
  g_assert_cmpstr (a, ==, c);
  g_clear_pointer (&c, g_free);

  /* A property change changes it; changing it back restores it. */
  set (one, "src", "level", "11");
  c = sl_graph_get_node_checksum (one, "src");
  g_assert_cmpstr (a, !=, c);
  set (one, "src", "level", "10");
  d = sl_graph_get_node_checksum (one, "src");
  g_assert_cmpstr (a, ==, d);
  g_clear_pointer (&d, g_free);

  /* Setting a property to its default still changes the spec. */
  set (one, "src", "enabled", "true");
  d = sl_graph_get_node_checksum (one, "src");
  g_assert_cmpstr (a, !=, d);

  /* Another factory with no properties differs from the source; two nodes
   * of the same factory without properties agree. */
  e = sl_graph_get_node_checksum (one, "sink");
  g_assert_cmpstr (e, !=, a);
  {
    g_autofree char *other_sink = sl_graph_get_node_checksum (two, "sink");
    g_autofree char *filter = sl_graph_get_node_checksum (two, "f");

    g_assert_cmpstr (e, ==, other_sink);
    g_assert_cmpstr (e, !=, filter);
  }

  g_assert_null (sl_graph_get_node_checksum (one, "ghost"));
}

static void
test_checksum_separates_fields (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  /* "label"="ab" with nothing else must differ from properties whose
   * concatenation reads the same. */
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "one");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "two");
  set (graph, "one", "label", "1");
  set (graph, "two", "label", "");
  set (graph, "two", "level", "1");

  a = sl_graph_get_node_checksum (graph, "one");
  b = sl_graph_get_node_checksum (graph, "two");
  g_assert_cmpstr (a, !=, b);
}

/* Order, sources and sinks */

static void
test_topological_chain (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_auto(GStrv) order = NULL;

  /* Added backwards. */
  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f2");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f1");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add_link (graph, "f2", "sink");
  add_link (graph, "src", "f1");
  add_link (graph, "f1", "f2");

  order = sl_graph_get_topological_order (graph);
  g_assert_cmpstrv (order, STRV ("src", "f1", "f2", "sink"));
  assert_topological (graph, order);
}

static void
test_topological_diamond (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_auto(GStrv) order = NULL;

  /*        ┌→ left  ─┐
   *   src ─┤         ├→ mix → sink
   *        └→ right ─┘              */
  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  add (graph, TEST_FACTORY_TWO_IN, "mix");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "right");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "left");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add_link (graph, "src", "left");
  add_link (graph, "src", "right");
  add_link (graph, "left", "mix.a");
  add_link (graph, "right", "mix.b");
  add_link (graph, "mix", "sink");

  /* Among nodes free to go, the one added first: right before left. */
  order = sl_graph_get_topological_order (graph);
  g_assert_cmpstrv (order, STRV ("src", "right", "left", "mix", "sink"));
  assert_topological (graph, order);
}

static void
test_topological_stable (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_auto(GStrv) order = NULL;

  /* Two independent chains and an isolated node, interleaved. */
  add (graph, TEST_FACTORY_ANY_SINK, "b-sink");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "a-src");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "lonely");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "b-src");
  add (graph, TEST_FACTORY_ANY_SINK, "a-sink");
  add_link (graph, "a-src", "a-sink");
  add_link (graph, "b-src", "b-sink");

  order = sl_graph_get_topological_order (graph);
  g_assert_cmpstrv (order, STRV ("a-src", "lonely", "b-src", "b-sink", "a-sink"));
  assert_topological (graph, order);
  g_clear_pointer (&order, g_strfreev);

  /* Without links, the order is the insertion order. */
  g_assert_true (sl_graph_unlink (graph, "a-src.out->a-sink.in", NULL));
  g_assert_true (sl_graph_unlink (graph, "b-src.out->b-sink.in", NULL));
  order = sl_graph_get_topological_order (graph);
  g_assert_cmpstrv (order, STRV ("b-sink", "a-src", "lonely", "b-src", "a-sink"));
}

static void
test_sources_and_sinks (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_auto(GStrv) sources = NULL;
  g_auto(GStrv) sinks = NULL;

  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src1");
  add (graph, TEST_FACTORY_TWO_IN, "mix");
  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src2");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "lonely");
  add_link (graph, "src1", "mix.a");
  add_link (graph, "src2", "f");
  add_link (graph, "f", "mix.b");
  add_link (graph, "mix", "sink");

  /* Nodes no link enters / leaves, in insertion order; an isolated node is
   * both. */
  sources = sl_graph_get_sources (graph);
  g_assert_cmpstrv (sources, STRV ("src1", "src2", "lonely"));
  sinks = sl_graph_get_sinks (graph);
  g_assert_cmpstrv (sinks, STRV ("sink", "lonely"));
}

/* Copy */

static void
test_copy_independent (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(SlGraph) copy = NULL;
  g_autofree char *original = NULL;
  g_autofree char *copy_before = NULL;
  g_autoptr(GError) error = NULL;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f");
  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  set (graph, "src", "level", "12");
  set (graph, "src", "label", "original");
  add_link (graph, "src", "f");
  add_link (graph, "f", "sink");
  g_assert_true (sl_graph_configure_link (graph, "f.out->sink.in", 3, SL_OVERFLOW_BLOCK, &error));
  g_assert_no_error (error);

  original = graph_fingerprint (graph);
  copy = sl_graph_copy (graph);
  g_assert_true (copy != graph);
  g_assert_true (sl_graph_get_registry (copy) == sl_graph_get_registry (graph));
  assert_same_graph (graph, copy);

  /* Changing the copy leaves the original alone. */
  set (copy, "src", "label", "changed");
  set (copy, "f", "strength", "0.25");
  g_assert_true (sl_graph_configure_link (copy, "f.out->sink.in", 9, SL_OVERFLOW_DROP_NEWEST, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_unlink (copy, "src.out->f.in", &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_remove_node (copy, "sink", &error));
  g_assert_no_error (error);
  add (copy, TEST_FACTORY_AUDIO_SOURCE, "extra");
  assert_unchanged (graph, original);

  /* And the other way round. */
  copy_before = graph_fingerprint (copy);
  set (graph, "src", "level", "99");
  g_assert_true (sl_graph_remove_node (graph, "f", &error));
  g_assert_no_error (error);
  add (graph, TEST_FACTORY_VIDEO_FILTER, "g");
  assert_unchanged (copy, copy_before);
}

/* JSON */

static SlGraph *
new_full_graph (void)
{
  SlGraph *graph = new_graph ();
  g_autoptr(GError) error = NULL;

  add (graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (graph, TEST_FACTORY_AUDIO_SOURCE, "asrc");
  add (graph, TEST_FACTORY_VIDEO_FILTER, "f");
  add (graph, TEST_FACTORY_TWO_IN, "mix");
  add (graph, TEST_FACTORY_ANY_SINK, "sink");
  add (graph, TEST_FACTORY_ANY_SINK, "asink");

  set (graph, "src", "level", "42");
  set (graph, "src", "enabled", "false");
  set (graph, "src", "label", "a \"quoted\" label\\with\tstuff, ünïcödé");
  set (graph, "src", "ratio", "2.5");
  set (graph, "src", "mode", "bouncing-ball");
  set (graph, "f", "strength", "0.125");

  add_link (graph, "src", "f");
  add_link (graph, "f", "mix.a");
  add_link (graph, "src", "mix.b");
  add_link (graph, "mix", "sink");
  add_link (graph, "asrc", "asink");
  g_assert_true (sl_graph_configure_link (graph, "src.out->f.in", 3, SL_OVERFLOW_BLOCK, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_configure_link (graph, "mix.out->sink.in", 1, SL_OVERFLOW_DROP_NEWEST, &error));
  g_assert_no_error (error);
  g_assert_true (sl_graph_configure_link (graph, "asrc.out->asink.in", 64, SL_OVERFLOW_DROP_OLDEST, &error));
  g_assert_no_error (error);

  return graph;
}

static void
test_json_round_trip (void)
{
  g_autoptr(SlGraph) graph = new_full_graph ();
  g_autoptr(SlGraph) loaded = new_graph ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = sl_graph_to_json (graph);
  g_autoptr(SlGraph) reference = sl_graph_copy (graph);
  g_auto(GValue) value = G_VALUE_INIT;
  guint capacity = 0;
  SlOverflowPolicy policy = SL_OVERFLOW_DROP_OLDEST;
  g_auto(GStrv) nodes = NULL;
  g_auto(GStrv) links = NULL;

  g_test_message ("%s", json);
  g_assert_true (sl_graph_load_from_data (loaded, json, -1, &error));
  g_assert_no_error (error);

  /* to_json → load_from_data → to_json gives the same document. */
  assert_same_graph (graph, loaded);

  /* Order, properties with their types, link settings. */
  nodes = sl_graph_list_nodes (loaded);
  g_assert_cmpstrv (nodes, STRV ("src", "asrc", "f", "mix", "sink", "asink"));
  links = sl_graph_list_links (loaded);
  g_assert_cmpstrv (links, STRV ("src.out->f.in", "f.out->mix.a", "src.out->mix.b",
                                 "mix.out->sink.in", "asrc.out->asink.in"));

  g_assert_true (sl_graph_get_node_property (loaded, "src", "level", &value, NULL));
  g_assert_true (G_VALUE_HOLDS_INT (&value));
  g_assert_cmpint (g_value_get_int (&value), ==, 42);
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (loaded, "src", "enabled", &value, NULL));
  g_assert_false (g_value_get_boolean (&value));
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (loaded, "src", "label", &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, "a \"quoted\" label\\with\tstuff, ünïcödé");
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (loaded, "src", "ratio", &value, NULL));
  g_assert_cmpfloat (g_value_get_double (&value), ==, 2.5);
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (loaded, "src", "mode", &value, NULL));
  g_assert_true (G_VALUE_HOLDS (&value, TEST_TYPE_MODE));
  g_assert_cmpint (g_value_get_enum (&value), ==, TEST_MODE_BOUNCING_BALL);
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (loaded, "f", "strength", &value, NULL));
  g_assert_cmpfloat (g_value_get_double (&value), ==, 0.125);
  g_value_unset (&value);

  g_assert_true (sl_graph_get_link_info (loaded, "src.out->f.in", NULL, NULL, &capacity, &policy));
  g_assert_cmpuint (capacity, ==, 3);
  g_assert_cmpint (policy, ==, SL_OVERFLOW_BLOCK);
  g_assert_true (sl_graph_get_link_info (loaded, "mix.out->sink.in", NULL, NULL, &capacity, &policy));
  g_assert_cmpuint (capacity, ==, 1);
  g_assert_cmpint (policy, ==, SL_OVERFLOW_DROP_NEWEST);
  g_assert_true (sl_graph_get_link_info (loaded, "asrc.out->asink.in", NULL, NULL, &capacity, &policy));
  g_assert_cmpuint (capacity, ==, 64);
  g_assert_cmpint (policy, ==, SL_OVERFLOW_DROP_OLDEST);
  g_assert_true (sl_graph_get_link_info (loaded, "f.out->mix.a", NULL, NULL, &capacity, &policy));
  g_assert_cmpuint (capacity, ==, SL_DEFAULT_LINK_CAPACITY);

  /* Loading a graph's own JSON into it changes nothing. */
  g_assert_true (sl_graph_load_from_data (graph, json, strlen (json), &error));
  g_assert_no_error (error);
  assert_same_graph (reference, graph);
}

static void
test_json_handwritten (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GStrv) nodes = NULL;
  guint capacity = 0;
  SlOverflowPolicy policy = SL_OVERFLOW_BLOCK;
  const char *json =
    "{\n"
    "  \"nodes\": [\n"
    "    { \"factory\": \"video-source\",\n"
    "      \"properties\": { \"level\": 7, \"ratio\": 3, \"enabled\": true,\n"
    "                        \"mode\": \"fast\", \"label\": \"7\" } },\n"
    "    { \"id\": \"sink\", \"factory\": \"any-sink\" }\n"
    "  ],\n"
    "  \"links\": [ { \"from\": \"video-source0\", \"to\": \"sink\" } ]\n"
    "}\n";

  g_assert_true (sl_graph_load_from_data (graph, json, -1, &error));
  g_assert_no_error (error);

  /* Missing ids are picked automatically; a link without settings gets the
   * defaults; JSON numbers convert to the property's type. */
  nodes = sl_graph_list_nodes (graph);
  g_assert_cmpstrv (nodes, STRV ("video-source0", "sink"));
  g_assert_true (sl_graph_get_link_info (graph, "video-source0.out->sink.in", NULL, NULL, &capacity, &policy));
  g_assert_cmpuint (capacity, ==, SL_DEFAULT_LINK_CAPACITY);
  g_assert_cmpint (policy, ==, SL_OVERFLOW_DROP_OLDEST);

  g_assert_true (sl_graph_get_node_property (graph, "video-source0", "level", &value, NULL));
  g_assert_true (G_VALUE_HOLDS_INT (&value));
  g_assert_cmpint (g_value_get_int (&value), ==, 7);
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (graph, "video-source0", "ratio", &value, NULL));
  g_assert_true (G_VALUE_HOLDS_DOUBLE (&value));
  g_assert_cmpfloat (g_value_get_double (&value), ==, 3.0);
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (graph, "video-source0", "mode", &value, NULL));
  g_assert_cmpint (g_value_get_enum (&value), ==, TEST_MODE_FAST);
  g_value_unset (&value);
  g_assert_true (sl_graph_get_node_property (graph, "video-source0", "label", &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, "7");
}

static void
test_json_load_replaces (void)
{
  g_autoptr(SlGraph) graph = new_full_graph ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) nodes = NULL;
  g_auto(GStrv) links = NULL;

  g_assert_true (sl_graph_load_from_data (graph,
                                          "{\"nodes\": [{\"id\": \"only\", \"factory\": \"any-sink\"}]}",
                                          -1, &error));
  g_assert_no_error (error);
  nodes = sl_graph_list_nodes (graph);
  g_assert_cmpstrv (nodes, STRV ("only"));
  links = sl_graph_list_links (graph);
  g_assert_cmpstrv (links, EMPTY_STRV);
  g_clear_pointer (&nodes, g_strfreev);

  /* An empty object is an empty graph. */
  g_assert_true (sl_graph_load_from_data (graph, "{}", -1, &error));
  g_assert_no_error (error);
  nodes = sl_graph_list_nodes (graph);
  g_assert_cmpstrv (nodes, EMPTY_STRV);

  /* The ids of the old graph are free again. */
  add (graph, TEST_FACTORY_ANY_SINK, "only");
}

static void
test_json_length (void)
{
  g_autoptr(SlGraph) graph = new_graph ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) nodes = NULL;
  const char *data = "{\"nodes\": [{\"id\": \"s\", \"factory\": \"any-sink\"}]}trailing garbage";

  /* Only @length bytes are read. */
  g_assert_true (sl_graph_load_from_data (graph, data, strstr (data, "trailing") - data, &error));
  g_assert_no_error (error);
  nodes = sl_graph_list_nodes (graph);
  g_assert_cmpstrv (nodes, STRV ("s"));
}

static void
test_load_from_file (void)
{
  g_autoptr(SlGraph) graph = new_full_graph ();
  g_autoptr(SlGraph) loaded = new_graph ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = sl_graph_to_json (graph);
  g_autofree char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("sl-test-graph-XXXXXX.json", &path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_close (fd, NULL);
  g_assert_true (g_file_set_contents (path, json, -1, &error));
  g_assert_no_error (error);

  g_assert_true (sl_graph_load_from_file (loaded, path, &error));
  g_assert_no_error (error);
  assert_same_graph (graph, loaded);

  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_load_from_missing_file (void)
{
  g_autoptr(SlGraph) graph = new_full_graph ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = graph_fingerprint (graph);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  dir = g_dir_make_tmp ("sl-test-graph-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "missing.json", NULL);

  g_assert_false (sl_graph_load_from_file (graph, path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "missing.json"));
  assert_unchanged (graph, before);

  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_load_from_file_bad_contents (void)
{
  g_autoptr(SlGraph) graph = new_full_graph ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = graph_fingerprint (graph);
  g_autofree char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("sl-test-graph-XXXXXX.json", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_assert_true (g_file_set_contents (path, "{\"nodes\": [", -1, &error));
  g_assert_no_error (error);

  g_assert_false (sl_graph_load_from_file (graph, path, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_PARSE);
  assert_unchanged (graph, before);

  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* DOT */

static void
test_dot (void)
{
  g_autoptr(SlGraph) graph = new_full_graph ();
  g_autofree char *dot = sl_graph_to_dot (graph);
  g_auto(GStrv) nodes = sl_graph_list_nodes (graph);
  g_auto(GStrv) links = sl_graph_list_links (graph);
  g_autofree char *trimmed = NULL;
  guint n_open = 0, n_close = 0;

  g_test_message ("%s", dot);
  g_assert_true (g_str_has_prefix (dot, "digraph"));
  trimmed = g_strstrip (g_strdup (dot));
  g_assert_true (g_str_has_suffix (trimmed, "}"));
  g_assert_nonnull (strchr (dot, '{'));
  g_assert_true (strchr (dot, '{') < strstr (dot, "\"src\""));

  /* Braces outside quoted strings balance. */
  for (const char *p = dot; *p != '\0'; p++)
    {
      if (*p == '"')
        {
          for (p++; *p != '\0' && *p != '"'; p++)
            if (*p == '\\' && p[1] != '\0')
              p++;
          g_assert_cmpint (*p, ==, '"');
          continue;
        }
      if (*p == '{')
        n_open++;
      else if (*p == '}')
        n_close++;
    }
  g_assert_cmpuint (n_open, ==, 1);
  g_assert_cmpuint (n_close, ==, 1);

  for (guint i = 0; nodes[i] != NULL; i++)
    {
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", nodes[i]);

      g_assert_nonnull (strstr (dot, quoted));
    }

  for (guint i = 0; links[i] != NULL; i++)
    {
      g_autofree char *source = NULL;
      g_autofree char *target = NULL;
      g_autofree char *edge = NULL;

      g_assert_true (sl_graph_get_link_info (graph, links[i], &source, &target, NULL, NULL));
      *strchr (source, '.') = '\0';
      *strchr (target, '.') = '\0';
      edge = g_strdup_printf ("\"%s\" -> \"%s\"", source, target);
      g_assert_nonnull (strstr (dot, edge));
    }
}

/* Validation */

static void
test_validate (void)
{
  g_autoptr(SlGraph) graph = new_full_graph ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = graph_fingerprint (graph);

  g_assert_true (sl_graph_validate (graph, &error));
  g_assert_no_error (error);
  assert_unchanged (graph, before);

  /* The registry changed under the graph. */
  g_assert_true (sl_registry_unregister (sl_graph_get_registry (graph), TEST_FACTORY_TWO_IN));
  g_assert_false (sl_graph_validate (graph, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_FACTORY, TEST_FACTORY_TWO_IN);
  assert_unchanged (graph, before);
}

/* Bad input. Each case starts from the same non-empty graph:
 *
 *   src (video-source, level=10, label=cam) → f (video-filter) → sink (any-sink)
 *   asrc (audio-source)   mix (two-in)   g (video-filter)
 *
 * with f → sink at capacity 4, block.
 */

typedef struct
{
  SlGraph *graph;
  char    *before;
} Fixture;

static void
fixture_snapshot (Fixture *fixture)
{
  g_free (fixture->before);
  fixture->before = graph_fingerprint (fixture->graph);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->graph = new_graph ();
  add (fixture->graph, TEST_FACTORY_VIDEO_SOURCE, "src");
  add (fixture->graph, TEST_FACTORY_VIDEO_FILTER, "f");
  add (fixture->graph, TEST_FACTORY_ANY_SINK, "sink");
  add (fixture->graph, TEST_FACTORY_AUDIO_SOURCE, "asrc");
  add (fixture->graph, TEST_FACTORY_TWO_IN, "mix");
  add (fixture->graph, TEST_FACTORY_VIDEO_FILTER, "g");
  set (fixture->graph, "src", "level", "10");
  set (fixture->graph, "src", "label", "cam");
  add_link (fixture->graph, "src.out", "f.in");
  add_link (fixture->graph, "f.out", "sink.in");
  g_assert_true (sl_graph_configure_link (fixture->graph, "f.out->sink.in", 4, SL_OVERFLOW_BLOCK, &error));
  g_assert_no_error (error);

  fixture_snapshot (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  /* Whatever a test did, the graph must still be consistent. */
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_graph_validate (fixture->graph, &error));
  g_assert_no_error (error);

  g_clear_object (&fixture->graph);
  g_clear_pointer (&fixture->before, g_free);
}

static void
test_bad_unknown_factory (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_add_node (fixture->graph, "warp-drive", "x", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_FACTORY, "warp-drive");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  g_assert_null (sl_graph_add_node (fixture->graph, "warp-drive", NULL, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_FACTORY, "warp-drive");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_duplicate_node_id (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Same id, another factory: the existing node is untouched. */
  g_assert_null (sl_graph_add_node (fixture->graph, TEST_FACTORY_ANY_SINK, "f", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_DUPLICATE_ID, "f");
  assert_unchanged (fixture->graph, fixture->before);
  g_assert_cmpstr (sl_graph_get_node_factory (fixture->graph, "f"), ==, TEST_FACTORY_VIDEO_FILTER);
  g_clear_error (&error);

  /* Same id, same factory: the node keeps its properties. */
  g_assert_null (sl_graph_add_node (fixture->graph, TEST_FACTORY_VIDEO_SOURCE, "src", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_DUPLICATE_ID, "src");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_invalid_id_dot (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_add_node (fixture->graph, TEST_FACTORY_VIDEO_FILTER, "bad.id", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "bad.id");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_invalid_id_other (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *bad_ids[] = { "a->b", "a b", "tab\there", "q\"uote", "x=1", "bang!", "it's", "" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (sl_graph_add_node (fixture->graph, TEST_FACTORY_VIDEO_FILTER, bad_ids[i], &error));
      assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, bad_ids[i]);
      assert_unchanged (fixture->graph, fixture->before);
    }
}

static void
test_bad_link_unknown_source_node (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_link (fixture->graph, "ghost.out", "g.in", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE, "ghost");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  g_assert_null (sl_graph_link (fixture->graph, "ghost", "g", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE, "ghost");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_unknown_target_node (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_link (fixture->graph, "src.out", "ghost.in", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE, "ghost");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  g_assert_null (sl_graph_link (fixture->graph, "src", "ghost", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE, "ghost");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_unknown_source_port (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_link (fixture->graph, "src.nope", "g.in", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "nope");
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "src");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* An input named as the source: no output of that name. */
  g_assert_null (sl_graph_link (fixture->graph, "f.in", "g.in", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "in");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* An empty port name. */
  g_assert_null (sl_graph_link (fixture->graph, "src.", "g.in", &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT);
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_unknown_target_port (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_link (fixture->graph, "src.out", "g.nope", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "nope");
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "g");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* An output named as the target. */
  g_assert_null (sl_graph_link (fixture->graph, "src.out", "g.out", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "out");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_ambiguous_port (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* "mix" alone as a target: it has inputs "a" and "b". */
  g_assert_null (sl_graph_link (fixture->graph, "g", "mix", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "mix");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_node_without_port (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* "sink" alone as a source: it has no output at all. */
  g_assert_null (sl_graph_link (fixture->graph, "sink", "g", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "sink");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* "asrc" alone as a target: no input. */
  g_assert_null (sl_graph_link (fixture->graph, "g", "asrc", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "asrc");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_incompatible_caps (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_link (fixture->graph, "asrc", "g", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS, "asrc.out");
  assert_error_names (error, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS, "g.in");
  assert_error_names (error, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS, "audio/x-raw");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_cycle (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  add (fixture->graph, TEST_FACTORY_VIDEO_FILTER, "c1");
  add (fixture->graph, TEST_FACTORY_VIDEO_FILTER, "c2");
  add (fixture->graph, TEST_FACTORY_VIDEO_FILTER, "c3");
  add_link (fixture->graph, "c1", "c2");
  add_link (fixture->graph, "c2", "c3");
  fixture_snapshot (fixture);

  g_assert_null (sl_graph_link (fixture->graph, "c3", "c1", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_CYCLE, "c3");
  assert_error_names (error, SL_ERROR, SL_ERROR_CYCLE, "c1");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* Through a two-input node too: c3 → mix.a, then mix → c1 closes the loop
   * c1 → c2 → c3 → mix → c1. */
  add_link (fixture->graph, "c3", "mix.a");
  fixture_snapshot (fixture);
  g_assert_null (sl_graph_link (fixture->graph, "mix", "c1", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_CYCLE, "mix");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_self (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_link (fixture->graph, "g.out", "g.in", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_CYCLE, "g");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_duplicate (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_link (fixture->graph, "src.out", "f.in", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_DUPLICATE_ID, "src.out->f.in");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* The same link, named by nodes alone. */
  g_assert_null (sl_graph_link (fixture->graph, "src", "f", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_DUPLICATE_ID, "src.out->f.in");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_link_input_in_use (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sl_graph_link (fixture->graph, "g.out", "f.in", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_PORT_IN_USE, "f.in");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* The capacity and policy of the existing link are kept. */
  g_assert_null (sl_graph_link (fixture->graph, "g", "sink", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_PORT_IN_USE, "sink.in");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_property_unknown (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_false (sl_graph_set_node_property_from_string (fixture->graph, "src", "colour", "red", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "colour");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 1);
  g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "colour", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "colour");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* A property of another processor type. */
  g_assert_false (sl_graph_set_node_property_from_string (fixture->graph, "f", "level", "1", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "level");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_property_read_only (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_false (sl_graph_set_node_property_from_string (fixture->graph, "src", "frames", "1", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "frames");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  g_value_init (&value, G_TYPE_UINT64);
  g_value_set_uint64 (&value, 1);
  g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "frames", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "frames");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_property_id (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* "id" belongs to the graph, not to the processor's settings. */
  g_assert_false (sl_graph_set_node_property_from_string (fixture->graph, "src", "id", "other", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "id");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_property_unknown_node (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_false (sl_graph_set_node_property_from_string (fixture->graph, "ghost", "level", "1", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE, "ghost");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  g_value_init (&value, G_TYPE_INT);
  g_assert_false (sl_graph_set_node_property (fixture->graph, "ghost", "level", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE, "ghost");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_get_property (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_false (sl_graph_get_node_property (fixture->graph, "ghost", "level", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE, "ghost");
  g_assert_false (G_IS_VALUE (&value));
  g_clear_error (&error);

  g_assert_false (sl_graph_get_node_property (fixture->graph, "src", "colour", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "colour");
  g_assert_false (G_IS_VALUE (&value));
  g_clear_error (&error);

  /* "id" belongs to the graph. */
  g_assert_false (sl_graph_get_node_property (fixture->graph, "src", "id", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "id");
  g_assert_false (G_IS_VALUE (&value));
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_property_unparsable (Fixture       *fixture,
                              gconstpointer  data)
{
  const struct {
    const char *name;
    const char *text;
  } cases[] = {
    { "level", "abc" },
    { "level", "12abc" },
    { "level", "1e3" },
    { "level", "4294967306" },
    { "ratio", "fast" },
    { "mode", "sideways" },
    { "mode", "99" },
    { "enabled", "maybe" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s = “%s”", cases[i].name, cases[i].text);
      g_assert_false (sl_graph_set_node_property_from_string (fixture->graph, "src",
                                                              cases[i].name, cases[i].text, &error));
      assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, cases[i].text);
      assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, cases[i].name);
      assert_unchanged (fixture->graph, fixture->before);
    }
}

static void
test_bad_property_unparsable_empty (Fixture       *fixture,
                                    gconstpointer  data)
{
  const char *names[] = { "level", "ratio", "mode", "enabled" };

  /* Empty text is not a number, a boolean or an enum value. */
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s = “”", names[i]);
      g_assert_false (sl_graph_set_node_property_from_string (fixture->graph, "src", names[i], "", &error));
      assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, names[i]);
      assert_unchanged (fixture->graph, fixture->before);
    }
}

static void
test_bad_property_out_of_range (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_false (sl_graph_set_node_property_from_string (fixture->graph, "src", "level", "200", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "200");
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "level");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  g_assert_false (sl_graph_set_node_property_from_string (fixture->graph, "src", "level", "-1", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "level");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 200);
  g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "level", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "200");
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "level");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);
  g_value_unset (&value);

  g_value_init (&value, G_TYPE_DOUBLE);
  g_value_set_double (&value, 10.5);
  g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "ratio", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "ratio");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_property_out_of_range_int64 (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  /* 2^32 + 10 does not fit in an int at all: converting it must not wrap
   * around to 10, which is in range. */
  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, G_GINT64_CONSTANT (4294967306));
  g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "level", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "level");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* The same through JSON, whose integers are int64. */
  g_assert_false (sl_graph_load_from_data (fixture->graph,
                                          "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\","
                                          "  \"properties\": {\"level\": 4294967306}}]}", -1, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "level");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_property_out_of_range_enum (Fixture       *fixture,
                                     gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_auto(GValue) value = G_VALUE_INIT;

      /* An int is transformable to an enum, but 99 is no TestMode. */
      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, 99);
      g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "mode", &value, &error));
      assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "mode");
      assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "99");
      assert_unchanged (fixture->graph, fixture->before);
      g_clear_error (&error);
      g_value_unset (&value);

      /* An enum GValue holding a value outside the enumeration. */
      g_value_init (&value, TEST_TYPE_MODE);
      g_value_set_enum (&value, 99);
      g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "mode", &value, &error));
      assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "mode");
      assert_unchanged (fixture->graph, fixture->before);
      return;
    }

  /* In a subprocess, with its stderr shown: a critical is fatal. */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_bad_property_wrong_type (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = g_object_new (G_TYPE_OBJECT, NULL);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_OBJECT);
  g_value_set_object (&value, object);
  g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "level", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "level");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);
  g_value_unset (&value);

  /* A string GValue is not parsed: use the _from_string variant for that. */
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, "5");
  g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "level", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "level");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);
  g_value_unset (&value);

  /* A boxed value for an enum. */
  g_value_init (&value, G_TYPE_STRV);
  g_assert_false (sl_graph_set_node_property (fixture->graph, "src", "mode", &value, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "mode");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_configure_link_capacity (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_graph_configure_link (fixture->graph, "src.out->f.in", 0,
                                           SL_OVERFLOW_DROP_OLDEST, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "src.out->f.in");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* A valid capacity with an invalid policy changes nothing either. */
  g_assert_false (sl_graph_configure_link (fixture->graph, "f.out->sink.in", 2,
                                           (SlOverflowPolicy) 42, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "f.out->sink.in");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_configure_unknown_link (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_graph_configure_link (fixture->graph, "g.out->sink.in", 2,
                                           SL_OVERFLOW_BLOCK, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_LINK, "g.out->sink.in");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_unlink_unknown (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_graph_unlink (fixture->graph, "g.out->mix.a", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_LINK, "g.out->mix.a");
  assert_unchanged (fixture->graph, fixture->before);
  g_clear_error (&error);

  /* A link id must be given in full, not as endpoints. */
  g_assert_false (sl_graph_unlink (fixture->graph, "src", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_LINK, "src");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_remove_unknown_node (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_graph_remove_node (fixture->graph, "ghost", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE, "ghost");
  assert_unchanged (fixture->graph, fixture->before);
}

static void
assert_load_fails (Fixture    *fixture,
                   const char *json,
                   GQuark      domain,
                   int         code,
                   const char *name)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("loading: %s", json);
  g_assert_false (sl_graph_load_from_data (fixture->graph, json, -1, &error));
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  assert_error_names (error, domain, code, name);
  assert_unchanged (fixture->graph, fixture->before);
}

static void
test_bad_json_syntax (Fixture       *fixture,
                      gconstpointer  data)
{
  assert_load_fails (fixture, "{\"nodes\": [ {\"factory\": \"any-sink\" ", SL_ERROR, SL_ERROR_PARSE, "");
  assert_load_fails (fixture, "", SL_ERROR, SL_ERROR_PARSE, "");
  assert_load_fails (fixture, "nodes = []", SL_ERROR, SL_ERROR_PARSE, "");
}

static void
test_bad_json_root_array (Fixture       *fixture,
                          gconstpointer  data)
{
  assert_load_fails (fixture, "[{\"id\": \"a\", \"factory\": \"any-sink\"}]",
                     SL_ERROR, SL_ERROR_PARSE, "object");
  assert_load_fails (fixture, "42", SL_ERROR, SL_ERROR_PARSE, "object");
}

static void
test_bad_json_member_kinds (Fixture       *fixture,
                            gconstpointer  data)
{
  assert_load_fails (fixture, "{\"nodes\": {}}", SL_ERROR, SL_ERROR_PARSE, "nodes");
  assert_load_fails (fixture, "{\"nodes\": [], \"links\": 3}", SL_ERROR, SL_ERROR_PARSE, "links");
  assert_load_fails (fixture, "{\"nodes\": [42]}", SL_ERROR, SL_ERROR_PARSE, "node 0");
  assert_load_fails (fixture, "{\"nodes\": [{\"id\": 7, \"factory\": \"any-sink\"}]}",
                     SL_ERROR, SL_ERROR_PARSE, "id");
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"any-sink\", \"properties\": []}]}",
                     SL_ERROR, SL_ERROR_PARSE, "properties");
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\"},"
                     "             {\"id\": \"b\", \"factory\": \"any-sink\"}],"
                     " \"links\": [{\"from\": \"a\"}]}",
                     SL_ERROR, SL_ERROR_PARSE, "to");
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\"},"
                     "             {\"id\": \"b\", \"factory\": \"any-sink\"}],"
                     " \"links\": [{\"from\": \"a\", \"to\": \"b\", \"capacity\": \"8\"}]}",
                     SL_ERROR, SL_ERROR_PARSE, "capacity");
}

static void
test_bad_json_missing_factory (Fixture       *fixture,
                               gconstpointer  data)
{
  assert_load_fails (fixture, "{\"nodes\": [{\"id\": \"a\"}]}", SL_ERROR, SL_ERROR_PARSE, "factory");
  assert_load_fails (fixture, "{\"nodes\": [{\"id\": \"a\", \"factory\": null}]}",
                     SL_ERROR, SL_ERROR_PARSE, "factory");
}

static void
test_bad_json_unknown_factory (Fixture       *fixture,
                               gconstpointer  data)
{
  /* The first node is fine: nothing of the document may be applied. */
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"new\", \"factory\": \"any-sink\"},"
                     "             {\"id\": \"w\", \"factory\": \"warp-drive\"}]}",
                     SL_ERROR, SL_ERROR_UNKNOWN_FACTORY, "warp-drive");
  g_assert_false (sl_graph_has_node (fixture->graph, "new"));
}

static void
test_bad_json_duplicate_id (Fixture       *fixture,
                            gconstpointer  data)
{
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"twin\", \"factory\": \"any-sink\"},"
                     "             {\"id\": \"twin\", \"factory\": \"any-sink\"}]}",
                     SL_ERROR, SL_ERROR_DUPLICATE_ID, "twin");
}

static void
test_bad_json_overflow_policy (Fixture       *fixture,
                               gconstpointer  data)
{
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\"},"
                     "             {\"id\": \"b\", \"factory\": \"any-sink\"}],"
                     " \"links\": [{\"from\": \"a.out\", \"to\": \"b.in\", \"overflow\": \"sideways\"}]}",
                     SL_ERROR, SL_ERROR_PARSE, "sideways");
}

static void
test_bad_json_capacity (Fixture       *fixture,
                        gconstpointer  data)
{
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\"},"
                     "             {\"id\": \"b\", \"factory\": \"any-sink\"}],"
                     " \"links\": [{\"from\": \"a.out\", \"to\": \"b.in\", \"capacity\": 0}]}",
                     SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "capacity");
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\"},"
                     "             {\"id\": \"b\", \"factory\": \"any-sink\"}],"
                     " \"links\": [{\"from\": \"a.out\", \"to\": \"b.in\", \"capacity\": -3}]}",
                     SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "-3");
}

static void
test_bad_json_cycle (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-filter\"},"
                     "             {\"id\": \"b\", \"factory\": \"video-filter\"},"
                     "             {\"id\": \"c\", \"factory\": \"video-filter\"}],"
                     " \"links\": [{\"from\": \"a\", \"to\": \"b\"},"
                     "             {\"from\": \"b\", \"to\": \"c\"},"
                     "             {\"from\": \"c\", \"to\": \"a\"}]}",
                     SL_ERROR, SL_ERROR_CYCLE, "c");
}

static void
test_bad_json_link_errors (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *nodes =
    "{\"nodes\": [{\"id\": \"a\", \"factory\": \"audio-source\"},"
    "             {\"id\": \"v\", \"factory\": \"video-filter\"}],";
  g_autofree char *unknown_port = g_strconcat (nodes, " \"links\": [{\"from\": \"a.sound\", \"to\": \"v\"}]}", NULL);
  g_autofree char *unknown_node = g_strconcat (nodes, " \"links\": [{\"from\": \"ghost\", \"to\": \"v\"}]}", NULL);
  g_autofree char *caps = g_strconcat (nodes, " \"links\": [{\"from\": \"a\", \"to\": \"v\"}]}", NULL);

  assert_load_fails (fixture, unknown_port, SL_ERROR, SL_ERROR_UNKNOWN_PORT, "sound");
  assert_load_fails (fixture, unknown_node, SL_ERROR, SL_ERROR_UNKNOWN_NODE, "ghost");
  assert_load_fails (fixture, caps, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS, "a.out");
}

static void
test_bad_json_property (Fixture       *fixture,
                        gconstpointer  data)
{
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\","
                     "              \"properties\": {\"level\": 200}}]}",
                     SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "level");
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\","
                     "              \"properties\": {\"level\": \"abc\"}}]}",
                     SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "abc");
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\","
                     "              \"properties\": {\"level\": {\"value\": 1}}}]}",
                     SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE, "level");
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\","
                     "              \"properties\": {\"colour\": \"red\"}}]}",
                     SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "colour");
  assert_load_fails (fixture,
                     "{\"nodes\": [{\"id\": \"a\", \"factory\": \"video-source\","
                     "              \"properties\": {\"frames\": 3}}]}",
                     SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY, "frames");
}

static void
test_bad_load_from_file_missing (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_graph_load_from_file (fixture->graph, "/nonexistent-dir/sl-graph.json", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  assert_unchanged (fixture->graph, fixture->before);
}

#define add_bad(path, func) \
  g_test_add ("/graph/bad/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/graph/add-node/auto-id", test_add_node_auto_id);
  g_test_add_func ("/graph/add-node/explicit-id", test_add_node_explicit_id);
  g_test_add_func ("/graph/remove-node", test_remove_node);
  g_test_add_func ("/graph/remove-node/graph-owned-id", test_remove_node_with_graph_owned_id);
  g_test_add_func ("/graph/list-order", test_list_order);
  g_test_add_func ("/graph/empty", test_empty_graph);
  g_test_add_func ("/graph/link/by-port", test_link_by_port);
  g_test_add_func ("/graph/link/by-node-alone", test_link_by_node_alone);
  g_test_add_func ("/graph/link/fan-out", test_link_fan_out);
  g_test_add_func ("/graph/link/any-caps", test_link_any_caps);
  g_test_add_func ("/graph/unlink", test_unlink);
  g_test_add_func ("/graph/unlink/graph-owned-id", test_unlink_with_graph_owned_id);
  g_test_add_func ("/graph/configure-link", test_configure_link);
  g_test_add_func ("/graph/property/set-transformable", test_property_set_transformable);
  g_test_add_func ("/graph/property/set-from-string", test_property_set_from_string);
  g_test_add_func ("/graph/property/get-and-list", test_property_get_and_list);
  g_test_add_func ("/graph/checksum", test_checksum);
  g_test_add_func ("/graph/checksum/separates-fields", test_checksum_separates_fields);
  g_test_add_func ("/graph/topological/chain", test_topological_chain);
  g_test_add_func ("/graph/topological/diamond", test_topological_diamond);
  g_test_add_func ("/graph/topological/stable", test_topological_stable);
  g_test_add_func ("/graph/sources-and-sinks", test_sources_and_sinks);
  g_test_add_func ("/graph/copy", test_copy_independent);
  g_test_add_func ("/graph/json/round-trip", test_json_round_trip);
  g_test_add_func ("/graph/json/handwritten", test_json_handwritten);
  g_test_add_func ("/graph/json/load-replaces", test_json_load_replaces);
  g_test_add_func ("/graph/json/length", test_json_length);
  g_test_add_func ("/graph/json/load-from-file", test_load_from_file);
  g_test_add_func ("/graph/json/load-from-missing-file", test_load_from_missing_file);
  g_test_add_func ("/graph/json/load-from-file-bad-contents", test_load_from_file_bad_contents);
  g_test_add_func ("/graph/dot", test_dot);
  g_test_add_func ("/graph/validate", test_validate);

  add_bad ("unknown-factory", test_bad_unknown_factory);
  add_bad ("duplicate-node-id", test_bad_duplicate_node_id);
  add_bad ("invalid-id-dot", test_bad_invalid_id_dot);
  add_bad ("invalid-id-other", test_bad_invalid_id_other);
  add_bad ("link/unknown-source-node", test_bad_link_unknown_source_node);
  add_bad ("link/unknown-target-node", test_bad_link_unknown_target_node);
  add_bad ("link/unknown-source-port", test_bad_link_unknown_source_port);
  add_bad ("link/unknown-target-port", test_bad_link_unknown_target_port);
  add_bad ("link/ambiguous-port", test_bad_link_ambiguous_port);
  add_bad ("link/node-without-port", test_bad_link_node_without_port);
  add_bad ("link/incompatible-caps", test_bad_link_incompatible_caps);
  add_bad ("link/cycle", test_bad_link_cycle);
  add_bad ("link/self", test_bad_link_self);
  add_bad ("link/duplicate", test_bad_link_duplicate);
  add_bad ("link/input-in-use", test_bad_link_input_in_use);
  add_bad ("property/unknown", test_bad_property_unknown);
  add_bad ("property/read-only", test_bad_property_read_only);
  add_bad ("property/id", test_bad_property_id);
  add_bad ("property/unknown-node", test_bad_property_unknown_node);
  add_bad ("property/get", test_bad_get_property);
  add_bad ("property/unparsable", test_bad_property_unparsable);
  add_bad ("property/unparsable-empty", test_bad_property_unparsable_empty);
  add_bad ("property/out-of-range", test_bad_property_out_of_range);
  add_bad ("property/out-of-range-int64", test_bad_property_out_of_range_int64);
  add_bad ("property/out-of-range-enum", test_bad_property_out_of_range_enum);
  add_bad ("property/wrong-type", test_bad_property_wrong_type);
  add_bad ("configure-link/capacity", test_bad_configure_link_capacity);
  add_bad ("configure-link/unknown-link", test_bad_configure_unknown_link);
  add_bad ("unlink/unknown-link", test_bad_unlink_unknown);
  add_bad ("remove-node/unknown-node", test_bad_remove_unknown_node);
  add_bad ("json/syntax", test_bad_json_syntax);
  add_bad ("json/root-array", test_bad_json_root_array);
  add_bad ("json/member-kinds", test_bad_json_member_kinds);
  add_bad ("json/missing-factory", test_bad_json_missing_factory);
  add_bad ("json/unknown-factory", test_bad_json_unknown_factory);
  add_bad ("json/duplicate-id", test_bad_json_duplicate_id);
  add_bad ("json/overflow-policy", test_bad_json_overflow_policy);
  add_bad ("json/capacity", test_bad_json_capacity);
  add_bad ("json/cycle", test_bad_json_cycle);
  add_bad ("json/link-errors", test_bad_json_link_errors);
  add_bad ("json/property", test_bad_json_property);
  add_bad ("load-from-file/missing", test_bad_load_from_file_missing);

  return g_test_run ();
}
