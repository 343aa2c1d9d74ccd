#!/usr/bin/env bash
# Instructions per call of a driver, measured by callgrind (repeatable whatever the
# load): (Ir(R calls) - Ir(B calls)) / (R - B), so start-up cost cancels (B = 1, or
# 2 for a prepared case, whose second call finds its loops once).
#   scripts/icount/run.sh [REPO]   (REPO: a checkout to measure, default this one)
# Needs valgrind. Prints one line per case: what, function, n, instructions/call.
# MEASURE=memory: instead, the data cache lines per call read from and written to
# memory past a last-level cache of 32 MiB (cachegrind's model of this machine's
# L3): the traffic that sets the pace at n = 10^5, where the passes' arrays no
# longer fit (docs/benchmarks.md, tenth session).
# The binary also runs alone: `HH_TIME=1 <bin> what function n reps` prints the
# median and fastest wall time per call; `HH_KEEP=<bytes>` sets the memory each
# thread keeps between calls (`hyperhess::memory::set_keep_limit`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=${1:-$here/../..}
work=$(mktemp -d)
cp -r "$here/src" "$here/Cargo.toml" "$work/"
sed -i "s|path = \"../..\"|path = \"$(cd "$repo" && pwd)\"|" "$work/Cargo.toml"
(cd "$work" && CARGO_TARGET_DIR="$work/target" cargo build --release -q)
bin="$work/target/release/icount"
ir() {
  if [ "${MEASURE:-}" = memory ]; then
    valgrind --tool=cachegrind --cache-sim=yes --LL=33554432,16,64 --cachegrind-out-file=/dev/null \
      "$bin" "$@" 2>&1 | awk '/LLd misses/ {gsub(",", "", $4); print $4}'
  else
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 | awk '/Collected/ {print $4}'
  fi
}
# CASES (optional): the cases to run, ";"-separated "what function n reps".
default="f rosenbrock 128 200;gradient rosenbrock 128 20;hvp rosenbrock 128 20;gradient chain 128 20;hvp chain 128 20;gradient lse 128 10;hvp lse 128 10;hessian rosenbrock 2 200;hessian rosenbrock 8 100;hessian rosenbrock 128 10;hessian chain 128 10;hessian lse 128 5;sparse rosenbrock 10000 3"
IFS=';' read -ra cases <<< "${CASES:-$default}"
for case in "${cases[@]}"; do
  set -- $case
  base=1
  case $1 in prepared_*) base=2 ;; esac
  a=$(ir "$1" "$2" "$3" $base); b=$(ir "$@")
  echo "$1 $2 $3 $(( (b - a) / ($4 - base) ))"
done
