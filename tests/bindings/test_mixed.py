# test_mixed.py: C, Python and Vala processors in one graph.
#
#   test-source (C) → py-scale (Python) → vala-every-nth (Vala, loaded from a
#   plugin module) → passthrough (C) → counter-sink (C)
#
# The Vala processor lives in a plugin module built from
# tests/bindings/vala-test-plugin.vala; its path is in SL_TEST_VALA_PLUGIN.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import threading
import unittest

import gi
gi.require_version('GLib', '2.0')
gi.require_version('GObject', '2.0')
gi.require_version('Streamlib', '1.0')
from gi.repository import GLib, GObject, Streamlib  # noqa: E402

TIMEOUT_US = 20 * 1000 * 1000
FRAMES = 300


def thread_name():
    with open('/proc/thread-self/comm') as f:
        return f.read().strip()


class PyScale(Streamlib.Processor):
    """Sends each frame `factor` times; records the thread it runs on."""
    __gtype_name__ = 'MixedPyScale'

    factor = GObject.Property(type=int, default=1, minimum=0, maximum=8)

    def do_setup(self):
        self.thread = thread_name()
        self.inp = self.get_input_port('in')
        self.out = self.get_output_port('out')
        return True

    def do_process(self):
        for sample in self.inp:
            for _ in range(self.factor):
                self.out.push(sample)
        return True


PyScale.add_input_port('in', None)
PyScale.add_output_port('out', None)


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


class TestMixed(unittest.TestCase):
    def setUp(self):
        self.plugin = os.environ.get('SL_TEST_VALA_PLUGIN')
        if not self.plugin or not os.path.exists(self.plugin):
            self.skipTest('the Vala test plugin is not built')

    def test_c_python_and_vala_processors_together(self):
        runtime = Streamlib.Runtime.new()
        registry = runtime.get_registry()
        registry.load_plugin(self.plugin)
        registry.register('py-scale', PyScale.__gtype__)
        self.assertIn('vala-every-nth', registry.list_factories())

        events = []
        main_thread = threading.get_ident()
        runtime.connect('eos', lambda r: events.append(('eos', threading.get_ident())))
        runtime.connect('error', lambda r, node, e: events.append(('error', node, e.message)))
        runtime.connect('processor-state-changed',
                        lambda r, node, state: events.append(('processor', node, state)))

        runtime.parse_launch(f'test-source name=src num-frames={FRAMES} '
                             '! py-scale name=scale factor=2 '
                             '! vala-every-nth name=nth n=2 '
                             '! passthrough name=pass ! counter-sink name=sink')
        for link in runtime.get_graph().list_links():
            runtime.configure_link(link, 32, Streamlib.OverflowPolicy.BLOCK)

        with runtime:
            scale = runtime.get_processor('scale')
            nth = runtime.get_processor('nth')
            sink = runtime.get_processor('sink')
            self.assertEqual(GObject.type_name(nth.__gtype__), 'ValaEveryNth')
            # A source of FRAMES frames ends by itself: the runtime says so.
            wait_for(lambda: any(e[0] == 'eos' for e in events), 'eos')
        # Drained on leaving the block.
        self.assertEqual(runtime.get_state(), Streamlib.RuntimeState.IDLE)

        self.assertEqual([e for e in events if e[0] == 'error'], [])
        # Python doubled every frame, Vala kept one in two: FRAMES in the sink.
        self.assertEqual(sink.props.count, FRAMES)
        self.assertEqual(sink.props.out_of_order, 0)
        for link, stats in runtime.link_stats().items():
            self.assertEqual(stats.dropped, 0, link)
            self.assertEqual(stats.queued, 0, link)
            self.assertEqual(stats.pushed, stats.popped, link)
        pushed = {link.split('->')[0]: stats.pushed for link, stats in runtime.link_stats().items()}
        self.assertEqual(pushed, {'src.out': FRAMES, 'scale.out': 2 * FRAMES,
                                  'nth.out': FRAMES, 'pass.out': FRAMES})

        # Each processor on its own thread, named after its node.
        self.assertEqual(scale.thread, 'sl:scale')
        self.assertEqual(nth.props.thread_name, 'sl:nth')
        # Signals on the main thread; every processor went through its states.
        self.assertTrue(all(e[1] == main_thread for e in events if e[0] == 'eos'))
        P = Streamlib.ProcessorState
        for node in ('src', 'scale', 'nth', 'pass', 'sink'):
            states = [e[2] for e in events if e[0] == 'processor' and e[1] == node]
            self.assertIn(P.RUNNING, states, node)


if __name__ == '__main__':
    unittest.main(verbosity=2)
