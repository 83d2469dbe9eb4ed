"""Household import end to end: bad input named by file, sheet and row; nothing personal in any output.

All lists are generated (ILLUSTRATIVE: fake names with "Mẫu", IDs starting 999, phones 0900).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from geo.analysis.households import DEPRIVATIONS
from geo.cli import main
from geo.io.households_fake import fake_households, fake_totals, write_lists, zip_folder
from geo.workflows import households as wf

KEY = b"test-key-0123456789abcdef0123456"
FIRST_BODY_ROW = 5  # CSV: title, three header rows


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    frame = fake_households(n=120, seed=21, communes=6)
    poor = frame.index[frame["cls"] == "poor"]
    frame.loc[3, "commune_name"] = "Xã Không Có Thật"
    other = frame.index[frame["commune_code"] != frame.loc[10, "commune_code"]][-1]
    frame.loc[other, ["id_number", "head_name"]] = frame.loc[10, ["id_number", "head_name"]].to_numpy()
    k = [i for i in poor if i not in (3, 10, other)][0]
    frame.loc[k, [f"dep_{d}" for d in DEPRIVATIONS]] = False
    (path,) = write_lists(frame, folder, form="csv")
    result = wf.import_lists([path], key=KEY)
    return frame, result, {"unknown": 3, "dup": (10, other), "contradiction": k}


def test_unknown_commune_named_with_file_and_row(bad):
    frame, result, idx = bad
    p = result.problems["unknown_commune"]
    assert p["count"] == 1
    item = p["items"][0]
    assert (item["file"], item["row"], item["commune"]) == ("ds_ho_all.csv", FIRST_BODY_ROW + idx["unknown"],
                                                            "Xã Không Có Thật")
    msgs = wf.problem_messages(result, lang="vi")
    assert f"Tệp ds_ho_all.csv, trang -, dòng {FIRST_BODY_ROW + idx['unknown']}: không tìm thấy xã 'Xã Không Có Thật'" in msgs[0]
    # nothing lost: the row is in the village table, without a code
    villages = result.tables.villages
    assert int(villages[villages["code"].isna()]["listed"].sum()) == 1


def test_household_listed_in_two_communes(bad):
    frame, result, idx = bad
    p = result.problems["duplicate"]
    assert p["count"] == 1 and p["two_communes"] == 1
    rows = [r["row"] for r in p["items"][0]["rows"]]
    assert rows == [FIRST_BODY_ROW + i for i in idx["dup"]]
    text = " ".join(wf.problem_messages(result, lang="en"))
    assert f"row {FIRST_BODY_ROW + idx['dup'][0]}" in text and f"row {FIRST_BODY_ROW + idx['dup'][1]}" in text
    assert frame.loc[10, "id_number"] not in json.dumps(p)  # the report holds no ID and no hash of it


def test_class_contradicting_deprivations(bad):
    frame, result, idx = bad
    items = result.problems["contradiction"]["items"]
    assert [(i["row"], i["kind"], i["deprivations"]) for i in items] == [
        (FIRST_BODY_ROW + idx["contradiction"], "poor_few", 0)]
    msg = [m for m in wf.problem_messages(result, lang="vi") if "chỉ thiếu hụt 0 chỉ số" in m]
    assert msg and f"dòng {FIRST_BODY_ROW + idx['contradiction']}" in msg[0]


def test_every_row_accounted_for(bad):
    frame, result, _ = bad
    counted = int(result.communes["listed"].sum()) + result.problems["unknown_commune"]["count"]
    assert counted == len(frame)
    assert result.problems["set_aside"]["count"] == 0
    assert result.load.rows_read == len(frame)


def _texts(path: Path) -> list[str]:
    """Every text inside an output: XLSX members unzipped, others as they are."""
    data = path.read_bytes()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(path) as zf:
            return [zf.read(n).decode("utf-8", errors="replace") for n in zf.namelist()]
    return [data.decode("utf-8-sig", errors="replace")]


def test_cli_outputs_hold_no_personal_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GEO_HOUSEHOLD_KEY", str(tmp_path / "secret.key"))
    frame = fake_households(n=400, seed=22, communes=8)
    write_lists(frame, tmp_path / "lists", form="xlsx_per_commune")
    archive = zip_folder(tmp_path / "lists", tmp_path / "ds_xa.zip")
    totals = tmp_path / "tong.csv"
    fake_totals(frame).to_csv(totals, index=False)
    out = tmp_path / "out"
    args = ["households", "--lists", str(archive), "--totals", str(totals), "--out", str(out / "chi_tieu.xlsx"),
            "--report", str(out / "bao_cao.json"), "--villages", str(out / "thon.csv")]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "Đã đọc 400 hộ của 8 xã" in captured.out
    report = json.loads((out / "bao_cao.json").read_text(encoding="utf-8"))
    roles = {d["role"] for d in report["dropped_personal_columns"]}
    assert roles == {"head_name", "id_number", "phone"}
    assert len(report["dropped_personal_columns"]) == 3 * 8
    outputs = sorted(out.iterdir())
    assert [p.name for p in outputs] == ["bao_cao.json", "chi_tieu.xlsx", "thon.csv"]
    texts = [t for p in outputs for t in _texts(p)] + [captured.out, captured.err]
    secrets = frame["head_name"].tolist() + frame["id_number"].tolist() + frame["phone"].tolist()
    leaks = [s for s in secrets if any(s in text for text in texts)]
    assert leaks == []
    assert "Mẫu" not in "".join(texts)
    # the report names its sources and the sheets of the commune files
    assert len(report["sheets"]) == 8 and report["households_counted"] == 400


def test_cli_encrypted_workbook_exit_2(tmp_path, capsys):
    import io

    from msoffcrypto.format.ooxml import OOXMLFile
    from openpyxl import Workbook

    wb = Workbook()
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    path = tmp_path / "khoa.xlsx"
    with open(path, "wb") as fh:
        OOXMLFile(plain).encrypt("x", fh)
    code = main(["households", "--lists", str(path), "--out", str(tmp_path / "o.xlsx"),
                 "--report", str(tmp_path / "r.json"), "--lang", "en"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("File khoa.xlsx is password-protected")
    assert not (tmp_path / "o.xlsx").exists()


def test_mapping_file_fixes_a_column(tmp_path):
    path = tmp_path / "xa_hoang_dong.csv"
    path.write_text("Thôn,Phân loại hộ,Cột lạ,Nguồn nước sinh hoạt,Việc làm\n"
                    "Thôn Nà Lầu,Hộ nghèo,x,x,x\nThôn Nà Lầu,Hộ cận nghèo,,x,\n", encoding="utf-8")
    mapping = tmp_path / "ghep_cot.json"
    mapping.write_text(json.dumps({"columns": {"Cột lạ": "dep_sanitation"},
                                   "commune": {"xa_hoang_dong.csv": "Xã Hoàng Đồng"}}), encoding="utf-8")
    result = wf.import_lists([path], mapping=wf.load_mapping(mapping), key=KEY)
    row = result.communes.iloc[0]
    assert (row["name"], int(row["poor"]), int(row["near_poor"])) == ("Xã Hoàng Đồng", 1, 1)
    assert int(row["deprived_sanitation"]) == 1 and row["deprived_sanitation_share"] == 100.0


# --------------------------------------------------------------------------
# National lists: district and commune names repeat between provinces
# --------------------------------------------------------------------------
BEN_TRE, DONG_THAP = "83", "87"  # both have a "Huyện Châu Thành" with a "Xã Tân Phú" (and an "Xã An Hiệp"...)


@pytest.fixture(scope="module")
def two_provinces():
    import pandas as pd

    parts = [fake_households(n=400, province=p, seed=50 + i, every_commune=True) for i, p in enumerate((BEN_TRE, DONG_THAP))]
    frame = pd.concat(parts, ignore_index=True)
    from geo.units import registry

    units = registry.units(province=None, level="commune", vintage="pre2025")
    provinces = units.groupby(["district_name", "name"])["province_code"].nunique()
    repeated = set(provinces[provinces > 1].index)  # (district, commune) names of several provinces, nationally
    twice = pd.Series([(d, c) in repeated for d, c in zip(frame["district_name"], frame["commune_name"])])
    assert twice.sum() > 0  # the generated list does hold such names
    return frame, twice


def test_two_provinces_resolved_within_their_province(tmp_path, two_provinces):
    frame, _ = two_provinces
    (path,) = write_lists(frame, tmp_path, form="csv")  # a national export: a province column
    result = wf.import_lists([path], province=None, key=KEY)
    assert result.problems["unknown_commune"]["count"] == 0
    truth = frame.groupby("commune_code").agg(listed=("cls", "size"), poor=("cls", lambda s: int((s == "poor").sum())))
    got = result.communes.set_index("code")[["listed", "poor"]].astype(int)
    assert got.sort_index().to_dict() == truth.sort_index().astype(int).to_dict()
    # "Xã Tân Phú" of Huyện Châu Thành counted in each province, not merged
    tan_phu = result.communes[(result.communes["name"] == "Xã Tân Phú") & (result.communes["parent_name"] == "Huyện Châu Thành")]
    assert sorted(tan_phu["code"]) == ["28840", "30274"]
    districts = result.tables.districts.set_index("code")["listed"].astype(int).to_dict()
    assert districts == frame.groupby("district_code").size().astype(int).to_dict()


def test_two_provinces_without_province_column_ambiguous_named(tmp_path, two_provinces):
    frame, twice = two_provinces
    (path,) = write_lists(frame, tmp_path, form="csv", with_province=False)
    result = wf.import_lists([path], province=None, key=KEY)
    p = result.problems["unknown_commune"]
    assert p["count"] == int(twice.sum())  # only names found in several provinces are left, none guessed
    assert {i["reason"] for i in p["items"]} == {"ambiguous"}
    item = next(i for i in p["items"] if i["commune"] == "Xã Tân Phú")
    assert item["provinces"] == "Tỉnh An Giang, Tỉnh Bến Tre, Tỉnh Đồng Tháp"  # every province that has the name
    msg = next(m for m in wf.problem_messages(result, lang="vi") if "Xã Tân Phú" in m)
    assert msg.startswith(f"Tệp ds_ho_all.csv, trang -, dòng {item['row']}: xã 'Xã Tân Phú' (Huyện Châu Thành) có ở "
                          "nhiều tỉnh: Tỉnh An Giang, Tỉnh Bến Tre, Tỉnh Đồng Tháp")
    assert "--province" in msg
    assert int(result.communes["listed"].sum()) == len(frame) - int(twice.sum())


def test_province_chosen_keeps_other_province_rows_out(tmp_path, two_provinces):
    frame, _ = two_provinces
    (path,) = write_lists(frame, tmp_path, form="csv")
    result = wf.import_lists([path], province=BEN_TRE, key=KEY)
    assert set(result.communes["code"]) == set(frame.loc[frame["province_code"] == BEN_TRE, "commune_code"])
    p = result.problems["unknown_commune"]
    assert p["count"] == int((frame["province_code"] == DONG_THAP).sum())
    assert {i["reason"] for i in p["items"]} == {"other_province"}
    msg = wf.problem_messages(result, lang="en")[0]
    assert "is in province 'Tỉnh Đồng Tháp', not the chosen province" in msg


def test_workbook_keeps_formula_looking_text_as_text(tmp_path):
    import io

    from openpyxl import load_workbook

    frame = fake_households(n=30, seed=23, communes=2)
    frame.loc[0, "village"] = '=HYPERLINK("http://x","Thôn")'
    (path,) = write_lists(frame, tmp_path, form="csv")
    result = wf.import_lists([path], key=KEY)
    book = load_workbook(io.BytesIO(wf.workbook_bytes(result, lang="vi")))
    assert book.sheetnames == ["Xa", "Huyen", "Thon", "Nguon", "Cach tinh"]
    villages = book.worksheets[2]
    cells = [c for row in villages.iter_rows(min_row=3) for c in row if c.value == frame.loc[0, "village"]]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].quotePrefix
    assert villages.freeze_panes == "C3" and villages["A1"].font.bold


def test_page_helpers_report_bytes_name_and_one_layout_per_shape(bad, tmp_path):
    frame, result, _ = bad
    # The page's download is the CLI's report, byte for byte.
    path = wf.write_report(result, tmp_path / "r.json", lang="vi")
    assert wf.report_bytes(result, lang="vi") == path.read_bytes()
    assert json.loads(wf.report_bytes(result, lang="vi"))["problems"]["unknown_commune"]["count"] == 1
    code = str(result.communes["code"].iloc[0])
    assert wf.commune_name(result, code) == result.communes["name"].iloc[0]
    assert wf.commune_name(result, "99999") == "99999"
    layouts = result.layouts
    assert [lay.shape for lay in wf.distinct_layouts(layouts + layouts)] == list(dict.fromkeys(lay.shape for lay in layouts))
    assert len(wf.distinct_layouts(layouts + layouts)) == len({lay.shape for lay in layouts})
