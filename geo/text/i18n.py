"""Language support: message catalogue and number formatting.

Vietnamese is the default everywhere. English is the switch. Numbers follow
the language: ``27.964`` and ``8,51`` in Vietnamese, ``27,964`` and ``8.51``
in English. Parsing of user numbers (either style) lives in
:mod:`geo.text.numbers`.
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
    "map_indicator_missing": {
        "vi": "Không có chỉ tiêu '{indicator}' trong bảng số liệu. Các chỉ tiêu có: {available}.",
        "en": "The data table has no indicator '{indicator}'. Indicators present: {available}.",
    },
    "map_year_missing": {
        "vi": "Chỉ tiêu '{indicator}' không có số liệu năm {year}. Các năm có: {available}.",
        "en": "Indicator '{indicator}' has no figures for {year}. Years present: {available}.",
    },
    "assets_missing": {
        "vi": "Không tìm thấy thư viện Leaflet cài sẵn để dùng ngoại tuyến. Cài bằng: pip install {package}",
        "en": "No installed Leaflet library found for offline use. Install it with: pip install {package}",
    },
    "convert_direction": {
        "vi": "Chỉ chuyển được số liệu từ đơn vị cũ (pre2025) sang đơn vị mới (2025); đã chọn {from_vintage} → {to_vintage}.",
        "en": "Only old units (pre2025) can be converted to new units (2025); got {from_vintage} → {to_vintage}.",
    },
    "convert_no_code": {
        "vi": "Bảng '{path}' không có cột mã xã cũ (5 chữ số); chuyển đổi cần mã. Các cột có: {columns}.",
        "en": "Table '{path}' has no old commune code column (5 digits); conversion needs codes. Columns: {columns}.",
    },
    "weights_columns": {
        "vi": "Tệp trọng số '{path}' thiếu cột {missing}; cần các cột old_code, new_code, weight. Các cột có: {columns}.",
        "en": "Weights file '{path}' lacks column(s) {missing}; it needs old_code, new_code, weight. Columns: {columns}.",
    },
    "weights_bad_code": {
        "vi": "Tệp trọng số '{path}', dòng {row}, cột {column}: '{value}' không phải mã xã 5 chữ số.",
        "en": "Weights file '{path}', row {row}, column {column}: '{value}' is not a 5-digit commune code.",
    },
    "weights_bad_value": {
        "vi": "Tệp trọng số '{path}', dòng {row}: trọng số '{value}' phải là số từ 0 đến 1.",
        "en": "Weights file '{path}', row {row}: weight '{value}' must be a number from 0 to 1.",
    },
    "weights_unknown_code": {
        "vi": "Tệp trọng số '{path}', dòng {row}, cột {column}: mã '{code}' không có trong danh mục đơn vị hành chính.",
        "en": "Weights file '{path}', row {row}, column {column}: code '{code}' is not in the admin-unit registry.",
    },
    "weights_unknown_link": {
        "vi": "Tệp trọng số '{path}', dòng {row}: xã cũ {old_code} không chuyển vào xã mới {new_code}; "
        "xã cũ này chuyển vào: {targets}.",
        "en": "Weights file '{path}', row {row}: old commune {old_code} does not go to new commune {new_code}; "
        "it goes to: {targets}.",
    },
    "weights_duplicate": {
        "vi": "Tệp trọng số '{path}', dòng {row}: cặp {old_code} → {new_code} đã có ở dòng {first_row}.",
        "en": "Weights file '{path}', row {row}: link {old_code} → {new_code} already given at row {first_row}.",
    },
    "weights_sum": {
        "vi": "Tệp trọng số '{path}': trọng số của xã cũ {old_code} (dòng {rows}) cộng lại bằng {total}, phải bằng 1.",
        "en": "Weights file '{path}': the weights of old commune {old_code} (rows {rows}) sum to {total}; they must sum to 1.",
    },
    "unknown_split_method": {
        "vi": "Không có cách chia xã cũ bị tách '{method}'. Dùng: {allowed}.",
        "en": "Unknown method '{method}' for split old communes. Use: {allowed}.",
    },
    "unknown_paper": {
        "vi": "Khổ giấy '{paper}' không hỗ trợ. Dùng: {allowed}.",
        "en": "Paper size '{paper}' is not supported. Use: {allowed}.",
    },
    "unknown_orientation": {
        "vi": "Hướng giấy '{orientation}' không hợp lệ. Dùng: {allowed}.",
        "en": "Orientation '{orientation}' is not valid. Use: {allowed}.",
    },
    "unknown_label_mode": {
        "vi": "Kiểu nhãn '{labels}' không hợp lệ. Dùng: {allowed} hoặc không nhãn.",
        "en": "Label mode '{labels}' is not valid. Use: {allowed} or no labels.",
    },
    "classification_mismatch": {
        "vi": "Cách chia lớp có {n_classes} giá trị nhưng bản đồ có {n_units} đơn vị; hãy chia lớp lại trên lớp này.",
        "en": "The classification holds {n_classes} values but the map has {n_units} units; classify this layer again.",
    },
    "annex_no_units": {
        "vi": "Không có đơn vị nào để xuất phụ lục (danh sách chọn rỗng hoặc không khớp mã nào).",
        "en": "No units to export in the annex (the selection is empty or matches no code).",
    },
    "annex_atlas_pdf": {
        "vi": "Tập bản đồ (--atlas) chỉ xuất được dạng PDF; đã chọn '{format}'.",
        "en": "An atlas (--atlas) can only be written as PDF; got '{format}'.",
    },
    "annex_column_missing": {
        "vi": "Bảng phụ lục cần cột '{column}' nhưng không có. Các cột có: {columns}.",
        "en": "The annex table needs column '{column}', which is missing. Columns: {columns}.",
    },
    # -- priority targeting (geo.units.designations, geo.analysis.priority, geo.workflows.scenario) --
    "designation_invalid": {
        "vi": "Diện chính sách: giá trị '{value}' của trường '{field}' không hợp lệ.",
        "en": "Designation: value '{value}' of field '{field}' is not valid.",
    },
    "designation_note_required": {
        "vi": "Cần ghi chú lý do khi gắn hoặc bỏ diện '{type}' cho đơn vị mã {code}.",
        "en": "Give a note saying why when tagging or untagging '{type}' for unit {code}.",
    },
    "designation_columns": {
        "vi": "Danh sách diện '{path}' thiếu cột {missing}. Các cột có: {columns}.",
        "en": "Designation list '{path}' lacks column {missing}. Columns: {columns}.",
    },
    "designation_type_missing": {
        "vi": "Danh sách diện '{path}' không có cột loại diện (Loại/type); hãy chỉ định loại, ví dụ "
        "--designation-type border. Các cột có: {columns}.",
        "en": "Designation list '{path}' has no type column (Loại/type); give the type, e.g. "
        "--designation-type border. Columns: {columns}.",
    },
    "rule_syntax": {
        "vi": "Biểu thức quy tắc '{expression}' sai cú pháp (ký tự {column}): {detail}. "
        "Ví dụ đúng: (border or zone_iii) and poor_rate_2020 >= 20",
        "en": "Rule expression '{expression}' has a syntax error (character {column}): {detail}. "
        "A valid example: (border or zone_iii) and poor_rate_2020 >= 20",
    },
    "rule_not_allowed": {
        "vi": "Biểu thức quy tắc '{expression}' chứa '{element}' không được phép; chỉ dùng tên diện, tên chỉ tiêu, "
        "số, phép so sánh (>=, <=, >, <, ==, !=) và and/or/not.",
        "en": "Rule expression '{expression}' contains '{element}', which is not allowed; use only designation "
        "names, indicator names, numbers, comparisons (>=, <=, >, <, ==, !=) and and/or/not.",
    },
    "rule_compare": {
        "vi": "Trong quy tắc '{expression}', phép so sánh '{element}' phải so một chỉ tiêu với một số, "
        "ví dụ poor_rate_2020 >= 20.",
        "en": "In rule '{expression}', comparison '{element}' must compare an indicator with a number, "
        "e.g. poor_rate_2020 >= 20.",
    },
    "rule_too_long": {
        "vi": "Biểu thức quy tắc '{expression}' quá dài (giới hạn {limit} ký tự).",
        "en": "Rule expression '{expression}' is too long (limit {limit} characters).",
    },
    "rule_unknown_name": {
        "vi": "Quy tắc '{expression}' dùng tên '{name}' không phải diện chính sách hay cột chỉ tiêu nào. "
        "Diện: {designations}. Chỉ tiêu: {columns}.",
        "en": "Rule '{expression}' uses '{name}', which is neither a designation nor an indicator column. "
        "Designations: {designations}. Indicators: {columns}.",
    },
    "rule_flag_is_indicator": {
        "vi": "Trong quy tắc '{expression}', '{name}' là cột chỉ tiêu: cần so sánh với một số, ví dụ {name} >= 20.",
        "en": "In rule '{expression}', '{name}' is an indicator column: compare it with a number, e.g. {name} >= 20.",
    },
    "rule_indicator_is_flag": {
        "vi": "Trong quy tắc '{expression}', '{name}' là diện chính sách: viết riêng tên diện, không so sánh với số.",
        "en": "In rule '{expression}', '{name}' is a designation: write its name alone, without a comparison.",
    },
    "rule_not_numeric": {
        "vi": "Quy tắc '{expression}' so sánh cột '{name}', nhưng cột này không phải số.",
        "en": "Rule '{expression}' compares column '{name}', which is not numeric.",
    },
    "score_unknown_column": {
        "vi": "Trọng số dùng cột '{column}' không có trong bảng hoặc không phải số. Các cột số: {columns}.",
        "en": "A weight uses column '{column}', which is missing or not numeric. Numeric columns: {columns}.",
    },
    "score_bad_weight": {
        "vi": "Trọng số hoặc điểm cộng của '{column}' phải là số không âm; đã nhận '{value}'.",
        "en": "The weight or bonus of '{column}' must be a non-negative number; got '{value}'.",
    },
    "rules_yaml_syntax": {
        "vi": "Tệp quy tắc '{path}' không đọc được (YAML, dòng {line}): {detail}.",
        "en": "Rules file '{path}' cannot be read (YAML, line {line}): {detail}.",
    },
    "rules_unknown_key": {
        "vi": "Tệp quy tắc '{path}': khóa '{key}' không dùng được. Các khóa hợp lệ: {allowed}.",
        "en": "Rules file '{path}': key '{key}' is not recognised. Valid keys: {allowed}.",
    },
    "rules_missing_key": {
        "vi": "Tệp quy tắc '{path}': thiếu khóa '{key}'. Xem ví dụ docs/rules_example.yaml.",
        "en": "Rules file '{path}': key '{key}' is missing. See the example docs/rules_example.yaml.",
    },
    "rules_bad_value": {
        "vi": "Tệp quy tắc '{path}': giá trị của '{key}' ({value}) không hợp lệ; cần {expected_vi}.",
        "en": "Rules file '{path}': the value of '{key}' ({value}) is not valid; expected {expected_en}.",
    },
    "rules_bad_rule": {
        "vi": "Tệp quy tắc '{path}', khóa '{key}': {problem_vi}",
        "en": "Rules file '{path}', key '{key}': {problem_en}",
    },
    "manual_invalid": {
        "vi": "Quyết định thủ công cho mã {code}: giá trị '{value}' của '{field}' không hợp lệ "
        "(action: include hoặc exclude; tier: số thứ tự nhóm).",
        "en": "Manual decision for code {code}: value '{value}' of '{field}' is not valid "
        "(action: include or exclude; tier: a tier number).",
    },
    "manual_reason_required": {
        "vi": "Cần ghi lý do khi đưa vào hoặc loại ra đơn vị mã {code}.",
        "en": "Give a reason when including or excluding unit {code}.",
    },
    "manual_unknown_code": {
        "vi": "Quyết định thủ công cho mã {code}, nhưng mã này không có trong danh sách đơn vị.",
        "en": "Manual decision for code {code}, which is not in the list of units.",
    },
    "manual_duplicate": {
        "vi": "Mã {code} có hơn một quyết định thủ công; chỉ giữ một.",
        "en": "Code {code} has more than one manual decision; keep one.",
    },
    "units_no_code": {
        "vi": "Bảng đơn vị không có cột mã 'code'; hãy ghép mã trước. Các cột có: {columns}.",
        "en": "The unit table has no 'code' column; resolve codes first. Columns: {columns}.",
    },
    "units_bad_codes": {
        "vi": "Bảng đơn vị có mã trống hoặc trùng ({codes}); mỗi đơn vị phải có một mã riêng.",
        "en": "The unit table has blank or repeated codes ({codes}); each unit needs its own code.",
    },
    "coverage_no_selection": {
        "vi": "Chưa có danh sách đơn vị được chọn (cột 'selected' hoặc danh sách mã).",
        "en": "No selection given (a 'selected' column or a list of codes).",
    },
    "coverage_no_poor": {
        "vi": "Không tính được độ bao phủ: bảng không có cột số hộ nghèo (poor hoặc poor_YYYY). Các cột số: {columns}.",
        "en": "Cannot compute coverage: no poor-household column (poor or poor_YYYY). Numeric columns: {columns}.",
    },
    "scenario_invalid": {
        "vi": "Tệp '{path}' không phải tệp phương án hợp lệ: {reason}.",
        "en": "File '{path}' is not a valid scenario file: {reason}.",
    },
    "scenario_version": {
        "vi": "Tệp phương án '{path}' được tạo bởi phiên bản mới hơn (định dạng {found}, hỗ trợ đến {supported}); "
        "hãy cập nhật ứng dụng.",
        "en": "Scenario file '{path}' was made by a newer version (format {found}, supported up to {supported}); "
        "update the application.",
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
    "map.type": {"vi": "Loại", "en": "Type"},
    "map.district": {"vi": "Huyện/thị xã/thành phố", "en": "District"},
    "map.designations": {"vi": "Diện chính sách", "en": "Designations"},
    "map.selected": {"vi": "Đơn vị đang chọn", "en": "Selected unit"},
    "map.district_outlines": {"vi": "Ranh giới huyện", "en": "District boundary"},
    "map.basemap": {"vi": "Bản đồ nền OpenStreetMap", "en": "OpenStreetMap basemap"},
    "map.count": {"vi": "{n} đơn vị", "en": "{n} units"},
    "map.title": {"vi": "{indicator} – {area}", "en": "{indicator} – {area}"},
    "webmap.cli_done": {
        "vi": "Đã ghi bản đồ {path} ({n} đơn vị, {kb} KB); mở bằng trình duyệt, không cần Internet.",
        "en": "Wrote map {path} ({n} units, {kb} KB); open it in a browser, no internet needed.",
    },
    "unit.households": {"vi": "hộ", "en": "households"},
    "designation.border": {"vi": "Xã biên giới", "en": "Border commune"},
    "designation.atk": {"vi": "Xã an toàn khu (ATK)", "en": "Safe-zone (ATK) commune"},
    "designation.p135": {"vi": "Xã thuộc Chương trình 135", "en": "Program 135 commune"},
    "designation.zone_iii": {"vi": "Xã khu vực III", "en": "Zone III commune"},
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
    "note.aggregated_from_communes": {
        "vi": "Số liệu cấp xã được cộng theo huyện; tỷ lệ tính lại từ số hộ.",
        "en": "Commune figures summed by district; rates recomputed from the counts.",
    },
    "note.coarser_data": {
        "vi": "Bảng số liệu là cấp huyện nên các xã hiển thị 'Không có dữ liệu'. Chọn cấp huyện để xem số liệu.",
        "en": "The table is district-level, so communes show 'No data'. Choose the district level to see it.",
    },
    # --- app ---
    "app.title": {"vi": "Bản đồ giảm nghèo", "en": "Poverty map"},
    "app.language": {"vi": "Ngôn ngữ / Language", "en": "Ngôn ngữ / Language"},
    "page.map": {"vi": "Bản đồ", "en": "Map"},
    "page.data": {"vi": "Dữ liệu", "en": "Data"},
    "page.priority": {"vi": "Ưu tiên", "en": "Priority"},
    "page.annex": {"vi": "Phụ lục", "en": "Annexes"},
    "page.reform": {"vi": "Sáp nhập 2025", "en": "2025 reform"},
    "ui.province": {"vi": "Tỉnh/thành phố", "en": "Province"},
    "ui.vintage": {"vi": "Thời điểm đơn vị hành chính", "en": "Administrative vintage"},
    "ui.vintage.pre2025": {"vi": "Trước 01/7/2025 (tỉnh – huyện – xã)", "en": "Before 1 July 2025 (province – district – commune)"},
    "ui.vintage.2025": {"vi": "Từ 01/7/2025 (tỉnh – xã)", "en": "From 1 July 2025 (province – commune)"},
    "ui.level": {"vi": "Cấp", "en": "Level"},
    "ui.level.district": {"vi": "Huyện", "en": "District"},
    "ui.level.commune": {"vi": "Xã", "en": "Commune"},
    "ui.dataset": {"vi": "Bộ số liệu", "en": "Dataset"},
    "ui.dataset.none": {"vi": "(không có số liệu)", "en": "(no data)"},
    "ui.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "ui.year": {"vi": "Năm", "en": "Year"},
    "ui.scheme": {"vi": "Cách phân lớp", "en": "Classification"},
    "ui.scheme.quantiles": {"vi": "Phân vị (số đơn vị bằng nhau)", "en": "Quantiles"},
    "ui.scheme.fisher_jenks": {"vi": "Ngắt tự nhiên (Fisher–Jenks)", "en": "Natural breaks (Fisher–Jenks)"},
    "ui.scheme.equal_interval": {"vi": "Khoảng đều", "en": "Equal interval"},
    "ui.scheme.manual": {"vi": "Tự nhập ngưỡng", "en": "Manual breaks"},
    "ui.classes": {"vi": "Số lớp", "en": "Classes"},
    "ui.palette": {"vi": "Bảng màu", "en": "Palette"},
    "ui.breaks": {"vi": "Ngưỡng (cách nhau bởi dấu chấm phẩy, ví dụ 5; 10; 15)", "en": "Breaks (separated by semicolons, e.g. 5; 10; 15)"},
    "ui.overlays": {"vi": "Lớp diện ưu tiên", "en": "Designation overlays"},
    "ui.basemap": {"vi": "Nền bản đồ OSM (cần Internet)", "en": "OSM basemap (needs internet)"},
    "ui.search": {"vi": "Tìm đơn vị (gõ không dấu cũng được)", "en": "Find a unit (diacritics optional)"},
    "ui.search.results": {"vi": "Kết quả", "en": "Results"},
    "ui.search.none": {"vi": "Không tìm thấy đơn vị nào.", "en": "No unit found."},
    "ui.selection": {"vi": "Đơn vị đã chọn", "en": "Selected units"},
    "ui.selection.empty": {"vi": "Chưa chọn đơn vị nào. Bấm vào một xã trên bản đồ để chọn hoặc bỏ chọn.", "en": "Nothing selected yet. Click a commune on the map to select or deselect it."},
    "ui.selection.clear": {"vi": "Bỏ chọn tất cả", "en": "Clear selection"},
    "ui.selection.add": {"vi": "Chọn đơn vị này", "en": "Select this unit"},
    "ui.selection.remove": {"vi": "Bỏ chọn", "en": "Deselect"},
    "ui.col.code": {"vi": "Mã", "en": "Code"},
    "ui.col.name": {"vi": "Tên đơn vị", "en": "Unit"},
    "ui.col.district": {"vi": "Huyện", "en": "District"},
    "ui.col.value": {"vi": "Giá trị", "en": "Value"},
    "ui.col.source": {"vi": "Nguồn (tệp, dòng)", "en": "Source (file, row)"},
    "ui.source": {"vi": "Nguồn số liệu", "en": "Data source"},
    "ui.upload.boundaries": {"vi": "Tải lên ranh giới (GeoJSON, GPKG, KML, hoặc Shapefile nén .zip)", "en": "Upload boundaries (GeoJSON, GPKG, KML, or a zipped Shapefile)"},
    "ui.upload.table": {"vi": "Tải lên bảng chỉ tiêu (CSV, XLSX)", "en": "Upload an indicator table (CSV, XLSX)"},
    "ui.upload.crs": {"vi": "Hệ tọa độ nếu tệp thiếu .prj (ví dụ EPSG:9215)", "en": "CRS if the file has no .prj (e.g. EPSG:9215)"},
    "ui.upload.level": {"vi": "Cấp của bảng", "en": "Table level"},
    "ui.upload.loaded": {"vi": "Đã đọc {n} đơn vị từ '{name}'.", "en": "Read {n} units from '{name}'."},
    "ui.template": {"vi": "Tải biểu mẫu Excel có sẵn mã và tên đơn vị", "en": "Download an Excel template with unit codes and names"},
    "ui.report": {"vi": "Kết quả ghép", "en": "Join report"},
    "ui.report.matched": {"vi": "Đã ghép", "en": "Matched"},
    "ui.report.unmatched_rows": {"vi": "Dòng chưa ghép", "en": "Unmatched rows"},
    "ui.report.unmatched_units": {"vi": "Đơn vị chưa có số liệu", "en": "Units without data"},
    "ui.report.ambiguous": {"vi": "Không rõ ràng", "en": "Ambiguous"},
    "ui.report.inconsistent": {"vi": "Số liệu không khớp", "en": "Inconsistent rows"},
    "ui.report.duplicates": {"vi": "Trùng lặp", "en": "Duplicates"},
    "ui.report.name_mismatches": {
        "vi": "{n} dòng ghép theo mã nhưng tên khác với tên đơn vị mang mã đó: kiểm tra mã, hoặc bảng thuộc thời điểm hành chính khác.",
        "en": "{n} rows joined by code carry another unit's name: check the codes, or whether the table is of the other vintage.",
    },
    "ui.report.by_method": {"vi": "Theo cách ghép", "en": "By method"},
    "ui.report.pick": {"vi": "Chọn đơn vị đúng cho dòng {row} ('{name}')", "en": "Pick the right unit for row {row} ('{name}')"},
    "ui.report.keep_unmatched": {"vi": "— để chưa ghép —", "en": "— leave unmatched —"},
    "ui.report.apply": {"vi": "Áp dụng các lựa chọn", "en": "Apply choices"},
    "ui.report.applied": {"vi": "Đã lưu {n} lựa chọn ghép thủ công cho phiên làm việc này.", "en": "Saved {n} manual choices for this session."},
    "ui.report.suggestion": {"vi": "gợi ý", "en": "suggestion"},
    "ui.use_dataset": {"vi": "Dùng bộ số liệu này trên bản đồ", "en": "Use this dataset on the map"},
    "ui.boundaries": {"vi": "Ranh giới", "en": "Boundaries"},
    "ui.boundaries.default": {"vi": "Mặc định (sơ đồ gần đúng)", "en": "Default (approximate sketch)"},
    "method.code": {"vi": "theo mã", "en": "by code"},
    "method.name_exact": {"vi": "đúng tên", "en": "exact name"},
    "method.name_short": {"vi": "đúng tên (bỏ loại đơn vị)", "en": "exact name (type dropped)"},
    "method.name_folded": {"vi": "tên không dấu", "en": "name without diacritics"},
    "method.type_unique": {"vi": "đơn vị duy nhất cùng loại", "en": "only unit of its type"},
    "method.manual": {"vi": "chọn thủ công", "en": "chosen by hand"},
    "method.aggregated": {"vi": "cộng từ cấp xã", "en": "summed from communes"},
    "print.source": {"vi": "Nguồn: {source}", "en": "Source: {source}"},
    "print.date": {"vi": "Ngày lập: {date}", "en": "Date: {date}"},
    "print.scale": {"vi": "Tỷ lệ 1:{scale}", "en": "Scale 1:{scale}"},
    "print.north": {"vi": "B", "en": "N"},
    "print.crs": {"vi": "Hệ tọa độ: {crs}", "en": "Coordinate system: {crs}"},
    "print.overview": {"vi": "Toàn tỉnh", "en": "Whole province"},
    "print.neighbours": {"vi": "Đơn vị ngoài huyện", "en": "Units outside the district"},
    "print.page": {"vi": "Trang {page}/{pages}", "en": "Page {page}/{pages}"},
    "print.labels_dropped": {
        "vi": "{n} nhãn không đủ chỗ trên bản đồ (xem trang chi tiết hoặc bảng).",
        "en": "{n} labels did not fit on the map (see the detail pages or the table).",
    },
    "annex.heading": {"vi": "Phụ lục: {title}", "en": "Annex: {title}"},
    "annex.default_title": {"vi": "Danh sách đơn vị ưu tiên", "en": "Priority units"},
    "annex.no": {"vi": "TT", "en": "No."},
    "annex.code": {"vi": "Mã ĐVHC", "en": "Code"},
    "annex.unit": {"vi": "Đơn vị", "en": "Unit"},
    "annex.district": {"vi": "Huyện", "en": "District"},
    "annex.households": {"vi": "Tổng số hộ", "en": "Households"},
    "annex.poor": {"vi": "Hộ nghèo", "en": "Poor households"},
    "annex.near_poor": {"vi": "Hộ cận nghèo", "en": "Near-poor households"},
    "annex.count": {"vi": "Số hộ", "en": "Number"},
    "annex.rate": {"vi": "Tỷ lệ (%)", "en": "Rate (%)"},
    "annex.priority": {"vi": "Diện ưu tiên / Lý do", "en": "Priority / reasons"},
    "annex.year": {"vi": "Năm {year}", "en": "Year {year}"},
    "annex.total": {"vi": "Cộng", "en": "Total"},
    "annex.source": {"vi": "Nguồn số liệu: {source}", "en": "Data source: {source}"},
    "annex.boundaries": {"vi": "Ranh giới: {source}", "en": "Boundaries: {source}"},
    "annex.missing_note": {
        "vi": "{n} đơn vị thiếu số liệu; dòng Cộng chỉ tính các số liệu có.",
        "en": "{n} units lack data; the Total row counts only the figures present.",
    },
    "annex.sheet": {"vi": "Phụ lục", "en": "Annex"},
    "annex.map_title": {"vi": "{indicator} năm {year} – {area}", "en": "{indicator}, {year} – {area}"},
    "annex.map_title_noyear": {"vi": "{indicator} – {area}", "en": "{indicator} – {area}"},
    "annex.cli_done": {"vi": "Đã ghi {path} ({what}).", "en": "Wrote {path} ({what})."},
    "annex.cli_pages": {"vi": "{n} trang", "en": "{n} pages"},
    "annex.cli_units": {"vi": "{n} đơn vị", "en": "{n} units"},
    "annex.page_footer": {"vi": "Trang &P/&N", "en": "Page &P/&N"},
    "annex.map_default": {"vi": "Phụ lục: Bản đồ {indicator} năm {year} – {area}",
                          "en": "Annex: Map of {indicator}, {year} – {area}"},
    "annex.map_default_noyear": {"vi": "Phụ lục: Bản đồ {indicator} – {area}", "en": "Annex: Map of {indicator} – {area}"},
    "annex.table_priority": {"vi": "Danh sách đơn vị ưu tiên – {area}", "en": "Priority units – {area}"},
    "annex.area_en": {"vi": "tỉnh {name}", "en": "{name} Province"},
    "annexpage.intro": {
        "vi": "Xuất phụ lục theo lựa chọn trên trang Bản đồ (bộ số liệu, cấp, chỉ tiêu, phân lớp, bảng màu, lớp diện ưu tiên). "
              "Mỗi tệp chỉ được tạo khi bấm «Tạo tệp».",
        "en": "Export annexes with the choices of the Map page (dataset, level, indicator, classes, palette, overlays). "
              "Each file is made only when you press “Make file”.",
    },
    "annexpage.choices": {
        "vi": "Chỉ tiêu: {indicator} · Phân lớp: {scheme}, {k} lớp · Bảng màu: {palette} · Lớp diện ưu tiên: {overlays}",
        "en": "Indicator: {indicator} · Classes: {scheme}, {k} · Palette: {palette} · Overlays: {overlays}",
    },
    "annexpage.units": {"vi": "Đơn vị đưa vào phụ lục", "en": "Units in the annex"},
    "annexpage.units.priority": {"vi": "Danh sách ưu tiên (trang Ưu tiên): {n} đơn vị",
                                 "en": "Priority list (Priority page): {n} units"},
    "annexpage.units.selection": {"vi": "Đơn vị đã chọn trên bản đồ: {n}", "en": "Units selected on the map: {n}"},
    "annexpage.units.all": {"vi": "Tất cả đơn vị: {n}", "en": "All units: {n}"},
    "annexpage.units.help": {
        "vi": "Bản đồ in luôn vẽ mọi đơn vị và viền đậm các đơn vị trong danh sách; bảng và tệp ranh giới chỉ gồm các đơn vị trong danh sách.",
        "en": "The print map always draws every unit and outlines the listed ones; tables and geometry files hold only the listed units.",
    },
    "annexpage.title": {"vi": "Tiêu đề bản đồ", "en": "Map title"},
    "annexpage.table_title": {"vi": "Tiêu đề bảng", "en": "Table title"},
    "annexpage.subtitle": {"vi": "Dòng phụ (ví dụ: Kèm theo Kế hoạch số …/KH-UBND ngày …)",
                           "en": "Subtitle (e.g. Attached to Plan No. …/KH-UBND of …)"},
    "annexpage.paper": {"vi": "Khổ giấy", "en": "Paper"},
    "annexpage.orientation": {"vi": "Hướng giấy", "en": "Orientation"},
    "annexpage.orientation.portrait": {"vi": "Dọc", "en": "Portrait"},
    "annexpage.orientation.landscape": {"vi": "Ngang", "en": "Landscape"},
    "annexpage.labels": {"vi": "Nhãn đơn vị", "en": "Unit labels"},
    "annexpage.labels.name": {"vi": "Tên", "en": "Name"},
    "annexpage.labels.code": {"vi": "Mã", "en": "Code"},
    "annexpage.labels.none": {"vi": "Không ghi nhãn", "en": "None"},
    "annexpage.formats": {"vi": "Định dạng cần xuất", "en": "Formats to export"},
    "annexpage.preview": {"vi": "Xem trước bản đồ in", "en": "Print map preview"},
    "annexpage.exports": {"vi": "Tệp xuất", "en": "Exports"},
    "annexpage.make": {"vi": "Tạo tệp", "en": "Make file"},
    "annexpage.download": {"vi": "Tải về", "en": "Download"},
    "annexpage.made": {"vi": "{name} ({size})", "en": "{name} ({size})"},
    "annexpage.kind.pdf": {"vi": "Bản đồ in PDF", "en": "Print map PDF"},
    "annexpage.kind.png": {"vi": "Bản đồ in PNG (300 dpi)", "en": "Print map PNG (300 dpi)"},
    "annexpage.kind.svg": {"vi": "Bản đồ in SVG", "en": "Print map SVG"},
    "annexpage.kind.atlas": {"vi": "Tập bản đồ PDF (mỗi huyện một trang)", "en": "Atlas PDF (one page per district)"},
    "annexpage.short.atlas": {"vi": "Tập bản đồ PDF", "en": "Atlas PDF"},
    "annexpage.kind.xlsx": {"vi": "Bảng phụ lục Excel (XLSX)", "en": "Annex table Excel (XLSX)"},
    "annexpage.kind.csv": {"vi": "Bảng CSV (UTF-8)", "en": "Table CSV (UTF-8)"},
    "annexpage.kind.docx": {"vi": "Phụ lục Word (bản đồ + bảng)", "en": "Word annex (map + table)"},
    "annexpage.kind.gpkg": {"vi": "Ranh giới đơn vị GeoPackage", "en": "Unit geometry GeoPackage"},
    "annexpage.kind.geojson": {"vi": "Ranh giới đơn vị GeoJSON", "en": "Unit geometry GeoJSON"},
    "annexpage.atlas_commune": {"vi": "Tập bản đồ theo huyện cần cấp xã: chọn cấp «Xã» ở thanh bên.",
                                "en": "The district atlas needs the commune level: choose “Commune” in the sidebar."},
    "convert.unmapped.no_code": {
        "vi": "Dòng {row} ({name}) không có mã xã hợp lệ; không chuyển đổi.",
        "en": "Row {row} ({name}) has no valid commune code; not converted.",
    },
    "convert.unmapped.not_in_mapping": {
        "vi": "Dòng {row}: mã {code} ({name}) không phải xã cũ trong bảng chuyển đổi; không chuyển đổi.",
        "en": "Row {row}: code {code} ({name}) is not an old commune of the mapping; not converted.",
    },
    "convert.unmapped.duplicate": {
        "vi": "Dòng {row}: mã {code} ({name}) lặp lại; chỉ dùng dòng đầu tiên.",
        "en": "Row {row}: code {code} ({name}) is repeated; only the first row is used.",
    },
    "convert.split": {
        "vi": "Xã cũ {code} {name} bị chia cho {targets} (trọng số: {method}); số liệu được phân bổ gần đúng.",
        "en": "Old commune {code} {name} is split between {targets} (weights: {method}); its figures are allocated approximately.",
    },
    "convert.dropped_rate": {
        "vi": "Cột tỷ lệ '{column}' bị bỏ: không có số hộ tương ứng để tính lại cho đơn vị mới.",
        "en": "Rate column '{column}' dropped: no matching counts to recompute it for the new units.",
    },
    "convert.incomplete": {
        "vi": "Xã mới {code} {name} thiếu số liệu của xã cũ {missing}; số liệu là tổng chưa đủ.",
        "en": "New commune {code} {name} lacks figures of old commune(s) {missing}; its figures are incomplete sums.",
    },
    "convert.erratum": {
        "vi": "Đã bỏ liên kết sai {old_code} → {new_code} của danh mục (xem Nghị quyết 1672/NQ-UBTVQH15).",
        "en": "Removed the registry's wrong link {old_code} → {new_code} (see Resolution 1672/NQ-UBTVQH15).",
    },
    "convert.designated_share": {
        "vi": "{n}/{total} xã cũ là {label}",
        "en": "{n} of {total} former communes were {label}",
    },
    "convert.designation_label.border": {"vi": "xã biên giới", "en": "border communes"},
    "convert.designation_label.atk": {"vi": "xã an toàn khu (ATK)", "en": "safe-zone (ATK) communes"},
    "convert.designation_label.p135": {"vi": "xã thuộc Chương trình 135", "en": "Program 135 communes"},
    "convert.designation_label.zone_iii": {"vi": "xã khu vực III", "en": "zone III communes"},
    "convert.done": {
        "vi": "Đã chuyển {old_units} xã cũ thành {new_units} xã mới; {splits} xã cũ bị chia, {unmapped} dòng không chuyển được, "
        "{incomplete} xã mới thiếu số liệu. Đã ghi {out} và {report}.",
        "en": "Converted {old_units} old communes into {new_units} new communes; {splits} split old communes, "
        "{unmapped} rows not converted, {incomplete} new communes incomplete. Wrote {out} and {report}.",
    },
    # -- 2025 reform page (pages/reform.py) --
    "note.other_vintage.2025": {
        "vi": "Bộ số liệu này đã chuyển sang xã mới (từ 01/7/2025) nên không hiển thị trên đơn vị cũ. Chọn thời điểm 'Từ 01/7/2025' để xem.",
        "en": "This dataset is in the new communes (from 1 July 2025), so it is not shown on the old units. Choose 'From 1 July 2025' to see it.",
    },
    "note.other_vintage.pre2025": {
        "vi": "Bộ số liệu này theo đơn vị cũ (trước 01/7/2025) nên không hiển thị trên xã mới. Dùng trang 'Sáp nhập 2025' để chuyển đổi.",
        "en": "This dataset is in the old units (before 1 July 2025), so it is not shown on the new communes. Use the '2025 reform' page to convert it.",
    },
    "reform.title": {"vi": "Sáp nhập 2025: chuyển số liệu xã cũ sang xã mới", "en": "2025 reform: carry old-commune figures to the new communes"},
    "reform.intro": {
        "vi": "Từ 01/7/2025 không còn cấp huyện và các xã được sắp xếp lại. Trang này chuyển bảng số liệu theo xã cũ sang xã mới "
        "theo mã (bảng sắp xếp đơn vị hành chính, Nghị quyết 1672/NQ-UBTVQH15): số hộ được cộng dồn, tỷ lệ được tính lại từ số hộ. "
        "Xã cũ bị chia cho nhiều xã mới được phân bổ theo trọng số nên phần đó là ước tính.",
        "en": "Since 1 July 2025 there are no districts and the communes were merged. This page carries a table of old communes to the "
        "new communes by code (the reorganisation list, Resolution 1672/NQ-UBTVQH15): counts are summed and rates recomputed from them. "
        "Old communes split between new ones are allocated by weight, so that part is an estimate.",
    },
    "reform.input": {"vi": "1. Số liệu theo xã cũ", "en": "1. Figures by old commune"},
    "reform.input.pick": {"vi": "Bảng số liệu cấp xã (trước 01/7/2025)", "en": "Commune table (before 1 July 2025)"},
    "reform.input.none": {
        "vi": "Chưa có bảng số liệu cấp xã theo đơn vị cũ. Tải lên ở đây hoặc ở trang Dữ liệu.",
        "en": "No commune table in the old units yet. Upload one here or on the Data page.",
    },
    "reform.input.upload": {"vi": "Tải lên bảng số liệu theo xã cũ (CSV, XLSX)", "en": "Upload a table by old commune (CSV, XLSX)"},
    "reform.input.not_commune": {
        "vi": "Bảng '{name}' không phải cấp xã; cần bảng có mã xã cũ (5 chữ số).",
        "en": "Table '{name}' is not commune-level; a table with old 5-digit commune codes is needed.",
    },
    "reform.weights": {
        "vi": "Trọng số cho xã cũ bị chia (tùy chọn; CSV với các cột old_code, new_code, weight)",
        "en": "Weights for split old communes (optional; CSV with columns old_code, new_code, weight)",
    },
    "reform.weights.default": {
        "vi": "Trọng số mặc định: tỷ lệ diện tích của các xã mới nhận (gần đúng).",
        "en": "Default weights: area shares of the receiving new communes (approximate).",
    },
    "reform.weights.file": {"vi": "Đang dùng trọng số từ tệp '{name}'.", "en": "Using the weights from '{name}'."},
    "reform.report": {"vi": "2. Kết quả chuyển đổi", "en": "2. Conversion report"},
    "reform.metric.old": {"vi": "Xã cũ đã chuyển", "en": "Old communes converted"},
    "reform.metric.new": {"vi": "Xã mới", "en": "New communes"},
    "reform.metric.splits": {"vi": "Xã cũ bị chia", "en": "Split old communes"},
    "reform.metric.unmapped": {"vi": "Dòng không chuyển được", "en": "Rows not converted"},
    "reform.metric.incomplete": {"vi": "Xã mới thiếu số liệu", "en": "New communes incomplete"},
    "reform.totals": {"vi": "Tổng trước và sau chuyển đổi", "en": "Totals before and after"},
    "reform.totals.ok": {
        "vi": "Tổng được bảo toàn: {columns}.",
        "en": "Totals preserved: {columns}.",
    },
    "reform.totals.bad": {
        "vi": "Tổng KHÔNG được bảo toàn: {columns}. Xem các dòng không chuyển được.",
        "en": "Totals NOT preserved: {columns}. See the rows not converted.",
    },
    "reform.col.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "reform.col.before": {"vi": "Trước (bảng xã cũ)", "en": "Before (old table)"},
    "reform.col.unmapped": {"vi": "Không chuyển được", "en": "Not converted"},
    "reform.col.after": {"vi": "Sau (xã mới)", "en": "After (new communes)"},
    "reform.col.preserved": {"vi": "Bảo toàn", "en": "Preserved"},
    "reform.col.old_code": {"vi": "Mã xã cũ", "en": "Old code"},
    "reform.col.old_name": {"vi": "Xã cũ", "en": "Old commune"},
    "reform.col.old_district": {"vi": "Huyện cũ", "en": "Former district"},
    "reform.col.new_code": {"vi": "Mã xã mới", "en": "New code"},
    "reform.col.new_name": {"vi": "Xã mới", "en": "New commune"},
    "reform.col.weight": {"vi": "Trọng số", "en": "Weight"},
    "reform.col.split": {"vi": "Bị chia", "en": "Split"},
    "reform.col.in_input": {"vi": "Có trong bảng", "en": "In the table"},
    "reform.col.old_value": {"vi": "{label} (cả xã cũ)", "en": "{label} (whole old commune)"},
    "reform.col.allocated": {"vi": "{label} (phần chuyển sang)", "en": "{label} (part carried over)"},
    "reform.col.row": {"vi": "Dòng", "en": "Row"},
    "reform.col.reason": {"vi": "Lý do", "en": "Reason"},
    "reform.unmapped": {"vi": "Dòng không chuyển được", "en": "Rows not converted"},
    "reform.splits": {"vi": "Xã cũ bị chia cho nhiều xã mới", "en": "Old communes split between new communes"},
    "reform.splits.note": {
        "vi": "Số liệu của xã cũ bị chia được phân bổ theo trọng số: đây là ƯỚC TÍNH, không phải số liệu thống kê. "
        "Có thể tải lên tệp trọng số tốt hơn ở mục 1.",
        "en": "Figures of split old communes are allocated by weight: these are ESTIMATES, not statistics. "
        "A better weights file can be uploaded in step 1.",
    },
    "reform.estimate_note": {
        "vi": "{n} xã mới nhận một phần của xã cũ bị chia; số liệu của các xã này là ước tính.",
        "en": "{n} new communes receive part of a split old commune; their figures are estimates.",
    },
    "reform.dropped": {"vi": "Cột tỷ lệ không chuyển", "en": "Rate columns not carried"},
    "reform.details": {"vi": "Tất cả ghi chú của quá trình chuyển đổi ({n})", "en": "All conversion notes ({n})"},
    "reform.maps": {"vi": "3. Bản đồ trước và sau sắp xếp", "en": "3. Maps before and after the reform"},
    "reform.maps.old": {"vi": "Xã cũ (trước 01/7/2025): {n} đơn vị", "en": "Old communes (before 1 July 2025): {n} units"},
    "reform.maps.new": {"vi": "Xã mới (từ 01/7/2025): {n} đơn vị", "en": "New communes (from 1 July 2025): {n} units"},
    "reform.maps.same_bins": {
        "vi": "Hai bản đồ dùng cùng các ngưỡng phân lớp nên màu so sánh được với nhau.",
        "en": "Both maps use the same class breaks, so their colours compare.",
    },
    "reform.maps.counts_note": {
        "vi": "Chỉ tiêu này là số hộ: mỗi xã mới là tổng của nhiều xã cũ nên thường đậm màu hơn. So sánh tỷ lệ sẽ công bằng hơn.",
        "en": "This indicator is a count: each new commune sums several old ones, so it tends to look darker. Rates compare more fairly.",
    },
    "reform.boundaries": {"vi": "Ranh giới xã mới", "en": "New-commune boundaries"},
    "reform.boundaries.default": {
        "vi": "Sơ đồ mặc định của xã mới (ước lượng từ tâm xã mới)",
        "en": "Default sketch of the new communes (estimated from their centroids)",
    },
    "reform.boundaries.dissolved": {
        "vi": "Gộp từ ranh giới xã cũ theo bảng sắp xếp (xã cũ bị chia được cắt gần đúng)",
        "en": "Dissolved from the old-commune boundaries along the mapping (split old communes cut approximately)",
    },
    "reform.boundaries.old": {"vi": "Ranh giới xã cũ", "en": "Old-commune boundaries"},
    "reform.boundaries.used": {
        "vi": "Bản đồ xã mới đang dùng: {what}.",
        "en": "The new-commune map uses: {what}.",
    },
    "reform.sources": {"vi": "4. Xã mới được hình thành từ những xã cũ nào", "en": "4. Which old communes each new commune came from"},
    "reform.sources.pick": {
        "vi": "Chọn xã mới (gõ để tìm, hoặc bấm vào bản đồ xã mới)",
        "en": "Pick a new commune (type to search, or click the new-commune map)",
    },
    "reform.sources.placeholder": {"vi": "Gõ tên hoặc mã xã mới…", "en": "Type a new commune's name or code…"},
    "reform.sources.none": {
        "vi": "Chưa chọn xã mới nào. Xã cũ của xã được chọn được viền đậm trên bản đồ bên trái.",
        "en": "No new commune picked yet. The old communes of the one picked are outlined on the left map.",
    },
    "reform.sources.summary": {
        "vi": "{name} ({code}) được hình thành từ {n} xã cũ.",
        "en": "{name} ({code}) was formed from {n} old communes.",
    },
    "reform.sources.new_values": {"vi": "Số liệu sau chuyển đổi của {name}", "en": "Converted figures of {name}"},
    "reform.designations": {"vi": "Diện chính sách của các xã cũ", "en": "Designations of the former communes"},
    "reform.designations.none": {
        "vi": "Không xã cũ nào của {name} thuộc diện chính sách đang có trong ứng dụng.",
        "en": "None of the former communes of {name} carries a designation known to the app.",
    },
    "reform.designations.note": {
        "vi": "Xã mới không tự động thuộc diện: đây chỉ là số xã cũ thuộc diện, cho đến khi có quyết định mới.",
        "en": "A new commune is not designated by this: it only counts the former communes that were, until a new decision.",
    },
    "reform.designations.all": {"vi": "Mọi xã mới có xã cũ thuộc diện ({n})", "en": "All new communes with designated former communes ({n})"},
    "reform.dataset": {"vi": "5. Dùng bảng đã chuyển và tải về", "en": "5. Use the converted table and download"},
    "reform.dataset.added": {
        "vi": "Bảng đã chuyển có trong danh sách bộ số liệu với tên '{name}' (từ 01/7/2025, cấp xã): dùng được ở trang Bản đồ "
        "và các trang khác khi chọn thời điểm 'Từ 01/7/2025'.",
        "en": "The converted table is in the dataset list as '{name}' (from 1 July 2025, commune level): use it on the Map page "
        "and the other pages with the vintage 'From 1 July 2025'.",
    },
    "reform.dataset.open": {"vi": "Xem trên trang Bản đồ (xã mới)", "en": "Open on the Map page (new communes)"},
    "reform.download.csv": {"vi": "Tải bảng xã mới (CSV)", "en": "Download the new-commune table (CSV)"},
    "reform.download.xlsx": {"vi": "Tải bảng xã mới kèm nguồn (Excel)", "en": "Download the table with sources (Excel)"},
    "reform.download.json": {"vi": "Tải báo cáo chuyển đổi (JSON)", "en": "Download the conversion report (JSON)"},
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
    # -- priority targeting (geo.units.designations, geo.analysis.priority, geo.workflows.scenario) --
    "designation.zone_ii": {"vi": "Xã khu vực II", "en": "Zone II commune"},
    "designation.zone_i": {"vi": "Xã khu vực I", "en": "Zone I commune"},
    "designation.poor_district": {"vi": "Huyện nghèo", "en": "Poor district"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "reason.not": {"vi": "không phải {label}", "en": "not {label}"},
    "reason.include": {"vi": "Đưa vào thủ công: {reason}", "en": "Included by hand: {reason}"},
    "reason.exclude": {"vi": "Loại ra thủ công: {reason}", "en": "Excluded by hand: {reason}"},
    "reason.indicator.households": {"vi": "tổng số hộ", "en": "households"},
    "reason.indicator.poor": {"vi": "số hộ nghèo", "en": "poor households"},
    "reason.indicator.poor_rate": {"vi": "tỷ lệ hộ nghèo", "en": "poor rate"},
    "reason.indicator.near_poor": {"vi": "số hộ cận nghèo", "en": "near-poor households"},
    "reason.indicator.near_poor_rate": {"vi": "tỷ lệ hộ cận nghèo", "en": "near-poor rate"},
    "priority.tier_default": {"vi": "Nhóm {n}", "en": "Tier {n}"},
    "priority.col.rank": {"vi": "Thứ tự", "en": "Rank"},
    "priority.col.code": {"vi": "Mã đơn vị", "en": "Code"},
    "priority.col.name": {"vi": "Tên đơn vị", "en": "Unit"},
    "priority.col.district_name": {"vi": "Huyện", "en": "District"},
    "priority.col.designations": {"vi": "Diện chính sách", "en": "Designations"},
    "priority.col.tier": {"vi": "Nhóm ưu tiên", "en": "Tier"},
    "priority.col.tier_label": {"vi": "Tên nhóm", "en": "Tier label"},
    "priority.col.score": {"vi": "Điểm", "en": "Score"},
    "priority.col.selected": {"vi": "Được chọn", "en": "Selected"},
    "priority.col.reasons": {"vi": "Lý do", "en": "Reasons"},
    "priority.warn.empty_designation": {
        "vi": "Quy tắc dùng diện '{name}' ({label}) nhưng chưa đơn vị nào được gắn diện này: điều kiện đó luôn sai. "
        "Hãy nhập danh sách có nguồn.",
        "en": "The rules use '{name}' ({label}) but no unit carries it: that condition is always false. "
        "Import a sourced list.",
    },
    "priority.warn.missing_values": {
        "vi": "{n} đơn vị thiếu số liệu '{column}': không thỏa điều kiện so sánh và được 0 điểm ở chỉ tiêu này.",
        "en": "{n} units lack '{column}': they fail comparisons on it and score 0 on it.",
    },
    "priority.cli_summary": {
        "vi": "Đã xếp hạng {n} đơn vị; {selected} đơn vị được chọn ({tiers}). Đã ghi {path}.",
        "en": "Ranked {n} units; {selected} selected ({tiers}). Wrote {path}.",
    },
    "priority.cli_designations": {
        "vi": "Danh sách diện: {unmatched} dòng chưa ghép được, {ambiguous} dòng không rõ ràng (dòng {rows}); "
        "các dòng này không được gắn diện.",
        "en": "Designation list: {unmatched} rows unmatched, {ambiguous} ambiguous (rows {rows}); "
        "these rows were not tagged.",
    },
    "coverage.title": {
        "vi": "Hộ nghèo trong các xã được chọn: {share}% hộ nghèo toàn tỉnh",
        "en": "Poor households in the selected communes: {share}% of the province's poor households",
    },
    "coverage.covered": {"vi": "Trong danh sách chọn", "en": "In the selection"},
    "coverage.outside": {"vi": "Ngoài danh sách chọn", "en": "Outside the selection"},
    "coverage.axis": {"vi": "Số hộ nghèo", "en": "Poor households"},
    "scenario.enter": {"vi": "Vào danh sách", "en": "Enters the selection"},
    "scenario.leave": {"vi": "Ra khỏi danh sách", "en": "Leaves the selection"},
    "scenario.tier": {"vi": "Đổi nhóm ưu tiên", "en": "Changes tier"},
    # -- Priority page (pages/priority.py, geo.workflows.priority) --
    "prio.default.name": {"vi": "Quy tắc mặc định (sửa được)", "en": "Default rules (editable)"},
    "prio.default.tier1": {"vi": "Ưu tiên 1: thuộc diện và tỷ lệ nghèo cao", "en": "Priority 1: designated and high poverty"},
    "prio.default.tier2": {"vi": "Ưu tiên 2: tỷ lệ nghèo cao", "en": "Priority 2: high poverty"},
    "prio.default.tier3": {"vi": "Ưu tiên 3: thuộc diện chính sách", "en": "Priority 3: designated"},
    "prio.default.tier_flags": {"vi": "Ưu tiên 1: thuộc diện chính sách", "en": "Priority 1: designated"},
    "prio.no_values": {
        "vi": "Bộ số liệu đang chọn không có số liệu ở cấp {level} (bảng có sẵn theo Kế hoạch 78 là cấp huyện). "
        "Danh sách dưới đây vì vậy chỉ dựa vào diện chính sách (ví dụ 4 xã ATK). Để xếp hạng theo tỷ lệ hộ nghèo, "
        "hãy tải bảng số liệu cấp xã ở trang Dữ liệu, hoặc chọn cấp huyện.",
        "en": "The chosen dataset has no figures at {level} level (the built-in Plan 78 table is district-level). "
        "The list below therefore rests on designations only (e.g. the 4 ATK communes). To rank by poor rate, "
        "upload a commune table on the Data page, or choose the district level.",
    },
    "prio.approximate": {
        "vi": "Ranh giới là sơ đồ gần đúng; danh sách ưu tiên dựa vào mã đơn vị nên không bị ảnh hưởng.",
        "en": "Boundaries are an approximate sketch; the priority list is built on unit codes and is not affected.",
    },
    "prio.rules": {"vi": "1. Quy tắc ưu tiên", "en": "1. Priority rules"},
    "prio.threshold": {"vi": "Ngưỡng nghèo cao: {column} từ (%)", "en": "High-poverty threshold: {column} from (%)"},
    "prio.threshold.help": {
        "vi": "Đổi ngưỡng sẽ sửa mọi điều kiện đang dùng ngưỡng này trong các nhóm bên dưới và xếp hạng lại.",
        "en": "Changing the threshold edits every condition using it in the tiers below and re-ranks.",
    },
    "prio.threshold.none": {
        "vi": "Các nhóm không có điều kiện dạng '{column} >= số', nên không có ngưỡng để chỉnh ở đây.",
        "en": "No tier has a '{column} >= number' condition, so there is no threshold to set here.",
    },
    "prio.tier.label": {"vi": "Tên nhóm {n}", "en": "Tier {n} name"},
    "prio.tier.when": {"vi": "Điều kiện nhóm {n}", "en": "Tier {n} condition"},
    "prio.tier.add": {"vi": "Thêm nhóm", "en": "Add a tier"},
    "prio.tier.remove": {"vi": "Bớt nhóm cuối", "en": "Remove last tier"},
    "prio.rules.reset": {"vi": "Về quy tắc mặc định", "en": "Back to the default rules"},
    "prio.syntax": {
        "vi": "Mỗi xã vào nhóm ĐẦU TIÊN có điều kiện đúng. Điều kiện ghép bằng and / or / not (và / hoặc / không) "
        "và dấu ngoặc, từ: tên diện ({types}) và so sánh chỉ tiêu với số (>=, <=, >, <, =). Chỉ tiêu có: {columns}.",
        "en": "Each unit goes to the FIRST tier whose condition holds. Combine with and / or / not and brackets: "
        "designation names ({types}) and indicator comparisons with a number (>=, <=, >, <, =). Indicators: {columns}.",
    },
    "prio.fix_rules": {"vi": "Sửa điều kiện bị lỗi ở trên để xem danh sách.", "en": "Fix the condition marked above to see the list."},
    "prio.score": {"vi": "Điểm tổng hợp: trọng số và điểm cộng theo diện", "en": "Composite score: weights and designation bonuses"},
    "prio.score.help": {
        "vi": "Điểm = 100 × Σ(trọng số × chỉ tiêu chuẩn hóa min–max) / Σ trọng số + điểm cộng theo diện. "
        "Điểm xếp thứ tự trong cùng một nhóm. Trọng số 0 = không dùng.",
        "en": "Score = 100 × Σ(weight × min–max normalised indicator) / Σ weights + designation bonuses. "
        "It orders units within a tier. Weight 0 = not used.",
    },
    "prio.score.weights": {"vi": "Trọng số chỉ tiêu", "en": "Indicator weights"},
    "prio.score.bonuses": {"vi": "Điểm cộng theo diện", "en": "Designation bonuses"},
    "prio.score.weights.label": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "prio.score.bonuses.label": {"vi": "Diện", "en": "Designation"},
    "prio.score.weight": {"vi": "Trọng số", "en": "Weight"},
    "prio.score.higher": {"vi": "Cao hơn = khó khăn hơn", "en": "Higher = more need"},
    "prio.score.points": {"vi": "Điểm cộng", "en": "Points"},
    "prio.rules.file": {"vi": "Tệp quy tắc (YAML): tải về hoặc mở", "en": "Rules file (YAML): download or open"},
    "prio.rules.download": {"vi": "Tải quy tắc về (.yaml)", "en": "Download the rules (.yaml)"},
    "prio.rules.upload": {"vi": "Mở tệp quy tắc (.yaml)", "en": "Open a rules file (.yaml)"},
    "prio.rules.loaded": {"vi": "Đã mở {n} nhóm quy tắc từ tệp đã tải lên.", "en": "Opened {n} tiers from the uploaded file."},
    "prio.designations": {"vi": "2. Diện chính sách", "en": "2. Designations"},
    "prio.d.lists": {"vi": "Theo danh sách (có sẵn, đã nhập)", "en": "From lists (built-in, imported)"},
    "prio.d.lists.help": {
        "vi": "Danh sách có sẵn: 4 xã ATK của Lạng Sơn (2021). Chưa có danh sách xã biên giới, khu vực III, 135: hãy nhập tệp có nguồn.",
        "en": "Built in: Lạng Sơn's 4 ATK communes (2021). No border, zone III or 135 list yet: import a sourced file.",
    },
    "prio.d.hand": {"vi": "Gắn / bỏ bằng tay", "en": "Tagged / untagged by hand"},
    "prio.d.hand.empty": {"vi": "Chưa có thay đổi bằng tay.", "en": "No changes by hand yet."},
    "prio.d.col.label": {"vi": "Diện", "en": "Designation"},
    "prio.d.col.unit": {"vi": "Đơn vị", "en": "Unit"},
    "prio.d.col.origin": {"vi": "Nguồn gốc", "en": "Origin"},
    "prio.d.col.action": {"vi": "Thao tác", "en": "Action"},
    "prio.d.col.source": {"vi": "Văn bản", "en": "Document"},
    "prio.d.col.note": {"vi": "Ghi chú", "en": "Note"},
    "prio.origin.builtin": {"vi": "có sẵn", "en": "built-in"},
    "prio.origin.imported": {"vi": "đã nhập", "en": "imported"},
    "prio.origin.manual": {"vi": "bằng tay", "en": "by hand"},
    "prio.action.tag": {"vi": "gắn diện", "en": "tagged"},
    "prio.action.untag": {"vi": "bỏ diện", "en": "untagged"},
    "prio.d.undo.pick": {"vi": "Thay đổi bằng tay", "en": "Change by hand"},
    "prio.d.undo": {"vi": "Hoàn tác", "en": "Undo"},
    "prio.d.tag": {"vi": "Gắn hoặc bỏ diện cho một đơn vị", "en": "Tag or untag one unit"},
    "prio.d.unit": {"vi": "Đơn vị", "en": "Unit"},
    "prio.d.type": {"vi": "Loại diện", "en": "Designation type"},
    "prio.d.type.column": {"vi": "(theo cột loại diện trong tệp)", "en": "(from the file's type column)"},
    "prio.d.note": {"vi": "Ghi chú (bắt buộc: vì sao, theo văn bản nào)", "en": "Note (required: why, which document)"},
    "prio.d.tag.do": {"vi": "Gắn diện", "en": "Tag"},
    "prio.d.untag.do": {"vi": "Bỏ diện", "en": "Untag"},
    "prio.d.import": {"vi": "Nhập danh sách diện (CSV, XLSX)", "en": "Import a designation list (CSV, XLSX)"},
    "prio.d.import.help": {
        "vi": "Mỗi dòng một đơn vị: theo mã (Mã xã) hoặc theo tên kèm huyện (Tên xã, Huyện). Tên không chắc chắn "
        "không được gắn tự động; xem gợi ý trong báo cáo.",
        "en": "One unit per row: by code, or by name with its district. Uncertain names are never tagged "
        "automatically; see the suggestions in the report.",
    },
    "prio.d.import.file": {"vi": "Tệp danh sách", "en": "List file"},
    "prio.d.source": {"vi": "Văn bản nguồn (số, ngày)", "en": "Source document (number, date)"},
    "prio.d.import.do": {"vi": "Nhập danh sách", "en": "Import the list"},
    "prio.d.no_file": {"vi": "Chưa chọn tệp danh sách.", "en": "No list file chosen."},
    "prio.d.report": {"vi": "Báo cáo nhập danh sách của tệp:", "en": "Import report of file:"},
    "prio.d.unmatched": {"vi": "Chưa ghép được", "en": "Unmatched"},
    "prio.d.report.matched": {"vi": "Đã ghép", "en": "Matched"},
    "prio.d.report.unmatched": {"vi": "Chưa ghép được (có gợi ý)", "en": "Unmatched (with suggestions)"},
    "prio.d.report.ambiguous": {"vi": "Không rõ ràng (nhiều đơn vị cùng tên)", "en": "Ambiguous (several units share the name)"},
    "prio.d.rcol.row": {"vi": "Dòng", "en": "Row"},
    "prio.d.rcol.type": {"vi": "Diện", "en": "Type"},
    "prio.d.rcol.name": {"vi": "Tên trong tệp", "en": "Name in file"},
    "prio.d.rcol.unit": {"vi": "Đơn vị", "en": "Unit"},
    "prio.d.rcol.method": {"vi": "Cách ghép", "en": "Method"},
    "prio.d.rcol.district": {"vi": "Huyện trong tệp", "en": "District in file"},
    "prio.d.rcol.suggestions": {"vi": "Gợi ý", "en": "Suggestions"},
    "prio.d.rcol.candidates": {"vi": "Các đơn vị có thể", "en": "Candidates"},
    "prio.ranked": {"vi": "3. Danh sách xếp hạng", "en": "3. Ranked list"},
    "prio.summary": {
        "vi": "Được chọn {n}/{total} {unit} ({tiers}). Bảng nhỏ là các đơn vị đứng đầu; bảng lớn có đủ mọi đơn vị.",
        "en": "Selected {n}/{total} {unit} ({tiers}). The small table shows the top entries; the large one every unit.",
    },
    "prio.manual": {"vi": "Đưa vào / loại ra bằng tay", "en": "Include / exclude by hand"},
    "prio.manual.help": {
        "vi": "Quyết định bằng tay thắng quy tắc và phải có lý do; lý do hiện trong cột Lý do và được lưu cùng phương án.",
        "en": "A decision by hand overrides the rules and needs a reason; the reason shows in the Reasons column "
        "and is saved with the scenario.",
    },
    "prio.manual.action": {"vi": "Quyết định", "en": "Decision"},
    "prio.manual.include": {"vi": "Đưa vào", "en": "Include"},
    "prio.manual.exclude": {"vi": "Loại ra", "en": "Exclude"},
    "prio.manual.reason": {"vi": "Lý do", "en": "Reason"},
    "prio.manual.add": {"vi": "Ghi quyết định", "en": "Record the decision"},
    "prio.manual.remove.pick": {"vi": "Quyết định đã ghi", "en": "Recorded decision"},
    "prio.manual.remove": {"vi": "Xóa quyết định", "en": "Delete the decision"},
    "prio.map": {"vi": "Danh sách chọn trên bản đồ", "en": "Selection on the map"},
    "prio.map.help": {
        "vi": "Bản đồ đang chọn {n} đơn vị; {extra} đơn vị trong đó nằm ngoài danh sách ưu tiên. Các đơn vị chọn trên "
        "bản đồ chỉ được tính khi bạn đưa chúng vào bằng tay (nút bên phải, lý do 'Chọn trên bản đồ'), để quy tắc "
        "vẫn quyết định phần còn lại. Nút 'Áp dụng' thay danh sách chọn trên bản đồ bằng danh sách ưu tiên.",
        "en": "The map has {n} units selected; {extra} of them are outside the priority list. Units picked on the map "
        "count only once you include them by hand (button on the right, reason 'Picked on the map'), so the rules "
        "still decide the rest. 'Apply' replaces the map's selection with the priority list.",
    },
    "prio.map.reason": {"vi": "Chọn trên bản đồ", "en": "Picked on the map"},
    "prio.map.include": {"vi": "Đưa {n} đơn vị chọn trên bản đồ vào danh sách", "en": "Include the {n} units picked on the map"},
    "prio.apply": {"vi": "Áp dụng danh sách ưu tiên lên bản đồ", "en": "Apply the priority selection to the map"},
    "prio.apply.done": {"vi": "Bản đồ nay chọn {n} đơn vị của danh sách ưu tiên.", "en": "The map now selects the {n} priority units."},
    "prio.coverage": {"vi": "4. Mức bao phủ của danh sách chọn", "en": "4. Coverage of the selection"},
    "prio.coverage.none": {
        "vi": "Chưa tính được mức bao phủ: bộ số liệu không có số hộ nghèo ở cấp này.",
        "en": "Coverage cannot be computed: the dataset has no poor-household counts at this level.",
    },
    "prio.cov.units": {"vi": "Số {unit} được chọn", "en": "Selected {unit}"},
    "prio.units.commune": {"vi": "xã", "en": "communes"},
    "prio.units.district": {"vi": "huyện", "en": "districts"},
    "prio.cov.households": {"vi": "Số hộ", "en": "Households"},
    "prio.cov.poor": {"vi": "Hộ nghèo", "en": "Poor households"},
    "prio.cov.near_poor": {"vi": "Hộ cận nghèo", "en": "Near-poor households"},
    "prio.cov.share": {"vi": "% hộ nghèo toàn tỉnh", "en": "% of the province's poor"},
    "prio.cov.district_share": {"vi": "% hộ nghèo của huyện", "en": "% of the district's poor"},
    "prio.cov.columns": {"vi": "Cột số liệu dùng: {columns}.", "en": "Columns used: {columns}."},
    "prio.scenario": {"vi": "5. Phương án", "en": "5. Scenario"},
    "prio.scenario.title": {"vi": "Tên phương án", "en": "Scenario title"},
    "prio.scenario.notes": {"vi": "Ghi chú của phương án", "en": "Scenario notes"},
    "prio.scenario.save": {"vi": "Lưu phương án (.gpkg)", "en": "Save the scenario (.gpkg)"},
    "prio.scenario.help": {
        "vi": "Một tệp GeoPackage chứa số liệu, diện chính sách, quy tắc, quyết định bằng tay, danh sách chọn và ghi chú; "
        "mở lại ở đây hoặc trong QGIS.",
        "en": "One GeoPackage file with the figures, designations, rules, decisions by hand, selection and notes; "
        "reopen it here or in QGIS.",
    },
    "prio.scenario.open": {"vi": "Mở phương án đã lưu (.gpkg)", "en": "Open a saved scenario (.gpkg)"},
    "prio.scenario.compare": {"vi": "So sánh với phương án khác (.gpkg)", "en": "Compare with another scenario (.gpkg)"},
    "prio.open.done": {
        "vi": "Đã mở phương án '{name}': quy tắc, diện, quyết định bằng tay, ghi chú và {n} đơn vị được chọn.",
        "en": "Opened scenario '{name}': rules, designations, decisions by hand, notes and {n} selected units.",
    },
    "prio.open.other_area": {
        "vi": "Phương án này thuộc tỉnh {province}, thời điểm {vintage}; hãy chọn đúng tỉnh và thời điểm trên trang Bản đồ trước.",
        "en": "This scenario is for province {province}, vintage {vintage}; choose that province and vintage on the Map page first.",
    },
    "prio.opened": {"vi": "Đối chiếu với phương án đã mở", "en": "Check against the opened scenario"},
    "prio.opened.help": {
        "vi": "Danh sách hiện tại so với danh sách lưu trong tệp. Nếu khác, số liệu hiện tại khác số liệu lúc lưu.",
        "en": "The current list against the list saved in the file. A difference means the current figures differ.",
    },
    "prio.compare": {"vi": "So sánh với phương án đã tải lên", "en": "Compared with the uploaded scenario"},
    "prio.compare.same": {"vi": "Không có đơn vị nào vào hay ra danh sách.", "en": "No unit enters or leaves the selection."},
    "prio.compare.count": {
        "vi": "{n} đơn vị thay đổi: {enter} vào danh sách, {leave} ra khỏi danh sách (so với tệp).",
        "en": "{n} units change: {enter} enter, {leave} leave the selection (compared with the file).",
    },
    "prio.compare.change": {"vi": "Thay đổi", "en": "Change"},
    "prio.compare.tier_a": {"vi": "Nhóm (tệp)", "en": "Tier (file)"},
    "prio.compare.tier_b": {"vi": "Nhóm (hiện tại)", "en": "Tier (now)"},
    "prio.compare.rank_a": {"vi": "Thứ tự (tệp)", "en": "Rank (file)"},
    "prio.compare.rank_b": {"vi": "Thứ tự (hiện tại)", "en": "Rank (now)"},
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
