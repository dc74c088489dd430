"""Dates and times as the exports, the API and backups write and read them: ISO 8601,
times in UTC (or the zone the caller gives), and the long form reports show."""

import datetime


def iso_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def iso_datetime(
    value: datetime.datetime | None, *, utc: bool = True, zulu: bool = False
) -> str | None:
    """ISO 8601; in UTC unless utc=False (the value's own zone), with "Z" for a zero
    offset when zulu is set."""
    if value is None:
        return None
    text = (value.astimezone(datetime.UTC) if utc else value).isoformat()
    return text[:-6] + "Z" if zulu and text.endswith("+00:00") else text


def parse_date(value: str | datetime.date | None) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value) if value else None


def parse_datetime(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def long_date(value: datetime.date | None) -> str:
    """ "7 December 2026", as the reports print it."""
    return value.strftime("%-d %B %Y") if value else ""
