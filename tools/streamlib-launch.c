/* streamlib-launch.c: runs a graph from a launch line or a JSON file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <streamlib/streamlib.h>

#define PROGRAM_NAME "streamlib-launch"
#define STATS_INTERVAL_MS 500

typedef struct
{
  SlRuntime *runtime;
  GMainLoop *loop;
  char     **links;             /* the links the statistics show */
  gint64     started_at;
  gboolean   tty;
  gboolean   quiet;
  gboolean   line_open;         /* a stats line without its newline */
  gboolean   legend_printed;
  gboolean   draining;
  gboolean   failed;
  guint      stats_id;
  guint      duration_id;
  guint      sigint_id;
  guint      sigterm_id;
} Launch;

static gboolean print_json;
static char *dot_file;
static char *duration_text;
static gboolean quiet;
static gboolean show_version;
static char **arguments;

static const GOptionEntry entries[] = {
  { "print-json", 'j', 0, G_OPTION_ARG_NONE, &print_json,
    N_("Print the graph as JSON, then run it"), NULL },
  { "dot", 'd', 0, G_OPTION_ARG_FILENAME, &dot_file,
    N_("Write the graph in Graphviz DOT to FILE"), N_("FILE") },
  { "duration", 't', 0, G_OPTION_ARG_STRING, &duration_text,
    N_("Run for SECONDS, then drain and exit"), N_("SECONDS") },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
    N_("Do not print link statistics"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, &show_version,
    N_("Print the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &arguments,
    NULL, N_("LAUNCH-LINE… | GRAPH.json") },
  { NULL }
};

static void
launch_close_line (Launch *launch)
{
  if (launch->line_open)
    {
      g_print ("\n");
      launch->line_open = FALSE;
    }
}

static int
fail (const char *message)
{
  g_printerr ("%s: %s\n", PROGRAM_NAME, message);
  return EXIT_FAILURE;
}

static char *
format_count (guint64 value)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

/* “src.out->sink.in: pushed 10, popped 9, dropped 0, queued 1”, or in
 * short “src.out->sink.in 10/9/0/1” */
static char *
format_link (SlRuntime  *runtime,
             const char *link,
             gboolean    short_form,
             gboolean    high_water)
{
  g_autoptr(SlLinkStats) stats = sl_runtime_get_link_stats (runtime, link, NULL);
  g_autofree char *pushed = NULL, *popped = NULL, *dropped = NULL, *queued = NULL;

  if (stats == NULL)
    return g_strdup_printf (_("%s: no statistics"), link);

  pushed = format_count (sl_link_stats_get_pushed (stats));
  popped = format_count (sl_link_stats_get_popped (stats));
  dropped = format_count (sl_link_stats_get_dropped (stats));
  queued = format_count (sl_link_stats_get_queued (stats));

  if (short_form)
    return g_strdup_printf ("%s %s/%s/%s/%s", link, pushed, popped, dropped, queued);

  if (high_water)
    {
      g_autofree char *high = format_count (sl_link_stats_get_high_water (stats));

      /* Translators: the statistics of a link at the end of a run */
      return g_strdup_printf (_("%s: pushed %s, popped %s, dropped %s, queued %s, high water %s"),
                              link, pushed, popped, dropped, queued, high);
    }

  /* Translators: the live statistics of a link */
  return g_strdup_printf (_("%s: pushed %s, popped %s, dropped %s, queued %s"),
                          link, pushed, popped, dropped, queued);
}

static guint
terminal_width (void)
{
  struct winsize size;

  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  return 80;
}

static gboolean
print_stats (gpointer user_data)
{
  Launch *launch = user_data;
  g_autoptr(GString) line = g_string_new (NULL);
  double elapsed = (g_get_monotonic_time () - launch->started_at) / (double) G_USEC_PER_SEC;

  g_string_append_printf (line, "[%6.1f s] ", elapsed);
  if (launch->links[0] == NULL)
    g_string_append (line, _("no links"));
  for (guint i = 0; launch->links[i] != NULL; i++)
    {
      g_autofree char *text = format_link (launch->runtime, launch->links[i], launch->tty, FALSE);

      if (i > 0)
        g_string_append (line, " | ");
      g_string_append (line, text);
    }

  if (launch->tty)
    {
      /* One line, rewritten in place: never let it wrap. */
      guint width = terminal_width ();

      if (!launch->legend_printed)
        {
          g_print ("%s\n", _("Link statistics: pushed/popped/dropped/queued frames"));
          launch->legend_printed = TRUE;
        }

      if (g_utf8_strlen (line->str, -1) >= width)
        g_string_truncate (line, g_utf8_offset_to_pointer (line->str, width - 1) - line->str);
      g_print ("\r\033[K%s", line->str);
      fflush (stdout);
      launch->line_open = TRUE;
    }
  else
    g_print ("%s\n", line->str);

  return G_SOURCE_CONTINUE;
}

static void
drain_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (sl_runtime_stop (SL_RUNTIME (source_object), SL_STOP_DRAIN, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
drained (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Launch *launch = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      launch_close_line (launch);
      fail (error->message);
      launch->failed = TRUE;
    }
  g_main_loop_quit (launch->loop);
}

/* The drain runs on a worker thread so that the main loop keeps printing
 * statistics, dispatching the runtime's signals and hearing a second
 * interrupt. */
static void
launch_drain (Launch *launch)
{
  g_autoptr(GTask) task = NULL;

  if (launch->draining)
    return;
  launch->draining = TRUE;
  g_clear_handle_id (&launch->duration_id, g_source_remove);

  task = g_task_new (launch->runtime, NULL, drained, launch);
  g_task_run_in_thread (task, drain_thread);
}

static gboolean
on_unix_signal (gpointer user_data)
{
  Launch *launch = user_data;

  if (launch->draining)
    {
      /* The drain is stuck, or the user is in a hurry. */
      launch_close_line (launch);
      g_printerr ("%s: %s\n", PROGRAM_NAME, _("Interrupted while draining: exiting at once"));
      fflush (NULL);
      _exit (EXIT_FAILURE);
    }

  launch_drain (launch);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration (gpointer user_data)
{
  Launch *launch = user_data;

  launch->duration_id = 0;
  launch_drain (launch);
  return G_SOURCE_REMOVE;
}

/* Every processor reached its end of stream by itself (the sources that
 * count their frames produced them all, and everything went through): the
 * run is over. Emitted on the main context. */
static void
on_runtime_eos (SlRuntime *runtime,
                gpointer   user_data)
{
  launch_drain (user_data);
}

static void
on_runtime_error (SlRuntime    *runtime,
                  const char   *id,
                  const GError *error,
                  gpointer      user_data)
{
  Launch *launch = user_data;

  launch_close_line (launch);
  g_printerr (_("ERROR from %s: %s\n"), id, error->message);
  launch->failed = TRUE;
}

/* Several arguments are joined with spaces, as gst-launch does; a
 * `prop=value` argument whose value holds white space (the shell removed its
 * quotes) gets its value quoted again. */
static char *
join_arguments (char **args)
{
  GString *line = g_string_new (NULL);

  for (guint i = 0; args[i] != NULL; i++)
    {
      const char *arg = args[i];
      const char *equals = strchr (arg, '=');

      if (i > 0)
        g_string_append_c (line, ' ');

      if (args[1] != NULL && equals != NULL && equals > arg &&
          strpbrk (equals + 1, " \t\n") != NULL &&
          strcspn (arg, " \t\n!\"'\\") > (size_t) (equals - arg))
        {
          g_string_append_len (line, arg, equals - arg + 1);
          g_string_append_c (line, '"');
          for (const char *p = equals + 1; *p != '\0'; p++)
            {
              if (*p == '"' || *p == '\\')
                g_string_append_c (line, '\\');
              g_string_append_c (line, *p);
            }
          g_string_append_c (line, '"');
        }
      else
        g_string_append (line, arg);
    }

  return g_string_free (line, FALSE);
}

static gboolean
is_graph_file (char **args)
{
  return args[0] != NULL && args[1] == NULL &&
         (g_str_has_suffix (args[0], ".json") || g_str_has_suffix (args[0], ".JSON") ||
          g_file_test (args[0], G_FILE_TEST_IS_REGULAR));
}

static void
print_final_stats (Launch *launch)
{
  double elapsed = (g_get_monotonic_time () - launch->started_at) / (double) G_USEC_PER_SEC;
  g_autofree char *seconds = g_strdup_printf ("%.1f", elapsed);

  g_print (_("Stopped after %s s.\n"), seconds);
  for (guint i = 0; launch->links[i] != NULL; i++)
    {
      g_autofree char *text = format_link (launch->runtime, launch->links[i], FALSE, TRUE);

      g_print ("  %s\n", text);
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SlRuntime) runtime = NULL;
  g_autoptr(SlGraph) graph = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Launch launch = { 0, };
  double duration = -1;
  gboolean ok;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname (PROGRAM_NAME);

  context = g_option_context_new (_("— run a streamlib graph"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Runs the graph a launch line describes, such as\n"
                                  "  streamlib-launch 'test-source num-frames=100 ! passthrough ! counter-sink'\n"
                                  "or the graph in a JSON file (GRAPH.json), and prints live link statistics.\n"
                                  "\n"
                                  "The run ends on Ctrl-C (or SIGTERM), after --duration, or once every\n"
                                  "processor has reached its end of stream by itself (every source produced\n"
                                  "the frames it counts, such as test-source num-frames=N, and they all went\n"
                                  "through). It drains first, so no frame is lost and files are finalised;\n"
                                  "a second Ctrl-C exits at once."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (error->message);

  if (show_version)
    {
      g_print ("%s %s\n", PROGRAM_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (arguments == NULL || arguments[0] == NULL)
    {
      g_printerr ("%s: %s\n", PROGRAM_NAME,
                  _("Give a launch line or a graph file; see “streamlib-launch --help”"));
      return EXIT_FAILURE;
    }
  if (duration_text != NULL)
    {
      char *end = NULL;

      duration = g_ascii_strtod (duration_text, &end);
      if (end == duration_text || *end != '\0' || !(duration >= 0 && duration * 1000 <= G_MAXUINT))
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not a duration: give a number of seconds, such as 2.5"),
                             duration_text);

          return fail (message);
        }
    }

  runtime = sl_runtime_new ();
  if (is_graph_file (arguments))
    ok = sl_runtime_load_from_file (runtime, arguments[0], &error);
  else
    {
      g_autofree char *line = join_arguments (arguments);

      ok = sl_runtime_parse_launch (runtime, line, &error);
    }
  if (!ok)
    return fail (error->message);

  graph = sl_runtime_get_graph (runtime);
  if (print_json)
    {
      g_autofree char *json = sl_graph_to_json (graph);

      fputs (json, stdout);
      fputs ("\n", stdout);
      fflush (stdout);
    }
  if (dot_file != NULL)
    {
      g_autofree char *dot = sl_graph_to_dot (graph);

      if (!g_file_set_contents (dot_file, dot, -1, &error))
        return fail (error->message);
    }

  loop = g_main_loop_new (NULL, FALSE);
  launch.runtime = runtime;
  launch.loop = loop;
  launch.links = sl_graph_list_links (graph);
  launch.quiet = quiet;
  launch.tty = isatty (STDOUT_FILENO);

  g_signal_connect (runtime, "error", G_CALLBACK (on_runtime_error), &launch);
  g_signal_connect (runtime, "eos", G_CALLBACK (on_runtime_eos), &launch);

  launch.started_at = g_get_monotonic_time ();
  if (!sl_runtime_start (runtime, &error))
    return fail (error->message);

  launch.sigint_id = g_unix_signal_add (SIGINT, on_unix_signal, &launch);
  launch.sigterm_id = g_unix_signal_add (SIGTERM, on_unix_signal, &launch);
  if (!quiet)
    launch.stats_id = g_timeout_add (STATS_INTERVAL_MS, print_stats, &launch);
  if (duration >= 0)
    launch.duration_id = g_timeout_add ((guint) (duration * 1000), on_duration, &launch);

  g_main_loop_run (loop);

  g_clear_handle_id (&launch.stats_id, g_source_remove);
  g_clear_handle_id (&launch.duration_id, g_source_remove);
  g_clear_handle_id (&launch.sigint_id, g_source_remove);
  g_clear_handle_id (&launch.sigterm_id, g_source_remove);

  /* Signals the runtime queued while it stopped (the drain's checks). */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  launch_close_line (&launch);
  if (!quiet)
    print_final_stats (&launch);

  g_signal_handlers_disconnect_by_data (runtime, &launch);
  g_strfreev (launch.links);
  return launch.failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
