#!/usr/bin/env bash
# Debian packages, installed only when missing.
#
#   install-system-deps.sh          what the app needs: Qt's libraries for offscreen and real
#                                   windows, Qt Multimedia's audio library, Xvfb for a
#                                   machine with no screen, python3-venv
#   install-system-deps.sh --test   also what the tests need: poppler (reading PDFs back),
#                                   PostgreSQL (the shared-server tests), and the X programs
#                                   the desktop tests drive the real app with (openbox,
#                                   xdotool, ImageMagick's import, xclip, xprop)
set -euo pipefail
packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
          libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
          libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
          libnss3 libpulse0 libasound2 xvfb xauth)
if [ "${1:-}" = "--test" ]; then
  packages+=(poppler-utils openbox xdotool imagemagick xclip x11-utils postgresql)
fi
if ! command -v dpkg >/dev/null 2>&1; then
  echo "Not a Debian-like system: install Qt's runtime libraries yourself." >&2
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}. Run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
