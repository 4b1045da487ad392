"""Reading ACLED's CSV exports: records by line, the layout from the header, rows checked into events.

Lines are decoded one by one, so a byte that is not UTF-8 is named by its own line; the delimiter
(comma, semicolon or tab) is taken from the header line. A dyadic file's rows are grouped by
event id whatever their order, and the two sides told apart by their inter codes.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import MalikgError
from .codebook import (_COLUMN_ALIASES, _DATE_FORMATS, DELIMITERS, MAX_FATALITIES, MAX_FIELD, PLACE_LEVELS,
                       REQUIRED_COLUMNS, SIDED_TYPES, Codebook, Progress)
from .names import normal as _normal
from .report import BadRow, ImportReport

_WHOLE = re.compile(r"^[0-9]+$")            # ASCII digits only: "²".isdigit() is true
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_DECIMAL_COMMA = re.compile(r"^[+-]?[0-9]+,[0-9]+$")
_CIVILIANS = 7


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
    """The file's physical lines, decoded one at a time and numbered; lines of a record found
    broken can be handed back."""

    def __init__(self, raw, path: str):
        self._raw = raw
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
            data = self._raw.readline()
            if not data:
                raise StopIteration
            self.count += 1
            number = self.count
            if number == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError as error:
                byte = data[error.start]
                raise MalikgError(f"line {number} is not UTF-8 text (byte 0x{byte:02x} at character "
                                  f"{error.start + 1}; a Latin-1 or Windows file? save it as UTF-8)",
                                  file=self._path) from None
        self.taken.append((number, line))
        return line

    def give_back(self, lines: list[tuple[int, str]]) -> None:
        self._pending.extend(reversed(lines))


def _delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most of ACLED's required columns."""
    def found(delimiter: str) -> int:
        names = {h.strip().lower() for h in next(csv.reader([header_line], delimiter=delimiter), [])}
        names = {_COLUMN_ALIASES.get(n, n) for n in names}
        return sum(c in names for c in REQUIRED_COLUMNS)
    return max(DELIMITERS, key=found)


def _records(lines: _Lines, delimiter: str) -> Iterator[_Record]:
    """Records with the line they start on. A record with broken quoting is reported, and when
    it swallowed the lines after it (an unclosed quote), those lines are read again."""
    reader = csv.reader(lines, strict=True, delimiter=delimiter)
    width, row = None, 0
    while True:
        lines.taken = []
        try:
            fields_ = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            taken, row = lines.taken, row + 1
            reason = (f"a cell is longer than {MAX_FIELD:,} characters, the limit"
                      if "field larger" in str(error) else f"broken quoting: {error}")
            yield _Record(taken[0][0] if taken else lines.count, row, None, reason, taken[0][1] if taken else "")
            lines.give_back(taken[1:])
            continue
        taken, row = lines.taken, row + 1
        if width is None:
            width = len(fields_)
        elif fields_ and len(fields_) != width and len(taken) > 1:
            yield _Record(taken[0][0], row, None,
                          "broken quoting: a quoted field runs over the following lines", taken[0][1])
            lines.give_back(taken[1:])
            continue
        yield _Record(taken[0][0], row, fields_)


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
    data_id: str = ""
    lines: list[int] = field(default_factory=list)   # every line of a dyadic event

    #: What every row of one dyadic event must agree on, with the words the report uses.
    EVENT_FIELDS = {"date": "event_date", "precision": "time_precision", "sub_type": "sub_event_type",
                    "places": "place", "latitude": "latitude", "longitude": "longitude",
                    "geo_precision": "geo_precision", "notes": "notes", "fatalities": "fatalities",
                    "interaction": "interaction", "timestamp": "timestamp"}

    def disagreements(self, other: _Row) -> list[str]:
        return [column for name, column in self.EVENT_FIELDS.items()
                if getattr(self, name) != getattr(other, name)]




def _whole(text: str, column: str, limit: int | None = None) -> int | None:
    if not text:
        return None
    if not _WHOLE.match(text):
        raise _BadRow(f"{column} must be a whole number written with the digits 0-9, not {text!r}")
    if limit is not None and (len(text) > 12 or int(text) > limit):
        raise _BadRow(f"{column} {text} is over the limit of {limit:,} for one event")
    return int(text)


class _RowParser:
    def __init__(self, header: list[str], book: Codebook, delimiter: str):
        self.header = header
        self.columns = set(header)
        self.book = book
        self.decimal_comma = delimiter != ","

    def parse(self, fields_: list[str], line: int, row: int) -> _Row:
        if len(fields_) != len(self.header):
            raise _BadRow(f"has {len(fields_)} fields; the header has {len(self.header)}")
        values = dict(zip(self.header, (f.strip() for f in fields_)))
        get = values.get
        acled_id = get("event_id_cnty", "")
        if not acled_id:
            raise _BadRow("missing event_id_cnty")
        date_text = get("event_date", "")
        date = _parse_date(date_text)
        year = get("year", "")
        if year and year != str(date.year):
            raise _BadRow(f"year {year!r} does not match event_date {date_text!r}")
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
        latitude, longitude = self._coordinates(get("latitude", ""), get("longitude", ""))
        geo = get("geo_precision", "")
        if geo not in ("", "1", "2", "3"):
            raise _BadRow(f"geo_precision must be 1, 2 or 3, not {geo!r}")
        fatalities = _whole(get("fatalities", ""), "fatalities", MAX_FATALITIES)
        notes = get("notes", "")
        if not notes:
            raise _BadRow("empty notes: an ACLED account is imported with its notes as the quote")
        return _Row(acled_id, line, row, date, date_text, int(precision), sub[0], event_type, actors,
                    interaction, civilian, get("disorder_type", ""), places, latitude, longitude,
                    int(geo) if geo else None, get("source", ""), get("source_scale", ""),
                    notes, fatalities, get("tags", ""),
                    _parse_timestamp(get("timestamp", "")), get("data_id", ""), [line])

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
        if _WHOLE.match(text) and 1 <= int(text) <= 8:
            return int(text)
        code = self.book.inter_names.get(_normal(text))
        if code is None:
            raise _BadRow(f"unknown {column} {text!r} (a code 1-8 or ACLED's actor-type name)")
        return code

    def _interaction(self, text: str) -> int | None:
        """The interaction column as a number ("17", or "State forces-Civilians"); None if blank."""
        if _WHOLE.match(text):
            if len(text) > 2:
                raise _BadRow(f"interaction {text!r} is not two inter codes")
            return int(text)
        parts = [p.strip() for p in re.split(r"-| only$", text) if p.strip()]
        codes = [self.book.inter_names.get(_normal(p)) for p in parts]
        if text and (not codes or None in codes):
            raise _BadRow(f"unknown interaction {text!r}")
        return _interaction_code(codes) if codes else None

    def _coordinates(self, latitude: str, longitude: str) -> tuple[str | None, str | None]:
        if not latitude and not longitude:
            return None, None
        found = []
        for name, text, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
            if self.decimal_comma and _DECIMAL_COMMA.match(text):
                text = text.replace(",", ".")  # a spreadsheet saved in a locale that writes 14,35
            if not _DECIMAL.match(text):
                raise _BadRow(f"{name} {text!r} is not a decimal number")
            if abs(float(text)) > limit:
                raise _BadRow(f"impossible coordinates: {name} {text} is outside -{limit}..{limit}")
            found.append(text)
        return found[0], found[1]


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
        if _WHOLE.match(text):
            return dt.datetime.fromtimestamp(int(text), dt.timezone.utc)
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise _BadRow(f"timestamp {text!r} is neither Unix seconds nor an ISO date-time") from None


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


def _is_hxl(fields_: list[str]) -> bool:
    cells = [f.strip() for f in fields_ if f.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _rows(path: Path, book: Codebook, report: ImportReport, progress: Progress | None) -> Iterator[_Row]:
    """Checked events of the file, dyadic rows merged; bad rows go to ``report.bad_rows``."""
    try:
        raw = open(path, "rb")
    except OSError as error:
        raise MalikgError(f"cannot read: {error.strerror}", file=str(path)) from None
    total = os.fstat(raw.fileno()).st_size
    with raw:
        lines = _Lines(raw, str(path))
        first_line = next(lines, "")
        lines.give_back([(1, first_line)])
        delimiter = _delimiter(first_line)
        if delimiter != ",":
            report.delimiter = {";": "semicolon", "\t": "tab"}[delimiter]
        records = _records(lines, delimiter)
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
        parser = _RowParser(layout.header, book, delimiter)
        id_column = layout.header.index("event_id_cnty")
        seen: dict[str, int] = {}
        groups: dict[str, list[_Row]] = {}

        def bad(record_line: int, record_row: int, event_id: str, reason: str) -> None:
            report.bad_rows.append(BadRow(record_line, record_row, event_id, reason))

        stream = records if pending is None else _chain(pending, records)
        for count, record in enumerate(stream, start=1):
            if progress is not None and count % 2000 == 0:
                progress(raw.tell(), total)
            if record.fields is not None and not any(f.strip() for f in record.fields):
                continue  # a blank line
            report.rows += 1
            if record.fields is None:
                try:  # lenient, only to name the row
                    loose = next(csv.reader([record.text[:MAX_FIELD]], delimiter=delimiter), [])
                except csv.Error:
                    loose = []
                bad(record.line, record.row, loose[id_column].strip() if len(loose) > id_column else "",
                    record.error)
                continue
            event_id = record.fields[id_column].strip() if len(record.fields) == len(layout.header) else ""
            try:
                row = parser.parse(record.fields, record.line, record.row)
            except _BadRow as error:
                bad(record.line, record.row, event_id, str(error))
                continue
            if layout.dyadic:
                groups.setdefault(row.acled_id, []).append(row)
                continue
            if row.acled_id in seen:
                bad(row.line, row.row, row.acled_id, f"duplicate event_id_cnty (first on line {seen[row.acled_id]})")
                continue
            seen[row.acled_id] = row.line
            yield row
        for group in groups.values():
            merged = _merge(group, report)
            if merged is not None:
                yield merged
        if progress is not None:
            progress(total, total)


def _chain(first, rest):
    yield first
    yield from rest


def _merge(group: list[_Row], report: ImportReport) -> _Row | None:
    """A dyadic event's rows as one event, or None (reported) when its rows cannot be one event.

    Which row is actor1's side does not depend on the rows' order: in a one-sided event
    (violence against civilians, remote violence, ...) the civilians' row (inter 7) is the
    target's; between sides (battles, agreements) the lower inter code, then the name, comes first.
    """
    first = group[0]
    if len(group) == 1:
        return first
    if len(group) > 2:
        lines = ", ".join(str(r.line) for r in group)
        report.bad_rows.append(BadRow(first.line, first.row, first.acled_id,
                                      f"{len(group)} actor rows for one event (lines {lines}); a dyadic "
                                      "file has one row per actor of the pair: event skipped"))
        return None
    second = group[1]
    differ = first.disagreements(second)
    if differ:
        report.bad_rows.append(BadRow(second.line, second.row, first.acled_id,
                                      f"the rows of one event disagree on {', '.join(differ)} (lines "
                                      f"{first.line} and {second.line}): event skipped"))
        return None
    main = {id(r): next((a for a in r.actors if not a.associated), None) for r in group}
    codes = {id(r): (main[id(r)].code if main[id(r)] else None) for r in group}
    if first.sub_type in SIDED_TYPES:
        ordered = sorted(group, key=lambda r: (codes[id(r)] or 9, _normal(main[id(r)].name if main[id(r)] else "")))
    elif (codes[id(first)] == _CIVILIANS) != (codes[id(second)] == _CIVILIANS):
        ordered = sorted(group, key=lambda r: codes[id(r)] == _CIVILIANS)
    else:
        ordered = group
        report.notes.append(f"line {first.line} [{first.acled_id}]: the two rows' inter codes "
                            f"({codes[id(first)]}, {codes[id(second)]}) do not tell actor1 from actor2 "
                            "in a one-sided event; the first row in the file is taken as actor1")
    one, two = ordered
    actors = [a for a in one.actors if a.side == 1]
    actors += [_Actor(a.name, a.code, 2, a.associated) for a in two.actors if a.side == 1]
    return replace(first, actors=actors, lines=sorted(first.lines + second.lines),
                   data_id=one.data_id)
