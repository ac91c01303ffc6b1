#!/bin/sh
# run-under-xvfb.sh PROGRAM [ARGS...]: runs PROGRAM on a private, headless X
# server (xvfb-run -a picks a free display number), whatever display the
# caller has, and exits with its status. Fails (not skips) when xvfb-run is
# missing: scripts/deps installs it (Debian packages xvfb and xauth).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

if ! command -v xvfb-run >/dev/null 2>&1 || ! command -v xauth >/dev/null 2>&1; then
  echo "run-under-xvfb.sh: xvfb-run or xauth is not installed (Debian: xvfb, xauth; bash scripts/deps)" >&2
  exit 1
fi

unset WAYLAND_DISPLAY
export GDK_BACKEND=x11
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" "$@"
