"""The Priority page in a real browser, offline: upload a commune table, set a threshold, include by hand, save."""

from __future__ import annotations

import re
import time

import pytest

from geo.units.designations import ATK_LANGSON, builtin_designations
from geo.workflows.scenario import open_scenario
from tests._priority_data import FILE_NAME, commune_csv, commune_frame
from tests.browser import nav, offline_page, radio, screenshot, select, upload_file, wait_idle, wait_units

pytestmark = pytest.mark.browser


def _selected_count(page, *, timeout: float = 60.0, expected: int | None = None) -> int:
    """The "Được chọn N/194 xã" caption's N (waits for ``expected`` when given)."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        texts = page.get_by_text(re.compile(r"Được chọn \d+/194 xã")).all_inner_texts()
        if texts:
            last = int(re.search(r"Được chọn (\d+)/194", texts[0]).group(1))
            if expected is None or last == expected:
                return last
        time.sleep(0.5)
    raise AssertionError(f"expected {expected} selected, saw {last}")


def test_priority_page_offline(app_url, tmp_path):
    table = commune_frame()
    rate = dict(zip(table["code"], table["poor_rate_2020"]))
    atk = set(ATK_LANGSON)
    at_20 = len({c for c, r in rate.items() if r >= 20} | atk)
    at_15 = len({c for c, r in rate.items() if r >= 15} | atk)
    low = table.sort_values("poor_rate_2020").iloc[0]

    with offline_page(viewport=(1500, 1100)) as page:
        page.goto(app_url)
        wait_units(page, 11)

        # Upload the illustrative commune table on the Data page.
        nav(page, "Dữ liệu")
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên bảng chỉ tiêu")
        upload_file(page, uploader, {"name": FILE_NAME, "mimeType": "text/csv", "buffer": commune_csv()},
                    f"Đã đọc 194 đơn vị từ '{FILE_NAME}'")

        # The Priority page ranks the 194 communes with the default rules (threshold 20%).
        nav(page, "Ưu tiên")
        page.get_by_text("1. Quy tắc ưu tiên").wait_for(timeout=60_000)
        assert _selected_count(page, expected=at_20) == at_20
        top = page.locator('[data-testid="stTable"]')
        top.locator("tbody tr").first.wait_for(timeout=30_000)
        assert top.locator("tbody tr").count() == 10
        assert "≥ 20%" in top.inner_text()

        # Lower the threshold: more communes, reasons say 15%.
        box = page.get_by_label(re.compile("Ngưỡng nghèo cao"))
        box.fill("15")
        box.press("Enter")
        assert _selected_count(page, expected=at_15) == at_15
        page.wait_for_function("() => document.querySelector('[data-testid=\"stTable\"]').innerText.includes('≥ 15%')",
                               timeout=30_000)

        # Include the least poor commune by hand, with a reason.
        select(page, "Đơn vị", f"({low['code']})", typed=str(low["name"]))
        radio(page, "Quyết định", "Đưa vào")
        page.get_by_label("Lý do", exact=True).fill("Xã điểm nông thôn mới của huyện")
        page.get_by_role("button", name="Ghi quyết định").click()
        assert _selected_count(page, expected=at_15 + 1) == at_15 + 1
        page.set_viewport_size({"width": 1500, "height": 5600})  # Streamlit scrolls inside: grow to show all
        wait_idle(page)
        screenshot(page, "priority_vi.png")

        # Save the scenario: the downloaded GeoPackage reopens with the decision and the selection.
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Lưu phương án (.gpkg)").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.suffix == ".gpkg"
        scn = open_scenario(path)
        assert [(d.code, d.action, d.reason) for d in scn.manual] == [
            (low["code"], "include", "Xã điểm nông thôn mới của huyện")]
        assert len(scn.selection) == at_15 + 1 and low["code"] in scn.selection
        assert "poor_rate_2020 >= 15" in [tier.rule.text for tier in scn.rules.tiers]
        assert len(scn.boundaries) == 194

        # English labels through the language switch.
        radio(page, "Ngôn ngữ", "English")
        page.get_by_text("1. Priority rules").wait_for(timeout=30_000)
        page.get_by_text(re.compile(rf"Selected {at_15 + 1}/194 communes")).first.wait_for(timeout=30_000)
        wait_idle(page)
        screenshot(page, "priority_en.png")

        assert page.external == [], f"requests left localhost: {page.external[:5]}"


TIER1_WORDS = "Xã an toàn khu (ATK), và tỷ lệ hộ nghèo năm 2020 ≥ 15%"
TIER2_WORDS = "Tỷ lệ hộ nghèo năm 2020 ≥ 25%"


def _upload_table_and_open_priority(page) -> None:
    nav(page, "Dữ liệu")
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên bảng chỉ tiêu")
    upload_file(page, uploader, {"name": FILE_NAME, "mimeType": "text/csv", "buffer": commune_csv()},
                f"Đã đọc 194 đơn vị từ '{FILE_NAME}'")
    nav(page, "Ưu tiên")
    page.get_by_text("1. Quy tắc ưu tiên").wait_for(timeout=60_000)


def _set_number(page, key: str, value: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(value)
    box.press("Enter")
    wait_idle(page)


def _download_rules(page, tmp_path, name: str) -> str:
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="Tệp quy tắc (YAML)")
    if not expander.get_by_role("button", name="Tải quy tắc về (.yaml)").is_visible():
        expander.locator("summary").click()
    with page.expect_download(timeout=60_000) as download:
        expander.get_by_role("button", name="Tải quy tắc về (.yaml)").click()
    path = tmp_path / name
    download.value.save_as(path)
    return path.read_text(encoding="utf-8")


def test_rule_builder_two_tiers_with_the_form_only(app_url, tmp_path):
    table = commune_frame()
    rate = dict(zip(table["code"], table["poor_rate_2020"]))
    atk = {c for c, kinds in builtin_designations(province="20", vintage="pre2025").types_by_code().items() if "atk" in kinds}
    expected = {c for c in atk if rate[c] >= 15} | {c for c, r in rate.items() if r >= 25}

    with offline_page(viewport=(1500, 1400)) as page:
        page.goto(app_url)
        wait_units(page, 11)
        _upload_table_and_open_priority(page)

        # Two tiers: drop the third default tier, then change the other two with the form's controls only.
        page.get_by_role("button", name="Bớt nhóm cuối").click()
        # The third tier's box goes once the rerun is done (under load the rerun may start after wait_idle's
        # settle time, so wait on the box itself).
        page.locator(".st-key-prio_fd_2").wait_for(state="detached", timeout=60_000)
        wait_idle(page)
        assert page.locator(".st-key-prio_fd_2").count() == 0
        chips = page.locator(".st-key-prio_fd_0 input")
        chips.click()
        for _ in range(3):  # (border, zone III, ATK) -> none
            chips.press("Backspace")
            wait_idle(page)
        chips.fill("ATK")
        page.get_by_role("option").filter(has_text="ATK").first.click()
        chips.press("Escape")
        wait_idle(page)
        _set_number(page, "prio_ft_0", "15")
        _set_number(page, "prio_ft_1", "25")

        # The ranked list follows, and each label follows its rule.
        assert _selected_count(page, expected=len(expected)) == len(expected)
        assert page.locator(".st-key-prio_label_0 input").input_value() == TIER1_WORDS
        assert page.locator(".st-key-prio_label_1 input").input_value() == TIER2_WORDS
        top = page.locator('[data-testid="stTable"]')
        top.locator("tbody tr").first.wait_for(timeout=30_000)
        assert TIER1_WORDS in top.inner_text() and TIER2_WORDS in top.inner_text()
        screenshot(page, "priority_rule_builder.png")

        # Save the rules: the YAML holds the same rule and words.
        saved = _download_rules(page, tmp_path, "quy_tac_1.yaml")
        assert "when: atk and poor_rate_2020 >= 15" in saved and f"label: {TIER1_WORDS}" in saved
        assert "when: poor_rate_2020 >= 25" in saved and f"label: {TIER2_WORDS}" in saved

        # Reload (a new session), open the saved file: the same rule in the form, the same YAML.
        page.goto(app_url)  # a reload: a new session, nothing kept from the first one
        wait_units(page, 11)
        _upload_table_and_open_priority(page)
        expander = page.locator('[data-testid="stExpander"]').filter(has_text="Tệp quy tắc (YAML)")
        expander.locator("summary").click()
        upload_file(page, expander, tmp_path / "quy_tac_1.yaml", "Đã mở 2 nhóm quy tắc")
        wait_idle(page)
        assert page.locator(".st-key-prio_ft_0 input").input_value() == "15"
        assert page.locator(".st-key-prio_ft_1 input").input_value() == "25"
        assert "Xã an toàn khu (ATK)" in page.locator(".st-key-prio_fd_0").inner_text()
        assert "Xã biên giới" not in page.locator(".st-key-prio_fd_0").inner_text()
        assert page.locator(".st-key-prio_label_0 input").input_value() == TIER1_WORDS
        assert page.locator(".st-key-prio_when_0 input").input_value() == "atk and poor_rate_2020 >= 15"
        assert _selected_count(page, expected=len(expected)) == len(expected)
        assert _download_rules(page, tmp_path, "quy_tac_2.yaml") == saved
        assert page.external == [], f"requests left localhost: {page.external[:5]}"
