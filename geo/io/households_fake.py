"""Generated household review lists with a known answer, for tests, the benchmark and demonstrations.

ILLUSTRATIVE DATA ONLY. Every name is made from syllable lists and carries the given name
"Mẫu" (sample), every ID card number starts with ``999`` (no province has that code) and every
phone number with ``0900``: nothing here describes a real household.

:func:`fake_households` draws households for the communes of a province (or of the whole
country) from the GSO registry: class consistent with Decree 07/2021 (near-poor: fewer than 3
deprivations; poor: 3 or more), members, ethnicity, income under the rural line. The
returned frame *is* the truth that tests compare the aggregate with. :func:`write_lists`
writes it the ways communes send it: one XLSX per commune with a three-row merged header,
one sheet per commune, CSV in UTF-8 or Windows-1258, headers with or without diacritics.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from geo import settings

__all__ = ["fake_households", "write_lists", "fake_totals", "zip_folder", "HEADERS"]

DEPRIVATIONS = tuple(key for key, _ in settings.HOUSEHOLD_DEPRIVATIONS)
_SURNAMES = ("Hoàng", "Nông", "Lương", "Vi", "Lăng", "Triệu", "Hà", "Lý", "Mã", "Chu", "Đinh", "Lộc", "Hứa", "Dương")
_MIDDLES = ("Văn", "Thị", "Đức", "Minh", "Thanh")
_GIVEN = ("An", "Bình", "Chiến", "Dung", "Hạnh", "Khoa", "Lâm", "Mai", "Nga", "Phúc", "Quế", "Sơn", "Tâm", "Vân")
_VILLAGE_A = ("Nà", "Khòn", "Bản", "Pác", "Co", "Khuổi", "Nặm", "Phai", "Lũng", "Bó")
_VILLAGE_B = ("Lầu", "Pàn", "Slam", "Mò", "Cáy", "Rộc", "Tẳng", "Chè", "Hin", "Nưa")
_ETHNIC = ("Tày", "Nùng", "Kinh", "Dao", "H'Mông", "Sán Chay", "Hoa")
_ETHNIC_P = (0.38, 0.36, 0.14, 0.07, 0.02, 0.02, 0.01)
_DEP_P = np.array([0.10, 0.08, 0.12, 0.10, 0.20, 0.06, 0.15, 0.09, 0.30, 0.45, 0.18, 0.25])

# Headers as the official review forms name them (with diacritics), and the same typed without them.
HEADERS = {
    "ordinal": "STT", "head_name": "Họ và tên chủ hộ", "id_number": "Số CCCD/CMND", "phone": "Số điện thoại",
    "province": "Tỉnh", "district": "Huyện", "commune": "Xã", "village": "Thôn/bản", "classification": "Phân loại hộ",
    "change": "Biến động", "members": "Số nhân khẩu", "ethnicity": "Dân tộc", "income": "Thu nhập bình quân (đồng/người/tháng)",
}
DEP_HEADERS = {
    "employment": "Việc làm", "dependants": "Người phụ thuộc trong hộ gia đình", "nutrition": "Dinh dưỡng",
    "health_insurance": "Bảo hiểm y tế", "adult_education": "Trình độ giáo dục của người lớn",
    "school_attendance": "Tình trạng đi học của trẻ em", "housing_quality": "Chất lượng nhà ở",
    "housing_area": "Diện tích nhà ở bình quân đầu người", "water": "Nguồn nước sinh hoạt",
    "sanitation": "Nhà tiêu hợp vệ sinh", "telecom": "Sử dụng dịch vụ viễn thông",
    "information": "Phương tiện phục vụ tiếp cận thông tin",
}
DIMENSION_HEADERS = {"employment": "Việc làm", "health": "Y tế", "education": "Giáo dục", "housing": "Nhà ở",
                     "water_sanitation": "Nước sinh hoạt và vệ sinh", "information": "Thông tin"}
GROUP_HEADER = "Chỉ số thiếu hụt dịch vụ xã hội cơ bản"
CLASS_TEXT = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo", "escaped": "Thoát nghèo"}
_MARKS = ("x", "X", "1", "có", "✓")


def _strip(text: str) -> str:
    from geo.io.tables import _fold

    import unicodedata

    out = "".join(ch for ch in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
                  if unicodedata.category(ch) != "Mn")
    return out if _fold(out) else text


def fake_households(*, n: int, province: str | None = "20", vintage: str = "pre2025", seed: int = 0,
                    communes: int | None = None, escaped_share: float = 0.03, new_share: float = 0.05,
                    every_commune: bool = False) -> pd.DataFrame:
    """``n`` generated households spread over the communes of ``province`` (every province when None).

    Returns one row per household: ``commune_code``, ``commune_name``, ``district_code``,
    ``district_name``, ``village``, ``cls`` (poor, near_poor, escaped), ``is_new``, ``members``,
    ``ethnicity``, ``minority``, ``income``, ``dep_<key>`` for the 12 indicators, and the fake
    personal columns ``head_name``, ``id_number``, ``phone``. ``every_commune`` puts at least one
    household in each commune (``n`` must be at least their number).
    """
    from geo.units import registry

    rng = np.random.default_rng(seed)
    units = registry.units(province=province, level="commune", vintage=vintage).reset_index(drop=True)
    if communes is not None:
        units = units.iloc[:communes]
    weights = rng.gamma(2.0, 1.0, len(units))
    which = rng.choice(len(units), size=n, p=weights / weights.sum())
    if every_commune:  # at least one household in each commune
        which[: len(units)] = np.arange(len(units))
    which.sort()
    u = units.iloc[which].reset_index(drop=True)
    level = rng.uniform(0.5, 1.6, len(units))[which]  # communes differ in how deprived they are
    deps = rng.random((n, len(DEPRIVATIONS))) < np.clip(_DEP_P[None, :] * level[:, None] * 1.8, 0, 0.95)
    count = deps.sum(axis=1)
    cls = np.where(count >= settings.HOUSEHOLD_POOR_MIN_DEPRIVATIONS, "poor", "near_poor").astype(object)
    escaped = rng.random(n) < escaped_share
    cls[escaped] = "escaped"
    is_new = (rng.random(n) < new_share) & ~escaped
    village_idx = rng.integers(0, 8, n)
    vil_a = np.array(_VILLAGE_A, dtype=object)[(which * 7 + village_idx) % len(_VILLAGE_A)]
    vil_b = np.array(_VILLAGE_B, dtype=object)[(which * 3 + village_idx * 5) % len(_VILLAGE_B)]
    ethnicity = rng.choice(np.array(_ETHNIC, dtype=object), size=n, p=_ETHNIC_P)
    serial = np.arange(n)
    surname = np.array(_SURNAMES, dtype=object)[rng.integers(0, len(_SURNAMES), n)]
    middle = np.array(_MIDDLES, dtype=object)[rng.integers(0, len(_MIDDLES), n)]
    given = np.array(_GIVEN, dtype=object)[rng.integers(0, len(_GIVEN), n)]
    frame = pd.DataFrame({
        "province_code": u["province_code"].to_numpy(), "province_name": u["province_name"].to_numpy(),
        "commune_code": u["code"].to_numpy(), "commune_name": u["name"].to_numpy(),
        "district_code": u["district_code"].to_numpy(), "district_name": u["district_name"].to_numpy(),
        "village": "Thôn " + vil_a + " " + vil_b,
        "cls": cls, "is_new": is_new, "members": rng.integers(1, 9, n), "ethnicity": ethnicity,
        "minority": ethnicity != "Kinh",
        "income": (rng.integers(400, 1500, n) * 1000).astype(np.int64),
    })
    for j, key in enumerate(DEPRIVATIONS):
        frame[f"dep_{key}"] = deps[:, j]
    # Fake personal data: a unique serial inside each, so that a leak is found by an exact search.
    frame["head_name"] = surname + " " + middle + " Mẫu " + given + " " + pd.Series(serial).map(_letters).to_numpy()
    frame["id_number"] = pd.Series(serial).map(lambda i: f"999{i:09d}").to_numpy()
    frame["phone"] = pd.Series(serial).map(lambda i: f"0900{i:06d}").to_numpy()
    return frame


def _letters(i: int) -> str:
    """A syllable-like tag from a serial number: 0 -> "Ba", 1 -> "Be"... unique per household."""
    onsets, vowels = "BCDGHKLMNPSTVX", "aeiouy"
    out = []
    i += 1
    while i:
        i, r = divmod(i, len(onsets) * len(vowels))
        out.append(onsets[r // len(vowels)] + vowels[r % len(vowels)])
    return "".join(out).capitalize()


def fake_totals(frame: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """A commune table of total households (the separate table that gives the rates' denominators)."""
    rng = np.random.default_rng(seed + 1)
    listed = frame.groupby(["commune_code", "commune_name"], sort=True).size().reset_index(name="listed")
    listed["households"] = listed["listed"] + rng.integers(200, 1500, len(listed))
    return listed.rename(columns={"commune_code": "Mã xã", "commune_name": "Tên xã", "households": "Tổng số hộ"})[
        ["Mã xã", "Tên xã", "Tổng số hộ"]]


def _rows(frame: pd.DataFrame, *, marks_rng: np.random.Generator, with_commune: bool, with_personal: bool,
          with_province: bool = False) -> list[list]:
    cols = []
    if with_personal:
        cols += [frame["head_name"], frame["id_number"], frame["phone"]]
    if with_province:
        cols += [frame["province_name"]]
    if with_commune:
        cols += [frame["district_name"], frame["commune_name"]]
    cols += [frame["village"], frame["cls"].map(CLASS_TEXT) + np.where(frame["is_new"], " mới phát sinh", ""),
             frame["members"], frame["ethnicity"], frame["income"]]
    marks = np.array(_MARKS, dtype=object)[marks_rng.integers(0, len(_MARKS), len(frame))]
    for key in DEPRIVATIONS:
        cols.append(pd.Series(np.where(frame[f"dep_{key}"].to_numpy(), marks, ""), index=frame.index))
    out = [list(t) for t in zip(range(1, len(frame) + 1), *[c.tolist() for c in cols])]
    return out


def _header_block(*, with_commune: bool, with_personal: bool, diacritics: bool,
                  rename: dict[str, str] | None = None, with_province: bool = False) -> list[list[str]]:
    """Three header rows: fields (merged down), the group over the 12 indicators, the dimensions, the indicators."""
    first = [HEADERS["ordinal"]]
    if with_personal:
        first += [HEADERS["head_name"], HEADERS["id_number"], HEADERS["phone"]]
    if with_province:
        first += [HEADERS["province"]]
    if with_commune:
        first += [HEADERS["district"], HEADERS["commune"]]
    first += [HEADERS[k] for k in ("village", "classification", "members", "ethnicity", "income")]
    lead = len(first)
    dims = [DIMENSION_HEADERS[dim] for _, dim in settings.HOUSEHOLD_DEPRIVATIONS]
    rows = [first + [GROUP_HEADER] + [""] * 11, [""] * lead + dims, [""] * lead + [DEP_HEADERS[k] for k in DEPRIVATIONS]]
    for j, dim in enumerate(dims):  # a dimension's name is written once over its two indicators (merged)
        if j % 2:
            rows[1][lead + j] = ""
    if rename:
        rows = [[rename.get(v, v) for v in r] for r in rows]
    if not diacritics:
        rows = [[_strip(v) for v in r] for r in rows]
    return rows


def write_lists(frame: pd.DataFrame, folder: str | Path, *, form: str = "xlsx_per_commune", diacritics: bool = True,
                encoding: str = "utf-8", seed: int = 0, with_personal: bool = True,
                rename: dict[str, str] | None = None, with_province: bool | None = None) -> list[Path]:
    """Write ``frame`` as communes send it; returns the files written.

    ``form`` is ``xlsx_per_commune`` (one workbook per commune, in a folder per district, commune
    named only by the file and the title), ``xlsx_sheets`` (one workbook per district, one sheet per
    commune), ``csv`` (one CSV per province with district and commune columns) or ``csv_per_district``.
    ``rename`` replaces header texts (to test the column-mapping step). ``with_province`` adds a province
    column to CSV lists (default: when ``frame`` spans several provinces, as a national export does). ``encoding`` applies to CSV: ``utf-8``, ``utf-8-sig``, ``utf-16`` or a legacy ``cp1258``, ``tcvn3``, ``vni``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 7)
    written: list[Path] = []
    if with_province is None:
        with_province = frame["province_code"].nunique() > 1
    if form.startswith("csv"):
        key = {"csv_per_district": "district_code", "csv_per_province": "province_code"}.get(form)
        groups = frame.groupby(key, sort=True) if key else [("all", frame)]
        for name, part in groups:
            path = folder / f"ds_ho_{name}.csv"
            header = _header_block(with_commune=True, with_personal=with_personal, diacritics=diacritics,
                                   rename=rename, with_province=with_province)
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\r\n")
            writer.writerow(["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO (DỮ LIỆU MINH HỌA)" if diacritics else "DANH SACH HO NGHEO (DU LIEU MINH HOA)"])
            writer.writerows(header)
            writer.writerows(_rows(part, marks_rng=rng, with_commune=True, with_personal=with_personal,
                                   with_province=with_province))
            text = buf.getvalue()
            if encoding in ("cp1258", "tcvn3", "vni"):  # legacy: what old Vietnamese Excel and fonts wrote
                from geo.text.encoding import to_legacy

                data = to_legacy(text.replace("✓", "x"), encoding).encode("latin-1")
            else:
                data = text.encode(encoding)
            path.write_bytes(data)
            written.append(path)
        return written
    from openpyxl import Workbook

    def fill(ws, part: pd.DataFrame, commune: str, district: str) -> None:
        header = _header_block(with_commune=False, with_personal=with_personal, diacritics=diacritics, rename=rename)
        ws.append([f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024 - {commune.upper()}, {district.upper()} (DỮ LIỆU MINH HỌA)"])
        ws.append([])
        for row in header:
            ws.append([v or None for v in row])
        width = len(header[0])
        lead = width - 12
        for j in range(lead):  # field names merged over the three header rows
            ws.merge_cells(start_row=3, start_column=j + 1, end_row=5, end_column=j + 1)
        ws.merge_cells(start_row=3, start_column=lead + 1, end_row=3, end_column=width)
        for k in range(6):
            ws.merge_cells(start_row=4, start_column=lead + 1 + 2 * k, end_row=4, end_column=lead + 2 + 2 * k)
        ws.append([f"({j + 1})" for j in range(width)])
        for row in _rows(part, marks_rng=rng, with_commune=False, with_personal=with_personal):
            ws.append([v if not isinstance(v, (np.integer,)) else int(v) for v in row])
        ws.append(["Cộng", None, None, len(part)])

    if form == "xlsx_per_commune":
        for (dname, cname), part in frame.groupby(["district_name", "commune_name"], sort=True):
            wb = Workbook()
            fill(wb.active, part, cname, dname)
            sub = folder / _strip(dname).replace(" ", "_")
            sub.mkdir(exist_ok=True)
            path = sub / f"{_strip(cname).replace(' ', '_')}.xlsx"
            wb.save(path)
            written.append(path)
    elif form == "xlsx_sheets":
        for dname, dpart in frame.groupby("district_name", sort=True):
            wb = Workbook()
            wb.remove(wb.active)
            for cname, part in dpart.groupby("commune_name", sort=True):
                fill(wb.create_sheet(cname[:31]), part, cname, dname)
            path = folder / f"{_strip(dname).replace(' ', '_')}.xlsx"
            wb.save(path)
            written.append(path)
    else:
        raise ValueError(f"unknown form {form!r}")
    return written


def zip_folder(folder: str | Path, path: str | Path) -> Path:
    """Zip every file under ``folder`` (paths relative to it), as an office would before sending it."""
    folder, path = Path(folder), Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for child in sorted(folder.rglob("*")):
            if child.is_file():
                zf.write(child, child.relative_to(folder).as_posix())
    return path
