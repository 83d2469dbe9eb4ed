"""``python -m geo``: the entry point's process settings."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs ``python -m geo --help`` in-process through runpy and prints the collector's thresholds at exit.
_PROBE = ("import atexit, gc, runpy, sys; atexit.register(lambda: print('thresholds', gc.get_threshold()));"
          " sys.argv = ['geo', '--help']; runpy.run_module('geo', run_name='__main__', alter_sys=True)")


def test_a_command_runs_the_garbage_collector_less_often():
    proc = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "thresholds (200000, 30, 30)" in proc.stdout
    assert "annex" in proc.stdout  # the command line itself ran: its help lists the commands


def test_importing_the_entry_point_changes_nothing():
    before = gc.get_threshold()
    import geo.__main__ as entry

    assert gc.get_threshold() == before  # only ``python -m geo`` tunes the collector, not an import
    assert entry.GC_THRESHOLDS == (200_000, 30, 30)
    try:
        entry.tune_gc()
        assert gc.get_threshold() == (200_000, 30, 30)
    finally:
        gc.set_threshold(*before)
