"""ACLED interoperability: import ACLED's CSV exports into the graph, export incidents in ACLED's layout.

Import (``import_csv``) reads every ACLED layout by its header: the current columns, the
pre-2022 ones (no disorder_type, civilian_targeting or tags), HDX copies (a second header line
of HXL tags) and "dyadic" files (one row per actor of an event, no actor2 column). Rows are
streamed one by one, checked, and written as N-Triples to a temporary file that the store then
bulk-loads in one all-or-nothing load. ACLED's actor and place names are resolved to the
graph's own through the alias table ``seeds/acled-aliases.csv`` and the graph's labels; other
names become new actors and places. Every IRI is minted from ``event_id_cnty`` and the names, so
importing a file again adds nothing.

Export (``export_csv``) writes every ``mk:Incident`` as one row of ACLED's current layout.

The model is that of docs/model.md; the ACLED wording of event types and actor types comes from
the ``acled:`` mirror concepts of ontology/vocabulary.ttl, not from a table here.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .errors import MalikgError
from .files import write_atomic
from .namespaces import GEO, MK, MKV, OA, SEM, base_iri
from .resources import ontology_dir, seeds_dir
from .store import Progress  # progress(done, total): bytes of the CSV read, then of N-Triples loaded

#: ACLED's current export columns, in order: what ``export_csv`` writes.
CURRENT_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
#: Columns every layout has.
REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
                    "actor1", "country", "location")
#: Dyadic files may name the one actor's columns without the "1".
_COLUMN_ALIASES = {"actor": "actor1", "assoc_actor": "assoc_actor_1", "inter": "inter1"}

#: Alias-table kinds: an actor, a place at any level, or a place at one ACLED level only.
ALIAS_KINDS = ("actor", "place", "country", "admin1", "admin2", "admin3", "location")
#: ACLED's place columns, top down, with the mk:adminLevel a matching place has (None: no level).
PLACE_LEVELS = {"country": 0, "admin1": 1, "admin2": 2, "admin3": 3, "location": None}
_DEPTH = {"country": 0, "admin1": 1, "admin2": 2, "admin3": 3, "location": 4}

#: Sub-event types whose two actors are sides rather than perpetrator and target.
SIDED_TYPES = frozenset({"armed-clash", "government-regains-territory",
                         "non-state-actor-overtakes-territory", "peaceful-protest",
                         "protest-with-intervention", "agreement"})
#: Event types that are about civic space rather than armed conflict.
CIVIC_EVENT_TYPES = frozenset({"protests", "riots"})
#: The participation note that marks ACLED's associated actors (assoc_actor_1, assoc_actor_2).
ASSOCIATED_NOTE = "associated actor in ACLED"
#: The prefix of the event_id_cnty that export gives malikg's own incidents.
OWN_ID_PREFIX = "MKG-"
#: ACLED's numeric ISO code and region for the countries the graph covers.
COUNTRY_CODES = {"mali": ("466", "Western Africa")}
#: disorder_type as ACLED derives it from the event type, where the sub-event type does not decide.
_DISORDER = {"battles": "Political violence", "explosions-remote-violence": "Political violence",
             "violence-against-civilians": "Political violence", "protests": "Demonstrations",
             "riots": "Demonstrations", "strategic-developments": "Strategic developments"}
_DISORDER_BY_SUB = {"excessive-force-against-protesters": "Political violence; Demonstrations",
                    "mob-violence": "Political violence"}
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


# ---------------------------------------------------------------------------
# ACLED's codebook, as the vocabulary mirrors it
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Codebook:
    """The ACLED terms of ontology/vocabulary.ttl, both ways."""

    #: normalised ACLED sub-event wording -> (mkv: sub-event slug, mkv: event-type slug)
    sub_event_types: dict[str, tuple[str, str]]
    #: normalised ACLED event-type wording -> mkv: slug
    event_types: dict[str, str]
    #: mkv: slug (event type or sub-event type) -> ACLED's exact wording
    wording: dict[str, str]
    #: mkv: sub-event slug -> mkv: event-type slug
    parent_types: dict[str, str]
    #: normalised ACLED actor-type wording ("Rebel group") -> inter code
    inter_names: dict[str, int]
    #: inter code -> mkv: actor-type slug
    actor_types: dict[int, str]
    #: mkv: date-precision slug -> ACLED time_precision
    time_precisions: dict[str, int]
    #: mkv: place-type slug -> ACLED geo_precision (from the UCDP where_prec each type matches)
    geo_precisions: dict[str, int]


@lru_cache(maxsize=1)
def codebook() -> Codebook:
    store = ox.Store()
    store.load(path=str(ontology_dir() / "vocabulary.ttl"), format=ox.RdfFormat.TURTLE)

    def rows(text: str):
        header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (
            ("skos", str(SKOS)), ("mkv", str(MKV)), ("mk", str(MK)),
            ("ucdp", "https://w3id.org/malikg/ext/ucdp#")))
        return [tuple(_value(term) for term in row) for row in store.query(header + text)]

    sub_event_types, event_types, wording = {}, {}, {}
    for concept, label, parent in rows("""
            SELECT ?concept ?label ?parent WHERE {
              ?concept skos:inScheme mkv:EventTypes ; skos:exactMatch ?acled .
              ?acled skos:prefLabel ?label .
              OPTIONAL { ?concept skos:broader ?parent }
            }"""):
        slug = _local(concept)
        wording[slug] = label
        if parent is None:
            event_types[_normal(label)] = slug
        else:
            sub_event_types[_normal(label)] = (slug, _local(parent))
    inter_names, actor_types = {}, {}
    for concept, label, notation in rows("""
            SELECT ?concept ?label ?notation WHERE {
              ?concept skos:inScheme mkv:ActorTypes ; skos:exactMatch ?acled .
              ?acled skos:prefLabel ?label ; skos:notation ?notation .
            }"""):
        inter_names[_normal(label)] = int(notation)
        actor_types[int(notation)] = _local(concept)
    time_precisions = {_local(c): int(n) for c, n in rows(
        "SELECT ?c ?n WHERE { ?c mk:acledTimePrecision ?n }")}
    geo_precisions = {}
    for place_type, where in rows("""
            SELECT ?type ?where WHERE {
              ?type skos:inScheme mkv:PlaceTypes .
              OPTIONAL { ?type skos:closeMatch ?m . ?m skos:inScheme ucdp:Codebook ; skos:notation ?where .
                         FILTER(STRSTARTS(STR(?m), STR(ucdp:where-prec-))) }
            }"""):
        # where_prec 1 exact place; 2 around a place, 3 a district: ACLED's "near / part of a
        # region"; 4 and above (province, country) or unmatched: a large part of a region.
        code = int(where) if where is not None else 9
        geo_precisions[_local(place_type)] = 1 if code <= 1 else 2 if code <= 3 else 3
    parent_types = dict(sub_event_types.values())
    return Codebook(sub_event_types, event_types, wording, parent_types, inter_names, actor_types,
                    time_precisions, geo_precisions)


# ---------------------------------------------------------------------------
# Names: normalising, slugs, the alias table
# ---------------------------------------------------------------------------

def _normal(name: str) -> str:
    """A name as compared: accents, case, apostrophe style and spacing ignored."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.casefold().split())


def slugify(name: str) -> str:
    """A lowercase slug for an IRI; names with no Latin letters or digits get a hash."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "x" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class Alias:
    kind: str
    acled_name: str
    malikg_id: str
    file: str
    line: int


class AliasTable:
    """ACLED names -> malikg ids. Later tables win over earlier ones; in one table, the first row
    for an id is the name ``export_csv`` writes for it."""

    def __init__(self, tables: list[list[Alias]]):
        self.tables = tables
        self._lookup: dict[tuple[str, str], Alias] = {}
        for table in tables:
            for alias in table:
                self._lookup[(alias.kind, _normal(alias.acled_name))] = alias

    def find(self, kinds: Iterable[str], name: str) -> Alias | None:
        key = _normal(name)
        for kind in kinds:
            alias = self._lookup.get((kind, key))
            if alias is not None:
                return alias
        return None

    def acled_name(self, kinds: Iterable[str], malikg_id: str) -> str | None:
        for kind in kinds:
            for table in reversed(self.tables):
                for alias in table:
                    if alias.kind == kind and alias.malikg_id == malikg_id:
                        return alias.acled_name
        return None

    def __iter__(self) -> Iterator[Alias]:
        for table in self.tables:
            yield from table


def default_aliases_path() -> Path:
    return seeds_dir() / "acled-aliases.csv"


def read_aliases(*extra: str | os.PathLike) -> AliasTable:
    """The bundled alias table plus ``extra`` tables (columns kind, acled_name, malikg_id)."""
    return AliasTable([_read_alias_file(Path(p)) for p in (default_aliases_path(), *extra)])


def _read_alias_file(path: Path) -> list[Alias]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise MalikgError(f"cannot read the alias table: {error.strerror}", file=str(path)) from None
    except UnicodeDecodeError:
        raise MalikgError("the alias table is not UTF-8 text", file=str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if header[:3] != ["kind", "acled_name", "malikg_id"]:
            raise MalikgError("the alias table's header must be: kind,acled_name,malikg_id", file=str(path))
        aliases, seen = [], {}
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) < 3:
                raise MalikgError("needs three columns: kind,acled_name,malikg_id", file=str(path),
                                  record=f"line {line}")
            kind, name, target = (f.strip() for f in fields[:3])
            if kind not in ALIAS_KINDS:
                raise MalikgError(f"unknown kind {kind!r}; expected one of: {', '.join(ALIAS_KINDS)}",
                                  file=str(path), record=f"line {line}", field="kind")
            if not name or not target:
                raise MalikgError("empty name or id", file=str(path), record=f"line {line}")
            key = (kind, _normal(name))
            if key in seen and seen[key].malikg_id != target:
                raise MalikgError(f"{name!r} is already mapped to {seen[key].malikg_id!r} on line "
                                  f"{seen[key].line}", file=str(path), record=f"line {line}")
            alias = Alias(kind, name, target, str(path), line)
            seen.setdefault(key, alias)
            aliases.append(alias)
    except csv.Error as error:
        raise MalikgError(f"broken CSV: {error}", file=str(path), record=f"line {reader.line_num}") from None
    return aliases


# ---------------------------------------------------------------------------
# The import report
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class NameMatch:
    """How one ACLED name was resolved: ``how`` is "alias", "label" or "new"."""

    kind: str          # actor, country, admin1, admin2, admin3 or location
    acled_name: str
    malikg_id: str
    how: str
    events: int


@dataclass(frozen=True)
class BadRow:
    """A skipped row. ``line`` counts the file's lines from 1 (the header); ``row`` is the
    spreadsheet row, which differs only after a note that runs over several lines."""

    line: int
    row: int
    event_id: str
    reason: str

    def where(self) -> str:
        spot = f"line {self.line}" if self.row == self.line else f"line {self.line} (spreadsheet row {self.row})"
        return f"{spot}{f' [{self.event_id}]' if self.event_id else ''}"

    def text(self) -> str:
        return f"{self.where()}: {self.reason}"


@dataclass
class ImportReport:
    """What ``import_csv`` did; ``render()`` is what ``malikg import-acled`` prints."""

    file: str
    layout: str = ""
    rows: int = 0
    events: int = 0
    new_events: int = 0
    own_events: int = 0
    triples_added: int = 0
    loaded: bool = False
    names: list[NameMatch] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    missing_alias_targets: list[Alias] = field(default_factory=list)

    @property
    def actors(self) -> list[NameMatch]:
        return [n for n in self.names if n.kind == "actor"]

    @property
    def places(self) -> list[NameMatch]:
        return [n for n in self.names if n.kind != "actor"]

    def matched(self, kind: str | None = None) -> dict[str, str]:
        """ACLED name -> malikg id for the names found in the graph (``kind`` "actor" or a place level)."""
        return {n.acled_name: n.malikg_id for n in self.names
                if n.how != "new" and (kind is None or n.kind == kind)}

    def unmatched(self, kind: str | None = None) -> dict[str, str]:
        """ACLED name -> the new id minted for it."""
        return {n.acled_name: n.malikg_id for n in self.names
                if n.how == "new" and (kind is None or n.kind == kind)}

    def events_by_actor(self) -> dict[str, int]:
        """malikg actor id -> events imported in which it takes part (under any of its ACLED names)."""
        totals: Counter = Counter()
        for n in self.actors:
            totals[n.malikg_id] += n.events
        return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))

    def render(self) -> str:
        present = self.events - self.new_events
        lines = [f"ACLED import of {self.file} (layout: {self.layout})",
                 f"  {_plural(self.rows, 'row')} read: {_plural(self.events, 'event')} ({self.new_events} new, "
                 f"{present} already in the store), {_plural(self.own_events, 'own incident')} of malikg's "
                 f"already in the store, {_plural(len(self.bad_rows), 'bad row')} skipped",
                 f"  {self.triples_added} triples added to the store" if self.loaded else "  nothing was loaded"]
        for title, names in (("actors matched", [n for n in self.actors if n.how != "new"]),
                             ("actors not matched (new actors)", [n for n in self.actors if n.how == "new"]),
                             ("places matched", [n for n in self.places if n.how != "new"]),
                             ("places not matched (new places)", [n for n in self.places if n.how == "new"])):
            lines.append(f"{title}: {len(names)}")
            width = max((len(self._shown(n)) for n in names), default=0)
            for n in names:
                how = "" if n.how == "new" else f"  by {n.how}"
                lines.append(f"  {self._shown(n).ljust(width)}  -> {n.malikg_id}{how}  "
                             f"({_plural(n.events, 'event')})")
        totals = self.events_by_actor()
        lines.append(f"events per actor: {len(totals)}")
        width = max((len(a) for a in totals), default=0)
        lines.extend(f"  {actor.ljust(width)}  {n:>6}" for actor, n in totals.items())
        if self.missing_alias_targets:
            lines.append("alias rows whose id is not in the graph (ignored):")
            lines.extend(f"  {a.file}, line {a.line}: {a.kind} {a.acled_name!r} -> {a.malikg_id}"
                         for a in self.missing_alias_targets)
        if self.bad_rows:
            lines.append(f"bad rows: {len(self.bad_rows)} (line 1 is the header)")
            lines.extend(f"  {bad.text()}" for bad in self.bad_rows)
        return "\n".join(lines) + "\n"

    @staticmethod
    def _shown(n: NameMatch) -> str:
        return n.acled_name if n.kind == "actor" else f"{n.kind} {n.acled_name}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class AcledImportFailed(MalikgError):
    """--strict and the file has bad rows: nothing was loaded. ``report`` lists them all."""

    def __init__(self, report: ImportReport):
        self.report = report
        first = report.bad_rows[0]
        more = f" (and {len(report.bad_rows) - 1} more bad rows)" if len(report.bad_rows) > 1 else ""
        super().__init__(f"{first.text()}{more}; --strict: nothing was loaded", file=report.file)


# ---------------------------------------------------------------------------
# Reading the CSV
# ---------------------------------------------------------------------------

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


def _csv_rows(path: Path, book: Codebook, report: ImportReport, progress: Progress | None) -> Iterator[_Row]:
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
                progress(raw.tell(), total)
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
            progress(total, total)


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


# ---------------------------------------------------------------------------
# Resolving names against the graph
# ---------------------------------------------------------------------------

@dataclass
class _Node:
    """A resolved actor or place: an IRI of the graph, or a new one this import mints."""

    iri: str
    key: str             # the malikg id (dcterms:identifier) or the new IRI's slug after "acled-"
    how: str             # alias, label or new
    kind: str            # actor, or the ACLED place column (country ... location), or "area"
    name: str            # the ACLED name as first met
    depth: int = 0       # places: 0 country ... 3 admin3, 4 location
    parent: _Node | None = None
    near: _Node | None = None
    community: bool = False

    @property
    def malikg_id(self) -> str:
        return self.key if self.how != "new" else f"acled-{self.key}"


class _Resolver:
    """ACLED names -> the graph's actors and places, read once from the store."""

    def __init__(self, store, aliases: AliasTable, base: str):
        self.base = base
        self.aliases = aliases
        self.missing: list[Alias] = []
        actor_base, place_base = base + "actor/", base + "place/"
        self.actor_ids: dict[str, str] = {}
        self.actor_names: dict[str, set[str]] = {}
        self.communities: set[str] = set()
        self.labelled: set[str] = set()     # imported IRIs that already have their one label
        self.coded: set[str] = set()        # imported actors that already have an inter code
        self.located: set[str] = set()      # imported places that already have coordinates
        for iri, name, ident, community in _select(store, """
                SELECT ?a ?name ?id ?community WHERE {
                  ?a a mk:Actor . { ?a rdfs:label ?name } UNION { ?a skos:altLabel ?name }
                  OPTIONAL { ?a dcterms:identifier ?id }
                  BIND(EXISTS { ?a a mk:Community } AS ?community)
                }"""):
            if iri.startswith(actor_base + "acled-"):
                self.labelled.add(iri)
                continue
            key = ident or (iri[len(actor_base):] if iri.startswith(actor_base) else iri)
            self.actor_ids[key] = iri
            self.actor_names.setdefault(_normal(name), set()).add(iri)
            if community:
                self.communities.add(iri)
        self.actor_keys = {iri: key for key, iri in self.actor_ids.items()}
        self.coded.update(iri for (iri,) in _select(store, """
                SELECT DISTINCT ?a WHERE { ?a a mk:Actor ; mk:interCode ?code }"""))
        self.place_ids: dict[str, tuple[str, int | None]] = {}
        self.place_names: dict[tuple[int | None, str], set[str]] = {}
        for iri, name, ident, level, lat in _select(store, """
                SELECT ?p ?name ?id ?level ?lat WHERE {
                  ?p a mk:Place . { ?p rdfs:label ?name } UNION { ?p skos:altLabel ?name }
                  OPTIONAL { ?p dcterms:identifier ?id } OPTIONAL { ?p mk:adminLevel ?level }
                  OPTIONAL { ?p geo:lat ?lat }
                }"""):
            if iri.startswith(place_base + "acled-"):
                self.labelled.add(iri)
                if lat is not None:
                    self.located.add(iri)
                continue
            key = ident or (iri[len(place_base):] if iri.startswith(place_base) else iri)
            level = int(level) if level is not None else None
            self.place_ids[key] = (iri, level)
            self.place_names.setdefault((level, _normal(name)), set()).add(iri)
        self.place_keys = {iri: key for key, (iri, _) in self.place_ids.items()}
        self.place_levels = {iri: level for iri, level in self.place_ids.values()}
        self.acled_ids = {ident for (ident,) in _select(store, "SELECT ?id WHERE { ?e mk:acledEventId ?id }")}
        self.publisher = self.actor_ids.get("acled")
        self._actors: dict[str, _Node] = {}
        self._places: dict[tuple, _Node] = {}
        self._missing_seen: set[Alias] = set()

    def _alias(self, kinds: tuple[str, ...], name: str, known: dict) -> Alias | None:
        alias = self.aliases.find(kinds, name)
        if alias is not None and alias.malikg_id not in known:
            if alias not in self._missing_seen:
                self._missing_seen.add(alias)
                self.missing.append(alias)
            return None
        return alias

    def actor(self, name: str) -> _Node:
        key = _normal(name)
        node = self._actors.get(key)
        if node is None:
            alias = self._alias(("actor",), name, self.actor_ids)
            if alias is not None:
                iri = self.actor_ids[alias.malikg_id]
                node = _Node(iri, alias.malikg_id, "alias", "actor", name)
            elif key in self.actor_names:
                iri = sorted(self.actor_names[key])[0]
                node = _Node(iri, self.actor_keys[iri], "label", "actor", name)
            else:
                slug = slugify(name)
                node = _Node(f"{self.base}actor/acled-{slug}", slug, "new", "actor", name)
            node.community = node.iri in self.communities
            self._actors[key] = node
        return node

    def place(self, column: str, name: str, parent: _Node | None) -> _Node:
        """The place ``name`` in ACLED's ``column`` under ``parent`` (the place above it in the row).

        A place of the graph matches at the same administrative level only (ACLED's admin1
        "Mopti" is the region, its location "Mopti" the town). A new place's key is its
        parent's key and its own slug, with one more "-" for each level skipped, so one name
        under one parent at one level is one place however the row reached it.
        """
        level = PLACE_LEVELS[column]
        seed_key = (column, _normal(name))
        node = self._places.get(seed_key)
        if node is not None:
            return node
        alias = self._alias((column, "place"), name, self.place_ids)
        if alias is not None:
            iri = self.place_ids[alias.malikg_id][0]
            level_found = self.place_levels[iri]
            node = _Node(iri, alias.malikg_id, "alias", column, name,
                         depth=level_found if level_found is not None else _DEPTH[column])
        elif (level, _normal(name)) in self.place_names:
            iri = sorted(self.place_names[(level, _normal(name))])[0]
            node = _Node(iri, self.place_keys[iri], "label", column, name, depth=_DEPTH[column])
        if node is not None:
            self._places[seed_key] = node
            return node
        depth = _DEPTH[column]
        if parent is None:
            key = slugify(name)
        else:
            key = f"{parent.key}{'-' * (depth - parent.depth)}{slugify(name)}"
        new_key = ("new", key)
        node = self._places.get(new_key)
        if node is None:
            node = _Node(f"{self.base}place/acled-{key}", key, "new", column, name, depth=depth,
                         parent=parent)
            self._places[new_key] = node
        return node

    def area(self, location: _Node, parent: _Node | None, precision: int) -> _Node:
        """The area a geo_precision 2 or 3 event happened in: near ``location``, within ``parent``."""
        base_key = location.key if location.how == "new" or parent is None else f"{parent.key}-{location.key}"
        key = f"{base_key}-gp{precision}"
        node = self._places.get(("area", key))
        if node is None:
            label = f"Near {location.name}" if precision == 2 else f"Area around {location.name}"
            node = _Node(f"{self.base}place/acled-{key}", key, "new", "area", label, depth=4,
                         parent=parent, near=location)
            self._places[("area", key)] = node
        return node


def _select(store, body: str) -> list[tuple]:
    """A SELECT's rows as tuples of plain values (IRIs and literals as strings, None unbound)."""
    result = store.query(body)
    rows = [tuple(_value(term) for term in solution) for solution in result]
    del result  # a DiskStore load needs every result released
    return rows


def _value(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype.value == str(XSD.boolean):
            return term.value in ("true", "1")
        return term.value
    return term.value


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


# ---------------------------------------------------------------------------
# Writing N-Triples
# ---------------------------------------------------------------------------

def _iri(value) -> str:
    return f"<{value}>"


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    return f'"{value.translate(_ESCAPES)}"'


def _typed(value, datatype) -> str:
    return f'"{value}"^^<{datatype}>'


_A = _iri(RDF.type)
_LABEL, _IDENTIFIER, _DERIVED = _iri(RDFS.label), _iri(DCTERMS.identifier), _iri(PROV.wasDerivedFrom)
_INTEGER, _DATE, _DECIMAL_TYPE = str(XSD.integer), str(XSD.date), str(XSD.decimal)
_NON_NEGATIVE, _BOOLEAN, _DATETIME = str(XSD.nonNegativeInteger), str(XSD.boolean), str(XSD.dateTime)
_P = {name: _iri(term) for name, term in {
    "eventType": SEM.eventType, "hasPlace": SEM.hasPlace, "hasActor": SEM.hasActor,
    "roleType": SEM.roleType, "actorType": SEM.actorType, "timestamp": SEM.hasTimeStamp,
    "earliest": SEM.hasEarliestBeginTimeStamp, "latest": SEM.hasLatestEndTimeStamp,
    "theme": MK.theme, "datePrecision": MK.datePrecision, "dateText": MK.dateText,
    "dateBasis": MK.dateBasis, "participation": MK.participation, "participant": MK.participant,
    "certainty": MK.certainty, "note": MK.participantNote, "perpetrator": MK.perpetrator,
    "target": MK.target, "harm": MK.harm, "harmType": MK.harmType, "qualifier": MK.countQualifier,
    "count": MK["count"], "low": MK.low, "best": MK.best, "victimGroup": MK.victimGroup,
    "interCode": MK.interCode, "placeType": MK.placeType, "adminLevel": MK.adminLevel,
    "within": MK.within, "near": MK.near, "geoPrecision": MK.geoPrecision, "lat": GEO.lat,
    "long": GEO.long, "acledEventId": MK.acledEventId, "civilianTargeting": MK.civilianTargeting,
    "sourceScale": MK.sourceScale, "acledSource": MK.acledSource, "acledTags": MK.acledTags,
    "disorderType": MK.disorderType, "acledInteraction": MK.acledInteraction,
    "title": DCTERMS.title, "publisher": DCTERMS.publisher, "citation": DCTERMS.bibliographicCitation,
    "modified": DCTERMS.modified, "value": RDF.value, "characterCount": MK.characterCount,
    "hasSource": OA.hasSource, "hasSelector": OA.hasSelector, "exact": OA.exact, "start": OA.start,
    "end": OA.end,
}.items()}
_C = {name: _iri(term) for name, term in {
    "Event": MK.Event, "Incident": MK.Incident, "Participation": MK.Participation, "Harm": MK.Harm,
    "Actor": MK.Actor, "ArmedGroup": MK.ArmedGroup, "Community": MK.Community, "Place": MK.Place,
    "SourceDocument": MK.SourceDocument, "Bibliographic": DCTERMS.BibliographicResource,
    "Entity": PROV.Entity, "SpecificResource": OA.SpecificResource,
    "QuoteSelector": OA.TextQuoteSelector, "PositionSelector": OA.TextPositionSelector,
}.items()}
_PRECISIONS = {1: "day", 2: "week", 3: "month"}
_ARMED_CODES = {1, 2, 3, 4, 8}
_PLACE_TYPES = {"country": "country", "admin1": "region", "admin3": "district-area",
                "location": "locality", "area": "area"}


class _Emitter:
    """Turns checked rows into N-Triples lines, minting IRIs and resolving names as it goes."""

    def __init__(self, resolver: _Resolver, book: Codebook, base: str, out, store):
        self.r = resolver
        self.book = book
        self.base = base
        self.out = out
        self.store = store
        self.lines = 0
        self.name_events: Counter = Counter()
        self.name_nodes: dict[tuple[str, str], _Node] = {}
        self.done: set[str] = set()

    def write(self, lines: list[str]) -> None:
        self.out.write("".join(lines))
        self.lines += len(lines)

    def own_event_present(self, row: _Row) -> bool:
        slug = row.acled_id[len(OWN_ID_PREFIX):]
        if not row.acled_id.startswith(OWN_ID_PREFIX) or not slug:
            return False
        return bool(self.store.query(f"ASK {{ <{self.base}event/{slugify(slug)}> a mk:Event }}"))

    def emit(self, row: _Row) -> None:
        own = row.acled_id.startswith(OWN_ID_PREFIX) and len(row.acled_id) > len(OWN_ID_PREFIX)
        doc_slug = "acled-" + slugify(row.acled_id)
        slug = slugify(row.acled_id[len(OWN_ID_PREFIX):]) if own else doc_slug
        event = _iri(f"{self.base}event/{slug}")
        evidence = self._evidence(row, doc_slug)
        out = []
        add = out.append
        add(f"{event} {_A} {_C['Event']} .\n")
        add(f"{event} {_A} {_C['Incident']} .\n")
        place_name = row.places["location"]
        add(f"{event} {_LABEL} {_text(self._label(row, place_name))} .\n")
        add(f"{event} {_IDENTIFIER} {_text(slug)} .\n")
        add(f"{event} {_DERIVED} {evidence} .\n")
        add(f"{event} {_P['eventType']} {_iri(MKV[row.sub_type])} .\n")
        theme = "civic-space" if row.event_type in CIVIC_EVENT_TYPES else "armed-conflict"
        add(f"{event} {_P['theme']} {_iri(MKV[theme])} .\n")
        self._dates(add, event, row)
        add(f"{event} {_P['acledEventId']} {_text(row.acled_id)} .\n")
        for prop, value in (("sourceScale", row.source_scale), ("acledSource", row.source),
                            ("acledTags", row.tags), ("disorderType", row.disorder_type)):
            if value:
                add(f"{event} {_P[prop]} {_text(value)} .\n")
        if row.civilian_targeting is not None:
            add(f"{event} {_P['civilianTargeting']} "
                f"{_typed('true' if row.civilian_targeting else 'false', _BOOLEAN)} .\n")
        interaction = row.interaction or _interaction_code([a.code for a in row.actors if not a.associated])
        if interaction is not None:
            add(f"{event} {_P['acledInteraction']} {_typed(interaction, _INTEGER)} .\n")
        place = self._places(add, row, evidence)
        add(f"{event} {_P['hasPlace']} {_iri(place.iri)} .\n")
        self._participations(add, event, slug, row, evidence)
        if row.fatalities:
            harm = _iri(f"{self.base}harm/{slug}-1")
            n = _typed(row.fatalities, _INTEGER)
            out.extend((f"{event} {_P['harm']} {harm} .\n", f"{harm} {_A} {_C['Harm']} .\n",
                        f"{harm} {_P['harmType']} {_iri(MKV.killed)} .\n",
                        f"{harm} {_P['qualifier']} {_iri(MKV['most-conservative'])} .\n",
                        f"{harm} {_P['count']} {n} .\n", f"{harm} {_P['low']} {n} .\n",
                        f"{harm} {_P['best']} {n} .\n",
                        f"{harm} {_P['victimGroup']} {_iri(MKV.people)} .\n",
                        f"{harm} {_DERIVED} {evidence} .\n"))
        self.write(out)

    def _label(self, row: _Row, place: str) -> str:
        when = {1: row.date.isoformat(), 2: f"the week of {row.date.isoformat()}",
                3: row.date.strftime("%Y-%m")}[row.precision]
        return f"{self.book.wording[row.sub_type]} in {place}, {when} (ACLED {row.acled_id})"

    def _dates(self, add, event: str, row: _Row) -> None:
        if row.precision == 1:
            earliest = latest = row.date
            add(f"{event} {_P['timestamp']} {_typed(row.date.isoformat(), _DATE)} .\n")
        elif row.precision == 2:
            earliest, latest = row.date - dt.timedelta(days=3), row.date + dt.timedelta(days=3)
        else:
            earliest = row.date.replace(day=1)
            latest = (earliest + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        add(f"{event} {_P['earliest']} {_typed(earliest.isoformat(), _DATE)} .\n")
        add(f"{event} {_P['latest']} {_typed(latest.isoformat(), _DATE)} .\n")
        add(f"{event} {_P['datePrecision']} {_iri(MKV[_PRECISIONS[row.precision]])} .\n")
        add(f"{event} {_P['dateBasis']} {_iri(MKV['stated-date'])} .\n")
        add(f"{event} {_P['dateText']} {_text(row.date_text)} .\n")

    def _evidence(self, row: _Row, doc_slug: str) -> str:
        """The row as a source document whose text is the notes, quoted whole as the evidence."""
        doc = _iri(f"{self.base}source/{doc_slug}")
        node = f"{self.base}evidence/{doc_slug}/0-{len(row.notes)}"
        evidence, quote, position = _iri(node), _iri(node + "/quote"), _iri(node + "/position")
        title = _text(f"ACLED event {row.acled_id}")
        lines = [f"{doc} {_A} {_C['SourceDocument']} .\n", f"{doc} {_A} {_C['Bibliographic']} .\n",
                 f"{doc} {_A} {_C['Entity']} .\n", f"{doc} {_LABEL} {title} .\n",
                 f"{doc} {_P['title']} {title} .\n",
                 f"{doc} {_P['citation']} "
                 f"{_text(f'Armed Conflict Location & Event Data (ACLED), event {row.acled_id}')} .\n",
                 f"{doc} {_P['value']} {_text(row.notes)} .\n",
                 f"{doc} {_P['characterCount']} {_typed(len(row.notes), _INTEGER)} .\n",
                 f"{evidence} {_A} {_C['SpecificResource']} .\n", f"{evidence} {_A} {_C['Entity']} .\n",
                 f"{evidence} {_P['hasSource']} {doc} .\n", f"{evidence} {_P['hasSelector']} {quote} .\n",
                 f"{evidence} {_P['hasSelector']} {position} .\n",
                 f"{quote} {_A} {_C['QuoteSelector']} .\n", f"{quote} {_P['exact']} {_text(row.notes)} .\n",
                 f"{position} {_A} {_C['PositionSelector']} .\n",
                 f"{position} {_P['start']} {_typed(0, _NON_NEGATIVE)} .\n",
                 f"{position} {_P['end']} {_typed(len(row.notes), _NON_NEGATIVE)} .\n"]
        if self.r.publisher:
            lines.append(f"{doc} {_P['publisher']} {_iri(self.r.publisher)} .\n")
        if row.timestamp is not None:
            stamp = row.timestamp.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            lines.append(f"{doc} {_P['modified']} {_typed(stamp, _DATETIME)} .\n")
        self.write(lines)
        return evidence

    def _count(self, kind: str, name: str, node: _Node) -> None:
        self.name_events[(kind, name)] += 1
        self.name_nodes.setdefault((kind, name), node)

    def _places(self, add, row: _Row, evidence: str) -> _Node:
        named, parent, above = [], None, None
        for column in PLACE_LEVELS:
            name = row.places.get(column)
            if name:
                above = parent
                parent = self.r.place(column, name, parent)
                named.append((column, name, parent))
        location = parent
        place = location
        if row.geo_precision in (2, 3):
            place = self.r.area(location, above, row.geo_precision)
        chain = self._new_chain(place)
        for node in chain:
            self._new_place(add, node, evidence)
        used = {node.iri for node in chain}
        for column, name, node in named:
            # A new place the event does not lie in (above a place of the graph) is not minted.
            if node.how != "new" or node.iri in used:
                self._count(column, name, node)
        if place.how == "new" and place.iri not in self.r.located and row.latitude is not None:
            self.r.located.add(place.iri)
            add(f"{_iri(place.iri)} {_P['lat']} {_typed(row.latitude, _DECIMAL_TYPE)} .\n")
            add(f"{_iri(place.iri)} {_P['long']} {_typed(row.longitude, _DECIMAL_TYPE)} .\n")
        if place.how == "new" and row.geo_precision is not None:
            add(f"{_iri(place.iri)} {_P['geoPrecision']} {_typed(row.geo_precision, _INTEGER)} .\n")
        return place

    @staticmethod
    def _new_chain(place: _Node) -> list[_Node]:
        """The new places an event at ``place`` needs: it, what it is near, and their parents up to
        the first place of the graph."""
        found, seen, todo = [], set(), [place]
        while todo:
            node = todo.pop()
            if node is None or node.how != "new" or node.iri in seen:
                continue
            seen.add(node.iri)
            found.append(node)
            todo.extend((node.parent, node.near))
        return found

    def _declare(self, add, node: _Node, cls: str, evidence: str) -> bool:
        """Quote ``evidence`` for a new node and, the first time it is met, type, name and label it.

        Returns whether this was the first time, for the caller's own first-time triples.
        """
        iri = _iri(node.iri)
        add(f"{iri} {_DERIVED} {evidence} .\n")
        if node.iri in self.done:
            return False
        self.done.add(node.iri)
        add(f"{iri} {_A} {_C[cls]} .\n")
        add(f"{iri} {_IDENTIFIER} {_text(node.malikg_id)} .\n")
        if node.iri not in self.r.labelled:
            self.r.labelled.add(node.iri)
            add(f"{iri} {_LABEL} {_text(node.name)} .\n")
        return True

    def _new_place(self, add, node: _Node, evidence: str) -> None:
        iri = _iri(node.iri)
        if not self._declare(add, node, "Place", evidence):
            return
        place_type = _PLACE_TYPES.get(node.kind)
        if place_type:  # the vocabulary has no admin2 place type: an admin2 place has only its level
            add(f"{iri} {_P['placeType']} {_iri(MKV[place_type])} .\n")
        level = PLACE_LEVELS.get(node.kind)
        if level is not None:
            add(f"{iri} {_P['adminLevel']} {_typed(level, _INTEGER)} .\n")
        if node.parent is not None:
            add(f"{iri} {_P['within']} {_iri(node.parent.iri)} .\n")
        if node.near is not None:
            add(f"{iri} {_P['near']} {_iri(node.near.iri)} .\n")

    def _participations(self, add, event: str, slug: str, row: _Row, evidence: str) -> None:
        sided = row.sub_type in SIDED_TYPES
        civilians_side2 = any(a.code == 7 for a in row.actors if a.side == 2 and not a.associated)
        taken: dict[str, str] = {}
        for actor in sorted(row.actors, key=lambda a: (a.side, a.associated)):
            node = self.r.actor(actor.name)
            self._count("actor", actor.name, node)
            community = node.community or (node.how == "new" and actor.associated and actor.side == 2
                                            and civilians_side2)
            self._new_actor(add, node, actor, community, evidence)
            if sided:
                role = "side-a" if actor.side == 1 else "side-b"
            elif actor.side == 1:
                role = "co-perpetrator" if actor.associated else "perpetrator"
            else:
                role = "victim-community" if actor.associated and community else "target"
            if taken.get(node.iri) == role:
                continue  # one actor under two ACLED names, or twice in a row
            taken[node.iri] = role
            actor_iri = _iri(node.iri)
            part = _iri(f"{self.base}participation/{slug}-{node.malikg_id}-{role}")
            add(f"{part} {_A} {_C['Participation']} .\n")
            add(f"{part} {_P['participant']} {actor_iri} .\n")
            add(f"{part} {_P['roleType']} {_iri(MKV[role])} .\n")
            add(f"{part} {_P['certainty']} {_iri(MKV.stated)} .\n")
            if actor.associated:
                add(f"{part} {_P['note']} {_text(ASSOCIATED_NOTE)} .\n")
            add(f"{event} {_P['participation']} {part} .\n")
            add(f"{event} {_P['hasActor']} {actor_iri} .\n")
            if role in ("perpetrator", "co-perpetrator"):
                add(f"{event} {_P['perpetrator']} {actor_iri} .\n")
            elif role in ("target", "victim-community"):
                add(f"{event} {_P['target']} {actor_iri} .\n")

    def _new_actor(self, add, node: _Node, actor: _Actor, community: bool, evidence: str) -> None:
        if node.how != "new":
            return
        iri = _iri(node.iri)
        self._declare(add, node, "Actor", evidence)
        if community:
            add(f"{iri} {_A} {_C['Community']} .\n")
        if actor.code is not None and node.iri not in self.r.coded:
            self.r.coded.add(node.iri)
            add(f"{iri} {_P['actorType']} {_iri(MKV[self.book.actor_types[actor.code]])} .\n")
            add(f"{iri} {_P['interCode']} {_typed(actor.code, _INTEGER)} .\n")
            cls = "Community" if actor.code == 7 else "ArmedGroup" if actor.code in _ARMED_CODES else None
            if cls:
                add(f"{iri} {_A} {_C[cls]} .\n")


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------

def import_csv(store, path: str | os.PathLike, *, strict: bool = False, aliases: AliasTable | None = None,
               progress: Progress | None = None, base: str | None = None) -> ImportReport:
    """Import the ACLED export at ``path`` into ``store`` and report how its names were resolved.

    Bad rows (missing date, impossible coordinates, unknown event type, broken quoting, ...)
    are skipped and listed in ``report.bad_rows``; with ``strict`` any bad row raises
    AcledImportFailed and nothing is loaded. The load itself is all or nothing.
    """
    if getattr(store, "query_url", None) and not (getattr(store, "update_url", None)
                                                  or getattr(store, "data_url", None)):
        raise MalikgError(f"{store.query_url} is read-only here: give an update or Graph Store URL "
                          "to import into it")
    folder = getattr(store, "path", None)  # a DiskStore: stage the triples on its disk, not in /tmp
    with tempfile.TemporaryDirectory(prefix="malikg-acled-", dir=Path(folder).parent if folder else None) as tmp:
        triples = Path(tmp) / "acled.nt"
        report = write_triples(store, path, triples, aliases=aliases, progress=progress, base=base)
        if strict and report.bad_rows:
            raise AcledImportFailed(report)
        before = store.triple_count()
        store.load(triples, ox.RdfFormat.N_TRIPLES, progress=progress)
        report.triples_added = store.triple_count() - before
        report.loaded = True
    return report


def write_triples(store, path: str | os.PathLike, output: str | os.PathLike, *,
                  aliases: AliasTable | None = None, progress: Progress | None = None,
                  base: str | None = None) -> ImportReport:
    """Write the N-Triples an import of ``path`` would load into ``store`` to ``output``.

    Names are resolved against ``store``; nothing is loaded. ``import_csv`` is this, then one
    bulk load.
    """
    path = Path(path)
    base = base or base_iri()
    book = codebook()
    report = ImportReport(file=str(path))
    resolver = _Resolver(store, aliases if aliases is not None else read_aliases(), base)
    with open(output, "w", encoding="utf-8", newline="\n") as out:
        emitter = _Emitter(resolver, book, base, out, store)
        for row in _csv_rows(path, book, report, progress):
            if emitter.own_event_present(row):
                report.own_events += 1
                continue
            report.events += 1
            if row.acled_id not in resolver.acled_ids:
                report.new_events += 1
            emitter.emit(row)
    report.missing_alias_targets = resolver.missing
    report.names = sorted(
        (NameMatch(kind, name, node.malikg_id, node.how, emitter.name_events[(kind, name)])
         for (kind, name), node in emitter.name_nodes.items()),
        key=lambda m: (_DEPTH.get(m.kind, -1), -m.events, m.acled_name))
    return report


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    skipped: list[tuple[str, str]]     # (event, why) for incidents ACLED's layout cannot hold


def export_csv(store, output_path: str | os.PathLike, *, aliases: AliasTable | None = None) -> ExportResult:
    """Write the graph's incidents to ``output_path`` in ACLED's current column layout.

    One row per mk:Incident (campaigns, which group incidents, are not rows). Names are ACLED's
    where the alias table gives one. Dates: time_precision from the date precision's
    mk:acledTimePrecision (day 1, week and part of month 2, month 3) and the middle of the
    known range as event_date, as ACLED does; a precision ACLED has no code for (part of a
    year, a year, an interval) is written as 3 with the middle of the range. Incidents without
    any date are left out and listed in ``skipped``.
    """
    book = codebook()
    aliases = aliases if aliases is not None else read_aliases()
    data = _ExportData(store, book, aliases)
    rows, skipped = [], []
    for event in sorted(data.events):
        row = data.row(event)
        if isinstance(row, str):
            skipped.append((data.events[event].get("id") or event, row))
        else:
            rows.append(row)
    rows.sort(key=lambda r: (r["event_date"], r["event_id_cnty"]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CURRENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(Path(output_path), buffer.getvalue())
    return ExportResult(str(output_path), len(rows), skipped)


class _ExportData:
    """Everything the export needs, read from the store with a few SELECTs."""

    def __init__(self, store, book: Codebook, aliases: AliasTable):
        self.book = book
        self.aliases = aliases
        self.events: dict[str, dict] = {}
        fields = ("id", "acledId", "type", "precision", "ts", "earliest", "latest", "civ", "scale",
                  "source", "tags", "disorder", "interaction")
        for row in _select(store, """
                SELECT ?e ?id ?acledId ?type ?precision ?ts ?earliest ?latest ?civ ?scale ?source ?tags
                       ?disorder ?interaction WHERE {
                  ?e a mk:Incident .
                  OPTIONAL { ?e dcterms:identifier ?id } OPTIONAL { ?e mk:acledEventId ?acledId }
                  OPTIONAL { ?e sem:eventType ?type } OPTIONAL { ?e mk:datePrecision ?precision }
                  OPTIONAL { ?e sem:hasTimeStamp ?ts } OPTIONAL { ?e sem:hasEarliestBeginTimeStamp ?earliest }
                  OPTIONAL { ?e sem:hasLatestEndTimeStamp ?latest } OPTIONAL { ?e mk:civilianTargeting ?civ }
                  OPTIONAL { ?e mk:sourceScale ?scale } OPTIONAL { ?e mk:acledSource ?source }
                  OPTIONAL { ?e mk:acledTags ?tags } OPTIONAL { ?e mk:disorderType ?disorder }
                  OPTIONAL { ?e mk:acledInteraction ?interaction }
                }"""):
            record = self.events.setdefault(row[0], {})
            for name, value in zip(fields, row[1:]):
                if value is not None and (record.get(name) is None or str(value) < str(record[name])):
                    record[name] = value  # one value per field; the smallest if the graph has several
        self.parts: dict[str, list[tuple]] = {}
        for event, *part in _select(store, """
                SELECT ?e ?actor ?role ?note ?label ?code ?community ?id WHERE {
                  ?e a mk:Incident ; mk:participation ?p . ?p mk:participant ?actor ; sem:roleType ?role .
                  OPTIONAL { ?p mk:participantNote ?note } OPTIONAL { ?actor rdfs:label ?label }
                  OPTIONAL { ?actor mk:interCode ?code } OPTIONAL { ?actor dcterms:identifier ?id }
                  BIND(EXISTS { ?actor a mk:Community } AS ?community)
                }"""):
            self.parts.setdefault(event, []).append(tuple(part))
        self.places: dict[str, list[str]] = {}
        for event, place in _select(store, "SELECT ?e ?p WHERE { ?e a mk:Incident ; sem:hasPlace ?p }"):
            self.places.setdefault(event, []).append(place)
        self.place_info: dict[str, dict] = {}
        for place, label, ident, ptype, level, lat, long, geo, within, near in _select(store, """
                SELECT DISTINCT ?p ?label ?id ?type ?level ?lat ?long ?geo ?within ?near WHERE {
                  ?e a mk:Incident ; sem:hasPlace ?start . ?start (mk:within|mk:near)* ?p .
                  OPTIONAL { ?p rdfs:label ?label } OPTIONAL { ?p dcterms:identifier ?id }
                  OPTIONAL { ?p mk:placeType ?type } OPTIONAL { ?p mk:adminLevel ?level }
                  OPTIONAL { ?p geo:lat ?lat } OPTIONAL { ?p geo:long ?long }
                  OPTIONAL { ?p mk:geoPrecision ?geo } OPTIONAL { ?p mk:within ?within }
                  OPTIONAL { ?p mk:near ?near }
                }"""):
            self.place_info.setdefault(place, {
                "label": label, "id": ident, "type": _local(ptype) if ptype else None,
                "level": int(level) if level is not None else None, "lat": lat, "long": long,
                "geo": int(geo) if geo is not None else None, "within": within, "near": near})
        self.killed: dict[str, dict[str, int]] = {}
        for event, harm, low in _select(store, """
                SELECT ?e ?h ?low WHERE { ?e a mk:Incident ; mk:harm ?h . ?h mk:harmType mkv:killed .
                                          OPTIONAL { ?h mk:low ?low } }"""):
            self.killed.setdefault(event, {})[harm] = int(low) if low is not None else 0
        self.quotes: dict[str, set[tuple]] = {}
        for event, doc, start, exact, publisher, modified in _select(store, """
                SELECT ?e ?doc ?start ?exact ?publisher ?modified WHERE {
                  ?e a mk:Incident ; prov:wasDerivedFrom ?ev .
                  ?ev oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?exact .
                  OPTIONAL { ?ev oa:hasSelector ?pos . ?pos a oa:TextPositionSelector ; oa:start ?start }
                  OPTIONAL { ?ev oa:hasSource ?doc
                    OPTIONAL { ?doc dcterms:publisher/rdfs:label ?publisher }
                    OPTIONAL { ?doc dcterms:modified ?modified } }
                }"""):
            self.quotes.setdefault(event, set()).add(
                (doc or "", int(start) if start is not None else 0, exact, publisher, modified))

    def row(self, event: str) -> dict | str:
        book, info = self.book, self.events[event]
        precision = _local(info["precision"]) if info.get("precision") else None
        earliest, latest = info.get("earliest"), info.get("latest")
        if info.get("ts"):
            date = dt.date.fromisoformat(info["ts"])
        elif earliest and latest:
            low, high = dt.date.fromisoformat(earliest), dt.date.fromisoformat(latest)
            date = low + (high - low) / 2
        else:
            return "no date: ACLED's layout needs one"
        type_slug = _local(info["type"]) if info.get("type") else None
        if type_slug not in book.wording:
            return f"event type {type_slug!r} is not one of ACLED's"
        parent_slug = book.parent_types.get(type_slug)
        actors = self._actors(event)
        place = self._place(event)
        quotes = sorted(self.quotes.get(event, ()), key=lambda q: (q[0], q[1], q[2]))
        source = info.get("source") or "; ".join(sorted({q[3] for q in quotes if q[3]}))
        stamps = [q[4] for q in quotes if q[4]]
        civilian = info.get("civ")
        if civilian is None:
            civilian = any(community or code == "7" for *_, code, community, role in actors["all"]
                           if role in ("target", "victim-community"))
        interaction = _interaction_code([actors["inter1"], actors["inter2"]]) \
            if actors["inter1"] else info.get("interaction")
        country = place.get("country", "")
        iso, region = COUNTRY_CODES.get(_normal(country), ("", ""))
        return {
            "event_id_cnty": info.get("acledId") or OWN_ID_PREFIX + (info.get("id") or _local(event)),
            "event_date": date.isoformat(), "year": str(date.year),
            "time_precision": str(book.time_precisions.get(precision, 3)),
            "disorder_type": info.get("disorder") or _DISORDER_BY_SUB.get(type_slug)
            or _DISORDER.get(parent_slug, ""),
            "event_type": book.wording.get(parent_slug, ""), "sub_event_type": book.wording[type_slug],
            "actor1": actors["actor1"], "assoc_actor_1": "; ".join(actors["assoc1"]),
            "inter1": str(actors["inter1"] or ""), "actor2": actors["actor2"],
            "assoc_actor_2": "; ".join(actors["assoc2"]),
            "inter2": str(actors["inter2"] or "") if actors["actor2"] else "0",
            "interaction": str(interaction or ""),
            "civilian_targeting": "Civilian targeting" if civilian else "",
            "iso": iso, "region": region, "country": country,
            "admin1": place.get("admin1", ""), "admin2": place.get("admin2", ""),
            "admin3": place.get("admin3", ""), "location": place.get("location", ""),
            "latitude": place.get("lat") or "", "longitude": place.get("long") or "",
            "geo_precision": str(place.get("geo") or ""),
            "source": source, "source_scale": info.get("scale") or "",
            "notes": " ".join(q[2] for q in quotes),
            "fatalities": str(sum(self.killed.get(event, {}).values())),
            "tags": info.get("tags") or "",
            "timestamp": str(int(dt.datetime.fromisoformat(max(stamps).replace("Z", "+00:00")).timestamp()))
            if stamps else "",
        }

    def _actors(self, event: str) -> dict:
        named = []
        for actor, role, note, label, code, community, ident in self.parts.get(event, []):
            name = self.aliases.acled_name(("actor",), ident) if ident else None
            named.append((name or label or _local(actor), note == ASSOCIATED_NOTE, code, bool(community),
                          _local(role)))
        named = sorted(set(named), key=lambda a: (int(a[2]) if a[2] else 9, a[0]))

        def pick(mains: tuple[str, ...], associates: tuple[str, ...]):
            main = [a for a in named if a[4] in mains and not a[1]] or \
                   [a for a in named if a[4] in mains + associates]
            first = main[0] if main else None
            rest = sorted({a[0] for a in named if a[4] in mains + associates and a is not first})
            return first, rest

        first, assoc1 = pick(("perpetrator", "side-a"), ("co-perpetrator",))
        second, assoc2 = pick(("target", "side-b"), ("victim-community",))
        return {"actor1": first[0] if first else "", "assoc1": [a for a in assoc1 if not first or a != first[0]],
                "inter1": int(first[2]) if first and first[2] else None,
                "actor2": second[0] if second else "",
                "assoc2": [a for a in assoc2 if not second or a != second[0]],
                "inter2": int(second[2]) if second and second[2] else None,
                "all": [(a[0], a[2], a[3], a[4]) for a in named]}

    def _place(self, event: str) -> dict:
        places = sorted(self.places.get(event, []))
        if not places:
            return {}
        place = places[0]
        info = self.place_info.get(place, {})
        location = info.get("near") or place
        found = {"lat": info.get("lat"), "long": info.get("long")}
        geo = info.get("geo")
        if geo is None:
            geo = 2 if info.get("near") else self.book.geo_precisions.get(info.get("type"), 3)
        found["geo"] = geo
        found["location"] = self._name(location, "location")
        node, seen = info.get("within") or self.place_info.get(location, {}).get("within"), set()
        if self.place_info.get(location, {}).get("level") is not None:
            node = location
        while node and node not in seen:
            seen.add(node)
            level = self.place_info.get(node, {}).get("level")
            column = {0: "country", 1: "admin1", 2: "admin2", 3: "admin3"}.get(level)
            if column and column not in found:
                found[column] = self._name(node, column)
            node = self.place_info.get(node, {}).get("within")
        return found

    def _name(self, place: str, column: str) -> str:
        info = self.place_info.get(place, {})
        ident = info.get("id")
        name = self.aliases.acled_name((column, "place"), ident) if ident else None
        return name or info.get("label") or _local(place)


__all__ = ["import_csv", "write_triples", "export_csv", "read_aliases", "codebook", "ImportReport", "NameMatch", "BadRow",
           "AcledImportFailed", "ExportResult", "AliasTable", "CURRENT_COLUMNS", "slugify"]
