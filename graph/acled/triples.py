"""Writing checked ACLED rows as N-Triples, one account per event.

Every triple goes through the data model's one writer, graph/triples.py: an ACLED row becomes an
event, its participations, its harm, its places and actors, its record as a source document and
the quote of that record, as any coded account does. What is ACLED's own is what this module
decides: which of its columns says what, its admin chain, the names as ACLED wrote them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

from ..triples import (A, DCTERMS_, MK_, MKV_, SEM_, XSD_BOOLEAN, XSD_DATETIME, XSD_INTEGER, Writer, literal,
                       typed)
from .aliases import default_aliases_path
from .codebook import ASSOCIATED_NOTE, CIVIC_EVENT_TYPES, OWN_ID_PREFIX, PLACE_LEVELS, SIDED_TYPES, Codebook
from .names import slugify
from .reader import _Actor, _interaction_code, _Row
from .resolve import _Node, _Resolver


def _iri(value) -> str:
    return f"<{value}>"


#: How the alias table's links between an actor of ACLED's and one of the graph's become relations.
_TIES = {"affiliate": "affiliation", "successor": "association"}
_PRECISIONS = {1: "day", 2: "week", 3: "month"}
_ARMED_CODES = {1, 2, 3, 4, 8}
_PLACE_TYPES = {"country": "country", "admin1": "region", "admin3": "district-area",
                "location": "locality", "area": "area"}
#: ACLED's own columns that are kept on the event as text, by the property that keeps each.
_TEXT_COLUMNS = (("sourceScale", "source_scale"), ("acledSource", "source"), ("acledTags", "tags"),
                 ("disorderType", "disorder_type"), ("acledDataId", "data_id"))


def _dates(row: _Row) -> dict[str, str]:
    """The event's day, or its earliest and latest days: ACLED's week is its date +/- 3 days,
    its month the calendar month."""
    if row.precision == 1:
        return {"day": row.date.isoformat()}
    if row.precision == 2:
        return {"earliest": (row.date - dt.timedelta(days=3)).isoformat(),
                "latest": (row.date + dt.timedelta(days=3)).isoformat()}
    first = row.date.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return {"earliest": first.isoformat(), "latest": last.isoformat()}


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
        self.w = Writer(base)
        self.name_events: Counter = Counter()
        self.name_nodes: dict[tuple[str, str, str], _Node] = {}   # (kind, ACLED name, IRI): one name, two places
        self.done: set[str] = set()
        self._alias_documents: dict[str, tuple[str, str]] = {}
        self.coordinates_written = set(resolver.stored_located)

    def own_event_present(self, row: _Row) -> bool:
        slug = row.acled_id[len(OWN_ID_PREFIX):]
        if not row.acled_id.startswith(OWN_ID_PREFIX) or not slug:
            return False
        return bool(self.store.query(f"ASK {{ <{self.base}event/{slugify(slug)}> a mk:Event }}"))

    def event_slug(self, acled_id: str) -> str:
        own = acled_id.startswith(OWN_ID_PREFIX) and len(acled_id) > len(OWN_ID_PREFIX)
        return slugify(acled_id[len(OWN_ID_PREFIX):]) if own else "acled-" + slugify(acled_id)

    def emit(self, row: _Row) -> None:
        w = self.w
        doc_slug = "acled-" + slugify(row.acled_id)
        slug = self.event_slug(row.acled_id)
        event = w.node("event", slug)
        evidence, document = self._evidence(row, doc_slug)
        place = self._places(row, evidence)
        own = [(MK_["acledEventId"], literal(row.acled_id))]
        own += [(MK_[prop], literal(getattr(row, column)))
                for prop, column in _TEXT_COLUMNS if getattr(row, column)]
        if row.civilian_targeting is not None:
            own.append((MK_["civilianTargeting"],
                        typed("true" if row.civilian_targeting else "false", XSD_BOOLEAN)))
        interaction = row.interaction or _interaction_code([a.code for a in row.actors if not a.associated])
        if interaction is not None:
            own.append((MK_["acledInteraction"], typed(interaction, XSD_INTEGER)))
        w.event(event, identifier=slug, label=self._label(row, row.places["location"]),
                event_type=row.sub_type,
                themes=("civic-space" if row.event_type in CIVIC_EVENT_TYPES else "armed-conflict",),
                places=(_iri(place.iri),), precision=_PRECISIONS[row.precision], **_dates(row),
                date_basis="stated-date", date_text=row.date_text, own=own, evidence=(evidence,),
                document=document, publisher=_iri(self.r.publisher) if self.r.publisher else None)
        self._participations(event, slug, row, evidence)
        if row.fatalities:
            # ACLED's fatalities are its most conservative figure: a floor, not a best guess.
            w.harm(w.node("harm", f"{slug}-killed"), parent=event, harm_type="killed",
                   qualifier="most-conservative", count=row.fatalities, group="people",
                   evidence=(evidence,))
        self.out.write(w.text())
        w.lines.clear()

    def _label(self, row: _Row, place: str) -> str:
        when = {1: row.date.isoformat(), 2: f"the week of {row.date.isoformat()}",
                3: row.date.strftime("%Y-%m")}[row.precision]
        return f"{self.book.wording[row.sub_type]} in {place}, {when} (ACLED {row.acled_id})"

    def _document(self, doc: str, title: str, citation: str, text: str, kind: str,
                  publisher: str | None) -> None:
        self.w.source_document(doc, title=title, citation=citation, text=text, kind=kind,
                               publisher=_iri(publisher) if publisher else None)

    def _evidence(self, row: _Row, doc_slug: str) -> tuple[str, str]:
        """The row as ACLED's record, a source document whose text is the notes, quoted whole."""
        doc = self.w.node("source", doc_slug)
        self._document(doc, f"ACLED event {row.acled_id}",
                       f"Armed Conflict Location & Event Data (ACLED), event {row.acled_id}",
                       row.notes, "dataset-record", self.r.publisher)
        evidence = self.w.evidence(doc_slug, 0, len(row.notes), row.notes)
        if row.timestamp is not None:
            stamp = row.timestamp.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.w.add(doc, DCTERMS_["modified"], typed(stamp, XSD_DATETIME))
        return evidence, doc

    def _alias_evidence(self, alias) -> str:
        """The alias table's row as the evidence of a tie it states: the table is a document too."""
        path = Path(alias.file)
        if alias.file not in self._alias_documents:
            text = path.read_text(encoding="utf-8-sig")
            slug = "acled-aliases" if path.resolve() == default_aliases_path().resolve() else \
                f"acled-aliases-{slugify(path.stem)}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"
            self._document(self.w.node("source", slug), f"malikg's ACLED alias table ({path.name})",
                           f"malikg, ACLED alias table {path.name}", text, "dataset", None)
            self._alias_documents[alias.file] = (slug, text)
        slug, text = self._alias_documents[alias.file]
        line = text.splitlines(keepends=False)[alias.line - 1]
        start = sum(len(x) for x in text.splitlines(keepends=True)[:alias.line - 1])
        node = self.w.evidence_node(slug, start, start + len(line))
        if node not in self.done:
            self.done.add(node)
            self.w.evidence(slug, start, start + len(line), line)
        return node

    def _count(self, kind: str, name: str, node: _Node) -> None:
        self.name_events[(kind, name, node.iri)] += 1
        self.name_nodes.setdefault((kind, name, node.iri), node)

    def _places(self, row: _Row, evidence: str) -> _Node:
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
            self._new_place(node, evidence)
        used = {node.iri for node in chain}
        for column, name, node in named:
            # A new place the event does not lie in (above a place of the graph) is not minted.
            if not node.minted or node.iri in used:
                self._count(column, name, node)
        # ACLED's point is the named location's; an area near it is drawn at the same point
        for node in {location.iri: location, place.iri: place}.values():
            if node.minted and node.iri not in self.coordinates_written and coordinates is not None:
                self.coordinates_written.add(node.iri)
                self.w.point(_iri(node.iri), row.latitude, row.longitude)
        if place.minted and row.geo_precision is not None:
            self.w.add(_iri(place.iri), MK_["geoPrecision"], typed(row.geo_precision, XSD_INTEGER))
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

    def _first(self, node: _Node, evidence: str) -> bool:
        """Whether a new node is met for the first time; if not, it only gains the quote.

        The first time, the caller declares it (type, identifier, and a label unless the
        store already holds one) through the writer, with the quote.
        """
        if node.iri in self.done:
            self.w.derived(_iri(node.iri), (evidence,))
            return False
        self.done.add(node.iri)
        return True

    def _label_once(self, node: _Node) -> str | None:
        if node.iri in self.r.labelled:
            return None
        self.r.labelled.add(node.iri)
        return node.name

    def _new_place(self, node: _Node, evidence: str) -> None:
        iri = _iri(node.iri)
        if not node.minted:  # a region of the graph that a new region was formed from
            if node.iri not in self.done:
                self.done.add(node.iri)
                for older in node.formed_from:
                    self.w.add(iri, MK_["formedFrom"], _iri(older.iri))
            return
        if not self._first(node, evidence):
            return
        # the vocabulary has no admin2 place type: an admin2 place has only its level
        self.w.place(iri, identifier=node.own_id, label=self._label_once(node),
                     place_type=_PLACE_TYPES.get(node.kind), admin_level=PLACE_LEVELS.get(node.kind),
                     within=node.parent and _iri(node.parent.iri), near=node.near and _iri(node.near.iri),
                     same_as=node.same_as and _iri(node.same_as.iri),
                     formed_from=[_iri(older.iri) for older in node.formed_from], evidence=(evidence,))

    def _participations(self, event: str, slug: str, row: _Row, evidence: str) -> None:
        sided = row.sub_type in SIDED_TYPES
        civilians_side2 = any(a.code == 7 for a in row.actors if a.side == 2 and not a.associated)
        taken: dict[str, str] = {}
        for actor in sorted(row.actors, key=lambda a: (a.side, a.associated)):
            node = self.r.actor(actor.name)
            self._count("actor", actor.name, node)
            community = node.community or (node.minted and actor.associated and actor.side == 2
                                            and civilians_side2)
            self._new_actor(node, actor, community, evidence)
            if sided:
                role = "side-a" if actor.side == 1 else "side-b"
            elif actor.side == 1:
                role = "co-perpetrator" if actor.associated else "perpetrator"
            else:
                role = "victim-community" if actor.associated and community else "target"
            if taken.get(node.iri) == role:
                continue  # one actor under two ACLED names, or twice in a row
            taken[node.iri] = role
            self.w.participation(event, self.w.node("participation", f"{slug}-{node.malikg_id}-{role}"),
                                 actor=_iri(node.iri), role=role, certainty="stated",
                                 note=ASSOCIATED_NOTE if actor.associated else None,
                                 name_in_source=actor.name, inter_code=actor.code)

    def _new_actor(self, node: _Node, actor: _Actor, community: bool, evidence: str) -> None:
        if not node.minted:
            return
        w, iri = self.w, _iri(node.iri)
        first = self._first(node, evidence)
        if first:
            w.actor(iri, identifier=node.own_id, label=self._label_once(node), evidence=(evidence,))
        if community:
            w.add(iri, A, MK_["Community"])
        if first and node.tie is not None:
            link, target = node.tie
            alias = self.r.aliases.find(("actor",), actor.name)
            tie = f"{node.malikg_id}-{_TIES[link]}-{target.malikg_id}"
            quote = self._alias_evidence(alias)
            w.relation(w.node("relation", tie), identifier=tie, label=f"{node.name} {link} of {target.key}",
                       relation_type=_TIES[link], source=iri, target=_iri(target.iri), certainty="stated",
                       evidence=(quote,),
                       document=w.node("source", self._alias_documents[alias.file][0]))
        if actor.code is not None and node.iri not in self.r.coded:
            self.r.coded.add(node.iri)
            cls = "Community" if actor.code == 7 else "ArmedGroup" if actor.code in _ARMED_CODES else None
            w.add(iri, SEM_["actorType"], MKV_[self.book.actor_types[actor.code]])
            w.add(iri, MK_["interCode"], typed(actor.code, XSD_INTEGER))
            w.add(iri, A, MK_[cls] if cls else None)
