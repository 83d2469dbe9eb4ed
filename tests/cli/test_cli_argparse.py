"""The command line's own usage errors (argparse's) are said in the user's language, with exit code 2."""

from __future__ import annotations

import pytest

from geo.cli import main


def _error(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_missing_arguments_in_vietnamese(capsys):
    assert _error(capsys, ["priority"]) == (
        "python -m geo priority: lỗi: thiếu tham số bắt buộc: --boundaries, --indicators, --rules, --out")


def test_missing_arguments_in_english_with_lang_en(capsys):
    assert _error(capsys, ["priority", "--lang", "en"]) == (
        "python -m geo priority: error: the following arguments are required: --boundaries, --indicators, --rules, "
        "--out")


def test_a_wrong_choice_names_the_choices(capsys):
    argv = ["join", "--boundaries", "default", "--level", "huyen", "--indicators", "x", "--out", "a", "--report", "b"]
    assert _error(capsys, argv) == (
        "python -m geo join: lỗi: tham số --level: không có lựa chọn 'huyen'; chọn một trong 'district', 'commune'")


def test_an_unknown_argument(capsys):
    argv = ["samples", "--out", "x", "--frob"]
    assert _error(capsys, argv) == "python -m geo: lỗi: tham số không nhận ra: --frob (xem --help)"


def _help(capsys, argv: list[str]) -> list[str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    return [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]  # argparse's columns


def test_help_in_vietnamese(capsys):
    lines = _help(capsys, ["samples", "--help"])
    assert lines[0].startswith("cách dùng: python -m geo samples [-h]")
    assert "tùy chọn:" in lines
    assert "-h, --help xem hướng dẫn này rồi thoát" in lines
    for english in ("usage", "options:", "show this help"):
        assert not [line for line in lines if english in line], english
    top = _help(capsys, ["--help"])
    assert top[0] == "cách dùng: python -m geo [-h]" and "tham số vị trí:" in top


def test_help_in_english_with_lang_en(capsys):
    lines = _help(capsys, ["samples", "--lang", "en", "--help"])
    assert lines[0].startswith("usage: python -m geo samples [-h]")
    assert "options:" in lines and "-h, --help show this help message and exit" in lines
