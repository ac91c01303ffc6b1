#!/usr/bin/python3
# scripts/demo-readback.py: reads back the file scripts/demo wrote, with
# GStreamer only (nothing of streamlib): the container, duration and streams
# from GstPbutils.Discoverer, then the frames of every stream, counted by
# demuxing the whole file into fakesinks.
#
# Usage: /usr/bin/python3 scripts/demo-readback.py FILE
# (Debian's interpreter: it is the one with PyGObject, python3-gi.)
# Exits 1 if the file cannot be read or holds no frame.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstPbutils", "1.0")
from gi.repository import Gst, GstPbutils  # noqa: E402

TIMEOUT = 10 * Gst.SECOND  # every wait is bounded


def format_time(ns):
    if ns is None or ns == Gst.CLOCK_TIME_NONE:
        return "unknown"
    return f"{ns / Gst.SECOND:.3f} s"


def describe(caps):
    s = caps.get_structure(0)
    name = s.get_name()
    if name.startswith("video/"):
        ok_w, width = s.get_int("width")
        ok_h, height = s.get_int("height")
        ok_r, num, den = s.get_fraction("framerate")
        size = f" {width}x{height}" if ok_w and ok_h else ""
        rate = f" at {num}/{den} fps" if ok_r and den else ""
        return f"{GstPbutils.pb_utils_get_codec_description(caps)}{size}{rate}"
    if name.startswith("audio/"):
        ok_c, channels = s.get_int("channels")
        ok_r, rate = s.get_int("rate")
        extra = []
        if ok_c:
            extra.append(f"{channels} ch")
        if ok_r:
            extra.append(f"{rate} Hz")
        return f"{GstPbutils.pb_utils_get_codec_description(caps)} {', '.join(extra)}"
    return caps.to_string()


def count_frames(path):
    """Demuxes the file into one fakesink per stream; returns
    {stream kind: frames} or raises RuntimeError."""
    pipeline = Gst.parse_launch(
        f'filesrc location="{path}" ! parsebin name=parse')
    parse = pipeline.get_by_name("parse")
    counts = {}

    def on_buffer(pad, info, kind):
        counts[kind] += 1
        return Gst.PadProbeReturn.OK

    def on_pad_added(element, pad):
        caps = pad.get_current_caps() or pad.query_caps(None)
        kind = caps.get_structure(0).get_name().split("/")[0]
        if kind in counts:
            kind = f"{kind} {len(counts)}"
        counts[kind] = 0
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        sink.set_property("async", False)  # one streaming thread feeds every sink: no preroll wait
        pipeline.add(sink)
        sink.sync_state_with_parent()
        sink.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, on_buffer, kind)
        pad.link(sink.get_static_pad("sink"))

    parse.connect("pad-added", on_pad_added)
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        TIMEOUT, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg is None:
        raise RuntimeError("reading the file took longer than 10 s")
    if msg.type == Gst.MessageType.ERROR:
        err, _ = msg.parse_error()
        raise RuntimeError(err.message)
    return counts


def main():
    if len(sys.argv) != 2:
        print("usage: demo-readback.py FILE", file=sys.stderr)
        return 2
    path = os.path.abspath(sys.argv[1])
    Gst.init(None)

    try:
        discoverer = GstPbutils.Discoverer.new(TIMEOUT)
        info = discoverer.discover_uri(Gst.filename_to_uri(path))
    except Exception as e:  # GLib.Error
        print(f"demo: cannot read {path}: {getattr(e, 'message', e)}", file=sys.stderr)
        return 1

    try:
        counts = count_frames(path)
    except RuntimeError as e:
        print(f"demo: cannot demux {path}: {e}", file=sys.stderr)
        return 1

    container = info.get_stream_info()
    container_name = (GstPbutils.pb_utils_get_codec_description(container.get_caps())
                      if container is not None else "unknown")
    print(f"  file:      {path} ({os.path.getsize(path)} bytes)")
    print(f"  container: {container_name}, duration {format_time(info.get_duration())}")
    seen = {}
    for stream in info.get_stream_list():
        if isinstance(stream, GstPbutils.DiscovererContainerInfo):
            continue
        kind = stream.get_caps().get_structure(0).get_name().split("/")[0]
        key = kind if kind not in seen else f"{kind} {len(seen)}"
        seen[key] = True
        frames = counts.get(key, 0)
        print(f"  {kind + ':':<10} {describe(stream.get_caps())}, {frames} frames")

    if not counts or 0 in counts.values():
        print("demo: the file holds a stream without frames", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
