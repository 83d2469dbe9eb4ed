"""The one layer builder (geo.workflows.layer.build_layer): every command and the pages give the same layer.

The commune table is generated (illustrative counts, not real figures): the
194 pre-2025 communes of Lạng Sơn from the registry, with households and poor
households derived from each commune's position in the list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.cli import main as geo_main
from geo.units import registry
from geo.workflows.layer import build_layer

DISTRICTS = sorted(registry.units(province="20", level="district")["code"])


def commune_frame() -> pd.DataFrame:
    """Illustrative counts for the 194 communes (households 1000 + 7i, poor 3i mod 400)."""
    reg = registry.units(province="20", level="commune", vintage="pre2025").sort_values("code").reset_index(drop=True)
    i = np.arange(len(reg))
    return pd.DataFrame({"Mã xã": reg["code"], "Tên xã": reg["name"], "Huyện": reg["district_name"],
                         "Tổng số hộ": 1000 + 7 * i, "Số hộ nghèo": (3 * i) % 400,
                         "district": reg["district_code"]})


def expected_districts(frame: pd.DataFrame) -> dict[str, tuple[int, int]]:
    sums = frame.groupby("district")[["Tổng số hộ", "Số hộ nghèo"]].sum()
    return {d: (int(r["Tổng số hộ"]), int(r["Số hộ nghèo"])) for d, r in sums.iterrows()}


@pytest.fixture(scope="module")
def communes_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("layer") / "xa_2024.csv"
    commune_frame().drop(columns="district").to_csv(path, index=False)
    return path


def test_commune_table_asked_at_district_level_sums_communes(communes_csv):
    layer = build_layer(boundaries="default", table=communes_csv, province="20", level="district")
    assert sorted(layer.gdf["code"]) == DISTRICTS
    got = {c: (int(h), int(p)) for c, h, p in zip(layer.gdf["code"], layer.gdf["households"], layer.gdf["poor"])}
    assert got == expected_districts(commune_frame())
    assert layer.notes == ["note.aggregated_from_communes", "note.derived_rates"]
    assert layer.build.aggregation == []
    assert set(layer.gdf["match_method"]) == {"aggregated"}
    assert layer.gdf["source_row"].isna().all()  # a district sum has no one file row


def test_a_district_with_a_missing_commune_has_no_data_and_the_report_names_it(tmp_path):
    frame = commune_frame()
    gone = frame.iloc[5]  # one commune of Thành phố Lạng Sơn (178)
    path = tmp_path / "xa_thieu.csv"
    frame.drop(index=5).drop(columns="district").to_csv(path, index=False)
    layer = build_layer(boundaries="default", table=path, province="20", level="district")
    gdf = layer.gdf.set_index("code")
    assert pd.isna(gdf.at[gone["district"], "poor"]) and pd.isna(gdf.at[gone["district"], "households"])
    assert gdf["poor"].notna().sum() == 10
    assert layer.build.aggregation == [{"code": gone["district"], "name": "Thành phố Lạng Sơn",
                                        "missing": [{"code": gone["Mã xã"], "name": gone["Tên xã"]}]}]


def _tip_values(html: str) -> tuple[list[str], list[str]]:
    found = {}
    for line in html.splitlines():
        line = line.strip()
        for var in ("G", "S"):
            if line.startswith(f"var {var} = "):
                found[var] = json.loads(line[len(f"var {var} = "):-1])
    return found["G"]["codes"], found["S"]["tip"]["value"]


def _households(text: str) -> float:
    """ "1.661 hộ" -> 1661.0; "Không có dữ liệu" -> nan."""
    m = re.fullmatch(r"([\d.]+) hộ", text)
    return float(m.group(1).replace(".", "")) if m else float("nan")


def test_webmap_district_level_maps_every_district_from_a_commune_table(tmp_path, communes_csv, capsys):
    """Bug: ``webmap --level district`` read the commune codes as district codes and mapped 0 of 11."""
    out = tmp_path / "ban_do.html"
    code = geo_main(["webmap", "--boundaries", "default", "--province", "20", "--level", "district",
                     "--indicators", str(communes_csv), "--indicator", "poor", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    codes, values = _tip_values(out.read_text(encoding="utf-8"))
    want = expected_districts(commune_frame())
    assert dict(zip(codes, map(_households, values))) == {d: float(p) for d, (_, p) in want.items()}


# ---------------------------------------------------------------------------
# Same inputs through every command and the pages' helper
# ---------------------------------------------------------------------------
RULES = 'version: 1\ntiers:\n  - label: "Nhóm 1"\n    when: "poor >= 0"\n'


def _by_join(tmp_path, table, level) -> dict[str, float]:
    out, report = tmp_path / "out.gpkg", tmp_path / "report.json"
    assert geo_main(["join", "--boundaries", "default", "--province", "20", "--level", level,
                     "--indicators", str(table), "--out", str(out), "--report", str(report)]) == 0
    gdf = gpd.read_file(out)
    return dict(zip(gdf["code"], gdf["poor"].astype(float)))


def _by_webmap(tmp_path, table, level) -> dict[str, float]:
    out = tmp_path / "map.html"
    assert geo_main(["webmap", "--boundaries", "default", "--province", "20", "--level", level,
                     "--indicators", str(table), "--indicator", "poor", "--out", str(out)]) == 0
    codes, values = _tip_values(out.read_text(encoding="utf-8"))
    return dict(zip(codes, map(_households, values)))


def _by_annex(tmp_path, table, level) -> dict[str, float]:
    out = tmp_path / "annex.csv"
    assert geo_main(["annex", "--boundaries", "default", "--province", "20", "--level", level,
                     "--indicators", str(table), "--indicator", "poor", "--format", "csv", "--out", str(out)]) == 0
    df = pd.read_csv(out, dtype={"Mã ĐVHC": str}, encoding="utf-8-sig")
    df = df[df["Mã ĐVHC"].notna()]
    return dict(zip(df["Mã ĐVHC"], df["Hộ nghèo - Số hộ"].astype(float)))


def _by_priority(tmp_path, table, level) -> dict[str, float]:
    rules, out = tmp_path / "rules.yaml", tmp_path / "priority.csv"
    rules.write_text(RULES, encoding="utf-8")
    assert geo_main(["priority", "--boundaries", "default", "--province", "20", "--level", level,
                     "--indicators", str(table), "--rules", str(rules), "--out", str(out)]) == 0
    df = pd.read_csv(out, dtype={"Mã đơn vị": str}, encoding="utf-8-sig")
    return dict(zip(df["Mã đơn vị"], df["Số hộ nghèo"].astype(float)))


def _open_map_with_upload(table: Path, level: str):
    """The app as a planner drives it: upload on the data page, then the map page at ``level``."""
    from streamlit.testing.v1 import AppTest

    from tests.test_app_map import APP, TIMEOUT, _run

    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page("app_pages/data.py")
    _run(at)
    at.file_uploader(key="t_upload").set_value((table.name, table.read_bytes(), "text/csv"))
    _run(at)
    at.switch_page("app_pages/map.py")
    _run(at)
    if at.session_state["level"] != level:
        at.radio(key="level").set_value(level)
        _run(at)
    return at


def _by_pages(tmp_path, table, level) -> dict[str, float]:
    from tests.test_app_map import _run, map_payload

    at = _open_map_with_upload(Path(table), level)
    at.selectbox(key="indicator").set_value("poor")
    _run(at)
    geometry, style, _ = map_payload(at)
    return dict(zip(geometry["codes"], map(_households, style["tip"]["value"])))


@pytest.mark.parametrize("route", [_by_join, _by_webmap, _by_annex, _by_priority, _by_pages],
                         ids=["join", "webmap", "annex", "priority", "pages"])
@pytest.mark.parametrize("level", ["district", "commune"])
def test_every_command_and_the_pages_give_the_same_codes_and_values(tmp_path, communes_csv, route, level):
    got = route(tmp_path, communes_csv, level)
    frame = commune_frame()
    if level == "district":
        want = {d: float(p) for d, (_, p) in expected_districts(frame).items()}
    else:
        want = dict(zip(frame["Mã xã"], frame["Số hộ nghèo"].astype(float)))
    assert got == want


def test_map_page_switches_to_district_after_a_commune_upload(communes_csv):
    """Bug: after a commune table was uploaded, the district map raised TypeError (int() of pd.NA source_row)."""
    from tests.test_app_map import map_payload

    at = _open_map_with_upload(communes_csv, "district")  # _run asserts no exception (TypeError before the fix)
    assert at.session_state["level"] == "district"
    g, s, _ = map_payload(at)
    assert sorted(g["codes"]) == DISTRICTS
    assert -1 not in s["cls"] and len(s["cls"]) == 11


def test_mixed_standards_warning_names_each_standard_with_its_years():
    from geo.analysis.checks import TableChecks
    from geo.workflows.layer import LayerReport

    report = LayerReport(checks=TableChecks(standards={"2016-2020": [2019, 2020], "2021-2025": [2021]}))
    assert report.warnings("vi") == [
        "Bảng có số liệu theo nhiều chuẩn nghèo khác nhau: chuẩn nghèo giai đoạn 2016–2020 (theo thu nhập): "
        "2019, 2020; chuẩn nghèo giai đoạn 2021–2025 (đa chiều): 2021. So sánh giữa các năm này cần thận trọng."]
    assert "2016–2020 poverty standard (income-based): 2019, 2020" in report.warnings("en")[0]
