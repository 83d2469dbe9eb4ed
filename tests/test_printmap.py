"""Print maps and the atlas (geo.render.printmap) on real Lạng Sơn units.

Text is read back from the PDF (pdftotext when poppler-utils is there, else
pypdf), so the diacritics are checked as a reader's PDF viewer sees them.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

import pypdf
from PIL import Image  # matplotlib's dependency

import _annex_data  # noqa: E402
from geo import settings  # noqa: E402
from geo._errors import GeoError  # noqa: E402
from geo.analysis.classify import classify, palette  # noqa: E402
from geo.render.printmap import atlas, figure_png, paper_size_px, print_map, save_figure  # noqa: E402

TITLE = "Tỷ lệ hộ nghèo các xã, phường, thị trấn tỉnh Lạng Sơn năm 2020"
SUBTITLE = "(Kèm theo Kế hoạch số 78/KH-UBND ngày 05/4/2021 của UBND tỉnh Lạng Sơn)"


def pdf_text(path, page: int | None = None) -> str:
    if shutil.which("pdftotext"):
        args = ["pdftotext", "-enc", "UTF-8"]
        if page is not None:
            args += ["-f", str(page), "-l", str(page)]
        return subprocess.run([*args, str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    reader = pypdf.PdfReader(str(path))
    pages = reader.pages if page is None else [reader.pages[page - 1]]
    return "\n".join(p.extract_text() for p in pages)


@pytest.fixture(scope="module")
def communes(langson):
    return _annex_data.communes(langson)


@pytest.fixture(scope="module")
def districts(langson):
    return _annex_data.districts(langson)


@pytest.fixture(scope="module")
def commune_map(communes):
    atk = set(communes.loc[communes["district_code"] == "185", "code"][:6])
    border = set(communes.loc[communes["district_code"] == "180", "code"][:5])
    return print_map(
        communes, value_column="poor_rate", title=TITLE, subtitle=SUBTITLE,
        designations={"atk": atk, "border": border}, selected=set(communes["code"][:3]),
        source_text="Số liệu minh họa (tests/_annex_data.py)", date="05/4/2021", approximate=True, illustrative=True,
    )


def test_pdf_is_one_a4_page_with_embedded_truetype(commune_map, tmp_path):
    out = save_figure(commune_map, tmp_path / "map.pdf")
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1  # A4 in points
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        assert "DejaVuSans" in str(font["/BaseFont"])
        for desc in font.get("/DescendantFonts", []):
            assert "/FontFile2" in desc.get_object()["/FontDescriptor"].get_object()  # TrueType embedded


def test_pdf_text_has_title_legend_and_notes_with_diacritics(commune_map, communes, tmp_path):
    text = pdf_text(save_figure(commune_map, tmp_path / "map.pdf"))
    for expected in (TITLE, "Tỷ lệ hộ nghèo (%)", "Không có dữ liệu", "Lạng Sơn", "Sơ đồ gần đúng",
                     "Số liệu minh họa", "Xã an toàn khu (ATK)", "Xã biên giới", "Đơn vị đang chọn",
                     "Ranh giới huyện", "Ngày lập: 05/4/2021", "km"):
        assert expected in text, expected
    labels = classify(communes["poor_rate"]).legend_labels("vi")
    assert len(labels) == 6 and labels[-1] == "Không có dữ liệu"
    for label in labels[:-1]:
        assert label in text  # e.g. "7,45 – 14,60": Vietnamese decimal commas
    assert re.search(r"\d,\d\d – \d+,\d\d", text)
    assert re.search(r"Không có dữ liệu\s+\(2\)", text)
    assert re.search(r"Tỷ lệ 1:\d{1,3}(\.\d{3})+", text)  # "Tỷ lệ 1:750.000"


def test_scale_statement_matches_the_drawn_scale(commune_map):
    scale = commune_map.geo_info["scale"]
    ax = commune_map.axes[0]  # the map axes comes first
    x0, x1 = ax.get_xlim()
    width_mm = ax.get_position().width * commune_map.get_figwidth() * 25.4
    assert (x1 - x0) / (width_mm / 1000) == pytest.approx(scale, rel=1e-6)
    mantissa = scale / 10 ** int(np.floor(np.log10(scale)))
    assert any(abs(mantissa - s) < 1e-9 for s in settings.PRINT_NICE_SCALES)


def test_labels_do_not_overlap(commune_map):
    renderer = commune_map.canvas.get_renderer()
    ax = commune_map.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert len(boxes) > 100  # most of the 194 communes are labelled
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap_w = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_h = min(a.y1, b.y1) - max(a.y0, b.y0)
            assert not (overlap_w > 0.5 and overlap_h > 0.5)


def test_png_is_a4_at_300_dpi_and_not_blank(commune_map, communes, tmp_path):
    out = save_figure(commune_map, tmp_path / "map.png")
    with Image.open(out) as im:
        assert im.size == paper_size_px("A4", "portrait") == (2480, 3508)
        rgb = np.asarray(im.convert("RGB"))
    assert rgb.std() > 20
    colours = {tuple(c) for c in rgb[::7, ::7].reshape(-1, 3)}
    assert len(colours) > 20
    k = classify(communes["poor_rate"]).k
    for hexcol in (*palette(settings.DEFAULT_PALETTE, k), settings.NO_DATA_COLOR):
        target = tuple(int(hexcol[i:i + 2], 16) for i in (1, 3, 5))
        assert np.any(np.all(rgb == target, axis=-1)), hexcol  # every class and no-data are on the map
    assert figure_png(commune_map)[:8] == b"\x89PNG\r\n\x1a\n"


def test_svg_holds_the_title(commune_map, tmp_path):
    out = save_figure(commune_map, tmp_path / "map.svg")
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and TITLE in text


def test_district_map_landscape_english(districts, tmp_path):
    fig = print_map(districts, value_column="poor_rate_2020", title="Poor household rate 2020, Lạng Sơn",
                    orientation="landscape", lang="en", source_text="KH 78/KH-UBND", district_outlines=False)
    out = save_figure(fig, tmp_path / "d.pdf")
    box = pypdf.PdfReader(str(out)).pages[0].mediabox
    assert float(box.width) > float(box.height)
    text = pdf_text(out)
    assert "Poor household rate (%)" in text and "No data" in text and "Scale 1:" in text
    assert "12.06 – 16.22" in text  # English separators; the top class of the seed-003 rates
    assert "Tràng Định" in text and "Đình Lập" in text  # district labels
    assert fig.geo_info["labels_dropped"] == 0


def test_atlas_has_overview_plus_one_page_per_district(communes, tmp_path):
    out = atlas(communes, tmp_path / "atlas.pdf", value_column="poor_rate", title="Tỷ lệ hộ nghèo năm 2020",
                approximate=True)
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 1 + 11  # settings.PRINT_ATLAS_OVERVIEW: overview, then Lạng Sơn's 11 districts
    assert "Toàn tỉnh" in pdf_text(out, 1)
    page2 = pdf_text(out, 2)
    assert "Thành phố Lạng Sơn" in page2 and "Trang 2/12" in page2 and "Tam Thanh" in page2
    last = pdf_text(out, 12)
    assert "Huyện Đình Lập" in last and "Không có dữ liệu" in last and "Đơn vị ngoài huyện" in last


def test_atlas_without_overview(communes, tmp_path):
    out = atlas(communes, tmp_path / "atlas.pdf", value_column="poor_rate", title="Tỷ lệ hộ nghèo", overview=False,
                labels=None)
    assert len(pypdf.PdfReader(str(out)).pages) == 11


def test_exports_never_overwrite_without_permission(commune_map, communes, tmp_path):
    target = tmp_path / "map.pdf"
    target.write_bytes(b"signed copy")
    with pytest.raises(GeoError) as err:
        save_figure(commune_map, target)
    assert err.value.code == "output_exists" and target.read_bytes() == b"signed copy"
    with pytest.raises(GeoError):
        atlas(communes, target, value_column="poor_rate", title="x")
    assert target.read_bytes() == b"signed copy"
    save_figure(commune_map, target, overwrite=True)
    assert target.read_bytes().startswith(b"%PDF")


def test_bad_arguments_raise_geo_errors(communes):
    with pytest.raises(GeoError) as err:
        print_map(communes, value_column="poor_rate", title="x", paper="A5")
    assert err.value.code == "unknown_paper"
    with pytest.raises(GeoError) as err:
        print_map(communes, value_column="nope", title="x")
    assert err.value.code == "map_column_missing"
