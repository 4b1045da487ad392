"""The incidents behind the network's attack and clash edges, as retaliation chains ask for them:
which acts an incident is, and a pair's latest acts before a day.

A network read with incident lists (``signed_network(store, events=True)``) answers from the
edges themselves. One read without them (from the summary graph's per-pair nodes) answers from
the store: the summary's days per pair find the latest day before a date, and only the incidents
of that pair on that day are read, so a chain never walks every incident.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
import pyoxigraph as ox

from ..errors import MalikgError
from ..namespaces import base_iri
from .dates import _XSD_DATE
from .network_queries import (
    _ACTS_ON_DAYS, _EVENT_ACTS, _EVENT_ENDS, _SUMMARY_PAIR_DAYS, _SUMMARY_PAIR_UNDATED, GRAPHS, bound_act,
    select_rows,
)
from .vocabulary import iri_slug

Edge = tuple[str, str, str]  # (source, target, key)
_BATCH = 2000


def is_act(key: str) -> bool:
    """Whether an edge key names an attack or clash edge built from incidents (not a relation)."""
    return key.startswith(("attack:", "clashes:"))


def incident_acts(network: nx.MultiDiGraph, store=None) -> "ListedActs | StoredActs":
    """The acts of ``network``: from its edges' incident lists, else looked up in ``store``."""
    listed = all(len(d["events"]) == d["count"] for _, _, key, d in network.edges(keys=True, data=True)
                 if is_act(key))
    if listed:
        return ListedActs(network)
    if store is None:
        raise MalikgError("chains need the incidents behind each tie: give the store (chains(network, store=...)) "
                          "or build the network with signed_network(store, events=True)")
    return StoredActs(network, store)


class ListedActs:
    """The incidents behind the attack and clash edges, by event or by edge, from their lists."""

    def __init__(self, network: nx.MultiDiGraph):
        self.network = network
        self.by_target: dict[str, list[Edge]] = defaultdict(list)
        self._sorted: dict[Edge, list[tuple[str, str, str]]] = {}
        for u, v, key in network.edges(keys=True):
            if is_act(key) and u != v:
                self.by_target[v].append((u, v, key))

    def of_event(self, wanted: set[str]) -> dict[str, list[tuple]]:
        """{event: [(source, target, edge key, start, end)]} for the events in ``wanted``."""
        found = defaultdict(list)
        for u, v, key, d in self.network.edges(keys=True, data=True):
            if is_act(key):
                for event, start, end in zip(d["events"], d["dates"], d["date_ends"]):
                    if event in wanted:
                        found[event].append((u, v, key, start, end))
        return found

    def prepare(self, wanted: Iterable[tuple[Edge, str]]) -> None:
        """Nothing to fetch: the lists are in the network."""

    def latest(self, edge: Edge, day: str) -> list[tuple[str, str, str]]:
        """The edge's latest events that began on or before ``day``, as (start, end, event);
        its undated events when none is dated."""
        if edge not in self._sorted:
            d = self.network.edges[edge]
            self._sorted[edge] = sorted(zip(d["dates"], d["date_ends"], d["events"]))
        events = self._sorted[edge]
        dated = [e for e in events[:bisect.bisect_right(events, (day, "\uffff", "\uffff"))] if e[0]]
        return [e for e in dated if e[0] == dated[-1][0]] if dated else [e for e in events if not e[0]]


class StoredActs(ListedActs):
    """The same answers for a network without incident lists, read from the store.

    ``prepare`` takes every (edge, day) a search will ask ``latest`` about and reads, in a few
    batched queries, the days each of those pairs acted on (summary graph) and then the incidents
    of the chosen days only.
    """

    def __init__(self, network: nx.MultiDiGraph, store):
        super().__init__(network)
        self.store = store
        self._days: dict[Edge, list[str]] = {}
        self._undated: dict[Edge, list[str]] = {}
        self._on: dict[tuple[Edge, str], list[tuple[str, str, str]]] = {}

    def of_event(self, wanted: set[str]) -> dict[str, list[tuple]]:
        found = defaultdict(list)
        base = base_iri()
        events = sorted(wanted)
        for kind in ("attack", "clashes"):
            for start in range(0, len(events), _BATCH):
                values = " ".join(str(ox.NamedNode(f"{base}event/{e}")) for e in events[start:start + _BATCH])
                for row in select_rows(self.store, _EVENT_ACTS % {"events": values, "pattern": bound_act(kind)}):
                    u, v = iri_slug(row["from"]), iri_slug(row["to"])
                    key = f"{kind}:{u}>{v}"
                    if self.network.has_edge(u, v, key):
                        found[iri_slug(row["event"])].append((u, v, key, row["start"] or "", row["end"] or ""))
        return {event: sorted(set(acts), key=lambda a: (a[0], a[1], a[2])) for event, acts in found.items()}

    def prepare(self, wanted: Iterable[tuple[Edge, str]]) -> None:
        wanted = set(wanted)
        self._read_days(sorted({edge for edge, _ in wanted} - set(self._days)))
        days: dict[Edge, set[str]] = defaultdict(set)
        undated: set[Edge] = set()
        for edge, day in wanted:
            chosen = self._latest_day(edge, day)
            if chosen:
                if (edge, chosen) not in self._on:
                    days[edge].add(chosen)
            elif self._undated.get(edge) and (edge, "") not in self._on:
                undated.add(edge)
        self._read_acts(days)
        self._read_undated(sorted(undated))

    def latest(self, edge: Edge, day: str) -> list[tuple[str, str, str]]:
        self.prepare([(edge, day)])
        chosen = self._latest_day(edge, day)
        return self._on.get((edge, chosen), []) if chosen or self._undated.get(edge) else []

    def _latest_day(self, edge: Edge, day: str) -> str:
        days = self._days.get(edge, [])
        at = bisect.bisect_right(days, day)
        return days[at - 1] if at else ""

    @staticmethod
    def _pair_node(edge: Edge) -> str:
        u, v, key = edge
        return f"{base_iri()}summary/acts/{key.split(':', 1)[0]}/{u}/{v}"

    def _read_days(self, edges: list[Edge]) -> None:
        by_node = {self._pair_node(edge): edge for edge in edges}
        for edge in edges:
            self._days[edge], self._undated[edge] = [], []
        nodes = sorted(by_node)
        for start in range(0, len(nodes), _BATCH):
            values = " ".join(f"<{n}>" for n in nodes[start:start + _BATCH])
            for row in select_rows(self.store, _SUMMARY_PAIR_DAYS % {**GRAPHS, "pairs": values}):
                self._days[by_node[row["pair"]]].append(row["day"])
            for row in select_rows(self.store, _SUMMARY_PAIR_UNDATED % {**GRAPHS, "pairs": values}):
                self._undated[by_node[row["pair"]]].append(iri_slug(row["event"]))
        for edge in edges:
            self._days[edge].sort()
            # A dated pair with no days: the summary graph is missing (a server loaded without
            # it) or was written before the days moved onto the pairs. Without them every chain
            # would silently lose its acts.
            if not self._days[edge] and self.network.edges[edge].get("first_date"):
                raise MalikgError(f"the summary graph gives no days for the actor pair {edge[2]}: it is missing "
                                  "or older than this malikg; load into the store again (malikg load, any "
                                  "file) to rebuild it, or load a server from malikg export --format nq "
                                  "--with-ontology --with-summaries")

    def _read_acts(self, days: dict[Edge, set[str]]) -> None:
        date = ox.NamedNode(_XSD_DATE)
        wanted = sorted((f"{self._pair_node(edge)}/{day[:7]}", day, edge) for edge in days for day in days[edge])
        edge_of = {(month, day): edge for month, day, edge in wanted}
        for _, day, edge in wanted:
            self._on[(edge, day)] = []
        for start in range(0, len(wanted), _BATCH):
            values = " ".join(f"(<{month}> {ox.Literal(day, datatype=date)})" for month, day, _ in wanted[start:start + _BATCH])
            for row in select_rows(self.store, _ACTS_ON_DAYS % {**GRAPHS, "months": values}):
                edge = edge_of[(row["month"], row["start"])]
                self._on[(edge, row["start"])].append((row["start"], row["end"] or "", iri_slug(row["event"])))
        for _, day, edge in wanted:
            self._on[(edge, day)] = sorted(set(self._on[(edge, day)]))

    def _read_undated(self, edges: list[Edge]) -> None:
        base = base_iri()
        events = sorted({e for edge in edges for e in self._undated[edge]})
        ends: dict[str, str] = {}
        for start in range(0, len(events), _BATCH):
            values = " ".join(str(ox.NamedNode(f"{base}event/{e}")) for e in events[start:start + _BATCH])
            for row in select_rows(self.store, _EVENT_ENDS % {"events": values}):
                event = iri_slug(row["event"])
                ends[event] = max(ends.get(event, ""), row["end"])
        for edge in edges:
            self._on[(edge, "")] = sorted(("", ends.get(e, ""), e) for e in self._undated[edge])
