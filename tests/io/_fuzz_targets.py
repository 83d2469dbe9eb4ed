"""Fuzz targets: a hypothesis strategy and a reader call for each way a file gets in.

Shared by tests/io/test_fuzz.py (a few examples in CI) and bench/fuzz.py (the long run). A target's
``run`` returns ``"ok"`` or ``"GeoError:<code>"``; any other exception escapes and is a bug.
"""

from __future__ import annotations

import atexit
import json
import shutil
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import _hostile as h  # noqa: E402

from geo._errors import GeoError  # noqa: E402

_TMP = Path(tempfile.mkdtemp(prefix="geo-fuzz-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)  # no folder left behind by a run


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy
    call: Callable[[Any], object]

    def run(self, value) -> str:
        try:
            self.call(value)
        except GeoError as exc:
            exc.message("vi")  # the message must render in both languages
            exc.message("en")
            return f"GeoError:{exc.code}"
        return "ok"


# ---------------------------------------------------------------------------
# Cells and tables
# ---------------------------------------------------------------------------
_WORDS = ["TT", "STT", "Mã xã", "Tên xã", "Huyện", "Đơn vị", "Tổng số hộ", "Hộ nghèo", "Tỷ lệ (%)", "Số hộ",
          "Cận nghèo", "Năm 2020", "Cộng", "Tổng cộng", "Ghi chú", "Xã Tân Thành", "Bắc Sơn", "Thị trấn Na Sầm",
          "code", "name", "district", "poor_rate", "old_code", "new_code", "weight", "action", "reason", "tier",
          "=HYPERLINK(\"x\")", "-", "—", "x", "", " ", "NaN", "inf", "1e308", "-0", "'06364"]
_NUMBERS = st.one_of(
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["27.964", "8,51", "1.234,5", "1,234.5", "0,125", "12%", "(3)", "06364", "178", "20", "5971"]),
)
_CELL = st.one_of(st.none(), st.sampled_from(_WORDS), _NUMBERS, st.text(max_size=12))
_ROWS = st.lists(st.lists(_CELL, min_size=0, max_size=7), min_size=0, max_size=12)


def _csv_text(rows, delimiter: str) -> str:
    def fmt(v):
        s = "" if v is None else str(v)
        if any(c in s for c in (delimiter, '"', "\n", "\r")):
            s = '"' + s.replace('"', '""') + '"'
        return s

    return "".join(delimiter.join(fmt(v) for v in r) + "\n" for r in rows)


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["rows", "rows", "rows", "binary", "mutated"]))
    if kind == "binary":
        return draw(st.sampled_from(["t.csv", "t.txt", "t.tsv", "t"])), draw(st.binary(max_size=300))
    text = _csv_text(draw(_ROWS), draw(st.sampled_from([",", ";", "\t", "|"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1258", "utf-16", "latin-1"]))
    try:
        data = h.cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    except (UnicodeEncodeError, UnicodeDecodeError):
        data = text.encode("utf-8")
    if kind == "mutated" and data:
        pos = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data = data[:pos] + draw(st.binary(min_size=1, max_size=8)) + data[pos + 1:]
    return draw(st.sampled_from(["t.csv", "t.txt"])), data


@st.composite
def xlsx_files(draw) -> tuple[str, bytes]:
    rows = draw(_ROWS)
    merges = draw(st.lists(st.tuples(st.integers(1, 30), st.integers(1, 10), st.integers(0, 5), st.integers(0, 3)),
                           max_size=3))
    after = b""
    if merges:
        refs = "".join(f'<mergeCell ref="{h._col(c)}{r}:{h._col(c + dc)}{r + dr}"/>' for r, c, dr, dc in merges)
        after = f'<mergeCells count="{len(merges)}">{refs}</mergeCells>'.encode()
    safe_rows = [[v if not isinstance(v, float) or v == v and abs(v) != float("inf") else str(v) for v in r]
                 for r in rows]
    body = [b.replace(b"\x00", b"") for b in h.rows_xml(
        [[("".join(ch for ch in str(v) if ch.isprintable()) if isinstance(v, str) else v) for v in r]
         for r in safe_rows])]
    data = h.xlsx_bytes(body, after=after)
    if draw(st.booleans()):
        pos = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data = data[:pos] + draw(st.binary(min_size=1, max_size=4)) + data[pos + 1:]
    return "t.xlsx", data


def _indicators(item):
    from geo.io.tables import read_indicators

    name, data = item
    return read_indicators(data, name=name)


def _records(item):
    from geo.io.upload import read_records

    name, data = item
    return read_records(data, name=name)


def _designations(item):
    from geo.join.designations import read_designations

    name, data = item
    path = _TMP / name
    path.write_bytes(data)
    return read_designations(path, type="border", province="20")


def _weights(item):
    from geo.analysis.reform import read_weights

    name, data = item
    path = _TMP / name
    path.write_bytes(data)
    return read_weights(path, province="20")


def _selection(item):
    from geo.render.annex_table import read_selection

    name, data = item
    path = _TMP / name
    path.write_bytes(data)
    return read_selection(path, level="commune")


# ---------------------------------------------------------------------------
# Boundaries and archives
# ---------------------------------------------------------------------------
_COORD = st.one_of(
    st.floats(min_value=102.0, max_value=110.0), st.floats(min_value=8.0, max_value=24.0),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, 0.0, 500000.0, 2400000.0]),
)
_CRS = st.sampled_from([None, "EPSG:4326", "EPSG:9215", "EPSG:3405", "IAU_2015:49900", "IAU_2015:49910",
                        "urn:ogc:def:crs:OGC:1.3:CRS84", "garbage", "EPSG:999999"])
_KEYS = st.one_of(st.sampled_from(["ma", "ten", "MaXa", "TenXa", "Ten_Huyen", "level2_id", "name", "code", "tén"]),
                  st.text(min_size=1, max_size=6))
_VALUES = st.one_of(st.none(), st.text(max_size=10), st.integers(-10**6, 10**6), st.floats(), st.booleans(),
                    st.sampled_from(["178", "06364", 178.0, "Văn Lãng"]))


@st.composite
def geojson_files(draw) -> tuple[str, bytes]:
    features = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["square", "square", "ring", "point", "null"]))
        if kind == "square":
            geom = h.square(draw(st.floats(102, 109)), draw(st.floats(9, 23)), draw(st.sampled_from([0.01, 0.1, 0])))
        elif kind == "ring":
            pts = draw(st.lists(st.tuples(_COORD, _COORD), min_size=0, max_size=6))
            geom = {"type": "Polygon", "coordinates": [[list(p) for p in pts]]}
        elif kind == "point":
            geom = {"type": "Point", "coordinates": [draw(_COORD), draw(_COORD)]}
        else:
            geom = None
        features.append(h.feature(draw(st.dictionaries(_KEYS, _VALUES, max_size=3)), geom))
    crs = draw(_CRS)
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    data = json.dumps(doc, allow_nan=True).encode()
    mode = draw(st.sampled_from(["plain", "plain", "latin1-key", "mutate", "zip", "kmz-garbage"]))
    if mode == "latin1-key":
        data = data.replace(b'"ten"', b'"t\xe9n"').replace(b'"name"', b'"n\xe0me"')
    elif mode == "mutate" and data:
        pos = draw(st.integers(0, len(data) - 1))
        data = data[:pos] + draw(st.binary(min_size=1, max_size=4)) + data[pos + 1:]
    elif mode == "zip":
        return "t.zip", h.zip_bytes([(draw(st.sampled_from(["a.geojson", "d/a.geojson", "a.json"])), data)])
    elif mode == "kmz-garbage":
        return "t.kmz", draw(st.binary(max_size=100))
    return draw(st.sampled_from(["t.geojson", "t.json"])), data


def _boundaries(item):
    from geo.io.boundaries import read_boundaries

    name, data = item
    path = _TMP / name
    path.write_bytes(data)
    return read_boundaries(path)


_PART = st.one_of(st.sampled_from(["a", "..", ".", "", "x.shp", "x.dbf", "C:", "d", "__MACOSX", "a" * 300]),
                  st.text(min_size=1, max_size=5))


@st.composite
def zip_files(draw) -> bytes:
    members = []
    for _ in range(draw(st.integers(0, 5))):
        parts = draw(st.lists(_PART, min_size=1, max_size=draw(st.sampled_from([3, 20]))))
        name = draw(st.sampled_from(["/", "\\"])).join(parts)
        if draw(st.booleans()):
            name = "/" + name
        if not name:
            continue
        members.append((name, draw(st.binary(max_size=50))))
    try:
        return h.zip_bytes(members)
    except (ValueError, UnicodeEncodeError, IndexError):  # names zipfile itself cannot write
        return h.zip_bytes([])


def _unzip(data):
    from geo.io.safe import extract_zip

    path = _TMP / "z.zip"
    path.write_bytes(data)
    out = Path(tempfile.mkdtemp(dir=_TMP))
    try:
        return extract_zip(path, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


# ---------------------------------------------------------------------------
# Rules and scenarios
# ---------------------------------------------------------------------------
_RULE_SNIPPETS = ["tiers:", "  - label: A", "    when: poor_rate >= 20", "    when: border and (", "score:",
                  "  weights:", "    poor_rate: 2", "    poor_rate: 1e400", "  bonuses: {border: 10}",
                  "version: 1", "a: &x [1,2]", "b: *x", "tiers: [", "name: Xã", "- - - -", "{", "'"]


@st.composite
def rules_texts(draw) -> bytes:
    lines = draw(st.lists(st.one_of(st.sampled_from(_RULE_SNIPPETS), st.text(max_size=20)), max_size=10))
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _rules(data):
    from geo.analysis.rules_file import load_rules

    path = _TMP / "r.yaml"
    path.write_bytes(data)
    return load_rules(path)


_TEMPLATE: list[Path] = []


def _scenario_template() -> Path:
    if not _TEMPLATE:
        import pandas as pd

        from geo.analysis.rules import ManualDecision, RuleSet, Tier
        from geo.units.designations import Designation, DesignationSet
        from geo.workflows.scenario import new_scenario, save_scenario

        s = new_scenario(
            indicators=pd.DataFrame({"code": ["06364", "06358"], "name": ["A", "B"], "poor_rate": [24.0, 10.0],
                                     "households": pd.array([500, 400], dtype="Int64")}),
            designations=DesignationSet((Designation(type="border", code="06364", valid_from="2021-01-01"),)),
            rules=RuleSet(tiers=(Tier("Ưu tiên 1", "poor_rate >= 20"),)),
            manual=(ManualDecision("06358", "include", "Lũ"),), created="2025-01-02T03:04:05+00:00")
        _TEMPLATE.append(save_scenario(s, _TMP / "template.gpkg"))
    return _TEMPLATE[0]


_SCENARIO_EDITS = [
    ("scenario_meta", "value", "key='format_version'"), ("scenario_meta", "value", "key='schema.indicators'"),
    ("scenario_meta", "value", "key='schema.manual'"), ("scenario_meta", "value", "key='rules_yaml'"),
    ("scenario_meta", "value", "key='level'"), ("scenario_meta", "value", "key='vintage'"),
    ("scenario_meta", "value", "key='schema.designations'"), ("scenario_meta", "key", "key='schema.ranking'"),
    ("designations", "valid_from", "1=1"), ("designations", "code", "1=1"), ("designations", "type", "1=1"),
    ("manual", "tier", "1=1"), ("manual", "action", "1=1"), ("manual", "reason", "1=1"),
    ("indicators", "households", "1=1"), ("indicators", "code", "1=1"), ("ranking", "selected", "1=1"),
]
_SQL_VALUES = st.one_of(st.none(), st.text(max_size=15), st.integers(-10**20, 10**20), st.floats(),
                        st.sampled_from(["{", "[]", '{"code": "int64"}', '{"households": "int64"}', "2", "99",
                                         "tiers: [", "a: &a [*a]", "not-a-date", "x" * 20000, "NaN"]))


@st.composite
def scenario_edits(draw):
    return draw(st.lists(st.tuples(st.sampled_from(_SCENARIO_EDITS), _SQL_VALUES), min_size=1, max_size=3))


def _scenario(edits):
    from geo.workflows.scenario import open_scenario

    path = _TMP / "s.gpkg"
    shutil.copyfile(_scenario_template(), path)
    with sqlite3.connect(path) as con:
        for (table, column, where), value in edits:
            try:
                con.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value,))
            except (sqlite3.Error, OverflowError):
                pass
    return open_scenario(path)


# ---------------------------------------------------------------------------
# The one layer builder and the map (what an upload reaches after its reader)
# ---------------------------------------------------------------------------
def _draw_map(layer) -> None:
    from geo.render import webmap
    from geo.workflows.mapview import render_map, value_column

    column = value_column(layer.indicators) if layer.indicators else None
    codes = layer.gdf["code"].dropna().astype(str).tolist()[:2] if "code" in layer.gdf else []
    m = render_map(layer, indicator=column, lang="vi", selected=set(codes))
    webmap.to_html(m)


def _layer_table(item):
    from geo.workflows.layer import build_layer

    (name, data), level = item
    path = _TMP / name
    path.write_bytes(data)
    _draw_map(build_layer(table=path, level=level))


def _layer_boundaries(item):
    from geo.workflows.layer import build_layer

    (name, data), table = item
    path = _TMP / name
    path.write_bytes(data)
    _draw_map(build_layer(boundaries=path, table=table))


TARGETS = (
    Target("csv/indicators", csv_files(), _indicators),
    Target("csv/records", csv_files(), _records),
    Target("csv/designations", csv_files(), _designations),
    Target("csv/weights", csv_files(), _weights),
    Target("csv/selection", csv_files(), _selection),
    Target("xlsx/indicators", xlsx_files(), _indicators),
    Target("xlsx/designations", xlsx_files(), _designations),
    Target("boundaries", geojson_files(), _boundaries),
    Target("zip", zip_files(), _unzip),
    Target("rules", rules_texts(), _rules),
    Target("scenario", scenario_edits(), _scenario),
    Target("layer/table", st.tuples(csv_files(), st.sampled_from([None, "district", "commune"])), _layer_table),
    Target("layer/boundaries", st.tuples(geojson_files(), st.sampled_from([None, "langson_kh78_2021"])),
           _layer_boundaries),
)
