"""Speed and memory of reading household lists and aggregating them (``geo.workflows.households.import_lists``).

Generated lists (ILLUSTRATIVE: fake names, IDs starting 999, phones 0900):

- a province: 200,000 households of Lạng Sơn, one CSV per district (11 files), target: seconds;
- the country: 2,000,000 households, one CSV per province (63 files), target: under a minute;
- for scale, the province's lists as communes send them: one XLSX per commune (200 workbooks), 20,000 households.

Each import runs in a fresh child process, so that its peak resident memory (VmHWM, reset at exec, unlike
ru_maxrss which keeps the forking parent's) is its own, registry included; the generator's memory is not counted. A peer is measured in the same run: pandas reading the same CSV files
(all columns, as text) and counting poor households per commune, to put the times in proportion.
Prints figures only; tests never assert on time. ``python bench/households.py [--skip-2m] [--xlsx]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.io.households_fake import fake_households, write_lists  # noqa: E402

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from geo.workflows import households as wf
from geo.units import registry
registry.units(province=None)  # warm the registry (read once per server, not per import)
t = time.perf_counter()
{body}
hwm = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
print(json.dumps({{"seconds": time.perf_counter() - t, "peak_mb": hwm / 1024, **extra}}))
"""
IMPORT = """
r = wf.import_lists({paths!r}, province={province!r}, key=b"bench-key-0123456789abcdef")
extra = {{"households": int(r.communes["listed"].sum()), "communes": len(r.communes)}}
"""
PANDAS = """
import pandas as pd
n = 0
counts = None
for p in {paths!r}:
    df = pd.read_csv(p, skiprows=4, header=None, dtype=str, keep_default_na=False)
    c = df[df[8].str.startswith("Hộ nghèo")].groupby(5).size()
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


def case(name: str, n: int, province: str | None, form: str, folder: Path, peer: bool = True) -> None:
    t = time.perf_counter()
    frame = fake_households(n=n, province=province, seed=7)
    files = write_lists(frame, folder / name, form=form)
    size = sum(f.stat().st_size for f in files) / 2**20
    gen = time.perf_counter() - t
    del frame
    paths = [str(f) for f in files]
    ours = child(IMPORT, paths=paths, province=province)
    line = (f"{name:<34} {n:>9,} households {len(files):>4} files {size:7.1f} MB | import {ours['seconds']:6.2f} s, "
            f"peak {ours['peak_mb']:6.0f} MB ({ours['communes']} communes, {ours['households']:,} counted)")
    if peer:
        other = child(PANDAS, paths=paths)
        line += f" | pandas read+count {other['seconds']:6.2f} s, peak {other['peak_mb']:6.0f} MB"
    print(line + f" [generated in {gen:.0f} s]", flush=True)


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
