"""The README's commands are the ones CI runs, and every command block of the README runs as written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP = "## Cài đặt và chạy / Set-up"


def _blocks(text: str) -> list[str]:
    return [b.split("```", 1)[0].strip() for b in text.split("```bash\n")[1:]]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return _blocks(text.split(SETUP, 1)[1].split("\n## ", 1)[0])


def _example_blocks() -> list[str]:
    """Every ```bash block of the README outside the set-up section (which installs and starts the app)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    before, rest = text.split(SETUP, 1)
    after = rest.split("\n## ", 1)[1] if "\n## " in rest else ""
    return _blocks(before) + _blocks("\n## " + after)


def test_readme_has_exactly_two_setup_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("streamlit run app.py")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands()[1] in ci.splitlines()


def test_readme_has_command_blocks_and_they_name_only_the_geo_cli():
    """Examples are ``python -m geo`` commands; benchmark scripts are named inline (they take minutes)."""
    blocks = _example_blocks()
    assert len(blocks) >= 4
    lines = [ln for b in blocks for ln in b.replace("\\\n", " ").splitlines() if ln.strip() and not ln.startswith("#")]
    assert all(ln.startswith("python -m geo ") for ln in lines), lines


@pytest.fixture(scope="module")
def readme_folder(tmp_path_factory):
    """A scratch copy of the parts of the project the README's commands read (docs/), run from there."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "docs", folder / "docs")
    return folder


def test_every_readme_block_runs_as_written(readme_folder):
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for block in _example_blocks():
        script = block.replace("python -m geo", f"{sys.executable} -m geo")
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=readme_folder, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"README block failed:\n{block}\n--- stderr:\n{done.stderr}"
    out = readme_folder / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "atlas.pdf", "ban_do.html", "bao_cao_ho.json", "chi_tieu_ho.xlsx", "convert.json", "districts.gpkg", "join.json", "joined.gpkg", "joined.json",
        "phu_luc.docx", "phu_luc_ban_do.pdf", "uu_tien.xlsx", "xa_2025.xlsx"])
    assert sorted(p.name for p in (readme_folder / "samples").iterdir()) == sorted([
        "bien_gioi_minh_hoa.xlsx", "ds_ho_minh_hoa.zip", "huyen_vn2000_khong_prj.zip", "quy_tac_minh_hoa.yaml",
        "xa_2024_chi_so_luong.xlsx", "xa_2024_minh_hoa.xlsx"])
