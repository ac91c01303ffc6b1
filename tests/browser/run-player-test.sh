#!/usr/bin/env bash
# run-player-test.sh: the endpoint's player page played by a real headless
# Chromium (meson test browser-player, suite webrtc).
#
# Usage: bash tests/browser/run-player-test.sh STREAMLIB-LAUNCH
#
# Everything runs in a private network namespace that has only loopback
# (unshare --net, lo up), so nothing reaches the machine's interfaces:
# streamlib-launch serves 'video-test-source ! whep-serve name=out' (its
# video input; whep-serve has video and audio inputs) on
# 127.0.0.1 with a Bearer token, then player-test.js drives Debian's chromium
# to the player page and checks that it decodes frames. Prints TAP; exits
# with the driver's status. The server is always stopped on the way out.
#
# Needs (scripts/deps installs them): Debian's chromium, node, and
# playwright-core in tests/browser/node_modules (npm ci). A missing one is a
# failure, not a skip.
#
# Environment: PLAYER_TEST_PORT (default 0: the endpoint picks a free port
# and prints its URL), CHROMIUM (default /usr/bin/chromium),
# PLAYER_TEST_SCREENSHOT (a PNG of the page), PLAYER_TEST_DEADLINE_S.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
launch=${1:-}
port=${PLAYER_TEST_PORT:-0}
stream=out
pipeline="whep-serve name=$stream  video-test-source is-live=true ! $stream.video"
serve_deadline_s=20
stop_deadline_s=10
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

bail () {
  echo "Bail out! $*"
  exit 1
}

comment_file () {
  sed 's/^/# /' "$1"
}

# What is missing is said before entering the namespace.
if [[ -z "$launch" ]]; then
  bail "usage: run-player-test.sh STREAMLIB-LAUNCH"
fi
if [[ ! -x "$launch" ]]; then
  bail "streamlib-launch not found at $launch"
fi
launch=$(realpath "$launch")
if [[ ! -x "$CHROMIUM" ]]; then
  bail "$CHROMIUM not found: run scripts/deps (it installs Debian's chromium package)"
fi
if ! command -v node >/dev/null 2>&1; then
  bail "node not found: run scripts/deps (it installs nodejs and npm)"
fi
if [[ ! -f "$here/node_modules/playwright-core/package.json" ]]; then
  bail "playwright-core is not installed in $here/node_modules: run scripts/deps (it runs npm ci there)"
fi

if [[ -z "${PLAYER_TEST_IN_NETNS:-}" ]]; then
  # As root a new network namespace is enough; otherwise a user namespace
  # maps us to root inside it (chromium runs with --no-sandbox anyway).
  if [[ $(id -u) -eq 0 ]]; then
    netns=(unshare --net)
  else
    netns=(unshare --user --map-root-user --net)
  fi
  if ! unshare_error=$("${netns[@]}" true 2>&1); then
    bail "cannot create a loopback-only network namespace (${netns[*]}): $unshare_error"
  fi
  PLAYER_TEST_IN_NETNS=1 exec "${netns[@]}" bash "${BASH_SOURCE[0]}" "$@"
fi

# Inside the namespace: only lo, down until brought up.
if ! ip_error=$(ip link set lo up 2>&1); then
  bail "ip link set lo up failed in the test's network namespace: $ip_error"
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/streamlib-browser-test.XXXXXX")
server_log="$workdir/server.log"
server_pid=
server_status=

# Stops the server and keeps its exit status in server_status (0 after a
# clean drain on SIGTERM).
stop_server () {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    # streamlib-launch drains on SIGTERM; bounded, then forced.
    local waited=0
    while kill -0 "$server_pid" 2>/dev/null && (( waited < stop_deadline_s * 10 )); do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "# streamlib-launch did not stop within ${stop_deadline_s} s of SIGTERM: killed"
      kill -KILL "$server_pid" 2>/dev/null
    fi
  fi
  if [[ -n "$server_pid" ]]; then
    wait "$server_pid" 2>/dev/null
    server_status=$?
  fi
  server_pid=
}

cleanup () {
  stop_server
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The page gets it as ?token=; one check plays without it.
token="player-test-$RANDOM$RANDOM"

echo "# $launch --quiet --serve 127.0.0.1:$port --token $token '$pipeline'"
"$launch" --quiet --serve "127.0.0.1:$port" --token "$token" "$pipeline" >"$server_log" 2>&1 &
server_pid=$!

# Wait (bounded) for the endpoint to say it serves; stop early if it died.
url=
waited=0
while (( waited < serve_deadline_s * 10 )); do
  serving_line=$(grep -m1 'Serving' "$server_log" 2>/dev/null || true)
  if [[ -n "$serving_line" ]]; then
    # The URL it printed: with port 0 only it knows the port.
    url=$(grep -o 'http://[^ ]*' <<<"$serving_line" | head -n1)
    if [[ -z "$url" && "$port" != 0 ]]; then
      url=http://127.0.0.1:$port/
    fi
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid"
    status=$?
    server_pid=
    comment_file "$server_log"
    if grep -qi 'in use' "$server_log"; then
      bail "port $port is already in use in the test's namespace: set PLAYER_TEST_PORT to another port"
    fi
    bail "streamlib-launch --serve exited with status $status before serving (its output is above)"
  fi
  sleep 0.1
  waited=$((waited + 1))
done
if [[ -z "$serving_line" ]]; then
  comment_file "$server_log"
  bail "streamlib-launch printed no 'Serving' line within ${serve_deadline_s} s (its output is above)"
fi
if [[ -z "$url" ]]; then
  bail "streamlib-launch's line '$serving_line' has no http:// URL (the port it picked is unknown)"
fi
[[ "$url" == */ ]] || url="$url/"
echo "# $serving_line"

node "$here/player-test.js" "$url" "$stream" "$token"
driver_status=$?

server_was_running=1
kill -0 "$server_pid" 2>/dev/null || server_was_running=0
stop_server
if (( ! server_was_running )); then
  echo "# streamlib-launch exited during the test (status $server_status)"
  driver_status=1
elif (( server_status != 0 )); then
  echo "# streamlib-launch exited with status $server_status on SIGTERM (0 expected: a clean drain)"
  driver_status=1
fi
if (( driver_status != 0 )); then
  echo "# streamlib-launch output:"
  comment_file "$server_log"
fi
exit "$driver_status"
