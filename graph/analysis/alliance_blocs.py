"""Alliance blocs, enmities between them, structural balance and centrality."""
from __future__ import annotations

from collections import defaultdict

import networkx as nx

from .dates import _tie_date
from .vocabulary import ACCUSATIONS, BLOC_KINDS

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
            "documents": d.get("documents", []), "evidence": d["evidence"], "events": d["events"], "count": d.get("count", 0)}


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
