"""Weights files for split old communes (geo.io.weights): every error names the file and the row."""

import pytest

from geo import GeoError
from geo.io.weights import read_weights

PROVINCE = 20


@pytest.mark.parametrize(("content", "code", "row"), [
    ("old_code,new_code,weight\n06622,06613,0.5\n06622,06625,0.3\n", "weights_sum", None),
    ("old_code,new_code,weight\n06622,06613,1\n99999,06625,1\n", "weights_unknown_code", 3),
    ("old_code,new_code,weight\n06622,99999,1\n", "weights_unknown_code", 2),
    ("old_code,new_code,weight\n06622,06187,1\n", "weights_unknown_link", 2),
    ("old_code,new_code,weight\n06622,06613,abc\n", "weights_bad_value", 2),
    ("old_code,new_code,weight\n06622,06613,1.5\n", "weights_bad_value", 2),
    ("old_code,new_code,weight\nxx,06613,1\n", "weights_bad_code", 2),
    ("old_code,new_code,weight\n06622,06613,0.5\n06622,06613,0.5\n", "weights_duplicate", 3),
    ("old,new,weight\n06622,06613,1\n", "weights_columns", None),
])
def test_bad_weights_files(tmp_path, content, code, row):
    path = tmp_path / "w.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GeoError) as err:
        read_weights(path, province=PROVINCE)
    assert err.value.code == code
    assert err.value.params["path"] == str(path)
    assert str(path) in err.value.message("vi") and str(path) in err.value.message("en")
    if row is not None:
        assert err.value.params["row"] == row
        assert f"dòng {row}" in err.value.message("vi")


def test_weights_sum_message_names_the_old_code(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("old_code,new_code,weight\n06622,06613,0.5\n06622,06625,0.3\n", encoding="utf-8")
    with pytest.raises(GeoError) as err:
        read_weights(path)
    assert "06622" in err.value.message("en") and "0.8" in err.value.message("en")
