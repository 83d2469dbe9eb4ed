"""Commands that write files refuse a table the layer set aside whole, instead of writing units without figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.cli import main

RULES = Path(__file__).resolve().parents[2] / "docs" / "rules_example.yaml"


@pytest.fixture(scope="module")
def commune_table(tmp_path_factory) -> str:
    """The project's illustrative commune table of Lạng Sơn, by pre-2025 codes."""
    folder = tmp_path_factory.mktemp("samples")
    assert main(["samples", "--out", str(folder)]) == 0
    return str(folder / "xa_2024_minh_hoa.xlsx")


def test_join_of_old_units_on_new_communes_writes_nothing(commune_table, tmp_path, capsys):
    out, report = tmp_path / "xa_moi.gpkg", tmp_path / "bao_cao.json"
    code = main(["join", "--boundaries", "default", "--level", "commune", "--vintage", "2025",
                 "--indicators", commune_table, "--out", str(out), "--report", str(report)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.strip() == (
        "Bảng số liệu theo đơn vị cũ (trước 01/7/2025) nên không ghép được với xã mới; không ghi tệp nào. "
        "Chuyển bảng sang xã mới trước: python -m geo convert --indicators <bảng> --out <tệp>.csv "
        "--report <tệp>.json, hoặc dùng --vintage pre2025.")
    assert captured.out == "" and list(tmp_path.iterdir()) == []


def test_annex_of_district_figures_on_communes_in_english(tmp_path, capsys):
    code = main(["annex", "--level", "commune", "--indicator", "poor_rate", "--indicators", "langson_kh78_2021",
                 "--format", "pdf", "--out", str(tmp_path / "x.pdf"), "--lang", "en"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "The table holds district figures, so it cannot be joined commune by commune; no file was written. "
        "Use --level district.")
    assert list(tmp_path.iterdir()) == []


def test_priority_of_old_units_on_new_communes(commune_table, tmp_path, capsys):
    code = main(["priority", "--boundaries", "default", "--level", "commune", "--vintage", "2025",
                 "--indicators", commune_table, "--rules", str(RULES), "--out", str(tmp_path / "p.csv")])
    assert code == 2
    assert capsys.readouterr().err.startswith("Bảng số liệu theo đơn vị cũ (trước 01/7/2025)")
    assert list(tmp_path.iterdir()) == []


def test_webmap_without_a_table_still_draws_the_outlines(tmp_path, capsys):
    out = tmp_path / "ban_do.html"
    assert main(["webmap", "--boundaries", "default", "--level", "commune", "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000
    assert "Bảng số liệu là cấp huyện nên các xã hiển thị 'Không có dữ liệu'" in capsys.readouterr().err
    # Named on the command line, the same table is refused.
    assert main(["webmap", "--boundaries", "default", "--level", "commune", "--indicators", "langson_kh78_2021",
                 "--out", str(tmp_path / "b.html")]) == 2
    assert not (tmp_path / "b.html").exists()


def test_convert_says_which_new_commune_has_no_data(tmp_path, capsys):
    import pandas as pd

    from geo.units import registry

    units = registry.units(province="20", level="commune", vintage="pre2025")
    table = tmp_path / "xa_cu.csv"
    pd.DataFrame({"Mã xã": units["code"], "Tổng số hộ": 1000, "Số hộ nghèo": 100}).query(
        "`Mã xã` != '06016'").to_csv(table, index=False)
    assert main(["convert", "--indicators", str(table), "--out", str(tmp_path / "moi.csv"),
                 "--report", str(tmp_path / "moi.json")]) == 0
    captured = capsys.readouterr()
    assert "1 xã mới thiếu số liệu" in captured.out
    assert ("Xã mới 06004 Xã Quốc Khánh không có số liệu: bảng thiếu xã cũ 06016 Xã Tri Phương, cộng các xã còn lại "
            "sẽ thiếu. Bổ sung các dòng đó để chuyển xã này.") in captured.err.splitlines()
