// test-mixed.js: C, JavaScript and Vala processors in one graph.
//
//   test-source (C) → js-scale (gjs, main context) → vala-every-nth (Vala,
//   loaded from a plugin module) → passthrough (C) → counter-sink (C)
//
// The Vala processor lives in a plugin module built from
// tests/bindings/vala-test-plugin.vala; its path is in SL_TEST_VALA_PLUGIN.
// Run with G_DEBUG=fatal-criticals: any Gjs-CRITICAL fails the test.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Streamlib from 'gi://Streamlib?version=1.0';
import System from 'system';

import {defineProcessor, drain, runMain, untilSignal} from '../../bindings/gjs/streamlib.js';

const TIMEOUT_MS = 20000;
const FRAMES = 300;

function assert(cond, message) {
    if (!cond)
        throw new Error(`assertion failed: ${message}`);
}

async function testCJavaScriptAndValaTogether(runtime) {
    const registry = runtime.get_registry();
    registry.load_plugin(GLib.getenv('SL_TEST_VALA_PLUGIN'));
    defineProcessor({
        name: 'MixedJsScale',
        registry,
        factory: 'js-scale',
        inputs: ['in'],
        outputs: ['out'],
        properties: {
            factor: GObject.ParamSpec.int('factor', '', '', GObject.ParamFlags.READWRITE, 0, 8, 1),
        },
        process() {
            const out = this.get_output_port('out');
            for (const sample of this.get_input_port('in')) {
                for (let i = 0; i < this.factor; i++)
                    out.push(sample);
            }
        },
    });
    assert(registry.list_factories().includes('vala-every-nth'), 'the Vala plugin is loaded');

    const events = [];
    runtime.connect('error', (r, node, e) => events.push(['error', node, e.message]));
    runtime.connect('processor-state-changed', (r, node, state) => events.push(['processor', node, state]));

    runtime.parse_launch(`test-source name=src num-frames=${FRAMES} ` +
                         '! js-scale name=scale factor=2 ! vala-every-nth name=nth n=2 ' +
                         '! passthrough name=pass ! counter-sink name=sink');
    for (const link of runtime.get_graph().list_links())
        runtime.configure_link(link, 32, Streamlib.OverflowPolicy.BLOCK);

    const eos = untilSignal(runtime, 'eos', {timeoutMs: TIMEOUT_MS});
    runtime.start();
    await eos;
    const sink = runtime.get_processor('sink');
    const nth = runtime.get_processor('nth');
    assert(GObject.type_name(nth.constructor.$gtype) === 'ValaEveryNth', 'a Vala instance');
    const stats = await drain(runtime, {timeoutMs: TIMEOUT_MS});

    const errors = events.filter(e => e[0] === 'error');
    assert(errors.length === 0, `errors: ${JSON.stringify(errors)}`);
    // JavaScript doubled every frame, Vala kept one in two.
    assert(sink.count === FRAMES, `the sink counted ${sink.count} of ${FRAMES}`);
    assert(sink.out_of_order === 0, 'in order');
    const pushed = {};
    for (const [link, s] of Object.entries(stats)) {
        assert(s.dropped === 0 && s.queued === 0 && s.pushed === s.popped, `${link}: no loss`);
        pushed[link.split('->')[0]] = s.pushed;
    }
    assert(JSON.stringify(pushed, Object.keys(pushed).sort()) ===
           JSON.stringify({'nth.out': FRAMES, 'pass.out': FRAMES, 'scale.out': 2 * FRAMES, 'src.out': FRAMES}),
    `pushed ${JSON.stringify(pushed)}`);
    assert(nth.thread_name === 'sl:nth', `the Vala processor ran on ${nth.thread_name}`);
    for (const node of ['src', 'scale', 'nth', 'pass', 'sink']) {
        assert(events.some(e => e[0] === 'processor' && e[1] === node &&
                                e[2] === Streamlib.ProcessorState.RUNNING), `${node} ran`);
    }
}

const tests = [
    ['C, JavaScript and Vala processors together', testCJavaScriptAndValaTogether],
];

print(`1..${tests.length}`);
const failures = runMain(async () => {
    let failed = 0;
    for (const [i, [name, func]] of tests.entries()) {
        const plugin = GLib.getenv('SL_TEST_VALA_PLUGIN');
        if (!plugin || !GLib.file_test(plugin, GLib.FileTest.EXISTS)) {
            print(`ok ${i + 1} - ${name} # SKIP the Vala test plugin is not built`);
            continue;
        }
        const runtime = Streamlib.Runtime.new();
        try {
            // eslint-disable-next-line no-await-in-loop
            await func(runtime);
            print(`ok ${i + 1} - ${name}`);
        } catch (e) {
            failed++;
            print(`not ok ${i + 1} - ${name}`);
            for (const line of `${e}\n${e.stack ?? ''}`.split('\n'))
                print(`# ${line}`);
        } finally {
            runtime.stop(Streamlib.StopMode.IMMEDIATE);
        }
    }
    return failed;
});
System.exit(failures ? 1 : 0);
