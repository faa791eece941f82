"""What is not an export of a doc, though it holds one (issue 12, item 13)."""

from __future__ import annotations

from pathlib import Path

from syncer import cli
from tests.e2e.logged import messages

# What a copy from a doc open in the browser gives the clipboard, saved as a file: Docs wraps
# it in a <b> whose id is docs-internal-guid-…, and items nest as real lists.
CLIPBOARD = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b3c4d">'
    '<h2 dir="ltr"><span>2023-12-20</span></h2><ul><li dir="ltr" aria-level="1"><p dir="ltr">'
    '<span>topic</span></p></li><ul><li aria-level="2"><p><span>note</span></p></li></ul></ul>'
    "<div><table><tr><td><p><span>cell</span></p></td></tr></table></div></b>"
)


def test_13_html_copied_from_the_browser_is_refused_saying_how_to_export(tmp_path: Path, capsys):
    (tmp_path / "notes.html").write_text(CLIPBOARD, encoding="utf-8")
    (tmp_path / "sync.toml").write_text(
        '[source]\nfile = "notes.html"\n'
        '[target]\nurl = "file:archive"\nspace = "ARCH"\ntitle = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    code = cli.main(["sync", "--config", str(tmp_path / "sync.toml")])
    error, _summary = messages(capsys.readouterr().err)
    assert code == 1
    assert "notes.html: HTML copied from a doc in the browser, not an export" in error
    assert "File > Download > Web page" in error and "\n" not in error
    assert not (tmp_path / "archive").exists()
