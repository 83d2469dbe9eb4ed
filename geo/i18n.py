"""Language support: message catalogue and number formatting.

Vietnamese is the default everywhere. English is the switch. Numbers follow
the language: ``27.964`` and ``8,51`` in Vietnamese, ``27,964`` and ``8.51``
in English. Parsing of user numbers (either style) lives in
:mod:`geo.numbers`.
"""

from __future__ import annotations

import math
import string

__all__ = ["LANGS", "DEFAULT_LANG", "ERRORS", "error_message", "format_number", "format_percent", "t"]

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

# Error catalogue, keyed by GeoError.code. Each message names the file, the
# row or the column when it can, and says what to do.
ERRORS: dict[str, dict[str, str]] = {
    "file_not_found": {
        "vi": "Không tìm thấy tệp '{path}'.",
        "en": "File '{path}' not found.",
    },
    "file_too_large": {
        "vi": "Tệp '{path}' quá lớn ({size_mb} MB); giới hạn là {limit_mb} MB.",
        "en": "File '{path}' is too large ({size_mb} MB); the limit is {limit_mb} MB.",
    },
    "unsupported_format": {
        "vi": "Không hỗ trợ định dạng của tệp '{path}'. Dùng: {supported}.",
        "en": "The format of '{path}' is not supported. Use: {supported}.",
    },
    "unreadable_file": {
        "vi": "Không đọc được tệp '{path}': {reason}",
        "en": "Could not read '{path}': {reason}",
    },
    "zip_unsafe_member": {
        "vi": "Tệp nén '{path}' chứa đường dẫn không an toàn '{member}' (tuyệt đối hoặc có '..'); đã từ chối, không ghi gì ra đĩa.",
        "en": "Archive '{path}' holds an unsafe path '{member}' (absolute or with '..'); refused, nothing was written.",
    },
    "zip_too_large": {
        "vi": "Tệp nén '{path}' khi giải nén quá lớn ({size_mb} MB, giới hạn {limit_mb} MB) hoặc tỉ lệ nén bất thường; đã từ chối.",
        "en": "Archive '{path}' unpacks too large ({size_mb} MB, limit {limit_mb} MB) or has an abnormal compression ratio; refused.",
    },
    "zip_too_many_files": {
        "vi": "Tệp nén '{path}' chứa quá nhiều tệp ({count}, giới hạn {limit}); đã từ chối.",
        "en": "Archive '{path}' holds too many files ({count}, limit {limit}); refused.",
    },
    "zip_bad": {
        "vi": "Tệp nén '{path}' bị hỏng hoặc không phải tệp ZIP.",
        "en": "Archive '{path}' is damaged or not a ZIP file.",
    },
    "zip_no_layer": {
        "vi": "Tệp nén '{path}' không chứa lớp bản đồ nào (.shp, .geojson, .gpkg, .kml).",
        "en": "Archive '{path}' holds no map layer (.shp, .geojson, .gpkg, .kml).",
    },
    "zip_many_layers": {
        "vi": "Tệp nén '{path}' chứa nhiều lớp bản đồ ({layers}); hãy nén riêng một lớp.",
        "en": "Archive '{path}' holds several map layers ({layers}); zip one layer only.",
    },
    "shapefile_incomplete": {
        "vi": "Shapefile '{path}' thiếu tệp đi kèm {missing}.",
        "en": "Shapefile '{path}' is missing its companion file(s) {missing}.",
    },
    "empty_layer": {
        "vi": "Lớp bản đồ '{path}' không có đối tượng nào có hình học.",
        "en": "Layer '{path}' has no features with geometry.",
    },
    "crs_missing_projected": {
        "vi": "Tệp '{path}' không có hệ tọa độ (.prj) và tọa độ là mét (hệ chiếu), ví dụ x={x:.0f}, y={y:.0f}. "
        "Có lẽ là {likely}. Hãy chỉ định hệ tọa độ, ví dụ --crs {likely_code}. Các múi VN-2000 TM-3: {candidates}.",
        "en": "File '{path}' has no coordinate system (.prj) and its coordinates are metres (projected), e.g. "
        "x={x:.0f}, y={y:.0f}. It is likely {likely}. Give the CRS explicitly, e.g. --crs {likely_code}. "
        "VN-2000 TM-3 zones: {candidates}.",
    },
    "crs_invalid": {
        "vi": "Hệ tọa độ '{crs}' không hợp lệ. Ví dụ hợp lệ: EPSG:9215 (VN-2000 / TM-3 107-15).",
        "en": "Coordinate system '{crs}' is not valid. A valid example: EPSG:9215 (VN-2000 / TM-3 107-15).",
    },
    "crs_out_of_vietnam": {
        "vi": "Sau khi chuyển sang WGS 84, lớp '{path}' nằm ngoài Việt Nam ({bounds}). Kiểm tra lại hệ tọa độ (--crs).",
        "en": "After reprojection to WGS 84, layer '{path}' lies outside Viet Nam ({bounds}). Check the coordinate system (--crs).",
    },
    "layer_not_found": {
        "vi": "Tệp '{path}' không có lớp '{layer}'. Các lớp có: {layers}.",
        "en": "File '{path}' has no layer '{layer}'. Layers: {layers}.",
    },
    "layer_ambiguous": {
        "vi": "Tệp '{path}' có nhiều lớp bản đồ ({layers}); hãy chọn một lớp.",
        "en": "File '{path}' holds several layers ({layers}); choose one.",
    },
    "table_empty": {
        "vi": "Bảng '{path}' không có dòng dữ liệu nào.",
        "en": "Table '{path}' has no data rows.",
    },
    "table_no_header": {
        "vi": "Không tìm thấy dòng tiêu đề trong bảng '{path}' (cần một cột tên hoặc mã đơn vị, ví dụ 'Đơn vị', 'Tên xã', 'Mã xã').",
        "en": "No header row found in table '{path}' (a unit name or code column is needed, e.g. 'Đơn vị', 'Tên xã', 'Mã xã').",
    },
    "table_no_unit_column": {
        "vi": "Bảng '{path}' (dòng tiêu đề {header_row}) không có cột tên hoặc mã đơn vị. Các cột có: {columns}.",
        "en": "Table '{path}' (header row {header_row}) has no unit name or code column. Columns: {columns}.",
    },
    "table_encoding": {
        "vi": "Không nhận ra bảng mã ký tự của '{path}'. Hãy lưu lại dưới dạng CSV UTF-8.",
        "en": "Could not recognise the text encoding of '{path}'. Save it as CSV UTF-8.",
    },
    "table_sheet_not_found": {
        "vi": "Tệp '{path}' không có trang tính '{sheet}'. Các trang có: {sheets}.",
        "en": "Workbook '{path}' has no sheet '{sheet}'. Sheets: {sheets}.",
    },
    "table_too_large": {
        "vi": "Bảng '{path}' quá lớn (giới hạn {max_rows} dòng, {max_columns} cột); hãy chỉ giữ bảng chỉ tiêu.",
        "en": "Table '{path}' is too large (limit {max_rows} rows, {max_columns} columns); keep only the indicator table.",
    },
    "table_bad_level": {
        "vi": "Cấp đơn vị '{level}' không hợp lệ. Dùng: {allowed}.",
        "en": "Unit level '{level}' is not valid. Use: {allowed}.",
    },
    "table_bad_number": {
        "vi": "Giá trị '{value}' ở dòng {row}, cột '{column}' của '{path}' không phải là số.",
        "en": "Value '{value}' at row {row}, column '{column}' of '{path}' is not a number.",
    },
    "unknown_province": {
        "vi": "Không có tỉnh/thành phố mã '{province}' (thời điểm {vintage}).",
        "en": "No province with code '{province}' ({vintage}).",
    },
    "unknown_level": {
        "vi": "Cấp '{level}' không dùng được với thời điểm {vintage}. Dùng: {allowed}.",
        "en": "Level '{level}' is not available for vintage {vintage}. Use: {allowed}.",
    },
    "unknown_vintage": {
        "vi": "Thời điểm '{vintage}' không hợp lệ. Dùng: pre2025 hoặc 2025.",
        "en": "Vintage '{vintage}' is not valid. Use: pre2025 or 2025.",
    },
    "no_join_key": {
        "vi": "Không ghép được: lớp ranh giới '{path}' không có cột mã hoặc tên đơn vị. Các cột có: {columns}.",
        "en": "Cannot join: boundary layer '{path}' has no unit code or name column. Columns: {columns}.",
    },
    "classes_out_of_range": {
        "vi": "Số lớp phải từ {min_k} đến {max_k}; đã chọn {k}.",
        "en": "The number of classes must be between {min_k} and {max_k}; got {k}.",
    },
    "unknown_scheme": {
        "vi": "Không có cách chia lớp '{scheme}'. Dùng: {allowed}.",
        "en": "Unknown classification scheme '{scheme}'. Use: {allowed}.",
    },
    "bins_invalid": {
        "vi": "Ngưỡng chia lớp {bins} không hợp lệ: cần các số tăng dần, mỗi ngưỡng là cận trên của một lớp.",
        "en": "Class breaks {bins} are not valid: give increasing numbers, each the upper bound of a class.",
    },
    "values_not_numeric": {
        "vi": "Cột '{column}' có giá trị không phải số (ví dụ '{example}'); không chia lớp được.",
        "en": "Column '{column}' holds non-numeric values (e.g. '{example}'); cannot classify.",
    },
    "unknown_palette": {
        "vi": "Không có bảng màu '{palette}'. Dùng: {allowed}.",
        "en": "Unknown colour palette '{palette}'. Use: {allowed}.",
    },
    "map_column_missing": {
        "vi": "Lớp bản đồ không có cột '{column}'. Các cột có: {columns}.",
        "en": "The map layer has no column '{column}'. Columns: {columns}.",
    },
    "map_duplicate_codes": {
        "vi": "Lớp bản đồ có mã đơn vị trùng nhau ({codes}); mỗi đơn vị chỉ được một dòng.",
        "en": "The map layer repeats unit codes ({codes}); each unit must appear once.",
    },
    "assets_missing": {
        "vi": "Không tìm thấy thư viện Leaflet cài sẵn để dùng ngoại tuyến. Cài bằng: pip install {package}",
        "en": "No installed Leaflet library found for offline use. Install it with: pip install {package}",
    },
    "output_exists": {
        "vi": "Tệp '{path}' đã tồn tại; không ghi đè. Chọn tên khác hoặc dùng --overwrite.",
        "en": "File '{path}' already exists; not overwritten. Choose another name or use --overwrite.",
    },
    "output_is_input": {
        "vi": "Tệp kết quả '{path}' trùng với tệp đầu vào; không bao giờ ghi đè tệp đầu vào.",
        "en": "Output '{path}' is one of the input files; inputs are never overwritten.",
    },
}


def error_message(code: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """Translate an error code; unknown codes and missing params degrade gracefully."""
    entry = ERRORS.get(code)
    if entry is None:
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        return f"{code}: {detail}" if detail else code
    template = entry.get(lang) or entry["vi"]
    return _SafeFormatter().format(template, **params)


class _SafeFormatter(string.Formatter):
    """Formats a template, leaving ``{name}`` visible when a param is missing."""

    def get_value(self, key, args, kwargs):
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"
        return super().get_value(key, args, kwargs)

    def format_field(self, value, format_spec):
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------
_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def format_number(value: float | int | None, decimals: int = 0, lang: str = DEFAULT_LANG, *, missing: str = "–") -> str:
    """Format a number the way readers of ``lang`` expect.

    >>> format_number(27964)
    '27.964'
    >>> format_number(8.514, 2)
    '8,51'
    >>> format_number(27964, lang="en")
    '27,964'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    thousands, decimal = _SEPARATORS.get(lang, _SEPARATORS[DEFAULT_LANG])
    text = f"{float(value):,.{decimals}f}" if decimals else f"{round(float(value)):,d}"
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


def format_percent(value: float | None, decimals: int = 2, lang: str = DEFAULT_LANG) -> str:
    """A rate already in percent, e.g. ``8,51%``."""
    text = format_number(value, decimals, lang)
    return text if text == "–" else f"{text}%"


# --------------------------------------------------------------------------
# UI strings (the app, legends, exports). Add keys in both languages.
# --------------------------------------------------------------------------
STRINGS: dict[str, dict[str, str]] = {
    "approximate_note": {
        "vi": "Sơ đồ gần đúng: ranh giới được ước lượng từ tâm các đơn vị hành chính, không phải ranh giới chính thức.",
        "en": "Approximate sketch (sơ đồ gần đúng): boundaries are estimated from unit centroids, not official.",
    },
    "no_data": {"vi": "Không có dữ liệu", "en": "No data"},
    "illustrative_note": {
        "vi": "Số liệu minh họa, không phải số liệu chính thức.",
        "en": "Illustrative figures, not official data.",
    },
    "table_warning.bad_number": {
        "vi": "Dòng {row}, cột '{column}': '{detail}' không phải là số; để trống.",
        "en": "Row {row}, column '{column}': '{detail}' is not a number; left empty.",
    },
    "table_warning.bad_code": {
        "vi": "Dòng {row}, cột '{column}': '{detail}' không phải là mã đơn vị hợp lệ; để trống.",
        "en": "Row {row}, column '{column}': '{detail}' is not a valid unit code; left empty.",
    },
    "table_warning.code_width": {
        "vi": "Không rõ mã ở cột '{column}' là mã xã hay mã huyện nên chưa thêm số 0 ở đầu; hãy chọn cấp đơn vị (xã/huyện).",
        "en": "Cannot tell whether column '{column}' holds commune or district codes, so no leading zeros were added; choose the unit level.",
    },
    "table_warning.text_column": {
        "vi": "Cột '{column}' chứa chữ, không phải số; không đưa vào chỉ tiêu.",
        "en": "Column '{column}' holds text, not numbers; not kept as an indicator.",
    },
    "table_warning.duplicate_column": {
        "vi": "Cột '{column}' trùng chỉ tiêu '{detail}' của một cột trước; giữ dưới tên riêng.",
        "en": "Column '{column}' repeats indicator '{detail}' of an earlier column; kept under its own name.",
    },
    "table_warning.duplicate_unit": {
        "vi": "Đơn vị '{detail}' xuất hiện lại ở dòng {row}.",
        "en": "Unit '{detail}' appears again at row {row}.",
    },
    "table_warning.total_mismatch": {
        "vi": "Dòng tổng {row}, cột '{column}': số ghi trong bảng khác tổng các đơn vị ({detail}).",
        "en": "Total row {row}, column '{column}': the stated total differs from the sum of the units ({detail}).",
    },
    "table_warning.projected": {
        "vi": "Số liệu năm {detail} ('{column}') là dự kiến/kế hoạch, không phải kết quả.",
        "en": "Figures for {detail} ('{column}') are planned or projected, not results.",
    },
    "table_warning.no_year": {
        "vi": "Cột '{column}' không ghi năm trong khi bảng có nhiều năm; giữ tên không có năm.",
        "en": "Column '{column}' names no year while the table has several; kept without a year.",
    },
    "map.type": {"vi": "Loại", "en": "Type"},
    "map.district": {"vi": "Huyện/thị xã/thành phố", "en": "District"},
    "map.designations": {"vi": "Diện chính sách", "en": "Designations"},
    "map.selected": {"vi": "Đơn vị đang chọn", "en": "Selected unit"},
    "map.district_outlines": {"vi": "Ranh giới huyện", "en": "District boundary"},
    "map.basemap": {"vi": "Bản đồ nền OpenStreetMap", "en": "OpenStreetMap basemap"},
    "map.count": {"vi": "{n} đơn vị", "en": "{n} units"},
    "unit.households": {"vi": "hộ", "en": "households"},
    "designation.border": {"vi": "Xã biên giới", "en": "Border commune"},
    "designation.atk": {"vi": "Xã an toàn khu (ATK)", "en": "Safe-zone (ATK) commune"},
    "designation.p135": {"vi": "Xã thuộc Chương trình 135", "en": "Program 135 commune"},
    "designation.zone_iii": {"vi": "Xã khu vực III", "en": "Zone III commune"},
    "boundary_note.crs_assumed_wgs84": {
        "vi": "Tệp '{path}' không có hệ tọa độ; tọa độ là kinh độ/vĩ độ nên được coi là WGS 84 (EPSG:4326).",
        "en": "File '{path}' has no coordinate system; its coordinates are longitude/latitude, taken as WGS 84 (EPSG:4326).",
    },
    "boundary_note.crs_overridden": {
        "vi": "Đã dùng hệ tọa độ chỉ định {crs} thay cho hệ ghi trong tệp ({file_crs}).",
        "en": "Used the given coordinate system {crs} instead of the file's own ({file_crs}).",
    },
    "boundary_note.geometry_repaired": {
        "vi": "Đã sửa {count} hình học không hợp lệ.",
        "en": "Repaired {count} invalid geometries.",
    },
    "boundary_note.geometry_dropped": {
        "vi": "Đã bỏ {count} đối tượng có hình học không hợp lệ không sửa được.",
        "en": "Dropped {count} features whose invalid geometry could not be repaired.",
    },
    "boundary_note.geometry_empty_dropped": {
        "vi": "Đã bỏ {count} đối tượng không có hình học.",
        "en": "Dropped {count} features without geometry.",
    },
    "boundary_note.encoding_converted": {
        "vi": "Cột '{column}' được chuyển từ bảng mã {encoding} sang Unicode.",
        "en": "Column '{column}' was converted from {encoding} to Unicode.",
    },
    "boundary_note.layer_chosen": {
        "vi": "Tệp có nhiều lớp ({layers}); đã đọc lớp '{layer}', lớp duy nhất có dữ liệu.",
        "en": "The file holds several layers ({layers}); read '{layer}', the only one with data.",
    },
    "boundary_note.province_inferred": {
        "vi": "Đã đoán hệ tọa độ theo tỉnh mã {province} ghi trong các cột của lớp.",
        "en": "The coordinate system was guessed for province {province}, found in the layer's columns.",
    },
    "indicator.households": {"vi": "Tổng số hộ", "en": "Households"},
    "indicator.poor": {"vi": "Số hộ nghèo", "en": "Poor households"},
    "indicator.poor_rate": {"vi": "Tỷ lệ hộ nghèo (%)", "en": "Poor household rate (%)"},
    "indicator.near_poor": {"vi": "Số hộ cận nghèo", "en": "Near-poor households"},
    "indicator.near_poor_rate": {"vi": "Tỷ lệ hộ cận nghèo (%)", "en": "Near-poor household rate (%)"},
    "indicator.poor_reduced": {"vi": "Số hộ nghèo giảm", "en": "Poor households reduced"},
    "indicator.poor_rate_reduced": {"vi": "Tỷ lệ hộ nghèo giảm (điểm %)", "en": "Poor rate reduction (points)"},
    "indicator.near_poor_reduced": {"vi": "Số hộ cận nghèo giảm", "en": "Near-poor households reduced"},
    "indicator.near_poor_rate_reduced": {
        "vi": "Tỷ lệ hộ cận nghèo giảm (điểm %)",
        "en": "Near-poor rate reduction (points)",
    },
}


def t(key: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """Translate a UI string key; falls back to Vietnamese, then to the key."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return _SafeFormatter().format(entry.get(lang) or entry["vi"], **params)
