"""The GitHub Actions recipe: scheduled and manual runs, Workload Identity Federation, a
Markdown preview in the run summary before the real sync, and never two runs at once."""

from __future__ import annotations

import re

import pytest

from tests.deploy.recipes import SAMPLES, load_workflow, syncer_commands

WORKFLOW = load_workflow()
(JOB,) = WORKFLOW["jobs"].values()
STEPS = JOB["steps"]


def index_of(predicate) -> int:
    return next(i for i, step in enumerate(STEPS) if predicate(step))


def uses(action: str):
    return lambda step: step.get("uses", "").startswith(f"{action}@")


def runs_syncer(step) -> bool:
    return bool(syncer_commands(step.get("run", ""), SAMPLES | JOB["env"] | step.get("env", {})))


def test_runs_on_a_schedule_and_by_hand_with_dry_run_and_backfill_inputs():
    assert [entry["cron"] for entry in WORKFLOW["on"]["schedule"]]
    inputs = WORKFLOW["on"]["workflow_dispatch"]["inputs"]
    assert inputs["dry_run"]["type"] == "boolean"
    assert {"since", "until"} <= inputs.keys()


def test_runs_never_overlap():
    assert WORKFLOW["concurrency"]["group"]
    assert WORKFLOW["concurrency"]["cancel-in-progress"] is False


def test_google_auth_is_workload_identity_federation_after_checkout():
    assert WORKFLOW["permissions"]["id-token"] == "write"
    auth = STEPS[index_of(uses("google-github-actions/auth"))]
    assert {"workload_identity_provider", "service_account"} <= auth["with"].keys()
    assert "credentials_json" not in auth["with"]
    assert index_of(uses("actions/checkout")) < STEPS.index(auth) < index_of(runs_syncer)


def test_the_confluence_token_comes_from_secrets():
    assert re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", JOB["env"]["CONFLUENCE_API_TOKEN"])


def test_installs_with_the_constraints_file():
    install = STEPS[index_of(lambda step: "pip install" in step.get("run", ""))]
    assert re.search(r"-c \S*constraints\.txt", install["run"])


def test_the_markdown_preview_goes_to_the_step_summary_before_the_real_sync():
    preview = index_of(lambda step: '>> "$GITHUB_STEP_SUMMARY"' in step.get("run", ""))
    assert "--dry-run --format markdown" in STEPS[preview]["run"]
    real = index_of(lambda step: runs_syncer(step) and "--dry-run" not in step["run"])
    assert preview < real
    assert "inputs.dry_run" in STEPS[real]["if"]


@pytest.mark.parametrize("step", [s for s in STEPS if "run" in s], ids=lambda s: s.get("name"))
def test_inputs_reach_scripts_only_through_the_environment(step):
    assert "${{" not in step["run"]  # an expression in a script is a shell injection
