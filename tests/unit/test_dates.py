import datetime as dt

import pytest

from syncer.dates import read_date

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
