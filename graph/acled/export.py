"""Exporting the graph's incidents as rows of ACLED's CSV layouts.

An imported ACLED account goes back as ACLED wrote it: its date as written (a month-precision
date stays the day ACLED gave), its actors under the names ACLED used (``mk:nameInSource``), the
inter codes ACLED gave, its own admin chain and coordinates. The graph's own incidents get ACLED's
names for their actors and places as ACLED used them at the incident's date (the alias table's
``from``/``until``). Cells a spreadsheet would run as a formula are neutralised.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import MalikgError
from ..files import write_atomic
from .aliases import AliasTable, read_aliases
from .codebook import (_DISORDER, _DISORDER_BY_SUB, ASSOCIATED_NOTE, COUNTRY_CODES, HXL_TAGS, LAYOUTS, OWN_ID_PREFIX,
                       Codebook, Layout, codebook)
from .names import normal as _normal
from .reader import _interaction_code, _parse_date
from .select import _local, _select

_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
#: A cell a spreadsheet reads as a formula starts with one of these (OWASP's list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ISO3 = {"mali": "MLI"}


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    skipped: list[tuple[str, str]]     # (event, why) for incidents ACLED's layout cannot hold


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: a leading ' before =, +, -, @, tab or CR,
    except in a number (a negative longitude stays a number)."""
    if cell.startswith(_FORMULA_STARTS) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def export_csv(store, output_path: str | os.PathLike, *, aliases: AliasTable | None = None,
               layout: str = "current") -> ExportResult:
    """Write the graph's incidents to ``output_path`` in one of ACLED's layouts.

    ``layout``: current (ISO dates, inter codes as names), hdx (the current columns, a second
    header line of HXL tags, inter codes as numbers), pre-2022 (data_id ... iso3, "23 March 2019"
    dates, numbers) or dyadic (one row per actor, "31 December 2020" dates, numbers).

    One event per mk:Incident (campaigns, which group incidents, are not rows). Dates of the
    graph's own incidents: time_precision from the date precision's mk:acledTimePrecision (day 1,
    week and part of month 2, month 3) and the middle of the known range as event_date, as ACLED
    does; a precision ACLED has no code for (part of a year, a year, an interval) is written as 3
    with the middle of the range. Incidents without any date are left out and listed in
    ``skipped``.
    """
    if layout not in LAYOUTS:
        raise MalikgError(f"unknown ACLED layout {layout!r}; expected one of: {', '.join(LAYOUTS)}")
    shape = LAYOUTS[layout]
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
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(shape.columns)
    if shape.hxl:
        writer.writerow([HXL_TAGS.get(c, "") for c in shape.columns])
    for row in rows:
        for cells in _layout_rows(row, shape, book):
            writer.writerow([neutralise(cells.get(c, "")) for c in shape.columns])
    write_atomic(Path(output_path), buffer.getvalue())
    return ExportResult(str(output_path), len(rows), skipped)


def _layout_rows(row: dict, shape: Layout, book: Codebook) -> list[dict]:
    """One event's cells in ``shape``: one row, or a dyadic file's row per actor."""
    names = book.inter_wording
    cells = dict(row)
    date = row["date"]
    cells["event_date"] = date.strftime(shape.date_format) if shape.date_format else date.isoformat()
    codes = [c for c in (row["inter1"], row["inter2"]) if c]
    interaction = row["interaction"] or _interaction_code(codes)

    def inter(code):
        if shape.inter_as_names:
            return names.get(code, "") if code else ""
        return str(code) if code else "0"

    if shape.inter_as_names and interaction:
        low, high = divmod(interaction, 10)
        cells["interaction"] = f"{names.get(low, '')} only" if not high else f"{names.get(low, '')}-{names.get(high, '')}"
    else:
        cells["interaction"] = str(interaction or "")
    cells["inter1"], cells["inter2"] = inter(row["inter1"]), inter(row["inter2"]) if row["actor2"] else inter(None)
    if not shape.dyadic:
        return [cells]
    sides = [(row["actor1"], row["assoc_actor_1"], row["inter1"])]
    if row["actor2"]:
        sides.append((row["actor2"], row["assoc_actor_2"], row["inter2"]))
    return [{**cells, "actor1": actor, "assoc_actor_1": assoc, "inter1": inter(code)} for actor, assoc, code in sides]


class _ExportData:
    """Everything the export needs, read from the store with a few SELECTs."""

    def __init__(self, store, book: Codebook, aliases: AliasTable):
        self.book = book
        self.aliases = aliases
        self.events: dict[str, dict] = {}
        fields = ("id", "acledId", "type", "precision", "ts", "earliest", "latest", "civ", "scale",
                  "source", "tags", "disorder", "interaction", "dateText", "dataId")
        for row in _select(store, """
                SELECT ?e ?id ?acledId ?type ?precision ?ts ?earliest ?latest ?civ ?scale ?source ?tags
                       ?disorder ?interaction ?dateText ?dataId WHERE {
                  ?e a mk:Incident .
                  OPTIONAL { ?e dcterms:identifier ?id } OPTIONAL { ?e mk:acledEventId ?acledId }
                  OPTIONAL { ?e sem:eventType ?type } OPTIONAL { ?e mk:datePrecision ?precision }
                  OPTIONAL { ?e sem:hasTimeStamp ?ts } OPTIONAL { ?e sem:hasEarliestBeginTimeStamp ?earliest }
                  OPTIONAL { ?e sem:hasLatestEndTimeStamp ?latest } OPTIONAL { ?e mk:civilianTargeting ?civ }
                  OPTIONAL { ?e mk:sourceScale ?scale } OPTIONAL { ?e mk:acledSource ?source }
                  OPTIONAL { ?e mk:acledTags ?tags } OPTIONAL { ?e mk:disorderType ?disorder }
                  OPTIONAL { ?e mk:acledInteraction ?interaction } OPTIONAL { ?e mk:dateText ?dateText }
                  OPTIONAL { ?e mk:acledDataId ?dataId }
                }"""):
            record = self.events.setdefault(row[0], {})
            for name, value in zip(fields, row[1:]):
                if value is not None and (record.get(name) is None or str(value) < str(record[name])):
                    record[name] = value  # one value per field; the smallest if the graph has several
        self.parts: dict[str, list[tuple]] = {}
        for event, *part in _select(store, """
                SELECT ?e ?actor ?role ?note ?label ?code ?community ?id ?written ?partCode WHERE {
                  ?e a mk:Incident ; mk:participation ?p . ?p mk:participant ?actor ; sem:roleType ?role .
                  OPTIONAL { ?p mk:participantNote ?note } OPTIONAL { ?actor rdfs:label ?label }
                  OPTIONAL { ?actor mk:interCode ?code } OPTIONAL { ?actor dcterms:identifier ?id }
                  OPTIONAL { ?p mk:nameInSource ?written } OPTIONAL { ?p mk:interCode ?partCode }
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
        date = None
        if info.get("acledId") and info.get("dateText"):
            try:
                date = _parse_date(info["dateText"])  # the day ACLED wrote, whatever the precision
            except Exception:  # noqa: BLE001 - a date text of another source: fall back to the range
                date = None
        if date is not None:
            pass  # an ACLED account: its own date
        elif info.get("ts"):
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
        actors = self._actors(event, date)
        place = self._place(event, date)
        quotes = sorted(self.quotes.get(event, ()), key=lambda q: (q[0], q[1], q[2]))
        source = info.get("source") or "; ".join(sorted({q[3] for q in quotes if q[3]}))
        stamps = [q[4] for q in quotes if q[4]]
        civilian = info.get("civ")
        if civilian is None:
            civilian = any(community or code == "7" for *_, code, community, role in actors["all"]
                           if role in ("target", "victim-community"))
        interaction = info.get("interaction")
        interaction = int(interaction) if interaction else _interaction_code([actors["inter1"], actors["inter2"]])
        country = place.get("country", "")
        iso, region = COUNTRY_CODES.get(_normal(country), ("", ""))
        acled_id = info.get("acledId") or OWN_ID_PREFIX + (info.get("id") or _local(event))
        return {
            "date": date, "data_id": info.get("dataId") or "",
            "event_id_cnty": acled_id, "event_id_no_cnty": "".join(c for c in acled_id if c.isascii() and c.isdigit()),
            "event_date": date.isoformat(), "year": str(date.year),
            "time_precision": str(book.time_precisions.get(precision, 3)),
            "disorder_type": info.get("disorder") or _DISORDER_BY_SUB.get(type_slug)
            or _DISORDER.get(parent_slug, ""),
            "event_type": book.wording.get(parent_slug, ""), "sub_event_type": book.wording[type_slug],
            "actor1": actors["actor1"], "assoc_actor_1": "; ".join(actors["assoc1"]),
            "inter1": actors["inter1"], "actor2": actors["actor2"],
            "assoc_actor_2": "; ".join(actors["assoc2"]), "inter2": actors["inter2"],
            "interaction": interaction,
            "civilian_targeting": "Civilian targeting" if civilian else "",
            "iso": iso, "iso3": _ISO3.get(_normal(country), ""), "region": region, "country": country,
            "admin1": place.get("admin1", ""), "admin2": place.get("admin2", ""),
            "admin3": place.get("admin3", ""), "location": place.get("location", ""),
            "latitude": _coordinate(place.get("lat")), "longitude": _coordinate(place.get("long")),
            "geo_precision": str(place.get("geo") or ""),
            "source": source, "source_scale": info.get("scale") or "",
            "notes": " ".join(q[2] for q in quotes),
            "fatalities": str(sum(self.killed.get(event, {}).values())),
            "tags": info.get("tags") or "",
            "timestamp": str(int(dt.datetime.fromisoformat(max(stamps).replace("Z", "+00:00")).timestamp()))
            if stamps else "",
        }

    def _actors(self, event: str, date: dt.date) -> dict:
        named = []
        for actor, role, note, label, code, community, ident, written, part_code in self.parts.get(event, []):
            name = written or (self.aliases.acled_name(("actor",), ident, date) if ident else None)
            named.append((name or label or _local(actor), note == ASSOCIATED_NOTE, part_code or code,
                          bool(community), _local(role)))
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

    def _place(self, event: str, date: dt.date) -> dict:
        places = sorted(self.places.get(event, []))
        if not places:
            return {}
        place = places[0]
        info = self.place_info.get(place, {})
        location = info.get("near") or place
        at = self.place_info.get(location, {})
        found = {"lat": info.get("lat") or at.get("lat"), "long": info.get("long") or at.get("long")}
        geo = info.get("geo")
        if geo is None:
            geo = 2 if info.get("near") else self.book.geo_precisions.get(info.get("type"), 3)
        found["geo"] = geo
        found["location"] = self._name(location, "location", date)
        node, seen = info.get("within") or at.get("within"), set()
        if at.get("level") is not None:
            node = location
        while node and node not in seen:
            seen.add(node)
            level = self.place_info.get(node, {}).get("level")
            column = {0: "country", 1: "admin1", 2: "admin2", 3: "admin3"}.get(level)
            if column and column not in found:
                found[column] = self._name(node, column, date)
            node = self.place_info.get(node, {}).get("within")
        return found

    def _name(self, place: str, column: str, date: dt.date) -> str:
        info = self.place_info.get(place, {})
        ident = info.get("id")
        name = None
        if ident and not ident.startswith("acled-"):
            name = self.aliases.acled_name((column, "place"), ident, date)
        return name or info.get("label") or _local(place)


def _coordinate(value: str | None) -> str:
    """A coordinate as ACLED writes it: four decimals (the store keeps 14.1000 as 14.1)."""
    if not value:
        return ""
    text = str(value)
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(4, '0')}" if len(decimals) <= 4 else text
