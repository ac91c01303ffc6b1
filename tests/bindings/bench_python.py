#!/usr/bin/python3
# bench_python.py: per-frame cost of a Python processor on its own thread.
#
# Runs, in the same process and alternately,
#
#   test-source num-frames=N rate=0 → passthrough (C)        → counter-sink
#   test-source num-frames=N rate=0 → py-passthrough (Python) → counter-sink
#
# with BLOCK links of capacity 200, timing each run from start() to the
# runtime's `eos` signal, and reports the time a Python processor adds per
# frame: (t_python − t_c) / N, with the median of the runs of each variant.
# Two Python variants: a `pop()` loop, and iteration over the input port
# (the override in bindings/python). With capacity 200 a `process` call
# takes the frames queued meanwhile, so the GIL is taken once per batch; the
# same runs with BLOCK links of capacity 1 force one frame per `process` call
# (a wake-up and a GIL acquisition per frame): the worst case.
#
# Output: one JSON object per line on stdout; a table on stderr.
#   meson test -C BUILDDIR --benchmark --suite bindings   (runs it with --quick)
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import json
import statistics
import sys

import gi
gi.require_version('GLib', '2.0')
gi.require_version('Streamlib', '1.0')
from gi.repository import GLib, Streamlib  # noqa: E402

GOAL_US = 25.0
TIMEOUT_S = 120


class PyPassthrough(Streamlib.Processor):
    __gtype_name__ = 'BenchPyPassthrough'

    def do_setup(self):
        self.inp = self.get_input_port('in')
        self.out = self.get_output_port('out')
        return True

    def do_process(self):
        inp, out = self.inp, self.out
        while True:
            sample = inp.pop()
            if sample is None:
                return True
            out.push(sample)


PyPassthrough.add_input_port('in', None)
PyPassthrough.add_output_port('out', None)


class PyIterPassthrough(Streamlib.Processor):
    __gtype_name__ = 'BenchPyIterPassthrough'

    def do_setup(self):
        self.inp = self.get_input_port('in')
        self.out = self.get_output_port('out')
        return True

    def do_process(self):
        out = self.out
        for sample in self.inp:
            out.push(sample)
        return True


PyIterPassthrough.add_input_port('in', None)
PyIterPassthrough.add_output_port('out', None)

VARIANTS = {
    'c': 'passthrough',
    'python': 'py-passthrough',
    'python-iter': 'py-iter-passthrough',
}


def run_once(factory, frames, capacity):
    runtime = Streamlib.Runtime.new()
    registry = runtime.get_registry()
    registry.register('py-passthrough', PyPassthrough.__gtype__)
    if hasattr(Streamlib.InputPort, '__iter__'):
        registry.register('py-iter-passthrough', PyIterPassthrough.__gtype__)
    runtime.add('test-source', 'src')
    runtime.add(factory, 'mid')
    runtime.add('counter-sink', 'sink')
    runtime.set_node_property_from_string('src', 'num-frames', str(frames))
    runtime.set_node_property_from_string('src', 'rate', '0')
    for link in (runtime.link('src', 'mid'), runtime.link('mid', 'sink')):
        runtime.configure_link(link, capacity, Streamlib.OverflowPolicy.BLOCK)

    loop = GLib.MainLoop()
    state = {'eos': None, 'error': None}

    def on_eos(runtime):
        state['eos'] = GLib.get_monotonic_time()
        loop.quit()

    def on_error(runtime, node, error):
        state['error'] = f'{node}: {error.message}'
        loop.quit()

    def on_timeout():
        state['error'] = 'timed out'
        loop.quit()
        return GLib.SOURCE_REMOVE

    runtime.connect('eos', on_eos)
    runtime.connect('error', on_error)
    timeout = GLib.timeout_add_seconds(TIMEOUT_S, on_timeout)

    start = GLib.get_monotonic_time()
    runtime.start()
    sink = runtime.get_processor('sink')
    loop.run()
    if state['error'] is None:
        GLib.source_remove(timeout)
    runtime.stop(Streamlib.StopMode.DRAIN)
    if state['error'] is not None:
        raise RuntimeError(f'{factory}: {state["error"]}')
    count = sink.props.count
    if count != frames:
        raise RuntimeError(f'{factory}: the sink counted {count} of {frames} frames')
    return (state['eos'] - start) / 1e6


def main():
    parser = argparse.ArgumentParser(description='Per-frame cost of a Python processor')
    parser.add_argument('--frames', type=int, default=None, help='frames per run')
    parser.add_argument('--runs', type=int, default=None, help='runs per variant')
    parser.add_argument('--quick', action='store_true', help='fewer frames and runs')
    parser.add_argument('--capacity', type=int, action='append',
                        help='link capacity (repeatable; default: 200 and 1)')
    args = parser.parse_args()
    frames = args.frames or (20000 if args.quick else 100000)
    runs = args.runs or (5 if args.quick else 9)
    args.capacity = args.capacity or [200, 1]

    variants = [v for v in VARIANTS
                if v != 'python-iter' or hasattr(Streamlib.InputPort, '__iter__')]
    run_once('passthrough', min(frames, 1000), 200)  # warm up: plugin, types, caches
    for capacity in args.capacity:
        n = frames if capacity >= 16 else max(1000, frames // 5)
        times = {v: [] for v in variants}
        for _ in range(runs):
            for variant in variants:
                times[variant].append(run_once(VARIANTS[variant], n, capacity))

        median = {v: statistics.median(t) for v, t in times.items()}
        for variant in variants:
            print(json.dumps({
                'benchmark': 'python-processor', 'variant': variant,
                'graph': f'test-source ! {VARIANTS[variant]} ! counter-sink',
                'link_capacity': capacity, 'frames': n, 'runs': runs,
                'seconds_median': round(median[variant], 6),
                'seconds_min': round(min(times[variant]), 6),
                'us_per_frame': round(median[variant] / n * 1e6, 3),
            }), flush=True)
        for variant in variants:
            if variant == 'c':
                continue
            added = (median[variant] - median['c']) / n * 1e6
            print(json.dumps({
                'benchmark': 'python-processor-overhead', 'variant': variant,
                'link_capacity': capacity, 'frames': n, 'runs': runs,
                'us_per_frame_added': round(added, 3),
                'goal_us': GOAL_US, 'meets_goal': added <= GOAL_US,
            }), flush=True)
            print(f'capacity {capacity:3d}  {variant:12s} adds {added:8.3f} µs per frame '
                  f'(C {median["c"] * 1e3:.1f} ms, {variant} {median[variant] * 1e3:.1f} ms '
                  f'for {n} frames; goal ≤ {GOAL_US} µs)', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
