# scripts/lib.sh: helpers shared by scripts/build, scripts/test and
# scripts/demo. Source it; do not run it.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# The repository root, whatever the caller's working directory.
SL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# sl_setup BUILDDIR [MESON SETUP ARGS...]
# Configure BUILDDIR, or reconfigure it when it already exists (wiping it if
# the existing configuration cannot be reused, e.g. made by another meson).
sl_setup () {
  local builddir="$1"
  shift
  if [[ -f "$builddir/meson-private/coredata.dat" ]]; then
    if ! meson setup --reconfigure "$builddir" "$@"; then
      echo "scripts: reconfiguring $builddir failed; wiping it and configuring again" >&2
      meson setup --wipe "$builddir" "$@"
    fi
  else
    meson setup "$builddir" "$@"
  fi
}

# sl_plugin_path BUILDDIR
# Print the directories under BUILDDIR/processors that hold built processor
# modules, joined with ':' (the registry does not search subdirectories).
sl_plugin_path () {
  local builddir="$1"
  if [[ -d "$builddir/processors" ]]; then
    find "$builddir/processors" -name '*.so' -printf '%h\n' | sort -u | paste -sd: -
  fi
}

# sl_uninstalled_env BUILDDIR
# Export what a program needs to use the uninstalled library of BUILDDIR.
sl_uninstalled_env () {
  local builddir
  builddir="$(cd "$1" && pwd)"
  export GI_TYPELIB_PATH="$builddir/streamlib${GI_TYPELIB_PATH:+:$GI_TYPELIB_PATH}"
  export LD_LIBRARY_PATH="$builddir/streamlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  local plugins
  plugins="$(sl_plugin_path "$builddir")"
  if [[ -n "$plugins" ]]; then
    export STREAMLIB_PLUGIN_PATH="$plugins${STREAMLIB_PLUGIN_PATH:+:$STREAMLIB_PLUGIN_PATH}"
  fi
}
