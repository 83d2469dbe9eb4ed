"""Coverage of a selection (geo.analysis.coverage), hand-checked."""


import pytest

from geo.analysis.coverage import coverage
from geo.analysis.ranking import rank
from tests._priority_units import designations, rules, units  # noqa: F401 (fixtures)


def test_coverage_is_hand_checked(units, designations, rules):
    ranked = rank(units, designations=designations, rules=rules)
    cov = coverage(ranked)
    total = cov.total.iloc[0]
    # selected: 06103, 06508, 06364, 06274, 06358 (not 06433)
    assert total["communes_selected"] == 5 and total["communes_total"] == 6
    assert total["households_covered"] == 300 + 200 + 500 + 600 + 400
    assert total["poor_covered"] == 90 + 50 + 120 + 60 + 40 == 360
    assert total["near_poor_covered"] == 20 + 10 + 50 + 60 + 30
    assert total["poor_total"] == 410
    assert total["poor_share_pct"] == pytest.approx(87.8)  # 360 / 410
    d = cov.by_district.set_index("district_code")
    assert d.loc["185", ["communes_total", "communes_selected", "poor_covered"]].tolist() == [2, 2, 160]
    assert d.at["185", "province_poor_share_pct"] == pytest.approx(39.02)  # 160 / 410
    assert d.at["186", "communes_selected"] == 0 and d.at["186", "poor_covered"] == 0
    assert d.at["186", "poor_share_pct"] == 0
    assert d["poor_covered"].sum() == total["poor_covered"]
    again = coverage(units, selection=["06103", "06433"])
    assert again.total.iloc[0]["poor_covered"] == 140
