// test-graph.js: build, link, validate and serialise a graph from gjs, with
// processors defined in JavaScript.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Run as `gjs -m test-graph.js` with G_DEBUG=fatal-criticals and an
// environment pointing GI_TYPELIB_PATH / LD_LIBRARY_PATH at the build tree.
// Prints TAP.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gst from 'gi://Gst?version=1.0';
import Streamlib from 'gi://Streamlib?version=1.0';
import System from 'system';

Gst.init(null);

// ---------------------------------------------------------------- harness

const tests = [];
function test(name, func) {
    tests.push({name, func});
}

// A test of a known library bug: reported as TAP `# TODO` (an expected
// failure); meson turns an unexpected pass into a failure, so the marker must
// go once the bug is fixed.
function todo(name, reason, func) {
    tests.push({name, func, todo: reason});
}

class AssertionError extends Error {}

function assert(cond, message = 'assertion failed') {
    if (!cond)
        throw new AssertionError(message);
}

// JSON text with object members sorted, so that member order does not matter.
function canonical(value) {
    return JSON.stringify(value, (key, v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v))
            return v;
        return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
    });
}

function assertEqual(actual, expected, message = '') {
    const a = canonical(actual);
    const e = canonical(expected);
    if (a !== e)
        throw new AssertionError(`${message} expected ${e}, got ${a}`);
}

function assertThrows(code, func, message = '') {
    try {
        func();
    } catch (e) {
        if (!(e instanceof GLib.Error))
            throw e;
        assert(e.matches(Streamlib.Error, code),
            `${message} expected Streamlib.Error code ${code}, got ${e.domain}:${e.code} ${e.message}`);
        assert(e.matches(Streamlib.error_quark(), code), `${message} quark does not match`);
        assert(e.message.length > 0, 'empty error message');
        return e;
    }
    throw new AssertionError(`${message} expected Streamlib.Error code ${code}, nothing thrown`);
}

// ---------------------------------------------------------------- processors

const JsSource = GObject.registerClass({
    GTypeName: 'JsSource',
    Properties: {
        'rate': GObject.ParamSpec.int('rate', 'Rate', 'Frames per second',
            GObject.ParamFlags.READWRITE, 1, 1000, 30),
        'label': GObject.ParamSpec.string('label', 'Label', 'A label',
            GObject.ParamFlags.READWRITE, 'none'),
    },
}, class JsSource extends Streamlib.Processor {});
JsSource.add_output_port('out', null);
JsSource.set_description('A source defined in JavaScript');

const JsSink = GObject.registerClass({
    GTypeName: 'JsSink',
}, class JsSink extends Streamlib.Processor {});
JsSink.add_input_port('in', null);
JsSink.set_execution_mode(Streamlib.ExecutionMode.MAIN_CONTEXT);

const JsFilter = GObject.registerClass({
    GTypeName: 'JsFilter',
}, class JsFilter extends Streamlib.Processor {});
JsFilter.add_input_port('in', null);
JsFilter.add_output_port('out', null);

const JsAudioSource = GObject.registerClass({
    GTypeName: 'JsAudioSource',
}, class JsAudioSource extends Streamlib.Processor {});
JsAudioSource.add_output_port('out', Gst.Caps.from_string('audio/x-raw'));

const JsVideoSink = GObject.registerClass({
    GTypeName: 'JsVideoSink',
}, class JsVideoSink extends Streamlib.Processor {});
JsVideoSink.add_input_port('in', Gst.Caps.from_string('video/x-raw'));

function makeRegistry() {
    const registry = Streamlib.Registry.new_empty();
    for (const [name, klass] of [['js-source', JsSource], ['js-sink', JsSink],
        ['js-filter', JsFilter], ['js-audio-source', JsAudioSource],
        ['js-video-sink', JsVideoSink]])
        assert(registry.register(name, klass.$gtype), `register ${name}`);
    return registry;
}

function makeGraph() {
    const graph = Streamlib.Graph.new(makeRegistry());
    assertEqual(graph.add_node('js-source', 'src'), 'src');
    assertEqual(graph.add_node('js-sink', 'sink'), 'sink');
    const link = graph.link('src', 'sink');
    return [graph, link];
}

const {INPUT, OUTPUT} = Streamlib.PortDirection;

// ---------------------------------------------------------------- tests

test('class functions on subclasses', () => {
    assertEqual(JsSource.list_ports(OUTPUT), ['out']);
    assertEqual(JsSource.list_ports(INPUT), []);
    assertEqual(JsSink.list_ports(INPUT), ['in']);
    assertEqual(JsFilter.list_ports(INPUT), ['in']);
    assertEqual(JsFilter.list_ports(OUTPUT), ['out']);
    assertEqual(Streamlib.Processor.list_ports(OUTPUT), [], 'base class');
    assert(JsSource.get_port_caps(OUTPUT, 'out').is_any(), 'NULL caps mean ANY');
    assertEqual(JsVideoSink.get_port_caps(INPUT, 'in').to_string(), 'video/x-raw');
    assertEqual(JsSource.get_port_caps(OUTPUT, 'nope'), null);
    assertEqual(JsSink.get_execution_mode(), Streamlib.ExecutionMode.MAIN_CONTEXT);
    assertEqual(JsSource.get_execution_mode(), Streamlib.ExecutionMode.REACTIVE);
    assertEqual(JsSource.get_description(), 'A source defined in JavaScript');
});

test('subclass of a subclass inherits templates', () => {
    const JsDerived = GObject.registerClass({
        GTypeName: 'JsDerived',
    }, class JsDerived extends JsFilter {});
    JsDerived.add_output_port('extra', null);
    assertEqual(JsDerived.list_ports(INPUT), ['in']);
    assertEqual(JsDerived.list_ports(OUTPUT).sort(), ['extra', 'out']);
    assertEqual(JsFilter.list_ports(OUTPUT), ['out'], 'parent unchanged');
});

test('registry', () => {
    const registry = makeRegistry();
    assertEqual(registry.list_factories().sort(),
        ['js-audio-source', 'js-filter', 'js-sink', 'js-source', 'js-video-sink']);
    assert(registry.lookup('js-source') === JsSource.$gtype, 'lookup');
    assertEqual(registry.lookup('nope'), null);
    assert(registry.register('js-source', JsSource.$gtype), 're-register is a no-op');
    assertThrows(Streamlib.Error.DUPLICATE_ID,
        () => registry.register('js-source', JsSink.$gtype));
    assertThrows(Streamlib.Error.INVALID_ARGUMENT,
        () => registry.register('object', GObject.Object.$gtype));
    assert(registry.unregister('js-filter'), 'unregister');
    assert(!registry.unregister('js-filter'), 'unregister twice');
});

test('build, validate and serialise', () => {
    const [graph, link] = makeGraph();
    assertEqual(link, 'src.out->sink.in');
    assert(graph.has_node('src') && graph.has_link(link), 'has');
    assertEqual(graph.get_node_factory('src'), 'js-source');
    assertEqual(graph.list_nodes(), ['src', 'sink']);
    assertEqual(graph.list_links(), [link]);

    assert(graph.set_node_property_from_string('src', 'rate', '60'), 'set rate');
    assert(graph.set_node_property_from_string('src', 'label', 'hello'), 'set label');
    assertEqual(graph.list_node_properties('src').sort(), ['label', 'rate']);
    assertEqual(graph.get_node_property('src', 'rate'), [true, 60]);

    assert(graph.configure_link(link, 4, Streamlib.OverflowPolicy.BLOCK), 'configure');
    assertEqual(graph.get_link_info(link),
        [true, 'src.out', 'sink.in', 4, Streamlib.OverflowPolicy.BLOCK]);

    assert(graph.validate(), 'validate');
    assertEqual(graph.get_topological_order(), ['src', 'sink']);
    assertEqual(graph.get_sources(), ['src']);
    assertEqual(graph.get_sinks(), ['sink']);

    const text = graph.to_json();
    const doc = JSON.parse(text);
    assertEqual(doc, {
        nodes: [
            {id: 'src', factory: 'js-source', properties: {label: 'hello', rate: 60}},
            {id: 'sink', factory: 'js-sink'},
        ],
        links: [
            {from: 'src.out', to: 'sink.in', capacity: 4, overflow: 'block'},
        ],
    });

    const other = Streamlib.Graph.new(graph.get_registry());
    assert(other.load_from_data(text, -1), 'load_from_data');
    assertEqual(JSON.parse(other.to_json()), doc, 'round trip');

    assertEqual(JSON.parse(graph.copy().to_json()), doc, 'copy');

    const dot = graph.to_dot();
    for (const word of ['digraph', 'src', 'sink', 'js-source', 'js-sink'])
        assert(dot.includes(word), `DOT lacks ${word}`);
});

test('auto ids and removal', () => {
    const [graph, link] = makeGraph();
    assertEqual(graph.add_node('js-filter', null), 'js-filter0');
    assertEqual(graph.add_node('js-filter', null), 'js-filter1');
    assert(graph.unlink(link), 'unlink');
    assertEqual(graph.link('src', 'js-filter0'), 'src.out->js-filter0.in');
    assertEqual(graph.link('js-filter0', 'sink.in'), 'js-filter0.out->sink.in');
    assertEqual(graph.get_topological_order(), ['src', 'js-filter0', 'sink', 'js-filter1']);
    assert(graph.remove_node('js-filter0'), 'remove');
    assertEqual(graph.list_links(), []);
});

test('refused edits change nothing', () => {
    const [graph, link] = makeGraph();
    graph.set_node_property_from_string('src', 'rate', '25');
    const E = Streamlib.Error;
    const refused = (code, func) => {
        const before = graph.to_json();
        const e = assertThrows(code, func);
        assertEqual(graph.to_json(), before, 'refused edit changed the graph:');
        return e;
    };

    const e = refused(E.UNKNOWN_FACTORY, () => graph.add_node('no-such-factory', 'x'));
    assert(e.message.includes('no-such-factory'), 'message names the factory');
    refused(E.DUPLICATE_ID, () => graph.add_node('js-sink', 'sink'));
    refused(E.UNKNOWN_NODE, () => graph.link('nope', 'sink'));
    refused(E.UNKNOWN_PORT, () => graph.link('src.nope', 'sink'));
    refused(E.DUPLICATE_ID, () => graph.link('src', 'sink'));
    refused(E.UNKNOWN_LINK, () => graph.unlink('src.out->nope.in'));
    refused(E.INVALID_ARGUMENT,
        () => graph.configure_link(link, 0, Streamlib.OverflowPolicy.DROP_NEWEST));
    refused(E.UNKNOWN_PROPERTY, () => graph.set_node_property_from_string('src', 'nope', '1'));
    refused(E.INVALID_PROPERTY_VALUE,
        () => graph.set_node_property_from_string('src', 'rate', 'fast'));
    refused(E.PARSE, () => graph.load_from_data('{"nodes": [', -1));

    graph.add_node('js-audio-source', 'audio');
    graph.add_node('js-video-sink', 'video');
    refused(E.INCOMPATIBLE_CAPS, () => graph.link('audio', 'video'));

    graph.add_node('js-filter', 'a');
    graph.add_node('js-filter', 'b');
    graph.link('a', 'b');
    refused(E.CYCLE, () => graph.link('b.out', 'a.in'));
    assert(graph.validate(), 'still valid');
});

const JsMany = GObject.registerClass({
    GTypeName: 'JsMany',
    Properties: Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map(name =>
        [name, GObject.ParamSpec.int(name, name, name, GObject.ParamFlags.READWRITE, 0, 100, 0)])),
}, class JsMany extends Streamlib.Processor {});
JsMany.add_output_port('out', null);

const MANY = ['f', 'c', 'a', 'e', 'b', 'd'];

function makeMany(registry) {
    const graph = Streamlib.Graph.new(registry);
    graph.add_node('js-many', 'n');
    for (const name of MANY)
        graph.set_node_property_from_string('n', name, '7');
    return graph;
}

test('node properties are listed sorted', () => {
    const registry = Streamlib.Registry.new_empty();
    registry.register('js-many', JsMany.$gtype);
    for (let i = 0; i < 10; i++)
        assertEqual(makeMany(registry).list_node_properties('n'), [...MANY].sort());
});

test('node checksum is deterministic', () => {
    const registry = Streamlib.Registry.new_empty();
    registry.register('js-many', JsMany.$gtype);
    const sums = new Set();
    for (let i = 0; i < 10; i++) {
        const graph = makeMany(registry);
        sums.add(graph.get_node_checksum('n'));
        const loaded = Streamlib.Graph.new(registry);
        loaded.load_from_data(graph.to_json(), -1);
        sums.add(loaded.get_node_checksum('n'));
    }
    assertEqual(sums.size, 1, 'distinct checksums:');
});

test('factories are listed sorted', () => {
    const registry = Streamlib.Registry.new_empty();
    const names = [...Array(12).keys()].map(i => `m${i}`);
    for (const name of [...names].reverse())
        registry.register(name, JsMany.$gtype);
    assertEqual(registry.list_factories(), [...names].sort());
});

test('core plugin', () => {
    // A search path: any of its directories may hold the core plugin.
    const dirs = (GLib.getenv('STREAMLIB_PLUGIN_PATH') ?? '').split(':');
    if (!dirs.some(dir => dir && GLib.file_test(dir, GLib.FileTest.IS_DIR)))
        return 'SKIP core processor plugin not built';
    const factories = Streamlib.Registry.new().list_factories();
    assert(factories.includes('passthrough'), `no passthrough in ${factories}`);
    return undefined;
});

// ---------------------------------------------------------------- run

print(`1..${tests.length}`);
let failed = 0;
tests.forEach(({name, func, todo: reason}, i) => {
    try {
        const directive = reason ? `TODO ${reason}` : func();
        if (reason)
            func();
        print(`ok ${i + 1} - ${name}${directive ? ` # ${directive}` : ''}`);
    } catch (e) {
        if (!reason)
            failed++;
        print(`not ok ${i + 1} - ${name}${reason ? ` # TODO ${reason}` : ''}`);
        for (const line of `${e}\n${e.stack ?? ''}`.split('\n'))
            print(`# ${line}`);
    }
});
System.exit(failed > 0 ? 1 : 0);
