"""python -m geo border: candidates from Natural Earth's land border, and the planner's confirmation."""

from __future__ import annotations

import pandas as pd

from geo.cli import main
from geo.join.designations import read_designations


def test_district_candidates_and_confirmation(tmp_path, capsys):
    out, conf = tmp_path / "ung_vien.csv", tmp_path / "bien_gioi.csv"
    rc = main(["border", "--boundaries", "default", "--level", "district", "--out", str(out),
               "--confirm", "180,183", "--user", "Nguyễn Văn A", "--designations", str(conf)])
    assert rc == 0
    assert "5/11 đơn vị là ứng viên biên giới" in capsys.readouterr().out
    table = pd.read_csv(out, dtype={"code": str})
    assert sorted(table.loc[table["candidate"], "code"]) == ["180", "182", "183", "188", "189"]
    assert set(table.loc[table["candidate"], "status"]) == {"suy ra, cần xác nhận"}
    confirmed = pd.read_csv(conf, dtype=str)
    assert list(confirmed["code"]) == ["180", "183"] and set(confirmed["source"]) == {"xác nhận bởi Nguyễn Văn A"}
    # The file is a designation list the priority command reads back.
    found, report = read_designations(conf, province="20", level="district")
    assert sorted(d.code for d in found) == ["180", "183"] and {d.type for d in found} == {"border"}


def test_confirmation_needs_a_user(tmp_path, capsys):
    rc = main(["border", "--boundaries", "default", "--level", "district", "--out", str(tmp_path / "a.csv"),
               "--confirm", "180"])
    assert rc == 2 and "người xác nhận" in capsys.readouterr().err
