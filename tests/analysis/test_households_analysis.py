"""Aggregates of generated household lists equal the generator's truth (ILLUSTRATIVE data only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import settings
from geo.analysis.households import DEPRIVATIONS
from geo.io.households_fake import fake_households, fake_totals, write_lists
from geo.workflows import households as wf

KEY = b"test-key-0123456789abcdef0123456"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lists")
    frame = fake_households(n=1500, seed=11, communes=40)
    files = write_lists(frame, folder / "csv", form="csv_per_district")
    totals = folder / "tong_so_ho.csv"
    fake_totals(frame).to_csv(totals, index=False)
    result = wf.import_lists(files, totals=totals, key=KEY)
    return frame, result, pd.read_csv(totals, dtype={"Mã xã": str})


def _truth(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    live = frame["cls"].isin(["poor", "near_poor"])
    poor = frame["cls"] == "poor"
    g = frame.assign(
        poor=poor, near_poor=frame["cls"] == "near_poor", escaped=frame["cls"] == "escaped",
        new=frame["is_new"] & live, members=frame["members"].where(live, 0), minority=frame["minority"] & live,
        ethnicity_known=live, multidim_poor=live & (frame[[f"dep_{k}" for k in DEPRIVATIONS]].sum(axis=1) >= 3),
        **{f"deprived_{k}": poor & frame[f"dep_{k}"] for k in DEPRIVATIONS},
    ).groupby(by)
    cols = ["poor", "near_poor", "escaped", "new", "members", "minority", "ethnicity_known", "multidim_poor"] + [
        f"deprived_{k}" for k in DEPRIVATIONS]
    out = g[cols].sum().astype("int64")
    out["listed"] = g.size()
    return out.sort_index()


def test_commune_counts_equal_truth(generated):
    frame, result, _ = generated
    truth = _truth(frame, "commune_code")
    got = result.communes.set_index("code").sort_index()
    assert list(got.index) == list(truth.index)
    for col in truth.columns:
        assert got[col].astype("int64").tolist() == truth[col].tolist(), col


def test_deprivation_shares_equal_truth(generated):
    frame, result, _ = generated
    truth = _truth(frame, "commune_code")
    got = result.communes.set_index("code").sort_index()
    for k in DEPRIVATIONS:
        expected = (truth[f"deprived_{k}"] / truth["poor"].where(truth["poor"] > 0) * 100).round(2)
        np.testing.assert_allclose(got[f"deprived_{k}_share"].astype(float), expected.astype(float), equal_nan=True)


def test_district_and_province_totals_equal_truth(generated):
    frame, result, _ = generated
    truth = _truth(frame, "district_code")
    got = result.tables.districts.set_index("code").sort_index()
    assert list(got.index) == list(truth.index)
    for col in ("listed", "poor", "near_poor", "deprived_water", "deprived_sanitation", "members"):
        assert got[col].astype("int64").tolist() == truth[col].tolist(), col
    total = result.tables.total.iloc[0]
    assert int(total["poor"]) == int((frame["cls"] == "poor").sum())
    assert int(total["near_poor"]) == int((frame["cls"] == "near_poor").sum())
    poor = frame[frame["cls"] == "poor"]
    assert total["deprived_water_share"] == round(poor["dep_water"].sum() / len(poor) * 100, 2)


def test_rates_from_the_totals_table(generated):
    frame, result, totals = generated
    hh = totals.set_index("Mã xã")["Tổng số hộ"]
    got = result.communes.set_index("code")
    assert got["households"].astype(int).to_dict() == hh.to_dict()
    expected = (got["poor"] / got["households"] * 100).astype(float).round(2)
    np.testing.assert_allclose(got["poor_rate"].astype(float), expected)
    assert result.totals["matched"] == len(hh)


def test_no_rate_without_totals(tmp_path):
    frame = fake_households(n=200, seed=12, communes=5)
    files = write_lists(frame, tmp_path, form="csv")
    result = wf.import_lists(files, key=KEY)
    assert "poor_rate" not in result.communes
    assert "households" not in result.communes
    assert "multidim_headcount" not in result.communes
    assert int(result.communes["poor"].sum()) == int((frame["cls"] == "poor").sum())


def test_workbooks_and_csv_give_the_same_aggregate(tmp_path):
    frame = fake_households(n=300, seed=13, communes=6)
    csv_files = write_lists(frame, tmp_path / "csv", form="csv")
    xlsx_files = write_lists(frame, tmp_path / "xlsx", form="xlsx_sheets")
    a = wf.import_lists(csv_files, key=KEY).communes.set_index("code").sort_index()
    b = wf.import_lists(xlsx_files, key=KEY).communes.set_index("code").sort_index()
    cols = [c for c in a.columns if c not in ("name", "parent_name", "parent_code")]
    pd.testing.assert_frame_equal(a[cols].astype(float), b[cols].astype(float))


def _span_rows(text: str) -> int:
    """How many rows a provenance range text names ("5-29", "7", "5-9, 12")."""
    total = 0
    for part in text.replace(";", ",").split(","):
        lo, _, hi = part.strip().partition("-")
        total += int(hi or lo) - int(lo) + 1
    return total


def test_provenance_traces_every_household(generated):
    frame, result, _ = generated
    prov = result.tables.provenance
    assert int(prov["rows"].sum()) == len(frame)
    first = prov.iloc[0]
    assert first["file"].startswith("ds_ho_") and pd.isna(first["sheet"])
    # the generator writes one district per CSV: its first commune's households are rows 5-29 under the header
    assert (first["file"], first["rows"], first["row_ranges"]) == ("ds_ho_178.csv", 25, "5-29")
    spans = [_span_rows(text) for text in prov["row_ranges"]]
    assert spans == prov["rows"].astype(int).tolist()


def test_village_table_adds_up(generated):
    frame, result, _ = generated
    villages = result.tables.villages
    assert int(villages["listed"].sum()) == len(frame)
    assert int(villages["poor"].sum()) == int((frame["cls"] == "poor").sum())
    one = frame[frame["commune_code"] == frame["commune_code"].iloc[0]]
    v = one["village"].iloc[0]
    row = villages[(villages["code"] == one["commune_code"].iloc[0]) & (villages["village"] == v)].iloc[0]
    assert int(row["listed"]) == int((one["village"] == v).sum())


def test_indicator_table_maps_like_any_table(generated):
    from geo.analysis.indicators import aggregate, indicator_options, is_rate

    _, result, _ = generated
    table = wf.as_indicator_table(result)
    assert table.level == "commune"
    assert "deprived_water_share" in table.indicators
    assert is_rate("deprived_water_share")
    assert "deprived_water_share" in indicator_options(table.indicators)
    # summed to districts through the project's one aggregation: counts add up, a share is never summed
    by_district = aggregate(table.data, "parent_code").set_index("parent_code")
    want = result.tables.districts.set_index("code")
    assert by_district["deprived_water"].astype(int).tolist() == want["deprived_water"].astype(int).tolist()
    assert "deprived_water_share" not in by_district.columns
