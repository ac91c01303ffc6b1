/* media-util.h: helpers for the media suites
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <streamlib/streamlib.h>

G_BEGIN_DECLS

/* Every wait is bounded: a hang fails the test instead. */
#define MEDIA_TIMEOUT_US (20 * G_USEC_PER_SEC)

typedef struct
{
  SlRuntime *runtime;
  GPtrArray *errors;      /* "id: message" from the runtime's error signal */
  char      *dir;         /* a temporary folder, removed at the end */
} MediaFixture;

void         media_fixture_setup      (MediaFixture  *fixture,
                                       gconstpointer  data);
void         media_fixture_teardown   (MediaFixture  *fixture,
                                       gconstpointer  data);
char        *media_path               (MediaFixture  *fixture,
                                       const char    *name);

typedef gboolean (*MediaCondition) (gpointer user_data);
void         media_wait               (MediaCondition condition,
                                       gpointer       user_data,
                                       const char    *what);

/* Graph helpers: each asserts success. */
void         media_add                (MediaFixture  *fixture,
                                       const char    *factory,
                                       const char    *id,
                                       ...) G_GNUC_NULL_TERMINATED;   /* name, value (text) pairs */
char        *media_link               (MediaFixture  *fixture,
                                       const char    *source,
                                       const char    *target,
                                       gboolean       lossless);
void         media_start              (MediaFixture  *fixture);
/* sl_runtime_stop (DRAIN) under a watchdog. */
void         media_drain              (MediaFixture  *fixture);
/* sl_runtime_stop (IMMEDIATE) under a watchdog. Used once a processor has
 * failed in setup: the engine's drain does not wake such a runner (see
 * sl_runner_has_work()), so a drain would never complete. */
void         media_stop               (MediaFixture  *fixture);

void         media_wait_pushed        (MediaFixture  *fixture,
                                       const char    *link,
                                       guint64        pushed);
void         media_wait_state         (MediaFixture     *fixture,
                                       const char       *id,
                                       SlProcessorState  state);
/* Waits until an error about @id was reported; returns its message. */
const char  *media_wait_error         (MediaFixture  *fixture,
                                       const char    *id);
void         media_assert_no_errors   (MediaFixture  *fixture);
gint64       media_get_int64          (MediaFixture  *fixture,
                                       const char    *id,
                                       const char    *property);

/* Aborts the test process unless disarmed within MEDIA_TIMEOUT_US. */
void         media_watchdog_arm       (const char    *what);
void         media_watchdog_disarm    (void);

/* ---- reading files back with GStreamer only ---------------------------- */

typedef struct
{
  GstClockTime duration;
  guint        n_video;
  gint         width;
  gint         height;
  guint        n_audio;
  guint        channels;
  guint        rate;
  char        *container;   /* caps name of the container */
  char        *video_caps;  /* caps name of the first video stream */
  char        *audio_caps;
} MediaInfo;

void         media_discover           (const char    *path,
                                       MediaInfo     *info);
void         media_info_clear         (MediaInfo     *info);
/* Decodes the file and counts its video frames. */
guint        media_count_video_frames (const char    *path);

G_END_DECLS
