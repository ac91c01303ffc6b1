/* sl-param-spec.c: string properties whose values a processor checks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SlParamSpecCheckedString: (skip)
 *
 * A string property whose values a function checks, so that a bad value is
 * refused when it is set on a graph node — before any processor instance
 * exists — and the error says what is wrong with it (a bin description that
 * does not parse, an URL that is not http or https, …), not only that the
 * value was refused.
 *
 * `g_param_value_validate()` refuses (and resets to the default) any value
 * the check rejects; [func@Streamlib.param_spec_check_string] gives the
 * reason. A %NULL value is always accepted: it means "unset".
 *
 * Since: 1.0
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sl-error.h"
#include "sl-param-spec-private.h"

typedef struct
{
  GParamSpecString   parent_instance;
  SlStringCheckFunc  check;
} SlParamSpecCheckedString;

static GParamSpecClass *checked_string_parent_class;

static gboolean
checked_string_is_valid (GParamSpec   *pspec,
                         const GValue *value)
{
  SlParamSpecCheckedString *self = (SlParamSpecCheckedString *) pspec;
  const char *text = g_value_get_string (value);

  if (checked_string_parent_class->value_is_valid != NULL &&
      !checked_string_parent_class->value_is_valid (pspec, value))
    return FALSE;

  return text == NULL || self->check == NULL || self->check (text, NULL);
}

static gboolean
checked_string_validate (GParamSpec *pspec,
                         GValue     *value)
{
  SlParamSpecCheckedString *self = (SlParamSpecCheckedString *) pspec;
  gboolean changed = checked_string_parent_class->value_validate (pspec, value);
  const char *text = g_value_get_string (value);

  if (text != NULL && self->check != NULL && !self->check (text, NULL))
    {
      /* Anything but "unchanged" tells the caller the value was refused. */
      g_value_set_string (value, G_PARAM_SPEC_STRING (pspec)->default_value);
      return TRUE;
    }

  return changed;
}

static void
checked_string_class_init (GParamSpecClass *klass,
                           gpointer         class_data)
{
  checked_string_parent_class = g_type_class_peek_parent (klass);
  klass->value_validate = checked_string_validate;
  klass->value_is_valid = checked_string_is_valid;
}

/**
 * sl_param_spec_checked_string_get_type: (skip)
 *
 * Returns: the type of checked string property specs
 *
 * Since: 1.0
 */
GType
sl_param_spec_checked_string_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      const GTypeInfo info = {
        .class_size = sizeof (GParamSpecClass),
        .class_init = (GClassInitFunc) checked_string_class_init,
        .instance_size = sizeof (SlParamSpecCheckedString),
      };
      GType registered = g_type_register_static (G_TYPE_PARAM_STRING,
                                                 g_intern_static_string ("SlParamCheckedString"),
                                                 &info, 0);

      g_once_init_leave (&type, registered);
    }

  return type;
}

/**
 * sl_param_spec_checked_string: (skip)
 * @name: canonical name of the property
 * @nick: (nullable): nick name of the property
 * @blurb: (nullable): description of the property
 * @default_value: (nullable): the default value; @check must accept it
 * @check: (nullable): the function that checks every value set
 * @flags: flags of the property
 *
 * Creates a string property spec whose values @check must accept. Use it in
 * a processor's `class_init` like g_param_spec_string(); the graph then
 * refuses a bad value when it is set, with @check's message.
 *
 * Not available to language bindings (the check is a plain C function): a
 * Python or JavaScript processor validates in its property setter instead.
 *
 * May be called from any thread.
 *
 * Returns: (transfer floating): a new #GParamSpec
 *
 * Since: 1.0
 */
GParamSpec *
sl_param_spec_checked_string (const char         *name,
                              const char         *nick,
                              const char         *blurb,
                              const char         *default_value,
                              SlStringCheckFunc   check,
                              GParamFlags         flags)
{
  SlParamSpecCheckedString *pspec;

  g_return_val_if_fail (default_value == NULL || check == NULL || check (default_value, NULL), NULL);

  pspec = g_param_spec_internal (SL_TYPE_PARAM_CHECKED_STRING, name, nick, blurb, flags);
  g_free (pspec->parent_instance.default_value);
  pspec->parent_instance.default_value = g_strdup (default_value);
  pspec->check = check;

  return G_PARAM_SPEC (pspec);
}

gboolean
sl_param_spec_run_check (GParamSpec  *pspec,
                         const char  *value,
                         GError     **error)
{
  SlParamSpecCheckedString *self = (SlParamSpecCheckedString *) pspec;
  g_autoptr(GError) reason = NULL;

  if (value == NULL || !G_TYPE_CHECK_INSTANCE_TYPE (pspec, SL_TYPE_PARAM_CHECKED_STRING) ||
      self->check == NULL || self->check (value, &reason))
    return TRUE;

  /* A check that forgot to say why still refuses the value. */
  if (reason == NULL)
    g_set_error_literal (&reason, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                         _("refused by the processor"));
  g_propagate_error (error, g_steal_pointer (&reason));
  return FALSE;
}

/**
 * sl_param_spec_check_string:
 * @pspec: a string property spec
 * @value: (nullable): a value for it
 * @error: return location for a #GError
 *
 * Checks @value against @pspec the way the graph does when a node's property
 * is set. For a checked string property (made with
 * `sl_param_spec_checked_string()`) the error carries the check's
 * reason; for any other string property only GLib's own validation applies.
 *
 * May be called from any thread.
 *
 * Returns: %TRUE if @value is acceptable; otherwise %FALSE with @error set
 *   (%SL_ERROR_INVALID_PROPERTY_VALUE)
 *
 * Since: 1.0
 */
gboolean
sl_param_spec_check_string (GParamSpec  *pspec,
                            const char  *value,
                            GError     **error)
{
  g_auto(GValue) checked = G_VALUE_INIT;
  g_autoptr(GError) reason = NULL;

  g_return_val_if_fail (G_IS_PARAM_SPEC_STRING (pspec), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sl_param_spec_run_check (pspec, value, &reason))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   _("Value “%s” is not valid for property “%s”: %s"), value, pspec->name,
                   reason->message);
      return FALSE;
    }

  g_value_init (&checked, G_TYPE_STRING);
  g_value_set_string (&checked, value);
  if (g_param_value_validate (pspec, &checked))
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   _("Value “%s” is not valid for property “%s”"),
                   value != NULL ? value : "(null)", pspec->name);
      return FALSE;
    }

  return TRUE;
}
