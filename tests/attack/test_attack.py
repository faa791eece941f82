"""Replays the attack of issue 15 on every CI run: bad inputs, hostile contents, secrets
where paths belong, a shared ``file:`` archive, dates as people write them. Each case must
end as a correct run does: the right exit code, one clear line, every word on the page, no
secret in any output, no live markup. A case that hangs kills the run after
``CASE_SECONDS`` (faulthandler) instead of holding CI forever."""

from __future__ import annotations

import faulthandler
from collections import Counter

import pytest

from tests.attack.cases import CASES
from tests.attack.replay import KINDS, replay

CASE_SECONDS = 60
GROUPS = Counter(case.group for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_attack_case_ends_as_a_correct_run_does(case, tmp_path):
    faulthandler.dump_traceback_later(CASE_SECONDS, exit=True)
    try:
        result = replay(case, tmp_path)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert result.problems == {}, result


def test_the_attack_covers_every_item_of_the_issue_this_suite_owns():
    owned = {"1 secrets", "2 file: races", "4 dates", "5 surrogates", "7 config", "8 malformed"}
    owned |= {"9 not an export", "11 file: leftovers", "bad input", "hostile content"}
    assert set(GROUPS) == owned
    assert len(CASES) >= 80 and len({case.name for case in CASES}) == len(CASES)
    assert KINDS[:5] == (
        "wrong exit code",
        "unclear message",
        "hang",
        "words lost",
        "secret printed",
    )
