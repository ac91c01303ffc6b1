// test-runtime.js: the runtime's core scenario from gjs: a JavaScript
// processor (main-context affinity) between C processors, a live property
// change, signals in the main loop, drain, and a JavaScript processor that
// throws. Run with G_DEBUG=fatal-criticals: any Gjs-CRITICAL fails the test.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Streamlib from 'gi://Streamlib?version=1.0';
import System from 'system';

const TIMEOUT_US = 20 * 1000 * 1000;

const JsScale = GObject.registerClass({
    GTypeName: 'JsScale',
    Properties: {
        factor: GObject.ParamSpec.int('factor', '', '', GObject.ParamFlags.READWRITE, 0, 8, 1),
    },
}, class JsScale extends Streamlib.Processor {
    vfunc_setup() {
        this._in = this.get_input_port('in');
        this._out = this.get_output_port('out');
        return true;
    }

    vfunc_process() {
        let sample;
        while ((sample = this._in.pop()) !== null) {
            for (let i = 0; i < this.factor; i++)
                this._out.push(sample);
        }
        return true;
    }
});
JsScale.add_input_port('in', null);
JsScale.add_output_port('out', null);
// JavaScript can only run on the main thread: one declaration says so.
JsScale.set_execution_mode(Streamlib.ExecutionMode.MAIN_CONTEXT);

const JsBroken = GObject.registerClass({GTypeName: 'JsBroken'},
    class JsBroken extends Streamlib.Processor {
        vfunc_process() {
            while (this.get_input_port('in').pop() !== null)
                ;
            throw new GLib.Error(Streamlib.Error, Streamlib.Error.FAILED, 'broken on purpose');
        }
    });
JsBroken.add_input_port('in', null);
JsBroken.set_execution_mode(Streamlib.ExecutionMode.MAIN_CONTEXT);

function waitFor(condition, what) {
    const context = GLib.MainContext.default();
    const deadline = GLib.get_monotonic_time() + TIMEOUT_US;
    while (!condition()) {
        if (GLib.get_monotonic_time() > deadline)
            throw new Error(`timed out waiting for ${what}`);
        const source = GLib.timeout_source_new(1);
        source.set_callback(() => GLib.SOURCE_REMOVE);
        source.attach(context);
        context.iteration(true);
        source.destroy();
    }
}

function assert(cond, message) {
    if (!cond)
        throw new Error(`assertion failed: ${message}`);
}

function count(runtime, node) {
    const processor = runtime.get_processor(node);
    return processor === null ? -1 : processor.count;
}

function makeRuntime(events) {
    const runtime = Streamlib.Runtime.new();
    runtime.get_registry().register('js-scale', JsScale.$gtype);
    runtime.get_registry().register('js-broken', JsBroken.$gtype);
    // Handlers run on the main thread, or gjs would abort.
    runtime.connect('state-changed', (r, old, state) => events.push(['state', state]));
    runtime.connect('processor-state-changed', (r, id, state) => events.push(['processor', id, state]));
    runtime.connect('error', (r, id, error) => events.push(['error', id, error]));
    runtime.connect('committed', () => events.push(['committed']));
    return runtime;
}

function testJsProcessorInACChain() {
    const events = [];
    const runtime = makeRuntime(events);
    runtime.add('test-source', 'src');
    runtime.add('js-scale', 'scale');
    runtime.add('counter-sink', 'sink');
    runtime.set_node_property_from_string('src', 'rate', '1000');
    const first = runtime.link('src', 'scale');
    const second = runtime.link('scale', 'sink');
    for (const link of [first, second])
        runtime.configure_link(link, 16, Streamlib.OverflowPolicy.BLOCK);

    runtime.start();
    waitFor(() => count(runtime, 'sink') >= 1, 'the first frame');
    // Every frame after the change goes out twice.
    runtime.set_node_property_from_string('scale', 'factor', '2');
    waitFor(() => runtime.get_processor('scale')?.factor === 2, 'factor = 2');
    const after = count(runtime, 'sink');
    waitFor(() => count(runtime, 'sink') >= after + 20, 'doubled frames');

    runtime.stop(Streamlib.StopMode.DRAIN);
    waitFor(() => events.some(e => e[0] === 'state' && e[1] === Streamlib.RuntimeState.IDLE), 'idle');

    const statsIn = runtime.get_link_stats(first);
    const statsOut = runtime.get_link_stats(second);
    for (const stats of [statsIn, statsOut]) {
        assert(stats.get_pushed() === stats.get_popped() + stats.get_dropped() + stats.get_queued(),
            'pushed == popped + dropped + queued');
        assert(stats.get_dropped() === 0 && stats.get_queued() === 0, 'no drop, nothing left');
    }
    assert(statsOut.get_pushed() > statsIn.get_popped() &&
           statsOut.get_pushed() <= 2 * statsIn.get_popped(),
    `factor applied live: ${statsIn.get_popped()} in, ${statsOut.get_pushed()} out`);

    const S = Streamlib.RuntimeState;
    const states = events.filter(e => e[0] === 'state').map(e => e[1]);
    assert(JSON.stringify(states) === JSON.stringify([S.STARTING, S.RUNNING, S.DRAINING, S.IDLE]),
        `runtime states ${states}`);
    const P = Streamlib.ProcessorState;
    const scaleStates = events.filter(e => e[0] === 'processor' && e[1] === 'scale').map(e => e[2]);
    assert(scaleStates[0] === P.SPAWNED && scaleStates[1] === P.SETTING_UP &&
           scaleStates[2] === P.RUNNING && scaleStates.at(-1) === P.STOPPED,
    `scale states ${scaleStates}`);
    assert(events.some(e => e[0] === 'committed'), 'committed');
}

function testJsExceptionFailsOnlyThatProcessor() {
    const events = [];
    const runtime = makeRuntime(events);
    runtime.add('test-source', 'src');
    runtime.add('js-broken', 'broken');
    runtime.add('counter-sink', 'sink');
    runtime.set_node_property_from_string('src', 'rate', '1000');
    runtime.link('src.out', 'broken.in');
    runtime.link('src.out', 'sink.in');
    runtime.start();

    waitFor(() => events.some(e => e[0] === 'error'), 'the error signal');
    const [, id, error] = events.find(e => e[0] === 'error');
    assert(id === 'broken', `error from ${id}`);
    assert(error.message.includes('broken on purpose'), error.message);
    assert(runtime.get_processor_state('broken') === Streamlib.ProcessorState.FAILED, 'failed state');

    const before = count(runtime, 'sink');
    waitFor(() => count(runtime, 'sink') > before + 10, 'the sink to go on');
    runtime.stop(Streamlib.StopMode.DRAIN);
    assert(runtime.get_state() === Streamlib.RuntimeState.IDLE, 'idle after drain');
}

const tests = [
    ['a JavaScript processor in a C chain', testJsProcessorInACChain],
    ['a JavaScript exception fails only that processor', testJsExceptionFailsOnlyThatProcessor],
];

print(`1..${tests.length}`);
let failed = 0;
tests.forEach(([name, func], i) => {
    try {
        func();
        print(`ok ${i + 1} - ${name}`);
    } catch (e) {
        failed++;
        print(`not ok ${i + 1} - ${name}`);
        for (const line of `${e}\n${e.stack ?? ''}`.split('\n'))
            print(`# ${line}`);
    }
});
System.exit(failed ? 1 : 0);
