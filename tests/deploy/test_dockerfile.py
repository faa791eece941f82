"""The image, checked by parsing the Dockerfile (no Docker engine runs here): a slim official
Python base, multi-stage, pinned install, non-root, ``syncer`` as entrypoint, no secrets."""

from __future__ import annotations

import re
import shlex
import tomllib

from packaging.specifiers import SpecifierSet

from tests.deploy.dockerfile import stages
from tests.deploy.recipes import ROOT

STAGES = stages()
FINAL = STAGES[-1]
SECRET_NAME = re.compile(r"TOKEN|PASSWORD|KEY|SECRET|CREDENTIALS", re.IGNORECASE)


def test_more_than_one_stage():
    assert len(STAGES) > 1


def test_every_stage_starts_from_a_slim_official_python_image():
    for stage in STAGES:
        name, _, tag = stage.image.removeprefix("docker.io/library/").partition(":")
        assert name == "python", stage.image
        assert re.fullmatch(r"3\.\d+(\.\d+)?-slim(-\w+)?", tag), stage.image


def test_the_python_version_is_one_the_package_supports():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for stage in STAGES:
        version = stage.image.partition(":")[2].partition("-")[0]
        assert version in SpecifierSet(project["requires-python"]), stage.image


def test_the_final_stage_runs_as_a_non_root_user():
    (user,) = FINAL.values("USER")
    assert user.partition(":")[0] not in ("", "root", "0")


def test_the_entrypoint_is_syncer_and_the_default_is_a_sync_of_the_mounted_config():
    assert FINAL.exec_form("ENTRYPOINT") == ["syncer"]
    assert FINAL.exec_form("CMD") == ["sync", "--config", "/config/notes-sync.toml"]


def test_the_final_stage_gets_the_built_venv_and_puts_it_on_the_path():
    aliases = {stage.alias for stage in STAGES[:-1]}
    ((_, (venv,), dest),) = [c for c in FINAL.copies() if c[0] in aliases]
    assert venv == dest
    assert FINAL.env()["PATH"].startswith(f"{venv}/bin:")


def test_no_instruction_carries_a_secret():
    for stage in STAGES:
        names = [*stage.env(), *(v.partition("=")[0] for v in stage.values("ARG"))]
        sources = [path for _, paths, _ in stage.copies() for path in paths]
        sources += [p for v in stage.values("ADD") for p in shlex.split(v)[:-1]]
        assert not [name for name in names + sources if SECRET_NAME.search(name)]


def test_dependencies_install_only_through_the_constraints_file():
    installs = [
        command
        for stage in STAGES
        for run in stage.values("RUN")
        for command in run.split("&&")
        if re.search(r"\bpip3? install\b", command)
    ]
    assert installs
    for command in installs:
        assert re.search(r"(-c|--constraint) constraints\.txt\b", command), command


def test_the_build_context_holds_only_what_the_dockerfile_copies():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    rules = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert rules[0] == "*"
    allowed = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    copied = {
        path.rstrip("/")
        for stage in STAGES
        for f, paths, _ in stage.copies()
        if not f
        for path in paths
    }
    assert allowed == copied
