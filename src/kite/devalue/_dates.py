"""JavaScript Date time values (integer milliseconds since the epoch, UTC) and their
``toISOString`` text, for every year a Date can hold (-271821 to +275760), not only the
years `datetime` can hold."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Final

__all__ = [
    "MAX_TIME",
    "datetime_from_ms",
    "iso_from_ms",
    "ms_from_date",
    "ms_from_datetime",
    "ms_from_iso",
]

MAX_TIME: Final = 8_640_000_000_000_000
_MS_PER_DAY: Final = 86_400_000
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_ONE_MS: Final = timedelta(milliseconds=1)
_ISO: Final = re.compile(
    r"([+-][0-9]{6}|[0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3})Z\Z"
)


def _civil_from_days(days: int) -> tuple[int, int, int]:
    # Howard Hinnant's days->civil conversion on the proleptic Gregorian calendar.
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def _days_from_civil(year: int, month: int, day: int) -> int:
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def iso_from_ms(ms: int) -> str:
    """``Date.prototype.toISOString`` for a valid time value."""
    days, in_day = divmod(ms, _MS_PER_DAY)
    year, month, day = _civil_from_days(days)
    hours, rest = divmod(in_day, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    if 0 <= year <= 9999:
        year_text = f"{year:04d}"
    else:
        year_text = ("+" if year > 0 else "-") + f"{abs(year):06d}"
    return (
        f"{year_text}-{month:02d}-{day:02d}T{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"
    )


def ms_from_iso(text: str) -> int:
    """The time value of a ``toISOString`` string; `ValueError` for anything else."""
    match = _ISO.match(text)
    if match is None:
        raise ValueError(f"not a Date.toISOString() string: {text!r}")
    year_text, *rest = match.groups()
    if year_text == "-000000":
        raise ValueError("the year -000000 is not allowed (write 0000)")
    year = int(year_text)
    month, day, hours, minutes, seconds, millis = map(int, rest)
    if not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        raise ValueError(f"no such day: {text!r}")
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"no such time: {text!r}")
    ms = _days_from_civil(year, month, day) * _MS_PER_DAY
    ms += ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
    if abs(ms) > MAX_TIME:
        raise ValueError(f"outside the range of a JavaScript Date: {text!r}")
    return ms


def ms_from_datetime(value: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime, microseconds truncated."""
    # Subtracting aware datetimes never overflows, unlike astimezone() near year 1.
    return (value - _EPOCH) // _ONE_MS


def ms_from_date(value: date) -> int:
    """Milliseconds since the epoch of a date's midnight, UTC."""
    return (value.toordinal() - _EPOCH_ORDINAL) * _MS_PER_DAY


def datetime_from_ms(ms: int) -> datetime | None:
    """An aware UTC datetime for a time value, or None when `datetime` cannot hold it."""
    days, in_day = divmod(ms, _MS_PER_DAY)
    ordinal = days + _EPOCH_ORDINAL
    if not 1 <= ordinal <= date.max.toordinal():
        return None
    day = date.fromordinal(ordinal)
    base = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return base + timedelta(milliseconds=in_day)
