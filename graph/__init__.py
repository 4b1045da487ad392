"""malikg: a knowledge graph of the armed conflict in Mali, built from coded, quoted records.

The library's face, for notebooks and programs (the ``malikg`` command is a thin layer over it)::

    import graph

    store = graph.open_store()                      # the bundled seeds in memory
    # graph.open_store("data/mali.oxigraph")        # an on-disk store
    # graph.open_store(endpoint="http://...")       # any SPARQL 1.1 endpoint
    graph.run_named(store, "people-killed-by-actor").to_python()
    graph.list_queries()                            # the named research questions
    net = graph.signed_network(store)               # networkx MultiDiGraph of actors and ties
    graph.chains(net, store=store)                  # retaliation chains, in time order
    graph.alliances(net)["blocs"]                   # alliance blocs and enmities
    graph.export(store, "mali.ttl")                 # Turtle, N-Triples, N-Quads, ...
    graph.build("out")                              # what ``malikg build`` does

Names are imported when first used, so ``import graph`` stays quick.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: Public name → the module that defines it.
_PUBLIC = {
    "open_store": "graph.store",
    "Store": "graph.store",
    "run_named": "graph.queries",
    "run_query": "graph.queries",
    "list_queries": "graph.queries",
    "get_query": "graph.queries",
    "build": "graph.build",
    "build_graph": "graph.emit",
    "signed_network": "graph.analysis",
    "chains": "graph.analysis",
    "alliances": "graph.analysis",
    "export": "graph.export",
    "MalikgError": "graph.errors",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'graph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
