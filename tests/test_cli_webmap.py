"""``python -m geo webmap``: the app's map as one offline HTML file, run as a planner would (subprocess)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo.units import registry
from geo.analysis.classify import classify
from geo.join.files import builtin_indicators

ROOT = Path(__file__).resolve().parents[1]
LANGSON_DISTRICTS = sorted(registry.units(province="20", level="district")["code"])
EXTERNAL = re.compile(r"<(?:script[^>]*\ssrc|link[^>]*\shref)\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)


def webmap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", "webmap", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=300)


def payload(html: str) -> tuple[dict, dict]:
    """The encoded units (G) and their style (S) as the page's script declares them."""
    found = {}
    for line in html.splitlines():
        line = line.strip()
        for var in ("G", "S"):
            if line.startswith(f"var {var} = "):
                found[var] = json.loads(line[len(f"var {var} = "):-1])
    return found["G"], found["S"]


@pytest.fixture(scope="module")
def district_map(tmp_path_factory) -> tuple[subprocess.CompletedProcess, str]:
    out = tmp_path_factory.mktemp("webmap") / "ban_do.html"
    proc = webmap("--boundaries", "default", "--province", "20", "--level", "district", "--indicators",
                  "langson_kh78_2021", "--indicator", "poor_rate", "--year", "2020", "--out", str(out))
    return proc, out.read_text(encoding="utf-8") if out.exists() else ""


def test_writes_a_standalone_map_of_the_11_districts(district_map):
    proc, html = district_map
    assert proc.returncode == 0, proc.stderr
    assert "11 đơn vị" in proc.stdout
    g, s = payload(html)
    assert sorted(g["codes"]) == LANGSON_DISTRICTS
    for code in LANGSON_DISTRICTS:
        assert f'"{code}"' in html
    # Same classes as the app's default: quantiles, 5 classes, YlOrRd.
    values = builtin_indicators().data.set_index("code").loc[g["codes"], "poor_rate_2020"]
    assert s["cls"] == classify(values, scheme="quantiles", k=5).yb.tolist()
    assert s["pal"] == ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
    assert "Tỷ lệ hộ nghèo (%) năm 2020 – Lạng Sơn" in s["header"]


def test_no_cdn_and_the_approximate_banner(district_map):
    _, html = district_map
    assert EXTERNAL.findall(html) == []
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", html, re.IGNORECASE)
    assert "L.map(" in html and "Leaflet" in html  # Leaflet inlined
    assert "Sơ đồ gần đúng: ranh giới được ước lượng từ tâm các đơn vị hành chính" in html


def test_english_labels_commune_level_and_manual_breaks(tmp_path):
    out = tmp_path / "communes_en.html"
    proc = webmap("--boundaries", "default", "--level", "commune", "--indicator", "poor_rate", "--scheme", "manual",
                  "--bins", "5;10;15", "--palette", "Blues", "--lang", "en", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Wrote map" in proc.stdout and "194 units" in proc.stdout
    assert "communes show 'No data'" in proc.stderr  # district table on a commune map, said once
    html = out.read_text(encoding="utf-8")
    g, s = payload(html)
    assert len(g["codes"]) == 194
    assert "Approximate sketch" in s["header"] and "Poor household rate (%) in 2020" in s["header"]
    assert "No data" in s["legend"] and "District boundary" in s["legend"]
    assert "Sơ đồ gần đúng:" not in s["header"]


def test_vietnamese_breaks_and_title(tmp_path):
    out = tmp_path / "tay.html"
    proc = webmap("--boundaries", "default", "--indicator", "near_poor_rate_2021", "--bins", "5,5; 10",
                  "--title", "Cận nghèo 2021", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    g, s = payload(out.read_text(encoding="utf-8"))
    rates = builtin_indicators().data.set_index("code").loc[g["codes"], "near_poor_rate_2021"]
    assert s["cls"] == classify(rates, scheme="manual", bins=[5.5, 10]).yb.tolist()
    assert "Cận nghèo 2021" in s["header"] and "5,50" in s["legend"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--indicator", "ty_le_ngheo"], "Không có chỉ tiêu 'ty_le_ngheo'"),
        (["--indicator", "poor_rate", "--year", "1999"], "không có số liệu năm 1999"),
        (["--scheme", "manual", "--bins", "5; mười"], "Ngưỡng chia lớp 5; mười không hợp lệ"),
        (["--k", "12"], "12"),
        (["--palette", "Rainbow"], "Rainbow"),
        (["--scheme", "kmeans"], "kmeans"),
        (["--boundaries", "khong_co.geojson"], "khong_co.geojson"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args, message):
    out = tmp_path / "map.html"
    base = ["--boundaries", "default"] if "--boundaries" not in args else []
    proc = webmap(*base, *args, "--out", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not out.exists()


def test_never_overwrites_without_flag(tmp_path):
    out = tmp_path / "map.html"
    out.write_text("giữ nguyên", encoding="utf-8")
    proc = webmap("--boundaries", "default", "--out", str(out), "--lang", "en")
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert out.read_text(encoding="utf-8") == "giữ nguyên"
    proc = webmap("--boundaries", "default", "--out", str(out), "--overwrite")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_never_writes_over_an_input(tmp_path):
    table = tmp_path / "bang.html"  # an input with an .html name is still an input
    table.write_bytes((ROOT / "data" / "indicators" / "langson_districts_kh78_2021.csv").read_bytes())
    proc = webmap("--boundaries", "default", "--indicators", str(table), "--out", str(table), "--overwrite")
    assert proc.returncode == 2 and "trùng với tệp đầu vào" in proc.stderr
    assert table.read_bytes().startswith(b"code,name")


def test_out_must_be_html(tmp_path):
    proc = webmap("--boundaries", "default", "--out", str(tmp_path / "map.png"))
    assert proc.returncode == 2 and ".html" in proc.stderr
