"""The app draws boundaries whose units have names but no code, some of them unknown (issue 16: was a raw
TypeError on the Map page). Illustrative squares, not real borders."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.test_app_map import APP, TIMEOUT, _run, map_payload

sys.path.insert(0, str(Path(__file__).parents[1] / "io"))
import _hostile as h  # noqa: E402


def test_names_only_boundaries_with_unknown_names_reach_the_map():
    data = h.geojson_bytes([
        h.feature({"ten": "Huyện Văn Lãng"}, h.square(106.6, 22.0)),
        h.feature({"ten": "Huyện Không Có"}, h.square(106.8, 22.0)),
        h.feature({"ten": "Huyện Cũng Không"}, h.square(106.9, 22.0))])
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page("app_pages/data.py")
    _run(at)
    at.radio(key="level").set_value("district")
    _run(at)
    at.file_uploader(key="b_upload").set_value(("ten_huyen.geojson", data, "application/geo+json"))
    _run(at)
    at.switch_page("app_pages/map.py")
    _run(at)  # no exception on the page
    geometry, _style, _districts = map_payload(at)
    assert sorted(geometry["codes"]) == ["182", "?2", "?3"]
