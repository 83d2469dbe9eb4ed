"""python -m geo review: the KH 78 plan against an ILLUSTRATIVE 2021 results file."""

from __future__ import annotations

import pandas as pd

from geo.cli import main
from tests._progress_data import results_csv


def test_review_writes_the_annex_and_the_lagging_list(tmp_path, capsys):
    src = tmp_path / "ket_qua_2021_minh_hoa.csv"
    src.write_bytes(results_csv())
    out, lag = tmp_path / "danh_gia.xlsx", tmp_path / "lagging.csv"
    rc = main(["review", "--results", str(src), "--year", "2021", "--out", str(out), "--lagging", str(lag)])
    assert rc == 0 and out.is_file()
    captured = capsys.readouterr()
    assert "6 đơn vị đạt, 5 không đạt" in captured.out
    assert "đổi chuẩn nghèo" in captured.err
    lagging = pd.read_csv(lag, dtype=str)
    assert sorted(lagging["code"]) == ["180", "183", "184", "187", "189"] and set(lagging["type"]) == {"lagging"}


def test_review_rule_and_bad_input(tmp_path, capsys):
    src = tmp_path / "ket_qua.csv"
    src.write_bytes(results_csv())
    rc = main(["review", "--results", str(src), "--year", "2021", "--rule", "2/3,5", "--standard", "2016-2020",
               "--out", str(tmp_path / "r.csv")])
    captured = capsys.readouterr()
    assert rc == 0 and "5 đơn vị đạt, 6 không đạt" in captured.out and "đổi chuẩn" not in captured.err
    assert main(["review", "--results", str(src), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "Hãy nhập năm" in capsys.readouterr().err
    assert main(["review", "--results", str(src), "--year", "2021", "--rule", "abc",
                 "--out", str(tmp_path / "y.xlsx")]) == 2
    assert main(["review", "--results", str(src), "--year", "2021", "--out", str(tmp_path / "z.pdf")]) == 2
