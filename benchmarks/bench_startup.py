"""CPU time of the light commands: `multivector --help`, `kb members`, `kb show` (target: at most 0.3 s each).

Each command runs as a fresh process, several times; the figure is the median of user + system CPU
seconds (wall time is inflated when other work shares the cores), with the peak memory and the heavy
libraries the process imported (none of pandas, DuckDB, Plotly, NumPy is needed to answer these).
The case's snapshot is written once first (`kb.quick`), as any earlier run would have.

    python benchmarks/bench_startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

COMMANDS = [["--help"], ["kb", "members", "CSTO", "--year", "2010"], ["kb", "show", "cl_bal_aware_of_org_limits"],
            ["kb", "show", "CSTO", "--format", "json"]]
TARGET = 0.3
#: The installed console script, as a user runs it (else the same entry point through the interpreter).
_SCRIPT = Path(sys.executable).with_name("multivector")
ENTRY = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-c", "import sys; sys.argv[0] = 'multivector'; "
                                                   "from multivector.cli import main; main()"]
HEAVY = ("pandas", "duckdb", "plotly", "numpy", "pyarrow", "scipy")
PROBE = ("import runpy, sys, atexit\n"
         "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join(m for m in {heavy!r} if m in sys.modules)"
         " + '\\n'))\n"
         "sys.argv = ['multivector', *sys.argv[1:]]\n"
         "from multivector.cli import main\nmain()\n")


def run_once(args: list[str], env: dict) -> tuple[float, int]:
    """(user + system CPU seconds, peak RSS in KiB) of one run of `multivector ARGS`."""
    proc = subprocess.Popen([*ENTRY, *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"multivector {' '.join(args)} failed")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def imported(args: list[str], env: dict) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], env=env, capture_output=True,
                         text=True, check=True)
    line = next(ln for ln in out.stderr.splitlines() if ln.startswith("MODULES"))
    return line.split()[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    env = dict(os.environ, COLUMNS="80", MULTIVECTOR_NO_PAGER="1")
    env.setdefault("MULTIVECTOR_CACHE_DIR", tempfile.mkdtemp(prefix="mv-bench-cache-"))
    run_once(["kb", "members", "CSTO", "--year", "2010"], env)   # compiles the case and writes the snapshot
    print(f"{'command':45s} {'CPU s (median)':>15s} {'min':>6s} {'max':>6s} {'peak MiB':>9s}  heavy imports")
    worst = 0.0
    for args in COMMANDS:
        runs = [run_once(args, env) for _ in range(repeat)]
        cpu = [c for c, _ in runs]
        med = statistics.median(cpu)
        worst = max(worst, med)
        print(f"{'multivector ' + ' '.join(args):45s} {med:15.3f} {min(cpu):6.3f} {max(cpu):6.3f} "
              f"{max(m for _, m in runs) / 1024:9.0f}  {', '.join(imported(args, env)) or 'none'}")
    print(f"target: at most {TARGET} s of CPU each — {'met' if worst <= TARGET else 'NOT met'} "
          f"(worst median {worst:.3f} s, {repeat} runs each, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
