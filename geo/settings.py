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
