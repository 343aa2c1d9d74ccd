#!/usr/bin/env bash
# Instructions per call of a driver, measured by callgrind (repeatable whatever the
# load): (Ir(R calls) - Ir(1 call)) / (R - 1), so start-up cost cancels.
#   scripts/icount/run.sh [REPO]   (REPO: a checkout to measure, default this one)
# Needs valgrind. Prints one line per case: what, function, n, instructions/call.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=${1:-$here/../..}
work=$(mktemp -d)
cp -r "$here/src" "$here/Cargo.toml" "$work/"
sed -i "s|path = \"../..\"|path = \"$(cd "$repo" && pwd)\"|" "$work/Cargo.toml"
(cd "$work" && CARGO_TARGET_DIR="$work/target" cargo build --release -q)
bin="$work/target/release/icount"
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 | awk '/Collected/ {print $4}'; }
# CASES (optional): the cases to run, ";"-separated "what function n reps".
default="f rosenbrock 128 200;gradient rosenbrock 128 20;hvp rosenbrock 128 20;gradient chain 128 20;hvp chain 128 20;gradient lse 128 10;hvp lse 128 10;hessian rosenbrock 2 200;hessian rosenbrock 8 100;hessian rosenbrock 128 10;hessian chain 128 10;hessian lse 128 5;sparse rosenbrock 10000 3"
IFS=';' read -ra cases <<< "${CASES:-$default}"
for case in "${cases[@]}"; do
  set -- $case
  a=$(ir "$1" "$2" "$3" 1); b=$(ir "$@")
  echo "$1 $2 $3 $(( (b - a) / ($4 - 1) ))"
done
