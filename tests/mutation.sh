#!/usr/bin/env bash
# Mutation testing with Stryker.NET (docs/testing.md, Mutation testing): mutates a core project, runs its test project
# against every mutant, and prints the score by file from Stryker's JSON report.
#
#   bash tests/mutation.sh                                  # src/HttpRaft.Consensus against tests/HttpRaft.Consensus.Tests
#   bash tests/mutation.sh --project storage                # src/HttpRaft.Storage against tests/HttpRaft.Storage.Tests
#   bash tests/mutation.sh --since HEAD~1                   # only the files changed since a git ref (Stryker's --since)
#   bash tests/mutation.sh --mutate '**/Leader.cs'          # one file (repeatable)
#   bash tests/mutation.sh --break 90                       # exit 2 when the score is below 90 %
#   bash tests/mutation.sh --test-filter 'FullyQualifiedName!~ModelTests'   # run only some tests (dotnet test --filter)
#
# The simulation runs HTTPRAFT_SIM_SEEDS seeds for every mutant it covers (it covers nearly all of them): the script
# cuts them to --seeds (default 100). For the same reason it cuts the storage recovery fuzz to --fuzz of its CI count
# (default 0.05, 50 inputs per target) from a fixed seed, so a fuzz kill replays, and puts the tests' data
# directories on tmpfs (/dev/shm), where an fsync costs nothing: the code paths are the same, and no test can see
# whether an fsync reached the disk. The scenario tests pin the rules; the cut simulation still catches most mutants
# that break safety or liveness. A full run of the core is long (docs/testing.md, Mutation testing): prefer --mutate
# or --since while working on a file.
# Exit status: 0 when the score is at least --break (or no file under the project changed since the ref), 2 below it,
# 1 when Stryker itself failed. The report is in TestResults/mutation/<project>/reports.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

project=consensus
since=""
seeds=100
fuzz=0.05
fuzz_seed=4hRDgA2gX6sk8Bs31
break_at=0
concurrency=2
mutate=()
test_filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --project) project="$2"; shift 2 ;;
    --since) since="$2"; shift 2 ;;
    --mutate) mutate+=("$2"); shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --fuzz) fuzz="$2"; shift 2 ;;
    --test-filter) test_filter="$2"; shift 2 ;;
    --break) break_at="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 1 ;;
  esac
done

case "$project" in
  consensus) name=HttpRaft.Consensus ;;
  storage) name=HttpRaft.Storage ;;
  *) echo "--project is consensus or storage" >&2; exit 1 ;;
esac

out="$root/TestResults/mutation/$project"
if [ -n "$since" ]; then
  # Stryker's --since would still build and run the initial tests to find nothing to do: skip before that.
  changed=$(git diff --name-only "$since" -- "src/$name" | grep '\.cs$' || true)
  if [ -z "$changed" ]; then
    echo "mutation ($project): no file under src/$name changed since $since, nothing to mutate"
    exit 0
  fi
  echo "mutation ($project): changed since $since: $(echo $changed | tr '\n' ' ')"
  out="$out-since"
fi

command -v jq >/dev/null || (apt-get update -qq && apt-get install -y -qq jq) >/dev/null 2>&1
dotnet tool restore >/dev/null || { echo "dotnet tool restore failed"; exit 1; }

args=(--project "$name.csproj" --test-project "$root/tests/$name.Tests/$name.Tests.csproj" --configuration Release
  --concurrency "$concurrency" --reporter dots --reporter json --reporter html --output "$out"
  --skip-version-check --break-on-initial-test-failure)
[ -n "$since" ] && args+=("--since:$since")
for m in "${mutate[@]}"; do args+=(--mutate "$m"); done
[ -n "$test_filter" ] && args+=(--test-case-filter "$test_filter")

rm -rf "$out"; mkdir -p "$(dirname "$out")"
start=$(date +%s)
# Stryker finds the git repository and the project from the source project's directory.
scratch=$(mktemp -d /dev/shm/httpraft-mutation-XXXXXX 2>/dev/null || mktemp -d)
(cd "src/$name" && TMPDIR="$scratch" HTTPRAFT_SIM_SEEDS="$seeds" HTTPRAFT_FUZZ_ITERATIONS="$fuzz" HTTPRAFT_FUZZ_SEED="$fuzz_seed" \
  dotnet stryker "${args[@]}") >"$out.log" 2>&1
status=$?
rm -rf "$scratch"
seconds=$(( $(date +%s) - start ))
report="$out/reports/mutation-report.json"
if [ "$status" -ne 0 ] || [ ! -f "$report" ]; then
  echo "mutation ($project): Stryker failed (exit $status); last lines of $out.log:"
  tail -n 30 "$out.log"
  exit 1
fi

# The score as Stryker counts it: (killed + timed out) / (killed + timed out + survived + no coverage); compile errors
# and ignored mutants do not count.
jq -r --arg seconds "$seconds" '
  def count(s): [.[] | select(.status == s)] | length;
  def row(name): (.mutants) as $m | ($m | count("Killed")) as $k | ($m | count("Timeout")) as $t
    | ($m | count("Survived")) as $s | ($m | count("NoCoverage")) as $n | ($k + $t + $s + $n) as $all
    | "| \(name) | \($all) | \($k) | \($t) | \($s) | \($n) | \(if $all == 0 then "n/a" else "\((($k + $t) * 1000 / $all | floor) / 10) %" end) |";
  "| file | mutants | killed | timed out | survived | no coverage | score |",
  "|---|---:|---:|---:|---:|---:|---:|",
  (.files | to_entries | sort_by(.key)[] | .key as $name | .value | row($name)),
  ({mutants: [.files[].mutants[]]} | row("**all** (\($seconds) s)"))
' "$report" | sed "s#$root/src/$name/##"

survivors=$(jq -r '.files | to_entries[] | .key as $file | .value.mutants[] | select(.status == "Survived" or .status == "NoCoverage")
  | "\($file | split("/") | last):\(.location.start.line) \(.status) \(.mutatorName): \(.replacement // "" | gsub("\n"; " ") | .[0:80])"' "$report")
if [ -n "$survivors" ]; then echo "survivors:"; echo "$survivors"; fi

score=$(jq '[.files[].mutants[] | .status] | (map(select(. == "Killed" or . == "Timeout")) | length) as $d
  | (map(select(. == "Killed" or . == "Timeout" or . == "Survived" or . == "NoCoverage")) | length) as $all
  | if $all == 0 then 100 else ($d * 100 / $all) end' "$report")
echo "mutation ($project): score $(printf '%.1f' "$score") %, threshold $break_at %"
awk -v s="$score" -v b="$break_at" 'BEGIN { exit !(s >= b) }' || exit 2
