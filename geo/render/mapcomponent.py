"""The Map page's map as a small Streamlit component: geometry once per layer, then only the style.

``st_folium`` sends the whole page (geometry included) on every rerun, so a
change of indicator, classes or palette re-sent megabytes. This component
(static files in ``geo/render/component/``: no build step, nothing from a CDN;
Leaflet comes from Streamlit's static serving like the rest of the app) keeps
each layer's encoded geometry in the browser, keyed by an id:

- the geometry (the arcs of :func:`geo.render.webmap.web_geometry`) is sent
  only while the browser does not report having it (the component's value
  ``have``); a reloaded frame asks for it again (``need``);
- so are the layer's texts that no restyle changes (unit names, their type and
  district, the district borders, the archipelagos: ``static``, reported back
  as ``haveStatic``);
- every other rerun sends the style: a class per unit (compact integer text),
  the palette, the value texts (one string) and the legend, which the page
  applies with ``GeoMap.update``. A national commune restyle is ~70 KB before
  websocket compression instead of ~670 KB.

A click returns ``{"click": code, "clicks": n}``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import numpy as np

from geo.render import webmap

__all__ = ["geometry_id", "map_component", "component_args", "split_style", "join_style"]

_DIR = Path(__file__).with_name("component")
_declared = None


def geometry_id(geom: webmap.WebGeometry) -> str:
    """A short id of a prepared geometry (its encoded payload)."""
    if "gid" not in geom._derived:
        geom._derived["gid"] = hashlib.blake2b(geom.payload.encode(), digest_size=8).hexdigest()
    return geom._derived["gid"]


STATIC_STYLE = ("darcs", "sov")  # style entries that are the layer's, not the restyle's
STATIC_TIP = ("names", "cats")    # ... and tooltip entries
VALUE_SEP = "|"                   # never in a formatted number nor in the "no data" text


def split_style(style: dict) -> tuple[dict, dict]:
    """``(style, static)``: the layer's texts that no restyle changes taken out of a build_map style, and the rest
    made compact (classes as :func:`geo.render.webmap.encode_ints` text, value texts joined by ``|``).
    ``component.js`` puts them back together before ``GeoMap.mount`` or ``GeoMap.update``."""
    style, tip = dict(style), dict(style["tip"])
    static = {k: style.pop(k, None) for k in STATIC_STYLE}
    static.update({k: tip.pop(k, None) for k in STATIC_TIP})
    values, parts = tip.get("value"), tip.get("valueParts") or {}
    compact = _value_text(values, parts.get("suffix", ""), parts.get("noData"))
    if compact is not None:
        del tip["value"]
        tip["valueText"] = compact
    style["tip"] = tip
    style["cls"] = webmap.encode_ints(style["cls"])
    return style, static


_VALUE_TEXTS: list = []  # [(value texts, suffix, no-data text, their compact text)]: the last few indicators'
_VALUE_TEXTS_SIZE = 16


def _value_text(values, suffix: str, no_data) -> str | None:
    """The value texts as one string, each without the unit and "" for no data ("8,51|" + "|12,3"), or None when
    a text was not made the usual way (sent whole then). :func:`geo.render.webmap.build_map` gives the same list
    on every restyle of an indicator, so a change of classes or palette does not compact 10,000 texts again."""
    if not isinstance(values, list):
        return None
    with _STATIC_LOCK:
        for kept, kept_suffix, kept_no_data, text in _VALUE_TEXTS:
            if kept is values and kept_suffix == suffix and kept_no_data == no_data:
                return text
    text = None
    if all(isinstance(v, str) and VALUE_SEP not in v and v != "" for v in values):
        # "8,51%" -> "8,51", "Không có dữ liệu" -> "": the unit ("%", " hộ") and the missing text once, not per unit.
        short = ["" if v == no_data else v[: len(v) - len(suffix)] if suffix and v.endswith(suffix) else v + VALUE_SEP
                 for v in values]
        if not any(v.endswith(VALUE_SEP) for v in short):
            text = VALUE_SEP.join(short)
    with _STATIC_LOCK:
        _VALUE_TEXTS.insert(0, (values, suffix, no_data, text))
        del _VALUE_TEXTS[_VALUE_TEXTS_SIZE:]
    return text


def join_style(style: dict, static: dict) -> dict:
    """The style as :func:`geo.render.webmap.build_map` made it, from :func:`split_style`'s two parts: the Python
    twin of what ``component.js`` does before drawing (tests read the arguments through it)."""
    style, tip = dict(style), dict(style["tip"])
    style["darcs"], style["sov"] = static.get("darcs"), static.get("sov")
    tip["names"] = static.get("names")
    if static.get("cats"):
        tip["cats"] = static["cats"]
    if isinstance(tip.get("valueText"), str):
        parts = tip.get("valueParts") or {}
        tip["value"] = [parts.get("noData", "") if v == "" else v + parts.get("suffix", "")
                        for v in tip.pop("valueText").split(VALUE_SEP)]
    style["tip"] = tip
    style["cls"] = webmap.decode_ints(style["cls"])
    return style


_STATIC_KEPT: list = []  # [(the static parts' objects, their JSON, its id)]: the last few layers'
_STATIC_LOCK = threading.Lock()
_STATIC_SIZE = 8


def _static_json(static: dict) -> tuple[str, str]:
    """The layer's unchanging texts as JSON and their short id. :func:`geo.render.webmap.build_map` gives the same
    objects on every restyle of a layer, so they are encoded once (10,000 names nationally), not per restyle."""
    objs = tuple(static.get(k) for k in (*STATIC_STYLE, *STATIC_TIP))
    with _STATIC_LOCK:
        for kept, text, sid in _STATIC_KEPT:
            if all(a is b for a, b in zip(kept, objs)):
                return text, sid
    text = webmap._js_json(static)
    sid = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    with _STATIC_LOCK:
        _STATIC_KEPT.insert(0, (objs, text, sid))
        del _STATIC_KEPT[_STATIC_SIZE:]
    return text, sid


def component_args(parts: webmap.MapParts, *, have: str | None, height: int, asset_urls, focus=None,
                   have_static: str | None = None) -> dict:
    """Arguments of one render: the geometry only when the browser lacks it (``have`` differs), the layer's
    unchanging texts only when it lacks them (``have_static`` differs, or the geometry is sent)."""
    geom = parts.geometry
    gid = geometry_id(geom)
    send = have != gid
    bounds = [float(b) for b in geom.bounds] if np.isfinite(geom.bounds).all() else None
    style, static = split_style(parts.style)
    static_json, sid = _static_json(static)
    return {
        "gid": gid,
        "geometry": geom.payload if send else None,
        "districts": parts.outlines.payload if (send and parts.outlines is not None) else None,
        "sid": sid,
        "static": static_json if (send or have_static != sid) else None,
        "style": webmap._js_json(style),
        "bounds": bounds,
        "height": int(height),
        "assets": {"js": dict(asset_urls.js)["leaflet"], "css": dict(asset_urls.css)["leaflet_css"],
                   "page_css": webmap._CSS},
        "focus": list(focus) if focus else None,
    }


def map_component(m, *, key: str, height: int, asset_urls, focus=None) -> dict | None:
    """Show the map built by :func:`geo.render.webmap.build_map`; return the component's value.

    Parameters
    ----------
    m
        The folium map from ``build_map`` (its ``geo_parts`` are used, not its HTML).
    key
        Streamlit key; the last value (``have``, ``haveStatic``, ``click``, ``clicks``) is in
        ``st.session_state[key]``.
    height
        Height in pixels.
    asset_urls
        :class:`geo.render.assets.AssetUrls` of Leaflet in Streamlit's static serving.
    focus
        ``(lat, lon, zoom)`` to show, e.g. a searched unit.
    """
    import streamlit as st
    import streamlit.components.v1 as components

    global _declared
    if _declared is None:
        _declared = components.declare_component("geo_map", path=str(_DIR))
    previous = st.session_state.get(key) or {}
    have = previous.get("have") if isinstance(previous, dict) else None
    have_static = previous.get("haveStatic") if isinstance(previous, dict) else None
    args = component_args(m.geo_parts, have=have, have_static=have_static, height=height, asset_urls=asset_urls,
                          focus=focus)
    return _declared(**args, key=key, default=None)


def payload_bytes(args: dict) -> int:
    """Bytes of a render's arguments as JSON (what travels to the browser before compression)."""
    return len(json.dumps(args, separators=(",", ":")).encode())
