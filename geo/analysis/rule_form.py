"""The rule builder's model: a tier as a row of plain controls, its expression, and its words.

A planner builds a tier from controls, not from an expression:

- **designations** (any of them, e.g. border *or* zone III),
- then optionally an **indicator**, a **comparison**, a **threshold** and a **year**,
- the two parts joined by **and** or **or**.

:class:`TierForm` holds one such row. It writes the expression that
:class:`~geo.analysis.rules.Rule` parses and that rules files store
(``(border or zone_iii) and poor_rate_2024 >= 20``), reads back any expression of
that shape (:func:`form_from_rule`; None for richer ones, which stay editable as
text under "Nâng cao"), and says the rule in words in Vietnamese or English
(``"Xã biên giới hoặc xã khu vực III, và tỷ lệ hộ nghèo năm 2024 ≥ 20%"``). A tier's
label follows those words unless the planner renamed it: :func:`form_from_tier`
keeps a label only when it differs from the words. Form and expression save to the
same YAML (:func:`geo.analysis.rules_file.rules_to_yaml`).

>>> form = TierForm(designations=("border", "zone_iii"), indicator="poor_rate", threshold=20, year="2024")
>>> form.expression()
'(border or zone_iii) and poor_rate_2024 >= 20'
>>> form.words("vi")
'Xã biên giới hoặc xã khu vực III, và tỷ lệ hộ nghèo năm 2024 ≥ 20%'
>>> form_from_rule(form.expression()) == form
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from geo._errors import GeoError
from geo.analysis.rules import (
    OPERATORS,
    Rule,
    RuleSet,
    ScoreSpec,
    Tier,
    _And,
    _Compare,
    _Flag,
    _Or,
    compact_number,
    format_threshold,
    indicator_label,
    is_percent,
)
from geo.text.i18n import DEFAULT_LANG, t
from geo.units.designations import designation_label

__all__ = [
    "JOINS",
    "COMPARISONS",
    "TierForm",
    "split_column",
    "form_from_rule",
    "form_from_tier",
    "forms_of",
    "rules_from_forms",
    "score_formula",
    "form_or_none",
    "label_after_edit",
    "FormChoices",
    "form_choices",
    "edited_rules",
]

JOINS = ("and", "or")
COMPARISONS = (">=", ">", "<=", "<", "==", "!=")
_YEAR = re.compile(r"^(.*?)_((?:19|20)\d\d)$")


def split_column(column: str) -> tuple[str, str | None]:
    """``"poor_rate_2024"`` -> ``("poor_rate", "2024")``; ``"poor_rate"`` -> ``("poor_rate", None)``."""
    m = _YEAR.match(str(column))
    return (m.group(1), m.group(2)) if m else (str(column), None)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class TierForm:
    """One tier as plain controls (see the module docstring).

    Parameters
    ----------
    designations
        Designation types, any of which qualifies (joined by *or*).
    join
        ``"and"`` or ``"or"``: how the designations and the comparison combine.
    indicator
        Indicator base name (``poor_rate``); None for designations only.
    op
        One of :data:`COMPARISONS`.
    threshold
        The number compared with; the comparison is left out while it is None.
    year
        ``"2024"`` compares column ``poor_rate_2024``; None the unsuffixed column.
    label
        The planner's own name for the tier; ``""`` means the label follows the words.
    """

    designations: tuple[str, ...] = ()
    join: str = "and"
    indicator: str | None = None
    op: str = ">="
    threshold: float | None = None
    year: str | None = None
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "designations", tuple(dict.fromkeys(str(k) for k in self.designations if k)))
        if self.join not in JOINS:
            raise GeoError("rule_form_invalid", field="join", value=str(self.join)[:20], allowed=", ".join(JOINS))
        if self.op not in COMPARISONS:
            raise GeoError("rule_form_invalid", field="op", value=str(self.op)[:20], allowed=", ".join(COMPARISONS))
        object.__setattr__(self, "indicator", str(self.indicator) if self.indicator else None)
        if self.threshold is not None:
            try:
                value = float(self.threshold)
            except (TypeError, ValueError, OverflowError):
                value = math.nan
            if not math.isfinite(value):
                raise GeoError("rule_form_invalid", field="threshold", value=str(self.threshold)[:20],
                               allowed="0–100")
            object.__setattr__(self, "threshold", value)
        year = str(self.year).strip() if self.year not in (None, "") else None
        if year is not None and not re.fullmatch(r"(?:19|20)\d\d", year):
            raise GeoError("rule_form_invalid", field="year", value=year[:20], allowed="YYYY")
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "label", " ".join(str(self.label or "").split()))

    # -- parts ----------------------------------------------------------------
    @property
    def column(self) -> str | None:
        """The indicator column compared: ``poor_rate_2024``, or None."""
        if not self.indicator:
            return None
        return f"{self.indicator}_{self.year}" if self.year else self.indicator

    @property
    def compares(self) -> bool:
        """Whether the row has a complete comparison (an indicator and a threshold)."""
        return self.column is not None and self.threshold is not None

    @property
    def empty(self) -> bool:
        """Neither a designation nor a complete comparison."""
        return not self.designations and not self.compares

    # -- expression -----------------------------------------------------------
    def expression(self) -> str:
        """The rule expression of this row (``""`` when the row is empty)."""
        flags = " or ".join(self.designations)
        if not self.compares:
            return flags
        compare = f"{self.column} {self.op} {format_threshold(self.threshold)}"
        if not flags:
            return compare
        if self.join == "or":
            return f"{flags} or {compare}"
        return f"({flags}) and {compare}" if len(self.designations) > 1 else f"{flags} and {compare}"

    def rule(self) -> Rule:
        """The parsed :class:`Rule`; GeoError ``rule_form_empty`` for an empty row."""
        if self.empty:
            raise GeoError("rule_form_empty")
        return Rule(self.expression())

    # -- words ----------------------------------------------------------------
    def words(self, lang: str = DEFAULT_LANG, labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
        """The rule in words: "Xã biên giới hoặc xã khu vực III, và tỷ lệ hộ nghèo năm 2024 ≥ 20%"."""
        names = [designation_label(k, lang) for k in self.designations]
        flags = t("rule.words.any", lang).join([names[0], *map(_lower_first, names[1:])]) if names else ""
        if not self.compares:
            return flags
        what = indicator_label(self.indicator, lang, labels)
        if self.year:
            what = t("rule.words.year", lang, indicator=what, year=self.year)
        pct = is_percent(self.indicator)
        compare = f"{what} {OPERATORS[self.op]} {compact_number(self.threshold, lang, pct)}"
        if not flags:
            return _upper_first(compare)
        return flags + t(f"rule.words.{self.join}", lang) + compare

    def tier(self, lang: str = DEFAULT_LANG, labels: Mapping[str, Mapping[str, str]] | None = None) -> Tier:
        """The :class:`Tier`: the planner's label, else the words."""
        return Tier(self.label or self.words(lang, labels), self.rule())


def _flags_of(node) -> tuple[str, ...] | None:
    if isinstance(node, _Flag) and not node.negated:
        return (node.name,)
    if isinstance(node, _Or) and all(isinstance(p, _Flag) and not p.negated for p in node.parts):
        return tuple(p.name for p in node.parts)
    return None


def _compare_form(node: _Compare, **kw) -> TierForm:
    base, year = split_column(node.name)
    return TierForm(indicator=base, op=node.op, threshold=node.value, year=year, **kw)


def form_from_rule(rule: Rule | str) -> TierForm | None:
    """The form of an expression of the builder's shape; None for anything richer (``not``, ranges, nesting).

    Raises GeoError for text that is not a valid rule at all.
    """
    tree = (rule if isinstance(rule, Rule) else Rule(rule))._tree
    flags = _flags_of(tree)
    if flags:
        return TierForm(designations=flags)
    if isinstance(tree, _Compare):
        return _compare_form(tree)
    if isinstance(tree, _And) and len(tree.parts) == 2:
        first, second = tree.parts
        if isinstance(first, _Compare):
            first, second = second, first
        flags = _flags_of(first)
        if flags and isinstance(second, _Compare):
            return _compare_form(second, designations=flags, join="and")
        return None
    if isinstance(tree, _Or):
        compares = [p for p in tree.parts if isinstance(p, _Compare)]
        others = [p for p in tree.parts if not isinstance(p, _Compare)]
        if len(compares) == 1 and others and all(isinstance(p, _Flag) and not p.negated for p in others):
            return _compare_form(compares[0], designations=tuple(p.name for p in others), join="or")
    return None


def form_from_tier(tier: Tier, lang: str = DEFAULT_LANG,
                   labels: Mapping[str, Mapping[str, str]] | None = None) -> TierForm | None:
    """The form of a tier, its label kept only when it is not the rule's words (in either language)."""
    form = form_from_rule(tier.rule)
    if form is None:
        return None
    own = tier.label and tier.label not in {form.words(lg, labels) for lg in (lang, "vi", "en")}
    return replace(form, label=tier.label if own else "")


def forms_of(rules: RuleSet, lang: str = DEFAULT_LANG) -> list[TierForm | None]:
    """The form of each tier of a rule set (None where a tier is richer than the builder)."""
    return [form_from_tier(tier, lang, rules.labels) for tier in rules.tiers]


def rules_from_forms(forms: Iterable[TierForm], *, lang: str = DEFAULT_LANG, base: RuleSet | None = None) -> RuleSet:
    """A rule set whose tiers are the forms (score, labels, dates and names from ``base``)."""
    base = base or RuleSet()
    tiers = tuple(form.tier(lang, base.labels) for form in forms)
    return replace(base, tiers=tiers)


def score_formula(score: ScoreSpec, *, lang: str = DEFAULT_LANG,
                  labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The score as a formula in words, with the weights and bonuses in use.

    ``"Điểm = 100 × (2 × tỷ lệ hộ nghèo (2020) + 1 × tỷ lệ hộ cận nghèo (2020)) ÷ 3 + điểm cộng: …"``
    """
    weights = [w for w in score.weights if w.weight > 0]
    terms = []
    for w in weights:
        name = indicator_label(w.column, lang, labels)
        if not w.higher_is_need:
            name = t("score.formula.inverted", lang, indicator=name)
        terms.append(f"{compact_number(w.weight, lang, False)} × {name}")
    bonuses = [f"{designation_label(k, lang)} +{compact_number(v, lang, False)}" for k, v in score.bonuses.items() if v]
    total = compact_number(sum(w.weight for w in weights), lang, False)
    main = t("score.formula", lang, terms=" + ".join(terms), total=total) if terms else t("score.formula.none", lang)
    extra = t("score.formula.bonuses", lang, bonuses="; ".join(bonuses)) if bonuses else ""
    return main + extra


# ---------------------------------------------------------------------------
# What the page's rule builder decides (the page only draws widgets)
# ---------------------------------------------------------------------------
def form_or_none(text: str | None) -> TierForm | None:
    """The form of a rule text: an empty form for empty text, None for text the form cannot show
    (richer or invalid; it stays editable as an expression)."""
    if not str(text or "").strip():
        return TierForm()
    try:
        return form_from_rule(str(text))
    except GeoError:
        return None


def label_after_edit(label: str | None, form: TierForm | None, *, auto: Iterable[str] = (),
                     lang: str = DEFAULT_LANG) -> tuple[bool, str | None]:
    """A tier's label after the planner edited it: ``(renamed, label to show instead or None)``.

    An empty label, or one the page itself set (``auto``: the browser may send it back once more), follows
    the rule's words again; any other text is the planner's own name and stays.

    >>> form = TierForm(designations=("border",))
    >>> label_after_edit("", form)
    (False, 'Xã biên giới')
    >>> label_after_edit("Vùng cao", form)
    (True, None)
    """
    text = " ".join(str(label or "").split())
    words = form.words(lang) if form is not None and not form.empty else None
    follows = text in set(auto)
    renamed = bool(text) and text != words and not follows
    return renamed, (words if (not text or follows) and words else None)


@dataclass(frozen=True)
class FormChoices:
    """The options of a tier row's boxes: designation types, indicator base names and years (``""`` = none)."""

    designations: tuple[str, ...]
    indicators: tuple[str, ...]
    years: tuple[str, ...]


def form_choices(columns: Iterable[str], *, kinds: Iterable[str], designations: Iterable[str] = (),
                 indicator: str | None = None, year: str | None = None) -> FormChoices:
    """What a tier row offers for the data's ``columns``: every indicator base name, the years of the chosen
    ``indicator``, every designation type in ``kinds``, plus whatever the row already holds (``designations``,
    ``indicator``, ``year``), so that a value is never lost.

    >>> form_choices(["poor_rate_2020", "poor_rate_2024", "households_2024"], kinds=["border"],
    ...              indicator="poor_rate")
    FormChoices(designations=('border',), indicators=('', 'poor_rate', 'households'), years=('', '2020', '2024'))
    """
    split = [split_column(c) for c in columns]
    bases = tuple(dict.fromkeys(["", *(b for b, _ in split), indicator or ""]))
    years = tuple(dict.fromkeys(["", *sorted({y for b, y in split if b == indicator and y}), year or ""]))
    return FormChoices(designations=tuple(dict.fromkeys([*kinds, *(designations or ())])), indicators=bases,
                       years=years)


def edited_rules(base: RuleSet, *, tiers: Iterable[Tier], score: ScoreSpec, columns: Iterable[str]) -> RuleSet:
    """``base`` with the tiers and score edited on the page; its tie-break kept only when the data has it.

    Raises GeoError when the tiers do not make a valid rule set.
    """
    tie_break = base.tie_break if base.tie_break in set(columns) else None
    return RuleSet(tiers=tuple(tiers), score=score, labels=base.labels, tie_break=tie_break, on=base.on,
                   name=base.name, description=base.description)
