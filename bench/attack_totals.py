"""The attack of issue 15, counted: how many cases each release gets wrong, by kind.

Replays every case of ``tests/attack`` against the release before the hardening (a commit,
default 7ea5dfd) and against this working tree, each case in a process of its own with a
time limit (a run past it is a hang) and a memory limit (so a zip bomb or /dev/zero ends in
MemoryError, not in swapping), two at a time.

    python bench/attack_totals.py [--before COMMIT] [--timeout SECONDS] [--list]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.attack.cases import CASES  # noqa: E402
from tests.attack.replay import KINDS  # noqa: E402

MEMORY = 2 * 1024**3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="7ea5dfd", help="the release to compare with")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a hang")
    parser.add_argument("--list", action="store_true", help="list every case that went wrong")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="attack-") as scratch:
        before = _checkout(args.before, Path(scratch) / "before")
        totals = {}
        for label, tree in ((f"before ({args.before})", before), ("after (this tree)", ROOT)):
            started = time.monotonic()
            results = _replay_all(tree, Path(scratch) / label.split()[0], args.timeout)
            totals[label] = (results, time.monotonic() - started)
    _report(totals, args.list)


def _checkout(commit: str, folder: Path) -> Path:
    """The ``syncer`` package as it was at ``commit``."""
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "syncer"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _replay_all(tree: Path, scratch: Path, timeout: float) -> list[dict]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(_replay, case.name, case.group, tree, scratch / str(n), timeout)
            for n, case in enumerate(CASES)
        ]
        return [job.result() for job in jobs]


def _replay(name: str, group: str, tree: Path, folder: Path, timeout: float) -> dict:
    folder.mkdir(parents=True)
    result = folder.parent / f"{folder.name}.json"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CONFLUENCE_", "GOOGLE_"))},
        "PYTHONPATH": f"{tree}{os.pathsep}{ROOT}",
        "ATTACK_RACE_WAIT": "3",
    }
    command = [sys.executable, "-m", "tests.attack.replay", name, str(folder), str(result)]
    try:
        subprocess.run(
            command,
            cwd=folder,
            env=env,
            timeout=timeout,
            capture_output=True,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {
            "name": name,
            "group": group,
            "expect": None,
            "problems": {"hang": [f"{timeout} s"]},
        }
    if not result.exists():  # the replay itself died (the product took the process down)
        problems = {"wrong exit code": ["the process died"], "unclear message": ["no message"]}
        return {"name": name, "group": group, "expect": None, "problems": problems}
    return json.loads(result.read_text())


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _report(totals: dict[str, tuple[list[dict], float]], listing: bool) -> None:
    groups = ", ".join(f"{group}: {count}" for group, count in sorted(_groups().items()))
    print(f"{len(CASES)} attack cases ({groups})")
    print()
    labels = list(totals)
    print(f"{'':<32}" + "".join(f"{label:>24}" for label in labels))
    meant = {r["name"] for rs, _ in totals.values() for r in rs if r.get("expect") not in (0, None)}

    def clear_errors(results: list[dict]) -> str:
        clear = sum(1 for r in results if r["name"] in meant and not r["problems"])
        return f"{clear} of {len(meant)}"

    rows = [("cases passed", lambda rs: sum(1 for r in rs if not r["problems"]))]
    rows.append(("clear errors", clear_errors))
    rows += [(kind, _counting(kind)) for kind in KINDS]
    for title, count in rows:
        print(f"{title:<32}" + "".join(f"{count(totals[label][0]):>24}" for label in labels))
    print(f"{'seconds':<32}" + "".join(f"{totals[label][1]:>24.1f}" for label in labels))
    if listing:
        for label in labels:
            print(f"\n{label}:")
            for result in totals[label][0]:
                if result["problems"]:
                    print(f"  [{result['group']}] {result['name']}: {result['problems']}")


def _groups() -> Counter[str]:
    return Counter(case.group for case in CASES)


def _counting(kind: str) -> Callable[[list[dict]], int]:
    return lambda results: sum(1 for r in results if kind in r["problems"])


if __name__ == "__main__":
    main()
