"""The summary graph: facts derived from the coded evidence that research questions join over.

It lives in its own named graph, SUMMARY_GRAPH, with terms of its own namespace (``mks:``), so it
never mixes with coded evidence: every fact in it is recomputed from the default graph whenever
the store's data changes (graph/store.py calls ``rebuild`` after each load), and exports leave it
out unless asked (``malikg export --with-summaries``). docs/model.md ("Summary graph") lists
every term.

What it derives, for every **incident group** (the accounts joined by ``mk:sameIncidentAs`` and
``mk:covers``, one real incident told by one or more documents):

- its region and country (through ``mk:within``; where a place has no ``mk:within``, through
  ``mk:near``, flagged with ``mks:regionNear``), its perpetrators and co-perpetrators, its first
  and last dates;
- its total per harm type, counted once: each document's figure is the sum of its accounts in
  the group, and the group's figure is the most conservative over the documents (smallest low,
  best and high), with the range of best figures and the document the chosen figure comes from;
  a total that a campaign's own total of the same harm already covers is marked as not counted;

and, so that aggregate questions read a handful of rows instead of walking every event, the
totals per actor and harm type (for all documents counted once, and for each document's own
accounts), events per region and incidents per place; and, for the signed actor network, who
acted against whom per actor pair and month (``_ActPairs``) and, per claim of retaliation, what
lies a join away from it (``_retaliation_claims``).

Why Python over single-pattern scans: the engine joins with nested loops at ~10 µs a bound
pattern, so one SELECT joining a dozen patterns per event costs ~100 s at 1M events, while a
scan of one predicate costs well under a microsecond a triple (docs/query-engines notes).
"""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from .errors import MalikgError
from .files import sort_lines
from .namespaces import MK, MKS, MKV, OA, SEM, SUMMARY_GRAPH, base_iri

_GRAPH = ox.NamedNode(SUMMARY_GRAPH)
_DEFAULT = ox.DefaultGraph()
_CHILDREN = {str(MKV.children), str(MKV.boys)}
_PERPETRATOR_ROLES = {str(MKV.perpetrator): 0, str(MKV["co-perpetrator"]): 1}
_SIDES = {str(MKV[r]) for r in ("perpetrator", "co-perpetrator", "side-a", "side-b")}
_CLASH_SIDES = {str(MKV["side-a"]): 0, str(MKV["side-b"]): 1}
_STATED = str(MKV.stated)
_KILLED = str(MKV.killed)
_XSD = "http://www.w3.org/2001/XMLSchema#"

class _Terms:
    """``K.total`` → ``<https://w3id.org/malikg/summary#total>``, made once (rdflib's Namespace
    builds a URIRef on every access: a third of the time at 10k events)."""

    def __init__(self):
        self._made: dict[str, str] = {}

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        made = self[name]
        setattr(self, name, made)  # later reads are plain attribute hits
        return made

    def __getitem__(self, name: str) -> str:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = f"<{MKS}{name}>"
        return made


K = _Terms()
A = f"<{RDF.type}>"

#: The document key that stands for every document, each incident counted once.
ALL_SOURCES = "all"


@dataclass
class _Harm:
    type: str = ""
    low: int | None = None
    best: int | None = None
    high: int | None = None
    count: bool = False
    group: str | None = None
    parts: list[str] = field(default_factory=list)


@dataclass
class _Figure:
    """One document's figure for one harm type in one group (sums of its accounts)."""
    low: int | None = None
    best: int | None = None
    high: int | None = None
    children: int | None = None
    high_known: bool = True
    counted: bool = False  # some harm of it gives a number


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


class _Data:
    """The default graph's facts the summary needs, read one predicate at a time.

    Each read is one single-pattern SELECT whose answer the engine writes as CSV (plain lexical
    values) for Python's csv reader: several times faster than a Python object per quad.
    """

    def __init__(self, store: ox.Store):
        self.store = store

    def _rows(self, sparql: str) -> Iterator[list[str]]:
        answer = self.store.query(sparql, use_default_graph_as_union=False)
        reader = csv.reader(io.StringIO(answer.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")))
        next(reader, None)  # the header
        # Interned, an IRI read by several of these reads is one string in memory, not one per
        # read: at a million events that is gigabytes.
        return ([sys.intern(cell) for cell in row] for row in reader)

    def pairs_of(self, sparql: str) -> Iterator[tuple[str, str]]:
        for row in self._rows(sparql):
            yield row[0], row[1]

    def rows_of(self, sparql: str) -> Iterator[list[str]]:
        """The rows of a SELECT, each a list of lexical values ("" where a variable is unbound)."""
        return self._rows(sparql)

    def pairs(self, predicate) -> Iterator[tuple[str, str]]:
        for row in self._rows(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"):
            yield row[0], row[1]

    def links(self, predicate) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for s, o in self.pairs(predicate):
            found[s].append(o)
        return found

    def one(self, predicate) -> dict[str, str]:
        found: dict[str, str] = {}
        for s, o in self.pairs(predicate):
            if s not in found or o < found[s]:
                found[s] = o
        return found

    def numbers(self, predicate) -> dict[str, int]:
        found = {}
        for s, o in self.pairs(predicate):
            try:
                found[s] = int(o)
            except ValueError:
                pass  # SHACL refuses such a count; the summary does not guess one
        return found

    def typed(self, cls) -> set[str]:
        return {row[0] for row in self._rows(f"SELECT ?s WHERE {{ ?s a <{cls}> }}")}

    def objects(self, iri: str, predicate) -> list[str]:
        """The objects of one subject, looked up one at a time (for the few that need them)."""
        return sorted(q.object.value for q in self.store.quads_for_pattern(
            ox.NamedNode(iri), ox.NamedNode(str(predicate)), None, _DEFAULT))

    def label(self, iri: str) -> str:
        labels = sorted(q.object.value for q in self.store.quads_for_pattern(
            ox.NamedNode(iri), ox.NamedNode(str(RDFS.label)), None, _DEFAULT))
        return labels[0] if labels else iri.rsplit("/", 1)[-1]


def compute(store: ox.Store) -> bytes:
    """The summary graph of the default graph of ``store``, as N-Triples, its lines sorted.

    Sorted because ``write`` gives them in the order the store answers, which an in-memory
    store changes from one process to the next: the same data give the same bytes here.
    """
    buffer = io.BytesIO()
    write(store, buffer)
    return b"".join(sorted(buffer.getvalue().splitlines(keepends=True)))


def write(store: ox.Store, stream) -> int:
    """Write the summary graph of ``store``'s default graph to a binary ``stream`` as N-Triples.

    Line by line, so that memory holds the inputs and never the output as well (at a million
    events the summary has some ten million triples). Returns how many triples it wrote.
    """
    out = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False)
    written = [0]

    def emit(line: str) -> None:
        out.write(line)
        out.write("\n")
        written[0] += 1

    try:
        _summarise(store, emit)
        # The graph's own size, so that a store can tell its data from its summaries in O(1).
        emit(f"<{SUMMARY_GRAPH}> {K.triples} {_int(written[0] + 1)} .")
        out.flush()
    finally:
        out.detach()
    return written[0]


def _summarise(store: ox.Store, emit) -> None:
    data = _Data(store)
    base = base_iri()
    events = data.typed(MK.Event)
    incidents = data.typed(MK.Incident)

    # --- Places: region and country of each place, once per place ------------------------------
    within = data.links(MK.within)
    near = data.links(MK.near)
    place_type = data.one(MK.placeType)
    region_type, country_type = str(MKV.region), str(MKV.country)
    places_cache: dict[str, tuple[frozenset, frozenset, bool]] = {}

    def place_facts(place: str) -> tuple[frozenset, frozenset, bool]:
        """(regions, countries, reached through mk:near) of a place, walking up the gazetteer."""
        if place in places_cache:
            return places_cache[place]
        places_cache[place] = (frozenset(), frozenset(), False)  # a cycle ends here
        regions, countries, by_near = set(), set(), False
        kind = place_type.get(place)
        if kind == region_type:
            regions.add(place)
        elif kind == country_type:
            countries.add(place)
        parents, via_near = within.get(place), False
        if not parents and place in near:
            parents, via_near = near[place], True
        for parent in parents or ():
            r, c, n = place_facts(parent)
            regions |= r
            countries |= c
            by_near = by_near or ((via_near or n) and bool(r | c))
        places_cache[place] = (frozenset(regions), frozenset(countries), by_near)
        return places_cache[place]

    # --- Accounts: groups, documents, dates, places, perpetrators -------------------------------
    links = data.links(MK.sameIncidentAs)
    for s, targets in data.links(MK.covers).items():
        links.setdefault(s, []).extend(targets)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for s, targets in links.items():
        for t in targets:
            a, b = find(s), find(t)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = defaultdict(list)
    for e in events:
        members[find(e)].append(e)
    # The canonical account is the root of the links: one nothing of its group points away from.
    canonical_of: dict[str, str] = {}
    for root, accounts in members.items():
        accounts.sort()
        roots = [e for e in accounts if not links.get(e)]
        canonical = (roots or accounts)[0]
        for e in accounts:
            canonical_of[e] = canonical

    according = data.one(MK.accordingTo)
    if len(according) < len(events):
        # Accounts coded before documents were named: the document their evidence quotes. One
        # join in the engine, where two predicate-wide reads would hold every evidence node.
        for e, doc in data.pairs_of(f"SELECT ?s (MIN(STR(?d)) AS ?o) WHERE {{ ?s <{PROV.wasDerivedFrom}> ?ev . "
                                    f"?ev <{OA.hasSource}> ?d . ?s a <{MK.Event}> }} GROUP BY ?s"):
            according.setdefault(e, doc)

    class _Lazy(dict):
        """subject -> objects of one predicate, read from the store on first use."""

        def __init__(self, predicate, one=False):
            super().__init__()
            self.predicate, self.one = predicate, one

        def __missing__(self, iri):
            found = data.objects(iri, self.predicate)
            self[iri] = (found[0] if found else "") if self.one else found
            return self[iri]

        def get(self, iri, default=None):
            return self[iri]

    derived = _Lazy(PROV.wasDerivedFrom)
    identifiers = _Lazy(DCTERMS.identifier, one=True)

    def document(e: str) -> str:
        return according.get(e, "")

    earliest = data.one(SEM.hasEarliestBeginTimeStamp)
    latest = {}
    for s, o in data.pairs(SEM.hasLatestEndTimeStamp):
        if s not in latest or o > latest[s]:
            latest[s] = o
    has_place = data.links(SEM.hasPlace)
    targets = data.links(MK.target)
    communities = data.typed(MK.Community)
    by_community: dict[tuple[str, str], list] = {}

    participation = data.links(MK.participation)
    participant = data.one(MK.participant)
    role = data.one(SEM.roleType)
    certainty = data.one(MK.certainty)
    # event -> actor -> (best role rank, every certainty the accounts give it)
    perpetrators: dict[str, dict[str, tuple[int, set[str]]]] = {}
    sides: dict[str, set[str]] = {}  # event -> actors that took part on a side (battles included)
    acts = _ActPairs(incidents, earliest, latest)
    for e, parts in participation.items():
        perpetrations = []
        for part in parts:
            rank = _PERPETRATOR_ROLES.get(role.get(part, ""))
            actor = participant.get(part)
            if actor is not None and role.get(part) in _SIDES:
                sides.setdefault(e, set()).add(actor)
                acts.side(e, role[part], actor)
            if rank is None or actor is None:
                continue
            perpetrations.append(part)
            actors = perpetrators.setdefault(e, {})
            old_rank, certainties = actors.get(actor, (rank, set()))
            certainties.add(certainty.get(part, ""))
            actors[actor] = (min(rank, old_rank), certainties)
        # Who acted with whom, on a node per perpetrator participation: incidents-by-perpetrator
        # reads it from the row's own participation, where a pattern over the event's other
        # participations with a FILTER on this one is hashed over the whole store by Oxigraph
        # and mis-joined by Virtuoso 7.
        if len(perpetrations) > 1:
            perpetrations.sort()
            for part in perpetrations:
                node = f"<{base}summary/perpetration/{_tail(part)}>"
                emit(f"{node} {K.perpetration} <{part}> .")
                for other in perpetrations:
                    if other != part:
                        emit(f"{node} {K.fellowPerpetration} <{other}> .")
    del participation, participant, role, certainty
    for e, actor in data.pairs(MK.perpetrator):
        acts.attack(e, actor, targets.get(e, ()))
    acts.write(emit, base, canonical_of, document, lambda e: len(members[find(e)]))
    _retaliation_claims(data, emit, base)
    del acts
    labels: dict[str, str] = {}

    def label(iri: str) -> str:
        if iri not in labels:
            labels[iri] = data.label(iri)
        return labels[iri]

    # --- Harms ---------------------------------------------------------------------------------
    harms: dict[str, _Harm] = defaultdict(_Harm)
    for s, o in data.pairs(MK.harmType):
        harms[s].type = o
    for name in ("low", "best", "high"):
        for s, n in data.numbers(MK[name]).items():
            if s in harms:
                setattr(harms[s], name, n)
    for s, _ in data.pairs(MK["count"]):
        if s in harms:
            harms[s].count = True
    for s, o in data.pairs(MK.victimGroup):
        if s in harms:
            harms[s].group = o
    for s, parts in data.links(MK.includes).items():
        if s in harms:
            harms[s].parts = parts
    event_harms = data.links(MK.harm)
    motives: dict[str, list[tuple[str, str]]] = defaultdict(list)  # event -> (motive, claim)
    claim_motive = data.one(MK.motive)
    for claim, about in data.pairs(MK.claimAbout):
        if claim in claim_motive:
            motives[about].append((claim_motive[claim], claim))
    claim_evidence = derived
    sub_event_of = data.links(SEM.subEventOf)

    def harm_types_of(e: str) -> set[str]:
        return {harms[h].type for h in event_harms.get(e, ()) if h in harms}

    ancestors_cache: dict[str, set[str]] = {}

    def covered_types(e: str) -> set[str]:
        """Harm types a campaign above ``e`` totals itself (its own figure already covers e's)."""
        if e in ancestors_cache:
            return ancestors_cache[e]
        ancestors_cache[e] = set()
        covered: set[str] = set()
        for up in sub_event_of.get(e, ()):
            covered |= harm_types_of(up) | covered_types(up)
        ancestors_cache[e] = covered
        return covered

    def children_in(harm: _Harm) -> int | None:
        if harm.group in _CHILDREN:
            return harm.best
        total = None
        for part in harm.parts:
            inner = harms.get(part)
            if inner is not None and inner.group in _CHILDREN:
                total = _add(total, inner.best)
        return total

    # --- Per account, per group ----------------------------------------------------------------
    groups: dict[str, list[str]] = defaultdict(list)
    for e in events:
        groups[canonical_of[e]].append(e)
    by_region: dict[str, list] = {}
    by_place: dict[str, list] = {}
    totals: dict[tuple, list] = {}   # (source, stated_only, actor or "", harm type) -> figures
    village_types = {str(MKV[t]) for t in ("village", "settlement", "locality", "camp", "city")}

    for canonical in sorted(groups):
        accounts = sorted(groups[canonical])
        node = f"<{base}summary/incident/{_tail(canonical)}>"
        emit(f"{node} {A} {K.IncidentGroup} .")
        emit(f"{node} {K.canonical} <{canonical}> .")
        docs = sorted({document(e) for e in accounts})
        # How many incidents the group stands for: as many as the document that tells it most
        # finely (a joint account covering Ogota and Ouémbé does not make them one attack).
        span = max(sum(1 for e in accounts if document(e) == d) for d in docs)
        if len(accounts) > 1:  # one account of one document unless said (most groups)
            emit(f"{node} {K.accounts} {_int(len(accounts))} .")
            emit(f"{node} {K.documents} {_int(len(docs))} .")
        is_incident = any(e in incidents for e in accounts)
        if is_incident:
            emit(f"{node} {K.isIncident} {_bool(True)} .")
        regions, countries, near_only = set(), set(), True
        sites: set[str] = set()
        group_perpetrators: dict[str, tuple[int, set[str]]] = {}
        group_sides: set[str] = set()
        first = last = None
        for e in accounts:
            # Facts about an account sit on a node of their own, never on the account's IRI:
            # the summary graph describes no subject of the coded evidence.
            account = f"<{base}summary/account/{_tail(e)}>"
            emit(f"{account} {K.account} <{e}> .")
            emit(f"{account} {K.incident} {node} .")
            e_regions, e_countries, e_near = set(), set(), True
            for place in has_place.get(e, ()):
                sites.add(place)
                r, c, n = place_facts(place)
                e_regions |= r
                e_countries |= c
                if r and not n:
                    e_near = False
            names = sorted(label(p) for p in has_place.get(e, ()))
            if names:  # "Ogota and 1 more": the same on every engine, where GROUP_CONCAT's order is not
                more = f" and {len(names) - 1} more" if len(names) > 1 else ""
                emit(f"{account} {K.placeNames} {_literal(names[0] + more)} .")
            for r in sorted(e_regions):
                emit(f"{account} {K.region} <{r}> .")
            if e_regions and e_near:
                emit(f"{account} {K.regionNear} {_bool(True)} .")
            else:
                # The same regions for the questions that place an account only where a source
                # puts it in a place: a positive pattern, where "mks:region without
                # mks:regionNear" (FILTER NOT EXISTS in an OPTIONAL) costs Oxigraph a scan per row.
                for r in sorted(e_regions):
                    emit(f"{account} {K.regionWithin} <{r}> .")
            regions |= e_regions
            countries |= e_countries
            if e_regions and not e_near:
                near_only = False
            actors = perpetrators.get(e, {})
            if actors:
                names = [label(a) for a, (rank, _) in sorted(actors.items(), key=lambda x: (x[1][0], label(x[0])))
                         if rank == 0]
                names += [f"{label(a)} (co-perpetrator)" for a, (rank, _) in
                          sorted(actors.items(), key=lambda x: label(x[0])) if rank == 1]
                emit(f"{account} {K.perpetrators} {_literal('; '.join(names))} .")
            doc = document(e)
            group_sides |= sides.get(e, set())
            for a, (rank, certainties) in actors.items():
                old_rank, old = group_perpetrators.get(a, (rank, set()))
                group_perpetrators[a] = (min(rank, old_rank), old | certainties)
            if e in earliest and (first is None or earliest[e] < first):
                first = earliest[e]
            if e in latest and (last is None or latest[e] > last):
                last = latest[e]
        group_targets = {c for e in accounts for c in targets.get(e, ()) if c in communities}
        for pair in ((a, c) for a in group_perpetrators for c in group_targets):
            row = by_community.setdefault(pair, [0, None, None])
            row[0] += span
            row[1] = _min(row[1], first)
            row[2] = _max(row[2], last)
        for r in sorted(regions):
            emit(f"{node} {K.region} <{r}> .")
        for c in sorted(countries):
            emit(f"{node} {K.country} <{c}> .")
        if regions and near_only:
            emit(f"{node} {K.regionNear} {_bool(True)} .")
        for a in sorted(group_perpetrators):
            emit(f"{node} {K.perpetrator} <{a}> .")
        if first is not None:
            emit(f"{node} {K.first} {_date(first)} .")
        if last is not None:
            emit(f"{node} {K.last} {_date(last)} .")

        for key in sorted(regions) or [""]:
            row = by_region.setdefault(key, [0, 0, None, None, 0])
            row[0] += span
            row[1] += span if is_incident else 0
            row[2] = _min(row[2], first)
            row[3] = _max(row[3], last)
            row[4] += bool(regions) and near_only
        if is_incident and group_perpetrators:
            villages = set()
            for site in sites:
                for p in [site] + within.get(site, []):
                    if place_type.get(p) in village_types:
                        villages.add(p)
            for v in villages:
                row = by_place.setdefault(v, [0, None, None])
                row[0] += 1
                row[1] = _min(row[1], first)
                row[2] = _max(row[2], last)

        # Figures per harm type: each document's accounts summed, then the most conservative.
        figures: dict[str, dict[str, _Figure]] = defaultdict(dict)
        own: dict[str, dict[str, _Figure]] = defaultdict(dict)  # account -> harm type -> its figure
        covered: set[str] = set()
        for e in accounts:
            doc = document(e)
            covered |= covered_types(e)
            for h in event_harms.get(e, ()):
                harm = harms.get(h)
                if harm is None or not harm.type:
                    continue
                for figure in (figures[harm.type].setdefault(doc, _Figure()), own[e].setdefault(harm.type, _Figure())):
                    figure.low = _add(figure.low, harm.low)
                    figure.best = _add(figure.best, harm.best)
                    figure.high = _add(figure.high, harm.high)
                    figure.high_known = figure.high_known and harm.high is not None
                    figure.children = _add(figure.children, children_in(harm))
                    figure.counted = figure.counted or harm.count
        # A document's own totals count its own accounts, whatever other documents say.
        for e in accounts:
            doc = document(e)
            if not doc:
                continue
            actors = perpetrators.get(e, {})
            stated = {a for a, (_, c) in actors.items() if _STATED in c}
            for harm_type, figure in own[e].items():
                if harm_type not in covered_types(e):
                    _credit(totals, doc, sorted(actors), stated, harm_type, figure, sorted(sides.get(e, ())))
        if len(docs) > 1:
            _disagreements(emit, node, accounts, document, figures, earliest, latest, perpetrators,
                           label, motives, event_harms, harms, derived, claim_evidence, base)
        for harm_type in sorted(figures):
            per_doc = figures[harm_type]
            given = {d: f for d, f in per_doc.items() if f.best is not None or f.low is not None}
            chosen_doc = min(given, key=lambda d: (_none_last(given[d].best), _none_last(given[d].low), d)) \
                if given else min(per_doc)
            chosen = per_doc[chosen_doc]
            low = min((f.low for f in given.values() if f.low is not None), default=None)
            best = min((f.best for f in given.values() if f.best is not None), default=None)
            highs = [f.high for f in per_doc.values() if f.high_known and f.high is not None]
            high = min(highs) if highs else None
            counted = harm_type not in covered
            total = f"<{base}summary/incident/{_tail(canonical)}/{_tail(harm_type)}>"
            emit(f"{node} {K.total} {total} .")
            emit(f"{total} {K.harmType} <{harm_type}> .")
            for name, value in (("low", low), ("best", best), ("high", high), ("children", chosen.children)):
                if value is not None:
                    emit(f"{total} {K[name]} {_int(value)} .")
            bests = [f.best for f in given.values() if f.best is not None]
            if len(per_doc) > 1:  # the range and the choice, where documents differ in number
                if bests:
                    emit(f"{total} {K.bestMin} {_int(min(bests))} .")
                    emit(f"{total} {K.bestMax} {_int(max(bests))} .")
                emit(f"{total} {K.sources} {_int(len(per_doc))} .")
            if chosen_doc:
                emit(f"{total} {K.figureFrom} <{chosen_doc}> .")
            if not counted:
                emit(f"{total} {K.counted} {_bool(False)} .")
            if not counted:
                continue
            stated_all = {a for a, (_, c) in group_perpetrators.items() if _STATED in c}
            group_figure = _Figure(low, best, high, chosen.children, high is not None, any(
                f.counted for f in per_doc.values()))
            _credit(totals, ALL_SOURCES, sorted(group_perpetrators), stated_all, harm_type, group_figure,
                    sorted(group_sides), events=span)

    # --- Rollups -------------------------------------------------------------------------------
    for (source, view, actor, harm_type), row in sorted(totals.items()):
        events_n, low, best, high, high_known, without, children = row
        source_slug = ALL_SOURCES if source == ALL_SOURCES else _tail(source)
        node = (f"<{base}summary/total/{source_slug}/{view}/"
                f"{_tail(actor) if actor else 'all-actors'}/{_tail(harm_type)}>")
        source_iri = f"{base}source/{ALL_SOURCES}" if source == ALL_SOURCES else source
        emit(f"{node} {A} {K.Total} .")
        emit(f"{node} {K.source} <{source_iri}> .")
        emit(f"{node} {K.statedOnly} {_bool(view == 'stated')} .")
        emit(f"{node} {K.tookPart} {_bool(view == 'took-part')} .")
        if actor:
            emit(f"{node} {K.actor} <{actor}> .")
        # Labels and ids beside the figures: a question then reads one pattern group, never a
        # join that the engine might evaluate over every rollup first.
        emit(f"{node} {K.label} {_literal(label(actor) if actor else 'all actors (each death once)')} .")
        emit(f"{node} {K.id} {_literal(identifiers.get(actor, '') if actor else '')} .")
        emit(f"{node} {K.allActors} {_bool(not actor)} .")
        emit(f"{node} {K.harmType} <{harm_type}> .")
        emit(f"{node} {K.events} {_int(events_n)} .")
        emit(f"{node} {K.low} {_int(low)} .")
        emit(f"{node} {K.best} {_int(best)} .")
        if high_known:
            emit(f"{node} {K.high} {_int(high)} .")
        emit(f"{node} {K.withoutFigure} {_int(without)} .")
        emit(f"{node} {K.children} {_int(children)} .")
    for region, (events_n, incidents_n, first, last, near_n) in sorted(by_region.items()):
        node = f"<{base}summary/region/{_tail(region) if region else 'none'}>"
        emit(f"{node} {A} {K.RegionCount} .")
        if region:
            emit(f"{node} {K.region} <{region}> .")
        emit(f"{node} {K.label} {_literal(label(region) if region else '(no region given)')} .")
        emit(f"{node} {K.id} {_literal(identifiers.get(region, '') if region else '')} .")
        emit(f"{node} {K.events} {_int(events_n)} .")
        emit(f"{node} {K.incidents} {_int(incidents_n)} .")
        emit(f"{node} {K.nearOnly} {_int(near_n)} .")
        if first is not None:
            emit(f"{node} {K.first} {_date(first)} .")
        if last is not None:
            emit(f"{node} {K.last} {_date(last)} .")
    for (actor, community), (events_n, first, last) in sorted(by_community.items()):
        node = f"<{base}summary/targeted/{_tail(actor)}/{_tail(community)}>"
        emit(f"{node} {A} {K.TargetCount} .")
        emit(f"{node} {K.actor} <{actor}> .")
        emit(f"{node} {K.community} <{community}> .")
        emit(f"{node} {K.label} {_literal(label(actor))} .")
        emit(f"{node} {K.id} {_literal(identifiers.get(actor, ''))} .")
        emit(f"{node} {K.communityLabel} {_literal(label(community))} .")
        emit(f"{node} {K.communityId} {_literal(identifiers.get(community, ''))} .")
        emit(f"{node} {K.events} {_int(events_n)} .")
        if first is not None:
            emit(f"{node} {K.first} {_date(first)} .")
        if last is not None:
            emit(f"{node} {K.last} {_date(last)} .")
    for place, (incidents_n, first, last) in sorted(by_place.items()):
        node = f"<{base}summary/place/{_tail(place)}>"
        emit(f"{node} {A} {K.PlaceCount} .")
        emit(f"{node} {K.label} {_literal(label(place))} .")
        emit(f"{node} {K.id} {_literal(identifiers.get(place, ''))} .")
        for region in sorted(place_facts(place)[0]):
            emit(f"{node} {K.regionLabel} {_literal(label(region))} .")
        emit(f"{node} {K.place} <{place}> .")
        emit(f"{node} {K.incidents} {_int(incidents_n)} .")
        if first is not None:
            emit(f"{node} {K.first} {_date(first)} .")
        if last is not None:
            emit(f"{node} {K.last} {_date(last)} .")



class _ActPairs:
    """Who acted against whom, per actor pair: what the signed network's attack and clash ties
    read instead of walking every incident (graph/analysis/network.py).

    An attack is an incident's mk:perpetrator against its mk:target, a clash its side-a against
    its side-b (the network's own patterns); campaigns, political and accountability events are
    not acts. Per (act, actor, other): how many accounts (as the network counts them), how many
    incidents (counted once across documents, as the finest-telling document counts them), the
    first and last dates, the first account of the first day (the one a tie quotes), and per
    month its accounts and the days they began on, so that a retaliation chain finds the latest
    act before a date without reading the acts themselves.
    """

    def __init__(self, incidents: set[str], earliest: dict[str, str], latest: dict[str, str]):
        self.incidents, self.earliest, self.latest = incidents, earliest, latest
        self.pairs: dict[tuple[str, str, str], list[str]] = defaultdict(list)  # -> accounts
        self._sides: dict[str, tuple[set[str], set[str]]] = {}

    def side(self, event: str, role: str, actor: str) -> None:
        if event in self.incidents and role in _CLASH_SIDES:
            self._sides.setdefault(event, (set(), set()))[_CLASH_SIDES[role]].add(actor)

    def attack(self, event: str, actor: str, targets: Iterable[str]) -> None:
        if event in self.incidents:
            for target in set(targets):
                if target != actor:
                    self.pairs[("attack", actor, target)].append(event)

    def write(self, emit, base: str, canonical_of: dict[str, str], document, group_size) -> None:
        for event, (side_a, side_b) in self._sides.items():
            for a in side_a:
                for b in side_b:
                    if a != b:
                        self.pairs[("clashes", a, b)].append(event)
        self._sides.clear()
        for (act, actor, other), accounts in sorted(self.pairs.items()):
            accounts.sort()
            node = f"{base}summary/acts/{act}/{_tail(actor)}/{_tail(other)}"
            emit(f"<{node}> {A} {K.ActorPair} .")
            emit(f"<{node}> {K.act} {_literal(act)} .")
            emit(f"<{node}> {K.actor} <{actor}> .")
            emit(f"<{node}> {K.against} <{other}> .")
            emit(f"<{node}> {K.accounts} {_int(len(accounts))} .")
            told: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            alone = 0
            for e in accounts:
                if group_size(e) == 1:
                    alone += 1
                else:
                    told[canonical_of[e]][document(e)] += 1
            emit(f"<{node}> {K.incidents} {_int(alone + sum(max(d.values()) for d in told.values()))} .")
            starts = [self.earliest[e] for e in accounts if e in self.earliest]
            ends = [self.latest[e] for e in accounts if e in self.latest]
            first = min(starts, default=None)
            if first is not None:
                emit(f"<{node}> {K.first} {_date(first)} .")
            if ends:
                emit(f"<{node}> {K.last} {_date(max(ends))} .")
            # accounts are sorted: the first found is the smallest IRI
            quoted = next(e for e in accounts if self.earliest.get(e) == first)
            emit(f"<{node}> {K.firstAccount} <{quoted}> .")
            months: dict[str, list[str]] = {}  # month -> its dated accounts, in account order
            for e in accounts:
                day = self.earliest.get(e)
                if day is None:
                    emit(f"<{node}> {K.undatedAccount} <{e}> .")
                    continue
                months.setdefault(day[:7], []).append(e)
            # The days on the pair itself: a chain reads them in one run of the store's index per
            # pair, where reading them from each month node was a seek per month (at 1,000,000
            # events, with the store's pages not in memory: 9.5 s of a chains run, 1.3 s now).
            for day in sorted(set(starts)):
                emit(f"<{node}> {K.day} {_date(day)} .")
            for month, dated in sorted(months.items()):
                emit(f"<{node}/{month}> {A} {K.ActorPairMonth} .")
                emit(f"<{node}/{month}> {K.pair} <{node}> .")
                emit(f"<{node}/{month}> {K.month} \"{month}\"^^<{_XSD}gYearMonth> .")
                emit(f"<{node}/{month}> {K.accounts} {_int(len(dated))} .")
                # The accounts themselves, so that a chain reads the few of one day from its
                # pair's month: from the day, the engine walked every incident that began on it.
                for e in dated:
                    emit(f"<{node}/{month}> {K.monthAccount} <{e}> .")


def _retaliation_claims(data: _Data, emit, base: str) -> None:
    """What the signed network reads of each claim of retaliation that lies a join away from the
    claim: its certainty and documents, its quotes and their documents, and the dates of the
    incidents it is about. Read from here, a chain's claims are single-pattern scans of this
    graph; read from the evidence, they were a lookup per claim, per quote and per incident (at
    1,000,000 events, with the store's pages not in memory, a chains run took 80 s that way and
    34 s this way, with the same output).

    Three joins in the engine, each over the claims alone, the same joins the network makes where
    the store has no summary graph (graph/analysis/network_queries.py), so both read the same.
    """
    retaliation = f"<{MK.motive}> <{MKV.retaliation}>"
    # Every claim of retaliation, so that each of the joins below (all starting from the same
    # pattern) finds its claim here.
    facts: dict[str, set[str]] = {claim: set() for claim, in data.rows_of(f"SELECT ?c WHERE {{ ?c {retaliation} }}")}
    for claim, prop, value in data.rows_of(
            f"SELECT ?c ?p ?o WHERE {{ ?c {retaliation} . VALUES ?p {{ <{MK.certainty}> <{MK.accordingTo}> }} "
            f"?c ?p ?o FILTER(isIRI(?o)) }}"):
        facts[claim].add(f"{K.certainty if prop == str(MK.certainty) else K.accordingTo} <{value}>")
    for claim, quote, document in data.rows_of(
            f"SELECT ?c ?q ?d WHERE {{ ?c {retaliation} ; <{PROV.wasDerivedFrom}> ?ev . "
            f"?ev <{OA.hasSelector}> ?sel . ?sel <{OA.exact}> ?q OPTIONAL {{ ?ev <{OA.hasSource}> ?d }} }}"):
        facts[claim].add(f"{K.quote} {_literal(quote)}")
        if document:
            facts[claim].add(f"{K.quotedIn} <{document}>")
    about: dict[tuple[str, str], set[str]] = defaultdict(set)
    for claim, event, start, end, precision in data.rows_of(
            f"SELECT ?c ?e ?start ?end ?precision WHERE {{ ?c {retaliation} ; <{MK.claimAbout}> ?e . "
            f"OPTIONAL {{ ?e <{SEM.hasEarliestBeginTimeStamp}> ?start }} "
            f"OPTIONAL {{ ?e <{SEM.hasLatestEndTimeStamp}> ?end }} "
            f"OPTIONAL {{ ?e <{MK.datePrecision}> ?precision }} }}"):
        told = about[(claim, event)]
        told.add(f"{K.event} <{event}>")
        if start:
            told.add(f"{K.start} {_date(start)}")
        if end:
            told.add(f"{K.end} {_date(end)}")
        if precision:
            told.add(f"{K.datePrecision} <{precision}>")
    # A node per claim, named by the claim's id, and one per event it is about, named by the
    # event's: ids that other datasets share (the last segment of an IRI) get a number, so that
    # no node holds the facts of two claims or two events.
    named = _names(sorted(facts), f"{base}summary/claim/")
    for claim, lines in sorted(facts.items()):
        node = f"<{named[claim]}>"
        emit(f"{node} {A} {K.RetaliationClaim} .")
        emit(f"{node} {K.claim} <{claim}> .")
        for line in sorted(lines):
            emit(f"{node} {line} .")
    by_claim: dict[str, list[str]] = defaultdict(list)
    for claim, event in sorted(about):
        by_claim[claim].append(event)
    for claim, events in by_claim.items():
        for event, name in _names(events, f"{named[claim]}/").items():
            node = f"<{name}>"
            emit(f"{node} {A} {K.ClaimedEvent} .")
            emit(f"{node} {K.claim} <{claim}> .")
            for line in sorted(about[(claim, event)]):
                emit(f"{node} {line} .")


def _names(iris: list[str], prefix: str) -> dict[str, str]:
    """IRI -> ``prefix`` + its last segment, with ``~2``, ``~3``... for the second and later
    IRIs (in the order given) that end alike."""
    taken: dict[str, int] = defaultdict(int)
    named = {}
    for iri in iris:
        tail = _tail(iri)
        taken[tail] += 1
        named[iri] = prefix + tail + (f"~{taken[tail]}" if taken[tail] > 1 else "")
    return named


def _figure_words(low: int | None, best: int | None, high: int | None) -> str:
    """A figure as plain words from its low, best and high (the source's own words are quoted beside)."""
    if best is None and low is None:
        return f"up to {high}" if high is not None else "no figure"
    if low is not None and low == best == high:
        return str(best)
    if low is not None and high is None:
        return f"at least {low}"
    if low is None and high is None:
        return f"about {best}"
    return f"{low if low is not None else best} to {high}"


def _disagreements(emit, node, accounts, document, figures, earliest, latest, perpetrators, label,
                   motives, event_harms, harms, derived, claim_evidence, base) -> None:
    """Where the documents telling one incident differ: one row per aspect and document."""
    by_doc: dict[str, list[str]] = defaultdict(list)
    for e in accounts:
        by_doc[document(e)].append(e)
    aspects: dict[str, dict[str, tuple[str, str, list[str]]]] = defaultdict(dict)  # aspect -> doc -> (says, account, evidence)
    for doc, mine in sorted(by_doc.items()):
        first = min((earliest[e] for e in mine if e in earliest), default=None)
        last = max((latest[e] for e in mine if e in latest), default=None)
        date = "no date" if first is None else first if first == last or last is None else f"{first}/{last}"
        aspects["date"][doc] = (date, mine[0], sorted(derived.get(mine[0], ())))
        who = {}
        for e in mine:
            for a, (rank, certainties) in perpetrators.get(e, {}).items():
                who[a] = (rank, who.get(a, (rank, set()))[1] | certainties)
        says = "; ".join(f"{label(a)}{' (co-perpetrator)' if rank else ''}, "
                         f"{', '.join(sorted(_tail(c) for c in cs if c)) or 'certainty not given'}"
                         for a, (rank, cs) in sorted(who.items(), key=lambda x: (x[1][0], label(x[0]))))
        aspects["perpetrator"][doc] = (says or "no perpetrator named", mine[0], sorted(derived.get(mine[0], ())))
        found = sorted({(_tail(m), c) for e in mine for m, c in motives.get(e, ())})
        aspects["motive"][doc] = ("; ".join(sorted({m for m, _ in found})) or "no motive stated", mine[0],
                                  sorted(ev for _, c in found for ev in claim_evidence.get(c, ())))
        for harm_type, per_doc in figures.items():
            figure = per_doc.get(doc)
            words = "not told" if figure is None else _figure_words(figure.low, figure.best,
                                                                     figure.high if figure.high_known else None)
            where = [ev for e in mine for h in event_harms.get(e, ()) if harms.get(h) and harms[h].type == harm_type
                     for ev in derived.get(h, ())]
            account = next((e for e in mine for h in event_harms.get(e, ())
                            if harms.get(h) and harms[h].type == harm_type), mine[0])
            aspects[_tail(harm_type).replace("-", " ")][doc] = (words, account, sorted(where))
    group = node[1:-1]
    for aspect, per_doc in sorted(aspects.items()):
        if len({says for says, _, _ in per_doc.values()}) < 2:
            continue
        for doc, (says, account, evidence) in sorted(per_doc.items()):
            row = f"<{group}/differs/{_slug_text(aspect)}/{_tail(doc) or 'unknown'}>"
            emit(f"{row} {A} {K.Disagreement} .")
            emit(f"{row} {K.group} {node} .")
            emit(f"{row} {K.aspect} {_literal(aspect)} .")
            if doc:
                emit(f"{row} {K.document} <{doc}> .")
            emit(f"{row} {K.inAccount} <{account}> .")
            emit(f"{row} {K.says} {_literal(says)} .")
            for ev in evidence[:1]:
                emit(f"{row} {K.evidence} <{ev}> .")


def _slug_text(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _credit(totals: dict, source: str, actors: Iterable[str], stated: set[str], harm_type: str,
            figure: _Figure, sides: Iterable[str] = (), events: int = 1) -> None:
    """Add one group's figure to each actor's totals and, once, to the all-actors total; the
    group counts as ``events`` incidents.

    Views: ``caused`` credits the perpetrators and co-perpetrators the source names; ``stated``
    those whose part at least one document states without a hedge; ``took-part`` every actor on a side of the
    event (a battle's deaths fall on both sides, and the source rarely says who killed whom).
    """
    actors = list(actors)
    variants = [("caused", actors)]
    if harm_type == _KILLED:  # only the killed totals are asked in the other views
        variants += [("stated", [a for a in actors if a in stated]), ("took-part", list(sides))]
    for view, credited in variants:
        for actor in credited + ([""] if credited else []):
            row = totals.setdefault((source, view, actor, harm_type), [0, 0, 0, 0, True, 0, 0])
            row[0] += events
            row[1] += figure.low or 0
            row[2] += figure.best or 0
            row[3] += figure.high or 0
            row[4] = row[4] and figure.high is not None
            row[5] += not figure.counted
            row[6] += figure.children or 0


def size(store: ox.Store) -> int:
    """How many triples the summary graph of ``store`` (a pyoxigraph Store) holds."""
    for quad in store.quads_for_pattern(ox.NamedNode(SUMMARY_GRAPH), ox.NamedNode(str(MKS.triples)), None, _GRAPH):
        return int(quad.object.value)
    return 0


def rebuild(store: ox.Store, *, bulk: bool = False) -> int:
    """Replace the summary graph of ``store`` (a pyoxigraph Store) by one computed afresh; its size.

    Only what changed is written: the triples of the old graph that the new one lacks are
    removed, the new ones added. Why: RocksDB removes a quad at a time, so dropping the old graph
    whole cost 185 s of a 339 s load of one triple into a store of 100,000 events (2.2M summary
    quads), while a load changes a few summary triples; dumping the old graph and comparing the
    two as sorted N-Triples took about 30 s there. Where the old graph is small beside the new
    (the first large load into a new store), it is dropped whole and the new one bulk-loaded, as
    that is cheaper still.
    """
    try:
        with tempfile.TemporaryDirectory(prefix="malikg-summary-") as scratch:
            scratch = Path(scratch)
            fresh = scratch / "new.nt"
            with open(fresh, "wb") as stream:
                written = write(store, stream)
            if size(store) * _WHOLE_REPLACEMENT_RATIO < written:
                if store.contains_named_graph(_GRAPH):
                    store.remove_graph(_GRAPH)
                _load_lines(store, fresh, bulk)
                return written
            old = scratch / "old.nt"
            store.dump(str(old), ox.RdfFormat.N_TRIPLES, from_graph=_GRAPH)
            gone, added = scratch / "gone.nt", scratch / "added.nt"
            _changes(sort_lines(old, scratch / "old.sorted.nt", unique=True),
                     sort_lines(fresh, scratch / "new.sorted.nt", unique=True), gone, added)
            _remove_lines(store, gone)
            _load_lines(store, added, bulk)
    except OSError as error:  # a full disk or a file-size limit while writing the scratch files
        raise MalikgError(f"cannot write the summary graph's scratch file in {tempfile.gettempdir()}: "
                          f"{error.strerror or error}") from None
    except subprocess.CalledProcessError as error:  # sort(1) failed (a full disk, most likely)
        raise MalikgError(f"cannot sort the summary graph's scratch files in {tempfile.gettempdir()}: "
                          f"sort exited with status {error.returncode}") from None
    return written


#: The old summary graph is dropped whole when the new one has this many times more triples.
_WHOLE_REPLACEMENT_RATIO = 20


def _changes(old: Path, new: Path, gone: Path, added: Path) -> None:
    """Write the lines only in ``old`` to ``gone`` and those only in ``new`` to ``added``; both
    inputs sorted bytewise, as sort_lines leaves them."""
    with open(old, "rb") as before, open(new, "rb") as after, \
            open(gone, "wb") as only_old, open(added, "wb") as only_new:
        a, b = before.readline(), after.readline()
        while a or b:
            if b and (not a or b < a):
                only_new.write(b)
                b = after.readline()
            elif a and (not b or a < b):
                only_old.write(a)
                a = before.readline()
            else:
                a, b = before.readline(), after.readline()


def _remove_lines(store: ox.Store, lines: Path) -> None:
    for triple in ox.parse(path=str(lines), format=ox.RdfFormat.N_TRIPLES):
        store.remove(ox.Quad(triple.subject, triple.predicate, triple.object, _GRAPH))


def _load_lines(store: ox.Store, lines: Path, bulk: bool) -> None:
    with open(lines, "rb") as stream:
        if bulk:
            store.bulk_load(stream, ox.RdfFormat.N_TRIPLES, to_graph=_GRAPH)
        else:
            store.load(stream, ox.RdfFormat.N_TRIPLES, to_graph=_GRAPH)


def _tail(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def _int(n: int) -> str:
    return f'"{n}"^^<{_XSD}integer>'


def _bool(b: bool) -> str:
    return f'"{"true" if b else "false"}"^^<{_XSD}boolean>'


def _date(text: str) -> str:
    return f'"{text}"^^<{_XSD}date>'


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _min(a, b):
    return b if a is None else a if b is None else min(a, b)


def _max(a, b):
    return b if a is None else a if b is None else max(a, b)


def _none_last(n: int | None) -> tuple:
    return (n is None, n or 0)


__all__ = ["compute", "rebuild", "ALL_SOURCES"]
