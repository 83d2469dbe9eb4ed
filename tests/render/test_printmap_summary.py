"""The print map's lower band: the summary beside the legend (issue 15: no empty lower third on a portrait page)."""

from __future__ import annotations

from geo.render import printmap
from geo.workflows.layer import build_layer


def _prepared(lang: str):
    layer = build_layer(table="langson_kh78_2021", province="20", level="district")
    return printmap._prepare(
        layer.gdf, value_column="poor_rate_2020", classification=None, scheme="quantiles", k=5, bins=None,
        palette="YlOrRd", legend_title=None, decimals=2, lang=lang, labels=None, code_column="code",
        name_column="name", district_column="district_code", district_outlines=False, designations=None,
        selected=None)


def test_summary_of_the_kh78_districts():
    # Kế hoạch 78, 2020 poor rates: Bình Gia 16,22 % is the highest, thành phố Lạng Sơn 0,18 % the lowest.
    assert printmap._summary_lines(_prepared("vi"), "vi", 3) == [
        ("Tóm tắt", True),
        ("Có số liệu: 11/11 đơn vị", False),
        ("Trung vị: 8,51", False),
        ("Cao nhất: Bình Gia 16,22; Đình Lập 12,26; Văn Quan 12,06", False),
        ("Thấp nhất: TP. Lạng Sơn 0,18; Chi Lăng 6,38; Hữu Lũng 6,56", False),
    ]
    assert printmap._summary_lines(_prepared("en"), "en", 1)[2:] == [
        ("Median: 8.51", False), ("Highest: Bình Gia 16.22", False), ("Lowest: TP. Lạng Sơn 0.18", False)]


def test_portrait_page_draws_the_summary_in_the_lower_band():
    fig = printmap.print_map(build_layer(table="langson_kh78_2021", province="20", level="district").gdf,
                             value_column="poor_rate_2020", title="Tỷ lệ hộ nghèo năm 2020")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "Tóm tắt" in texts and "Trung vị: 8,51" in texts
    summary_ax = next(ax for ax in fig.axes if any(t.get_text() == "Tóm tắt" for t in ax.texts))
    assert summary_ax.get_position().y1 < 0.35  # in the lower third of the page, beside the legend
