"""Payment dates: start date plus whole billing periods, month ends clamped."""

from __future__ import annotations

import calendar
import datetime as dt

MONTHS = {"monthly": 1, "annual": 12}


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months`; a day past the target month's end becomes its last day
    (31 Jan + 1 month = 28 Feb, or 29 Feb in a leap year)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def payment_date(start: dt.date, period: str, periods: int) -> dt.date:
    """The date `periods` billing periods after `start` (always counted from the start, so a
    31st keeps coming back on the 31st where the month has one)."""
    return add_months(start, MONTHS[period] * periods)


def periods_until_after(start: dt.date, period: str, today: dt.date, current: int = 1) -> int:
    """The smallest number of periods >= `current` whose payment date lies after `today`."""
    n = max(1, current)
    while payment_date(start, period, n) <= today:
        n += 1
    return n
