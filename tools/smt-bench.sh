#!/usr/bin/env bash
# Benchmarks of the SMT back end (never run in CI; they take minutes). Builds tools/smt-bench in
# Release and runs one of:
#   tools/smt-bench.sh counters N M DEPTH [ROUNDS]   BMC of counters: encoder vs hand-written queries
#   tools/smt-bench.sh links NV NA DEPTH [ROUNDS]    set and map representations (hand-written)
#   tools/smt-bench.sh spec FILE CONFIG DEPTH incremental|fresh [K]   per-depth BMC (and k-induction)
#   tools/smt-bench.sh smtlib FILE [PRELUDE]         time an SMT-LIB script (e.g. a --dump-smt file)
# Example (the numbers in spec/Formal.Spec.Smt/README.md): tools/smt-bench.sh counters 7 9 20 3
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build/smt-bench"
mkdir -p "$out"
"$root/tools/ensure-deps.sh"
dotnet build "$root/tools/smt-bench/SmtBench.csproj" -c Release -nologo -v q -o "$out" >"$out/build.log" 2>&1 \
  || { cat "$out/build.log" >&2; exit 2; }
cd "$root"
exec dotnet "$out/SmtBench.dll" "$@"
