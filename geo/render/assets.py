"""Leaflet from an installed package, so that maps work without internet.

folium's maps load Leaflet, jQuery, Bootstrap and Font Awesome from CDNs. The
maps of :mod:`geo.render.webmap` need Leaflet only (no markers, no popups built by
jQuery, no icons), and take it from the PyPI package ``XStatic-Leaflet``
(pinned in requirements.txt), which ships Leaflet's ``dist/`` files verbatim
(leaflet.js 1.9.3 is byte-identical to the npm package ``leaflet@1.9.3`` that
folium 0.20 references). Nothing third-party is committed to this repository.

- In the Streamlit app, :func:`install_static` copies the files into
  ``static/vendor/leaflet-<version>/`` (gitignored) once at start, and
  Streamlit serves them at ``/app/static/...`` when ``[server]
  enableStaticServing = true`` is set in ``.streamlit/config.toml``.
- A standalone HTML file (:func:`geo.render.webmap.save_html`) inlines them:
  :func:`inline_js` and :func:`inline_css` (images as ``data:`` URIs).
"""

from __future__ import annotations

import base64
import functools
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from geo import settings
from geo._errors import GeoError

__all__ = ["PACKAGE", "AssetUrls", "LeafletFiles", "leaflet_files", "static_urls", "install_static", "inline_js", "inline_css"]

PACKAGE = "XStatic-Leaflet==1.9.3.0"  # the pip line given when the assets are missing
JS_NAME = "leaflet"  # keys in folium's default_js / default_css, as folium names them
CSS_NAME = "leaflet_css"


@dataclass(frozen=True)
class LeafletFiles:
    """Paths of the installed Leaflet distribution."""

    version: str
    js: Path
    css: Path
    images: Path  # folder of the PNGs the CSS refers to (layers control, default marker)


@dataclass(frozen=True)
class AssetUrls:
    """What a folium map should load, in folium's ``default_js``/``default_css`` shape."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=1)
def leaflet_files() -> LeafletFiles:
    """Locate Leaflet in the installed ``XStatic-Leaflet`` package.

    Raises ``GeoError("assets_missing")`` with the pip line when it is not installed.
    """
    try:
        import xstatic.pkg.leaflet as xs
    except ImportError:
        raise GeoError("assets_missing", package=PACKAGE) from None
    base = Path(xs.BASE_DIR)
    files = LeafletFiles(version=str(xs.VERSION), js=base / "leaflet.js", css=base / "leaflet.css", images=base / "images")
    if not (files.js.is_file() and files.css.is_file()):
        raise GeoError("assets_missing", package=PACKAGE)
    return files


def _vendor_folder() -> str:
    return f"leaflet-{leaflet_files().version}"


def static_urls(url_prefix: str = settings.STATIC_URL_PREFIX) -> AssetUrls:
    """URLs of the copies made by :func:`install_static`, as Streamlit serves them."""
    base = f"{url_prefix.rstrip('/')}/{settings.STATIC_VENDOR_SUBDIR}/{_vendor_folder()}"
    return AssetUrls(js=((JS_NAME, f"{base}/leaflet.js"),), css=((CSS_NAME, f"{base}/leaflet.css"),))


def install_static(
    static_dir: str | Path = settings.STATIC_DIR, *, url_prefix: str = settings.STATIC_URL_PREFIX
) -> AssetUrls:
    """Copy Leaflet into ``<static_dir>/vendor/leaflet-<version>/`` and return its URLs.

    Idempotent and cheap on the second call (files already equal are not
    rewritten). Call it once when the app starts, before the first map.
    """
    files = leaflet_files()
    dest = Path(static_dir) / settings.STATIC_VENDOR_SUBDIR / _vendor_folder()
    (dest / "images").mkdir(parents=True, exist_ok=True)
    pairs = [(files.js, dest / "leaflet.js"), (files.css, dest / "leaflet.css")]
    pairs += [(p, dest / "images" / p.name) for p in sorted(files.images.glob("*.png"))]
    for src, dst in pairs:
        if not dst.is_file() or dst.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, dst)
    return static_urls(url_prefix)


@functools.lru_cache(maxsize=1)
def inline_js() -> str:
    """leaflet.js, ready to sit inside ``<script>``."""
    text = leaflet_files().js.read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")


@functools.lru_cache(maxsize=1)
def inline_css() -> str:
    """leaflet.css with its ``url(images/…png)`` turned into ``data:`` URIs."""
    files = leaflet_files()

    def _data_uri(match: re.Match) -> str:
        path = files.images / match.group(1)
        if not path.is_file():
            return match.group(0)
        return "url(data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii") + ")"

    css = files.css.read_text(encoding="utf-8")
    return re.sub(r"url\(\s*['\"]?images/([\w@.-]+\.png)['\"]?\s*\)", _data_uri, css).replace("</style", "<\\/style")
