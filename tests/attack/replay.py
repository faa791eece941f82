"""Run an attack case the way cron runs ``syncer`` and judge what happened.

In-process for the test suite; ``python -m tests.attack.replay CASE FOLDER RESULT`` runs one
case in a process of its own, for ``bench/attack_totals.py`` (which bounds its time and
memory, and can point ``PYTHONPATH`` at an older release).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.attack.cases import CASES, LIVE_MARKUP
from tests.attack.scenes import Case, Scene, archived

KINDS = (
    "wrong exit code",
    "unclear message",
    "hang",
    "words lost",
    "secret printed",
    "live markup",
    "file problem",
)
_CREDENTIALS = ("CONFLUENCE_", "GOOGLE_APPLICATION_CREDENTIALS")
_TAG = re.compile(r"<[^<>]*>")


@dataclass
class Result:
    """What a case did: its exit code (None: it never ended) and its problems by kind."""

    name: str
    group: str
    expect: int
    code: int | None
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def clear_error(self) -> bool:
        """A run that was meant to fail, and failed as it should: one clear line."""
        return self.expect != 0 and not self.problems


def replay(case: Case, folder: Path) -> Result:
    folder.mkdir(parents=True, exist_ok=True)
    with case.build(folder) as scene:
        code, out, err = run(scene, folder)
        return Result(
            case.name, case.group, scene.expect, code, judge(scene, folder, code, out, err)
        )


def run(scene: Scene, folder: Path) -> tuple[int, str, str]:
    """``syncer ARGV`` in this process, with the scene's environment and a 022 umask."""
    from syncer import cli, logs

    out, err = io.StringIO(), io.StringIO()
    with (
        _environment(scene.env),
        contextlib.chdir(folder),
        _umask(0o022),
        scene.hook(),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = cli.main(scene.argv, out)
        except SystemExit as error:  # argparse refusing a flag
            code = error.code if isinstance(error.code, int) else 2
        finally:
            _reset(logs)
    return code, out.getvalue(), err.getvalue()


def _reset(logs: object) -> None:
    """Undo the run's logging and forget its secrets, in this release or the one before the
    hardening (which ``bench/attack_totals.py`` replays too, and which had one call for both)."""
    reset = getattr(logs, "reset_logging", None)
    if reset is not None:
        reset()
        return
    from syncer import redact

    logs.close_active_logging()  # type: ignore[attr-defined]
    redact.forget_secrets()


def judge(scene: Scene, folder: Path, code: int | None, out: str, err: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(kind: str, detail: str) -> None:
        problems.setdefault(kind, []).append(detail)

    if code != scene.expect:
        add("wrong exit code", f"exit {code}, expected {scene.expect}")
    for detail in _message_problems(scene, out, err):
        add("unclear message", detail)
    pages = (scene.pages or archived(folder))()
    for word in scene.words:
        if word not in pages:
            add("words lost", word[:60])
    for tag in _TAG.findall(pages):
        if found := [mark for mark in LIVE_MARKUP if re.search(mark, tag, re.IGNORECASE)]:
            add("live markup", f"{tag[:60]} ({', '.join(found)})")
    for secret in scene.secrets:
        if secret and any(form in out + err for form in _forms(secret)):
            add("secret printed", secret[:12] + "…")
    for detail in scene.check() if scene.check else ():
        add("file problem", detail)
    if scene.expect == 2 and any((folder / "archive").glob("*.xhtml")):
        add("file problem", "a page was written although the configuration is wrong")
    return problems


def _message_problems(scene: Scene, out: str, err: str) -> Iterator[str]:
    errors = [entry.get("message", "") for entry in _entries(err) if entry.get("level") == "error"]
    shown = out + "\n" + "\n".join(str(entry.get("message", "")) for entry in _entries(err))
    if any("internal error" in message for message in errors):
        yield "internal error: " + next(m for m in errors if "internal error" in m)[:120]
    if scene.expect != 0 and len(errors) != 1:
        yield f"{len(errors)} error lines, not one"
    if scene.says and scene.says not in shown:
        yield f"does not say {scene.says[:60]!r}"


def _entries(err: str) -> list[dict[str, Any]]:
    """Each stderr line as a JSON log entry (a stray line becomes an error entry)."""
    entries = []
    for line in err.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            entry = {"level": "stray", "message": line}
        entries.append(entry if isinstance(entry, dict) else {"message": line})
    return entries


def _forms(secret: str) -> set[str]:
    return {secret, secret.strip(), json.dumps(secret)[1:-1], json.dumps(secret.strip())[1:-1]}


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith(_CREDENTIALS)]:
        del os.environ[name]
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def main() -> None:
    """One case in this process: ``python -m tests.attack.replay NAME FOLDER RESULT``."""
    name, folder, result = sys.argv[1:4]
    (chosen,) = [case for case in CASES if case.name == name]
    outcome = replay(chosen, Path(folder))
    Path(result).write_text(json.dumps(asdict(outcome)), encoding="utf-8")


if __name__ == "__main__":
    main()
