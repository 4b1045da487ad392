"""Dates as the analysis reads and writes them: ISO days from xsd literals, precisions, plain text."""
from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable

from ..errors import MalikgError
from .vocabulary import _concept

_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _day(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise MalikgError(f"{name}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _bounds(lexical: str) -> tuple[str, str, str]:
    """First day, last day and precision of an xsd:date, xsd:gYearMonth or xsd:gYear lexical form."""
    if re.fullmatch(r"\d{4}", lexical):
        return f"{lexical}-01-01", f"{lexical}-12-31", "year"
    if re.fullmatch(r"\d{4}-\d{2}", lexical):
        year, month = int(lexical[:4]), int(lexical[5:])
        return f"{lexical}-01", f"{lexical}-{calendar.monthrange(year, month)[1]:02d}", "month"
    return lexical[:10], lexical[:10], "day"


def _precision(precisions: Iterable[str], spans: set, first: str) -> str:
    """One event's precision, or that of several events dated alike; else ``interval`` (or "" if undated)."""
    distinct = sorted({_concept(p) for p in precisions if p})
    if len(distinct) == 1 and len(spans) <= 1:
        return distinct[0]
    return "interval" if first else ""


def _date_text(start: str, end: str) -> str:
    """A step's date as plainly as its bounds allow: 2024-01-27, 2024-01, 2024, 2023-09 to 2023-12."""
    if not start:
        return "undated"
    end = end or start
    if start == end:
        return start
    whole_months = start.endswith("-01") and end == _month_end(end)
    if whole_months and start[:4] == end[:4] and start[5:7] == "01" and end[5:7] == "12":
        return start[:4]
    if whole_months:
        return start[:7] if start[:7] == end[:7] else f"{start[:7]} to {end[:7]}"
    return f"{start} to {end}"


def _month_end(day: str) -> str:
    year, month = int(day[:4]), int(day[5:7])
    return f"{day[:7]}-{calendar.monthrange(year, month)[1]:02d}"


def _tie_date(d: dict) -> str:
    """"since 2016" for a tie with only a start, "until 2024-01" with only an end."""
    cut = {"year": 4, "month": 7}.get(d["date_precision"], 10)
    if d["start"] and not d["end"]:
        return f"since {d['start'][:cut]}"
    if d["end"] and not d["start"]:
        return f"until {d['end'][:cut]}"
    return _date_text(d["start"], d["end"])
