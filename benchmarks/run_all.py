"""Run every benchmarks/bench_*.py in its own process and show what each one printed.

    python benchmarks/run_all.py                 every benchmark
    python benchmarks/run_all.py startup search  only bench_startup.py and bench_search.py

Each benchmark prints its own lines and ends with one summary line; they are
repeated together at the end. Slow numbers are reported, never failed on: the
exit status is non-zero only when a benchmark crashes (non-zero exit) or hangs
past --timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass
class Outcome:
    name: str
    seconds: float
    returncode: int | None  # None: killed after the timeout
    summary: str

    @property
    def crashed(self) -> bool:
        return self.returncode != 0


def discover(only: list[str]) -> list[Path]:
    scripts = sorted(HERE.glob("bench_*.py"))
    if not only:
        return scripts
    wanted = {name.removeprefix("bench_").removesuffix(".py") for name in only}
    chosen = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    missing = wanted - {s.stem.removeprefix("bench_") for s in chosen}
    if missing:
        known = ", ".join(s.stem.removeprefix("bench_") for s in scripts) or "none"
        raise SystemExit(f"run_all: no benchmark called {', '.join(sorted(missing))} ({known})")
    return chosen


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    # Benchmarks must never open a real window or depend on a display.
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Run the checkout's code even when the package is not installed in editable mode.
    src = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _kill_group(process: subprocess.Popen[str]) -> None:
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()


def run_one(script: Path, timeout: float) -> Outcome:
    name = script.stem.removeprefix("bench_")
    print(f"=== {name} ({script.relative_to(ROOT)})", flush=True)
    started = time.perf_counter()
    last = ""
    with subprocess.Popen(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=child_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,  # so a hung benchmark's own child processes die with it
    ) as process:
        # A hung benchmark may print nothing at all, so a timer kills it.
        hung = threading.Event()

        def kill() -> None:
            hung.set()
            _kill_group(process)

        watchdog = threading.Timer(timeout, kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                print(line, end="", flush=True)
                if line.strip():
                    last = line.strip()
            returncode: int | None = process.wait()
        except KeyboardInterrupt:
            _kill_group(process)
            raise
        finally:
            watchdog.cancel()
    if hung.is_set():
        returncode = None
        last = f"killed after {timeout:.0f} s"
    seconds = time.perf_counter() - started
    if returncode is None or returncode != 0:
        status = "timed out" if returncode is None else f"exit {returncode}"
        print(f"=== {name}: CRASHED ({status}) after {seconds:.1f} s", flush=True)
    return Outcome(name, seconds, returncode, last)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=1800,
        help="seconds before a benchmark counts as hung (default 1800)",
    )
    args = parser.parse_args(argv)
    scripts = discover(args.names)
    if not scripts:
        print("run_all: no benchmarks/bench_*.py found")
        return 0
    outcomes = [run_one(script, args.timeout) for script in scripts]
    print("\n=== summary")
    for outcome in outcomes:
        mark = "CRASHED" if outcome.crashed else "ok"
        print(f"{outcome.name:<12} {mark:<8} {outcome.seconds:7.1f} s  {outcome.summary}")
    crashed = [o.name for o in outcomes if o.crashed]
    if crashed:
        print(f"run_all: {len(crashed)} benchmark(s) crashed: {', '.join(crashed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
