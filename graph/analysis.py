"""Retaliation chains and alliance blocs: networkx analysis of the cycle of violence.

Everything starts from :func:`signed_network`, a signed, time-stamped actor network read from a
:class:`graph.store.Store` with a dozen SPARQL queries that aggregate per actor pair, relation
or claim (so it works on every backend and large stores answer in few rows). The other
functions work on that graph:

* :func:`retaliation_graph`: who retaliated against whom, with the acts answered and the
  community ↔ armed group associations the accusations draw;
* :func:`chains`: retaliation chains and cycles in time order (:func:`render_chains` as text);
* :func:`alliances`: blocs, enmities between blocs, structural balance and centrality
  (:func:`render_alliances` as text);
* :func:`export_network`: GraphML or (dynamic) GEXF for Gephi.

From a notebook::

    from graph.store import open_store
    from graph import analysis
    with open_store() as store:                     # or open_store("data/mali.oxigraph")
        net = analysis.signed_network(store)
        found = analysis.chains(net, actor="jnim", store=store)
    print(analysis.render_chains(found))
    report = analysis.alliances(net)
"""
from __future__ import annotations

import bisect
import calendar
import datetime
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from .errors import MalikgError
from .files import write_atomic
from .namespaces import MK, MKV, SEM, base_iri

#: Relation names an edge can carry, positive ties first.
RELATIONS = (
    "alliance", "partnership", "affiliation", "association", "alleged-proxy", "coalition-membership",
    "ethnic-composition", "community-tie", "protection", "deal", "peace-agreement", "leadership",
    "position", "membership", "accused-collaboration", "accused-membership",
    "hostility", "clashes", "attack", "retaliation",
)
#: The ``relation`` filter of signed_network.
RELATION_FILTERS = ("all", "alliance", "hostility", "retaliation")
#: Ties that are one party's accusation, not an observed tie: listed, but kept out of blocs and balance.
ACCUSATIONS = frozenset({"accused-collaboration", "accused-membership"})
#: Ties that make an actor part of a community (or a community part of an actor): how a group can
#: answer, in the chapter's telling, for what was done to "its" people.
BELONGING = frozenset({"ethnic-composition", "community-tie", "coalition-membership"})
#: Hostile acts and stances that a retaliation can answer.
HOSTILE = frozenset({"attack", "clashes", "hostility"})
#: Actor kinds that take sides: blocs are formed among these.
BLOC_KINDS = frozenset({"armed-group", "community", "state", "state-body"})
#: Most certain first; an aggregated attack or clash edge carries the most certain attribution
#: among the incidents it quotes (see EVIDENCE_LIMIT).
CERTAINTY_ORDER = ("stated", "claimed", "apparent", "believed", "alleged", "suspected", "implied")

#: The roles in which the source actor of an attack or clash edge acts.
_ACTING_ROLES = {"attack": {"perpetrator", "co-perpetrator"}, "clashes": {"side-a"}}

_KINDS = {
    str(MK.ArmedGroup): "armed-group", str(MK.StateBody): "state-body", str(MK.Community): "community",
    str(MK.Organisation): "organisation", str(MK.Person): "person", str(MK.State): "state",
}
# Unit separator: cannot occur in a quote, a label or an IRI, so GROUP_CONCAT lists split back exactly.
_SEP = "\x1f"
_SEP_SPARQL = "\\u001F"
_MKV = str(MKV)


# ---------------------------------------------------------------------------
# The signed network
# ---------------------------------------------------------------------------

#: An aggregated attack or clash edge quotes the evidence of at most EVIDENCE_LIMIT of its
#: incidents (the earliest), fewer when the network has so many pairs that more than
#: EVIDENCE_BUDGET incidents would be read; ``evidence_complete`` says whether that was all of
#: them. Reading every quote of a million incidents would cost more than everything else together.
EVIDENCE_LIMIT = 25
EVIDENCE_BUDGET = 10_000

_ACTORS = """
SELECT ?actor (SAMPLE(?label) AS ?name) (SAMPLE(?class) AS ?kind) (SAMPLE(?type) AS ?actorType)
       (SAMPLE(?inter) AS ?interCode)
       (GROUP_CONCAT(DISTINCT ?alias; separator="%(sep)s") AS ?aliases)
WHERE {
  ?actor a mk:Actor .
  OPTIONAL { ?actor rdfs:label ?label }
  OPTIONAL { ?actor a ?class . FILTER(?class IN (mk:ArmedGroup, mk:StateBody, mk:Community,
                                                 mk:Organisation, mk:Person, mk:State)) }
  OPTIONAL { ?actor sem:actorType ?type }
  OPTIONAL { ?actor mk:interCode ?inter }
  OPTIONAL { ?actor skos:altLabel ?alias }
} GROUP BY ?actor
"""

# The event filter every query over incidents shares: ?since, ?until and ?region are bound with
# VALUES when given. Undated events are kept, as a date filter cannot judge them. Queries that
# read ?start and ?end anyway get only the filters (%(filters)s); the others get the date
# lookups too (%(window)s), and only when a date filter needs them.
_DATES = """
  OPTIONAL { ?event sem:hasEarliestBeginTimeStamp ?start }
  OPTIONAL { ?event sem:hasLatestEndTimeStamp ?end }
"""

_ACTIVITY = """
SELECT ?actor (COUNT(DISTINCT ?event) AS ?incidents) WHERE {
  ?event a mk:Incident ; mk:perpetrator ?actor .
  %(window)s
} GROUP BY ?actor
"""

_VICTIMS = """
SELECT ?actor (SUM(?killed) AS ?victims) WHERE {
  { SELECT DISTINCT ?actor ?harm WHERE {
      ?event a mk:Incident ; mk:perpetrator ?actor ; mk:harm ?harm .
      ?harm mk:harmType mkv:killed .
      %(window)s
  } }
  OPTIONAL { ?harm mk:best ?best }
  OPTIONAL { ?harm mk:low ?low }
  BIND(COALESCE(?best, ?low, 0) AS ?killed)
} GROUP BY ?actor
"""

# Who acted against whom in an event. No `?event a mk:Incident` here: testing every event's
# type doubled the cost, so the few campaigns, political and accountability events that name
# perpetrators are read apart (_OTHER_ACTS) and taken out again.
_ACT_PATTERNS = {
    "attack": "?event mk:perpetrator ?from ; mk:target ?to .",
    "clashes": """?a sem:roleType mkv:side-a ; mk:participant ?from .
  ?event mk:participation ?a, ?b .
  ?b sem:roleType mkv:side-b ; mk:participant ?to .""",
}

# One row per actor pair, however many events. With the event list, each event is written
# "IRI|first day|last day"; without it, one incident stands for the pair (SAMPLE: free, where
# MIN(STR(?event)) cost a third more; the store's own order makes it the same on every run).
_ACTS = """
SELECT ?from ?to (COUNT(?event) AS ?count) (MIN(?start) AS ?first) (MAX(?end) AS ?last)
       (SAMPLE(?event) AS ?sample) %(listing)s
WHERE {
  %(pattern)s
  FILTER(?from != ?to)
  """ + _DATES + """
  %(filters)s
  %(dated)s
} GROUP BY ?from ?to
"""
_LISTING = '(GROUP_CONCAT(?dated; separator=" ") AS ?events)'
_DATED = 'BIND(CONCAT(STR(?event), "|", COALESCE(STR(?start), ""), "|", COALESCE(STR(?end), "")) AS ?dated)'

_OTHER_ACTS = """
SELECT ?event ?from ?to ?start ?end WHERE {
  VALUES ?class { mk:Campaign mk:PoliticalEvent mk:AccountabilityEvent }
  ?event a ?class .
  %(pattern)s
  FILTER(?from != ?to)
  """ + _DATES + """
  %(filters)s
}
"""

# The same pair, incidents only, for the rare pair whose figures a non-incident touched.
_PAIR_INCIDENTS = """
SELECT (COUNT(?event) AS ?count) (MIN(?start) AS ?first) (MAX(?end) AS ?last) (MIN(STR(?event)) AS ?sample)
WHERE {
  VALUES (?from ?to) { (%(pair)s) }
  %(pattern)s
  ?event a mk:Incident .
  """ + _DATES + """
  %(filters)s
}
"""

_EVENT_EVIDENCE = """
SELECT ?event ?quote ?document ?precision WHERE {
  VALUES ?event { %(events)s }
  OPTIONAL { ?event mk:datePrecision ?precision }
  OPTIONAL { ?event prov:wasDerivedFrom ?evidence . ?evidence oa:hasSelector ?selector .
             ?selector oa:exact ?quote . OPTIONAL { ?evidence oa:hasSource ?document } }
}
"""

# Who took part in the given events, in which role and how surely attributed.
_EVENT_ROLES = """
SELECT ?event ?actor ?roleType ?certainty WHERE {
  VALUES ?event { %(events)s }
  OPTIONAL { ?event mk:participation ?role . ?role mk:participant ?actor ; sem:roleType ?roleType .
             OPTIONAL { ?role mk:certainty ?certainty } }
}
"""

_PUBLISHERS = "SELECT ?document ?publisher WHERE { ?document a mk:SourceDocument ; dcterms:publisher ?publisher }"

# Relations and claims are read as plain (subject, property, value) rows and put together in
# Python: an aggregate with a dozen OPTIONALs made pyoxigraph scan whole properties.
_RELATION_FACTS = "SELECT ?relation ?p ?o WHERE { ?relation a mk:Relation ; ?p ?o }"
_RELATION_QUOTES = """
SELECT ?relation ?quote WHERE {
  ?relation a mk:Relation ; prov:wasDerivedFrom ?evidence .
  ?evidence oa:hasSelector ?selector . ?selector oa:exact ?quote .
}
"""
_RELATION_TYPES = """
SELECT ?type ?sign ?symmetric WHERE { ?type mk:sign ?sign . OPTIONAL { ?type mk:symmetric ?symmetric } }
"""
_CLAIM_FACTS = "SELECT ?claim ?p ?o WHERE { ?claim mk:motive mkv:retaliation ; ?p ?o }"
_CLAIM_EVENTS = """
SELECT ?claim ?event ?p ?o WHERE {
  ?claim mk:motive mkv:retaliation ; mk:claimAbout ?event .
  ?event ?p ?o .
  FILTER(?p IN (sem:hasEarliestBeginTimeStamp, sem:hasLatestEndTimeStamp, mk:datePrecision))
}
"""
_CLAIM_QUOTES = """
SELECT ?claim ?quote WHERE {
  ?claim mk:motive mkv:retaliation ; prov:wasDerivedFrom ?evidence .
  ?evidence oa:hasSelector ?selector . ?selector oa:exact ?quote .
}
"""
_CLAIMS_IN_REGION = """
SELECT DISTINCT ?claim WHERE {
  ?claim mk:motive mkv:retaliation ; mk:claimAbout ?event .
  ?event sem:hasPlace ?place . ?place mk:within* ?region .
}
"""

_PLACES = """
SELECT ?place (SAMPLE(?label) AS ?name) (GROUP_CONCAT(DISTINCT ?alias; separator="%(sep)s") AS ?aliases)
WHERE { ?place a mk:Place . OPTIONAL { ?place rdfs:label ?label } OPTIONAL { ?place skos:altLabel ?alias } }
GROUP BY ?place
"""


def _rows(store, text: str, bindings: dict | None = None) -> list[dict[str, str | None]]:
    """A SELECT's rows as {variable: lexical value or IRI, None when unbound}."""
    result = store.query(text, bindings or None)
    names = [v.value for v in result.variables]
    return [{name: (None if term is None else term.value) for name, term in zip(names, row)} for row in result]


class _Reader:
    """Runs the network's queries with the shared date and region filters and their bindings.

    One at a time: pyoxigraph's result objects must be dropped by the thread that made them,
    and from a thread pool some were left to the garbage collector of another thread.
    """

    def __init__(self, store, filters: list[str], dated: bool, bindings: dict):
        self.store, self.bindings = store, bindings
        self.filters = "\n  ".join(filters)
        self.window = (_DATES if dated else "") + self.filters

    def rows(self, template: str, **parts) -> list[dict[str, str | None]]:
        text = template % {"sep": _SEP_SPARQL, "window": self.window, "filters": self.filters, **parts}
        return _rows(self.store, text, {name: term for name, term in self.bindings.items() if f"?{name}" in text})


def signed_network(store, *, actor: str | None = None, since: str | None = None, until: str | None = None,
                   region: str | None = None, relation: str = "all", counts: bool = True,
                   events: bool = True) -> nx.MultiDiGraph:
    """The signed, time-stamped actor network, read from ``store`` with a few aggregate SPARQL queries.

    Nodes are actor slugs (``"jnim"``) with ``label``, ``kind``, ``actor_type``, ``inter_code``,
    ``incidents`` (as perpetrator or co-perpetrator) and ``victims`` (killed: best estimate, else
    the low one). Edges are keyed by a stable id (``attack:jnim>civilians``,
    ``clashes:msa-d>isgs``, ``relation:msa-d-hostility-isgs``, ``retaliation:kalala-retaliation``)
    and carry ``relation``, ``sign`` (+1/-1/0), ``start``/``end`` (ISO dates or ""),
    ``date_precision``, ``certainty``, ``claimant`` (a label), ``evidence`` (sorted exact
    quotes), ``events`` (sorted slugs) and ``label``. Attack and clash edges aggregate every
    incident of an actor pair and add ``count``, ``dates`` and ``date_ends`` (one per event,
    aligned with ``events``), ``first_date``, ``last_date`` and ``evidence_complete``; their
    evidence, claimant and certainty (the most certain attribution) come from the incidents they
    quote (see EVIDENCE_LIMIT). Relation edges add ``status`` and ``qualifier``; retaliation edges add
    ``claim``, ``accusation``, ``reason``, ``accused``, ``accused_of_link_to``, ``accuser`` and
    ``responds_to``.

    Filters: ``actor`` (slug, label or alias) keeps that actor and its neighbours; ``since`` /
    ``until`` keep edges whose dates overlap the window (undated ones stay); ``region`` (a place
    slug or label) keeps the incidents within it and the actors involved; ``relation`` is
    ``alliance`` (positive edges), ``hostility`` (negative), ``retaliation`` or ``all``.

    On large stores two parts cost most and can be left out: ``counts=False`` leaves
    ``incidents`` and ``victims`` at 0; ``events=False`` leaves the per-incident lists
    (``events``, ``dates``, ``date_ends``) of attack and clash edges empty and quotes one incident.
    """
    if relation not in RELATION_FILTERS:
        raise MalikgError(f"unknown relation filter {relation!r} (choose from {', '.join(RELATION_FILTERS)})")
    since_date, until_date = _day(since, "since"), _day(until, "until")
    if since_date and until_date and since_date > until_date:
        raise MalikgError(f"since {since} is after until {until}")
    region_iri = _find_place(store, region) if region else None

    bindings: dict[str, ox.Literal | ox.NamedNode] = {}
    filters = []
    if since_date:
        bindings["since"] = ox.Literal(since_date, datatype=ox.NamedNode(_XSD_DATE))
        filters.append("FILTER(!BOUND(?end) || ?end >= ?since)")
    if until_date:
        bindings["until"] = ox.Literal(until_date, datatype=ox.NamedNode(_XSD_DATE))
        filters.append("FILTER(!BOUND(?start) || ?start <= ?until)")
    if region_iri:
        bindings["region"] = ox.NamedNode(region_iri)
        filters.append("FILTER EXISTS { ?event sem:hasPlace ?place . ?place mk:within* ?region }")

    reader = _Reader(store, filters, bool(since_date or until_date), bindings)
    rows = {}
    for kind, pattern in _ACT_PATTERNS.items():
        rows[kind] = reader.rows(_ACTS, pattern=pattern, listing=_LISTING if events else "",
                                 dated=_DATED if events else "")
        rows[f"{kind} others"] = reader.rows(_OTHER_ACTS, pattern=pattern)
    if counts:
        rows["activity"], rows["victims"] = reader.rows(_ACTIVITY), reader.rows(_VICTIMS)
    for name, query in (("actors", _ACTORS), ("claims", _CLAIM_FACTS), ("claim events", _CLAIM_EVENTS),
                        ("claim quotes", _CLAIM_QUOTES), ("relations", _RELATION_FACTS),
                        ("relation quotes", _RELATION_QUOTES), ("relation types", _RELATION_TYPES),
                        ("publishers", _PUBLISHERS)):
        rows[name] = reader.rows(query)
    rows["in region"] = reader.rows(_CLAIMS_IN_REGION) if region_iri else []
    actors = _actors(rows["actors"])
    labels = {slug: data["label"] for slug, data in actors.items()}
    publishers = {_slug(row["document"]): labels.get(_slug(row["publisher"]), _slug(row["publisher"]))
                  for row in rows["publishers"]}
    edges = _acts(store, reader, rows, publishers, events)

    focus = find_actor(actors, actor) if actor is not None else None
    graph = nx.MultiDiGraph()
    for slug in sorted(actors):
        graph.add_node(slug, **{k: v for k, v in actors[slug].items() if k != "names"})
    for row in rows.get("activity", []):
        if _slug(row["actor"]) in graph:
            graph.nodes[_slug(row["actor"])]["incidents"] = int(row["incidents"])
    for row in rows.get("victims", []):
        if _slug(row["actor"]) in graph:
            graph.nodes[_slug(row["actor"])]["victims"] = int(float(row["victims"]))

    edges += _relations(rows, labels)
    in_region = {row["claim"] for row in rows["in region"]} if region_iri else None
    edges += _retaliations(rows, labels, in_region)
    involved: set[str] = set()
    # Rows come in whatever order the backend likes: sorted, equal stores give equal graphs.
    for source, target, key, attributes in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        if source in graph and target in graph:
            graph.add_edge(source, target, key=key, **attributes)
            if not key.startswith("relation:"):
                involved.update((source, target))

    _filter_edges(graph, since_date, until_date, relation, involved if region_iri else None)
    if focus is not None:
        keep = {focus} | set(graph.successors(focus)) | set(graph.predecessors(focus))
        graph.remove_nodes_from([n for n in list(graph) if n not in keep])
    if focus is not None or any((since, until, region, relation != "all")):
        graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0 and n != focus])
    return graph


_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _day(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise MalikgError(f"{name}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _slug(iri: str) -> str:
    """``jnim`` for ``{base}actor/jnim``; IRIs outside the base stay whole."""
    base = base_iri()
    if iri.startswith(base):
        rest = iri[len(base):]
        return rest.split("/", 1)[1] if "/" in rest else rest
    return iri


def _split(value: str | None, sep: str = _SEP) -> list[str]:
    return [part for part in value.split(sep) if part] if value else []


def _concept(value: str | None) -> str:
    """The local name of a vocabulary concept (``apparent`` for mkv:apparent)."""
    value = value or ""
    return value[len(_MKV):] if value.startswith(_MKV) else value


def _actors(rows: list[dict]) -> dict[str, dict]:
    actors = {}
    for row in rows:
        slug = _slug(row["actor"])
        label = row["name"] or slug
        actors[slug] = {
            "label": label,
            "kind": _KINDS.get(row["kind"] or "", "group"),
            "actor_type": _concept(row["actorType"]),
            "inter_code": int(row["interCode"]) if row["interCode"] is not None else 0,
            "incidents": 0,
            "victims": 0,
            "names": {slug.lower(), label.lower(), *(a.lower() for a in _split(row["aliases"]))},
        }
    return actors


def find_actor(actors: dict[str, dict] | nx.Graph, name: str) -> str:
    """The slug of the actor called ``name`` (its slug, label or an alias; case-insensitive)."""
    wanted = name.strip().lower()
    if isinstance(actors, nx.Graph):
        if name in actors:
            return name
        matches = sorted(n for n, d in actors.nodes(data=True)
                         if wanted in (n.lower(), str(d.get("label", "")).lower()))
    else:
        if name in actors:
            return name
        matches = sorted(slug for slug, data in actors.items() if wanted in data["names"])
    if not matches:
        raise MalikgError(f"no actor called {name!r} (give a slug such as 'jnim', a label or an alias)")
    return matches[0]


def _find_place(store, name: str) -> str:
    wanted = name.strip().lower()
    found = []
    for row in _rows(store, _PLACES % {"sep": _SEP_SPARQL}):
        names = {_slug(row["place"]).lower(), (row["name"] or "").lower(),
                 *(a.lower() for a in _split(row["aliases"]))}
        if wanted in names:
            found.append(row["place"])
    if not found:
        raise MalikgError(f"no place called {name!r} (give a slug such as 'mopti' or a label)")
    return sorted(found)[0]


def _bounds(lexical: str) -> tuple[str, str, str]:
    """First day, last day and precision of an xsd:date, xsd:gYearMonth or xsd:gYear lexical form."""
    if re.fullmatch(r"\d{4}", lexical):
        return f"{lexical}-01-01", f"{lexical}-12-31", "year"
    if re.fullmatch(r"\d{4}-\d{2}", lexical):
        year, month = int(lexical[:4]), int(lexical[5:])
        return f"{lexical}-01", f"{lexical}-{calendar.monthrange(year, month)[1]:02d}", "month"
    return lexical[:10], lexical[:10], "day"


def _strongest(certainties: Iterable[str]) -> str:
    found = [c for c in certainties if c]
    if not found:
        return ""
    return min(found, key=lambda c: (CERTAINTY_ORDER.index(c) if c in CERTAINTY_ORDER else len(CERTAINTY_ORDER), c))


def _precision(precisions: Iterable[str], spans: set, first: str) -> str:
    """One event's precision, or that of several events dated alike; else ``interval`` (or "" if undated)."""
    distinct = sorted({_concept(p) for p in precisions if p})
    if len(distinct) == 1 and len(spans) <= 1:
        return distinct[0]
    return "interval" if first else ""


def _acts(store, reader: _Reader, rows: dict[str, list[dict]], publishers: dict[str, str],
          listed: bool) -> list[tuple]:
    """Attack (perpetrator → target) and clash (side-a → side-b) edges, one per actor pair."""
    pairs: dict = {}
    for kind, pattern in _ACT_PATTERNS.items():
        others = defaultdict(dict)
        for row in rows[f"{kind} others"]:
            others[(_slug(row["from"]), _slug(row["to"]))][_slug(row["event"])] = (row["start"] or "", row["end"] or "")
        for row in rows[kind]:
            source, target = _slug(row["from"]), _slug(row["to"])
            dated, skip = {}, others.get((source, target), {})
            for item in _split(row.get("events"), " "):
                iri, start, end = item.split("|")
                if _slug(iri) not in skip:
                    dated[_slug(iri)] = (start, end)
            figures = {"count": int(row["count"]), "first": row["first"] or "", "last": row["last"] or "",
                       "sample": _slug(row["sample"])}
            if skip and not listed:
                figures = _pair_incidents(reader, pattern, source, target)
            elif skip:
                figures["count"] = len(dated)
            if figures["count"]:
                pairs[(kind, source, target)] = (figures, dated)
    # Quotes, precision and source of each pair's earliest incidents: up to EVIDENCE_LIMIT, fewer
    # when there are many pairs, so that no more than EVIDENCE_BUDGET incidents are read.
    limit = max(1, min(EVIDENCE_LIMIT, EVIDENCE_BUDGET // max(1, len(pairs))))
    sampled = {pair: (sorted(dated, key=lambda e: (dated[e][0] or "9999", e))[:limit] if dated
                      else [figures["sample"]])
               for pair, (figures, dated) in pairs.items()}
    quotes, documents, precisions, roles = _event_details(store, sorted({e for s in sampled.values() for e in s}))
    edges = []
    for pair in sorted(pairs):
        kind, source, target = pair
        figures, dated = pairs[pair]
        events, count = sorted(dated), figures["count"]
        if dated:
            starts = sorted(s for s, _ in dated.values() if s)
            ends = sorted(e for _, e in dated.values() if e)
            first, last = (starts[0] if starts else ""), (ends[-1] if ends else "")
            spans = set(dated.values())
        else:
            first, last = figures["first"], figures["last"]
            spans = {(first, last)} if count == 1 else {(first, last), ("", "")}
        sample = sampled[pair]
        acting = _ACTING_ROLES[kind]
        what = "attacks" if kind == "attack" else "clashes with"
        span = f", {first} to {last}" if first else ", undated"
        edges.append((source, target, f"{kind}:{source}>{target}", dict(
            relation=kind, sign=-1, start=first, end=last,
            date_precision=_precision((p for e in sample for p in precisions.get(e, ())), spans, first),
            certainty=_strongest(c for e in sample for a, r, c in roles.get(e, ()) if a == source and r in acting),
            claimant=", ".join(sorted({publishers.get(d, d) for e in sample for d in documents.get(e, ())})),
            evidence=sorted({q for e in sample for q in quotes.get(e, ())}),
            evidence_complete=len(sample) == count, events=events,
            label=f"{what} ({count} incident{'s' if count != 1 else ''}{span})",
            count=count, dates=[dated[e][0] for e in events], date_ends=[dated[e][1] for e in events],
            first_date=first, last_date=last, status="", qualifier="", symmetric=kind == "clashes")))
    return edges


def _pair_incidents(reader: _Reader, pattern: str, source: str, target: str) -> dict:
    pair = " ".join(str(ox.NamedNode(f"{base_iri()}actor/{slug}")) for slug in (source, target))
    row = reader.rows(_PAIR_INCIDENTS, pattern=pattern, pair=pair)[0]
    return {"count": int(row["count"]), "first": row["first"] or "", "last": row["last"] or "",
            "sample": _slug(row["sample"]) if row["sample"] else ""}


def _event_details(store, events: list[str]) -> tuple[dict, dict, dict, dict]:
    """Quotes, source documents, date precisions and (actor, role, certainty) participations of
    the given events (slugs), by event."""
    quotes, documents, precisions, roles = defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set)
    base = base_iri()
    for start in range(0, len(events), 5000):
        values = " ".join(str(ox.NamedNode(f"{base}event/{slug}")) for slug in events[start:start + 5000])
        for row in _rows(store, _EVENT_ROLES % {"events": values}):
            if row["actor"] is not None:
                roles[_slug(row["event"])].add((_slug(row["actor"]), _concept(row["roleType"]),
                                                _concept(row["certainty"] or "stated")))
        for row in _rows(store, _EVENT_EVIDENCE % {"events": values}):
            event = _slug(row["event"])
            if row["quote"] is not None:
                quotes[event].add(row["quote"])
            if row["document"] is not None:
                documents[event].add(_slug(row["document"]))
            if row["precision"] is not None:
                precisions[event].add(row["precision"])
    return quotes, documents, precisions, roles


def _facts(rows: list[dict], subject: str) -> dict[str, dict[str, list[str]]]:
    """{subject IRI: {property IRI: sorted values}} from rows of ?subject ?p ?o."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        found[row[subject]][row["p"]].append(row["o"])
    for facts in found.values():
        for values in facts.values():
            values.sort()
    return found


def _one(facts: dict[str, list[str]], prop) -> str:
    values = facts.get(str(prop))
    return values[0] if values else ""


def _quotes(rows: list[dict], subject: str) -> dict[str, list[str]]:
    found = defaultdict(set)
    for row in rows:
        found[row[subject]].add(row["quote"])
    return {key: sorted(values) for key, values in found.items()}


def _named(value: str, labels: dict[str, str]) -> str:
    return labels.get(_slug(value), _slug(value)) if value else ""


def _relations(rows: dict[str, list[dict]], labels: dict[str, str]) -> list[tuple]:
    types = {row["type"]: (int(row["sign"]), row["symmetric"] in ("true", "1")) for row in rows["relation types"]}
    quotes = _quotes(rows["relation quotes"], "relation")
    actor_base = f"{base_iri()}actor/"
    edges = []
    for iri, facts in _facts(rows["relations"], "relation").items():
        source, target, kind = _one(facts, MK.source), _one(facts, MK.relatedTo), _one(facts, MK.relationType)
        # Places (protection, territory, population) have no node in the actor network.
        if not (source and kind and target.startswith(actor_base)):
            continue
        sign, symmetric = types.get(kind, (0, False))
        start = end = precision = ""
        if _one(facts, MK.startDate):
            start, _, precision = _bounds(_one(facts, MK.startDate))
        if _one(facts, MK.endDate):
            _, end, end_precision = _bounds(_one(facts, MK.endDate))
            precision = precision or end_precision
        status = _concept(_one(facts, MK.status)) or "current"
        slug, kind = _slug(iri), _concept(kind)
        edges.append((_slug(source), _slug(target), f"relation:{slug}", dict(
            relation=kind, sign=sign, start=start, end=end, date_precision=precision,
            certainty=_concept(_one(facts, MK.certainty)), claimant=_named(_one(facts, MK.claimant), labels),
            evidence=quotes.get(iri, []), events=[],
            label=kind.replace("-", " ") + ("" if status == "current" else f" ({status})"),
            status=status, qualifier=_one(facts, MK.qualifierText), relation_id=slug, symmetric=symmetric)))
    return edges


def _retaliations(rows: dict[str, list[dict]], labels: dict[str, str], in_region: set[str] | None) -> list[tuple]:
    quotes = _quotes(rows["claim quotes"], "claim")
    about: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows["claim events"]:
        about[row["claim"]][_slug(row["event"])][row["p"]] = row["o"]
    begin, finish, precision_of = (str(SEM.hasEarliestBeginTimeStamp), str(SEM.hasLatestEndTimeStamp),
                                   str(MK.datePrecision))
    edges = []
    for iri, facts in _facts(rows["claims"], "claim").items():
        actor, against = _one(facts, MK.claimedActor), _one(facts, MK.retaliatedAgainst)
        if not actor or not against or (in_region is not None and iri not in in_region):
            continue
        events = sorted({_slug(e) for e in facts.get(str(MK.claimAbout), [])})
        known = about.get(iri, {})
        dated = {e: (known.get(e, {}).get(begin, ""), known.get(e, {}).get(finish, "")) for e in events}
        starts = sorted(s for s, _ in dated.values() if s)
        ends = sorted(e for _, e in dated.values() if e)
        first = starts[0] if starts else ""
        accusation = _concept(_one(facts, MK.accusation))
        accused, linked = _one(facts, MK.accusedParty), _one(facts, MK.accusedOfLinkTo)
        slug = _slug(iri)
        edges.append((_slug(actor), _slug(against), f"retaliation:{slug}", dict(
            relation="retaliation", sign=-1, start=first, end=ends[-1] if ends else "",
            date_precision=_precision((known.get(e, {}).get(precision_of, "") for e in events),
                                      set(dated.values()), first),
            certainty=_concept(_one(facts, MK.certainty)), claimant=_named(_one(facts, MK.claimant), labels),
            evidence=quotes.get(iri, []), events=events,
            label="retaliation" + (f" ({accusation.replace('-', ' ')})" if accusation else ""),
            status="", qualifier="", claim=slug, accusation=accusation,
            reason=_one(facts, MK.accusationText) or _one(facts, MK.claimText),
            accused=_slug(accused) if accused else "", accused_of_link_to=_slug(linked) if linked else "",
            accuser=_named(_one(facts, MK.accuser), labels),
            responds_to=sorted({_slug(e) for e in facts.get(str(MK.respondsTo), [])}),
            symmetric=False)))
    return edges


def _filter_edges(graph: nx.MultiDiGraph, since: str | None, until: str | None, relation: str,
                  involved: set[str] | None) -> None:
    drop = []
    for source, target, key, data in graph.edges(keys=True, data=True):
        keep = True
        if relation == "alliance":
            keep = data["sign"] > 0
        elif relation == "hostility":
            keep = data["sign"] < 0
        elif relation == "retaliation":
            keep = data["relation"] == "retaliation"
        # A dated relation with no end is still running: it overlaps any later window.
        if keep and since and data["end"] and data["end"] < since:
            keep = False
        if keep and until and data["start"] and data["start"] > until:
            keep = False
        if keep and involved is not None and key.startswith("relation:"):
            keep = source in involved and target in involved
        if not keep:
            drop.append((source, target, key))
    graph.remove_edges_from(drop)


# ---------------------------------------------------------------------------
# The retaliation graph
# ---------------------------------------------------------------------------

def retaliation_graph(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Who retaliated (or is said to have) against whom, with the acts responded to and the
    community ↔ armed group associations (composition, community ties, accusations) the claims draw."""
    answered = {event for _, _, d in network.edges(data=True) if d["relation"] == "retaliation"
                for event in d.get("responds_to", [])}
    keep = [(u, v, k) for u, v, k, d in network.edges(keys=True, data=True)
            if d["relation"] == "retaliation" or d["relation"] in BELONGING | ACCUSATIONS
            or (_is_act(k) and answered & set(d["events"]))]
    return network.edge_subgraph(keep).copy()


# ---------------------------------------------------------------------------
# Chains
# ---------------------------------------------------------------------------

def _date_text(start: str, end: str) -> str:
    """A step's date as plainly as its bounds allow: 2024-01-27, 2024-01, 2024, 2023-09 to 2023-12."""
    if not start:
        return "undated"
    end = end or start
    if start == end:
        return start
    whole_months = start.endswith("-01") and end == _month_end(end)
    if whole_months and start[:4] == end[:4] and start[5:7] == "01" and end[5:7] == "12":
        return start[:4]
    if whole_months:
        return start[:7] if start[:7] == end[:7] else f"{start[:7]} to {end[:7]}"
    return f"{start} to {end}"


def _month_end(day: str) -> str:
    year, month = int(day[:4]), int(day[5:7])
    return f"{day[:7]}-{calendar.monthrange(year, month)[1]:02d}"


def _associations(network: nx.MultiDiGraph, kinds: frozenset[str]) -> dict[tuple[str, str], list[dict]]:
    """Pairs tied by a current relation of ``kinds``, looked up in either direction."""
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for u, v, key, d in network.edges(keys=True, data=True):
        if d["relation"] in kinds and d.get("status", "current") == "current":
            tie = {"source": u, "target": v, "relation": d["relation"], "claimant": d["claimant"],
                   "certainty": d["certainty"], "qualifier": d.get("qualifier", ""),
                   "evidence": d["evidence"], "key": key}
            found[(u, v)].append(tie)
            found[(v, u)].append(tie)
    return found


def _tie_text(network, tie: dict) -> str:
    a, b = network.nodes[tie["source"]]["label"], network.nodes[tie["target"]]["label"]
    qualifier = f"{tie['qualifier']} " if tie.get("qualifier") and tie["relation"] == "ethnic-composition" else ""
    phrases = {
        "ethnic-composition": f"{a} is made up {qualifier}of {b}",
        "community-tie": f"{a} has ties to {b}",
        "coalition-membership": f"{a} is part of the coalition {b}",
        "accused-collaboration": f"{a} are accused of collaborating with {b}",
        "accused-membership": f"{a} are accused of being members of {b}",
    }
    return phrases.get(tie["relation"], f"{a} {tie['relation'].replace('-', ' ')} {b}")


def _order(a_start: str, b: dict) -> str | None:
    """How step ``b`` stands in time to an act that began on ``a_start``: after, overlap (order
    unknown), undated, or None when ``b`` certainly ended before it (a response may not precede
    what it answers)."""
    if not a_start or not b["start"]:
        return "undated"
    if (b["end"] or b["start"]) < a_start:
        return None
    return "after" if b["start"] >= a_start else "overlap"


def _is_act(key: str) -> bool:
    """Whether an edge key names an attack or clash edge built from incidents (not a relation)."""
    return key.startswith(("attack:", "clashes:"))


class _Acts:
    """The incidents behind the attack and clash edges, by event or by edge."""

    def __init__(self, network: nx.MultiDiGraph):
        self.network = network
        self.by_target: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        self._sorted: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
        for u, v, key, d in network.edges(keys=True, data=True):
            if _is_act(key) and u != v:
                if len(d["events"]) != d["count"]:
                    raise MalikgError("chains need the network's incident lists: "
                                      "build it with signed_network(store, events=True)")
                self.by_target[v].append((u, v, key))

    def of_event(self, wanted: set[str]) -> dict[str, list[tuple]]:
        """{event: [(source, target, edge key, start, end)]} for the events in ``wanted``."""
        found = defaultdict(list)
        for u, v, key, d in self.network.edges(keys=True, data=True):
            if _is_act(key):
                for event, start, end in zip(d["events"], d["dates"], d["date_ends"]):
                    if event in wanted:
                        found[event].append((u, v, key, start, end))
        return found

    def latest(self, edge: tuple[str, str, str], day: str) -> list[tuple[str, str, str]]:
        """The edge's latest events that began on or before ``day``, as (start, end, event);
        its undated events when none is dated."""
        if edge not in self._sorted:
            d = self.network.edges[edge]
            self._sorted[edge] = sorted(zip(d["dates"], d["date_ends"], d["events"]))
        events = self._sorted[edge]
        dated = [e for e in events[:bisect.bisect_right(events, (day, "\uffff", "\uffff"))] if e[0]]
        return [e for e in dated if e[0] == dated[-1][0]] if dated else [e for e in events if not e[0]]


def _act_step(network, edge: tuple[str, str, str], event: str, start: str, end: str) -> dict:
    u, v, key = edge
    d = network.edges[edge]
    return {
        "id": f"act:{event}:{u}>{v}", "kind": "act", "relation": d["relation"],
        "actor": u, "actor_label": network.nodes[u]["label"],
        "target": v, "target_label": network.nodes[v]["label"],
        "start": start, "end": end or start, "date_precision": d["date_precision"] if d["count"] == 1 else "",
        "date": _date_text(start, end or start),
        # Refined from the store by chains(store=...); the actor pair's own figures otherwise.
        "claimant": d["claimant"], "certainty": d["certainty"],
        "evidence": d["evidence"] if d["count"] == 1 else [],
        "events": [event], "responds_to": [], "reason": "", "accusation": "", "accuser": "",
        "accused": "", "accused_label": "", "accused_of_link_to": "", "accused_of_link_to_label": "",
    }


def _stance_step(network, u: str, v: str, key: str) -> dict:
    d = network.edges[u, v, key]
    return {
        "id": key, "kind": "stance", "relation": d["relation"],
        "actor": u, "actor_label": network.nodes[u]["label"],
        "target": v, "target_label": network.nodes[v]["label"],
        "start": d["start"], "end": d["end"], "date_precision": d["date_precision"],
        "date": _tie_date(d) if d["start"] or d["end"] else "undated",
        "claimant": d["claimant"], "certainty": d["certainty"], "evidence": d["evidence"],
        "events": [], "responds_to": [], "reason": "", "accusation": "", "accuser": "",
        "accused": "", "accused_label": "", "accused_of_link_to": "", "accused_of_link_to_label": "",
    }


def _retaliation_step(network, u: str, v: str, key: str) -> dict:
    d = network.edges[u, v, key]
    step = {
        "id": key, "kind": "retaliation", "relation": "retaliation",
        "actor": u, "actor_label": network.nodes[u]["label"],
        "target": v, "target_label": network.nodes[v]["label"],
        "start": d["start"], "end": d["end"], "date_precision": d["date_precision"],
        "date": _date_text(d["start"], d["end"]),
        "claimant": d["claimant"], "certainty": d["certainty"], "evidence": d["evidence"],
        "events": d["events"], "responds_to": d["responds_to"], "reason": d["reason"],
        "accusation": d["accusation"], "accuser": d["accuser"],
        "accused": d["accused"], "accused_of_link_to": d["accused_of_link_to"],
    }
    for role in ("accused", "accused_of_link_to"):
        slug = step[role]
        step[f"{role}_label"] = network.nodes[slug]["label"] if slug in network else slug
    return step


def step_graph(network: nx.MultiDiGraph) -> nx.DiGraph:
    """Steps as nodes (attribute ``step``), with an edge A → B (attributes ``basis``, ``text``,
    ``order``) where retaliation B follows step A.

    Steps are the retaliation claims, the single incidents they follow, and hostile stances
    (hostility or clashes relations) where no incident fits. Retaliation B follows A when:

    * responds-to: the source says B answers A's event (mk:respondsTo); when it names one,
      no other link is looked for (a named act that does not fit in time links nothing);
    * same-party: B's actor was A's target;
    * belonging: B's actor belongs to A's target or the reverse (ethnic composition, community
      tie, coalition), as the Dozo, mainly Bambara, answer attacks on the Bambara;
    * continues: B's actor turns on those it accuses of links to the target of its own act A.

    Accusations do not link steps forward: they are the retaliator's pretext about its victims,
    not evidence that the party the victims are accused of serving answered for them (they do
    close cycles). B may not have ended before A began. Without a named act, the most recent
    earlier act that fits is taken (several on the same date all are), so one retaliation does
    not fan out to every earlier attack on its actor; undated acts only when no dated one fits.
    """
    belonging = _associations(network, BELONGING)
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in belonging:
        partners[a].add(b)
    acts = _Acts(network)
    claims = {key: _retaliation_step(network, u, v, key)
              for u, v, key, d in network.edges(keys=True, data=True) if d["relation"] == "retaliation"}
    claim_of_event: dict[str, list[str]] = defaultdict(list)
    claims_by_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in sorted(claims):
        for event in claims[key]["events"]:
            claim_of_event[event].append(key)
        claims_by_pair[(claims[key]["actor"], claims[key]["target"])].append(key)
    stances: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for u, v, key, d in network.edges(keys=True, data=True):
        if key.startswith("relation:") and d["relation"] in HOSTILE and u != v:
            stances[v].append((u, v, key))
    named = acts.of_event({e for step in claims.values() for e in step["responds_to"]} - set(claim_of_event))

    graph = nx.DiGraph()
    for key in sorted(claims):
        graph.add_node(key, step=claims[key])

    def link(a: dict, b_key: str, basis: str, text: str, order: str) -> None:
        if a["id"] not in graph:
            graph.add_node(a["id"], step=a)
        graph.add_edge(a["id"], b_key, basis=basis, text=text, order=order)

    def ties_of(b: dict) -> list[tuple[str, str, str, list, list]]:
        """(basis, text, edges, claims) for each way an earlier act could have set off ``b``."""
        ties = [("same-party", f"{b['actor_label']} was the target of the previous step", b["actor"])]
        for partner in sorted(partners[b["actor"]]):
            tie = sorted(belonging[(b["actor"], partner)], key=lambda t: t["key"])[0]
            ties.append(("belonging",
                         f"{_tie_text(network, tie)} (according to {tie['claimant']}, {tie['certainty']})", partner))
        found = []
        for basis, text, target in ties:
            pool = [k for (_, t), keys in sorted(claims_by_pair.items()) if t == target for k in keys]
            found.append((basis, text, acts.by_target.get(target, []), pool, stances.get(target, [])))
        link_to = b["accused_of_link_to"]
        if link_to:
            edge = (b["actor"], link_to, f"attack:{b['actor']}>{link_to}")
            found.append(("continues", f"{b['actor_label']} turned on those it accuses of links to "
                                       f"{b['accused_of_link_to_label']}",
                          [edge] if network.has_edge(*edge) else [], claims_by_pair.get((b["actor"], link_to), []), []))
        return found

    inferred = {b_key: ties_of(claims[b_key]) for b_key in sorted(claims) if not claims[b_key]["responds_to"]}

    for b_key in sorted(claims):
        b = claims[b_key]
        found = []  # (start, step, basis, text, order)

        def consider(a: dict, basis: str, text: str) -> None:
            if a["id"] == b_key or (a["kind"] == "act" and set(a["events"]) & set(b["events"])):
                return
            order = _order(a["start"], b)
            if order is not None:
                found.append((a["start"], a, basis, text, order))

        for event in b["responds_to"]:
            text = f"the source says this answered {event}"
            for a_key in claim_of_event.get(event, []):
                consider(claims[a_key], "responds-to", text)
            for u, v, key, start, end in named.get(event, []):
                consider(_act_step(network, (u, v, key), event, start, end), "responds-to", text)
        for basis, text, edges, pool, hostile in inferred.get(b_key, []):
            for a_key in pool:
                consider(claims[a_key], basis, text)
            for edge in edges:
                for start, end, event in acts.latest(edge, _limit(b)):
                    covering = claim_of_event.get(event)
                    for a_key in covering or []:
                        consider(claims[a_key], basis, text)
                    if not covering:
                        consider(_act_step(network, edge, event, start, end), basis, text)
            for u, v, key in hostile:
                consider(_stance_step(network, u, v, key), basis, text)
        for start, a, basis, text, order in _nearest(found):
            link(a, b_key, basis, text, order)
    return graph


def _limit(step: dict) -> str:
    """The latest day an act may begin and still come before ``step``."""
    return step["end"] or step["start"] or "9999-12-31"


def _nearest(found: list[tuple]) -> list[tuple]:
    """Named acts; else the latest dated acts (incidents before stances of the same pair); else the undated."""
    named = [f for f in found if f[2] == "responds-to"]
    if named:
        return sorted(named, key=lambda f: f[1]["id"])
    dated = [f for f in found if f[4] != "undated"]
    if dated:
        before = [f for f in dated if f[4] == "after"] or dated
        latest = max(f[0] for f in before)
        chosen = [f for f in before if f[0] == latest]
    else:
        chosen = found
    pairs_with_acts = {(f[1]["actor"], f[1]["target"]) for f in chosen if f[1]["kind"] != "stance"}
    chosen = [f for f in chosen if f[1]["kind"] != "stance" or (f[1]["actor"], f[1]["target"]) not in pairs_with_acts]
    unique = {f[1]["id"]: f for f in chosen}
    return [unique[k] for k in sorted(unique)]


def _closure(network, chain: list[dict], ties) -> dict | None:
    first, last = chain[0], chain[-1]
    if last["target"] == first["actor"]:
        return {"relation": "same-party", "text": f"the last target, {last['target_label']}, is the first actor",
                "claimant": "", "certainty": "", "evidence": []}
    options = sorted(ties.get((last["target"], first["actor"]), []), key=lambda t: t["key"])
    if not options:
        return None
    tie = options[0]
    return {"relation": tie["relation"], "text": _tie_text(network, tie), "claimant": tie["claimant"],
            "certainty": tie["certainty"], "evidence": tie["evidence"]}


def chains(network: nx.MultiDiGraph, *, actor: str | None = None, max_length: int = 4,
           store=None) -> list[list[dict]]:
    """Retaliation chains and cycles in time order, each a list of steps (dicts).

    A step is a retaliation claim, an incident or a hostile stance between two actors, with its
    date, stated reason, claimant, certainty and evidence quotes; how steps link is explained in
    :func:`step_graph`. A chain is a maximal path of at most ``max_length`` steps containing at
    least one retaliation, so a retaliation nothing is known to answer is a chain of one step.
    Each step but the first carries ``link`` (basis, text and ``order``: after, overlap or
    undated) and ``undated_link``; the last carries ``closes_cycle`` when its target is, or is
    tied to (composition, community tie or accusation), the first actor. ``actor`` keeps the
    chains with that actor in a step. With ``store``, incident steps quote their own evidence
    rather than their actor pair's.
    """
    if max_length < 1:
        raise MalikgError(f"the maximum chain length must be at least 1, not {max_length}")
    wanted = find_actor(network, actor) if actor is not None else None
    graph = step_graph(network)
    ties = _associations(network, BELONGING | ACCUSATIONS)
    starts = [n for n in graph if graph.in_degree(n) == 0]
    condensed = nx.condensation(graph)
    for component in condensed:
        members = condensed.nodes[component]["members"]
        if condensed.in_degree(component) == 0 and len(members) > 1:
            starts.extend(members)
    found: set[tuple[str, ...]] = set()
    queue, started = sorted(set(starts)), set(starts)
    while queue:
        stack = [[queue.pop()]]
        while stack:
            path = stack.pop()
            following = [n for n in sorted(graph.successors(path[-1])) if n not in path]
            if len(path) >= max_length or not following:
                found.add(tuple(path))
                # A chain cut at max_length goes on in chains of its own.
                for n in following:
                    if n not in started:
                        started.add(n)
                        queue.append(n)
            else:
                stack.extend(path + [n] for n in following)
    if store is not None:
        _quote_incidents(store, graph, network)
    result = []
    for path in found:
        steps = [dict(graph.nodes[n]["step"]) for n in path]
        if not any(s["kind"] == "retaliation" for s in steps):
            continue
        if wanted and not any(wanted in (s["actor"], s["target"]) for s in steps):
            continue
        for i, step in enumerate(steps):
            step["step"] = i + 1
            step["link"] = dict(graph.edges[path[i - 1], path[i]]) if i else None
            step["undated_link"] = bool(i) and step["link"]["order"] == "undated"
            step["closes_cycle"] = None
        steps[-1]["closes_cycle"] = _closure(network, steps, ties)
        result.append(steps)
    result.sort(key=lambda c: (c[0]["start"] or "9999", [s["id"] for s in c]))
    return result


def _quote_incidents(store, graph: nx.DiGraph, network) -> None:
    acts = {n: d["step"] for n, d in graph.nodes(data=True) if d["step"]["kind"] == "act"}
    events = sorted({s["events"][0] for s in acts.values()})
    quotes, documents, precisions, roles = _event_details(store, events)
    labels = {n: d["label"] for n, d in network.nodes(data=True)}
    publishers = {_slug(row["document"]): _named(row["publisher"], labels) for row in _rows(store, _PUBLISHERS)}
    for step in acts.values():
        event = step["events"][0]
        step["evidence"] = sorted(quotes.get(event, ()))
        step["claimant"] = ", ".join(sorted({publishers.get(d, d) for d in documents.get(event, ())})) \
            or step["claimant"]
        step["date_precision"] = _precision(precisions.get(event, ()), set(), step["start"])
        acting = _ACTING_ROLES[step["relation"]]
        step["certainty"] = _strongest(c for a, r, c in roles.get(event, ()) if a == step["actor"] and r in acting) \
            or step["certainty"]


def render_chains(found: list[list[dict]]) -> str:
    """Chains as plain-language text: one numbered line per step, with who says so and the quote."""
    if not found:
        return "No retaliation chains found.\n"
    lines = []
    for number, chain in enumerate(found, 1):
        cycle = " — a cycle" if chain[-1]["closes_cycle"] else ""
        lines.append(f"Chain {number} ({len(chain)} step{'s' if len(chain) != 1 else ''}){cycle}")
        for step in chain:
            lines.append(f"  {step['step']}. {step['date']}: {_step_sentence(step)}")
            if step["link"]:
                order = {"after": "", "overlap": "; dates overlap, order not established",
                         "undated": "; undated link, order not established"}[step["link"]["order"]]
                lines.append(f"     follows step {step['step'] - 1}: {step['link']['text']}{order}")
            if step["reason"]:
                lines.append(f"     stated reason: {step['reason']}")
            lines.append(f"     according to {step['claimant'] or 'the source'}"
                         + (f" ({step['certainty']})" if step["certainty"] else ""))
            for quote in step["evidence"][:3]:
                lines.append(f"     “{quote}”")
            if len(step["evidence"]) > 3:
                lines.append(f"     … and {len(step['evidence']) - 3} more quotes")
        closure = chain[-1]["closes_cycle"]
        if closure:
            who = f" (according to {closure['claimant']}, {closure['certainty']})" if closure["claimant"] else ""
            lines.append(f"  ↺ closes the cycle: {closure['text']}{who}")
        lines.append("")
    return "\n".join(lines)


_CHARGES = {"collaboration": "collaborating", "membership": "being members",
            "armed-group-membership": "being members of an armed group", "refusal-to-disarm": "refusing to disarm"}


def _step_sentence(step: dict) -> str:
    actor, target = step["actor_label"], step["target_label"]
    if step["kind"] == "retaliation":
        text = f"{actor} retaliated against {target}"
        if step["accusation"] and step["accused"]:
            link = step["accused_of_link_to_label"] if step["accused_of_link_to"] else ""
            charge = _CHARGES.get(step["accusation"], step["accusation"].replace("-", " "))
            if link:
                charge += f" {'with' if step['accusation'] == 'collaboration' else 'of'} {link}"
            text += f", accusing {step['accused_label']} of {charge}"
            if step["accuser"] and step["accuser"] != actor:
                text += f" (accuser: {step['accuser']})"
        if step["events"]:
            text += f" [{', '.join(step['events'])}]"
        return text
    verb = {"attack": "attacked", "clashes": "clashed with", "hostility": "was hostile to"}[step["relation"]]
    events = f" [{', '.join(step['events'])}]" if step["events"] else " (a stance the source reports, not one act)"
    return f"{actor} {verb} {target}{events}"


# ---------------------------------------------------------------------------
# Alliances: blocs, enmities, balance, centrality
# ---------------------------------------------------------------------------

EXPLAIN = {
    "blocs": ("Actors joined by current positive ties (alliance, partnership, affiliation, proxy, "
              "membership, ethnic composition, community ties, deals); ties that are accusations, "
              "former or ended, or between a pair that is also hostile do not join a bloc."),
    "enmities": "Hostile ties (attacks, clashes, hostility, retaliation) running between two blocs or lone actors.",
    "balance": ("Share of actor triangles whose three ties multiply to a positive sign (the friend of my "
                "friend is my friend, the enemy of my enemy my friend); 1.0 means perfectly balanced."),
    "collapse": ("Where a pair has several ties, the most recent dated one stands for it (undated ties count as "
                 "older; on equal dates hostility wins); accusations and former or ended ties are left out."),
    "degree": "Degree centrality: the share of the other tied actors an actor has any tie with (any sign).",
    "betweenness": ("Betweenness centrality: how often an actor lies on the shortest path between two others, "
                    "i.e. how much it brokers between parts of the network."),
}


def _tie(network, u: str, v: str, key: str, d: dict) -> dict:
    return {"source": u, "source_label": network.nodes[u]["label"], "target": v,
            "target_label": network.nodes[v]["label"], "id": key, "relation": d["relation"],
            "sign": d["sign"], "status": d.get("status", ""), "start": d["start"], "end": d["end"],
            "date": _tie_date(d), "certainty": d["certainty"], "claimant": d["claimant"],
            "evidence": d["evidence"], "events": d["events"], "count": d.get("count", 0)}


def _tie_date(d: dict) -> str:
    """"since 2016" for a tie with only a start, "until 2024-01" with only an end."""
    cut = {"year": 4, "month": 7}.get(d["date_precision"], 10)
    if d["start"] and not d["end"]:
        return f"since {d['start'][:cut]}"
    if d["end"] and not d["start"]:
        return f"until {d['end'][:cut]}"
    return _date_text(d["start"], d["end"])


def signed_simple_graph(network: nx.MultiDiGraph) -> nx.Graph:
    """The network as an undirected graph with one signed tie per actor pair (see EXPLAIN['collapse'])."""
    best: dict[frozenset, tuple] = {}
    for u, v, key, d in network.edges(keys=True, data=True):
        if u == v or d["sign"] == 0 or d["relation"] in ACCUSATIONS or d.get("status") in ("former", "ended"):
            continue
        recency = (d["end"] or d["start"], d["sign"] < 0, key)
        pair = frozenset((u, v))
        if pair not in best or recency > best[pair][0]:
            best[pair] = (recency, d["sign"], key)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(network.nodes(data=True)))
    for pair, (_, sign, key) in sorted(best.items(), key=lambda item: sorted(item[0])):
        u, v = sorted(pair)
        graph.add_edge(u, v, sign=sign, tie=key)
    return graph


def alliances(network: nx.MultiDiGraph) -> dict:
    """Blocs, enmities between them, structural balance and centrality, each with its explanation.

    Blocs are connected components of current positive ties among armed groups, communities,
    states and state bodies: components, not a signed clustering, so every bloc can be read
    back tie by tie with its evidence.
    """
    eligible = {n for n, d in network.nodes(data=True) if d["kind"] in BLOC_KINDS}
    hostile_pairs = {frozenset((u, v)) for u, v, d in network.edges(data=True) if d["sign"] < 0}
    positive = nx.Graph()
    accusation_links, former_ties, contested_ties = [], [], []
    for u, v, key, d in sorted(network.edges(keys=True, data=True), key=lambda e: e[2]):
        if d["sign"] <= 0 or u == v:
            continue
        if d["relation"] in ACCUSATIONS:
            accusation_links.append(_tie(network, u, v, key, d))
        elif d.get("status") in ("former", "ended"):
            former_ties.append(_tie(network, u, v, key, d))
        elif frozenset((u, v)) in hostile_pairs:
            contested_ties.append(_tie(network, u, v, key, d))
        elif u in eligible and v in eligible:
            positive.add_edge(u, v)
            positive.edges[u, v].setdefault("ties", []).append(_tie(network, u, v, key, d))

    components = [sorted(c) for c in nx.connected_components(positive) if len(c) > 1]
    components.sort(key=lambda c: (-len(c), c))
    blocs, bloc_of = [], {}
    for number, members in enumerate(components, 1):
        sub = positive.subgraph(members)
        hub = sorted(members, key=lambda n: (-sub.degree(n), network.nodes[n]["label"]))[0]
        bloc_id = f"bloc-{number}"
        for member in members:
            bloc_of[member] = bloc_id
        blocs.append({
            "id": bloc_id, "name": f"{network.nodes[hub]['label']} bloc",
            "members": [{"actor": m, "label": network.nodes[m]["label"], "kind": network.nodes[m]["kind"]}
                        for m in sorted(members, key=lambda n: network.nodes[n]["label"].lower())],
            "ties": sorted((t for _, _, d in sub.edges(data=True) for t in d["ties"]), key=lambda t: t["id"]),
        })

    def side(actor: str) -> str:
        return bloc_of.get(actor, actor)

    names = {b["id"]: b["name"] for b in blocs}
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for u, v, key, d in sorted(network.edges(keys=True, data=True), key=lambda e: e[2]):
        if d["sign"] >= 0 or u not in eligible or v not in eligible or side(u) == side(v):
            continue
        a, b = sorted((side(u), side(v)))
        grouped[(a, b)].append(_tie(network, u, v, key, d))
    enmities = []
    for (a, b), ties in sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0])):
        enmities.append({
            "between": [a, b],
            "labels": [names.get(x, network.nodes[x]["label"] if x in network else x) for x in (a, b)],
            "relations": sorted({t["relation"] for t in ties}), "ties": ties,
        })

    signed = signed_simple_graph(network)
    triangles, unbalanced = 0, []
    for u, v, w in _triangles(signed):
        triangles += 1
        signs = [signed.edges[u, v]["sign"], signed.edges[v, w]["sign"], signed.edges[u, w]["sign"]]
        if signs[0] * signs[1] * signs[2] < 0:
            unbalanced.append({"actors": [u, v, w], "labels": [network.nodes[x]["label"] for x in (u, v, w)],
                               "signs": {f"{u}~{v}": signs[0], f"{v}~{w}": signs[1], f"{u}~{w}": signs[2]}})
    balance = {
        "triangles": triangles, "balanced": triangles - len(unbalanced),
        "share_balanced": round((triangles - len(unbalanced)) / triangles, 4) if triangles else None,
        "unbalanced": unbalanced, "explanation": EXPLAIN["balance"], "method": EXPLAIN["collapse"],
    }

    tied = nx.Graph()
    tied.add_edges_from((u, v) for u, v in network.edges() if u != v)
    degree = nx.degree_centrality(tied) if len(tied) > 1 else {}
    betweenness = nx.betweenness_centrality(tied) if len(tied) > 2 else {n: 0.0 for n in tied}
    centrality = sorted(({"actor": n, "label": network.nodes[n]["label"], "ties": tied.degree(n),
                          "degree": round(degree.get(n, 0.0), 4), "betweenness": round(betweenness.get(n, 0.0), 4)}
                         for n in tied), key=lambda c: (-c["betweenness"], -c["degree"], c["label"]))
    return {
        "blocs": blocs, "enmities": enmities, "balance": balance,
        "centrality": centrality, "accusation_links": accusation_links,
        "former_ties": former_ties, "contested_ties": contested_ties,
        "explanations": {k: EXPLAIN[k] for k in ("blocs", "enmities", "balance", "degree", "betweenness")},
    }


def _triangles(graph: nx.Graph) -> list[tuple[str, str, str]]:
    found = []
    for u in sorted(graph):
        later = sorted(n for n in graph[u] if n > u)
        for i, v in enumerate(later):
            for w in later[i + 1:]:
                if graph.has_edge(v, w):
                    found.append((u, v, w))
    return found


def render_alliances(report: dict, *, top: int = 10, limit: int = 25) -> str:
    """The alliance report as plain-language text: ``top`` actors by centrality, and at most
    ``limit`` items of each list (the JSON form has them all)."""
    lines = ["Blocs", f"  ({report['explanations']['blocs']})"]
    for bloc in report["blocs"][:limit]:
        lines.append(f"  {bloc['name']}: " + ", ".join(m["label"] for m in bloc["members"]))
        lines += [f"    - {_tie_sentence(tie)}" for tie in bloc["ties"][:limit]]
        lines += _more(bloc["ties"], limit, "    ", "ties")
    lines += _more(report["blocs"], limit, "  ", "blocs") or ([] if report["blocs"] else ["  none"])
    lines += ["", "Enmities", f"  ({report['explanations']['enmities']})"]
    for enmity in report["enmities"][:limit]:
        a, b = enmity["labels"]
        lines.append(f"  {a} against {b}: {len(enmity['ties'])} hostile tie(s) ({', '.join(enmity['relations'])})")
        lines += [f"    - {_tie_sentence(tie)}" for tie in enmity["ties"][:5]]
        lines += _more(enmity["ties"], 5, "    ", "ties")
    lines += _more(report["enmities"], limit, "  ", "enmities")
    for title, key in (("Former or ended ties (not in blocs)", "former_ties"),
                       ("Positive ties between actors that are also hostile (not in blocs)", "contested_ties"),
                       ("Accusations of links (listed, not in blocs)", "accusation_links")):
        if report[key]:
            lines += ["", title]
            lines += [f"  - {_tie_sentence(tie)}" for tie in report[key][:limit]]
            lines += _more(report[key], limit, "  ", "ties")
    balance = report["balance"]
    lines += ["", "Structural balance", f"  ({balance['explanation']})", f"  ({balance['method']})"]
    if balance["triangles"]:
        lines.append(f"  {balance['balanced']} of {balance['triangles']} triangles are balanced "
                     f"(share {balance['share_balanced']:.2f}).")
        for triangle in balance["unbalanced"][:limit]:
            signs = ", ".join(f"{pair} {'+' if sign > 0 else '-'}" for pair, sign in triangle["signs"].items())
            lines.append(f"  unbalanced: {' / '.join(triangle['labels'])} ({signs})")
        lines += _more(balance["unbalanced"], limit, "  ", "unbalanced triangles")
    else:
        lines.append("  no triangles of signed ties.")
    lines += ["", "Centrality",
              f"  ({report['explanations']['degree']})", f"  ({report['explanations']['betweenness']})"]
    for entry in report["centrality"][:top]:
        lines.append(f"  {entry['label']}: {entry['ties']} ties, degree {entry['degree']:.2f}, "
                     f"betweenness {entry['betweenness']:.2f}")
    return "\n".join(lines) + "\n"


def _more(items: list, shown: int, indent: str, what: str) -> list[str]:
    if len(items) <= shown:
        return []
    return [f"{indent}… and {len(items) - shown} more {what} (--format json lists them all)"]


#: How each relation reads in a sentence: "{source} <phrase> {target}".
PHRASES = {
    "alliance": "is allied with", "partnership": "works with", "affiliation": "is linked to",
    "association": "is associated with", "alleged-proxy": "is alleged to act as a proxy of",
    "coalition-membership": "is part of the coalition", "ethnic-composition": "is made up of",
    "community-tie": "has ties to", "protection": "protects", "deal": "had a deal with",
    "peace-agreement": "had a peace agreement with", "leadership": "leads", "position": "holds a position in",
    "membership": "is a member of", "accused-collaboration": "are accused of collaborating with",
    "accused-membership": "are accused of being members of", "hostility": "is hostile to",
    "clashes": "clashed with", "attack": "attacked", "retaliation": "retaliated against",
}


def _tie_sentence(tie: dict) -> str:
    when = "" if tie["date"] == "undated" else f", {tie['date']}"
    if tie.get("count", 0) > 1:
        when = f" ({tie['count']} incidents){when}"
    status = f" ({tie['status']})" if tie["status"] not in ("", "current") else ""
    who = f"according to {tie['claimant']}" if tie["claimant"] else "according to the source"
    quote = f": “{tie['evidence'][0]}”" if tie["evidence"] else ""
    phrase = PHRASES.get(tie["relation"], tie["relation"].replace("-", " "))
    if status and phrase.startswith("is "):
        phrase = "was " + phrase[3:]
    return (f"{tie['source_label']} {phrase} {tie['target_label']}{status}{when} "
            f"({who}, {tie['certainty'] or 'unstated'}){quote}")


# ---------------------------------------------------------------------------
# Export for Gephi
# ---------------------------------------------------------------------------

EXPORT_FORMATS = ("graphml", "gexf")


def _scalar_copy(network: nx.MultiDiGraph, fmt: str) -> nx.MultiDiGraph:
    """A copy with scalar attributes only (lists joined), dates as GEXF spells where known."""
    graph = nx.MultiDiGraph()
    for node, data in sorted(network.nodes(data=True)):
        graph.add_node(node, **{k: _flat(v) for k, v in data.items()})
    for u, v, key, data in sorted(network.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        attributes = {k: _flat(val) for k, val in sorted(data.items())}
        if fmt == "gexf":
            attributes["id"] = key
            for bound in ("start", "end"):
                if not attributes.get(bound):
                    attributes.pop(bound, None)
        graph.add_edge(u, v, key=key, **attributes)
    if fmt == "gexf" and any("start" in d or "end" in d for *_, d in graph.edges(data=True)):
        graph.graph["mode"] = "dynamic"
    return graph


def _flat(value):
    if isinstance(value, (list, tuple)):
        # Quotes can hold commas and semicolons; " | " does not occur in the source text.
        return " | ".join(str(v) for v in value)
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else ""
    return value


def network_bytes(network: nx.MultiDiGraph, fmt: str) -> bytes:
    """The network as GraphML or GEXF bytes (lists joined with " | "; GEXF dynamic where dates are known)."""
    if fmt not in EXPORT_FORMATS:
        raise MalikgError(f"unknown network format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    graph = _scalar_copy(network, fmt)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8", named_key_ids=True)
    else:
        writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
        # The writer stamps today's date into <meta>; same input must give the same bytes.
        for meta in writer.xml.iter("meta"):
            meta.attrib.pop("lastmodifieddate", None)
        writer.add_graph(graph)
        writer.write(buffer)
    return buffer.getvalue()


def export_network(network: nx.MultiDiGraph, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``network`` to ``path`` as GraphML or GEXF (from ``fmt`` or the file's suffix), atomically."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    write_atomic(path, network_bytes(network, fmt))
    return path


def to_json(value) -> str:
    """Chains or an alliance report as stable, pretty JSON."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
