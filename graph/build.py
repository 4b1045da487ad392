"""``malikg build``: seeds → checked graph → validated → files in the output folder.

Every output is produced in memory first, then all are written into a staging copy of the
output folder that replaces it with one rename: the files of one build appear together or not
at all, and a failed or killed build leaves the output folder as it was.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF

from . import coding_checks, validate
from .aside import aside
from .emit import code
from .export import sorted_turtle
from .files import write_together
from .namespaces import MK, OA
from .seeds import read_seeds
from .store import MemoryStore, ontology_quads
from .summary import rebuild as rebuild_summary


@dataclass
class BuildResult:
    out_dir: Path
    files: list[Path]
    triples: int
    counts: dict[str, int]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    #: For each source document (by id), what was coded from it: DOCUMENT_KINDS counts.
    per_document: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The store or endpoint the built graph was loaded into, if one was given.
    loaded_into: str | None = None


#: What the summary counts, in the order it prints them.
SUMMARY_KINDS = {
    "events": MK.Event, "incidents": MK.Incident, "campaigns": MK.Campaign,
    "political events": MK.PoliticalEvent, "accountability events": MK.AccountabilityEvent,
    "actors": MK.Actor, "places": MK.Place, "harms": MK.Harm, "claims": MK.Claim,
    "relations": MK.Relation, "statistics": MK.Statistic, "evidence quotes": OA.SpecificResource,
}


#: What the summary counts for each document, in the order it prints them.
DOCUMENT_KINDS = {"events": MK.Event, "harms": MK.Harm, "claims": MK.Claim,
                  "relations": MK.Relation, "statistics": MK.Statistic,
                  "quotes": OA.SpecificResource}


def count_kinds(graph: Graph) -> dict[str, int]:
    by_class = Counter(graph.objects(None, RDF.type))
    return {name: by_class[cls] for name, cls in SUMMARY_KINDS.items()}


def count_per_document(graph: Graph) -> dict[str, dict[str, int]]:
    """Events, harms, claims, relations, statistics and quotes coded from each source document.

    Accounts name their document (mk:accordingTo); a harm is its event's, a part of a count
    its whole's; a quote is the document's it selects from (oa:hasSource).
    """
    documents = {doc: str(graph.value(doc, DCTERMS.identifier) or doc)
                 for doc in graph.subjects(RDF.type, MK.SourceDocument)}
    counts = {doc: Counter() for doc in documents}
    for account, doc in graph.subject_objects(MK.accordingTo):
        if doc not in counts:
            continue
        for name, cls in DOCUMENT_KINDS.items():
            if cls is not MK.Harm and (account, RDF.type, cls) in graph:
                counts[doc][name] += 1
        todo = list(graph.objects(account, MK.harm))
        while todo:
            harm = todo.pop()
            counts[doc]["harms"] += 1
            todo.extend(graph.objects(harm, MK.includes))
    for quote, doc in graph.subject_objects(OA.hasSource):
        if doc in counts:
            counts[doc]["quotes"] += 1
    return {documents[doc]: {name: counts[doc][name] for name in DOCUMENT_KINDS}
            for doc in sorted(documents, key=documents.get)}


def build(out_dir: Path = Path("out"), seeds_folder: Path | list[Path] | None = None,
          base: str | None = None, *, store_dir: Path | None = None, endpoint: str | None = None,
          update_url: str | None = None, data_url: str | None = None) -> BuildResult:
    """Build, validate and write the graph and its companion files; return what was done.

    ``seeds_folder`` is one seed folder or several (corpus roots or document folders), read as
    one corpus; by default the bundled seeds. With ``store_dir`` or ``endpoint`` (and the
    endpoint's ``update_url`` or Graph Store ``data_url``), the written graph is then loaded
    into that store, created with the ontology only if it does not exist.
    """
    started = time.perf_counter()
    timings = {}
    seeds = read_seeds(seeds_folder)
    coded = code(seeds, base)
    coding_checks.check(seeds)
    timings["load"] = time.perf_counter() - started
    # The core shapes and the counts (over an rdflib graph of the triples) and the ontology
    # reference (from the package alone) are made in forks beside the rest (graph/aside.py says
    # why); no file is written before the check's answer, and a graph it rejects is reported as
    # such even where an output could not be made of it.
    with aside(_check_and_count, coded) as checked, aside(ontology_reference) as ontology_page:
        # One store answers the SHACL-SPARQL rules (over the data alone) and then, given the
        # ontology and its summaries, the companion files' queries: the data are loaded once.
        # The ontology goes in first, into its own graph, as a store created from the seeds has
        # it (the order things were added is the order a query without ORDER BY meets them).
        store = MemoryStore()
        store.oxigraph.load(ontology_quads() + coded.ntriples.encode("utf-8"), ox.RdfFormat.N_QUADS)
        sparql = validate.sparql_violations(None, store.oxigraph)
        if sparql:
            validate.raise_first(sparql | checked().violations)
        mark = time.perf_counter()
        out_dir = Path(out_dir)
        try:
            # pyoxigraph's Turtle writer, as the export's: 0.03 s where rdflib's took 0.8 s.
            outputs: dict[Path, bytes | str] = {
                out_dir / "graph.ttl": sorted_turtle(coded.ntriples.encode("utf-8"))}
            rebuild_summary(store.oxigraph)
            outputs.update(companion_files(store, out_dir, ontology_page))
        except Exception:
            validate.raise_first(checked().violations)
            raise
        timings["outputs"] = time.perf_counter() - mark
        waited = time.perf_counter()
        graph_check = checked()
        validate.raise_first(graph_check.violations)
        timings["shacl"] = time.perf_counter() - waited
    write_together(out_dir, {path.name: data for path, data in outputs.items()})
    result = BuildResult(out_dir, sorted(outputs), graph_check.triples, graph_check.counts,
                         time.perf_counter() - started, timings, graph_check.per_document)
    if store_dir is not None or endpoint:
        from .store import open_store

        with open_store(store_dir, endpoint, create=True, seed=False,
                        update_url=update_url, data_url=data_url) as store:
            store.load(out_dir / "graph.ttl", "ttl")
        result.loaded_into = str(store_dir or endpoint)
    return result


def companion_files(store, out_dir: Path, ontology_page: Callable[[], str]) -> dict[Path, bytes | str]:
    """The research report, the actor-network page, the ontology reference and the timeline, from
    ``store`` (a store holding the ontology, the graph and its summaries), which is closed after;
    ``ontology_page`` gives the reference (the build makes it aside)."""
    from .html import actor_network_page
    from .report import render_report

    # One in-memory store, loaded once, answers both the report's queries and the page's.
    with store:
        files = {
            out_dir / "report.md": render_report(store),
            out_dir / "actors.html": actor_network_page(store),
            out_dir / "ontology.html": ontology_page(),
        }
        files[out_dir / "timeline.html"] = _timeline(store)
        return files


@dataclass(frozen=True)
class GraphCheck:
    """What the build learns from the built graph as rdflib holds it: the core shapes'
    violations, and the counts the build prints."""

    violations: frozenset
    triples: int
    counts: dict[str, int]
    per_document: dict[str, dict[str, int]]


def _check_and_count(coded) -> GraphCheck:
    graph = coded.graph()
    return GraphCheck(frozenset(validate.core_violations(graph)), len(graph), count_kinds(graph),
                      count_per_document(graph))


def ontology_reference() -> str:
    """The ontology's HTML reference (graph/docs.py), from the bundled ontology."""
    from .docs import render

    return render()


def _timeline(store) -> str:
    """The events timeline page (graph/timeline.py)."""
    from .timeline import timeline_page

    return timeline_page(store)
