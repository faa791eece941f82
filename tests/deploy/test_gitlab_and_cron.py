"""The GitLab CI and crontab recipes: scheduled, never overlapping, secrets kept out."""

from __future__ import annotations

import re

from tests.deploy.recipes import CRONTAB, GITLAB, crontab_entries, load_yaml

SECRET_NAME = re.compile(r"TOKEN|PASSWORD|KEY|SECRET|CREDENTIALS", re.IGNORECASE)
(PIPELINE,) = load_yaml(GITLAB)
(JOB,) = PIPELINE.values()


def test_the_gitlab_job_runs_only_from_a_schedule():
    assert JOB["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]


def test_the_gitlab_job_uses_the_image_with_a_shell_entrypoint():
    assert JOB["image"]["name"].split("/")[-1].startswith("notes-sync:")
    assert JOB["image"]["entrypoint"] == [""]


def test_gitlab_runs_never_overlap_and_secrets_come_from_project_variables():
    assert JOB["resource_group"]
    assert not [name for name in JOB.get("variables", {}) if SECRET_NAME.search(name)]


def test_the_crontab_line_takes_a_lock_and_appends_to_a_log():
    ((schedule, command),) = crontab_entries(CRONTAB.read_text(encoding="utf-8"))
    assert len(schedule) == 5
    assert re.search(r"\bflock -n \S+", command)
    assert re.search(r'>> "?\S+\.log"? 2>&1$', command)
