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
#ifdef HAVE_WEBRTC
#include <streamlib-webrtc/streamlib-webrtc.h>
#endif

#define PROGRAM_NAME "streamlib-launch"
#define STATS_INTERVAL_MS 500
/* A save is often several events (truncate, write, close; or write a
 * temporary file, then rename it): the file is read once they stop. */
#define WATCH_SETTLE_MS 100

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

  /* --watch */
  const char   *watch_path;     /* as the user gave it */
  char         *watch_name;     /* its base name, as the directory lists it */
  GFileMonitor *monitor;        /* on the file's directory */
  GBytes       *watch_contents; /* the contents last loaded or rejected */
  guint         reload_id;

  /* --serve */
  GObject      *endpoint;       /* SlWebrtcEndpoint, when serving */
  gboolean      serving_said;   /* the “Serving …” line was printed */
} Launch;

static gboolean print_json;
static char *dot_file;
static char *duration_text;
static gboolean quiet;
static gboolean watch;
static gboolean show_version;
static char *serve_text;
static char *token;
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
  { "watch", 'w', 0, G_OPTION_ARG_NONE, &watch,
    N_("Reload GRAPH.json whenever it changes, applying only what changed"), NULL },
  { "serve", 's', 0, G_OPTION_ARG_STRING, &serve_text,
    N_("Serve WHIP publishers and WHEP viewers (and a player page) on ADDR:PORT"), N_("ADDR:PORT") },
  { "token", 0, 0, G_OPTION_ARG_STRING, &token,
    N_("With --serve: the Bearer token WHIP/WHEP requests must carry"), N_("TOKEN") },
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
  /* The graph being drained is the one that ends: edits no longer apply. */
  g_clear_handle_id (&launch->reload_id, g_source_remove);
  if (launch->monitor != NULL)
    g_file_monitor_cancel (launch->monitor);

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

/* --watch */

static char *
join_ids (GPtrArray *ids)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    {
      if (i > 0)
        g_string_append (list, ", ");
      g_string_append (list, g_ptr_array_index (ids, i));
    }
  return g_string_free (list, FALSE);
}

/* A literal format, so that the compiler checks it. */
#define append_change(summary, format, ids) \
  G_STMT_START { \
    if ((ids)->len > 0) \
      { \
        g_autofree char *list__ = join_ids (ids); \
        if ((summary)->len > 0) \
          g_string_append ((summary), "; "); \
        g_string_append_printf ((summary), (format), list__); \
      } \
  } G_STMT_END

/* What differs between two graphs: “added b; changed src; linked
 * src.out->b.in”. Nodes are compared by their checksum (factory and
 * properties), links by their ends, capacity and overflow policy. */
static char *
describe_changes (SlGraph *before,
                  SlGraph *after)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autoptr(GPtrArray) removed = g_ptr_array_new ();
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GPtrArray) linked = g_ptr_array_new ();
  g_autoptr(GPtrArray) unlinked = g_ptr_array_new ();
  g_autoptr(GPtrArray) reconfigured = g_ptr_array_new ();
  g_auto(GStrv) old_nodes = sl_graph_list_nodes (before);
  g_auto(GStrv) new_nodes = sl_graph_list_nodes (after);
  g_auto(GStrv) old_links = sl_graph_list_links (before);
  g_auto(GStrv) new_links = sl_graph_list_links (after);

  for (guint i = 0; new_nodes[i] != NULL; i++)
    {
      g_autofree char *old_sum = sl_graph_get_node_checksum (before, new_nodes[i]);
      g_autofree char *new_sum = sl_graph_get_node_checksum (after, new_nodes[i]);

      if (old_sum == NULL)
        g_ptr_array_add (added, new_nodes[i]);
      else if (g_strcmp0 (old_sum, new_sum) != 0)
        g_ptr_array_add (changed, new_nodes[i]);
    }
  for (guint i = 0; old_nodes[i] != NULL; i++)
    if (!sl_graph_has_node (after, old_nodes[i]))
      g_ptr_array_add (removed, old_nodes[i]);

  for (guint i = 0; new_links[i] != NULL; i++)
    {
      guint old_capacity = 0, new_capacity = 0;
      SlOverflowPolicy old_policy = 0, new_policy = 0;

      if (!sl_graph_get_link_info (before, new_links[i], NULL, NULL, &old_capacity, &old_policy))
        g_ptr_array_add (linked, new_links[i]);
      else if (sl_graph_get_link_info (after, new_links[i], NULL, NULL, &new_capacity, &new_policy) &&
               (old_capacity != new_capacity || old_policy != new_policy))
        g_ptr_array_add (reconfigured, new_links[i]);
    }
  for (guint i = 0; old_links[i] != NULL; i++)
    if (!sl_graph_has_link (after, old_links[i]))
      g_ptr_array_add (unlinked, old_links[i]);

  /* Translators: in “watch: applied graph.json (added x, y; removed z)”;
   * %s is a list of node ids */
  append_change (summary, _("added %s"), added);
  /* Translators: %s is a list of node ids */
  append_change (summary, _("removed %s"), removed);
  /* Translators: %s is a list of node ids whose factory or properties changed */
  append_change (summary, _("changed %s"), changed);
  /* Translators: %s is a list of link ids (“a.out->b.in”) */
  append_change (summary, _("linked %s"), linked);
  /* Translators: %s is a list of link ids (“a.out->b.in”) */
  append_change (summary, _("unlinked %s"), unlinked);
  /* Translators: %s is a list of link ids whose capacity or overflow policy changed */
  append_change (summary, _("reconfigured %s"), reconfigured);
  if (summary->len == 0)
    g_string_append (summary, _("nothing changed"));

  return g_string_free (g_steal_pointer (&summary), FALSE);
}

static void
watch_reject (Launch     *launch,
              const char *message)
{
  launch_close_line (launch);
  /* Translators: the first %s is the graph file, the second why it was not
   * applied */
  g_printerr (_("watch: %s: %s; keeping the running graph\n"), launch->watch_path, message);
}

/* Loads the watched file into the running runtime, which applies only the
 * difference; a file that does not load changes nothing. */
static gboolean
watch_reload (gpointer user_data)
{
  Launch *launch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(SlGraph) before = NULL;
  g_autoptr(SlGraph) after = NULL;
  g_autofree char *changes = NULL;
  char *data = NULL;
  gsize length = 0;

  launch->reload_id = 0;
  if (launch->draining)
    return G_SOURCE_REMOVE;

  if (!g_file_get_contents (launch->watch_path, &data, &length, &error))
    {
      /* Between the two steps of a save by rename, or removed: the next
       * version will come with its own event. */
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        watch_reject (launch, error->message);
      return G_SOURCE_REMOVE;
    }
  contents = g_bytes_new_take (data, length);

  /* Saved again as it was (or a change of its attributes only). */
  if (launch->watch_contents != NULL && g_bytes_equal (contents, launch->watch_contents))
    return G_SOURCE_REMOVE;
  g_clear_pointer (&launch->watch_contents, g_bytes_unref);
  launch->watch_contents = g_bytes_ref (contents);

  before = sl_runtime_get_graph (launch->runtime);
  if (!sl_runtime_load_from_data (launch->runtime, data, length, &error))
    {
      watch_reject (launch, error->message);
      return G_SOURCE_REMOVE;
    }
  after = sl_runtime_get_graph (launch->runtime);

  g_strfreev (launch->links);
  launch->links = sl_graph_list_links (after);

  changes = describe_changes (before, after);
  launch_close_line (launch);
  /* Translators: the first %s is the graph file, the second what changed
   * (“added x; linked a.out->x.in”) */
  g_print (_("watch: applied %s (%s)\n"), launch->watch_path, changes);
  return G_SOURCE_REMOVE;
}

static gboolean
is_watched_file (Launch *launch,
                 GFile  *file)
{
  g_autofree char *name = NULL;

  if (file == NULL)
    return FALSE;
  name = g_file_get_basename (file);
  return g_strcmp0 (name, launch->watch_name) == 0;
}

static void
on_watch_event (GFileMonitor      *monitor,
                GFile             *file,
                GFile             *other_file,
                GFileMonitorEvent  event,
                gpointer           user_data)
{
  Launch *launch = user_data;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:   /* other_file is the new name */
      break;
    default:
      return;
    }

  if (launch->draining || !(is_watched_file (launch, file) || is_watched_file (launch, other_file)))
    return;

  /* Read the file once the save settles. */
  g_clear_handle_id (&launch->reload_id, g_source_remove);
  launch->reload_id = g_timeout_add (WATCH_SETTLE_MS, watch_reload, launch);
}

/* The directory is watched rather than the file: an editor that saves by
 * writing a new file and renaming it over the old one replaces the file a
 * file monitor would watch. */
static gboolean
watch_start (Launch      *launch,
             const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFile) directory = g_file_get_parent (file);

  launch->watch_path = path;
  launch->watch_name = g_file_get_basename (file);
  launch->monitor = g_file_monitor_directory (directory, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (launch->monitor == NULL)
    return FALSE;

  g_signal_connect (launch->monitor, "changed", G_CALLBACK (on_watch_event), launch);
  return TRUE;
}

/* --serve */

/* “127.0.0.1:8080”, “[::1]:8080”, “0.0.0.0:8080”: splits ADDR:PORT. The
 * endpoint checks that ADDR is an IP address. */
static gboolean
parse_serve_address (const char  *text,
                     char       **address,
                     guint       *port,
                     GError     **error)
{
  g_autofree char *host = NULL;
  const char *port_text;
  guint64 number = 0;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close != NULL && close[1] == ':')
        {
          host = g_strndup (text + 1, close - text - 1);
          port_text = close + 2;
        }
    }
  else
    {
      const char *colon = strrchr (text, ':');

      /* An IPv6 address goes in brackets: its own colons are ambiguous. */
      if (colon != NULL && colon > text && memchr (text, ':', colon - text) == NULL)
        {
          host = g_strndup (text, colon - text);
          port_text = colon + 1;
        }
    }

  if (host == NULL || host[0] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not ADDR:PORT (such as 127.0.0.1:8080, [::1]:8080, or 0.0.0.0:8080 "
                     "for every interface)"), text);
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (port_text, 10, 0, G_MAXUINT16, &number, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” in “%s” is not a TCP port (0 to 65535; 0 picks a free one)"),
                   port_text, text);
      return FALSE;
    }

  *address = g_steal_pointer (&host);
  *port = (guint) number;
  return TRUE;
}

#ifdef HAVE_WEBRTC
static void
on_session_opened (SlWebrtcEndpoint *endpoint,
                   const char       *kind,
                   const char       *node_id,
                   const char       *session_id,
                   gpointer          user_data)
{
  Launch *launch = user_data;

  if (launch->quiet)
    return;
  launch_close_line (launch);
  /* Translators: “WHEP session 1f2e… opened on tv”; the first %s is WHIP
   * or WHEP */
  g_print (_("%s session %s opened on %s\n"), strcmp (kind, "whip") == 0 ? "WHIP" : "WHEP",
           session_id, node_id);
}

static void
on_session_closed (SlWebrtcEndpoint *endpoint,
                   const char       *kind,
                   const char       *node_id,
                   const char       *session_id,
                   gpointer          user_data)
{
  Launch *launch = user_data;

  if (launch->quiet)
    return;
  launch_close_line (launch);
  g_print (_("%s session %s on %s closed\n"), strcmp (kind, "whip") == 0 ? "WHIP" : "WHEP",
           session_id, node_id);
}

/* Once every processor is set up, the endpoint serves them: say so, with
 * the URLs of the graph's WHIP and WHEP nodes. A script waits for this
 * line. */
static void
serve_announce_when_ready (Launch *launch)
{
  g_autoptr(SlGraph) graph = NULL;
  g_auto(GStrv) nodes = NULL;
  g_autofree char *url = NULL;

  if (launch->endpoint == NULL || launch->serving_said)
    return;

  graph = sl_runtime_get_graph (launch->runtime);
  nodes = sl_graph_list_nodes (graph);
  for (guint i = 0; nodes[i] != NULL; i++)
    switch (sl_runtime_get_processor_state (launch->runtime, nodes[i]))
      {
      case SL_PROCESSOR_STATE_NONE:
      case SL_PROCESSOR_STATE_SPAWNED:
      case SL_PROCESSOR_STATE_SETTING_UP:
        return;
      default:
        break;
      }

  launch->serving_said = TRUE;
  url = sl_webrtc_endpoint_get_url (SL_WEBRTC_ENDPOINT (launch->endpoint));
  launch_close_line (launch);
  /* Translators: %s is the endpoint's URL; scripts look for “Serving” */
  g_print (_("Serving WHIP/WHEP on %s\n"), url);
  for (guint i = 0; nodes[i] != NULL; i++)
    {
      const char *factory = sl_graph_get_node_factory (graph, nodes[i]);
      g_autofree char *escaped = g_uri_escape_string (nodes[i], NULL, FALSE);

      if (g_strcmp0 (factory, "whep-serve") == 0)
        /* Translators: a WHEP URL and the player page that plays it */
        g_print (_("  WHEP %swhep/%s  (player: %s?stream=%s)\n"), url, escaped, url, escaped);
      else if (g_strcmp0 (factory, "whip-ingest") == 0)
        g_print ("  WHIP %swhip/%s\n", url, escaped);
    }
  fflush (stdout);
}

static void
on_processor_state_changed (SlRuntime        *runtime,
                            const char       *id,
                            SlProcessorState  state,
                            gpointer          user_data)
{
  serve_announce_when_ready (user_data);
}
#endif

/* Makes the endpoint and binds its address before anything runs, so that a
 * bad address or a port in use fails the launch at once. */
static gboolean
serve_start (Launch      *launch,
             GError     **error)
{
#ifdef HAVE_WEBRTC
  g_autoptr(SlWebrtcEndpoint) endpoint = NULL;
  g_autofree char *address = NULL;
  guint port = 0;

  if (!parse_serve_address (serve_text, &address, &port, error))
    return FALSE;

  endpoint = sl_webrtc_endpoint_new (launch->runtime);
  sl_webrtc_endpoint_set_token (endpoint, token);
  if (!sl_webrtc_endpoint_listen (endpoint, address, port, error))
    return FALSE;

  g_signal_connect (endpoint, "session-opened", G_CALLBACK (on_session_opened), launch);
  g_signal_connect (endpoint, "session-closed", G_CALLBACK (on_session_closed), launch);
  g_signal_connect (launch->runtime, "processor-state-changed",
                    G_CALLBACK (on_processor_state_changed), launch);
  launch->endpoint = G_OBJECT (g_steal_pointer (&endpoint));
  return TRUE;
#else
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       _("--serve needs WebRTC, which this streamlib was built without (-Dwebrtc=enabled)"));
  return FALSE;
#endif
}

static void
serve_stop (Launch *launch)
{
  if (launch->endpoint == NULL)
    return;

#ifdef HAVE_WEBRTC
  g_signal_handlers_disconnect_by_data (launch->endpoint, launch);
  sl_webrtc_endpoint_close (SL_WEBRTC_ENDPOINT (launch->endpoint));
#endif
  g_clear_object (&launch->endpoint);
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
                                  "a second Ctrl-C exits at once.\n"
                                  "\n"
                                  "With --watch, each time GRAPH.json is saved the running graph is changed\n"
                                  "to match it: only the processors and links that changed are touched. An\n"
                                  "edit that does not load is reported and the running graph is kept.\n"
                                  "\n"
                                  "With --serve ADDR:PORT, a WHIP/WHEP endpoint serves the graph: WebRTC\n"
                                  "publishers POST to /whip/ID of a whip-ingest node, viewers to /whep/ID\n"
                                  "of a whep-serve node, and a browser plays those at / (the player page).\n"
                                  "  streamlib-launch --serve 127.0.0.1:8080 \\\n"
                                  "    'whep-serve name=tv  video-test-source ! tv.video  audio-test-source ! tv.audio'\n"
                                  "Once every processor is set up it prints “Serving WHIP/WHEP on URL”."));
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

  if (watch && !is_graph_file (arguments))
    return fail (_("--watch needs a graph file (GRAPH.json), not a launch line"));
  if (token != NULL && serve_text == NULL)
    return fail (_("--token goes with --serve ADDR:PORT"));
  if (serve_text != NULL)
    {
      g_autofree char *address = NULL;
      guint port = 0;

      /* Before anything is built: a typo fails at once. */
      if (!parse_serve_address (serve_text, &address, &port, &error))
        return fail (error->message);
    }

  runtime = sl_runtime_new ();
  launch.runtime = runtime;
  if (is_graph_file (arguments))
    {
      char *data = NULL;
      gsize length = 0;

      /* Watch before reading: a save made in between is not missed. */
      if (watch && !watch_start (&launch, arguments[0], &error))
        return fail (error->message);

      ok = g_file_get_contents (arguments[0], &data, &length, &error);
      if (ok)
        {
          launch.watch_contents = g_bytes_new_take (data, length);
          ok = sl_runtime_load_from_data (runtime, data, length, &error);
        }
    }
  else
    {
      g_autofree char *line = join_arguments (arguments);

      ok = sl_runtime_parse_launch (runtime, line, &error);
    }
  if (!ok)
    {
      g_clear_object (&launch.monitor);
      g_clear_pointer (&launch.watch_name, g_free);
      g_clear_pointer (&launch.watch_contents, g_bytes_unref);
      return fail (error->message);
    }

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
  launch.loop = loop;
  launch.links = sl_graph_list_links (graph);
  launch.quiet = quiet;
  launch.tty = isatty (STDOUT_FILENO);

  g_signal_connect (runtime, "error", G_CALLBACK (on_runtime_error), &launch);
  g_signal_connect (runtime, "eos", G_CALLBACK (on_runtime_eos), &launch);

  if (serve_text != NULL && !serve_start (&launch, &error))
    {
      g_clear_object (&launch.monitor);
      g_clear_pointer (&launch.watch_name, g_free);
      g_clear_pointer (&launch.watch_contents, g_bytes_unref);
      g_strfreev (launch.links);
      return fail (error->message);
    }

  launch.started_at = g_get_monotonic_time ();
  if (!sl_runtime_start (runtime, &error))
    {
      serve_stop (&launch);
      return fail (error->message);
    }
#ifdef HAVE_WEBRTC
  serve_announce_when_ready (&launch);
#endif

  launch.sigint_id = g_unix_signal_add (SIGINT, on_unix_signal, &launch);
  launch.sigterm_id = g_unix_signal_add (SIGTERM, on_unix_signal, &launch);
  if (!quiet)
    launch.stats_id = g_timeout_add (STATS_INTERVAL_MS, print_stats, &launch);
  if (duration >= 0)
    launch.duration_id = g_timeout_add ((guint) (duration * 1000), on_duration, &launch);

  g_main_loop_run (loop);

  g_clear_handle_id (&launch.stats_id, g_source_remove);
  g_clear_handle_id (&launch.reload_id, g_source_remove);
  g_clear_handle_id (&launch.duration_id, g_source_remove);
  g_clear_handle_id (&launch.sigint_id, g_source_remove);
  g_clear_handle_id (&launch.sigterm_id, g_source_remove);

  /* Signals the runtime queued while it stopped (the drain's checks). */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* Every session is closed by now (their processors were torn down);
   * the endpoint stops listening. */
  serve_stop (&launch);

  launch_close_line (&launch);
  if (!quiet)
    print_final_stats (&launch);

  g_signal_handlers_disconnect_by_data (runtime, &launch);
  g_clear_object (&launch.monitor);
  g_clear_pointer (&launch.watch_name, g_free);
  g_clear_pointer (&launch.watch_contents, g_bytes_unref);
  g_strfreev (launch.links);
  return launch.failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
