"""The Priority page with Streamlit's AppTest: widgets -> session state -> geo.workflows.priority / geo.analysis.ranking.

Inputs are real: the 194 Lạng Sơn communes of the registry with an illustrative
(seeded, synthetic) table uploaded through the Data page, the documented
``docs/rules_example.yaml``, and hostile designation lists.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.units.designations import ATK_LANGSON
from geo.workflows.priority import scenario_bytes, scenario_from_bytes
from tests._priority_data import FILE_NAME, commune_csv, commune_frame

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_RULES = ROOT / "docs" / "rules_example.yaml"
TIMEOUT = 180


def _page_with_table() -> AppTest:
    """The app after uploading the illustrative commune table on the Data page, on the Priority page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/data.py")
    at.run()
    at.file_uploader(key="t_upload").set_value((FILE_NAME, commune_csv(), "text/csv"))
    at.run()
    at.switch_page("app_pages/priority.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _ranked(at: AppTest) -> pd.DataFrame:
    return at.session_state["prio_ranked"]


def _selected(at: AppTest) -> set[str]:
    r = _ranked(at)
    return set(r.loc[r["selected"], "code"])


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return commune_frame()


def test_builtin_district_table_opens_ranked_at_district_level():
    """The built-in KH78 table is a district table: the page stays at district level (it never changes the
    level the other pages use) and opens on the districts ranked by poor rate, with values and a selection."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/priority.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["level"] == "district"
    assert not at.warning  # no rule on a designation no district carries
    r = _ranked(at)
    assert len(r) == 11 and r["poor_rate_2020"].notna().all()
    # The province's rate in 2020 (16,115 poor of 204,515 households = 7.88%) is the default threshold.
    assert at.text_input(key="prio_when_1").value == "poor_rate_2020 >= 7.9"
    assert at.text_input(key="prio_when_0").value == "poor_district and poor_rate_2020 >= 7.9"
    assert r["name"].iloc[0] == "Huyện Bình Gia"
    assert r.loc[r["selected"], "code"].tolist() == ["181", "184", "189", "188", "185", "180"]
    assert r.loc[r["selected"], "tier"].tolist() == [1, 1, 2, 2, 2, 2]
    assert len(at.table) == 1  # the top of the list as a plain table

    # Back on the Map page the level is still the district level.
    at.switch_page("app_pages/map.py")
    at.run()
    assert at.session_state["level"] == "district"


def test_priority_keeps_the_level_chosen_elsewhere():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/map.py")
    at.run()
    at.radio(key="level").set_value("commune")
    at.run()
    at.switch_page("app_pages/priority.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["level"] == "commune"
    assert any("chỉ dựa vào diện chính sách" in i.value for i in at.info)
    assert _selected(at) == set(ATK_LANGSON)
    assert len(_ranked(at)) == 194


def test_threshold_changes_the_ranked_list(table):
    at = _page_with_table()
    rate = dict(zip(table["code"], table["poor_rate_2020"]))
    atk = set(ATK_LANGSON)
    assert at.text_input(key="prio_when_1").value == "poor_rate_2020 >= 20"
    assert _selected(at) == {c for c, r in rate.items() if r >= 20} | atk

    at.number_input(key="prio_threshold").set_value(15.0)
    at.run()
    expected = "(border or zone_iii or atk) and poor_rate_2020 >= 15"
    assert at.text_input(key="prio_when_0").value == expected
    assert at.text_input(key="prio_when_1").value == "poor_rate_2020 >= 15"
    wider = _selected(at)
    assert wider == {c for c, r in rate.items() if r >= 15} | atk
    assert len(wider) > len({c for c, r in rate.items() if r >= 20} | atk)
    r = _ranked(at)
    assert r["rank"].tolist() == list(range(1, 195))
    tier2 = r[r["tier"] == 2]
    assert (tier2["poor_rate_2020"] >= 15).all() and tier2["reasons"].str.contains("≥ 15%").all()
    # Within a tier the score decides, descending.
    assert tier2["score"].is_monotonic_decreasing

    # A tier edited by hand keeps its own number: the box follows the first tier's threshold
    # and only rewrites the comparisons that use that number.
    at.text_input(key="prio_when_1").set_value("poor_rate_2020 >= 30")
    at.run()
    assert at.number_input(key="prio_threshold").value == 15.0
    assert _selected(at) == {c for c, r in rate.items() if r >= 30} | atk
    at.text_input(key="prio_when_0").set_value("(border or zone_iii or atk) and poor_rate_2020 >= 40")
    at.run()
    assert at.number_input(key="prio_threshold").value == 40.0
    at.number_input(key="prio_threshold").set_value(12.0)
    at.run()
    assert at.text_input(key="prio_when_0").value.endswith("poor_rate_2020 >= 12")
    assert at.text_input(key="prio_when_1").value == "poor_rate_2020 >= 30"


def test_manual_include_appears_with_its_reason(table):
    at = _page_with_table()
    low = table.sort_values("poor_rate_2020")["code"].iloc[0]
    assert low not in _selected(at)
    at.selectbox(key="prio_m_unit").set_value(low)
    at.radio(key="prio_m_action").set_value("include")
    at.text_input(key="prio_m_reason").set_value("Có dự án ODA đang triển khai")
    at.button(key="prio_m_add").click()
    at.run()
    assert not at.exception
    row = _ranked(at).set_index("code").loc[low]
    assert bool(row["selected"]) and row["manual"] == "include" and pd.isna(row["rule_tier"])
    assert row["reasons"] == "Đưa vào thủ công: Có dự án ODA đang triển khai"
    shown = [df.value for df in at.dataframe]
    assert any("Có dự án ODA đang triển khai" in df.astype(str).to_numpy().ravel().tolist() for df in shown)
    assert at.text_input(key="prio_m_reason").value == ""

    # No reason, no decision: the page says why.
    high = table.sort_values("poor_rate_2020")["code"].iloc[-1]
    at.selectbox(key="prio_m_unit").set_value(high)
    at.radio(key="prio_m_action").set_value("exclude")
    at.button(key="prio_m_add").click()
    at.run()
    assert at.error and "lý do" in at.error[0].value.lower()
    assert high in _selected(at)


def test_saved_scenario_reopens_identical_and_restores_the_page(table):
    at = _page_with_table()
    code = table.sort_values("poor_rate_2020")["code"].iloc[0]
    at.selectbox(key="prio_m_unit").set_value(code)
    at.text_input(key="prio_m_reason").set_value("Xã điểm của huyện")
    at.button(key="prio_m_add").click()
    at.number_input(key="prio_threshold").set_value(25.0)
    at.run()
    at.text_area(key="prio_notes").set_value("Phương án thử, ngưỡng 25%")
    at.run()
    saved = at.session_state["prio_scenario"]
    data = scenario_bytes(saved)
    assert data[:16] == b"SQLite format 3\x00"
    reopened = scenario_from_bytes(data)
    assert reopened.same_as(saved)
    assert reopened.notes == "Phương án thử, ngưỡng 25%"
    assert [d.code for d in reopened.manual] == [code]
    assert set(reopened.selection) == _selected(at)

    # Change everything, then open the file: rules, decisions, notes and the selection come back.
    at.number_input(key="prio_threshold").set_value(10.0)
    at.selectbox(key="prio_m_remove").set_value(code)
    at.button(key="prio_m_remove_btn").click()
    at.run()
    assert code not in _selected(at)
    at.file_uploader(key="prio_open_upload").set_value(("phuong_an.gpkg", data, "application/geopackage+sqlite3"))
    at.run()
    assert not at.exception
    assert at.number_input(key="prio_threshold").value == 25.0
    assert at.text_area(key="prio_notes").value == "Phương án thử, ngưỡng 25%"
    assert _selected(at) == set(reopened.selection)
    assert at.session_state["selection"]["pre2025"] == set(reopened.selection)
    assert any("Không có đơn vị nào vào hay ra" in s.value for s in at.success)


def test_hostile_designation_names_are_text():
    at = _page_with_table()
    hostile = ["<script>alert(1)</script>", "**Xã** [bấm](http://evil.example)", "=HYPERLINK(\"http://x\")"]
    csv = pd.DataFrame({"Tên xã": hostile + ["Xã Chiến Thắng"], "Huyện": ["Huyện Bắc Sơn"] * 4})
    at.file_uploader(key="prio_d_upload").set_value(("dien_bien_gioi.csv", csv.to_csv(index=False).encode(), "text/csv"))
    at.selectbox(key="prio_d_type").set_value("border")
    at.button(key="prio_d_import").click()
    at.run()
    assert not at.exception
    assert [m.value for m in at.metric][:3] == ["1", "3", "0"]
    unmatched = next(df.value for df in at.dataframe if "Gợi ý" in df.value.columns)
    assert unmatched["Tên trong tệp"].tolist() == hostile
    # The matched row tags Xã Chiến Thắng (Bắc Sơn, 06364) as a border commune.
    assert "border" in _ranked(at).set_index("code").at["06364", "designations"].split(",")

    # A hand tag with a hostile note is kept apart from the lists and shown as text.
    at.selectbox(key="prio_h_unit").set_value("06508")
    at.selectbox(key="prio_h_type").set_value("zone_iii")
    at.text_input(key="prio_h_note").set_value("<img src=x onerror=alert(1)> **QĐ 861**")
    at.button(key="prio_h_tag").click()
    at.run()
    hand = next(df.value for df in at.dataframe if "Thao tác" in df.value.columns)
    assert hand["Ghi chú"].tolist() == ["<img src=x onerror=alert(1)> **QĐ 861**"]
    texts = [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error", "title", "header")
             for e in getattr(at, kind)]
    for marker in ("<script", "<img", "evil.example"):
        assert [s for s in texts if marker in s] == [], marker
    assert "zone_iii" in _ranked(at).set_index("code").at["06508", "designations"]
    # Undo drops the hand tag only.
    at.button(key="prio_h_undo_btn").click()
    at.run()
    assert "zone_iii" not in _ranked(at).set_index("code").at["06508", "designations"]
    assert "border" in _ranked(at).set_index("code").at["06364", "designations"]


def test_cli_and_page_give_the_same_list(tmp_path):
    src = tmp_path / FILE_NAME
    src.write_bytes(commune_csv())
    out = tmp_path / "uu_tien.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "priority", "--boundaries", "default", "--level", "commune",
         "--indicators", str(src), "--rules", str(EXAMPLE_RULES), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    cli = pd.read_csv(out, dtype=str, encoding="utf-8-sig")

    at = _page_with_table()
    at.file_uploader(key="prio_rules_upload").set_value(
        ("rules_example.yaml", EXAMPLE_RULES.read_bytes(), "application/x-yaml"))
    at.run()
    assert not at.exception
    expected = "(border or zone_iii) and poor_rate_2020 >= 20"
    assert at.text_input(key="prio_when_0").value == expected
    page = _ranked(at)
    assert cli["Mã đơn vị"].tolist() == page["code"].tolist()
    assert cli["Thứ tự"].astype(int).tolist() == page["rank"].tolist()
    assert cli["Nhóm ưu tiên"].fillna("").tolist() == [("" if pd.isna(v) else str(int(v))) for v in page["tier"]]
    assert cli["Lý do"].fillna("").tolist() == page["reasons"].tolist()
    assert (page["tier"] == 2).sum() > 0 and (page["tier"] == 3).sum() > 0


def test_rule_builder_form_writes_the_expression_and_the_label_follows(table):
    """Two tiers built with the form only: ATK and poor rate ≥ 15 in 2020; then poor rate ≥ 25 in 2020."""
    at = _page_with_table()
    rate = dict(zip(table["code"], table["poor_rate_2020"]))
    atk = set(ATK_LANGSON)
    at.button(key="prio_remove_tier").click().run()
    assert at.session_state["prio_ntiers"] == 2
    at.multiselect(key="prio_fd_0").set_value(["atk"]).run()
    at.selectbox(key="prio_fi_0").set_value("poor_rate").run()
    at.selectbox(key="prio_fy_0").set_value("2020").run()
    at.number_input(key="prio_ft_0").set_value(15.0).run()
    assert at.text_input(key="prio_when_0").value == "atk and poor_rate_2020 >= 15"
    assert at.text_input(key="prio_label_0").value == "Xã an toàn khu (ATK), và tỷ lệ hộ nghèo năm 2020 ≥ 15%"
    at.multiselect(key="prio_fd_1").set_value([]).run()
    at.number_input(key="prio_ft_1").set_value(25.0).run()
    assert at.text_input(key="prio_when_1").value == "poor_rate_2020 >= 25"
    assert at.text_input(key="prio_label_1").value == "Tỷ lệ hộ nghèo năm 2020 ≥ 25%"
    assert not at.exception, [e.value for e in at.exception]
    expected = {c for c in atk if rate[c] >= 15} | {c for c, r in rate.items() if r >= 25}
    assert _selected(at) == expected
    ranked = _ranked(at).set_index("code")
    assert {c for c in atk if rate[c] >= 15} == {"06358", "06361"}  # 18.81% and 17.61% in the illustrative table
    assert (ranked.at["06358", "tier"], ranked.at["06358", "tier_label"]) == (
        1, "Xã an toàn khu (ATK), và tỷ lệ hộ nghèo năm 2020 ≥ 15%")
    # A renamed tier keeps its name when the rule changes; an empty name follows the rule again.
    at.text_input(key="prio_label_1").set_value("Nghèo cao").run()
    at.number_input(key="prio_ft_1").set_value(22.0).run()
    assert (at.text_input(key="prio_label_1").value, at.text_input(key="prio_when_1").value) == (
        "Nghèo cao", "poor_rate_2020 >= 22")
    at.text_input(key="prio_label_1").set_value("").run()
    assert at.text_input(key="prio_label_1").value == "Tỷ lệ hộ nghèo năm 2020 ≥ 22%"
    # The expression under "Nâng cao" fills the form; a richer one disables it.
    at.text_input(key="prio_when_1").set_value("zone_iii or poor_rate_2020 > 40").run()
    assert at.multiselect(key="prio_fd_1").value == ["zone_iii"] and at.selectbox(key="prio_fj_1").value == "or"
    assert at.number_input(key="prio_ft_1").value == 40.0 and at.selectbox(key="prio_fo_1").value == ">"
    at.text_input(key="prio_when_1").set_value("not atk and poor_rate_2020 > 40").run()
    assert at.multiselect(key="prio_fd_1").disabled
    assert any("chỉ sửa được ở mục Nâng cao" in c.value for c in at.caption)
