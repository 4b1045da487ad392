"""``malikg build``: seeds → checked graph → validated → files in the output folder.

Every output is produced in memory first and written only when all of them succeeded, each
through an atomic rename, so a failed build leaves the output folder as it was.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from . import coding_checks, validate
from .files import write_all_atomic
from .load import build_graph
from .namespaces import MK, OA
from .seeds import read_seeds


@dataclass
class BuildResult:
    out_dir: Path
    files: list[Path]
    triples: int
    counts: dict[str, int]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


#: What the summary counts, in the order it prints them.
KINDS = {
    "events": MK.Event, "incidents": MK.Incident, "campaigns": MK.Campaign,
    "political events": MK.PoliticalEvent, "accountability events": MK.AccountabilityEvent,
    "actors": MK.Actor, "places": MK.Place, "harms": MK.Harm, "claims": MK.Claim,
    "relations": MK.Relation, "statistics": MK.Statistic, "evidence quotes": OA.SpecificResource,
}


def count_kinds(graph: Graph) -> dict[str, int]:
    by_class = Counter(graph.objects(None, RDF.type))
    return {name: by_class[cls] for name, cls in KINDS.items()}


def turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def build(out_dir: Path = Path("out"), seeds_folder: Path | None = None,
          base: str | None = None) -> BuildResult:
    """Build, validate and write the graph and its companion files; return what was done."""
    started = time.perf_counter()
    timings = {}
    graph = build_graph(seeds_folder, base)
    coding_checks.check(read_seeds(seeds_folder))
    timings["load"] = time.perf_counter() - started
    mark = time.perf_counter()
    validate.check(graph)
    timings["shacl"] = time.perf_counter() - mark
    mark = time.perf_counter()
    out_dir = Path(out_dir)
    outputs: dict[Path, bytes | str] = {out_dir / "graph.ttl": turtle(graph)}
    outputs.update(companion_files(graph, out_dir))
    timings["outputs"] = time.perf_counter() - mark
    write_all_atomic(outputs)
    return BuildResult(out_dir, sorted(outputs), len(graph), count_kinds(graph),
                       time.perf_counter() - started, timings)


def companion_files(graph: Graph, out_dir: Path) -> dict[Path, bytes | str]:
    """The research report, the actor-network page and the ontology reference, built from the graph."""
    from .docs import render as ontology_reference
    from .html import actor_network_page
    from .report import render_report
    from .store import open_store

    # One in-memory store, loaded once, answers both the report's queries and the page's.
    with open_store(seed_graph=graph) as store:
        return {
            out_dir / "report.md": render_report(store),
            out_dir / "actors.html": actor_network_page(store),
            out_dir / "ontology.html": ontology_reference(),
        }
