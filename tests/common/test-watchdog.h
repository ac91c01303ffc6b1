/* test-watchdog.h: abort a test that blocks too long
 *
 * For calls that block without a timeout of their own (a drain, a stop, a
 * GStreamer state change): arm before, disarm after. If the deadline passes
 * first, the process prints a TAP "Bail out!" naming what timed out and
 * aborts, so a deadlock fails the test instead of hanging it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One watchdog at a time per process; call from the test's thread. */
void test_watchdog_arm    (const char *what,
                           gint64      timeout_us);
void test_watchdog_disarm (void);

G_END_DECLS
