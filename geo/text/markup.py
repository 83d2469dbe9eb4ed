"""Text shown as itself where Streamlit reads Markdown (``st.markdown``, ``st.table``, captions, alerts).

Names and file names come from uploads: ``[a](http://x)``, ``![](x)``, ``<img …>`` or
``=HYPERLINK("http://x","y")`` must appear as those characters, never as a link, an
image or HTML. :func:`markdown_text` escapes every character that Markdown or HTML
gives a meaning to; :func:`markdown_params` does it for the parameters of a message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

__all__ = ["markdown_text", "markdown_params"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def markdown_text(value: object) -> str:
    """``value`` as Markdown source that renders as the same text (whitespace collapsed; None/NaN -> "").

    >>> markdown_text("[a](http://x)")
    '\\\\[a\\\\]\\\\(http\\\\://x\\\\)'
    >>> markdown_text(None)
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if value != value:  # pd.NA, NaT
            return ""
    except (TypeError, ValueError):
        return ""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown_params(params: Mapping[str, object]) -> dict[str, object]:
    """Message parameters with every text value escaped by :func:`markdown_text` (numbers kept as they are)."""
    return {k: markdown_text(v) if isinstance(v, str) else v for k, v in params.items()}
