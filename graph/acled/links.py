"""Proposing links between imported ACLED accounts and the graph's coded incidents.

An ACLED account and a coded incident may tell the same incident when all three hold:

* the place: the graph's place that ACLED's names (``mk:samePlaceAs``, at the most precise level
  ACLED's chain has one) is the incident's place, lies within it, or contains it; a country is
  too coarse to say so;
* the dates: the two accounts' date ranges overlap;
* the actors: they share at least one actor that is not a community (civilians, an ethnic group).

Coded accounts that tell one incident (joined by ``mk:sameIncidentAs``) are one candidate: the
proposal names the group's canonical account (the one that points at no other) and its note lists
the other accounts of the group, so the coder links the incident once.

The proposals are ``links`` records (``id``, ``account``, ``same_incident``, ``note``) for the coder
to review; none is written into the graph.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import yaml

from .select import _local, _select


@dataclass(frozen=True)
class Proposal:
    account: str          # the ACLED account's event id (event/{id})
    incident: str         # the coded incident's event id
    note: str

    @property
    def id(self) -> str:
        return f"link-{self.account}-{self.incident}"

    def record(self) -> dict:
        return {"id": self.id, "account": self.account, "same_incident": self.incident, "note": self.note}


def _events(store, acled: bool) -> dict[str, dict]:
    found: dict[str, dict] = {}
    test = "FILTER EXISTS { ?e mk:acledEventId ?any }" if acled else "FILTER NOT EXISTS { ?e mk:acledEventId ?any }"
    for event, ident, earliest, latest, place in _select(store, f"""
            SELECT ?e ?id ?earliest ?latest ?p WHERE {{ ?e a mk:Incident ; dcterms:identifier ?id ;
              sem:hasEarliestBeginTimeStamp ?earliest ; sem:hasLatestEndTimeStamp ?latest ; sem:hasPlace ?p .
              {test} }}"""):
        record = found.setdefault(event, {"id": ident, "dates": (dt.date.fromisoformat(earliest),
                                                                  dt.date.fromisoformat(latest)),
                                          "places": set(), "actors": set()})
        record["places"].add(place)
    for event, actor in _select(store, """
            SELECT DISTINCT ?e ?a WHERE { ?e a mk:Incident ; mk:participation/mk:participant ?a .
              FILTER NOT EXISTS { ?a a mk:Community } }"""):
        if event in found:
            found[event]["actors"].add(actor)
    return found


def propose_links(store) -> list[Proposal]:
    """Every (ACLED account, coded incident) pair that meets the three tests, sorted."""
    parents: dict[str, set[str]] = {}
    for place, parent in _select(store, "SELECT ?p ?q WHERE { ?p mk:within ?q }"):
        parents.setdefault(place, set()).add(parent)
    same: dict[str, str] = dict(_select(store, "SELECT ?p ?g WHERE { ?p mk:samePlaceAs ?g }"))
    near: dict[str, str] = dict(_select(store, "SELECT ?p ?n WHERE { ?p mk:near ?n }"))
    countries = {p for (p,) in _select(store, "SELECT ?p WHERE { ?p mk:adminLevel 0 }")}
    labels = dict(_select(store, "SELECT ?p ?l WHERE { ?p a mk:Place ; rdfs:label ?l }"))
    linked = set(_select(store, "SELECT ?a ?b WHERE { ?a mk:sameIncidentAs ?b }"))

    def up(place: str) -> list[str]:
        chain, todo, seen = [], [place], set()
        while todo:
            node = todo.pop(0)
            if node in seen:
                continue
            seen.add(node)
            chain.append(node)
            todo.extend(sorted(parents.get(node, ())))
        return chain

    def graph_place(place: str) -> str | None:
        """The most precise graph place an ACLED place (or the area near it) names."""
        for node in up(near.get(place, place)):
            if node in same:
                return same[node]
        return None

    coded = _events(store, acled=False)
    # The coded accounts that tell one incident (joined by mk:sameIncidentAs) are proposed once,
    # under the group's canonical account: the one that points at no other (as graph/summary.py
    # picks it). ``covers`` is not followed: a joint account covers several incidents.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    points: set[str] = set()
    for a, b in sorted(linked):
        if a in coded and b in coded:
            points.add(a)
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for other in sorted(coded):
        groups.setdefault(find(other), []).append(other)
    for members in groups.values():
        roots = [m for m in members if m not in points]
        canonical = (roots or members)[0]
        members.remove(canonical)
        members.insert(0, canonical)

    proposals = []
    for event, account in sorted(_events(store, acled=True).items()):
        targets = {graph_place(p) for p in account["places"]} - {None}
        if not targets:
            continue
        for members in sorted(groups.values()):
            if any((event, m) in linked or (m, event) in linked for m in members):
                continue
            for other in members:
                incident = coded[other]
                start = max(account["dates"][0], incident["dates"][0])
                end = min(account["dates"][1], incident["dates"][1])
                shared = account["actors"] & incident["actors"]
                if start > end or not shared:
                    continue
                where = None
                for target in sorted(targets):
                    for place in sorted(incident["places"] - countries):
                        if place in up(target) or target in up(place):
                            where = place
                            break
                    if where:
                        break
                if where is None:
                    continue
                when = start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
                actors = ", ".join(sorted(_local(a) for a in shared))
                note = (f"proposed: same place ({labels.get(where, _local(where))}), dates overlap "
                        f"({when}), shared actors ({actors})")
                if other != members[0]:
                    note += f"; as told by {incident['id']}"
                if len(members) > 1:
                    note += "; also told by " + ", ".join(coded[m]["id"] for m in members[1:])
                proposals.append(Proposal(account["id"], coded[members[0]]["id"], note))
                break
    return proposals


def render_links(proposals: list[Proposal]) -> str:
    header = ("# Links proposed by `malikg link-acled` between ACLED's accounts and the graph's coded\n"
              "# incidents: same place within the admin hierarchy, overlapping dates, a shared actor.\n"
              "# Review each; keep the ones you accept in the links.yaml of a document folder.\n")
    if not proposals:
        return header + "[]\n"
    return header + yaml.safe_dump([p.record() for p in proposals], sort_keys=False, allow_unicode=True, width=100)
