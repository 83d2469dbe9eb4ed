"""Charts (geo.render.charts)."""

from geo.analysis.coverage import coverage
from geo.analysis.ranking import rank
from geo.render.charts import coverage_chart
from tests._priority_units import designations, rules, units  # noqa: F401 (fixtures)


def test_coverage_chart_is_a_figure_with_one_bar_pair_per_district(units, designations, rules):
    cov = coverage(rank(units, designations=designations, rules=rules))
    fig = coverage_chart(cov, lang="en")
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * 5
    assert "87.8%" in ax.get_title()
    assert "87,8%" in coverage_chart(cov).axes[0].get_title()
