/* sl-enums.h: enumerations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__STREAMLIB_INSIDE__) && !defined(STREAMLIB_COMPILATION)
#error "Only <streamlib/streamlib.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * SlOverflowPolicy:
 * @SL_OVERFLOW_DROP_OLDEST: drop the oldest queued frame to make room
 *   (live media: keep the newest)
 * @SL_OVERFLOW_DROP_NEWEST: drop the frame being pushed
 * @SL_OVERFLOW_BLOCK: the producer waits for room (back-pressure, no loss)
 *
 * What a link does when a frame is pushed while it is full.
 *
 * Since: 1.0
 */
typedef enum {
  SL_OVERFLOW_DROP_OLDEST,
  SL_OVERFLOW_DROP_NEWEST,
  SL_OVERFLOW_BLOCK,
} SlOverflowPolicy;

/**
 * SlExecutionMode:
 * @SL_EXECUTION_CONTINUOUS: `process` is called in a loop on the processor's
 *   thread, optionally paced by an interval
 * @SL_EXECUTION_REACTIVE: the processor's thread sleeps until a frame or a
 *   control message arrives, then `process` is called
 * @SL_EXECUTION_MANUAL: the processor drives its own timing (for example from a
 *   GStreamer callback); `process` is called only when it asks for it
 * @SL_EXECUTION_MAIN_CONTEXT: like @SL_EXECUTION_REACTIVE, but the whole
 *   lifecycle runs on the runtime's #GMainContext instead of a thread of its
 *   own; this is what JavaScript processors and GTK sinks use
 *
 * How and where a processor's `process` virtual function is scheduled.
 *
 * Since: 1.0
 */
typedef enum {
  SL_EXECUTION_CONTINUOUS,
  SL_EXECUTION_REACTIVE,
  SL_EXECUTION_MANUAL,
  SL_EXECUTION_MAIN_CONTEXT,
} SlExecutionMode;

/**
 * SlThreadPriority:
 * @SL_THREAD_PRIORITY_NORMAL: the default scheduling
 * @SL_THREAD_PRIORITY_HIGH: a raised (negative) nice value
 * @SL_THREAD_PRIORITY_REALTIME: a real-time scheduling class
 *
 * The scheduling priority a processor's thread asks for. It is requested
 * best effort; the priority actually obtained can be read back.
 *
 * Since: 1.0
 */
typedef enum {
  SL_THREAD_PRIORITY_NORMAL,
  SL_THREAD_PRIORITY_HIGH,
  SL_THREAD_PRIORITY_REALTIME,
} SlThreadPriority;

/**
 * SlRuntimeState:
 * @SL_RUNTIME_STATE_IDLE: nothing runs; the graph can be edited
 * @SL_RUNTIME_STATE_STARTING: processors are being spawned and set up
 * @SL_RUNTIME_STATE_RUNNING: processors run
 * @SL_RUNTIME_STATE_PAUSED: processor threads exist but no `process` call begins
 * @SL_RUNTIME_STATE_STOPPING: processors are being stopped at once
 * @SL_RUNTIME_STATE_DRAINING: sources have stopped and end-of-stream flows
 *   through the graph
 *
 * The lifecycle state of a runtime.
 *
 * Since: 1.0
 */
typedef enum {
  SL_RUNTIME_STATE_IDLE,
  SL_RUNTIME_STATE_STARTING,
  SL_RUNTIME_STATE_RUNNING,
  SL_RUNTIME_STATE_PAUSED,
  SL_RUNTIME_STATE_STOPPING,
  SL_RUNTIME_STATE_DRAINING,
} SlRuntimeState;

/**
 * SlProcessorState:
 * @SL_PROCESSOR_STATE_NONE: no instance exists yet
 * @SL_PROCESSOR_STATE_SPAWNED: the instance exists on its thread, waiting to be
 *   released
 * @SL_PROCESSOR_STATE_SETTING_UP: `setup` runs
 * @SL_PROCESSOR_STATE_RUNNING: `process` is being scheduled
 * @SL_PROCESSOR_STATE_PAUSED: scheduling is held by a pause
 * @SL_PROCESSOR_STATE_DRAINING: end-of-stream has been asked for; the processor
 *   finishes its input
 * @SL_PROCESSOR_STATE_STOPPED: `teardown` has run
 * @SL_PROCESSOR_STATE_FAILED: `setup` or `process` failed; the processor no
 *   longer runs, the rest of the graph does
 *
 * The lifecycle state of one processor in a runtime.
 *
 * Since: 1.0
 */
typedef enum {
  SL_PROCESSOR_STATE_NONE,
  SL_PROCESSOR_STATE_SPAWNED,
  SL_PROCESSOR_STATE_SETTING_UP,
  SL_PROCESSOR_STATE_RUNNING,
  SL_PROCESSOR_STATE_PAUSED,
  SL_PROCESSOR_STATE_DRAINING,
  SL_PROCESSOR_STATE_STOPPED,
  SL_PROCESSOR_STATE_FAILED,
} SlProcessorState;

/**
 * SlStopMode:
 * @SL_STOP_IMMEDIATE: stop every processor at once; queued frames are dropped
 * @SL_STOP_DRAIN: stop the sources, let end-of-stream flow through every link
 *   and let each processor finish its input before it is torn down
 *
 * How a runtime stops.
 *
 * Since: 1.0
 */
typedef enum {
  SL_STOP_IMMEDIATE,
  SL_STOP_DRAIN,
} SlStopMode;

/**
 * SlCommitMode:
 * @SL_COMMIT_AUTO: each change to a running runtime's graph is applied at once
 * @SL_COMMIT_MANUAL: changes are batched until sl_runtime_commit()
 *
 * When edits of a runtime's graph reach its running processors.
 *
 * Since: 1.0
 */
typedef enum {
  SL_COMMIT_AUTO,
  SL_COMMIT_MANUAL,
} SlCommitMode;

/**
 * SlPortDirection:
 * @SL_PORT_INPUT: the port receives frames
 * @SL_PORT_OUTPUT: the port sends frames
 *
 * The direction of a port.
 *
 * Since: 1.0
 */
typedef enum {
  SL_PORT_INPUT,
  SL_PORT_OUTPUT,
} SlPortDirection;

G_END_DECLS
