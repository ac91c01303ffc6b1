/* webrtc-test-util.h: what the WebRTC test programs share
 *
 * Bounded waits on the test's main context, building a graph in a runtime
 * with every step asserted, runtime errors collected, and waits for a node
 * to run or for the endpoint's session count. Every wait fails the test
 * (g_error) at its deadline instead of hanging.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <streamlib-webrtc/streamlib-webrtc.h>

G_BEGIN_DECLS

typedef gboolean (*WebrtcTestCondition) (gpointer user_data);

/* How long one wait may take (microseconds): 20 s unless a test sets
 * another bound in main(). */
void    webrtc_test_set_timeout     (gint64               timeout_us);
gint64  webrtc_test_get_timeout     (void);
/* Now plus that bound, for waits on a GCond. */
gint64  webrtc_test_deadline        (void);

/* Iterates the thread-default main context until @condition holds; fails
 * the test at the deadline, naming @what. Other threads change what is
 * watched without waking the context: it is polled every few ms. */
void    webrtc_test_wait_for        (WebrtcTestCondition  condition,
                                     gpointer             user_data,
                                     const char          *what);

/* Adds a node @factory named @id, then sets its properties from text: a
 * NULL-terminated list of name, value pairs. */
void    webrtc_test_add             (SlRuntime           *runtime,
                                     const char          *factory,
                                     const char          *id,
                                     ...) G_GNUC_NULL_TERMINATED;
void    webrtc_test_set             (SlRuntime           *runtime,
                                     const char          *id,
                                     const char          *property,
                                     const char          *value);
void    webrtc_test_link            (SlRuntime           *runtime,
                                     const char          *source,
                                     const char          *target);

/* Appends "id: message" to @errors (g_free) for every error @runtime
 * reports; @errors must outlive the runtime's signals. */
void    webrtc_test_collect_errors  (SlRuntime           *runtime,
                                     GPtrArray           *errors);

/* Waits until the node @id of @runtime runs. */
void    webrtc_test_wait_running    (SlRuntime           *runtime,
                                     const char          *id);
/* Waits until @endpoint holds @n sessions. */
void    webrtc_test_wait_n_sessions (SlWebrtcEndpoint    *endpoint,
                                     guint                n);

G_END_DECLS
