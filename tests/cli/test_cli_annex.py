"""``python -m geo annex``: several formats in one process, and a layer without GSO codes (issue 15)."""

from __future__ import annotations

import pytest

from geo.cli import main

BASE = ["annex", "--level", "district", "--indicator", "poor_rate"]


def test_several_formats_in_one_call(tmp_path, capsys):
    out = tmp_path / "phu_luc.pdf"
    assert main([*BASE, "--format", "pdf,png,atlas", "--format", "xlsx", "--out", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "phu_luc.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    atlas = (tmp_path / "phu_luc_atlas.pdf").read_bytes()
    assert atlas[:5] == b"%PDF-" and atlas.count(b"/Type /Page\n") + atlas.count(b"/Type /Page ") == 12
    assert (tmp_path / "phu_luc.xlsx").read_bytes()[:2] == b"PK"
    printed = capsys.readouterr().out
    assert "phu_luc_atlas.pdf (12 trang)" in printed and "phu_luc.png (11 đơn vị)" in printed


def test_atlas_flag_needs_pdf_and_unknown_format_is_refused(tmp_path, capsys):
    assert main([*BASE, "--format", "png", "--atlas", "--out", str(tmp_path / "a.png")]) == 2
    assert "PDF" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main([*BASE, "--format", "pdf,tiff", "--out", str(tmp_path / "a.pdf")])
    assert exc.value.code == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_commune_layer_without_gso_codes_says_so(langson, tmp_path, capsys, fmt):
    """GADM communes (GID_3 ids, no GSO codes): the map annex names the problem instead of a TypeError."""
    assert main(["samples", "--out", str(tmp_path / "samples")]) == 0
    table = tmp_path / "samples" / "xa_2024_minh_hoa.xlsx"  # commune figures (illustrative)
    capsys.readouterr()
    code = main(["annex", "--level", "commune", "--indicator", "poor_rate", "--indicators", str(table),
                 "--boundaries", str(langson / "communes_gadm41_pre2019.geojson"), "--format", fmt,
                 "--out", str(tmp_path / f"x.{fmt}")])
    err = capsys.readouterr().err
    assert code == 2
    assert "mã GSO" in err and "GID_3" in err
    assert "Traceback" not in err and not (tmp_path / f"x.{fmt}").exists()
