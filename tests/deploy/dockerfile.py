"""The Dockerfile, parsed into stages, as the tests about the image read it."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

from dockerfile_parse import DockerfileParser

from tests.deploy.recipes import ROOT

DOCKERFILE = ROOT / "Dockerfile"


@dataclass
class Stage:
    """One ``FROM`` and the instructions up to the next."""

    image: str
    alias: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def values(self, instruction: str) -> list[str]:
        return [value for name, value in self.instructions if name == instruction]

    def env(self) -> dict[str, str]:
        """The stage's ENV settings, in the ``KEY=value`` form."""
        pairs = (item.split("=", 1) for value in self.values("ENV") for item in shlex.split(value))
        return dict(pairs)

    def copies(self) -> list[tuple[str | None, list[str], str]]:
        """Each COPY as (the stage it copies from, or None for the build context; sources; dest)."""
        result = []
        for value in self.values("COPY"):
            words = shlex.split(value)
            flags = dict(w[2:].split("=", 1) for w in words if w.startswith("--") and "=" in w)
            *sources, dest = [w for w in words if not w.startswith("--")]
            result.append((flags.get("from"), sources, dest))
        return result

    def exec_form(self, instruction: str) -> list[str]:
        """The last CMD or ENTRYPOINT, which must be in exec (JSON) form."""
        return json.loads(self.values(instruction)[-1])


def stages() -> list[Stage]:
    """The Dockerfile's stages, in order."""
    parsed: list[Stage] = []
    for item in DockerfileParser(path=str(DOCKERFILE)).structure:
        name, value = item["instruction"], item["value"]
        if name == "FROM":
            image, _, alias = value.partition(" AS ")
            parsed.append(Stage(image.strip(), alias.strip() or None))
        elif name != "COMMENT":
            parsed[-1].instructions.append((name, value))
    return parsed
