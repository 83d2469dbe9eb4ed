"""The page's border review: candidates as a table in the planner's language, confirmed into designations."""

from __future__ import annotations

import pytest

from geo._errors import GeoError
from geo.units.designations import builtin_designations
from geo.units.tessellation import default_boundaries
from geo.workflows.border import border_review, confirm_candidates, review_caption
from geo.workflows.priority import unit_labels

BORDER_DISTRICTS = ["183", "180", "189", "182", "188"]  # Cao Lộc, Tràng Định, Đình Lập, Văn Lãng, Lộc Bình


@pytest.fixture(scope="module")
def districts():
    return default_boundaries(province=20, level="district")


def test_review_lists_the_five_border_districts_longest_first_with_vietnamese_lengths(districts):
    review = border_review(districts, labels=unit_labels(districts), designations=builtin_designations())
    table = review.table
    assert list(table.loc[table["candidate"], "code"]) == [c for c in review.candidates.codes]
    assert sorted(table.loc[table["candidate"], "code"]) == sorted(BORDER_DISTRICTS)
    assert review.n_candidates == 5
    assert list(table.columns) == ["code", "unit", "km", "neighbours", "candidate", "designated"]
    first = table.iloc[0]
    km = review.candidates.table.set_index("code").at[first["code"], "border_km"]
    assert first["km"] == f"{km:.1f}".replace(".", ",")  # Vietnamese decimal comma
    assert set(table.loc[table["candidate"], "neighbours"]) == {"Trung Quốc"}
    assert not table["designated"].any()  # the built-in lists have no border designation
    assert "181" not in set(table["code"])  # Bình Gia: inland, not listed at all


def test_review_in_english_translates_numbers_and_neighbours(districts):
    review = border_review(districts, labels=unit_labels(districts), designations=builtin_designations(), lang="en")
    table = review.table
    assert set(table.loc[table["candidate"], "neighbours"]) == {"China"}
    assert all("," not in v for v in table["km"])
    caption = review_caption(review, lang="en")
    assert caption.startswith(f"5 of {len(table)} units along the border are candidates")


def test_confirming_adds_border_designations_once_with_the_confirmer(districts):
    designations = builtin_designations()
    review = border_review(districts, labels=unit_labels(districts), designations=designations)
    merged, added = confirm_candidates(designations, review, ["180", "183"], user="Nguyễn Văn A",
                                       level="district", vintage="pre2025")
    assert added == 2
    assert merged.codes("border") == {"180", "183"}
    records = merged.filter(type="border")
    assert {d.source for d in records} == {"xác nhận bởi Nguyễn Văn A"}
    assert all("cần xác nhận" in d.note for d in records)
    again, added_again = confirm_candidates(merged, review, ["180"], user="Nguyễn Văn A", level="district",
                                            vintage="pre2025")
    assert added_again == 0 and len(again) == len(merged)
    review_after = border_review(districts, labels=unit_labels(districts), designations=merged)
    assert set(review_after.table.loc[review_after.table["designated"], "code"]) == {"180", "183"}


def test_confirming_without_a_name_is_refused(districts):
    review = border_review(districts, labels=unit_labels(districts), designations=builtin_designations())
    with pytest.raises(GeoError) as err:
        confirm_candidates(builtin_designations(), review, ["180"], user="  ", level="district", vintage="pre2025")
    assert err.value.code == "border_confirm_user"
