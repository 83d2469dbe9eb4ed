"""One exception type for everything a user can get wrong.

The library raises :class:`GeoError` with a stable ``code`` and the facts that
explain it (file, row, column, ...). The app and the CLI turn it into a
sentence in the user's language with :meth:`GeoError.message`; the catalogue
lives in :mod:`geo.text.i18n` so that translators touch one file.
"""

from __future__ import annotations

__all__ = ["GeoError"]


class GeoError(Exception):
    """A user-facing error with a stable code and message parameters.

    Parameters
    ----------
    code
        Stable identifier, e.g. ``"zip_unsafe_member"``. Tests and the UI key on it.
    **params
        Values interpolated into the translated message (file names, rows...).
    """

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        """The one-line message in ``lang`` ("vi" or "en")."""
        from geo.text.i18n import error_message

        return error_message(self.code, lang, **self.params)

    def __reduce__(self):  # keep picklable for Streamlit caching
        return (_rebuild, (self.code, self.params))


def _rebuild(code: str, params: dict) -> GeoError:
    return GeoError(code, **params)
