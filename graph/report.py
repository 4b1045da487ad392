"""``report.md``: every named research question answered on the graph, as a brief a reader can take away.

Each entry is one query of the ``queries/`` library: its title, its question, its answer as a
Markdown table and the command that asks it again. The answer is the query run with its
defaults, so the report says exactly what ``malikg query NAME`` prints, and nothing in it
depends on the clock: the same graph gives the same bytes.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox

from .namespaces import PREFIXES, base_iri
from .queries import NamedQuery, list_queries, run_query
from .sparql import _FLOATS, _INTEGERS, Result, display

#: The brief's chapters, in reading order. A query not named here goes under the last heading.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Who did what to whom", (
        "incidents-by-perpetrator", "people-killed-by-actor", "children-harmed", "drone-strikes",
        "villages-attacked", "places-attacked-repeatedly", "detentions-and-disappearances",
        "property-destruction-totals", "property-destruction", "communities-targeted")),
    ("Why, according to whom", ("retaliation-claims", "claimed-motives")),
    ("Alliances, proxies and composition", ("actor-relations", "ethnic-composition")),
    ("Time and place", ("actor-timeline", "region-timeline", "incidents-in-date-range", "events-per-region")),
    ("Civic space and accountability", ("civic-space-crackdown", "accountability")),
    ("Aggregate figures", ("acled-statistics", "acled-comparison")),
    ("Evidence and certainty", ("search-events", "event-evidence", "uncertain-attributions", "uncertain-dates")),
)
OTHER_SECTION = "Other questions"


def render_report(store, queries: Sequence[NamedQuery] | None = None, *, timeout: float | None = 30.0) -> str:
    """The Markdown report: every query in ``queries`` (default: the bundled library) answered from ``store``."""
    from .html import source_citation

    chapters = _chapters(list_queries() if queries is None else list(queries))
    citation = source_citation(store)
    lines = ["# Research brief: the armed conflict in Mali", ""]
    if citation:
        lines += [f"Coded from {_inline(citation.rstrip('.'))}.", ""]
    lines += [
        "Each entry asks one question of the knowledge graph and gives the answer the graph holds,",
        "with the command that asks it again (`malikg query NAME`; `-p name=value` changes a",
        "parameter). Counts keep the source's hedges: *low* and *best* totals follow its \"at least\",",
        "\"over\" and \"about\", and every row traces back to a quoted sentence (`event-evidence`).",
        "",
        "## Contents",
        "",
    ]
    for heading, members in chapters:
        lines.append(f"- {heading}")
        lines += [f"  - [{_inline(q.title or q.name)}](#{_anchor(q.name)})" for q in members]
    for heading, members in chapters:
        lines += ["", f"## {heading}"]
        for query in members:
            lines += ["", f'<a id="{_anchor(query.name)}"></a>', "", f"### {_inline(query.title or query.name)}", ""]
            if query.question:
                lines += [f"*{_inline(query.question)}*", ""]
            if query.params:
                lines += ["Parameters: " + ", ".join(
                    f"`{p.name}` = `{p.default}`" if not p.required else f"`{p.name}` (required)"
                    for p in query.params) + ".", ""]
            if any(p.required for p in query.params):
                lines += ["(Not answered here: it needs a parameter.)"]
            else:
                lines += answer_markdown(run_query(store, query, timeout=timeout))
            lines += ["", "```", query.example or f"malikg query {query.name}", "```"]
    return "\n".join(lines) + "\n"


def answer_markdown(result: Result) -> list[str]:
    """A query's answer as Markdown lines: a table (numbers right-aligned), a yes or no, or Turtle."""
    if result.form == "ASK":
        return ["**yes**" if result.boolean else "**no**"]
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        turtle = ox.serialize(result.triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode()
        return ["```turtle", turtle.rstrip("\n"), "```"]
    if not result.rows:
        return ["*No answer in the graph.*"]
    base = base_iri()
    numeric = [all(term is None or (isinstance(term, ox.Literal) and term.datatype.value in _INTEGERS | _FLOATS)
                   for term in column) for column in zip(*result.rows)]
    lines = ["| " + " | ".join(_cell(v) for v in result.variables) + " |",
             "|" + "|".join("---:" if right else "---" for right in numeric) + "|"]
    for row in result.rows:
        lines.append("| " + " | ".join(_cell(display(term, base)) for term in row) + " |")
    return lines


def _chapters(queries: list[NamedQuery]) -> list[tuple[str, list[NamedQuery]]]:
    by_name = {q.name: q for q in queries}
    chapters, placed = [], set()
    for heading, names in SECTIONS:
        members = [by_name[name] for name in names if name in by_name]
        placed.update(q.name for q in members)
        if members:
            chapters.append((heading, members))
    rest = sorted((q for q in queries if q.name not in placed), key=lambda q: q.name)
    if rest:
        chapters.append((OTHER_SECTION, rest))
    return chapters


def _cell(text: str) -> str:
    # A pipe would end the cell and a line break the row; Markdown's own characters stay literal.
    text = re.sub(r"\s*[\r\n]+\s*", " ", text)
    return re.sub(r"([\\|*_`<>\[\]])", r"\\\1", text)


def _inline(text: str) -> str:
    return re.sub(r"([\\*_`<>\[\]])", r"\\\1", text)


def _anchor(name: str) -> str:
    return "q-" + re.sub(r"[^a-z0-9-]+", "-", name.lower())
