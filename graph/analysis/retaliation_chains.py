"""Retaliation chains: who answered whom, step by step, in time order, and the cycles they close."""
from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..errors import MalikgError
from .acts import incident_acts, is_act
from .dates import _date_text, _precision, _tie_date
from .network import Documents, _event_details, find_actor
from .network_queries import _DOCUMENTS, select_rows
from .vocabulary import _ACTING_ROLES, ACCUSATIONS, BELONGING, HOSTILE, _strongest


def retaliation_graph(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Who retaliated (or is said to have) against whom, with the acts responded to and the
    community ↔ armed group associations (composition, community ties, accusations) the claims draw."""
    answered = {event for _, _, d in network.edges(data=True) if d["relation"] == "retaliation"
                for event in d.get("responds_to", [])}
    keep = [(u, v, k) for u, v, k, d in network.edges(keys=True, data=True)
            if d["relation"] == "retaliation" or d["relation"] in BELONGING | ACCUSATIONS
            or (is_act(k) and answered & set(d["events"]))]
    return network.edge_subgraph(keep).copy()


def _associations(network: nx.MultiDiGraph, kinds: frozenset[str]) -> dict[tuple[str, str], list[dict]]:
    """Pairs tied by a current relation of ``kinds``, looked up in either direction."""
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for u, v, key, d in network.edges(keys=True, data=True):
        if d["relation"] in kinds and d.get("status", "current") == "current":
            tie = {"source": u, "target": v, "relation": d["relation"], "claimant": d["claimant"],
                   "documents": d.get("documents", []),
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
        "claimant": d["claimant"], "documents": d.get("documents", []), "certainty": d["certainty"],
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
        "claimant": d["claimant"], "documents": d.get("documents", []), "certainty": d["certainty"],
        "evidence": d["evidence"],
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
        "claimant": d["claimant"], "documents": d.get("documents", []), "certainty": d["certainty"],
        "evidence": d["evidence"],
        "events": d["events"], "responds_to": d["responds_to"], "reason": d["reason"],
        "accusation": d["accusation"], "accuser": d["accuser"],
        "accused": d["accused"], "accused_of_link_to": d["accused_of_link_to"],
    }
    for role in ("accused", "accused_of_link_to"):
        slug = step[role]
        step[f"{role}_label"] = network.nodes[slug]["label"] if slug in network else slug
    return step


def step_graph(network: nx.MultiDiGraph, store=None) -> nx.DiGraph:
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

    A network without incident lists (``signed_network(store, events=False)``) needs ``store``:
    the incidents the search asks about are read from it (graph/analysis/acts.py).
    """
    belonging = _associations(network, BELONGING)
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in belonging:
        partners[a].add(b)
    acts = incident_acts(network, store)
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
                         f"{_tie_text(network, tie)} (according to {tie['claimant']}, {tie['certainty']}"
                         + (f", in {'; '.join(tie['documents'])}" if tie["documents"] else "") + ")", partner))
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
    acts.prepare((edge, _limit(claims[b_key])) for b_key, ties in inferred.items()
                 for _, _, edges, _, _ in ties for edge in edges)

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
                "claimant": "", "documents": [], "certainty": "", "evidence": []}
    options = sorted(ties.get((last["target"], first["actor"]), []), key=lambda t: t["key"])
    if not options:
        return None
    tie = options[0]
    return {"relation": tie["relation"], "text": _tie_text(network, tie), "claimant": tie["claimant"],
            "documents": tie["documents"],
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
    rather than their actor pair's; a network read without incident lists
    (``signed_network(store, events=False)``, what ``malikg chains`` reads) needs it.
    """
    if max_length < 1:
        raise MalikgError(f"the maximum chain length must be at least 1, not {max_length}")
    wanted = find_actor(network, actor) if actor is not None else None
    graph = step_graph(network, store)
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
    told = Documents(select_rows(store, _DOCUMENTS), labels)
    for step in acts.values():
        event = step["events"][0]
        step["evidence"] = sorted(quotes.get(event, ()))
        step["claimant"] = told.publishers(documents.get(event, ())) or step["claimant"]
        step["documents"] = told.citations(documents.get(event, ())) or step["documents"]
        step["date_precision"] = _precision(precisions.get(event, ()), set(), step["start"])
        acting = _ACTING_ROLES[step["relation"]]
        step["certainty"] = _strongest(c for a, r, c in roles.get(event, ()) if a == step["actor"] and r in acting) \
            or step["certainty"]
