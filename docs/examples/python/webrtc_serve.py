#!/usr/bin/env python3
# webrtc_serve.py: serve a live graph to WebRTC viewers (WHEP) and watch it
# from the same process with whep-source, then stop. Run it uninstalled with
# `meson devenv -C _build python3 docs/examples/python/webrtc_serve.py`; a
# browser may open the printed URL while it runs (--seconds N keeps it
# serving longer).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import sys

import gi
gi.require_version("GLib", "2.0")
gi.require_version("Streamlib", "1.0")
gi.require_version("StreamlibWebrtc", "1.0")
from gi.repository import GLib, Streamlib, StreamlibWebrtc  # noqa: E402


def iterate_until(done, seconds):
    """Runs the main context until done() or @seconds have passed."""
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + int(seconds * GLib.USEC_PER_SEC)
    tick = GLib.timeout_add(10, lambda: GLib.SOURCE_CONTINUE)   # wakes it to check
    while not done() and GLib.get_monotonic_time() < deadline:
        context.iteration(True)
    GLib.source_remove(tick)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=0,
                        help="keep serving this long after the viewer saw its frames")
    args = parser.parse_args()

    # [serve]
    runtime = Streamlib.Runtime.new()
    runtime.parse_launch("whep-serve name=live  video-test-source is-live=true ! live.video")
    runtime.start()
    endpoint = StreamlibWebrtc.Endpoint.new(runtime)
    endpoint.listen("127.0.0.1", 0)        # 0: any free port
    print("Serving", endpoint.get_url())
    # [serve]

    # [play]
    viewer = Streamlib.Runtime.new()
    viewer.parse_launch(f"whep-source name=play url={endpoint.get_url()}whep/live"
                        "  play.video ! counter-sink name=frames")
    viewer.start()
    # [play]

    # Signals and notifications arrive on this thread's main context: run it
    # until the viewer decoded 30 frames (30 s at most), then as long as asked.
    frames = viewer.get_processor("frames")
    iterate_until(lambda: frames.props.count >= 30, 30)
    print(f"The viewer decoded {frames.props.count} frames "
          f"({endpoint.props.n_sessions} WHEP session open)")
    ok = frames.props.count >= 30
    iterate_until(lambda: False, args.seconds)

    viewer.stop(Streamlib.StopMode.IMMEDIATE)
    endpoint.close()
    runtime.stop(Streamlib.StopMode.IMMEDIATE)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
