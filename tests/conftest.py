"""Shared fixtures.

Real reference files live in ``../shared/data/langson`` beside the project.
They may never be copied into the repository, so tests read them in place and
skip, with the reason, when the folder is absent.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# A message key missing from the catalogue raises in tests instead of showing the key (geo.text.i18n.strict).
os.environ["GEO_STRICT_I18N"] = "1"
# No test touches a real workspace or the real upload folder: servers started by module fixtures use these
# session-wide temporary ones, and every test gets its own (fixture _private_workspace).
_SESSION_TMP = tempfile.mkdtemp(prefix="geo-tests-")
atexit.register(shutil.rmtree, _SESSION_TMP, True)
os.environ["GEO_WORKSPACE"] = os.path.join(_SESSION_TMP, "workspace")
os.environ["GEO_UPLOAD_DIR"] = os.path.join(_SESSION_TMP, "uploads")
# No background preparation of the national layers (geo.workflows.warmup) in the app tests and the servers they
# start: it would compete for the CPU; the national browser test turns it back on.
os.environ["GEO_WARMUP"] = "0"

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LANGSON = SHARED / "data" / "langson"


@pytest.fixture(autouse=True)
def _private_workspace(tmp_path_factory, monkeypatch):
    """No test touches a real workspace or the real upload folder: both live in a temporary folder."""
    base = tmp_path_factory.mktemp("ws")
    monkeypatch.setenv("GEO_WORKSPACE", str(base / "workspace"))
    monkeypatch.setenv("GEO_UPLOAD_DIR", str(base / "uploads"))
    monkeypatch.setenv("GEO_USER", "tester")


@pytest.fixture(scope="session")
def langson() -> Path:
    """Folder of the Lạng Sơn reference files; skips when it is not beside the project."""
    if not LANGSON.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the reference data at {LANGSON}")
        pytest.skip(f"reference data not found at {LANGSON} (../shared/data/langson beside the project)")
    return LANGSON


@pytest.fixture(scope="module")
def app_url():
    """A real ``streamlit run app.py`` on a free local port, for the browser tests of one module."""
    from tests.browser import require_browser, streamlit_server

    require_browser()
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def vn2000_zip(tmp_path_factory, langson) -> Path:
    """The official Lạng Sơn districts as a zipped Shapefile in VN-2000 / TM-3 107-15 (EPSG:9215), without .prj."""
    import zipfile

    import geopandas as gpd

    src = gpd.read_file(langson / "districts_2019_gischinhphu.geojson")
    folder = tmp_path_factory.mktemp("shp")
    src.to_crs("EPSG:9215").to_file(folder / "huyen.shp", engine="pyogrio")
    (folder / "huyen.prj").unlink()
    archive = folder.parent / "huyen_vn2000.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    return archive
