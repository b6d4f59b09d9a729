#!/usr/bin/env bash
# Debian packages Qt needs on a bare machine (offscreen and real windows),
# Qt Multimedia's audio library, poppler for looking at PDFs, PostgreSQL for
# the shared-server tests, the X programs the desktop tests drive the real app
# with (Xvfb, openbox, xdotool, ImageMagick's import, xclip, xprop), and
# python3-venv. Installs only what is missing.
set -euo pipefail
packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
          libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
          libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
          libnss3 libpulse0 libasound2 poppler-utils xvfb xauth
          openbox xdotool imagemagick xclip x11-utils
          postgresql)
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
