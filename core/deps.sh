#!/bin/sh
# deps.sh - install the Debian packages litgan needs, only those missing.
# Usage: sh core/deps.sh [test|bench|fuzz]   (test adds Chromium, which the report test opens
# the labs' pages in; bench adds PyTorch for the side-by-side benchmark; fuzz adds clang and
# its runtime libraries, libFuzzer among them, for make fuzz)
# Why each package is here: see README.md, "Dependencies".
set -e
PKGS="make gcc pkg-config libgsl-dev libopenblas-dev libcunit1-dev zlib1g-dev gnuplot-nox libinih-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libseccomp-dev libjansson-dev bubblewrap zip unzip libjs-katex"
[ "$1" = test ] && PKGS="$PKGS chromium"
[ "$1" = bench ] && PKGS="$PKGS python3-torch"
[ "$1" = fuzz ] && PKGS="$PKGS clang libclang-rt-dev"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "deps: missing Debian packages:$missing - install them as root: apt-get install$missing" >&2
    exit 1
fi
echo "deps: installing missing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: installed$missing"
