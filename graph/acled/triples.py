"""Writing checked ACLED rows as N-Triples, one account per event.

Literals, quotes (evidence with its selectors) and an account's document and author go through
the data model's one writer, graph/triples.py; what is ACLED's own (its columns, its admin chain,
names as ACLED wrote them) is written here, in the same N-Triples form.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ..namespaces import GEO, MK, MKV, SEM
from ..triples import Writer
from ..triples import literal as _text
from ..triples import typed as _typed
from .aliases import default_aliases_path
from .codebook import ASSOCIATED_NOTE, CIVIC_EVENT_TYPES, OWN_ID_PREFIX, PLACE_LEVELS, SIDED_TYPES, Codebook
from .names import slugify
from .reader import _Actor, _interaction_code, _Row
from .resolve import _Node, _Resolver


def _iri(value) -> str:
    return f"<{value}>"



_A = _iri(RDF.type)
_LABEL, _IDENTIFIER, _DERIVED = _iri(RDFS.label), _iri(DCTERMS.identifier), _iri(PROV.wasDerivedFrom)
_INTEGER, _DATE, _DECIMAL_TYPE = str(XSD.integer), str(XSD.date), str(XSD.decimal)
_BOOLEAN, _DATETIME = str(XSD.boolean), str(XSD.dateTime)
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
    "accordingTo": MK.accordingTo, "attributedTo": PROV.wasAttributedTo,
    "documentKind": MK.documentKind, "sha256": MK.sha256, "nameInSource": MK.nameInSource,
    "samePlaceAs": MK.samePlaceAs, "formedFrom": MK.formedFrom, "acledDataId": MK.acledDataId,
    "relationType": MK.relationType, "source": MK.source, "relatedTo": MK.relatedTo,
}.items()}
_C = {name: _iri(term) for name, term in {
    "Event": MK.Event, "Incident": MK.Incident, "Participation": MK.Participation, "Harm": MK.Harm,
    "Actor": MK.Actor, "ArmedGroup": MK.ArmedGroup, "Community": MK.Community, "Place": MK.Place,
    "SourceDocument": MK.SourceDocument, "Bibliographic": DCTERMS.BibliographicResource,
    "Entity": PROV.Entity,
    "Relation": MK.Relation,
}.items()}
#: How the alias table's links between an actor of ACLED's and one of the graph's become relations.
_TIES = {"affiliate": "affiliation", "successor": "association"}
_PRECISIONS = {1: "day", 2: "week", 3: "month"}
_ARMED_CODES = {1, 2, 3, 4, 8}
_PLACE_TYPES = {"country": "country", "admin1": "region", "admin3": "district-area",
                "location": "locality", "area": "area"}


class _Emitter:
    """Turns checked rows into N-Triples lines, minting IRIs and resolving names as it goes.

    One event is one account of ACLED's: the event, its participations and harm, its record
    (``source/acled-{id}``, whose text is the notes) and the evidence quoting it. ``account_nodes``
    says which IRIs an account owns, so that a newer version can replace it whole.
    """

    def __init__(self, resolver: _Resolver, book: Codebook, base: str, out, store):
        self.r = resolver
        self.book = book
        self.base = base
        self.out = out
        self.store = store
        self.lines = 0
        self.name_events: Counter = Counter()
        self.name_nodes: dict[tuple[str, str, str], _Node] = {}   # (kind, ACLED name, IRI): one name, two places
        self.done: set[str] = set()
        self._alias_documents: dict[str, tuple[str, str]] = {}
        self.coordinates_written = set(resolver.stored_located)

    def write(self, lines: list[str]) -> None:
        self.out.write("".join(lines))
        self.lines += len(lines)

    def own_event_present(self, row: _Row) -> bool:
        slug = row.acled_id[len(OWN_ID_PREFIX):]
        if not row.acled_id.startswith(OWN_ID_PREFIX) or not slug:
            return False
        return bool(self.store.query(f"ASK {{ <{self.base}event/{slugify(slug)}> a mk:Event }}"))

    def event_slug(self, acled_id: str) -> str:
        own = acled_id.startswith(OWN_ID_PREFIX) and len(acled_id) > len(OWN_ID_PREFIX)
        return slugify(acled_id[len(OWN_ID_PREFIX):]) if own else "acled-" + slugify(acled_id)

    def emit(self, row: _Row) -> None:
        doc_slug = "acled-" + slugify(row.acled_id)
        slug = self.event_slug(row.acled_id)
        event = _iri(f"{self.base}event/{slug}")
        evidence, document = self._evidence(row, doc_slug)
        out = []
        add = out.append
        add(f"{event} {_A} {_C['Event']} .\n")
        add(f"{event} {_A} {_C['Incident']} .\n")
        place_name = row.places["location"]
        add(f"{event} {_LABEL} {_text(self._label(row, place_name))} .\n")
        add(f"{event} {_IDENTIFIER} {_text(slug)} .\n")
        add(f"{event} {_DERIVED} {evidence} .\n")
        Writer(self.base, out).account(event, document, _iri(self.r.publisher) if self.r.publisher else None)
        add(f"{event} {_P['eventType']} {_iri(MKV[row.sub_type])} .\n")
        theme = "civic-space" if row.event_type in CIVIC_EVENT_TYPES else "armed-conflict"
        add(f"{event} {_P['theme']} {_iri(MKV[theme])} .\n")
        self._dates(add, event, row)
        add(f"{event} {_P['acledEventId']} {_text(row.acled_id)} .\n")
        for prop, value in (("sourceScale", row.source_scale), ("acledSource", row.source),
                            ("acledTags", row.tags), ("disorderType", row.disorder_type),
                            ("acledDataId", row.data_id)):
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
            harm = _iri(f"{self.base}harm/{slug}-killed")
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

    def _document(self, doc: str, title: str, citation: str, text: str, kind: str,
                  publisher: str | None) -> list[str]:
        title = _text(title)
        lines = [f"{doc} {_A} {_C['SourceDocument']} .\n", f"{doc} {_A} {_C['Bibliographic']} .\n",
                 f"{doc} {_A} {_C['Entity']} .\n", f"{doc} {_LABEL} {title} .\n",
                 f"{doc} {_P['title']} {title} .\n", f"{doc} {_P['citation']} {_text(citation)} .\n",
                 f"{doc} {_P['value']} {_text(text)} .\n",
                 f"{doc} {_P['characterCount']} {_typed(len(text), _INTEGER)} .\n",
                 f"{doc} {_P['sha256']} {_text(hashlib.sha256(text.encode('utf-8')).hexdigest())} .\n",
                 f"{doc} {_P['documentKind']} {_iri(MKV[kind])} .\n"]
        if publisher:
            lines.append(f"{doc} {_P['publisher']} {_iri(publisher)} .\n")
            lines.append(f"{doc} {_P['attributedTo']} {_iri(publisher)} .\n")
        return lines

    def _quote(self, doc_slug: str, exact: str, start: int) -> tuple[str, list[str]]:
        """The evidence node quoting ``exact`` at ``start`` of the document, and its triples."""
        lines: list[str] = []
        return Writer(self.base, lines).evidence(doc_slug, start, start + len(exact), exact), lines

    def _evidence(self, row: _Row, doc_slug: str) -> tuple[str, str]:
        """The row as ACLED's record, a source document whose text is the notes, quoted whole."""
        doc = _iri(f"{self.base}source/{doc_slug}")
        lines = self._document(doc, f"ACLED event {row.acled_id}",
                               f"Armed Conflict Location & Event Data (ACLED), event {row.acled_id}",
                               row.notes, "dataset-record", self.r.publisher)
        evidence, quote = self._quote(doc_slug, row.notes, 0)
        lines += quote
        if row.timestamp is not None:
            stamp = row.timestamp.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            lines.append(f"{doc} {_P['modified']} {_typed(stamp, _DATETIME)} .\n")
        self.write(lines)
        return evidence, doc

    def _alias_evidence(self, alias) -> str:
        """The alias table's row as the evidence of a tie it states: the table is a document too."""
        path = Path(alias.file)
        if alias.file not in self._alias_documents:
            text = path.read_text(encoding="utf-8-sig")
            slug = "acled-aliases" if path.resolve() == default_aliases_path().resolve() else \
                f"acled-aliases-{slugify(path.stem)}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"
            doc = _iri(f"{self.base}source/{slug}")
            self.write(self._document(doc, f"malikg's ACLED alias table ({path.name})",
                                      f"malikg, ACLED alias table {path.name}", text, "dataset", None))
            self._alias_documents[alias.file] = (slug, text)
        slug, text = self._alias_documents[alias.file]
        line = text.splitlines(keepends=False)[alias.line - 1]
        start = sum(len(x) for x in text.splitlines(keepends=True)[:alias.line - 1])
        node = Writer(self.base).evidence_node(slug, start, start + len(line))
        if node not in self.done:
            self.done.add(node)
            self.write(self._quote(slug, line, start)[1])
        return node

    def _count(self, kind: str, name: str, node: _Node) -> None:
        self.name_events[(kind, name, node.iri)] += 1
        self.name_nodes.setdefault((kind, name, node.iri), node)

    def _places(self, add, row: _Row, evidence: str) -> _Node:
        named, parent, above, region = [], None, None, None
        coordinates = (float(row.latitude), float(row.longitude)) if row.latitude is not None else None
        for column in PLACE_LEVELS:
            name = row.places.get(column)
            if name:
                above = parent
                parent = self.r.place(column, name, parent, region,
                                      coordinates if column == "location" else None)
                if column == "admin1":
                    region = parent
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
            if not node.minted or node.iri in used:
                self._count(column, name, node)
        # ACLED's point is the named location's; an area near it is drawn at the same point
        for node in {location.iri: location, place.iri: place}.values():
            if node.minted and node.iri not in self.coordinates_written and coordinates is not None:
                self.coordinates_written.add(node.iri)
                add(f"{_iri(node.iri)} {_P['lat']} {_typed(row.latitude, _DECIMAL_TYPE)} .\n")
                add(f"{_iri(node.iri)} {_P['long']} {_typed(row.longitude, _DECIMAL_TYPE)} .\n")
        if place.minted and row.geo_precision is not None:
            add(f"{_iri(place.iri)} {_P['geoPrecision']} {_typed(row.geo_precision, _INTEGER)} .\n")
        return place

    @staticmethod
    def _new_chain(place: _Node) -> list[_Node]:
        """The new places an event at ``place`` needs: it, what it is near, the regions a new
        region was formed from, and their parents up to the first place of the graph."""
        found, seen, todo = [], set(), [place]
        while todo:
            node = todo.pop()
            if node is None or node.iri in seen:
                continue
            seen.add(node.iri)
            if node.minted or node.formed_from:
                found.append(node)
            if node.minted:
                todo.extend((node.parent, node.near))
            todo.extend(node.formed_from)
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
        add(f"{iri} {_IDENTIFIER} {_text(node.own_id)} .\n")
        if node.iri not in self.r.labelled:
            self.r.labelled.add(node.iri)
            add(f"{iri} {_LABEL} {_text(node.name)} .\n")
        return True

    def _new_place(self, add, node: _Node, evidence: str) -> None:
        iri = _iri(node.iri)
        if not node.minted:  # a region of the graph that a new region was formed from
            if node.iri not in self.done:
                self.done.add(node.iri)
                for older in node.formed_from:
                    add(f"{iri} {_P['formedFrom']} {_iri(older.iri)} .\n")
            return
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
        if node.same_as is not None:
            add(f"{iri} {_P['samePlaceAs']} {_iri(node.same_as.iri)} .\n")
        for older in node.formed_from:
            add(f"{iri} {_P['formedFrom']} {_iri(older.iri)} .\n")

    def _participations(self, add, event: str, slug: str, row: _Row, evidence: str) -> None:
        sided = row.sub_type in SIDED_TYPES
        civilians_side2 = any(a.code == 7 for a in row.actors if a.side == 2 and not a.associated)
        taken: dict[str, str] = {}
        for actor in sorted(row.actors, key=lambda a: (a.side, a.associated)):
            node = self.r.actor(actor.name)
            self._count("actor", actor.name, node)
            community = node.community or (node.minted and actor.associated and actor.side == 2
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
            add(f"{part} {_P['nameInSource']} {_text(actor.name)} .\n")
            if actor.code is not None:
                add(f"{part} {_P['interCode']} {_typed(actor.code, _INTEGER)} .\n")
            if actor.associated:
                add(f"{part} {_P['note']} {_text(ASSOCIATED_NOTE)} .\n")
            add(f"{event} {_P['participation']} {part} .\n")
            add(f"{event} {_P['hasActor']} {actor_iri} .\n")
            if role in ("perpetrator", "co-perpetrator"):
                add(f"{event} {_P['perpetrator']} {actor_iri} .\n")
            elif role in ("target", "victim-community"):
                add(f"{event} {_P['target']} {actor_iri} .\n")

    def _new_actor(self, add, node: _Node, actor: _Actor, community: bool, evidence: str) -> None:
        if not node.minted:
            return
        iri = _iri(node.iri)
        first = self._declare(add, node, "Actor", evidence)
        if community:
            add(f"{iri} {_A} {_C['Community']} .\n")
        if first and node.tie is not None:
            link, target = node.tie
            alias = self.r.aliases.find(("actor",), actor.name)
            relation = _iri(f"{self.base}relation/{node.malikg_id}-{_TIES[link]}-{target.malikg_id}")
            add(f"{relation} {_A} {_C['Relation']} .\n")
            add(f"{relation} {_IDENTIFIER} {_text(f'{node.malikg_id}-{_TIES[link]}-{target.malikg_id}')} .\n")
            add(f"{relation} {_LABEL} {_text(f'{node.name} {link} of {target.key}')} .\n")
            add(f"{relation} {_P['relationType']} {_iri(MKV[_TIES[link]])} .\n")
            add(f"{relation} {_P['source']} {iri} .\n")
            add(f"{relation} {_P['relatedTo']} {_iri(target.iri)} .\n")
            add(f"{relation} {_P['certainty']} {_iri(MKV.stated)} .\n")
            evidence = self._alias_evidence(alias)
            add(f"{relation} {_DERIVED} {evidence} .\n")
            add(f"{relation} {_P['accordingTo']} {_iri(self.base + 'source/' + self._alias_documents[alias.file][0])} .\n")
        if actor.code is not None and node.iri not in self.r.coded:
            self.r.coded.add(node.iri)
            add(f"{iri} {_P['actorType']} {_iri(MKV[self.book.actor_types[actor.code]])} .\n")
            add(f"{iri} {_P['interCode']} {_typed(actor.code, _INTEGER)} .\n")
            cls = "Community" if actor.code == 7 else "ArmedGroup" if actor.code in _ARMED_CODES else None
            if cls:
                add(f"{iri} {_A} {_C[cls]} .\n")
