#!/usr/bin/python3
# scripts/demo-graph.py: the fallback demo, used by scripts/demo until
# tools/streamlib-launch is built.
#
# It builds a graph (test-source -> passthrough -> null-sink) through the
# introspected API and prints it as JSON and as Graphviz DOT. It needs Debian's
# /usr/bin/python3 (with PyGObject) and the uninstalled build in the
# environment: GI_TYPELIB_PATH and LD_LIBRARY_PATH pointing at _build/streamlib,
# STREAMLIB_PLUGIN_PATH at the directories of the built processor modules.
# scripts/demo sets all three.
#
# Usage: /usr/bin/python3 scripts/demo-graph.py [--dot FILE]
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import sys

import gi

gi.require_version("GObject", "2.0")
gi.require_version("Gst", "1.0")
gi.require_version("Streamlib", "1.0")
from gi.repository import GLib, GObject, Gst, Streamlib  # noqa: E402


# Stand-ins for factories that no plugin provides yet, so that the demo shows
# the graph API even before processors/ ships them. They have the port layout
# of the real processors and do nothing.
class _StandInSource(Streamlib.Processor):
    __gtype_name__ = "SlDemoStandInSource"


class _StandInFilter(Streamlib.Processor):
    __gtype_name__ = "SlDemoStandInFilter"


class _StandInSink(Streamlib.Processor):
    __gtype_name__ = "SlDemoStandInSink"


_STAND_INS = {
    "test-source": _StandInSource,
    "passthrough": _StandInFilter,
    "null-sink": _StandInSink,
}


def _declare_stand_in_ports():
    any_caps = Gst.Caps.new_any()
    _StandInSource.add_output_port("out", any_caps)
    _StandInFilter.add_input_port("in", any_caps)
    _StandInFilter.add_output_port("out", any_caps)
    _StandInSink.add_input_port("in", any_caps)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dot", metavar="FILE",
                        help="also write the DOT graph to FILE")
    args = parser.parse_args()

    Gst.init(None)
    _declare_stand_in_ports()

    registry = Streamlib.Registry.new()
    for factory, cls in _STAND_INS.items():
        if registry.lookup(factory) == GObject.TYPE_INVALID:
            print(f"demo: no plugin provides '{factory}' yet; "
                  f"using a stand-in that does nothing", file=sys.stderr)
            registry.register(factory, cls.__gtype__)

    graph = Streamlib.Graph.new(registry)
    try:
        graph.add_node("test-source", "src")
        graph.add_node("passthrough", "pass")
        graph.add_node("null-sink", "sink")
        graph.link("src", "pass")
        graph.link("pass", "sink")
        graph.validate()
    except GLib.Error as e:
        print(f"demo: {e.message}", file=sys.stderr)
        return 1

    print("Topological order:", " -> ".join(graph.get_topological_order()))
    print()
    print("JSON:")
    print(graph.to_json())
    print()
    print("DOT:")
    dot = graph.to_dot()
    print(dot)
    if args.dot:
        with open(args.dot, "w", encoding="utf-8") as f:
            f.write(dot)
        print(f"demo: wrote {args.dot}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
