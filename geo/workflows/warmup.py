"""The national layers' web geometry, prepared in the background once per server process.

A national layer's web geometry (:func:`geo.render.webmap.web_geometry`) takes seconds to prepare the first time on
a machine (about 2 s for the 10,035 communes on an idle core, more on a busy one), and the default boundaries it
starts from take 10-20 s to tessellate in a fresh clone. Both are kept on disk afterwards, but a planner who chooses
"Toàn quốc" for the first time should not wait for them. :func:`warm_national` starts one daemon thread, once per
process, that reads (or builds) the default boundaries of each national layer and prepares their web geometry under
the key the Map page uses (:func:`national_geometry_key`): the result is in the process's shared, read-only caches
(and on disk) before anyone asks. A session that asks for a layer the thread is preparing waits for it instead of
preparing it twice (``web_geometry``'s cache is shared by every thread). The thread keeps the normal priority: a
lowered one would hold the interpreter's lock while waiting for the CPU and stall the sessions (priority inversion).
It holds about 100 MB (the five layers' boundaries and geometry), which the Map page would hold anyway once shown.

Turned off by the environment variable ``GEO_WARMUP=0`` (the browser tests do, except the national one).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from geo import settings

__all__ = ["WarmReport", "national_geometry_key", "warm_national", "warmup_enabled"]

logger = logging.getLogger(__name__)

_LOCK = threading.Lock()
_STARTED: WarmReport | None = None


@dataclass
class WarmReport:
    """What the warm-up did, filled in as it goes (read it after ``thread.join()``).

    Attributes
    ----------
    thread
        The daemon thread (None when run in the caller's thread).
    seconds
        ``{(vintage, level): seconds}`` for each layer done.
    failed
        ``{(vintage, level): error text}`` for a layer that could not be prepared (the page prepares it
        itself when chosen).
    """

    thread: threading.Thread | None = None
    seconds: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)


def national_geometry_key(level: str, vintage: str) -> tuple:
    """Key of a national layer's prepared geometry, the same for the Map page and the warm-up."""
    return (settings.NATIONAL_AREA, level, vintage, "default")


def warmup_enabled() -> bool:
    """False when the environment variable ``GEO_WARMUP`` is ``0``, ``false`` or ``no``."""
    return os.environ.get("GEO_WARMUP", "1").strip().lower() not in ("0", "false", "no", "off")


def _default_loader(level: str, vintage: str):
    from geo.units.tessellation import default_boundaries

    return default_boundaries(province=None, level=level, vintage=vintage)


def _run(report: WarmReport, load: Callable, layers: Sequence[tuple[str, str]]) -> None:
    from geo.render.webmap import web_geometry

    for vintage, level in layers:
        t0 = time.perf_counter()
        try:
            gdf = load(level, vintage)
            web_geometry(gdf, key=national_geometry_key(level, vintage), persist=True)
        except Exception as exc:  # never fatal: the page prepares the layer itself when it is chosen
            report.failed[(vintage, level)] = f"{type(exc).__name__}: {exc}"
            logger.warning("national warm-up of %s %s failed: %s", vintage, level, exc)
            continue
        report.seconds[(vintage, level)] = time.perf_counter() - t0


def warm_national(
    load: Callable | None = None,
    *,
    layers: Sequence[tuple[str, str]] = settings.WARMUP_NATIONAL_LAYERS,
    background: bool = True,
    once: bool = True,
) -> WarmReport | None:
    """Prepare the national layers' web geometry, in a background thread, once per process.

    Parameters
    ----------
    load
        ``load(level, vintage)`` -> the default boundaries of the whole country (the app passes its per-process
        cached reader, so the layer read here is the one the page uses); default
        :func:`geo.units.tessellation.default_boundaries`.
    layers
        ``(vintage, level)`` pairs, in order (default ``settings.WARMUP_NATIONAL_LAYERS``: the quick ones first).
    background
        Run in a daemon thread and return at once; False: run here (tests, the CLI).
    once
        Only the first call in the process does anything (later calls return the first report).

    Returns
    -------
    WarmReport or None
        None when turned off by ``GEO_WARMUP=0``.
    """
    global _STARTED
    if not warmup_enabled():
        return None
    with _LOCK:
        if once and _STARTED is not None:
            return _STARTED
        report = WarmReport()
        if once:
            _STARTED = report
    load = load or _default_loader
    if not background:
        _run(report, load, layers)
        return report
    report.thread = threading.Thread(target=_run, args=(report, load, tuple(layers)), name="geo-national-warmup",
                                     daemon=True)
    report.thread.start()
    return report
