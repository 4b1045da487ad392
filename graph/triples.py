"""How malikg's records become triples: the one writer of the data model (docs/model.md).

Seed records (graph/emit.py), synthetic events (graph/synth.py) and imported rows all say
"this is an event, a harm, a participation, a claim, a relation, a piece of evidence" through
:class:`Writer`, so the same fact is written the same way whoever codes it. The writer emits
N-Triples lines as text: string formatting is what lets millions of rows be written faster than
a store loads them, and N-Triples is what every engine bulk-loads.

Terms are passed and returned already in N-Triples form: ``w.node("event", slug)`` gives
``<https://w3id.org/malikg/id/event/slug>``, ``literal("text")`` gives ``"text"``,
``typed(28, XSD_INTEGER)`` gives ``"28"^^<...#integer>``, ``MKV_["killed"]`` gives the concept.
IRIs are minted only by :meth:`Writer.node` (and the evidence IRIs by :meth:`Writer.evidence`),
literals escaped only by :func:`literal`, and the count rule lives only in :func:`count_bounds`.

A short example::

    w = Writer("https://w3id.org/malikg/id/")
    doc = w.node("source", "my-report")
    e = w.node("event", "ogota-2024-01-27")
    quote = w.evidence("my-report", 10, 20, "On January", prefix="", suffix=" 27, JNIM")
    w.event(e, identifier="ogota-2024-01-27", label="Attack on Ogota", event_type="attack",
            themes=("armed-conflict",), places=(w.node("place", "ogota"),), precision="day",
            day="2024-01-27", evidence=(quote,), document=doc, publisher=w.node("actor", "hrw"))
    w.harm(w.node("harm", harm_slug("ogota-2024-01-27", "killed", "villagers")), parent=e,
           harm_type="killed", qualifier="exact", count=28, group="villagers", evidence=(quote,))
    "".join(w.lines)  # N-Triples
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .namespaces import GEO, MK, MKV, OA, SEM


class _Terms(dict):
    """``<namespace + name>`` by local name, made once and then looked up."""

    def __init__(self, namespace):
        super().__init__()
        self.namespace = str(namespace)

    def __missing__(self, name: str) -> str:
        value = self[name] = f"<{self.namespace}{name}>"
        return value


MK_, MKV_, SEM_, OA_, GEO_ = _Terms(MK), _Terms(MKV), _Terms(SEM), _Terms(OA), _Terms(GEO)
PROV_, DCTERMS_, RDFS_, SKOS_ = _Terms(PROV), _Terms(DCTERMS), _Terms(RDFS), _Terms(SKOS)
A, RDF_VALUE = f"<{RDF.type}>", f"<{RDF.value}>"
LABEL, IDENTIFIER, DERIVED = RDFS_["label"], DCTERMS_["identifier"], PROV_["wasDerivedFrom"]
XSD_INTEGER, XSD_DATE, XSD_NONNEG = str(XSD.integer), str(XSD.date), str(XSD.nonNegativeInteger)
XSD_GYEAR, XSD_GYEARMONTH, XSD_DECIMAL = str(XSD.gYear), str(XSD.gYearMonth), str(XSD.decimal)
XSD_BOOLEAN, XSD_DATETIME = str(XSD.boolean), str(XSD.dateTime)

_COUNT, _LOW, _BEST, _HIGH = MK_["count"], MK_["low"], MK_["best"], MK_["high"]

#: Roles that make the shortcut properties mk:perpetrator and mk:target (docs/model.md).
PERPETRATOR_ROLES = frozenset({"perpetrator", "co-perpetrator"})
TARGET_ROLES = frozenset({"target", "victim-community"})

def literal(text: str, lang: str | None = None) -> str:
    """A plain (or language-tagged) literal, escaped as N-Triples needs."""
    # Separate tests and replaces: most texts need none, and quotes of running text often only
    # the newline; this is several times faster than str.translate on short strings.
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return f'"{text}"@{lang}' if lang else f'"{text}"'


def typed(value, datatype: str) -> str:
    """A typed literal; ``value`` is written as given (a number, or an ISO date string)."""
    return f'"{value}"^^<{datatype}>'


# --- counts -------------------------------------------------------------------------------------

#: Low / best / high implied by a written figure, following UCDP's conventions (docs/model.md).
#: ``most-conservative`` is ACLED's own rule: the lowest figure the sources support, a floor.
COUNT_RULES = {
    "exact": lambda n: (n, n, n),
    "at-least": lambda n: (n, n, None),
    "over": lambda n: (n + 1, n + 1, None),
    "about": lambda n: (None, n, None),
    "up-to": lambda n: (None, None, n),
    "most-conservative": lambda n: (n, n, None),
}


def count_bounds(value: int | None, qualifier: str) -> tuple[int | None, int | None, int | None]:
    """(low, best, high) for a count as written; (None, None, None) when nothing follows."""
    rule = COUNT_RULES.get(qualifier)
    if value is None or rule is None:
        return None, None, None
    return rule(value)


# --- IRIs ---------------------------------------------------------------------------------------


def harm_slug(event_id: str, harm_type: str, group: str | None = None) -> str:
    """The stable slug of an event's harm: ``{event}-{type}[-{group}]`` (repeats: see HarmSlugs)."""
    return f"{event_id}-{harm_type}-{group}" if group else f"{event_id}-{harm_type}"


class HarmSlugs:
    """Mints stable harm slugs within one event: a repeat of the same type and group gets -2, -3.

    Harm IRIs name what the harm is, not where it stands in the list, so reordering a record's
    harms, or adding a source that tells the same incident, leaves every IRI as it was.
    """

    def __init__(self):
        self.seen: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        n = self.seen.get(base, 0) + 1
        self.seen[base] = n
        return base if n == 1 else f"{base}-{n}"


# --- one node's triples ------------------------------------------------------------------------


def _about(subject: str, pairs: Iterable[tuple[str, str | None]], evidence: Iterable[str] = ()) -> str:
    """The N-Triples of one node: each (predicate, object) pair whose object is given, then the
    quotes it is derived from."""
    lines = [f"{subject} {p} {o} .\n" for p, o in pairs if o is not None]
    lines += [f"{subject} {DERIVED} {quote} .\n" for quote in evidence]
    return "".join(lines)


def _text(text: str | None) -> str | None:
    return None if text is None else literal(text)


def _concept(name: str | None) -> str | None:
    return None if name is None else MKV_[name]


def _integer(value: int | None) -> str | None:
    return None if value is None else f'"{value}"^^<{XSD_INTEGER}>'


def _date(iso: str | None) -> str | None:
    return None if iso is None else f'"{iso}"^^<{XSD_DATE}>'


def _claimed_by(claimants: Iterable[str]) -> list[tuple[str, str]]:
    """mk:claimant with the sem:accordingTo it specialises (the store infers nothing)."""
    return [pair for actor in claimants for pair in ((MK_["claimant"], actor), (SEM_["accordingTo"], actor))]


class Writer:
    """N-Triples lines for the model's nodes, appended to ``lines``."""

    def __init__(self, base: str, lines: list[str] | None = None):
        self.base = base
        self.lines: list[str] = lines if lines is not None else []

    def node(self, kind: str, slug: str) -> str:
        """The IRI of a minted resource: ``<{base}{kind}/{slug}>``."""
        return f"<{self.base}{kind}/{slug}>"

    def add(self, subject: str, predicate: str, obj: str | None) -> None:
        """One triple of N-Triples terms; nothing when ``obj`` is None (an absent optional field)."""
        if obj is not None:
            self.lines.append(f"{subject} {predicate} {obj} .\n")

    def text(self) -> str:
        return "".join(self.lines)

    # --- provenance --------------------------------------------------------------------------

    def evidence_node(self, document_slug: str, start: int, end: int) -> str:
        """The IRI of the evidence node for ``text[start:end]`` of a document, without writing it."""
        return f"<{self.base}evidence/{document_slug}/{start}-{end}>"

    def evidence(self, document_slug: str, start: int, end: int, exact: str, *,
                 prefix: str | None = None, suffix: str | None = None) -> str:
        """A quote: ``text[start:end]`` of the document, as an oa:SpecificResource and prov:Entity.

        ``prefix`` / ``suffix`` (up to 32 code points either side) are given where the text
        around the quote is known. Returns the evidence node; write it once per document span.
        """
        node = f"{self.base}evidence/{document_slug}/{start}-{end}"
        e, q, p = f"<{node}>", f"<{node}/quote>", f"<{node}/position>"
        context = ""
        if prefix is not None:
            context += f"{q} {OA_['prefix']} {literal(prefix)} .\n"
        if suffix is not None:
            context += f"{q} {OA_['suffix']} {literal(suffix)} .\n"
        self.lines.append(
            f"{e} {A} {OA_['SpecificResource']} .\n{e} {A} {PROV_['Entity']} .\n"
            f"{e} {OA_['hasSource']} <{self.base}source/{document_slug}> .\n"
            f"{e} {OA_['hasSelector']} {q} .\n{e} {OA_['hasSelector']} {p} .\n"
            f"{q} {A} {OA_['TextQuoteSelector']} .\n{q} {OA_['exact']} {literal(exact)} .\n{context}"
            f"{p} {A} {OA_['TextPositionSelector']} .\n"
            f"{p} {OA_['start']} \"{start}\"^^<{XSD_NONNEG}> .\n"
            f"{p} {OA_['end']} \"{end}\"^^<{XSD_NONNEG}> .\n")
        return e

    def derived(self, subject: str, evidence: Iterable[str]) -> None:
        for quote in evidence:
            self.lines.append(f"{subject} {DERIVED} {quote} .\n")

    def account(self, subject: str, document: str | None, publisher: str | None) -> None:
        """Whose account a record is: mk:accordingTo its document, prov:wasAttributedTo its publisher."""
        if document is not None:
            self.lines.append(f"{subject} {MK_['accordingTo']} {document} .\n")
        if publisher is not None:
            self.lines.append(f"{subject} {PROV_['wasAttributedTo']} {publisher} .\n")

    def source_document(self, doc: str, *, title: str, identifier: str | None = None,
                        issued: str | None = None, issued_type: str = XSD_DATE,
                        language: str | None = None, sha256: str | None = None,
                        characters: int | None = None, text: str | None = None,
                        citation: str | None = None, publisher: str | None = None,
                        kind: str | None = None, url: str | None = None,
                        retrieved: str | None = None, excerpt: bool | None = None,
                        excerpt_note: str | None = None, licence: str | None = None,
                        description: str | None = None) -> None:
        """A source document: what it is, who published it, where this copy came from.

        ``text`` is written (rdf:value) for a document kept in the graph itself, such as an
        ACLED record whose text is its notes; its checksum and length then follow from it.
        """
        if text is not None:
            sha256 = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
            characters = len(text) if characters is None else characters
        if licence:
            licence = f"<{licence}>" if licence.startswith(("http://", "https://")) else literal(licence)
        self.lines.append(_about(doc, [
            (A, MK_["SourceDocument"]), (A, DCTERMS_["BibliographicResource"]), (A, PROV_["Entity"]),
            (LABEL, literal(title)), (DCTERMS_["title"], literal(title)),
            (IDENTIFIER, _text(identifier)), (DCTERMS_["description"], _text(description or None)),
            (DCTERMS_["bibliographicCitation"], _text(citation or None)),
            (DCTERMS_["language"], _text(language)),
            (DCTERMS_["issued"], typed(issued, issued_type) if issued is not None else None),
            (RDF_VALUE, _text(text)), (MK_["sha256"], _text(sha256)),
            (MK_["characterCount"], _integer(characters)), (DCTERMS_["publisher"], publisher),
            (PROV_["wasAttributedTo"], publisher), (MK_["documentKind"], _concept(kind or None)),
            (DCTERMS_["source"], f"<{url}>" if url else None),
            (MK_["retrievedFrom"], _text(retrieved or None)),
            (MK_["excerpt"], typed("true" if excerpt else "false", XSD_BOOLEAN)
             if excerpt is not None else None),
            (MK_["excerptNote"], _text(excerpt_note or None)), (DCTERMS_["license"], licence or None)]))

    # --- the record kinds --------------------------------------------------------------------
    # A node met once (a document, an actor, a place, a claim, a relation) is a table of
    # (predicate, object) pairs, written by :func:`_about`; an object of None is an optional field
    # left out. The kinds met for every event of millions (event, participation, harm) are one
    # f-string each instead: on CPython 3.11 a loop over a table costs about twice the time of
    # writing the triples themselves, and synth and the ACLED import must stay as fast as they are.

    def actor(self, a: str, *, identifier: str, label: str | None, classes: Sequence[str] = (),
              actor_type: str | None = None, inter_code: int | None = None,
              evidence: Iterable[str] = ()) -> None:
        """An actor (mk:Actor and its kind's class), with its ACLED actor type and inter code."""
        self.lines.append(_about(a, [
            (A, MK_["Actor"]), *((A, cls) for cls in classes), (LABEL, _text(label)),
            (IDENTIFIER, literal(identifier)), (SEM_["actorType"], _concept(actor_type)),
            (MK_["interCode"], _integer(inter_code))], evidence))

    def place(self, p: str, *, identifier: str, label: str | None, place_type: str | None,
              admin_level: int | None = None, within: str | None = None, near: str | None = None,
              same_as: str | None = None, formed_from: Iterable[str] = (),
              evidence: Iterable[str] = ()) -> None:
        """A place of the gazetteer: its type, admin level, the place it lies within or near, and
        the places a new region was formed from."""
        self.lines.append(_about(p, [
            (A, MK_["Place"]), (LABEL, _text(label)), (IDENTIFIER, literal(identifier)),
            (MK_["placeType"], _concept(place_type)), (MK_["adminLevel"], _integer(admin_level)),
            (MK_["within"], within), (MK_["near"], near), (MK_["samePlaceAs"], same_as),
            *((MK_["formedFrom"], older) for older in formed_from)], evidence))

    def point(self, p: str, latitude, longitude) -> None:
        """A place's coordinates (WGS84 decimal degrees, written as given)."""
        self.lines.append(f"{p} {GEO_['lat']} {typed(latitude, XSD_DECIMAL)} .\n"
                          f"{p} {GEO_['long']} {typed(longitude, XSD_DECIMAL)} .\n")

    def event(self, e: str, *, identifier: str, event_type: str, precision: str,
              classes: Sequence[str] = (MK_["Incident"],), label: str | None = None,
              themes: Iterable[str] = (), places: Iterable[str] = (), day: str | None = None,
              earliest: str | None = None, latest: str | None = None,
              date_basis: str | None = None, date_text: str | None = None,
              own: Iterable[tuple[str, str]] = (), evidence: Iterable[str] = (),
              document: str | None = None, publisher: str | None = None) -> None:
        """An event (mk:Event and its kind's class): type, themes, places, SEM time bounds, account.

        ``precision`` is an mkv:DatePrecisions concept; ``day`` (ISO) is given at day precision
        and stands for both bounds unless ``earliest`` / ``latest`` say otherwise. ``own`` are
        (predicate, object) pairs a source's own columns add (ACLED's event id, tags...).
        """
        lines = [f"{e} {A} {MK_['Event']} .\n"]
        for cls in classes:
            lines.append(f"{e} {A} {cls} .\n")
        lines.append(f"{e} {IDENTIFIER} {literal(identifier)} .\n"
                     f"{e} {SEM_['eventType']} {MKV_[event_type]} .\n"
                     f"{e} {MK_['datePrecision']} {MKV_[precision]} .\n")
        if label is not None:
            lines.append(f"{e} {LABEL} {literal(label)} .\n")
        for theme in themes:
            lines.append(f"{e} {MK_['theme']} {MKV_[theme]} .\n")
        for place in places:
            lines.append(f"{e} {SEM_['hasPlace']} {place} .\n")
        if day is not None:
            lines.append(f"{e} {SEM_['hasTimeStamp']} \"{day}\"^^<{XSD_DATE}> .\n")
        earliest = earliest or day
        latest = latest or day
        if earliest is not None:
            lines.append(f"{e} {SEM_['hasEarliestBeginTimeStamp']} \"{earliest}\"^^<{XSD_DATE}> .\n"
                         f"{e} {SEM_['hasLatestEndTimeStamp']} \"{latest}\"^^<{XSD_DATE}> .\n")
        if date_basis is not None:
            lines.append(f"{e} {MK_['dateBasis']} {MKV_[date_basis]} .\n")
        if date_text is not None:
            lines.append(f"{e} {MK_['dateText']} {literal(date_text)} .\n")
        for predicate, obj in own:
            lines.append(f"{e} {predicate} {obj} .\n")
        for quote in evidence:
            lines.append(f"{e} {DERIVED} {quote} .\n")
        self.lines.append("".join(lines))
        self.account(e, document, publisher)

    def participation(self, event: str, p: str, *, actor: str, role: str, certainty: str,
                      note: str | None = None, name_in_source: str | None = None,
                      inter_code: int | None = None) -> None:
        """An actor's part in an event (an n-ary node), with the shortcut triples its role implies.

        ``name_in_source`` / ``inter_code``: the name and actor code the source gave the actor.
        """
        lines = (f"{event} {MK_['participation']} {p} .\n{p} {A} {MK_['Participation']} .\n"
                 f"{p} {MK_['participant']} {actor} .\n{p} {SEM_['roleType']} {MKV_[role]} .\n"
                 f"{p} {MK_['certainty']} {MKV_[certainty]} .\n{event} {SEM_['hasActor']} {actor} .\n")
        if note:
            lines += f"{p} {MK_['participantNote']} {literal(note)} .\n"
        if name_in_source is not None:
            lines += f"{p} {MK_['nameInSource']} {literal(name_in_source)} .\n"
        if inter_code is not None:
            lines += f"{p} {MK_['interCode']} \"{inter_code}\"^^<{XSD_INTEGER}> .\n"
        if role in PERPETRATOR_ROLES:
            lines += f"{event} {MK_['perpetrator']} {actor} .\n"
        elif role in TARGET_ROLES:
            lines += f"{event} {MK_['target']} {actor} .\n"
        self.lines.append(lines)

    def harm(self, h: str, *, harm_type: str, qualifier: str, parent: str | None = None,
             part_of: str | None = None, count: int | None = None,
             bounds: tuple[int | None, int | None, int | None] | None = None,
             group: str | None = None, community: str | None = None,
             description: str | None = None, evidence: Iterable[str] = ()) -> None:
        """A harm of an event (``parent``) or a part of another harm's count (``part_of``).

        ``bounds`` (low, best, high) default to what :func:`count_bounds` derives from the count.
        """
        lines = [f"{h} {A} {MK_['Harm']} .\n{h} {MK_['harmType']} {MKV_[harm_type]} .\n"
                 f"{h} {MK_['countQualifier']} {MKV_[qualifier]} .\n"]
        if parent is not None:
            lines.append(f"{parent} {MK_['harm']} {h} .\n")
        if part_of is not None:
            lines.append(f"{part_of} {MK_['includes']} {h} .\n")
        low, best, high = bounds if bounds is not None else count_bounds(count, qualifier)
        for predicate, n in ((_COUNT, count), (_LOW, low), (_BEST, best), (_HIGH, high)):
            if n is not None:
                lines.append(f"{h} {predicate} \"{n}\"^^<{XSD_INTEGER}> .\n")
        if group is not None:
            lines.append(f"{h} {MK_['victimGroup']} {MKV_[group]} .\n")
        if community is not None:
            lines.append(f"{h} {MK_['victimCommunity']} {community} .\n")
        if description:
            lines.append(f"{h} {MK_['victimDescription']} {literal(description)} .\n")
        for quote in evidence:
            lines.append(f"{h} {DERIVED} {quote} .\n")
        self.lines.append("".join(lines))

    def claim(self, c: str, *, identifier: str, about: Iterable[str], motive: str,
              claimants: Iterable[str], certainty: str, label: str | None = None,
              claimed_actors: Iterable[str] = (), against: Iterable[str] = (),
              accused: Iterable[str] = (), linked_to: Iterable[str] = (),
              accusers: Iterable[str] = (), accusation: str | None = None,
              responds_to: Iterable[str] = (), evidence: Iterable[str] = (),
              document: str | None = None, publisher: str | None = None) -> None:
        """A claimed motive for events, and who claims it.

        mk:claimant specialises sem:accordingTo; the store infers nothing, so sem:accordingTo
        is written beside it. A claim that an event responds to an earlier one also links
        the events themselves (mk:respondsTo), which chains follow.
        """
        about = list(about)
        text = _about(c, [
            (A, MK_["Claim"]), (IDENTIFIER, literal(identifier)), (MK_["motive"], MKV_[motive]),
            (MK_["certainty"], MKV_[certainty]), (LABEL, _text(label)),
            *((MK_["claimAbout"], event) for event in about),
            *((MK_["claimedActor"], actor) for actor in claimed_actors),
            *((MK_["retaliatedAgainst"], actor) for actor in against),
            *((MK_["accusedParty"], actor) for actor in accused),
            *((MK_["accusedOfLinkTo"], actor) for actor in linked_to),
            *((MK_["accuser"], actor) for actor in accusers),
            *_claimed_by(claimants), (MK_["accusation"], _concept(accusation))])
        for earlier in responds_to:
            text += f"{c} {MK_['respondsTo']} {earlier} .\n"
            for event in about:
                text += f"{event} {MK_['respondsTo']} {earlier} .\n"
        self.lines.append(text + _about(c, (), evidence))
        self.account(c, document, publisher)

    def relation(self, r: str, *, identifier: str, relation_type: str, source: str, target: str,
                 certainty: str, status: str | None = None, claimant: str | None = None,
                 start: str | None = None, end: str | None = None, label: str | None = None,
                 evidence: Iterable[str] = (), document: str | None = None,
                 publisher: str | None = None) -> None:
        """A standing tie between an actor and an actor or a place; ``start`` / ``end`` are literals."""
        self.lines.append(_about(r, [
            (A, MK_["Relation"]), (IDENTIFIER, literal(identifier)),
            (MK_["relationType"], MKV_[relation_type]), (MK_["source"], source),
            (MK_["relatedTo"], target), (MK_["certainty"], MKV_[certainty]), (LABEL, _text(label)),
            (MK_["status"], _concept(status)), *_claimed_by((claimant,) if claimant else ()),
            (MK_["startDate"], start), (MK_["endDate"], end)], evidence))
        self.account(r, document, publisher)

    def basis(self, b: str, event: str, kind: str, evidence: Iterable[str]) -> None:
        """What kind of evidence a source says an account rests on (mk:EvidenceBasis)."""
        lines = [f"{event} {MK_['basedOn']} {b} .\n{b} {A} {MK_['EvidenceBasis']} .\n"
                 f"{b} {MK_['evidenceKind']} {MKV_[kind]} .\n"]
        for quote in evidence:
            lines.append(f"{b} {DERIVED} {quote} .\n")
        self.lines.append("".join(lines))

    def same_incident(self, account: str, other: str) -> None:
        """``account`` tells the same incident as ``other`` (an earlier-coded account)."""
        self.lines.append(f"{account} {MK_['sameIncidentAs']} {other} .\n")

    def covers(self, account: str, other: str) -> None:
        """``account``'s figures are a joint total that includes the incident ``other`` tells."""
        self.lines.append(f"{account} {MK_['covers']} {other} .\n")


__all__ = ["Writer", "HarmSlugs", "harm_slug", "count_bounds", "COUNT_RULES", "literal", "typed",
           "MK_", "MKV_", "SEM_", "OA_", "PROV_", "DCTERMS_", "RDFS_", "SKOS_", "A", "LABEL",
           "IDENTIFIER", "DERIVED", "XSD_INTEGER", "XSD_DATE", "XSD_NONNEG", "XSD_GYEAR",
           "XSD_GYEARMONTH", "XSD_DECIMAL", "XSD_BOOLEAN", "XSD_DATETIME", "GEO_", "PERPETRATOR_ROLES", "TARGET_ROLES"]
