/* test-tools.c: streamlib-launch and streamlib-inspect, run as programs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#ifdef HAVE_WEBRTC
#include <libsoup/soup.h>
#endif

#include "media-util.h"   /* reading files back with GStreamer */

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MediaInfo, media_info_clear)

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

/* Every wait on a tool is bounded: a hung tool fails the test. */
#define TIMEOUT_SECONDS 30

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
  int       exit_status;   /* -1 if the tool did not exit normally */
  char     *out;
  char     *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static GSubprocessLauncher *
launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  /* The messages quote with “ and ”: make sure they are not transliterated. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  return launcher;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
communicated (GObject      *source,
              GAsyncResult *async_result,
              gpointer      user_data)
{
  Result *result = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), async_result,
                                        &result->out, &result->err, &error);
  g_assert_no_error (error);
  result->done = TRUE;
}

static int
exit_status_of (GSubprocess *subprocess)
{
  if (!g_subprocess_get_if_exited (subprocess))
    return -1;
  return g_subprocess_get_exit_status (subprocess);
}

/* Runs a tool to its end and collects its output. @env holds variable
 * names and values, in pairs. */
static void
run_tool_with_env (const char * const *argv,
                   const char * const *env,
                   Result             *result)
{
  g_autoptr(GSubprocessLauncher) launcher =
    launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strjoinv ("' '", (char **) argv);
  guint timeout_id;

  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);

  g_test_message ("Running '%s'", command);
  subprocess = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &result->timed_out);
  g_subprocess_communicate_utf8_async (subprocess, NULL, NULL, communicated, result);
  while (!result->done && !result->timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (result->timed_out)
    {
      g_subprocess_force_exit (subprocess);
      while (!result->done)
        g_main_context_iteration (NULL, TRUE);
      g_error ("'%s' did not exit within %d s", command, TIMEOUT_SECONDS);
    }
  g_source_remove (timeout_id);

  result->exit_status = exit_status_of (subprocess);
  g_test_message ("exit status %d\n-- stdout\n%s-- stderr\n%s", result->exit_status,
                  result->out, result->err);
}

static void
run_tool (const char * const *argv,
          Result             *result)
{
  run_tool_with_env (argv, NULL, result);
}

#define assert_contains(haystack, needle) \
  G_STMT_START { \
    if (strstr ((haystack), (needle)) == NULL) \
      g_error ("“%s” is not in:\n%s", (needle), (haystack)); \
  } G_STMT_END

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("streamlib-tools-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_temp_dir (const char *dir,
                 const char *file)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);

  g_unlink (path);
  g_rmdir (dir);
}

/* streamlib-inspect */

static void
test_inspect_list (void)
{
  g_auto(Result) result = { 0, };

  run_tool (STRV (STREAMLIB_INSPECT), &result);
  g_assert_cmpint (result.exit_status, ==, 0);
  assert_contains (result.out, "\npassthrough ");
  assert_contains (result.out, "Forwards every frame unchanged\n");
  assert_contains (result.out, "\ntest-source ");
  assert_contains (result.out, "\ncounter-sink ");
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_inspect_factory (void)
{
  g_auto(Result) result = { 0, };

  run_tool (STRV (STREAMLIB_INSPECT, "test-source"), &result);
  g_assert_cmpint (result.exit_status, ==, 0);
  assert_contains (result.out, "Produces numbered empty frames");
  assert_contains (result.out, "continuous");
  assert_contains (result.out, "output out\n");
  assert_contains (result.out, "Caps: ANY");
  assert_contains (result.out, "  num-frames ");
  assert_contains (result.out, "Range: -1 - 9223372036854775807");
  assert_contains (result.out, "Default: -1\n");
  assert_contains (result.out, "  rate ");
  assert_contains (result.out, "readable, writable");
  assert_contains (result.out, "  produced ");
  assert_contains (result.out, "SlProcessor");
}

static void
test_inspect_signals (void)
{
  g_auto(Result) result = { 0, };

  run_tool (STRV (STREAMLIB_INSPECT, "app-sink"), &result);
  g_assert_cmpint (result.exit_status, ==, 0);
  assert_contains (result.out, "input  in\n");
  assert_contains (result.out, "\"new-sample\"");
  assert_contains (result.out, "\"pull-sample\"");
  assert_contains (result.out, "GstSample *");
}

static void
test_inspect_unknown (void)
{
  g_auto(Result) result = { 0, };

  run_tool (STRV (STREAMLIB_INSPECT, "no-such-thing"), &result);
  g_assert_cmpint (result.exit_status, ==, 1);
  g_assert_cmpstr (result.err, ==, "streamlib-inspect: No processor factory named “no-such-thing”\n");
  g_assert_cmpstr (result.out, ==, "");
}

/* streamlib-launch: runs that end by themselves */

static void
test_launch_runs_to_end (void)
{
  g_auto(Result) result = { 0, };

  run_tool (STRV (STREAMLIB_LAUNCH, "test-source num-frames=200 ! passthrough ! counter-sink"), &result);
  g_assert_cmpint (result.exit_status, ==, 0);
  assert_contains (result.out, "test-source0.out->passthrough0.in: pushed 200,");
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_launch_joins_arguments (void)
{
  g_auto(Result) result = { 0, };

  /* As a shell passes an unquoted line. */
  run_tool (STRV (STREAMLIB_LAUNCH, "test-source", "name=src", "num-frames=20", "!", "null-sink"), &result);
  g_assert_cmpint (result.exit_status, ==, 0);
  assert_contains (result.out, "src.out->null-sink0.in: pushed 20,");
}

static void
test_launch_print_json (void)
{
  g_auto(Result) result = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  run_tool (STRV (STREAMLIB_LAUNCH, "--print-json", "--quiet",
                  "test-source name=src num-frames=10 ! null-sink name=sink"), &result);
  g_assert_cmpint (result.exit_status, ==, 0);

  /* With --quiet the JSON is all there is. */
  g_assert_true (json_parser_load_from_data (parser, result.out, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "nodes")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "links")), ==, 1);
  assert_contains (result.out, "\"src.out\"");
}

static void
test_launch_dot (void)
{
  g_auto(Result) result = { 0, };
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "graph.dot", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  run_tool (STRV (STREAMLIB_LAUNCH, "--quiet", "--dot", path,
                  "test-source name=src num-frames=5 ! null-sink name=sink"), &result);
  g_assert_cmpint (result.exit_status, ==, 0);

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "digraph"));
  assert_contains (contents, "\"src\" -> \"sink\"");
  remove_temp_dir (dir, "graph.dot");
}

static void
test_launch_json_file (void)
{
  g_auto(Result) result = { 0, };
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "graph.json", NULL);
  g_autoptr(GError) error = NULL;
  /* Blocking links: every frame arrives, so the counts are exact. */
  const char *json =
    "{ \"nodes\": ["
    "    { \"id\": \"src\", \"factory\": \"test-source\", \"properties\": { \"num-frames\": 50 } },"
    "    { \"id\": \"e\", \"factory\": \"echo\" },"
    "    { \"id\": \"sink\", \"factory\": \"counter-sink\" } ],"
    "  \"links\": ["
    "    { \"from\": \"src.out\", \"to\": \"e.in\", \"overflow\": \"block\" },"
    "    { \"from\": \"e.out\", \"to\": \"sink.in\", \"overflow\": \"block\" } ] }";

  g_assert_true (g_file_set_contents (path, json, -1, &error));
  g_assert_no_error (error);

  run_tool (STRV (STREAMLIB_LAUNCH, path), &result);
  g_assert_cmpint (result.exit_status, ==, 0);
  assert_contains (result.out, "src.out->e.in: pushed 50, popped 50, dropped 0, queued 0");
  assert_contains (result.out, "e.out->sink.in: pushed 100, popped 100, dropped 0, queued 0");
  g_assert_cmpstr (result.err, ==, "");
  remove_temp_dir (dir, "graph.json");
}

static void
test_launch_duration (void)
{
  g_auto(Result) result = { 0, };
  gint64 started = g_get_monotonic_time ();

  /* An endless source: only the duration ends the run. */
  run_tool (STRV (STREAMLIB_LAUNCH, "--duration", "0.3", "test-source rate=1000 ! null-sink"), &result);
  g_assert_cmpint (result.exit_status, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 300 * 1000);
  assert_contains (result.out, "Stopped after");
}

/* streamlib-launch: errors */

static void
test_launch_bad_line (void)
{
  g_auto(Result) result = { 0, };

  run_tool (STRV (STREAMLIB_LAUNCH, "test-source ! ! null-sink"), &result);
  g_assert_cmpint (result.exit_status, ==, 1);
  g_assert_true (g_str_has_prefix (result.err, "streamlib-launch: "));
  assert_contains (result.err, "Unexpected “!” at position 14");
  g_assert_cmpstr (result.out, ==, "");
}

static void
test_launch_unknown_factory (void)
{
  g_auto(Result) result = { 0, };

  run_tool (STRV (STREAMLIB_LAUNCH, "test-source ! no-such-sink"), &result);
  g_assert_cmpint (result.exit_status, ==, 1);
  g_assert_true (g_str_has_prefix (result.err, "streamlib-launch: "));
  assert_contains (result.err, "No processor factory named “no-such-sink”");
}

static void
test_launch_missing_file (void)
{
  g_auto(Result) result = { 0, };

  run_tool (STRV (STREAMLIB_LAUNCH, "/nonexistent/streamlib/graph.json"), &result);
  g_assert_cmpint (result.exit_status, ==, 1);
  g_assert_true (g_str_has_prefix (result.err, "streamlib-launch: "));
  assert_contains (result.err, "graph.json");
}

static void
test_launch_bad_json (void)
{
  g_auto(Result) result = { 0, };
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "bad.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "{ \"nodes\": [ { \"factory\": ", -1, &error));
  g_assert_no_error (error);
  run_tool (STRV (STREAMLIB_LAUNCH, path), &result);
  g_assert_cmpint (result.exit_status, ==, 1);
  g_assert_true (g_str_has_prefix (result.err, "streamlib-launch: "));
  assert_contains (result.err, "Malformed graph JSON");
  remove_temp_dir (dir, "bad.json");
}

static void
test_launch_usage_errors (void)
{
  g_auto(Result) no_line = { 0, };
  g_auto(Result) bad_duration = { 0, };
  g_auto(Result) bad_option = { 0, };

  run_tool (STRV (STREAMLIB_LAUNCH), &no_line);
  g_assert_cmpint (no_line.exit_status, ==, 1);
  g_assert_true (g_str_has_prefix (no_line.err, "streamlib-launch: "));

  run_tool (STRV (STREAMLIB_LAUNCH, "--duration", "soon", "test-source ! null-sink"), &bad_duration);
  g_assert_cmpint (bad_duration.exit_status, ==, 1);
  assert_contains (bad_duration.err, "“soon”");

  run_tool (STRV (STREAMLIB_LAUNCH, "--no-such-option", "test-source ! null-sink"), &bad_option);
  g_assert_cmpint (bad_option.exit_status, ==, 1);
  g_assert_true (g_str_has_prefix (bad_option.err, "streamlib-launch: "));
}

static void
test_launch_processor_error (void)
{
  g_auto(Result) result = { 0, };
  g_autofree char *plugin_path = g_strjoin (G_SEARCHPATH_SEPARATOR_S,
                                            g_getenv ("STREAMLIB_PLUGIN_PATH"),
                                            FAILING_PLUGIN_DIR, NULL);

  /* The sink fails; the source still runs to its end, then the run ends
   * with the error reported and a failure status. */
  run_tool_with_env (STRV (STREAMLIB_LAUNCH, "test-source num-frames=20 ! failing-sink name=sink"),
                     STRV ("STREAMLIB_PLUGIN_PATH", plugin_path), &result);
  g_assert_cmpint (result.exit_status, ==, 1);
  assert_contains (result.err, "ERROR from sink: ");
  assert_contains (result.err, "failing on purpose");
  assert_contains (result.out, "Stopped after");
}

/* streamlib-launch: interrupted */

typedef struct
{
  GDataInputStream *lines;
  char             *line;
  gboolean          done;
} LineRead;

static void
line_read (GObject      *source,
           GAsyncResult *async_result,
           gpointer      user_data)
{
  LineRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->line = g_data_input_stream_read_line_finish_utf8 (read->lines, async_result, NULL, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static void
exited (GObject      *source,
        GAsyncResult *async_result,
        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (source), async_result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static void
check_interrupt (int signum)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  gboolean timed_out = FALSE;
  gboolean done = FALSE;
  guint timeout_id;

  subprocess = g_subprocess_launcher_spawnv (launcher,
                                             STRV (STREAMLIB_LAUNCH, "test-source rate=100 ! null-sink"),
                                             &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (subprocess));
  timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);

  /* The first statistics line says the graph runs and the signal handlers
   * are in place. */
  for (;;)
    {
      LineRead read = { lines, NULL, FALSE };

      g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, line_read, &read);
      while (!read.done && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (timed_out)
        {
          g_subprocess_force_exit (subprocess);
          g_error ("No statistics line within %d s", TIMEOUT_SECONDS);
        }
      if (read.line == NULL)
        g_error ("streamlib-launch closed its output before its first statistics line");

      g_test_message ("line: %s", read.line);
      if (g_str_has_prefix (read.line, "["))
        {
          assert_contains (read.line, "test-source0.out->null-sink0.in: pushed ");
          g_free (read.line);
          break;
        }
      g_free (read.line);
    }

  g_subprocess_send_signal (subprocess, signum);
  g_subprocess_wait_async (subprocess, NULL, exited, &done);
  while (!done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    {
      g_subprocess_force_exit (subprocess);
      g_error ("streamlib-launch did not exit within %d s of signal %d", TIMEOUT_SECONDS, signum);
    }
  g_source_remove (timeout_id);

  g_assert_true (g_subprocess_get_if_exited (subprocess));
  g_assert_cmpint (g_subprocess_get_exit_status (subprocess), ==, 0);
}

static void
test_launch_sigint (void)
{
  check_interrupt (SIGINT);
}

static void
test_launch_sigterm (void)
{
  check_interrupt (SIGTERM);
}


/* streamlib-launch: a run that ends on the runtime's end of stream */

static void
test_launch_ends_on_eos (void)
{
  g_auto(Result) result = { 0, };
  g_auto(MediaInfo) info = { 0, };
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "flipped.webm", NULL);
  g_autofree char *line =
    g_strdup_printf ("video-test-source num-frames=30 is-live=false ! "
                     "gst-filter description=\"videoconvert ! videoflip video-direction=90r\" ! "
                     "file.video file-sink name=file location=\"%s\"", path);

  /* Only the runtime's eos signal can end this run: video-test-source has
   * no “produced” counter to poll, and nothing else ends it. */
  run_tool (STRV (STREAMLIB_LAUNCH, line), &result);
  g_assert_cmpint (result.exit_status, ==, 0);
  g_assert_cmpstr (result.err, ==, "");
  assert_contains (result.out, "video-test-source0.out->gst-filter0.in: pushed 30,");
  assert_contains (result.out, "Stopped after");

  /* The file is finalised, and the filter turned the picture. */
  media_discover (path, &info);
  g_assert_cmpuint (info.n_video, ==, 1);
  g_assert_cmpint (info.width, ==, 240);
  g_assert_cmpint (info.height, ==, 320);
  g_assert_cmpuint (info.duration, >, 0);
  g_assert_cmpuint (media_count_video_frames (path), >=, 1);
  remove_temp_dir (dir, "flipped.webm");
}

/* streamlib-launch: a running tool, read line by line */

enum { OUT, ERR };

typedef struct _Running Running;

typedef struct
{
  Running *running;
  int      which;
} Reader;

struct _Running
{
  GSubprocess      *subprocess;
  char             *command;
  GDataInputStream *streams[2];
  GPtrArray        *lines[2];   /* every line read so far */
  guint             next[2];    /* the first line not yet matched */
  gboolean          eof[2];
  Reader            readers[2];
  gboolean          exited;
};

static void read_next_line (Reader *reader);

static void
line_arrived (GObject      *source,
              GAsyncResult *async_result,
              gpointer      user_data)
{
  Reader *reader = user_data;
  Running *running = reader->running;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (running->streams[reader->which],
                                                          async_result, NULL, &error);

  g_assert_no_error (error);
  if (line == NULL)
    {
      running->eof[reader->which] = TRUE;
      return;
    }
  g_test_message ("%s: %s", reader->which == OUT ? "stdout" : "stderr", line);
  g_ptr_array_add (running->lines[reader->which], line);
  read_next_line (reader);
}

static void
read_next_line (Reader *reader)
{
  g_data_input_stream_read_line_async (reader->running->streams[reader->which], G_PRIORITY_DEFAULT,
                                       NULL, line_arrived, reader);
}

static void
running_exited (GObject      *source,
                GAsyncResult *async_result,
                gpointer      user_data)
{
  Running *running = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (source), async_result, &error);
  g_assert_no_error (error);
  running->exited = TRUE;
}

static Running *
running_start (const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher =
    launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  Running *running = g_new0 (Running, 1);

  running->command = g_strjoinv ("' '", (char **) argv);
  g_test_message ("Starting '%s'", running->command);
  running->subprocess = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  running->streams[OUT] = g_data_input_stream_new (g_subprocess_get_stdout_pipe (running->subprocess));
  running->streams[ERR] = g_data_input_stream_new (g_subprocess_get_stderr_pipe (running->subprocess));
  for (int which = OUT; which <= ERR; which++)
    {
      running->lines[which] = g_ptr_array_new_with_free_func (g_free);
      running->readers[which] = (Reader) { running, which };
      read_next_line (&running->readers[which]);
    }
  g_subprocess_wait_async (running->subprocess, NULL, running_exited, running);
  return running;
}

typedef gboolean (*RunningCondition) (Running *running, gconstpointer data);

/* Iterates the main context until @condition holds, for TIMEOUT_SECONDS at
 * most: then the tool is killed and the test fails. */
static void
running_wait (Running          *running,
              RunningCondition  condition,
              gconstpointer     data,
              const char       *what)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);

  while (!condition (running, data))
    {
      if (timed_out)
        {
          g_subprocess_force_exit (running->subprocess);
          g_error ("'%s': no %s within %d s", running->command, what, TIMEOUT_SECONDS);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (timeout_id);
}

typedef struct
{
  int         which;
  const char *prefix;
  const char *line;   /* out: the line found */
} LineWanted;

static gboolean
has_line (Running       *running,
          gconstpointer  data)
{
  LineWanted *wanted = (LineWanted *) data;
  GPtrArray *lines = running->lines[wanted->which];

  for (; running->next[wanted->which] < lines->len; running->next[wanted->which]++)
    {
      const char *line = g_ptr_array_index (lines, running->next[wanted->which]);

      if (g_str_has_prefix (line, wanted->prefix))
        {
          wanted->line = line;
          running->next[wanted->which]++;
          return TRUE;
        }
    }

  if (running->eof[wanted->which])
    g_error ("'%s' closed its %s without a line starting with “%s”", running->command,
             wanted->which == OUT ? "stdout" : "stderr", wanted->prefix);
  return FALSE;
}

/* The next line of stdout or stderr starting with @prefix, after the last
 * line this found there. */
static const char *
running_wait_line (Running    *running,
                   int         which,
                   const char *prefix)
{
  LineWanted wanted = { which, prefix, NULL };
  g_autofree char *what = g_strdup_printf ("line starting with “%s” on %s", prefix,
                                           which == OUT ? "stdout" : "stderr");

  running_wait (running, has_line, &wanted, what);
  return wanted.line;
}

/* Skips what was printed so far: the next lines waited for come later. */
static void
running_skip (Running *running,
              int      which)
{
  running->next[which] = running->lines[which]->len;
}

static gboolean
has_ended (Running       *running,
           gconstpointer  data)
{
  return running->exited && running->eof[OUT] && running->eof[ERR];
}

/* Sends @signum, waits for the tool to exit and returns its exit status. */
static int
running_stop (Running *running,
              int      signum)
{
  g_subprocess_send_signal (running->subprocess, signum);
  running_wait (running, has_ended, NULL, "exit after the signal");
  return exit_status_of (running->subprocess);
}

static void
running_free (Running *running)
{
  /* Only once it ended: no read is pending any more. */
  g_assert_true (has_ended (running, NULL));
  for (int which = OUT; which <= ERR; which++)
    {
      g_ptr_array_unref (running->lines[which]);
      g_object_unref (running->streams[which]);
    }
  g_object_unref (running->subprocess);
  g_free (running->command);
  g_free (running);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Running, running_free)

/* The count after “LINK: pushed ” in a statistics line. */
static guint64
pushed_on (const char *line,
           const char *link)
{
  g_autofree char *key = g_strdup_printf ("%s: pushed ", link);
  const char *found = strstr (line, key);

  if (found == NULL)
    g_error ("No “%s” in “%s”", key, line);
  return g_ascii_strtoull (found + strlen (key), NULL, 10);
}

/* streamlib-launch --watch */

static void
write_renamed (const char *path,
               const char *contents)
{
  g_autofree char *temporary = g_strconcat (path, ".new", NULL);
  g_autoptr(GError) error = NULL;

  /* As editors that save a new file and rename it over the old one. */
  g_assert_true (g_file_set_contents (temporary, contents, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (temporary, path), ==, 0);
}

static void
write_in_place (const char *path,
                const char *contents)
{
  FILE *file = fopen (path, "w");

  /* As editors that truncate the file and write it again. */
  g_assert_nonnull (file);
  g_assert_cmpint (fputs (contents, file), >=, 0);
  g_assert_cmpint (fclose (file), ==, 0);
}

#define WATCH_GRAPH \
  "{ \"nodes\": [" \
  "    { \"id\": \"src\", \"factory\": \"test-source\", \"properties\": { \"rate\": 500 } }," \
  "    { \"id\": \"sink\", \"factory\": \"counter-sink\" } ]," \
  "  \"links\": [ { \"from\": \"src.out\", \"to\": \"sink.in\" } ] }"

/* A node added, a property changed, a link added. */
#define WATCH_GRAPH_ADDED \
  "{ \"nodes\": [" \
  "    { \"id\": \"src\", \"factory\": \"test-source\", \"properties\": { \"rate\": 400 } }," \
  "    { \"id\": \"sink\", \"factory\": \"counter-sink\" }," \
  "    { \"id\": \"b\", \"factory\": \"counter-sink\" } ]," \
  "  \"links\": [ { \"from\": \"src.out\", \"to\": \"sink.in\" }," \
  "              { \"from\": \"src.out\", \"to\": \"b.in\" } ] }"

/* The node and its link removed, the other link reconfigured. */
#define WATCH_GRAPH_REMOVED \
  "{ \"nodes\": [" \
  "    { \"id\": \"src\", \"factory\": \"test-source\", \"properties\": { \"rate\": 400 } }," \
  "    { \"id\": \"sink\", \"factory\": \"counter-sink\" } ]," \
  "  \"links\": [ { \"from\": \"src.out\", \"to\": \"sink.in\", \"capacity\": 4 } ] }"

typedef struct
{
  const char *what;
  const char *contents;
  const char *message;   /* in the rejection */
} BadEdit;

static const BadEdit bad_edits[] = {
  { "malformed JSON", "{ \"nodes\": [ { \"id\": ", "Malformed graph JSON" },
  { "unknown factory",
    "{ \"nodes\": [ { \"id\": \"src\", \"factory\": \"no-such-factory\" } ], \"links\": [] }",
    "No processor factory named “no-such-factory”" },
  { "bad property value",
    "{ \"nodes\": [ { \"id\": \"src\", \"factory\": \"test-source\","
    "               \"properties\": { \"rate\": \"fast\" } } ], \"links\": [] }",
    "rate" },
  { "cycle",
    "{ \"nodes\": [ { \"id\": \"a\", \"factory\": \"passthrough\" },"
    "               { \"id\": \"b\", \"factory\": \"passthrough\" } ],"
    "  \"links\": [ { \"from\": \"a.out\", \"to\": \"b.in\" },"
    "              { \"from\": \"b.out\", \"to\": \"a.in\" } ] }",
    "cycle" },
};

static void
test_launch_watch (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "graph.json", NULL);
  g_autofree char *applied = g_strdup_printf ("watch: applied %s (", path);
  g_autofree char *rejected = g_strdup_printf ("watch: %s: ", path);
  g_autoptr(Running) running = NULL;
  g_autoptr(GError) error = NULL;
  const char *line;
  guint64 before;

  g_assert_true (g_file_set_contents (path, WATCH_GRAPH, -1, &error));
  g_assert_no_error (error);
  running = running_start (STRV (STREAMLIB_LAUNCH, "--watch", path));

  line = running_wait_line (running, OUT, "[");
  assert_contains (line, "src.out->sink.in: pushed ");

  /* Saved by rename: only the difference is applied, and said. */
  write_renamed (path, WATCH_GRAPH_ADDED);
  line = running_wait_line (running, OUT, "watch: ");
  g_assert_true (g_str_has_prefix (line, applied));
  g_assert_cmpstr (line + strlen (applied), ==, "added b; changed src; linked src.out->b.in)");
  /* The statistics follow the new graph, and frames reach the new sink. */
  line = running_wait_line (running, OUT, "[");
  assert_contains (line, "src.out->sink.in: pushed ");
  assert_contains (line, "src.out->b.in: pushed ");
  while (pushed_on (line, "src.out->b.in") == 0)
    line = running_wait_line (running, OUT, "[");

  /* Saved in place. */
  write_in_place (path, WATCH_GRAPH_REMOVED);
  line = running_wait_line (running, OUT, "watch: ");
  g_assert_true (g_str_has_prefix (line, applied));
  g_assert_cmpstr (line + strlen (applied), ==,
                   "removed b; unlinked src.out->b.in; reconfigured src.out->sink.in)");
  line = running_wait_line (running, OUT, "[");
  g_assert_null (strstr (line, "src.out->b.in"));

  /* Bad edits, in place and by rename: each is reported on stderr and
   * changes nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_edits); i++)
    {
      g_test_message ("Bad edit: %s", bad_edits[i].what);
      if (i % 2 == 0)
        write_in_place (path, bad_edits[i].contents);
      else
        write_renamed (path, bad_edits[i].contents);
      line = running_wait_line (running, ERR, "watch: ");
      g_assert_true (g_str_has_prefix (line, rejected));
      assert_contains (line, bad_edits[i].message);
      g_assert_true (g_str_has_suffix (line, "; keeping the running graph"));
    }

  /* The graph still runs as it was. */
  running_skip (running, OUT);
  line = running_wait_line (running, OUT, "[");
  before = pushed_on (line, "src.out->sink.in");
  g_assert_null (strstr (line, "src.out->b.in"));
  line = running_wait_line (running, OUT, "[");
  g_assert_cmpuint (pushed_on (line, "src.out->sink.in"), >, before);
  g_assert_null (strstr (line, "src.out->b.in"));

  /* Nothing but the rejections on stderr, and none applied. */
  g_assert_cmpuint (running->lines[ERR]->len, ==, G_N_ELEMENTS (bad_edits));

  g_assert_cmpint (running_stop (running, SIGINT), ==, 0);
  running_wait_line (running, OUT, "Stopped after");
  g_assert_cmpuint (running->lines[ERR]->len, ==, G_N_ELEMENTS (bad_edits));
  remove_temp_dir (dir, "graph.json");
}

static void
test_launch_watch_needs_file (void)
{
  g_auto(Result) result = { 0, };

  run_tool (STRV (STREAMLIB_LAUNCH, "--watch", "test-source ! null-sink"), &result);
  g_assert_cmpint (result.exit_status, ==, 1);
  assert_contains (result.err, "streamlib-launch: --watch needs a graph file");
  g_assert_cmpstr (result.out, ==, "");
}

/* streamlib-launch: Ctrl-C drains, and the file written is playable */

static void
test_launch_sigint_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "out.webm", NULL);
  g_autofree char *launch_line =
    g_strdup_printf ("video-test-source is-live=true ! vp8-encoder ! "
                     "file.video file-sink name=file location=\"%s\"", path);
  g_autoptr(Running) running = running_start (STRV (STREAMLIB_LAUNCH, launch_line));
  g_auto(MediaInfo) info = { 0, };
  const char *line;

  /* Interrupted once encoded frames reach the file sink. */
  do
    line = running_wait_line (running, OUT, "[");
  while (pushed_on (line, "vp8-encoder0.out->file.video") == 0);

  g_assert_cmpint (running_stop (running, SIGINT), ==, 0);
  g_assert_cmpuint (running->lines[ERR]->len, ==, 0);
  running_wait_line (running, OUT, "Stopped after");

  media_discover (path, &info);
  g_assert_cmpstr (info.container, ==, "video/webm");
  g_assert_cmpuint (info.n_video, ==, 1);
  g_assert_cmpstr (info.video_caps, ==, "video/x-vp8");
  g_assert_cmpuint (info.duration, >, 0);
  g_assert_cmpuint (media_count_video_frames (path), >=, 1);
  remove_temp_dir (dir, "out.webm");
}

#ifdef HAVE_WEBRTC
/* streamlib-launch --serve */

static void
assert_launch_refused (const char * const *argv,
                       const char         *reason)
{
  g_auto(Result) result = { 0, };

  run_tool (argv, &result);
  g_assert_cmpint (result.exit_status, ==, 1);
  g_assert_true (g_str_has_prefix (result.err, "streamlib-launch: "));
  assert_contains (result.err, reason);
  /* Refused before anything ran or served. */
  g_assert_null (strstr (result.out, "Serving"));
  g_assert_null (strstr (result.out, "Stopped after"));
}

static void
test_launch_serve_errors (void)
{
  g_autoptr(GSocket) busy = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *busy_address = NULL;
  g_autofree char *busy_port = NULL;

  assert_launch_refused (STRV (STREAMLIB_LAUNCH, "--serve", "nonsense", "test-source ! null-sink"),
                         "“nonsense” is not ADDR:PORT");
  assert_launch_refused (STRV (STREAMLIB_LAUNCH, "--serve", "127.0.0.1", "test-source ! null-sink"),
                         "“127.0.0.1” is not ADDR:PORT");
  assert_launch_refused (STRV (STREAMLIB_LAUNCH, "--serve", "::1:8080", "test-source ! null-sink"),
                         "“::1:8080” is not ADDR:PORT");
  assert_launch_refused (STRV (STREAMLIB_LAUNCH, "--serve", "127.0.0.1:99999", "test-source ! null-sink"),
                         "“99999” in “127.0.0.1:99999” is not a TCP port");
  assert_launch_refused (STRV (STREAMLIB_LAUNCH, "--serve", "127.0.0.1:http", "test-source ! null-sink"),
                         "“http”");
  assert_launch_refused (STRV (STREAMLIB_LAUNCH, "--serve", "localhost:8080", "test-source ! null-sink"),
                         "“localhost” is not an IP address");
  assert_launch_refused (STRV (STREAMLIB_LAUNCH, "--token", "t", "test-source ! null-sink"),
                         "--token goes with --serve");

  /* A port in use: named, and nothing runs. */
  busy = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (busy, any_port, FALSE, &error));
  g_assert_true (g_socket_listen (busy, &error));
  bound = g_socket_get_local_address (busy, &error);
  g_assert_no_error (error);
  busy_port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  busy_address = g_strconcat ("127.0.0.1:", busy_port, NULL);
  assert_launch_refused (STRV (STREAMLIB_LAUNCH, "--serve", busy_address, "test-source ! null-sink"),
                         "in use");
  assert_launch_refused (STRV (STREAMLIB_LAUNCH, "--serve", busy_address, "test-source ! null-sink"),
                         busy_port);
}

static guint
http_status (SoupSession *http,
             const char  *method,
             const char  *url,
             const char  *token,
             char       **body,
             char       **header_value,
             const char  *header)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
    }
  bytes = soup_session_send_and_read (http, msg, NULL, &error);
  g_assert_no_error (error);
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (header_value != NULL)
    *header_value = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), header));
  g_test_message ("%s %s → %u", method, url, soup_message_get_status (msg));
  return soup_message_get_status (msg);
}

static void
test_launch_serve (void)
{
  g_autoptr(Running) running =
    running_start (STRV (STREAMLIB_LAUNCH, "--quiet", "--serve", "127.0.0.1:0", "--token", "tools-token",
                         "whep-serve name=tv  video-test-source ! tv.video  audio-test-source ! tv.audio  "
                         "whip-ingest name=in  in.video ! null-sink  in.audio ! null-sink"));
  g_autoptr(SoupSession) http = soup_session_new_with_options ("timeout", TIMEOUT_SECONDS, NULL);
  g_autofree char *url = NULL;
  g_autofree char *streams_url = NULL;
  g_autofree char *whep_url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *page = NULL;
  g_autofree char *accept_post = NULL;
  g_autofree char *expected = NULL;
  const char *line;

  /* The line a script waits for, with the port picked, once the graph is
   * set up. */
  line = running_wait_line (running, OUT, "Serving WHIP/WHEP on http://127.0.0.1:");
  url = g_strdup (line + strlen ("Serving WHIP/WHEP on "));
  g_assert_true (g_str_has_suffix (url, "/"));
  g_assert_cmpuint (strlen (url), >, strlen ("http://127.0.0.1:/"));

  expected = g_strdup_printf ("  WHEP %swhep/tv  (player: %s?stream=tv)", url, url);
  g_assert_cmpstr (running_wait_line (running, OUT, "  WHEP "), ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("  WHIP %swhip/in", url);
  g_assert_cmpstr (running_wait_line (running, OUT, "  WHIP "), ==, expected);

  /* It serves, with the token asked for. */
  streams_url = g_strconcat (url, "streams", NULL);
  g_assert_cmpuint (http_status (http, "GET", streams_url, "tools-token", &body, NULL, NULL), ==, 200);
  g_assert_cmpstr (body, ==, "[\"tv\"]");
  g_assert_cmpuint (http_status (http, "GET", streams_url, NULL, NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (http_status (http, "GET", streams_url, "wrong", NULL, NULL, NULL), ==, 401);
  whep_url = g_strconcat (url, "whep/tv", NULL);
  g_assert_cmpuint (http_status (http, "OPTIONS", whep_url, NULL, NULL, &accept_post, "Accept-Post"), ==, 204);
  g_assert_cmpstr (accept_post, ==, "application/sdp");
  g_assert_cmpuint (http_status (http, "GET", url, NULL, &page, NULL, NULL), ==, 200);
  assert_contains (page, "player.js");

  /* Ctrl-C drains and exits cleanly, the endpoint closed with it. */
  g_assert_cmpint (running_stop (running, SIGINT), ==, 0);
  g_assert_cmpuint (running->lines[ERR]->len, ==, 0);
}
#endif

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add_func ("/tools/inspect/list", test_inspect_list);
  g_test_add_func ("/tools/inspect/factory", test_inspect_factory);
  g_test_add_func ("/tools/inspect/signals", test_inspect_signals);
  g_test_add_func ("/tools/inspect/unknown", test_inspect_unknown);
  g_test_add_func ("/tools/launch/runs-to-end", test_launch_runs_to_end);
  g_test_add_func ("/tools/launch/joins-arguments", test_launch_joins_arguments);
  g_test_add_func ("/tools/launch/print-json", test_launch_print_json);
  g_test_add_func ("/tools/launch/dot", test_launch_dot);
  g_test_add_func ("/tools/launch/json-file", test_launch_json_file);
  g_test_add_func ("/tools/launch/duration", test_launch_duration);
  g_test_add_func ("/tools/launch/bad-line", test_launch_bad_line);
  g_test_add_func ("/tools/launch/unknown-factory", test_launch_unknown_factory);
  g_test_add_func ("/tools/launch/missing-file", test_launch_missing_file);
  g_test_add_func ("/tools/launch/bad-json", test_launch_bad_json);
  g_test_add_func ("/tools/launch/usage-errors", test_launch_usage_errors);
  g_test_add_func ("/tools/launch/processor-error", test_launch_processor_error);
  g_test_add_func ("/tools/launch/sigint", test_launch_sigint);
  g_test_add_func ("/tools/launch/sigterm", test_launch_sigterm);
  g_test_add_func ("/tools/launch/ends-on-eos", test_launch_ends_on_eos);
  g_test_add_func ("/tools/launch/watch", test_launch_watch);
  g_test_add_func ("/tools/launch/watch-needs-file", test_launch_watch_needs_file);
  g_test_add_func ("/tools/launch/sigint-file", test_launch_sigint_file);
#ifdef HAVE_WEBRTC
  g_test_add_func ("/tools/launch/serve-errors", test_launch_serve_errors);
  g_test_add_func ("/tools/launch/serve", test_launch_serve);
#endif

  return g_test_run ();
}
