"""Named constants shared by the library, the app and the CLI.

Pages and commands read their defaults here, never from magic numbers.
"""

from __future__ import annotations

# Province the app opens on: Lạng Sơn (GSO code 20).
DEFAULT_PROVINCE = "20"
DEFAULT_VINTAGE = "pre2025"
DEFAULT_LEVEL = "district"

# Uploads are hostile: size bounds for files and unpacked archives.
MAX_UPLOAD_MB = 200

# Join diagnostics.
RATE_TOLERANCE_POINTS = 0.05  # a rate may differ from poor/households*100 by this much
FUZZY_SUGGEST_MIN_SCORE = 70  # rapidfuzz score (0-100) under which no suggestion is made
FUZZY_SUGGEST_LIMIT = 3

# The 2025 reform (geo.convert): weights of a split old commune must sum to 1 within this.
WEIGHT_SUM_TOLERANCE = 0.001

# Map classes and colours (geo.classify, geo.webmap).
CLASS_SCHEMES = ("quantiles", "fisher_jenks", "equal_interval", "manual")
DEFAULT_SCHEME = "quantiles"
DEFAULT_K = 5
MIN_K = 3  # fewer classes say nothing a table would not
MAX_K = 7  # more than ColorBrewer's readable sequential range
FISHER_JENKS_MAX_N = 600  # exact up to this (every province); above, on an evenly spaced sample (O(k n^2))
SEQUENTIAL_PALETTES = ("YlOrRd", "Reds", "OrRd", "PuRd", "Blues", "Greens")
DEFAULT_PALETTE = "YlOrRd"
NO_DATA_COLOR = "#d9d9d9"  # plus the explicit "Không có dữ liệu" legend entry, never a data class
LEGEND_DECIMALS = 2

# Web map geometry: simplified with shared borders kept, then rounded.
WEB_SIMPLIFY_TOLERANCE_DEG = 0.0007  # ~75 m; under one screen pixel up to zoom 11
WEB_COORD_DECIMALS = 5  # ~1 m
WEB_GEOMETRY_CACHE_SIZE = 16  # prepared layers kept in memory (province x level x vintage)

# Offline web assets: copied from installed packages, served by Streamlit at /app/static/.
STATIC_DIR = "static"
STATIC_VENDOR_SUBDIR = "vendor"
STATIC_URL_PREFIX = "/app/static"

# Priority targeting (geo.priority, geo.designations, geo.scenario).
RULE_MAX_CHARS = 1000  # a rule expression longer than this is refused (hostile input, deep nesting)
REASON_DECIMALS = 2  # at most this many decimals in the reasons text ("24,3%"); trailing zeros dropped
SCORE_DECIMALS = 4  # scores are rounded so that equal inputs tie exactly
SHARE_DECIMALS = 2  # coverage shares in percent
COVERAGE_COLORS = ("#d7301f", "#fdd49e")  # poor households inside / outside the selection
SCENARIO_FORMAT_VERSION = 1
