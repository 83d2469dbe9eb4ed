"""``python -m geo join`` end to end, on real inputs, as a new user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.units import registry
from tests.conftest import ROOT
from tests.test_tables import ASCII_NAMES, annex_rows, write_annex_xlsx, write_csv


def run_geo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def join(tmp_path: Path, boundaries: str | Path, indicators: str | Path, *extra: str) -> tuple:
    out, report = tmp_path / "out.gpkg", tmp_path / "report.json"
    proc = run_geo("join", "--boundaries", str(boundaries), "--indicators", str(indicators),
                   "--out", str(out), "--report", str(report), *extra, cwd=tmp_path)
    return proc, out, report


def test_seed003_annex_xlsx_to_official_districts(tmp_path, langson):
    annex = write_annex_xlsx(tmp_path / "phu_luc_kh78.xlsx")
    proc, out, report = join(tmp_path, langson / "districts_2019_gischinhphu.geojson", annex)
    assert proc.returncode == 0, proc.stderr
    assert "Đã ghép 11 đơn vị" in proc.stdout
    gdf = gpd.read_file(out).set_index("code")
    assert len(gdf) == 11 and gdf.crs.to_epsg() == 4326
    assert gdf["poor_2020"].sum() == 16115
    assert gdf.at["181", "poor_rate_2020"] == pytest.approx(16.22)
    assert gdf.at["178", "households_2020"] == 27964
    # every number traces back to its file and row
    assert set(gdf["source_file"]) == {"phu_luc_kh78.xlsx"}
    assert gdf.at["181", "source_row"] == 8  # Bình Gia is the third data row under a 5-row title and header
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["summary"]["matched"] == 11
    assert rep["unmatched_rows"] == [] and rep["unmatched_boundaries"] == [] and rep["ambiguous"] == []
    assert sum(rep["by_method"].values()) == 11
    for key in ("matched", "unmatched_boundaries", "unmatched_rows", "ambiguous", "by_method"):
        assert key in rep


def test_seed003_semicolon_csv_without_diacritics(tmp_path, langson):
    csv = write_csv(tmp_path / "phu_luc.csv", annex_rows(ASCII_NAMES), delimiter=";")
    proc, out, report = join(tmp_path, langson / "districts_2019_gischinhphu.geojson", csv, "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Joined 11 units")
    gdf = gpd.read_file(out).set_index("code")
    assert gdf["poor_2020"].sum() == 16115
    assert gdf.at["181", "poor_rate_2020"] == pytest.approx(16.22)


@pytest.fixture(scope="module")
def communes():
    return registry.units(province=20, level="commune")


def test_commune_codes_without_leading_zero_to_default_boundaries(tmp_path, communes):
    table = pd.DataFrame({"Mã xã": communes["code"].astype(int), "Tên xã": communes["name"],
                          "Số hộ nghèo": range(1, 195)})
    path = tmp_path / "xa.csv"
    table.to_csv(path, index=False)
    assert "5971" in path.read_text(encoding="utf-8").split("\n")[1]  # the zero is really lost
    proc, out, report = join(tmp_path, "default", path, "--level", "commune")
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["by_method"] == {"code": 194}
    gdf = gpd.read_file(out)
    expected = dict(zip(communes["code"], range(1, 195)))
    assert dict(zip(gdf["code"], gdf["poor"])) == expected
    assert gdf["approximate"].all()


def test_commune_names_with_district_column_none_wrong(tmp_path, communes):
    names = communes["name"].str.replace("Thị trấn ", "TT ", regex=False)
    table = pd.DataFrame({"Tên đơn vị": names, "Huyện": communes["district_name"], "Số hộ nghèo": range(1, 195)})
    assert (communes["short_name"] == "Hòa Bình").sum() == 4
    path = tmp_path / "xa_ten.xlsx"
    table.to_excel(path, index=False)
    proc, out, report = join(tmp_path, "default", path, "--level", "commune")
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["summary"]["matched"] == 194 and rep["ambiguous"] == []
    gdf = gpd.read_file(out)
    assert dict(zip(gdf["code"], gdf["poor"])) == dict(zip(communes["code"], range(1, 195)))


@pytest.fixture()
def vn2000_zip(tmp_path, langson):
    """The official districts as a zipped VN-2000 / TM-3 107-15 Shapefile without .prj."""
    src = gpd.read_file(langson / "districts_2019_gischinhphu.geojson")
    folder = tmp_path / "shp"
    folder.mkdir()
    src.to_crs("EPSG:9215").to_file(folder / "huyen.shp", engine="pyogrio")
    (folder / "huyen.prj").unlink()
    archive = tmp_path / "huyen_vn2000.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    return archive, src


def test_vn2000_shapefile_without_prj(tmp_path, vn2000_zip):
    archive, src = vn2000_zip
    table = write_annex_xlsx(tmp_path / "annex.xlsx")
    proc, out, report = join(tmp_path, archive, table)
    assert proc.returncode == 2
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "EPSG:9215" in message and "huyen_vn2000.zip" in message
    assert not out.exists() and not report.exists()

    proc, out, report = join(tmp_path, archive, table, "--crs", "EPSG:9215")
    assert proc.returncode == 0, proc.stderr
    gdf = gpd.read_file(out).set_index("code")
    truth = src.set_index("level2_id")
    metric = "EPSG:3405"
    got = gdf.to_crs(metric).centroid
    want = truth.to_crs(metric).centroid
    distances = [got[c].distance(want[c]) for c in truth.index]
    assert max(distances) < 50
    assert gdf["poor_2020"].sum() == 16115


def test_zip_with_parent_path_member_is_refused(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../escaped.txt", "x")
        zf.writestr("huyen.geojson", '{"type":"FeatureCollection","features":[]}')
    table = write_annex_xlsx(tmp_path / "annex.xlsx")
    before = sorted(p.name for p in tmp_path.parent.iterdir())
    inside_before = sorted(p.name for p in tmp_path.iterdir())
    proc, out, report = join(tmp_path, evil, table)
    assert proc.returncode == 2
    assert "../escaped.txt" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == inside_before

    proc, *_ = join(tmp_path, evil, table, "--lang", "en")
    assert proc.returncode == 2 and "unsafe path" in proc.stderr


def test_bad_inputs_exit_2_and_outputs_never_overwrite_inputs(tmp_path):
    table = write_annex_xlsx(tmp_path / "annex.xlsx")
    proc, *_ = join(tmp_path, tmp_path / "missing.geojson", table)
    assert proc.returncode == 2 and "missing.geojson" in proc.stderr
    garbage = tmp_path / "rac.geojson"
    garbage.write_text("not json at all", encoding="utf-8")
    proc, *_ = join(tmp_path, garbage, table)
    assert proc.returncode == 2 and "rac.geojson" in proc.stderr
    original = table.read_bytes()
    proc = run_geo("join", "--boundaries", "default", "--indicators", str(table), "--out", str(table),
                   "--report", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 2
    assert table.read_bytes() == original
