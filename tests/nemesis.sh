#!/usr/bin/env bash
# Long fault-injection runs (docs/testing.md, "Fault injection"): the same test CI runs for a few short seeds, here for
# as long as asked. --minutes is the total nemesis time, split evenly over --runs seeds starting at --seed.
#   bash tests/nemesis.sh --minutes 60 --seed 7 [--runs 4] [--no-build]
# It runs a copy of the build, so rebuilding the repository meanwhile does not change the run. The output (with every
# fault, recovery and violation) goes to TestResults/nemesis-<seed>.log; each run's results row is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10; seed=$((RANDOM % 100000 + 1)); runs=1; build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "usage: bash tests/nemesis.sh --minutes M --seed N [--runs R] [--no-build]" >&2; exit 2 ;;
  esac
done

if [ "$build" -eq 1 ]; then
  dotnet build HttpRaft.sln -c Release -warnaserror 2>&1 | tail -n 3
fi
copy=$(mktemp -d "${TMPDIR:-/tmp}/httpraft-nemesis-XXXXXX")
trap 'rm -rf "$copy"' EXIT
cp -r tests/HttpRaft.EndToEnd.Tests/bin/Release/net10.0 "$copy/tests"
cp -r src/HttpRaft/bin/Release/net10.0 "$copy/node"

seconds=$(( minutes * 60 / runs ))
seeds=$(seq -s, "$seed" $(( seed + runs - 1 )))
mkdir -p TestResults
log="TestResults/nemesis-$seed.log"
echo "nemesis: seeds $seeds, $seconds s each; output in $log"
status=0
HTTPRAFT_DLL="$copy/node/HttpRaft.dll" HTTPRAFT_NEMESIS_SEEDS="$seeds" HTTPRAFT_NEMESIS_SECONDS="$seconds" \
  dotnet test "$copy/tests/HttpRaft.EndToEnd.Tests.dll" --filter "FullyQualifiedName~NemesisTests" \
  --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
grep -h "nemesis result" "$log" | sed 's/.*nemesis result //' | sort -u
exit "$status"
