"""A Docs table's grid: its rows, and its merged cells as spans.

Docs lists every cell of the grid, the ones a merged cell covers too (empty, with spans of
1): ``tableCellStyle.columnSpan``/``rowSpan`` on the merged cell say what it covers. A page
table lists only the cells it shows, so covered cells are left out (their words, if any,
join the merged cell's); a span never reaches past the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from syncer.model import Block, CellSpan, Table

Json = dict[str, Any]
Cells = tuple[Block, ...]


class TableGrid:
    """The non-suggested rows and cells of one table, and which cell covers which."""

    def __init__(self, table: Json) -> None:
        self.rows = [
            [cell for cell in row.get("tableCells") or [] if not suggested(cell)]
            for row in table.get("tableRows") or []
            if not suggested(row)
        ]

    def cells(self) -> Iterator[Json]:
        return (cell for row in self.rows for cell in row)

    def table(self, read: Callable[[Json], Cells]) -> Table:
        """The table as a page shows it, each cell's content read by ``read``."""
        shown: list[list[Cells]] = []
        spans: list[CellSpan] = []
        covered: dict[tuple[int, int], tuple[int, int]] = {}  # grid place → shown cell
        for r, row in enumerate(self.rows):
            shown.append([])
            for c, cell in enumerate(row):
                blocks = read(cell)
                if (r, c) in covered:
                    where, at = covered[(r, c)]
                    shown[where][at] += blocks
                    continue
                span = self.span(r, c, len(shown[r]), cell)
                if span:
                    spans.append(span)
                    covered |= self.covered(r, c, span)
                shown[r].append(blocks)
        return Table(tuple(tuple(row) for row in shown), tuple(spans))

    def span(self, r: int, c: int, at: int, cell: Json) -> CellSpan | None:
        style = cell.get("tableCellStyle") or {}
        columns = min(_count(style.get("columnSpan")), len(self.rows[r]) - c)
        rows = min(_count(style.get("rowSpan")), len(self.rows) - r)
        return CellSpan(r, at, columns, rows) if columns > 1 or rows > 1 else None

    @staticmethod
    def covered(r: int, c: int, span: CellSpan) -> dict[tuple[int, int], tuple[int, int]]:
        places = (
            (r + down, c + right) for down in range(span.rows) for right in range(span.columns)
        )
        return {place: (r, span.cell) for place in places if place != (r, c)}


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def suggested(obj: Json) -> bool:
    """A suggested insertion: not part of the agreed text until someone accepts it."""
    return bool(obj.get("suggestedInsertionIds"))
