"""How many HTTP requests and page writes each `syncer sync` costs, on Cloud and Data Center.

Runs the real CLI against the fake Google and Confluence of the end-to-end tests (real HTTP on
127.0.0.1, no network), six syncs in a row per setup: the first, one with nothing new, one
after a new meeting in the doc, nothing new again, one after a person edits an old section
on the page, and nothing new once more. A sync with nothing new should read little and write
nothing; the one after a person's edit writes no page either (with an index, it rebuilds the
index, which a tick may change, and records on the page's sync state that it did, so the
sync after it reads no more than before): the script exits with an error when one does.

    python bench/requests_per_sync.py
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the repository, where `syncer` and `tests` live
sys.path.insert(0, str(ROOT))  # the fakes are test code, outside the installed package

from syncer import cli  # noqa: E402
from tests.e2e.live import DOC_ID, EXAMPLE, HOME, TITLE  # noqa: E402
from tests.fakes.confluence import FakeConfluence, StoredPage  # noqa: E402
from tests.fakes.google import FakeGoogle  # noqa: E402

INDEX = "Arch Hours: topic index"
NAVIGATION = f'labels = ["arch-hours"]\n[index]\ntitle = "{INDEX}"\n'
NEW_DATE = "2023-12-27"
WRITES = ("PUT", "POST", "DELETE")
HEADER = ("scenario", "google", "conf GET", "conf write", "total", "page v", "index v")
QUIET = "nothing new"  # the runs that must write nothing at all
EDITED = "old section edited on the page"  # the run that may record sync state, not edit a page


@dataclass(frozen=True)
class Setup:
    """A deployment and what its config adds to the basic one."""

    name: str
    deployment: str
    extra: str = ""  # TOML lines after [target]'s, which may open more tables
    page_id: bool = False  # sync into an existing page named by id, not found by title


SETUPS = (
    Setup("cloud", "cloud"),
    Setup("cloud, labels + index", "cloud", NAVIGATION),
    Setup("cloud, page_id", "cloud", page_id=True),
    Setup("datacenter", "datacenter"),
    Setup("datacenter, labels + index", "datacenter", NAVIGATION),
)


@dataclass(frozen=True)
class Row:
    scenario: str
    google: str  # "token+API" requests
    gets: int
    writes: int  # PUT, POST and DELETE
    edits: int  # those writes that are not of a content property (the sync state)
    total: int  # http_requests of the run's summary line
    page_version: str
    index_version: str
    meetings: str  # the decisions the summary counted, e.g. "1 added, 4 unchanged"


def with_new_meeting(doc: dict[str, Any]) -> dict[str, Any]:
    """The doc with one more meeting above the newest: its heading and first topic copied and
    reworded (the parser reads text and styles, not the indexes)."""
    doc = copy.deepcopy(doc)
    content = doc["tabs"][0]["documentTab"]["body"]["content"]
    first = next(n for n, element in enumerate(content) if _is_heading(element))
    heading, topic = copy.deepcopy(content[first : first + 2])
    heading["paragraph"]["elements"][0]["textRun"]["content"] = f"{NEW_DATE}\n"
    topic["paragraph"]["elements"] = [{"textRun": {"content": "(Ned) Benchmarks\n"}}]
    content[first:first] = [heading, topic]
    return doc


def _is_heading(element: dict[str, Any]) -> bool:
    style = element.get("paragraph", {}).get("paragraphStyle", {})
    return str(style.get("namedStyleType", "")).startswith("HEADING")


def _version(page: StoredPage | None) -> str:
    return "-" if page is None else str(page.version)


class Bench:
    """One setup: fresh fake servers with the example doc and space, a config for them, and a
    `syncer sync` that counts what it sent."""

    def __init__(
        self, setup: Setup, google: FakeGoogle, confluence: FakeConfluence, folder: Path
    ) -> None:
        self.google, self.confluence = google, confluence
        google.add_document(copy.deepcopy(EXAMPLE))
        confluence.add_space("ARCH", "2000", HOME)
        title, extra = "Arch Hours: {year}", setup.extra
        self.page_id: str | None = None
        if setup.page_id:  # one named page, so its title has no {year}
            title = "Arch Hours"
            self.page_id = confluence.add_page("ARCH", title, "<p>Our archive.</p>", HOME)
            extra = f"page_id = {self.page_id}\n{extra}"
        self.config = folder / "sync.toml"
        self.config.write_text(
            f'[source]\ndocument = "https://docs.google.com/document/d/{DOC_ID}/edit"\n'
            f'credentials = "{google.service_account_file(folder)}"\n'
            f'api_endpoint = "{google.url}"\n'
            f'[target]\nurl = "{confluence.url}"\ndeployment = "{setup.deployment}"\n'
            f'space = "ARCH"\ntitle = "{title}"\n{extra}',
            encoding="utf-8",
        )

    def page(self) -> StoredPage | None:
        if self.page_id:
            return self.confluence.pages[self.page_id]
        return self.confluence.find_page("ARCH", TITLE)

    def sync(self, scenario: str) -> Row:
        """One run from empty request logs; its summary is the last JSON line on stderr."""
        self.google.requests.clear()
        self.confluence.reset_log()
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            args = ["sync", "--config", str(self.config), "--log-format", "json"]
            code = cli.main(args, stdout=io.StringIO())
        if code != 0:
            sys.exit(f"{scenario}: syncer sync exited with {code}\n{stderr.getvalue()}")
        summary = json.loads(stderr.getvalue().splitlines()[-1])
        tokens = sum(path == "/token" for _method, path, _query in self.google.requests)
        methods = [method for method, _path, _query in self.confluence.requests]
        sent = [(m, path) for m, path, _query in self.confluence.requests if m in WRITES]
        meetings = summary["meetings"].items()
        return Row(
            scenario,
            f"{tokens}+{len(self.google.requests) - tokens}",
            methods.count("GET"),
            len(sent),
            sum("/propert" not in path for _m, path in sent),
            summary["http_requests"],
            _version(self.page()),
            _version(self.confluence.find_page("ARCH", INDEX)),
            ", ".join(f"{count} {status}" for status, count in meetings if count),
        )

    def add_meeting(self) -> None:
        """The doc gains a meeting; the fake mints a new revision ID, as Google does."""
        self.google.edit(DOC_ID, with_new_meeting(EXAMPLE))

    def edit_old_section(self) -> None:
        """A person rewords a line of the 2023-12-06 meeting in the Confluence editor."""
        page = self.page()
        old = "Expertise about how to use Dependabot"
        assert page is not None and old in page.body, "the example doc changed: pick a line"
        self.confluence.edit_page(page.id, page.body.replace(old, "Dependabot know-how"))

    def scenarios(self) -> list[tuple[str, Callable[[], None]]]:
        """What happens before each sync, in order; all of them run on the same servers."""
        first = "first sync (page filled)" if self.page_id else "first sync (page created)"
        return [
            (first, lambda: None),
            (QUIET, lambda: None),
            (f"new meeting {NEW_DATE} in the doc", self.add_meeting),
            (QUIET, lambda: None),
            (EDITED, self.edit_old_section),
            (QUIET, lambda: None),
        ]


@contextlib.contextmanager
def credentials(confluence: FakeConfluence) -> Iterator[None]:
    """The fake's credentials in the environment, where the CLI looks for them; whatever the
    caller had there is put back afterwards."""
    names = ("CONFLUENCE_USERNAME", "CONFLUENCE_API_TOKEN", "CONFLUENCE_TOKEN")
    saved = {name: os.environ.pop(name, None) for name in names}
    if confluence.deployment == "cloud":
        os.environ["CONFLUENCE_USERNAME"] = confluence.username
        os.environ["CONFLUENCE_API_TOKEN"] = confluence.api_token
    else:
        os.environ["CONFLUENCE_TOKEN"] = confluence.pat
    try:
        yield
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


def run(setup: Setup, folder: Path) -> list[Row]:
    with FakeGoogle() as google, FakeConfluence(setup.deployment) as confluence:
        bench = Bench(setup, google, confluence, folder)
        with credentials(confluence):
            rows = []
            for scenario, change in bench.scenarios():
                change()
                rows.append(bench.sync(scenario))
    return rows


def table(results: dict[str, list[Row]]) -> list[str]:
    """Aligned columns: the scenario and the meetings left-aligned, the numbers right."""
    lines: list[tuple[object, ...]] = [(*HEADER, "meetings")]
    for name, rows in results.items():
        lines.append((f"[{name}]", *[""] * len(HEADER)))
        for r in rows:
            numbers = (r.google, r.gets, r.writes, r.total, r.page_version, r.index_version)
            lines.append((r.scenario, *numbers, r.meetings))
    widths = [max(len(str(line[n])) for line in lines) for n in range(len(HEADER))]
    return [
        (
            f"{line[0]!s:<{widths[0]}}"
            + "".join(f"  {line[n]!s:>{widths[n]}}" for n in range(1, len(HEADER)))
            + f"  {line[-1]}"
        ).rstrip()
        for line in lines
    ]


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="requests-bench-") as name:
        results = {s.name: run(s, Path(tempfile.mkdtemp(dir=name))) for s in SETUPS}
    print("\n".join(table(results)))
    syncs = sum(len(rows) for rows in results.values())
    print(f"\n{syncs} syncs in {time.perf_counter() - started:.1f} s")
    noisy = [
        f"{name}: {r.scenario}"
        for name, rows in results.items()
        for r in rows
        if (r.scenario == QUIET and r.writes) or (r.scenario == EDITED and r.edits)
    ]
    if noisy:
        sys.exit(f"these syncs had nothing to publish but wrote: {'; '.join(noisy)}")


if __name__ == "__main__":
    main()
