"""The layers run one way: text -> units -> io -> join -> analysis -> render -> workflows -> cli/pages.

A module may import from its own layer and any layer below it, never above. The check reads every
``import`` statement in ``geo/`` (top level and inside functions) with :mod:`ast`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GEO = Path(__file__).resolve().parents[1] / "geo"
# Foundation modules every layer may import; the front end (cli) sits above everything.
ORDER = ["_errors", "settings", "text", "units", "io", "join", "analysis", "render", "workflows", "workspace", "cli"]
RANK = {name: i for i, name in enumerate(ORDER)}
# The one allowed exception: the error type renders its message through the catalogue, imported lazily.
ALLOWED = {("_errors.py", "geo.text.i18n")}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "geo" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in RANK else None


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "geo":
                found += [(node.lineno, f"geo.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


def _modules():
    for path in sorted(GEO.rglob("*.py")):
        rel = path.relative_to(GEO.parent).with_suffix("")
        layer = _layer(".".join(rel.parts))
        if layer is not None:
            yield path, layer


@pytest.mark.parametrize(("path", "layer"), list(_modules()), ids=lambda v: str(v))
def test_no_upward_import(path, layer):
    upward = [(line, mod) for line, mod in _imports(path)
              if _layer(mod) is not None and RANK[_layer(mod)] > RANK[layer]
              and (path.name, mod) not in ALLOWED]
    assert upward == [], f"{path.relative_to(GEO.parent)} ({layer}) imports a higher layer: {upward}"


def test_every_module_has_a_layer():
    loose = sorted(p.name for p in GEO.glob("*.py")
                   if p.stem not in RANK and p.stem not in {"__init__", "__main__"})
    assert loose == []
