"""Speed and memory of reading household lists and aggregating them (``geo.workflows.households.import_lists``).

Generated lists (ILLUSTRATIVE: fake names, IDs starting 999, phones 0900):

- a province: 200,000 households of Lạng Sơn, one CSV per district (11 files), target: seconds;
- the country: 2,000,000 households, one CSV per province (63 files), target: under a minute;
- for scale, the province's lists as communes send them: one XLSX per commune (200 workbooks), 20,000 households.

Each import runs in a fresh child process, so that its peak resident memory (VmHWM, reset at exec, unlike
ru_maxrss which keeps the forking parent's) is its own, registry included; the generator's memory is not counted. A peer is measured in the same run: pandas reading the same CSV files
(all columns, as text) and counting poor households per commune, to put the times in proportion.
Times: wall clock and the child's CPU seconds (user + system, both DuckDB threads), because the 2-core machine
is shared: the load average before and after each import is printed beside it. Generating the lists is set-up
and is not counted; reading, aggregating and writing the workbook and the report are.
Prints figures only; tests never assert on time. ``python bench/households.py [--skip-2m] [--xlsx]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.io.households_fake import fake_households, write_lists  # noqa: E402

CHILD = r"""
import json, os, resource, sys, tempfile, time
sys.path.insert(0, {root!r})
from geo.workflows import households as wf
from geo.units import registry
registry.units(province=None)  # warm the registry (read once per server, not per import)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c0, t = cpu(), time.perf_counter()
{body}
hwm = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
print(json.dumps({{"seconds": time.perf_counter() - t, "cpu": cpu() - c0, "peak_mb": hwm / 1024, **extra}}))
"""
IMPORT = """
r = wf.import_lists({paths!r}, province={province!r}, key=b"bench-key-0123456789abcdef")
read = time.perf_counter() - t
with tempfile.TemporaryDirectory() as out:  # writing counts: the indicators workbook and the report
    wf.write_workbook(r, os.path.join(out, "chi_tieu.xlsx"))
    wf.write_report(r, os.path.join(out, "bao_cao.json"))
extra = {{"households": int(r.communes["listed"].sum()), "communes": len(r.communes), "read_aggregate": read,
          "unknown": r.problems["unknown_commune"]["count"]}}
"""
PANDAS = """
import pandas as pd
n = 0
counts = None
for p in {paths!r}:
    df = pd.read_csv(p, skiprows=4, header=None, dtype=str, keep_default_na=False)
    c = df[df[{cls}].str.startswith("Hộ nghèo")].groupby({commune}).size()
    counts = c if counts is None else counts.add(c, fill_value=0)
    n += len(df)
extra = {{"households": n}}
"""


def child(body: str, **fmt) -> dict:
    code = CHILD.format(root=str(ROOT), body=body.format(**fmt))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def case(name: str, n: int, province: str | None, form: str, folder: Path, peer: bool = True) -> None:
    t = time.perf_counter()
    frame = fake_households(n=n, province=province, seed=7)
    files = write_lists(frame, folder / name, form=form)
    size = sum(f.stat().st_size for f in files) / 2**20
    gen = time.perf_counter() - t
    del frame
    paths = [str(f) for f in files]
    before = load()
    ours = child(IMPORT, paths=paths, province=province)
    line = (f"{name:<30} {n:>9,} households {len(files):>4} files {size:6.1f} MB | read+aggregate "
            f"{ours['read_aggregate']:6.2f} s, with writing {ours['seconds']:6.2f} s (CPU {ours['cpu']:5.1f} s), "
            f"peak {ours['peak_mb']:5.0f} MB ({ours['communes']} communes, {ours['households']:,} counted, "
            f"{ours['unknown']} unknown) load {before} -> {load()}")
    if peer:
        shift = 1 if province is None else 0  # a national list has a province column first
        other = child(PANDAS, paths=paths, cls=7 + shift, commune=5 + shift)
        line += f" | pandas read+count {other['seconds']:6.2f} s (CPU {other['cpu']:5.1f} s), peak {other['peak_mb']:5.0f} MB"
    print(line + f" [generated in {gen:.0f} s, not counted]", flush=True)


def main() -> None:
    skip_2m = "--skip-2m" in sys.argv
    with tempfile.TemporaryDirectory(prefix="bench-households-") as tmp:
        folder = Path(tmp)
        case("province, CSV per district", 200_000, "20", "csv_per_district", folder)
        if "--xlsx" in sys.argv:  # slow: openpyxl reads 194 workbooks
            case("province, XLSX per commune", 20_000, "20", "xlsx_per_commune", folder, peer=False)
        if not skip_2m:
            case("country, CSV per province", 2_000_000, None, "csv_per_province", folder)


if __name__ == "__main__":
    main()
