"""How long `syncer sync` takes to start on the bundled example, and what it loads to do it.

Runs each command several times in a fresh interpreter and prints the best wall time: plain
`python -c pass` (the floor), importing the pure core, and `syncer sync` of the bundled example
doc into a `file:` archive that already holds it (no network, no HTTP client needed; the
scheduled job's usual run). Then it lists which heavy libraries the last two loaded.

    python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "requests",
    "atlassian",
    "googleapiclient",
    "google.auth",
    "bs4",
    "markdownify",
    "tenacity",
)
CORE = "import syncer.parse, syncer.render, syncer.merge"
REPORT = "import sys; print(' '.join(m for m in {heavy!r} if m in sys.modules))"


def best(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return min(times)


def sync_command(folder: Path, code: str = "") -> list[str]:
    config = folder / "sync.toml"
    config.write_text(
        f'[source]\nfile = "{ROOT / "examples" / "arch-hours-notes.json"}"\n'
        f'[target]\nurl = "file:{folder / "archive"}"\nspace = "ARCH"\n'
        'title = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    run = "import sys; from syncer.cli import main; code = main(sys.argv[1:]);"
    return [sys.executable, "-c", run + code, "sync", "--config", str(config)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    report = REPORT.format(heavy=HEAVY)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run(sync_command(folder), check=True, capture_output=True, cwd=ROOT)
        floor = best([sys.executable, "-c", "pass"], runs)
        core = best([sys.executable, "-c", CORE], runs)
        sync = best(sync_command(folder), runs)
        core_loads = subprocess.run(
            [sys.executable, "-c", f"{CORE}; {report}"], capture_output=True, text=True, cwd=ROOT
        ).stdout.split()
        sync_loads = subprocess.run(
            sync_command(folder, report), capture_output=True, text=True, cwd=ROOT
        ).stdout.split()[-len(HEAVY) :]
    line("python -c pass", floor, None)
    line("import the core", core, core_loads)
    line("syncer sync (file:)", sync, [m for m in sync_loads if m in HEAVY])


def line(what: str, seconds: float, loads: list[str] | None) -> None:
    loaded = "" if loads is None else f"  loads: {' '.join(loads) or 'none of them'}"
    print(f"{what + ':':<24} {seconds * 1000:6.0f} ms{loaded}")


if __name__ == "__main__":
    main()
