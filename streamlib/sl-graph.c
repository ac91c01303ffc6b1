/* sl-graph.c: the desired state: nodes and links
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "sl-enum-types.h"
#include "sl-error.h"
#include "sl-graph-private.h"
#include "sl-library-private.h"
#include "sl-param-spec-private.h"
#include "sl-processor.h"

/**
 * SlGraph:
 *
 * A processing graph as data: the *desired state* a runtime reconciles its
 * running processors to.
 *
 * A graph holds nodes — an id, the factory to instantiate and property
 * values — and links from an output port `"node.port"` to an input port.
 * Every edit is checked against the registry at once: an unknown factory,
 * port or property, a value that does not fit its property, caps that cannot
 * intersect, a link that would close a cycle or a duplicate id are refused
 * with an error in %SL_ERROR that names the offending thing, and a refused
 * edit leaves the graph exactly as it was.
 *
 * An endpoint may name a node alone (`"src"`) when that node has exactly
 * one port in the needed direction. A link's id is
 * `"source.port->target.port"`; since an input port takes a single link, the
 * target identifies it too.
 *
 * Graphs serialise to JSON ([method@Streamlib.Graph.to_json],
 * [method@Streamlib.Graph.load_from_data]) and export to Graphviz DOT.
 *
 * Threading: a graph is not locked: use it from one thread at a time. A
 * runtime's graph is reached through the runtime's own methods.
 *
 * Since: 1.0
 */

struct _SlGraph
{
  GObject     parent_instance;

  SlRegistry *registry;
  GHashTable *nodes;        /* id → SlGraphNode* (owned by node_order) */
  GPtrArray  *node_order;
  GHashTable *links;        /* id → SlGraphLink* (owned by link_order) */
  GPtrArray  *link_order;
};

G_DEFINE_FINAL_TYPE (SlGraph, sl_graph, G_TYPE_OBJECT)


static void
value_free (gpointer data)
{
  GValue *value = data;

  g_value_unset (value);
  g_free (value);
}

static GValue *
value_dup (const GValue *src)
{
  GValue *value = g_new0 (GValue, 1);

  g_value_init (value, G_VALUE_TYPE (src));
  g_value_copy (src, value);
  return value;
}

static void
sl_graph_node_free (gpointer data)
{
  SlGraphNode *node = data;

  g_free (node->id);
  g_free (node->factory);
  g_hash_table_unref (node->properties);
  g_free (node);
}

static SlGraphNode *
sl_graph_node_new (const char *id,
                   const char *factory,
                   GType       type)
{
  SlGraphNode *node = g_new0 (SlGraphNode, 1);

  node->id = g_strdup (id);
  node->factory = g_strdup (factory);
  node->type = type;
  node->properties = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, value_free);
  return node;
}

static void
sl_graph_link_free (gpointer data)
{
  SlGraphLink *link = data;

  g_free (link->id);
  g_free (link->source_node);
  g_free (link->source_port);
  g_free (link->target_node);
  g_free (link->target_port);
  g_free (link);
}

static void
sl_graph_finalize (GObject *object)
{
  SlGraph *self = SL_GRAPH (object);

  g_clear_pointer (&self->links, g_hash_table_unref);
  g_clear_pointer (&self->link_order, g_ptr_array_unref);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->node_order, g_ptr_array_unref);
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (sl_graph_parent_class)->finalize (object);
}

static void
sl_graph_class_init (SlGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sl_graph_finalize;

  _sl_library_init ();
}

static void
sl_graph_init (SlGraph *self)
{
  self->nodes = g_hash_table_new (g_str_hash, g_str_equal);
  self->node_order = g_ptr_array_new_with_free_func (sl_graph_node_free);
  self->links = g_hash_table_new (g_str_hash, g_str_equal);
  self->link_order = g_ptr_array_new_with_free_func (sl_graph_link_free);
}

/**
 * sl_graph_new:
 * @registry: the registry that resolves factory names
 *
 * Creates an empty graph.
 *
 * Any thread may call this.
 *
 * Returns: (transfer full): a new graph
 *
 * Since: 1.0
 */
SlGraph *
sl_graph_new (SlRegistry *registry)
{
  SlGraph *self;

  g_return_val_if_fail (SL_IS_REGISTRY (registry), NULL);

  self = g_object_new (SL_TYPE_GRAPH, NULL);
  self->registry = g_object_ref (registry);
  return self;
}

/**
 * sl_graph_get_registry:
 * @self: a graph
 *
 * Gets the registry that resolves the graph's factory names.
 *
 * Returns: (transfer none): the registry
 *
 * Since: 1.0
 */
SlRegistry *
sl_graph_get_registry (SlGraph *self)
{
  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);

  return self->registry;
}

static void
sl_graph_copy_into (SlGraph *src,
                    SlGraph *dest)
{
  for (guint i = 0; i < src->node_order->len; i++)
    {
      SlGraphNode *node = g_ptr_array_index (src->node_order, i);
      SlGraphNode *copy = sl_graph_node_new (node->id, node->factory, node->type);
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, node->properties);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (copy->properties, g_strdup (key), value_dup (value));

      g_ptr_array_add (dest->node_order, copy);
      g_hash_table_insert (dest->nodes, copy->id, copy);
    }

  for (guint i = 0; i < src->link_order->len; i++)
    {
      SlGraphLink *link = g_ptr_array_index (src->link_order, i);
      SlGraphLink *copy = g_new0 (SlGraphLink, 1);

      copy->id = g_strdup (link->id);
      copy->source_node = g_strdup (link->source_node);
      copy->source_port = g_strdup (link->source_port);
      copy->target_node = g_strdup (link->target_node);
      copy->target_port = g_strdup (link->target_port);
      copy->capacity = link->capacity;
      copy->policy = link->policy;

      g_ptr_array_add (dest->link_order, copy);
      g_hash_table_insert (dest->links, copy->id, copy);
    }
}

/**
 * sl_graph_copy:
 * @self: a graph
 *
 * Makes an independent copy of @self, sharing its registry.
 *
 * Returns: (transfer full): the copy
 *
 * Since: 1.0
 */
SlGraph *
sl_graph_copy (SlGraph *self)
{
  SlGraph *copy;

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);

  copy = sl_graph_new (self->registry);
  sl_graph_copy_into (self, copy);
  return copy;
}

static gboolean
sl_graph_check_id (const char  *id,
                   GError     **error)
{
  if (*id == '\0' || strchr (id, '.') != NULL || strstr (id, "->") != NULL ||
      strpbrk (id, " \t\n\r!=\"'") != NULL || !g_utf8_validate (id, -1, NULL))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid node id: use letters, digits, “-” and “_”"), id);
      return FALSE;
    }

  return TRUE;
}

static SlGraphNode *
sl_graph_get_node_or_error (SlGraph     *self,
                            const char  *id,
                            GError     **error)
{
  SlGraphNode *node = g_hash_table_lookup (self->nodes, id);

  if (node == NULL)
    g_set_error (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE,
                 _("The graph has no node “%s”"), id);

  return node;
}

/**
 * sl_graph_add_node:
 * @self: a graph
 * @factory: the factory name of the processor to run
 * @id: (nullable): the node's id, or %NULL to pick one from the factory
 *   name (`"passthrough0"`, `"passthrough1"`, …)
 * @error: return location for a #GError
 *
 * Adds a node. Fails with %SL_ERROR_UNKNOWN_FACTORY if the registry has no
 * such factory, %SL_ERROR_DUPLICATE_ID if @id is taken and
 * %SL_ERROR_INVALID_ARGUMENT if @id contains a dot, `->`, quotes, `!`, `=`
 * or white space.
 *
 * Returns: (transfer none) (nullable): the node's id, owned by the graph and
 *   valid until the node is removed, or %NULL on error
 *
 * Since: 1.0
 */
const char *
sl_graph_add_node (SlGraph     *self,
                   const char  *factory,
                   const char  *id,
                   GError     **error)
{
  g_autofree char *auto_id = NULL;
  SlGraphNode *node;
  GType type;

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);
  g_return_val_if_fail (factory != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  type = sl_registry_lookup (self->registry, factory);
  if (type == G_TYPE_INVALID)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_UNKNOWN_FACTORY,
                   _("No processor factory named “%s”"), factory);
      return NULL;
    }

  if (id == NULL)
    {
      for (guint n = 0; auto_id == NULL || g_hash_table_contains (self->nodes, auto_id); n++)
        {
          g_free (auto_id);
          auto_id = g_strdup_printf ("%s%u", factory, n);
        }
      id = auto_id;
    }

  if (!sl_graph_check_id (id, error))
    return NULL;

  if (g_hash_table_contains (self->nodes, id))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_DUPLICATE_ID,
                   _("The graph already has a node “%s”"), id);
      return NULL;
    }

  node = sl_graph_node_new (id, factory, type);
  g_ptr_array_add (self->node_order, node);
  g_hash_table_insert (self->nodes, node->id, node);

  return node->id;
}

static void
sl_graph_remove_link_internal (SlGraph     *self,
                               SlGraphLink *link)
{
  g_hash_table_remove (self->links, link->id);
  g_ptr_array_remove (self->link_order, link);
}

/**
 * sl_graph_remove_node:
 * @self: a graph
 * @id: a node id
 * @error: return location for a #GError
 *
 * Removes a node and every link to or from it.
 *
 * Returns: %TRUE on success; %FALSE with %SL_ERROR_UNKNOWN_NODE if there is
 *   no such node
 *
 * Since: 1.0
 */
gboolean
sl_graph_remove_node (SlGraph     *self,
                      const char  *id,
                      GError     **error)
{
  SlGraphNode *node;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  node = sl_graph_get_node_or_error (self, id, error);
  if (node == NULL)
    return FALSE;

  for (guint i = self->link_order->len; i > 0; i--)
    {
      SlGraphLink *link = g_ptr_array_index (self->link_order, i - 1);

      if (g_str_equal (link->source_node, id) || g_str_equal (link->target_node, id))
        sl_graph_remove_link_internal (self, link);
    }

  g_hash_table_remove (self->nodes, id);
  g_ptr_array_remove (self->node_order, node);
  return TRUE;
}

/**
 * sl_graph_has_node:
 * @self: a graph
 * @id: a node id
 *
 * Returns: %TRUE if the graph has a node @id
 *
 * Since: 1.0
 */
gboolean
sl_graph_has_node (SlGraph    *self,
                   const char *id)
{
  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  return g_hash_table_contains (self->nodes, id);
}

/**
 * sl_graph_get_node_factory:
 * @self: a graph
 * @id: a node id
 *
 * Returns: (nullable): the factory name of node @id, or %NULL if there is no
 *   such node
 *
 * Since: 1.0
 */
const char *
sl_graph_get_node_factory (SlGraph    *self,
                           const char *id)
{
  SlGraphNode *node;

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  node = g_hash_table_lookup (self->nodes, id);
  return node != NULL ? node->factory : NULL;
}

/**
 * sl_graph_list_nodes:
 * @self: a graph
 *
 * Lists the node ids in the order the nodes were added.
 *
 * Returns: (transfer full) (array zero-terminated=1): the ids
 *
 * Since: 1.0
 */
char **
sl_graph_list_nodes (SlGraph *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);

  for (guint i = 0; i < self->node_order->len; i++)
    g_strv_builder_add (builder, ((SlGraphNode *) g_ptr_array_index (self->node_order, i))->id);

  return g_strv_builder_end (builder);
}

static GParamSpec *
sl_graph_find_writable_property (SlGraphNode  *node,
                                 const char   *name,
                                 GError      **error)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (node->type);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), name);

  /* "id" belongs to the graph, not to the processor's settings. */
  if (pspec == NULL || !(pspec->flags & G_PARAM_WRITABLE) || g_str_equal (pspec->name, "id"))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY,
                   _("Processor “%s” (%s) has no writable property “%s”"),
                   node->id, node->factory, name);
      return NULL;
    }

  return pspec;
}

static gboolean
sl_is_blank (const char *text)
{
  /* GStreamer reads "" as 0 or the first enum value: refuse it instead. */
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;

  return TRUE;
}

static gboolean
sl_value_is_number (const GValue *value)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_CHAR: case G_TYPE_UCHAR: case G_TYPE_INT: case G_TYPE_UINT:
    case G_TYPE_LONG: case G_TYPE_ULONG: case G_TYPE_INT64: case G_TYPE_UINT64:
    case G_TYPE_FLOAT: case G_TYPE_DOUBLE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* GLib's numeric transforms are C casts: int64 4294967306 becomes int 10.
 * A number that does not come back the same did not fit. */
static gboolean
sl_value_conversion_lost (const GValue *original,
                          const GValue *converted)
{
  g_auto(GValue) before = G_VALUE_INIT;
  g_auto(GValue) after = G_VALUE_INIT;

  if (!sl_value_is_number (original) || !sl_value_is_number (converted))
    return FALSE;

  g_value_init (&before, G_TYPE_DOUBLE);
  g_value_init (&after, G_TYPE_DOUBLE);
  g_value_transform (original, &before);
  g_value_transform (converted, &after);

  /* Narrowing a double to a float rounds: that is not a loss of range. */
  if (G_VALUE_HOLDS_FLOAT (converted))
    return (float) g_value_get_double (&before) != (float) g_value_get_double (&after);

  return g_value_get_double (&before) != g_value_get_double (&after);
}

static gboolean
sl_graph_store_property (SlGraphNode   *node,
                         GParamSpec    *pspec,
                         GValue        *value,
                         const char    *text,
                         GError       **error)
{
  g_auto(GValue) checked = G_VALUE_INIT;

  g_value_init (&checked, pspec->value_type);
  g_value_copy (value, &checked);
  if (g_param_value_validate (pspec, &checked))
    {
      /* Not gst_value_serialize(): it asserts on an enum value out of range. */
      g_autofree char *shown = text != NULL ? g_strdup (text) : g_strdup_value_contents (value);
      g_autoptr(GError) reason = NULL;

      /* A checked string says what is wrong with the value. */
      if (G_VALUE_HOLDS_STRING (value) &&
          !sl_param_spec_run_check (pspec, g_value_get_string (value), &reason))
        {
          g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                       _("Value “%s” is not valid for property “%s” of “%s”: %s"),
                       shown != NULL ? shown : "?", pspec->name, node->id, reason->message);
          return FALSE;
        }

      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   _("Value “%s” is not valid for property “%s” of “%s” (out of range or refused by the processor)"),
                   shown != NULL ? shown : "?", pspec->name, node->id);
      return FALSE;
    }

  g_hash_table_insert (node->properties, g_strdup (pspec->name), value_dup (&checked));
  return TRUE;
}

/**
 * sl_graph_set_node_property:
 * @self: a graph
 * @id: a node id
 * @name: a property of the node's processor
 * @value: the value; converted to the property's type if GLib can transform it
 * @error: return location for a #GError
 *
 * Sets the value a node's property will have. Fails with
 * %SL_ERROR_UNKNOWN_NODE, %SL_ERROR_UNKNOWN_PROPERTY, or
 * %SL_ERROR_INVALID_PROPERTY_VALUE if the value cannot be converted or is
 * outside the property's range.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_graph_set_node_property (SlGraph       *self,
                            const char    *id,
                            const char    *name,
                            const GValue  *value,
                            GError       **error)
{
  g_auto(GValue) converted = G_VALUE_INIT;
  SlGraphNode *node;
  GParamSpec *pspec;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  node = sl_graph_get_node_or_error (self, id, error);
  if (node == NULL)
    return FALSE;

  pspec = sl_graph_find_writable_property (node, name, error);
  if (pspec == NULL)
    return FALSE;

  g_value_init (&converted, pspec->value_type);
  if (!g_value_type_transformable (G_VALUE_TYPE (value), pspec->value_type) ||
      !g_value_transform (value, &converted))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   _("Property “%s” of “%s” takes a %s, not a %s"),
                   pspec->name, id, g_type_name (pspec->value_type),
                   g_type_name (G_VALUE_TYPE (value)));
      return FALSE;
    }

  if (sl_value_conversion_lost (value, &converted))
    {
      g_autofree char *shown = g_strdup_value_contents (value);

      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   _("Value “%s” is not valid for property “%s” of “%s” (out of range or refused by the processor)"),
                   shown, pspec->name, id);
      return FALSE;
    }

  return sl_graph_store_property (node, pspec, &converted, NULL, error);
}

/**
 * sl_graph_set_node_property_from_string:
 * @self: a graph
 * @id: a node id
 * @name: a property of the node's processor
 * @value: the value as text, parsed as GStreamer parses property values
 *   (`"true"`, `"42"`, `"0.5"`, an enum nick such as `"ball"`, caps…); a
 *   list of strings (`G_TYPE_STRV`) is written comma-separated
 *   (`"stun:a.example:3478, stun:b.example"`, `""` for none)
 * @error: return location for a #GError
 *
 * Like [method@Streamlib.Graph.set_node_property], from text.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
/* "a, b,c" → { "a", "b", "c" }; "" → { }. Empty items are dropped. */
static char **
sl_split_string_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

gboolean
sl_graph_set_node_property_from_string (SlGraph     *self,
                                        const char  *id,
                                        const char  *name,
                                        const char  *value,
                                        GError     **error)
{
  g_auto(GValue) parsed = G_VALUE_INIT;
  SlGraphNode *node;
  GParamSpec *pspec;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  node = sl_graph_get_node_or_error (self, id, error);
  if (node == NULL)
    return FALSE;

  pspec = sl_graph_find_writable_property (node, name, error);
  if (pspec == NULL)
    return FALSE;

  g_value_init (&parsed, pspec->value_type);
  if (pspec->value_type == G_TYPE_STRING)
    g_value_set_string (&parsed, value);
  else if (pspec->value_type == G_TYPE_STRV)
    g_value_take_boxed (&parsed, sl_split_string_list (value));
  else if (sl_is_blank (value) || !gst_value_deserialize (&parsed, value))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   _("Cannot parse “%s” as a %s for property “%s” of “%s”"),
                   value, g_type_name (pspec->value_type), pspec->name, id);
      return FALSE;
    }

  return sl_graph_store_property (node, pspec, &parsed, value, error);
}

/**
 * sl_graph_get_node_property:
 * @self: a graph
 * @id: a node id
 * @name: a property of the node's processor
 * @value: (out caller-allocates): an uninitialised #GValue to fill
 * @error: return location for a #GError
 *
 * Gets the value a node's property will have: the value set on the node,
 * or the processor's default when none was set (see
 * [method@Streamlib.Graph.list_node_properties] for the ones set).
 *
 * Returns: %TRUE if @value was set; %FALSE with %SL_ERROR_UNKNOWN_NODE or
 *   %SL_ERROR_UNKNOWN_PROPERTY
 *
 * Since: 1.0
 */
gboolean
sl_graph_get_node_property (SlGraph     *self,
                            const char  *id,
                            const char  *name,
                            GValue      *value,
                            GError     **error)
{
  g_autoptr(GTypeClass) klass = NULL;
  SlGraphNode *node;
  GParamSpec *pspec;
  GValue *stored;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  node = sl_graph_get_node_or_error (self, id, error);
  if (node == NULL)
    return FALSE;

  klass = g_type_class_ref (node->type);
  pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), name);
  if (pspec == NULL || g_str_equal (pspec->name, "id"))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_UNKNOWN_PROPERTY,
                   _("Processor “%s” (%s) has no property “%s”"), id, node->factory, name);
      return FALSE;
    }

  g_value_init (value, pspec->value_type);
  stored = g_hash_table_lookup (node->properties, pspec->name);
  if (stored != NULL)
    g_value_copy (stored, value);
  else
    g_param_value_set_default (pspec, value);

  return TRUE;
}

static char **
sl_graph_sorted_property_names (SlGraphNode *node)
{
  g_autofree const char **keys = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n_keys;

  keys = (const char **) g_hash_table_get_keys_as_array (node->properties, &n_keys);
  g_qsort_with_data (keys, n_keys, sizeof (char *), sl_compare_strings, NULL);
  for (guint i = 0; i < n_keys; i++)
    g_strv_builder_add (builder, keys[i]);

  return g_strv_builder_end (builder);
}

/**
 * sl_graph_list_node_properties:
 * @self: a graph
 * @id: a node id
 *
 * Lists the properties set on a node, sorted by name.
 *
 * Returns: (transfer full) (array zero-terminated=1) (nullable): the names,
 *   or %NULL if there is no such node
 *
 * Since: 1.0
 */
char **
sl_graph_list_node_properties (SlGraph    *self,
                               const char *id)
{
  SlGraphNode *node;

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  node = g_hash_table_lookup (self->nodes, id);
  return node != NULL ? sl_graph_sorted_property_names (node) : NULL;
}

static char *
sl_value_to_string (const GValue *value)
{
  if (G_VALUE_HOLDS_STRING (value))
    return g_value_dup_string (value);
  /* GStreamer 1.22 cannot (de)serialise a string list: comma-separated. */
  if (G_VALUE_HOLDS (value, G_TYPE_STRV))
    {
      const char * const *strings = g_value_get_boxed (value);

      return strings != NULL ? g_strjoinv (",", (char **) strings) : g_strdup ("");
    }

  return gst_value_serialize (value);
}

/**
 * sl_graph_get_node_checksum:
 * @self: a graph
 * @id: a node id
 *
 * Computes a SHA-256 checksum of a node's spec: its factory and the
 * properties set on it. Two nodes with the same checksum run the same
 * processor with the same settings; a runtime uses it to tell what changed.
 *
 * Returns: (transfer full) (nullable): the checksum as hexadecimal text, or
 *   %NULL if there is no such node
 *
 * Since: 1.0
 */
char *
sl_graph_get_node_checksum (SlGraph    *self,
                            const char *id)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_auto(GStrv) names = NULL;
  SlGraphNode *node;

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  node = g_hash_table_lookup (self->nodes, id);
  if (node == NULL)
    return NULL;

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) node->factory, -1);
  names = sl_graph_sorted_property_names (node);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *text = sl_value_to_string (g_hash_table_lookup (node->properties, names[i]));

      /* NUL separators keep "ab"+"c" apart from "a"+"bc". */
      g_checksum_update (checksum, (const guchar *) "", 1);
      g_checksum_update (checksum, (const guchar *) names[i], -1);
      g_checksum_update (checksum, (const guchar *) "", 1);
      g_checksum_update (checksum, (const guchar *) (text != NULL ? text : ""), -1);
    }

  return g_strdup (g_checksum_get_string (checksum));
}

/* Resolves "node.port" or "node" (its only port in @direction). */
static gboolean
sl_graph_resolve_endpoint (SlGraph          *self,
                           const char       *endpoint,
                           SlPortDirection   direction,
                           SlGraphNode     **node_out,
                           char            **port_out,
                           GstCaps         **caps_out,
                           GError          **error)
{
  g_autofree char *node_id = NULL;
  g_autofree char *port = NULL;
  g_autoptr(GTypeClass) klass = NULL;
  const char *dot = strchr (endpoint, '.');
  const char *kind = direction == SL_PORT_INPUT ? _("input") : _("output");
  SlGraphNode *node;
  GstCaps *caps;

  node_id = dot != NULL ? g_strndup (endpoint, dot - endpoint) : g_strdup (endpoint);
  node = sl_graph_get_node_or_error (self, node_id, error);
  if (node == NULL)
    return FALSE;

  klass = g_type_class_ref (node->type);
  if (dot != NULL)
    port = g_strdup (dot + 1);
  else
    {
      g_auto(GStrv) ports = sl_processor_class_list_ports (SL_PROCESSOR_CLASS (klass), direction);

      if (g_strv_length (ports) != 1)
        {
          g_autofree char *names = g_strjoinv (", ", ports);

          g_set_error (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT,
                       _("“%s” has %u %s ports (%s): name one as “%s.PORT”"),
                       node_id, g_strv_length (ports), kind, names, node_id);
          return FALSE;
        }
      port = g_strdup (ports[0]);
    }

  caps = sl_processor_class_get_port_caps (SL_PROCESSOR_CLASS (klass), direction, port);
  if (caps == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_UNKNOWN_PORT,
                   _("Processor “%s” (%s) has no %s port “%s”"),
                   node_id, node->factory, kind, port);
      return FALSE;
    }

  *node_out = node;
  *port_out = g_steal_pointer (&port);
  *caps_out = caps;
  return TRUE;
}

static gboolean
sl_graph_reaches (SlGraph    *self,
                  const char *from,
                  const char *to)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, (gpointer) from);
  while (stack->len > 0)
    {
      const char *id = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      if (g_str_equal (id, to))
        return TRUE;
      if (!g_hash_table_add (seen, (gpointer) id))
        continue;

      for (guint i = 0; i < self->link_order->len; i++)
        {
          SlGraphLink *link = g_ptr_array_index (self->link_order, i);

          if (g_str_equal (link->source_node, id))
            g_ptr_array_add (stack, link->target_node);
        }
    }

  return FALSE;
}

static SlGraphLink *
sl_graph_find_link_to (SlGraph    *self,
                       const char *node,
                       const char *port)
{
  for (guint i = 0; i < self->link_order->len; i++)
    {
      SlGraphLink *link = g_ptr_array_index (self->link_order, i);

      if (g_str_equal (link->target_node, node) && g_str_equal (link->target_port, port))
        return link;
    }

  return NULL;
}

/* All the checks of a link, without changing anything. */
static SlGraphLink *
sl_graph_check_link (SlGraph     *self,
                     const char  *source,
                     const char  *target,
                     GError     **error)
{
  g_autofree char *source_port = NULL;
  g_autofree char *target_port = NULL;
  g_autofree char *link_id = NULL;
  SlGraphNode *source_node, *target_node;
  GstCaps *source_caps, *target_caps;
  SlGraphLink *existing;
  SlGraphLink *link;

  if (!sl_graph_resolve_endpoint (self, source, SL_PORT_OUTPUT,
                                  &source_node, &source_port, &source_caps, error) ||
      !sl_graph_resolve_endpoint (self, target, SL_PORT_INPUT,
                                  &target_node, &target_port, &target_caps, error))
    return NULL;

  link_id = g_strdup_printf ("%s.%s->%s.%s", source_node->id, source_port,
                             target_node->id, target_port);

  existing = sl_graph_find_link_to (self, target_node->id, target_port);
  if (existing != NULL && g_str_equal (existing->id, link_id))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_DUPLICATE_ID,
                   _("Link “%s” already exists"), link_id);
      return NULL;
    }
  if (existing != NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PORT_IN_USE,
                   _("Input “%s.%s” is already linked (by “%s”)"),
                   target_node->id, target_port, existing->id);
      return NULL;
    }

  if (!gst_caps_can_intersect (source_caps, target_caps))
    {
      g_autofree char *source_text = gst_caps_to_string (source_caps);
      g_autofree char *target_text = gst_caps_to_string (target_caps);

      g_set_error (error, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS,
                   _("Cannot link “%s.%s” (%s) to “%s.%s” (%s): incompatible caps"),
                   source_node->id, source_port, source_text,
                   target_node->id, target_port, target_text);
      return NULL;
    }

  if (g_str_equal (source_node->id, target_node->id) ||
      sl_graph_reaches (self, target_node->id, source_node->id))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_CYCLE,
                   _("Linking “%s” to “%s” would make a cycle"),
                   source_node->id, target_node->id);
      return NULL;
    }

  link = g_new0 (SlGraphLink, 1);
  link->id = g_steal_pointer (&link_id);
  link->source_node = g_strdup (source_node->id);
  link->source_port = g_steal_pointer (&source_port);
  link->target_node = g_strdup (target_node->id);
  link->target_port = g_steal_pointer (&target_port);
  link->capacity = SL_DEFAULT_LINK_CAPACITY;
  link->policy = SL_OVERFLOW_DROP_OLDEST;
  return link;
}

/**
 * sl_graph_link:
 * @self: a graph
 * @source: the output, as `"node.port"`, or `"node"` if it has one output
 * @target: the input, as `"node.port"`, or `"node"` if it has one input
 * @error: return location for a #GError
 *
 * Adds a link with a capacity of %SL_DEFAULT_LINK_CAPACITY frames and
 * the [enum@Streamlib.OverflowPolicy.DROP_OLDEST] policy (change them with
 * [method@Streamlib.Graph.configure_link]). Fails with
 * %SL_ERROR_UNKNOWN_NODE, %SL_ERROR_UNKNOWN_PORT, %SL_ERROR_DUPLICATE_ID if
 * the same link exists, %SL_ERROR_PORT_IN_USE if the input already has a
 * link, %SL_ERROR_INCOMPATIBLE_CAPS if the ports' caps cannot intersect, or
 * %SL_ERROR_CYCLE.
 *
 * Returns: (transfer none) (nullable): the link's id
 *   (`"source.port->target.port"`), owned by the graph, or %NULL on error
 *
 * Since: 1.0
 */
const char *
sl_graph_link (SlGraph     *self,
               const char  *source,
               const char  *target,
               GError     **error)
{
  SlGraphLink *link;

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);
  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (target != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  link = sl_graph_check_link (self, source, target, error);
  if (link == NULL)
    return NULL;

  g_ptr_array_add (self->link_order, link);
  g_hash_table_insert (self->links, link->id, link);
  return link->id;
}

static SlGraphLink *
sl_graph_get_link_or_error (SlGraph     *self,
                            const char  *id,
                            GError     **error)
{
  SlGraphLink *link = g_hash_table_lookup (self->links, id);

  if (link == NULL)
    g_set_error (error, SL_ERROR, SL_ERROR_UNKNOWN_LINK,
                 _("The graph has no link “%s”"), id);

  return link;
}

/**
 * sl_graph_unlink:
 * @self: a graph
 * @link: a link id
 * @error: return location for a #GError
 *
 * Removes a link.
 *
 * Returns: %TRUE on success; %FALSE with %SL_ERROR_UNKNOWN_LINK
 *
 * Since: 1.0
 */
gboolean
sl_graph_unlink (SlGraph     *self,
                 const char  *link,
                 GError     **error)
{
  SlGraphLink *found;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (link != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  found = sl_graph_get_link_or_error (self, link, error);
  if (found == NULL)
    return FALSE;

  sl_graph_remove_link_internal (self, found);
  return TRUE;
}

/**
 * sl_graph_configure_link:
 * @self: a graph
 * @link: a link id
 * @capacity: how many frames the link holds, at least 1
 * @policy: what to do when it is full
 * @error: return location for a #GError
 *
 * Changes a link's capacity and overflow policy.
 *
 * Returns: %TRUE on success; %FALSE with %SL_ERROR_UNKNOWN_LINK, or
 *   %SL_ERROR_INVALID_ARGUMENT for a capacity of 0 or an unknown policy
 *
 * Since: 1.0
 */
gboolean
sl_graph_configure_link (SlGraph           *self,
                         const char        *link,
                         guint              capacity,
                         SlOverflowPolicy   policy,
                         GError           **error)
{
  SlGraphLink *found;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (link != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  found = sl_graph_get_link_or_error (self, link, error);
  if (found == NULL)
    return FALSE;

  if (capacity == 0 || capacity > G_MAXINT32 ||
      (policy != SL_OVERFLOW_DROP_OLDEST && policy != SL_OVERFLOW_DROP_NEWEST &&
       policy != SL_OVERFLOW_BLOCK))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                   _("Invalid capacity %u or policy %d for link “%s”"),
                   capacity, (int) policy, link);
      return FALSE;
    }

  found->capacity = capacity;
  found->policy = policy;
  return TRUE;
}

/**
 * sl_graph_has_link:
 * @self: a graph
 * @link: a link id
 *
 * Returns: %TRUE if the graph has a link @link
 *
 * Since: 1.0
 */
gboolean
sl_graph_has_link (SlGraph    *self,
                   const char *link)
{
  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (link != NULL, FALSE);

  return g_hash_table_contains (self->links, link);
}

/**
 * sl_graph_get_link_info:
 * @self: a graph
 * @link: a link id
 * @source: (out) (optional) (transfer full): the output, as `"node.port"`
 * @target: (out) (optional) (transfer full): the input, as `"node.port"`
 * @capacity: (out) (optional): the capacity, in frames
 * @policy: (out) (optional): the overflow policy
 *
 * Describes a link.
 *
 * Returns: %TRUE if the link exists (and the out arguments were set)
 *
 * Since: 1.0
 */
gboolean
sl_graph_get_link_info (SlGraph           *self,
                        const char        *link,
                        char             **source,
                        char             **target,
                        guint             *capacity,
                        SlOverflowPolicy  *policy)
{
  SlGraphLink *found;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (link != NULL, FALSE);

  found = g_hash_table_lookup (self->links, link);
  if (found == NULL)
    return FALSE;

  if (source != NULL)
    *source = g_strdup_printf ("%s.%s", found->source_node, found->source_port);
  if (target != NULL)
    *target = g_strdup_printf ("%s.%s", found->target_node, found->target_port);
  if (capacity != NULL)
    *capacity = found->capacity;
  if (policy != NULL)
    *policy = found->policy;
  return TRUE;
}

/**
 * sl_graph_list_links:
 * @self: a graph
 *
 * Lists the link ids in the order the links were made.
 *
 * Returns: (transfer full) (array zero-terminated=1): the ids
 *
 * Since: 1.0
 */
char **
sl_graph_list_links (SlGraph *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);

  for (guint i = 0; i < self->link_order->len; i++)
    g_strv_builder_add (builder, ((SlGraphLink *) g_ptr_array_index (self->link_order, i))->id);

  return g_strv_builder_end (builder);
}

/**
 * sl_graph_validate:
 * @self: a graph
 * @error: return location for a #GError
 *
 * Checks the whole graph again against its registry: every factory still
 * registered, every stored property still valid, every link's ports and caps,
 * no cycle. Edits are checked as they are made, so this only fails if the
 * registry changed since.
 *
 * Returns: %TRUE if the graph is valid
 *
 * Since: 1.0
 */
gboolean
sl_graph_validate (SlGraph  *self,
                   GError  **error)
{
  g_autoptr(SlGraph) rebuilt = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Rebuilding through the checked API runs every check exactly as an edit
   * would. */
  json = sl_graph_to_json (self);
  rebuilt = sl_graph_new (self->registry);
  return sl_graph_load_from_data (rebuilt, json, -1, error);
}

/**
 * sl_graph_get_topological_order:
 * @self: a graph
 *
 * Orders the nodes so that every link goes from an earlier node to a later
 * one. Among nodes free to go next, the one added first comes first, so the
 * order is stable.
 *
 * Returns: (transfer full) (array zero-terminated=1): the node ids
 *
 * Since: 1.0
 */
char **
sl_graph_get_topological_order (SlGraph *self)
{
  g_autoptr(GHashTable) in_degree = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean progress = TRUE;

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);

  in_degree = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->link_order->len; i++)
    {
      SlGraphLink *link = g_ptr_array_index (self->link_order, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (in_degree, link->target_node));

      g_hash_table_insert (in_degree, link->target_node, GUINT_TO_POINTER (n + 1));
    }

  /* Kahn's algorithm, scanning in insertion order for stability; graphs are
   * small enough that the quadratic scan does not matter. */
  while (progress)
    {
      progress = FALSE;
      for (guint i = 0; i < self->node_order->len; i++)
        {
          SlGraphNode *node = g_ptr_array_index (self->node_order, i);

          if (g_hash_table_contains (done, node->id) ||
              GPOINTER_TO_UINT (g_hash_table_lookup (in_degree, node->id)) > 0)
            continue;

          g_hash_table_add (done, node->id);
          g_strv_builder_add (builder, node->id);
          for (guint j = 0; j < self->link_order->len; j++)
            {
              SlGraphLink *link = g_ptr_array_index (self->link_order, j);

              if (g_str_equal (link->source_node, node->id))
                {
                  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (in_degree, link->target_node));
                  g_hash_table_insert (in_degree, link->target_node, GUINT_TO_POINTER (n - 1));
                }
            }
          progress = TRUE;
          break;
        }
    }

  return g_strv_builder_end (builder);
}

static char **
sl_graph_nodes_without (SlGraph  *self,
                        gboolean  incoming)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->node_order->len; i++)
    {
      SlGraphNode *node = g_ptr_array_index (self->node_order, i);
      gboolean found = FALSE;

      for (guint j = 0; j < self->link_order->len && !found; j++)
        {
          SlGraphLink *link = g_ptr_array_index (self->link_order, j);

          found = g_str_equal (incoming ? link->target_node : link->source_node, node->id);
        }

      if (!found)
        g_strv_builder_add (builder, node->id);
    }

  return g_strv_builder_end (builder);
}

/**
 * sl_graph_get_sources:
 * @self: a graph
 *
 * Lists the nodes no link leads into, in insertion order.
 *
 * Returns: (transfer full) (array zero-terminated=1): the node ids
 *
 * Since: 1.0
 */
char **
sl_graph_get_sources (SlGraph *self)
{
  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);

  return sl_graph_nodes_without (self, TRUE);
}

/**
 * sl_graph_get_sinks:
 * @self: a graph
 *
 * Lists the nodes no link leaves, in insertion order.
 *
 * Returns: (transfer full) (array zero-terminated=1): the node ids
 *
 * Since: 1.0
 */
char **
sl_graph_get_sinks (SlGraph *self)
{
  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);

  return sl_graph_nodes_without (self, FALSE);
}

static JsonNode *
sl_value_to_json (const GValue *value)
{
  JsonNode *node;
  g_auto(GValue) wide = G_VALUE_INIT;

  if (G_VALUE_HOLDS (value, G_TYPE_STRV))
    {
      const char * const *strings = g_value_get_boxed (value);
      JsonArray *array = json_array_new ();

      for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
        json_array_add_string_element (array, strings[i]);
      return json_node_init_array (json_node_alloc (), array);
    }

  node = json_node_new (JSON_NODE_VALUE);
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_BOOLEAN:
      json_node_set_boolean (node, g_value_get_boolean (value));
      return node;

    case G_TYPE_CHAR: case G_TYPE_UCHAR: case G_TYPE_INT: case G_TYPE_UINT:
    case G_TYPE_LONG: case G_TYPE_ULONG: case G_TYPE_INT64:
      g_value_init (&wide, G_TYPE_INT64);
      g_value_transform (value, &wide);
      json_node_set_int (node, g_value_get_int64 (&wide));
      return node;

    case G_TYPE_FLOAT: case G_TYPE_DOUBLE:
      g_value_init (&wide, G_TYPE_DOUBLE);
      g_value_transform (value, &wide);
      json_node_set_double (node, g_value_get_double (&wide));
      return node;

    default:
      {
        g_autofree char *text = sl_value_to_string (value);

        json_node_set_string (node, text != NULL ? text : "");
        return node;
      }
    }
}

/**
 * sl_graph_to_json:
 * @self: a graph
 *
 * Serialises the graph:
 *
 * ```json
 * {
 *   "nodes": [
 *     { "id": "src", "factory": "video-test-source",
 *       "properties": { "pattern": "ball" } }
 *   ],
 *   "links": [
 *     { "from": "src.out", "to": "sink.in",
 *       "capacity": 8, "overflow": "drop-oldest" }
 *   ]
 * }
 * ```
 *
 * Numbers and booleans are JSON numbers and booleans; other values are text
 * as [method@Streamlib.Graph.set_node_property_from_string] reads it.
 *
 * Returns: (transfer full): the JSON text
 *
 * Since: 1.0
 */
char *
sl_graph_to_json (SlGraph *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->node_order->len; i++)
    {
      SlGraphNode *node = g_ptr_array_index (self->node_order, i);
      g_auto(GStrv) names = sl_graph_sorted_property_names (node);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, node->id);
      json_builder_set_member_name (builder, "factory");
      json_builder_add_string_value (builder, node->factory);
      if (names[0] != NULL)
        {
          json_builder_set_member_name (builder, "properties");
          json_builder_begin_object (builder);
          for (guint j = 0; names[j] != NULL; j++)
            {
              json_builder_set_member_name (builder, names[j]);
              json_builder_add_value (builder,
                                      sl_value_to_json (g_hash_table_lookup (node->properties, names[j])));
            }
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "links");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->link_order->len; i++)
    {
      SlGraphLink *link = g_ptr_array_index (self->link_order, i);
      g_autofree char *from = g_strdup_printf ("%s.%s", link->source_node, link->source_port);
      g_autofree char *to = g_strdup_printf ("%s.%s", link->target_node, link->target_port);
      GEnumClass *policies = g_type_class_ref (SL_TYPE_OVERFLOW_POLICY);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "from");
      json_builder_add_string_value (builder, from);
      json_builder_set_member_name (builder, "to");
      json_builder_add_string_value (builder, to);
      json_builder_set_member_name (builder, "capacity");
      json_builder_add_int_value (builder, link->capacity);
      json_builder_set_member_name (builder, "overflow");
      json_builder_add_string_value (builder, g_enum_get_value (policies, link->policy)->value_nick);
      json_builder_end_object (builder);
      g_type_class_unref (policies);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static gboolean
sl_json_get_string (JsonObject   *object,
                    const char   *member,
                    gboolean      required,
                    const char   *where,
                    const char  **out,
                    GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL && !required)
    return TRUE;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                   _("%s: member “%s” must be a string"), where, member);
      return FALSE;
    }

  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
_sl_overflow_policy_from_nick (const char        *nick,
                               SlOverflowPolicy  *policy,
                               GError           **error)
{
  g_autoptr(GEnumClass) policies = g_type_class_ref (SL_TYPE_OVERFLOW_POLICY);
  GEnumValue *value = g_enum_get_value_by_nick (policies, nick);

  if (value == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                   _("unknown overflow policy “%s” (use drop-oldest, drop-newest or block)"), nick);
      return FALSE;
    }
  *policy = value->value;
  return TRUE;
}

/* A JSON array of strings into a G_TYPE_STRV @value (uninitialised). */
static gboolean
sl_json_string_list (JsonNode    *array_node,
                     const char  *name,
                     const char  *id,
                     GValue      *value,
                     GError     **error)
{
  JsonArray *array = json_node_get_array (array_node);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                       _("Property “%s” of “%s”: element %u of the array is not a string"),
                       name, id, i);
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  g_value_init (value, G_TYPE_STRV);
  g_value_take_boxed (value, g_strv_builder_end (builder));
  return TRUE;
}

static gboolean
sl_graph_load_node (SlGraph     *graph,
                    JsonNode    *element,
                    guint        index,
                    GError     **error)
{
  g_autofree char *where = g_strdup_printf (_("node %u"), index);
  const char *id, *factory;
  JsonObject *object;
  JsonNode *properties;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE, _("%s: must be an object"), where);
      return FALSE;
    }

  object = json_node_get_object (element);
  if (!sl_json_get_string (object, "factory", TRUE, where, &factory, error) ||
      !sl_json_get_string (object, "id", FALSE, where, &id, error))
    return FALSE;

  id = sl_graph_add_node (graph, factory, id, error);
  if (id == NULL)
    return FALSE;

  properties = json_object_get_member (object, "properties");
  if (properties == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (properties))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                   _("%s: member “properties” must be an object"), where);
      return FALSE;
    }

  {
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init (&iter, json_node_get_object (properties));
    while (json_object_iter_next (&iter, &name, &value))
      {
        gboolean ok;

        if (JSON_NODE_HOLDS_ARRAY (value))
          {
            g_auto(GValue) gvalue = G_VALUE_INIT;

            if (!sl_json_string_list (value, name, id, &gvalue, error))
              return FALSE;
            ok = sl_graph_set_node_property (graph, id, name, &gvalue, error);
          }
        else if (!JSON_NODE_HOLDS_VALUE (value))
          {
            g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                         _("Property “%s” of “%s” must be a number, a boolean, a string or an array of strings"),
                         name, id);
            return FALSE;
          }
        else if (json_node_get_value_type (value) == G_TYPE_STRING)
          ok = sl_graph_set_node_property_from_string (graph, id, name,
                                                       json_node_get_string (value), error);
        else
          {
            g_auto(GValue) gvalue = G_VALUE_INIT;

            json_node_get_value (value, &gvalue);
            ok = sl_graph_set_node_property (graph, id, name, &gvalue, error);
          }
        if (!ok)
          return FALSE;
      }
  }

  return TRUE;
}

static gboolean
sl_graph_load_link (SlGraph   *graph,
                    JsonNode  *element,
                    guint      index,
                    GError   **error)
{
  g_autofree char *where = g_strdup_printf (_("link %u"), index);
  const char *from, *to, *overflow;
  SlOverflowPolicy policy = SL_OVERFLOW_DROP_OLDEST;
  gint64 capacity = SL_DEFAULT_LINK_CAPACITY;
  JsonObject *object;
  JsonNode *member;
  const char *id;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE, _("%s: must be an object"), where);
      return FALSE;
    }

  object = json_node_get_object (element);
  if (!sl_json_get_string (object, "from", TRUE, where, &from, error) ||
      !sl_json_get_string (object, "to", TRUE, where, &to, error) ||
      !sl_json_get_string (object, "overflow", FALSE, where, &overflow, error))
    return FALSE;

  member = json_object_get_member (object, "capacity");
  if (member != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                       _("%s: member “capacity” must be an integer"), where);
          return FALSE;
        }
      capacity = json_node_get_int (member);
      if (capacity < 1 || capacity > G_MAXINT32)
        {
          g_autofree char *shown = g_strdup_printf ("%" G_GINT64_FORMAT, capacity);

          g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                       _("%s: capacity %s is out of range"), where, shown);
          return FALSE;
        }
    }

  if (overflow != NULL && !_sl_overflow_policy_from_nick (overflow, &policy, error))
    {
      g_prefix_error (error, "%s: ", where);
      return FALSE;
    }

  id = sl_graph_link (graph, from, to, error);
  return id != NULL && sl_graph_configure_link (graph, id, capacity, policy, error);
}

static gboolean
sl_graph_load_array (SlGraph     *graph,
                     JsonObject  *root,
                     const char  *member,
                     gboolean   (*load) (SlGraph *, JsonNode *, guint, GError **),
                     GError     **error)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE, _("Member “%s” must be an array"), member);
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!load (graph, json_array_get_element (array, i), i, error))
      return FALSE;

  return TRUE;
}

/**
 * sl_graph_load_from_data:
 * @self: a graph
 * @data: JSON text, in the form [method@Streamlib.Graph.to_json] writes
 * @length: the length of @data in bytes, or -1 if it is nul-terminated
 * @error: return location for a #GError
 *
 * Replaces the graph's contents with the graph described by @data. The new
 * contents are built and checked completely before they replace the old: on
 * error (%SL_ERROR_PARSE for malformed JSON or a member of the wrong kind, or
 * any error of [method@Streamlib.Graph.add_node],
 * [method@Streamlib.Graph.link] or the property setters) @self is unchanged.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_graph_load_from_data (SlGraph     *self,
                         const char  *data,
                         gssize       length,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(SlGraph) loaded = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                   _("Malformed graph JSON: %s"), local_error->message);
      return FALSE;
    }

  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_PARSE,
                           _("Malformed graph JSON: the document must be an object"));
      return FALSE;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  loaded = sl_graph_new (self->registry);
  if (!sl_graph_load_array (loaded, root, "nodes", sl_graph_load_node, error) ||
      !sl_graph_load_array (loaded, root, "links", sl_graph_load_link, error))
    return FALSE;

  _sl_graph_assign (self, loaded);
  return TRUE;
}

/**
 * sl_graph_load_from_file:
 * @self: a graph
 * @filename: (type filename): a JSON file
 * @error: return location for a #GError
 *
 * Like [method@Streamlib.Graph.load_from_data], from a file. A file that
 * cannot be read gives a %G_FILE_ERROR; @self is then unchanged too.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_graph_load_from_file (SlGraph     *self,
                         const char  *filename,
                         GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_return_val_if_fail (SL_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (filename != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (filename, &contents, &length, error))
    return FALSE;

  return sl_graph_load_from_data (self, contents, length, error);
}

static void
sl_dot_append_escaped (GString    *dot,
                       const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (dot, '\\');
      g_string_append_c (dot, *p);
    }
}

/**
 * sl_graph_to_dot:
 * @self: a graph
 *
 * Exports the graph in Graphviz DOT: one box per node (id, factory and the
 * properties set), one edge per link labelled with its ports and capacity.
 *
 * Returns: (transfer full): the DOT text
 *
 * Since: 1.0
 */
char *
sl_graph_to_dot (SlGraph *self)
{
  GString *dot;

  g_return_val_if_fail (SL_IS_GRAPH (self), NULL);

  dot = g_string_new ("digraph streamlib {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans\"];\n");
  for (guint i = 0; i < self->node_order->len; i++)
    {
      SlGraphNode *node = g_ptr_array_index (self->node_order, i);
      g_auto(GStrv) names = sl_graph_sorted_property_names (node);

      g_string_append (dot, "  \"");
      sl_dot_append_escaped (dot, node->id);
      g_string_append (dot, "\" [label=\"");
      sl_dot_append_escaped (dot, node->id);
      g_string_append (dot, "\\n(");
      sl_dot_append_escaped (dot, node->factory);
      g_string_append (dot, ")");
      for (guint j = 0; names[j] != NULL; j++)
        {
          g_autofree char *text = sl_value_to_string (g_hash_table_lookup (node->properties, names[j]));

          g_string_append (dot, "\\n");
          sl_dot_append_escaped (dot, names[j]);
          g_string_append_c (dot, '=');
          sl_dot_append_escaped (dot, text != NULL ? text : "");
        }
      g_string_append (dot, "\"];\n");
    }

  for (guint i = 0; i < self->link_order->len; i++)
    {
      SlGraphLink *link = g_ptr_array_index (self->link_order, i);

      g_string_append (dot, "  \"");
      sl_dot_append_escaped (dot, link->source_node);
      g_string_append (dot, "\" -> \"");
      sl_dot_append_escaped (dot, link->target_node);
      g_string_append (dot, "\" [label=\"");
      sl_dot_append_escaped (dot, link->source_port);
      g_string_append (dot, " → ");
      sl_dot_append_escaped (dot, link->target_port);
      g_string_append_printf (dot, " [%u]\"];\n", link->capacity);
    }

  g_string_append (dot, "}\n");
  return g_string_free (dot, FALSE);
}

void
_sl_graph_assign (SlGraph *self,
                  SlGraph *from)
{
  g_hash_table_remove_all (self->links);
  g_ptr_array_set_size (self->link_order, 0);
  g_hash_table_remove_all (self->nodes);
  g_ptr_array_set_size (self->node_order, 0);
  sl_graph_copy_into (from, self);
}

GPtrArray *
_sl_graph_get_nodes (SlGraph *self)
{
  return self->node_order;
}

GPtrArray *
_sl_graph_get_links (SlGraph *self)
{
  return self->link_order;
}

SlGraphNode *
_sl_graph_lookup_node (SlGraph    *self,
                       const char *id)
{
  return g_hash_table_lookup (self->nodes, id);
}

SlGraphLink *
_sl_graph_lookup_link (SlGraph    *self,
                       const char *id)
{
  return g_hash_table_lookup (self->links, id);
}
