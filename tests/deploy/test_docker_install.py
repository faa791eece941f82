"""Install notes-sync the way the Dockerfile's build stage does (its own COPY and RUN lines,
into a temporary venv instead of the image's), then run the installed ``syncer``.

Docker cannot run here, so this is the check that the image's install works. It downloads
the pinned packages from PyPI, so it is slow and runs only in CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.dockerfile import Stage, stages
from tests.deploy.recipes import ROOT

pytestmark = pytest.mark.slow


def copy_build_context(stage: Stage, workdir: Path) -> None:
    """Carry out the stage's COPY instructions from the build context into workdir."""
    for origin, sources, dest in stage.copies():
        assert origin is None, "the build stage copies only from the build context"
        target = workdir / dest
        for source in sources:
            path = ROOT / source
            if path.is_dir():
                ignore = shutil.ignore_patterns("__pycache__")
                shutil.copytree(path, target, ignore=ignore, dirs_exist_ok=True)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target / path.name)


def venv_of(stage: Stage) -> str:
    """The venv the stage creates (``python -m venv PATH``)."""
    for run in stage.values("RUN"):
        words = run.split()
        if "venv" in words:
            return words[words.index("venv") + 1]
    raise AssertionError("the build stage creates no venv")


def test_the_dockerfile_install_gives_a_working_syncer(tmp_path):
    build = stages()[0]
    venv = venv_of(build)
    workdir = tmp_path / "src"
    copy_build_context(build, workdir)
    env = {**os.environ, **build.env()}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    for run in build.values("RUN"):
        command = run.replace(venv, str(tmp_path / "venv"))
        subprocess.run(["/bin/sh", "-c", command], cwd=workdir, env=env, check=True)

    syncer = tmp_path / "venv" / "bin" / "syncer"
    shown = subprocess.run([syncer, "--help"], capture_output=True, text=True, check=True)
    assert "sync" in shown.stdout and "backfill" in shown.stdout
    example = ROOT / "config" / "example.toml"
    ran = subprocess.run(
        [syncer, "sync", "--config", example, "--dry-run"], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert "2023-" in ran.stdout
