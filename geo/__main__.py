"""Entry point for ``python -m geo``."""

import atexit
import gc
import os
import sys
import threading

# Cyclic garbage collector thresholds for a command's process (CPython's default: 700, 10, 10).
GC_THRESHOLDS = (200_000, 30, 30)


def tune_gc() -> None:
    """Run the cyclic garbage collector far less often, for the rest of this process.

    A command is one short process that creates objects by the million and frees them by reference counting,
    cycles aside. With the default thresholds the collector ran about 400 times in an A4 annex PDF and took
    0.2 s of its 2.5 s, most of it walking the objects of the modules just imported; with these it runs once
    (0.07 s), for 6 MB more memory at the peak. mypy's command line makes the same choice for the same reason.
    Called before the imports, which are most of what it saves.
    """
    gc.set_threshold(*GC_THRESHOLDS)


def can_end_now(code) -> bool:
    """Whether :func:`finish` may skip the teardown: ``code`` is an exit status and no other thread works."""
    others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    return isinstance(code, int) and not isinstance(code, bool) and not others


def finish(code) -> None:
    """End the process with exit status ``code``, without tearing the interpreter down when that is safe.

    After a command, the interpreter's own teardown (unloading about 1,200 modules, a last full collection,
    freeing every object one by one) took 0.2-0.35 s of an A4 annex PDF's 2.5 s, and the command's outputs
    are written and closed by then. So when the command returned a status and no other thread works (daemon
    threads aside: the interpreter does not wait for them either), the exit handlers are run (logging's
    flush, openpyxl's and matplotlib's clean-ups), standard output and error are flushed, and the process
    ends there. Otherwise (another thread still working, no status) the exit is the ordinary one, which waits
    for those threads.
    """
    if can_end_now(code):
        atexit._run_exitfuncs()  # what the interpreter runs at exit (undocumented, present since Python 3.0)
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said on it
                pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    tune_gc()
    from geo.cli import main

    finish(main())
