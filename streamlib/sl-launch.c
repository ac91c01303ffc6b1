/* sl-launch.c: graphs from launch lines
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-launch-private.h"
#include "sl-runtime-private.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "sl-error.h"
#include "sl-graph.h"
#include "sl-graph-private.h"
#include "sl-runtime.h"

/* A launch line is read in three passes, so that every syntax error is found
 * before the graph is touched:
 *
 * 1. the lexer cuts it into words and “!” (quotes and backslashes resolved,
 *    each token remembering where it starts);
 * 2. the parser groups the words into items — a processor (factory and
 *    properties) or a reference (`node.` / `node.port`) — and records a link
 *    for each “!” between two items;
 * 3. the builder adds the processors, sets their properties, then makes the
 *    links, so that a reference may name a processor defined later in the
 *    line, as gst-launch allows.
 */

typedef enum {
  SL_TOKEN_WORD,
  SL_TOKEN_LINK,
} SlTokenKind;

typedef struct
{
  SlTokenKind  kind;
  char        *text;       /* the token as written, for messages */
  guint        position;   /* in characters from the start, from 0 */
  char        *key;        /* unquoted, before the first bare “=” */
  char        *value;      /* unquoted, after it; NULL without “=” */
  gssize       dot;        /* byte index in key of the first bare “.”, or -1 */
} SlToken;

typedef struct
{
  SlToken   *token;        /* the factory word, or the reference */
  gboolean   is_reference;
  char      *node;         /* a reference's node name */
  char      *port;         /* a reference's port, or NULL for “node.” */
  SlToken   *id_token;     /* “name=” or “id=”, or NULL */
  GPtrArray *properties;   /* SlToken*, in order */
  char      *id;           /* a processor's node id once added */
  gboolean   linked;
} SlItem;

typedef struct
{
  SlItem  *source;
  SlItem  *target;
  SlToken *bang;
  SlToken *capacity;       /* “capacity=N” written after the “!”, or NULL */
  SlToken *overflow;       /* “overflow=POLICY”, or NULL */
} SlLinkSpec;

typedef struct
{
  const char *description;
  GPtrArray  *tokens;      /* SlToken* */
  GPtrArray  *items;       /* SlItem* */
  GArray     *links;       /* SlLinkSpec */
} SlLaunch;

static void
sl_token_free (gpointer data)
{
  SlToken *token = data;

  g_free (token->text);
  g_free (token->key);
  g_free (token->value);
  g_free (token);
}

static void
sl_item_free (gpointer data)
{
  SlItem *item = data;

  g_free (item->node);
  g_free (item->port);
  g_free (item->id);
  g_ptr_array_unref (item->properties);
  g_free (item);
}

static void
sl_launch_clear (SlLaunch *launch)
{
  g_clear_pointer (&launch->links, g_array_unref);
  g_clear_pointer (&launch->items, g_ptr_array_unref);
  g_clear_pointer (&launch->tokens, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SlLaunch, sl_launch_clear)

static guint
sl_launch_position (SlLaunch   *launch,
                    const char *at)
{
  return (guint) g_utf8_pointer_to_offset (launch->description, at);
}

static gboolean
sl_launch_is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Pass 1. */
static gboolean
sl_launch_lex (SlLaunch  *launch,
               GError   **error)
{
  const char *p = launch->description;

  while (*p != '\0')
    {
      g_autoptr(GString) key = NULL;
      g_autoptr(GString) value = NULL;
      GString *current;
      const char *start;
      SlToken *token;
      gssize dot = -1;

      if (sl_launch_is_space (*p))
        {
          p++;
          continue;
        }

      if (*p == '!')
        {
          token = g_new0 (SlToken, 1);
          token->kind = SL_TOKEN_LINK;
          token->text = g_strdup ("!");
          token->position = sl_launch_position (launch, p);
          token->dot = -1;
          g_ptr_array_add (launch->tokens, token);
          p++;
          continue;
        }

      start = p;
      key = g_string_new (NULL);
      current = key;
      while (*p != '\0' && !sl_launch_is_space (*p) && *p != '!')
        {
          if (*p == '"' || *p == '\'')
            {
              const char *opening = p;
              char quote = *p++;

              while (*p != '\0' && *p != quote)
                {
                  if (quote == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                  g_string_append_c (current, *p++);
                }
              if (*p == '\0')
                {
                  g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                               _("Unterminated quote “%s” at position %u"),
                               opening, sl_launch_position (launch, opening));
                  return FALSE;
                }
              p++;
            }
          else if (*p == '\\' && p[1] != '\0')
            {
              g_string_append_c (current, p[1]);
              p += 2;
            }
          else if (*p == '=' && value == NULL)
            {
              value = g_string_new (NULL);
              current = value;
              p++;
            }
          else
            {
              if (*p == '.' && value == NULL && dot < 0)
                dot = (gssize) key->len;
              g_string_append_c (current, *p++);
            }
        }

      token = g_new0 (SlToken, 1);
      token->kind = SL_TOKEN_WORD;
      token->text = g_strndup (start, p - start);
      token->position = sl_launch_position (launch, start);
      token->key = g_string_free (g_steal_pointer (&key), FALSE);
      token->value = value != NULL ? g_string_free (g_steal_pointer (&value), FALSE) : NULL;
      token->dot = dot;
      g_ptr_array_add (launch->tokens, token);
    }

  return TRUE;
}

static gboolean
sl_launch_unexpected (SlToken     *token,
                      const char  *why,
                      GError     **error)
{
  g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
               _("Unexpected “%s” at position %u: %s"),
               token->text, token->position, why);
  return FALSE;
}

static gboolean
sl_launch_unclosed_options (SlToken  *option,
                            GError  **error)
{
  return sl_launch_unexpected (option, _("a link’s options must be followed by “!” and a processor or a reference"), error);
}

static SlItem *
sl_launch_add_item (SlLaunch *launch,
                    SlToken  *token)
{
  SlItem *item = g_new0 (SlItem, 1);

  item->token = token;
  item->properties = g_ptr_array_new ();
  if (token->dot >= 0)
    {
      item->is_reference = TRUE;
      item->node = g_strndup (token->key, token->dot);
      if (token->key[token->dot + 1] != '\0')
        item->port = g_strdup (token->key + token->dot + 1);
    }
  g_ptr_array_add (launch->items, item);
  return item;
}

/* Pass 2. */
static gboolean
sl_launch_parse (SlLaunch  *launch,
                 GError   **error)
{
  SlItem *previous = NULL;
  SlToken *pending = NULL;   /* a “!” waiting for its target */
  SlToken *capacity = NULL;  /* link options written after it */
  SlToken *overflow = NULL;
  gboolean options_closed = FALSE;

  if (launch->tokens->len == 0)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_PARSE,
                           _("The launch line is empty"));
      return FALSE;
    }

  for (guint i = 0; i < launch->tokens->len; i++)
    {
      SlToken *token = g_ptr_array_index (launch->tokens, i);
      SlItem *item;

      if (token->kind == SL_TOKEN_LINK)
        {
          if (previous == NULL)
            return sl_launch_unexpected (token, _("a processor or a reference must come before it"), error);
          /* “a ! capacity=8 ! b”: this “!” closes the link's options. */
          if (pending != NULL && (capacity != NULL || overflow != NULL) && !options_closed)
            {
              options_closed = TRUE;
              continue;
            }
          if (pending != NULL)
            return sl_launch_unexpected (token, _("a processor or a reference must come between two links"), error);
          pending = token;
          continue;
        }

      if (token->value != NULL && pending != NULL)
        {
          /* Between “!” and its target: an option of the link. */
          SlToken **option = g_str_equal (token->key, "capacity") ? &capacity :
                             g_str_equal (token->key, "overflow") ? &overflow : NULL;

          if (options_closed)
            return sl_launch_unexpected (token, _("a processor or a reference must follow the link’s options"), error);
          if (option == NULL)
            return sl_launch_unexpected (token, _("after “!” only link options (capacity=N, overflow=POLICY) may come before a processor or a reference"), error);
          if (*option != NULL)
            return sl_launch_unexpected (token, _("the link already has this option"), error);
          *option = token;
          continue;
        }

      if (token->value != NULL)
        {
          if (previous == NULL || previous->is_reference)
            return sl_launch_unexpected (token, _("a property must follow a processor factory"), error);
          if (token->key[0] == '\0')
            return sl_launch_unexpected (token, _("a property needs a name before “=”"), error);

          if (g_str_equal (token->key, "name") || g_str_equal (token->key, "id"))
            {
              if (previous->id_token != NULL)
                return sl_launch_unexpected (token, _("the processor already has a name"), error);
              previous->id_token = token;
            }
          else
            g_ptr_array_add (previous->properties, token);
          continue;
        }

      if (token->key[0] == '\0')
        return sl_launch_unexpected (token, _("a processor factory or a reference is empty"), error);
      if (token->dot == 0)
        return sl_launch_unexpected (token, _("a reference needs a processor name before the dot"), error);

      if (pending != NULL && (capacity != NULL || overflow != NULL) && !options_closed)
        return sl_launch_unclosed_options (capacity != NULL ? capacity : overflow, error);

      item = sl_launch_add_item (launch, token);
      if (pending != NULL)
        {
          SlLinkSpec link = { previous, item, pending, capacity, overflow };

          g_array_append_val (launch->links, link);
          previous->linked = item->linked = TRUE;
          pending = capacity = overflow = NULL;
          options_closed = FALSE;
        }
      previous = item;
    }

  if (pending != NULL && (capacity != NULL || overflow != NULL) && !options_closed)
    return sl_launch_unclosed_options (capacity != NULL ? capacity : overflow, error);
  if (pending != NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PARSE,
                   _("Dangling “!” at position %u: a processor or a reference must follow it"),
                   pending->position);
      return FALSE;
    }

  for (guint i = 0; i < launch->items->len; i++)
    {
      SlItem *item = g_ptr_array_index (launch->items, i);

      if (item->is_reference && !item->linked)
        return sl_launch_unexpected (item->token, _("a reference must be linked with “!”"), error);
    }

  return TRUE;
}

static gboolean
sl_launch_blame (SlToken  *token,
                 GError  **error)
{
  g_prefix_error (error, _("“%s” at position %u: "), token->text, token->position);
  return FALSE;
}

/* Applies the options written after a link's “!”; the others keep the
 * graph's defaults. */
static gboolean
sl_launch_configure_link (SlGraph     *graph,
                          const char  *id,
                          SlLinkSpec  *link,
                          GError     **error)
{
  guint capacity;
  SlOverflowPolicy policy;

  if (link->capacity == NULL && link->overflow == NULL)
    return TRUE;

  sl_graph_get_link_info (graph, id, NULL, NULL, &capacity, &policy);

  if (link->capacity != NULL)
    {
      guint64 parsed;

      if (!g_ascii_string_to_unsigned (link->capacity->value, 10, 1, G_MAXINT32, &parsed, NULL))
        {
          g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                       _("“%s” at position %u: a link’s capacity is a number of frames from 1 to %d"),
                       link->capacity->text, link->capacity->position, G_MAXINT32);
          return FALSE;
        }
      capacity = (guint) parsed;
    }

  if (link->overflow != NULL &&
      !_sl_overflow_policy_from_nick (link->overflow->value, &policy, error))
    return sl_launch_blame (link->overflow, error);

  return sl_graph_configure_link (graph, id, capacity, policy, error);
}

static char *
sl_launch_endpoint (SlItem *item)
{
  if (!item->is_reference)
    return g_strdup (item->id);
  if (item->port == NULL)
    return g_strdup (item->node);
  return g_strdup_printf ("%s.%s", item->node, item->port);
}

/* Pass 3. */
static gboolean
sl_launch_build (SlLaunch  *launch,
                 SlGraph   *graph,
                 GError   **error)
{
  for (guint i = 0; i < launch->items->len; i++)
    {
      SlItem *item = g_ptr_array_index (launch->items, i);
      GError *local_error = NULL;
      const char *id;

      if (item->is_reference)
        continue;

      id = sl_graph_add_node (graph, item->token->key,
                              item->id_token != NULL ? item->id_token->value : NULL,
                              &local_error);
      if (id == NULL)
        {
          SlToken *culprit = item->token;

          if (item->id_token != NULL && !g_error_matches (local_error, SL_ERROR, SL_ERROR_UNKNOWN_FACTORY))
            culprit = item->id_token;
          g_propagate_error (error, local_error);
          return sl_launch_blame (culprit, error);
        }
      item->id = g_strdup (id);

      for (guint j = 0; j < item->properties->len; j++)
        {
          SlToken *property = g_ptr_array_index (item->properties, j);

          if (!sl_graph_set_node_property_from_string (graph, item->id, property->key,
                                                       property->value, error))
            return sl_launch_blame (property, error);
        }
    }

  for (guint i = 0; i < launch->items->len; i++)
    {
      SlItem *item = g_ptr_array_index (launch->items, i);

      if (item->is_reference && !sl_graph_has_node (graph, item->node))
        {
          g_set_error (error, SL_ERROR, SL_ERROR_UNKNOWN_NODE,
                       _("Unknown reference “%s” at position %u: no processor is named “%s”"),
                       item->token->text, item->token->position, item->node);
          return FALSE;
        }
    }

  for (guint i = 0; i < launch->links->len; i++)
    {
      SlLinkSpec *link = &g_array_index (launch->links, SlLinkSpec, i);
      g_autofree char *source = sl_launch_endpoint (link->source);
      g_autofree char *target = sl_launch_endpoint (link->target);
      const char *id = sl_graph_link (graph, source, target, error);

      if (id == NULL)
        {
          g_prefix_error (error, _("Link “%s ! %s” at position %u: "),
                          link->source->token->text, link->target->token->text,
                          link->bang->position);
          return FALSE;
        }
      if (!sl_launch_configure_link (graph, id, link, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
_sl_launch_parse_into (SlGraph     *graph,
                       const char  *description,
                       GError     **error)
{
  g_auto(SlLaunch) launch = { 0, };

  if (!g_utf8_validate (description, -1, NULL))
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_PARSE,
                           _("The launch line is not valid UTF-8"));
      return FALSE;
    }

  launch.description = description;
  launch.tokens = g_ptr_array_new_with_free_func (sl_token_free);
  launch.items = g_ptr_array_new_with_free_func (sl_item_free);
  launch.links = g_array_new (FALSE, FALSE, sizeof (SlLinkSpec));

  return sl_launch_lex (&launch, error) &&
         sl_launch_parse (&launch, error) &&
         sl_launch_build (&launch, graph, error);
}

/**
 * sl_graph_parse_launch:
 * @graph: a graph
 * @description: a launch line, such as
 *   `"test-source num-frames=100 ! passthrough ! null-sink"`
 * @error: return location for a #GError
 *
 * Adds the processors and links described by a launch line to @graph, next
 * to what it already holds. The syntax is gst-launch's:
 *
 * - `factory` adds a processor; `prop=value` words after it set its
 *   properties. `name=ID` (or `id=ID`) gives the node its id; without one it
 *   gets an automatic id (`"passthrough0"`). A processor property called
 *   `name` or `id` therefore cannot be set from a launch line.
 * - `!` links the item on its left to the item on its right: the left one's
 *   only output to the right one's only input. Options of the link go
 *   between two `!`, like a caps filter in gst-launch:
 *   `test-source ! capacity=64 overflow=block ! null-sink` (see
 *   [method@Streamlib.Graph.configure_link]; unset options keep the
 *   defaults).
 * - `node.port` names a port of a processor defined anywhere in the line or
 *   already in the graph (`src.out ! sink.in`), and `node.` the processor's
 *   only port in the direction of the link. A reference starts a branch:
 *   `test-source name=src ! passthrough  src. ! null-sink` links the source
 *   to both.
 * - A word that follows an item without a `!` between them starts a new
 *   chain.
 * - Values may be quoted, `label="a b"` or `label='a b'`; inside double
 *   quotes `\"` and `\\` stand for `"` and `\`, and outside quotes a
 *   backslash makes the next character literal. A value is parsed as
 *   [method@Streamlib.Graph.set_node_property_from_string] parses it.
 *
 * Every error names what is wrong and where, as a position in characters
 * counted from 0: a syntax error (an unterminated quote, a `!` with nothing
 * after it, a property with no processor before it, an empty line) is
 * %SL_ERROR_PARSE; a reference to no processor is %SL_ERROR_UNKNOWN_NODE;
 * otherwise the error is the graph's, such as %SL_ERROR_UNKNOWN_FACTORY,
 * %SL_ERROR_UNKNOWN_PROPERTY, %SL_ERROR_INVALID_PROPERTY_VALUE or
 * %SL_ERROR_PORT_IN_USE, with the offending word and its position in front
 * of the graph's message. On error @graph is unchanged.
 *
 * Any thread may call this, one at a time for a given graph (a graph is not
 * locked).
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_graph_parse_launch (SlGraph     *graph,
                       const char  *description,
                       GError     **error)
{
  g_autoptr(SlGraph) scratch = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (SL_IS_GRAPH (graph), FALSE);
  g_return_val_if_fail (description != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  scratch = sl_graph_copy (graph);
  if (!_sl_launch_parse_into (scratch, description, error))
    return FALSE;

  json = sl_graph_to_json (scratch);
  return sl_graph_load_from_data (graph, json, -1, error);
}

static gboolean
sl_launch_edit (SlGraph     *graph,
                gpointer     user_data,
                GError     **error)
{
  return _sl_launch_parse_into (graph, user_data, error);
}

/**
 * sl_runtime_parse_launch:
 * @self: a runtime
 * @description: a launch line (see [method@Streamlib.Graph.parse_launch])
 * @error: return location for a #GError
 *
 * Adds the processors and links described by a launch line to the runtime's
 * graph, as [method@Streamlib.Graph.parse_launch] does. The whole line is
 * applied at once, like [method@Streamlib.Runtime.load_from_data]: in a
 * started runtime the new processors start and the ones already running
 * keep running. On error nothing changes.
 *
 * Any thread may call this, processor threads included; the line is applied
 * as one edit, with no other edit in between.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sl_runtime_parse_launch (SlRuntime   *self,
                         const char  *description,
                         GError     **error)
{
  g_return_val_if_fail (SL_IS_RUNTIME (self), FALSE);
  g_return_val_if_fail (description != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _sl_runtime_edit (self, sl_launch_edit, (gpointer) description, error);
}
