#!/usr/bin/python3
# every_nth.py: your first processor, in Python
#
# A processor that forwards one frame in every `n`, used in the graph
#
#   test-source → every-nth → counter-sink
#
# `n` is changed from 1 to 3 while the graph runs; the runtime is then
# drained and the counts printed. See docs/first-processor.md.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys

import gi
gi.require_version('GLib', '2.0')
gi.require_version('GObject', '2.0')
gi.require_version('Streamlib', '1.0')
from gi.repository import GLib, GObject, Streamlib  # noqa: E402


# [processor]
class EveryNth(Streamlib.Processor):
    """Forwards one frame in n."""
    __gtype_name__ = 'ExampleEveryNth'

    n = GObject.Property(type=int, default=1, minimum=1, maximum=1000,
                         blurb='Forward one frame in n')

    # setup, process and teardown run on the processor's own thread; PyGObject
    # takes the GIL for each call.
    def do_setup(self):
        self.seen = 0
        self.inp = self.get_input_port('in')
        self.out = self.get_output_port('out')
        return True

    def do_process(self):
        # Iterating an input port pops every frame queued on it.
        for sample in self.inp:
            if self.seen % self.n == 0:
                self.out.push(sample)
            self.seen += 1
        return True


# Ports are class data: declare them once, on the class.
EveryNth.add_input_port('in', None)
EveryNth.add_output_port('out', None)
# Reactive (the default): the thread sleeps until a frame arrives.
EveryNth.set_execution_mode(Streamlib.ExecutionMode.REACTIVE)
EveryNth.set_description('Forwards one frame in n')
# [processor]


# [application]
def main():
    # [graph]
    runtime = Streamlib.Runtime.new()
    # Register the class under a factory name; the graph refers to it by name.
    runtime.get_registry().register('every-nth', EveryNth.__gtype__)

    # test-source → every-nth → counter-sink; blocking links lose nothing.
    runtime.add('test-source', 'src')
    runtime.add('every-nth', 'nth')
    runtime.add('counter-sink', 'sink')
    runtime.set('src', 'rate', 1000)
    first = runtime.link('src', 'nth')
    second = runtime.link('nth', 'sink')
    for link in (first, second):
        runtime.configure_link(link, 16, Streamlib.OverflowPolicy.BLOCK)
    # [graph]

    loop = GLib.MainLoop()
    status = {'failed': False, 'idle': False, 'changed': False}

    # Signals arrive on the main context of the thread that created the runtime.
    def on_error(runtime, node, error):
        print(f'error from {node}: {error.message}', file=sys.stderr)
        status['failed'] = True
        loop.quit()

    def on_state_changed(runtime, old_state, new_state):
        print('runtime:', new_state.value_nick)
        status['idle'] = new_state == Streamlib.RuntimeState.IDLE

    def give_up():
        print('timed out', file=sys.stderr)
        status['failed'] = True
        loop.quit()
        return GLib.SOURCE_CONTINUE

    def watch_progress():
        count = sink.props.count
        if not status['changed'] and count >= 100:
            runtime.set('nth', 'n', 3)  # live: one frame in three from now on
            status['changed'] = True
        if status['changed'] and count >= 150:
            loop.quit()
        return GLib.SOURCE_CONTINUE

    runtime.connect('error', on_error)
    runtime.connect('state-changed', on_state_changed)
    timeout = GLib.timeout_add_seconds(20, give_up)

    with runtime:  # starts the runtime; drains it at the end of the block
        sink = runtime.get_processor('sink')
        watch = GLib.timeout_add(5, watch_progress)
        loop.run()
        GLib.source_remove(watch)

    # The last state changes are signalled on this main context too.
    while not status['idle'] and not status['failed']:
        GLib.MainContext.default().iteration(True)
    GLib.source_remove(timeout)

    stats = runtime.link_stats()
    sent, forwarded = stats[first].pushed, stats[second].pushed
    counted = sink.props.count
    print(f'source sent {sent}, every-nth forwarded {forwarded}, sink counted {counted}')

    # Drain lost nothing, and after the change fewer frames went through.
    if status['failed'] or counted != forwarded or forwarded >= sent:
        print('unexpected counts', file=sys.stderr)
        return 1
    return 0
# [application]


if __name__ == '__main__':
    sys.exit(main())
