"""Priority targeting: tiers from rules, a composite score, a ranked list with reasons.

The app's priority page and ``python -m geo priority`` both call :func:`rank`.

Rules
-----
A :class:`Tier` holds a :class:`Rule`, a small boolean expression over
designation types and indicator thresholds::

    (border or zone_iii) and poor_rate_2020 >= 20

- a bare name is a designation type (``border``, ``atk``, ``p135``,
  ``zone_iii``, ``zone_ii``, ``zone_i``, ``poor_district`` or a custom label);
- ``column <op> number`` compares an indicator column; ``op`` is one of
  ``>= <= > < == !=`` (also ``≥ ≤ ≠`` and a single ``=``); chains such as
  ``10 <= poor_rate < 20`` are allowed; decimals may use a comma (``20,5``);
- ``and``, ``or``, ``not`` and parentheses combine them (``AND``/``OR``/``NOT``
  and Vietnamese ``và``/``hoặc``/``không`` are accepted too).

Nothing else is allowed: no calls, attributes, strings or arithmetic. The
text is parsed with :mod:`ast` and checked node by node; it is never
evaluated by Python. A comparison on a missing value is *unknown*: ``and``,
``or`` and ``not`` follow three-valued logic, and only a definite *true*
places a unit in a tier.

Tiers are tried in order; a unit gets the first tier whose rule holds
(tier 1 is the highest priority). The reasons are the parts of that rule
which held, in words: ``"Xã biên giới; tỷ lệ hộ nghèo 24,3% ≥ 20%"``.

Score
-----
``score = 100 × Σ wᵢ·nᵢ / Σ wᵢ + Σ bonus(designation)``, where ``nᵢ`` is
indicator ``i`` min–max normalised *within the units ranked*:
``(x − min) / (max − min)``, or ``(max − x) / (max − min)`` when a lower value
means more need. A missing value counts 0 (no evidence of need); a column
whose values are all equal gives 0 to every unit. Bonuses are points added
for each effective designation of the unit.

Order
-----
Tier (1 first, units without a tier last), then score (descending), then the
poor rate (descending, missing last), then the code (ascending): the same
inputs always give the same ranks.
"""

from __future__ import annotations

import ast
import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo import settings
from geo.analysis.indicators import pick_column
from geo._errors import GeoError
from geo.units.designations import DESIGNATION_TYPES, DesignationSet, designation_label
from geo.text.i18n import DEFAULT_LANG, format_number, has_message, t

__all__ = [
    "Rule",
    "Tier",
    "Weight",
    "ScoreSpec",
    "RuleSet",
    "ManualDecision",
    "Coverage",
    "parse_rule",
    "rank",
    "rule_warnings",
    "ranking_table",
    "coverage",
    "coverage_chart",
    "load_rules",
    "rules_from_yaml",
    "rules_to_yaml",
    "RANK_COLUMNS",
]

OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}
_NEGATE = {">=": "<", "<=": ">", ">": "<=", "<": ">=", "==": "!=", "!=": "=="}
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}
_AST_OPS = {ast.GtE: ">=", ast.LtE: "<=", ast.Gt: ">", ast.Lt: "<", ast.Eq: "==", ast.NotEq: "!="}
MANUAL_ACTIONS = ("include", "exclude")

# Columns rank() puts first, in this order (district columns only when the input has them).
RANK_COLUMNS = [
    "rank", "code", "name", "district_code", "district_name", "designations", "rule_tier", "tier", "tier_label",
    "score", "selected", "manual", "manual_reason", "reasons",
]


# ---------------------------------------------------------------------------
# Expressions
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Flag:
    name: str
    negated: bool = False


@dataclass(frozen=True)
class _Compare:
    name: str
    op: str
    value: float


@dataclass(frozen=True)
class _And:
    parts: tuple


@dataclass(frozen=True)
class _Or:
    parts: tuple


_WORDS = {"and": "and", "or": "or", "not": "not", "và": "and", "hoặc": "or", "không": "not"}
_WORD_RE = re.compile(r"(?<![\w.])(and|or|not|và|hoặc|không)(?![\w.])", re.IGNORECASE)


def _normalise_text(text: str) -> str:
    out = text.replace("≥", ">=").replace("≤", "<=").replace("≠", "!=")
    out = re.sub(r"(?<![<>=!])=(?!=)", "==", out)
    out = re.sub(r"(?<=\d),(?=\d)", ".", out)
    return _WORD_RE.sub(lambda m: _WORDS[m.group(1).lower()], out)


def _negate(node):
    if isinstance(node, _Flag):
        return _Flag(node.name, not node.negated)
    if isinstance(node, _Compare):
        return _Compare(node.name, _NEGATE[node.op], node.value)
    if isinstance(node, _And):
        return _Or(tuple(_negate(p) for p in node.parts))
    return _And(tuple(_negate(p) for p in node.parts))


def _number(node, text: str) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _number(node.operand, text)
        if inner is not None:
            return -inner if isinstance(node.op, ast.USub) else inner
    return None


def _convert(node, text: str):
    if isinstance(node, ast.BoolOp):
        parts = tuple(_convert(v, text) for v in node.values)
        return _And(parts) if isinstance(node.op, ast.And) else _Or(parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _negate(_convert(node.operand, text))
    if isinstance(node, ast.Name):
        return _Flag(node.id)
    if isinstance(node, ast.Compare):
        items = [node.left, *node.comparators]
        parts = []
        for left, op, right in zip(items, node.ops, items[1:]):
            if type(op) not in _AST_OPS:
                raise GeoError("rule_not_allowed", expression=text, element=ast.get_source_segment(text, node) or "?")
            sym = _AST_OPS[type(op)]
            if isinstance(left, ast.Name) and _number(right, text) is not None:
                parts.append(_Compare(left.id, sym, _number(right, text)))
            elif isinstance(right, ast.Name) and _number(left, text) is not None:
                parts.append(_Compare(right.id, _FLIP[sym], _number(left, text)))
            else:
                segment = f"{ast.get_source_segment(text, left)} {sym} {ast.get_source_segment(text, right)}"
                raise GeoError("rule_compare", expression=text, element=segment)
        return parts[0] if len(parts) == 1 else _And(tuple(parts))
    segment = ast.get_source_segment(text, node) or type(node).__name__
    raise GeoError("rule_not_allowed", expression=text, element=segment)


def _walk(node):
    yield node
    if isinstance(node, (_And, _Or)):
        for p in node.parts:
            yield from _walk(p)


@dataclass(frozen=True)
class Rule:
    """A parsed rule expression (see the module docstring for the syntax).

    ``Rule("border and poor_rate >= 20")`` parses on creation and raises
    :class:`GeoError` (``rule_syntax``, ``rule_not_allowed``, ``rule_compare``,
    ``rule_too_long``) for anything outside the grammar. Equality compares the text.
    """

    text: str
    _tree: object = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        text = " ".join(str(self.text).split())
        object.__setattr__(self, "text", text)
        if not text:
            raise GeoError("rule_syntax", expression=text, column=0, detail="∅")
        if len(text) > settings.RULE_MAX_CHARS:
            raise GeoError("rule_too_long", expression=text[:60] + "…", limit=settings.RULE_MAX_CHARS)
        source = _normalise_text(text)
        try:
            tree = ast.parse(source, mode="eval")
        except (SyntaxError, ValueError) as exc:
            raise GeoError("rule_syntax", expression=text, column=getattr(exc, "offset", None) or 0,
                           detail=getattr(exc, "msg", str(exc))) from None
        except RecursionError:
            raise GeoError("rule_too_long", expression=text[:60] + "…", limit=settings.RULE_MAX_CHARS) from None
        object.__setattr__(self, "_tree", _convert(tree.body, source))

    @property
    def flags(self) -> list[str]:
        """Designation types named, in order of appearance."""
        return list(dict.fromkeys(n.name for n in _walk(self._tree) if isinstance(n, _Flag)))

    @property
    def indicators(self) -> list[str]:
        """Indicator columns compared, in order of appearance."""
        return list(dict.fromkeys(n.name for n in _walk(self._tree) if isinstance(n, _Compare)))

    def evaluate(self, types: set[str], values: Mapping[str, object]) -> tuple[bool | None, list[tuple]]:
        """Three-valued result for one unit, and the parts that held (as reason tuples).

        ``types`` are the unit's effective designation types, ``values`` its
        indicator values. A reason tuple is ``("flag", type)``,
        ``("not_flag", type)`` or ``("compare", column, op, value, threshold)``.
        """
        return _eval(self._tree, types, values)


def parse_rule(text: str) -> Rule:
    """Parse a rule expression; see :class:`Rule`."""
    return Rule(text)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _eval(node, types, values):
    if isinstance(node, _Flag):
        held = (node.name in types) != node.negated
        return held, ([("not_flag" if node.negated else "flag", node.name)] if held else [])
    if isinstance(node, _Compare):
        value = values.get(node.name)
        if _missing(value):
            return None, []
        x = float(value)
        held = {
            ">=": x >= node.value, "<=": x <= node.value, ">": x > node.value, "<": x < node.value,
            "==": x == node.value, "!=": x != node.value,
        }[node.op]
        return held, ([("compare", node.name, node.op, x, node.value)] if held else [])
    results = [_eval(p, types, values) for p in node.parts]
    if isinstance(node, _And):
        if any(r is False for r, _ in results):
            return False, []
        if any(r is None for r, _ in results):
            return None, []
        return True, [reason for _, reasons in results for reason in reasons]
    if any(r is True for r, _ in results):
        return True, [reason for r, reasons in results if r is True for reason in reasons]
    if any(r is None for r, _ in results):
        return None, []
    return False, []


# ---------------------------------------------------------------------------
# Rule sets
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Tier:
    """One priority tier: a label and the rule that admits a unit. ``rule`` may be given as text."""

    label: str
    rule: Rule

    def __post_init__(self) -> None:
        if isinstance(self.rule, str):
            object.__setattr__(self, "rule", Rule(self.rule))
        object.__setattr__(self, "label", str(self.label).strip())


@dataclass(frozen=True)
class Weight:
    """One indicator in the composite score.

    ``higher_is_need=False`` for indicators where a *lower* value means more
    need (e.g. a share of households with clean water).
    """

    column: str
    weight: float = 1.0
    higher_is_need: bool = True

    def __post_init__(self) -> None:
        try:
            w = float(self.weight)
        except (TypeError, ValueError):
            raise GeoError("score_bad_weight", column=self.column, value=self.weight) from None
        if not math.isfinite(w) or w < 0:
            raise GeoError("score_bad_weight", column=self.column, value=self.weight)
        object.__setattr__(self, "weight", w)
        object.__setattr__(self, "higher_is_need", bool(self.higher_is_need))


@dataclass(frozen=True)
class ScoreSpec:
    """Weights of normalised indicators and bonus points per designation type."""

    weights: tuple[Weight, ...] = ()
    bonuses: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", tuple(self.weights))
        bonuses = {}
        for kind, points in dict(self.bonuses).items():
            try:
                value = float(points)
            except (TypeError, ValueError):
                raise GeoError("score_bad_weight", column=kind, value=points) from None
            if not math.isfinite(value):
                raise GeoError("score_bad_weight", column=kind, value=points)
            bonuses[str(kind)] = value
        object.__setattr__(self, "bonuses", bonuses)


@dataclass(frozen=True)
class RuleSet:
    """Everything that decides a ranking, editable by the app and saved with a scenario.

    Parameters
    ----------
    tiers
        Tried in order; tier 1 is the highest priority.
    score
        The composite score.
    labels
        Indicator words for the reasons, per language: ``{"poor_rate_2020": {"vi": "tỷ lệ hộ nghèo", "en": "poor rate"}}``.
    tie_break
        Poor-rate column used to break score ties; None picks ``poor_rate``, else the latest ``poor_rate_YYYY``.
    on
        Date at which designation periods are checked; None ignores periods.
    name, description
        Free text shown in exports.
    """

    tiers: tuple[Tier, ...] = ()
    score: ScoreSpec = field(default_factory=ScoreSpec)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    tie_break: str | None = None
    on: _dt.date | None = None
    name: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", tuple(self.tiers))
        object.__setattr__(self, "labels", {str(k): dict(v) for k, v in dict(self.labels).items()})

    @property
    def indicators(self) -> list[str]:
        """Every indicator column the rule set reads."""
        names = [n for tier in self.tiers for n in tier.rule.indicators] + [w.column for w in self.score.weights]
        return list(dict.fromkeys(names))

    @property
    def flags(self) -> list[str]:
        """Every designation type the rule set reads."""
        names = [n for tier in self.tiers for n in tier.rule.flags] + list(self.score.bonuses)
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class ManualDecision:
    """A planner's decision to include or exclude a unit whatever the rules say.

    ``tier`` places an included unit in that tier; by default it keeps the tier
    its rules gave it, or the lowest tier when the rules gave none.
    """

    code: str
    action: str
    reason: str
    tier: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", str(self.code).strip())
        if self.action not in MANUAL_ACTIONS:
            raise GeoError("manual_invalid", code=self.code, field="action", value=self.action)
        if not str(self.reason or "").strip():
            raise GeoError("manual_reason_required", code=self.code)
        object.__setattr__(self, "reason", " ".join(str(self.reason).split()))
        if self.tier is not None:
            if isinstance(self.tier, bool) or not float(self.tier).is_integer() or int(self.tier) < 1:
                raise GeoError("manual_invalid", code=self.code, field="tier", value=self.tier)
            object.__setattr__(self, "tier", int(self.tier))


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------
_YEAR = re.compile(r"^(.*?)_((?:19|20)\d\d)$")


def _is_percent(column: str) -> bool:
    return bool(re.search(r"(rate|pct|percent|ty_le)", column))


def indicator_label(column: str, lang: str = DEFAULT_LANG, labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """Words for an indicator in a reason: ``poor_rate`` -> "tỷ lệ hộ nghèo", ``poor_rate_2020`` -> "tỷ lệ hộ nghèo (2020)"."""
    custom = (labels or {}).get(column)
    if custom and (custom.get(lang) or custom.get("vi")):
        return custom.get(lang) or custom["vi"]
    m = _YEAR.match(column)
    base, year = (m.group(1), m.group(2)) if m else (column, None)
    key = f"reason.indicator.{base}"
    words = t(key, lang) if has_message(key) else base
    return f"{words} ({year})" if year else words


def _indicator_header(column: str, lang: str) -> str:
    """A column header for an indicator: "Tỷ lệ hộ nghèo (%) 2020"; the column name when unknown."""
    m = _YEAR.match(column)
    base, year = (m.group(1), m.group(2)) if m else (column, None)
    key = f"indicator.{base}"
    if not has_message(key):
        return column
    return f"{t(key, lang)} {year}" if year else t(key, lang)


def _compact(value: float, lang: str, percent: bool) -> str:
    text = format_number(value, settings.REASON_DECIMALS, lang)
    decimal = "," if lang == "vi" else "."
    if decimal in text:
        text = text.rstrip("0").rstrip(decimal)
    return text + ("%" if percent else "")


def _reason_text(reason: tuple, lang: str, labels) -> str:
    kind = reason[0]
    if kind == "flag":
        return designation_label(reason[1], lang)
    if kind == "not_flag":
        label = designation_label(reason[1], lang)
        return t("reason.not", lang, label=label[:1].lower() + label[1:])
    _, column, op, value, threshold = reason
    pct = _is_percent(column)
    return (f"{indicator_label(column, lang, labels)} {_compact(value, lang, pct)} "
            f"{OPERATORS[op]} {_compact(threshold, lang, pct)}")


def _join_reasons(parts: list[str]) -> str:
    parts = list(dict.fromkeys(p for p in parts if p))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------
def _tie_break_column(rules: RuleSet, columns) -> str | None:
    if rules.tie_break:
        return rules.tie_break
    if "poor_rate" in columns:
        return "poor_rate"
    years = sorted(c for c in columns if re.fullmatch(r"poor_rate_\d{4}", str(c)))
    return years[-1] if years else None


def _numeric_columns(df: pd.DataFrame) -> list[str]:
    return [str(c) for c in df.columns if c not in ("geometry", "source_row") and pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c])]


def _check_names(rules: RuleSet, df: pd.DataFrame, designations: DesignationSet) -> None:
    known_types = set(DESIGNATION_TYPES) | set(designations.types)
    numeric = _numeric_columns(df)
    for tier in rules.tiers:
        expr = tier.rule.text
        for name in tier.rule.flags:
            if name in known_types:
                continue
            if name in df.columns:
                raise GeoError("rule_flag_is_indicator", name=name, expression=expr)
            raise GeoError("rule_unknown_name", name=name, expression=expr,
                           designations=", ".join(sorted(known_types)), columns=", ".join(numeric) or "–")
        for name in tier.rule.indicators:
            if name in known_types and name not in df.columns:
                raise GeoError("rule_indicator_is_flag", name=name, expression=expr)
            if name not in df.columns:
                raise GeoError("rule_unknown_name", name=name, expression=expr,
                               designations=", ".join(sorted(known_types)), columns=", ".join(numeric) or "–")
            if name not in numeric:
                raise GeoError("rule_not_numeric", name=name, expression=expr)
    for w in rules.score.weights:
        if w.column not in numeric:
            raise GeoError("score_unknown_column", column=w.column, columns=", ".join(numeric) or "–")
    if rules.tie_break and rules.tie_break not in numeric:
        raise GeoError("score_unknown_column", column=rules.tie_break, columns=", ".join(numeric) or "–")


def _scores(df: pd.DataFrame, types_of: list[set[str]], spec: ScoreSpec) -> pd.Series:
    total_w = sum(w.weight for w in spec.weights)
    score = pd.Series(0.0, index=df.index)
    if total_w > 0:
        for w in spec.weights:
            x = pd.to_numeric(df[w.column], errors="coerce").astype(float)
            lo, hi = x.min(), x.max()
            if pd.isna(lo) or hi == lo:
                norm = pd.Series(0.0, index=df.index)
            else:
                norm = (x - lo) / (hi - lo) if w.higher_is_need else (hi - x) / (hi - lo)
            score += w.weight * norm.fillna(0.0)
        score = 100.0 * score / total_w
    bonus = [sum(spec.bonuses.get(k, 0.0) for k in kinds) for kinds in types_of]
    return (score + pd.Series(bonus, index=df.index, dtype=float)).round(settings.SCORE_DECIMALS)


def _district_columns(df: pd.DataFrame) -> dict[str, str]:
    out = {}
    for target, candidates in (("district_code", ("district_code", "parent_code")),
                               ("district_name", ("district_name", "parent_name"))):
        for c in candidates:
            if c in df.columns:
                out[target] = c
                break
    return out


def rank(
    units_df: pd.DataFrame,
    *,
    designations: DesignationSet,
    rules: RuleSet,
    manual: Iterable[ManualDecision] | None = None,
    lang: str = DEFAULT_LANG,
) -> pd.DataFrame:
    """Every unit with its tier, score, rank and the reasons in words.

    Parameters
    ----------
    units_df
        One row per unit: ``code`` (GSO, text), ``name``, optionally
        ``district_code``/``district_name`` (or ``parent_code``/``parent_name``)
        and the indicator columns the rules read. A GeoDataFrame keeps its geometry.
    designations
        Effective designations are looked up by code (at ``rules.on`` when set).
    rules
        Tiers, score and labels.
    manual
        Include/exclude decisions, each with a reason; reflected in ``tier``,
        ``selected`` and ``reasons`` (``rule_tier`` keeps what the rules said).
    lang
        Language of ``reasons`` and ``tier_label`` defaults: ``"vi"`` or ``"en"``.

    Returns
    -------
    DataFrame
        Sorted by ``rank`` (see the module docstring for the order), columns
        :data:`RANK_COLUMNS` first, then the input's other columns.
        ``tier`` is a nullable integer (<NA> = no tier); ``designations`` lists
        the unit's effective types, comma-separated.

    Raises
    ------
    GeoError
        For a rule or weight naming an unknown or non-numeric column, or a
        manual decision on a code not in ``units_df``.
    """
    if "code" not in units_df.columns:
        raise GeoError("units_no_code", columns=", ".join(map(str, units_df.columns)))
    df = units_df.reset_index(drop=True).copy()
    df["code"] = df["code"].astype(object).map(lambda v: None if _missing(v) else str(v))
    if df["code"].isna().any() or df["code"].duplicated().any():
        bad = sorted(set(df["code"][df["code"].duplicated()].dropna())) or ["∅"]
        raise GeoError("units_bad_codes", codes=", ".join(bad[:10]))
    if "name" not in df.columns:
        df["name"] = None
    _check_names(rules, df, designations)

    by_code = designations.types_by_code(on=rules.on)
    types_of = [by_code.get(code, set()) for code in df["code"]]
    read = rules.indicators
    records = df[read].to_dict("records") if read else [{} for _ in range(len(df))]

    rule_tier: list[int | None] = []
    reasons: list[list[str]] = []
    for kinds, values in zip(types_of, records):
        found, why = None, []
        for number, tier in enumerate(rules.tiers, start=1):
            held, parts = tier.rule.evaluate(kinds, values)
            if held is True:
                found, why = number, [_reason_text(p, lang, rules.labels) for p in parts]
                break
        rule_tier.append(found)
        reasons.append(why)

    decisions: dict[str, ManualDecision] = {}
    for d in manual or ():
        if d.code not in set(df["code"]):
            raise GeoError("manual_unknown_code", code=d.code)
        if d.code in decisions:
            raise GeoError("manual_duplicate", code=d.code)
        if d.tier is not None and d.tier > max(len(rules.tiers), 1):
            raise GeoError("manual_invalid", code=d.code, field="tier", value=d.tier)
        decisions[d.code] = d

    lowest = max(len(rules.tiers), 1)
    tier, manual_action, manual_reason, texts = [], [], [], []
    for code, computed, why in zip(df["code"], rule_tier, reasons):
        d = decisions.get(code)
        if d is None:
            tier.append(computed)
            manual_action.append(None)
            manual_reason.append(None)
            texts.append(_join_reasons(why))
        elif d.action == "include":
            tier.append(d.tier or computed or lowest)
            manual_action.append("include")
            manual_reason.append(d.reason)
            texts.append(_join_reasons([t("reason.include", lang, reason=d.reason)] + why))
        else:
            tier.append(None)
            manual_action.append("exclude")
            manual_reason.append(d.reason)
            texts.append(_join_reasons([t("reason.exclude", lang, reason=d.reason)] + why))

    def label_of(number):
        if number is None:
            return ""
        if number <= len(rules.tiers) and rules.tiers[number - 1].label:
            return rules.tiers[number - 1].label
        return t("priority.tier_default", lang, n=number)

    out = df
    out["designations"] = [",".join(k for k in _ordered_types(kinds)) for kinds in types_of]
    out["rule_tier"] = pd.array(rule_tier, dtype="Int64")
    out["tier"] = pd.array(tier, dtype="Int64")
    out["tier_label"] = pd.Series([label_of(n) for n in tier], dtype=object)
    out["score"] = _scores(df, types_of, rules.score)
    out["selected"] = out["tier"].notna().to_numpy(dtype=bool)
    out["manual"] = pd.Series(manual_action, dtype=object)
    out["manual_reason"] = pd.Series(manual_reason, dtype=object)
    out["reasons"] = pd.Series(texts, dtype=object)

    tie = _tie_break_column(rules, out.columns)
    keys = pd.DataFrame({
        "t": out["tier"].astype("Float64").fillna(np.inf).astype(float),
        "s": -out["score"].astype(float),
        "p": (-pd.to_numeric(out[tie], errors="coerce").astype(float)).fillna(np.inf) if tie else 0.0,
        "c": out["code"],
    })
    order = keys.sort_values(["t", "s", "p", "c"], kind="mergesort").index
    out = out.loc[order].reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    districts = _district_columns(out)
    for target, source in districts.items():
        if target not in out.columns:
            out[target] = out[source]
    lead = [c for c in RANK_COLUMNS if c in out.columns]
    rest = [c for c in out.columns if c not in lead]
    result = out[lead + rest]
    return result


def _ordered_types(kinds: set[str]) -> list[str]:
    return [k for k in DESIGNATION_TYPES if k in kinds] + sorted(kinds - set(DESIGNATION_TYPES))


def rule_warnings(
    units_df: pd.DataFrame, *, designations: DesignationSet, rules: RuleSet, lang: str = DEFAULT_LANG,
) -> list[str]:
    """Things a planner should know before trusting a ranking, in words.

    A rule naming a designation type that no unit carries (e.g. ``border``
    while no border list was loaded: the condition is always false), and
    indicator columns with missing values.
    """
    out = []
    by_code = designations.types_by_code(on=rules.on)
    codes = set(units_df["code"].astype(str)) if "code" in units_df else set()
    present = {k for code, kinds in by_code.items() if code in codes for k in kinds}
    for name in rules.flags:
        if name not in present:
            out.append(t("priority.warn.empty_designation", lang, name=name, label=designation_label(name, lang)))
    for column in rules.indicators:
        if column in units_df:
            n = int(pd.to_numeric(units_df[column], errors="coerce").isna().sum())
            if n:
                out.append(t("priority.warn.missing_values", lang, n=n, column=column))
    return out


_TABLE_COLUMNS = ("rank", "code", "name", "district_name", "designations", "tier", "tier_label", "score", "selected",
                  "reasons")


def ranking_table(ranked: pd.DataFrame, *, lang: str = DEFAULT_LANG, indicators: Iterable[str] = ()) -> pd.DataFrame:
    """The ranked list for people: translated headers, designation words, yes/no (for CSV/XLSX and the app)."""
    cols = [c for c in _TABLE_COLUMNS if c in ranked.columns]
    if "district_name" in cols and "name" in cols and ranked["district_name"].equals(ranked["name"]):
        cols.remove("district_name")  # district-level ranking: the district is the unit itself
    extra = [c for c in indicators if c in ranked.columns and c not in cols]
    out = ranked[cols[:4] + extra + cols[4:]].copy()
    if "designations" in out:
        out["designations"] = [
            ", ".join(designation_label(k, lang) for k in str(v).split(",") if k) if isinstance(v, str) else ""
            for v in out["designations"]
        ]
    if "selected" in out:
        out["selected"] = [t("yes" if v else "no", lang) for v in out["selected"]]
    headers = {c: t(f"priority.col.{c}", lang) for c in cols if has_message(f"priority.col.{c}")}
    headers.update({c: _indicator_header(c, lang) for c in extra})
    return out.rename(columns=headers)


# ---------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Coverage:
    """What a selection reaches: ``total`` (one row) and ``by_district`` (one row per district).

    Columns: ``communes_total``, ``communes_selected``, ``households_covered``,
    ``poor_covered``, ``near_poor_covered``, ``poor_total`` and
    ``poor_share_pct`` (poor households covered / all poor households of the
    units given × 100); ``by_district`` adds ``district_code``,
    ``district_name`` and ``province_poor_share_pct`` (the district's covered
    poor households / all poor households of the units given × 100).
    """

    total: pd.DataFrame
    by_district: pd.DataFrame
    columns: Mapping[str, str | None] = field(default_factory=dict)


def coverage(
    units_df: pd.DataFrame,
    *,
    selection: Iterable[str] | None = None,
    year: str | int | None = None,
) -> Coverage:
    """Communes, households, poor and near-poor households covered by a selection, total and by district.

    Parameters
    ----------
    units_df
        All units of the province (the denominators), with ``code``,
        ``district_code``/``district_name`` (or ``parent_*``) and
        ``households``/``poor``/``near_poor`` columns, optionally suffixed by year.
    selection
        Codes selected; None uses the ``selected`` column of a :func:`rank` result.
    year
        Which year's columns to use (``2020`` -> ``poor_2020``); None takes the
        unsuffixed column, else the latest year present.
    """
    df = units_df.reset_index(drop=True)
    if selection is None:
        if "selected" not in df:
            raise GeoError("coverage_no_selection")
        chosen = df["selected"].fillna(False).astype(bool).to_numpy()
    else:
        wanted = {str(c) for c in selection}
        chosen = df["code"].astype(str).isin(wanted).to_numpy()
    cols = {k: pick_column(df.columns, k, year, latest=True) for k in ("households", "poor", "near_poor")}
    if cols["poor"] is None:
        raise GeoError("coverage_no_poor", columns=", ".join(_numeric_columns(df)) or "–")

    def num(key):
        col = cols[key]
        return pd.to_numeric(df[col], errors="coerce").astype(float) if col else pd.Series(np.nan, index=df.index)

    districts = _district_columns(df)
    frame = pd.DataFrame({
        "district_code": df[districts["district_code"]].astype(object) if "district_code" in districts else None,
        "district_name": df[districts["district_name"]].astype(object) if "district_name" in districts else None,
        "chosen": chosen,
        "households": num("households"), "poor": num("poor"), "near_poor": num("near_poor"),
    })
    province_poor = float(frame["poor"].sum())

    def summarise(part: pd.DataFrame) -> dict:
        sel = part[part["chosen"]]
        poor_total = float(part["poor"].sum())
        covered = float(sel["poor"].sum())
        return {
            "communes_total": int(len(part)),
            "communes_selected": int(len(sel)),
            "households_covered": float(sel["households"].sum(min_count=1)) if cols["households"] else np.nan,
            "poor_covered": covered,
            "near_poor_covered": float(sel["near_poor"].sum(min_count=1)) if cols["near_poor"] else np.nan,
            "poor_total": poor_total,
            "poor_share_pct": round(100.0 * covered / poor_total, settings.SHARE_DECIMALS) if poor_total else np.nan,
        }

    total = pd.DataFrame([summarise(frame)])
    rows = []
    key = "district_code" if "district_code" in districts else ("district_name" if districts else None)
    if key is not None:
        for value, part in frame.groupby(key, sort=True, dropna=False):
            entry = {"district_code": part["district_code"].iloc[0], "district_name": part["district_name"].iloc[0]}
            entry.update(summarise(part))
            entry["province_poor_share_pct"] = (
                round(100.0 * entry["poor_covered"] / province_poor, settings.SHARE_DECIMALS) if province_poor else np.nan
            )
            rows.append(entry)
    by_district = pd.DataFrame(rows, columns=[
        "district_code", "district_name", "communes_total", "communes_selected", "households_covered", "poor_covered",
        "near_poor_covered", "poor_total", "poor_share_pct", "province_poor_share_pct",
    ])
    return Coverage(total=total, by_district=by_district, columns=cols)


def coverage_chart(cov: Coverage, *, lang: str = DEFAULT_LANG):
    """A horizontal bar chart by district: poor households inside and outside the selection.

    Returns a :class:`matplotlib.figure.Figure` (no pyplot state, safe in Streamlit).
    """
    from matplotlib.figure import Figure

    data = cov.by_district.iloc[::-1]
    names = [str(n) if isinstance(n, str) else str(c) for n, c in zip(data["district_name"], data["district_code"])]
    covered = data["poor_covered"].fillna(0).to_numpy()
    outside = (data["poor_total"] - data["poor_covered"]).fillna(0).to_numpy()
    fig = Figure(figsize=(8, 0.45 * max(len(data), 3) + 1.5), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(names, covered, color=settings.COVERAGE_COLORS[0], label=t("coverage.covered", lang))
    ax.barh(names, outside, left=covered, color=settings.COVERAGE_COLORS[1], label=t("coverage.outside", lang))
    for y, (c, o) in enumerate(zip(covered, outside)):
        if c + o > 0:
            ax.text(c + o, y, " " + format_number(c, 0, lang), va="center", fontsize=8)
    share = cov.total["poor_share_pct"].iloc[0] if len(cov.total) else np.nan
    ax.set_title(t("coverage.title", lang, share=format_number(share, 1, lang)))
    ax.set_xlabel(t("coverage.axis", lang))
    ax.xaxis.set_major_formatter(lambda v, _pos: format_number(v, 0, lang))
    ax.legend(loc="lower right", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


# ---------------------------------------------------------------------------
# YAML rules files
# ---------------------------------------------------------------------------
_TOP_KEYS = ("version", "name", "description", "tiers", "score", "labels", "tie_break", "designations_on")
_TIER_KEYS = ("label", "when")
_SCORE_KEYS = ("weights", "bonuses")
_WEIGHT_KEYS = ("weight", "higher_is_need")
RULES_FORMAT_VERSION = 1

_EXPECTED = {
    "mapping": ("một bảng khóa: giá trị", "a mapping of key: value"),
    "list": ("một danh sách (các dòng bắt đầu bằng '-')", "a list (lines starting with '-')"),
    "text": ("một đoạn chữ", "text"),
    "number": ("một số không âm", "a non-negative number"),
    "bool": ("true hoặc false", "true or false"),
    "date": ("một ngày dạng YYYY-MM-DD", "a date as YYYY-MM-DD"),
    "version": (f"số {RULES_FORMAT_VERSION}", f"the number {RULES_FORMAT_VERSION}"),
}


def _bad(path: str, key: str, value: object, expected: str) -> GeoError:
    vi, en = _EXPECTED[expected]
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "…"
    return GeoError("rules_bad_value", path=path, key=key, value=shown, expected_vi=vi, expected_en=en)


def _check_keys(path: str, where: str, data: dict, allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            name = f"{where}.{key}" if where else str(key)
            raise GeoError("rules_unknown_key", path=path, key=name, allowed=", ".join(allowed))


def _text_value(path, key, value, *, required=False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise _bad(path, key, value, "text")
    return str(value)


def rules_from_yaml(text: str, *, path: str = "<rules>") -> RuleSet:
    """Parse and validate a rules document (YAML, see ``docs/rules_example.yaml``).

    Every problem raises :class:`GeoError` naming the file, the key (e.g.
    ``tiers[1].when``) and what is wrong.
    """
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise GeoError("rules_yaml_syntax", path=path, line=(mark.line + 1) if mark else "?",
                       detail=getattr(exc, "problem", None) or str(exc)) from None
    if not isinstance(data, dict):
        raise _bad(path, "/", data, "mapping")
    _check_keys(path, "", data, _TOP_KEYS)
    version = data.get("version", RULES_FORMAT_VERSION)
    if version != RULES_FORMAT_VERSION:
        raise _bad(path, "version", version, "version")
    if "tiers" not in data:
        raise GeoError("rules_missing_key", path=path, key="tiers")
    raw_tiers = data["tiers"]
    if not isinstance(raw_tiers, list):
        raise _bad(path, "tiers", raw_tiers, "list")
    tiers = []
    for i, item in enumerate(raw_tiers):
        where = f"tiers[{i}]"
        if not isinstance(item, dict):
            raise _bad(path, where, item, "mapping")
        _check_keys(path, where, item, _TIER_KEYS)
        if "when" not in item:
            raise GeoError("rules_missing_key", path=path, key=f"{where}.when")
        when = _text_value(path, f"{where}.when", item["when"], required=True)
        try:
            rule = Rule(when)
        except GeoError as exc:
            raise GeoError("rules_bad_rule", path=path, key=f"{where}.when", problem_vi=exc.message("vi"),
                           problem_en=exc.message("en")) from None
        tiers.append(Tier(label=_text_value(path, f"{where}.label", item.get("label")), rule=rule))

    score_raw = data.get("score") or {}
    if not isinstance(score_raw, dict):
        raise _bad(path, "score", score_raw, "mapping")
    _check_keys(path, "score", score_raw, _SCORE_KEYS)
    weights_raw = score_raw.get("weights") or {}
    if not isinstance(weights_raw, dict):
        raise _bad(path, "score.weights", weights_raw, "mapping")
    weights = []
    for column, spec in weights_raw.items():
        where = f"score.weights.{column}"
        if isinstance(spec, dict):
            _check_keys(path, where, spec, _WEIGHT_KEYS)
            w, higher = spec.get("weight", 1.0), spec.get("higher_is_need", True)
            if not isinstance(higher, bool):
                raise _bad(path, f"{where}.higher_is_need", higher, "bool")
            where = f"{where}.weight"
        else:
            w, higher = spec, True
        if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0 or not math.isfinite(w):
            raise _bad(path, where, w, "number")
        weights.append(Weight(column=str(column), weight=float(w), higher_is_need=higher))
    bonuses_raw = score_raw.get("bonuses") or {}
    if not isinstance(bonuses_raw, dict):
        raise _bad(path, "score.bonuses", bonuses_raw, "mapping")
    for kind, points in bonuses_raw.items():
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0 or not math.isfinite(points):
            raise _bad(path, f"score.bonuses.{kind}", points, "number")

    labels_raw = data.get("labels") or {}
    if not isinstance(labels_raw, dict):
        raise _bad(path, "labels", labels_raw, "mapping")
    labels = {}
    for column, words in labels_raw.items():
        if not isinstance(words, dict):
            raise _bad(path, f"labels.{column}", words, "mapping")
        _check_keys(path, f"labels.{column}", words, ("vi", "en"))
        labels[str(column)] = {lang: _text_value(path, f"labels.{column}.{lang}", v) for lang, v in words.items()}

    on = data.get("designations_on")
    if on is not None and not isinstance(on, _dt.date):
        try:
            on = _dt.date.fromisoformat(str(on))
        except ValueError:
            raise _bad(path, "designations_on", on, "date") from None
    tie = data.get("tie_break")
    return RuleSet(
        tiers=tuple(tiers),
        score=ScoreSpec(weights=tuple(weights), bonuses={str(k): float(v) for k, v in bonuses_raw.items()}),
        labels=labels,
        tie_break=_text_value(path, "tie_break", tie) or None,
        on=on,
        name=_text_value(path, "name", data.get("name")),
        description=_text_value(path, "description", data.get("description")),
    )


def load_rules(path: str | Path) -> RuleSet:
    """Read a rules file (UTF-8 YAML) with :func:`rules_from_yaml`."""
    path = Path(path)
    if not path.exists():
        raise GeoError("file_not_found", path=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise GeoError("table_encoding", path=str(path)) from None
    return rules_from_yaml(text, path=str(path))


def rules_to_yaml(rules: RuleSet) -> str:
    """The rule set as a YAML document that :func:`rules_from_yaml` reads back equal."""
    import yaml

    doc: dict = {"version": RULES_FORMAT_VERSION}
    if rules.name:
        doc["name"] = rules.name
    if rules.description:
        doc["description"] = rules.description
    doc["tiers"] = [{"label": tier.label, "when": tier.rule.text} for tier in rules.tiers]
    weights = {}
    for w in rules.score.weights:
        weights[w.column] = w.weight if w.higher_is_need else {"weight": w.weight, "higher_is_need": False}
    doc["score"] = {"weights": weights, "bonuses": dict(rules.score.bonuses)}
    if rules.labels:
        doc["labels"] = {k: dict(v) for k, v in rules.labels.items()}
    if rules.tie_break:
        doc["tie_break"] = rules.tie_break
    if rules.on:
        doc["designations_on"] = rules.on.isoformat()
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)
