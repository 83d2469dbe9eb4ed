"""Priority rules: the safe expression language, the rule and tier data classes, and their words.

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

:mod:`geo.analysis.ranking` ranks with these rules, :mod:`geo.analysis.rules_file`
reads and writes them as YAML, :mod:`geo.analysis.rule_form` edits them as rows of
plain controls.
"""

from __future__ import annotations

import ast
import datetime as _dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.units.designations import designation_label
from geo.text.i18n import DEFAULT_LANG, format_number, has_message, t
from geo.text.kinds import is_rate

__all__ = [
    "OPERATORS",
    "MANUAL_ACTIONS",
    "Rule",
    "Tier",
    "Weight",
    "ScoreSpec",
    "RuleSet",
    "ManualDecision",
    "parse_rule",
    "indicator_label",
    "indicator_header",
    "reason_text",
    "join_reasons",
    "is_missing",
    "is_percent",
    "compact_number",
    "format_threshold",
]

OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}
_NEGATE = {">=": "<", "<=": ">", ">": "<=", "<": ">=", "==": "!=", "!=": "=="}
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}
_AST_OPS = {ast.GtE: ">=", ast.LtE: "<=", ast.Gt: ">", ast.Lt: "<", ast.Eq: "==", ast.NotEq: "!="}
MANUAL_ACTIONS = ("include", "exclude")


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
    """The number of a literal with optional signs (``-20``, ``+-3,5``), else None; iterative (hostile chains)."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        try:
            value = float(node.value)
        except OverflowError:  # a 400-digit integer
            value = math.inf
        if not math.isfinite(value):
            raise GeoError("rule_number", expression=_short(text), number=_short(str(node.value)))
        return sign * value
    return None


def _short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a message (an input may be huge)."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _depth(tree: ast.AST) -> int:
    """Nesting depth of an expression tree, counted without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


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
                raise GeoError("rule_not_allowed", expression=_short(text, 120), element=ast.get_source_segment(text, node) or "?")
            sym = _AST_OPS[type(op)]
            if isinstance(left, ast.Name) and _number(right, text) is not None:
                parts.append(_Compare(left.id, sym, _number(right, text)))
            elif isinstance(right, ast.Name) and _number(left, text) is not None:
                parts.append(_Compare(right.id, _FLIP[sym], _number(left, text)))
            else:
                segment = f"{ast.get_source_segment(text, left)} {sym} {ast.get_source_segment(text, right)}"
                raise GeoError("rule_compare", expression=_short(text, 120), element=segment)
        return parts[0] if len(parts) == 1 else _And(tuple(parts))
    segment = ast.get_source_segment(text, node) or type(node).__name__
    raise GeoError("rule_not_allowed", expression=_short(text, 120), element=segment)


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
            raise GeoError("rule_syntax", expression=_short(text, 120), column=0, detail="∅")
        if len(text) > settings.RULE_MAX_CHARS:
            raise GeoError("rule_too_long", expression=_short(text), limit=settings.RULE_MAX_CHARS)
        source = _normalise_text(text)
        try:
            tree = ast.parse(source, mode="eval")
        except (SyntaxError, ValueError) as exc:
            if "too many nested" in str(getattr(exc, "msg", "")):
                raise GeoError("rule_too_deep", expression=_short(text), limit=settings.RULE_MAX_DEPTH) from None
            raise GeoError("rule_syntax", expression=_short(text, 120), column=getattr(exc, "offset", None) or 0,
                           detail=getattr(exc, "msg", str(exc))) from None
        except (RecursionError, MemoryError):
            raise GeoError("rule_too_deep", expression=_short(text), limit=settings.RULE_MAX_DEPTH) from None
        if _depth(tree.body) > settings.RULE_MAX_DEPTH:
            raise GeoError("rule_too_deep", expression=_short(text), limit=settings.RULE_MAX_DEPTH)
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


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _eval(node, types, values):
    if isinstance(node, _Flag):
        held = (node.name in types) != node.negated
        return held, ([("not_flag" if node.negated else "flag", node.name)] if held else [])
    if isinstance(node, _Compare):
        value = values.get(node.name)
        if is_missing(value):
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


def is_percent(column: str) -> bool:
    """Whether an indicator column is a percentage (its values print with "%")."""
    return is_rate(column)


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


def indicator_header(column: str, lang: str) -> str:
    """A column header for an indicator: "Tỷ lệ hộ nghèo (%) 2020"; the column name when unknown."""
    m = _YEAR.match(column)
    base, year = (m.group(1), m.group(2)) if m else (column, None)
    key = f"indicator.{base}"
    if not has_message(key):
        return column
    return f"{t(key, lang)} {year}" if year else t(key, lang)


def format_threshold(value: float) -> str:
    """A number as written in a rule: ``20`` not ``20.0``, ``17.5`` with a point."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(round(value, 6))


def compact_number(value: float, lang: str, percent: bool) -> str:
    """A number for words: at most ``settings.REASON_DECIMALS`` decimals, no trailing zeros, "%" for a rate."""
    text = format_number(value, settings.REASON_DECIMALS, lang)
    decimal = "," if lang == "vi" else "."
    if decimal in text:
        text = text.rstrip("0").rstrip(decimal)
    return text + ("%" if percent else "")


def reason_text(reason: tuple, lang: str, labels) -> str:
    kind = reason[0]
    if kind == "flag":
        return designation_label(reason[1], lang)
    if kind == "not_flag":
        label = designation_label(reason[1], lang)
        return t("reason.not", lang, label=label[:1].lower() + label[1:])
    _, column, op, value, threshold = reason
    pct = is_percent(column)
    return (f"{indicator_label(column, lang, labels)} {compact_number(value, lang, pct)} "
            f"{OPERATORS[op]} {compact_number(threshold, lang, pct)}")


def join_reasons(parts: list[str]) -> str:
    parts = list(dict.fromkeys(p for p in parts if p))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]
