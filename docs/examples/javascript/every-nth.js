// every-nth.js: your first processor, in JavaScript (gjs)
//
// A processor that forwards one frame in every `n`, used in the graph
//
//   test-source → every-nth → counter-sink
//
// `n` is changed from 1 to 3 while the graph runs; the runtime is then
// drained and the counts printed. Run with `gjs -m every-nth.js`.
// See docs/first-processor.md.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Streamlib from 'gi://Streamlib?version=1.0';
import System from 'system';

// [processor]
const EveryNth = GObject.registerClass({
    GTypeName: 'ExampleEveryNth',
    Properties: {
        n: GObject.ParamSpec.int('n', 'n', 'Forward one frame in n',
            GObject.ParamFlags.READWRITE, 1, 1000, 1),
    },
}, class EveryNth extends Streamlib.Processor {
    // setup, process and teardown run on the runtime's main context (see below).
    vfunc_setup() {
        this._seen = 0;
        this._in = this.get_input_port('in');
        this._out = this.get_output_port('out');
        return true;
    }

    vfunc_process() {
        // Take every frame queued on the input; push one in n, drop the rest.
        let sample;
        while ((sample = this._in.pop()) !== null) {
            if (this._seen % this.n === 0)
                this._out.push(sample);
            this._seen++;
        }
        return true;
    }
});
// Ports are class data: declare them once, on the class.
EveryNth.add_input_port('in', null);
EveryNth.add_output_port('out', null);
// JavaScript runs only on the main thread: the one declaration a gjs
// processor needs.
EveryNth.set_execution_mode(Streamlib.ExecutionMode.MAIN_CONTEXT);
EveryNth.set_description('Forwards one frame in n');
// [processor]

// [application]
const stateNames = Object.fromEntries(
    Object.entries(Streamlib.RuntimeState).map(([name, value]) => [value, name.toLowerCase()]));

function main() {
    // [graph]
    const runtime = Streamlib.Runtime.new();
    // Register the class under a factory name; the graph refers to it by name.
    runtime.get_registry().register('every-nth', EveryNth.$gtype);

    // test-source → every-nth → counter-sink; blocking links lose nothing.
    runtime.add('test-source', 'src');
    runtime.add('every-nth', 'nth');
    runtime.add('counter-sink', 'sink');
    runtime.set_node_property_from_string('src', 'rate', '1000');
    const first = runtime.link('src', 'nth');
    const second = runtime.link('nth', 'sink');
    for (const link of [first, second])
        runtime.configure_link(link, 16, Streamlib.OverflowPolicy.BLOCK);
    // [graph]

    const loop = new GLib.MainLoop(null, false);
    let failed = false, idle = false, changed = false;
    let sink = null;

    // Signals arrive on the main context of the thread that created the runtime.
    runtime.connect('error', (r, node, error) => {
        printerr(`error from ${node}: ${error.message}`);
        failed = true;
        loop.quit();
    });
    runtime.connect('state-changed', (r, oldState, newState) => {
        print(`runtime: ${stateNames[newState]}`);
        idle = newState === Streamlib.RuntimeState.IDLE;
    });

    const timeout = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 20, () => {
        printerr('timed out');
        failed = true;
        loop.quit();
        return GLib.SOURCE_CONTINUE;
    });

    runtime.start();
    sink = runtime.get_processor('sink');
    const watch = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => {
        if (!changed && sink.count >= 100) {
            // Live: one frame in three from now on.
            runtime.set_node_property_from_string('nth', 'n', '3');
            changed = true;
        }
        if (changed && sink.count >= 150)
            loop.quit();
        return GLib.SOURCE_CONTINUE;
    });
    loop.run();
    GLib.source_remove(watch);

    // Drain: the source stops, every frame in flight reaches the sink.
    runtime.stop(Streamlib.StopMode.DRAIN);
    // The last state changes are signalled on this main context too.
    while (!idle && !failed)
        GLib.MainContext.default().iteration(true);
    GLib.source_remove(timeout);

    const sent = runtime.get_link_stats(first).get_pushed();
    const forwarded = runtime.get_link_stats(second).get_pushed();
    const counted = sink.count;
    print(`source sent ${sent}, every-nth forwarded ${forwarded}, sink counted ${counted}`);

    // Drain lost nothing, and after the change fewer frames went through.
    if (failed || counted !== forwarded || forwarded >= sent) {
        printerr('unexpected counts');
        return 1;
    }
    return 0;
}
// [application]

System.exit(main());
