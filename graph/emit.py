"""The seed emitter: a corpus of coded records in, RDF out, every fact tied to its sentence.

``build_graph()`` reads the corpus (every document under ``seeds/sources/`` and the shared
actors and places), checks every record (fields, controlled terms, references, dates, counts,
each quote against its own document, links between accounts) and writes its triples through
the shared writer (graph/triples.py) in the model of docs/model.md. The same input always
gives the same triples: IRIs are minted from record ids, harm types and quote offsets, and no
blank node is used.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import Graph

from .errors import MalikgError
from .namespaces import MK, base_iri, bind_prefixes
from .seeds import (RECORD_KINDS, Count, DateSpec, Record, SeedSet, Source, as_list, check_fields,
                    count_field, date_field, read_seeds, text_field)
from .triples import (A, DCTERMS_, IDENTIFIER, LABEL, MK_, MKV_, RDFS_, SEM_, SKOS_, XSD_DATE,
                      XSD_DECIMAL, XSD_GYEAR, XSD_GYEARMONTH, XSD_INTEGER, HarmSlugs, Writer,
                      harm_slug, literal, typed)
from .vocabulary import Vocabulary, ontology_graph, vocabulary  # noqa: F401  (ontology_graph: re-exported)

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


# --- the seed emitter ---------------------------------------------------------------------------

#: What each record kind is called in messages, and the IRI kind its nodes are minted under.
_SINGULAR = {"actors": "actor", "places": "place", "events": "event", "claims": "claim",
             "relations": "relation", "statistics": "statistic", "links": "link"}
#: Record kinds that are one document's account (mk:accordingTo, prov:wasAttributedTo).
ACCOUNT_KINDS = ("events", "claims", "relations", "statistics")


@dataclass(frozen=True)
class Origin:
    """Where a node of the graph was coded: for messages that name both places of a clash."""

    file: str
    record: str

    def line(self) -> str:
        return f"{self.file}, record {self.record!r}"


class SeedEmitter:
    """Checks a corpus's records and writes their triples through the shared Writer."""

    def __init__(self, seeds: SeedSet, base: str, vocab: Vocabulary):
        self.seeds = seeds
        self.base = base
        self.vocab = vocab
        self.w = Writer(base)
        self.ids: dict[str, dict[str, Record]] = {}
        self.quoted: set[str] = set()
        self.origins: dict[str, Origin] = {}
        self.account_docs: dict[int, Source] = {}
        self.links: list[tuple[Record, str, str, str]] = []  # (record, field, account, other)

    # IRIs and small helpers

    def iri(self, kind: str, slug: str) -> str:
        return self.w.node(kind, slug)

    def add(self, s: str, p: str, o: str | None) -> None:
        self.w.add(s, p, o)

    def mark(self, node: str, record: Record) -> str:
        self.origins.setdefault(node, Origin(record.file, record.id))
        return node

    def ref(self, record: Record, kind: str, value, field_name: str) -> str:
        """An IRI for a reference to another record, which must exist."""
        singular = _SINGULAR[kind]
        if not isinstance(value, str) or value not in self.ids.get(kind, {}):
            raise record.error(f"unknown {singular} {value!r} (no such id in {kind})", field_name)
        return self.iri(singular, value)

    def concept(self, record: Record, scheme: str, value, field_name: str) -> str:
        self.vocab.check(record, scheme, value, field_name)
        return MKV_[value]

    # quotes and documents

    def _quote_entry(self, record: Record, entry, field_name: str) -> tuple[str, str | None]:
        if isinstance(entry, dict):
            unknown = set(entry) - {"quote", "source"}
            if unknown or "quote" not in entry:
                raise record.error("a quote is a string or {quote: ..., source: <document id>}",
                                   field_name)
            source = entry.get("source")
            if source is not None and str(source) not in self.seeds.sources:
                raise record.error(f"unknown document {source!r}; the corpus holds: "
                                   + ", ".join(self.seeds.sources), field_name)
            return entry["quote"], None if source is None else str(source)
        return entry, None

    def resolve(self, record: Record, entry, field_name: str, document: Source | None) -> tuple[Source, str]:
        """The document a quote is from, and the quote: its own document for an account,
        otherwise the one document it occurs in (or the one it names)."""
        quote, named = self._quote_entry(record, entry, field_name)
        if not isinstance(quote, str) or not quote.strip():
            raise record.error("evidence must be a non-empty quote from the source", field_name)
        if document is not None:
            if named is not None and named != document.id:
                raise record.error(f"an account of {document.id} quotes {document.id}, not {named}",
                                   field_name)
            return document, quote
        if named is not None:
            return self.seeds.sources[named], quote
        found = [s for s in self.seeds.sources.values() if s.count(quote)]
        if not found:
            near = next((s for s in self.seeds.sources.values() if s.lookalike(quote)), None)
            if near is not None:
                raise record.error("quote " + near.not_found(quote), field_name)
            raise record.error("quote not found verbatim in any document ("
                               + ", ".join(self.seeds.sources) + f"): {quote!r}", field_name)
        if len(found) > 1:
            raise record.error("quote found in several documents (" + ", ".join(s.id for s in found)
                               + "); write {quote: ..., source: <document id>}: " + repr(quote),
                               field_name)
        return found[0], quote

    def evidence(self, record: Record, quotes, field_name: str = "evidence",
                 document: Source | None = None) -> list[str]:
        """Evidence nodes for a record's quotes (each written once), checked against their document."""
        quotes = as_list(quotes)
        if not quotes:
            raise record.error("missing field: every fact needs at least one quote", field_name)
        nodes = []
        for entry in quotes:
            source, quote = self.resolve(record, entry, field_name, document)
            start, end = source.locate(quote, record, field_name)
            node = self.w.evidence_node(source.id, start, end)
            if node not in self.quoted:
                self.quoted.add(node)
                prefix, suffix = source.selector_context(start, end)
                self.w.evidence(source.id, start, end, quote, prefix=prefix, suffix=suffix)
                self.origins.setdefault(node, Origin(source.meta_file, source.id))
            nodes.append(node)
        return nodes

    def account(self, record: Record) -> Source:
        """The document a record is an account of: its folder's, or for a record in a shared
        file the one document its first quote comes from."""
        found = self.account_docs.get(id(record))
        if found is None:
            if record.document is not None:
                found = self.seeds.sources[record.document]
            else:
                first = as_list(record.data.get("evidence"))
                if not first:
                    raise record.error("missing field: every fact needs at least one quote", "evidence")
                found = self.resolve(record, first[0], "evidence", None)[0]
            self.account_docs[id(record)] = found
        return found

    def in_source(self, record: Record, key: str, document: Source, data: dict | None = None) -> str | None:
        """A literal for a field that quotes the document's own words, checked against its text."""
        value = text_field(record, key, data)
        if value is None:
            return None
        if value not in document.text:
            raise record.error(document.not_found(value), key)
        return literal(value)

    def attributed(self, subject: str, document: Source) -> None:
        self.w.account(subject, self.iri("source", document.id), self.iri("actor", document.publisher))

    def common(self, record: Record, subject: str, label: str) -> None:
        self.add(subject, LABEL, literal(label))
        self.add(subject, IDENTIFIER, literal(record.id))
        self.description(record, subject)

    def description(self, record: Record, subject: str) -> None:
        description = text_field(record, "description")
        if description:
            self.add(subject, DCTERMS_["description"], literal(description))

    def counts(self, subject: str, count: Count) -> None:
        self.add(subject, MK_["countQualifier"], MKV_[count.qualifier])
        for prop, number in (("count", count.value), ("low", count.low), ("best", count.best),
                             ("high", count.high)):
            if number is not None:
                self.add(subject, MK_[prop], typed(number, XSD_INTEGER))

    # record kinds

    def index(self) -> None:
        for kind in RECORD_KINDS:
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

    def emit_sources(self) -> None:
        for src in self.seeds.sources.values():
            doc = self.iri("source", src.id)
            if src.publisher not in self.ids["actors"]:
                raise MalikgError(f"unknown actor {src.publisher!r} (no such id in actors)",
                                  file=src.meta_file, record=src.id, field="publisher")
            if src.kind is not None and src.kind not in self.vocab.schemes.get("DocumentKinds", ()):
                raise MalikgError(f"unknown document kind {src.kind!r}; expected one of: "
                                  + ", ".join(sorted(self.vocab.schemes.get("DocumentKinds", ()))),
                                  file=src.meta_file, record=src.id, field="kind")
            issued_type = {4: XSD_GYEAR, 7: XSD_GYEARMONTH}.get(len(src.issued), XSD_DATE)
            self.w.source_document(
                doc, identifier=src.id, title=src.title, issued=src.issued, issued_type=issued_type,
                language=src.language, sha256=src.sha256, characters=len(src.text),
                citation=src.citation, publisher=self.iri("actor", src.publisher), kind=src.kind,
                url=src.url, retrieved=src.retrieved, excerpt=src.excerpt,
                excerpt_note=src.excerpt_note, licence=src.licence, description=src.description)
            self.origins[doc] = Origin(src.meta_file, src.id)

    def emit_actor(self, record: Record) -> None:
        check_fields(record, ("id", "label", "kind", "evidence"),
                     ("actor_type", "aliases", "description"))
        subject = self.mark(self.iri("actor", record.id), record)
        kind = record.data["kind"]
        if kind not in ACTOR_CLASSES:
            raise record.error(f"unknown actor kind {kind!r}; expected one of: "
                               + ", ".join(ACTOR_CLASSES), "kind")
        actor_type, code = record.data.get("actor_type"), None
        if actor_type is not None:
            self.vocab.check(record, "ActorTypes", actor_type, "actor_type")
            code = self.vocab.inter_codes.get(actor_type) or None
        cls = ACTOR_CLASSES[kind]
        self.w.actor(subject, identifier=record.id, label=text_field(record, "label"),
                     classes=(f"<{cls}>",) if cls is not None else (), actor_type=actor_type,
                     inter_code=code, evidence=self.evidence(record, record.data["evidence"],
                                                             document=self.own(record)))
        self.description(record, subject)
        texts = [self.own(record)] if record.document else list(self.seeds.sources.values())
        for alias in as_list(record.data.get("aliases")):
            name, lang = (alias.get("name"), alias.get("lang")) if isinstance(alias, dict) else (alias, None)
            if not isinstance(name, str) or not any(name in s.text for s in texts):
                raise record.error("alias not found verbatim in " + " or ".join(s.file for s in texts)
                                   + f": {name!r}", "aliases")
            self.add(subject, SKOS_["altLabel"], literal(name, lang))

    def own(self, record: Record) -> Source | None:
        return self.seeds.sources[record.document] if record.document else None

    def emit_place(self, record: Record) -> None:
        check_fields(record, ("id", "label", "type", "evidence"),
                     ("within", "near", "distance_km", "distance_qualifier", "description"))
        subject = self.mark(self.iri("place", record.id), record)
        place_type = record.data["type"]
        self.vocab.check(record, "PlaceTypes", place_type, "type")
        within = None
        if "within" in record.data:
            within = self.ref(record, "places", record.data["within"], "within")
            if within == subject:
                raise record.error("a place cannot be within itself", "within")
        self.w.place(subject, identifier=record.id, label=text_field(record, "label"),
                     place_type=place_type, admin_level=self.vocab.admin_levels.get(place_type),
                     within=within, evidence=self.evidence(record, record.data["evidence"],
                                                           document=self.own(record)))
        self.description(record, subject)
        if "near" in record.data:
            self.add(subject, MK_["near"], self.ref(record, "places", record.data["near"], "near"))
        if "distance_km" in record.data:
            km = record.data["distance_km"]
            if isinstance(km, bool) or not isinstance(km, (int, float)) or km < 0:
                raise record.error("distance must be a number of kilometres", "distance_km")
            # The canonical lexical form (4, not 4.0): triple stores such as Oxigraph keep only
            # that, and a graph must read back from them unchanged.
            canonical = format(Decimal(str(km)).normalize(), "f")
            self.add(subject, MK_["distanceKm"], typed(canonical, XSD_DECIMAL))
            qualifier = record.data.get("distance_qualifier", "exact")
            self.add(subject, MK_["distanceQualifier"],
                     self.concept(record, "CountQualifiers", qualifier, "distance_qualifier"))

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
                      "part_of", "actors", "harms", "basis", "same_incident", "covers",
                      "description"))
        data = record.data
        document = self.account(record)
        subject = self.mark(self.iri("event", record.id), record)
        kind = data["kind"]
        if kind not in EVENT_CLASSES:
            raise record.error(f"unknown event kind {kind!r}; expected one of: "
                               + ", ".join(EVENT_CLASSES), "kind")
        self.vocab.check(record, "EventTypes", data["type"], "type")
        themes = as_list(data["theme"])
        for theme in themes:
            self.vocab.check(record, "Themes", theme, "theme")
        places = as_list(data.get("place"))
        if kind == "incident" and not places:
            raise record.error("missing field: an incident needs a place", "place")
        spec = date_field(record, "date")
        evidence = self.evidence(record, data["evidence"], document=document)
        self.w.event(subject, identifier=record.id, label=text_field(record, "label"),
                     classes=(f"<{EVENT_CLASSES[kind]}>",), event_type=data["type"], themes=themes,
                     places=[self.ref(record, "places", p, "place") for p in places],
                     precision=spec.precision, day=spec.day.isoformat() if spec.day else None,
                     earliest=spec.earliest.isoformat() if spec.earliest else None,
                     latest=spec.latest.isoformat() if spec.latest else None, evidence=evidence,
                     document=self.iri("source", document.id),
                     publisher=self.iri("actor", document.publisher))
        self.description(record, subject)
        self.add(subject, MK_["dateText"], self.in_source(record, "date_text", document))
        basis = data.get("date_basis", "stated")
        self.add(subject, MK_["dateBasis"], self.concept(record, "DateBases", f"{basis}-date", "date_basis"))
        if basis == "relative" and "relative_to" not in data:
            raise record.error("missing field: a relative date needs relative_to", "relative_to")
        if "relative_to" in data:
            self.add(subject, MK_["relativeTo"], self.ref(record, "events", data["relative_to"], "relative_to"))
        if basis == "inferred" and not data.get("date_note"):
            raise record.error("missing field: an inferred date needs a date_note", "date_note")
        note = text_field(record, "date_note")
        self.add(subject, MK_["dateNote"], literal(note) if note else None)
        if "part_of" in data:
            parent_id = data["part_of"]
            parent = self.ref(record, "events", parent_id, "part_of")
            if self.ids["events"][parent_id].data.get("kind") != "campaign":
                raise record.error(f"part_of must name a campaign; {parent_id!r} is not one", "part_of")
            self.add(subject, SEM_["subEventOf"], parent)
        for n, entry in enumerate(as_list(data.get("actors")), start=1):
            self.emit_participation(record, subject, entry, n)
        slugs = HarmSlugs()
        for n, entry in enumerate(as_list(data.get("harms")), start=1):
            self.emit_harm(record, slugs, subject, entry, f"harms[{n}]", document, evidence)
        kinds_seen = set()
        for n, entry in enumerate(as_list(data.get("basis")), start=1):
            field_name = f"basis[{n}]"
            if not isinstance(entry, dict) or set(entry) != {"kind", "evidence"}:
                raise record.error("each basis entry is {kind: ..., evidence: \"quote\"}", field_name)
            evidence_kind = entry["kind"]
            self.vocab.check(record, "EvidenceKinds", evidence_kind, f"{field_name}.kind")
            if evidence_kind in kinds_seen:
                raise record.error(f"evidence kind {evidence_kind!r} given twice", f"{field_name}.kind")
            kinds_seen.add(evidence_kind)
            node = self.mark(self.iri("basis", f"{record.id}-{evidence_kind}"), record)
            self.w.basis(node, subject, evidence_kind,
                         self.evidence(record, entry["evidence"], f"{field_name}.evidence", document))
        for key in ("same_incident", "covers"):
            values = as_list(data.get(key))
            if key == "same_incident" and len(values) > 1:
                raise record.error("same_incident names one account (link the others to it)", key)
            for value in values:
                self.links.append((record, key, record.id, value))

    def emit_participation(self, record: Record, event: str, entry, n: int) -> None:
        field_name = f"actors[{n}]"
        if not isinstance(entry, dict) or "actor" not in entry or "role" not in entry:
            raise record.error("each actor entry needs actor and role", field_name)
        unknown = set(entry) - {"actor", "role", "certainty", "note"}
        if unknown:
            raise record.error(f"unknown key {sorted(unknown)[0]!r}", field_name)
        actor = self.ref(record, "actors", entry["actor"], f"{field_name}.actor")
        role = entry["role"]
        self.vocab.check(record, "Roles", role, f"{field_name}.role")
        certainty = entry.get("certainty", "stated")
        self.vocab.check(record, "Certainties", certainty, f"{field_name}.certainty")
        node = self.mark(self.iri("participation", f"{record.id}-{entry['actor']}-{role}"), record)
        self.w.participation(event, node, actor=actor, role=role, certainty=certainty,
                             note=str(entry["note"]) if entry.get("note") else None)

    def emit_harm(self, record: Record, slugs: HarmSlugs, parent: str, entry, field_name: str,
                  document: Source, parent_evidence: list[str], harm_type: str | None = None,
                  parent_slug: str | None = None) -> None:
        if not isinstance(entry, dict):
            raise record.error("each harm must be a mapping", field_name)
        allowed = {"type", "count", "qualifier", "low", "best", "high", "group", "community",
                   "includes", "description", "evidence"}
        unknown = set(entry) - allowed
        if unknown:
            raise record.error(f"unknown key {sorted(unknown)[0]!r}", field_name)
        top = parent_slug is None
        if top:
            if "type" not in entry:
                raise record.error("missing field", f"{field_name}.type")
            harm_type = entry["type"]
            if "evidence" not in entry:
                raise record.error("missing field: each harm quotes its evidence", f"{field_name}.evidence")
        self.vocab.check(record, "HarmTypes", harm_type, f"{field_name}.type")
        group = entry.get("group")
        if group is not None:
            self.vocab.check(record, "VictimGroups", group, f"{field_name}.group")
            group = str(group)
        if top:
            slug = slugs(harm_slug(record.id, harm_type, group))
        else:
            slug = slugs(f"{parent_slug}-{group or 'part'}")
        node = self.mark(self.iri("harm", slug), record)
        self.vocab.check(record, "CountQualifiers", entry.get("qualifier", "exact"), f"{field_name}.qualifier")
        count = count_field(record, entry, f"{field_name}.")
        community = (self.ref(record, "actors", entry["community"], f"{field_name}.community")
                     if "community" in entry else None)
        # a part of a count is quoted by the sentence that gives the whole
        evidence = (self.evidence(record, entry["evidence"], f"{field_name}.evidence", document)
                    if "evidence" in entry else parent_evidence)
        self.w.harm(node, harm_type=harm_type, qualifier=count.qualifier,
                    parent=parent if top else None, part_of=None if top else parent,
                    count=count.value, bounds=(count.low, count.best, count.high), group=group,
                    community=community,
                    description=str(entry["description"]) if entry.get("description") else None,
                    evidence=evidence)
        parts = HarmSlugs()
        for m, part in enumerate(as_list(entry.get("includes")), start=1):
            self.emit_harm(record, parts, node, part, f"{field_name}.includes[{m}]", document,
                           evidence, harm_type=harm_type, parent_slug=slug)

    def emit_claim(self, record: Record) -> None:
        check_fields(record, ("id", "about", "motive", "actor", "claimant", "evidence"),
                     ("against", "accusation", "accused", "linked_to", "accuser", "certainty",
                      "responds_to", "accusation_text", "claim_text", "description"))
        data = record.data
        document = self.account(record)
        subject = self.mark(self.iri("claim", record.id), record)
        events = [self.ref(record, "events", e, "about") for e in as_list(data["about"])]
        self.vocab.check(record, "Motives", data["motive"], "motive")
        actors = {key: [self.ref(record, "actors", value, key) for value in as_list(data.get(key))]
                  for key in ("actor", "against", "accused", "linked_to", "accuser", "claimant")}
        accusation = data.get("accusation")
        if accusation is not None:
            self.vocab.check(record, "Accusations", accusation, "accusation")
        certainty = data.get("certainty", "stated")
        self.vocab.check(record, "Certainties", certainty, "certainty")
        responds = [self.ref(record, "events", e, "responds_to") for e in as_list(data.get("responds_to"))]
        label = (f"{data['motive']} claimed for {', '.join(as_list(data['about']))} "
                 f"according to {', '.join(as_list(data['claimant']))}")
        self.w.claim(subject, identifier=record.id, about=events, motive=data["motive"],
                     claimants=actors["claimant"], certainty=certainty, label=label,
                     claimed_actors=actors["actor"], against=actors["against"],
                     accused=actors["accused"], linked_to=actors["linked_to"],
                     accusers=actors["accuser"], accusation=accusation, responds_to=responds,
                     evidence=self.evidence(record, data["evidence"], document=document),
                     document=self.iri("source", document.id),
                     publisher=self.iri("actor", document.publisher))
        self.description(record, subject)
        self.add(subject, MK_["accusationText"], self.in_source(record, "accusation_text", document))
        self.add(subject, MK_["claimText"], self.in_source(record, "claim_text", document))

    def emit_relation(self, record: Record) -> None:
        check_fields(record, ("id", "type", "source", "target", "evidence"),
                     ("start", "end", "start_text", "end_text", "start_qualifier", "status",
                      "certainty", "claimant", "qualifier_text", "description"))
        data = record.data
        document = self.account(record)
        subject = self.mark(self.iri("relation", record.id), record)
        relation_type = data["type"]
        self.vocab.check(record, "RelationTypes", relation_type, "type")
        source = self.ref(record, "actors", data["source"], "source")
        target = self.ref(record, "places" if relation_type in self.vocab.place_relations else "actors",
                          data["target"], "target")
        bounds, literals = {}, {}
        for key in ("start", "end"):
            if key in data:
                spec = date_field(record, key, part_key=None)
                if spec.precision not in ("day", "month", "year"):
                    raise record.error("a relation bound is a day, a month or a year", key)
                bounds[key] = spec
                literals[key] = _bound_literal(data[key], spec)
        if "start" in bounds and "end" in bounds and bounds["end"].latest < bounds["start"].earliest:
            raise record.error("the relation ends before it starts", "end")
        status = data.get("status", "current")
        self.vocab.check(record, "RelationStatuses", status, "status")
        certainty = data.get("certainty", "stated")
        self.vocab.check(record, "Certainties", certainty, "certainty")
        claimant = self.ref(record, "actors", data.get("claimant", document.publisher), "claimant")
        self.w.relation(subject, identifier=record.id, relation_type=relation_type, source=source,
                        target=target, certainty=certainty, status=status, claimant=claimant,
                        start=literals.get("start"), end=literals.get("end"),
                        label=f"{data['source']} {relation_type} {data['target']}",
                        evidence=self.evidence(record, data["evidence"], document=document),
                        document=self.iri("source", document.id),
                        publisher=self.iri("actor", document.publisher))
        self.description(record, subject)
        self.add(subject, MK_["startText"], self.in_source(record, "start_text", document))
        self.add(subject, MK_["endText"], self.in_source(record, "end_text", document))
        if "start_qualifier" in data:
            self.add(subject, MK_["startQualifier"],
                     self.concept(record, "CountQualifiers", data["start_qualifier"], "start_qualifier"))
        qualifier = text_field(record, "qualifier_text")
        self.add(subject, MK_["qualifierText"], literal(qualifier) if qualifier else None)

    def emit_statistic(self, record: Record) -> None:
        check_fields(record, ("id", "measure", "count", "reported_by", "evidence"),
                     ("qualifier", "subject", "place", "event", "period", "as_of", "part", "period_text",
                      "compared_to", "description"))
        data = record.data
        document = self.account(record)
        subject = self.mark(self.iri("statistic", record.id), record)
        self.add(subject, A, MK_["Statistic"])
        self.add(subject, MK_["measure"], self.concept(record, "Measures", data["measure"], "measure"))
        self.vocab.check(record, "CountQualifiers", data.get("qualifier", "exact"), "qualifier")
        self.counts(subject, count_field(record, data))
        if "subject" in data:
            self.add(subject, MK_["subjectActor"], self.ref(record, "actors", data["subject"], "subject"))
        self.add(subject, MK_["reportedBy"], self.ref(record, "actors", data["reported_by"], "reported_by"))
        if "place" in data:
            self.add(subject, SEM_["hasPlace"], self.ref(record, "places", data["place"], "place"))
        if "event" in data:
            self.add(subject, MK_["aboutEvent"], self.ref(record, "events", data["event"], "event"))
        if "compared_to" in data:
            self.add(subject, MK_["comparedTo"], self.ref(record, "statistics", data["compared_to"], "compared_to"))
        # A flow is counted over a period; a stock ("By late August, over 600,000 displaced")
        # stands at a date and covers no period.
        if ("period" in data) == ("as_of" in data):
            raise record.error("give period (a flow counted over a span) or as_of (a stock at a date)", "period")
        key, start, end = ("as_of", "asOfEarliest", "asOfLatest") if "as_of" in data else \
            ("period", "periodStart", "periodEnd")
        period = date_field(record, key)
        self.add(subject, MK_[start], typed(period.earliest.isoformat(), XSD_DATE))
        self.add(subject, MK_[end], typed(period.latest.isoformat(), XSD_DATE))
        self.add(subject, MK_["periodText"], self.in_source(record, "period_text", document))
        self.common(record, subject, f"{data['measure']}: {data.get('subject', data.get('place', ''))} "
                                     f"({_iso_period(period)})".replace(":  (", ": ("))
        self.w.derived(subject, self.evidence(record, data["evidence"], document=document))
        self.attributed(subject, document)

    def emit_link(self, record: Record) -> None:
        check_fields(record, ("id", "account"), ("same_incident", "covers", "note"))
        data = record.data
        keys = [k for k in ("same_incident", "covers") if k in data]
        if len(keys) != 1:
            raise record.error("a link gives either same_incident or covers", "same_incident")
        self.ref(record, "events", data["account"], "account")
        node = self.mark(self.iri("link", record.id), record)
        account = str(data["account"])
        self.add(node, A, MK_["AccountLink"])
        self.add(node, IDENTIFIER, literal(record.id))
        self.add(node, MK_["account"], self.iri("event", account))
        note = text_field(record, "note")
        self.add(node, RDFS_["comment"], literal(note) if note else None)
        values = as_list(data[keys[0]])
        if keys[0] == "same_incident" and len(values) > 1:
            raise record.error("same_incident names one account (link the others to it)", "same_incident")
        for value in values:
            self.links.append((record, keys[0], account, value))
            if isinstance(value, str) and value in self.ids["events"]:
                self.add(node, MK_["sameIncidentAs" if keys[0] == "same_incident" else "covers"],
                         self.iri("event", value))

    # links between accounts

    def region_of(self, place: str | None) -> str | None:
        places = self.ids["places"]
        seen = set()
        while place is not None and place not in seen:
            seen.add(place)
            record = places.get(place)
            if record is None:
                return None
            if record.data.get("type") == "region":
                return place
            place = record.data.get("within")
        return None

    def check_links(self) -> None:
        """Links must join two existing accounts of different documents, in the same region and
        year, without a cycle; then they are written."""
        events = self.ids["events"]
        edges: dict[str, set[str]] = {}
        for record, key, account, other in self.links:
            if not isinstance(other, str) or other not in events:
                raise record.error(f"unknown event {other!r} (no such id in events)", key)
            if other == account:
                raise record.error("an account cannot be linked to itself", key)
            a, b = events[account], events[other]
            doc_a, doc_b = self.account(a), self.account(b)
            if doc_a.id == doc_b.id:
                raise record.error(f"{account!r} and {other!r} are both accounts of {doc_a.id}; "
                                   "links join accounts of different documents", key)
            regions_a = {self.region_of(p) for p in as_list(a.data.get("place"))} - {None}
            regions_b = {self.region_of(p) for p in as_list(b.data.get("place"))} - {None}
            if regions_a and regions_b and not regions_a & regions_b:
                raise record.error(f"{account!r} is in {', '.join(sorted(regions_a))} but {other!r} "
                                   f"in {', '.join(sorted(regions_b))}: not the same incident", key)
            span_a, span_b = date_field(a, "date"), date_field(b, "date")
            if span_a.earliest and span_b.earliest and (
                    span_a.latest.year < span_b.earliest.year or span_b.latest.year < span_a.earliest.year):
                raise record.error(f"{account!r} is dated {_years(span_a)} but {other!r} "
                                   f"{_years(span_b)}: not the same incident", key)
            edges.setdefault(account, set()).add(other)
            if _reaches(edges, other, account):
                raise record.error(f"linking {account!r} to {other!r} closes a cycle of links", key)
        for record, key, account, other in self.links:
            subject, target = self.iri("event", account), self.iri("event", other)
            if key == "same_incident":
                self.w.same_incident(subject, target)
            else:
                self.w.covers(subject, target)

    def run(self) -> str:
        self.index()
        self.emit_sources()
        self.check_place_cycles()
        emitters = {"actors": self.emit_actor, "places": self.emit_place, "events": self.emit_event,
                    "claims": self.emit_claim, "relations": self.emit_relation,
                    "statistics": self.emit_statistic, "links": self.emit_link}
        for kind, emit_record in emitters.items():
            for record in self.seeds.records.get(kind, []):
                emit_record(record)
        self.check_event_cycles()
        self.check_links()
        return self.w.text()

    def check_event_cycles(self) -> None:
        parents = {r.id: r.data.get("part_of") for r in self.seeds.records.get("events", [])}
        for record in self.seeds.records.get("events", []):
            seen, node = set(), record.id
            while node is not None:
                if node in seen:
                    raise record.error("part_of loops back on itself", "part_of")
                seen.add(node)
                node = parents.get(node)


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    todo, seen = [start], set()
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return False


def _years(spec: DateSpec) -> str:
    first, last = spec.earliest.year, spec.latest.year
    return str(first) if first == last else f"{first}-{last}"


def _bound_literal(value, spec: DateSpec) -> str:
    if spec.precision == "day":
        return typed(spec.earliest.isoformat(), XSD_DATE)
    if spec.precision == "month":
        return typed(spec.earliest.strftime("%Y-%m"), XSD_GYEARMONTH)
    return typed(str(spec.earliest.year), XSD_GYEAR)


def _iso_period(spec: DateSpec) -> str:
    if spec.earliest == spec.latest:
        return spec.earliest.isoformat()
    return f"{spec.earliest.isoformat()}/{spec.latest.isoformat()}"


# --- the public API -----------------------------------------------------------------------------


@dataclass
class Coded:
    """A corpus's triples as N-Triples, with where each record's nodes were coded."""

    ntriples: str
    origins: dict[str, Origin]
    seeds: SeedSet

    base: str

    def graph(self) -> Graph:
        graph = Graph()
        graph.parse(data=self.ntriples, format="nt")
        bind_prefixes(graph, self.base)
        return graph


def code(seeds: SeedSet, base: str | None = None) -> Coded:
    """Check an already-read corpus and write its triples (N-Triples text)."""
    base = base or base_iri()
    emitter = SeedEmitter(seeds, base, vocabulary())
    return Coded(emitter.run(), emitter.origins, seeds, base)


def emit(seeds: SeedSet, base: str | None = None) -> Graph:
    """Triples for an already-read seed set, as an rdflib Graph."""
    return code(seeds, base).graph()


def build_graph(seeds_folder: Path | list[Path] | None = None, base: str | None = None,
                extra_files: list[Path] = ()) -> Graph:
    """Read and check the corpus (default: the bundled seeds; or one or more seed folders).

    >>> g = build_graph()
    >>> len(g) > 1000
    True
    """
    return emit(read_seeds(seeds_folder, extra_files), base)


__all__ = ["build_graph", "emit", "code", "Coded", "Origin", "ontology_graph", "vocabulary",
           "SeedEmitter", "ACCOUNT_KINDS", "MalikgError"]
