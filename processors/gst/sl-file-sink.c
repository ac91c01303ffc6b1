/* sl-file-sink.c: writes video and audio into a WebM, Matroska or MP4 file
 *
 * The container comes from the file name's extension. Raw input is encoded
 * with an encoder that container takes (VP8 for WebM; H.264 when x264enc is
 * installed, else VP8, for Matroska; H.264 for MP4; Opus for audio);
 * already-encoded input is muxed as it is.
 *
 * A muxer cannot take a new track once it has written its header, so the
 * pipeline starts only when every linked input has sent its first frame (its
 * caps decide the branch) or has ended; frames wait until then. At the end of
 * the inputs, EOS goes into the pipeline and teardown waits (bounded) for the
 * muxer to finalise the file: a drain leaves a complete, playable file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdatomic.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <gst/app/gstappsrc.h>

#include "sl-gst-processors.h"
#include "sl-gst-util.h"

/* Frames kept while waiting for the other input's first frame; past that the
 * file starts with the inputs that have sent something. */
#define SL_FILE_SINK_MAX_PENDING 600

typedef struct
{
  const char  *name;          /* the port: "video" or "audio" */
  SlInputPort *port;
  GQueue       pending;       /* GstSample*, before the pipeline starts */
  GstCaps     *caps;          /* of the first frame */
  GstElement  *appsrc;        /* NULL when the input is not in the file */
  gboolean     eos;           /* EOS given to the appsrc */
} SlFileSinkInput;

typedef struct
{
  const char *extension;
  const char *name;
  const char *muxer;
} SlContainer;

static const SlContainer containers[] = {
  { ".webm", "WebM", "webmmux" },
  { ".mkv", "Matroska", "matroskamux" },
  { ".mp4", "MP4", "mp4mux" },
};

struct _SlFileSink
{
  SlProcessor          parent_instance;

  GMutex               mutex;         /* guards location against other threads' reads */
  char                *location;

  const SlContainer   *container;
  char                *path;          /* what this run writes */
  GstElement          *pipeline;
  GstElement          *mux;
  SlBusWatch           watch;
  SlFileSinkInput      inputs[2];
  guint                n_pending;
  gboolean             started;
  gboolean             failed;
  atomic_int_fast64_t  frames;
};

G_DEFINE_FINAL_TYPE (SlFileSink, sl_file_sink, SL_TYPE_PROCESSOR)

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_FRAMES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const SlContainer *
sl_container_for (const char *location)
{
  g_autofree char *lower = g_ascii_strdown (location, -1);

  for (guint i = 0; i < G_N_ELEMENTS (containers); i++)
    if (g_str_has_suffix (lower, containers[i].extension))
      return &containers[i];

  return NULL;
}

static gboolean
sl_file_sink_check_location (const char  *value,
                             GError     **error)
{
  if (sl_container_for (value) != NULL)
    return TRUE;

  g_set_error (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
               "Cannot tell the container of “%s” from its extension: use .webm, .mkv or .mp4", value);
  return FALSE;
}

/* The elements between the appsrc and the muxer for input @caps, as a bin
 * description ("" for none), or NULL with @error set. */
static char *
sl_file_sink_branch (SlFileSink  *self,
                     GstCaps     *caps,
                     GError     **error)
{
  const char *media = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  const char *container = self->container->muxer;
  gboolean webm = g_str_equal (container, "webmmux");
  gboolean mp4 = g_str_equal (container, "mp4mux");
  const char *encoder;

  if (g_str_equal (media, "video/x-raw"))
    {
      if (webm)
        encoder = sl_gst_first_element ("vp8enc", NULL);
      else if (mp4)
        encoder = sl_gst_first_element ("x264enc", NULL);
      else
        encoder = sl_gst_first_element ("x264enc", "vp8enc", NULL);

      if (encoder == NULL)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                       "No video encoder for %s is installed (%s)", self->container->name,
                       webm ? "vp8enc" : mp4 ? "x264enc" : "x264enc or vp8enc");
          return NULL;
        }
      if (g_str_equal (encoder, "vp8enc"))
        return g_strdup ("videoconvert ! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=60");
      return g_strdup ("videoconvert ! x264enc speed-preset=veryfast key-int-max=60 ! h264parse");
    }

  if (g_str_equal (media, "audio/x-raw"))
    {
      encoder = mp4 ? sl_gst_first_element ("opusenc", NULL)
                    : sl_gst_first_element ("opusenc", "vorbisenc", NULL);
      if (encoder == NULL)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                       "No audio encoder for %s is installed (%s)", self->container->name,
                       mp4 ? "opusenc" : "opusenc or vorbisenc");
          return NULL;
        }
      return g_strdup_printf ("audioconvert ! audioresample ! %s", encoder);
    }

  if (g_str_equal (media, "video/x-vp8") && !mp4)
    return g_strdup ("");
  if (g_str_equal (media, "video/x-h264") && !webm)
    return g_strdup ("h264parse");
  if (g_str_equal (media, "audio/x-opus"))
    return g_strdup ("");

  g_set_error (error, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS,
               "A %s file (“%s”) cannot hold %s", self->container->name, self->path, media);
  return NULL;
}

static gboolean
sl_file_sink_add_branch (SlFileSink       *self,
                         SlFileSinkInput  *input,
                         GError          **error)
{
  g_autofree char *description = sl_file_sink_branch (self, input->caps, error);
  g_autofree char *pad_template = g_strdup_printf ("%s_%%u", input->name);
  g_autoptr(GError) parse_error = NULL;
  GstElement *appsrc, *last;

  if (description == NULL)
    return FALSE;

  appsrc = gst_element_factory_make ("appsrc", NULL);
  /* Never block the processor's thread: the muxer may be waiting for the
   * other input, which only this thread feeds. */
  g_object_set (appsrc,
                "format", GST_FORMAT_TIME,
                "caps", input->caps,
                "block", FALSE,
                "max-bytes", (guint64) 0,
                NULL);
  gst_bin_add (GST_BIN (self->pipeline), appsrc);
  last = appsrc;

  if (*description != '\0')
    {
      GstElement *bin = gst_parse_bin_from_description_full (description, TRUE, NULL,
                                                             GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);

      if (bin == NULL)
        {
          g_set_error (error, SL_ERROR, SL_ERROR_FAILED, "Cannot build “%s” for the %s input: %s",
                       description, input->name, parse_error->message);
          return FALSE;
        }
      gst_bin_add (GST_BIN (self->pipeline), bin);
      if (!gst_element_link (appsrc, bin))
        {
          g_autofree char *caps = gst_caps_to_string (input->caps);

          g_set_error (error, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS,
                       "“%s” cannot take the %s input %s", description, input->name, caps);
          return FALSE;
        }
      last = bin;
    }

  if (!gst_element_link_pads (last, "src", self->mux, pad_template))
    {
      g_autofree char *caps = gst_caps_to_string (input->caps);

      g_set_error (error, SL_ERROR, SL_ERROR_INCOMPATIBLE_CAPS,
                   "A %s file (“%s”) cannot hold the %s input %s", self->container->name,
                   self->path, input->name, caps);
      return FALSE;
    }

  input->appsrc = gst_object_ref (appsrc);
  return TRUE;
}

/* Whether every linked input has sent its first frame or ended. */
static gboolean
sl_file_sink_can_start (SlFileSink *self)
{
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    {
      SlFileSinkInput *input = &self->inputs[i];

      if (input->caps != NULL)
        any = TRUE;
      else if (sl_input_port_is_linked (input->port) && !sl_input_port_is_eos (input->port) &&
               self->n_pending < SL_FILE_SINK_MAX_PENDING)
        return FALSE;
    }

  return any;
}

static gboolean
sl_file_sink_start (SlFileSink  *self,
                    GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    if (self->inputs[i].caps != NULL && !sl_file_sink_add_branch (self, &self->inputs[i], error))
      return FALSE;

  if (!sl_gst_set_state (self->pipeline, GST_STATE_PLAYING, 0, &self->watch, self->watch.prefix, error))
    return FALSE;

  self->started = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    {
      SlFileSinkInput *input = &self->inputs[i];
      GstSample *sample;

      while ((sample = g_queue_pop_head (&input->pending)) != NULL)
        {
          if (input->appsrc != NULL)
            {
              gst_app_src_push_sample (GST_APP_SRC (input->appsrc), sample);
              atomic_fetch_add (&self->frames, 1);
            }
          gst_sample_unref (sample);
        }
    }
  self->n_pending = 0;

  return TRUE;
}

static void
sl_file_sink_end_inputs (SlFileSink *self,
                         gboolean    all)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    {
      SlFileSinkInput *input = &self->inputs[i];

      if (input->appsrc != NULL && !input->eos && (all || sl_input_port_is_eos (input->port)))
        {
          input->eos = TRUE;
          gst_app_src_end_of_stream (GST_APP_SRC (input->appsrc));
        }
    }
}

static gboolean
sl_file_sink_fail (SlFileSink *self)
{
  self->failed = TRUE;
  return FALSE;
}

static gboolean
sl_file_sink_setup (SlProcessor  *processor,
                    GError      **error)
{
  SlFileSink *self = SL_FILE_SINK (processor);
  g_autofree char *dir = NULL;
  g_autofree char *prefix = NULL;
  GstElement *filesink;

  g_mutex_lock (&self->mutex);
  self->path = g_strdup (self->location);
  g_mutex_unlock (&self->mutex);

  if (self->path == NULL)
    {
      g_set_error_literal (error, SL_ERROR, SL_ERROR_INVALID_PROPERTY_VALUE,
                           "No file to write: set the “location” property (a .webm, .mkv or .mp4 file name)");
      return FALSE;
    }

  self->container = sl_container_for (self->path);
  if (self->container == NULL)
    return sl_file_sink_check_location (self->path, error);

  dir = g_path_get_dirname (self->path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || g_access (dir, W_OK) != 0)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "Cannot write “%s”: the folder “%s” %s", self->path, dir,
                   g_file_test (dir, G_FILE_TEST_IS_DIR) ? "is not writable" : "does not exist");
      return FALSE;
    }

  self->mux = gst_element_factory_make (self->container->muxer, NULL);
  filesink = gst_element_factory_make ("filesink", NULL);
  if (self->mux == NULL || filesink == NULL)
    {
      g_set_error (error, SL_ERROR, SL_ERROR_FAILED,
                   "Cannot write %s files: the GStreamer elements %s and filesink are needed",
                   self->container->name, self->container->muxer);
      gst_clear_object (&self->mux);
      gst_clear_object (&filesink);
      return FALSE;
    }

  self->pipeline = gst_pipeline_new (sl_processor_get_id (processor));
  gst_object_ref_sink (self->pipeline);
  g_object_set (filesink, "location", self->path, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (self->pipeline), self->mux, filesink, NULL);
  gst_element_link (self->mux, filesink);

  prefix = g_strdup_printf ("Writing “%s”", self->path);
  g_mutex_lock (&self->watch.mutex);
  g_free (self->watch.prefix);
  self->watch.prefix = g_steal_pointer (&prefix);
  g_mutex_unlock (&self->watch.mutex);
  sl_bus_watch_attach (&self->watch, self->pipeline);

  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    self->inputs[i].port = sl_processor_get_input_port (processor, self->inputs[i].name);

  return TRUE;
}

static gboolean
sl_file_sink_process (SlProcessor  *processor,
                      GError      **error)
{
  SlFileSink *self = SL_FILE_SINK (processor);

  if (sl_bus_watch_take_error (&self->watch, error))
    return sl_file_sink_fail (self);

  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    {
      SlFileSinkInput *input = &self->inputs[i];
      GstSample *sample;

      while ((sample = sl_input_port_pop (input->port)) != NULL)
        {
          if (gst_sample_get_caps (sample) == NULL)
            {
              g_warning ("Processor “%s”: dropping a %s frame without caps",
                         sl_processor_get_id (processor), input->name);
              gst_sample_unref (sample);
              continue;
            }

          if (!self->started)
            {
              if (input->caps == NULL)
                input->caps = gst_caps_ref (gst_sample_get_caps (sample));
              g_queue_push_tail (&input->pending, sample);
              self->n_pending++;
              continue;
            }

          /* An input linked after the file started has no track: drop. */
          if (input->appsrc != NULL && !input->eos)
            {
              gst_app_src_push_sample (GST_APP_SRC (input->appsrc), sample);
              atomic_fetch_add (&self->frames, 1);
            }
          gst_sample_unref (sample);
        }
    }

  if (!self->started && sl_file_sink_can_start (self) && !sl_file_sink_start (self, error))
    return sl_file_sink_fail (self);

  if (self->started)
    sl_file_sink_end_inputs (self, FALSE);

  return TRUE;
}

static gboolean
sl_file_sink_teardown (SlProcessor  *processor,
                       GError      **error)
{
  SlFileSink *self = SL_FILE_SINK (processor);
  g_autoptr(GError) local_error = NULL;

  if (!self->failed && !self->started && self->n_pending > 0)
    sl_file_sink_start (self, &local_error);

  if (local_error == NULL && !self->failed && self->started)
    {
      /* Finalise the file: the muxer writes its index on EOS. */
      sl_file_sink_end_inputs (self, TRUE);
      if (!sl_bus_watch_wait_eos (&self->watch, SL_GST_WAIT_TIMEOUT) &&
          !sl_bus_watch_take_error (&self->watch, &local_error))
        local_error = g_error_new (SL_ERROR, SL_ERROR_TIMEOUT,
                                   "Writing “%s”: the file was not finalised within %u s", self->path,
                                   (guint) (SL_GST_WAIT_TIMEOUT / GST_SECOND));
    }

  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    {
      g_queue_clear_full (&self->inputs[i].pending, (GDestroyNotify) gst_sample_unref);
      gst_clear_object (&self->inputs[i].appsrc);
    }
  self->mux = NULL;
  sl_gst_pipeline_dispose (&self->pipeline, &self->watch);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static void
sl_file_sink_dispose (GObject *object)
{
  SlFileSink *self = SL_FILE_SINK (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->inputs); i++)
    {
      g_queue_clear_full (&self->inputs[i].pending, (GDestroyNotify) gst_sample_unref);
      gst_clear_object (&self->inputs[i].appsrc);
      gst_clear_caps (&self->inputs[i].caps);
    }
  self->mux = NULL;
  sl_gst_pipeline_dispose (&self->pipeline, &self->watch);

  G_OBJECT_CLASS (sl_file_sink_parent_class)->dispose (object);
}

static void
sl_file_sink_finalize (GObject *object)
{
  SlFileSink *self = SL_FILE_SINK (object);

  g_free (self->location);
  g_free (self->path);
  sl_bus_watch_clear (&self->watch);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sl_file_sink_parent_class)->finalize (object);
}

static void
sl_file_sink_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SlFileSink *self = SL_FILE_SINK (object);

  switch (prop_id)
    {
    case PROP_LOCATION:
      g_mutex_lock (&self->mutex);
      g_value_set_string (value, self->location);
      g_mutex_unlock (&self->mutex);
      break;
    case PROP_FRAMES:
      g_value_set_int64 (value, atomic_load (&self->frames));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_file_sink_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SlFileSink *self = SL_FILE_SINK (object);

  switch (prop_id)
    {
    case PROP_LOCATION:
      /* Takes effect from the next start: a file being written stays. */
      g_mutex_lock (&self->mutex);
      g_free (self->location);
      self->location = g_value_dup_string (value);
      g_mutex_unlock (&self->mutex);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_file_sink_class_init (SlFileSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SlProcessorClass *processor_class = SL_PROCESSOR_CLASS (klass);
  g_autoptr(GstCaps) video = gst_caps_from_string ("video/x-raw; video/x-vp8; video/x-h264");
  g_autoptr(GstCaps) audio = gst_caps_from_string ("audio/x-raw; audio/x-opus");

  object_class->dispose = sl_file_sink_dispose;
  object_class->finalize = sl_file_sink_finalize;
  object_class->get_property = sl_file_sink_get_property;
  object_class->set_property = sl_file_sink_set_property;
  processor_class->setup = sl_file_sink_setup;
  processor_class->process = sl_file_sink_process;
  processor_class->teardown = sl_file_sink_teardown;

  properties[PROP_LOCATION] =
    sl_param_spec_checked_string ("location", NULL,
                                  "The file to write; its extension picks the container: .webm, .mkv or .mp4",
                                  NULL, sl_file_sink_check_location,
                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMES] =
    g_param_spec_int64 ("frames", NULL, "Frames (video and audio) written to the file",
                        0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  sl_processor_class_add_input_port (processor_class, "video", video);
  sl_processor_class_add_input_port (processor_class, "audio", audio);
  sl_processor_class_set_execution_mode (processor_class, SL_EXECUTION_REACTIVE);
  sl_processor_class_set_description (processor_class,
                                      "Writes video and audio to a WebM, Matroska or MP4 file, "
                                      "encoding raw input; finalised on drain");
}

static void
sl_file_sink_init (SlFileSink *self)
{
  g_mutex_init (&self->mutex);
  sl_bus_watch_init (&self->watch, "file-sink", NULL, NULL);
  self->inputs[0].name = "video";
  self->inputs[1].name = "audio";
  g_queue_init (&self->inputs[0].pending);
  g_queue_init (&self->inputs[1].pending);
  atomic_init (&self->frames, 0);
}
