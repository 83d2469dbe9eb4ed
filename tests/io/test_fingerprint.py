"""Content keys of uploads, tables and boundary layers (geo.io.fingerprint)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.io.fingerprint import content_key, digest


@dataclass
class _Table:
    data: pd.DataFrame
    level: str = "commune"
    vintage: str = "pre2025"
    source: str = "xa.csv"
    columns: dict | None = None
    sheet: str | None = None


def test_digest_is_the_full_sha256():
    assert digest(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert len(digest(b"abc")) == 64


def test_equal_content_gives_equal_keys_and_any_change_a_new_one():
    frame = pd.DataFrame({"code": ["06250", "06253"], "poor": [12, 7]})
    key = content_key(_Table(frame))
    assert content_key(_Table(frame.copy())) == key
    assert content_key(_Table(frame.assign(poor=[12, 8]))) != key
    assert content_key(_Table(frame.rename(columns={"poor": "near_poor"}))) != key
    assert content_key(_Table(frame, level="district")) != key
    assert content_key(_Table(frame, vintage="2025")) != key
    assert content_key(_Table(frame, source="other.csv")) != key
    assert content_key(_Table(frame, sheet="Sheet2")) != key
    assert content_key(_Table(frame, columns={"code": "Mã"})) != key
    assert content_key(None) is None


@dataclass
class _Layer:
    gdf: gpd.GeoDataFrame
    level: str = "commune"


def test_boundary_layers_are_keyed_by_their_geometry():
    gdf = gpd.GeoDataFrame({"code": ["1"]}, geometry=[Point(106.7, 21.8)], crs=4326)
    moved = gpd.GeoDataFrame({"code": ["1"]}, geometry=[Point(106.7, 21.9)], crs=4326)
    assert content_key(_Layer(gdf)) == content_key(_Layer(gdf.copy()))
    assert content_key(_Layer(gdf)) != content_key(_Layer(moved))
    empty = gpd.GeoDataFrame({"code": ["1"]}, geometry=[None], crs=4326)
    assert len(content_key(_Layer(empty))) == 64
