"""Small builders shared by the tests: blocks as a source would yield them."""

from __future__ import annotations

from pathlib import Path

from syncer.model import Document, ListItem, Paragraph, Tab, Text
from syncer.settings import Settings, load_settings


def para(text: str, heading: int = 0) -> Paragraph:
    return Paragraph((Text(text),), heading)


def item(text: str, level: int = 0, ordered: bool = False) -> ListItem:
    return ListItem((Text(text),), level, ordered)


def doc(*blocks, tabs: tuple[Tab, ...] = ()) -> Document:
    return Document(tabs or (Tab("Notes", tuple(blocks)),))


_CONFIG = """
[source]
file = "notes.json"
[target]
url = "{url}"
space = "ARCH"
title = "{title}"
{target}
{extra}
"""


def load_config(
    folder: Path,
    target: str = "",
    extra: str = "",
    title: str = "Arch Hours: {year}",
    url: str = "file:archive",
) -> Settings:
    """Settings from a config with a ``file:`` source, given ``[target]`` lines and tables."""
    path = folder / "sync.toml"
    text = _CONFIG.format(url=url, title=title, target=target, extra=extra)
    path.write_text(text, encoding="utf-8")
    return load_settings(path, environ={"CONFLUENCE_TOKEN": "t"})
