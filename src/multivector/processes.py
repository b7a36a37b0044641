"""Worker processes that end with the process that started them, whatever way it ends.

A worker pool's processes outlive a parent killed with SIGKILL: nothing tells
them. Every worker (the web app's pool and its Manager, a sweep's process pool,
a Dask local cluster's workers) calls :func:`die_with_parent` first:

- on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` makes the kernel kill it when
  the thread that started it ends. That is a thread, not the process, so only
  processes started by a thread that lives as long as its pool may use it (the
  main thread, or the web app's one pool-owner thread);
- everywhere, a daemon thread checks every half second whether the parent is
  still the one it started with (a reparented process has lost it) and ends the
  worker if not: the fallback, and the only guard where the starting thread is
  short-lived (Dask's).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

#: PR_SET_PDEATHSIG of <linux/prctl.h>.
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None, pdeathsig: bool = True, interval: float = 0.5) -> bool:
    """Make this process end when its parent does; True when the kernel's death signal was set.

    parent: the pid the parent gave (os.getpid() there), so a parent that died before this runs is noticed;
    pdeathsig: also ask the kernel (Linux) for SIGKILL when the starting thread ends (only for processes started
    by a long-lived thread, see the module's docstring).
    """
    parent = os.getppid() if parent is None else int(parent)
    armed = False
    if pdeathsig and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):   # no prctl: the watch below still works
            armed = False
    if os.getppid() != parent:   # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, interval), daemon=True, name="multivector-parent-watch").start()
    return armed


def _watch(parent: int, interval: float) -> None:
    while True:
        time.sleep(interval)
        if os.getppid() != parent:
            os._exit(1)   # no clean-up to run: results are written atomically, a half-written one is dropped


def end_on_signals() -> None:
    """Make SIGTERM and SIGHUP end the process as Ctrl+C does: through the `finally` blocks and exit handlers,
    so no staging folder is left (SIGKILL leaves it to the next start's recover()). Light: io_utils is
    consulted only if a command has loaded it (only a command that writes has staging folders)."""

    def ended(signum, _frame):
        io_utils = sys.modules.get("multivector.io_utils")
        if io_utils is not None:
            io_utils.remove_staging()
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, ended)
