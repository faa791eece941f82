"""The recipe reader finds syncer calls the way a shell would split the line."""

import pytest

from tests.deploy.recipes import crontab_entries, crontab_variables, resolve, syncer_commands

VALUES = {"CONFIG": "my notes.toml", "OUT": "/tmp/out.md", "inputs.since": "2023-01-01"}


def test_redirections_pipes_and_other_commands_are_not_arguments():
    script = 'cd /srv && syncer sync --config "$CONFIG" --dry-run >> "$OUT" 2>&1 || test $? -eq 3'
    assert syncer_commands(script, VALUES) == [["sync", "--config", "my notes.toml", "--dry-run"]]


def test_finds_calls_by_path_inside_sh_c_and_across_continuation_lines():
    script = "flock -n l sh -c 'exec .venv/bin/syncer check --config \"${CONFIG}\"' | tee log\n"
    script += "syncer backfill \\\n  --since ${{ inputs.since }}\necho done"
    assert syncer_commands(script, VALUES) == [
        ["check", "--config", "my notes.toml"],
        ["backfill", "--since", "2023-01-01"],
    ]


def test_a_placeholder_without_a_sample_value_fails():
    with pytest.raises(pytest.fail.Exception, match=r"\$UNKNOWN"):
        resolve("syncer sync --config $UNKNOWN", VALUES)


def test_crontab_lines_split_into_schedule_variables_and_command():
    text = "# comment\nSHELL=/bin/sh\n\n5 14 * * 1-5  cd x && syncer sync --config a.toml\n"
    assert list(crontab_entries(text)) == [
        (["5", "14", "*", "*", "1-5"], "cd x && syncer sync --config a.toml")
    ]
    assert crontab_variables(text) == {"SHELL": "/bin/sh"}
