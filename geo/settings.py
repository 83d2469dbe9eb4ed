"""Named constants shared by the library, the app and the CLI.

Pages and commands read their defaults here, never from magic numbers.
"""

from __future__ import annotations

from pathlib import Path

# The project folder (the parent of geo/): built-in data lives under its data/ folder.
PROJECT_DIR = Path(__file__).resolve().parents[1]

# Province the app opens on: Lạng Sơn (GSO code 20).
DEFAULT_PROVINCE = "20"
DEFAULT_VINTAGE = "pre2025"
DEFAULT_LEVEL = "district"

# Uploads are hostile: size bounds for files and unpacked archives.
MAX_UPLOAD_MB = 200

# Join diagnostics.
RATE_TOLERANCE_POINTS = 0.05  # a rate may differ from poor/households*100 by this much
FRACTION_RATE_SHARE = 0.8  # share of rows whose counts must agree with a 0-1 rate x 100 before it is scaled
FRACTION_SUSPECT_MIN_ROWS = 5  # a rate column all within 0-1 (no counts) of at least this many rows gets a note
FUZZY_SUGGEST_MIN_SCORE = 70  # rapidfuzz score (0-100) under which no suggestion is made
FUZZY_SUGGEST_LIMIT = 3
# A table that names no district, whose matched rows all lie in one district (a district office's table): a name
# found in several districts is resolved within that district when at least this many rows decided it.
DOMINANT_DISTRICT_MIN_ROWS = 3

# The 2025 reform (geo.analysis.reform): weights of a split old commune must sum to 1 within this.
WEIGHT_SUM_TOLERANCE = 0.001

# Map classes and colours (geo.analysis.classify, geo.render.webmap).
CLASS_SCHEMES = ("quantiles", "fisher_jenks", "equal_interval", "manual")
DEFAULT_SCHEME = "quantiles"
DEFAULT_K = 5
MIN_K = 3  # fewer classes say nothing a table would not
MAX_K = 7  # more than ColorBrewer's readable sequential range
FISHER_JENKS_MAX_N = 600  # exact up to this (every province); above, on an evenly spaced sample (O(k n^2))
SEQUENTIAL_PALETTES = ("YlOrRd", "Reds", "OrRd", "PuRd", "Blues", "Greens")
DEFAULT_PALETTE = "YlOrRd"
# Change maps (geo.analysis.progress): diverging, centred on zero; "_r" reversed so that a fall in poverty is blue.
DIVERGING_PALETTES = ("RdBu_r",)
CHANGE_PALETTE = "RdBu_r"
CHANGE_K = 7  # odd: the middle class straddles zero
NO_DATA_COLOR = "#d9d9d9"  # plus the explicit "Không có dữ liệu" legend entry, never a data class
LEGEND_DECIMALS = 2

# Web map geometry: simplified with shared borders kept, then rounded.
WEB_SIMPLIFY_TOLERANCE_DEG = 0.0007  # ~75 m; under one screen pixel up to zoom 11
WEB_COORD_DECIMALS = 5  # ~1 m
WEB_EXTRA_COORD_DECIMALS = 4  # a level whose borders come closer than its grid is redone on a 10x finer grid (up to 10^4 x)
WEB_GEOMETRY_CACHE_SIZE = 16  # prepared layers kept in memory (province x level x vintage)
# Prepared layers of the default boundaries kept on disk (data/boundaries/web/*.npz, geo.render.webmap): at most this
# many files and this many megabytes; the least recently used go first (a national commune layer is ~2-4 MB).
WEB_DISK_CACHE_MAX_FILES = 200
WEB_DISK_CACHE_MAX_MB = 256
# Levels of detail (geo.render.webmap): the first at the zoom that shows the layer whole in a map of
# WEB_VIEW_PX, then every WEB_LEVEL_ZOOM_STEP zooms, each simplified to WEB_LEVEL_PIXELS screen pixel.
WEB_VIEW_PX = (900, 620)
WEB_MIN_LEVEL_ZOOM = 6  # the national overview
WEB_MAX_LEVEL_ZOOM = 14
WEB_LEVEL_ZOOM_STEP = 2
WEB_LEVELS = 3
WEB_LEVEL_PIXELS = 0.8  # Douglas-Peucker tolerance: with the grid, the worst error stays under 1 pixel
WEB_GRID_PIXELS = 0.1  # coordinates of a level are integers on a grid of at most this many pixels
WEB_SIMPLIFY_ATTEMPTS = 8  # checks of a level; borders of units made invalid by simplifying are simplified less
WEB_SIMPLIFY_QUARTERS = 2  # ... first with a quarter of the tolerance (this many times), then not at all
WEB_VERTEX_BUDGET = 100_000  # vertices sent for all levels of a layer; finer levels that do not fit are left out
# The Map page's "Toàn quốc" (whole country) choice in the province box: not a GSO code (those are 2 digits).
NATIONAL_AREA = "VN"
# National layers whose web geometry a server prepares in the background after its first page
# (geo.workflows.warmup; GEO_WARMUP=0 turns it off): the slow ones first (a commune layer takes seconds to prepare,
# the others under one).
NATIONAL_LAYERS_KEPT = 6  # joined national layers kept in memory by the app (shared by sessions, ~30 MB each)
WARMUP_NATIONAL_LAYERS = (("pre2025", "commune"), ("2025", "commune"), ("pre2025", "district"),
                          ("pre2025", "province"), ("2025", "province"))

# Offline web assets: copied from installed packages, served by Streamlit at /app/static/.
STATIC_DIR = "static"
STATIC_VENDOR_SUBDIR = "vendor"
STATIC_URL_PREFIX = "/app/static"

# Print maps and annexes (geo.render.printmap, geo.render.annex_table).
PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}  # portrait width, height (ISO 216)
PAPERS = tuple(PAPER_MM)
ORIENTATIONS = ("portrait", "landscape")
DEFAULT_PAPER = "A4"
DEFAULT_ORIENTATION = "portrait"
PRINT_DPI = 300  # PNG exports: A4 portrait is 2480 x 3508 pixels
PRINT_FONT = "DejaVu Sans"  # bundled with matplotlib; covers every Vietnamese precomposed letter
PRINT_MARGIN_MM = 12.0
PRINT_FONT_PT = {
    "title": 14.0, "subtitle": 10.0, "legend_title": 8.5, "legend": 8.0,
    "label": 6.0, "district_label": 8.0, "footer": 6.5, "scale": 7.0,
}
PRINT_LARGE_LABELS_MAX_UNITS = 40  # pages showing at most this many units label them at "district_label" size
PRINT_LABEL_SHRINK = 0.8  # a label that does not fit is tried once more at this fraction of its size
PRINT_NICE_SCALES = (1.0, 1.2, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 7.5, 8.0, 9.0)  # x 10^n: map scale 1:N rounded up to these
PRINT_SIMPLIFY_M = 15.0  # geometry simplification before drawing (0.1 mm on paper at 1:150.000)
PRINT_NEIGHBOUR_COLOR = "#eeeeee"  # atlas: units outside the page's district
PRINT_ATLAS_OVERVIEW = True  # atlas starts with one overview page (Lạng Sơn: 1 + 11 pages)
DOCX_FONT = "Times New Roman"  # the font of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP)
DOCX_MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}  # Nghị định 30/2020/NĐ-CP, Phụ lục I
XLSX_FONT = "Times New Roman"

# Priority targeting (geo.analysis.rules, geo.analysis.ranking, geo.units.designations, geo.workflows.scenario).
RULE_MAX_CHARS = 1000  # a rule expression longer than this is refused (hostile input, deep nesting)
RULE_MAX_DEPTH = 40  # nesting of a rule expression (parentheses, not, unary signs) beyond this is refused
RULES_MAX_BYTES = 256 * 1024  # a rules file (YAML) larger than this is refused before it is parsed
RULES_MAX_DEPTH = 12  # nesting of a rules file's YAML (mappings, lists) beyond this is refused
RULES_MAX_ENTRIES = 500  # weights, bonuses and labels of one rules file, each
REASON_DECIMALS = 2  # at most this many decimals in the reasons text ("24,3%"); trailing zeros dropped
SCORE_DECIMALS = 4  # scores are rounded so that equal inputs tie exactly
SHARE_DECIMALS = 2  # coverage shares in percent
COVERAGE_COLORS = ("#d7301f", "#fdd49e")  # poor households inside / outside the selection
SCENARIO_FORMAT_VERSION = 1
# Default rules offered by the Priority page (geo.workflows.priority.default_rules); the planner edits them.
PRIORITY_THRESHOLD = 20.0  # poor rate (%) from which a commune counts as high-poverty (docs/rules_example.yaml)
PRIORITY_FLAGS = ("border", "zone_iii", "atk")  # designations named in the default tiers (commune level)
PRIORITY_DISTRICT_FLAGS = ("poor_district",)  # designations named in the default tiers at district level
# At district level the default high-poverty threshold is the province's own rate (summed counts), rounded to
# this many decimals: a district is high-poverty when poorer than its province (PRIORITY_THRESHOLD is for communes).
PRIORITY_DISTRICT_THRESHOLD_DECIMALS = 1
PRIORITY_WEIGHTS = {"poor_rate": 2.0, "near_poor_rate": 1.0}  # score weights by indicator base name
PRIORITY_BONUSES = {"border": 10.0, "zone_iii": 10.0, "atk": 5.0, "poor_district": 10.0}  # score points per designation
PRIORITY_TOP_N = 10  # ranked units shown as a plain table above the full list
PRIORITY_MAX_TIERS = 6
PRIORITY_WEIGHT_SLIDER = (5.0, 0.5)  # the Priority page's weight sliders: maximum, step
PRIORITY_BONUS_SLIDER = (20.0, 1.0)  # the Priority page's bonus sliders: maximum, step (points)

# Workspace (geo.workspace): where uploads, hand matches, designations and scenarios are kept between sessions.
WORKSPACE_ENV = "GEO_WORKSPACE"  # a folder (embedded GeoPackage) or a postgresql:// URL (team mode)
WORKSPACE_USER_ENV = "GEO_USER"  # who acts in an embedded workspace (default: the operating-system user)
DEFAULT_WORKSPACE_DIR = PROJECT_DIR / "workspace"  # used when GEO_WORKSPACE is not set
WORKSPACE_FILE = "workspace.gpkg"  # the one database file inside the workspace folder
WORKSPACE_PREFIX = "ws:"  # python -m geo ... --indicators ws:<name> reads a dataset from the workspace
WORKSPACE_LOCK_TIMEOUT_S = 5.0  # wait this long for another writer before saying the workspace is locked
WORKSPACE_NAME_MAX_CHARS = 200
WORKSPACE_BUNDLE_VERSION = 1  # format of 'python -m geo workspace export' bundles; newer ones are refused
WORKSPACE_SESSION_HOURS = 8.0  # team mode: a login lasts this long
WORKSPACE_ROLES = ("viewer", "editor", "admin")
# argon2id password hashes: OWASP Password Storage Cheat Sheet minimum (19 MiB, 2 passes, 1 lane); a login
# costs ~0.1 s of CPU on a quiet core instead of ~0.5 s with argon2-cffi's defaults (64 MiB, 3, 4).
WORKSPACE_ARGON2 = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
WORKSPACE_POOL_SIZE = 4  # team mode: connections kept open per process

# Uploaded files on the server: written once per content digest, removed when the session ends or after this.
UPLOAD_RETENTION_HOURS = 24.0
# Reader budgets (geo.io.upload, geo.io.safe, geo.io.boundaries, geo.workflows.scenario): every uploaded file is
# checked against these BEFORE the expensive work starts; past one, the reader refuses with a message.
MAX_TABLE_MB = 50  # one table file (CSV, XLSX): designation lists, selections, weights, manual lists, indicators
MAX_TABLE_ROWS = 50_000  # Viet Nam has about 10,600 communes
MAX_TABLE_COLUMNS = 500
MAX_TABLE_CELLS = 2_000_000  # rows x columns held in memory at once
MAX_CSV_FIELD_CHARS = 32_768  # one CSV cell; Excel's own limit per cell
MAX_XLSX_UNPACKED_MB = 300  # an .xlsx is a zip: what it unpacks to
MAX_XLSX_MEMBERS = 10_000
MAX_XLSX_SHEET_MB = 200  # one worksheet's XML, uncompressed
MAX_SHARED_STRINGS_MB = 20  # the workbook's shared strings (every text cell), uncompressed
MAX_MERGED_RANGES = 10_000
MAX_MERGED_CELLS = 100_000  # cells covered by merged ranges (a header merges a few dozen)
MAX_UNZIPPED_MB = 1024  # everything inside one uploaded archive, uncompressed
MAX_ZIP_RATIO = 100  # uncompressed / compressed, per member over 1 MB and for the archive as a whole
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_PATH_DEPTH = 16  # folders in a member's path
MAX_ZIP_NAME_CHARS = 255  # one component of a member's path (what file systems allow)
MAX_FEATURES = 100_000  # features of a boundary layer (Viet Nam: ~10,600 communes)
MAX_VERTICES = 20_000_000  # coordinates of a boundary layer
MAX_SCENARIO_ROWS = 100_000  # rows of one table in a scenario GeoPackage
MAX_TEXT_FIELD_CHARS = 10_000  # one text value in a scenario table
FUZZY_SUGGEST_MAX_ROWS = 500  # unmatched rows that get fuzzy suggestions; later rows are listed without
FUZZY_SUGGEST_CHUNK = 256  # rows scored per rapidfuzz cdist call (bounds the score matrix: 256 x 10,600 units)
MAX_DESIGNATION_ROWS = 12_000  # rows of one designation list: more than the communes of Viet Nam (~10,600)
# A table of several provinces on one province's map (geo.join.scope): rows of other provinces are set aside.
SCOPE_MIN_OTHER_ROWS = 3  # rows found only in other provinces (and this share of the table, below) before a table
SCOPE_MIN_OTHER_SHARE = 0.05  # is taken to hold other provinces: then a bare name shared with them is not guessed
SCOPE_REPORT_ROWS = 200  # rows set aside listed in the JSON report (all are counted)
SCOPE_PROVINCES_NAMED = 5  # provinces named in the set-aside message before "…"
TABLE_PREVIEW_ROWS = 500  # rows of an uploaded table shown on the Data page (the whole table is joined)
HAND_CHOICES_MAX = 30  # hand-match pickers drawn on the Data page; the rest are counted (one widget a row is slow)


# Household review lists (geo.io.households, geo.analysis.households, geo.workflows.households).
# The 12 deprivation indicators of Decree 07/2021/NĐ-CP (Art. 3), key -> dimension, in the decree's order.
HOUSEHOLD_DEPRIVATIONS = (
    ("employment", "employment"), ("dependants", "employment"),
    ("nutrition", "health"), ("health_insurance", "health"),
    ("adult_education", "education"), ("school_attendance", "education"),
    ("housing_quality", "housing"), ("housing_area", "housing"),
    ("water", "water_sanitation"), ("sanitation", "water_sanitation"),
    ("telecom", "information"), ("information", "information"),
)
HOUSEHOLD_POOR_MIN_DEPRIVATIONS = 3  # Decree 07/2021 Art. 3: poor = income at or under the line and >= 3 deprivations
HOUSEHOLD_INCOME_LINE_VND = {"rural": 1_500_000, "urban": 2_000_000}  # per person per month, 2022-2025
HOUSEHOLD_XLSX_MAX_MB = 50  # a workbook is read whole into memory: above this, save it as CSV
HOUSEHOLD_CSV_MAX_MB = 200  # CSV is streamed by DuckDB: bounded by the upload limit only
HOUSEHOLD_MIN_HEADER_ROLES = 3  # a header names at least this many known columns (classification, village, ...)
HOUSEHOLD_PREVIEW_ROWS = 5
HOUSEHOLD_REPORT_MAX_ITEMS = 200  # rows listed per problem in the import report (all are counted)
HOUSEHOLD_DUCKDB_MEMORY = "1GB"  # DuckDB spills to a private temporary folder beyond this
HOUSEHOLD_DUCKDB_THREADS = 2
HOUSEHOLD_XLSX_MAX_ROWS = 1_000_000  # rows of one worksheet (Excel holds 1,048,576)
HOUSEHOLD_CLI_MESSAGES = 20  # problem lines printed by the CLI (all are in the report)
HOUSEHOLD_EXAMPLE_SIZE = 800  # households in the illustrative lists of "python -m geo households --example"
HOUSEHOLD_WORKBOOK_MAX_VILLAGES = 20_000  # village rows put in the indicators workbook; a longer table is written alone (CSV)

# Trust at the gate (geo.analysis.checks, geo.join.placement): what a table or a boundary layer may hold.
PERCENT = 100.0  # a rate is count / households × PERCENT
MAX_RATE = 100.0  # a rate above this (or below 0) is impossible and becomes no data
RATE_JUMP_POINTS = 10.0  # a rate moving more than this between two years of one table is warned about
OUTLIER_IQR_FACTOR = 3.0  # a unit beyond quartiles ± this × IQR of its district's units is warned about
OUTLIER_MIN_GROUP = 5  # districts with fewer units are not checked for outliers
OUTLIER_MIN_SPREAD = 2.0  # IQR floor (points), so near-identical districts do not flag every small difference
PLACEMENT_MAX_KM = 15.0  # median offset of unit centroids from the registry's beyond which a layer is refused
PLACEMENT_NATIONAL_CRS = ("EPSG:4326", "EPSG:4756", "EPSG:3405", "EPSG:3406", "EPSG:32648", "EPSG:32649")
NAMES_VINTAGE_SHARE = 0.1  # share of a table's names found in the other vintage only that triggers a warning
TRUST_FIRST_ROWS = 5  # rows named in a warning line before "…"
