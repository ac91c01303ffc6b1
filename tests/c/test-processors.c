/* test-processors.c: small processor types for the C test suites
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-processors.h"

G_DEFINE_ENUM_TYPE (TestMode, test_mode,
  G_DEFINE_ENUM_VALUE (TEST_MODE_SLOW, "slow"),
  G_DEFINE_ENUM_VALUE (TEST_MODE_FAST, "fast"),
  G_DEFINE_ENUM_VALUE (TEST_MODE_BOUNCING_BALL, "bouncing-ball"))

static void
add_port (SlProcessorClass *klass,
          SlPortDirection   direction,
          const char       *name,
          const char       *caps_string)
{
  g_autoptr(GstCaps) caps = caps_string != NULL ? gst_caps_from_string (caps_string) : NULL;

  if (direction == SL_PORT_INPUT)
    sl_processor_class_add_input_port (klass, name, caps);
  else
    sl_processor_class_add_output_port (klass, name, caps);
}

/* TestVideoSource */

struct _TestVideoSource
{
  SlProcessor  parent_instance;

  int          level;
  gboolean     enabled;
  char        *label;
  double       ratio;
  TestMode     mode;
};

G_DEFINE_FINAL_TYPE (TestVideoSource, test_video_source, SL_TYPE_PROCESSOR)

enum {
  SOURCE_PROP_0,
  SOURCE_PROP_LEVEL,
  SOURCE_PROP_ENABLED,
  SOURCE_PROP_LABEL,
  SOURCE_PROP_RATIO,
  SOURCE_PROP_MODE,
  SOURCE_PROP_FRAMES,
  SOURCE_N_PROPS
};

static GParamSpec *source_properties[SOURCE_N_PROPS];

static void
test_video_source_finalize (GObject *object)
{
  TestVideoSource *self = TEST_VIDEO_SOURCE (object);

  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (test_video_source_parent_class)->finalize (object);
}

static void
test_video_source_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TestVideoSource *self = TEST_VIDEO_SOURCE (object);

  switch (prop_id)
    {
    case SOURCE_PROP_LEVEL:
      g_value_set_int (value, self->level);
      break;

    case SOURCE_PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;

    case SOURCE_PROP_LABEL:
      g_value_set_string (value, self->label);
      break;

    case SOURCE_PROP_RATIO:
      g_value_set_double (value, self->ratio);
      break;

    case SOURCE_PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;

    case SOURCE_PROP_FRAMES:
      g_value_set_uint64 (value, 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_video_source_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TestVideoSource *self = TEST_VIDEO_SOURCE (object);

  switch (prop_id)
    {
    case SOURCE_PROP_LEVEL:
      self->level = g_value_get_int (value);
      break;

    case SOURCE_PROP_ENABLED:
      self->enabled = g_value_get_boolean (value);
      break;

    case SOURCE_PROP_LABEL:
      g_free (self->label);
      self->label = g_value_dup_string (value);
      break;

    case SOURCE_PROP_RATIO:
      self->ratio = g_value_get_double (value);
      break;

    case SOURCE_PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_video_source_class_init (TestVideoSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->finalize = test_video_source_finalize;
  object_class->get_property = test_video_source_get_property;
  object_class->set_property = test_video_source_set_property;

  source_properties[SOURCE_PROP_LEVEL] =
    g_param_spec_int ("level", NULL, NULL, 0, 100, 50,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  source_properties[SOURCE_PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  source_properties[SOURCE_PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  source_properties[SOURCE_PROP_RATIO] =
    g_param_spec_double ("ratio", NULL, NULL, 0.0, 10.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  source_properties[SOURCE_PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, TEST_TYPE_MODE, TEST_MODE_SLOW,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  source_properties[SOURCE_PROP_FRAMES] =
    g_param_spec_uint64 ("frames", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, SOURCE_N_PROPS, source_properties);

  add_port (processor_class, SL_PORT_OUTPUT, "out", "video/x-raw");
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_CONTINUOUS);
  sl_processor_class_set_description (processor_class, "A video source for tests");
}

static void
test_video_source_init (TestVideoSource *self)
{
  self->level = 50;
  self->enabled = TRUE;
  self->ratio = 1.0;
  self->mode = TEST_MODE_SLOW;
}

/* TestAudioSource */

struct _TestAudioSource
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (TestAudioSource, test_audio_source, SL_TYPE_PROCESSOR)

static void
test_audio_source_class_init (TestAudioSourceClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  add_port (processor_class, SL_PORT_OUTPUT, "out", "audio/x-raw");
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_CONTINUOUS);
}

static void
test_audio_source_init (TestAudioSource *self)
{
}

/* TestVideoFilter */

struct _TestVideoFilter
{
  SlProcessor parent_instance;

  double      strength;
};

G_DEFINE_FINAL_TYPE (TestVideoFilter, test_video_filter, SL_TYPE_PROCESSOR)

enum {
  FILTER_PROP_0,
  FILTER_PROP_STRENGTH,
  FILTER_N_PROPS
};

static GParamSpec *filter_properties[FILTER_N_PROPS];

static void
test_video_filter_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TestVideoFilter *self = TEST_VIDEO_FILTER (object);

  switch (prop_id)
    {
    case FILTER_PROP_STRENGTH:
      g_value_set_double (value, self->strength);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_video_filter_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TestVideoFilter *self = TEST_VIDEO_FILTER (object);

  switch (prop_id)
    {
    case FILTER_PROP_STRENGTH:
      self->strength = g_value_get_double (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_video_filter_class_init (TestVideoFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->get_property = test_video_filter_get_property;
  object_class->set_property = test_video_filter_set_property;

  filter_properties[FILTER_PROP_STRENGTH] =
    g_param_spec_double ("strength", NULL, NULL, 0.0, 1.0, 0.5,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, FILTER_N_PROPS, filter_properties);

  add_port (processor_class, SL_PORT_INPUT, "in", "video/x-raw");
  add_port (processor_class, SL_PORT_OUTPUT, "out", "video/x-raw");
}

static void
test_video_filter_init (TestVideoFilter *self)
{
  self->strength = 0.5;
}

/* TestAnySink */

struct _TestAnySink
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (TestAnySink, test_any_sink, SL_TYPE_PROCESSOR)

static void
test_any_sink_class_init (TestAnySinkClass *klass)
{
  add_port (SL_PROCESSOR_CLASS (klass), SL_PORT_INPUT, "in", NULL);
}

static void
test_any_sink_init (TestAnySink *self)
{
}

/* TestTwoIn */

struct _TestTwoIn
{
  SlProcessor parent_instance;
};

G_DEFINE_FINAL_TYPE (TestTwoIn, test_two_in, SL_TYPE_PROCESSOR)

static void
test_two_in_class_init (TestTwoInClass *klass)
{
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  add_port (processor_class, SL_PORT_INPUT, "a", NULL);
  add_port (processor_class, SL_PORT_INPUT, "b", NULL);
  add_port (processor_class, SL_PORT_OUTPUT, "out", "video/x-raw");
}

static void
test_two_in_init (TestTwoIn *self)
{
}

/**
 * test_processors_register:
 * @registry: a registry
 *
 * Registers every test processor type under its TEST_FACTORY_* name.
 */
void
test_processors_register (SlRegistry *registry)
{
  const struct {
    const char *factory;
    GType       type;
  } factories[] = {
    { TEST_FACTORY_VIDEO_SOURCE, TEST_TYPE_VIDEO_SOURCE },
    { TEST_FACTORY_AUDIO_SOURCE, TEST_TYPE_AUDIO_SOURCE },
    { TEST_FACTORY_VIDEO_FILTER, TEST_TYPE_VIDEO_FILTER },
    { TEST_FACTORY_ANY_SINK, TEST_TYPE_ANY_SINK },
    { TEST_FACTORY_TWO_IN, TEST_TYPE_TWO_IN },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (factories); i++)
    {
      g_autoptr(GError) error = NULL;

      sl_registry_register (registry, factories[i].factory, factories[i].type, &error);
      g_assert_no_error (error);
    }
}

/**
 * test_registry_new:
 *
 * Returns: (transfer full): an empty registry (no plugin search path) holding
 *   the test processors only
 */
SlRegistry *
test_registry_new (void)
{
  SlRegistry *registry = sl_registry_new_empty ();

  test_processors_register (registry);
  return registry;
}

/**
 * test_strv_is_sorted:
 * @strv: a %NULL-terminated array
 *
 * Returns: whether @strv is in strictly increasing strcmp() order
 */
gboolean
test_strv_is_sorted (const char * const *strv)
{
  for (guint i = 0; strv[i] != NULL && strv[i + 1] != NULL; i++)
    if (strcmp (strv[i], strv[i + 1]) >= 0)
      return FALSE;

  return TRUE;
}
