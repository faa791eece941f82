import datetime as dt

import pytest

from syncer.dates import read_date, reading

DEC_20 = dt.date(2023, 12, 20)


@pytest.mark.parametrize(
    "text",
    [
        "2023-12-20",
        "Dec 20, 2023",
        "December 20, 2023",
        "Wednesday, December 20, 2023",
        "Wed, Dec 20, 2023",
        "12/20/2023",
        "  2023-12-20: ",
        "20 December 2023",
    ],
)
def test_reads_the_ways_people_write_a_meeting_date(text):
    assert read_date(text) == DEC_20


def test_numeric_dates_are_month_first_unless_day_first():
    assert read_date("01/02/2024") == dt.date(2024, 1, 2)
    assert read_date("01/02/2024", day_first=True) == dt.date(2024, 2, 1)
    assert read_date("20/12/2023") is None
    assert read_date("20/12/2023", day_first=True) == DEC_20


@pytest.mark.parametrize(
    "text", ["", "Notes", "2023-12-20 retro", "Agenda for 2023-12-20", "2023-02-30", "13/13/2023"]
)
def test_anything_more_than_a_date_is_not_a_date(text):
    assert read_date(text) is None


DEC_27 = dt.date(2023, 12, 27)


@pytest.mark.parametrize(
    "text",
    [
        "Dec 27th, 2023",
        "27.12.2023",
        "2023/12/27",
        "12/27/23",
        "Wednesday 27 December 2023",
        "27-Dec-2023",
        "2023-12-27 (Wed)",
        "Dec. 27, 2023",
        "December 27th 2023",
        "wed, 27 dec 2023",
        "2023-12-27, Wednesday",
    ],
)
def test_reads_the_other_ways_people_write_a_date(text):
    assert read_date(text) == DEC_27
    if "/" not in text or text.startswith("2023"):  # only month-first reads 12/27/23
        assert read_date(text, day_first=True) == DEC_27
    assert read_date("Sept. 27th, 2023") == dt.date(2023, 9, 27)


def test_dots_are_day_first_and_two_digit_years_follow_the_date_order():
    assert read_date("05.12.2023") == dt.date(2023, 12, 5)
    assert read_date("05/12/23") == dt.date(2023, 5, 12)
    assert read_date("05/12/23", day_first=True) == dt.date(2023, 12, 5)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2023-02-30", "February 2023 has no day 30"),
        ("Feb 30th, 2023", "February 2023 has no day 30"),
        ("13/13/2023", "there is no month 13"),
        ("20/12/2023", "not a date with the month first, as [meetings] date_order says; if"),
        ("Dec 27", "it has no year"),
        ("27. December", "it has no year"),
    ],
)
def test_text_shaped_like_a_date_that_is_none_says_why(text, problem):
    found = reading(text)
    assert found.date is None and found.problem.startswith(problem)


@pytest.mark.parametrize("text", ["Notes", "December 2023", "Sprint 12", "3/4", "Q4 2023"])
def test_text_that_is_no_date_at_all_has_no_problem(text):
    assert reading(text) == reading("")
