#!/usr/bin/python3
# test_graph.py: build, link, validate and serialise a graph from Python,
# with processors defined in Python.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run by meson with Debian's /usr/bin/python3 (it has PyGObject) and an
# environment pointing GI_TYPELIB_PATH / LD_LIBRARY_PATH at the build tree.

import json
import os
import sys
import unittest

import gi

gi.require_version('GLib', '2.0')
gi.require_version('GObject', '2.0')
gi.require_version('Gst', '1.0')
gi.require_version('Streamlib', '1.0')

from gi.repository import GLib, GObject, Gst, Streamlib  # noqa: E402

Gst.init(None)


class PySource(Streamlib.Processor):
    __gtype_name__ = 'PySource'

    rate = GObject.Property(type=int, default=30, minimum=1, maximum=1000,
                            nick='Rate', blurb='Frames per second')
    label = GObject.Property(type=str, default='none')


PySource.add_output_port('out', None)
PySource.set_description('A source defined in Python')


class PySink(Streamlib.Processor):
    __gtype_name__ = 'PySink'


PySink.add_input_port('in', None)


class PyFilter(Streamlib.Processor):
    __gtype_name__ = 'PyFilter'


PyFilter.add_input_port('in', None)
PyFilter.add_output_port('out', None)
PyFilter.set_execution_mode(Streamlib.ExecutionMode.CONTINUOUS)


class PyAudioSource(Streamlib.Processor):
    __gtype_name__ = 'PyAudioSource'


PyAudioSource.add_output_port('out', Gst.Caps.from_string('audio/x-raw'))


class PyVideoSink(Streamlib.Processor):
    __gtype_name__ = 'PyVideoSink'


PyVideoSink.add_input_port('in', Gst.Caps.from_string('video/x-raw'))


def make_registry():
    registry = Streamlib.Registry.new_empty()
    for name, cls in (('py-source', PySource),
                      ('py-sink', PySink),
                      ('py-filter', PyFilter),
                      ('py-audio-source', PyAudioSource),
                      ('py-video-sink', PyVideoSink)):
        assert registry.register(name, cls.__gtype__)
    return registry


def make_graph():
    graph = Streamlib.Graph.new(make_registry())
    assert graph.add_node('py-source', 'src') == 'src'
    assert graph.add_node('py-sink', 'sink') == 'sink'
    link = graph.link('src', 'sink')
    return graph, link


class TestClassFunctions(unittest.TestCase):
    def test_ports_on_subclass(self):
        out = Streamlib.PortDirection.OUTPUT
        inp = Streamlib.PortDirection.INPUT
        self.assertEqual(PySource.list_ports(out), ['out'])
        self.assertEqual(PySource.list_ports(inp), [])
        self.assertEqual(PySink.list_ports(inp), ['in'])
        self.assertEqual(PySink.list_ports(out), [])
        self.assertEqual(PyFilter.list_ports(inp), ['in'])
        self.assertEqual(PyFilter.list_ports(out), ['out'])

    def test_templates_are_per_class(self):
        # Declaring ports on one subclass must not leak into the base class
        # or into sibling subclasses.
        out = Streamlib.PortDirection.OUTPUT
        self.assertEqual(Streamlib.Processor.list_ports(out), [])
        self.assertEqual(PySink.list_ports(out), [])

    def test_subclass_of_subclass(self):
        # A subclass inherits its parent's templates and may add its own
        # without changing the parent's.
        class PyDerived(PyFilter):
            __gtype_name__ = 'PyDerived'

        PyDerived.add_output_port('extra', None)
        out = Streamlib.PortDirection.OUTPUT
        self.assertEqual(PyDerived.list_ports(Streamlib.PortDirection.INPUT), ['in'])
        self.assertEqual(sorted(PyDerived.list_ports(out)), ['extra', 'out'])
        self.assertEqual(PyFilter.list_ports(out), ['out'])
        self.assertEqual(PyDerived.get_execution_mode(),
                         Streamlib.ExecutionMode.CONTINUOUS)

    def test_port_caps(self):
        out = Streamlib.PortDirection.OUTPUT
        inp = Streamlib.PortDirection.INPUT
        self.assertTrue(PySource.get_port_caps(out, 'out').is_any())
        caps = PyVideoSink.get_port_caps(inp, 'in')
        self.assertEqual(caps.to_string(), 'video/x-raw')
        self.assertIsNone(PySource.get_port_caps(out, 'nope'))

    def test_execution_mode_and_description(self):
        self.assertEqual(PyFilter.get_execution_mode(),
                         Streamlib.ExecutionMode.CONTINUOUS)
        self.assertEqual(PySource.get_execution_mode(),
                         Streamlib.ExecutionMode.REACTIVE)
        self.assertEqual(PySource.get_description(), 'A source defined in Python')

    def test_registry(self):
        registry = make_registry()
        self.assertEqual(sorted(registry.list_factories()),
                         ['py-audio-source', 'py-filter', 'py-sink',
                          'py-source', 'py-video-sink'])
        self.assertEqual(registry.lookup('py-source'), PySource.__gtype__)
        self.assertEqual(registry.lookup('nope'), GObject.TYPE_INVALID)
        # Registering the same type again under its name is a no-op.
        self.assertTrue(registry.register('py-source', PySource.__gtype__))
        with self.assertRaises(GLib.Error) as cm:
            registry.register('py-source', PySink.__gtype__)
        self.assertTrue(cm.exception.matches(Streamlib.error_quark(),
                                             Streamlib.Error.DUPLICATE_ID))
        with self.assertRaises(GLib.Error) as cm:
            registry.register('not-a-processor', GObject.Object.__gtype__)
        self.assertTrue(cm.exception.matches(Streamlib.error_quark(),
                                             Streamlib.Error.INVALID_ARGUMENT))
        self.assertTrue(registry.unregister('py-filter'))
        self.assertFalse(registry.unregister('py-filter'))


class TestGraph(unittest.TestCase):
    def test_build_and_serialise(self):
        graph, link = make_graph()
        self.assertEqual(link, 'src.out->sink.in')
        self.assertTrue(graph.has_node('src'))
        self.assertTrue(graph.has_link(link))
        self.assertEqual(graph.get_node_factory('src'), 'py-source')
        self.assertEqual(graph.list_nodes(), ['src', 'sink'])
        self.assertEqual(graph.list_links(), [link])

        self.assertTrue(graph.set_node_property_from_string('src', 'rate', '60'))
        self.assertTrue(graph.set_node_property_from_string('src', 'label', 'hello'))
        self.assertEqual(sorted(graph.list_node_properties('src')), ['label', 'rate'])
        ok, value = graph.get_node_property('src', 'rate')
        self.assertTrue(ok)
        self.assertEqual(value, 60)

        self.assertTrue(graph.configure_link(link, 4, Streamlib.OverflowPolicy.BLOCK))
        ok, source, target, capacity, policy = graph.get_link_info(link)
        self.assertTrue(ok)
        self.assertEqual((source, target, capacity, policy),
                         ('src.out', 'sink.in', 4, Streamlib.OverflowPolicy.BLOCK))

        self.assertTrue(graph.validate())
        self.assertEqual(graph.get_topological_order(), ['src', 'sink'])
        self.assertEqual(graph.get_sources(), ['src'])
        self.assertEqual(graph.get_sinks(), ['sink'])

        text = graph.to_json()
        doc = json.loads(text)
        self.assertEqual(doc['nodes'], [
            {'id': 'src', 'factory': 'py-source',
             'properties': {'label': 'hello', 'rate': 60}},
            {'id': 'sink', 'factory': 'py-sink'},
        ])
        self.assertEqual(doc['links'], [
            {'from': 'src.out', 'to': 'sink.in', 'capacity': 4,
             'overflow': 'block'},
        ])

        # Round trip through a second graph sharing the registry.
        other = Streamlib.Graph.new(graph.get_registry())
        self.assertTrue(other.load_from_data(text, -1))
        self.assertEqual(json.loads(other.to_json()), doc)
        self.assertEqual(other.get_topological_order(), ['src', 'sink'])

        copy = graph.copy()
        self.assertEqual(json.loads(copy.to_json()), doc)

        dot = graph.to_dot()
        self.assertIn('digraph', dot)
        for word in ('src', 'sink', 'py-source', 'py-sink'):
            self.assertIn(word, dot)

    def test_auto_ids_and_removal(self):
        graph, link = make_graph()
        first = graph.add_node('py-filter', None)
        second = graph.add_node('py-filter', None)
        self.assertEqual((first, second), ('py-filter0', 'py-filter1'))
        self.assertTrue(graph.unlink(link))
        self.assertEqual(graph.link('src', first), 'src.out->py-filter0.in')
        self.assertEqual(graph.link(first, 'sink.in'), 'py-filter0.out->sink.in')
        self.assertEqual(graph.get_topological_order(),
                         ['src', 'py-filter0', 'sink', 'py-filter1'])
        self.assertTrue(graph.remove_node(first))
        self.assertEqual(graph.list_links(), [])
        self.assertTrue(graph.validate())

    def assert_refused(self, graph, code, func, *args):
        before = graph.to_json()
        with self.assertRaises(GLib.Error) as cm:
            func(*args)
        error = cm.exception
        self.assertTrue(error.matches(Streamlib.error_quark(), code),
                        '%s: expected code %d, got %s' % (func.__name__, int(code), error))
        self.assertEqual(error.domain, GLib.quark_to_string(Streamlib.error_quark()))
        self.assertTrue(error.message)
        self.assertEqual(graph.to_json(), before, 'a refused edit changed the graph')
        return error

    def test_errors_change_nothing(self):
        graph, link = make_graph()
        graph.set_node_property_from_string('src', 'rate', '25')
        E = Streamlib.Error

        error = self.assert_refused(graph, E.UNKNOWN_FACTORY,
                                    graph.add_node, 'no-such-factory', 'x')
        self.assertIn('no-such-factory', error.message)
        self.assert_refused(graph, E.DUPLICATE_ID, graph.add_node, 'py-sink', 'sink')
        self.assert_refused(graph, E.INVALID_ARGUMENT, graph.add_node, 'py-sink', 'a.b')
        self.assert_refused(graph, E.UNKNOWN_NODE, graph.link, 'nope', 'sink')
        self.assert_refused(graph, E.UNKNOWN_PORT, graph.link, 'src.nope', 'sink')
        self.assert_refused(graph, E.DUPLICATE_ID, graph.link, 'src', 'sink')
        self.assert_refused(graph, E.UNKNOWN_LINK, graph.unlink, 'src.out->nope.in')
        self.assert_refused(graph, E.UNKNOWN_LINK, graph.configure_link,
                            'src.out->nope.in', 2, Streamlib.OverflowPolicy.DROP_NEWEST)
        self.assert_refused(graph, E.INVALID_ARGUMENT, graph.configure_link,
                            link, 0, Streamlib.OverflowPolicy.DROP_NEWEST)
        self.assert_refused(graph, E.UNKNOWN_NODE, graph.remove_node, 'nope')
        self.assert_refused(graph, E.UNKNOWN_PROPERTY,
                            graph.set_node_property_from_string, 'src', 'nope', '1')
        self.assert_refused(graph, E.INVALID_PROPERTY_VALUE,
                            graph.set_node_property_from_string, 'src', 'rate', 'fast')
        self.assert_refused(graph, E.INVALID_PROPERTY_VALUE,
                            graph.set_node_property_from_string, 'src', 'rate', '5000')
        self.assert_refused(graph, E.PARSE, graph.load_from_data, '{"nodes": [', -1)
        self.assert_refused(graph, E.UNKNOWN_FACTORY, graph.load_from_data,
                            '{"nodes": [{"id": "a", "factory": "nope"}], "links": []}', -1)

        # Incompatible caps.
        graph.add_node('py-audio-source', 'audio')
        graph.add_node('py-video-sink', 'video')
        self.assert_refused(graph, E.INCOMPATIBLE_CAPS, graph.link, 'audio', 'video')

        # An input takes a single link.
        graph.add_node('py-source', 'src2')
        self.assert_refused(graph, E.PORT_IN_USE, graph.link, 'src2', 'sink')

        # A cycle.
        graph.add_node('py-filter', 'a')
        graph.add_node('py-filter', 'b')
        graph.link('a', 'b')
        self.assert_refused(graph, E.CYCLE, graph.link, 'b.out', 'a.in')
        self.assertTrue(graph.validate())

    def test_get_node_property(self):
        graph, link = make_graph()
        # An unset property reads as the processor's default.
        ok, value = graph.get_node_property('src', 'rate')
        self.assertTrue(ok)
        self.assertEqual(value, 30)
        with self.assertRaises(GLib.Error) as cm:
            graph.get_node_property('nope', 'rate')
        self.assertTrue(cm.exception.matches(Streamlib.error_quark(), Streamlib.Error.UNKNOWN_NODE))
        self.assertIn('nope', cm.exception.message)
        with self.assertRaises(GLib.Error) as cm:
            graph.get_node_property('src', 'nope')
        self.assertTrue(cm.exception.matches(Streamlib.error_quark(), Streamlib.Error.UNKNOWN_PROPERTY))

    def test_validate_after_unregister(self):
        graph, link = make_graph()
        graph.get_registry().unregister('py-sink')
        with self.assertRaises(GLib.Error) as cm:
            graph.validate()
        self.assertTrue(cm.exception.matches(Streamlib.error_quark(),
                                             Streamlib.Error.UNKNOWN_FACTORY))


class PyMany(Streamlib.Processor):
    __gtype_name__ = 'PyMany'

    a = GObject.Property(type=int, default=0)
    b = GObject.Property(type=int, default=0)
    c = GObject.Property(type=int, default=0)
    d = GObject.Property(type=int, default=0)
    e = GObject.Property(type=int, default=0)
    f = GObject.Property(type=int, default=0)


PyMany.add_output_port('out', None)


class TestDeterminism(unittest.TestCase):
    # Sorted lists and checksums must not depend on where strings live in
    # memory (a comparator once sorted by address).
    NAMES = ['f', 'c', 'a', 'e', 'b', 'd']

    def make_node(self, registry):
        graph = Streamlib.Graph.new(registry)
        graph.add_node('py-many', 'n')
        for name in self.NAMES:
            graph.set_node_property_from_string('n', name, '7')
        return graph

    def test_node_properties_are_sorted(self):
        registry = Streamlib.Registry.new_empty()
        registry.register('py-many', PyMany.__gtype__)
        for _ in range(10):
            graph = self.make_node(registry)
            self.assertEqual(graph.list_node_properties('n'), sorted(self.NAMES))

    def test_checksum_is_deterministic(self):
        registry = Streamlib.Registry.new_empty()
        registry.register('py-many', PyMany.__gtype__)
        checksums = set()
        for _ in range(10):
            graph = self.make_node(registry)
            checksums.add(graph.get_node_checksum('n'))
            loaded = Streamlib.Graph.new(registry)
            loaded.load_from_data(graph.to_json(), -1)
            checksums.add(loaded.get_node_checksum('n'))
        self.assertEqual(len(checksums), 1)

    def test_factories_are_sorted(self):
        registry = Streamlib.Registry.new_empty()
        names = ['m%d' % i for i in range(12)]
        for name in reversed(names):
            registry.register(name, PyMany.__gtype__)
        self.assertEqual(registry.list_factories(), sorted(names))


class TestPlugins(unittest.TestCase):
    def test_core_plugin(self):
        # A search path: any of its directories may hold the core plugin.
        plugin_dirs = os.environ.get('STREAMLIB_PLUGIN_PATH', '').split(os.pathsep)
        if not any(d and os.path.isdir(d) for d in plugin_dirs):
            self.skipTest('core processor plugin not built')
        registry = Streamlib.Registry.new()
        self.assertIn('passthrough', registry.list_factories())


if __name__ == '__main__':
    unittest.main(verbosity=2)
