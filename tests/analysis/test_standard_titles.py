"""A table's title names its poverty standard ("theo chuẩn nghèo giai đoạn 2016–2020"): the reader keeps the
title rows, geo.analysis.standards reads the standard from them, and the warnings across standards use it over
the year-based guess. Tables are generated (illustrative figures) as CSV and XLSX."""

from __future__ import annotations

import io

import openpyxl
import pytest

from geo.analysis import progress as pg
from geo.analysis.standards import standard_from_text, standard_of_table
from geo.io.tables import read_indicators
from geo.units import registry
from geo.workflows import progress as wp
from geo.workflows.layer import build_layer

OLD = "2016-2020"
NEW = "2021-2025"


@pytest.mark.parametrize(("text", "key"), [
    ("theo chuẩn nghèo giai đoạn 2016–2020", OLD),
    ("(Theo chuẩn nghèo giai đoạn 2016-2020)", OLD),
    ("THEO CHUẨN NGHÈO GIAI ĐOẠN 2016 - 2020", OLD),
    ("theo chuan ngheo giai doan 2016-2020", OLD),
    ("Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều giai đoạn 2021-2025", NEW),
    ("ty le ho ngheo theo chuan ngheo da chieu giai doan 2021–2025", NEW),
    ("chuẩn nghèo đa chiều giai đoạn 2021—2025", NEW),
    ("Kết quả giảm nghèo 2016–2020 theo chuẩn nghèo giai đoạn 2021–2025", NEW),
    ("Số hộ nghèo theo Nghị định 07/2021/NĐ-CP", NEW),
    ("theo Quyết định số 59/2015/QĐ-TTg", OLD),
    ("poor households, 2016-2020 poverty standard", OLD),
])
def test_the_standard_named_in_a_title(text, key):
    assert standard_from_text(text).key == key


@pytest.mark.parametrize("text", ["KẾ HOẠCH GIẢM NGHÈO GIAI ĐOẠN 2021-2025", "chuẩn nghèo đa chiều", "Năm 2020", ""])
def test_text_without_a_standard_names_none(text):
    assert standard_from_text(text) is None


def _rows(title: list[str], years=(2020, 2021)) -> list[list[object]]:
    d = registry.units(province="20", level="district", vintage="pre2025")
    header = ["Mã huyện", "Tên huyện"] + [f"Tỷ lệ hộ nghèo năm {y} (%)" for y in years]
    body = [[c, n] + [round(20 - i * 1.1 - k * 2.3, 2) for k, _ in enumerate(years)]
            for i, (c, n) in enumerate(zip(d["code"], d["name"]))]
    return [[line] for line in title] + [[]] + [header] + body


def _csv(title: list[str], **kw) -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerows(_rows(title, **kw))
    return buf.getvalue().encode("utf-8")


def _xlsx(title: list[str], **kw) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in _rows(title, **kw):
        ws.append(row)
    for r in range(1, len(title) + 1):  # titles are merged across the table, as offices write them
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


TITLES = {
    "en_dash": (["SỐ LIỆU MINH HỌA – TỶ LỆ HỘ NGHÈO CÁC HUYỆN", "(Theo chuẩn nghèo giai đoạn 2016–2020)"], OLD),
    "hyphen": (["SỐ LIỆU MINH HỌA – TỶ LỆ HỘ NGHÈO CÁC HUYỆN", "(Theo chuẩn nghèo giai đoạn 2016-2020)"], OLD),
    "plain": (["SO LIEU MINH HOA - TY LE HO NGHEO", "theo chuan ngheo giai doan 2016 - 2020"], OLD),
    "multidim": (["SỐ LIỆU MINH HỌA", "Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều giai đoạn 2021–2025"], NEW),
    "multidim_plain": (["SO LIEU MINH HOA", "chuan ngheo da chieu giai doan 2021-2025"], NEW),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", list(TITLES))
def test_the_reader_keeps_the_title_and_the_table_names_its_standard(fmt, name):
    title, key = TITLES[name]
    data = _csv(title) if fmt == "csv" else _xlsx(title)
    table = read_indicators(data, name=f"huyen.{fmt}")
    assert table.title == tuple(title)
    assert table.years == [2020, 2021]
    assert standard_of_table(table).key == key


def test_a_table_without_a_title_or_with_two_standards_declares_none():
    assert standard_of_table(read_indicators(_csv([]), name="huyen.csv")) is None
    two = ["Năm 2020 theo chuẩn nghèo giai đoạn 2016-2020", "Năm 2021 theo chuẩn nghèo giai đoạn 2021-2025"]
    table = read_indicators(_csv(two), name="huyen.csv")
    assert len(table.title) == 2 and standard_of_table(table) is None


def test_the_layer_check_uses_the_title_over_the_years(tmp_path):
    by_year = tmp_path / "khong_tieu_de.csv"
    by_year.write_bytes(_csv([]))
    layer = build_layer(boundaries="default", table=by_year, province="20", level="district")
    assert layer.build.checks.standards == {OLD: [2020], NEW: [2021]}
    assert "Bảng có số liệu theo nhiều chuẩn nghèo khác nhau: chuẩn nghèo giai đoạn 2016–2020 (theo thu nhập): 2020; " \
           "chuẩn nghèo giai đoạn 2021–2025 (đa chiều): 2021. So sánh giữa các năm này cần thận trọng." \
           in layer.build.warnings("vi")

    titled = tmp_path / "co_tieu_de.xlsx"
    titled.write_bytes(_xlsx(TITLES["en_dash"][0]))
    layer = build_layer(boundaries="default", table=titled, province="20", level="district")
    assert layer.build.checks.standards == {}
    assert not [w for w in layer.build.warnings("vi") if "chuẩn nghèo" in w]
    assert layer.gdf["poor_rate_2021"].notna().sum() == 11


def test_progress_change_warns_from_the_titles_where_the_years_share_a_period(tmp_path):
    # Baseline 2021 planned under the old standard (as KH 78 did), results 2022 under the new one: by their years
    # both are 2021–2025 and nothing would be said; their titles say otherwise.
    base = read_indicators(_xlsx(TITLES["hyphen"][0], years=(2021,)), name="ke_hoach_2021.xlsx")
    result = read_indicators(_csv(TITLES["multidim_plain"][0], years=(2022,)), name="ket_qua_2022.csv")
    layer = build_layer(boundaries="default", table=base, province="20", level="district")
    dataset = wp.dataset_from_layer(layer, table=base, source=base.source)
    assert dataset.standards == {2021: OLD}
    dataset, report = wp.add_upload(dataset, layer, result, source=result.source)
    assert dataset.standards == {2021: OLD, 2022: NEW}
    assert (report.standards, report.standard_from) == ({2022: NEW}, "title")
    assert report.summary("vi").endswith(
        " Năm 2022 tính theo chuẩn nghèo giai đoạn 2021–2025 (đa chiều), đọc từ tiêu đề bảng.")
    change = pg.change_table(dataset, year_from=2021, year_to=2022, lang="vi")
    assert change.attrs["standard_change"] is not None
    assert (change.attrs["standard_change"].standard_from.key, change.attrs["standard_change"].standard_to.key) == (
        OLD, NEW)
    assert "2016–2020" in change.attrs["warning"] and "2021–2025" in change.attrs["warning"]

    # Without titles the same two years share a period: no warning.
    plain_base = read_indicators(_csv([], years=(2021,)), name="k.csv")
    plain_result = read_indicators(_csv([], years=(2022,)), name="r.csv")
    layer = build_layer(boundaries="default", table=plain_base, province="20", level="district")
    dataset = wp.dataset_from_layer(layer, table=plain_base, source="k.csv")
    dataset, report = wp.add_upload(dataset, layer, plain_result, source="r.csv")
    assert report.summary("vi").endswith(" Năm 2022 tính theo chuẩn nghèo giai đoạn 2021–2025 (đa chiều), "
                                         "theo năm của số liệu.")
    chosen, report = wp.add_upload(dataset, layer, plain_result, source="r.csv", standard=OLD)
    assert (chosen.standards[2022], report.standard_from) == (OLD, "declared")
    assert report.summary("en").endswith(" Year 2022 is measured under the 2016–2020 poverty standard "
                                         "(income-based), as chosen.")
    assert pg.change_table(dataset, year_from=2021, year_to=2022).attrs["standard_change"] is None
