"""``python -m geo``: the entry point's process settings."""

from __future__ import annotations

import gc
import os
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


def _run(code: str) -> subprocess.CompletedProcess:
    # Output buffered as a planner's shell has it (this machine sets PYTHONUNBUFFERED), so a missing flush shows.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_finish_runs_the_exit_handlers_and_flushes_before_ending(tmp_path):
    mark = tmp_path / "handler_ran.txt"
    proc = _run(
        "import atexit, sys; from geo.__main__ import finish\n"
        f"atexit.register(lambda: open({str(mark)!r}, 'w', encoding='utf-8').write('đã chạy'))\n"
        "sys.stdout.write('Đã ghi tệp')\n"  # no newline: still in the buffer when finish is called
        "sys.stderr.write('cảnh báo')\n"
        "class Held:\n"
        "    def __del__(self): sys.stderr.write(' teardown')\n"
        "held = Held()\n"  # freed only by the interpreter's teardown, which is skipped
        "finish(3)\n"
        "print('never printed')\n"
    )
    assert proc.returncode == 3
    assert proc.stdout == "Đã ghi tệp"
    assert proc.stderr == "cảnh báo"
    assert mark.read_text(encoding="utf-8") == "đã chạy"


def test_finish_waits_for_a_working_thread(tmp_path):
    """Another (non-daemon) thread still writing: the ordinary exit, which lets it finish."""
    out = tmp_path / "late.txt"
    proc = _run(
        "import threading, time; from geo.__main__ import finish\n"
        "def work():\n"
        "    time.sleep(0.5)\n"
        f"    open({str(out)!r}, 'w', encoding='utf-8').write('xong')\n"
        "threading.Thread(target=work).start()\n"
        "class Held:\n"
        "    def __del__(self): print('teardown')\n"
        "held = Held()\n"
        "finish(0)\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == "xong"
    assert proc.stdout == "teardown\n"  # the ordinary exit tore the interpreter down


def test_finish_with_a_daemon_thread_does_not_wait_for_it(tmp_path):
    out = tmp_path / "never.txt"
    proc = _run(
        "import threading, time; from geo.__main__ import finish\n"
        "def work():\n"
        "    time.sleep(30)\n"
        f"    open({str(out)!r}, 'w').write('x')\n"
        "threading.Thread(target=work, daemon=True).start()\n"
        "class Held:\n"
        "    def __del__(self): print('teardown')\n"
        "held = Held()\n"
        "finish(4)\n"
    )
    assert proc.returncode == 4
    assert not out.exists()
    assert proc.stdout == ""  # the quick exit: no teardown


def test_finish_without_a_status_exits_the_ordinary_way():
    proc = _run("from geo.__main__ import finish\nfinish('lỗi: không đọc được')\n")
    assert proc.returncode == 1
    assert proc.stderr.strip() == "lỗi: không đọc được"  # sys.exit prints a message status


def test_can_end_now_only_with_a_status_and_no_other_working_thread():
    import threading

    from geo.__main__ import can_end_now

    assert can_end_now(0) is True
    assert can_end_now(2) is True
    assert can_end_now(True) is False  # not an exit status
    assert can_end_now(None) is False
    assert can_end_now("lỗi") is False
    stop = threading.Event()
    daemon = threading.Thread(target=stop.wait, daemon=True)
    daemon.start()
    try:
        assert can_end_now(0) is True  # the interpreter does not wait for daemon threads either
        worker = threading.Thread(target=stop.wait)
        worker.start()
        try:
            assert can_end_now(0) is False
        finally:
            stop.set()
            worker.join()
    finally:
        stop.set()
        daemon.join()
    assert can_end_now(0) is True


def test_a_command_ends_through_finish(tmp_path):
    """``python -m geo`` hands the command's status to :func:`finish`: the message is out, no teardown ran."""
    missing = tmp_path / "khong_co.csv"
    proc = _run(
        "import runpy, sys\n"
        "class Held:\n"
        "    def __del__(self): print('teardown')\n"
        "held = Held()\n"  # a global of the probe: freed by the interpreter's teardown only
        f"sys.argv = ['geo', 'join', '--indicators', {str(missing)!r}, '--boundaries', 'default',"
        f" '--out', {str(tmp_path / 'x.geojson')!r}, '--report', {str(tmp_path / 'r.json')!r}]\n"
        "runpy.run_module('geo', run_name='__main__', alter_sys=True)\n"
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"Không tìm thấy tệp '{missing}'."
    assert proc.stdout == ""
    assert not (tmp_path / "x.geojson").exists()
