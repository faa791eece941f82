"""The shape of the code under syncer/: module sizes, function lengths, import cycles.

Function length counts a function's lines from its ``def`` to its last line, decorators and
docstring included; nested functions count on their own. Imports are those a module runs when
it is imported (not those under ``if TYPE_CHECKING:`` or inside functions).

    python bench/code_shape.py
"""

from __future__ import annotations

import ast
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "syncer"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def function_lengths(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            found.append((node.end_lineno - start + 1, node.name))
    return found


def runtime_imports(tree: ast.Module, name: str) -> set[str]:
    imported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.ClassDef) else []:
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                imported.add(child.module)
                imported.update(f"{child.module}.{alias.name}" for alias in child.names)
            elif isinstance(child, ast.Import):
                imported.update(alias.name for alias in child.names)
    return {m for m in imported if m.startswith("syncer") and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycle = path[path.index(nxt) :]
                if min(cycle) == cycle[0] and cycle not in found:
                    found.append(cycle)
            elif len(path) < 12:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return found


def main() -> None:
    sizes, lengths, graph = [], [], {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        name = module_name(path)
        sizes.append((len(text.splitlines()), name))
        lengths += [(n, f"{name}.{f}") for n, f in function_lengths(tree)]
        graph[name] = runtime_imports(tree, name)
    graph = {m: {i for i in deps if i in graph} for m, deps in graph.items()}
    values = sorted(n for n, _ in lengths)
    p90 = values[int(len(values) * 0.9)]
    print(f"modules: {len(sizes)}, over 400 lines: {[f'{m} ({n})' for n, m in sizes if n > 400]}")
    print(
        f"functions: {len(values)}, median {statistics.median(values)}, p90 {p90}, max {values[-1]}"
    )
    print("longest:", ", ".join(f"{f} {n}" for n, f in sorted(lengths, reverse=True)[:6]))
    found = cycles(graph)
    print(f"import cycles: {len(found)}", *(" -> ".join([*c, c[0]]) for c in found[:8]), sep="\n  ")
    sys.exit(0)


if __name__ == "__main__":
    main()
