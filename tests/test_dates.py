from __future__ import annotations

import datetime as dt

import pytest

from infopsoc.core.dates import DateFormatError, PartialDate


@pytest.mark.parametrize(
    "raw, fr, en, precision",
    [
        ("1994", "1994", "1994", "year"),
        (1994, "1994", "1994", "year"),
        ("2017-10", "octobre 2017", "October 2017", "month"),
        ("2017-10-18", "18 octobre 2017", "October 18, 2017", "day"),
        (dt.date(2018, 4, 1), "1er avril 2018", "April 1, 2018", "day"),
    ],
)
def test_precision_is_kept_and_shown(raw, fr, en, precision):
    d = PartialDate.parse(raw)
    assert d.precision == precision
    assert d.format("fr") == fr
    assert d.format("en") == en


def test_sort_year_before_day_of_same_year():
    dates = [PartialDate.parse(x) for x in ["1994-05-02", "1994", "1994-05", "1973"]]
    assert [d.iso() for d in sorted(dates, key=lambda d: d.sort_key)] == ["1973", "1994", "1994-05", "1994-05-02"]


@pytest.mark.parametrize("raw", ["2017-02-30", "2017-00", "17-10", "octobre 2017", "2017/10/01"])
def test_bad_dates(raw):
    with pytest.raises(DateFormatError):
        PartialDate.parse(raw)
