"""``malikg stats``: what the graph holds, by class, actor, region and year — on any backend."""
from __future__ import annotations

from .namespaces import PREFIXES

_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))

SECTIONS = {
    "by class": """
        SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?s a ?class . ?class rdfs:isDefinedBy ?ontology .
          FILTER(STRSTARTS(STR(?class), STR(mk:)))
          BIND(STRAFTER(STR(?class), "#") AS ?key)
        } GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "incidents by perpetrator": """
        SELECT ?key (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a mk:Incident ; mk:perpetrator ?a . ?a rdfs:label ?key .
        } GROUP BY ?key ORDER BY DESC(?n) ?key""",
    # From the summary graph: a place only said to be near another counts in that one's region.
    "incidents by region": """
        SELECT ?key (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a mk:Incident .
          GRAPH <https://w3id.org/malikg/graph/summary> { ?account mks:account ?e ; mks:region ?r }
          ?r rdfs:label ?key .
        } GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "events by year": """
        SELECT ?key (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a mk:Event ; sem:hasEarliestBeginTimeStamp ?d .
          BIND(STR(YEAR(?d)) AS ?key)
        } GROUP BY ?key ORDER BY ?key""",
}


def statistics(store) -> dict[str, list[tuple[str, int]]]:
    """Counts for each section of the stats report, in a fixed order."""
    sections = {}
    for title, body in SECTIONS.items():
        rows = store.query(_PREFIXES + body)
        sections[title] = [(row["key"].value, int(row["n"].value)) for row in rows]
    return sections


def render(sections: dict[str, list[tuple[str, int]]]) -> str:
    lines = []
    for title, rows in sections.items():
        lines.append(title)
        width = max((len(key) for key, _ in rows), default=0)
        lines.extend(f"  {key.ljust(width)}  {n:>7}" for key, n in rows)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
