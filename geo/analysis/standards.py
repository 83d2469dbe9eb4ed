"""Poverty standards (chuẩn nghèo) by period: the one place that knows which years share a standard.

Rates of poor households are comparable only under the same standard. Viet Nam changed it twice in the
period this tool covers:

=============  ==================  ==========================================================
Period         Basis               Document
=============  ==================  ==========================================================
2016–2020      income-based        Quyết định 59/2015/QĐ-TTg ngày 19/11/2015 (chuẩn nghèo tiếp cận
                                   đa chiều, xác định hộ nghèo theo thu nhập và thiếu hụt dịch vụ)
2021–2025      multidimensional    Nghị định 07/2021/NĐ-CP ngày 27/01/2021
2026–2030      multidimensional    Nghị định 351/2025/NĐ-CP (not checked against the original text)
=============  ==================  ==========================================================

Decree 07/2021 sets its income lines for 2022–2025 and 2021 plans were still written under the 2016–2020
standard (Kế hoạch 78/KH-UBND says so), while the end-of-2021 review already used the new one: this is
exactly why a table may declare its standard instead of taking its year's.

A figure belongs to the standard of its year unless the table says otherwise: Kế hoạch 78/KH-UBND
(Lạng Sơn, 2021) plans its 2021 figures "theo chuẩn nghèo giai đoạn 2016–2020", so callers may pass the
standard a table declares (:func:`standard_for_year` ``declared=``).

Examples
--------
>>> standard_for_year(2020).key
'2016-2020'
>>> crosses_standards(2020, 2022)
True
>>> crosses_standards(2022, 2024)
False
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "PovertyStandard", "StandardChange", "STANDARDS", "standard_for_year", "standard_by_key",
    "crosses_standards", "standard_change", "standard_from_text", "standard_of_table",
]


@dataclass(frozen=True)
class PovertyStandard:
    """One national poverty standard and the years it applies to (inclusive)."""

    key: str
    start_year: int
    end_year: int
    basis: str  # "income" | "multidimensional"
    source: str
    confirmed: bool = True  # False: the document's number/date is not checked against the original

    def covers(self, year: int) -> bool:
        """Whether ``year`` falls in this standard's period."""
        return self.start_year <= int(year) <= self.end_year

    def label(self, lang: str = "vi") -> str:
        """"chuẩn nghèo giai đoạn 2021–2025 (đa chiều)" / "2021–2025 poverty standard (multidimensional)"."""
        from geo.text.i18n import t

        return t("standard.label", lang, start=self.start_year, end=self.end_year,
                 basis=t(f"standard.basis.{self.basis}", lang))


STANDARDS: tuple[PovertyStandard, ...] = (
    PovertyStandard(
        key="2016-2020", start_year=2016, end_year=2020, basis="income",
        source="Quyết định 59/2015/QĐ-TTg ngày 19/11/2015 của Thủ tướng Chính phủ ban hành chuẩn nghèo tiếp cận "
               "đa chiều áp dụng cho giai đoạn 2016–2020",
    ),
    PovertyStandard(
        key="2021-2025", start_year=2021, end_year=2025, basis="multidimensional",
        source="Nghị định 07/2021/NĐ-CP ngày 27/01/2021 của Chính phủ quy định chuẩn nghèo đa chiều giai đoạn "
               "2021–2025",
    ),
    PovertyStandard(
        key="2026-2030", start_year=2026, end_year=2030, basis="multidimensional",
        source="Nghị định 351/2025/NĐ-CP của Chính phủ quy định chuẩn nghèo đa chiều quốc gia giai đoạn "
               "2026–2030 (số hiệu, ngày chưa đối chiếu với văn bản gốc)",
        confirmed=False,
    ),
)

_KEY = re.compile(r"(20\d\d)\s*[-–—‒−/]\s*(20\d\d)")
# The same in folded words (fold_words): "2016 2020", "2016 den 2020", "2016 to 2020".
_FOLDED_PERIOD = re.compile(r"(20\d\d) (?:den |to |)(20\d\d)")
# Words that say a text names a poverty standard, folded (diacritics dropped).
_STANDARD_WORDS = re.compile(r"\b(?:chuan ngheo|poverty (?:standard|line|threshold)s?)\b")
# The documents that set each standard, as planners cite them ("theo Quyết định 59/2015/QĐ-TTg").
_DOCUMENTS = {"59 2015 qd ttg": "2016-2020", "07 2021 nd cp": "2021-2025", "351 2025 nd cp": "2026-2030"}


def standard_by_key(key: str) -> PovertyStandard | None:
    """The standard named ``"2021-2025"`` (any dash), or None."""
    m = _KEY.search(str(key))
    if not m:
        return None
    return next((s for s in STANDARDS if (s.start_year, s.end_year) == (int(m.group(1)), int(m.group(2)))), None)


def standard_from_text(text: object) -> PovertyStandard | None:
    """The standard a header or title names ("Theo chuẩn nghèo giai đoạn 2016-2020"), or None.

    Only text that says *chuẩn nghèo* / *poverty standard* (diacritics optional) with a period, or cites the
    document that set a standard (Quyết định 59/2015/QĐ-TTg, Nghị định 07/2021/NĐ-CP), counts, so that a
    plan's "giai đoạn 2021–2025" title alone does not declare a standard. The period named after the words
    wins: "Kết quả 2016–2020 theo chuẩn nghèo đa chiều giai đoạn 2021–2025" is 2021–2025. Any dash, or
    none, between the years; diacritics optional.

    Examples
    --------
    >>> standard_from_text("SỐ HỘ NGHÈO NĂM 2020 (theo chuẩn nghèo giai đoạn 2016–2020)").key
    '2016-2020'
    >>> standard_from_text("ty le ho ngheo theo chuan ngheo da chieu giai doan 2021-2025").key
    '2021-2025'
    >>> standard_from_text("KẾ HOẠCH GIẢM NGHÈO GIAI ĐOẠN 2021-2025") is None
    True
    """
    from geo.text.names import fold_words

    folded = fold_words(str(text or ""))
    for number, key in _DOCUMENTS.items():
        if f" {number} " in f" {folded} ":
            return standard_by_key(key)
    said = _STANDARD_WORDS.search(folded)
    if said is None:
        return None
    periods = [standard_by_key(f"{m.group(1)}-{m.group(2)}") for m in _FOLDED_PERIOD.finditer(folded)]
    after = [p for m, p in zip(_FOLDED_PERIOD.finditer(folded), periods) if m.start() >= said.start() and p]
    if after:
        return after[0]
    known = [p for p in periods if p]
    return known[-1] if known else None


def standard_of_table(table) -> PovertyStandard | None:
    """The poverty standard a table names about itself, or None to go by each year's period.

    Read from its title rows (:attr:`geo.io.tables.IndicatorTable.title`), then its header texts
    (:attr:`~geo.io.tables.IndicatorTable.columns`). A table whose title names two different standards
    declares none (each year then keeps its own).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> standard_of_table(SimpleNamespace(title=("BIỂU 01", "Theo chuẩn nghèo giai đoạn 2016 - 2020"))).key
    '2016-2020'
    """
    title, headers = getattr(table, "title", ()), getattr(table, "columns", None)
    title = [title] if isinstance(title, str) else list(title or ())
    headers = list(headers.values()) if isinstance(headers, Mapping) else []
    for texts in (title, headers):
        found = {s for s in (standard_from_text(text) for text in texts) if s is not None}
        if len(found) == 1:
            return found.pop()
        if found:
            return None
    return None


def standard_for_year(year: int | str | None, *, declared: str | PovertyStandard | None = None) -> PovertyStandard | None:
    """The standard a figure of ``year`` is measured by: ``declared`` when given, else its year's period."""
    if isinstance(declared, PovertyStandard):
        return declared
    if declared:
        found = standard_by_key(declared)
        if found is not None:
            return found
    if year is None:
        return None
    try:
        y = int(year)
    except (TypeError, ValueError):
        return None
    return next((s for s in STANDARDS if s.covers(y)), None)


@dataclass(frozen=True)
class StandardChange:
    """Two years measured by different standards: a change between them is not a like-for-like change."""

    year_from: int
    year_to: int
    standard_from: PovertyStandard | None
    standard_to: PovertyStandard | None

    def message(self, lang: str = "vi") -> str:
        """One sentence for a warning banner or a report."""
        from geo.text.i18n import t

        def name(s):
            return s.label(lang) if s else t("standard.unknown", lang)

        return t("standard.crossing", lang, year_from=self.year_from, year_to=self.year_to,
                 standard_from=name(self.standard_from), standard_to=name(self.standard_to))


def standard_change(year_from: int, year_to: int, *, declared_from: str | PovertyStandard | None = None,
                    declared_to: str | PovertyStandard | None = None) -> StandardChange | None:
    """A :class:`StandardChange` when the two years' standards differ (or one is unknown), else None."""
    a = standard_for_year(year_from, declared=declared_from)
    b = standard_for_year(year_to, declared=declared_to)
    if a is not None and a == b:
        return None
    return StandardChange(int(year_from), int(year_to), a, b)


def crosses_standards(year_from: int, year_to: int, *, declared_from: str | PovertyStandard | None = None,
                      declared_to: str | PovertyStandard | None = None) -> bool:
    """Whether figures of the two years are measured by different (or unknown) standards."""
    return standard_change(year_from, year_to, declared_from=declared_from, declared_to=declared_to) is not None
