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
SlRuntime   *test_probe_runtime_new (void);

/* ---- additions for the runtime suites ---------------------------------- */

/* g_test_init(), with GSlice off (see test-util.c). */
void         test_init              (int           *argc,
                                     char        ***argv);

/* Whether the suite runs under a sanitizer (scale stress down). */
gboolean     test_under_sanitizer   (void);

/* Iterates the thread-default main context for @duration_us, without waiting
 * for anything: used to check that something does NOT change. Bounded. */
void         test_iterate_for       (gint64         duration_us);

/* Aborts the process (so the test fails instead of hanging) unless
 * test_watchdog_disarm() is called within TEST_TIMEOUT_US. Nests: the
 * innermost arm or kick sets the deadline. */
void         test_watchdog_arm      (const char    *what);
/* Gives an armed watchdog another TEST_TIMEOUT_US. */
void         test_watchdog_kick     (void);
void         test_watchdog_disarm   (void);
/* With TEST_WATCHDOG_GDB set, prints every thread's stack (gdb); a timed
 * out wait and the watchdog call it. */
void         test_dump_stacks       (void);

/* sl_runtime_stop / pause from the test's thread, under a watchdog. */
void         test_stop              (SlRuntime     *runtime,
                                     SlStopMode     mode);
void         test_pause             (SlRuntime     *runtime);
void         test_start             (SlRuntime     *runtime);

/* Waits (bounded) until the runtime's state is @state. */
void         test_wait_state        (SlRuntime      *runtime,
                                     SlRuntimeState  state);
/* Waits (bounded) until the processor's state is @state. */
void         test_wait_processor_state (SlRuntime        *runtime,
                                        const char       *id,
                                        SlProcessorState  state);

/* Link helpers: all assert success. */
char        *test_add               (SlRuntime     *runtime,
                                     const char    *factory,
                                     const char    *id);
char        *test_link              (SlRuntime     *runtime,
                                     const char    *source,
                                     const char    *target);
void         test_configure         (SlRuntime         *runtime,
                                     const char        *link,
                                     guint              capacity,
                                     SlOverflowPolicy   policy);
void         test_set               (SlRuntime     *runtime,
                                     const char    *id,
                                     const char    *property,
                                     const char    *value);

/* Waits (bounded) until the link's `pushed` counter is at least @pushed. */
void         test_wait_pushed       (SlRuntime     *runtime,
                                     const char    *link,
                                     guint64        pushed);

/* Pushes @n samples numbered @first.. (GST_BUFFER_OFFSET) into app-source
 * @id through its push-sample action. */
void         test_push_samples      (SlRuntime     *runtime,
                                     const char    *id,
                                     guint64        first,
                                     guint          n);
void         test_end_of_stream     (SlRuntime     *runtime,
                                     const char    *id);

/* ---- the recorder: what the test processors saw, from any thread -------- */

typedef struct
{
  char    *id;
  char    *text;
  GThread *thread;
} TestEvent;

void         test_recorder_reset    (void);
void         test_record            (const char    *id,
                                     const char    *format,
                                     ...) G_GNUC_PRINTF (2, 3);
/* A copy of the events recorded for @id (or all when %NULL), in order:
 * GPtrArray of TestEvent*. */
GPtrArray   *test_recorder_events   (const char    *id);
gboolean     test_recorder_has      (const char    *id,
                                     const char    *text);
/* Offsets the probe @id received, in order (GArray of gint64). */
GArray      *test_recorder_offsets  (const char    *id);
void         test_recorder_add_offset (const char  *id,
                                       gint64       offset);
void         test_wait_recorded     (const char    *id,
                                     const char    *text);

/* Gates: a probe with latch=true waits in setup until its gate opens. */
void         test_gate_close        (const char    *id);
void         test_gate_open         (const char    *id);
/* Bounded; returns FALSE on timeout. */
gboolean     test_gate_wait         (const char    *id);

/* ---- test processors (test-processors.c) -------------------------------- */

/* Registers on @runtime's registry:
 *  - "probe" (reactive, in → out): forwards frames, records setup/teardown
 *    wiring, offsets and threads; can fail in setup or at frame N, wait on a
 *    gate in setup, and run a runtime call from setup/process/teardown or a
 *    property setter (props fail-setup, fail-at, latch, action,
 *    action-phase, action-at, trigger, count, processed, reschedule,
 *    forward);
 *  - "probe-main": the same with SL_EXECUTION_MAIN_CONTEXT;
 *  - "probe-sink" (reactive, in only) and "probe-source" (continuous, out
 *    only; props num-frames, produced) with the same hooks;
 *  - "probe-main-source" and "probe-manual-source": sources in the
 *    main-context and manual modes (reschedule=true makes them call
 *    sl_processor_schedule from setup and from each process). */
void         test_register_processors (SlRuntime   *runtime);

/* Runs @hook in every probe's constructed() (on the processor's thread,
 * while the runtime waits for the instance), or no hook for %NULL. */
typedef void (*TestConstructHook) (SlProcessor *processor,
                                   gpointer     data);
void         test_set_construct_hook  (TestConstructHook  hook,
                                       gpointer           data);

G_END_DECLS
