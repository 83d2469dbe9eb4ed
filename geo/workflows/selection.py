"""A planner's selection on the map: which unit a click hit, and the side table of the selected units.

The map page keeps the selection in the session; what a click means and what the table shows are
decided here, so a test reads them without a browser.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from geo.text.i18n import DEFAULT_LANG, t
from geo.text.markup import markdown_text
from geo.analysis.indicators import format_value

__all__ = ["clicked_unit", "selection_rows"]


def clicked_unit(out: Mapping | None, units=None) -> tuple[str, tuple] | None:
    """``(code, stamp)`` of the unit a map click hit, or None.

    ``out`` is what ``st_folium`` returns: a clicked feature's ``properties.code`` wins; otherwise, since
    the map draws on a canvas and hands back a point, the unit of ``units`` (a GeoDataFrame with
    ``code``) under ``last_clicked`` is found. ``stamp`` (code, lat, lng) tells a new click from the same
    value repeated on every rerun.

    Examples
    --------
    >>> clicked_unit({"last_active_drawing": {"properties": {"code": 20}}, "last_clicked": {"lat": 21.8, "lng": 106.7}})
    ('20', (20, 21.8, 106.7))
    >>> clicked_unit({"last_clicked": None}) is None
    True
    """
    if not out:
        return None
    drawing = out.get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    where = out.get("last_clicked") or {}
    if not code and units is not None and where.get("lat") is not None:
        from geo.render.webmap import unit_at

        code = unit_at(units, where["lat"], where["lng"])
    if not code:
        return None
    return str(code), (code, where.get("lat"), where.get("lng"))


def selection_rows(gdf, selected: Collection[str], value_column: str | None, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The selected units with their district, value and source row, headed in ``lang``.

    Cells are escaped for Markdown (``st.table`` reads them as Markdown and names come from uploads);
    the source is "file, row" when the layer carries ``source_file`` and ``source_row``.
    """
    rows = gdf[gdf["code"].isin(selected)]
    out = pd.DataFrame({
        t("ui.col.code", lang): [markdown_text(c) for c in rows["code"]],
        t("ui.col.name", lang): [markdown_text(n) for n in rows["name"]],
    })
    if "district_name" in rows:
        out[t("ui.col.district", lang)] = [markdown_text(n) for n in rows["district_name"]]
    if value_column:
        out[t("ui.col.value", lang)] = [format_value(v, value_column, lang) for v in rows[value_column]]
    if "source_row" in rows:
        files = rows["source_file"] if "source_file" in rows else [None] * len(rows)
        out[t("ui.col.source", lang)] = [
            markdown_text(f"{f}, {int(r)}") if isinstance(f, str) and pd.notna(r) else ""
            for f, r in zip(files, rows["source_row"])
        ]
    return out.reset_index(drop=True)
