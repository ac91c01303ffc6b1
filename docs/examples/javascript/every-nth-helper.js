// every-nth-helper.js: the same processor and graph as every-nth.js, written
// with the gjs helper module bindings/gjs/streamlib.js (installed as
// <datadir>/streamlib-1.0/gjs/streamlib.js): defineProcessor, port
// iteration, and until() and drain() awaited in an async function that
// runMain() runs in a main loop.
// Run with `gjs -m every-nth-helper.js`.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GObject from 'gi://GObject';
import Streamlib from 'gi://Streamlib?version=1.0';
import System from 'system';

// In your own program: 'file:///usr/share/streamlib-1.0/gjs/streamlib.js'
// (or wherever <datadir> is), or a copy next to it.
import {defineProcessor, drain, runMain, until} from '../../../bindings/gjs/streamlib.js';

const runtime = Streamlib.Runtime.new();

// [processor]
defineProcessor({
    name: 'ExampleEveryNth',
    registry: runtime.get_registry(),
    factory: 'every-nth',
    description: 'Forwards one frame in n',
    inputs: ['in'],
    outputs: ['out'],
    properties: {
        n: GObject.ParamSpec.int('n', 'n', 'Forward one frame in n',
            GObject.ParamFlags.READWRITE, 1, 1000, 1),
    },
    setup() {
        this._seen = 0;
        this._in = this.get_input_port('in');
        this._out = this.get_output_port('out');
    },
    process() {
        for (const sample of this._in) {
            if (this._seen % this.n === 0)
                this._out.push(sample);
            this._seen++;
        }
    },
});
// [processor]

// [application]
runtime.add('test-source', 'src');
runtime.add('every-nth', 'nth');
runtime.add('counter-sink', 'sink');
runtime.set_node_property_from_string('src', 'rate', '1000');
const first = runtime.link('src', 'nth');
const second = runtime.link('nth', 'sink');
for (const link of [first, second])
    runtime.configure_link(link, 16, Streamlib.OverflowPolicy.BLOCK);

const errors = [];
runtime.connect('error', (r, node, error) => errors.push(`${node}: ${error.message}`));

// runMain runs a main loop until the async function is done: the
// JavaScript processor and the signals run while it waits.
const status = runMain(async () => {
    runtime.start();
    const sink = runtime.get_processor('sink');
    await until(() => sink.count >= 100, {timeoutMs: 20000, what: '100 frames'});
    runtime.set_node_property_from_string('nth', 'n', '3');
    await until(() => sink.count >= 150, {timeoutMs: 20000, what: '150 frames'});

    const stats = await drain(runtime);
    const sent = stats[first].pushed, forwarded = stats[second].pushed, counted = sink.count;
    print(`source sent ${sent}, every-nth forwarded ${forwarded}, sink counted ${counted}`);
    return errors.length === 0 && counted === forwarded && forwarded < sent ? 0 : 1;
});
if (status !== 0)
    printerr(`unexpected counts ${errors.join('; ')}`);
System.exit(status);
// [application]
