# test_runtime.py: the runtime's core scenario from Python: a Python processor
# on its own thread between C processors, live property change, signals in the
# main loop, drain, and a Python processor that fails.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import threading
import unittest

import gi
gi.require_version('GLib', '2.0')
gi.require_version('GObject', '2.0')
gi.require_version('Streamlib', '1.0')
from gi.repository import GLib, GObject, Streamlib  # noqa: E402

TIMEOUT_US = 20 * 1000 * 1000


class PyScale(Streamlib.Processor):
    """Sends each frame `factor` times; records the thread it runs on."""
    __gtype_name__ = 'PyScale'

    factor = GObject.Property(type=int, default=1, minimum=0, maximum=8)

    def do_setup(self):
        self.threads = {threading.get_ident()}
        self.inp = self.get_input_port('in')
        self.out = self.get_output_port('out')
        return True

    def do_process(self):
        self.threads.add(threading.get_ident())
        while True:
            sample = self.inp.pop()
            if sample is None:
                return True
            for _ in range(self.factor):
                self.out.push(sample)


PyScale.add_input_port('in', None)
PyScale.add_output_port('out', None)


class PyBroken(Streamlib.Processor):
    __gtype_name__ = 'PyBroken'

    def do_process(self):
        while self.get_input_port('in').pop() is not None:
            pass
        raise ValueError('broken on purpose')


PyBroken.add_input_port('in', None)


def wait_for(condition, what):
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + TIMEOUT_US
    while not condition():
        if GLib.get_monotonic_time() > deadline:
            raise AssertionError('timed out waiting for ' + what)
        # Bounded: a 1 ms timeout wakes the blocking iteration.
        source = GLib.timeout_source_new(1)
        source.set_callback(lambda *args: False)
        source.attach(context)
        context.iteration(True)
        source.destroy()


def count(runtime, node):
    processor = runtime.get_processor(node)
    return -1 if processor is None else processor.props.count


class TestRuntime(unittest.TestCase):
    def make_runtime(self):
        runtime = Streamlib.Runtime.new()
        runtime.get_registry().register('py-scale', PyScale.__gtype__)
        runtime.get_registry().register('py-broken', PyBroken.__gtype__)
        self.main_thread = threading.get_ident()
        self.events = []

        def record(name):
            def handler(runtime, *args):
                self.events.append((name, threading.get_ident(), args))
            return handler

        runtime.connect('state-changed', record('state'))
        runtime.connect('processor-state-changed', record('processor'))
        runtime.connect('error', record('error'))
        runtime.connect('committed', record('committed'))
        return runtime

    def test_python_processor_in_a_c_chain(self):
        runtime = self.make_runtime()
        runtime.add('test-source', 'src')
        runtime.add('py-scale', 'scale')
        runtime.add('counter-sink', 'sink')
        runtime.set_node_property_from_string('src', 'rate', '1000')
        first = runtime.link('src', 'scale')
        second = runtime.link('scale', 'sink')
        for link in (first, second):
            runtime.configure_link(link, 16, Streamlib.OverflowPolicy.BLOCK)

        runtime.start()
        self.assertEqual(runtime.get_state(), Streamlib.RuntimeState.RUNNING)
        wait_for(lambda: count(runtime, 'sink') >= 1, 'the first frame')

        # A live property change reaches the Python processor on its thread;
        # every frame after it goes out twice.
        runtime.set_node_property('scale', 'factor', 2)
        wait_for(lambda: runtime.get_processor('scale').props.factor == 2, 'factor = 2')
        after = count(runtime, 'sink')
        wait_for(lambda: count(runtime, 'sink') >= after + 20, 'doubled frames')

        scale = runtime.get_processor('scale')
        runtime.stop(Streamlib.StopMode.DRAIN)
        wait_for(lambda: any(e[0] == 'state' and e[2][1] == Streamlib.RuntimeState.IDLE
                             for e in self.events), 'idle signal')

        stats_in = runtime.get_link_stats(first)
        stats_out = runtime.get_link_stats(second)
        for stats in (stats_in, stats_out):
            self.assertEqual(stats.get_pushed(),
                             stats.get_popped() + stats.get_dropped() + stats.get_queued())
            self.assertEqual(stats.get_dropped(), 0)
            self.assertEqual(stats.get_queued(), 0)
        # Drain lost nothing: what the sink counted is what the link carried.
        self.assertEqual(stats_out.get_popped(), stats_out.get_pushed())
        self.assertGreater(stats_out.get_pushed(), stats_in.get_popped())
        self.assertLessEqual(stats_out.get_pushed(), 2 * stats_in.get_popped())

        # The processor ran on threads of its own, never the main thread.
        self.assertNotIn(self.main_thread, scale.threads)

        # Signals: on the main thread, runtime states in lifecycle order.
        self.assertTrue(all(e[1] == self.main_thread for e in self.events))
        states = [e[2][1] for e in self.events if e[0] == 'state']
        S = Streamlib.RuntimeState
        self.assertEqual(states, [S.STARTING, S.RUNNING, S.DRAINING, S.IDLE])
        scale_states = [e[2][1] for e in self.events
                        if e[0] == 'processor' and e[2][0] == 'scale']
        P = Streamlib.ProcessorState
        self.assertEqual(scale_states[:3], [P.SPAWNED, P.SETTING_UP, P.RUNNING])
        self.assertEqual(scale_states[-1], P.STOPPED)
        self.assertTrue(any(e[0] == 'committed' for e in self.events))

    def test_python_exception_fails_only_that_processor(self):
        runtime = self.make_runtime()
        runtime.add('test-source', 'src')
        runtime.add('py-broken', 'broken')
        runtime.add('counter-sink', 'sink')
        runtime.set_node_property_from_string('src', 'rate', '1000')
        runtime.link('src.out', 'broken.in')
        runtime.link('src.out', 'sink.in')
        runtime.start()

        wait_for(lambda: any(e[0] == 'error' for e in self.events), 'the error signal')
        node, error = next(e[2] for e in self.events if e[0] == 'error')
        self.assertEqual(node, 'broken')
        # The message carries the Python exception (streamlib's override).
        self.assertIn('ValueError: broken on purpose', error.message)
        self.assertEqual(runtime.get_processor_state('broken'), Streamlib.ProcessorState.FAILED)

        # The rest keeps running.
        before = count(runtime, 'sink')
        wait_for(lambda: count(runtime, 'sink') > before + 10, 'the sink to go on')
        runtime.stop(Streamlib.StopMode.DRAIN)
        self.assertEqual(runtime.get_state(), Streamlib.RuntimeState.IDLE)


if __name__ == '__main__':
    unittest.main(verbosity=2)
