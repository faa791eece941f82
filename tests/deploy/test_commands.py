"""Every ``syncer`` command line in every recipe is one the real CLI accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser

from tests.deploy.recipes import (
    CRONTAB,
    GITLAB,
    KUBERNETES,
    ROOT,
    SAMPLES,
    crontab_entries,
    crontab_variables,
    load_workflow,
    load_yaml,
    parse_cli,
    syncer_commands,
)


def workflow_commands() -> Iterator[tuple[str, list[str]]]:
    workflow = load_workflow()
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                env = {**job.get("env", {}), **step.get("env", {})}
                for args in syncer_commands(step["run"], _values(env)):
                    yield f"github-actions: {step.get('name', step['run'])}", args


def gitlab_commands() -> Iterator[tuple[str, list[str]]]:
    (pipeline,) = load_yaml(GITLAB)
    for name, job in pipeline.items():
        for line in job["script"]:
            for args in syncer_commands(line, _values(job.get("variables", {}))):
                yield f"gitlab-ci: {name}", args


def kubernetes_commands() -> Iterator[tuple[str, list[str]]]:
    for document in load_yaml(KUBERNETES):
        if document["kind"] == "CronJob":
            for container in document["spec"]["jobTemplate"]["spec"]["template"]["spec"][
                "containers"
            ]:
                assert container.get("command", ["syncer"]) == ["syncer"]
                yield f"kubernetes: {container['name']}", container["args"]


def crontab_commands() -> Iterator[tuple[str, list[str]]]:
    text = CRONTAB.read_text(encoding="utf-8")
    for schedule, command in crontab_entries(text):
        for args in syncer_commands(command, _values(crontab_variables(text))):
            yield f"crontab: {' '.join(schedule)}", args


def dockerfile_commands() -> Iterator[tuple[str, list[str]]]:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    cmd = [item for item in parser.structure if item["instruction"] == "CMD"][-1]
    yield "Dockerfile CMD", json.loads(cmd["value"])


def _values(env: dict[str, Any]) -> dict[str, str]:
    """Literal values as written; ``${{ … }}`` expressions become the sample for their name."""
    literal = {k: str(v) for k, v in env.items() if "${{" not in str(v)}
    return {**SAMPLES, **literal}


COMMANDS = [
    *workflow_commands(),
    *gitlab_commands(),
    *kubernetes_commands(),
    *crontab_commands(),
    *dockerfile_commands(),
]


def test_every_recipe_runs_syncer():
    where = {recipe.split(":")[0] for recipe, _ in COMMANDS}
    assert where == {"github-actions", "gitlab-ci", "kubernetes", "crontab", "Dockerfile CMD"}


@pytest.mark.parametrize(("recipe", "args"), COMMANDS, ids=[r for r, _ in COMMANDS])
def test_the_cli_parser_accepts_the_command(recipe, args):
    parsed = parse_cli(args)
    assert parsed.command in ("sync", "backfill", "check")
    assert parsed.config.name == "notes-sync.toml"
