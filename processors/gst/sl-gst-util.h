/* sl-gst-util.h: helpers shared by the GStreamer bridge processors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <streamlib/streamlib.h>

G_BEGIN_DECLS

/* How long a processor waits for GStreamer at most: a preroll in setup, the
 * end-of-stream that finalises a file in teardown. Every such wait is bounded. */
#define SL_GST_WAIT_TIMEOUT (10 * GST_SECOND)

/* Checks for sl_param_spec_checked_string(): TRUE if the value is
 * acceptable, otherwise FALSE with @error saying why. */
gboolean    sl_gst_check_bin_description   (const char  *description,
                                            GError     **error);
gboolean    sl_gst_check_fraction          (const char  *value,
                                            GError     **error);
gboolean    sl_gst_check_video_format      (const char  *value,
                                            GError     **error);
gboolean    sl_gst_check_videotestsrc_pattern (const char  *value,
                                               GError     **error);
gboolean    sl_gst_check_audiotestsrc_wave (const char  *value,
                                            GError     **error);

/* Parses "30/1", "30" or "29.97" into a fraction. */
gboolean    sl_gst_parse_fraction          (const char  *value,
                                            gint        *num,
                                            gint        *den);

/* Whether @nick (or name, or number) is a value of the enum property
 * @property of elements made by @factory. */
gboolean    sl_gst_enum_property_accepts   (const char  *factory,
                                            const char  *property,
                                            const char  *nick);
/* "a, b, c": the nicks of that enum property, for a property's blurb. */
char       *sl_gst_enum_property_nicks     (const char  *factory,
                                            const char  *property);

/* ---- GStreamer helpers -------------------------------------------------- */

gboolean    sl_gst_have_element            (const char  *factory);
/* The first of a NULL-terminated list of factory names that exists. */
const char *sl_gst_first_element           (const char  *first,
                                            ...) G_GNUC_NULL_TERMINATED;

/* Makes an SL_ERROR from a GStreamer error message: "@prefix: message
 * (element path)". */
GError     *sl_gst_error_from_message      (GstMessage  *message,
                                            const char  *prefix);

/* Records the first error a pipeline posts, from any thread. */
typedef struct
{
  GMutex       mutex;
  GError      *error;        /* the first error, if any */
  gboolean     eos;          /* the pipeline posted EOS */
  GCond        cond;
  char        *prefix;       /* put in front of error messages */
  void       (*notify) (gpointer user_data);
  gpointer     user_data;
} SlBusWatch;

void        sl_bus_watch_init              (SlBusWatch  *watch,
                                            const char  *prefix,
                                            void       (*notify) (gpointer user_data),
                                            gpointer     user_data);
void        sl_bus_watch_clear             (SlBusWatch  *watch);
/* Installs the watch as @pipeline's bus sync handler. Messages other than
 * ERROR and EOS are dropped (nothing pops the bus). */
void        sl_bus_watch_attach            (SlBusWatch  *watch,
                                            GstElement  *pipeline);
void        sl_bus_watch_detach            (SlBusWatch  *watch,
                                            GstElement  *pipeline);
/* Takes a copy of the error, if any. */
gboolean    sl_bus_watch_take_error        (SlBusWatch  *watch,
                                            GError     **error);
gboolean    sl_bus_watch_has_error         (SlBusWatch  *watch);
gboolean    sl_bus_watch_is_eos            (SlBusWatch  *watch);
void        sl_bus_watch_reset_eos         (SlBusWatch  *watch);
/* Waits until EOS or an error, at most @timeout. TRUE at EOS. */
gboolean    sl_bus_watch_wait_eos          (SlBusWatch  *watch,
                                            GstClockTime timeout);

/* Sets @pipeline to @state and, for a change that goes asynchronous, waits for
 * it at most @timeout. Reports the watch's error, or a generic one naming
 * @what, on failure. */
gboolean    sl_gst_set_state               (GstElement  *pipeline,
                                            GstState     state,
                                            GstClockTime timeout,
                                            SlBusWatch  *watch,
                                            const char  *what,
                                            GError     **error);

/* Sets the pipeline to NULL, detaches the watch and drops it. */
void        sl_gst_pipeline_dispose        (GstElement **pipeline,
                                            SlBusWatch  *watch);

/* ---- a bounded hand-off from GStreamer threads to the processor --------- */

/* Samples produced on GStreamer streaming threads wait here until the
 * processor's own thread pushes them (only it may push into its ports). The
 * queue is bounded: a producer blocks while it is full (back-pressure into
 * GStreamer), until the processor pops or the queue is set flushing. */
typedef struct
{
  GMutex      mutex;
  GCond       cond;
  GQueue      items;        /* SlQueuedSample* */
  guint       capacity;
  gboolean    flushing;
} SlSampleQueue;

typedef struct
{
  SlOutputPort *port;
  GstSample    *sample;
} SlQueuedSample;

void        sl_sample_queue_init           (SlSampleQueue *queue,
                                            guint          capacity);
void        sl_sample_queue_clear          (SlSampleQueue *queue);
/* Takes @sample. Blocks while full. FALSE (and the sample dropped) once the
 * queue is flushing. */
gboolean    sl_sample_queue_push           (SlSampleQueue *queue,
                                            SlOutputPort  *port,
                                            GstSample     *sample);
/* Moves everything queued into @out (a GQueue of SlQueuedSample*). */
void        sl_sample_queue_pop_all        (SlSampleQueue *queue,
                                            GQueue        *out);
void        sl_sample_queue_set_flushing   (SlSampleQueue *queue,
                                            gboolean       flushing);
void        sl_queued_sample_free          (SlQueuedSample *item);

G_END_DECLS
