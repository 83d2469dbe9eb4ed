"""Rules files: the YAML schema of a :class:`~geo.analysis.rules.RuleSet`, read and written.

``python -m geo priority --rules`` and the Priority page read the same files
(see ``docs/rules_example.yaml``). A rules file is an upload: it is read under
a size cap, without YAML aliases, with a depth cap and at most
``settings.PRIORITY_MAX_TIERS`` tiers; every problem is a :class:`GeoError`
naming the file and the key.
"""

from __future__ import annotations

import datetime as _dt
import math
import reprlib
from pathlib import Path

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import megabytes
from geo.analysis.rules import Rule, RuleSet, ScoreSpec, Tier, Weight
from geo.io.safe import check_size
from geo.io.upload import decode_text

__all__ = ["RULES_FORMAT_VERSION", "rules_from_yaml", "rules_from_bytes", "rules_to_yaml", "load_rules"]

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 60
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 4
_REPR.maxlevel = 2

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
    shown = _REPR.repr(value)  # bounded: never the repr of a huge value
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    return GeoError("rules_bad_value", path=path, key=key, value=shown, expected_vi=vi, expected_en=en)


def _check_keys(path: str, where: str, data: dict, allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            name = f"{where}.{key}" if where else _REPR.repr(key)
            raise GeoError("rules_unknown_key", path=path, key=name, allowed=", ".join(allowed))


def _loader():
    """A safe YAML loader that refuses aliases and nesting deeper than ``settings.RULES_MAX_DEPTH``.

    Aliases are how a "billion laughs" document grows to gigabytes; a rules file
    never needs them. Both checks run while the document is composed, before
    anything is built from it.
    """
    import yaml

    class _RulesLoader(yaml.SafeLoader):
        def __init__(self, stream, *, path: str):
            super().__init__(stream)
            self._path = path
            self._depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark
                raise GeoError("rules_yaml_alias", path=self._path, line=mark.line + 1)
            self._depth += 1
            try:
                if self._depth > settings.RULES_MAX_DEPTH:
                    mark = self.peek_event().start_mark
                    raise GeoError("rules_yaml_deep", path=self._path, line=mark.line + 1,
                                   limit=settings.RULES_MAX_DEPTH)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    return _RulesLoader


def _parse_yaml(text: str, path: str):
    import yaml

    size = len(text.encode("utf-8", errors="replace"))
    if size > settings.RULES_MAX_BYTES:
        raise GeoError("file_too_large", path=path, size_mb=megabytes(size),
                       limit_mb=megabytes(settings.RULES_MAX_BYTES, 2))
    loader = None
    try:
        loader = _loader()(text, path=path)  # the reader refuses control characters here already
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GeoError("rules_yaml_syntax", path=path, line=(mark.line + 1) if mark else "?",
                       detail=detail[:120]) from None
    except (ValueError, OverflowError, TypeError, RecursionError) as exc:  # e.g. a date 2024-13-45, a huge int
        mark = getattr(loader, "mark", None) or getattr(loader, "problem_mark", None)
        raise GeoError("rules_yaml_syntax", path=path, line=(mark.line + 1) if mark else "?",
                       detail=str(exc).splitlines()[0][:120]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _check_count(path: str, key: str, data: dict) -> None:
    if len(data) > settings.RULES_MAX_ENTRIES:
        raise GeoError("rules_too_many", path=path, key=key, n=len(data), limit=settings.RULES_MAX_ENTRIES)


def _text_value(path, key, value, *, required=False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise _bad(path, key, value, "text")
    return str(value)


def rules_from_yaml(text: str, *, path: str = "<rules>") -> RuleSet:
    """Parse and validate a rules document (YAML, see ``docs/rules_example.yaml``).

    Every problem raises :class:`GeoError` naming the file, the key (e.g.
    ``tiers[1].when``) and what is wrong: the size, depth, alias and tier
    limits of a hostile file included (see ``settings.RULES_MAX_*``).
    """
    data = _parse_yaml(text, path)
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
    if len(raw_tiers) > settings.PRIORITY_MAX_TIERS:
        raise GeoError("rules_too_many", path=path, key="tiers", n=len(raw_tiers), limit=settings.PRIORITY_MAX_TIERS)
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
    _check_count(path, "score.weights", weights_raw)
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
    _check_count(path, "score.bonuses", bonuses_raw)
    for kind, points in bonuses_raw.items():
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0 or not math.isfinite(points):
            raise _bad(path, f"score.bonuses.{kind}", points, "number")

    labels_raw = data.get("labels") or {}
    if not isinstance(labels_raw, dict):
        raise _bad(path, "labels", labels_raw, "mapping")
    labels = {}
    _check_count(path, "labels", labels_raw)
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


def rules_from_bytes(data: bytes, *, name: str = "<rules>") -> RuleSet:
    """Parse the bytes of an uploaded rules file (YAML): size first, then :func:`rules_from_yaml`.

    The text is decoded by the project's one text decoder (:func:`geo.io.upload.decode_text`):
    a BOM (UTF-8, UTF-16), UTF-16 without BOM, UTF-8, then Windows-1258 (which also reads the
    Latin letters of Windows-1252), so a rules file saved by Notepad or old Excel reads as written.
    """
    if len(data) > settings.RULES_MAX_BYTES:
        raise GeoError("file_too_large", path=name, size_mb=megabytes(len(data)),
                       limit_mb=megabytes(settings.RULES_MAX_BYTES, 2))
    try:
        text = decode_text(data, path=name)
    except GeoError as exc:
        if exc.code != "table_encoding":
            raise
        raise GeoError("rules_encoding", path=name) from None
    return rules_from_yaml(text.lstrip("\ufeff"), path=name)


def load_rules(path: str | Path) -> RuleSet:
    """Read a rules file (YAML, any encoding of :func:`rules_from_bytes`) with :func:`rules_from_bytes`, refusing it unread when too large."""
    path = Path(path)
    check_size(path, max_bytes=settings.RULES_MAX_BYTES)
    return rules_from_bytes(path.read_bytes(), name=str(path))


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
