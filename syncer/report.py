"""The plan's views: a summary with a reason per meeting, diffs of the page read as
Markdown, three-way views of conflicts, a Markdown report for CI summaries, and JSON."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from syncer.errors import EXIT_OK
from syncer.parse import DateWarning
from syncer.plan import ConflictView, Outcomes, PagePlan, Plan, changed_pages, counts
from syncer.status import PageAction, Status
from syncer.stores.base import Page

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

NO_NAMES: Mapping[str, str] = {}


def summary_lines(plan: Plan, every: bool = True) -> Iterable[str]:
    """One line per page, then one per meeting saying what happens to it and why (with
    ``every`` False, only meetings that are written, kept from the doc, or upcoming)."""
    if not plan.pages:
        yield f"{plan.source}: no dated meetings found; nothing to write"
    for page in plan.pages:
        yield f"{page.title}: {page.action}{_how(plan, page)} ({counts(page)})"
        for decision in page.merge.decisions:
            if every or decision.status.listed:
                label = decision.status.label
                yield f"  {decision.date.isoformat()}  {label:<27}  {decision.reason}".rstrip()
        yield from (f"  nothing written: {reason}" for reason in page.merge.blocked)
        yield from (f"  note: {note}" for note in page.merge.notes)
    for note in plan.omitted:
        yield f"note: {note}"
    for warning in plan.warnings:
        yield f"warning: {warning.message()}"


def _how(plan: Plan, page: PagePlan) -> str:
    """How a page is written, where it is: an update as a minor edit that notifies nobody (a
    new page is news to the space's watchers whatever the run asks)."""
    return " as a minor edit" if _minor_update(plan.minor, page) else ""


def _minor_update(minor: bool, page: PagePlan) -> bool:
    return minor and page.action == PageAction.UPDATE


def conflict_lines(
    views: Iterable[ConflictView], colour: bool = False, names: Mapping[str, str] = NO_NAMES
) -> Iterable[str]:
    """Each conflict as two diffs from the version last synced: to the doc, and to the page."""
    for view in views:
        when = view.date.isoformat()
        yield f"conflict {when} on '{view.title}': changed in the doc and on the page"
        doc, page = storage_markdown(view.doc, names), storage_markdown(view.page, names)
        if view.base is None:
            sides = [("on the page now", page, "in the doc now", doc)]
        else:
            base = storage_markdown(view.base, names)
            synced = f"as last synced (version {view.base_version})"
            sides = [(synced, base, "in the doc now", doc), (synced, base, "on the page now", page)]
        for before_label, before, after_label, after in sides:
            yield from _diff(
                before, after, f"{when} {before_label}", f"{when} {after_label}", colour
            )


def saved_text(page: PagePlan, saved: Page | None) -> str:
    if saved is None:
        return "nothing written"
    if page.merge.changed:
        return f"saved version {saved.version}"
    return "sync state recorded; the page is unchanged"


def waiting_report(form: str, source: str, why: str) -> str:
    """What a sync that waits for the doc to settle prints, in the chosen format."""
    if form == "json":
        return json.dumps({"source": source, "dry_run": False, "waiting": why, "pages": []})
    line = f"{why}; publishing nothing now (--now publishes anyway)"
    return f"## notes-sync run\n\n{line}\n" if form == "markdown" else line


@dataclass(frozen=True)
class RunFacts:
    """What a finished run did, for the one line every run ends with."""

    command: str
    code: int
    plan: Plan | None
    written: Outcomes
    requests: int
    seconds: float

    @property
    def pages_written(self) -> int:
        return len(changed_pages(self.written))

    def line(self) -> str:
        """How it ended, pages written, meetings by status, HTTP requests and duration."""
        ended = "done" if self.code == EXIT_OK else f"exit {self.code}"
        pages = self.pages_written
        parts = [f"syncer {self.command}: {ended}", f"{pages} page{'s' * (pages != 1)} written"]
        if self.plan is not None:
            tally = [f"{self.plan.count(s)} {s}" for s in Status if self.plan.count(s)]
            parts.append("meetings: " + (", ".join(tally) or "none"))
        parts += [f"{self.requests} HTTP requests", f"{self.seconds:.1f} s"]
        return "; ".join(parts)

    def fields(self) -> dict[str, object]:
        """The same facts as fields of a JSON log entry, for log queries and alerts."""
        plan = self.plan
        return {
            "command": self.command,
            "exit_code": self.code,
            "pages_written": self.pages_written,
            "meetings": {s.value: plan.count(s) for s in Status} if plan is not None else {},
            "http_requests": self.requests,
            "seconds": round(self.seconds, 3),
        }


def markdown_report(
    plan: Plan, views: Iterable[ConflictView], *, dry_run: bool, written: Outcomes | None = None
) -> str:
    """The plan for a CI job summary or a PR comment: a table per page, then the diffs."""
    heading = "notes-sync preview (dry run: nothing written)" if dry_run else "notes-sync run"
    out = [f"## {heading}", "", f"Source: {_cell(plan.source)}", ""]
    if not plan.pages:
        out.append("No dated meetings found; nothing to write.")
    saved = {page.title: text for page, text in _saved_texts(written)}
    for page in plan.pages:
        result = f" ({saved[page.title]})" if page.title in saved else ""
        heading = f"### {_cell(page.title)}: {page.action}{_how(plan, page)}{result}"
        out += [heading, "", counts(page), ""]
        out += ["| Meeting | Decision | Why |", "|---|---|---|"]
        out += [
            f"| {d.date.isoformat()} | {d.status.label} | {_cell(d.reason)} |"
            for d in page.merge.decisions
        ]
        out.append("")
        out += [f"> nothing written: {_cell(reason)}" for reason in page.merge.blocked]
        out += [f"> note: {_cell(note)}" for note in page.merge.notes]
    out += _fenced("Changes", list(diff_lines(plan)))
    out += _fenced("Conflicts", list(conflict_lines(views, names=plan.names)))
    out += [f"> {note}" for note in plan.omitted]
    out += [f"> **warning:** {_cell(warning.message())}" for warning in plan.warnings]
    return "\n".join(out).rstrip() + "\n"


def _saved_texts(written: Outcomes | None) -> list[tuple[PagePlan, str]]:
    return [(page, saved_text(page, saved)) for page, saved in written or ()]


def _fenced(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    fence = "````" if any(line.startswith("```") for line in lines) else "```"
    return [
        f"<details><summary>{title}</summary>",
        "",
        f"{fence}diff",
        *lines,
        fence,
        "",
        "</details>",
        "",
    ]


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell or heading."""
    return text.replace("|", "\\|").replace("\n", " ")


def diff_lines(plan: Plan, colour: bool = False) -> Iterable[str]:
    """A unified diff, per page that would change, of the page read as Markdown."""
    for page in plan.pages:
        if page.action not in (PageAction.CREATE, PageAction.UPDATE):
            continue
        before = storage_markdown(page.current.body, plan.names) if page.current else ""
        after = storage_markdown(page.merge.body, plan.names)
        label = f"{page.title} (version {page.current.version})" if page.current else "/dev/null"
        yield from _diff(before, after, label, f"{page.title} (after sync)", colour)


def _diff(before: str, after: str, from_label: str, to_label: str, colour: bool) -> Iterable[str]:
    """A unified diff with two lines of context, coloured for a terminal when asked."""
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), from_label, to_label, n=2, lineterm=""
    )
    return (_colour(line) if colour else line for line in lines)


def plan_json(
    plan: Plan, views: Iterable[ConflictView] = (), written: Outcomes | None = None
) -> str:
    """The plan for scripts: pages, actions, per-meeting decisions and reasons, conflicts in
    three versions (as Markdown), what was saved (absent in a dry run), notes."""
    saved = {page.title: page_saved for page, page_saved in written or ()}
    return json.dumps(
        {
            "source": plan.source,
            "dry_run": written is None,
            "pages": [_page_json(page, saved, plan.minor) for page in plan.pages],
            "conflicts": [_conflict_json(view, plan.names) for view in views],
            "omitted": list(plan.omitted),
            "warnings": [_warning_json(warning) for warning in plan.warnings],
        },
        indent=2,
    )


def _page_json(
    page: PagePlan, saved: dict[str, Page | None], plan_minor: bool
) -> dict[str, object]:
    tasks = _tasks_json(page)
    return {
        "title": page.title,
        "action": page.action,
        "version": page.current.version if page.current else None,
        "message": page.version_message() if page.merge.changed else None,
        "minor_edit": _minor_update(plan_minor, page),
        "saved_version": _saved_version(page, saved),
        "meetings": [
            {
                "date": d.date.isoformat(),
                "status": d.status,
                "reason": d.reason,
                "tasks": tasks.get(d.date, []),
            }
            for d in page.merge.decisions
        ],
        "blocked": list(page.merge.blocked),
        "notes": list(page.merge.notes),
    }


def _tasks_json(page: PagePlan) -> dict[dt.date, list[dict[str, object]]]:
    """Each meeting's tasks as the page shows them after the sync (its ticks included), the
    page read once more only when the sync changes it."""
    from syncer.errors import PageError  # JSON alone reads the page's tasks
    from syncer.page_view import PageView
    from syncer.tasks import tasks_in

    view = page.view
    try:
        if view is None or page.merge.changed:
            view = PageView(page.merge.body, view.day_first if view else False)
    except PageError:
        return {}
    found: dict[dt.date, list[dict[str, object]]] = {}
    for section in view.sections:
        for _node, task in tasks_in(section.nodes):
            found.setdefault(section.date, []).append(
                {
                    "id": task.id,
                    "done": task.done,
                    "assignee": task.assignee,
                    "due": task.due.isoformat() if task.due else None,
                    "text": task.words,
                }
            )
    return found


def _conflict_json(view: ConflictView, names: Mapping[str, str]) -> dict[str, object]:
    return {
        "title": view.title,
        "date": view.date.isoformat(),
        "synced_version": view.base_version,
        "synced": storage_markdown(view.base, names) if view.base is not None else None,
        "doc": storage_markdown(view.doc, names),
        "page": storage_markdown(view.page, names),
    }


def _warning_json(warning: DateWarning) -> dict[str, object]:
    return {
        "heading": warning.heading,
        "tab": warning.tab,
        "problem": warning.problem,
        "filed_under": warning.filed_under and warning.filed_under.isoformat(),
        "message": warning.message(),
    }


def _saved_version(page: PagePlan, saved: dict[str, Page | None]) -> int | None:
    written = saved.get(page.title)
    return written.version if written is not None and page.merge.changed else None


def storage_markdown(body: str, names: Mapping[str, str] = NO_NAMES) -> str:
    """Storage format as Markdown a person can read; lozenges show as ``[QUEST]``, an
    attached image as ``![alt](its file name)``, a mention as ``@`` and the user's name as
    ``[people]`` gives it (``names``: user → name; else the user), a task as ``[ ]`` or
    ``[x]``."""
    from bs4 import BeautifulSoup  # the Markdown view loads its converters only when shown
    from markdownify import markdownify

    soup = BeautifulSoup(body, "html.parser")
    for macro in soup.find_all("ac:structured-macro"):
        title = macro.find("ac:parameter", attrs={"ac:name": "title"})
        name = macro.get("ac:name", "macro")
        shown = title.get_text() if name == "status" and title else name
        macro.replace_with(f"[{shown}]")
    for image in soup.find_all("ac:image"):
        file = image.find("ri:attachment")
        source = file.get("ri:filename") if file else None
        alt = image.get("ac:alt")
        picture = soup.new_tag("img", src=str(source or ""), alt=str(alt or ""))
        image.replace_with(picture)
    for user in soup.find_all("ri:user"):
        who = user.get("ri:account-id") or user.get("ri:userkey") or user.get("ri:username")
        shown = names.get(who, who) if isinstance(who, str) else who
        (user.find_parent("ac:link") or user).replace_with(f"@{shown}")
    for task in soup.find_all("ac:task"):
        _task_item(soup, task)
    for tasks in soup.find_all("ac:task-list"):
        tasks.name = "ul"
    for time in soup.find_all("time"):
        when = time.get("datetime")
        time.replace_with(when if isinstance(when, str) else "")
    return markdownify(str(soup), heading_style="ATX", bullets="*").strip()


def _task_item(soup: BeautifulSoup, task: Tag) -> None:
    """A task as a list item read ``[ ]`` or ``[x]``, its due date (its first date) said."""
    status, body = task.find("ac:task-status"), task.find("ac:task-body")
    done = status is not None and status.get_text().strip() == "complete"
    item = soup.new_tag("li")
    item.append(f"[{'x' if done else ' '}] ")
    if body is not None:
        due = body.find("time")
        for paragraph in body.find_all("p"):
            paragraph.unwrap()  # Cloud's editor wraps a task's text in one
        for part in list(body.contents):
            item.append(part.extract())
        if due is not None:
            item.append(f" (due {due.get('datetime')})")
    task.replace_with(item)


_COLOURS = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}


def _colour(line: str) -> str:
    code = _COLOURS.get(line[:1])
    return f"{code}{line}\033[0m" if code else line
