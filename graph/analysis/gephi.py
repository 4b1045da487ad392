"""The signed network for Gephi: GraphML, or dynamic GEXF."""
from __future__ import annotations

import io
from pathlib import Path

import networkx as nx

from ..errors import MalikgError
from ..files import write_atomic

EXPORT_FORMATS = ("graphml", "gexf")


def _scalar_copy(network: nx.MultiDiGraph, fmt: str) -> nx.MultiDiGraph:
    """A copy with scalar attributes only (lists joined) and nothing written for what is not known.

    GEXF gets each tie's dates as spells: one per dated incident of an attack or clash edge,
    else the tie's own interval.
    """
    graph = nx.MultiDiGraph()
    for node, data in sorted(network.nodes(data=True)):
        graph.add_node(node, **{k: _flat(v) for k, v in sorted(data.items()) if _known(k, v)})
    for u, v, key, data in sorted(network.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        attributes = {k: _flat(val) for k, val in sorted(data.items()) if _known(k, val)}
        if fmt == "gexf":
            attributes["id"] = key
            attributes.pop("start", None)
            attributes.pop("end", None)
            spells = _spells(data)
            if spells:
                attributes["spells"] = spells
        graph.add_edge(u, v, key=key, **attributes)
    return graph


def _known(name: str, value) -> bool:
    """Whether an attribute says something: "" and empty lists are unknowns, and ACLED has no
    inter code 0 (it is what an actor without one is given in the network)."""
    if value is None or value == "":
        return False
    if isinstance(value, (list, tuple)):
        return any(item not in (None, "") for item in value)
    return not (name == "inter_code" and value == 0)


def _spells(data: dict) -> list[tuple[str | None, str | None]]:
    if data.get("dates") and len(data["dates"]) == len(data.get("date_ends", ())):
        incidents = [(start or None, end or None) for start, end in zip(data["dates"], data["date_ends"])]
    else:
        incidents = [(data.get("start") or None, data.get("end") or None)]
    return sorted((s for s in incidents if s != (None, None)), key=lambda s: (s[0] or "", s[1] or ""))


def _flat(value):
    if isinstance(value, (list, tuple)):
        # Quotes can hold commas and semicolons; " | " does not occur in the source text.
        return " | ".join(str(v) for v in value)
    return value


class _GEXFWriter(nx.readwrite.gexf.GEXFWriter):
    """networkx's writer, without the ``networkx_key`` attribute it adds to every edge of a
    multigraph: the edge id already is the key."""

    def add_attributes(self, node_or_edge, xml_obj, data, default):
        if node_or_edge == "edge":
            data = {k: v for k, v in data.items() if k != "key"}
        return super().add_attributes(node_or_edge, xml_obj, data, default)


def network_bytes(network: nx.MultiDiGraph, fmt: str) -> bytes:
    """The network as GraphML or GEXF bytes (lists joined with " | "; GEXF dynamic where dates are known)."""
    if fmt not in EXPORT_FORMATS:
        raise MalikgError(f"unknown network format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    graph = _scalar_copy(network, fmt)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8", named_key_ids=True)
    else:
        writer = _GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
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
