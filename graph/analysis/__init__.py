"""Retaliation chains and alliance blocs: networkx analysis of the cycle of violence.

Everything starts from :func:`signed_network`, a signed, time-stamped actor network read from a
:class:`graph.store.Store` with a dozen SPARQL queries that aggregate per actor pair, relation
or claim (so it works on every backend and large stores answer in few rows); without incident
lists (``events=False``) its attack and clash ties come from the summary graph's per-pair nodes,
and :func:`chains` reads from the store only the incidents it asks about. The other
functions work on that graph:

* :func:`retaliation_graph`: who retaliated against whom, with the acts answered and the
  community ↔ armed group associations the accusations draw;
* :func:`chains`: retaliation chains and cycles in time order (:func:`render_chains` as text);
* :func:`alliances`: blocs, enmities between blocs, structural balance and centrality
  (:func:`render_alliances` as text);
* :func:`export_network`: GraphML or (dynamic) GEXF for Gephi.

The modules, one job each: ``vocabulary`` (relation groups, actor kinds, certainty scale),
``network_queries`` (the SPARQL), ``network`` (the signed network), ``dates``, ``acts`` (the
incidents behind attack and clash ties, as chains ask for them), ``retaliation_chains``, ``alliance_blocs``, ``rendering`` (text and JSON) and ``gephi``.

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

from .alliance_blocs import EXPLAIN, alliances, signed_simple_graph
from .gephi import EXPORT_FORMATS, export_network, network_bytes
from .network import find_actor, signed_network
from .network_queries import EVIDENCE_BUDGET, EVIDENCE_LIMIT
from .rendering import PHRASES, render_alliances, render_chains, to_json
from .retaliation_chains import chains, retaliation_graph, step_graph
from .vocabulary import (
    ACCUSATIONS, BELONGING, BLOC_KINDS, CERTAINTY_ORDER, HOSTILE, RELATION_FILTERS, RELATIONS,
)

__all__ = [
    "ACCUSATIONS", "BELONGING", "BLOC_KINDS", "CERTAINTY_ORDER", "EVIDENCE_BUDGET", "EVIDENCE_LIMIT",
    "EXPLAIN", "EXPORT_FORMATS", "HOSTILE", "PHRASES", "RELATIONS", "RELATION_FILTERS",
    "alliances", "chains", "export_network", "find_actor", "network_bytes", "render_alliances",
    "render_chains", "retaliation_graph", "signed_network", "signed_simple_graph", "step_graph",
    "to_json",
]
