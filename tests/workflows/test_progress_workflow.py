"""Progress on maps and in the review annex: KH 78 + an ILLUSTRATIVE 2021 results file, default boundaries."""

from __future__ import annotations

import openpyxl
import pytest

from geo._errors import GeoError

from geo.analysis import progress as pg
from geo.io.tables import read_indicators
from geo.join.files import BUILTIN_INDICATORS, builtin_indicators
from geo.workflows import progress as wp
from geo.workflows.layer import build_layer
from tests._progress_data import results_csv


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    kh = builtin_indicators()
    base = build_layer(boundaries="default", level="district", vintage="pre2025", province="20", table=kh)
    dataset = wp.dataset_from_layer(base, table=kh, meta=BUILTIN_INDICATORS["langson_kh78_2021"])
    path = tmp_path_factory.mktemp("progress") / "ket_qua_2021_minh_hoa.csv"
    path.write_bytes(results_csv())
    table = read_indicators(path, level="district")
    joined = build_layer(boundaries="default", level="district", vintage="pre2025", province="20", table=table)
    dataset, report = wp.add_table(dataset, joined, year=2021, source=path.name, table=table)
    return base, dataset, report


def test_file_with_names_and_a_title_row_stacks_by_code(setup):
    _, dataset, report = setup
    assert dataset.years == [2020, 2021] and report.matched == 11
    assert dataset.sources[2021] == "ket_qua_2021_minh_hoa.csv"
    assert dataset.sources[2020].startswith("Kế hoạch số 78/KH-UBND")


def test_change_map_is_diverging_and_centred_on_zero(setup):
    base, dataset, _ = setup
    m, change = wp.change_map(base, dataset, year_from=2020, year_to=2021, illustrative=True)
    html = m.get_root().render()
    assert change.set_index("code").at["189", "change_points"] == -2.16
    # Falls are blue (RdBu reversed): the class around -1 to -3 gets #67a9cf, never a red
    assert "#67a9cf" in html and "#b2182b" in html  # both ends in the legend
    assert "Thay đổi tỷ lệ hộ nghèo 2020–2021 (điểm %)" in html
    m2, change2 = wp.change_map(base, dataset, year_from=2020, year_to=2021, measure="change_pct")
    assert change2.set_index("code").at["180", "poor_change_pct"] == -18.9


def test_gap_map_and_review_annex_titled_like_a_review_report(setup, tmp_path):
    base, dataset, _ = setup
    a = pg.assess(dataset, year_to=2021)
    html = wp.gap_map(base, a).get_root().render()
    assert "Chênh lệch so với mục tiêu năm 2021" in html
    assert "#ef8a62" in html and "#67a9cf" in html  # RdBu_r with 6 classes: behind is red, ahead blue
    out = wp.write_review(a, tmp_path / "danh_gia.xlsx", illustrative=True)
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN MỤC TIÊU GIẢM NGHÈO NĂM 2021"
    rows = {r[1]: r for r in ws.iter_rows(min_row=6, max_row=16, values_only=True)}
    assert rows["Huyện Đình Lập"][2:] == (12.26, 8.83, 3.43, 10.1, 2.16, 1.27, "không đạt")
    assert rows["Huyện Bình Gia"][8] == "đạt"
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Có số liệu minh họa, không phải số liệu chính thức." in texts
    assert any("đổi chuẩn nghèo" in x for x in texts)
    docx = wp.review_bytes(a, format="docx", illustrative=True)
    assert docx[:2] == b"PK" and len(docx) > 5000


def test_trend_png_and_rule_targets_use_the_builtin_poor_districts(setup):
    base, dataset, _ = setup
    png = wp.trend_png(dataset, "180", name="Huyện Tràng Định")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from geo.units.designations import builtin_designations

    a = wp.assess_rule(dataset, year_to=2021, points=2, poor_points=3.5,
                       designations=builtin_designations(province=20), gdf=base.gdf)
    assert a.table.set_index("code").at["181", "target"] == 12.72
    assert a.counts()["not_met"] == 6


def _commune_dataset(tmp_path):
    """ILLUSTRATIVE 2020 rates for the 194 old communes, by code (figures made up)."""
    import pandas as pd

    from geo.units import registry

    units = registry.units(province="20", level="commune", vintage="pre2025")
    path = tmp_path / "xa_2020_minh_hoa.csv"
    pd.DataFrame({"Mã xã": units["code"], "Tên xã": units["name"], "Tỷ lệ hộ nghèo 2020 (%)": 10.0}).to_csv(
        path, index=False)
    layer = build_layer(boundaries="default", level="commune", vintage="pre2025", province="20",
                        table=read_indicators(path, level="commune"))
    return layer, wp.dataset_from_layer(layer, table=read_indicators(path, level="commune"), source=path.name)


def test_a_2025_commune_table_on_old_communes_says_which_file_and_to_convert_first(tmp_path):
    layer, dataset = _commune_dataset(tmp_path)
    import pandas as pd

    from geo.units import registry

    units = registry.units(province="20", level="commune", vintage="2025")  # the 65 new communes
    new = tmp_path / "xa_moi_2025.csv"
    pd.DataFrame({"Mã xã": units["code"], "Tên xã": units["name"], "Tỷ lệ hộ nghèo 2025 (%)": 4.49}).to_csv(
        new, index=False)
    with pytest.raises(GeoError) as err:
        wp.add_upload(dataset, layer, read_indicators(new, level="commune"), source=new.name)
    assert err.value.code == "progress_table_of_new_units"
    text = err.value.message("vi")
    assert text.startswith("Bảng xa_moi_2025.csv theo xã mới (từ 01/7/2025)") and "python -m geo convert" in text


def test_a_table_without_a_year_is_named_and_a_table_of_other_codes_shows_its_own_codes(tmp_path):
    layer, dataset = _commune_dataset(tmp_path)
    undated = tmp_path / "ket_qua.csv"
    undated.write_text("Mã xã,Tỷ lệ hộ nghèo (%)\n06025,8.51\n", encoding="utf-8")
    with pytest.raises(GeoError) as err:
        wp.add_upload(dataset, layer, read_indicators(undated, level="commune"), source=undated.name)
    assert err.value.code == "progress_year_needed"
    assert err.value.message("vi").startswith("Bảng ket_qua.csv: các cột poor_rate không ghi năm")
    stacked, report = wp.add_upload(dataset, layer, read_indicators(undated, level="commune"), year=2021,
                                    source=undated.name)
    assert report.matched == 1 and stacked.data.set_index("code").at["06025", "poor_rate_2021"] == 8.51
    other = tmp_path / "tinh_khac.csv"
    other.write_text("Mã xã,Tỷ lệ hộ nghèo 2021 (%)\n99991,8.51\n99992,7.0\n", encoding="utf-8")
    with pytest.raises(GeoError) as err:
        wp.add_upload(dataset, layer, read_indicators(other, level="commune"), source=other.name)
    assert err.value.code == "progress_no_overlap"
    assert err.value.params == {"file": "tinh_khac.csv", "sample": "99991, 99992"}


def test_a_base_table_without_a_year_needs_one_and_takes_the_typed_one(tmp_path):
    """ILLUSTRATIVE rates: a commune table titled with its year only above headers that name none."""
    import pandas as pd

    from geo.units import registry

    units = registry.units(province="20", level="commune", vintage="pre2025")
    base = tmp_path / "xa_nam_truoc.csv"
    pd.DataFrame({"Mã xã": units["code"], "Tỷ lệ hộ nghèo (%)": 12.0}).to_csv(base, index=False)
    results = tmp_path / "xa_ket_qua.csv"
    pd.DataFrame({"Mã xã": units["code"], "Tỷ lệ hộ nghèo (%)": [9.51] + [11.0] * (len(units) - 1)}).to_csv(
        results, index=False)
    with pytest.raises(GeoError) as err:
        wp.review_files(indicators=str(base), results=str(results), province="20", level="commune", year=2022)
    assert err.value.code == "progress_base_year_needed"
    assert err.value.params == {"file": "xa_nam_truoc.csv", "columns": "poor_rate"}
    result = wp.review_files(indicators=str(base), results=str(results), province="20", level="commune",
                             year=2022, indicators_year=2021, rule=(2.0, 2.0))
    assert result.dataset.years == [2021, 2022]
    first = result.assessment.table.iloc[0]
    assert (first["code"], first["baseline"], first["target"], first["result"], first["gap"]) == (
        units["code"].iloc[0], 12.0, 10.0, 9.51, -0.49)
    assert result.assessment.counts() == {"met": 1, "not_met": len(units) - 1, "no_data": 0}


def test_rates_written_as_fractions_are_flagged_in_the_stacking_summary(tmp_path):
    """ILLUSTRATIVE: a results table with rates as fractions (0,0851 for 8,51 %) and no counts to tell."""
    import pandas as pd

    from geo.units import registry

    layer, dataset = _commune_dataset(tmp_path)
    units = registry.units(province="20", level="commune", vintage="pre2025")
    path = tmp_path / "ty_le_phan_so_2021.csv"
    pd.DataFrame({"Mã xã": units["code"], "Tỷ lệ hộ nghèo 2021": 0.0851}).to_csv(path, index=False)
    stacked, report = wp.add_upload(dataset, layer, read_indicators(path, level="commune"), source=path.name)
    assert report.notes == ["note.rates_maybe_fractions"]
    assert stacked.data["poor_rate_2021"].max() == 0.0851  # kept as given: nothing tells a fraction from 0,0851 %
    assert "Mọi giá trị của cột tỷ lệ đều dưới 1 %" in report.summary("vi")
    with_counts = tmp_path / "co_so_ho_2021.csv"
    pd.DataFrame({"Mã xã": units["code"], "Tổng số hộ 2021": 1000, "Số hộ nghèo 2021": 85,
                  "Tỷ lệ hộ nghèo 2021": 0.085}).to_csv(with_counts, index=False)
    stacked, report = wp.add_upload(dataset, layer, read_indicators(with_counts, level="commune"),
                                    source=with_counts.name)
    assert report.notes == ["note.rates_scaled"] and stacked.data["poor_rate_2021"].max() == 8.5
