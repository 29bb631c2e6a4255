#!/bin/sh
# Installs the Debian packages ConvNotes needs, if any are missing.
# Root: installs them with apt-get. Not root: names them, prints the
# apt-get line to run, and exits 1. Add a package here and nowhere else.
#   --browser  also headless Chromium (~300 MB installed), for
#              `convnotes check-site` and `convnotes report --pdf`
set -eu

PACKAGES="
libcairo2-dev
libpango1.0-dev
libopenblas-dev
zlib1g-dev
libfftw3-dev
libcmark-gfm-dev
libcmark-gfm-extensions-dev
libjs-katex
fonts-katex
fonts-dejavu-core
fonts-wqy-microhei
dataset-fashion-mnist
"

if [ "${1:-}" = "--browser" ]; then
  PACKAGES="$PACKAGES chromium-headless-shell"
fi

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing Debian packages:$missing" >&2
  echo "setup: install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi

echo "setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
