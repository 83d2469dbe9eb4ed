"""The getting-started panel on the home page: what the app does, three steps, sample files, hide."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app_pages._start import _samples_zip

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 240


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_home_page_opens_with_the_panel_and_hides_it():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert "**Bắt đầu** — Ứng dụng vẽ bản đồ" in _markdown(at)
    hide = [b for b in at.button if b.label == "Ẩn hướng dẫn"]
    assert len(hide) == 1
    hide[0].click().run()
    assert not at.exception
    assert "**Bắt đầu**" not in _markdown(at)
    assert at.session_state["start_hidden"] is True


def test_panel_in_english():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.run()
    assert "**Getting started** — The app maps" in _markdown(at)


def test_sample_download_holds_the_five_illustrative_files():
    names = sorted(zipfile.ZipFile(io.BytesIO(_samples_zip("20"))).namelist())
    assert names == ["mau_minh_hoa/bien_gioi_minh_hoa.xlsx", "mau_minh_hoa/huyen_vn2000_khong_prj.zip",
                     "mau_minh_hoa/quy_tac_minh_hoa.yaml", "mau_minh_hoa/xa_2024_chi_so_luong.xlsx",
                     "mau_minh_hoa/xa_2024_minh_hoa.xlsx"]


def test_first_page_does_not_wait_for_the_samples(monkeypatch):
    """The sample zip is built only when the button is pressed (a deferred download), never for the first map."""
    import app_pages._start as start

    def not_now(*args, **kwargs):
        raise AssertionError("samples written while the first page loads")

    monkeypatch.setattr(start, "write_samples", not_now)
    start._samples_zip.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b.label for b in at.get("download_button")] == ["Tải tệp mẫu (.zip)"]
