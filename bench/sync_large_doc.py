"""How `syncer sync` scales with the size of the notes doc, in time and peak memory.

Generates a Google Docs ``documents.get`` JSON (the shape of examples/arch-hours-notes.json)
holding N years of weekly meetings, then runs each step in a fresh subprocess so that every
peak RSS belongs to that step alone. The floor is what merely loading and dumping the JSON costs.

    python bench/sync_large_doc.py [--years N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

Json = dict[str, Any]
Run = tuple[str, Json]  # a text run: its content and its textStyle
PEOPLE = ("Kelly", "Dave", "Jeremy", "Ned", "Andy", "Hilary", "Chris", "Sarah")
TAGS = ("inform", "quest", "ideation", "analysis", "question", "")
WORDS = ["MySQL", "upgrade", "plan", "edx-platform", "dependency", "review", "Django", "release"]
WORDS += ["frontend", "plugin", "slots", "deprecation", "course", "authoring", "telemetry"]
WORDS += ["Redis", "caching", "timeline", "owners", "rollout", "tests", "—", "don’t"]
BLUE = {"color": {"rgbColor": {"red": 0.07, "green": 0.33, "blue": 0.8}}}
ROOT = Path(__file__).resolve().parent.parent  # the repository, where `syncer` lives
BASELINE = "import resource, syncer.cli; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def indent(level: int) -> Json:
    pt = 18 + 36 * level
    return {
        "indentFirstLine": {"magnitude": pt, "unit": "PT"},
        "indentStart": {"magnitude": pt + 18, "unit": "PT"},
    }


class DocBuilder:
    """Appends paragraphs with running start/end indexes (UTF-16 units, as Docs counts them)."""

    def __init__(self) -> None:
        self.content: list[Json] = [{"endIndex": 1, "sectionBreak": {"sectionStyle": {}}}]
        self.lists: Json = {}
        self.index = 1

    def paragraph(self, runs: list[Run], style: Json, bullet: Json | None = None) -> None:
        start, elements = self.index, []
        runs = [*runs[:-1], (runs[-1][0] + "\n", runs[-1][1])]  # a paragraph ends in "\n"
        for text, text_style in runs:
            end = self.index + len(text.encode("utf-16-le")) // 2
            run = {"content": text, "textStyle": text_style}
            elements.append({"startIndex": self.index, "endIndex": end, "textRun": run})
            self.index = end
        para = {"elements": elements, "paragraphStyle": style}
        if bullet:
            para["bullet"] = bullet
        self.content.append({"startIndex": start, "endIndex": self.index, "paragraph": para})

    def bullet(self, list_id: str, level: int, runs: list[Run]) -> None:
        bullet: Json = {"listId": list_id, "textStyle": {}}
        if level:  # proto3 leaves out the default, level 0
            bullet["nestingLevel"] = level
        style = {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT", **indent(level)}
        self.paragraph(runs, style, bullet)

    def new_list(self, list_id: str) -> None:
        levels = [
            {"bulletAlignment": "START", "glyphSymbol": "●○■"[n % 3], "glyphFormat": f"%{n}"}
            | indent(n)
            | {"textStyle": {"underline": False}, "startNumber": 1}
            for n in range(9)
        ]
        self.lists[list_id] = {"listProperties": {"nestingLevels": levels}}


def sentence(rng: random.Random) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
    return text[0].upper() + text[1:]


def link(rng: random.Random) -> Run:
    url = f"https://github.com/openedx/edx-platform/pull/{rng.randint(1000, 40000)}"
    return url, {"underline": True, "foregroundColor": BLUE, "link": {"url": url}}


def topic(rng: random.Random) -> list[Run]:
    """``[quest] (Dave) …``, the presenter sometimes in bold, sometimes ending in a link."""
    tag, who = rng.choice(TAGS), f"({rng.choice(PEOPLE)})"
    head = f"[{tag}] " if tag else ""
    if rng.random() < 0.3:
        runs = [(head, {}), (who, {"bold": True}), (f" {sentence(rng)}", {})]
    else:
        runs = [(f"{head}{who} {sentence(rng)}", {})]
    if rng.random() < 0.2:
        runs[-1] = (runs[-1][0] + ": ", {})
        runs.append(link(rng))
    return runs


def generate(years: int, seed: int = 1) -> Json:
    """Weekly meetings, newest first, in the calendar years ending with 2024."""
    rng, doc = random.Random(seed), DocBuilder()
    doc.paragraph([("Add your topics under today’s date.", {})], {"namedStyleType": "NORMAL_TEXT"})
    day = dt.date(2024, 12, 25)
    while day.year > 2024 - years:
        doc.paragraph([(day.isoformat(), {})], {"namedStyleType": "HEADING_2"})
        list_id = f"kix.{day.toordinal():08x}"
        doc.new_list(list_id)
        for _ in range(rng.randint(4, 8)):
            doc.bullet(list_id, 0, topic(rng))
            level = 0
            for _ in range(rng.randint(1, 4)):
                level = 2 if level and rng.random() < 0.25 else 1
                doc.bullet(
                    list_id, level, [link(rng) if rng.random() < 0.1 else (sentence(rng), {})]
                )
        day -= dt.timedelta(days=7)
    tab = {"body": {"content": doc.content}, "documentStyle": {}, "lists": doc.lists}
    return {
        "documentId": f"bench-{years}y",
        "title": "Arch Hours (live notes)",
        "revisionId": f"rev-{seed}",
        "suggestionsViewMode": "SUGGESTIONS_INLINE",
        "tabs": [{"tabProperties": {"tabId": "t.0", "title": "Notes"}, "documentTab": tab}],
    }


def child(mode: str, source: str, target: str) -> None:
    """In a fresh subprocess: one step, then its wall time and peak RSS as one JSON line."""
    if mode == "sync":  # imported before the clock starts; the baseline shows what it costs
        from syncer.cli import main
    start = time.perf_counter()
    if mode == "generate":
        Path(target).write_text(json.dumps(generate(int(source)), indent=1), encoding="utf-8")
    elif mode == "floor":
        with open(source, encoding="utf-8") as src, open(target, "w", encoding="utf-8") as dst:
            dst.write(json.dumps(json.load(src)))  # json.dump would use the slow Python encoder
    elif (code := main(["sync", "--config", source], stdout=io.StringIO())) != 0:
        sys.exit(f"sync exited with {code}")
    ms = (time.perf_counter() - start) * 1000
    print(json.dumps({"ms": ms, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(*args: str) -> Json:
    """Runs `child` in a new interpreter. Linux counts the parent's peak RSS at fork time in
    the child's ru_maxrss, so this process never loads a document itself: it stays small."""
    command = [sys.executable, __file__, "--child", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def versions(archive: Path) -> dict[str, int]:
    return {p.name: json.loads(p.read_text())["version"] for p in archive.glob("*.meta.json")}


def sync(doc: Path, archive: Path) -> tuple[Json, int]:
    """One `syncer sync` of `doc` into `archive`; also how many pages got a new version."""
    config = archive.with_suffix(".toml")
    target = json.dumps(f"file:{archive}")
    source = json.dumps(str(doc))
    title = "title = 'Arch Hours: {year}'"
    config.write_text(f"[source]\nfile = {source}\n\n[target]\nurl = {target}\n{title}\n")
    before = versions(archive)
    result = measure("sync", str(config), "")
    return result, sum(v != before.get(name) for name, v in versions(archive).items())


def write_doc(folder: Path, years: int) -> tuple[Path, float]:
    path = folder / f"notes-{years}y.json"
    measure("generate", str(years), str(path))
    return path, path.stat().st_size / 2**20


def table_row(label: str, *cells: object) -> None:
    print(f"{label:<38}" + "".join(f"{cell:>10}" for cell in cells))


def main() -> None:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=100, help="years of weekly meetings")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as name:
        tmp, years, half = Path(name), args.years, args.years // 2
        (doc, size), (small_doc, small_size) = write_doc(tmp, years), write_doc(tmp, half)
        kib = subprocess.run([sys.executable, "-c", BASELINE], cwd=ROOT, capture_output=True)
        print(f"baseline: `python -c 'import syncer.cli'` peaks at {int(kib.stdout) >> 10} MB RSS")
        floor = measure("floor", str(doc), str(tmp / "copy.json"))
        first, first_writes = sync(doc, tmp / "archive")
        second, second_writes = sync(doc, tmp / "archive")
        small, small_writes = sync(small_doc, tmp / "archive-half")
        stale = sorted(name for name, v in versions(tmp / "archive").items() if v != 1)
        pages = len(versions(tmp / "archive"))
    rows = [
        ("floor: json.load + json.dumps", size, floor, "-"),
        (f"first sync, {years} years", size, first, first_writes),
        (f"second sync, {years} years, no change", size, second, second_writes),
        (f"first sync, {half} years", small_size, small, small_writes),
    ]
    print()
    table_row("run", "doc MB", "wall ms", "ms/MB", "peak MB", "t/floor", "mem/floor", "writes")
    for label, mb, r, writes in rows:
        ratios = (f"{r['ms'] / floor['ms']:.2f}", f"{r['rss'] / floor['rss']:.2f}")
        cells = (f"{mb:.1f}", f"{r['ms']:.0f}", f"{r['ms'] / mb:.1f}", f"{r['rss']:.0f}")
        table_row(label, *cells, *ratios, writes)
    print(f"\n{pages} pages; after the second sync all at version 1: {not stale}")
    print(f"benchmark took {time.perf_counter() - started:.0f} s in all")
    if second_writes or stale:
        sys.exit(f"the unchanged sync wrote {second_writes} page(s): {stale[:5]}")


if __name__ == "__main__":
    main()
