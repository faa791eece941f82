"""The real documents as notes docs, counted: what the fidelity test checks, in figures.

Every file of ``tests/fixtures/real-docs`` and ``tests/fixtures/google-html-export`` with a
dated heading in front and once just before its first list; for each, the words its
meetings show and how many the page keeps, the list items, numbers, tasks, merged cells,
headings, code lines and rules on both sides, and the notes the run prints.

    python bench/real_docs_fidelity.py [--each]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fidelity.page import on_page  # noqa: E402
from tests.fidelity.placing import FILES, PLACES  # noqa: E402
from tests.fidelity.shown import Shown  # noqa: E402
from tests.fidelity.test_real_docs import converted  # noqa: E402


def figures(shown: Shown) -> Counter[str]:
    kinds = Counter(kind for kind, _, _ in shown.items)
    return Counter(
        words=sum(shown.words.values()),
        items=len(shown.items),
        numbered=kinds["number"],
        tasks=kinds["task"],
        spans=len(shown.spans),
        cells=shown.cells,
        headings=sum(len(levels) for levels in shown.headings.values()),
        code=len(shown.code),
        rules=shown.rules,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--each", action="store_true", help="a line per file and placement")
    each = parser.parse_args().each
    doc_total: Counter[str] = Counter()
    kept = 0
    notes: Counter[str] = Counter()
    started = time.perf_counter()
    for path in FILES:
        for place in PLACES:
            document, doc, storage = converted(path, place)
            page = on_page(storage)
            kept_here = sum((doc.words & page.words).values())
            doc_total += figures(doc)
            kept += kept_here
            notes.update(document.omitted)
            if each:
                print(f"{path.name:<60} {place:<5} {kept_here}/{sum(doc.words.values())} words")
    seconds = time.perf_counter() - started
    print(f"{len(FILES)} files x {len(PLACES)} placements = {len(FILES) * len(PLACES)} runs")
    print(f"words in meetings {doc_total['words']}, kept {kept}")
    shown = ", ".join(f"{key} {doc_total[key]}" for key in list(figures(Shown())))
    print(f"the docs show: {shown}")
    print(f"notes printed: {sum(notes.values())} ({len(notes)} different)")
    for note, times in sorted(notes.items()):
        print(f"  {times:>3} x note: {note}")
    print(f"{seconds:.2f} s for all runs")


if __name__ == "__main__":
    main()
