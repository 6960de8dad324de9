#!/bin/sh
# tests/autograder/run.sh - `make autograder-test`: the Gradescope package of
# lab 01 end to end, in a temporary root laid out like Gradescope's.
#
#   1. bin/litgan autograder 01 TMP/lab01.zip, unpacked into TMP/autograder/source;
#   2. its setup.sh run as Gradescope does (root, once), in a box: bubblewrap
#      with TMP/autograder bound at /autograder, /usr, /etc and dpkg's database
#      read-only, its own PID, IPC, UTS and network namespaces, a private /tmp.
#      core/deps.sh finds every package installed (make autograder-test ran it
#      first) and skips apt-get; make builds litgan in /autograder/source;
#   3. what setup.sh left: no grade_hidden*.c, no reference student file, no
#      tests/, .ci/, check/, .git; modes: only the runner and liblitgan open to
#      others (o+rx), their folders searchable (o+x), everything else root's;
#      checked as uid 65534 too (setpriv);
#   4. run_autograder (copied to /autograder/run_autograder as Gradescope does)
#      in the same box, where a nested bubblewrap cannot mount its /proc - as in
#      a container without user namespaces - so the grader falls back to the
#      runner alone (limits, allowlist, uid 65534): the reference scores 18 of
#      18, a wrong optimal.c less, a submission that tries to open the
#      instructor's files from the runner 18 (it answers right only when none
#      opens; with one made readable it loses points: the probe works);
#   5. the reference once more in a box that shares the host's /proc, where the
#      nested bubblewrap runs (LITGAN_SANDBOX=bwrap insists on it): 18 of 18;
#   6. a grader failure (no submission folder): results.json says so, score 0.
# results.json is read with jansson (tests/autograder/check_results.c).
# Environment: LG_BIN (bin/litgan), LG_BUILD (build): set by make; LG_KEEP=1 keeps the temporary root.
set -eu
if [ "$(id -u)" -ne 0 ]; then
    echo "make autograder-test: run it as root (Gradescope runs setup.sh and run_autograder as root, and the grader gives student code to uid 65534 only then)" >&2
    exit 1
fi
BIN=${LG_BIN:-bin/litgan}
BUILD=${LG_BUILD:-build}
CHECK="$BUILD/tests/check_results"
root=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/litgan-autograder-test-XXXXXX")
[ -n "${LG_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT   # LG_KEEP=1: keep it to look at
ag="$tmp/autograder"
fails=0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
ok() { echo "  ok    $*"; }
bad() { echo "  FAIL  $*"; fails=$((fails + 1)); }

# box [bwrap options] -- COMMAND...: a container like Gradescope's, as root
box() {
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
        bwrap --die-with-parent --unshare-ipc --unshare-uts --unshare-net \
        --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/bin /bin \
        --symlink usr/sbin /sbin --ro-bind /etc /etc --ro-bind /var/lib/dpkg /var/lib/dpkg \
        --bind "$ag" /autograder --dev /dev --tmpfs /tmp --chdir /autograder "$@"
}
gradescope() { box --unshare-pid --proc /proc "$@"; }

# grade SUBMISSION_FILES... : a fresh /autograder/submission and results, then run_autograder;
# sets status and summary (check_results' first line)
grade() {
    rm -rf "$ag/submission" "$ag/results"
    mkdir -p "$ag/submission" "$ag/results"
    [ $# -gt 0 ] && cp "$@" "$ag/submission/"
    status=0
    $runbox /autograder/run_autograder > "$tmp/grade.out" 2>&1 || status=$?
    summary=$("$CHECK" "$ag/results/results.json" 2>&1 | head -n 1) || summary="invalid: $summary"
}

echo "make autograder-test: the Gradescope package of lab 01 in $tmp"
t=$(now)
"$BIN" autograder 01 "$tmp/lab01.zip" > "$tmp/make.out" 2>&1 || { cat "$tmp/make.out"; exit 1; }
mkdir -p "$ag/source"
unzip -q "$tmp/lab01.zip" -d "$ag/source"
echo "  package: $(wc -c < "$tmp/lab01.zip") bytes, $(unzip -Z1 "$tmp/lab01.zip" | wc -l) entries ($(secs "$t"))"

t=$(now)
if gradescope -- sh /autograder/source/setup.sh > "$tmp/setup.out" 2>&1; then
    ok "setup.sh: deps, build, clean-up ($(secs "$t"))"
else
    cat "$tmp/setup.out"
    bad "setup.sh failed ($(secs "$t"))"
    exit 1
fi
cp "$ag/source/run_autograder" "$ag/run_autograder"   # as Gradescope does

# what setup.sh left
src="$ag/source"
left=$(cd "$src" && find . \( -name 'grade_hidden*.c' -o -path ./tests -o -path ./.ci -o -path ./.git \
       -o -path './labs/*/check' -o -path ./plugins/gan.c -o -path ./plugins/nsgan.c \
       -o -path ./labs/01-minimax/optimal.c -o -path ./labs/02-nonsaturating/gradients.c \
       -o -path ./build/plugins/gan.so -o -path ./build/plugins/nsgan.so \) -print)
[ -z "$left" ] && ok "no hidden tests' sources, reference files, tests/, check/, .git left" ||
    bad "setup.sh left: $left"
open=$(cd "$src" && find . ! -type l -perm /g=rwx,o=rwx -printf '%m %p\n' | sort | tr '\n' ';')
want="711 .;711 ./build/lib/litgan;711 ./build/lib;711 ./build;755 ./build/lib/liblitgan.so;755 ./build/lib/litgan/litgan-runner;"
want=$(echo "$want" | tr ';' '\n' | sed '/^$/d' | sort | tr '\n' ';')
[ "$open" = "$want" ] && ok "modes: only the runner and liblitgan open to others (o+rx), their folders o+x" ||
    bad "modes: open to group or others: $open (expected $want)"
nobody() { gradescope -- setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if nobody cat /autograder/source/Makefile > /dev/null 2>&1 || nobody ls /autograder/source/labs > /dev/null 2>&1; then
    bad "uid 65534 can read the instructor's tree"
else
    ok "uid 65534 cannot read the tree (Makefile, labs/)"
fi
rs=0
nobody /autograder/source/build/lib/litgan/litgan-runner < /dev/null > /dev/null 2>&1 || rs=$?
[ "$rs" -ne 126 ] && [ "$rs" -ne 127 ] && ok "uid 65534 can start the runner (it refuses an empty request: $rs)" ||
    bad "uid 65534 cannot start the runner ($rs)"

# a nested bubblewrap in the Gradescope-like box?
if gradescope -- bwrap --unshare-all --uid 65534 --gid 65534 --ro-bind /usr /usr --symlink usr/lib /lib \
       --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp /usr/bin/true > /dev/null 2>&1; then
    echo "  note  bubblewrap runs inside the box: the grader uses it"
else
    echo "  note  bubblewrap cannot run inside the box (no /proc of its own): the grader's weaker fallback applies"
fi

ref1="$root/plugins/gan.c"
ref2="$root/labs/01-minimax/optimal.c"
runbox=gradescope
t=$(now)
grade "$ref1" "$ref2"
[ "$status" -eq 0 ] && [ "${summary%% tests*}" = "score 18 max 18" ] && ok "the reference: $summary, exit 0 ($(secs "$t"))" ||
    { cat "$tmp/grade.out"; bad "the reference: $summary, exit $status"; }

mkdir -p "$tmp/wrong" "$tmp/peek"
sed 's|return p_data / s;|return p_g / s;|' "$ref2" > "$tmp/wrong/optimal.c"
cmp -s "$ref2" "$tmp/wrong/optimal.c" && bad "the wrong optimal.c is the reference (sed matched nothing)"
t=$(now)
grade "$ref1" "$tmp/wrong/optimal.c"
score=${summary#score }
score=${score%% *}
[ "$status" -eq 1 ] && awk -v s="$score" 'BEGIN { exit !(s < 18) }' &&
    ok "a wrong D*: $summary, exit 1 ($(secs "$t"))" || bad "a wrong D*: $summary, exit $status"

sed 's/lab01_optimal_d(/lab01_optimal_d_ref(/' "$ref2" > "$tmp/peek/optimal.c"
cat "$root/tests/autograder/peek.c" >> "$tmp/peek/optimal.c"
t=$(now)
grade "$ref1" "$tmp/peek/optimal.c"
[ "${summary%% tests*}" = "score 18 max 18" ] &&
    ok "student code opening the instructor's files: none opens ($summary, $(secs "$t"))" ||
    bad "student code opening the instructor's files: $summary (below 18: one opened)"
chmod o+r "$src/Makefile"
grade "$ref1" "$tmp/peek/optimal.c"
chmod o-r "$src/Makefile"
[ "${summary%% tests*}" != "score 18 max 18" ] && ok "... and with Makefile made readable, the probe sees it ($summary)" ||
    bad "the probe did not see a readable Makefile ($summary)"

runbox="box --bind /proc /proc --setenv LITGAN_SANDBOX bwrap"
t=$(now)
grade "$ref1" "$ref2"
[ "$status" -eq 0 ] && [ "${summary%% tests*}" = "score 18 max 18" ] &&
    ok "the reference under a nested bubblewrap: $summary ($(secs "$t"))" ||
    { cat "$tmp/grade.out"; bad "the reference under a nested bubblewrap: $summary, exit $status"; }

runbox=gradescope
rm -rf "$ag/submission" "$ag/results"
status=0
$runbox /autograder/run_autograder > "$tmp/grade.out" 2>&1 || status=$?
summary=$("$CHECK" "$ag/results/results.json" 2>&1 | tr '\n' ' ') || summary="invalid: $summary"
case "$summary" in
"score 0 max 0 tests 0 The autograder could not grade this submission"*)
    [ "$status" -eq 2 ] && ok "a grader failure: results.json says so, score 0, exit 2" ||
        bad "a grader failure: exit $status" ;;
*) bad "a grader failure: $summary" ;;
esac

if [ "$fails" -eq 0 ]; then
    echo "make autograder-test: passed"
else
    echo "make autograder-test: $fails check(s) failed"
    exit 1
fi
