// test-helper.js: the gjs helper module bindings/gjs/streamlib.js:
// defineProcessor, port iteration, linkStats, until, untilSignal and drain.
// Run with G_DEBUG=fatal-criticals: any Gjs-CRITICAL fails the test.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gst from 'gi://Gst?version=1.0';
import Streamlib from 'gi://Streamlib?version=1.0';
import System from 'system';

import {configure, defineProcessor, drain, linkStats, runMain, until, untilSignal} from '../../bindings/gjs/streamlib.js';

const TIMEOUT_MS = 20000;

function assert(cond, message) {
    if (!cond)
        throw new Error(`assertion failed: ${message}`);
}

const registry = Streamlib.Registry.new();

const Scale = defineProcessor({
    name: 'HelperScale',
    registry,
    factory: 'js-scale',
    description: 'Sends each frame factor times',
    inputs: ['in'],
    outputs: [{name: 'out', caps: 'application/x-streamlib-test'}],
    properties: {
        factor: GObject.ParamSpec.int('factor', '', '', GObject.ParamFlags.READWRITE, 0, 8, 1),
    },
    setup() {
        this.thread = GLib.get_prgname();
        this.batches = 0;
        this.seen = 0;
    },
    process() {
        this.batches++;
        for (const sample of this.get_input_port('in')) {
            this.seen++;
            for (let i = 0; i < this.factor; i++)
                this.get_output_port('out').push(sample);
        }
    },
    teardown() {
        this.tornDown = true;
    },
    methods: {
        describe() {
            return `scale x${this.factor}`;
        },
    },
});

defineProcessor({
    name: 'HelperBroken',
    registry,
    factory: 'js-broken',
    inputs: ['in'],
    process() {
        for (const sample of this.get_input_port('in'))
            void sample;
        throw new TypeError('javascript says no');
    },
});

// A source written in JavaScript: no thread to loop on, so it asks for its
// next turn with schedule().
defineProcessor({
    name: 'HelperSource',
    registry,
    factory: 'js-source',
    outputs: ['out'],
    properties: {
        'num-frames': GObject.ParamSpec.int('num-frames', '', '', GObject.ParamFlags.READWRITE, 0, 1000000, 10),
    },
    setup() {
        this.sent = 0;
        this.schedule();
    },
    process() {
        if (this.sent < this.num_frames) {
            const buffer = Gst.Buffer.new_allocate(null, 0, null);
            this.get_output_port('out').push(Gst.Sample.new(buffer, null, null, null));
            this.sent++;
            this.schedule();
        } else {
            this.finish();
        }
    },
});



// Runtimes still running when a test fails are stopped before the next test:
// a runtime that is still running when gjs exits takes main-context
// processors down with it during garbage collection.
const runtimes = [];

function makeRuntime(events) {
    const runtime = Streamlib.Runtime.new_with_registry(registry);
    runtimes.push(runtime);
    runtime.connect('state-changed', (r, old, state) => events.push(['state', state]));
    runtime.connect('error', (r, id, error) => events.push(['error', id, error.message]));
    return runtime;
}

async function testDefineProcessorDeclaresTheClass() {
    const probe = new Scale();
    assert(probe instanceof Streamlib.Processor, 'a Streamlib.Processor');
    assert(GObject.type_name(Scale.$gtype) === 'HelperScale', 'the GType name');
    // Class functions are static methods of the subclass.
    assert(Scale.list_ports(Streamlib.PortDirection.INPUT).join() === 'in', 'input ports');
    assert(Scale.list_ports(Streamlib.PortDirection.OUTPUT).join() === 'out', 'output ports');
    assert(Scale.get_port_caps(Streamlib.PortDirection.OUTPUT, 'out').to_string() ===
           'application/x-streamlib-test', 'caps from a string');
    assert(Scale.get_execution_mode() === Streamlib.ExecutionMode.MAIN_CONTEXT, 'main-context mode');
    assert(Scale.get_description() === 'Sends each frame factor times', 'description');
    assert(probe.factor === 1, 'property default');
    assert(probe.describe() === 'scale x1', 'extra methods');
    assert(registry.lookup('js-scale') === Scale.$gtype, 'registered under its factory');

    let threw = false;
    try {
        defineProcessor({inputs: ['in']});
    } catch (e) {
        threw = e instanceof TypeError;
    }
    assert(threw, 'a name is required');
}

async function testChainWithLiveChangeAndDrain() {
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

    const before = linkStats(runtime);
    assert(Object.keys(before).sort().join() === [first, second].sort().join(), 'every link');
    assert(before[first].pushed === 0, 'nothing pushed yet');

    runtime.start();
    const sink = runtime.get_processor('sink');
    await until(() => sink.count >= 1, {timeoutMs: TIMEOUT_MS, what: 'the first frame'});
    // Once a frame went through, the main-context instance surely exists.
    const scale = runtime.get_processor('scale');
    runtime.set_node_property_from_string('scale', 'factor', '2');
    await until(() => scale.factor === 2, {timeoutMs: TIMEOUT_MS, what: 'factor = 2'});
    const after = sink.count;
    await until(() => sink.count >= after + 20, {timeoutMs: TIMEOUT_MS, what: 'doubled frames'});

    const stats = await drain(runtime, {timeoutMs: TIMEOUT_MS});
    // drain() resolves after the idle state change was delivered.
    assert(events.some(e => e[0] === 'state' && e[1] === Streamlib.RuntimeState.IDLE), 'idle seen');
    assert(runtime.get_state() === Streamlib.RuntimeState.IDLE, 'idle');
    for (const [link, s] of Object.entries(stats)) {
        assert(s.pushed === s.popped + s.dropped + s.queued, `${link}: the counters add up`);
        assert(s.dropped === 0 && s.queued === 0, `${link}: no loss`);
        assert(s.capacity === 16 && s.policy === Streamlib.OverflowPolicy.BLOCK, `${link}: config`);
        assert(s.highWater >= 1 && s.highWater <= 16, `${link}: high water ${s.highWater}`);
    }
    assert(stats[second].pushed > stats[first].popped &&
           stats[second].pushed <= 2 * stats[first].popped,
    `factor applied live: ${stats[first].popped} in, ${stats[second].pushed} out`);
    assert(sink.count === stats[second].pushed, 'the sink counted every frame');
    assert(scale.seen === stats[first].popped, 'port iteration saw every frame');
    assert(scale.tornDown, 'teardown ran');
    assert(!events.some(e => e[0] === 'error'), 'no error');

    // Draining an idle runtime resolves at once.
    const again = await drain(runtime);
    assert(again[second].pushed === stats[second].pushed, 'same counters');
}

async function testJsSourceDrivesItself() {
    const events = [];
    const runtime = makeRuntime(events);
    runtime.add('js-source', 'src');
    runtime.add('counter-sink', 'sink');
    runtime.set_node_property_from_string('src', 'num-frames', '50');
    runtime.configure_link(runtime.link('src', 'sink'), 16, Streamlib.OverflowPolicy.BLOCK);
    const eos = untilSignal(runtime, 'eos', {timeoutMs: TIMEOUT_MS});
    runtime.start();
    const sink = runtime.get_processor('sink');
    await eos;
    assert(sink.count === 50, `the sink counted ${sink.count} of 50`);
    await drain(runtime);
}

async function testThrowFailsOnlyThatProcessor() {
    const events = [];
    const runtime = makeRuntime(events);
    runtime.add('test-source', 'src');
    runtime.add('js-broken', 'broken');
    runtime.add('counter-sink', 'sink');
    runtime.set_node_property_from_string('src', 'rate', '1000');
    runtime.link('src.out', 'broken.in');
    runtime.link('src.out', 'sink.in');
    const failed = untilSignal(runtime, 'error', {timeoutMs: TIMEOUT_MS});
    runtime.start();
    const [id, error] = await failed;
    assert(id === 'broken', `error from ${id}`);
    assert(error.message.includes('javascript says no'), error.message);
    assert(runtime.get_processor_state('broken') === Streamlib.ProcessorState.FAILED, 'failed');
    const sink = runtime.get_processor('sink');
    const before = sink.count;
    await until(() => sink.count > before + 10, {timeoutMs: TIMEOUT_MS, what: 'the sink to go on'});
    await drain(runtime);
}

// A busy JavaScript processor: a million frames at full speed. Without the
// helper's garbage-collection pacing, gjs 1.74 refuses to call `process`
// after about 800,000 (an incremental collection of that many samples
// sharing one GstCaps takes seconds), which fails this test (and aborts it
// under G_DEBUG=fatal-criticals). Port iteration also hands the main loop
// back every framesPerTurn frames: a timer keeps running meanwhile.
async function testBusyProcessorSurvivesGarbageCollection() {
    const FRAMES = 1000000;
    const events = [];
    const runtime = makeRuntime(events);
    runtime.add('test-source', 'src');
    runtime.add('js-pass', 'pass');
    runtime.add('counter-sink', 'sink');
    runtime.set_node_property_from_string('src', 'num-frames', `${FRAMES}`);
    for (const link of [runtime.link('src', 'pass'), runtime.link('pass', 'sink')])
        runtime.configure_link(link, 200, Streamlib.OverflowPolicy.BLOCK);

    let ticks = 0;
    const ticker = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
        ticks++;
        return GLib.SOURCE_CONTINUE;
    });
    const eos = untilSignal(runtime, 'eos', {timeoutMs: 100000});
    const started = GLib.get_monotonic_time();
    runtime.start();
    try {
        await eos;
    } finally {
        GLib.source_remove(ticker);
    }
    const seconds = (GLib.get_monotonic_time() - started) / 1e6;
    const sink = runtime.get_processor('sink');
    await drain(runtime);
    assert(!events.some(e => e[0] === 'error'), `errors: ${JSON.stringify(events.filter(e => e[0] === 'error'))}`);
    assert(sink.count === FRAMES, `the sink counted ${sink.count} of ${FRAMES}`);
    // The timer ran throughout: at least once per 100 ms on average.
    assert(ticks >= Math.floor(seconds * 10), `the main loop ran ${ticks} timer ticks in ${seconds} s`);
}

defineProcessor({
    name: 'HelperPass',
    registry,
    factory: 'js-pass',
    inputs: ['in'],
    outputs: ['out'],
    process() {
        const out = this.get_output_port('out');
        for (const sample of this.get_input_port('in'))
            out.push(sample);
    },
});

async function testConfigureFramesPerTurn() {
    const events = [];
    const runtime = makeRuntime(events);
    configure({framesPerTurn: 3});
    try {
        runtime.add('test-source', 'src');
        runtime.add('js-scale', 'scale');
        runtime.add('counter-sink', 'sink');
        runtime.set_node_property_from_string('src', 'num-frames', '300');
        for (const link of [runtime.link('src', 'scale'), runtime.link('scale', 'sink')])
            runtime.configure_link(link, 100, Streamlib.OverflowPolicy.BLOCK);
        const eos = untilSignal(runtime, 'eos', {timeoutMs: TIMEOUT_MS});
        runtime.start();
        await eos;
        const scale = runtime.get_processor('scale');
        const sink = runtime.get_processor('sink');
        await drain(runtime);
        assert(sink.count === 300, `the sink counted ${sink.count} of 300`);
        // At most 3 frames per call: at least 100 calls.
        assert(scale.batches >= 100, `${scale.batches} process calls for 300 frames`);
    } finally {
        configure({framesPerTurn: 256});
    }
}

async function testUntilAndUntilSignalTimeOut() {
    let message = null;
    try {
        await until(() => false, {timeoutMs: 20, what: 'nothing'});
    } catch (e) {
        message = e.message;
    }
    assert(message?.includes('timed out') && message.includes('nothing'), `until: ${message}`);

    message = null;
    const runtime = Streamlib.Runtime.new_with_registry(registry);
    try {
        await untilSignal(runtime, 'eos', {timeoutMs: 20});
    } catch (e) {
        message = e.message;
    }
    assert(message?.includes('timed out'), `untilSignal: ${message}`);

    message = null;
    try {
        await until(() => {
            throw new Error('condition broke');
        });
    } catch (e) {
        message = e.message;
    }
    assert(message === 'condition broke', `a throwing condition rejects: ${message}`);
}

const tests = [
    ['defineProcessor declares ports, mode, properties and registers', testDefineProcessorDeclaresTheClass],
    ['a defined processor in a C chain, live change, drain()', testChainWithLiveChangeAndDrain],
    ['a JavaScript source drives itself with schedule()', testJsSourceDrivesItself],
    ['a throw fails only that processor', testThrowFailsOnlyThatProcessor],
    ['until() and untilSignal() time out', testUntilAndUntilSignalTimeOut],
    ['configure({framesPerTurn}) bounds one port iteration', testConfigureFramesPerTurn],
    ['a busy JavaScript processor survives garbage collection (a million frames)',
        testBusyProcessorSurvivesGarbageCollection],
];

// runMain outside any promise job: a value, an error.
function testRunMain() {
    assert(runMain(async () => 42) === 42, 'runMain returns the value');
    assert(runMain(() => 'sync') === 'sync', 'a plain function too');
    let message = null;
    try {
        runMain(async () => {
            throw new Error('boom');
        });
    } catch (e) {
        message = e.message;
    }
    assert(message === 'boom', `runMain throws the error: ${message}`);
}

// Inside a promise job gjs runs no other job: runMain says so instead of hanging.
async function testRunMainRefusesToHang() {
    let message = null;
    await until(() => true);
    try {
        runMain(async () => 1);
    } catch (e) {
        message = e.message;
    }
    assert(message?.includes('runs no promise job'), `the guard: ${message}`);
}

tests.push(['runMain refuses to hang inside a promise job', testRunMainRefusesToHang]);

function report(number, name, e) {
    if (!e) {
        print(`ok ${number} - ${name}`);
        return 0;
    }
    print(`not ok ${number} - ${name}`);
    for (const line of `${e}\n${e.stack ?? ''}`.split('\n'))
        print(`# ${line}`);
    return 1;
}

print(`1..${tests.length + 1}`);
// This one at the top level: runMain is for there.
let error = null;
try {
    testRunMain();
} catch (e) {
    error = e;
}
let failures = report(1, 'runMain returns a value and throws an error', error);

// Every other test runs inside one main loop (runMain), where main-context
// processors run at full rate.
failures += runMain(async () => {
    let failed = 0;
    for (const [i, [name, func]] of tests.entries()) {
        try {
            // eslint-disable-next-line no-await-in-loop
            await func();
            report(i + 2, name, null);
        } catch (e) {
            failed += report(i + 2, name, e);
        } finally {
            for (const runtime of runtimes.splice(0))
                runtime.stop(Streamlib.StopMode.IMMEDIATE);
        }
    }
    return failed;
});
System.exit(failures ? 1 : 0);
