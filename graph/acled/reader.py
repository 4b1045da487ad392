"""Reading ACLED's CSV exports: records by line, the layout from the header, rows checked into events."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import MalikgError
from .codebook import (_COLUMN_ALIASES, _DATE_FORMATS, _DECIMAL, PLACE_LEVELS, REQUIRED_COLUMNS, Codebook,
                       Progress)
from .names import normal as _normal
from .report import BadRow, ImportReport


class _BadRow(Exception):
    pass


@dataclass
class _Record:
    line: int
    row: int
    fields: list[str] | None
    error: str | None = None
    text: str = ""          # the record's first line, for naming a broken one


class _Lines:
    """The file's physical lines, numbered; lines of a record found broken can be handed back."""

    def __init__(self, stream, path: str):
        self._stream = stream
        self._path = path
        self._pending: list[tuple[int, str]] = []
        self.count = 0
        self.taken: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._pending:
            number, line = self._pending.pop()
        else:
            try:
                line = next(self._stream)
            except UnicodeDecodeError:
                raise MalikgError(f"not UTF-8 text (line {self.count + 1})", file=self._path) from None
            self.count += 1
            number = self.count
        self.taken.append((number, line))
        return line

    def give_back(self, lines: list[tuple[int, str]]) -> None:
        self._pending.extend(reversed(lines))


def _records(stream, path: str) -> Iterator[_Record]:
    """Records with the line they start on. A record with broken quoting is reported, and when
    it swallowed the lines after it (an unclosed quote), those lines are read again."""
    lines = _Lines(stream, path)
    reader = csv.reader(lines, strict=True)
    width, row = None, 0
    while True:
        lines.taken = []
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            taken, row = lines.taken, row + 1
            yield _Record(taken[0][0] if taken else lines.count, row, None, f"broken quoting: {error}",
                          taken[0][1] if taken else "")
            lines.give_back(taken[1:])
            continue
        taken, row = lines.taken, row + 1
        if width is None:
            width = len(fields)
        elif fields and len(fields) != width and len(taken) > 1:
            yield _Record(taken[0][0], row, None,
                          "broken quoting: a quoted field runs over the following lines", taken[0][1])
            lines.give_back(taken[1:])
            continue
        yield _Record(taken[0][0], row, fields)


@dataclass
class _Actor:
    name: str
    code: int | None
    side: int          # 1: actor1's side, 2: actor2's
    associated: bool


@dataclass
class _Row:
    """One ACLED event, checked."""

    acled_id: str
    line: int
    row: int
    date: dt.date
    date_text: str
    precision: int
    sub_type: str
    event_type: str
    actors: list[_Actor]
    interaction: int | None
    civilian_targeting: bool | None
    disorder_type: str
    places: dict[str, str]
    latitude: str | None
    longitude: str | None
    geo_precision: int | None
    source: str
    source_scale: str
    notes: str
    fatalities: int | None
    tags: str
    timestamp: dt.datetime | None

    def event_fields(self) -> tuple:
        """What every row of one dyadic event must agree on."""
        return (self.date, self.precision, self.sub_type, self.places, self.latitude, self.longitude,
                self.geo_precision, self.notes, self.fatalities)


class _RowParser:
    def __init__(self, header: list[str], book: Codebook):
        self.header = header
        self.columns = set(header)
        self.book = book

    def parse(self, fields: list[str], line: int, row: int) -> _Row:
        if len(fields) != len(self.header):
            raise _BadRow(f"has {len(fields)} fields; the header has {len(self.header)}")
        values = dict(zip(self.header, (f.strip() for f in fields)))
        get = values.get
        acled_id = get("event_id_cnty", "")
        if not acled_id:
            raise _BadRow("missing event_id_cnty")
        date_text = get("event_date", "")
        date = _parse_date(date_text)
        year = get("year", "")
        if year and year != str(date.year):
            raise _BadRow(f"year {year} does not match event_date {date_text!r}")
        precision = get("time_precision", "")
        if precision not in ("1", "2", "3"):
            raise _BadRow(f"time_precision must be 1, 2 or 3, not {precision!r}")
        event_type = self.book.event_types.get(_normal(get("event_type", "")))
        if event_type is None:
            raise _BadRow(f"unknown event_type {get('event_type', '')!r}")
        sub = self.book.sub_event_types.get(_normal(get("sub_event_type", "")))
        if sub is None:
            raise _BadRow(f"unknown sub_event_type {get('sub_event_type', '')!r}")
        if sub[1] != event_type:
            raise _BadRow(f"sub_event_type {get('sub_event_type')!r} is not a kind of "
                          f"{get('event_type')!r}")
        actors = self._actors(values)
        interaction = self._interaction(get("interaction", ""))
        civilian = None
        if "civilian_targeting" in self.columns:
            flag = _normal(get("civilian_targeting", ""))
            if flag not in ("", "civilian targeting"):
                raise _BadRow(f"civilian_targeting must be empty or 'Civilian targeting', not "
                              f"{get('civilian_targeting')!r}")
            civilian = flag != ""
        places = {level: get(level, "") for level in PLACE_LEVELS if get(level, "")}
        for level in ("country", "location"):
            if level not in places:
                raise _BadRow(f"missing {level}")
        latitude, longitude = _coordinates(get("latitude", ""), get("longitude", ""))
        geo = get("geo_precision", "")
        if geo not in ("", "1", "2", "3"):
            raise _BadRow(f"geo_precision must be 1, 2 or 3, not {geo!r}")
        fatalities = get("fatalities", "")
        if fatalities and not fatalities.isdigit():
            raise _BadRow(f"fatalities must be a whole number, not {fatalities!r}")
        return _Row(acled_id, line, row, date, date_text, int(precision), sub[0], event_type, actors,
                    interaction, civilian, get("disorder_type", ""), places, latitude, longitude,
                    int(geo) if geo else None, get("source", ""), get("source_scale", ""),
                    get("notes", ""), int(fatalities) if fatalities else None, get("tags", ""),
                    _parse_timestamp(get("timestamp", "")))

    def _actors(self, values: dict[str, str]) -> list[_Actor]:
        actors = []
        for side, main, associated, inter in ((1, "actor1", "assoc_actor_1", "inter1"),
                                              (2, "actor2", "assoc_actor_2", "inter2")):
            name = values.get(main, "")
            code = self._inter(values.get(inter, ""), inter)
            if name:
                actors.append(_Actor(name, code, side, False))
            elif side == 1:
                raise _BadRow("missing actor1")
            for other in values.get(associated, "").split(";"):
                if other.strip():
                    actors.append(_Actor(other.strip(), None, side, True))
        return actors

    def _inter(self, text: str, column: str) -> int | None:
        if text in ("", "0"):
            return None
        if text.isdigit() and 1 <= int(text) <= 8:
            return int(text)
        code = self.book.inter_names.get(_normal(text))
        if code is None:
            raise _BadRow(f"unknown {column} {text!r} (a code 1-8 or ACLED's actor-type name)")
        return code

    def _interaction(self, text: str) -> int | None:
        """The interaction column as a number ("17", or "State forces-Civilians"); None if blank."""
        if text.isdigit():
            return int(text)
        parts = [p.strip() for p in re.split(r"-| only$", text) if p.strip()]
        codes = [self.book.inter_names.get(_normal(p)) for p in parts]
        return _interaction_code(codes) if codes and None not in codes else None


def _interaction_code(codes: list[int | None]) -> int | None:
    """ACLED's interaction: the two inter codes, lower first (17); one actor alone is code * 10."""
    codes = sorted(c for c in codes if c)
    if not codes:
        return None
    return codes[0] * 10 if len(codes) == 1 else codes[0] * 10 + codes[1]


def _parse_date(text: str) -> dt.date:
    if not text:
        raise _BadRow("missing event_date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _BadRow(f"event_date {text!r} is neither YYYY-MM-DD nor 'DD Month YYYY'")


def _parse_timestamp(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        if text.isdigit():
            return dt.datetime.fromtimestamp(int(text), dt.timezone.utc)
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise _BadRow(f"timestamp {text!r} is neither Unix seconds nor an ISO date-time") from None


def _coordinates(latitude: str, longitude: str) -> tuple[str | None, str | None]:
    if not latitude and not longitude:
        return None, None
    for name, text, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if not _DECIMAL.match(text):
            raise _BadRow(f"{name} {text!r} is not a decimal number")
        if abs(float(text)) > limit:
            raise _BadRow(f"impossible coordinates: {name} {text} is outside -{limit}..{limit}")
    return latitude, longitude


@dataclass
class _Layout:
    header: list[str]
    name: str
    dyadic: bool


def _layout(header: list[str], hxl: bool, path: str) -> _Layout:
    names = [h.strip().lower() for h in header]
    names = [_COLUMN_ALIASES.get(h, h) if "actor1" not in names else h for h in names]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise MalikgError(f"not an ACLED export: missing column(s) {', '.join(missing)}", file=path)
    dyadic = "actor2" not in names
    columns = "current" if "disorder_type" in names else "pre-2022"
    name = f"dyadic ({columns} columns)" if dyadic else columns
    if hxl:
        name = f"HDX ({name}, HXL tag line)"
    return _Layout(names, name, dyadic)


def _is_hxl(fields: list[str]) -> bool:
    cells = [f.strip() for f in fields if f.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _rows(path: Path, book: Codebook, report: ImportReport, progress: Progress | None) -> Iterator[_Row]:
    """Checked events of the file, dyadic rows merged; bad rows go to ``report.bad_rows``."""
    try:
        raw = open(path, "rb")
    except OSError as error:
        raise MalikgError(f"cannot read: {error.strerror}", file=str(path)) from None
    total = os.fstat(raw.fileno()).st_size
    with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        records = _records(text, str(path))
        first = next(records, None)
        if first is None or not first.fields:
            problem = first.error if first is not None and first.error else "no header line"
            raise MalikgError(f"not an ACLED export: {problem}", file=str(path))
        pending = next(records, None)
        hxl = pending is not None and pending.fields is not None and _is_hxl(pending.fields)
        if hxl:
            pending = next(records, None)
        layout = _layout(first.fields, hxl, str(path))
        report.layout = layout.name
        parser = _RowParser(layout.header, book)
        id_column = layout.header.index("event_id_cnty")
        seen: dict[str, int] = {}
        group: list[_Row] = []

        def bad(record_line: int, record_row: int, event_id: str, reason: str) -> None:
            report.bad_rows.append(BadRow(record_line, record_row, event_id, reason))

        def flush() -> Iterator[_Row]:
            if group:
                yield _merge(group)
                group.clear()

        stream = records if pending is None else _chain(pending, records)
        for count, record in enumerate(stream, start=1):
            if progress is not None and count % 2000 == 0:
                progress("reading", raw.tell(), total)
            if record.fields is not None and not any(f.strip() for f in record.fields):
                continue  # a blank line
            report.rows += 1
            if record.fields is None:
                loose = next(csv.reader([record.text]), [])  # lenient, only to name the row
                bad(record.line, record.row, loose[id_column].strip() if len(loose) > id_column else "",
                    record.error)
                continue
            event_id = record.fields[id_column].strip() if len(record.fields) == len(layout.header) else ""
            try:
                row = parser.parse(record.fields, record.line, record.row)
            except _BadRow as error:
                bad(record.line, record.row, event_id, str(error))
                continue
            if layout.dyadic and group and group[0].acled_id == row.acled_id:
                if len(group) == 2:
                    bad(row.line, row.row, row.acled_id, "a third actor row for one event (a dyadic "
                        "file has one row per actor of the pair)")
                elif row.event_fields() != group[0].event_fields():
                    bad(row.line, row.row, row.acled_id, f"disagrees with line {group[0].line} on the "
                        "event's date, type, place, notes or fatalities")
                else:
                    group.append(row)
                continue
            if row.acled_id in seen:
                bad(row.line, row.row, row.acled_id, f"duplicate event_id_cnty (first on line {seen[row.acled_id]})")
                continue
            seen[row.acled_id] = row.line
            yield from flush()
            group.append(row)
        yield from flush()
        if progress is not None:
            progress("reading", total, total)


def _chain(first, rest):
    yield first
    yield from rest


def _merge(group: list[_Row]) -> _Row:
    """A dyadic event's rows as one: the first row's actors are actor1's side, the second's actor2's."""
    if len(group) == 1:
        return group[0]
    first, second = group
    actors = [a for a in first.actors if a.side == 1]
    actors += [_Actor(a.name, a.code, 2, a.associated) for a in second.actors if a.side == 1]
    return _Row(**{**first.__dict__, "actors": actors})
