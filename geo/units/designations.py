"""Designations: which units carry which policy status, by code, with their source.

A *designation* says that one administrative unit (by GSO code, never by
name) belongs to a policy category for a period, according to a document:
a border commune (``border``, xã biên giới), a safe-zone commune (``atk``,
xã an toàn khu), a Program 135 commune (``p135``), a zone III/II/I commune
(``zone_iii``, ``zone_ii``, ``zone_i``; zone III = xã đặc biệt khó khăn), a
poor district (``poor_district``, huyện nghèo) or a unit lagging behind its poverty-reduction target
(``lagging``, from :mod:`geo.analysis.progress`). Planners may add their own
categories under a custom label (a Python-identifier-like word such as
``ntm_2021``), which rule expressions can then name.

Three origins are kept apart:

``builtin``
    Lists shipped with the tool, each citing its source: the ATK communes of
    Lạng Sơn (Quyết định 1714/QĐ-TTg of 2013 and a later recognition whose
    number is unconfirmed) and its poor districts 2021–2025 (Quyết định
    353/QĐ-TTg). No official border, 135 or zone lists were found, and none are
    invented: border communes are *derived* from geometry and confirmed by a
    planner (:mod:`geo.analysis.border`).
``imported``
    Lists read from a planner's CSV/XLSX (:func:`read_designations`), matched
    to codes by the join machinery (:func:`geo.join.match.match_units`).
``manual``
    Hand tags and untags (:meth:`DesignationSet.tag`, :meth:`DesignationSet.untag`),
    each with a note. Untagging a built-in or imported designation does not
    delete it: a manual ``untag`` record overrides it, can be undone
    (:meth:`DesignationSet.undo`) and explains itself.

:class:`DesignationSet` is immutable: every change returns a new set, so the
app can keep it in session state and compare versions.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields

import pandas as pd

from geo.units import registry
from geo._errors import GeoError
from geo.text.names import nfc

__all__ = [
    "DESIGNATION_TYPES",
    "ORIGINS",
    "ACTIONS",
    "DESIGNATION_COLUMNS",
    "ATK_LANGSON",
    "ATK_LANGSON_1714",
    "ATK_LANGSON_2021",
    "ATK_LANGSON_2021_SOURCE",
    "POOR_DISTRICTS_LANGSON",
    "carry_to_2025",
    "Designation",
    "DesignationSet",
    "designation_label",
    "builtin_designations",
]

# Known categories; any other identifier-like word is accepted as a custom label.
DESIGNATION_TYPES = ("border", "atk", "p135", "zone_iii", "zone_ii", "zone_i", "poor_district", "lagging")
ORIGINS = ("builtin", "imported", "manual")
ACTIONS = ("tag", "untag")  # "untag" only with origin "manual": an override, not a deletion

DESIGNATION_COLUMNS = [
    "type", "code", "level", "vintage", "valid_from", "valid_to",
    "source", "source_date", "origin", "action", "note",
]

# Built-in lists, each by pre-2025 GSO code with its source. A test checks every code against the registry name
# (there is a second "Xã Chiến Thắng" in Chi Lăng, 06481, which is not ATK).
#
# 1. Quyết định 1714/QĐ-TTg ngày 23/9/2013: eight ATK communes of Bắc Sơn (GSO 185). Three of them (xã Bắc Sơn,
#    xã Quỳnh Sơn, xã Hữu Vĩnh) merged on 01/01/2020 under Nghị quyết 818/NQ-UBTVQH14: Bắc Sơn + Quỳnh Sơn became
#    xã Bắc Quỳnh (06343), Hữu Vĩnh joined thị trấn Bắc Sơn (06325). Their status is carried to the successor
#    with a note, so the eight communes are held on seven codes.
ATK_LANGSON_1714 = {
    "06373": "Xã Vũ Lễ",
    "06361": "Xã Tân Hương",
    "06352": "Xã Tân Lập",
    "06367": "Xã Vũ Lăng",
    "06349": "Xã Hưng Vũ",
    "06343": "Xã Bắc Quỳnh",
    "06325": "Thị trấn Bắc Sơn",
}
ATK_LANGSON_1714_SOURCE = "Quyết định 1714/QĐ-TTg ngày 23/9/2013 của Thủ tướng Chính phủ công nhận xã an toàn khu"
ATK_LANGSON_1714_DATE = _dt.date(2013, 9, 23)
ATK_LANGSON_1714_SUCCESSORS = {
    "06343": "Kế thừa từ xã Bắc Sơn và xã Quỳnh Sơn (xã ATK theo QĐ 1714/QĐ-TTg), nhập thành xã Bắc Quỳnh theo "
             "Nghị quyết 818/NQ-UBTVQH14 (hiệu lực 01/01/2020).",
    "06325": "Kế thừa từ xã Hữu Vĩnh (xã ATK theo QĐ 1714/QĐ-TTg), nhập vào thị trấn Bắc Sơn theo Nghị quyết "
             "818/NQ-UBTVQH14 (hiệu lực 01/01/2020).",
}
# 2. The later recognition (four units of Bắc Sơn). Its number and date are not confirmed: news reports of it date
#    from 2017 and from 25/02/2021 (Báo Biên phòng); the date kept is the 2021 report's.
ATK_LANGSON_2021 = {
    "06325": "Thị trấn Bắc Sơn",
    "06328": "Xã Long Đống",
    "06358": "Xã Chiêu Vũ",
    "06364": "Xã Chiến Thắng",
}
ATK_LANGSON_2021_DISTRICT = "185"
ATK_LANGSON_2021_SOURCE = (
    "Quyết định của Thủ tướng Chính phủ công nhận xã và vùng an toàn khu (ATK) tỉnh Lạng Sơn "
    "(số hiệu và ngày chưa xác nhận)"
)
ATK_LANGSON_2021_DATE = _dt.date(2021, 2, 25)
ATK_LANGSON_2021_NOTE = (
    "Theo Báo Biên phòng (bienphong.com.vn) ngày 25/02/2021, có tin từ năm 2017; xã ATK của Trung ương thời kháng "
    "chiến chống Pháp. Số hiệu, ngày quyết định chưa đối chiếu với văn bản gốc."
)
# Every ATK code of Lạng Sơn built in (both lists): 10 communes.
ATK_LANGSON = {**ATK_LANGSON_1714, **ATK_LANGSON_2021}
# 3. Poor districts 2021–2025 (Quyết định 353/QĐ-TTg ngày 15/3/2022), in Lạng Sơn.
POOR_DISTRICTS_LANGSON = {"181": "Huyện Bình Gia", "184": "Huyện Văn Quan"}
POOR_DISTRICTS_SOURCE = (
    "Quyết định 353/QĐ-TTg ngày 15/3/2022 của Thủ tướng Chính phủ phê duyệt danh sách huyện nghèo, xã đặc biệt "
    "khó khăn vùng bãi ngang, ven biển và hải đảo giai đoạn 2021–2025"
)
POOR_DISTRICTS_DATE = _dt.date(2022, 3, 15)
POOR_DISTRICTS_PERIOD = (_dt.date(2021, 1, 1), _dt.date(2025, 12, 31))

_CUSTOM_TYPE = re.compile(r"^[^\W\d]\w*$")


def _as_date(value: object, *, key: str) -> _dt.date | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y"):
        try:
            parsed = _dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return parsed
    raise GeoError("designation_invalid", field=key, value=text)


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return nfc(value)


@dataclass(frozen=True)
class Designation:
    """One unit's membership of one policy category, by code.

    Parameters
    ----------
    type
        ``border``, ``atk``, ``p135``, ``zone_iii``, ``zone_ii``, ``zone_i``,
        ``poor_district`` or a custom identifier-like label.
    code
        GSO code of the unit, zero-padded for ``level`` (``6364`` becomes ``"06364"``).
    level
        ``"commune"`` or ``"district"``.
    vintage
        Administrative vintage of the code: ``"pre2025"`` or ``"2025"``.
    valid_from, valid_to
        Period in force (inclusive); None for open-ended.
    source, source_date
        The document (number, title) and its date.
    origin
        ``"builtin"``, ``"imported"`` or ``"manual"``.
    action
        ``"tag"``; or ``"untag"`` for a manual override that switches off the
        built-in/imported designation of the same type and code.
    note
        Free text: why, who, what to check.
    """

    type: str
    code: str
    level: str = "commune"
    vintage: str = "pre2025"
    valid_from: _dt.date | None = None
    valid_to: _dt.date | None = None
    source: str = ""
    source_date: _dt.date | None = None
    origin: str = "manual"
    action: str = "tag"
    note: str = ""

    def __post_init__(self) -> None:
        registry.check_vintage_level(self.vintage, self.level)
        kind = _text(self.type)
        if kind not in DESIGNATION_TYPES and not _CUSTOM_TYPE.match(kind):
            raise GeoError("designation_invalid", field="type", value=self.type)
        code = registry.normalize_code(self.code, self.level)
        if code is None:
            raise GeoError("designation_invalid", field="code", value=self.code)
        if self.origin not in ORIGINS:
            raise GeoError("designation_invalid", field="origin", value=self.origin)
        if self.action not in ACTIONS or (self.action == "untag" and self.origin != "manual"):
            raise GeoError("designation_invalid", field="action", value=self.action)
        start = _as_date(self.valid_from, key="valid_from")
        end = _as_date(self.valid_to, key="valid_to")
        if start and end and end < start:
            raise GeoError("designation_invalid", field="valid_to", value=end.isoformat())
        object.__setattr__(self, "type", kind)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "valid_from", start)
        object.__setattr__(self, "valid_to", end)
        object.__setattr__(self, "source_date", _as_date(self.source_date, key="source_date"))
        object.__setattr__(self, "source", _text(self.source))
        object.__setattr__(self, "note", _text(self.note))

    @property
    def key(self) -> tuple[str, str]:
        """``(type, code)``: what a manual override applies to."""
        return (self.type, self.code)

    def in_force(self, on: _dt.date | None = None) -> bool:
        """Whether the period covers ``on`` (always true when ``on`` is None)."""
        if on is None:
            return True
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def to_record(self) -> dict:
        """A flat dict with ISO dates, one row of :meth:`DesignationSet.to_frame`."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in ("valid_from", "valid_to", "source_date"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def designation_label(kind: str, lang: str = "vi") -> str:
    """Words for a designation type (``"Xã biên giới"``), or the custom label itself."""
    from geo.text.i18n import has_message, t

    key = f"designation.{kind}"
    return t(key, lang) if has_message(key) else kind


@dataclass(frozen=True)
class DesignationSet:
    """An immutable collection of designation records; every change returns a new set.

    The *effective* designations (:meth:`types_by_code`) are: manual tags, plus
    built-in and imported designations in force that no manual ``untag``
    overrides.
    """

    items: tuple[Designation, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))

    def __iter__(self) -> Iterator[Designation]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    # -- editing --------------------------------------------------------------
    def add(self, *designations: Designation) -> DesignationSet:
        """The set with ``designations`` added; an identical record is not repeated."""
        items = list(self.items)
        for d in designations:
            if d not in items:
                items.append(d)
        return DesignationSet(tuple(items))

    def remove(self, *designations: Designation) -> DesignationSet:
        """The set without these exact records (use :meth:`untag` to switch off a source list)."""
        drop = set(designations)
        return DesignationSet(tuple(d for d in self.items if d not in drop))

    def merge(self, other: DesignationSet) -> DesignationSet:
        """Both sets' records, this set's first."""
        return self.add(*other.items)

    def _manual_removed(self, kind: str, code: str) -> list[Designation]:
        return [d for d in self.items if not (d.origin == "manual" and d.key == (kind, code))]

    def _template(self, kind: str, code: str, level: str | None, vintage: str | None) -> tuple[str, str]:
        same = [d for d in self.items if d.key == (kind, code)] or list(self.items)
        return (level or (same[0].level if same else "commune"), vintage or (same[0].vintage if same else "pre2025"))

    def tag(self, code: str, kind: str, *, note: str, level: str | None = None, vintage: str | None = None) -> DesignationSet:
        """Tag a unit by hand (replacing any earlier hand record for the same type and code).

        ``note`` says why; it is required so that every hand change explains itself.
        """
        if not _text(note):
            raise GeoError("designation_note_required", code=code, type=kind)
        level, vintage = self._template(kind, str(code), level, vintage)
        tag = Designation(type=kind, code=code, level=level, vintage=vintage, origin="manual", note=note)
        return DesignationSet(tuple(self._manual_removed(tag.type, tag.code)) + (tag,))

    def untag(self, code: str, kind: str, *, note: str, level: str | None = None, vintage: str | None = None) -> DesignationSet:
        """Switch a designation off by hand.

        When a built-in or imported record exists, a manual ``untag`` record is
        added (an override, undone by :meth:`undo`); when only a hand tag
        exists, that tag is simply withdrawn.
        """
        if not _text(note):
            raise GeoError("designation_note_required", code=code, type=kind)
        level, vintage = self._template(kind, str(code), level, vintage)
        probe = Designation(type=kind, code=code, level=level, vintage=vintage, origin="manual", action="untag", note=note)
        rest = self._manual_removed(probe.type, probe.code)
        if any(d.key == probe.key for d in rest):
            rest.append(probe)
        return DesignationSet(tuple(rest))

    def undo(self, code: str, kind: str) -> DesignationSet:
        """Drop the hand records for (type, code): back to the built-in/imported state."""
        probe = Designation(type=kind, code=code, level=self._template(kind, str(code), None, None)[0])
        return DesignationSet(tuple(self._manual_removed(probe.type, probe.code)))

    # -- reading --------------------------------------------------------------
    def filter(
        self,
        *,
        type: str | Iterable[str] | None = None,  # noqa: A002 - the domain word
        code: str | Iterable[str] | None = None,
        origin: str | Iterable[str] | None = None,
        level: str | None = None,
        vintage: str | None = None,
        on: _dt.date | None = None,
    ) -> DesignationSet:
        """Records matching every given criterion (``on``: period covers that date)."""

        def wanted(value, allowed):
            if allowed is None:
                return True
            return value in ({allowed} if isinstance(allowed, str) else set(allowed))

        return DesignationSet(tuple(
            d for d in self.items
            if wanted(d.type, type) and wanted(d.code, code) and wanted(d.origin, origin)
            and (level is None or d.level == level) and (vintage is None or d.vintage == vintage) and d.in_force(on)
        ))

    def by_code(self, code: str) -> list[Designation]:
        """Every record for one unit, overrides included (to explain it)."""
        return [d for d in self.items if d.code == registry.normalize_code(code, d.level)]

    @property
    def types(self) -> list[str]:
        """Designation types present in the set, known types first."""
        found = {d.type for d in self.items}
        return [k for k in DESIGNATION_TYPES if k in found] + sorted(found - set(DESIGNATION_TYPES))

    def overrides(self) -> list[Designation]:
        """Manual ``untag`` records."""
        return [d for d in self.items if d.action == "untag"]

    def types_by_code(self, *, on: _dt.date | None = None, vintage: str | None = None) -> dict[str, set[str]]:
        """Effective designation types per unit code (see the class docstring)."""
        untagged = {d.key for d in self.items if d.origin == "manual" and d.action == "untag"}
        out: dict[str, set[str]] = {}
        for d in self.items:
            if d.action != "tag" or (vintage is not None and d.vintage != vintage):
                continue
            if d.origin != "manual" and (d.key in untagged or not d.in_force(on)):
                continue
            out.setdefault(d.code, set()).add(d.type)
        return out

    def codes(self, kind: str, *, on: _dt.date | None = None) -> set[str]:
        """Codes effectively carrying ``kind``."""
        return {code for code, kinds in self.types_by_code(on=on).items() if kind in kinds}

    # -- frames ---------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per record, columns :data:`DESIGNATION_COLUMNS`, ISO-date strings, object dtype."""
        records = [d.to_record() for d in self.items]
        return pd.DataFrame(
            {c: pd.Series([r[c] for r in records], dtype=object) for c in DESIGNATION_COLUMNS}
        )

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> DesignationSet:
        """The inverse of :meth:`to_frame` (missing optional columns take their defaults)."""
        missing = [c for c in ("type", "code") if c not in df.columns]
        if missing:
            raise GeoError("designation_columns", columns=", ".join(map(str, df.columns)), missing=", ".join(missing))
        items = []
        for rec in df.to_dict("records"):
            kwargs = {}
            for c in DESIGNATION_COLUMNS:
                if c not in rec:
                    continue
                value = rec[c]
                if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                    continue
                kwargs[c] = value
            items.append(Designation(**kwargs))
        return cls(tuple(items))


# ---------------------------------------------------------------------------
# Built-in lists
# ---------------------------------------------------------------------------
def _builtin_pre2025() -> list[Designation]:
    out = []
    for code in sorted(ATK_LANGSON_1714):
        out.append(Designation(
            type="atk", code=code, level="commune", vintage="pre2025", valid_from=ATK_LANGSON_1714_DATE,
            source=ATK_LANGSON_1714_SOURCE, source_date=ATK_LANGSON_1714_DATE, origin="builtin",
            note=ATK_LANGSON_1714_SUCCESSORS.get(code, ""),
        ))
    for code in sorted(ATK_LANGSON_2021):
        out.append(Designation(
            type="atk", code=code, level="commune", vintage="pre2025", source=ATK_LANGSON_2021_SOURCE,
            source_date=ATK_LANGSON_2021_DATE, origin="builtin", note=ATK_LANGSON_2021_NOTE,
        ))
    for code in sorted(POOR_DISTRICTS_LANGSON):
        out.append(Designation(
            type="poor_district", code=code, level="district", vintage="pre2025",
            valid_from=POOR_DISTRICTS_PERIOD[0], valid_to=POOR_DISTRICTS_PERIOD[1], source=POOR_DISTRICTS_SOURCE,
            source_date=POOR_DISTRICTS_DATE, origin="builtin",
        ))
    return out


def builtin_designations(*, province: str | int | None = "20", vintage: str = "pre2025") -> DesignationSet:
    """Designation lists shipped with the tool, each with its source, period and vintage.

    Lạng Sơn (province 20), ``pre2025`` codes:

    - ``atk``, Quyết định 1714/QĐ-TTg (23/9/2013): Vũ Lễ 06373, Tân Hương 06361, Tân Lập 06352, Vũ Lăng 06367,
      Hưng Vũ 06349, and xã Bắc Sơn, Quỳnh Sơn, Hữu Vĩnh carried to their 2020 successors Bắc Quỳnh 06343 and
      thị trấn Bắc Sơn 06325 (with a note);
    - ``atk``, the later recognition (number and date unconfirmed): thị trấn Bắc Sơn 06325, Long Đống 06328,
      Chiêu Vũ 06358, Chiến Thắng 06364;
    - ``poor_district`` 2021–2025, Quyết định 353/QĐ-TTg (15/3/2022): Bình Gia 181, Văn Quan 184 (district level).

    For the ``2025`` vintage the same lists are carried onto the new communes by the old→new crosswalk
    (:func:`carry_to_2025`): each record keeps its source and says which former units it comes from. Other
    provinces give an empty set.
    """
    registry.check_vintage_level(vintage)
    norm = registry.normalize_code(province, "province", ) if province is not None else None
    if vintage == "2025":
        # 2025 province codes: Lạng Sơn keeps 20 (merged with no other province).
        if norm not in (None, "20"):
            return DesignationSet()
        return carry_to_2025(DesignationSet(tuple(_builtin_pre2025())), province="20")
    if norm not in (None, "20"):
        return DesignationSet()
    return DesignationSet(tuple(_builtin_pre2025()))


def carry_to_2025(designations: DesignationSet, *, province: str | int | None = None,
                  links: pd.DataFrame | None = None, lang: str = "vi") -> DesignationSet:
    """The ``pre2025`` designations carried onto the 2025 communes through the old→new crosswalk.

    A new commune carries a type when at least one of its former communes did (a district-level designation,
    e.g. ``poor_district``, counts for every former commune of that district). Each carried record keeps the
    source, dates and origin of the first record it comes from, and its note says which former units carried
    it and how many of the new commune's former communes that is ("3/4 xã cũ"), so a partial carry shows.
    Records already of the 2025 vintage are kept as they are; manual ``untag`` overrides are applied first.

    Parameters
    ----------
    designations
        Any set; only effective ``tag`` records count.
    province
        Old province code, to restrict the crosswalk.
    links
        Old→new links with ``old_code`` and ``new_code``; default: :func:`geo.units.crosswalk.links`
        (errata applied).
    """
    from geo.text.i18n import t

    if links is None:
        from geo.units.crosswalk import links as crosswalk_links

        links = crosswalk_links(province=province)  # the registry's links, errata removed
    links = links[["old_code", "new_code"]].drop_duplicates()
    old_units = registry.units(level="commune", vintage="pre2025").set_index("code")
    district_of = old_units["district_code"].to_dict()
    name_of = old_units["name"].to_dict()
    district_names = registry.units(level="district", vintage="pre2025").set_index("code")["name"].to_dict()
    former = links.groupby("new_code")["old_code"].apply(lambda s: sorted(set(s))).to_dict()
    untagged = {d.key for d in designations if d.origin == "manual" and d.action == "untag"}
    kept = [d for d in designations if d.vintage == "2025"]
    sources: dict[tuple[str, str], list[tuple[Designation, str]]] = {}
    for d in designations:
        if d.vintage != "pre2025" or d.action != "tag" or (d.origin != "manual" and d.key in untagged):
            continue
        if d.level == "commune":
            olds = [d.code]
        elif d.level == "district":
            olds = [c for c, dist in district_of.items() if dist == d.code]
        else:
            continue
        for old in olds:
            for new in links.loc[links["old_code"] == old, "new_code"]:
                sources.setdefault((new, d.type), []).append((d, old))
    out = list(kept)
    for (new, kind), recs in sorted(sources.items()):
        first = recs[0][0]
        olds = sorted({o for _, o in recs})
        n_former = len(former.get(new, olds))
        via = sorted({d.code for d, _ in recs if d.level == "district"})
        names = ", ".join(str(name_of.get(o, o)) for o in olds)
        note = t("designation.carried", lang, n=len(olds), total=n_former, names=names)
        if via:
            note += " " + t("designation.carried_district", lang,
                            districts=", ".join(str(district_names.get(c, c)) for c in via))
        docs = sorted({d.source for d, _ in recs if d.source})
        notes = sorted({d.note for d, _ in recs if d.note})
        out.append(Designation(
            type=kind, code=new, level="commune", vintage="2025", valid_from=first.valid_from,
            valid_to=first.valid_to, source="; ".join(docs), source_date=first.source_date,
            origin=first.origin if first.origin != "manual" else "manual",
            note=" ".join([note] + notes),
        ))
    return DesignationSet(tuple(out))


# ---------------------------------------------------------------------------
# Imported lists
# ---------------------------------------------------------------------------
