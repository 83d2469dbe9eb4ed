"""Long fuzz run of every reader: inputs tried, outcomes by error code, uncaught exceptions.

    python bench/fuzz.py                  # 10,000 inputs spread over the targets (weights below)
    python bench/fuzz.py --total 2000 --seed 7 --only csv/records,zip

Each target is a hypothesis strategy and a reader call (tests/io/_fuzz_targets.py, the same targets the CI
runs with a few examples). An outcome is ``ok``, ``GeoError:<code>`` or, for anything else, ``UNCAUGHT``
with the exception type and the last project frame; the first input of each uncaught kind is printed
(truncated). The run exits 1 when anything was uncaught.
"""

from __future__ import annotations

import argparse
import math
import collections
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "io"))
os.environ.setdefault("GEO_STRICT_I18N", "1")

import warnings  # noqa: E402

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from _fuzz_targets import TARGETS  # noqa: E402

# Share of the inputs each target gets: the fast byte-level readers get more.
WEIGHTS = {"csv/indicators": 2.0, "csv/records": 2.0, "csv/designations": 0.6, "csv/weights": 1.0,
           "csv/selection": 1.0, "xlsx/indicators": 1.0, "xlsx/designations": 0.5, "boundaries": 1.0, "zip": 1.0,
           "rules": 1.0, "scenario": 0.4, "layer/table": 0.6, "layer/boundaries": 0.6}


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f"{os.sep}geo{os.sep}" in f.filename]
    frame = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} ({frame.name})"


def run_target(target, n: int, rng_seed: int, keep: Path | None = None) -> tuple[int, collections.Counter, dict]:
    outcomes: collections.Counter = collections.Counter()
    first: dict[str, str] = {}

    @seed(rng_seed)
    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def body(value):
        try:
            outcome = target.run(value)
        except Exception as exc:  # noqa: BLE001 - what the harness is looking for
            outcome = f"UNCAUGHT:{type(exc).__name__} at {_where(exc)}"
            if outcome not in first and keep is not None:  # the whole input, to replay: eval(text)
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"{target.name.replace('/', '_')}-{len(first)}.repr").write_text(repr(value))
            first.setdefault(outcome, repr(value)[:300])
        outcomes[outcome] += 1

    body()
    return sum(outcomes.values()), outcomes, first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=10_000, help="inputs over all targets")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--only", default="", help="comma-separated target names")
    parser.add_argument("--keep", default="", help="folder where the whole first input of each uncaught kind is written")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    targets = [t for t in TARGETS if not args.only or t.name in args.only.split(",")]
    weight = sum(WEIGHTS.get(t.name, 1.0) for t in targets)
    grand = collections.Counter()
    tried_all, uncaught_all = 0, 0
    start_all = time.perf_counter()
    print(f"fuzz: {len(targets)} targets, {args.total} inputs, seed {args.seed}")
    for target in targets:
        n = max(1, math.ceil(args.total * WEIGHTS.get(target.name, 1.0) / weight))  # at least --total in all
        start = time.perf_counter()
        tried, outcomes, first = run_target(target, n, args.seed, Path(args.keep) if args.keep else None)
        seconds = time.perf_counter() - start
        uncaught = sum(c for o, c in outcomes.items() if o.startswith("UNCAUGHT"))
        tried_all += tried
        uncaught_all += uncaught
        grand.update(outcomes)
        print(f"\n== {target.name}: {tried} inputs in {seconds:.1f} s, {uncaught} uncaught")
        for outcome, count in outcomes.most_common():
            print(f"   {count:6d}  {outcome}")
        for outcome, example in first.items():
            print(f"   first input for {outcome}: {example}")
    print(f"\nTOTAL: {tried_all} inputs in {time.perf_counter() - start_all:.0f} s; "
          f"{tried_all - uncaught_all} ended ok or GeoError; {uncaught_all} uncaught")
    by_code = collections.Counter()
    for outcome, count in grand.items():
        by_code[outcome.split(" at ")[0]] += count
    print("outcomes over all targets: " + ", ".join(f"{o} {c}" for o, c in by_code.most_common()))
    return 1 if uncaught_all else 0


if __name__ == "__main__":
    raise SystemExit(main())
