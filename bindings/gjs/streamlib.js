// streamlib.js: helpers for writing streamlib processors and applications in gjs
//
// An ES module on top of the introspected API (`gi://Streamlib?version=1.0`),
// which it does not change. Import it by path (gjs has no module search path
// for ES modules):
//
//     import {defineProcessor, drain, until} from 'file:///usr/share/streamlib-1.0/gjs/streamlib.js';
//
// (the installed copy lives in `<datadir>/streamlib-1.0/gjs/`), or relative
// to your script. What it offers:
//
// - defineProcessor({...}): a processor class with its ports, properties and
//   main-context execution mode declared in one call, optionally registered
//   under a factory name;
// - for (const sample of inputPort): pops every frame queued on an input
//   port (importing this module adds the iterator to Streamlib.InputPort);
// - linkStats(runtime): every link's counters as plain objects;
// - until(condition, options) and untilSignal(object, name, options):
//   promises that let the main loop run meanwhile and fail after a time
//   limit;
// - drain(runtime, options): a promise that drains the runtime and resolves,
//   with the link counters, once its `idle` state change has been delivered;
// - runMain(async () => {...}): runs a GLib.MainLoop until the async function
//   settles, and returns its result (or throws its error);
// - configure({gcInterval, framesPerTurn}): how often port iteration and
//   defineProcessor force a garbage collection, and how many frames one port
//   iteration yields (see "Garbage collection pacing" below: without it a
//   busy gjs processor is refused by gjs after about 800,000 frames).
//
// Promises need the default main context to be iterated while they are
// pending: a running GLib.MainLoop (runMain), a Gtk/Adw application, or a
// top-level `await` in a script run with `gjs -m`. The last one works, but
// gjs 1.74 then iterates the main context sparingly: main-context processors
// run far less often (2000 frames through a JavaScript pass-through took
// 300–500 ms there, 17 ms under runMain). Prefer runMain in scripts.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gst from 'gi://Gst?version=1.0';
import Streamlib from 'gi://Streamlib?version=1.0';
import System from 'system';

const DEFAULT_TIMEOUT_MS = 30000;

// Garbage collection pacing. Every frame a JavaScript processor pops is a new
// wrapper object, freed only by a major garbage collection. Samples that
// share one GstCaps (as a source's frames do) are expensive to free in bulk:
// GStreamer tracks each sample as a "parent" of its caps in an array, and
// removing one shifts the rest, so freeing n of them together costs O(n²)
// (measured: 18 µs per sample for 200,000 of them). Left alone, gjs 1.74
// collects after some 800,000 frames; that collection is incremental, takes
// seconds, and until it ends gjs refuses every call from C into JavaScript
// ("Attempting to run a JS callback during garbage collection"): the
// processor's next `process` fails, and timers and signal handlers are
// refused too. Collecting often, while few frames are garbage, keeps every
// collection short (about 1.4 ms every 2000 frames). Port iteration counts
// the frames it pops, defineProcessor's calls count too, and a collection is
// forced every `gcInterval` of them.
//
// Port iteration also yields at most `framesPerTurn` frames per loop: a
// main-context processor fed faster than it runs would otherwise never
// return to the main loop. The runtime calls `process` again at once for the
// frames left, after other main-loop sources had their turn.
const settings = {gcInterval: 2000, framesPerTurn: 256};
let sinceGc = 0;

/**
 * Tunes the helpers for processors.
 *
 * @param {object} options
 * @param {number} [options.gcInterval] - frames popped by iterating a port,
 *   plus calls of defineProcessor's functions, between two forced garbage
 *   collections (System.gc()); 0: never force one. Default 2000.
 * @param {number} [options.framesPerTurn] - most frames one iteration of an
 *   input port yields; 0: no limit. Default 256.
 */
export function configure({gcInterval, framesPerTurn} = {}) {
    if (gcInterval !== undefined)
        settings.gcInterval = gcInterval;
    if (framesPerTurn !== undefined)
        settings.framesPerTurn = framesPerTurn;
}

function paceGc() {
    if (settings.gcInterval > 0 && ++sinceGc >= settings.gcInterval) {
        sinceGc = 0;
        System.gc();
    }
}

/**
 * Pops the frames queued on an input port, oldest first, until it is empty
 * (it does not wait for more) or `framesPerTurn` frames were popped (the
 * runtime then calls `process` again for the rest):
 * `for (const sample of port) ...`. Paces garbage collection (see above).
 */
if (!(Symbol.iterator in Streamlib.InputPort.prototype)) {
    Object.defineProperty(Streamlib.InputPort.prototype, Symbol.iterator, {
        configurable: true,
        writable: true,
        value: function* () {
            const limit = settings.framesPerTurn > 0 ? settings.framesPerTurn : Infinity;
            let sample;
            for (let n = 0; n < limit && (sample = this.pop()) !== null; n++) {
                paceGc();
                yield sample;
            }
        },
    });
}

function portSpec(port) {
    if (typeof port === 'string')
        return [port, null];
    const caps = port.caps ?? null;
    return [port.name, typeof caps === 'string' ? Gst.Caps.from_string(caps) : caps];
}

/**
 * Defines (and registers with GObject) a processor class written in
 * JavaScript.
 *
 * JavaScript can only run on the thread of gjs' main loop, so the class runs
 * with Streamlib.ExecutionMode.MAIN_CONTEXT: its setup, process and teardown
 * are called on the runtime's main context, scheduled like a reactive
 * processor (when frames arrive, or when the processor calls schedule()).
 *
 * @param {object} spec
 * @param {string} spec.name - the GType name, e.g. 'JsEveryNth'
 * @param {Array<string|{name: string, caps: (string|Gst.Caps)}>} [spec.inputs] - input ports
 * @param {Array<string|{name: string, caps: (string|Gst.Caps)}>} [spec.outputs] - output ports
 * @param {Object<string, GObject.ParamSpec>} [spec.properties] - GObject
 *   properties, as for GObject.registerClass; read them as `this.name`
 * @param {string} [spec.description] - the factory's description
 * @param {Function} [spec.setup] - called as a method, before the first process
 * @param {Function} [spec.process] - called as a method: pop frames, push frames
 * @param {Function} [spec.teardown] - called as a method, after the last process
 * @param {Object<string, Function>} [spec.methods] - other methods of the class
 * @param {Streamlib.Registry} [spec.registry] - register the class there ...
 * @param {string} [spec.factory] - ... under this factory name
 * @returns {GObject.Class} the class, a subclass of Streamlib.Processor
 *
 * setup, process and teardown may return nothing (success) or throw: the
 * exception's message becomes the error of the runtime's `error` signal and
 * the processor is marked failed; the rest of the graph goes on. After each
 * call the garbage collector may be run (see configure); pop frames by
 * iterating the input port (`for (const sample of port)`) so that they count
 * too.
 */
export function defineProcessor(spec) {
    if (!spec?.name)
        throw new TypeError('defineProcessor: a GType `name` is required');

    const klass = class extends Streamlib.Processor {};
    // Defined (not assigned): assigning to vfunc_* on a GObject prototype
    // looks up the parent's implementation, which SlProcessor lacks.
    const define = (name, value) => Object.defineProperty(klass.prototype, name, {
        configurable: true, writable: true, value,
    });
    for (const vfunc of ['setup', 'process', 'teardown']) {
        const impl = spec[vfunc];
        if (impl === undefined)
            continue;
        if (typeof impl !== 'function')
            throw new TypeError(`defineProcessor: ${vfunc} must be a function`);
        define(`vfunc_${vfunc}`, function () {
            try {
                return impl.call(this) ?? true;
            } finally {
                paceGc();
            }
        });
    }
    for (const [name, method] of Object.entries(spec.methods ?? {}))
        define(name, method);

    const registered = GObject.registerClass({
        GTypeName: spec.name,
        Properties: spec.properties ?? {},
    }, klass);

    for (const port of spec.inputs ?? [])
        registered.add_input_port(...portSpec(port));
    for (const port of spec.outputs ?? [])
        registered.add_output_port(...portSpec(port));
    registered.set_execution_mode(Streamlib.ExecutionMode.MAIN_CONTEXT);
    if (spec.description)
        registered.set_description(spec.description);
    if (spec.registry && spec.factory)
        spec.registry.register(spec.factory, registered.$gtype);
    return registered;
}

/**
 * The counters of every link of the runtime's graph.
 *
 * @param {Streamlib.Runtime} runtime
 * @returns {Object<string, {pushed: number, popped: number, dropped: number,
 *   queued: number, highWater: number, capacity: number,
 *   policy: Streamlib.OverflowPolicy}>} link id → counters
 *   (pushed === popped + dropped + queued)
 */
export function linkStats(runtime) {
    const result = {};
    for (const link of runtime.get_graph().list_links()) {
        const stats = runtime.get_link_stats(link);
        result[link] = {
            pushed: stats.get_pushed(),
            popped: stats.get_popped(),
            dropped: stats.get_dropped(),
            queued: stats.get_queued(),
            highWater: stats.get_high_water(),
            capacity: stats.get_capacity(),
            policy: stats.get_policy(),
        };
    }
    return result;
}

/**
 * Resolves once `condition()` is true, checked every `intervalMs` on the
 * default main context (which keeps running meanwhile); rejects after
 * `timeoutMs`.
 *
 * @param {Function} condition
 * @param {{timeoutMs?: number, intervalMs?: number, what?: string}} [options]
 * @returns {Promise<void>}
 */
export function until(condition, {timeoutMs = DEFAULT_TIMEOUT_MS, intervalMs = 5, what} = {}) {
    return new Promise((resolve, reject) => {
        const deadline = GLib.get_monotonic_time() + timeoutMs * 1000;
        const check = () => {
            let done;
            try {
                done = condition();
            } catch (e) {
                reject(e);
                return GLib.SOURCE_REMOVE;
            }
            if (done) {
                resolve();
                return GLib.SOURCE_REMOVE;
            }
            if (GLib.get_monotonic_time() >= deadline) {
                reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what ?? condition}`));
                return GLib.SOURCE_REMOVE;
            }
            return GLib.SOURCE_CONTINUE;
        };
        if (check() === GLib.SOURCE_CONTINUE)
            GLib.timeout_add(GLib.PRIORITY_DEFAULT, intervalMs, check);
    });
}

/**
 * Resolves with the signal's arguments the next time `object` emits
 * `signal` (and `filter(...args)`, if given, is true); rejects after
 * `timeoutMs`.
 *
 * @param {GObject.Object} object
 * @param {string} signal
 * @param {{timeoutMs?: number, filter?: Function}} [options]
 * @returns {Promise<Array>}
 */
export function untilSignal(object, signal, {timeoutMs = DEFAULT_TIMEOUT_MS, filter} = {}) {
    return new Promise((resolve, reject) => {
        let handler = 0;
        const timeout = GLib.timeout_add(GLib.PRIORITY_DEFAULT, timeoutMs, () => {
            object.disconnect(handler);
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${signal}`));
            return GLib.SOURCE_REMOVE;
        });
        handler = object.connect(signal, (emitter, ...args) => {
            if (filter && !filter(...args))
                return;
            object.disconnect(handler);
            GLib.source_remove(timeout);
            resolve(args);
        });
    });
}

/**
 * Drains the runtime (Streamlib.StopMode.DRAIN: sources stop, every frame in
 * flight goes through, each processor tears down) and resolves with
 * linkStats(runtime) once the runtime is idle and its change to
 * Streamlib.RuntimeState.IDLE has been signalled, so every handler of this
 * run has seen it. Resolves at once for an idle runtime.
 *
 * @param {Streamlib.Runtime} runtime
 * @param {{timeoutMs?: number}} [options]
 * @returns {Promise<Object>} the link counters, as linkStats()
 */
export function drain(runtime, {timeoutMs = DEFAULT_TIMEOUT_MS} = {}) {
    if (runtime.get_state() === Streamlib.RuntimeState.IDLE)
        return Promise.resolve(linkStats(runtime));

    return new Promise((resolve, reject) => {
        let timeout = 0;
        const handler = runtime.connect('state-changed', (r, oldState, newState) => {
            if (newState !== Streamlib.RuntimeState.IDLE)
                return;
            runtime.disconnect(handler);
            GLib.source_remove(timeout);
            resolve(linkStats(runtime));
        });
        timeout = GLib.timeout_add(GLib.PRIORITY_DEFAULT, timeoutMs, () => {
            runtime.disconnect(handler);
            reject(new Error(`timed out after ${timeoutMs} ms waiting for the runtime to drain`));
            return GLib.SOURCE_REMOVE;
        });
        try {
            // stop() waits, running main-context processors meanwhile.
            runtime.stop(Streamlib.StopMode.DRAIN);
        } catch (e) {
            runtime.disconnect(handler);
            GLib.source_remove(timeout);
            reject(e);
        }
    });
}

/**
 * Runs a GLib.MainLoop on the default main context until `func()` (an async
 * function, or any function returning a value or a promise) settles; returns
 * its value or throws its error. Main-context processors, signals and the
 * promises of this module run meanwhile.
 *
 * Call it from the top level of a script before any top-level `await`, or
 * from a callback of a running main loop: gjs runs no promise job inside a
 * main loop that is itself started from a promise job (an async function,
 * or module code after a top-level `await`). runMain detects that case and
 * throws instead of hanging.
 *
 * @param {Function} func
 * @returns {*} what func's promise resolved to
 */
export function runMain(func) {
    const loop = new GLib.MainLoop(null, false);
    let outcome = null;
    let jobsRun = false;

    Promise.resolve().then(() => {
        jobsRun = true;
    });
    let guard = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 1000, () => {
        guard = 0;
        if (!jobsRun && outcome === null) {
            outcome = {error: new Error('runMain(): gjs runs no promise job here; call runMain ' +
                'from the top level of the script, before any top-level await, or from a callback')};
            loop.quit();
        }
        return GLib.SOURCE_REMOVE;
    });
    Promise.resolve().then(func).then(value => {
        outcome ??= {value};
        loop.quit();
    }, error => {
        outcome ??= {error};
        loop.quit();
    });

    loop.run();
    if (guard)
        GLib.source_remove(guard);
    if ('error' in outcome)
        throw outcome.error;
    return outcome.value;
}
