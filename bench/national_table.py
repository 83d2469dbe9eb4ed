"""A national commune table (10,035 rows, pre-2025 codes) uploaded on the Data page: each step timed.

The table is illustrative (``geo.workflows.samples.sample_commune_table`` for every province, with a
"Tỉnh" column), written as an office's workbook by the samples' own writer and as a CSV. For each file and
each area (Lạng Sơn, code 20; the whole country) the script times, in one process after a warm-up:

* reading through the one safe reader (``geo.io.tables.read_indicators``), next to ``pandas.read_csv`` of the
  same CSV (the floor of any reader);
* the province scope (``geo.join.scope.province_scope``: rows of other provinces set aside);
* the value checks (``geo.analysis.checks.check_table``) and the whole layer build
  (``geo.workflows.layer.build_layer``: scope, checks, join, outliers), with the rows kept and set aside.

``--app`` also runs the real app (``streamlit run app.py``, Debian Chromium headless, as tests/browser.py)
and times the Data page from the upload to the end of the rerun, for both files, on Lạng Sơn and with
"Toàn quốc" chosen. Wall clock and CPU time are printed with the load average (the machine is shared);
tests never assert on time. Target: the whole upload-to-result in a few seconds.

Run from the repository root: ``python bench/national_table.py [--app]``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from geo.analysis.checks import check_table  # noqa: E402
from geo.io.tables import read_indicators  # noqa: E402
from geo.join.scope import province_scope  # noqa: E402
from geo.units import registry  # noqa: E402
from geo.workflows.layer import build_layer  # noqa: E402
from geo.workflows.samples import _workbook, sample_commune_table  # noqa: E402

PROVINCE = "20"
HEADERS = ["Mã xã", "Tên đơn vị", "Huyện", "Tỉnh", "Tổng số hộ năm 2024", "Số hộ nghèo năm 2024",
           "Tỷ lệ hộ nghèo năm 2024 (%)", "Số hộ cận nghèo năm 2024", "Tỷ lệ hộ cận nghèo năm 2024 (%)"]


def load() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def timed(func):
    start, cpu = time.perf_counter(), time.process_time()
    out = func()
    return out, time.perf_counter() - start, time.process_time() - cpu


def write_files(folder: Path) -> tuple[Path, Path]:
    provinces = registry.provinces("pre2025")
    names = dict(zip(provinces["code"], provinces["name"]))
    table = pd.concat([sample_commune_table(province=p).assign(province_name=names[p]) for p in provinces["code"]],
                      ignore_index=True)
    rows = [[r.code, r.name, r.district_name, r.province_name, r.households, r.poor, r.poor_rate, r.near_poor,
             r.near_poor_rate] for r in table.itertuples()]
    xlsx, csv = folder / "xa_toan_quoc_minh_hoa.xlsx", folder / "xa_toan_quoc_minh_hoa.csv"
    xlsx.write_bytes(_workbook(rows, title="SỐ HỘ NGHÈO THEO XÃ NĂM 2024 – TOÀN QUỐC (MINH HỌA)", headers=HEADERS,
                               text_columns=1))
    pd.DataFrame(rows, columns=HEADERS).to_csv(csv, index=False)
    return xlsx, csv


def library(path: Path) -> None:
    data = path.read_bytes()
    table, wall, cpu = timed(lambda: read_indicators(data, name=path.name))
    print(f"{path.name}: {len(data) / 1e6:.2f} MB, {len(table.data):,} rows")
    print(f"  read (one safe reader)      wall {wall:6.2f} s  CPU {cpu:6.2f} s")
    if path.suffix == ".csv":
        _, wall, cpu = timed(lambda: pd.read_csv(path, dtype=str))
        print(f"  peer pandas.read_csv        wall {wall:6.2f} s  CPU {cpu:6.2f} s")
    for province in (PROVINCE, None):
        area = f"province {province}" if province else "whole country"
        if province:
            scope, wall, cpu = timed(lambda: province_scope(table.data, province=province, level="commune",
                                                            vintage="pre2025"))
            print(f"  [{area}] scope             wall {wall:6.2f} s  CPU {cpu:6.2f} s  kept {len(scope.kept):,}, "
                  f"set aside {len(scope.set_aside):,} ({len(scope.by_province)} provinces), "
                  f"flagged {len(scope.flagged)}")
            kept = table.data.iloc[scope.kept]
        else:
            kept = table.data
        _, wall, cpu = timed(lambda: check_table(kept))
        print(f"  [{area}] checks ({len(kept):,} rows) wall {wall:6.2f} s  CPU {cpu:6.2f} s")
        layer, wall, cpu = timed(lambda: build_layer(table=table, province=province, level="commune"))
        s = layer.report.summary()
        print(f"  [{area}] build_layer       wall {wall:6.2f} s  CPU {cpu:6.2f} s  matched {s['matched']:,}, "
              f"unmatched rows {s['unmatched_rows']}, by {layer.report.by_method}")


def app(paths: list[Path]) -> None:
    os.environ["GEO_WARMUP"] = "0"
    from tests.browser import nav, offline_page, streamlit_server, wait_idle

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GEO_WORKSPACE"] = str(Path(tmp) / "kho")
        for national in (False, True):
            for path in paths:
                with streamlit_server() as url, offline_page() as page:
                    page.goto(url)
                    wait_idle(page, timeout=180)
                    if national:  # the Map page's area box: "Toàn quốc" first
                        page.get_by_role("combobox").first.click()
                        page.get_by_role("option").filter(has_text="Toàn quốc").first.click()
                        wait_idle(page, timeout=180)
                    nav(page, "Dữ liệu")
                    wait_idle(page, timeout=180)
                    start = time.perf_counter()
                    page.locator('[data-testid="stFileUploader"]').filter(has_text="bảng chỉ tiêu").locator(
                        'input[type="file"]').set_input_files(str(path))
                    # Done when the join's "Đã ghép" metric shows this table's count and the rerun has ended
                    # (the metrics of the dataset shown before the upload are on the page meanwhile).
                    expected = "10035" if national else "194"
                    matched = page.locator('[data-testid="stMetric"]').filter(has_text="Đã ghép")
                    deadline = time.time() + 900
                    while time.time() < deadline:
                        with contextlib.suppress(Exception):
                            if matched.count() and matched.first.inner_text().split()[-1].replace(".", "") == expected \
                                    and page.locator('[data-testid="stStatusWidget"]').count() == 0:
                                break
                        time.sleep(0.1)
                    wall = time.perf_counter() - start
                    wait_idle(page, timeout=600, settle=0.5)
                    metrics = [m.inner_text().replace("\n", " ") for m in page.locator('[data-testid="stMetric"]').all()]
                    pickers = page.locator('[data-testid="stSelectbox"]').count()
                    area = "Toàn quốc" if national else f"province {PROVINCE}"
                    print(f"app [{area}] {path.name}: upload to result {wall:.1f} s (load {load()}); "
                          f"{metrics[:2]}; selectboxes on the page {pickers}")


def main() -> None:
    print(f"load average {load()} (2 cores, shared)")
    with tempfile.TemporaryDirectory() as tmp:
        (xlsx, csv), wall, cpu = timed(lambda: write_files(Path(tmp)))
        print(f"wrote the illustrative national table as xlsx and csv: wall {wall:.1f} s")
        read_indicators(csv.read_bytes()[:20_000].rsplit(b"\n", 1)[0], name="warm.csv")  # imports, registry
        build_layer(table=read_indicators(csv.read_bytes()[:20_000].rsplit(b"\n", 1)[0], name="warm.csv"),
                    province=PROVINCE, level="commune")
        for path in (xlsx, csv):
            library(path)
        if "--app" in sys.argv:
            app([xlsx, csv])
    print(f"load average {load()}")


if __name__ == "__main__":
    main()
