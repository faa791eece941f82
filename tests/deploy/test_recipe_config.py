"""The configs the recipes run with load, given the environment each recipe provides, and
every credential variable a recipe sets is one notes-sync reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from syncer.settings import ConfluenceSettings, GoogleSettings, load_settings
from tests.deploy.recipes import (
    CI_CONFIG,
    CRONTAB,
    DEPLOY,
    GITLAB,
    KUBERNETES,
    ROOT,
    SAMPLES,
    TOOL_READS,
    WORKFLOW,
    load_workflow,
    load_yaml,
)

RECIPES = [WORKFLOW, GITLAB, KUBERNETES, CRONTAB, DEPLOY / "README.md", ROOT / "Dockerfile"]
_CREDENTIAL_VARIABLE = re.compile(r"\b(?:CONFLUENCE|GOOGLE)_[A-Z_]+\b")


def mentioned(path: Path) -> set[str]:
    return set(_CREDENTIAL_VARIABLE.findall(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda path: path.name)
def test_a_recipe_names_only_credential_variables_the_tool_reads(recipe):
    assert mentioned(recipe) <= TOOL_READS


def test_the_tool_reads_those_variables():
    source = "\n".join(path.read_text() for path in (ROOT / "syncer").rglob("*.py"))
    assert {name for name in TOOL_READS if f'"{name}"' in source} == TOOL_READS


def test_the_ci_config_loads_with_the_workflow_environment():
    env = load_workflow()["jobs"]["sync"]["env"]
    environ = {name: SAMPLES[name] for name in env if name in TOOL_READS}
    assert environ.keys() == {"CONFLUENCE_USERNAME", "CONFLUENCE_API_TOKEN"}
    assert env["CONFLUENCE_API_TOKEN"] == "${{ secrets.CONFLUENCE_API_TOKEN }}"
    settings = load_settings(CI_CONFIG, environ=environ)
    assert isinstance(settings.source, GoogleSettings)
    assert isinstance(settings.target, ConfluenceSettings) and settings.target.cloud


def test_the_ci_config_loads_with_the_gitlab_variables_it_documents():
    environ = {name: SAMPLES[name] for name in mentioned(GITLAB)}
    assert isinstance(load_settings(CI_CONFIG, environ=environ).target, ConfluenceSettings)


def kubernetes() -> dict[str, dict]:
    return {document["kind"]: document for document in load_yaml(KUBERNETES)}


def container_environment(manifests: dict[str, dict]) -> dict[str, str]:
    """The CronJob container's environment, with the Secret's values filled in."""
    secret = manifests["Secret"]
    (container,) = manifests["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"][
        "containers"
    ]
    environ = {}
    for variable in container["env"]:
        if "valueFrom" in variable:
            ref = variable["valueFrom"]["secretKeyRef"]
            assert ref["name"] == secret["metadata"]["name"]
            environ[variable["name"]] = secret["stringData"][ref["key"]]
        else:
            environ[variable["name"]] = variable["value"]
    return environ


def test_the_configmap_config_loads_with_the_cronjob_environment(tmp_path):
    manifests = kubernetes()
    config = tmp_path / "notes-sync.toml"
    config.write_text(manifests["ConfigMap"]["data"]["notes-sync.toml"], encoding="utf-8")
    environ = container_environment(manifests)
    assert environ.keys() <= TOOL_READS
    settings = load_settings(config, environ=environ)
    assert isinstance(settings.source, GoogleSettings)
    assert isinstance(settings.target, ConfluenceSettings)
