#!/usr/bin/env bash
# The project's test command (README): installs what is missing, builds Release, runs every xunit
# project, and prints a plain final line "N passed, M failed".
# FORMAL_TEST_FILTER: an optional `dotnet test --filter` expression (default: skip tests marked Slow).
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
./tools/ensure-deps.sh || exit 1
dotnet build Formal.sln -c Release -nologo -v q || { echo "0 passed, 1 failed (build failed)"; exit 1; }
filter="${FORMAL_TEST_FILTER-Category!=Slow}"
log=$(mktemp)
args=(test Formal.sln -c Release --no-build -nologo)
[ -n "$filter" ] && args+=(--filter "$filter")
dotnet "${args[@]}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
summary=$(awk '/^(Passed|Failed)! +- +Failed:/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } n++ }
     END { if (n == 0) { print "0 passed, 1 failed (no test summary found)"; exit 1 } printf "%d passed, %d failed\n", p, f }' "$log") || rc=1
rm -f "$log"
echo "$summary"
exit $rc
