"""Which rows of a table belong to the chosen province: the others are set aside before any join.

A planner of Lạng Sơn may upload the national table (about 10,000 communes). Its rows of other provinces
must not be matched one by one (a name tier and fuzzy suggestions for each), nor offered as hand matches,
nor matched by a name that Lạng Sơn happens to share ("Xã Tân Thành" is a commune of 40-odd provinces).
:func:`province_scope` decides each row's province from what the row says, strongest first:

1. its GSO code (a commune's or a district's code belongs to one province);
2. its parent's code (the district's code, or the province's);
3. a province column (``province_name`` / ``province_code``: "Tỉnh", "Mã tỉnh");
4. its district's name (the provinces that have a district of that name; kept when the chosen province
   has one);
5. for a row with nothing but a unit name, and only in a table that names other provinces' units: the
   provinces that have a unit of that name. Such a name found only elsewhere is set aside; a name found
   both in the chosen province and elsewhere cannot say which unit it means (names are valid only within
   their parent unit) and is *flagged*: left unmatched, named in a message, never guessed.

Every decision is one dictionary look-up per distinct value (the registry is indexed once per level and
vintage), so a national table is scoped in a few milliseconds.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from geo import settings
from geo.text.names import fold_key
from geo.units import registry

__all__ = ["ProvinceScope", "province_scope"]

PROVINCE_COLUMNS = ("province_code", "province_name")


@dataclass
class ProvinceScope:
    """The rows of a table kept for one province, those set aside and those flagged.

    Attributes
    ----------
    province, vintage
        The chosen province's GSO code, and the vintage of the codes.
    kept
        Positions (0-based, in table order) of the rows joined to the province's units.
    set_aside
        Rows of other provinces: ``{row, name, province, by}``, ``row`` the file row, ``province`` the
        province's code (None when the row's district or name exists in several other provinces), ``by``
        what told (``code``, ``parent_code``, ``province``, ``district``, ``name``).
    flagged
        Rows with a unit name only, in a table of several provinces, whose name is a unit of the chosen
        province and of others: ``{row, name, provinces}`` (the other provinces' codes). Not joined.
    """

    province: str
    vintage: str = "pre2025"
    kept: list[int] = field(default_factory=list)
    set_aside: list[dict] = field(default_factory=list)
    flagged: list[dict] = field(default_factory=list)

    @property
    def by_province(self) -> dict[str | None, int]:
        """Rows set aside per province code (None: several possible), most rows first."""
        return dict(Counter(item["province"] for item in self.set_aside).most_common())

    def to_dict(self) -> dict:
        return {"province": self.province, "kept": len(self.kept), "set_aside": len(self.set_aside),
                "by_province": {str(k): v for k, v in self.by_province.items()},
                "set_aside_rows": self.set_aside[: settings.SCOPE_REPORT_ROWS], "flagged": self.flagged}


@functools.lru_cache(maxsize=8)
def _index(level: str, vintage: str) -> dict:
    """The registry's look-ups for one level and vintage, built once."""
    units = registry.units(level=level, vintage=vintage)
    out: dict = {
        "code": dict(zip(units["code"], units["province_code"])),
        "name": {},
        "pair": {},
        "district": {},
        "parent_code": {},
    }
    provinces = registry.provinces(vintage)
    out["province_name"] = {fold_key(n): c for c, n in zip(provinces["code"], provinces["name"])}
    out["province_code"] = set(provinces["code"])
    names = [fold_key(n) for n in units["name"]]
    for key, prov in zip(names, units["province_code"]):
        out["name"].setdefault(key, set()).add(prov)
    parent_is_district = level == "commune" and "district_name" in units and units["district_name"].notna().any()
    if parent_is_district:
        folded = {d: fold_key(d) for d in set(units["district_name"].dropna())}  # 700 districts, 10,000 rows
        districts = [folded.get(d, "") for d in units["district_name"]]
        for d, key, prov in zip(districts, names, units["province_code"]):
            out["pair"].setdefault((d, key), set()).add(prov)
            out["district"].setdefault(d, set()).add(prov)
        out["parent_code"] = dict(zip(units["district_code"], units["province_code"]))
    else:  # a district's parent, or a 2025 commune's, is the province itself
        out["parent_code"] = {c: c for c in provinces["code"]}
        out["district"] = {k: {c} for k, c in out["province_name"].items()}
    return out


def _column(data: pd.DataFrame, name: str) -> list:
    if name not in data:
        return [None] * len(data)
    return [v if isinstance(v, str) and v.strip() and v != "None" else None for v in data[name].astype(object)]


def _all_own(codes: list, *, province: str, level: str, vintage: str) -> bool:
    """Whether every code is one of the province's units (of ``level`` and ``vintage``).

    From the registry's positions of these codes alone, not the country's whole unit list with its names (about
    0.9 s for the communes).
    """
    asked = {registry.normalize_code(c, level) for c in set(codes)}
    if None in asked:
        return False
    where = registry.positions(level=level, vintage=vintage, codes=asked)["province_code"]
    return len(where) == len(asked) and bool((where == registry.normalize_code(province, "province")).all())


def _memo(func):
    seen: dict = {}

    def call(value):
        if value is None:
            return None
        if value not in seen:
            seen[value] = func(value)
        return seen[value]
    return call


def province_scope(data: pd.DataFrame, *, province: str, level: str, vintage: str) -> ProvinceScope:
    """Split the rows of an indicator table into the chosen ``province``'s, other provinces' and flagged.

    Parameters
    ----------
    data
        The table's rows (``code``, ``name``, ``parent_code``, ``parent_name`` and optionally
        ``province_code``/``province_name``, ``source_row``), as the table reader gives them.
    province
        GSO code of the province shown.
    level, vintage
        The table's level (``commune`` or ``district``) and vintage: they decide which registry
        answers for codes and names.

    Returns
    -------
    ProvinceScope

    Examples
    --------
    >>> rows = pd.DataFrame({"code": ["06001", "00001"], "name": ["Phường Hoàng Văn Thụ", "Phường Phúc Xá"]})
    >>> scope = province_scope(rows, province="20", level="commune", vintage="pre2025")
    >>> scope.kept, [(s["row"], s["province"], s["by"]) for s in scope.set_aside]
    ([0], [(2, '01', 'code')])
    """
    province = str(province).zfill(2)
    n = len(data)
    rows = data["source_row"].tolist() if "source_row" in data else list(range(1, n + 1))
    codes = _column(data, "code")
    if n and all(codes) and _all_own(codes, province=province, level=level, vintage=vintage):
        # The usual case, a table of the province's own codes: no national index to build (0.6 s once a process).
        return ProvinceScope(province=province, vintage=vintage, kept=list(range(n)))
    index = _index(level, vintage)
    parent_level = {"commune": "district" if vintage == "pre2025" else "province", "district": "province"}[level]
    code_of = _memo(lambda v: index["code"].get(registry.normalize_code(v, level)))
    parent_of = _memo(lambda v: index["parent_code"].get(registry.normalize_code(v, parent_level)))
    prov_code_of = _memo(lambda v: (lambda c: c if c in index["province_code"] else None)(
        registry.normalize_code(v, "province")))
    prov_name_of = _memo(lambda v: index["province_name"].get(fold_key(v)))
    district_of = _memo(lambda v: index["district"].get(fold_key(v)) or None)
    fold = _memo(fold_key)

    parents = _column(data, "parent_code")
    prov_codes, prov_names = _column(data, "province_code"), _column(data, "province_name")
    parent_names, names = _column(data, "parent_name"), _column(data, "name")

    scope = ProvinceScope(province=province, vintage=vintage)
    name_only: list[int] = []  # rows with nothing but a unit name: decided once the table's extent is known
    for i in range(n):
        found, by = None, None
        for value, look, how in ((codes[i], code_of, "code"), (parents[i], parent_of, "parent_code"),
                                 (prov_codes[i], prov_code_of, "province"), (prov_names[i], prov_name_of, "province")):
            found = look(value)
            if found is not None:
                by = how
                break
        if found is None and parent_names[i] is not None:
            inside = district_of(parent_names[i])
            if inside is not None:
                pair = index["pair"].get((fold(parent_names[i]), fold(names[i]))) if names[i] else None
                inside = pair or inside
                found = province if province in inside else (next(iter(inside)) if len(inside) == 1 else None)
                by = "district"
                if found is None:  # a district of several other provinces: elsewhere all the same
                    scope.set_aside.append({"row": rows[i], "name": names[i], "province": None, "by": by})
                    continue
        if found is None:
            if names[i] is not None and parent_names[i] is None and codes[i] is None:
                name_only.append(i)
            else:
                scope.kept.append(i)  # nothing tells: the join reports it
            continue
        if found == province:
            scope.kept.append(i)
        else:
            scope.set_aside.append({"row": rows[i], "name": names[i], "province": found, "by": by})

    # Rows with a name only: set aside or flagged only when the table holds other provinces' units.
    outside = [i for i in name_only if province not in (index["name"].get(fold(names[i])) or {province})]
    several = len(scope.set_aside) + len(outside)
    if several < max(settings.SCOPE_MIN_OTHER_ROWS, settings.SCOPE_MIN_OTHER_SHARE * n):
        scope.kept.extend(name_only)
    else:
        for i in name_only:
            where = index["name"].get(fold(names[i])) or set()
            if not where or where == {province}:
                scope.kept.append(i)
            elif province not in where:
                scope.set_aside.append({"row": rows[i], "name": names[i],
                                        "province": next(iter(where)) if len(where) == 1 else None, "by": "name"})
            else:
                scope.flagged.append({"row": rows[i], "name": names[i], "provinces": sorted(where - {province})})
    scope.kept.sort()
    scope.set_aside.sort(key=lambda item: item["row"])
    return scope
