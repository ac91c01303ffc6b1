/* test-processors.h: small processor types for the C test suites
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <streamlib/streamlib.h>

G_BEGIN_DECLS

/**
 * TestMode:
 *
 * An enumeration for an enum-typed test property.
 */
typedef enum {
  TEST_MODE_SLOW,
  TEST_MODE_FAST,
  TEST_MODE_BOUNCING_BALL,
} TestMode;

#define TEST_TYPE_MODE (test_mode_get_type ())
GType test_mode_get_type (void);

/* One output "out" (video/x-raw), continuous, with properties:
 *   "level"   int 0..100, default 50
 *   "enabled" boolean, default TRUE
 *   "label"   string, default NULL
 *   "ratio"   double 0.0..10.0, default 1.0
 *   "mode"    TestMode, default TEST_MODE_SLOW
 *   "frames"  guint64, read-only
 */
#define TEST_TYPE_VIDEO_SOURCE (test_video_source_get_type ())
G_DECLARE_FINAL_TYPE (TestVideoSource, test_video_source, TEST, VIDEO_SOURCE, SlProcessor)

/* One output "out" (audio/x-raw). */
#define TEST_TYPE_AUDIO_SOURCE (test_audio_source_get_type ())
G_DECLARE_FINAL_TYPE (TestAudioSource, test_audio_source, TEST, AUDIO_SOURCE, SlProcessor)

/* Input "in" and output "out", both video/x-raw; property "strength"
 * (double 0.0..1.0). */
#define TEST_TYPE_VIDEO_FILTER (test_video_filter_get_type ())
G_DECLARE_FINAL_TYPE (TestVideoFilter, test_video_filter, TEST, VIDEO_FILTER, SlProcessor)

/* One input "in" with any caps, no output. */
#define TEST_TYPE_ANY_SINK (test_any_sink_get_type ())
G_DECLARE_FINAL_TYPE (TestAnySink, test_any_sink, TEST, ANY_SINK, SlProcessor)

/* Inputs "a" and "b" (any caps), output "out" (video/x-raw). */
#define TEST_TYPE_TWO_IN (test_two_in_get_type ())
G_DECLARE_FINAL_TYPE (TestTwoIn, test_two_in, TEST, TWO_IN, SlProcessor)

/* Factory names used by test_processors_register(). */
#define TEST_FACTORY_VIDEO_SOURCE "video-source"
#define TEST_FACTORY_AUDIO_SOURCE "audio-source"
#define TEST_FACTORY_VIDEO_FILTER "video-filter"
#define TEST_FACTORY_ANY_SINK     "any-sink"
#define TEST_FACTORY_TWO_IN       "two-in"

void        test_processors_register (SlRegistry         *registry);
SlRegistry *test_registry_new        (void);

gboolean    test_strv_is_sorted      (const char * const *strv);

G_END_DECLS
