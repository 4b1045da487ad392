"""The actor network as one self-contained HTML page: offline, deterministic and safe.

pyvis turns the networkx graph into vis-network's nodes, edges and options; the page around
them is ours, because pyvis's own templates link Bootstrap and vis-network from a CDN (or write
a ``lib/`` folder) and switch tooltips to innerHTML when a title contains "href". vis-network's
script and stylesheet are read from the copy pyvis ships and inlined with their licence header.

Nothing from the data is ever parsed as HTML or script: text in the page is escaped, the
network data travels in a JSON block whose "<", ">" and "&" are escaped, vis-network sets string
tooltips with innerText, and a Content-Security-Policy lets only the page's own scripts run and
forbids every request.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .errors import MalikgError
from .files import write_atomic
from .vocabulary import vocabulary

_TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Fixed seed for vis-network's initial positions: the same graph draws the same way every time.
LAYOUT_SEED = 20250116

#: Node colour by ACLED actor type (inter code); Okabe-Ito colours, which colour-blind readers can tell apart.
ACTOR_TYPES: dict[str, tuple[str, str]] = {
    "state-forces": ("State forces", "#0072b2"),
    "rebel-group": ("Rebel group", "#d55e00"),
    "political-militia": ("Political militia", "#e69f00"),
    "identity-militia": ("Identity militia", "#cc79a7"),
    "rioters": ("Rioters", "#f0e442"),
    "protesters": ("Protesters", "#56b4e9"),
    "civilians": ("Civilians", "#009e73"),
    "external-forces": ("External forces", "#6a3d9a"),
}
NO_ACTOR_TYPE = ("No ACLED actor type", "#b8b8b8")

#: Node shape by kind of actor (vis-network shapes that keep the label below the shape).
ACTOR_KIND_STYLES: dict[str, tuple[str, str]] = {
    "armed-group": ("Armed group", "dot"),
    "state-body": ("State body", "square"),
    "state": ("State", "diamond"),
    "community": ("Community", "triangle"),
    "organisation": ("Organisation", "hexagon"),
    "person": ("Person", "star"),
    "group": ("Other group", "triangleDown"),
}
OTHER_KIND = ("Other", "dot")


@dataclass(frozen=True)
class TieStyle:
    legend: str
    colour: str
    dashes: tuple[int, ...] = ()
    width: float = 1.6


#: Edge style by family of relation.
TIE_STYLES: dict[str, TieStyle] = {
    "alliance": TieStyle("Alliance, partnership, deal", "#1a9850", width=2.4),
    "alleged-proxy": TieStyle("Alleged proxy", "#1a9850", (7, 5), 2.0),
    "affiliation": TieStyle("Affiliation, membership, leadership", "#4575b4"),
    "accusation": TieStyle("Accused of collaboration or membership", "#8c6bb1", (2, 4)),
    "hostility": TieStyle("Hostility, clashes", "#d73027", (9, 4), 2.0),
    "attack": TieStyle("Attack", "#d73027", width=2.0),
    "retaliation": TieStyle("Retaliation (as claimed)", "#f08a24", (12, 5), 2.4),
    "other": TieStyle("Other tie", "#8a8a8a"),
}
#: A tie's style family: the relation types' mk:tieFamily, and the edges drawn from incidents
#: and claims.
_FAMILY = {**vocabulary().tie_families,
           "attack": "attack", "perpetrator": "attack", "retaliation": "retaliation"}

#: Relation statuses drawn faded: the tie no longer holds.
PAST_STATUSES = {"former", "ended"}

SIZE_BY = ("incidents", "victims")
_SIZE_NOTE = {
    "incidents": "number of incidents the actor carried out",
    "victims": "number of people killed in the actor's incidents (best estimate)",
}


def tie_family(relation: str | None, sign: int | None = None) -> str:
    """The style family of a relation type (``alleged-proxy`` → ``alleged-proxy``, ``deal`` → ``alliance``)."""
    family = _FAMILY.get(_concept_slug(relation))
    if family in TIE_STYLES:
        return family
    if sign is not None and sign < 0:
        return "hostility"
    return "other"


def network_page(network: nx.MultiDiGraph, *, source: str | None = None,
                 filters: Mapping[str, object] | None = None, size_by: str = "incidents",
                 title: str | None = None, events: list | None = None) -> str:
    """The page for ``network`` (the shape ``graph.analysis.signed_network`` returns) as HTML text.

    ``source`` is the citation printed under the title, ``filters`` the selection it shows (they
    are stated, not applied: the network is already filtered), ``size_by`` ``incidents`` or
    ``victims``. ``events`` (``graph.timeline.read_events``) give each actor's panel its
    incidents and each tie its regions, for the page's own region filter.
    """
    if size_by not in SIZE_BY:
        raise MalikgError(f"cannot size nodes by {size_by!r} (choose {' or '.join(SIZE_BY)})")
    filters = {name: value for name, value in (filters or {}).items()
               if value not in (None, "", "all")}
    nodes, edges = _vis_data(network, size_by)
    by_event = {event.id: event for event in events or ()}
    _add_filter_fields(network, edges, by_event)
    groups = _place_nodes(network, nodes, edges)
    heading = title or _heading(network, filters)
    page_js = (_TEMPLATES / "network.js").read_text(encoding="utf-8")
    vis_js, vis_css = _vis_library()
    parts = {
        "title": _text(heading),
        "heading": _text(heading),
        "summary": _text(_summary(network, filters)),
        "source": _text(source or "not stated in the graph"),
        "type_legend": _type_legend(network),
        "kind_legend": _kind_legend(network),
        "edge_legend": _edge_legend(network),
        "size_note": _text(_SIZE_NOTE[size_by]),
        "data": script_json({"nodes": nodes, "edges": edges, "options": vis_options(), "groups": groups,
                             "panel": _panels(network, by_event, events is not None),
                             "families": [[family, style.legend] for family, style in TIE_STYLES.items()
                                          if any(edge["family"] == family for edge in edges)],
                             "regions": sorted({r for edge in edges for r in edge["regions"]})}),
        "vis_js": vis_js,
        "vis_css": vis_css,
        "page_js": page_js,
        "csp": _text(_content_security_policy([vis_js, page_js])),
    }
    return fill_template("network.html", parts)


def fill_template(name: str, parts: Mapping[str, str]) -> str:
    """The page template ``name`` with each ``{{placeholder}}`` replaced by its (already escaped) part."""
    template = (_TEMPLATES / name).read_text(encoding="utf-8")
    # One pass, so a placeholder-looking string inside the data is never substituted again.
    return re.sub(r"\{\{(\w+)\}\}", lambda match: parts[match[1]], template)


def actor_network_page(store, *, actor: str | None = None, since: str | None = None,
                       until: str | None = None, region: str | None = None, relation: str = "all",
                       size_by: str = "incidents") -> str:
    """The page for the signed, dated actor network in ``store``, filtered as ``signed_network`` filters."""
    from .analysis import signed_network

    from .timeline import EVENT_LIMIT, count_events, read_events

    network = signed_network(store, actor=actor, since=since, until=until, region=region,
                             relation=relation)
    filters = {"actor": _actor_label(network, actor), "since": since, "until": until,
               "region": region, "relation": relation}
    # Past the timeline's limit the panels list ties only: the incidents would not fit in a page.
    events = read_events(store) if count_events(store) <= EVENT_LIMIT else None
    return network_page(network, source=source_citation(store), filters=filters, size_by=size_by,
                        events=events)


def write_network_page(store, path: str | Path, **selection) -> Path:
    """Write ``actor_network_page(store, **selection)`` to ``path`` atomically; return the path."""
    path = Path(path)
    write_atomic(path, actor_network_page(store, **selection))
    return path


def source_citation(store) -> str | None:
    """The bibliographic citation(s) of the source document(s) in ``store``, joined by "; "."""
    rows = store.query("""
        SELECT DISTINCT ?citation WHERE {
          ?document a mk:SourceDocument ; dcterms:bibliographicCitation ?citation .
        } ORDER BY ?citation""")
    citations = [row["citation"].value for row in rows]
    return "; ".join(citations) or None


def vis_options() -> dict:
    """vis-network options: positions computed here (no physics in the page), text tooltips."""
    return {
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": False},
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": False,
                        "navigationButtons": False, "keyboard": False},
        "nodes": {
            "borderWidth": 1.5,
            "font": {"size": 20, "face": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif",
                     "color": "#1d2330", "strokeWidth": 4, "strokeColor": "#ffffff"},
            "widthConstraint": {"maximum": 180},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "arrowStrikethrough": False,
            "selectionWidth": 2,
            "hoverWidth": 1.5,
        },
    }


def script_json(value) -> str:
    """``value`` as JSON safe inside an HTML <script> element.

    "<", ">" and "&" become \\u escapes, so no "</script>" or "<!--" can end or confuse the
    element; U+2028 and U+2029 are escaped because older JavaScript parsers end lines there.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                              ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(character, escape)
    return text


# ---------------------------------------------------------------------------
# networkx → vis-network data, through pyvis
# ---------------------------------------------------------------------------

def _vis_data(network: nx.MultiDiGraph, size_by: str) -> tuple[list[dict], list[dict]]:
    from pyvis.network import Network

    # Only pyvis's data model is used: its HTML writers are what this module replaces.
    net = Network(directed=True, cdn_resources="remote")
    largest = max((_count(attrs.get(size_by)) for _, attrs in network.nodes(data=True)), default=0)
    for node_id in sorted(network.nodes, key=str):
        attrs = network.nodes[node_id]
        type_name, colour = ACTOR_TYPES.get(_concept_slug(attrs.get("actor_type")), NO_ACTOR_TYPE)
        kind_name, shape = ACTOR_KIND_STYLES.get(_concept_slug(attrs.get("kind")), OTHER_KIND)
        net.add_node(
            str(node_id), label=_label(network, node_id), shape=shape,
            color={"background": colour, "border": _darker(colour),
                   "highlight": {"background": colour, "border": "#111111"},
                   "hover": {"background": colour, "border": "#111111"}},
            size=_node_size(_count(attrs.get(size_by)), largest),
            title=_node_tooltip(attrs, _label(network, node_id), type_name, kind_name))
    used: set[str] = set()
    for index, (source, target, key, attrs) in enumerate(_sorted_edges(network), start=1):
        # The graph's own edge key names the tie (``retaliation:kalala-retaliation``), unless
        # two pairs share a key.
        edge_id = str(key) if str(key) not in used else f"{key}#{index}"
        used.add(edge_id)
        style = TIE_STYLES[tie_family(attrs.get("relation"), attrs.get("sign"))]
        faded = _concept_slug(attrs.get("status")) in PAST_STATUSES
        net.add_edge(
            str(source), str(target), id=edge_id,
            color={"color": style.colour, "highlight": style.colour, "hover": style.colour,
                   "opacity": 0.4 if faded else 0.9},
            dashes=list(style.dashes) if style.dashes else False,
            width=style.width + min(_count(attrs.get("count")) or len(_list(attrs.get("events"))), 5) * 0.4,
            # A mutual tie (alliance, clashes) has no direction to show.
            arrows={"to": {"enabled": not attrs.get("symmetric")}},
            title=_edge_tooltip(network, source, target, attrs))
    nodes, edges, *_ = net.get_network_data()
    _separate_parallel_edges(edges)
    return nodes, edges


def _sorted_edges(network: nx.MultiDiGraph):
    return sorted(network.edges(keys=True, data=True), key=lambda edge: tuple(map(str, edge[:3])))


def _separate_parallel_edges(edges: list[dict]) -> None:
    # Ties between the same two actors would be drawn on top of each other: bend each one a
    # little more than the last (curving clockwise, so opposite directions bend apart).
    between: dict[frozenset, list[dict]] = defaultdict(list)
    for edge in edges:
        between[frozenset((edge["from"], edge["to"]))].append(edge)
    for group in between.values():
        if len(group) == 1:
            group[0]["smooth"] = {"enabled": False}
            continue
        seen: dict[tuple, int] = defaultdict(int)
        for edge in group:
            seen[(edge["from"], edge["to"])] += 1
            edge["smooth"] = {"enabled": True, "type": "curvedCW",
                              "roundness": round(0.18 * seen[(edge["from"], edge["to"])], 2)}


def _node_size(value: int, largest: int) -> float:
    # Area, not radius, grows with the count, so a group with four times the incidents looks
    # four times as big, not sixteen.
    if largest <= 0:
        return 16.0
    return round(14 + 34 * math.sqrt(value / largest), 2)


def _node_tooltip(attrs: Mapping, label: str, type_name: str, kind_name: str) -> str:
    actor_type = type_name if attrs.get("actor_type") else "no ACLED actor type"
    inter = attrs.get("inter_code")
    lines = [label, f"{kind_name} · {actor_type}" + (f" (ACLED inter {inter})" if inter else "")]
    aliases = _list(attrs.get("aliases"))
    if aliases:
        lines.append("also called: " + ", ".join(map(str, aliases)))
    counts = [f"{_count(attrs.get('incidents'))} incident(s) carried out"]
    if attrs.get("victims") is not None:
        counts.append(f"{_count(attrs.get('victims'))} people killed in them (best estimate)")
    lines.append(", ".join(counts))
    return "\n".join(lines)


def _edge_tooltip(network: nx.MultiDiGraph, source, target, attrs: Mapping) -> str:
    relation = _concept_slug(attrs.get("relation")).replace("-", " ") or "tie"
    polarity = {1: "positive", -1: "negative", 0: "neutral"}.get(attrs.get("sign"))
    arrow = "↔" if attrs.get("symmetric") else "→"
    status = _concept_slug(attrs.get("status"))
    lines = [f"{_label(network, source)} {arrow} {_label(network, target)}",
             relation + (f" ({polarity})" if polarity else "")
             + (f", {status}" if status in PAST_STATUSES else "")]
    if attrs.get("label") and str(attrs["label"]) != relation:
        lines.append(str(attrs["label"]))
    if attrs.get("qualifier"):
        lines.append(f"in the source's words: {attrs['qualifier']}")
    when = _when(attrs.get("start"), attrs.get("end"), _concept_slug(attrs.get("date_precision")))
    lines.append(f"when: {when}" if when else "when: not stated")
    said = []
    if attrs.get("certainty"):
        said.append(f"certainty: {_concept_slug(attrs['certainty'])}")
    if attrs.get("claimant"):
        said.append(f"according to: {_label(network, attrs['claimant'])}")
    if said:
        lines.append(" · ".join(said))
    documents = _list(attrs.get("documents"))
    if documents:
        lines.append(f"in: {'; '.join(map(str, documents))}")
    events = _list(attrs.get("events"))
    if events:
        shown = ", ".join(str(event) for event in events[:6])
        more = f" and {len(events) - 6} more" if len(events) > 6 else ""
        lines.append(f"events ({len(events)}): {shown}{more}")
    quotes = _list(attrs.get("evidence"))
    lines.extend(f"“{quote}”" for quote in quotes[:3])
    if len(quotes) > 3:
        lines.append(f"(and {len(quotes) - 3} more quotes)")
    return "\n".join(lines)


#: How many leading characters of an ISO date a precision keeps ("2015-01-01" at year → "2015").
_KEEP = {"year": 4, "month": 7}


def _when(start, end, precision: str = "") -> str:
    start, end = (str(value) if value not in (None, "") else "" for value in (start, end))
    keep = _KEEP.get(precision)
    if keep:
        start, end = start[:keep], end[:keep]
    if start and end:
        return start if start == end else f"{start} to {end}"
    if start:
        return f"since {start}"
    if end:
        return f"until {end}"
    return ""


# ---------------------------------------------------------------------------
# Positions: computed here, so the same graph is drawn the same way, and laid out for reading
# ---------------------------------------------------------------------------

#: Pixels per character of a 20 px label, and the width at which vis-network wraps it.
_CHAR_WIDTH, _LABEL_WRAP, _LINE_HEIGHT = 10.5, 180, 24
#: Free space kept around every node and its label: enough for ties to run between them.
_MARGIN = 34
#: How many times at most the overlap removal compares every pair: fewer rounds for large
#: networks, so that a page of hundreds of actors is still written in seconds.
_ROUNDS, _PAIR_COMPARISONS = 400, 3_000_000


def _place_nodes(network: nx.MultiDiGraph, nodes: list[dict], edges: list[dict]) -> list[dict]:
    """Give every vis node fixed ``x``/``y``; return the captions of the groups drawn apart.

    Tied actors are laid out component by component with networkx's spring layout (seeded),
    scaled to a common tie length and spread until no two labels overlap; the components, then
    the actors without a tie in this view (in a labelled grid rather than scattered among the
    others), are packed in rows about as wide as a screen is wide against its height.
    """
    tied = nx.Graph()
    tied.add_nodes_from(sorted(node["id"] for node in nodes))
    tied.add_edges_from(sorted((e["from"], e["to"]) for e in edges if e["from"] != e["to"]))
    boxes = {node["id"]: _box(node) for node in nodes}
    labels = {node["id"]: node["label"] for node in nodes}
    components = sorted((sorted(c) for c in nx.connected_components(tied) if len(c) > 1),
                        key=lambda c: (-len(c), c))
    blocks = []  # (positions relative to the block's top left, width, height, caption)
    for members in components:
        local = _spring(tied.subgraph(members))
        _remove_overlaps(local, boxes)
        blocks.append(_normalised(local, boxes) + (None,))
    lonely = sorted((n for n in tied if tied.degree(n) == 0), key=lambda n: (labels[n].lower(), n))
    if lonely:
        columns = max(1, math.ceil(math.sqrt(len(lonely) * 1.5)))
        cell = max(boxes[n][0] for n in lonely)
        height = max(boxes[n][1] for n in lonely)
        grid = {n: [(i % columns) * cell + cell / 2, 40 + (i // columns) * height] for i, n in enumerate(lonely)}
        blocks.append(_normalised(grid, boxes) + ("No tie in this view",))
    area = sum(w * h for _, w, h, _ in blocks)
    row_width = max(max((w for _, w, _, _ in blocks), default=0), math.sqrt(area * 1.6))
    positions, groups = {}, []
    x = y = row_height = 0.0
    for local, width, height, caption in blocks:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + _GAP, 0.0
        for n, (nx_, ny) in local.items():
            positions[n] = (nx_ + x, ny + y)
        if caption:
            groups.append({"label": caption, "x": round(x), "y": round(y + 10)})
        x += width + _GAP
        row_height = max(row_height, height)
    for node in nodes:
        node["x"], node["y"] = (round(v) for v in positions[node["id"]])
    return groups


#: Length of a typical tie on the page, and the space between blocks.
_TIE, _GAP = 170.0, 90.0


def _spring(component: nx.Graph) -> dict[str, list[float]]:
    if len(component) == 2:
        a, b = sorted(component)
        return {a: [0.0, 0.0], b: [_TIE, 0.0]}
    import numpy as np

    # spring_layout draws its starting positions in the graph's node order, and the ties' order
    # weighs in too: both sorted, so the page is the same whatever order the sets came in.
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(component))
    ordered.add_edges_from(sorted(tuple(sorted(edge)) for edge in component.edges()))
    laid = nx.spring_layout(ordered, seed=LAYOUT_SEED, iterations=200, k=3.0 / math.sqrt(len(component)))
    order = sorted(component)
    points = np.array([laid[n] for n in order], dtype=float)
    points -= points.mean(axis=0)
    # Turned so that the component's longest extent runs across the (wider than tall) screen.
    _, vectors = np.linalg.eigh(np.cov(points.T))
    axis = vectors[:, -1] * (1 if vectors[0, -1] >= 0 else -1)
    points = points @ np.array([[axis[0], -axis[1]], [axis[1], axis[0]]])
    # Scaled so the median tie is _TIE long: a hub's far-flung leaves should not shrink the rest.
    where = dict(zip(order, points))
    lengths = sorted(math.dist(where[u], where[v]) for u, v in component.edges())
    factor = _TIE / max(lengths[len(lengths) // 2], 1e-9)
    return {n: [round(float(where[n][0]) * factor, 3), round(float(where[n][1]) * factor, 3)] for n in order}


def _normalised(local: dict[str, list[float]], boxes: dict) -> tuple[dict, float, float]:
    """Positions moved so the block's boxes start at (0, 0), with the block's width and height."""
    left = min(x - boxes[n][0] / 2 for n, (x, _) in local.items())
    top = min(y - (boxes[n][1] / 2 - boxes[n][2]) for n, (_, y) in local.items())
    right = max(x + boxes[n][0] / 2 for n, (x, _) in local.items())
    bottom = max(y + boxes[n][1] / 2 + boxes[n][2] for n, (_, y) in local.items())
    return {n: [x - left, y - top] for n, (x, y) in local.items()}, right - left, bottom - top


def _box(node: dict) -> tuple[float, float, float]:
    """(width, height, downward offset of the centre) of a node with its label below the shape."""
    text = min(len(node["label"]) * _CHAR_WIDTH, _LABEL_WRAP)
    lines = math.ceil(len(node["label"]) * _CHAR_WIDTH / _LABEL_WRAP) or 1
    size = float(node.get("size", 16))
    height = 2 * size + lines * _LINE_HEIGHT + 6
    return max(text, 2 * size) + _MARGIN, height + _MARGIN, height / 2 - size


def _remove_overlaps(positions: dict[str, list[float]], boxes: dict) -> None:
    """Push apart, pair by pair in a fixed order, the nodes whose boxes (shape and label) overlap."""
    order = sorted(positions)
    pairs = max(1, len(order) * (len(order) - 1) // 2)
    for _ in range(max(5, min(_ROUNDS, _PAIR_COMPARISONS // pairs))):
        moved = False
        for i, a in enumerate(order):
            for b in order[i + 1:]:
                (ax, ay), (bx, by) = positions[a], positions[b]
                (aw, ah, ao), (bw, bh, bo) = boxes[a], boxes[b]
                dx, dy = bx - ax, (by + bo) - (ay + ao)
                over_x = (aw + bw) / 2 - abs(dx)
                over_y = (ah + bh) / 2 - abs(dy)
                if over_x <= 0 or over_y <= 0:
                    continue
                moved = True
                # Along the axis that needs the smaller push, half each way (a fixed way when level).
                if over_x < over_y:
                    step = (over_x / 2 + 0.5) * (1 if dx >= 0 else -1)
                    positions[a][0] -= step
                    positions[b][0] += step
                else:
                    step = (over_y / 2 + 0.5) * (1 if dy >= 0 else -1)
                    positions[a][1] -= step
                    positions[b][1] += step
        if not moved:
            return


# ---------------------------------------------------------------------------
# The page's own filters and the actor panel
# ---------------------------------------------------------------------------

def _add_filter_fields(network: nx.MultiDiGraph, edges: list[dict], events: Mapping) -> None:
    """Each vis edge's family (relation filter), spans (time filter) and regions (region filter)."""
    ties = {str(key): attrs for _, _, key, attrs in network.edges(keys=True, data=True)}
    for edge in edges:
        attrs = ties.get(edge["id"].split("#")[0], {})
        edge["family"] = tie_family(attrs.get("relation"), attrs.get("sign"))
        dates, ends = _list(attrs.get("dates")), _list(attrs.get("date_ends"))
        if dates and len(dates) == len(ends):
            spans = sorted({(str(s), str(e)) for s, e in zip(dates, ends)})
        else:
            spans = [(str(attrs.get("start") or ""), str(attrs.get("end") or ""))]
        edge["spans"] = [list(span) for span in spans]
        edge["regions"] = sorted({region for event in _list(attrs.get("events")) if str(event) in events
                                  for region in events[str(event)].regions})


#: Incidents listed in one actor's panel (the most recent first); the rest are counted.
PANEL_INCIDENTS = 60


def _panels(network: nx.MultiDiGraph, events: Mapping, listed: bool) -> list[list]:
    """[actor id, panel] pairs (a list, read into a Map: no actor id can clash with an object's own keys)."""
    incidents: dict[str, list] = defaultdict(list)
    for event in events.values():
        for slug, _, role, certainty in event.roles:
            incidents[slug].append((event, role, certainty))
    touching: dict = defaultdict(list)
    for source, target, key, data in _sorted_edges(network):
        touching[source].append((source, target, key, data))
        if target != source:
            touching[target].append((source, target, key, data))
    panels = []
    for node in sorted(network.nodes, key=str):
        attrs = network.nodes[node]
        mine = sorted(incidents.get(str(node), []), key=lambda item: (item[0].start or "", item[0].id), reverse=True)
        ties = []
        for source, target, key, data in touching.get(node, []):
            other = target if source == node else source
            arrow = "↔" if data.get("symmetric") else ("→" if source == node else "←")
            ties.append({
                "edge": str(key), "other": str(other), "text": f"{arrow} {_label(network, other)}: "
                + (str(data.get("label")) or _concept_slug(data.get("relation")).replace("-", " ")),
                "when": (_when(data.get("start"), data.get("end"), _concept_slug(data.get("date_precision")))
                         or "undated"),
                "certainty": _concept_slug(data.get("certainty")), "claimant": str(data.get("claimant") or ""),
                "documents": [str(d) for d in _list(data.get("documents"))],
                "quotes": [str(q) for q in _list(data.get("evidence"))[:3]],
                "family": tie_family(data.get("relation"), data.get("sign")),
            })
        panels.append([str(node), {
            "label": _label(network, node),
            "kind": ACTOR_KIND_STYLES.get(_concept_slug(attrs.get("kind")), OTHER_KIND)[0],
            "type": ACTOR_TYPES.get(_concept_slug(attrs.get("actor_type")), NO_ACTOR_TYPE)[0],
            "aliases": [str(a) for a in _list(attrs.get("aliases"))],
            "listed": listed,
            "incidents": [{"id": event.id, "label": event.label, "when": event.when(), "role": role.replace("-", " "),
                           "certainty": certainty, "toll": "; ".join(event.harms) or "no toll given",
                           "region": event.region, "documents": event.documents}
                          for event, role, certainty in mine[:PANEL_INCIDENTS]],
            "more": max(0, len(mine) - PANEL_INCIDENTS),
            "ties": ties,
        }])
    return panels


# ---------------------------------------------------------------------------
# Page text
# ---------------------------------------------------------------------------

def _heading(network: nx.MultiDiGraph, filters: Mapping) -> str:
    actor = filters.get("actor")
    return f"Mali actor network around {actor}" if actor else "Mali actor network"


def _summary(network: nx.MultiDiGraph, filters: Mapping) -> str:
    parts = [f"{network.number_of_nodes()} actors, {network.number_of_edges()} ties"]
    dates = sorted(str(attrs[name]) for _, _, attrs in network.edges(data=True)
                   for name in ("start", "end") if attrs.get(name) not in (None, ""))
    parts.append(f"dates shown: {dates[0]} to {dates[-1]}" if dates else "no dated ties")
    if filters:
        parts.append("selection: " + ", ".join(f"{name} {value}" for name, value in filters.items()))
    return " · ".join(parts)


def _type_legend(network: nx.MultiDiGraph) -> str:
    present = {_concept_slug(attrs.get("actor_type")) for _, attrs in network.nodes(data=True)}
    rows = [(name, colour) for slug, (name, colour) in ACTOR_TYPES.items() if slug in present]
    if present - set(ACTOR_TYPES):
        rows.append(NO_ACTOR_TYPE)
    return "".join(f'<li><span class="swatch" style="background:{colour}"></span>{_text(name)}</li>'
                   for name, colour in rows)


_SHAPE_SVG = {
    "dot": '<circle cx="8" cy="8" r="6"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "triangle": '<polygon points="8,1.5 15,14 1,14"/>',
    "triangleDown": '<polygon points="1,2 15,2 8,14.5"/>',
    "hexagon": '<polygon points="4.5,2 11.5,2 15,8 11.5,14 4.5,14 1,8"/>',
    "star": '<polygon points="8,1 9.8,6 15,6 10.8,9.2 12.4,14.5 8,11.3 3.6,14.5 5.2,9.2 1,6 6.2,6"/>',
}


def _kind_legend(network: nx.MultiDiGraph) -> str:
    present = {_concept_slug(attrs.get("kind")) for _, attrs in network.nodes(data=True)}
    rows = [(name, shape) for slug, (name, shape) in ACTOR_KIND_STYLES.items() if slug in present]
    if present - set(ACTOR_KIND_STYLES):
        rows.append(OTHER_KIND)
    return "".join(
        f'<li><svg width="16" height="16" viewBox="0 0 16 16" fill="#9aa3b0" stroke="#4a5160" '
        f'aria-hidden="true">{_SHAPE_SVG[shape]}</svg>{_text(name)}</li>' for name, shape in rows)


def _edge_legend(network: nx.MultiDiGraph) -> str:
    present = {tie_family(attrs.get("relation"), attrs.get("sign"))
               for _, _, attrs in network.edges(data=True)}
    rows = []
    for family, style in TIE_STYLES.items():
        if family not in present:
            continue
        dash = f' stroke-dasharray="{",".join(map(str, style.dashes))}"' if style.dashes else ""
        rows.append(
            f'<li><svg width="38" height="12" viewBox="0 0 38 12" aria-hidden="true">'
            f'<line x1="1" y1="6" x2="29" y2="6" stroke="{style.colour}" stroke-width="{style.width}"{dash}/>'
            f'<polygon points="29,1.5 37,6 29,10.5" fill="{style.colour}"/></svg>{_text(style.legend)}</li>')
    ties = [attrs for _, _, attrs in network.edges(data=True)]
    notes = [note for note, shown in (
        ("No arrowhead: a mutual tie", any(attrs.get("symmetric") for attrs in ties)),
        ("Faded: a former or ended tie", any(_concept_slug(attrs.get("status")) in PAST_STATUSES for attrs in ties)),
    ) if shown]
    rows.extend(f'<li class="note">{_text(note)}</li>' for note in notes)
    return "".join(rows)


def _actor_label(network: nx.MultiDiGraph, actor: str | None) -> str | None:
    from .analysis import find_actor

    if actor is None:
        return None
    try:
        return _label(network, find_actor(network, actor))
    except MalikgError:
        return actor


# ---------------------------------------------------------------------------
# The bundled vis-network library
# ---------------------------------------------------------------------------

def _vis_library() -> tuple[str, str]:
    """vis-network's script and stylesheet as pyvis ships them (licence header included)."""
    import pyvis

    shipped = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
    folders = sorted(shipped.glob("vis-*/vis-network.min.js"),
                     key=lambda path: tuple(int(n) for n in re.findall(r"\d+", path.parent.name)))
    if not folders:
        raise MalikgError(f"pyvis ships no vis-network under {shipped}; reinstall pyvis>=0.3.2")
    script = folders[-1].read_text(encoding="utf-8")
    style = (folders[-1].parent / "vis-network.css").read_text(encoding="utf-8")
    # Inlined verbatim, so they must not contain what would end or unbalance their element.
    if re.search(r"</script|<!--", script, re.IGNORECASE) or re.search(r"</style", style, re.IGNORECASE):
        raise MalikgError(f"{folders[-1].parent} cannot be inlined in a page as it is")
    return script, style


def _content_security_policy(scripts: list[str]) -> str:
    # Only the page's own scripts may run (by hash, so an injected one would not), and nothing
    # may be fetched: the page works, and can only work, offline.
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
                      for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _label(network: nx.MultiDiGraph, node) -> str:
    return str(network.nodes[node].get("label") or node) if node in network else str(node)


def _concept_slug(value) -> str:
    """``mkv:rebel-group``, an IRI ending in ``ArmedGroup``, or ``rebel-group`` → a lowercase slug."""
    if value in (None, ""):
        return ""
    text = re.split(r"[#/:]", str(value))[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text).lower().replace("_", "-").replace(" ", "-")


def _count(value) -> int:
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
    return [value]


def _darker(colour: str) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(c * 0.62):02x}" for c in (red, green, blue))
