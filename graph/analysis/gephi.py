"""The signed network for Gephi: GraphML, or dynamic GEXF."""
from __future__ import annotations

import io
from pathlib import Path

import networkx as nx

from ..errors import MalikgError
from ..files import write_atomic

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
