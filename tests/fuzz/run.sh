#!/bin/sh
# run.sh BUILD SECONDS TARGET... - run each fuzz target (BUILD/fuzz/TARGET) for
# SECONDS from its seed corpus (tests/fuzz/corpus/TARGET, read only: what the
# fuzzer adds goes to BUILD/fuzz-corpus/TARGET and is kept between runs), and
# print one line per target: executions, rate, corpus, verdict. A crash, a
# leak, a hang (10 s on one input) or more than 2 GiB fails it: the input is
# saved as BUILD/fuzz-artifacts/TARGET-*, the report's head is printed and the
# whole of it is in BUILD/fuzz-logs/TARGET.log. Exits 1 when any target failed.
# Reproduce a finding: BUILD/fuzz/TARGET BUILD/fuzz-artifacts/TARGET-crash-...
set -u
build=$1 seconds=$2
shift 2
mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"
failed=""
for t in "$@"; do
    work="$build/fuzz-corpus/$t" log="$build/fuzz-logs/$t.log"
    mkdir -p "$work"
    "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/fuzz-artifacts/$t-" "$work" "tests/fuzz/corpus/$t" > "$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    units=$(ls "$work" | wc -l)
    if [ $rc -eq 0 ]; then
        echo "fuzz: $t: ${execs:-?} executions in ${seconds} s (${rate:-?}/s), corpus $units inputs: no finding"
    else
        echo "fuzz: $t: FAILED after ${execs:-?} executions (exit $rc); report in $log:"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*ASSERT|litgan:)|^ *#[0-9] ' "$log" | head -n 12
        ls "$build/fuzz-artifacts/$t-"* 2>/dev/null | head -n 3
        failed="$failed $t"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: findings in:$failed (each must become a regression test and a fix)"
    exit 1
fi
echo "fuzz: $# targets, $seconds s each: no finding"
