/* sl-registry.c: processor factories
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-library-private.h"

#include <glib/gi18n-lib.h>
#include <gmodule.h>

#include "sl-error.h"
#include "sl-lock-private.h"
#include "sl-processor.h"
#include "sl-registry.h"

/**
 * SlRegistry:
 *
 * Maps factory names (`"passthrough"`, `"video-test-source"`) to processor
 * types.
 *
 * Factories come from plugin modules found on the registry's search path —
 * every directory listed in the `STREAMLIB_PLUGIN_PATH` environment variable,
 * then the installed processor directory — and from types registered at
 * run time with [method@Streamlib.Registry.register], which is how a processor
 * written in Python, JavaScript or Vala joins a graph.
 *
 * Each runtime has its own registry; there is no process-wide one.
 *
 * Threading: every method may be called from any thread.
 *
 * Since: 1.0
 */

struct _SlRegistry
{
  GObject     parent_instance;

  GMutex      mutex;
  GHashTable *factories;     /* factory name → GType */
  GPtrArray  *search_path;   /* char* */
  GHashTable *loaded;        /* basenames of the plugin modules loaded */
  gboolean    scanned;

  /* Held while plugins load, so that a lookup made meanwhile from another
   * thread waits for them instead of missing their factories. Recursive: a
   * plugin's init may look factories up. */
  GRecMutex   scan_mutex;
  gboolean    scanning;
};

G_DEFINE_FINAL_TYPE (SlRegistry, sl_registry, G_TYPE_OBJECT)

static void
sl_registry_finalize (GObject *object)
{
  SlRegistry *self = SL_REGISTRY (object);

  g_clear_pointer (&self->factories, g_hash_table_unref);
  g_clear_pointer (&self->search_path, g_ptr_array_unref);
  g_clear_pointer (&self->loaded, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  g_rec_mutex_clear (&self->scan_mutex);

  G_OBJECT_CLASS (sl_registry_parent_class)->finalize (object);
}

static void
sl_registry_class_init (SlRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sl_registry_finalize;

  _sl_library_init ();
}

static void
sl_registry_init (SlRegistry *self)
{
  g_mutex_init (&self->mutex);
  g_rec_mutex_init (&self->scan_mutex);
  self->factories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->search_path = g_ptr_array_new_with_free_func (g_free);
  self->loaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * sl_registry_new_empty:
 *
 * Creates a registry with no factories and an empty search path.
 *
 * Any thread may call this.
 *
 * Returns: (transfer full): a new registry
 *
 * Since: 1.0
 */
SlRegistry *
sl_registry_new_empty (void)
{
  return g_object_new (SL_TYPE_REGISTRY, NULL);
}

/**
 * sl_registry_new:
 *
 * Creates a registry whose search path is the directories in
 * `STREAMLIB_PLUGIN_PATH` (separated by `G_SEARCHPATH_SEPARATOR`) followed by
 * the installed processor directory. A module found in several directories is
 * loaded from the first, so a build tree can override an installed copy.
 * Plugins are loaded on the first lookup, or explicitly with
 * [method@Streamlib.Registry.scan].
 *
 * Any thread may call this.
 *
 * Returns: (transfer full): a new registry
 *
 * Since: 1.0
 */
SlRegistry *
sl_registry_new (void)
{
  SlRegistry *self = sl_registry_new_empty ();
  const char *env = g_getenv ("STREAMLIB_PLUGIN_PATH");

  if (env != NULL)
    {
      g_auto(GStrv) dirs = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; dirs[i] != NULL; i++)
        if (dirs[i][0] != '\0')
          sl_registry_add_search_path (self, dirs[i]);
    }
  sl_registry_add_search_path (self, SL_PLUGINDIR);

  return self;
}

/**
 * sl_registry_register:
 * @self: a registry
 * @factory: the factory name, as used in graphs
 * @type: a non-abstract subtype of [class@Streamlib.Processor]
 * @error: return location for a #GError
 *
 * Makes @type available under the name @factory.
 *
 * Any thread may call this.
 *
 * Returns: %TRUE on success; %FALSE with %SL_ERROR_DUPLICATE_ID if @factory
 *   is taken by another type, or %SL_ERROR_INVALID_ARGUMENT if @type is not a
 *   processor type
 *
 * Since: 1.0
 */
gboolean
sl_registry_register (SlRegistry  *self,
                      const char  *factory,
                      GType        type,
                      GError     **error)
{
  g_autoptr(SlMutex) locker = NULL;
  gpointer existing;

  g_return_val_if_fail (SL_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (factory != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_type_is_a (type, SL_TYPE_PROCESSOR) || G_TYPE_IS_ABSTRACT (type))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_ARGUMENT,
                   _("Cannot register factory “%s”: type “%s” is not a concrete processor type"),
                   factory, g_type_name (type));
      return FALSE;
    }

  locker = sl_mutex_locker_new (&self->mutex);
  if (g_hash_table_lookup_extended (self->factories, factory, NULL, &existing))
    {
      if (GPOINTER_TO_SIZE (existing) == type)
        return TRUE;

      g_set_error (error, SL_ERROR, SL_ERROR_DUPLICATE_ID,
                   _("A factory named “%s” is already registered"), factory);
      return FALSE;
    }

  g_hash_table_insert (self->factories, g_strdup (factory), GSIZE_TO_POINTER (type));
  return TRUE;
}

/**
 * sl_registry_unregister:
 * @self: a registry
 * @factory: a factory name
 *
 * Removes a factory. Nodes already made from it are not affected.
 *
 * Any thread may call this.
 *
 * Returns: %TRUE if the factory existed
 *
 * Since: 1.0
 */
gboolean
sl_registry_unregister (SlRegistry *self,
                        const char *factory)
{
  g_autoptr(SlMutex) locker = NULL;

  g_return_val_if_fail (SL_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (factory != NULL, FALSE);

  locker = sl_mutex_locker_new (&self->mutex);
  return g_hash_table_remove (self->factories, factory);
}

static guint sl_registry_scan_internal (SlRegistry  *self,
                                        gboolean     warn,
                                        GError     **error);

static void
sl_registry_ensure_scanned (SlRegistry *self)
{
  gboolean scanned;

  sl_mutex_lock (&self->mutex);
  scanned = self->scanned;
  sl_mutex_unlock (&self->mutex);
  if (scanned)
    return;

  g_rec_mutex_lock (&self->scan_mutex);
  sl_mutex_lock (&self->mutex);
  scanned = self->scanned || self->scanning;
  sl_mutex_unlock (&self->mutex);
  if (!scanned)
    sl_registry_scan_internal (self, TRUE, NULL);
  g_rec_mutex_unlock (&self->scan_mutex);
}

/**
 * sl_registry_lookup:
 * @self: a registry
 * @factory: a factory name
 *
 * Looks up the processor type registered as @factory. The first lookup loads
 * the plugins on the search path if [method@Streamlib.Registry.scan] has not
 * run yet.
 *
 * Any thread may call this.
 *
 * Returns: the type, or %G_TYPE_INVALID if there is no such factory
 *
 * Since: 1.0
 */
GType
sl_registry_lookup (SlRegistry *self,
                    const char *factory)
{
  g_autoptr(SlMutex) locker = NULL;

  g_return_val_if_fail (SL_IS_REGISTRY (self), G_TYPE_INVALID);
  g_return_val_if_fail (factory != NULL, G_TYPE_INVALID);

  sl_registry_ensure_scanned (self);

  locker = sl_mutex_locker_new (&self->mutex);
  return GPOINTER_TO_SIZE (g_hash_table_lookup (self->factories, factory));
}

/**
 * sl_registry_list_factories:
 * @self: a registry
 *
 * Lists every factory name, sorted. Loads the plugins first if needed.
 *
 * Any thread may call this.
 *
 * Returns: (transfer full) (array zero-terminated=1): the factory names
 *
 * Since: 1.0
 */
char **
sl_registry_list_factories (SlRegistry *self)
{
  g_autoptr(SlMutex) locker = NULL;
  g_autofree const char **keys = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n_keys;

  g_return_val_if_fail (SL_IS_REGISTRY (self), NULL);

  sl_registry_ensure_scanned (self);

  locker = sl_mutex_locker_new (&self->mutex);
  keys = (const char **) g_hash_table_get_keys_as_array (self->factories, &n_keys);
  g_qsort_with_data (keys, n_keys, sizeof (char *), sl_compare_strings, NULL);
  for (guint i = 0; i < n_keys; i++)
    g_strv_builder_add (builder, keys[i]);

  return g_strv_builder_end (builder);
}

/**
 * sl_registry_add_search_path:
 * @self: a registry
 * @path: (type filename): a directory holding plugin modules
 *
 * Appends a directory to the search path. Call
 * [method@Streamlib.Registry.scan] to load plugins found there after the
 * first scan.
 *
 * Any thread may call this.
 *
 * Since: 1.0
 */
void
sl_registry_add_search_path (SlRegistry *self,
                             const char *path)
{
  g_autoptr(SlMutex) locker = NULL;

  g_return_if_fail (SL_IS_REGISTRY (self));
  g_return_if_fail (path != NULL);

  locker = sl_mutex_locker_new (&self->mutex);
  for (guint i = 0; i < self->search_path->len; i++)
    if (g_str_equal (g_ptr_array_index (self->search_path, i), path))
      return;

  g_ptr_array_add (self->search_path, g_strdup (path));
}

/**
 * sl_registry_get_search_path:
 * @self: a registry
 *
 * Gets the directories searched for plugin modules, in order.
 *
 * Any thread may call this.
 *
 * Returns: (transfer full) (array zero-terminated=1) (element-type filename):
 *   the directories
 *
 * Since: 1.0
 */
char **
sl_registry_get_search_path (SlRegistry *self)
{
  g_autoptr(SlMutex) locker = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SL_IS_REGISTRY (self), NULL);

  locker = sl_mutex_locker_new (&self->mutex);
  for (guint i = 0; i < self->search_path->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->search_path, i));

  return g_strv_builder_end (builder);
}

static gboolean
sl_registry_load_plugin_internal (SlRegistry  *self,
                                  const char  *path,
                                  gboolean    *newly_loaded,
                                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  GModule *module;
  SlPluginInitFunc init = NULL;
  gboolean already;

  *newly_loaded = FALSE;

  sl_mutex_lock (&self->mutex);
  already = g_hash_table_contains (self->loaded, basename);
  sl_mutex_unlock (&self->mutex);
  if (already)
    return TRUE;

  module = g_module_open_full (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL, &local_error);
  if (module == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PLUGIN,
                   _("Cannot load plugin “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  if (!g_module_symbol (module, SL_PLUGIN_INIT_SYMBOL, (gpointer *) &init) || init == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_PLUGIN,
                   _("Plugin “%s” has no %s function"), path, SL_PLUGIN_INIT_SYMBOL);
      g_module_close (module);
      return FALSE;
    }

  /* Types registered by the module outlive any registry. */
  g_module_make_resident (module);

  /* Claimed before init runs, so that a lookup from init does not load the
   * module again. */
  sl_mutex_lock (&self->mutex);
  g_hash_table_add (self->loaded, g_strdup (basename));
  sl_mutex_unlock (&self->mutex);

  if (!init (self, &local_error))
    {
      /* A module that failed is not loaded: trying again tries again. */
      sl_mutex_lock (&self->mutex);
      g_hash_table_remove (self->loaded, basename);
      sl_mutex_unlock (&self->mutex);

      g_set_error (error, SL_ERROR, SL_ERROR_PLUGIN,
                   _("Plugin “%s” failed to initialise: %s"), path,
                   local_error != NULL ? local_error->message : _("no reason given"));
      return FALSE;
    }

  *newly_loaded = TRUE;
  return TRUE;
}

/**
 * sl_registry_load_plugin:
 * @self: a registry
 * @path: (type filename): the path of a plugin module
 * @error: return location for a #GError
 *
 * Loads one plugin module and calls its `sl_plugin_init` function (see
 * %SL_PLUGIN_INIT_SYMBOL), which registers its factories with @self. A module
 * stays loaded for the life of the process, since the types it registers
 * cannot be unloaded. A module is known by its file name: loading a module of
 * the same name again into one registry (the same file, or a copy in another
 * directory) does nothing.
 *
 * Any thread may call this; the module's init function runs on the calling
 * thread, without the registry's lock held.
 *
 * Returns: %TRUE on success; %FALSE with %SL_ERROR_PLUGIN if the module
 *   cannot be opened, lacks the init function, or its init function fails
 *
 * Since: 1.0
 */
gboolean
sl_registry_load_plugin (SlRegistry  *self,
                         const char  *path,
                         GError     **error)
{
  gboolean newly_loaded;

  g_return_val_if_fail (SL_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return sl_registry_load_plugin_internal (self, path, &newly_loaded, error);
}

static guint
sl_registry_scan_internal (SlRegistry  *self,
                           gboolean     warn,
                           GError     **error)
{
  g_auto(GStrv) dirs = NULL;
  guint n_loaded = 0;
  g_autofree char *suffix = g_strconcat (".", G_MODULE_SUFFIX, NULL);

  g_rec_mutex_lock (&self->scan_mutex);
  sl_mutex_lock (&self->mutex);
  self->scanning = TRUE;
  sl_mutex_unlock (&self->mutex);

  dirs = sl_registry_get_search_path (self);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (dirs[i], 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        continue;

      /* In a stable order, whatever the file system's. */
      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, suffix))
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort_with_data (names, sl_compare_strings, NULL);

      for (guint j = 0; j < names->len; j++)
        {
          g_autofree char *path = g_build_filename (dirs[i], g_ptr_array_index (names, j), NULL);
          g_autoptr(GError) local_error = NULL;
          gboolean newly_loaded;

          if (sl_registry_load_plugin_internal (self, path, &newly_loaded, &local_error))
            n_loaded += newly_loaded ? 1 : 0;
          else
            {
              if (warn)
                g_warning ("%s", local_error->message);
              if (error != NULL && *error == NULL)
                g_propagate_error (error, g_steal_pointer (&local_error));
            }
        }
    }

  sl_mutex_lock (&self->mutex);
  self->scanning = FALSE;
  self->scanned = TRUE;
  sl_mutex_unlock (&self->mutex);
  g_rec_mutex_unlock (&self->scan_mutex);

  return n_loaded;
}

/**
 * sl_registry_scan:
 * @self: a registry
 * @error: return location for a #GError
 *
 * Loads every plugin module (a file ending in `.so`, or the platform's module
 * suffix) in each directory of the search path, in order. Directories that do
 * not exist are skipped. A module that fails to load does not stop the
 * others; the first failure is reported in @error. Lookups made from other
 * threads meanwhile wait for the scan to finish.
 *
 * Any thread may call this.
 *
 * Returns: the number of modules this call loaded (modules loaded before are
 *   not counted)
 *
 * Since: 1.0
 */
guint
sl_registry_scan (SlRegistry  *self,
                  GError     **error)
{
  g_return_val_if_fail (SL_IS_REGISTRY (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  return sl_registry_scan_internal (self, FALSE, error);
}
