/* test-registry.c: SlRegistry, factories and plugin modules
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <glib/gstdio.h>
#include <gmodule.h>
#include <unistd.h>
#include <streamlib/streamlib.h>

#include "test-processors.h"
/* GMutex/GCond wrappers that ThreadSanitizer sees, as the library uses. */
#include "sl-lock-private.h"

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define EMPTY_STRV ((const char * const[]) { NULL })

/* Set by tests/c/meson.build: the built plugin modules. */
#ifndef TEST_PLUGIN_GOOD
#error "TEST_PLUGIN_GOOD must be defined"
#endif

#define TEST_PLUGIN_FACTORY "test-plugin-proc"
#define TEST_PLUGIN_FAILURE_MESSAGE "the test plugin refuses to initialise"

#define assert_error_names(error, domain, code, name) \
  G_STMT_START { \
    g_assert_error ((error), (domain), (code)); \
    if (strstr ((error)->message, (name)) == NULL) \
      g_printerr ("error message “%s” does not name “%s”\n", (error)->message, (name)); \
    g_assert_nonnull (strstr ((error)->message, (name))); \
  } G_STMT_END

/* The registry's factories are @expected, in this (sorted) order. */
static void
assert_factories (SlRegistry         *registry,
                  const char * const *expected)
{
  g_auto(GStrv) factories = sl_registry_list_factories (registry);

  g_assert_true (test_strv_is_sorted (expected));
  g_assert_cmpstrv (factories, expected);
}

/* An abstract processor type: not registrable. */

#define TEST_TYPE_ABSTRACT_PROC (test_abstract_proc_get_type ())
G_DECLARE_DERIVABLE_TYPE (TestAbstractProc, test_abstract_proc, TEST, ABSTRACT_PROC, SlProcessor)

struct _TestAbstractProcClass
{
  SlProcessorClass parent_class;
};

G_DEFINE_ABSTRACT_TYPE (TestAbstractProc, test_abstract_proc, SL_TYPE_PROCESSOR)

static void
test_abstract_proc_class_init (TestAbstractProcClass *klass)
{
}

static void
test_abstract_proc_init (TestAbstractProc *self)
{
}

/* Factories */

static void
test_register_lookup (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (sl_registry_lookup (registry, "video-source"), ==, G_TYPE_INVALID);

  g_assert_true (sl_registry_register (registry, "video-source", TEST_TYPE_VIDEO_SOURCE, &error));
  g_assert_no_error (error);
  g_assert_true (sl_registry_register (registry, "any-sink", TEST_TYPE_ANY_SINK, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (sl_registry_lookup (registry, "video-source"), ==, TEST_TYPE_VIDEO_SOURCE);
  g_assert_cmpuint (sl_registry_lookup (registry, "any-sink"), ==, TEST_TYPE_ANY_SINK);
  g_assert_cmpuint (sl_registry_lookup (registry, "video"), ==, G_TYPE_INVALID);
  g_assert_cmpuint (sl_registry_lookup (registry, "VIDEO-SOURCE"), ==, G_TYPE_INVALID);

  /* One type may have several names. */
  g_assert_true (sl_registry_register (registry, "camera", TEST_TYPE_VIDEO_SOURCE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sl_registry_lookup (registry, "camera"), ==, TEST_TYPE_VIDEO_SOURCE);

  /* The test helper registers everything. */
  {
    g_autoptr(SlRegistry) helper = test_registry_new ();

    g_assert_cmpuint (sl_registry_lookup (helper, TEST_FACTORY_TWO_IN), ==, TEST_TYPE_TWO_IN);
    g_assert_cmpuint (sl_registry_lookup (helper, TEST_FACTORY_AUDIO_SOURCE), ==, TEST_TYPE_AUDIO_SOURCE);
  }
}

static void
test_list_sorted (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;

  assert_factories (registry, EMPTY_STRV);

  test_processors_register (registry);
  assert_factories (registry, STRV ("any-sink", "audio-source", "two-in", "video-filter", "video-source"));

  /* Names that sort differently from their registration order. */
  g_assert_true (sl_registry_register (registry, "zz-last", TEST_TYPE_ANY_SINK, &error));
  g_assert_no_error (error);
  g_assert_true (sl_registry_register (registry, "aa-first", TEST_TYPE_ANY_SINK, &error));
  g_assert_no_error (error);
  g_assert_true (sl_registry_register (registry, "m", TEST_TYPE_ANY_SINK, &error));
  g_assert_no_error (error);
  assert_factories (registry, STRV ("aa-first", "any-sink", "audio-source", "m", "two-in",
                                    "video-filter", "video-source", "zz-last"));
}

static void
test_unregister (void)
{
  g_autoptr(SlRegistry) registry = test_registry_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_registry_unregister (registry, TEST_FACTORY_VIDEO_FILTER));
  g_assert_cmpuint (sl_registry_lookup (registry, TEST_FACTORY_VIDEO_FILTER), ==, G_TYPE_INVALID);
  g_assert_false (sl_registry_unregister (registry, TEST_FACTORY_VIDEO_FILTER));
  g_assert_false (sl_registry_unregister (registry, "never-registered"));

  assert_factories (registry, STRV ("any-sink", "audio-source", "two-in", "video-source"));

  /* The name is free again, for any type. */
  g_assert_true (sl_registry_register (registry, TEST_FACTORY_VIDEO_FILTER, TEST_TYPE_TWO_IN, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sl_registry_lookup (registry, TEST_FACTORY_VIDEO_FILTER), ==, TEST_TYPE_TWO_IN);
}

static void
test_unregister_keeps_nodes (void)
{
  g_autoptr(SlRegistry) registry = test_registry_new ();
  g_autoptr(SlGraph) graph = sl_graph_new (registry);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (sl_graph_add_node (graph, TEST_FACTORY_VIDEO_SOURCE, "src", &error));
  g_assert_no_error (error);
  g_assert_true (sl_registry_unregister (registry, TEST_FACTORY_VIDEO_SOURCE));

  /* Nodes already made are not affected; new ones cannot be made. */
  g_assert_true (sl_graph_has_node (graph, "src"));
  g_assert_true (sl_graph_set_node_property_from_string (graph, "src", "level", "3", &error));
  g_assert_no_error (error);
  g_assert_null (sl_graph_add_node (graph, TEST_FACTORY_VIDEO_SOURCE, "src2", &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_UNKNOWN_FACTORY, TEST_FACTORY_VIDEO_SOURCE);
}

static void
test_register_not_a_processor (void)
{
  g_autoptr(SlRegistry) registry = test_registry_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_registry_register (registry, "plain-object", G_TYPE_OBJECT, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "plain-object");
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "GObject");
  g_assert_cmpuint (sl_registry_lookup (registry, "plain-object"), ==, G_TYPE_INVALID);
  g_clear_error (&error);

  g_assert_false (sl_registry_register (registry, "an-int", G_TYPE_INT, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "an-int");
  g_clear_error (&error);

  /* A registry is not a processor either, even though it is a GObject. */
  g_assert_false (sl_registry_register (registry, "registry", SL_TYPE_REGISTRY, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "registry");
  g_clear_error (&error);

  /* Abstract processor types cannot be instantiated. */
  g_assert_false (sl_registry_register (registry, "abstract", TEST_TYPE_ABSTRACT_PROC, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT, "abstract");
  g_assert_cmpuint (sl_registry_lookup (registry, "abstract"), ==, G_TYPE_INVALID);
  g_clear_error (&error);

  /* Nor can an existing name be taken over by a bad type. */
  g_assert_false (sl_registry_register (registry, TEST_FACTORY_ANY_SINK, G_TYPE_OBJECT, &error));
  g_assert_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (sl_registry_lookup (registry, TEST_FACTORY_ANY_SINK), ==, TEST_TYPE_ANY_SINK);

  assert_factories (registry, STRV ("any-sink", "audio-source", "two-in", "video-filter", "video-source"));
}

static void
test_register_duplicate_name (void)
{
  g_autoptr(SlRegistry) registry = test_registry_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_registry_register (registry, TEST_FACTORY_VIDEO_SOURCE, TEST_TYPE_AUDIO_SOURCE, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_DUPLICATE_ID, TEST_FACTORY_VIDEO_SOURCE);

  /* The first registration stands. */
  g_assert_cmpuint (sl_registry_lookup (registry, TEST_FACTORY_VIDEO_SOURCE), ==, TEST_TYPE_VIDEO_SOURCE);
  assert_factories (registry, STRV ("any-sink", "audio-source", "two-in", "video-filter", "video-source"));
}

static void
test_register_same_type_twice (void)
{
  g_autoptr(SlRegistry) registry = test_registry_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_registry_register (registry, TEST_FACTORY_VIDEO_SOURCE, TEST_TYPE_VIDEO_SOURCE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sl_registry_lookup (registry, TEST_FACTORY_VIDEO_SOURCE), ==, TEST_TYPE_VIDEO_SOURCE);
  assert_factories (registry, STRV ("any-sink", "audio-source", "two-in", "video-filter", "video-source"));
}

static void
test_registries_independent (void)
{
  g_autoptr(SlRegistry) one = sl_registry_new_empty ();
  g_autoptr(SlRegistry) two = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;

  /* No process-wide state: the same name can mean different types. */
  g_assert_true (sl_registry_register (one, "thing", TEST_TYPE_VIDEO_SOURCE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sl_registry_lookup (two, "thing"), ==, G_TYPE_INVALID);
  g_assert_true (sl_registry_register (two, "thing", TEST_TYPE_ANY_SINK, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sl_registry_lookup (one, "thing"), ==, TEST_TYPE_VIDEO_SOURCE);
  g_assert_cmpuint (sl_registry_lookup (two, "thing"), ==, TEST_TYPE_ANY_SINK);
}

/* Search path */

static void
test_search_path_empty (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_auto(GStrv) path = sl_registry_get_search_path (registry);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstrv (path, EMPTY_STRV);
  g_assert_cmpuint (sl_registry_scan (registry, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_search_path_add (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_auto(GStrv) path = NULL;

  sl_registry_add_search_path (registry, "/first");
  sl_registry_add_search_path (registry, "/second");
  sl_registry_add_search_path (registry, "/first");   /* not twice */
  sl_registry_add_search_path (registry, "/does/not/exist");

  path = sl_registry_get_search_path (registry);
  g_assert_cmpstrv (path, STRV ("/first", "/second", "/does/not/exist"));
}

static void
test_search_path_from_env (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SlRegistry) registry = NULL;
      g_auto(GStrv) path = NULL;
      g_autofree char *env = g_strjoin (G_SEARCHPATH_SEPARATOR_S,
                                        "/sl-test/one", "", "/sl-test/two", "/sl-test/one", NULL);
      guint one, two;

      g_assert_true (g_setenv ("STREAMLIB_PLUGIN_PATH", env, TRUE));
      registry = sl_registry_new ();
      path = sl_registry_get_search_path (registry);

      /* Both directories, in order, once each; the empty entry skipped; and
       * the installed directory too. */
      g_assert_true (g_strv_contains ((const char * const *) path, "/sl-test/one"));
      g_assert_true (g_strv_contains ((const char * const *) path, "/sl-test/two"));
      g_assert_false (g_strv_contains ((const char * const *) path, ""));
      g_assert_cmpuint (g_strv_length (path), ==, 3);
      for (one = 0; !g_str_equal (path[one], "/sl-test/one"); one++)
        ;
      for (two = 0; !g_str_equal (path[two], "/sl-test/two"); two++)
        ;
      g_assert_cmpuint (one, <, two);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_search_path_without_env (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SlRegistry) registry = NULL;
      g_auto(GStrv) path = NULL;

      g_unsetenv ("STREAMLIB_PLUGIN_PATH");
      registry = sl_registry_new ();
      path = sl_registry_get_search_path (registry);

      /* Only the installed processor directory. */
      g_assert_cmpuint (g_strv_length (path), ==, 1);
      g_assert_true (g_path_is_absolute (path[0]));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Plugin modules */

/* A temporary directory holding symbolic links to @modules (same files, so
 * loading them again in this process gives the same module). */
static char *
make_plugin_dir (const char * const *modules)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sl-test-plugins-XXXXXX", &error);

  g_assert_no_error (error);
  for (guint i = 0; modules[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (modules[i]);
      g_autofree char *path = g_build_filename (dir, base, NULL);

      g_assert_cmpint (symlink (modules[i], path), ==, 0);
    }

  return dir;
}

static void
remove_plugin_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_plugin_load (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SlGraph) graph = NULL;
  GType type;

  g_assert_true (sl_registry_load_plugin (registry, TEST_PLUGIN_GOOD, &error));
  g_assert_no_error (error);

  type = sl_registry_lookup (registry, TEST_PLUGIN_FACTORY);
  g_assert_cmpuint (type, !=, G_TYPE_INVALID);
  g_assert_true (g_type_is_a (type, SL_TYPE_PROCESSOR));
  assert_factories (registry, STRV (TEST_PLUGIN_FACTORY));

  /* Its ports are usable from a graph. */
  graph = sl_graph_new (registry);
  g_assert_nonnull (sl_graph_add_node (graph, TEST_PLUGIN_FACTORY, "a", &error));
  g_assert_no_error (error);
  g_assert_nonnull (sl_graph_add_node (graph, TEST_PLUGIN_FACTORY, "b", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sl_graph_link (graph, "a", "b", &error), ==, "a.out->b.in");
  g_assert_no_error (error);

  /* Loading it again does nothing, and neither does a second registry. */
  g_assert_true (sl_registry_load_plugin (registry, TEST_PLUGIN_GOOD, &error));
  g_assert_no_error (error);
  {
    g_autoptr(SlRegistry) other = sl_registry_new_empty ();

    g_assert_true (sl_registry_load_plugin (other, TEST_PLUGIN_GOOD, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (sl_registry_lookup (other, TEST_PLUGIN_FACTORY), ==, type);
  }
}

static void
test_plugin_missing_symbol (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_registry_load_plugin (registry, TEST_PLUGIN_NO_INIT, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_PLUGIN, TEST_PLUGIN_NO_INIT);
  assert_error_names (error, SL_ERROR, SL_ERROR_PLUGIN, SL_PLUGIN_INIT_SYMBOL);
  assert_factories (registry, EMPTY_STRV);
}

static void
test_plugin_init_fails (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;

  g_assert_false (sl_registry_load_plugin (registry, TEST_PLUGIN_FAILING, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_PLUGIN, TEST_PLUGIN_FAILING);
  assert_error_names (error, SL_ERROR, SL_ERROR_PLUGIN, TEST_PLUGIN_FAILURE_MESSAGE);
  g_clear_error (&error);

  /* Trying again fails again: a failed module is not remembered as loaded. */
  g_assert_false (sl_registry_load_plugin (registry, TEST_PLUGIN_FAILING, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_PLUGIN, TEST_PLUGIN_FAILURE_MESSAGE);
}

static void
test_plugin_init_fails_silently (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;

  /* An init function that returns FALSE without an error still gives one. */
  g_assert_false (sl_registry_load_plugin (registry, TEST_PLUGIN_SILENT, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_PLUGIN, TEST_PLUGIN_SILENT);
}

static void
test_plugin_nonexistent (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_plugin_dir (EMPTY_STRV);
  g_autofree char *path = g_build_filename (dir, "libnothing-here.so", NULL);

  g_assert_false (sl_registry_load_plugin (registry, path, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_PLUGIN, path);

  remove_plugin_dir (dir);
}

static void
test_plugin_not_a_module (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_plugin_dir (EMPTY_STRV);
  g_autofree char *path = g_build_filename (dir, "libnot-elf.so", NULL);

  g_assert_true (g_file_set_contents (path, "this is not a shared object\n", -1, &error));
  g_assert_no_error (error);

  g_assert_false (sl_registry_load_plugin (registry, path, &error));
  assert_error_names (error, SL_ERROR, SL_ERROR_PLUGIN, path);

  remove_plugin_dir (dir);
}

static void
test_plugin_scan (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *good_dir = make_plugin_dir (STRV (TEST_PLUGIN_GOOD));
  g_autofree char *missing_dir = g_build_filename (good_dir, "not-there", NULL);
  guint n;

  /* Directories that do not exist are skipped. */
  sl_registry_add_search_path (registry, missing_dir);
  sl_registry_add_search_path (registry, good_dir);

  n = sl_registry_scan (registry, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (sl_registry_lookup (registry, TEST_PLUGIN_FACTORY), !=, G_TYPE_INVALID);

  /* Scanning again loads nothing new, and still succeeds. */
  n = sl_registry_scan (registry, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (sl_registry_lookup (registry, TEST_PLUGIN_FACTORY), !=, G_TYPE_INVALID);

  remove_plugin_dir (good_dir);
}

static void
test_plugin_scan_ignores_other_files (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_plugin_dir (STRV (TEST_PLUGIN_GOOD));
  g_autofree char *text = g_build_filename (dir, "README.txt", NULL);
  g_autofree char *near = g_build_filename (dir, "libalmost.so.1", NULL);

  /* Only files with the module suffix are tried. */
  g_assert_true (g_file_set_contents (text, "not a plugin", -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (near, "not a plugin either", -1, &error));
  g_assert_no_error (error);

  sl_registry_add_search_path (registry, dir);
  g_assert_cmpuint (sl_registry_scan (registry, &error), ==, 1);
  g_assert_no_error (error);

  remove_plugin_dir (dir);
}

static void
test_plugin_scan_bad_dir (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_dir = make_plugin_dir (STRV (TEST_PLUGIN_NO_INIT, TEST_PLUGIN_FAILING));

  sl_registry_add_search_path (registry, bad_dir);
  g_assert_cmpuint (sl_registry_scan (registry, &error), ==, 0);
  g_assert_error (error, SL_ERROR, SL_ERROR_PLUGIN);
  g_assert_nonnull (strstr (error->message, bad_dir));
  assert_factories (registry, EMPTY_STRV);

  remove_plugin_dir (bad_dir);
}

static void
test_plugin_scan_mixed (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *good_dir = make_plugin_dir (STRV (TEST_PLUGIN_GOOD));
  g_autofree char *bad_dir = make_plugin_dir (STRV (TEST_PLUGIN_NO_INIT, TEST_PLUGIN_FAILING));

  /* A module that fails does not stop the others; the failure is reported. */
  sl_registry_add_search_path (registry, bad_dir);
  sl_registry_add_search_path (registry, good_dir);
  g_assert_cmpuint (sl_registry_scan (registry, &error), ==, 1);
  g_assert_error (error, SL_ERROR, SL_ERROR_PLUGIN);
  g_assert_cmpuint (sl_registry_lookup (registry, TEST_PLUGIN_FACTORY), !=, G_TYPE_INVALID);

  remove_plugin_dir (good_dir);
  remove_plugin_dir (bad_dir);
}

static void
test_plugin_lazy_scan (void)
{
  g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
  g_autoptr(SlGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *good_dir = make_plugin_dir (STRV (TEST_PLUGIN_GOOD));

  /* The first lookup loads the plugins on the search path. */
  sl_registry_add_search_path (registry, good_dir);
  graph = sl_graph_new (registry);
  g_assert_nonnull (sl_graph_add_node (graph, TEST_PLUGIN_FACTORY, NULL, &error));
  g_assert_no_error (error);

  remove_plugin_dir (good_dir);
}

static void
test_plugin_lazy_scan_warns (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
      g_autofree char *dir = make_plugin_dir (STRV (TEST_PLUGIN_FAILING));

      /* A failure during the implicit scan is logged, not fatal. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      sl_registry_add_search_path (registry, dir);
      g_assert_cmpuint (sl_registry_lookup (registry, TEST_PLUGIN_FACTORY), ==, G_TYPE_INVALID);
      remove_plugin_dir (dir);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*" TEST_PLUGIN_FAILURE_MESSAGE "*");
}

/* A lookup made while another thread's scan is loading the plugins must see
 * the factories that scan registers, not report them missing. The good
 * test plugin calls a hook from its init function: the hook holds the scan
 * there until the test releases it. */

typedef struct
{
  GMutex      mutex;
  GCond       cond;
  SlRegistry *registry;
  gboolean    in_init;
  gboolean    released;
  gboolean    lookup_done;
  GType       lookup_result;
} ScanRace;

static void
scan_race_hook (SlRegistry *registry)
{
  ScanRace *race = g_object_get_data (G_OBJECT (registry), "scan-race");
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  sl_mutex_lock (&race->mutex);
  race->in_init = TRUE;
  g_cond_broadcast (&race->cond);
  while (!race->released)
    if (!sl_cond_wait_until (&race->cond, &race->mutex, deadline))
      break;
  sl_mutex_unlock (&race->mutex);
}

static gpointer
scan_race_scan_thread (gpointer data)
{
  ScanRace *race = data;

  /* The first lookup scans the search path. */
  return GSIZE_TO_POINTER (sl_registry_lookup (race->registry, TEST_PLUGIN_FACTORY));
}

static gpointer
scan_race_lookup_thread (gpointer data)
{
  ScanRace *race = data;
  GType type = sl_registry_lookup (race->registry, TEST_PLUGIN_FACTORY);

  sl_mutex_lock (&race->mutex);
  race->lookup_done = TRUE;
  race->lookup_result = type;
  g_cond_broadcast (&race->cond);
  sl_mutex_unlock (&race->mutex);

  return NULL;
}

static void
test_plugin_lookup_during_scan (void)
{
  g_autofree char *dir = make_plugin_dir (STRV (TEST_PLUGIN_GOOD));
  ScanRace race = { 0, };
  GThread *scanner, *looker;
  gboolean done_early;
  GType early_result, scanned;
  gint64 deadline;

  g_mutex_init (&race.mutex);
  g_cond_init (&race.cond);
  race.registry = sl_registry_new_empty ();
  sl_registry_add_search_path (race.registry, dir);
  g_object_set_data (G_OBJECT (race.registry), "scan-race", &race);
  g_object_set_data (G_OBJECT (race.registry), "sl-test-plugin-init-hook", (gpointer) scan_race_hook);

  /* Thread 1 scans and stops inside the plugin's init. */
  scanner = g_thread_new ("sl-test-scan", scan_race_scan_thread, &race);
  deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  sl_mutex_lock (&race.mutex);
  while (!race.in_init)
    if (!sl_cond_wait_until (&race.cond, &race.mutex, deadline))
      break;
  g_assert_true (race.in_init);
  sl_mutex_unlock (&race.mutex);

  /* Thread 2 looks the factory up meanwhile. A correct registry makes it
   * wait for the scan; give it a moment to answer early. */
  looker = g_thread_new ("sl-test-lookup", scan_race_lookup_thread, &race);
  deadline = g_get_monotonic_time () + G_TIME_SPAN_MILLISECOND * 500;
  sl_mutex_lock (&race.mutex);
  while (!race.lookup_done)
    if (!sl_cond_wait_until (&race.cond, &race.mutex, deadline))
      break;
  done_early = race.lookup_done;
  early_result = race.lookup_result;
  race.released = TRUE;
  g_cond_broadcast (&race.cond);
  sl_mutex_unlock (&race.mutex);

  scanned = GPOINTER_TO_SIZE (g_thread_join (scanner));
  g_thread_join (looker);
  g_assert_cmpuint (scanned, !=, G_TYPE_INVALID);

  g_assert_false (done_early && early_result == G_TYPE_INVALID);
  g_assert_cmpuint (race.lookup_result, ==, scanned);

  g_object_set_data (G_OBJECT (race.registry), "sl-test-plugin-init-hook", NULL);
  g_clear_object (&race.registry);
  g_cond_clear (&race.cond);
  g_mutex_clear (&race.mutex);
  remove_plugin_dir (dir);
}

/* Two different files holding the same module (an installed plugin and the
 * same plugin in a build tree, say) on the search path: the second must be
 * skipped or refused, not make GLib warn about a type registered twice. */

static void
copy_module (const char *source,
             const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *base = g_path_get_basename (source);
  g_autofree char *path = g_build_filename (dir, base, NULL);
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
}

static void
test_plugin_same_module_twice (void)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(SlRegistry) registry = sl_registry_new_empty ();
      g_autoptr(GError) error = NULL;

      sl_registry_add_search_path (registry, g_getenv ("SL_TEST_DUPLICATE_DIR_1"));
      sl_registry_add_search_path (registry, g_getenv ("SL_TEST_DUPLICATE_DIR_2"));
      g_assert_cmpuint (sl_registry_scan (registry, &error), >=, 1);
      g_assert_cmpuint (sl_registry_lookup (registry, TEST_PLUGIN_FACTORY), !=, G_TYPE_INVALID);
      return;
    }

  first = make_plugin_dir (EMPTY_STRV);
  second = make_plugin_dir (EMPTY_STRV);
  copy_module (TEST_PLUGIN_GOOD, first);
  copy_module (TEST_PLUGIN_GOOD, second);
  g_assert_true (g_setenv ("SL_TEST_DUPLICATE_DIR_1", first, TRUE));
  g_assert_true (g_setenv ("SL_TEST_DUPLICATE_DIR_2", second, TRUE));

  /* In a subprocess: the copies must not be loaded into this process. */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  g_unsetenv ("SL_TEST_DUPLICATE_DIR_1");
  g_unsetenv ("SL_TEST_DUPLICATE_DIR_2");
  remove_plugin_dir (first);
  remove_plugin_dir (second);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/registry/register-lookup", test_register_lookup);
  g_test_add_func ("/registry/list-sorted", test_list_sorted);
  g_test_add_func ("/registry/unregister", test_unregister);
  g_test_add_func ("/registry/unregister/keeps-nodes", test_unregister_keeps_nodes);
  g_test_add_func ("/registry/register/not-a-processor", test_register_not_a_processor);
  g_test_add_func ("/registry/register/duplicate-name", test_register_duplicate_name);
  g_test_add_func ("/registry/register/same-type-twice", test_register_same_type_twice);
  g_test_add_func ("/registry/independent", test_registries_independent);
  g_test_add_func ("/registry/search-path/empty", test_search_path_empty);
  g_test_add_func ("/registry/search-path/add", test_search_path_add);
  g_test_add_func ("/registry/search-path/from-env", test_search_path_from_env);
  g_test_add_func ("/registry/search-path/without-env", test_search_path_without_env);
  g_test_add_func ("/registry/plugin/load", test_plugin_load);
  g_test_add_func ("/registry/plugin/missing-symbol", test_plugin_missing_symbol);
  g_test_add_func ("/registry/plugin/init-fails", test_plugin_init_fails);
  g_test_add_func ("/registry/plugin/init-fails-silently", test_plugin_init_fails_silently);
  g_test_add_func ("/registry/plugin/nonexistent", test_plugin_nonexistent);
  g_test_add_func ("/registry/plugin/not-a-module", test_plugin_not_a_module);
  g_test_add_func ("/registry/plugin/scan", test_plugin_scan);
  g_test_add_func ("/registry/plugin/scan-ignores-other-files", test_plugin_scan_ignores_other_files);
  g_test_add_func ("/registry/plugin/scan-bad-dir", test_plugin_scan_bad_dir);
  g_test_add_func ("/registry/plugin/scan-mixed", test_plugin_scan_mixed);
  g_test_add_func ("/registry/plugin/lazy-scan", test_plugin_lazy_scan);
  g_test_add_func ("/registry/plugin/lazy-scan-warns", test_plugin_lazy_scan_warns);
  g_test_add_func ("/registry/plugin/lookup-during-scan", test_plugin_lookup_during_scan);
  g_test_add_func ("/registry/plugin/same-module-twice", test_plugin_same_module_twice);

  return g_test_run ();
}
