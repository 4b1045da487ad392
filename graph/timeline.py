"""The events as one self-contained timeline page, with a map where the sources give coordinates.

Each event sits at its date as precisely as its source dates it: a dot for a day, a bar over the
days a week, a part of a month, a month, a year or an interval spans. Lanes group the events by
region or by actor (a switch in the page, pure CSS), and political and civic-space events have a
band of their own. Every mark links to the event's entry below the chart: its date in the
source's words, toll, perpetrators with their certainty, quote and document.

The page runs no script at all and its Content-Security-Policy forbids every request, so it
works, and can only work, offline. The map is a plain SVG with latitude and longitude axes: it
draws only the coordinates the graph holds for an event's own place (ACLED imports), never a
parent's or a guess, and no tiles.
"""
from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .analysis.network import Documents
from .analysis.network_queries import _DOCUMENTS, select_rows
from .analysis.vocabulary import iri_slug
from .errors import MalikgError
from .files import write_atomic
from .html import _text, fill_template, source_citation

#: The most events one page draws; past it the page would be too large to open.
EVENT_LIMIT = 20_000

#: Themes that put an event on the political and civic-space band (with every political or
#: accountability event).
POLITICAL_THEMES = frozenset({"civic-space", "transition", "regional-politics", "accountability"})
GROUPINGS = ("region", "actor")

_PRECISION_WORDS = {
    "day": "day", "week": "week", "part-of-month": "part of a month", "month": "month",
    "part-of-year": "part of a year", "year": "year", "interval": "interval", "unknown-date": "date not known",
}
_QUALIFIER_WORDS = {
    "exact": "", "at-least": "at least ", "over": "over ", "about": "about ", "up-to": "up to ",
    "most-conservative": "", "several": "several", "unspecified": "number not given",
}
_ACTING_ROLES = ("perpetrator", "co-perpetrator", "side-a", "side-b")
NO_REGION = "Region not stated"


# ---------------------------------------------------------------------------
# Reading the events
# ---------------------------------------------------------------------------

_COUNT = "SELECT (COUNT(?event) AS ?n) WHERE { ?event a mk:Event }"
_FACTS = """
SELECT ?event ?p ?o WHERE {
  ?event a mk:Event ; ?p ?o .
  FILTER(?p IN (rdf:type, rdfs:label, sem:hasEarliestBeginTimeStamp, sem:hasLatestEndTimeStamp,
                mk:datePrecision, mk:dateText, sem:hasPlace, mk:theme, sem:eventType, mk:accordingTo))
}
"""
_ROLES = """
SELECT ?event ?actor ?role ?certainty WHERE {
  ?event a mk:Event ; mk:participation ?p . ?p mk:participant ?actor ; sem:roleType ?role .
  OPTIONAL { ?p mk:certainty ?certainty }
}
"""
_HARMS = """
SELECT ?event ?harm ?type ?count ?qualifier ?group ?description WHERE {
  ?event a mk:Event ; mk:harm ?harm . ?harm mk:harmType ?type .
  OPTIONAL { ?harm mk:count ?count } OPTIONAL { ?harm mk:countQualifier ?qualifier }
  OPTIONAL { ?harm mk:victimGroup ?group } OPTIONAL { ?harm mk:victimDescription ?description }
}
"""
_QUOTES = """
SELECT ?event ?quote ?start ?document WHERE {
  ?event a mk:Event ; prov:wasDerivedFrom ?evidence .
  ?evidence oa:hasSelector ?selector . ?selector oa:exact ?quote .
  OPTIONAL { ?selector oa:start ?start }
  OPTIONAL { ?evidence oa:hasSource ?document }
}
"""
_PLACES = """
SELECT ?place ?label ?type ?parent ?lat ?long WHERE {
  ?place a mk:Place .
  OPTIONAL { ?place rdfs:label ?label } OPTIONAL { ?place mk:placeType ?type }
  OPTIONAL { ?place mk:within ?parent }
  OPTIONAL { ?place geo:lat ?lat ; geo:long ?long }
}
"""
_ACTORS = "SELECT ?actor ?label WHERE { ?actor a mk:Actor ; rdfs:label ?label }"


@dataclass
class Event:
    """One event as the timeline shows it (slugs for ids, words for concepts)."""
    id: str
    label: str
    start: str = ""
    end: str = ""
    precision: str = ""
    date_text: str = ""
    classes: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)
    event_type: str = ""
    places: list[str] = field(default_factory=list)   # slugs while reading, then labels
    region: str = NO_REGION
    regions: list[str] = field(default_factory=list)   # every region the event lies within
    roles: list[tuple[str, str, str, str]] = field(default_factory=list)  # (actor slug, label, role, certainty)
    harms: list[str] = field(default_factory=list)
    killed: int = 0
    quotes: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    points: list[tuple[float, float, str]] = field(default_factory=list)  # (lat, long, place label)

    @property
    def political(self) -> bool:
        """Political, accountability and civic-space events, and others whose only themes are political."""
        return bool(self.classes & {"PoliticalEvent", "AccountabilityEvent"}) or "civic-space" in self.themes or \
            (not self.classes & {"Incident", "Campaign"} and bool(self.themes & POLITICAL_THEMES))

    @property
    def actors(self) -> list[str]:
        return sorted({label for _, label, _, _ in self.roles})

    def when(self) -> str:
        """The date as precisely as the source gives it, and that precision."""
        if not self.start and not self.end:
            return "undated"
        precision = _PRECISION_WORDS.get(self.precision, self.precision.replace("-", " ") or "interval")
        if self.precision == "day" or (self.start == self.end and not self.precision):
            return f"{self.start} ({precision})"
        if self.precision == "year":
            return f"{self.start[:4]} ({precision})"
        if self.precision == "month" and self.start[:7] == self.end[:7]:
            return f"{self.start[:7]} ({precision})"
        return f"{self.start or '…'} to {self.end or '…'} ({precision})"


def count_events(store) -> int:
    return int(next(iter(store.query(_COUNT)))[0].value)


def read_events(store) -> list[Event]:
    """Every event in ``store`` with its dates, places, region, roles, tolls, quotes and documents."""
    count = count_events(store)
    if count > EVENT_LIMIT:
        raise MalikgError(f"the timeline draws at most {EVENT_LIMIT:,} events; this store holds {count:,}")
    actors = {iri_slug(r["actor"]): r["label"] for r in select_rows(store, _ACTORS)}
    places = _places(select_rows(store, _PLACES))
    documents = Documents(select_rows(store, _DOCUMENTS), actors)
    events: dict[str, Event] = {}
    told: dict[str, set[str]] = defaultdict(set)
    for row in select_rows(store, _FACTS):
        slug = iri_slug(row["event"])
        event = events.setdefault(slug, Event(slug, slug))
        prop, value = _local(row["p"]), row["o"]
        if prop == "type":
            event.classes.add(_local(value))
        elif prop == "label":
            event.label = value
        elif prop == "hasEarliestBeginTimeStamp":
            event.start = value[:10]
        elif prop == "hasLatestEndTimeStamp":
            event.end = value[:10]
        elif prop == "datePrecision":
            event.precision = _local(value)
        elif prop == "dateText":
            event.date_text = value
        elif prop == "hasPlace":
            event.places.append(iri_slug(value))
        elif prop == "theme":
            event.themes.add(_local(value))
        elif prop == "eventType":
            event.event_type = _local(value)
        elif prop == "accordingTo":
            told[slug].add(iri_slug(value))
    for row in select_rows(store, _ROLES):
        event = events.get(iri_slug(row["event"]))
        if event is not None:
            actor = iri_slug(row["actor"])
            event.roles.append((actor, actors.get(actor, actor), _local(row["role"]),
                                _local(row["certainty"]) if row["certainty"] else "stated"))
    harms: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in select_rows(store, _HARMS):
        harms[iri_slug(row["event"])][row["harm"]] = row
    quoted: dict[str, list[tuple[int, str]]] = defaultdict(list)
    cited: dict[str, set[str]] = defaultdict(set)
    for row in select_rows(store, _QUOTES):
        quoted[iri_slug(row["event"])].append((int(row["start"] or 0), row["quote"]))
        if row["document"]:
            cited[iri_slug(row["event"])].add(iri_slug(row["document"]))
    for slug, event in events.items():
        event.places = sorted(set(event.places))
        event.roles = sorted(set(event.roles), key=lambda r: (_ACTING_ROLES.index(r[2]) if r[2] in _ACTING_ROLES
                                                              else len(_ACTING_ROLES), r))
        event.harms = [_toll(row) for _, row in sorted(harms.get(slug, {}).items())]
        event.killed = sum(int(row["count"]) for row in harms.get(slug, {}).values()
                           if _local(row["type"]) == "killed" and row["count"])
        event.quotes = [quote for _, quote in sorted(set(quoted.get(slug, ())))]
        event.documents = documents.citations(told.get(slug) or cited.get(slug, ()))
        regions = sorted({places[p]["region"] for p in event.places if p in places and places[p]["region"]})
        event.region = ", ".join(regions) or NO_REGION
        event.regions = sorted({r for p in event.places if p in places for r in places[p]["regions"]})
        event.points = sorted({(places[p]["lat"], places[p]["long"], places[p]["label"]) for p in event.places
                               if p in places and places[p]["lat"] is not None})
        event.places = sorted({places[p]["label"] if p in places else p for p in event.places})
    return sorted(events.values(), key=lambda e: (e.start or "9999", e.end or "9999", e.id))


def _places(rows: list[dict]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: tuple(r[k] or "" for k in ("place", "label", "type", "parent", "lat"))):
        slug = iri_slug(row["place"])
        place = found.setdefault(slug, {"label": row["label"] or slug, "types": set(), "parents": set(),
                                        "lat": None, "long": None})
        if row["type"]:
            place["types"].add(_local(row["type"]))
        if row["parent"]:
            place["parents"].add(iri_slug(row["parent"]))
        if row["lat"] is not None and place["lat"] is None:
            place["lat"], place["long"] = float(row["lat"]), float(row["long"])
    for slug, place in found.items():
        place["regions"] = _regions(slug, found)
        place["region"] = place["regions"][0] if place["regions"] else ""
    return found


def _regions(slug: str, places: dict[str, dict]) -> list[str]:
    """The labels of the regions (and claimed regions) up the place's mk:within chain, nearest first."""
    seen, frontier, found = set(), [slug], []
    while frontier:
        current = frontier.pop(0)
        if current in seen or current not in places:
            continue
        seen.add(current)
        if places[current]["types"] & {"region", "claimed-region"}:
            found.append(places[current]["label"])
        frontier.extend(sorted(places[current]["parents"]))
    return found


def _toll(row: Mapping) -> str:
    kind = _local(row["type"]).replace("-", " ")
    qualifier = _local(row["qualifier"]) if row["qualifier"] else ("exact" if row["count"] else "unspecified")
    count = row["count"] or ""
    words = _QUALIFIER_WORDS.get(qualifier, qualifier.replace("-", " ") + " ")
    figure = f"{words}{count}".strip() if count else words.strip()
    group = f" ({_local(row['group']).replace('-', ' ')})" if row["group"] else ""
    return f"{kind}: {figure}{group}"


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------

WIDTH = 1180
LABEL_WIDTH = 200
LANE = 22
BAND_GAP = 34


def timeline_page(store, *, title: str = "Mali events timeline") -> str:
    """The timeline page for every event in ``store``, as HTML text (same graph, same bytes)."""
    events = read_events(store)
    dated = [e for e in events if e.start or e.end]
    parts = {
        "title": _text(title),
        "summary": _text(_summary(events)),
        "source": _text(source_citation(store) or "not stated in the graph"),
        "by_region": _chart(dated, "region"),
        "by_actor": _chart(dated, "actor"),
        "legend": _legend(),
        "map": _map(events),
        "events": _entries(events),
        "csp": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
    }
    return fill_template("timeline.html", parts)


def write_timeline_page(store, path: str | Path, **options) -> Path:
    """Write ``timeline_page(store, **options)`` to ``path`` atomically; return the path."""
    path = Path(path)
    write_atomic(path, timeline_page(store, **options))
    return path


def _summary(events: list[Event]) -> str:
    dated = sorted(e.start or e.end for e in events if e.start or e.end)
    political = sum(e.political for e in events)
    parts = [f"{len(events)} events ({political} political or civic-space)"]
    parts.append(f"dated {dated[0]} to {max(e.end or e.start for e in events if e.start or e.end)}"
                 if dated else "none dated")
    undated = len(events) - len(dated)
    if undated:
        parts.append(f"{undated} undated (listed, not drawn)")
    return " · ".join(parts)


def _day_number(iso: str) -> int:
    return datetime.date.fromisoformat(iso).toordinal()


#: Width of a month no short event touches, against 1 for a month one does: a report on 2024
#: that recalls a 2015 agreement should not squeeze 2024 into a tenth of the page.
QUIET_MONTH = 0.08
#: Spans this long or longer (a year, "since 2015") do not claim space for every month they cover.
LONG_SPAN_DAYS = 180


class _Scale:
    """Dates to x: each month gets a share of the width, full where short events are, narrow where none."""

    def __init__(self, events: list[Event], left: float, width: float):
        first = min(e.start or e.end for e in events)
        last = max(e.end or e.start for e in events)
        self.first = (int(first[:4]), int(first[5:7]))
        months, (year, month) = [], self.first
        while (year, month) <= (int(last[:4]), int(last[5:7])):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        busy = set()
        for event in events:
            start, end = event.start or event.end, event.end or event.start
            long = _day_number(end) - _day_number(start) >= LONG_SPAN_DAYS
            for number in range(self._index(start), (self._index(start) if long else self._index(end)) + 1):
                busy.add(number)
        self.weights = [1.0 if i in busy else QUIET_MONTH for i in range(len(months))]
        self.months, self.left, self.width = months, left, width
        self.offsets, total = [], 0.0
        for weight in self.weights:
            self.offsets.append(total)
            total += weight
        self.total = total

    def _index(self, iso: str) -> int:
        return (int(iso[:4]) - self.first[0]) * 12 + int(iso[5:7]) - self.first[1]

    def __call__(self, iso: str, end_of_day: bool = False) -> float:
        i = self._index(iso)
        year, month = self.months[i]
        days = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.date(year, month, 1)).days
        within = (int(iso[8:10]) - (0 if end_of_day else 1)) / days
        return round(self.left + self.width * (self.offsets[i] + self.weights[i] * within) / self.total, 1)


def _chart(events: list[Event], grouping: str) -> str:
    if not events:
        return '<p class="note">No dated events.</p>'
    plot = WIDTH - LABEL_WIDTH - 20
    x = _Scale(events, LABEL_WIDTH, plot)

    bands = [("Armed conflict", [e for e in events if not e.political]),
             ("Political and civic space", [e for e in events if e.political])]
    body, y = [], 36
    for band, members in bands:
        if not members:
            continue
        body.append(f'<text class="band" x="4" y="{y}">{_text(band)}</text>')
        y += 10
        lanes: dict[str, list[Event]] = defaultdict(list)
        for event in members:
            for key in (event.actors or ["No actor named"]) if grouping == "actor" else [event.region]:
                lanes[key].append(event)
        for name in sorted(lanes, key=lambda n: (n in (NO_REGION, "No actor named"), n.lower())):
            rows = _stack(lanes[name], x)
            height = LANE * len(rows)
            body.append(f'<rect class="lane" x="{LABEL_WIDTH}" y="{y}" width="{plot}" height="{height}"/>')
            body.append(f'<text class="lane-name" x="{LABEL_WIDTH - 8}" y="{y + 15}">{_text(_cut(name, 26))}'
                        f'<title>{_text(name)}</title></text>')
            for row, placed in enumerate(rows):
                for event in placed:
                    body.append(_mark(event, x, y + row * LANE + LANE / 2))
            y += height + 2
        y += BAND_GAP - 10
    axis = _axis(x, y)
    height = y + 24
    return (f'<svg class="chart" role="img" aria-label="Events by {grouping}" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            + "".join(axis) + "".join(body) + "</svg>")


def _extent(event: Event, x) -> tuple[float, float]:
    """Where the event's mark begins and ends: a dot for a day, else a bar at least MIN_BAR wide."""
    left, right = x(event.start or event.end), x(event.end or event.start, end_of_day=True)
    if _is_dot(event, left, right):
        middle = (left + right) / 2
        return middle - _radius(event), middle + _radius(event)
    return left, max(right, left + MIN_BAR)


MIN_BAR = 6.0


def _is_dot(event: Event, left: float, right: float) -> bool:
    return event.precision == "day" or (event.start == event.end and event.precision in ("", "unknown-date"))


def _stack(events: list[Event], x) -> list[list[Event]]:
    """Rows within a lane so that no two marks overlap (first fit, in date order)."""
    rows: list[list[Event]] = []
    ends: list[float] = []
    for event in sorted(events, key=lambda e: (e.start or e.end, e.end or e.start, e.id)):
        left, right = _extent(event, x)
        right += 2
        for i, end in enumerate(ends):
            if left > end:
                rows[i].append(event)
                ends[i] = right
                break
        else:
            rows.append([event])
            ends.append(right)
    return rows


def _radius(event: Event) -> float:
    # Area, not radius, grows with the number killed.
    return round(4 + min(math.sqrt(event.killed), 9), 1)


def _mark(event: Event, x, y: float) -> str:
    tip = _text(f"{event.label}\n{event.when()}\n" + "\n".join(event.harms[:4]))
    left, right = _extent(event, x)
    kind = event.precision if event.precision in _PRECISION_WORDS else "interval"
    if _is_dot(event, left, right):
        shape = f'<circle cx="{round((left + right) / 2, 1)}" cy="{y}" r="{_radius(event)}"/>'
    else:
        shape = f'<rect x="{left}" y="{y - 5}" width="{round(right - left, 1)}" height="10" rx="2"/>'
    band = "political" if event.political else "conflict"
    return (f'<a href="#e-{_text(event.id)}" class="mark {band} p-{kind}" data-event="{_text(event.id)}">'
            f'{shape}<title>{tip}</title></a>')


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _axis(x: _Scale, bottom: float) -> list[str]:
    """A tick at each year, and at each month wide enough to label; quiet stretches shaded."""
    out, last_label = [], -100.0
    for i, (year, month) in enumerate(x.months):
        at = x(f"{year:04d}-{month:02d}-01")
        wide = x.weights[i] == 1.0
        if not wide:
            following = x.months[i + 1] if i + 1 < len(x.months) else None
            right = x(f"{following[0]:04d}-{following[1]:02d}-01") if following else x.left + x.width
            out.append(f'<rect class="quiet" x="{at}" y="22" width="{round(right - at, 1)}" height="{bottom - 22}"/>')
        if month == 1 or i == 0 or (wide and at - last_label > 34):
            text = str(year) if month == 1 else f"{_MONTHS[month - 1]} {year}" if i == 0 else _MONTHS[month - 1]
            out.append(f'<line class="tick{" year" if month == 1 else ""}" x1="{at}" y1="22" x2="{at}" '
                       f'y2="{bottom}"/><text class="tick-label" x="{at + 2}" y="16">{text}</text>')
            last_label = at
    return out


def _legend() -> str:
    items = [("p-day", "circle", "a day (size: people killed)"), ("p-week", "rect", "a week"),
             ("p-part-of-month", "rect", "part of a month"), ("p-month", "rect", "a month"),
             ("p-interval", "rect", "an interval, a year or part of one")]
    out = []
    for css, shape, words in items:
        drawn = '<circle cx="9" cy="7" r="5"/>' if shape == "circle" else '<rect x="1" y="2" width="18" height="10" rx="2"/>'
        out.append(f'<li><svg class="mark conflict {css}" width="20" height="14" aria-hidden="true">{drawn}</svg>'
                   f'{_text(words)}</li>')
    out.append('<li><svg class="mark political p-day" width="20" height="14" aria-hidden="true">'
               '<circle cx="9" cy="7" r="5"/></svg>political or civic-space event</li>')
    return "".join(out)


def _map(events: list[Event]) -> str:
    located = [(lat, long, place, e) for e in events for lat, long, place in e.points]
    if not located:
        return ('<p class="note" id="no-map">No event in this graph has coordinates: the sources coded here '
                'give none (ACLED imports do), and none is guessed.</p>')
    lats = [p[0] for p in located]
    longs = [p[1] for p in located]
    south, north = math.floor(min(lats)) - 1, math.ceil(max(lats)) + 1
    west, east = math.floor(min(longs)) - 1, math.ceil(max(longs)) + 1
    # Equirectangular, with longitude shrunk by the cosine of the middle latitude so that
    # distances read roughly true this near the equator.
    scale = 560 / max((east - west) * math.cos(math.radians((north + south) / 2)), north - south)
    width = round((east - west) * math.cos(math.radians((north + south) / 2)) * scale) + 60
    height = round((north - south) * scale) + 40

    def at(lat: float, long: float) -> tuple[float, float]:
        return (round(50 + (long - west) * (width - 60) / (east - west), 1),
                round(10 + (north - lat) * (height - 40) / (north - south), 1))

    out = [f'<svg class="map" role="img" aria-label="Events with coordinates" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
           f'<rect class="frame" x="50" y="10" width="{width - 60}" height="{height - 40}"/>']
    step = 1 if north - south <= 12 else 2
    for lat in range(south, north + 1, step):
        _, y = at(lat, west)
        out.append(f'<line class="grid" x1="50" y1="{y}" x2="{width - 10}" y2="{y}"/>'
                   f'<text class="tick-label" x="44" y="{y + 4}" text-anchor="end">{abs(lat)}°{"N" if lat >= 0 else "S"}</text>')
    for long in range(west, east + 1, step):
        x, _ = at(south, long)
        out.append(f'<line class="grid" x1="{x}" y1="10" x2="{x}" y2="{height - 30}"/>'
                   f'<text class="tick-label" x="{x}" y="{height - 14}" text-anchor="middle">'
                   f'{abs(long)}°{"E" if long >= 0 else "W"}</text>')
    for lat, long, place, event in sorted(located, key=lambda p: (p[3].start, p[3].id, p[0], p[1])):
        x, y = at(lat, long)
        band = "political" if event.political else "conflict"
        out.append(f'<a href="#e-{_text(event.id)}" class="mark {band} p-day" data-event="{_text(event.id)}">'
                   f'<circle cx="{x}" cy="{y}" r="{_radius(event)}"/>'
                   f'<title>{_text(f"{event.label}, {event.when()}, {place} ({lat}, {long})")}</title></a>'
                   f'<text class="place" x="{round(x + _radius(event) + 3, 1)}" y="{round(y + 4, 1)}">'
                   f'{_text(_cut(place, 24))}</text>')
    out.append("</svg>")
    return (f'<p class="note">{len(located)} located event(s), at the coordinates the graph gives for each '
            f'event\'s own place; {len(events) - len({p[3].id for p in located})} event(s) have none and are not drawn.</p>'
            + "".join(out))


def _entries(events: list[Event]) -> str:
    out = []
    for band, political in (("Armed conflict", False), ("Political and civic space", True)):
        members = [e for e in events if e.political == political]
        if not members:
            continue
        out.append(f"<h3>{_text(band)} ({len(members)})</h3><ol class=\"entries\">")
        for event in members:
            acting = [f"{label} ({certainty})" for _, label, role, certainty in event.roles if role in _ACTING_ROLES]
            others = [f"{label} ({role.replace('-', ' ')})" for _, label, role, _ in event.roles
                      if role not in _ACTING_ROLES]
            rows = [("When", event.when() + (f" — “{event.date_text}”" if event.date_text else "")),
                    ("Where", ", ".join(event.places) + (f" ({event.region})" if event.region != NO_REGION else "")
                     if event.places else "not stated"),
                    ("Toll", "; ".join(event.harms) or "none given"),
                    ("Perpetrators", ", ".join(acting) or "none named"),
                    ("Also involved", ", ".join(others)),
                    ("Document", "; ".join(event.documents))]
            details = "".join(f"<dt>{_text(k)}</dt><dd>{_text(v)}</dd>" for k, v in rows if v)
            quotes = "".join(f"<blockquote>“{_text(q)}”</blockquote>" for q in event.quotes[:3])
            out.append(f'<li id="e-{_text(event.id)}"><h4>{_text(event.label)}</h4><dl>{details}</dl>{quotes}</li>')
        out.append("</ol>")
    return "".join(out)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _local(iri: str | None) -> str:
    """The local name of an IRI (``Incident``, ``part-of-month``, ``hasPlace``)."""
    if not iri:
        return ""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"
