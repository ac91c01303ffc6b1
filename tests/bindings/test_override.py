# test_override.py: the PyGObject overrides of bindings/python
# (gi/overrides/Streamlib.py): the runtime as a context manager, set/get with
# conversion, link statistics as tuples, iteration over an input port.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('GLib', '2.0')
gi.require_version('GObject', '2.0')
gi.require_version('Streamlib', '1.0')
from gi.repository import GLib, GObject, Streamlib  # noqa: E402

TIMEOUT_US = 20 * 1000 * 1000


def wait_for(condition, what):
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + TIMEOUT_US
    while not condition():
        if GLib.get_monotonic_time() > deadline:
            raise AssertionError('timed out waiting for ' + what)
        source = GLib.timeout_source_new(1)
        source.set_callback(lambda *args: False)
        source.attach(context)
        context.iteration(True)
        source.destroy()


class PyCollect(Streamlib.Processor):
    """Forwards frames, counting them, by iterating its input port."""
    __gtype_name__ = 'OverridePyCollect'

    def do_setup(self):
        self.seen = 0
        self.batches = 0
        return True

    def do_process(self):
        inp, out = self.get_input_port('in'), self.get_output_port('out')
        batch = 0
        for sample in inp:
            self.assertIsSample(sample)
            out.push(sample)
            batch += 1
        self.seen += batch
        self.batches += 1
        return True

    def assertIsSample(self, sample):
        if sample.get_buffer() is None:
            raise ValueError('a sample without a buffer')


PyCollect.add_input_port('in', None)
PyCollect.add_output_port('out', None)


class PyBroken(Streamlib.Processor):
    __gtype_name__ = 'OverridePyBroken'

    def do_process(self):
        for _ in self.get_input_port('in'):
            pass
        raise RuntimeError('python says no')


PyBroken.add_input_port('in', None)


def make_runtime(frames=-1, rate=0):
    runtime = Streamlib.Runtime.new()
    runtime.get_registry().register('py-collect', PyCollect.__gtype__)
    runtime.get_registry().register('py-broken', PyBroken.__gtype__)
    runtime.add('test-source', 'src')
    runtime.add('py-collect', 'collect')
    runtime.add('counter-sink', 'sink')
    runtime.set('src', 'num-frames', frames)
    runtime.set('src', 'rate', rate)
    first = runtime.link('src', 'collect')
    second = runtime.link('collect', 'sink')
    for link in (first, second):
        runtime.configure_link(link, 16, Streamlib.OverflowPolicy.BLOCK)
    return runtime, first, second


class TestOverride(unittest.TestCase):
    def test_the_override_is_loaded(self):
        import gi.overrides.Streamlib as override
        self.assertIs(Streamlib.Runtime, override.Runtime)
        self.assertIsInstance(Streamlib.Runtime.new(), override.Runtime)
        self.assertTrue(issubclass(Streamlib.InputPort, override.InputPort))
        # Nothing of the plain API is hidden.
        self.assertTrue(callable(Streamlib.Runtime.set_node_property))
        self.assertTrue(callable(Streamlib.Runtime.connect))

    def test_set_converts_to_the_property_type(self):
        runtime, _, _ = make_runtime()
        runtime.set('src', 'rate', 25)              # int for a double
        # get_graph() is a snapshot: take a new one after each change.
        self.assertEqual(runtime.get_graph().get_node_property('src', 'rate')[1], 25.0)
        runtime.set('src', 'num_frames', 2 ** 40)   # int64, '_' for '-'
        self.assertEqual(runtime.get('src', 'num-frames'), 2 ** 40)
        runtime.set('src', 'rate', '12.5')          # a string is parsed
        self.assertEqual(runtime.get('src', 'rate'), 12.5)

        # Errors change nothing.
        before = runtime.get_graph().to_json()
        with self.assertRaises(GLib.Error):
            runtime.set('src', 'rate', -1)           # out of range
        with self.assertRaises(GLib.Error):
            runtime.set('src', 'no-such-property', 1)
        with self.assertRaises(GLib.Error):
            runtime.set('no-such-node', 'rate', 1)
        with self.assertRaises((GLib.Error, TypeError)):
            runtime.set('src', 'rate', 'fast')
        self.assertEqual(runtime.get_graph().to_json(), before)

    def test_set_an_enum(self):
        runtime = Streamlib.Runtime.new()

        class WithEnum(Streamlib.Processor):
            __gtype_name__ = 'OverrideWithEnum'
            policy = GObject.Property(type=Streamlib.OverflowPolicy,
                                      default=Streamlib.OverflowPolicy.DROP_OLDEST)

        runtime.get_registry().register('with-enum', WithEnum.__gtype__)
        runtime.add('with-enum', 'e')
        runtime.set('e', 'policy', Streamlib.OverflowPolicy.BLOCK)
        self.assertEqual(runtime.get('e', 'policy'), Streamlib.OverflowPolicy.BLOCK)
        runtime.set('e', 'policy', 'drop-newest')
        self.assertEqual(runtime.get('e', 'policy'), Streamlib.OverflowPolicy.DROP_NEWEST)

    def test_context_manager_starts_and_drains(self):
        runtime, first, second = make_runtime(frames=500)
        eos = []
        runtime.connect('eos', lambda r: eos.append(True))
        self.assertEqual(set(runtime.link_stats()), {first, second})
        self.assertEqual(runtime.link_stats(first).pushed, 0)

        with runtime as same:
            self.assertIs(same, runtime)
            self.assertEqual(runtime.get_state(), Streamlib.RuntimeState.RUNNING)
            collect = runtime.get_processor('collect')
            wait_for(lambda: eos, 'eos')
            self.assertEqual(runtime.get('sink', 'count'), 500)
        self.assertEqual(runtime.get_state(), Streamlib.RuntimeState.IDLE)

        stats = runtime.link_stats()
        self.assertEqual(set(stats), {first, second})
        for link, s in stats.items():
            self.assertIsInstance(s, tuple)
            self.assertEqual(s, (s.pushed, s.popped, s.dropped, s.queued, s.high_water,
                                 s.capacity, s.policy))
            self.assertEqual(s.pushed, 500, link)
            self.assertEqual(s.pushed, s.popped + s.dropped + s.queued, link)
            self.assertEqual(s.capacity, 16)
            self.assertEqual(s.policy, Streamlib.OverflowPolicy.BLOCK)
            self.assertGreaterEqual(s.high_water, 1)
            self.assertLessEqual(s.high_water, 16)
        self.assertEqual(runtime.link_stats(second), stats[second])
        # The boxed value has the same counters as attributes.
        boxed = runtime.get_link_stats(first)
        self.assertEqual(boxed.as_tuple(), stats[first])
        self.assertEqual((boxed.pushed, boxed.popped), (500, 500))
        self.assertIn('pushed=500', repr(boxed))
        # Iterating the input port saw every frame, in batches.
        self.assertEqual(collect.seen, 500)
        self.assertGreaterEqual(collect.batches, 1)
        with self.assertRaises(GLib.Error):
            runtime.link_stats('src.out->nope.in')

    def test_context_manager_stops_at_once_on_an_exception(self):
        runtime, first, _ = make_runtime(rate=1000)
        with self.assertRaises(KeyError):
            with runtime:
                wait_for(lambda: runtime.link_stats(first).pushed > 0, 'a frame')
                raise KeyError('leaving the block')
        self.assertEqual(runtime.get_state(), Streamlib.RuntimeState.IDLE)

    def test_python_exception_text_in_the_error(self):
        runtime = Streamlib.Runtime.new()
        runtime.get_registry().register('py-broken', PyBroken.__gtype__)
        runtime.parse_launch('test-source name=src rate=1000 ! py-broken name=broken')
        errors = []
        runtime.connect('error', lambda r, node, error: errors.append((node, error.message)))
        with runtime:
            wait_for(lambda: errors, 'the error signal')
        node, message = errors[0]
        self.assertEqual(node, 'broken')
        self.assertIn('RuntimeError: python says no', message)
        self.assertIn('test_override.py:', message)
        self.assertIn('do_process', message)

    def test_vfuncs_may_return_nothing(self):
        class Quiet(Streamlib.Processor):
            __gtype_name__ = 'OverrideQuiet'

            def do_setup(self):
                self.out = self.get_output_port('out')

            def do_process(self):
                for sample in self.get_input_port('in'):
                    self.out.push(sample)

        Quiet.add_input_port('in', None)
        Quiet.add_output_port('out', None)
        runtime = Streamlib.Runtime.new()
        runtime.get_registry().register('quiet', Quiet.__gtype__)
        runtime.parse_launch('test-source name=src num-frames=20 ! quiet ! counter-sink name=sink')
        for link in runtime.get_graph().list_links():
            runtime.configure_link(link, 8, Streamlib.OverflowPolicy.BLOCK)
        eos = []
        runtime.connect('eos', lambda r: eos.append(True))
        errors = []
        runtime.connect('error', lambda r, node, error: errors.append(error.message))
        with runtime:
            wait_for(lambda: eos or errors, 'eos')
        self.assertEqual(errors, [])
        self.assertEqual(sum(s.popped for s in runtime.link_stats().values()), 40)

    def test_a_glib_error_passes_as_is(self):
        class Refuses(Streamlib.Processor):
            __gtype_name__ = 'OverrideRefuses'

            def do_setup(self):
                raise GLib.Error.new_literal(Streamlib.error_quark(), 'no device',
                                             int(Streamlib.Error.INVALID_STATE))

        runtime = Streamlib.Runtime.new()
        runtime.get_registry().register('refuses', Refuses.__gtype__)
        runtime.add('refuses', 'r')
        errors = []
        runtime.connect('error', lambda r, node, error: errors.append(error))
        with runtime:
            wait_for(lambda: errors, 'the error signal')
        self.assertIn('no device', errors[0].message)
        self.assertNotIn('Error:', errors[0].message.split('no device')[0][-8:])


if __name__ == '__main__':
    unittest.main(verbosity=2)
