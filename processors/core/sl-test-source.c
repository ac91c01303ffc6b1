/* sl-test-source.c: produces numbered empty frames
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>

#include "sl-core-processors.h"
#include "sl-lock-private.h"

/* How many samples a test source keeps for reuse: enough for every frame a
 * long chain of default links holds in flight. */
#ifdef SL_HAVE_TSAN
/* TSan cannot see GStreamer's atomic reference counts, which order the
 * consumers' last reads of a sample before its reuse here: it would report
 * every reuse as a race. Under TSan every frame gets a new sample. */
# define SL_TEST_SOURCE_MAX_RECYCLED 0
#else
# define SL_TEST_SOURCE_MAX_RECYCLED 4096
#endif

struct _SlTestSource
{
  SlProcessor   parent_instance;

  gint64        num_frames;
  double        rate;
  atomic_int_fast64_t produced;   /* read from any thread */
  GstCaps      *caps;
  SlOutputPort *out;

  /* The processor's thread's: samples this source made, oldest first from
   * `next_recycled`, each referenced once here. */
  GPtrArray    *recycled;
  guint         next_recycled;
};

G_DEFINE_FINAL_TYPE (SlTestSource, sl_test_source, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_NUM_FRAMES,
  PROP_RATE,
  PROP_PRODUCED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sl_test_source_apply_rate (SlTestSource *self)
{
  sl_processor_set_interval (SL_PROCESSOR (self),
                             self->rate > 0 ? (GTimeSpan) (G_USEC_PER_SEC / self->rate) : 0);
}

static gboolean
sl_test_source_setup (SlProcessor  *processor,
                      GError      **error)
{
  SlTestSource *self = SL_TEST_SOURCE (processor);

  self->out = sl_processor_get_output_port (processor, "out");
  return TRUE;
}

/* A new sample holding @buffer (taken) and the source's caps.
 *
 * Every sample shares the caps, and GStreamer records each sample as a
 * parent of its caps, in a list under a spin lock that the producer (adding)
 * and whichever thread frees a sample (removing, with a linear search) both
 * take: with hundreds of frames in flight that cost more than everything
 * else per frame. So samples are kept and reused once every consumer has
 * let go (the reference held here is the last), with the parent recorded
 * once. The buffer is still new for every frame, like a GStreamer source's
 * (fakesrc allocates one per buffer). A sample held here is never writable
 * by a consumer, as before for a frame sent on more than one link. */
static GstSample *
sl_test_source_new_sample (SlTestSource *self,
                           GstBuffer    *buffer)
{
  GstSample *sample;

  if (self->recycled->len > 0)
    {
      sample = g_ptr_array_index (self->recycled, self->next_recycled);
      /* Consumers drop their references with an atomic decrement, after
       * their last read: seeing 1 here means they all have. */
      if (GST_MINI_OBJECT_REFCOUNT_VALUE (sample) == 1)
        {
          self->next_recycled = (self->next_recycled + 1) % self->recycled->len;
          gst_sample_set_buffer (sample, buffer);
          gst_buffer_unref (buffer);
          return gst_sample_ref (sample);
        }
    }

  sample = gst_sample_new (buffer, self->caps, NULL, NULL);
  gst_buffer_unref (buffer);
  /* Every kept sample is in flight: keep this one too, just before the
   * oldest, so that they stay in the order they come back. */
  if (self->recycled->len < SL_TEST_SOURCE_MAX_RECYCLED)
    {
      g_ptr_array_insert (self->recycled, (int) self->next_recycled, gst_sample_ref (sample));
      self->next_recycled = (self->next_recycled + 1) % self->recycled->len;
    }

  return sample;
}

static gboolean
sl_test_source_process (SlProcessor  *processor,
                        GError      **error)
{
  SlTestSource *self = SL_TEST_SOURCE (processor);
  gint64 n = atomic_load (&self->produced);
  GstBuffer *buffer;
  GstSample *sample;
  GstClockTime duration = self->rate > 0 ? (GstClockTime) (GST_SECOND / self->rate) : GST_CLOCK_TIME_NONE;

  if (self->num_frames >= 0 && n >= self->num_frames)
    {
      sl_processor_finish (processor);
      return TRUE;
    }

  buffer = gst_buffer_new ();
  GST_BUFFER_OFFSET (buffer) = n;
  if (duration != GST_CLOCK_TIME_NONE)
    {
      GST_BUFFER_PTS (buffer) = n * duration;
      GST_BUFFER_DURATION (buffer) = duration;
    }
  sample = sl_test_source_new_sample (self, buffer);
  sl_output_port_push (self->out, sample);
  atomic_store (&self->produced, n + 1);

  if (self->num_frames >= 0 && n + 1 >= self->num_frames)
    sl_processor_finish (processor);

  return TRUE;
}

static void
sl_test_source_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SlTestSource *self = SL_TEST_SOURCE (object);

  switch (prop_id)
    {
    case PROP_NUM_FRAMES:
      g_value_set_int64 (value, self->num_frames);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    case PROP_PRODUCED:
      g_value_set_int64 (value, atomic_load (&self->produced));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_test_source_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SlTestSource *self = SL_TEST_SOURCE (object);

  switch (prop_id)
    {
    case PROP_NUM_FRAMES:
      self->num_frames = g_value_get_int64 (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_RATE:
      self->rate = g_value_get_double (value);
      sl_test_source_apply_rate (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_test_source_finalize (GObject *object)
{
  SlTestSource *self = SL_TEST_SOURCE (object);

  /* Samples still in flight die with their last consumer. */
  g_clear_pointer (&self->recycled, g_ptr_array_unref);
  gst_clear_caps (&self->caps);

  G_OBJECT_CLASS (sl_test_source_parent_class)->finalize (object);
}

static void
sl_test_source_class_init (SlTestSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);

  object_class->finalize = sl_test_source_finalize;
  object_class->get_property = sl_test_source_get_property;
  object_class->set_property = sl_test_source_set_property;
  processor_class->setup = sl_test_source_setup;
  processor_class->process = sl_test_source_process;

  properties[PROP_NUM_FRAMES] =
    g_param_spec_int64 ("num-frames", NULL, "Frames to produce before end-of-stream (-1: no end)",
                        -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, "Frames per second (0: as fast as possible)",
                         0, 1e6, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRODUCED] =
    g_param_spec_int64 ("produced", NULL, "Frames produced so far",
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_output_port (processor_class, "out", NULL);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_CONTINUOUS);
  sl_processor_class_set_description (processor_class,
                                      "Produces numbered empty frames, at a rate or as fast as possible");
}

static void
sl_test_source_init (SlTestSource *self)
{
  self->num_frames = -1;
  self->caps = gst_caps_new_empty_simple ("application/x-streamlib-test");
  self->recycled = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_sample_unref);
}
