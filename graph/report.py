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
    ("Where the sources disagree", ("disagreements",)),
)

#: Column headers for readers; other variables are spelt out from their camelCase.
HEADERS = {
    "killedLow": "killed (low)", "killedBest": "killed (best)", "lowTotal": "low total",
    "bestTotal": "best total", "highTotal": "high total", "withoutFigure": "reports without a figure",
    "saysSo": "according to", "withRole": "their role", "withCertainty": "their certainty",
    "with": "with", "nearOnly": "placed by nearness", "outOf": "out of", "dateText": "as the source dates it",
    "percentChange": "change (%)", "earlierPeriod": "earlier period", "earlierCount": "earlier count",
    "periodText": "period, in the source's words", "slug": "id", "actorSlug": "actor id",
    "communitySlug": "community id", "rel": "relation id", "linkedTo": "accused of links to",
}
#: Rows of a list the report shows; the command under it gives the rest.
REPORT_PAGE = 200
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_MONTH_SPAN = re.compile(r"(\d{4})-(\d{2})-01/\1-\2-(\d{2})\Z")
_LAST_DAY = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
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
                result = run_query(store, query, timeout=timeout, limit=REPORT_PAGE if query.page else None)
                lines += answer_markdown(result)
                if len(result.rows) < (result.total or 0):
                    lines += ["", f"The first {len(result.rows):,} rows of {result.total:,}."]
            # The command that gives this very table; the header's example asks a variant.
            lines += ["", "```", f"malikg query {query.name}", "```"]
            if query.example and query.example != f"malikg query {query.name}":
                lines += ["", "Another way to ask it:", "", "```", query.example, "```"]
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
    lines = ["| " + " | ".join(_cell(header(v)) for v in result.variables) + " |",
             "|" + "|".join("---:" if right else "---" for right in numeric) + "|"]
    for row in result.rows:
        lines.append("| " + " | ".join(_cell(_readable(display(term, base))) for term in row) + " |")
    return lines


def header(variable: str) -> str:
    """A column header for readers: ``killedLow`` → "killed (low)", ``dateText`` → "as the source dates it"."""
    if variable in HEADERS:
        return HEADERS[variable]
    return re.sub(r"(?<=[a-z])([A-Z])", lambda m: " " + m.group(1).lower(), variable)


def _readable(cell: str) -> str:
    # A whole calendar month, as the sources give it ("In January"), reads as one.
    match = _MONTH_SPAN.match(cell)
    if match:
        year, month, last = int(match[1]), int(match[2]), int(match[3])
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        if 1 <= month <= 12 and last == (_LAST_DAY[month] if month != 2 else 29 if leap else 28):
            return f"{_MONTHS[month - 1]} {year}"
    return cell


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
