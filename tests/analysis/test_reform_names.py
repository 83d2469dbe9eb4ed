"""A commune table of names only (no codes) is carried to the 2025 communes through its names."""

from __future__ import annotations

import pandas as pd
import pytest

from geo._errors import GeoError
from geo.analysis.reform import convert_indicators
from geo.units import registry


def test_names_within_their_district_give_the_old_codes_to_convert():
    reg = registry.units(province="20", level="commune", vintage="pre2025").sort_values("code")
    table = pd.DataFrame({"name": reg["name"].str.replace("Xã ", "xã ", regex=False).tolist(),
                          "parent_name": reg["district_name"].tolist(),
                          "households": [100] * len(reg), "poor": [10] * len(reg)})
    conv = convert_indicators(table, province="20")
    assert conv.report.from_names == 194 and conv.report.unmapped == []
    assert conv.data["households"].sum() == pytest.approx(19400)
    assert len(conv.data) == 65
    assert conv.report.warnings("en")[0].startswith("The table has no commune code column: 194 old communes")


def test_a_name_that_is_no_commune_is_reported_not_guessed():
    table = pd.DataFrame({"name": ["Xã Khánh Long", "Xã Không Có"], "parent_name": ["Huyện Tràng Định"] * 2,
                          "poor": [5, 7]})
    conv = convert_indicators(table, province="20")
    assert [(u["name"], u["reason"]) for u in conv.report.unmapped] == [("Xã Không Có", "no_code")]
    assert conv.report.from_names == 1


def test_names_without_a_province_still_need_codes():
    with pytest.raises(GeoError) as caught:
        convert_indicators(pd.DataFrame({"source_row": [2], "name": ["Xã Khánh Long"], "poor": [5]}))
    assert caught.value.code == "convert_no_code" and "source_row" not in caught.value.message("vi")
