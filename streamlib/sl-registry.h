/* sl-registry.h: processor factories
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_INSIDE__) && !defined(STREAMLIB_COMPILATION)
#error "Only <streamlib/streamlib.h> can be included directly."
#endif

#include <glib-object.h>

#include "sl-version-macros.h"

G_BEGIN_DECLS

#define SL_TYPE_REGISTRY (sl_registry_get_type ())

SL_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SlRegistry, sl_registry, SL, REGISTRY, GObject)

/**
 * SL_PLUGIN_INIT_SYMBOL:
 *
 * The name of the function a processor plugin module exports:
 *
 * ```c
 * G_MODULE_EXPORT gboolean
 * sl_plugin_init (SlRegistry *registry, GError **error);
 * ```
 *
 * It registers the module's factories with sl_registry_register().
 *
 * Since: 1.0
 */
#define SL_PLUGIN_INIT_SYMBOL "sl_plugin_init"

/**
 * SlPluginInitFunc:
 * @registry: the registry loading the module
 * @error: return location for a #GError
 *
 * The signature of a plugin module's `sl_plugin_init` function.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
typedef gboolean (*SlPluginInitFunc) (SlRegistry  *registry,
                                      GError     **error);

SL_AVAILABLE_IN_1_0
SlRegistry  *sl_registry_new                 (void);
SL_AVAILABLE_IN_1_0
SlRegistry  *sl_registry_new_empty           (void);
SL_AVAILABLE_IN_1_0
gboolean     sl_registry_register            (SlRegistry   *self,
                                              const char   *factory,
                                              GType         type,
                                              GError      **error);
SL_AVAILABLE_IN_1_0
gboolean     sl_registry_unregister          (SlRegistry   *self,
                                              const char   *factory);
SL_AVAILABLE_IN_1_0
GType        sl_registry_lookup              (SlRegistry   *self,
                                              const char   *factory);
SL_AVAILABLE_IN_1_0
char       **sl_registry_list_factories      (SlRegistry   *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
void         sl_registry_add_search_path     (SlRegistry   *self,
                                              const char   *path);
SL_AVAILABLE_IN_1_0
char       **sl_registry_get_search_path     (SlRegistry   *self) G_GNUC_WARN_UNUSED_RESULT;
SL_AVAILABLE_IN_1_0
gboolean     sl_registry_load_plugin         (SlRegistry   *self,
                                              const char   *path,
                                              GError      **error);
SL_AVAILABLE_IN_1_0
guint        sl_registry_scan                (SlRegistry   *self,
                                              GError      **error);

G_END_DECLS
