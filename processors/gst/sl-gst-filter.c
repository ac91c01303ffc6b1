/* sl-gst-filter.c: any GStreamer bin description as a filter
 *
 * The description is checked when it is set: the property's GParamSpec parses
 * it (gst_parse_bin_from_description), and the graph validates every value it
 * stores through the GParamSpec, so a bad description is refused by
 * sl_runtime_set() and friends with SL_ERROR_INVALID_PROPERTY_VALUE, before
 * any instance exists, and the graph is left as it was. setup() parses it
 * again and fails with GStreamer's own message should anything still be
 * wrong. Changing the description while running replaces the bin between two
 * frames.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

struct _SlGstFilter
{
  SlGstTransform  parent_instance;

  GMutex          mutex;         /* guards description against other threads' reads */
  char           *description;
};

G_DEFINE_FINAL_TYPE (SlGstFilter, sl_gst_filter, SL_TYPE_GST_TRANSFORM)

enum {
  PROP_0,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
sl_gst_filter_build_description (SlGstTransform  *transform,
                                 GError         **error)
{
  SlGstFilter *self = SL_GST_FILTER (transform);
  char *description;

  g_mutex_lock (&self->mutex);
  description = g_strdup (self->description);
  g_mutex_unlock (&self->mutex);

  if (description == NULL)
    g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                         "No GStreamer bin to run: set the “description” property "
                         "(for example “videoconvert ! videoflip video-direction=90r”)");

  return description;
}

static void
sl_gst_filter_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SlGstFilter *self = SL_GST_FILTER (object);

  switch (prop_id)
    {
    case PROP_DESCRIPTION:
      g_mutex_lock (&self->mutex);
      g_value_set_string (value, self->description);
      g_mutex_unlock (&self->mutex);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_gst_filter_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SlGstFilter *self = SL_GST_FILTER (object);

  switch (prop_id)
    {
    case PROP_DESCRIPTION:
      g_mutex_lock (&self->mutex);
      g_free (self->description);
      self->description = g_value_dup_string (value);
      g_mutex_unlock (&self->mutex);
      sl_gst_transform_request_rebuild (SL_GST_TRANSFORM (self));
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_gst_filter_finalize (GObject *object)
{
  SlGstFilter *self = SL_GST_FILTER (object);

  g_free (self->description);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_gst_filter_parent_class)->finalize (object);
}

static void
sl_gst_filter_class_init (SlGstFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  SlGstTransformClass *transform_class = SL_GST_TRANSFORM_CLASS (klass);

  object_class->finalize = sl_gst_filter_finalize;
  object_class->get_property = sl_gst_filter_get_property;
  object_class->set_property = sl_gst_filter_set_property;
  transform_class->build_description = sl_gst_filter_build_description;

  properties[PROP_DESCRIPTION] =
    sl_param_spec_checked_string ("description", NULL,
                                  "A GStreamer bin description with one input and one output, "
                                  "as gst-launch-1.0 reads it (“videoconvert ! videoflip video-direction=90r”)",
                                  NULL, sl_gst_check_bin_description,
                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_input_port (processor_class, "in", NULL);
  sl_processor_class_add_output_port (processor_class, "out", NULL);
  sl_processor_class_set_description (processor_class,
                                      "Runs any GStreamer bin description as a filter (description=\"videoconvert ! videoflip video-direction=90r\")");
}

static void
sl_gst_filter_init (SlGstFilter *self)
{
  g_mutex_init (&self->mutex);
}
