"""The illustrative sample files: reproducible, consistent, readable by the project's own readers, labelled."""

from __future__ import annotations

import zipfile

import numpy as np
import openpyxl
import pytest

from geo import GeoError
from geo.io.tables import read_indicators
from geo.join.designations import read_designations
from geo.workflows.samples import ILLUSTRATIVE, sample_commune_table, write_samples


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    return write_samples(tmp_path_factory.mktemp("samples"))


def test_commune_table_is_reproducible_and_consistent():
    a, b = sample_commune_table(), sample_commune_table()
    assert a.equals(b)
    assert len(a) == 194 and a["code"].is_unique
    assert a["code"].iloc[0] == "05971"
    assert (a["poor"] + a["near_poor"] <= a["households"]).all()
    np.testing.assert_allclose(a["poor_rate"], np.round(a["poor"] / a["households"] * 100, 2))
    assert 0 < a["poor_rate"].min() and a["poor_rate"].max() < 60


def test_commune_workbook_reads_back_with_rates_for_2024(samples):
    table = read_indicators(samples.files["communes"]).data
    truth = sample_commune_table()
    assert len(table) == 194
    merged = table.merge(truth, on="code")
    assert len(merged) == 194
    np.testing.assert_allclose(merged["poor_rate_2024"], merged["poor_rate"])
    assert (merged["households_2024"] == merged["households"]).all()


def test_counts_workbook_has_no_rate_columns(samples):
    table = read_indicators(samples.files["counts"]).data
    assert [c for c in table.columns if "rate" in c] == []
    assert int(table["poor_2024"].sum()) == int(sample_commune_table()["poor"].sum())


def test_border_list_resolves_every_name_within_its_district(samples):
    designations, report = read_designations(samples.files["border"], province="20", level="commune")
    s = report.summary()
    assert s["unmatched"] == 0 and s["ambiguous"] == 0
    codes = {d.code for d in designations}
    assert len(codes) == s["matched"] > 20
    assert {d.type for d in designations} == {"border"}


def test_every_file_says_it_is_illustrative(samples):
    for key in ("communes", "counts"):
        ws = openpyxl.load_workbook(samples.files[key]).active
        assert ws["A2"].value == ILLUSTRATIVE
    ws = openpyxl.load_workbook(samples.files["border"]).active
    assert all(row[3] == ILLUSTRATIVE for row in ws.iter_rows(min_row=2, values_only=True))
    assert "MINH HỌA" in samples.files["rules"].read_text(encoding="utf-8")


def test_vn2000_zip_has_no_prj(samples):
    names = zipfile.ZipFile(samples.files["vn2000"]).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["cpg", "dbf", "shp", "shx"]


def test_existing_files_are_kept(samples):
    before = samples.files["communes"].read_bytes()
    with pytest.raises(GeoError) as err:
        write_samples(samples.folder)
    assert err.value.code == "output_exists"
    assert samples.files["communes"].read_bytes() == before


def test_a_refusal_writes_nothing(tmp_path):
    (tmp_path / "quy_tac_minh_hoa.yaml").write_text("của tôi", encoding="utf-8")
    with pytest.raises(GeoError) as err:
        write_samples(tmp_path)
    assert err.value.code == "output_exists"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quy_tac_minh_hoa.yaml"]
    assert (tmp_path / "quy_tac_minh_hoa.yaml").read_text(encoding="utf-8") == "của tôi"
