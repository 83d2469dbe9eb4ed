#!/usr/bin/env bash
# Mutation check (not run in CI): mutmut mutates one module at a time and runs only that module's tests
# against each mutant. A mutant that no test notices ("survived") is a gap in the tests or an equivalent
# change; docs/mutation.md lists the figures and explains each survivor that was left.
#
# Usage:  bench/mutation.sh [numbers] [join] [tables] [rules] [conversion] [fontsubset]  (default: the first five)
#         MUTATION_JOBS=2 bench/mutation.sh numbers                            (parallel mutants; default 2)
#         MUTATION_ONLY='geo.join.match.x_match_units*' bench/mutation.sh join  (only these mutants)
#         MUTATION_SECONDS=1200 bench/mutation.sh tables                         (stop each module after 20 min)
#
# Needs: pip install mutmut==3.8.1 (not in requirements.txt: a developer's tool). The repository is copied
# to a temporary folder first (mutmut writes its mutants/ folder there); the reference data of
# ../shared is linked beside the copy, read-only. Prints, per module: mutants, killed, survived, timeouts,
# and the survivors' names; `cd <copy> && mutmut show <name>` shows a survivor's diff.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JOBS=${MUTATION_JOBS:-2}
command -v mutmut >/dev/null || { echo "mutmut is not installed: pip install mutmut==3.8.1" >&2; exit 2; }

# module name -> the first source file that exists (the module may have been split or renamed),
# and the basenames of its test files (found anywhere under tests/).
source_of() {
  case "$1" in
    numbers)    echo geo/text/numbers.py ;;
    join)       echo geo/join/match.py ;;
    tables)     echo geo/io/tables.py ;;
    rules)      for f in geo/analysis/rules.py geo/analysis/priority.py; do [ -f "$ROOT/$f" ] && { echo "$f"; return; }; done ;;
    conversion) for f in geo/analysis/conversion.py geo/analysis/reform.py; do [ -f "$ROOT/$f" ] && { echo "$f"; return; }; done ;;
    fontsubset) echo geo/render/fontsubset.py ;;
    *) echo "unknown module $1 (numbers, join, tables, rules, conversion, fontsubset)" >&2; exit 2 ;;
  esac
}
tests_of() {
  local names
  case "$1" in
    numbers)    names="test_numbers.py" ;;
    join)       names="test_join.py test_match.py" ;;
    tables)     names="test_tables.py" ;;
    rules)      names="test_rules.py test_priority.py test_ranking.py" ;;
    conversion) names="test_convert.py test_conversion.py test_reform.py" ;;
    fontsubset) names="test_fontsubset.py" ;;
  esac
  for n in $names; do (cd "$ROOT" && find tests -name "$n" -not -path '*/mutants/*'); done | sort -u
}

modules=("$@")
[ ${#modules[@]} -eq 0 ] && modules=(numbers join tables rules conversion)

for name in "${modules[@]}"; do
  src=$(source_of "$name")
  tests=$(tests_of "$name")
  [ -n "$tests" ] || { echo "$name: no tests found" >&2; continue; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/geo-mutation-$name-XXXX")
  mkdir "$work/repo"
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/repo")
  cp "$ROOT"/data/boundaries/*.gpkg "$work/repo/data/boundaries/" 2>/dev/null || true  # cached default boundaries
  [ -d "$ROOT/../shared" ] && ln -s "$(cd "$ROOT/../shared" && pwd)" "$work/repo/shared"  # tests read ../shared
  {
    echo "[mutmut]"
    echo "source_paths = geo"
    echo "only_mutate = $src"
    echo "pytest_add_cli_args_test_selection ="
    for t in $tests; do echo "    $t"; done
    echo "pytest_add_cli_args = -p no:cacheprovider"
    echo "also_copy ="
    echo "    data/"
    echo "    pytest.ini"
  } > "$work/repo/setup.cfg"
  echo "== $name: $src with $(echo $tests | tr '\n' ' ') (copy in $work/repo)"
  start=$(date +%s)
  status=0
  (cd "$work/repo" && GEO_STRICT_I18N=1 timeout -k 30 -s INT "${MUTATION_SECONDS:-0}" \
     mutmut run --max-children "$JOBS" ${MUTATION_ONLY:-} > "$work/run.log" 2>&1) || status=$?
  if [ "$status" = 124 ]; then
    echo "$name: stopped after ${MUTATION_SECONDS} s (MUTATION_SECONDS); the figures below count the mutants checked by then"
  elif [ "$status" != 0 ]; then
    echo "$name: mutmut failed, see $work/run.log" >&2; tail -5 "$work/run.log" >&2; continue
  fi
  (cd "$work/repo" && mutmut export-cicd-stats > /dev/null 2>&1 && mutmut results 2>&1 | grep -v "not checked" > "$work/survivors.txt") || true
  python - "$work/repo/mutants/mutmut-cicd-stats.json" "$name" "$(( $(date +%s) - start ))" <<'EOF'
import json, sys
stats = json.load(open(sys.argv[1]))
keys = ("killed", "survived", "timeout", "suspicious", "no_tests", "skipped", "segfault")
checked = sum(stats.get(k, 0) for k in keys)
print(f"{sys.argv[2]}: {stats['total']} mutants, {checked} checked: " + ", ".join(f"{k} {stats.get(k, 0)}" for k in keys)
      + f"; {sys.argv[3]} s")
EOF
  sed 's/^/    /' "$work/survivors.txt"
done
