/* test-util.h: helpers shared by the runtime suites
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <streamlib/streamlib.h>

G_BEGIN_DECLS

/* Every wait in the suites is bounded: a deadlock fails the test. */
#define TEST_TIMEOUT_US (20 * G_USEC_PER_SEC)

typedef gboolean (*TestCondition) (gpointer user_data);

/* Iterates the thread-default main context until @condition holds; fails the
 * test with @what if it does not within TEST_TIMEOUT_US. */
void         test_wait_for          (TestCondition  condition,
                                     gpointer       user_data,
                                     const char    *what);

gint64       test_get_int64         (SlRuntime     *runtime,
                                     const char    *id,
                                     const char    *property);
void         test_wait_int64        (SlRuntime     *runtime,
                                     const char    *id,
                                     const char    *property,
                                     gint64         at_least);
SlLinkStats *test_link_stats        (SlRuntime     *runtime,
                                     const char    *link);
void         test_assert_invariant  (SlRuntime     *runtime,
                                     const char    *link);
SlRuntime   *test_runtime_new       (void);

G_END_DECLS
