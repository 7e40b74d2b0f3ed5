"""The Chinese lunisolar calendar and the solar terms, by way of lunar_python.

lunar_python (MIT, pure Python, no dependencies) carries the astronomical tables; it is
imported on the first lunar date only, and each lunar year it computes is kept, so a text
full of 春节 costs one computation per year.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def _from_julian_day(jd: float) -> date:
    """lunar_python's Julian day (Beijing time) as a Gregorian date."""
    from lunar_python import Solar

    solar = Solar.fromJulianDay(jd)
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=64)
def _lunar_months(year: int) -> dict[tuple[int, bool], tuple[date, int]]:
    """(month, leap) → (first day, number of days) for every month of a lunar year."""
    from lunar_python import LunarYear

    out = {}
    for month in LunarYear.fromYear(year).getMonthsInYear():
        first = _from_julian_day(month.getFirstJulianDay())
        out[(abs(month.getMonth()), month.isLeap())] = (first, month.getDayCount())
    return out


def lunar_month(year: int, month: int, leap: bool = False) -> tuple[date, date]:
    """The first and last Gregorian day of a lunar month; ValueError when it does not exist."""
    try:
        first, days = _lunar_months(year)[(month, leap)]
    except KeyError:
        raise ValueError(f"lunar year {year} has no {'leap ' * leap}month {month}") from None
    return first, first + timedelta(days=days - 1)


def lunar_day(year: int, month: int, day: int, leap: bool = False) -> date:
    """A lunar date as a Gregorian day; day -1 is the month's last day (大年三十)."""
    first, last = lunar_month(year, month, leap)
    if day == -1:
        return last
    if not 1 <= day <= (last - first).days + 1:
        raise ValueError(f"lunar month {year}-{month} has no day {day}")
    return first + timedelta(days=day - 1)


@lru_cache(maxsize=64)
def solar_term(year: int, name: str) -> date:
    """The Gregorian day of a solar term (清明) in a Gregorian year."""
    from lunar_python import Lunar, LunarYear

    # a lunar year's table runs from the winter solstice before it into the next year
    days = LunarYear.fromYear(year).getJieQiJulianDays()
    for term, jd in zip(Lunar.JIE_QI_IN_USE, days, strict=True):
        if term == name and _from_julian_day(jd).year == year:
            return _from_julian_day(jd)
    raise ValueError(f"no solar term {name!r}")
