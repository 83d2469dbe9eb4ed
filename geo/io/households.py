"""Read household review lists (danh sách hộ nghèo, cận nghèo) into DuckDB, leaving personal data behind.

Each commune sends its poor and near-poor households after the yearly review: one row a
household, with the village (thôn/bản), the classification and the 12 deprivation
indicators of Decree 07/2021/NĐ-CP, sometimes the members, the ethnicity and the income.
Offices hold them as XLSX with merged headers (one sheet per commune, or one file per
commune zipped together) or as CSV in UTF-8, UTF-16 or a legacy Vietnamese encoding.

:func:`open_sources` unpacks archives and folders through :mod:`geo.io.safe`;
:func:`inspect_source` finds each sheet's header and guesses what every column holds
(:data:`ROLES`); the planner may correct that guess with a :class:`ColumnMapping`;
:func:`load_households` then streams the rows into one DuckDB table ``households``.

Private by design (Decree 13/2023/NĐ-CP): the columns holding a household head's name,
ID card number, phone number, birth date or address are never copied into DuckDB. Where
they are present, a keyed hash (HMAC-SHA256 with a per-installation secret key, see
:func:`installation_key`) of the ID number, or else of the name with the village and the
birth date, is computed inside the query that reads the file, so that duplicates can be
found without keeping anything that can be read back. The report names the dropped
columns, never their values.
"""

from __future__ import annotations

import codecs
import functools
import csv
import io
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import Num, megabytes
from geo.io import safe
from geo.io.tables import MAX_COLUMNS, _cell_text, _fold
from geo.io.upload import check_workbook
from geo.text.encoding import fix_column
from geo.text.names import nfc

__all__ = [
    "ROLES", "PERSONAL_ROLES", "DEPRIVATION_ROLES", "Source", "SheetLayout", "ColumnMapping", "LoadReport",
    "open_sources", "inspect_source", "load_households", "installation_key", "key_hash", "guess_role",
    "classify_value", "mark_value", "HOUSEHOLD_COLUMNS", "header_shape", "shape_key",
]

DEPRIVATIONS = tuple(key for key, _ in settings.HOUSEHOLD_DEPRIVATIONS)
DEPRIVATION_ROLES = tuple(f"dep_{key}" for key in DEPRIVATIONS)
PERSONAL_ROLES = ("head_name", "id_number", "phone", "birth_date", "address")
DATA_ROLES = ("province", "district", "commune", "village", "classification", "change", "members", "ethnicity", "income",
              "deprivation_count") + DEPRIVATION_ROLES
ROLES = DATA_ROLES + PERSONAL_ROLES + ("ignore",)

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
HEADER_SCAN_ROWS = 30
MAX_HEADER_ROWS = 3
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_CSV_DELIMITERS = (",", ";", "\t")
_SAMPLE_BYTES = 256 * 1024

# Header words (folded: lower case, no diacritics) -> role. Tried on the last line of a header first
# ("Việc làm" under "Chỉ số thiếu hụt"), then on the whole header; the first pattern that matches wins.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("dep_employment", r"\bviec lam\b"),
    ("dep_dependants", r"\bphu thuoc\b"),
    ("dep_nutrition", r"\bdinh duong\b"),
    ("dep_health_insurance", r"\bbao hiem y te\b|\bbhyt\b"),
    ("dep_adult_education", r"\btrinh do giao duc\b|\bgiao duc (cua )?nguoi lon\b"),
    ("dep_school_attendance", r"\bdi hoc\b"),
    ("dep_housing_quality", r"\bchat luong nha\b"),
    ("dep_housing_area", r"\bdien tich nha\b|\bdien tich\b"),
    ("dep_water", r"\bnuoc sinh hoat\b|\bnguon nuoc\b"),
    ("dep_sanitation", r"\bnha tieu\b|\bho xi\b|\bnha ve sinh\b"),
    ("dep_telecom", r"\bvien thong\b"),
    ("dep_information", r"\btiep can thong tin\b|\bphuong tien\b.*\bthong tin\b"),
    ("deprivation_count", r"\b(tong|so)\b.*\bthieu hut\b"),
    ("ignore", r"^(tt|stt|so tt|so thu tu|ghi chu|note|notes)$"),
    ("birth_date", r"\b(nam sinh|ngay sinh|ngay thang nam sinh|birth)\b"),
    ("id_number", r"\b(cccd|cmnd|can cuoc|dinh danh|chung minh|id number)\b"),
    ("phone", r"\b(dien thoai|sdt|so dt|phone)\b"),
    ("head_name", r"\bho (va )?ten\b|\bchu ho\b|\bhead\b|^ten$|^name$"),
    ("classification", r"\b(phan loai|loai ho|xep loai|ket qua ra soat|ket qua phan loai|classification)\b"),
    ("change", r"\b(bien dong|phat sinh|thoat ngheo|change)\b"),
    ("members", r"\b(nhan khau|thanh vien|so nguoi|so khau|members)\b"),
    ("ethnicity", r"\b(dan toc|ethnicity)\b"),
    ("income", r"\b(thu nhap|income)\b"),
    ("province", r"^(ma |ten )?(tinh|tinh thanh pho|tinh/thanh pho|tinh, thanh pho|province)\b"),
    ("district", r"\b(huyen|quan|thi xa|district)\b"),
    ("commune", r"\b(xa|phuong|thi tran|commune|ward)\b"),
    ("village", r"\b(thon|ban|to dan pho|khoi|xom|ap|khu pho|village)\b"),
    ("address", r"\b(dia chi|address)\b"),
)
_COMPILED = tuple((role, re.compile(pattern)) for role, pattern in _PATTERNS)
_COLUMN_NUMBER = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")
_GROUP_COMMUNE = re.compile(r"^(xa|phuong|thi tran)\s+\S")
_GROUP_VILLAGE = re.compile(r"^(thon|ban|to dan pho|khoi|xom|khu pho)\s+\S")
_GENERIC_SHEET = re.compile(r"^(sheet|trang tinh|ds|danh sach|data|bang)\s*\d*$")
_TITLE_COMMUNE = re.compile(r"\b((?:xã|phường|thị trấn)\s+.+?)\s*(?:[,;:(]|\bhuyện\b|\bthành phố\b|\bnăm\b|\btỉnh\b|$)",
                            re.IGNORECASE)
_TITLE_DISTRICT = re.compile(r"\b((?:huyện|thành phố|thị xã|quận)\s+.+?)\s*(?:[,;:(]|\btỉnh\b|\bnăm\b|$)",
                             re.IGNORECASE)
_TOTAL = re.compile(r"^(cong|tong cong|tong|total)\b")

# Cell marks that say "deprived" (and the ones that say "not deprived").
_YES = {"x", "1", "co", "c", "v", "yes", "y", "true", "thieu hut", "thieu", "\u2713", "\u2714", "\u2611", "\u00d7"}
_NO = {"", "0", "khong", "k", "no", "n", "false", "-", "\u2013", "\u2717", "\u2610", "du", "khong thieu hut"}


# --------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One file to read: where it is, and the name a planner knows it by (``lists.zip/Cao Loc/xa.xlsx``)."""

    path: Path
    display: str
    folder: str = ""  # the folder it sat in inside an archive: a district name, often


@dataclass
class SheetLayout:
    """Where the table of one sheet is and what each column holds.

    Attributes
    ----------
    source
        The file.
    sheet
        Worksheet name, or None for a text file.
    header_rows
        1-based rows of the header block.
    body_start
        1-based row of the first household.
    headers
        One text per column: the header lines joined with `` | ``.
    roles
        One role per column (:data:`ROLES`), guessed, then corrected by the mapping.
    samples
        A few body rows (text), personal columns blanked, for the preview.
    encoding
        Text files: the encoding read (``utf-8``, ``utf-16``, ``latin-1`` for legacy byte views); legacy
        Vietnamese found in the header (``tcvn3``, ``vni``, ``cp1258``) is noted in ``legacy``.
    """

    source: Source
    sheet: str | None
    header_rows: list[int]
    body_start: int
    headers: list[str]
    roles: list[str]
    samples: list[list[str]] = field(default_factory=list)
    encoding: str | None = None
    legacy: str | None = None
    default_class: str | None = None  # no classification column: the list's title says "hộ nghèo" or "cận nghèo"
    title_commune: str | None = None  # the commune named in the title lines above the header
    title_district: str | None = None  # and the district
    delimiter: str | None = None
    grid: list[list[object]] | None = field(default=None, repr=False)  # XLSX body, already in memory
    saved_mapping: str | None = None  # when a mapping saved for this header shape was applied: the date it was saved

    @property
    def where(self) -> str:
        return f"{self.source.display} [{self.sheet}]" if self.sheet else self.source.display

    @property
    def shape(self) -> str:
        """A key for the header shape: files laid out the same way share it (and a saved mapping)."""
        return header_shape(self.headers)

    @property
    def shape_key(self) -> str:
        return shape_key(self.headers)

    def columns(self, role: str) -> list[int]:
        return [i for i, r in enumerate(self.roles) if r == role]

    def personal(self) -> list[dict]:
        return [{"column": self.headers[i], "role": r} for i, r in enumerate(self.roles) if r in PERSONAL_ROLES]


def header_shape(headers: list[str]) -> str:
    """The header signature of a sheet: its column headers folded (case, diacritics, spaces), in order."""
    return " ‖ ".join(_fold(h) for h in headers)


def shape_key(headers: list[str]) -> str:
    """A short stable key of :func:`header_shape` (names the saved mapping of that shape)."""
    import hashlib

    return hashlib.sha256(header_shape(headers).encode("utf-8")).hexdigest()[:16]


@dataclass
class ColumnMapping:
    """The planner's corrections: header text (or its folded form) -> role; saved per header shape.

    ``commune`` gives the commune of a file that names it nowhere (neither a column, nor the sheet,
    nor the file name), keyed by the file's display name. ``saved`` holds the mappings saved in the
    workspace for earlier files, by :func:`shape_key`: ``{key: {"columns": {header: role}, "saved": date}}``;
    they apply to a sheet of the same header shape, under the corrections of ``columns``.
    """

    columns: dict[str, str] = field(default_factory=dict)
    commune: dict[str, str] = field(default_factory=dict)
    saved: dict[str, dict] = field(default_factory=dict)

    def role_for(self, header: str) -> str | None:
        """The corrected role of a column: its whole header text, else its last header line ("Cột 18" for
        "Chỉ số thiếu hụt | Nước sinh hoạt và vệ sinh | Cột 18"), compared folded."""
        if header in self.columns:
            return self.columns[header]
        folded, last = _fold(header), _fold(header.split(" | ")[-1])
        for key, role in self.columns.items():
            if _fold(key) == folded:
                return role
        for key, role in self.columns.items():
            if _fold(key) == last:
                return role
        return None

    def to_dict(self) -> dict:
        """The corrections (the saved mappings are in the workspace, not repeated here)."""
        return {"columns": dict(self.columns), "commune": dict(self.commune)}

    def for_shape(self, headers: list[str]) -> dict[str, str]:
        """``{header: role}`` of the corrections that touch these headers (what is saved for their shape)."""
        out = {}
        for header in headers:
            role = self.role_for(header) if header else None
            if role is not None:
                out[header] = role
        return out

    @classmethod
    def from_dict(cls, data: dict | None) -> "ColumnMapping":
        data = data or {}
        columns = {str(k): str(v) for k, v in (data.get("columns") or {}).items()}
        bad = [v for v in columns.values() if v not in ROLES]
        if bad:
            raise GeoError("household_bad_role", role=bad[0], allowed=", ".join(ROLES))
        return cls(columns=columns, commune={str(k): str(v) for k, v in (data.get("commune") or {}).items()})


@dataclass
class LoadReport:
    """What reading did, sheet by sheet; no personal value ever goes in it."""

    sheets: list[dict] = field(default_factory=list)
    dropped_personal: list[dict] = field(default_factory=list)
    ignored_columns: list[dict] = field(default_factory=list)
    unknown_marks: list[dict] = field(default_factory=list)
    unknown_classifications: list[dict] = field(default_factory=list)
    rows_read: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------
# Keyed hash
# --------------------------------------------------------------------------
def installation_key(path: str | os.PathLike | None = None) -> bytes:
    """The per-installation secret of the duplicate hash; created (32 random bytes, mode 0600) on first use.

    The key lives outside the project and the workspace: ``$GEO_HOUSEHOLD_KEY`` when set, else
    ``~/.config/geo/household.key``. Without it a hash cannot be recomputed from a guessed ID number.
    """
    path = Path(path or os.environ.get("GEO_HOUSEHOLD_KEY") or Path.home() / ".config" / "geo" / "household.key")
    if path.is_file():
        key = path.read_bytes()
        if len(key) >= 16:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


HASH_HEX_DIGITS = 15  # 60 bits of SHA-256 (a signed BIGINT): two households of 2 million collide with p < 2e-6


def _hash_prefix(key: bytes) -> str:
    """What the secret adds in front of every hashed text (its hex, then a separator)."""
    return key.hex() + "|"


def key_hash(key: bytes, text: str) -> int:
    """The keyed duplicate hash of ``text``: the first 60 bits of SHA-256(secret ‖ text), as an integer.

    The Python twin of the SQL of :func:`_hash_sql` (workbooks are hashed in Python, CSV in DuckDB:
    both give the same number, so a household in a workbook and in a CSV is found twice). Without
    the secret the number cannot be recomputed from a guessed ID card number; nothing reverses it.
    """
    import hashlib

    digest = hashlib.sha256((_hash_prefix(key) + text).encode("utf-8")).hexdigest()
    return int(digest[:HASH_HEX_DIGITS], 16)


def _hash_sql(text_sql: str, prefix_param: str) -> str:
    """DuckDB expression of :func:`key_hash` over the SQL text expression ``text_sql`` (NULL stays NULL)."""
    return f"('0x' || left(sha256({prefix_param} || {text_sql}), {HASH_HEX_DIGITS}))::BIGINT"


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------
def open_sources(paths, *, workdir: str | os.PathLike) -> list[Source]:
    """Files to read from paths that may be files, folders or ZIP archives (unpacked safely into ``workdir``)."""
    out: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = child.relative_to(path)
                if _readable_suffix(child):
                    out.append(Source(child, f"{path.name}/{rel.as_posix()}", rel.parent.name if rel.parent.parts else ""))
            continue
        safe.check_size(path)
        if path.suffix.lower() == ".zip" or (path.suffix.lower() not in EXCEL_SUFFIXES and safe.is_zip(path)):
            folder = safe.extract_zip(path, workdir)
            for child in sorted(p for p in folder.rglob("*") if p.is_file()):
                rel = child.relative_to(folder)
                if _readable_suffix(child) and not rel.name.startswith(("~$", ".")) and "__MACOSX" not in rel.parts:
                    out.append(Source(child, f"{path.name}/{rel.as_posix()}", rel.parent.name if rel.parent.parts else ""))
            continue
        out.append(Source(path, path.name))
    if not out:
        raise GeoError("household_no_files", paths=", ".join(Path(p).name for p in paths))
    return out


def _readable_suffix(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES + TEXT_SUFFIXES + (".xls",)


def _check_file(source: Source) -> bytes:
    """The first bytes of a file, after the size and format checks (a workbook is read whole later)."""
    size = source.path.stat().st_size
    excel = source.path.suffix.lower() in EXCEL_SUFFIXES + (".xls",)
    limit = settings.HOUSEHOLD_XLSX_MAX_MB if excel else settings.HOUSEHOLD_CSV_MAX_MB
    with open(source.path, "rb") as fh:
        head = fh.read(_SAMPLE_BYTES)
    if head.startswith(_OLE_MAGIC):
        with open(source.path, "rb") as fh:
            whole = fh.read(min(size, 8 * 1024 * 1024))
        if _ENCRYPTED_STREAM in whole:
            raise GeoError("household_encrypted", path=source.display)
        raise GeoError("household_old_excel", path=source.display)
    if size > limit * 1024 * 1024:
        code = "household_xlsx_too_large" if excel else "household_file_too_large"
        raise GeoError(code, path=source.display, size_mb=megabytes(size), limit_mb=Num(limit, None),
                       csv_mb=Num(settings.HOUSEHOLD_CSV_MAX_MB, None))
    return head


# --------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------
@functools.lru_cache(maxsize=4096)
def guess_role(header: str) -> str:
    """The role of a column from its header text (``"Chỉ số thiếu hụt | Nguồn nước sinh hoạt"`` -> ``dep_water``)."""
    parts = [_fold(p) for p in header.split(" | ") if _fold(p)]
    if not parts:
        return "ignore"
    for text in (parts[-1], " ".join(parts)):
        for role, pattern in _COMPILED:
            if pattern.search(text):
                return role
    return "ignore"


def _fill_right(row: list[str]) -> list[str]:
    out, last = [], ""
    for value in row:
        last = value or last
        out.append(last)
    return out


def _header_texts(block: list[list[str]]) -> list[str]:
    """One text per column from a header block; upper lines filled rightwards (merged cells), repeats dropped."""
    filled = [_fill_right(row) for row in block[:-1]] + [block[-1]]
    out = []
    for j in range(len(block[0])):
        parts: list[str] = []
        for row in filled:
            text = row[j] if j < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        out.append(" | ".join(parts))
    return out


def _score(headers: list[str]) -> int:
    roles = [guess_role(h) for h in headers]
    return len({r for r in roles if r != "ignore"})


def _find_header(rows: list[list[str]]) -> tuple[int, int, list[str]] | None:
    """(first, last) 0-based rows of the header block and the column texts, or None."""
    best: tuple[int, int, int, list[str]] | None = None
    for start in range(min(len(rows), HEADER_SCAN_ROWS)):
        if best is not None and best[0] >= settings.HOUSEHOLD_MIN_HEADER_ROLES and start > best[2] + 1:
            break  # past a header block: the rows below are households (unique texts, slow to fold)
        if sum(1 for v in rows[start] if v) < 2:
            continue
        for depth in range(1, MAX_HEADER_ROWS + 1):
            end = start + depth - 1
            if end >= len(rows):
                break
            if depth > 1 and all(_COLUMN_NUMBER.match(v) or not v for v in rows[end]):
                break
            headers = _header_texts(rows[start:end + 1])
            score = _score(headers)
            if best is None or score > best[0]:
                best = (score, start, end, headers)
    if best is None or best[0] < settings.HOUSEHOLD_MIN_HEADER_ROLES:
        return None
    return best[1], best[2], best[3]


# --------------------------------------------------------------------------
# Inspecting a file
# --------------------------------------------------------------------------
def _text_encoding(head: bytes) -> tuple[str, str]:
    """DuckDB's name of the encoding of a text file, and the text of its first bytes."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", head[3:].decode("utf-8", errors="ignore")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", head.decode("utf-16", errors="ignore")
    try:
        return "utf-8", head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut by the sample's end
            return "utf-8", head[: exc.start].decode("utf-8")
    return "latin-1", head.decode("latin-1")  # a byte view: legacy text is repaired after reading


def _delimiter(lines: list[str]) -> str:
    best, best_score = ",", -1
    for delimiter in _CSV_DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1]
        if counts:
            score = max(counts) * len(counts)
            if score > best_score:
                best, best_score = delimiter, score
    return best


def inspect_source(source: Source, *, mapping: ColumnMapping | None = None) -> list[SheetLayout]:
    """The layout of every sheet of ``source`` that holds a household list.

    Raises
    ------
    GeoError
        ``household_encrypted`` (password-protected workbook), ``household_old_excel`` (.xls),
        ``household_xlsx_too_large``, ``household_file_too_large``, ``household_no_header``
        (no sheet whose header names at least a classification or deprivation columns).
    """
    head = _check_file(source)
    layouts: list[SheetLayout] = []
    if head.startswith(b"PK\x03\x04"):
        for sheet, rows in _workbook_rows(source):
            layout = _layout(source, sheet, rows, mapping)
            if layout is not None:
                layout.grid = rows[layout.body_start - 1:]
                layouts.append(layout)
    else:
        encoding, text = _text_encoding(head)
        lines = text.splitlines()[: HEADER_SCAN_ROWS + 10]
        delimiter = _delimiter(lines)
        rows = [[nfc(v) for v in r] for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)]
        width = max((len(r) for r in rows), default=0)
        rows = [r + [""] * (width - len(r)) for r in rows]
        legacy = None
        if encoding == "latin-1":
            flat = [v for r in rows for v in r if v]
            fixed, legacy = fix_column(flat)
            it = iter(fixed)
            rows = [[next(it) if v else v for v in r] for r in rows]
        layout = _layout(source, None, rows, mapping)
        if layout is not None:
            layout.encoding, layout.legacy, layout.delimiter = encoding, legacy, delimiter
            layouts.append(layout)
    if not layouts:
        raise GeoError("household_no_header", path=source.display, roles=_role_names())
    return layouts


def _workbook_rows(source: Source):
    """(sheet name, rows of text) of every visible worksheet, streamed (read-only: no merged ranges needed,
    header lines are filled rightwards instead); the archive is checked for zip bombs first."""
    import openpyxl

    data = source.path.read_bytes()
    check_workbook(data, path=source.display)  # the one safe reader: members, strings, rows, merges measured first
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False)
    except Exception as exc:  # a hostile or damaged file fails in many ways inside openpyxl
        raise GeoError("unreadable_file", path=source.display, reason=f"{type(exc).__name__}: {exc}") from exc
    try:
        for ws in book.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible" or not hasattr(ws, "iter_rows"):
                continue
            rows = []
            for row in ws.iter_rows(values_only=True):
                if len(rows) >= settings.HOUSEHOLD_XLSX_MAX_ROWS:
                    raise GeoError("table_too_large", path=source.display, max_rows=settings.HOUSEHOLD_XLSX_MAX_ROWS,
                                   max_columns=MAX_COLUMNS)
                if len(row) > MAX_COLUMNS:
                    row = row[:MAX_COLUMNS]
                rows.append([_cell_text(v) for v in row])
            while rows and not any(rows[-1]):
                rows.pop()
            width = max((len(r) for r in rows), default=0)
            if width:
                yield ws.title, [r + [""] * (width - len(r)) for r in rows]
    finally:
        book.close()


def _role_names() -> str:
    return "phân loại / classification, thôn / village, " + ", ".join(DEPRIVATIONS)


def _layout(source: Source, sheet: str | None, rows: list[list[str]], mapping: ColumnMapping | None) -> SheetLayout | None:
    found = _find_header(rows)
    if found is None:
        return None
    first, last, headers = found
    body = last + 1
    if body < len(rows) and rows[body] and all(_COLUMN_NUMBER.match(v) or not v for v in rows[body]) \
            and any(rows[body]):
        body += 1  # a row of column numbers (1) (2) (3) under the header
    roles = [guess_role(h) for h in headers]
    saved_date = None
    if mapping is not None and mapping.saved:
        saved = mapping.saved.get(shape_key(headers))
        if saved:
            given = saved.get("columns") or {}
            roles = [given.get(h, r) if given.get(h) in ROLES else r for h, r in zip(headers, roles)]
            saved_date = str(saved.get("saved") or "?")
    title = " ".join(v for row in rows[:first] for v in row if v)
    default_class = None
    if "classification" not in roles:
        for text in (title, sheet or "", Path(source.display).stem.replace("_", " ")):
            found_class, _ = classify_value(text)
            if found_class in ("poor", "near_poor"):
                default_class = found_class
                break
    match = _TITLE_COMMUNE.search(title)
    title_commune = nfc(match.group(1)) if match else None
    match = _TITLE_DISTRICT.search(title)
    title_district = nfc(match.group(1)) if match else None
    if mapping is not None:
        roles = [mapping.role_for(h) or r for h, r in zip(headers, roles)]
    samples = []
    for row in rows[body: body + settings.HOUSEHOLD_PREVIEW_ROWS]:
        samples.append([("•••" if roles[j] in PERSONAL_ROLES and v else v) for j, v in enumerate(row[: len(headers)])])
    return SheetLayout(source=source, sheet=sheet, header_rows=list(range(first + 1, last + 2)), body_start=body + 1,
                       headers=headers, roles=roles, samples=samples, default_class=default_class,
                       title_commune=title_commune, title_district=title_district, saved_mapping=saved_date)


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------
def classify_value(text: object) -> tuple[str | None, bool]:
    """(class, newly arisen) of a classification cell: ``"Hộ nghèo mới phát sinh"`` -> ``("poor", True)``.

    Classes are ``poor``, ``near_poor`` and ``escaped`` (thoát nghèo, thoát cận nghèo); None when not
    understood. A bare "mới phát sinh" counts as a newly poor household.
    """
    folded = _fold(text)
    if not folded:
        return None, False
    new = bool(re.search(r"\b(moi phat sinh|phat sinh moi|phat sinh|moi)\b", folded))
    if re.search(r"\bthoat\b", folded):
        return "escaped", False
    if re.search(r"\bcan ngheo\b|^(hcn|cn)$|\bnear ?poor\b", folded):
        return "near_poor", new
    if re.search(r"\bngheo\b|^(hn|n)$|\bpoor\b", folded):
        return "poor", new
    if folded in ("moi phat sinh", "phat sinh moi"):
        return "poor", True
    return None, False


def change_value(text: object) -> tuple[bool, bool]:
    """(newly arisen, escaped) from a change column ("Biến động")."""
    folded = _fold(text)
    return bool(re.search(r"\bphat sinh\b|\bmoi\b", folded)), bool(re.search(r"\bthoat\b", folded))


def mark_value(text: object) -> bool | None:
    """True for a deprived mark (x, 1, có, ✓), False for empty/0/không, None when not understood."""
    raw = nfc(text)
    if raw in ("\u2713", "\u2714", "\u2611", "\u2717", "\u2610"):
        return raw in ("\u2713", "\u2714", "\u2611")
    if not raw:
        return False
    folded = _fold(raw)
    if raw.lower() in _YES or (folded and folded in _YES):
        return True
    if raw.lower() in _NO or (folded and folded in _NO):
        return False
    return None


def _is_minority(text: object) -> bool | None:
    folded = _fold(text)
    if not folded:
        return None
    return folded not in ("kinh", "viet", "nguoi kinh", "dan toc kinh")


# --------------------------------------------------------------------------
# Loading into DuckDB
# --------------------------------------------------------------------------
HOUSEHOLD_COLUMNS = (
    "file VARCHAR, sheet VARCHAR, row INTEGER, province_raw VARCHAR, district_raw VARCHAR, commune_raw VARCHAR, village VARCHAR, "
    "cls VARCHAR, is_new BOOLEAN, escaped_change BOOLEAN, members DOUBLE, minority BOOLEAN, income DOUBLE, "
    + ", ".join(f"{r} BOOLEAN" for r in DEPRIVATION_ROLES)
    + ", dep_given INTEGER, hkey BIGINT, set_aside VARCHAR"
)


def _col(i: int) -> str:
    return f"c{i}"


def _number_sql(expr: str) -> str:
    """A number cell as DOUBLE: plain digits directly; else "1.500.000" / "1 500" (thousands) or "2,5" (decimal)."""
    s = f"regexp_replace(trim(coalesce({expr}, '')), '[\\s\u00a0]', '', 'g')"
    slow = (f"CASE WHEN regexp_full_match({s}, '\\d{{1,3}}([.,]\\d{{3}})+') "
            f"THEN TRY_CAST(regexp_replace({s}, '[.,]', '', 'g') AS DOUBLE) "
            f"ELSE TRY_CAST(replace({s}, ',', '.') AS DOUBLE) END")
    return (f"CASE WHEN length({expr}) BETWEEN 1 AND 15 AND ltrim({expr}, '0123456789') = '' "
            f"THEN {expr}::DOUBLE ELSE {slow} END")


def _first(layout: SheetLayout, role: str) -> str | None:
    cols = layout.columns(role)
    return _col(cols[0]) if cols else None


def load_households(con, layouts: list[SheetLayout], *, key: bytes, mapping: ColumnMapping | None = None,
                    report: LoadReport | None = None) -> LoadReport:
    """Stream every sheet into the DuckDB table ``households`` (created if absent) of connection ``con``.

    Only the columns of :data:`DATA_ROLES` are read into the table; personal columns are read
    only inside the query that hashes them (``hkey``). Rows that are not households are kept
    with the reason in ``set_aside`` (``blank``, ``note``, ``total``, ``group``,
    ``no_classification``), so every row of every file is accounted for.

    Text files laid out the same way (same header, roles, delimiter, encoding and first body row:
    the lists of one office, or a national export split by province) are read by one multi-file
    ``read_csv`` in two passes: the distinct values of the coded columns first (mapped in Python,
    once per value), then one ``INSERT … SELECT`` that maps, hashes and numbers the rows. No
    household row passes through Python.
    """
    report = report or LoadReport()
    mapping = mapping or ColumnMapping()
    con.execute(f"CREATE TABLE IF NOT EXISTS households ({HOUSEHOLD_COLUMNS})")
    batch: list[tuple] = []
    groups: dict[tuple, list[SheetLayout]] = {}
    for layout in layouts:
        if layout.grid is not None:  # a workbook is in memory already: mapped in Python, inserted in one batch
            batch.extend(_grid_rows(layout, key=key, mapping=mapping, report=report))
        else:
            groups.setdefault(_read_signature(layout), []).append(layout)
    before = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("SET preserve_insertion_order = true")  # row numbers are the order of the file
    try:
        for group in groups.values():
            _load_text_group(con, group, key=key, mapping=mapping, report=report)
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if before else 'false'}")
    if batch:
        import pandas as pd

        names = [c.split()[0] for c in HOUSEHOLD_COLUMNS.split(", ")]
        frame = pd.DataFrame(batch, columns=names)
        frame["hkey"] = frame["hkey"].astype("Int64")
        con.register("_hh_batch", frame)
        try:
            con.execute("INSERT INTO households SELECT * FROM _hh_batch")
        finally:
            con.unregister("_hh_batch")
    return report


def _read_signature(layout: SheetLayout) -> tuple:
    return (tuple(layout.headers), tuple(layout.roles), layout.delimiter, layout.encoding, layout.legacy,
            layout.body_start, layout.default_class)


def _load_text_group(con, group: list[SheetLayout], *, key: bytes, mapping: ColumnMapping, report: LoadReport) -> None:
    """Load text files of one layout; a malformed file is found by reading the files one by one."""
    import duckdb

    try:
        _load_csv_group(con, group, key=key, mapping=mapping, report=report)
    except duckdb.Error as exc:  # a malformed CSV line or invalid UTF-8 past the sample: name the file
        if len(group) > 1:  # nothing was inserted (one statement): find the file at fault
            for layout in group:
                _load_text_group(con, [layout], key=key, mapping=mapping, report=report)
            return
        raise GeoError("household_unreadable", path=group[0].source.display,
                       reason=str(exc).splitlines()[0][:200]) from exc


def _fold_sql(expr: str) -> str:
    return f"lower(strip_accents(replace(replace({expr}, 'đ', 'd'), 'Đ', 'D')))"


def _load_csv_group(con, group: list[SheetLayout], *, key: bytes, mapping: ColumnMapping, report: LoadReport) -> None:
    layout = group[0]
    width = len(layout.headers)
    names = [_col(i) for i in range(width)]
    legacy = layout.legacy
    skip = layout.body_start - 1
    transcoded: list[Path] = []
    try:
        paths = []
        for lay in group:  # DuckDB reads UTF-8: a byte view or UTF-16 is re-encoded first (streamed)
            if (lay.encoding or "utf-8") != "utf-8":
                transcoded.append(_to_utf8(lay.source.path, lay.encoding))
                paths.append(str(transcoded[-1]))
            else:
                paths.append(str(lay.source.path))
        _insert_csv_group(con, group, paths, names=names, skip=skip, legacy=legacy, key=key, mapping=mapping,
                          report=report)
    finally:
        for path in transcoded:
            path.unlink(missing_ok=True)


def _insert_csv_group(con, group, paths, *, names, skip, legacy, key, mapping, report) -> None:
    layout = group[0]
    spec = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    params: dict[str, object] = {"paths": paths, "delim": layout.delimiter or ","}
    rel = (f"read_csv($paths, header=false, skip={int(skip)}, delim=$delim, quote='\"', escape='\"', columns={spec}, "
           "null_padding=true, strict_mode=false, encoding='utf-8', ignore_errors=false, auto_detect=false, "
           "filename=true)")

    def param(value: object) -> str:  # named, so that the order of use in the SQL text does not matter
        if isinstance(value, dict):  # a lookup table; '' (an empty cell) is never a key: a miss gives NULL
            value = {k: v for k, v in value.items() if k} or {"\u0000": v for v in list(value.values())[:1]} or {"\u0000": None}
        name = f"p{len(params)}"
        params[name] = value
        return f"${name}"

    # Filled cells (workbooks are read without merged ranges, so a merged group row counts once).
    filled = " + ".join(f"coalesce(trim({n}) <> '', false)::INTEGER" for n in names)
    first_text = f"trim(coalesce({', '.join(f'nullif(trim({n}), {chr(39)}{chr(39)})' for n in names)}, ''))"
    cls_col, change_col, eth_col = (_first(layout, r) for r in ("classification", "change", "ethnicity"))
    dep_cols = {role: _first(layout, role) for role in DEPRIVATION_ROLES}
    coded = list(dict.fromkeys(c for c in (cls_col, change_col, eth_col, *dep_cols.values()) if c))

    # Pass 1: per file, its rows, its group rows and the distinct values of the coded columns.
    aggs = "".join(f", list(DISTINCT trim({c})) FILTER (WHERE {c} IS NOT NULL) AS {c}" for c in coded)
    # A group row ("Xã …" alone on a row) has no class: files whose every row has one need no group pass.
    # (Only the columns named here are parsed: the count of rows without a class costs nothing.)
    classless = f"count(*) FILTER (WHERE {cls_col} IS NULL)" if cls_col else "count(*)"
    found = con.execute(f"SELECT filename, count(*), {classless}{aggs} FROM {rel} GROUP BY filename",
                        params).fetchall()
    per_file = {r[0]: r for r in found}
    distinct: dict[str, dict[str, list[str]]] = {c: {} for c in coded}  # column -> path -> values
    for r in found:
        for c, values in zip(coded, r[3:]):
            distinct[c][r[0]] = values or []
    groups = sum(int(r[2]) for r in found)
    display = {p: lay.source.display for p, lay in zip(paths, group)}
    where_of = {p: {"file": lay.source.display, "sheet": lay.sheet} for p, lay in zip(paths, group)}

    def fix(values) -> dict[str, str]:
        values = list(values)
        if legacy is None and layout.encoding != "latin-1":
            return {v: nfc(v) for v in values}
        fixed, _ = fix_column(values)
        return {v: nfc(f) for v, f in zip(values, fixed)}

    def union(col: str) -> list[str]:
        return list(dict.fromkeys(v for p in paths for v in distinct[col].get(p, [])))

    cls_map, new_map = {}, {}
    if cls_col:
        texts = fix(union(cls_col))
        for raw, text in texts.items():
            cls, new = classify_value(text)
            if cls is not None:
                cls_map[raw], new_map[raw] = cls, new
        for p in paths:
            for raw in distinct[cls_col].get(p, []):
                if raw and raw not in cls_map:
                    report.unknown_classifications.append({**where_of[p], "value": texts[raw]})
        cls_sql = f"nullif(map_extract_value({param(cls_map or {'': ''})}::MAP(VARCHAR, VARCHAR), trim({cls_col})), '')"
        new_sql = f"coalesce(map_extract_value({param(new_map or {'': False})}::MAP(VARCHAR, BOOLEAN), trim({cls_col})), false)"
    elif layout.default_class:
        total = f"regexp_matches({_fold_sql('first_text')}, {param(_TOTAL.pattern)})"
        cls_sql = f"CASE WHEN n_filled >= 3 AND NOT {total} THEN {param(layout.default_class)} END"
        new_sql = "false"
    else:
        cls_sql, new_sql = "NULL::VARCHAR", "false"
    if change_col:
        change_new, change_escaped = {}, {}
        for raw, text in fix(union(change_col)).items():
            change_new[raw], change_escaped[raw] = change_value(text)
        new_sql = (f"({new_sql} OR coalesce(map_extract_value({param(change_new or {'': False})}::MAP(VARCHAR, BOOLEAN), "
                   f"trim({change_col})), false))")
        esc_sql = f"coalesce(map_extract_value({param(change_escaped or {'': False})}::MAP(VARCHAR, BOOLEAN), trim({change_col})), false)"
    else:
        esc_sql = "false"

    dep_sql = []
    for role, col in dep_cols.items():
        if col is None:
            dep_sql.append(f"NULL::BOOLEAN AS {role}")
            continue
        yes = set()
        for p in paths:
            for raw in distinct[col].get(p, []):
                value = mark_value(raw)
                if value is None:
                    report.unknown_marks.append({**where_of[p], "column": layout.headers[int(col[1:])], "value": raw})
                elif value:
                    yes.add(raw)
        # An empty cell (most of them) is not deprived without looking it up.
        dep_sql.append(f"(CASE WHEN {col} IS NULL THEN false ELSE coalesce(list_contains({param(sorted(yes))}::VARCHAR[], "
                       f"trim({col})), false) END) AS {role}")

    if eth_col:
        eth = {raw: _is_minority(text) for raw, text in fix(union(eth_col)).items()}
        eth = {k: v for k, v in eth.items() if v is not None}
        minority_sql = f"map_extract_value({param(eth or {'': False})}::MAP(VARCHAR, BOOLEAN), trim({eth_col}))"
    else:
        minority_sql = "NULL::BOOLEAN"

    def text_sql(role: str) -> str:
        col = _first(layout, role)
        return f"nullif(trim({col}), '')" if col else "NULL::VARCHAR"

    offsets, start = {}, 0
    for p in paths:  # the files are read in the order given: a row's number is its rank minus the files before
        offsets[p] = start
        start += int(per_file[p][1]) if p in per_file else 0
    def by_file(values: dict, kind: str = "VARCHAR") -> str:
        return f"map_extract_value({param(values)}::MAP(VARCHAR, {kind}), filename)"

    fallback_commune = by_file({p: _fallback_commune(lay, mapping) for p, lay in zip(paths, group)})
    fallback_district = by_file({p: _fallback_district(lay) for p, lay in zip(paths, group)})
    members_sql = _number_sql(_first(layout, "members")) if _first(layout, "members") else "NULL::DOUBLE"
    income_sql = _number_sql(_first(layout, "income")) if _first(layout, "income") else "NULL::DOUBLE"
    given_sql = (f"TRY_CAST({_number_sql(_first(layout, 'deprivation_count'))} AS INTEGER)"
                 if _first(layout, "deprivation_count") else "NULL::INTEGER")

    # The keyed hash: the ID number's digits, else the folded name with the village and the birth date.
    id_col, name_col, birth_col, village_col = (_first(layout, r) for r in ("id_number", "head_name", "birth_date", "village"))
    key_parts = []
    if id_col:
        key_parts.append(f"nullif(regexp_replace(coalesce({id_col}, ''), '[^0-9]', '', 'g'), '')")
    if name_col:
        village_key = _fold_sql(f"trim(coalesce({village_col}, ''))") if village_col else "''"
        name_key = (f"'n:' || {_fold_sql(f'trim({name_col})')} || '|' || {village_key} || '|' || "
                    f"coalesce(trim({birth_col or 'NULL'}), '')")
        key_parts.append(f"CASE WHEN trim(coalesce({name_col}, '')) <> '' THEN {name_key} END")
    hkey_sql = _hash_sql(f"coalesce({', '.join(key_parts)})", param(_hash_prefix(key))) if key_parts else "NULL::BIGINT"

    # Group rows ("Xã Hoàng Đồng", "Thôn Nà Lầu" alone on a row) name the commune or village of the rows under them.
    if groups:
        fill_commune = "last_value(grp_commune IGNORE NULLS) OVER w,"
        fill_village = "last_value(grp_village IGNORE NULLS) OVER w,"
        window = "WINDOW w AS (PARTITION BY filename ORDER BY row ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    else:
        fill_commune = fill_village = window = ""
    folded_first = _fold_sql("first_text")
    cls_first = cls_sql if cls_col else "NULL::VARCHAR"
    if cls_col:
        cls_sql = "cls_given"
    select = f"""
    WITH numbered AS (
        SELECT row_number() OVER () AS rn, * FROM {rel}
    ), counted AS (
        SELECT *, (rn - {by_file(offsets, "BIGINT")} + {int(skip)})::INTEGER AS row,
               {cls_first} AS cls_given
        FROM numbered
    ), summed AS (  -- the row's filled cells and first text: needed only where no class is given
        SELECT *, CASE WHEN cls_given IS NULL THEN {filled} END AS n_filled,
               CASE WHEN cls_given IS NULL THEN {first_text} END AS first_text
        FROM counted
    ), base AS (
        SELECT *, {cls_sql} AS cls FROM summed
    ), grouped AS (
        SELECT *,
            CASE WHEN cls IS NULL AND n_filled <= 2 AND regexp_matches({folded_first}, {param(_GROUP_COMMUNE.pattern)})
                 THEN first_text END AS grp_commune,
            CASE WHEN cls IS NULL AND n_filled <= 2 AND regexp_matches({folded_first}, {param(_GROUP_VILLAGE.pattern)})
                 THEN first_text END AS grp_village
        FROM base
    ), filled AS (
        SELECT *,
            coalesce({text_sql('commune')}, {fill_commune} {fallback_commune}) AS commune_raw,
            coalesce({text_sql('village')}, {fill_village} NULL) AS village_out,
            coalesce({text_sql('district')}, {fallback_district}) AS district_raw
        FROM grouped {window}
    )
    SELECT {by_file(display)}, NULL::VARCHAR, row, {text_sql('province')},
           district_raw, commune_raw, village_out, cls, {new_sql}, {esc_sql}, {members_sql}, {minority_sql},
           {income_sql}, {', '.join(dep_sql)}, {given_sql}, {hkey_sql},
           CASE WHEN cls IS NOT NULL THEN NULL
                WHEN n_filled = 0 THEN 'blank'
                WHEN grp_commune IS NOT NULL OR grp_village IS NOT NULL THEN 'group'
                WHEN regexp_matches({folded_first}, {param(_TOTAL.pattern)}) THEN 'total'
                WHEN n_filled <= 2 THEN 'note'
                ELSE 'no_classification' END
    FROM filled
    """
    con.execute(f"INSERT INTO households {select}", params)
    files = [display[p] for p in paths]
    # Legacy text in names: repair the distinct values in place (a few hundred at most).
    if legacy is not None or layout.encoding == "latin-1":
        for column in ("province_raw", "commune_raw", "village", "district_raw"):
            values = [r[0] for r in con.execute(
                f"SELECT DISTINCT {column} FROM households WHERE list_contains(?, file) AND {column} IS NOT NULL",
                [files]).fetchall()]
            for raw, text in fix(values).items():
                if raw != text:
                    con.execute(f"UPDATE households SET {column} = ? WHERE list_contains(?, file) AND {column} = ?",
                                [text, files, raw])
    for p, lay in zip(paths, group):
        _report_columns(lay, report)
        n = int(per_file[p][1]) if p in per_file else 0
        report.rows_read += n
        report.sheets.append({
            **where_of[p], "header_rows": lay.header_rows, "body_start": lay.body_start, "rows": n,
            "encoding": lay.encoding, "legacy_encoding": lay.legacy,
            "columns": [{"column": h, "role": r} for h, r in zip(lay.headers, lay.roles) if h],
        })


def _fallback_commune(layout: SheetLayout, mapping: ColumnMapping) -> str:
    return (mapping.commune.get(layout.source.display) or layout.title_commune
            or (layout.sheet if layout.sheet and not _GENERIC_SHEET.match(_fold(layout.sheet)) else None)
            or Path(layout.source.display).stem.replace("_", " "))


def _fallback_district(layout: SheetLayout) -> str | None:
    """The district of rows without a district column: the title's, else the archive folder's, else the file's name
    (the join uses it only when it names a district of the province)."""
    return layout.title_district or layout.source.folder or Path(layout.source.display).stem or None


def _report_columns(layout: SheetLayout, report: LoadReport) -> dict:
    where = {"file": layout.source.display, "sheet": layout.sheet}
    for item in layout.personal():
        report.dropped_personal.append({**where, **item})
    for i, role in enumerate(layout.roles):
        if role == "ignore" and layout.headers[i]:
            report.ignored_columns.append({**where, "column": layout.headers[i]})
    return where


def _number(text: str) -> float | None:
    text = re.sub(r"[\s\u00a0]", "", text or "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _grid_rows(layout: SheetLayout, *, key: bytes, mapping: ColumnMapping, report: LoadReport) -> list[tuple]:
    """The rows of a workbook sheet as ``households`` records: the same rules as the SQL of :func:`_insert_csv_group`."""

    where = _report_columns(layout, report)
    first = {role: (cols[0] if (cols := layout.columns(role)) else None) for role in DATA_ROLES + PERSONAL_ROLES}
    fallback_commune = _fallback_commune(layout, mapping)
    fallback_district = _fallback_district(layout)
    classes: dict[str, tuple] = {}
    marks: dict[str, bool] = {}
    unknown_marks: set = set()
    out = []
    group_commune = group_village = None

    def cell(row: list[str], role: str) -> str:
        j = first[role]
        return row[j].strip() if j is not None and j < len(row) and row[j] else ""

    for offset, row in enumerate(layout.grid or []):
        number = layout.body_start + offset
        values = [v.strip() for v in row if v and v.strip()]
        n_filled = len(values)
        first_text = values[0] if values else ""
        folded_first = _fold(first_text)
        raw_cls = cell(row, "classification")
        if first["classification"] is not None:
            if raw_cls not in classes:
                classes[raw_cls] = classify_value(raw_cls)
                if raw_cls and classes[raw_cls][0] is None:
                    report.unknown_classifications.append({**where, "value": raw_cls})
            cls, new = classes[raw_cls]
        elif layout.default_class and n_filled >= 3 and not _TOTAL.match(folded_first):
            cls, new = layout.default_class, False
        else:
            cls, new = None, False
        grp_c = first_text if cls is None and n_filled <= 2 and _GROUP_COMMUNE.match(folded_first) else None
        grp_v = first_text if cls is None and n_filled <= 2 and _GROUP_VILLAGE.match(folded_first) else None
        group_commune = grp_c or group_commune
        group_village = grp_v or group_village
        if cls is not None:
            aside = None
        elif n_filled == 0:
            aside = "blank"
        elif grp_c or grp_v:
            aside = "group"
        elif _TOTAL.match(folded_first):
            aside = "total"
        elif n_filled <= 2:
            aside = "note"
        else:
            aside = "no_classification"
        change_new, change_escaped = change_value(cell(row, "change")) if first["change"] is not None else (False, False)
        deps = []
        for role in DEPRIVATION_ROLES:
            if first[role] is None:
                deps.append(None)
                continue
            raw = cell(row, role)
            if raw not in marks:
                value = mark_value(raw)
                if value is None and (role, raw) not in unknown_marks:
                    unknown_marks.add((role, raw))
                    report.unknown_marks.append({**where, "column": layout.headers[first[role]], "value": raw})
                marks[raw] = bool(value)
            deps.append(marks[raw])
        village = cell(row, "village") or group_village
        ident = re.sub(r"[^0-9]", "", cell(row, "id_number"))
        name = cell(row, "head_name")
        key_text = ident or (("n:" + _fold_plain(name) + "|" + _fold_plain(cell(row, "village")) + "|"
                              + cell(row, "birth_date")) if name else None)
        hkey = key_hash(key, key_text) if key_text else None
        given = _number(cell(row, "deprivation_count")) if first["deprivation_count"] is not None else None
        out.append((
            layout.source.display, layout.sheet, number, cell(row, "province") or None,
            cell(row, "district") or fallback_district,
            cell(row, "commune") or group_commune or fallback_commune, village or None, cls, bool(new or change_new),
            bool(change_escaped), _number(cell(row, "members")) if first["members"] is not None else None,
            _is_minority(cell(row, "ethnicity")) if first["ethnicity"] is not None else None,
            _number(cell(row, "income")) if first["income"] is not None else None, *deps,
            int(given) if given is not None else None, hkey, aside,
        ))
    report.rows_read += len(out)
    report.sheets.append({
        **where, "header_rows": layout.header_rows, "body_start": layout.body_start, "rows": len(out),
        "encoding": None, "legacy_encoding": None,
        "columns": [{"column": h, "role": r} for h, r in zip(layout.headers, layout.roles) if h],
    })
    layout.grid = None  # the sheet's cells, personal ones included, are not kept
    return out


def _fold_plain(text: str) -> str:
    """Lower case without diacritics, like the SQL ``lower(strip_accents(...))`` of the hash key."""
    import unicodedata

    text = (text or "").strip().replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn").lower()


def _to_utf8(path: Path, encoding: str) -> Path:
    """A private temporary UTF-8 copy of a text file (streamed; removed by the caller)."""
    fd, name = tempfile.mkstemp(prefix="geo-households-", suffix=".csv")
    decoder = codecs.getincrementaldecoder("utf-16" if encoding == "utf-16" else "latin-1")()
    with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
        while chunk := src.read(8 * 1024 * 1024):
            dst.write(decoder.decode(chunk).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return Path(name)


def cleanup(folder: str | os.PathLike) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def workdir() -> Path:
    """A private temporary folder for unpacked archives and DuckDB's spill files."""
    return Path(tempfile.mkdtemp(prefix="geo-households-"))
