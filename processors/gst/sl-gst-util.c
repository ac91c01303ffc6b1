/* sl-gst-util.c: helpers shared by the GStreamer bridge processors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <gst/video/video.h>

#include "sl-gst-util.h"

/* ---- checks for checked string properties (sl_param_spec_checked_string) */

gboolean
sl_gst_check_bin_description (const char  *description,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GstElement) bin = NULL;
  g_autoptr(GstPad) sink = NULL;
  g_autoptr(GstPad) src = NULL;

  if (description == NULL || *description == '\0' || strspn (description, " \t\r\n") == strlen (description))
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                           "The GStreamer bin description is empty");
      return FALSE;
    }

  bin = gst_parse_bin_from_description_full (description, TRUE, NULL,
                                             GST_PARSE_FLAG_FATAL_ERRORS, &local_error);
  if (bin == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   "Invalid GStreamer bin description “%s”: %s", description,
                   local_error != NULL ? local_error->message : "cannot be parsed");
      return FALSE;
    }
  gst_object_ref_sink (bin);

  sink = gst_element_get_static_pad (bin, "sink");
  src = gst_element_get_static_pad (bin, "src");
  if (sink == NULL || src == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                   "GStreamer bin description “%s” has no unlinked %s pad: a filter needs one input and one output",
                   description, sink == NULL ? "sink (input)" : "source (output)");
      return FALSE;
    }

  return TRUE;
}

gboolean
sl_gst_parse_fraction (const char *value,
                       gint       *num,
                       gint       *den)
{
  const char *slash;
  char *end = NULL;

  if (value == NULL)
    return FALSE;

  slash = strchr (value, '/');
  if (slash != NULL)
    {
      gint64 n, d;

      n = g_ascii_strtoll (value, &end, 10);
      if (end != slash || end == value)
        return FALSE;
      d = g_ascii_strtoll (slash + 1, &end, 10);
      if (end == slash + 1 || *end != '\0' || n <= 0 || d <= 0 || n > G_MAXINT || d > G_MAXINT)
        return FALSE;
      *num = (gint) n;
      *den = (gint) d;
      return TRUE;
    }
  else
    {
      double fps = g_ascii_strtod (value, &end);

      if (end == value || *end != '\0' || !(fps > 0) || fps > 1000)
        return FALSE;
      gst_util_double_to_fraction (fps, num, den);
      return TRUE;
    }
}

gboolean
sl_gst_check_fraction (const char  *value,
                       GError     **error)
{
  gint num, den;

  if (sl_gst_parse_fraction (value, &num, &den))
    return TRUE;

  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
               "“%s” is not a frame rate: give frames per second (“30”, “29.97”) or a fraction (“30000/1001”)",
               value);
  return FALSE;
}

gboolean
sl_gst_check_video_format (const char  *value,
                           GError     **error)
{
  if (gst_video_format_from_string (value) != GST_VIDEO_FORMAT_UNKNOWN)
    return TRUE;

  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
               "“%s” is not a raw video format (such as I420, NV12, RGBA)", value);
  return FALSE;
}

static GParamSpec *
sl_gst_find_element_property (const char *factory_name,
                              const char *property)
{
  g_autoptr(GstElementFactory) factory = gst_element_factory_find (factory_name);
  g_autoptr(GstPluginFeature) loaded = NULL;
  GType type;
  GObjectClass *klass;

  if (factory == NULL)
    return NULL;

  loaded = gst_plugin_feature_load (GST_PLUGIN_FEATURE (factory));
  if (loaded == NULL)
    return NULL;

  type = gst_element_factory_get_element_type (GST_ELEMENT_FACTORY (loaded));
  if (type == G_TYPE_INVALID)
    return NULL;

  /* Element classes are never finalised: the reference we drop is not the
   * last one once an element exists, and a static type keeps its class. */
  klass = g_type_class_ref (type);
  return g_object_class_find_property (klass, property);
}

gboolean
sl_gst_enum_property_accepts (const char *factory,
                              const char *property,
                              const char *nick)
{
  GParamSpec *pspec = sl_gst_find_element_property (factory, property);
  GEnumClass *enum_class;
  char *end = NULL;
  gint64 number;

  if (pspec == NULL || !G_IS_PARAM_SPEC_ENUM (pspec) || nick == NULL)
    return FALSE;

  enum_class = G_PARAM_SPEC_ENUM (pspec)->enum_class;
  if (g_enum_get_value_by_nick (enum_class, nick) != NULL ||
      g_enum_get_value_by_name (enum_class, nick) != NULL)
    return TRUE;

  number = g_ascii_strtoll (nick, &end, 10);
  return end != nick && *end == '\0' && number >= G_MININT && number <= G_MAXINT &&
         g_enum_get_value (enum_class, (gint) number) != NULL;
}

char *
sl_gst_enum_property_nicks (const char *factory,
                            const char *property)
{
  GParamSpec *pspec = sl_gst_find_element_property (factory, property);
  GEnumClass *enum_class;
  GString *nicks;

  if (pspec == NULL || !G_IS_PARAM_SPEC_ENUM (pspec))
    return g_strdup ("");

  enum_class = G_PARAM_SPEC_ENUM (pspec)->enum_class;
  nicks = g_string_new (NULL);
  for (guint i = 0; i < enum_class->n_values; i++)
    {
      if (i > 0)
        g_string_append (nicks, ", ");
      g_string_append (nicks, enum_class->values[i].value_nick);
    }

  return g_string_free (nicks, FALSE);
}

gboolean
sl_gst_check_videotestsrc_pattern (const char  *value,
                                   GError     **error)
{
  g_autofree char *nicks = NULL;

  if (sl_gst_enum_property_accepts ("videotestsrc", "pattern", value))
    return TRUE;

  nicks = sl_gst_enum_property_nicks ("videotestsrc", "pattern");
  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
               "“%s” is not a test pattern; use one of: %s", value, nicks);
  return FALSE;
}

gboolean
sl_gst_check_audiotestsrc_wave (const char  *value,
                                GError     **error)
{
  g_autofree char *nicks = NULL;

  if (sl_gst_enum_property_accepts ("audiotestsrc", "wave", value))
    return TRUE;

  nicks = sl_gst_enum_property_nicks ("audiotestsrc", "wave");
  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
               "“%s” is not a test wave; use one of: %s", value, nicks);
  return FALSE;
}

/* ---- GStreamer helpers -------------------------------------------------- */

gboolean
sl_gst_have_element (const char *factory)
{
  g_autoptr(GstElementFactory) found = gst_element_factory_find (factory);

  return found != NULL;
}

const char *
sl_gst_first_element (const char *first,
                      ...)
{
  const char *name = first;
  va_list args;

  va_start (args, first);
  while (name != NULL && !sl_gst_have_element (name))
    name = va_arg (args, const char *);
  va_end (args);

  return name;
}

GError *
sl_gst_error_from_message (GstMessage *message,
                           const char *prefix)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *path = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  path = GST_MESSAGE_SRC (message) != NULL ? gst_object_get_path_string (GST_MESSAGE_SRC (message)) : NULL;

  return g_error_new (SL_ERROR, SL_ERROR_FAILED, "%s%s%s (from %s)",
                      prefix != NULL ? prefix : "",
                      prefix != NULL ? ": " : "",
                      gst_error != NULL ? gst_error->message : "unknown GStreamer error",
                      path != NULL ? path : "?");
}

void
sl_bus_watch_init (SlBusWatch  *watch,
                   const char  *prefix,
                   void       (*notify) (gpointer user_data),
                   gpointer     user_data)
{
  g_mutex_init (&watch->mutex);
  g_cond_init (&watch->cond);
  watch->error = NULL;
  watch->eos = FALSE;
  watch->prefix = g_strdup (prefix);
  watch->notify = notify;
  watch->user_data = user_data;
}

void
sl_bus_watch_clear (SlBusWatch *watch)
{
  g_clear_error (&watch->error);
  g_clear_pointer (&watch->prefix, g_free);
  g_mutex_clear (&watch->mutex);
  g_cond_clear (&watch->cond);
}

static GstBusSyncReply
sl_bus_watch_sync_handler (GstBus     *bus,
                           GstMessage *message,
                           gpointer    user_data)
{
  SlBusWatch *watch = user_data;
  gboolean notify = FALSE;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      g_mutex_lock (&watch->mutex);
      if (watch->error == NULL)
        {
          watch->error = sl_gst_error_from_message (message, watch->prefix);
          notify = TRUE;
        }
      g_cond_broadcast (&watch->cond);
      g_mutex_unlock (&watch->mutex);
      break;

    case GST_MESSAGE_EOS:
      g_mutex_lock (&watch->mutex);
      watch->eos = TRUE;
      notify = TRUE;
      g_cond_broadcast (&watch->cond);
      g_mutex_unlock (&watch->mutex);
      break;

    case GST_MESSAGE_WARNING:
      {
        g_autoptr(GError) warning = NULL;

        gst_message_parse_warning (message, &warning, NULL);
        g_debug ("%s: GStreamer warning from %s: %s", watch->prefix,
                 GST_MESSAGE_SRC_NAME (message), warning != NULL ? warning->message : "?");
      }
      break;

    default:
      break;
    }

  if (notify && watch->notify != NULL)
    watch->notify (watch->user_data);

  /* Nothing pops this bus: keep it empty. A handler that drops a message
   * owns it, and the message holds its source (the pipeline) alive. */
  gst_message_unref (message);
  return GST_BUS_DROP;
}

void
sl_bus_watch_attach (SlBusWatch *watch,
                     GstElement *pipeline)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);

  gst_bus_set_sync_handler (bus, sl_bus_watch_sync_handler, watch, NULL);
}

void
sl_bus_watch_detach (SlBusWatch *watch,
                     GstElement *pipeline)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);

  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
}

gboolean
sl_bus_watch_take_error (SlBusWatch  *watch,
                         GError     **error)
{
  gboolean has_error;

  g_mutex_lock (&watch->mutex);
  has_error = watch->error != NULL;
  if (has_error)
    g_propagate_error (error, g_error_copy (watch->error));
  g_mutex_unlock (&watch->mutex);

  return has_error;
}

gboolean
sl_bus_watch_has_error (SlBusWatch *watch)
{
  gboolean has_error;

  g_mutex_lock (&watch->mutex);
  has_error = watch->error != NULL;
  g_mutex_unlock (&watch->mutex);

  return has_error;
}

gboolean
sl_bus_watch_is_eos (SlBusWatch *watch)
{
  gboolean eos;

  g_mutex_lock (&watch->mutex);
  eos = watch->eos;
  g_mutex_unlock (&watch->mutex);

  return eos;
}

void
sl_bus_watch_reset_eos (SlBusWatch *watch)
{
  g_mutex_lock (&watch->mutex);
  watch->eos = FALSE;
  g_mutex_unlock (&watch->mutex);
}

gboolean
sl_bus_watch_wait_eos (SlBusWatch   *watch,
                       GstClockTime  timeout)
{
  gint64 end_time = g_get_monotonic_time () + (gint64) (timeout / GST_USECOND);
  gboolean eos;

  g_mutex_lock (&watch->mutex);
  while (!watch->eos && watch->error == NULL)
    if (!g_cond_wait_until (&watch->cond, &watch->mutex, end_time))
      break;
  eos = watch->eos;
  g_mutex_unlock (&watch->mutex);

  return eos;
}

gboolean
sl_gst_set_state (GstElement    *pipeline,
                  GstState       state,
                  GstClockTime   timeout,
                  SlBusWatch    *watch,
                  const char    *what,
                  GError       **error)
{
  GstStateChangeReturn ret = gst_element_set_state (pipeline, state);

  if (ret == GST_STATE_CHANGE_ASYNC && timeout > 0)
    ret = gst_element_get_state (pipeline, NULL, NULL, timeout);

  if (watch != NULL && sl_bus_watch_take_error (watch, error))
    return FALSE;

  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "%s: the GStreamer pipeline cannot go to %s", what,
                   gst_element_state_get_name (state));
      return FALSE;
    }

  if (ret == GST_STATE_CHANGE_ASYNC && timeout > 0)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_TIMEOUT,
                   "%s: the GStreamer pipeline did not reach %s within %u s", what,
                   gst_element_state_get_name (state), (guint) (timeout / GST_SECOND));
      return FALSE;
    }

  return TRUE;
}

void
sl_gst_pipeline_dispose (GstElement **pipeline,
                         SlBusWatch  *watch)
{
  if (*pipeline == NULL)
    return;

  gst_element_set_state (*pipeline, GST_STATE_NULL);
  if (watch != NULL)
    sl_bus_watch_detach (watch, *pipeline);
  gst_clear_object (pipeline);
}

/* ---- a bounded hand-off from GStreamer threads to the processor --------- */

void
sl_sample_queue_init (SlSampleQueue *queue,
                      guint          capacity)
{
  g_mutex_init (&queue->mutex);
  g_cond_init (&queue->cond);
  g_queue_init (&queue->items);
  queue->capacity = MAX (capacity, 1);
  queue->flushing = FALSE;
}

void
sl_queued_sample_free (SlQueuedSample *item)
{
  if (item->sample != NULL)
    gst_sample_unref (item->sample);
  g_free (item);
}

void
sl_sample_queue_clear (SlSampleQueue *queue)
{
  g_queue_clear_full (&queue->items, (GDestroyNotify) sl_queued_sample_free);
  g_mutex_clear (&queue->mutex);
  g_cond_clear (&queue->cond);
}

gboolean
sl_sample_queue_push (SlSampleQueue *queue,
                      SlOutputPort  *port,
                      GstSample     *sample)
{
  SlQueuedSample *item;

  g_mutex_lock (&queue->mutex);
  while (!queue->flushing && queue->items.length >= queue->capacity)
    g_cond_wait (&queue->cond, &queue->mutex);

  if (queue->flushing)
    {
      g_mutex_unlock (&queue->mutex);
      gst_sample_unref (sample);
      return FALSE;
    }

  item = g_new0 (SlQueuedSample, 1);
  item->port = port;
  item->sample = sample;
  g_queue_push_tail (&queue->items, item);
  g_mutex_unlock (&queue->mutex);

  return TRUE;
}

void
sl_sample_queue_pop_all (SlSampleQueue *queue,
                         GQueue        *out)
{
  SlQueuedSample *item;

  g_mutex_lock (&queue->mutex);
  while ((item = g_queue_pop_head (&queue->items)) != NULL)
    g_queue_push_tail (out, item);
  g_cond_broadcast (&queue->cond);
  g_mutex_unlock (&queue->mutex);
}

void
sl_sample_queue_set_flushing (SlSampleQueue *queue,
                              gboolean       flushing)
{
  g_mutex_lock (&queue->mutex);
  queue->flushing = flushing;
  g_cond_broadcast (&queue->cond);
  g_mutex_unlock (&queue->mutex);
}
