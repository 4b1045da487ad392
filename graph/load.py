"""The loader: seed records in, RDF out, every fact tied to the sentence it came from.

``build_graph()`` reads the seed folder, checks every record (fields, controlled terms,
references, dates, counts, quotes) and emits an rdflib Graph in the model of docs/model.md.
The same input always gives the same triples: IRIs are minted from record ids and quote
offsets, and no blank node is used.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .errors import MalikgError
from .namespaces import MK, MKV, OA, SEM, base_iri, bind_prefixes
from .resources import ontology_dir
from .seeds import (Count, DateSpec, Record, SeedSet, as_list, check_fields, count_field,
                    date_field, read_seeds, text_field)

ACTOR_CLASSES = {
    "armed-group": MK.ArmedGroup,
    "state-body": MK.StateBody,
    "community": MK.Community,
    "organisation": MK.Organisation,
    "person": MK.Person,
    "state": MK.State,
    "group": None,
}
EVENT_CLASSES = {
    "incident": MK.Incident,
    "campaign": MK.Campaign,
    "political": MK.PoliticalEvent,
    "accountability": MK.AccountabilityEvent,
}
#: Relation types whose target is a place rather than an actor.
PLACE_RELATIONS = {"protection", "territorial-control", "territorial-claim",
                   "predominant-population", "active-in"}
PERPETRATOR_ROLES = {"perpetrator", "co-perpetrator"}
TARGET_ROLES = {"target", "victim-community"}


# --- the controlled vocabularies ---------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Concept local names by scheme, read from ontology/vocabulary.ttl."""

    schemes: dict[str, frozenset[str]]
    admin_levels: dict[str, int]
    #: ACLED inter codes, from each actor type's skos:notation.
    inter_codes: dict[str, int]

    def check(self, record: Record, scheme: str, value, field_name: str) -> URIRef:
        allowed = self.schemes.get(scheme, frozenset())
        if not isinstance(value, str) or value not in allowed:
            raise record.error(f"unknown {scheme_label(scheme)} {value!r}; expected one of: "
                               + ", ".join(sorted(allowed)), field_name)
        return MKV[value]


def scheme_label(scheme: str) -> str:
    words = []
    for char in scheme:
        if char.isupper() and words:
            words.append(" ")
        words.append(char.lower())
    label = "".join(words)
    return label[:-1] if label.endswith("s") else label


@lru_cache(maxsize=None)
def _vocabulary_from(path: Path) -> Vocabulary:
    graph = Graph()
    graph.parse(path, format="turtle")
    schemes: dict[str, set[str]] = {}
    for concept, scheme in graph.subject_objects(SKOS.inScheme):
        if str(concept).startswith(str(MKV)) and str(scheme).startswith(str(MKV)):
            schemes.setdefault(str(scheme)[len(MKV):], set()).add(str(concept)[len(MKV):])
    levels = {str(c)[len(MKV):]: int(v) for c, v in graph.subject_objects(MK.adminLevel)
              if str(c).startswith(str(MKV))}
    codes = {str(c)[len(MKV):]: int(n) for c, n in graph.subject_objects(SKOS.notation)
             if (c, SKOS.inScheme, MKV.ActorTypes) in graph}
    return Vocabulary({k: frozenset(v) for k, v in schemes.items()}, levels, codes)


def vocabulary() -> Vocabulary:
    return _vocabulary_from(ontology_dir() / "vocabulary.ttl")


def ontology_graph() -> Graph:
    """The ontology and its vocabularies (everything in ontology/*.ttl but the SHACL shapes)."""
    graph = Graph()
    for path in sorted(ontology_dir().glob("*.ttl")):
        if path.name != "shapes.ttl":
            graph.parse(path, format="turtle")
    bind_prefixes(graph)
    return graph


# --- the emitter --------------------------------------------------------------------------------


class _Emitter:
    def __init__(self, seeds: SeedSet, base: str, vocab: Vocabulary):
        self.seeds = seeds
        self.source = seeds.source
        self.base = base
        self.vocab = vocab
        self.graph = Graph()
        bind_prefixes(self.graph, base)
        self.ids: dict[str, dict[str, Record]] = {}
        self.doc = self.iri("source", self.source.id)

    # IRIs and small helpers

    def iri(self, kind: str, slug: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/{slug}")

    def add(self, s, p, o) -> None:
        if o is not None:
            self.graph.add((s, p, o))

    def ref(self, record: Record, kind: str, value, field_name: str) -> URIRef:
        """An IRI for a reference to another record, which must exist."""
        singular = kind[:-1]
        if not isinstance(value, str) or value not in self.ids.get(kind, {}):
            raise record.error(f"unknown {singular} {value!r} (no such id in {kind})", field_name)
        return self.iri(singular, value)

    def actor_or_place(self, record: Record, value, field_name: str, want_place: bool) -> URIRef:
        return self.ref(record, "places" if want_place else "actors", value, field_name)

    def evidence(self, record: Record, subject: URIRef, quotes, field_name: str = "evidence") -> None:
        quotes = as_list(quotes)
        if not quotes:
            raise record.error("missing field: every fact needs at least one quote", field_name)
        for quote in quotes:
            start, end = self.source.locate(quote, record, field_name)
            node = URIRef(f"{self.base}evidence/{self.source.id}/{start}-{end}")
            if (node, RDF.type, OA.SpecificResource) not in self.graph:
                quote_selector = URIRef(f"{node}/quote")
                position = URIRef(f"{node}/position")
                prefix, suffix = self.source.selector_context(start, end)
                for triple in (
                    (node, RDF.type, OA.SpecificResource), (node, RDF.type, PROV.Entity),
                    (node, OA.hasSource, self.doc), (node, OA.hasSelector, quote_selector),
                    (node, OA.hasSelector, position),
                    (quote_selector, RDF.type, OA.TextQuoteSelector),
                    (quote_selector, OA.exact, Literal(quote)),
                    (quote_selector, OA.prefix, Literal(prefix)),
                    (quote_selector, OA.suffix, Literal(suffix)),
                    (position, RDF.type, OA.TextPositionSelector),
                    (position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)),
                    (position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)),
                ):
                    self.graph.add(triple)
            self.graph.add((subject, PROV.wasDerivedFrom, node))

    def in_source(self, record: Record, key: str, data: dict | None = None) -> Literal | None:
        """A literal for a field that quotes the source's own words, checked against the text."""
        value = text_field(record, key, data)
        if value is None:
            return None
        if value not in self.source.text:
            raise record.error(f"not found verbatim in {self.source.file}: {value!r}", key)
        return Literal(value)

    def common(self, record: Record, subject: URIRef, label: str) -> None:
        self.add(subject, RDFS.label, Literal(label))
        self.add(subject, DCTERMS.identifier, Literal(record.id))
        description = text_field(record, "description")
        if description:
            self.add(subject, DCTERMS.description, Literal(description))

    def counts(self, subject: URIRef, count: Count) -> None:
        self.add(subject, MK.countQualifier, MKV[count.qualifier])
        for prop, number in ((MK["count"], count.value), (MK.low, count.low),
                             (MK.best, count.best), (MK.high, count.high)):
            if number is not None:
                self.add(subject, prop, Literal(number, datatype=XSD.integer))

    def dates(self, subject: URIRef, spec: DateSpec) -> None:
        self.add(subject, MK.datePrecision, MKV[spec.precision])
        if spec.day:
            self.add(subject, SEM.hasTimeStamp, Literal(spec.day, datatype=XSD.date))
        if spec.earliest:
            self.add(subject, SEM.hasEarliestBeginTimeStamp, Literal(spec.earliest, datatype=XSD.date))
            self.add(subject, SEM.hasLatestEndTimeStamp, Literal(spec.latest, datatype=XSD.date))

    # record kinds

    def index(self) -> None:
        for kind in ("actors", "places", "events", "claims", "relations", "statistics"):
            seen: dict[str, Record] = {}
            for record in self.seeds.records.get(kind, []):
                if "id" not in record.data:
                    raise record.error("missing field", "id")
                slug = record.data["id"]
                slug = slug if isinstance(slug, str) else str(slug)
                if slug in seen:
                    raise record.error(f"duplicate id (also in {seen[slug].file})", "id")
                seen[slug] = record
            self.ids[kind] = seen

    def emit_source(self) -> None:
        doc, src = self.doc, self.source
        for cls in (MK.SourceDocument, DCTERMS.BibliographicResource, PROV.Entity):
            self.add(doc, RDF.type, cls)
        self.add(doc, RDFS.label, Literal(src.title))
        self.add(doc, DCTERMS.title, Literal(src.title))
        self.add(doc, DCTERMS.identifier, Literal(src.id))
        self.add(doc, DCTERMS.bibliographicCitation, Literal(src.citation))
        self.add(doc, DCTERMS.language, Literal(src.language))
        issued_type = XSD.gYearMonth if len(src.issued) == 7 else XSD.date
        self.add(doc, DCTERMS.issued, Literal(src.issued, datatype=issued_type))
        self.add(doc, MK.sha256, Literal(src.sha256))
        self.add(doc, MK.characterCount, Literal(len(src.text), datatype=XSD.integer))
        if src.publisher in self.ids["actors"]:
            self.add(doc, DCTERMS.publisher, self.iri("actor", src.publisher))

    def emit_actor(self, record: Record) -> None:
        check_fields(record, ("id", "label", "kind", "evidence"),
                     ("actor_type", "aliases", "description"))
        subject = self.iri("actor", record.id)
        kind = record.data["kind"]
        if kind not in ACTOR_CLASSES:
            raise record.error(f"unknown actor kind {kind!r}; expected one of: "
                               + ", ".join(ACTOR_CLASSES), "kind")
        self.add(subject, RDF.type, MK.Actor)
        if ACTOR_CLASSES[kind] is not None:
            self.add(subject, RDF.type, ACTOR_CLASSES[kind])
        self.common(record, subject, text_field(record, "label"))
        if "actor_type" in record.data:
            concept = self.vocab.check(record, "ActorTypes", record.data["actor_type"], "actor_type")
            self.add(subject, SEM.actorType, concept)
            code = self.vocab.inter_codes.get(record.data["actor_type"])
            self.add(subject, MK.interCode, Literal(code, datatype=XSD.integer) if code else None)
        for alias in as_list(record.data.get("aliases")):
            name, lang = (alias.get("name"), alias.get("lang")) if isinstance(alias, dict) else (alias, None)
            if not isinstance(name, str) or name not in self.source.text:
                raise record.error(f"alias not found verbatim in {self.source.file}: {name!r}", "aliases")
            self.add(subject, SKOS.altLabel, Literal(name, lang=lang))
        self.evidence(record, subject, record.data["evidence"])

    def emit_place(self, record: Record) -> None:
        check_fields(record, ("id", "label", "type", "evidence"),
                     ("within", "near", "distance_km", "distance_qualifier", "description"))
        subject = self.iri("place", record.id)
        self.add(subject, RDF.type, MK.Place)
        self.common(record, subject, text_field(record, "label"))
        place_type = record.data["type"]
        self.add(subject, MK.placeType, self.vocab.check(record, "PlaceTypes", place_type, "type"))
        level = self.vocab.admin_levels.get(place_type)
        if level is not None:
            self.add(subject, MK.adminLevel, Literal(level, datatype=XSD.integer))
        if "within" in record.data:
            parent = self.ref(record, "places", record.data["within"], "within")
            if parent == subject:
                raise record.error("a place cannot be within itself", "within")
            self.add(subject, MK.within, parent)
        if "near" in record.data:
            self.add(subject, MK.near, self.ref(record, "places", record.data["near"], "near"))
        if "distance_km" in record.data:
            km = record.data["distance_km"]
            if isinstance(km, bool) or not isinstance(km, (int, float)) or km < 0:
                raise record.error("distance must be a number of kilometres", "distance_km")
            # The canonical lexical form (4, not 4.0): triple stores such as Oxigraph keep only
            # that, and a graph must read back from them unchanged.
            canonical = format(Decimal(str(km)).normalize(), "f")
            self.add(subject, MK.distanceKm, Literal(canonical, datatype=XSD.decimal))
            qualifier = record.data.get("distance_qualifier", "exact")
            self.add(subject, MK.distanceQualifier,
                     self.vocab.check(record, "CountQualifiers", qualifier, "distance_qualifier"))
        self.evidence(record, subject, record.data["evidence"])

    def check_place_cycles(self) -> None:
        parents = {r.id: r.data.get("within") for r in self.seeds.records.get("places", [])}
        for record in self.seeds.records.get("places", []):
            seen, node = set(), record.id
            while node is not None:
                if node in seen:
                    raise record.error("place hierarchy loops back on itself", "within")
                seen.add(node)
                node = parents.get(node)

    def emit_event(self, record: Record) -> None:
        check_fields(record, ("id", "label", "kind", "type", "theme", "date", "evidence"),
                     ("place", "part", "date_text", "date_basis", "date_note", "relative_to",
                      "part_of", "actors", "harms", "description"))
        subject = self.iri("event", record.id)
        kind = record.data["kind"]
        if kind not in EVENT_CLASSES:
            raise record.error(f"unknown event kind {kind!r}; expected one of: "
                               + ", ".join(EVENT_CLASSES), "kind")
        self.add(subject, RDF.type, MK.Event)
        self.add(subject, RDF.type, EVENT_CLASSES[kind])
        self.common(record, subject, text_field(record, "label"))
        self.add(subject, SEM.eventType, self.vocab.check(record, "EventTypes", record.data["type"], "type"))
        for theme in as_list(record.data["theme"]):
            self.add(subject, MK.theme, self.vocab.check(record, "Themes", theme, "theme"))
        places = as_list(record.data.get("place"))
        if kind == "incident" and not places:
            raise record.error("missing field: an incident needs a place", "place")
        for place in places:
            self.add(subject, SEM.hasPlace, self.ref(record, "places", place, "place"))
        self.dates(subject, date_field(record, "date"))
        self.add(subject, MK.dateText, self.in_source(record, "date_text"))
        basis = record.data.get("date_basis", "stated")
        self.add(subject, MK.dateBasis, self.vocab.check(record, "DateBases", f"{basis}-date", "date_basis"))
        if basis == "relative":
            if "relative_to" not in record.data:
                raise record.error("missing field: a relative date needs relative_to", "relative_to")
        if "relative_to" in record.data:
            self.add(subject, MK.relativeTo, self.ref(record, "events", record.data["relative_to"], "relative_to"))
        if basis == "inferred" and not record.data.get("date_note"):
            raise record.error("missing field: an inferred date needs a date_note", "date_note")
        note = text_field(record, "date_note")
        self.add(subject, MK.dateNote, Literal(note) if note else None)
        if "part_of" in record.data:
            parent_id = record.data["part_of"]
            parent = self.ref(record, "events", parent_id, "part_of")
            if self.ids["events"][parent_id].data.get("kind") != "campaign":
                raise record.error(f"part_of must name a campaign; {parent_id!r} is not one", "part_of")
            self.add(subject, SEM.subEventOf, parent)
        for n, entry in enumerate(as_list(record.data.get("actors")), start=1):
            self.emit_participation(record, subject, entry, n)
        for n, entry in enumerate(as_list(record.data.get("harms")), start=1):
            self.emit_harm(record, f"{record.id}-{n}", subject, entry, f"harms[{n}]", top=True)
        self.evidence(record, subject, record.data["evidence"])

    def emit_participation(self, record: Record, event: URIRef, entry, n: int) -> None:
        field_name = f"actors[{n}]"
        if not isinstance(entry, dict) or "actor" not in entry or "role" not in entry:
            raise record.error("each actor entry needs actor and role", field_name)
        unknown = set(entry) - {"actor", "role", "certainty", "note"}
        if unknown:
            raise record.error(f"unknown key {sorted(unknown)[0]!r}", field_name)
        actor = self.ref(record, "actors", entry["actor"], f"{field_name}.actor")
        role = entry["role"]
        role_concept = self.vocab.check(record, "Roles", role, f"{field_name}.role")
        certainty = self.vocab.check(record, "Certainties", entry.get("certainty", "stated"),
                                     f"{field_name}.certainty")
        node = self.iri("participation", f"{record.id}-{entry['actor']}-{role}")
        self.add(node, RDF.type, MK.Participation)
        self.add(node, MK.participant, actor)
        self.add(node, SEM.roleType, role_concept)
        self.add(node, MK.certainty, certainty)
        if entry.get("note"):
            self.add(node, MK.participantNote, Literal(str(entry["note"])))
        self.add(event, MK.participation, node)
        self.add(event, SEM.hasActor, actor)
        if role in PERPETRATOR_ROLES:
            self.add(event, MK.perpetrator, actor)
        if role in TARGET_ROLES:
            self.add(event, MK.target, actor)

    def emit_harm(self, record: Record, slug: str, parent: URIRef, entry, field_name: str,
                  top: bool, harm_type: str | None = None) -> None:
        if not isinstance(entry, dict):
            raise record.error("each harm must be a mapping", field_name)
        allowed = {"type", "count", "qualifier", "low", "best", "high", "group", "community",
                   "includes", "description", "evidence"}
        unknown = set(entry) - allowed
        if unknown:
            raise record.error(f"unknown key {sorted(unknown)[0]!r}", field_name)
        if top:
            if "type" not in entry:
                raise record.error("missing field", f"{field_name}.type")
            harm_type = entry["type"]
            if "evidence" not in entry:
                raise record.error("missing field: each harm quotes its evidence", f"{field_name}.evidence")
        node = URIRef(f"{self.base}harm/{slug}")
        self.add(node, RDF.type, MK.Harm)
        self.add(node, MK.harmType, self.vocab.check(record, "HarmTypes", harm_type, f"{field_name}.type"))
        self.counts(node, count_field(record, entry, f"{field_name}."))
        if "group" in entry:
            self.add(node, MK.victimGroup, self.vocab.check(record, "VictimGroups", entry["group"], f"{field_name}.group"))
        if "community" in entry:
            self.add(node, MK.victimCommunity, self.ref(record, "actors", entry["community"], f"{field_name}.community"))
        if entry.get("description"):
            self.add(node, MK.victimDescription, Literal(str(entry["description"])))
        self.add(parent, MK.harm if top else MK.includes, node)
        if "evidence" in entry:
            self.evidence(record, node, entry["evidence"], f"{field_name}.evidence")
        else:  # a part of a count is quoted by the sentence that gives the whole
            for derived in list(self.graph.objects(parent, PROV.wasDerivedFrom)):
                self.add(node, PROV.wasDerivedFrom, derived)
        for m, part in enumerate(as_list(entry.get("includes")), start=1):
            self.emit_harm(record, f"{slug}-{m}", node, part, f"{field_name}.includes[{m}]",
                           top=False, harm_type=harm_type)

    def emit_claim(self, record: Record) -> None:
        check_fields(record, ("id", "about", "motive", "actor", "claimant", "evidence"),
                     ("against", "accusation", "accused", "linked_to", "accuser", "certainty",
                      "responds_to", "accusation_text", "claim_text", "description"))
        subject = self.iri("claim", record.id)
        data = record.data
        self.add(subject, RDF.type, MK.Claim)
        events = [self.ref(record, "events", e, "about") for e in as_list(data["about"])]
        for event in events:
            self.add(subject, MK.claimAbout, event)
        motive = self.vocab.check(record, "Motives", data["motive"], "motive")
        self.add(subject, MK.motive, motive)
        actor_fields = (("actor", MK.claimedActor), ("against", MK.retaliatedAgainst),
                        ("accused", MK.accusedParty), ("linked_to", MK.accusedOfLinkTo),
                        ("accuser", MK.accuser), ("claimant", MK.claimant))
        for key, prop in actor_fields:
            for value in as_list(data.get(key)):
                self.add(subject, prop, self.ref(record, "actors", value, key))
        if "accusation" in data:
            self.add(subject, MK.accusation, self.vocab.check(record, "Accusations", data["accusation"], "accusation"))
        self.add(subject, MK.certainty,
                 self.vocab.check(record, "Certainties", data.get("certainty", "stated"), "certainty"))
        self.add(subject, MK.accusationText, self.in_source(record, "accusation_text"))
        self.add(subject, MK.claimText, self.in_source(record, "claim_text"))
        for earlier in as_list(data.get("responds_to")):
            target = self.ref(record, "events", earlier, "responds_to")
            self.add(subject, MK.respondsTo, target)
            for event in events:
                self.add(event, MK.respondsTo, target)
        label = (f"{data['motive']} claimed for {', '.join(as_list(data['about']))} "
                 f"according to {', '.join(as_list(data['claimant']))}")
        self.common(record, subject, label)
        self.evidence(record, subject, data["evidence"])

    def emit_relation(self, record: Record) -> None:
        check_fields(record, ("id", "type", "source", "target", "evidence"),
                     ("start", "end", "start_text", "end_text", "start_qualifier", "status",
                      "certainty", "claimant", "qualifier_text", "description"))
        data = record.data
        subject = self.iri("relation", record.id)
        self.add(subject, RDF.type, MK.Relation)
        relation_type = data["type"]
        self.add(subject, MK.relationType, self.vocab.check(record, "RelationTypes", relation_type, "type"))
        source = self.ref(record, "actors", data["source"], "source")
        target = self.actor_or_place(record, data["target"], "target", relation_type in PLACE_RELATIONS)
        self.add(subject, MK.source, source)
        self.add(subject, MK.relatedTo, target)
        bounds = {}
        for key, prop in (("start", MK.startDate), ("end", MK.endDate)):
            if key in data:
                spec = date_field(record, key, part_key=None)
                if spec.precision not in ("day", "month", "year"):
                    raise record.error("a relation bound is a day, a month or a year", key)
                bounds[key] = spec
                self.add(subject, prop, _bound_literal(data[key], spec))
        if "start" in bounds and "end" in bounds and bounds["end"].latest < bounds["start"].earliest:
            raise record.error("the relation ends before it starts", "end")
        self.add(subject, MK.startText, self.in_source(record, "start_text"))
        self.add(subject, MK.endText, self.in_source(record, "end_text"))
        if "start_qualifier" in data:
            self.add(subject, MK.startQualifier,
                     self.vocab.check(record, "CountQualifiers", data["start_qualifier"], "start_qualifier"))
        self.add(subject, MK.status, self.vocab.check(record, "RelationStatuses", data.get("status", "current"), "status"))
        self.add(subject, MK.certainty, self.vocab.check(record, "Certainties", data.get("certainty", "stated"), "certainty"))
        self.add(subject, MK.claimant, self.ref(record, "actors", data.get("claimant", self.source.publisher), "claimant"))
        qualifier = text_field(record, "qualifier_text")
        self.add(subject, MK.qualifierText, Literal(qualifier) if qualifier else None)
        self.common(record, subject, f"{data['source']} {relation_type} {data['target']}")
        self.evidence(record, subject, data["evidence"])

    def emit_statistic(self, record: Record) -> None:
        check_fields(record, ("id", "measure", "count", "reported_by", "evidence"),
                     ("qualifier", "subject", "place", "event", "period", "as_of", "part", "period_text",
                      "compared_to", "description"))
        data = record.data
        subject = self.iri("statistic", record.id)
        self.add(subject, RDF.type, MK.Statistic)
        self.add(subject, MK.measure, self.vocab.check(record, "Measures", data["measure"], "measure"))
        self.counts(subject, count_field(record, data))
        if "subject" in data:
            self.add(subject, MK.subjectActor, self.ref(record, "actors", data["subject"], "subject"))
        self.add(subject, MK.reportedBy, self.ref(record, "actors", data["reported_by"], "reported_by"))
        if "place" in data:
            self.add(subject, SEM.hasPlace, self.ref(record, "places", data["place"], "place"))
        if "event" in data:
            self.add(subject, MK.aboutEvent, self.ref(record, "events", data["event"], "event"))
        if "compared_to" in data:
            self.add(subject, MK.comparedTo, self.ref(record, "statistics", data["compared_to"], "compared_to"))
        # A flow is counted over a period; a stock ("By late August, over 600,000 displaced")
        # stands at a date and covers no period.
        if ("period" in data) == ("as_of" in data):
            raise record.error("give period (a flow counted over a span) or as_of (a stock at a date)", "period")
        key, start, end = ("as_of", MK.asOfEarliest, MK.asOfLatest) if "as_of" in data else \
            ("period", MK.periodStart, MK.periodEnd)
        period = date_field(record, key)
        self.add(subject, start, Literal(period.earliest, datatype=XSD.date))
        self.add(subject, end, Literal(period.latest, datatype=XSD.date))
        self.add(subject, MK.periodText, self.in_source(record, "period_text"))
        self.common(record, subject, f"{data['measure']}: {data.get('subject', data.get('place', ''))} "
                                     f"({_iso_period(period)})".replace(":  (", ": ("))
        self.evidence(record, subject, data["evidence"])

    def run(self) -> Graph:
        self.index()
        self.emit_source()
        self.check_place_cycles()
        emitters = {"actors": self.emit_actor, "places": self.emit_place, "events": self.emit_event,
                    "claims": self.emit_claim, "relations": self.emit_relation,
                    "statistics": self.emit_statistic}
        for kind, emit in emitters.items():
            for record in self.seeds.records.get(kind, []):
                emit(record)
        self.check_event_cycles()
        return self.graph

    def check_event_cycles(self) -> None:
        parents = {r.id: r.data.get("part_of") for r in self.seeds.records.get("events", [])}
        for record in self.seeds.records.get("events", []):
            seen, node = set(), record.id
            while node is not None:
                if node in seen:
                    raise record.error("part_of loops back on itself", "part_of")
                seen.add(node)
                node = parents.get(node)


def _bound_literal(value, spec: DateSpec) -> Literal:
    if spec.precision == "day":
        return Literal(spec.earliest, datatype=XSD.date)
    if spec.precision == "month":
        return Literal(spec.earliest.strftime("%Y-%m"), datatype=XSD.gYearMonth)
    return Literal(str(spec.earliest.year), datatype=XSD.gYear)


def _iso_period(spec: DateSpec) -> str:
    if spec.earliest == spec.latest:
        return spec.earliest.isoformat()
    return f"{spec.earliest.isoformat()}/{spec.latest.isoformat()}"


# --- the public API -----------------------------------------------------------------------------


def emit(seeds: SeedSet, base: str | None = None) -> Graph:
    """Triples for an already-read seed set."""
    return _Emitter(seeds, base or base_iri(), vocabulary()).run()


def build_graph(seeds_folder: Path | None = None, base: str | None = None,
                extra_files: list[Path] = ()) -> Graph:
    """Read and check the seed records (default: the bundled seeds) and return their graph.

    >>> g = build_graph()
    >>> len(g) > 1000
    True
    """
    return emit(read_seeds(seeds_folder, extra_files), base)


__all__ = ["build_graph", "emit", "ontology_graph", "vocabulary", "MalikgError"]
