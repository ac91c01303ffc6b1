/* sl-core-processors.h: the core processor types
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <streamlib/streamlib.h>

G_BEGIN_DECLS

#define SL_TYPE_PASSTHROUGH (sl_passthrough_get_type ())
G_DECLARE_FINAL_TYPE (SlPassthrough, sl_passthrough, SL, PASSTHROUGH, SlProcessor)

#define SL_TYPE_ECHO (sl_echo_get_type ())
G_DECLARE_FINAL_TYPE (SlEcho, sl_echo, SL, ECHO, SlProcessor)

#define SL_TYPE_TEST_SOURCE (sl_test_source_get_type ())
G_DECLARE_FINAL_TYPE (SlTestSource, sl_test_source, SL, TEST_SOURCE, SlProcessor)

#define SL_TYPE_APP_SOURCE (sl_app_source_get_type ())
G_DECLARE_FINAL_TYPE (SlAppSource, sl_app_source, SL, APP_SOURCE, SlProcessor)

#define SL_TYPE_APP_SINK (sl_app_sink_get_type ())
G_DECLARE_FINAL_TYPE (SlAppSink, sl_app_sink, SL, APP_SINK, SlProcessor)

#define SL_TYPE_COUNTER_SINK (sl_counter_sink_get_type ())
G_DECLARE_FINAL_TYPE (SlCounterSink, sl_counter_sink, SL, COUNTER_SINK, SlProcessor)

#define SL_TYPE_NULL_SINK (sl_null_sink_get_type ())
G_DECLARE_FINAL_TYPE (SlNullSink, sl_null_sink, SL, NULL_SINK, SlProcessor)

#define SL_TYPE_DROP_FILTER (sl_drop_filter_get_type ())
G_DECLARE_FINAL_TYPE (SlDropFilter, sl_drop_filter, SL, DROP_FILTER, SlProcessor)

G_END_DECLS
