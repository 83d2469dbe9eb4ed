"""Planning scenarios: one GeoPackage file holding everything needed to reopen a ranking.

A scenario file (``.gpkg``) holds these layers and tables:

=================  ==========  ====================================================
layer              kind        content
=================  ==========  ====================================================
``boundaries``     features    unit polygons (EPSG:4326), when the scenario has them
``indicators``     attributes  the unit table :func:`geo.analysis.ranking.rank` reads (join
                               result without geometry: code, name, indicators,
                               ``source_file``, ``source_row``)
``designations``   attributes  :meth:`DesignationSet.to_frame` (built-in, imported
                               and manual records, overrides included)
``manual``         attributes  include/exclude decisions with reasons
``ranking``        attributes  the ranked list (``rank`` output without geometry);
                               its ``selected`` column is the selection
``scenario_meta``  attributes  key/value: format version, app version, created
                               time, province, level, vintage, title, notes, the
                               rules as YAML text and each table's column types
=================  ==========  ====================================================

GeoPackage is SQLite, so QGIS opens the file and shows every table. Column
types are stored alongside so that a scenario reopens *identical*:
:func:`open_scenario` (:func:`save_scenario` (s)) gives back equal frames,
designations, rules, selection and notes.

Writes are atomic and never replace an input file (:mod:`geo.io.write`).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.io.safe import check_size
from geo.io.write import atomic_path, check_output
from geo.units.designations import DesignationSet
from geo.text.i18n import DEFAULT_LANG, t
from geo.analysis.ranking import rank
from geo.analysis.rules import ManualDecision, RuleSet
from geo.analysis.rules_file import rules_from_yaml, rules_to_yaml

__all__ = ["ScenarioMeta", "Scenario", "new_scenario", "save_scenario", "open_scenario", "compare", "rerank",
           "MANUAL_COLUMNS"]

META_LAYER = "scenario_meta"
MANUAL_COLUMNS = ["code", "action", "reason", "tier"]
_TABLES = ("indicators", "designations", "manual", "ranking")


@dataclass(frozen=True)
class ScenarioMeta:
    """Where a scenario comes from: app version, creation time (ISO, UTC), province, level, vintage, title."""

    app_version: str
    created: str
    province: str | None = settings.DEFAULT_PROVINCE
    level: str = "commune"
    vintage: str = settings.DEFAULT_VINTAGE
    title: str = ""
    format_version: int = settings.SCENARIO_FORMAT_VERSION


@dataclass(frozen=True, eq=False)
class Scenario:
    """A planning scenario: inputs, designations, rules, decisions, the ranking and notes.

    ``selection`` (the codes selected) is read from ``ranking``. Frames are
    compared with pandas, so this class defines no ``==``; use :meth:`same_as`.
    """

    meta: ScenarioMeta
    indicators: pd.DataFrame
    designations: DesignationSet = field(default_factory=DesignationSet)
    rules: RuleSet = field(default_factory=RuleSet)
    manual: tuple[ManualDecision, ...] = ()
    ranking: pd.DataFrame | None = None
    boundaries: gpd.GeoDataFrame | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "manual", tuple(self.manual))

    @property
    def selection(self) -> tuple[str, ...]:
        """Codes selected in the ranking, in rank order."""
        if self.ranking is None or "selected" not in self.ranking:
            return ()
        return tuple(self.ranking.loc[self.ranking["selected"].astype(bool), "code"].astype(str))

    def same_as(self, other: Scenario) -> bool:
        """True when every part is equal (frames by value, geometry exactly)."""
        def frames(a, b):
            if a is None or b is None:
                return a is None and b is None
            return a.shape == b.shape and list(a.columns) == list(b.columns) and a.equals(b)

        return (
            self.meta == other.meta and self.designations == other.designations and self.rules == other.rules
            and self.manual == other.manual and self.notes == other.notes
            and frames(self.indicators, other.indicators) and frames(self.ranking, other.ranking)
            and frames(self.boundaries, other.boundaries)
        )


def new_scenario(
    *,
    indicators: pd.DataFrame,
    designations: DesignationSet,
    rules: RuleSet,
    manual: Iterable[ManualDecision] = (),
    boundaries: gpd.GeoDataFrame | None = None,
    notes: str = "",
    province: str | None = settings.DEFAULT_PROVINCE,
    level: str = "commune",
    vintage: str = settings.DEFAULT_VINTAGE,
    title: str = "",
    lang: str = DEFAULT_LANG,
    created: str | None = None,
) -> Scenario:
    """A scenario with its ranking computed by :func:`geo.analysis.ranking.rank` and metadata filled in."""
    from geo import __version__

    meta = ScenarioMeta(
        app_version=__version__,
        created=created or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        province=province, level=level, vintage=vintage, title=title,
    )
    scenario = Scenario(meta=meta, indicators=indicators.reset_index(drop=True), designations=designations,
                        rules=rules, manual=tuple(manual), boundaries=boundaries, notes=notes)
    return rerank(scenario, lang=lang)


def rerank(scenario: Scenario, *, lang: str = DEFAULT_LANG) -> Scenario:
    """The scenario with its ranking recomputed from its indicators, designations, rules and decisions."""
    ranked = rank(scenario.indicators, designations=scenario.designations, rules=scenario.rules,
                  manual=scenario.manual, lang=lang)
    if "geometry" in ranked.columns:
        ranked = pd.DataFrame(ranked.drop(columns="geometry"))
    return replace(scenario, ranking=ranked)


# ---------------------------------------------------------------------------
# Column types
# ---------------------------------------------------------------------------
def _schema(df: pd.DataFrame) -> dict[str, str]:
    return {str(c): str(df[c].dtype) for c in df.columns}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _for_writing(df: pd.DataFrame) -> pd.DataFrame:
    """Nullable integers as floats, text as object with None: what GDAL fields can hold."""
    out = df.copy()
    for c in out.columns:
        if c == "geometry" or isinstance(out[c].dtype, gpd.array.GeometryDtype):
            continue
        dtype = out[c].dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_integer_dtype(dtype):
            out[c] = out[c].astype("Float64").astype(float)
        elif pd.api.types.is_bool_dtype(dtype):
            out[c] = out[c].astype(bool)
        elif not pd.api.types.is_numeric_dtype(dtype):
            out[c] = pd.Series([None if _missing(v) else str(v) for v in out[c]], index=out.index, dtype=object)
    return out


# Column types a scenario may declare (what save_scenario writes); anything else is refused.
_DTYPES = frozenset({
    "object", "str", "string", "bool", "boolean", "int64", "Int64", "int32", "Int32", "int8", "Int8",
    "float64", "Float64", "float32", "Float32", "geometry",
})
# Columns each table must have for the scenario to reopen.
_REQUIRED = {
    "indicators": ("code",),
    "designations": ("type", "code"),
    "manual": tuple(MANUAL_COLUMNS),
    "ranking": ("code",),
}


def _invalid(path: str, table: str, column: str, reason: str) -> GeoError:
    return GeoError("scenario_table_invalid", path=path, table=table, column=column, reason=reason[:200])


def _parse_schema(text: str | None, *, path: str, table: str) -> dict[str, str]:
    """The column types stored for ``table``: a JSON object of column name -> a known dtype."""
    if not text:
        return {}
    try:
        schema = json.loads(text)
    except (ValueError, RecursionError):
        raise _invalid(path, table, "*", "schema is not JSON") from None
    if not isinstance(schema, dict):
        raise _invalid(path, table, "*", "schema is not a mapping")
    for column, dtype in schema.items():
        if not isinstance(dtype, str) or dtype not in _DTYPES:
            raise _invalid(path, table, str(column)[:80], f"unknown type {str(dtype)[:40]!r}")
    return schema


def _restore(df: pd.DataFrame, schema: dict[str, str], *, path: str = "", table: str = "") -> pd.DataFrame:
    out = df[[c for c in schema if c in df.columns]].copy() if schema else df.copy()
    for c, dtype in schema.items():
        if c not in out.columns or dtype == "geometry":
            continue
        col = out[c]
        try:
            if dtype == "object":
                out[c] = pd.Series([None if _missing(v) else v for v in col], index=out.index, dtype=object)
            elif dtype == "str":
                out[c] = pd.Series([None if _missing(v) else str(v) for v in col], index=out.index, dtype="str")
            elif dtype == "bool":
                out[c] = col.fillna(False).astype(bool)
            else:
                out[c] = col.astype(dtype)
        except (ValueError, TypeError, OverflowError) as exc:
            raise _invalid(path, table, str(c)[:80], f"not {dtype}: {type(exc).__name__}") from None
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------
# Saving and opening
# ---------------------------------------------------------------------------
def _write_attributes(path: Path, layer: str, df: pd.DataFrame) -> None:
    import pyogrio

    pyogrio.write_dataframe(_for_writing(df), path, layer=layer, driver="GPKG")


def save_scenario(
    scenario: Scenario,
    path: str | os.PathLike,
    *,
    inputs: Iterable[str | os.PathLike] = (),
    overwrite: bool = False,
) -> Path:
    """Write the scenario to one ``.gpkg`` file, atomically.

    Parameters
    ----------
    inputs
        Files the scenario was built from; the output may never be one of them.
    overwrite
        Replace an existing scenario file (never an input).
    """
    out = Path(path)
    if out.suffix.lower() != ".gpkg":
        raise GeoError("unsupported_format", path=str(out), supported=".gpkg")
    check_output(out, inputs=inputs, overwrite=overwrite)
    tables = {
        "indicators": scenario.indicators.reset_index(drop=True),
        "designations": scenario.designations.to_frame(),
        "manual": pd.DataFrame({
            "code": pd.Series([d.code for d in scenario.manual], dtype=object),
            "action": pd.Series([d.action for d in scenario.manual], dtype=object),
            "reason": pd.Series([d.reason for d in scenario.manual], dtype=object),
            "tier": pd.array([d.tier for d in scenario.manual], dtype="Int64"),
        }),
    }
    if scenario.ranking is not None:
        tables["ranking"] = scenario.ranking.reset_index(drop=True)
    meta = scenario.meta
    entries = {
        "format_version": str(meta.format_version), "app_version": meta.app_version, "created": meta.created,
        "province": meta.province, "level": meta.level, "vintage": meta.vintage, "title": meta.title,
        "notes": scenario.notes, "rules_yaml": rules_to_yaml(scenario.rules),
    }
    for name, df in tables.items():
        entries[f"schema.{name}"] = json.dumps(_schema(df), ensure_ascii=False)
    if scenario.boundaries is not None:
        gdf = scenario.boundaries.reset_index(drop=True)
        entries["schema.boundaries"] = json.dumps(_schema(gdf), ensure_ascii=False)
        entries["boundaries_geometry"] = gdf.geometry.name
    meta_df = pd.DataFrame({
        "key": pd.Series(list(entries), dtype=object),
        "value": pd.Series(list(entries.values()), dtype=object),
    })
    with atomic_path(out) as tmp:
        _write_attributes(tmp, META_LAYER, meta_df)
        if scenario.boundaries is not None:
            import pyogrio

            gdf = _for_writing(scenario.boundaries.reset_index(drop=True))
            if gdf.crs is None:
                gdf = gdf.set_crs("EPSG:4326")
            pyogrio.write_dataframe(gdf, tmp, layer="boundaries", driver="GPKG")
        for name, df in tables.items():
            _write_attributes(tmp, name, df)
    return out


def open_scenario(path: str | os.PathLike) -> Scenario:
    """Read a scenario file written by :func:`save_scenario`, validating it against the format.

    The file is treated as hostile: its size, its tables and their row counts
    (read from the GeoPackage before any table is loaded), the stored column
    types, the required columns, every text value's length, the manual
    decisions, the designations and the rules are checked; any problem is a
    :class:`GeoError` (``scenario_invalid``, ``scenario_table_invalid``,
    ``scenario_version``, ``file_too_large``...) naming the file, the table and
    the column, never a traceback.
    """
    src = Path(path)
    if not src.exists():
        raise GeoError("file_not_found", path=str(src))
    check_size(src)
    try:
        return _open_scenario(src)
    except GeoError:
        raise
    except RecursionError:
        raise GeoError("scenario_invalid", path=str(src), reason="nested too deep") from None
    except MemoryError:
        raise GeoError("scenario_invalid", path=str(src), reason="too large") from None
    except Exception as exc:  # the last guard: a crafted file gets a message, never a traceback
        raise GeoError("scenario_invalid", path=str(src), reason=type(exc).__name__) from None


def _read_table(src: Path, layer: str, *, shown: str) -> pd.DataFrame:
    """One table of the file, refused past :data:`geo.settings.MAX_SCENARIO_ROWS` before it is read."""
    import pyogrio

    try:
        info = pyogrio.read_info(src, layer=layer)
    except Exception:  # GDAL errors of several types
        raise GeoError("scenario_invalid", path=shown, reason=f"table '{layer}' unreadable") from None
    count = int(info.get("features") or 0)
    if count > settings.MAX_SCENARIO_ROWS:
        raise _invalid(shown, layer, "*", f"{count} rows, limit {settings.MAX_SCENARIO_ROWS}")
    try:
        df = pyogrio.read_dataframe(src, layer=layer)
    except Exception:  # GDAL errors of several types
        raise GeoError("scenario_invalid", path=shown, reason=f"table '{layer}' unreadable") from None
    for column in df.columns:
        if column == getattr(getattr(df, "geometry", None), "name", None):
            continue
        if df[column].dtype == object:
            too_long = [v for v in df[column] if isinstance(v, str) and len(v) > settings.MAX_TEXT_FIELD_CHARS]
            if too_long:
                raise _invalid(shown, layer, str(column)[:80],
                               f"text longer than {settings.MAX_TEXT_FIELD_CHARS} characters")
    return df


def _open_scenario(src: Path) -> Scenario:
    import pyogrio

    shown = str(src)
    try:
        layers = {str(name) for name, _ in pyogrio.list_layers(src)}
    except Exception:  # not a GeoPackage at all
        raise GeoError("scenario_invalid", path=shown, reason="not a GeoPackage") from None
    if META_LAYER not in layers:
        raise GeoError("scenario_invalid", path=shown, reason=f"no '{META_LAYER}' table")
    raw = _read_table(src, META_LAYER, shown=shown)
    if "key" not in raw.columns or "value" not in raw.columns:
        raise _invalid(shown, META_LAYER, "key, value", "missing")
    entries = {str(k): (None if _missing(v) else str(v)) for k, v in zip(raw["key"], raw["value"])}
    try:
        version = int(entries.get("format_version") or 0)
    except ValueError:
        version = 0
    if version < 1:
        raise GeoError("scenario_invalid", path=shown, reason="format_version")
    if version > settings.SCENARIO_FORMAT_VERSION:
        raise GeoError("scenario_version", path=shown, found=version, supported=settings.SCENARIO_FORMAT_VERSION)
    level = entries.get("level") or "commune"
    vintage = entries.get("vintage") or settings.DEFAULT_VINTAGE
    if level not in ("commune", "district", "province"):
        raise _invalid(shown, META_LAYER, "level", f"unknown level {level[:40]!r}")
    if vintage not in ("pre2025", "2025"):
        raise _invalid(shown, META_LAYER, "vintage", f"unknown vintage {vintage[:40]!r}")
    rules_text = entries.get("rules_yaml") or "tiers: []"
    if len(rules_text.encode("utf-8")) > settings.RULES_MAX_BYTES:
        raise _invalid(shown, META_LAYER, "rules_yaml", f"longer than {settings.RULES_MAX_BYTES // 1024} kB")

    missing = [name for name in ("indicators", "designations", "manual") if name not in layers]
    if missing:
        raise GeoError("scenario_invalid", path=shown, reason="missing " + ", ".join(missing))

    def table(name: str) -> pd.DataFrame | None:
        if name not in layers:
            return None
        schema = _parse_schema(entries.get(f"schema.{name}"), path=shown, table=name)
        df = _restore(_read_table(src, name, shown=shown), schema, path=shown, table=name)
        absent = [c for c in _REQUIRED.get(name, ()) if c not in df.columns]
        if absent:
            raise _invalid(shown, name, ", ".join(absent), "missing")
        return df

    boundaries = None
    if "boundaries" in layers:
        gdf = _read_table(src, "boundaries", shown=shown)
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise _invalid(shown, "boundaries", "geometry", "missing")
        geom_name = entries.get("boundaries_geometry") or "geometry"
        if gdf.geometry.name != geom_name:
            gdf = gdf.rename_geometry(geom_name)
        schema = _parse_schema(entries.get("schema.boundaries"), path=shown, table="boundaries")
        restored = _restore(pd.DataFrame(gdf), schema, path=shown, table="boundaries")
        if geom_name not in restored.columns:
            restored[geom_name] = gdf.geometry.values
        boundaries = gpd.GeoDataFrame(restored, geometry=geom_name, crs=gdf.crs)
    manual_df = table("manual")
    manual = []
    for i, r in enumerate(manual_df.to_dict("records"), start=1):
        tier = r["tier"]
        if not _missing(tier):
            try:
                tier = float(tier)
            except (TypeError, ValueError):
                raise _invalid(shown, "manual", "tier", f"row {i}: not a number") from None
        try:
            manual.append(ManualDecision(code=r["code"], action=r["action"], reason=r["reason"],
                                         tier=None if _missing(tier) else tier))
        except GeoError as exc:
            raise _invalid(shown, "manual", str(exc.params.get("field") or "reason"), f"row {i}: {exc.code}") from None
    try:
        designations = DesignationSet.from_frame(table("designations"))
    except GeoError as exc:
        raise _invalid(shown, "designations", str(exc.params.get("missing") or "*"), exc.code) from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise _invalid(shown, "designations", "*", type(exc).__name__) from None
    meta = ScenarioMeta(
        app_version=entries.get("app_version") or "", created=entries.get("created") or "",
        province=entries.get("province"), level=level, vintage=vintage, title=entries.get("title") or "",
        format_version=version,
    )
    return Scenario(
        meta=meta,
        indicators=table("indicators"),
        designations=designations,
        rules=rules_from_yaml(rules_text, path=f"{src.name}:{META_LAYER}.rules_yaml"),
        manual=tuple(manual),
        ranking=table("ranking"),
        boundaries=boundaries,
        notes=entries.get("notes") or "",
    )


# ---------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------
CHANGES = ("enter", "leave", "tier")


def _ranking_of(item) -> pd.DataFrame:
    if isinstance(item, Scenario):
        if item.ranking is None:
            return rerank(item).ranking
        return item.ranking
    return item


def compare(a: Scenario | pd.DataFrame, b: Scenario | pd.DataFrame, *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """Units whose status differs from scenario ``a`` to scenario ``b``.

    Returns one row per changed unit with ``code``, ``name``, ``change``
    (``"enter"``: selected in ``b`` only; ``"leave"``: selected in ``a`` only;
    ``"tier"``: selected in both, different tier), ``change_text`` in ``lang``,
    ``tier_a``, ``tier_b``, ``rank_a``, ``rank_b``. Sorted by change, then code.
    Accepts scenarios or :func:`geo.analysis.ranking.rank` results.
    """
    ra, rb = _ranking_of(a), _ranking_of(b)
    cols = ["code", "name", "selected", "tier", "rank"]
    left = ra[[c for c in cols if c in ra]].copy()
    right = rb[[c for c in cols if c in rb]].copy()
    left["code"], right["code"] = left["code"].astype(str), right["code"].astype(str)
    merged = left.merge(right, on="code", how="outer", suffixes=("_a", "_b"), sort=True)
    sel_a = merged["selected_a"].astype("boolean").fillna(False).astype(bool)
    sel_b = merged["selected_b"].astype("boolean").fillna(False).astype(bool)
    tier_a = merged["tier_a"].astype("Int64")
    tier_b = merged["tier_b"].astype("Int64")
    change = np.select(
        [sel_b & ~sel_a, sel_a & ~sel_b, sel_a & sel_b & (tier_a.fillna(-1) != tier_b.fillna(-1)).astype(bool)],
        ["enter", "leave", "tier"], default="",
    )
    name = merged["name_b"].astype(object).where(merged["name_b"].notna(), merged["name_a"].astype(object))
    out = pd.DataFrame({
        "code": merged["code"].astype(object),
        "name": name.astype(object),
        "change": pd.Series(change, dtype=object),
        "tier_a": tier_a, "tier_b": tier_b,
        "rank_a": merged["rank_a"].astype("Int64"), "rank_b": merged["rank_b"].astype("Int64"),
    })
    out = out[out["change"] != ""].copy()
    out["change_text"] = [t(f"scenario.{c}", lang) for c in out["change"]]
    out["_order"] = out["change"].map({c: i for i, c in enumerate(CHANGES)})
    out = out.sort_values(["_order", "code"], kind="mergesort").drop(columns="_order").reset_index(drop=True)
    return out[["code", "name", "change", "change_text", "tier_a", "tier_b", "rank_a", "rank_b"]]
