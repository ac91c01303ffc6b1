// bench-gjs.js: per-frame cost of a gjs processor through the main context.
//
// Runs, in the same process and alternately,
//
//   test-source num-frames=N rate=0 → passthrough (C)         → counter-sink
//   test-source num-frames=N rate=0 → js-passthrough (gjs, main context) → counter-sink
//
// with BLOCK links of capacity 200, timing each run from start() to the
// runtime's `eos` signal, and reports the time the JavaScript hop adds per
// frame: (t_gjs − t_c) / N, with the median of the runs of each variant.
// The same runs with BLOCK links of capacity 1 force one frame per
// `process` call (a main-context wake-up per frame): the worst case.
//
// Two JavaScript variants: `gjs`, a plain GObject.registerClass subclass,
// and `gjs-helper`, the same made with defineProcessor from
// bindings/gjs/streamlib.js, which paces garbage collection (a forced
// collection every 2000 frames). After each run a full collection is forced
// outside the timed part and timed too: it frees the run's frame wrappers.
// `us_per_frame_added_with_gc` counts it in. For the plain variant it is the
// deferred, and quadratic, cost of freeing many samples that share one
// GstCaps (GStreamer's parent tracking): see docs/first-processor.md.
//
// Output: one JSON object per line on stdout; a table on stderr.
//   meson test -C BUILDDIR --benchmark --suite bindings   (runs it with --quick)
//   gjs -m bench-gjs.js [--quick] [--frames N] [--runs R] [--capacity C]...
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Streamlib from 'gi://Streamlib?version=1.0';
import System from 'system';

import {defineProcessor} from '../../bindings/gjs/streamlib.js';

const GOAL_US = 30;
const TIMEOUT_S = 120;

const JsPassthrough = GObject.registerClass({GTypeName: 'BenchJsPassthrough'},
    class JsPassthrough extends Streamlib.Processor {
        vfunc_setup() {
            this._in = this.get_input_port('in');
            this._out = this.get_output_port('out');
            return true;
        }

        vfunc_process() {
            let sample;
            while ((sample = this._in.pop()) !== null)
                this._out.push(sample);
            return true;
        }
    });
JsPassthrough.add_input_port('in', null);
JsPassthrough.add_output_port('out', null);
JsPassthrough.set_execution_mode(Streamlib.ExecutionMode.MAIN_CONTEXT);

const HelperPassthrough = defineProcessor({
    name: 'BenchJsHelperPassthrough',
    inputs: ['in'],
    outputs: ['out'],
    setup() {
        this._in = this.get_input_port('in');
        this._out = this.get_output_port('out');
    },
    process() {
        for (const sample of this._in)
            this._out.push(sample);
    },
});

const VARIANTS = {c: 'passthrough', gjs: 'js-passthrough', 'gjs-helper': 'js-helper-passthrough'};

function runOnce(factory, frames, capacity) {
    const runtime = Streamlib.Runtime.new();
    runtime.get_registry().register('js-passthrough', JsPassthrough.$gtype);
    runtime.get_registry().register('js-helper-passthrough', HelperPassthrough.$gtype);
    runtime.add('test-source', 'src');
    runtime.add(factory, 'mid');
    runtime.add('counter-sink', 'sink');
    runtime.set_node_property_from_string('src', 'num-frames', `${frames}`);
    runtime.set_node_property_from_string('src', 'rate', '0');
    for (const link of [runtime.link('src', 'mid'), runtime.link('mid', 'sink')])
        runtime.configure_link(link, capacity, Streamlib.OverflowPolicy.BLOCK);

    const loop = new GLib.MainLoop(null, false);
    let eosAt = null, error = null;
    runtime.connect('eos', () => {
        eosAt = GLib.get_monotonic_time();
        loop.quit();
    });
    runtime.connect('error', (r, node, e) => {
        error = `${node}: ${e.message}`;
        loop.quit();
    });
    const timeout = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, TIMEOUT_S, () => {
        error = 'timed out';
        loop.quit();
        return GLib.SOURCE_REMOVE;
    });

    const start = GLib.get_monotonic_time();
    runtime.start();
    const sink = runtime.get_processor('sink');
    loop.run();
    if (error === null)
        GLib.source_remove(timeout);
    runtime.stop(Streamlib.StopMode.DRAIN);
    if (error !== null)
        throw new Error(`${factory}: ${error}`);
    if (sink.count !== frames)
        throw new Error(`${factory}: the sink counted ${sink.count} of ${frames} frames`);
    // Free this run's garbage before the next run, and time it.
    const gcStart = GLib.get_monotonic_time();
    System.gc();
    return [(eosAt - start) / 1e6, (GLib.get_monotonic_time() - gcStart) / 1e6];
}

function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (x, digits) => Number(x.toFixed(digits));

function main(argv) {
    let quick = false, frames = null, runs = null;
    const capacities = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--quick')
            quick = true;
        else if (argv[i] === '--frames')
            frames = parseInt(argv[++i]);
        else if (argv[i] === '--runs')
            runs = parseInt(argv[++i]);
        else if (argv[i] === '--capacity')
            capacities.push(parseInt(argv[++i]));
        else
            throw new Error(`unknown argument ${argv[i]}`);
    }
    frames ??= quick ? 20000 : 100000;
    runs ??= quick ? 5 : 9;
    if (!capacities.length)
        capacities.push(200, 1);

    runOnce('passthrough', Math.min(frames, 1000), 200);   // warm up
    const variants = Object.keys(VARIANTS);
    for (const capacity of capacities) {
        const n = capacity >= 16 ? frames : Math.max(1000, Math.floor(frames / 5));
        const times = {}, gcs = {};
        for (const variant of variants) {
            times[variant] = [];
            gcs[variant] = [];
        }
        for (let r = 0; r < runs; r++) {
            for (const variant of variants) {
                const [seconds, gcSeconds] = runOnce(VARIANTS[variant], n, capacity);
                times[variant].push(seconds);
                gcs[variant].push(gcSeconds);
            }
        }
        const med = {}, medGc = {};
        for (const variant of variants) {
            med[variant] = median(times[variant]);
            medGc[variant] = median(gcs[variant]);
            print(JSON.stringify({
                benchmark: 'gjs-processor', variant,
                graph: `test-source ! ${VARIANTS[variant]} ! counter-sink`,
                link_capacity: capacity, frames: n, runs,
                seconds_median: round(med[variant], 6),
                seconds_min: round(Math.min(...times[variant]), 6),
                us_per_frame: round(med[variant] / n * 1e6, 3),
                gc_after_run_seconds_median: round(medGc[variant], 6),
            }));
        }
        for (const variant of variants.filter(v => v !== 'c')) {
            const added = (med[variant] - med.c) / n * 1e6;
            const addedWithGc = (med[variant] + medGc[variant] - med.c - medGc.c) / n * 1e6;
            print(JSON.stringify({
                benchmark: 'gjs-processor-overhead', variant,
                link_capacity: capacity, frames: n, runs,
                us_per_frame_added: round(added, 3),
                us_per_frame_added_with_gc: round(addedWithGc, 3),
                goal_us: GOAL_US, meets_goal: addedWithGc <= GOAL_US,
            }));
            printerr(`capacity ${String(capacity).padStart(3)}  ${variant.padEnd(10)} adds ` +
                     `${added.toFixed(3).padStart(8)} µs per frame, ${addedWithGc.toFixed(3).padStart(8)} µs ` +
                     `with the collection after the run (C ${(med.c * 1e3).toFixed(1)} ms, ` +
                     `${variant} ${(med[variant] * 1e3).toFixed(1)} ms + ${(medGc[variant] * 1e3).toFixed(1)} ms ` +
                     `collection for ${n} frames; goal ≤ ${GOAL_US} µs)`);
        }
    }
    return 0;
}

System.exit(main(ARGV));
