/* streamlib-inspect.c: lists the processor factories, describes one
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <streamlib/streamlib.h>

#define PROGRAM_NAME "streamlib-inspect"

/* Width of the name column of "Factory Details" and "Properties". */
#define LABEL_WIDTH 22

static gboolean show_version;
static char **arguments;

static const GOptionEntry entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &show_version,
    N_("Print the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &arguments,
    NULL, N_("[FACTORY]") },
  { NULL }
};

static int
fail (const char *message)
{
  g_printerr ("%s: %s\n", PROGRAM_NAME, message);
  return EXIT_FAILURE;
}

/* Pads @text with spaces to @width characters (not bytes: labels are
 * translated). */
static void
print_padded (const char *indent,
              const char *text,
              guint       width)
{
  glong length = g_utf8_strlen (text, -1);

  g_print ("%s%s", indent, text);
  for (glong i = length; i < (glong) width; i++)
    g_print (" ");
}

static void
print_detail (const char *label,
              const char *value)
{
  print_padded ("  ", label, LABEL_WIDTH);
  g_print (" %s\n", value != NULL ? value : "");
}

static int
list_factories (SlRegistry *registry)
{
  g_auto(GStrv) factories = sl_registry_list_factories (registry);
  guint width = 0;

  for (guint i = 0; factories[i] != NULL; i++)
    width = MAX (width, (guint) g_utf8_strlen (factories[i], -1));

  for (guint i = 0; factories[i] != NULL; i++)
    {
      GType type = sl_registry_lookup (registry, factories[i]);
      g_autoptr(GTypeClass) klass = g_type_class_ref (type);
      const char *description = sl_processor_class_get_description (SL_PROCESSOR_CLASS (klass));

      print_padded ("", factories[i], width);
      g_print ("  %s\n", description != NULL ? description : "");
    }

  if (factories[0] == NULL)
    {
      g_printerr ("%s: %s\n", PROGRAM_NAME,
                  _("No processor factory found: is STREAMLIB_PLUGIN_PATH set?"));
      return EXIT_FAILURE;
    }

  g_print ("\n");
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u processor factory\n", "%u processor factories\n",
                        g_strv_length (factories)),
           g_strv_length (factories));
  return EXIT_SUCCESS;
}

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  /* Enum nicks are static data of a type that is never unloaded. */
  return found != NULL ? found->value_nick : "?";
}

static void
print_hierarchy (GType type)
{
  g_autoptr(GArray) chain = g_array_new (FALSE, FALSE, sizeof (GType));
  guint level = 0;

  for (GType t = type; t != 0; t = g_type_parent (t))
    g_array_prepend_val (chain, t);

  g_print ("%s\n", _("Type Hierarchy:"));
  for (guint i = 0; i < chain->len; i++, level++)
    {
      const char *name = g_type_name (g_array_index (chain, GType, i));

      if (i == 0)
        g_print ("  %s\n", name);
      else
        g_print ("  %*s+----%s\n", 6 * (level - 1) + 1, "", name);
    }
  g_print ("\n");
}

static void
print_ports (SlProcessorClass *klass)
{
  static const SlPortDirection directions[] = { SL_PORT_INPUT, SL_PORT_OUTPUT };
  gboolean any = FALSE;

  g_print ("%s\n", _("Ports:"));
  for (guint d = 0; d < G_N_ELEMENTS (directions); d++)
    {
      g_auto(GStrv) ports = sl_processor_class_list_ports (klass, directions[d]);

      for (guint i = 0; ports[i] != NULL; i++)
        {
          GstCaps *caps = sl_processor_class_get_port_caps (klass, directions[d], ports[i]);
          g_autofree char *text = caps != NULL ? gst_caps_to_string (caps) : g_strdup ("ANY");

          g_print ("  %-6s %s\n", enum_nick (SL_TYPE_PORT_DIRECTION, directions[d]), ports[i]);
          g_print ("    %s %s\n", _("Caps:"), text);
          any = TRUE;
        }
    }
  if (!any)
    g_print ("  %s\n", _("none"));
  g_print ("\n");
}

static char *
format_flags (GParamFlags flags)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new ();

  if (flags & G_PARAM_READABLE)
    g_ptr_array_add (words, (gpointer) _("readable"));
  if (flags & G_PARAM_WRITABLE)
    g_ptr_array_add (words, (gpointer) _("writable"));
  if (flags & G_PARAM_CONSTRUCT_ONLY)
    g_ptr_array_add (words, (gpointer) _("construct-only"));
  else if (flags & G_PARAM_CONSTRUCT)
    g_ptr_array_add (words, (gpointer) _("construct"));
  if (flags & G_PARAM_DEPRECATED)
    g_ptr_array_add (words, (gpointer) _("deprecated"));
  g_ptr_array_add (words, NULL);

  return g_strjoinv (", ", (char **) words->pdata);
}

static char *
format_value (const GValue *value)
{
  if (G_VALUE_HOLDS_STRING (value))
    {
      const char *text = g_value_get_string (value);

      return text != NULL ? g_strdup_printf ("\"%s\"", text) : g_strdup ("null");
    }
  if (G_VALUE_HOLDS_ENUM (value))
    return g_strdup (enum_nick (G_VALUE_TYPE (value), g_value_get_enum (value)));
  if (G_VALUE_HOLDS_BOOLEAN (value))
    return g_strdup (g_value_get_boolean (value) ? "true" : "false");
  if (G_VALUE_HOLDS_DOUBLE (value))
    return g_strdup_printf ("%g", g_value_get_double (value));
  if (G_VALUE_HOLDS_FLOAT (value))
    return g_strdup_printf ("%g", (double) g_value_get_float (value));
  if (G_VALUE_HOLDS_FLAGS (value) || G_VALUE_HOLDS (value, GST_TYPE_CAPS))
    {
      char *text = gst_value_serialize (value);

      if (text != NULL)
        return text;
    }

  return g_strdup_value_contents (value);
}

/* The range of a numeric property, as "MIN - MAX", or NULL. */
static char *
format_range (GParamSpec *pspec)
{
  switch (G_TYPE_FUNDAMENTAL (pspec->value_type))
    {
    case G_TYPE_CHAR:
      return g_strdup_printf ("%d - %d", G_PARAM_SPEC_CHAR (pspec)->minimum,
                              G_PARAM_SPEC_CHAR (pspec)->maximum);
    case G_TYPE_UCHAR:
      return g_strdup_printf ("%u - %u", G_PARAM_SPEC_UCHAR (pspec)->minimum,
                              G_PARAM_SPEC_UCHAR (pspec)->maximum);
    case G_TYPE_INT:
      return g_strdup_printf ("%d - %d", G_PARAM_SPEC_INT (pspec)->minimum,
                              G_PARAM_SPEC_INT (pspec)->maximum);
    case G_TYPE_UINT:
      return g_strdup_printf ("%u - %u", G_PARAM_SPEC_UINT (pspec)->minimum,
                              G_PARAM_SPEC_UINT (pspec)->maximum);
    case G_TYPE_LONG:
      return g_strdup_printf ("%ld - %ld", G_PARAM_SPEC_LONG (pspec)->minimum,
                              G_PARAM_SPEC_LONG (pspec)->maximum);
    case G_TYPE_ULONG:
      return g_strdup_printf ("%lu - %lu", G_PARAM_SPEC_ULONG (pspec)->minimum,
                              G_PARAM_SPEC_ULONG (pspec)->maximum);
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT " - %" G_GINT64_FORMAT,
                              G_PARAM_SPEC_INT64 (pspec)->minimum,
                              G_PARAM_SPEC_INT64 (pspec)->maximum);
    case G_TYPE_UINT64:
      return g_strdup_printf ("%" G_GUINT64_FORMAT " - %" G_GUINT64_FORMAT,
                              G_PARAM_SPEC_UINT64 (pspec)->minimum,
                              G_PARAM_SPEC_UINT64 (pspec)->maximum);
    case G_TYPE_FLOAT:
      return g_strdup_printf ("%g - %g", G_PARAM_SPEC_FLOAT (pspec)->minimum,
                              G_PARAM_SPEC_FLOAT (pspec)->maximum);
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%g - %g", G_PARAM_SPEC_DOUBLE (pspec)->minimum,
                              G_PARAM_SPEC_DOUBLE (pspec)->maximum);
    default:
      return NULL;
    }
}

static void
print_enum_values (GType type)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);

  if (G_IS_ENUM_CLASS (klass))
    {
      GEnumClass *enum_class = G_ENUM_CLASS (klass);

      for (guint i = 0; i < enum_class->n_values; i++)
        g_print ("%*s(%d): %-16s - %s\n", LABEL_WIDTH + 6, "", enum_class->values[i].value,
                 enum_class->values[i].value_nick, enum_class->values[i].value_name);
    }
  else if (G_IS_FLAGS_CLASS (klass))
    {
      GFlagsClass *flags_class = G_FLAGS_CLASS (klass);

      for (guint i = 0; i < flags_class->n_values; i++)
        g_print ("%*s(0x%08x): %-16s - %s\n", LABEL_WIDTH + 6, "", flags_class->values[i].value,
                 flags_class->values[i].value_nick, flags_class->values[i].value_name);
    }
}

static void
print_property (GParamSpec *pspec)
{
  const char *blurb = g_param_spec_get_blurb (pspec);
  const GValue *default_value = g_param_spec_get_default_value (pspec);
  g_autofree char *flags = format_flags (pspec->flags);
  g_autofree char *range = format_range (pspec);
  g_autofree char *shown = NULL;

  /* SlProcessor's own "id" has no blurb: it belongs to the graph. */
  if (blurb == NULL && pspec->owner_type == SL_TYPE_PROCESSOR && g_str_equal (pspec->name, "id"))
    blurb = _("The node id, given by the graph (name=ID in a launch line)");

  print_padded ("  ", pspec->name, LABEL_WIDTH);
  g_print (": %s\n", blurb != NULL ? blurb : "");
  g_print ("%*s%s %s\n", LABEL_WIDTH + 4, "", _("Flags:"), flags);
  g_print ("%*s%s %s\n", LABEL_WIDTH + 4, "", _("Type:"), g_type_name (pspec->value_type));
  if (range != NULL)
    g_print ("%*s%s %s\n", LABEL_WIDTH + 4, "", _("Range:"), range);
  if (pspec->flags & G_PARAM_READABLE || pspec->flags & G_PARAM_WRITABLE)
    {
      shown = format_value (default_value);
      g_print ("%*s%s %s\n", LABEL_WIDTH + 4, "", _("Default:"), shown);
    }
  if (G_TYPE_IS_ENUM (pspec->value_type) || G_TYPE_IS_FLAGS (pspec->value_type))
    print_enum_values (pspec->value_type);
}

static void
print_properties (GObjectClass *klass)
{
  guint n_properties;
  g_autofree GParamSpec **properties = g_object_class_list_properties (klass, &n_properties);

  g_print ("%s\n", _("Properties:"));
  if (n_properties == 0)
    g_print ("  %s\n", _("none"));
  for (guint i = 0; i < n_properties; i++)
    print_property (properties[i]);
  g_print ("\n");
}

static char *
c_type (GType type)
{
  type &= ~G_SIGNAL_TYPE_STATIC_SCOPE;

  if (type == G_TYPE_NONE)
    return g_strdup ("void");
  if (type == G_TYPE_STRING)
    return g_strdup ("const char *");
  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_OBJECT: case G_TYPE_INTERFACE: case G_TYPE_BOXED:
    case G_TYPE_POINTER: case G_TYPE_PARAM:
      return g_strdup_printf ("%s *", g_type_name (type));
    default:
      if (G_TYPE_IS_INSTANTIATABLE (type))
        return g_strdup_printf ("%s *", g_type_name (type));
      return g_strdup (g_type_name (type));
    }
}

/* "Type *" and "name" → "Type *name"; "Type" and "name" → "Type name". */
static void
append_declaration (GString    *line,
                    GType       type,
                    const char *name)
{
  g_autofree char *text = c_type (type);

  g_string_append_printf (line, g_str_has_suffix (text, "*") ? "%s%s" : "%s %s", text, name);
}

static void
print_signal (guint id)
{
  GSignalQuery query;
  g_autoptr(GString) line = g_string_new (NULL);

  g_signal_query (id, &query);
  g_string_append_printf (line, "  \"%s\" :  ", query.signal_name);
  append_declaration (line, query.return_type,
                      query.signal_flags & G_SIGNAL_ACTION ? "action_function" : "user_function");
  g_string_append (line, " (");
  append_declaration (line, query.itype, "object");
  for (guint i = 0; i < query.n_params; i++)
    {
      g_autofree char *name = g_strdup_printf ("arg%u", i);

      g_string_append (line, ", ");
      append_declaration (line, query.param_types[i], name);
    }
  if (!(query.signal_flags & G_SIGNAL_ACTION))
    g_string_append (line, ", gpointer user_data");
  g_string_append (line, ");");
  g_print ("%s\n", line->str);
}

/* Signals from the factory's type up to SlProcessor, without GObject's. */
static void
print_signals (GType type)
{
  g_autoptr(GArray) plain = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) actions = g_array_new (FALSE, FALSE, sizeof (guint));

  for (GType t = type; t != 0 && t != G_TYPE_OBJECT; t = g_type_parent (t))
    {
      guint n_ids;
      g_autofree guint *ids = g_signal_list_ids (t, &n_ids);

      for (guint i = 0; i < n_ids; i++)
        {
          GSignalQuery query;

          g_signal_query (ids[i], &query);
          g_array_append_val (query.signal_flags & G_SIGNAL_ACTION ? actions : plain, ids[i]);
        }
    }

  g_print ("%s\n", _("Signals:"));
  if (plain->len == 0)
    g_print ("  %s\n", _("none"));
  for (guint i = 0; i < plain->len; i++)
    print_signal (g_array_index (plain, guint, i));
  g_print ("\n");

  g_print ("%s\n", _("Action Signals:"));
  if (actions->len == 0)
    g_print ("  %s\n", _("none"));
  for (guint i = 0; i < actions->len; i++)
    print_signal (g_array_index (actions, guint, i));
}

static int
describe_factory (SlRegistry *registry,
                  const char *factory)
{
  GType type = sl_registry_lookup (registry, factory);
  g_autoptr(GTypeClass) klass = NULL;
  SlProcessorClass *processor_class;

  if (type == G_TYPE_INVALID)
    {
      g_autofree char *message = g_strdup_printf (_("No processor factory named “%s”"), factory);

      return fail (message);
    }

  klass = g_type_class_ref (type);
  processor_class = SL_PROCESSOR_CLASS (klass);

  g_print ("%s\n", _("Factory Details:"));
  print_detail (_("Name"), factory);
  print_detail (_("Description"), sl_processor_class_get_description (processor_class));
  print_detail (_("Type"), g_type_name (type));
  print_detail (_("Execution mode"),
                enum_nick (SL_TYPE_EXECUTION_MODE, sl_processor_class_get_execution_mode (processor_class)));
  g_print ("\n");

  print_hierarchy (type);
  print_ports (processor_class);
  print_properties (G_OBJECT_CLASS (klass));
  print_signals (type);
  return EXIT_SUCCESS;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SlRegistry) registry = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname (PROGRAM_NAME);

  context = g_option_context_new (_("— describe streamlib processors"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Without a FACTORY, lists every processor factory with its description.\n"
                                  "With one, prints its ports and caps, properties and signals."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (error->message);

  if (show_version)
    {
      g_print ("%s %s\n", PROGRAM_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (arguments != NULL && arguments[0] != NULL && arguments[1] != NULL)
    return fail (_("Give at most one factory name"));

  registry = sl_registry_new ();
  if (arguments == NULL || arguments[0] == NULL)
    return list_factories (registry);
  return describe_factory (registry, arguments[0]);
}
