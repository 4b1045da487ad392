"""The signed, time-stamped actor network, read from a store with aggregate SPARQL queries."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
import pyoxigraph as ox

from ..errors import MalikgError
from ..namespaces import MK, SEM, base_iri
from .dates import _XSD_DATE, _bounds, _day, _precision
from .network_queries import (
    _ACT_PATTERNS, _ACTIVITY, _ACTORS, _ACTS, _CLAIM_EVENTS, _CLAIM_FACTS, _CLAIM_QUOTES, _CLAIMS_IN_REGION,
    _DATED, _EVENT_EVIDENCE, _EVENT_ROLES, _LISTING, _OTHER_ACTS, _PAIR_INCIDENTS, _PAIR_SAMPLES, _PLACES, _DOCUMENTS,
    _RELATION_FACTS, _RELATION_QUOTES, _RELATION_TYPES, _SUMMARY_CLAIM_OWN_FACTS, _SUMMARY_CLAIM_PART,
    _SUMMARY_PAIRS, _SUMMARY_PRESENT, _VICTIMS, EVIDENCE_BUDGET,
    _LINKED_ACCOUNTS, _LINKED_ACTS, EVIDENCE_LIMIT, GRAPHS, NetworkReader, act_pattern, bound_act, select_rows,
)
from .vocabulary import (
    _ACTING_ROLES, _KINDS, _SEP_SPARQL, RELATION_FILTERS, _concept, iri_slug, _split, _strongest,
)


def signed_network(store, *, actor: str | None = None, since: str | None = None, until: str | None = None,
                   region: str | None = None, relation: str = "all", counts: bool = True,
                   events: bool = True, quotes: bool = True, summary: bool = True) -> nx.MultiDiGraph:
    """The signed, time-stamped actor network, read from ``store`` with a few aggregate SPARQL queries.

    Nodes are actor slugs (``"jnim"``) with ``label``, ``aliases``, ``kind``, ``actor_type``, ``inter_code``,
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

    On large stores three parts cost most and can be left out: ``counts=False`` leaves
    ``incidents`` and ``victims`` at 0; ``events=False`` leaves the per-incident lists
    (``events``, ``dates``, ``date_ends``) of attack and clash edges empty and quotes one incident;
    ``quotes=False`` reads no incident's quotes, source or certainty for attack and clash edges
    (``chains(..., store=...)`` reads those of the incidents its steps name).

    With ``events=False`` and no date or region filter, attack and clash edges are read from the
    summary graph's per-pair nodes (``mks:ActorPair``, graph/summary.py) when the store holds
    it: the same figures, without walking every incident. Retaliation edges are read from its
    claim nodes (``mks:RetaliationClaim``) whatever the filters. ``summary=False`` walks the
    evidence anyway.
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

    reader = NetworkReader(store, filters, bool(since_date or until_date), bindings)
    rows = {}
    has_summary = summary and bool(store.query(_SUMMARY_PRESENT % GRAPHS))
    summarised = has_summary and not events and not filters
    if summarised:
        rows["pairs"] = reader.rows(_SUMMARY_PAIRS)
    else:
        for kind, pattern in _ACT_PATTERNS.items():
            rows[kind] = reader.rows(_ACTS, pattern=pattern, listing=_LISTING if events else "",
                                     dated=_DATED if events else "")
            rows[f"{kind} others"] = reader.rows(_OTHER_ACTS, pattern=pattern)
    if counts:
        rows["activity"], rows["victims"] = reader.rows(_ACTIVITY), reader.rows(_VICTIMS)
    claims = _summary_claims(reader) if has_summary else None
    if claims is not None:
        rows["claims"], rows["claim events"], rows["claim quotes"] = claims
    else:
        for name, query in (("claims", _CLAIM_FACTS), ("claim events", _CLAIM_EVENTS),
                            ("claim quotes", _CLAIM_QUOTES)):
            rows[name] = reader.rows(query)
    for name, query in (("actors", _ACTORS), ("relations", _RELATION_FACTS),
                        ("relation quotes", _RELATION_QUOTES), ("relation types", _RELATION_TYPES),
                        ("documents", _DOCUMENTS)):
        rows[name] = reader.rows(query)
    rows["in region"] = reader.rows(_CLAIMS_IN_REGION) if region_iri else []
    actors = _actors(rows["actors"])
    labels = {slug: data["label"] for slug, data in actors.items()}
    documents = Documents(rows["documents"], labels)
    edges = (_summary_acts(store, rows["pairs"], documents, quotes) if summarised
             else _acts(store, reader, rows, documents, events, quotes))

    focus = find_actor(actors, actor) if actor is not None else None
    graph = nx.MultiDiGraph()
    for slug in sorted(actors):
        graph.add_node(slug, **{k: v for k, v in actors[slug].items() if k != "names"})
    for row in rows.get("activity", []):
        if iri_slug(row["actor"]) in graph:
            graph.nodes[iri_slug(row["actor"])]["incidents"] = int(row["incidents"])
    for row in rows.get("victims", []):
        if iri_slug(row["actor"]) in graph:
            graph.nodes[iri_slug(row["actor"])]["victims"] = int(float(row["victims"]))

    edges += _relations(rows, labels, documents)
    in_region = {row["claim"] for row in rows["in region"]} if region_iri else None
    edges += _retaliations(rows, labels, documents, in_region)
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


def _summary_claims(reader: NetworkReader) -> tuple[list[dict], list[dict], list[dict]] | None:
    """The rows _CLAIM_FACTS, _CLAIM_EVENTS and _CLAIM_QUOTES answer, from the claims' own
    properties and the summary graph's claim nodes, one pattern per read (network_queries.py
    says why). A quote's document comes as a row of its own: what is read of them is each
    claim's quotes and each claim's documents. None where the summary graph has no claim nodes:
    no claim of retaliation, or a summary written by an older malikg, and the caller asks the
    evidence itself, which answers both right."""
    def part(name: str) -> list[dict]:
        return reader.rows(_SUMMARY_CLAIM_PART, part=name)

    claim_of = {row["node"]: row["o"] for row in part("claim")}
    if not claim_of:
        return None
    claims = set(claim_of.values())
    facts = [row for row in reader.rows(_SUMMARY_CLAIM_OWN_FACTS) if row["claim"] in claims]
    for name in ("certainty", "accordingTo"):
        facts += [{"claim": claim_of[row["node"]], "p": str(MK[name]), "o": row["o"]}
                  for row in part(name) if row["node"] in claim_of]
    quotes = [{"claim": claim_of[row["node"]], "quote": row["o"], "document": None}
              for row in part("quote") if row["node"] in claim_of]
    quotes += [{"claim": claim_of[row["node"]], "quote": None, "document": row["o"]}
               for row in part("quotedIn") if row["node"] in claim_of]
    told: dict[str, dict[str, str]] = defaultdict(dict)
    for name, column in (("event", "event"), ("start", "start"), ("end", "end"), ("datePrecision", "precision")):
        for row in part(name):
            if row["node"] in claim_of:
                told[row["node"]][column] = row["o"]
    events = [{"claim": claim_of[node], "event": about["event"], "start": about.get("start"),
               "end": about.get("end"), "precision": about.get("precision")}
              for node, about in told.items() if "event" in about]
    return facts, events, quotes


def _actors(rows: list[dict]) -> dict[str, dict]:
    actors = {}
    for row in rows:
        slug = iri_slug(row["actor"])
        label = row["name"] or slug
        actors[slug] = {
            "label": label,
            "kind": _KINDS.get(row["kind"] or "", "group"),
            "actor_type": _concept(row["actorType"]),
            "inter_code": int(row["interCode"]) if row["interCode"] is not None else 0,
            "incidents": 0,
            "victims": 0,
            "aliases": sorted(set(_split(row["aliases"]))),
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
    for row in select_rows(store, _PLACES % {"sep": _SEP_SPARQL}):
        names = {iri_slug(row["place"]).lower(), (row["name"] or "").lower(),
                 *(a.lower() for a in _split(row["aliases"]))}
        if wanted in names:
            found.append(row["place"])
    if not found:
        raise MalikgError(f"no place called {name!r} (give a slug such as 'mopti' or a label)")
    return sorted(found)[0]


class Documents:
    """The source documents of a store: who published each, and how a reader can tell them apart."""

    def __init__(self, rows: list[dict], labels: dict[str, str]):
        found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            for name in ("publisher", "title", "issued"):
                if row[name]:
                    found[iri_slug(row["document"])][name].append(row[name])
        self._publisher = {slug: _named(sorted(facts["publisher"])[0], labels)
                           for slug, facts in found.items() if facts["publisher"]}
        self._citation = {}
        for slug, facts in found.items():
            title = sorted(facts["title"])[0] if facts["title"] else slug
            issued = sorted(facts["issued"])[0] if facts["issued"] else ""
            self._citation[slug] = f"{title} ({issued})" if issued else title

    def publishers(self, documents: Iterable[str]) -> str:
        """The publishers of these documents (slugs), joined: who says so."""
        return ", ".join(sorted({self._publisher.get(d, d) for d in documents}))

    def citations(self, documents: Iterable[str]) -> list[str]:
        """Each document's title and date ("World Report 2025: Mali (2025-01)"): which text says so."""
        return sorted({self._citation.get(d, d) for d in documents})


def _acts(store, reader: NetworkReader, rows: dict[str, list[dict]], documents: Documents,
          listed: bool, quoted: bool = True) -> list[tuple]:
    """Attack (perpetrator → target) and clash (side-a → side-b) edges, one per actor pair."""
    pairs: dict = {}
    for kind, pattern in _ACT_PATTERNS.items():
        others = defaultdict(dict)
        for row in rows[f"{kind} others"]:
            pair = (iri_slug(row["from"]), iri_slug(row["to"]))
            others[pair][iri_slug(row["event"])] = (row["start"] or "", row["end"] or "")
        for row in rows[kind]:
            source, target = iri_slug(row["from"]), iri_slug(row["to"])
            dated, skip = {}, others.get((source, target), {})
            for item in _split(row.get("events"), " "):
                iri, start, end = item.split("|")
                if iri_slug(iri) not in skip:
                    dated[iri_slug(iri)] = (start, end)
            figures = {"count": int(row["count"]), "first": row["first"] or "", "last": row["last"] or "",
                       "sample": ""}
            if skip and not listed:
                # Its incidents' own figures; the incident it quotes is still its first day's
                # (_pick_samples), as for every other pair, not the smallest IRI of them all.
                figures = {**_pair_incidents(reader, kind, source, target), "sample": ""}
            elif skip:
                figures["count"] = len(dated)
            if figures["count"]:
                pairs[(kind, source, target)] = (figures, dated)
        if not listed:
            _pick_samples(reader, kind, pattern, pairs)
    if not listed:
        _count_incidents_once(store, reader, pairs)
    return _act_edges(store, pairs, documents, quoted)


def _count_incidents_once(store, reader: NetworkReader, pairs: dict) -> None:
    """Each pair's incidents, an incident several accounts tell counted once: its count of
    accounts, less the linked accounts among them, plus the incidents those tell."""
    linked = _linked_accounts(store)
    among: dict[tuple, list[str]] = defaultdict(list)
    base, events = base_iri(), sorted(linked)
    for kind in _ACT_PATTERNS:
        for start in range(0, len(events), 5000):
            values = " ".join(str(ox.NamedNode(f"{base}event/{slug}")) for slug in events[start:start + 5000])
            for row in reader.rows(_LINKED_ACTS, events=values, pattern=bound_act(kind)):
                among[(kind, iri_slug(row["from"]), iri_slug(row["to"]))].append(iri_slug(row["event"]))
    for pair, (figures, _) in pairs.items():
        told = sorted(set(among.get(pair, ())))
        figures["incidents"] = figures["count"] - len(told) + (_incidents(told, linked) if told else 0)


def _summary_acts(store, rows: list[dict], documents: Documents, quoted: bool) -> list[tuple]:
    """The same edges as ``_acts`` without incident lists, from the summary's per-pair rows."""
    pairs = {}
    for row in rows:
        figures = {"count": int(row["count"]), "incidents": int(row["incidents"]), "first": row["first"] or "",
                   "last": row["last"] or "", "sample": iri_slug(row["sample"])}
        pairs[(row["act"], iri_slug(row["from"]), iri_slug(row["to"]))] = (figures, {})
    return _act_edges(store, pairs, documents, quoted)


def _act_edges(store, pairs: dict, documents: Documents, quoted: bool) -> list[tuple]:
    """One edge per (kind, source, target) of ``pairs``: {pair: (figures, {event: (start, end)})}."""
    # Quotes, precision and source of each pair's earliest incidents: up to EVIDENCE_LIMIT, fewer
    # when there are many pairs, so that no more than EVIDENCE_BUDGET incidents are read.
    limit = max(1, min(EVIDENCE_LIMIT, EVIDENCE_BUDGET // max(1, len(pairs))))
    sampled = {pair: (sorted(dated, key=lambda e: (dated[e][0] or "9999", e))[:limit] if dated
                      else [figures["sample"]])
               for pair, (figures, dated) in pairs.items()}
    if not quoted:
        sampled = {pair: [] for pair in pairs}
    quotes, sources, precisions, roles = _event_details(store, sorted({e for s in sampled.values() for e in s}))
    groups = _linked_accounts(store) if any(dated for _, dated in pairs.values()) else {}
    edges = []
    for pair in sorted(pairs):
        kind, source, target = pair
        figures, dated = pairs[pair]
        events, accounts = sorted(dated), figures["count"]
        count = _incidents(dated, groups) if dated else figures.get("incidents", accounts)
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
        told = f", told in {accounts} accounts" if accounts != count else ""
        edges.append((source, target, f"{kind}:{source}>{target}", dict(
            relation=kind, sign=-1, start=first, end=last,
            date_precision=_precision((p for e in sample for p in precisions.get(e, ())), spans, first),
            certainty=_strongest(c for e in sample for a, r, c in roles.get(e, ()) if a == source and r in acting),
            claimant=documents.publishers(d for e in sample for d in sources.get(e, ())),
            documents=documents.citations(d for e in sample for d in sources.get(e, ())),
            evidence=sorted({q for e in sample for q in quotes.get(e, ())}),
            evidence_complete=len(sample) == accounts, events=events,
            label=f"{what} ({count} incident{'s' if count != 1 else ''}{told}{span})",
            count=count, accounts=accounts, dates=[dated[e][0] for e in events], date_ends=[dated[e][1] for e in events],
            first_date=first, last_date=last, status="", qualifier="", symmetric=kind == "clashes")))
    return edges


def _linked_accounts(store) -> dict[str, tuple[str, str]]:
    """(incident group, document) of each account (slug) linked to another as telling one
    incident; a group is named by its smallest account. Unlinked accounts are not listed."""
    parent: dict[str, str] = {}
    documents: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for row in select_rows(store, _LINKED_ACCOUNTS):
        a, b = iri_slug(row["a"]), iri_slug(row["b"])
        documents[a], documents[b] = row["documentA"] or "", row["documentB"] or ""
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {account: (find(account), documents[account]) for account in documents}


def _incidents(accounts: Iterable[str], groups: dict[str, tuple[str, str]]) -> int:
    """How many incidents the accounts tell, each once: per incident group, as many as the
    document that tells it most finely gives (graph/summary.py counts so too)."""
    told: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for account in accounts:
        group, document = groups.get(account, (account, ""))
        told[group][document] += 1
    return sum(max(per_document.values()) for per_document in told.values())


def _pick_samples(reader: NetworkReader, kind: str, pattern: str, pairs: dict) -> None:
    """The incident each pair of ``kind`` without an event list quotes: the first (by IRI) of its
    first day, else of all its incidents."""
    base, date = f"{base_iri()}actor/", ox.NamedNode(_XSD_DATE)
    wanted = sorted((source, target) for (k, source, target), (figures, _) in pairs.items()
                    if k == kind and not figures["sample"] and figures["first"])
    for start in range(0, len(wanted), 2000):
        values = " ".join(
            f"({ox.NamedNode(base + source)} {ox.NamedNode(base + target)} "
            f"{ox.Literal(pairs[(kind, source, target)][0]['first'], datatype=date)})"
            for source, target in wanted[start:start + 2000])
        for row in reader.rows(_PAIR_SAMPLES, pattern=pattern, pairs=values):
            pairs[(kind, iri_slug(row["from"]), iri_slug(row["to"]))][0]["sample"] = iri_slug(row["sample"])
    for (k, source, target), (figures, _) in pairs.items():
        if k == kind and not figures["sample"]:
            figures["sample"] = _pair_incidents(reader, kind, source, target)["sample"]


def _pair_incidents(reader: NetworkReader, kind: str, source: str, target: str) -> dict:
    pair = [str(ox.NamedNode(f"{base_iri()}actor/{slug}")) for slug in (source, target)]
    row = reader.rows(_PAIR_INCIDENTS, pattern=act_pattern(kind, *pair))[0]
    return {"count": int(row["count"]), "first": row["first"] or "", "last": row["last"] or "",
            "sample": iri_slug(row["sample"]) if row["sample"] else ""}


def _event_details(store, events: list[str]) -> tuple[dict, dict, dict, dict]:
    """Quotes, source documents (slugs), date precisions and (actor, role, certainty)
    participations of the given events (slugs), by event."""
    quotes, documents, precisions, roles = defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set)
    accounts = defaultdict(set)
    base = base_iri()
    for start in range(0, len(events), 5000):
        values = " ".join(str(ox.NamedNode(f"{base}event/{slug}")) for slug in events[start:start + 5000])
        for row in select_rows(store, _EVENT_ROLES % {"events": values}):
            if row["actor"] is not None:
                roles[iri_slug(row["event"])].add((iri_slug(row["actor"]), _concept(row["roleType"]),
                                                _concept(row["certainty"] or "stated")))
        for row in select_rows(store, _EVENT_EVIDENCE % {"events": values}):
            event = iri_slug(row["event"])
            if row["quote"] is not None:
                quotes[event].add(row["quote"])
            if row["document"] is not None:
                documents[event].add(iri_slug(row["document"]))
            if row["account"] is not None:
                accounts[event].add(iri_slug(row["account"]))
            if row["precision"] is not None:
                precisions[event].add(row["precision"])
    documents.update(accounts)
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
        if row["quote"] is not None:
            found[row[subject]].add(row["quote"])
    return {key: sorted(values) for key, values in found.items()}


def _told_in(facts: dict[str, dict[str, list[str]]], quote_rows: list[dict], subject: str) -> dict[str, list[str]]:
    """The documents (slugs) each relation or claim is told in: its mk:accordingTo, else its quotes' sources."""
    quoted = defaultdict(set)
    for row in quote_rows:
        if row["document"]:
            quoted[row[subject]].add(iri_slug(row["document"]))
    return {iri: [iri_slug(d) for d in f.get(str(MK.accordingTo), [])] or sorted(quoted.get(iri, ()))
            for iri, f in facts.items()}


def _named(value: str, labels: dict[str, str]) -> str:
    return labels.get(iri_slug(value), iri_slug(value)) if value else ""


def _relations(rows: dict[str, list[dict]], labels: dict[str, str], documents: Documents) -> list[tuple]:
    types = {row["type"]: (int(row["sign"]), row["symmetric"] in ("true", "1")) for row in rows["relation types"]}
    quotes = _quotes(rows["relation quotes"], "relation")
    relations = _facts(rows["relations"], "relation")
    told = _told_in(relations, rows["relation quotes"], "relation")
    actor_base = f"{base_iri()}actor/"
    edges = []
    for iri, facts in relations.items():
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
        slug, kind = iri_slug(iri), _concept(kind)
        edges.append((iri_slug(source), iri_slug(target), f"relation:{slug}", dict(
            relation=kind, sign=sign, start=start, end=end, date_precision=precision,
            certainty=_concept(_one(facts, MK.certainty)), claimant=_named(_one(facts, MK.claimant), labels),
            documents=documents.citations(told.get(iri, ())), evidence=quotes.get(iri, []), events=[],
            label=kind.replace("-", " ") + ("" if status == "current" else f" ({status})"),
            status=status, qualifier=_one(facts, MK.qualifierText), relation_id=slug, symmetric=symmetric)))
    return edges


def _retaliations(rows: dict[str, list[dict]], labels: dict[str, str], documents: Documents,
                  in_region: set[str] | None) -> list[tuple]:
    quotes = _quotes(rows["claim quotes"], "claim")
    claims = _facts(rows["claims"], "claim")
    told = _told_in(claims, rows["claim quotes"], "claim")
    about: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    begin, finish, precision_of = (str(SEM.hasEarliestBeginTimeStamp), str(SEM.hasLatestEndTimeStamp),
                                   str(MK.datePrecision))
    for row in rows["claim events"]:
        known = about[row["claim"]][iri_slug(row["event"])]
        for name, prop in (("start", begin), ("end", finish), ("precision", precision_of)):
            if row[name] is not None:
                known[prop] = row[name]
    edges = []
    for iri, facts in claims.items():
        actor, against = _one(facts, MK.claimedActor), _one(facts, MK.retaliatedAgainst)
        if not actor or not against or (in_region is not None and iri not in in_region):
            continue
        events = sorted({iri_slug(e) for e in facts.get(str(MK.claimAbout), [])})
        known = about.get(iri, {})
        dated = {e: (known.get(e, {}).get(begin, ""), known.get(e, {}).get(finish, "")) for e in events}
        starts = sorted(s for s, _ in dated.values() if s)
        ends = sorted(e for _, e in dated.values() if e)
        first = starts[0] if starts else ""
        accusation = _concept(_one(facts, MK.accusation))
        accused, linked = _one(facts, MK.accusedParty), _one(facts, MK.accusedOfLinkTo)
        slug = iri_slug(iri)
        edges.append((iri_slug(actor), iri_slug(against), f"retaliation:{slug}", dict(
            relation="retaliation", sign=-1, start=first, end=ends[-1] if ends else "",
            date_precision=_precision((known.get(e, {}).get(precision_of, "") for e in events),
                                      set(dated.values()), first),
            certainty=_concept(_one(facts, MK.certainty)), claimant=_named(_one(facts, MK.claimant), labels),
            documents=documents.citations(told.get(iri, ())), evidence=quotes.get(iri, []), events=events,
            label="retaliation" + (f" ({accusation.replace('-', ' ')})" if accusation else ""),
            status="", qualifier="", claim=slug, accusation=accusation,
            reason=_one(facts, MK.accusationText) or _one(facts, MK.claimText),
            accused=iri_slug(accused) if accused else "", accused_of_link_to=iri_slug(linked) if linked else "",
            accuser=_named(_one(facts, MK.accuser), labels),
            responds_to=sorted({iri_slug(e) for e in facts.get(str(MK.respondsTo), [])}),
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
