"""Partner engines for benchmarks/run.py: Virtuoso Open-Source beside embedded Oxigraph, and a
flat DuckDB table of the same events as the floor. A benchmark, not a test.

Each phase is a function of a spec dict, as benchmarks/run.py's phases are (run.py runs it in a
process of its own); ``section`` writes their part of RESULTS.md. Both can also be run alone:

    python benchmarks/engines.py virtuoso synth-100000.nt [summary.nq]
    python benchmarks/engines.py duckdb data/mali.oxigraph

* Virtuoso (Debian's ``virtuoso-opensource``): a server of its own started by tests/servers.py,
  the synthetic file and the ontology bulk-loaded with ``ld_dir`` + ``rdf_loader_run`` +
  ``checkpoint``, each named query asked through the SPARQL protocol exactly as
  ``malikg query NAME --endpoint URL`` asks it, rows counted.
* DuckDB (``pip install -e '.[bench]'``): one row per event (region, dates, whether an
  incident) and one per event and perpetrator with the people killed, read once from the store
  with SPARQL (not timed), then events-per-region and people-killed-by-actor as SQL aggregates.
  What a summary of precomputed per-event facts costs at best; the SQL ignores the campaign
  and attribution-certainty rules the named queries apply.
"""
from __future__ import annotations

import csv
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests", ROOT / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))



def _timed(work, warm_limit: float) -> dict:
    # The same protocol as every other engine of run.py: one cold run, then warm ones.
    from run import _time_runs

    return _time_runs(work, warm_limit)


# ---------------------------------------------------------------------------
# Virtuoso
# ---------------------------------------------------------------------------

def phase_virtuoso(spec: dict) -> dict:
    """Bulk-load ``spec["path"]`` (N-Triples) with the ontology and the seed graph (as every
    other engine of run.py starts: the synthetic events use the seeds' actors and regions) into
    a new Virtuoso, then every named query through ``--endpoint``'s code path;
    ``{"load_seconds", "queries": {...}}``."""
    from graph.errors import MalikgError
    from graph.queries import list_queries, run_query
    from graph.sparql import format_result
    from graph.store import RemoteStore
    from run import _initial_quads
    from servers import Virtuoso

    path = Path(spec["path"]).resolve()
    # The summary graph malikg's load derived (benchmarks/run.py copies it), which the named
    # queries read: without it they answer that the endpoint cannot answer them.
    summary = Path(spec["summary"]).resolve() if spec.get("summary") else None
    timeout = float(spec.get("query_timeout", 60))
    with tempfile.TemporaryDirectory(prefix="malikg-virtuoso-", dir=spec.get("scratch")) as scratch:
        scratch = Path(scratch)
        ontology = scratch / "data" / "ontology-and-seeds.nq"
        ontology.parent.mkdir()
        ontology.write_bytes(_initial_quads())
        folders = [path.parent, ontology.parent] + ([summary.parent] if summary else [])
        with Virtuoso(scratch / "db", data_dirs=folders, query_timeout=int(timeout)) as virtuoso:
            load = virtuoso.bulk_load(path) + virtuoso.bulk_load(ontology)
            if summary:
                load += virtuoso.bulk_load(summary)
            store = RemoteStore(virtuoso.endpoint, timeout=timeout + 5)
            answers = {}
            for query in list_queries():
                if any(p.required for p in query.params):
                    continue

                def answer(query=query):
                    result = run_query(store, query, timeout=timeout, limit=query.page)
                    format_result(result, "table")
                    return result.total if result.total is not None else len(result.rows)
                try:
                    answers[query.name] = _timed(answer, spec.get("warm_limit", 5.0))
                except MalikgError as error:
                    answers[query.name] = {"error": error.message[:200]}
                print("QUERY " + json.dumps({"name": query.name, **answers[query.name]}), flush=True)
    return {"load_seconds": load, "queries": answers}


# ---------------------------------------------------------------------------
# DuckDB: the floor
# ---------------------------------------------------------------------------

_EVENTS = """
SELECT ?e ?region ?from ?to ?incident WHERE {
  ?e a mk:Event .
  OPTIONAL { ?e sem:hasPlace ?p . ?p mk:within* ?r . ?r mk:placeType mkv:region ; rdfs:label ?region }
  OPTIONAL { ?e sem:hasEarliestBeginTimeStamp ?from }
  OPTIONAL { ?e sem:hasLatestEndTimeStamp ?to }
  BIND (EXISTS { ?e a mk:Incident } AS ?incident)
}"""
_KILLED = """
SELECT ?e ?actor ?low ?best WHERE {
  ?e mk:harm ?harm ; mk:perpetrator ?who . ?harm mk:harmType mkv:killed . ?who rdfs:label ?actor .
  OPTIONAL { ?harm mk:low ?low } OPTIONAL { ?harm mk:best ?best }
}"""
FLOOR = {
    "events-per-region": """
        SELECT region, COUNT(DISTINCT e) AS events, COUNT(DISTINCT CASE WHEN incident THEN e END) AS incidents,
               MIN("from") AS first, MAX("to") AS last
        FROM events WHERE region IS NOT NULL GROUP BY region ORDER BY events DESC, region""",
    "people-killed-by-actor": """
        SELECT actor, COUNT(DISTINCT e) AS events, SUM(COALESCE(low, 0)) AS killed_low,
               SUM(COALESCE(best, 0)) AS killed_best
        FROM killed GROUP BY actor ORDER BY killed_best DESC, actor""",
}


def phase_duckdb(spec: dict) -> dict:
    """The flat tables from the on-disk store ``spec["store"]``, then FLOOR's aggregates timed."""
    import duckdb
    import pyoxigraph as ox

    from graph.sparql import prefixes

    store = ox.Store(spec["store"])
    started = time.perf_counter()
    database = duckdb.connect()
    # Through a CSV file and COPY, since executemany inserts row by row (0.6 ms a row: 25 minutes
    # at a million events, where the whole extraction now takes 4, mostly the SPARQL read). An
    # unbound OPTIONAL is an empty field, which COPY reads as NULL.
    with tempfile.TemporaryDirectory() as scratch:
        for table, query, columns in (("events", _EVENTS, "e VARCHAR, region VARCHAR, \"from\" DATE, "
                                                          "\"to\" DATE, incident BOOLEAN"),
                                      ("killed", _KILLED, "e VARCHAR, actor VARCHAR, low BIGINT, best BIGINT")):
            table_file = Path(scratch) / f"{table}.csv"
            with table_file.open("w", encoding="utf-8", newline="") as out:
                csv.writer(out).writerows([None if term is None else term.value for term in row]
                                          for row in store.query(query, use_default_graph_as_union=True,
                                                                 prefixes=prefixes()))
            database.execute(f"CREATE TABLE {table} ({columns})")
            database.execute(f"COPY {table} FROM '{table_file}' (HEADER false, DELIM ',', QUOTE '\"', ESCAPE '\"')")
    extract = time.perf_counter() - started
    answers = {name: _timed(lambda sql=sql: len(database.execute(sql).fetchall()), 5.0)
               for name, sql in FLOOR.items()}
    # Not "queries": the parent fills that key with the QUERY lines a phase prints, and this
    # phase prints none (its answers were lost so, and the column read "–").
    return {"extract_seconds": extract, "answers": answers}


# ---------------------------------------------------------------------------
# RESULTS.md
# ---------------------------------------------------------------------------

def _secs(value) -> str:
    return "–" if value is None else (f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s")


def _best(measured: dict | None):
    if not measured or "error" in measured:
        return None
    return measured["warm"] if measured.get("warm") is not None else measured.get("cold")


def _compared(embedded, virtuoso) -> str:
    """How Virtuoso compares with the embedded store: "3.0× faster" or "1.7× slower"."""
    if not embedded or not virtuoso:
        return "–"
    ratio = embedded / virtuoso
    return f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"


def section(sizes: list[tuple[int, dict]]) -> list[str]:
    """The "Partner engines" part of RESULTS.md: per size, each named query on embedded Oxigraph
    (malikg) and on Virtuoso, with rows, and DuckDB's floor where it has one."""
    lines = ["## Partner engines: Virtuoso and the DuckDB floor", "",
             "Warm medians (a cold run only where marked by its absence of warm runs). Virtuoso: "
             "Debian's virtuoso-opensource, bulk-loaded, asked through `--endpoint`'s code path. "
             "Rows differ where Virtuoso departs from the standard (tests/test_partners.py lists "
             "each case). DuckDB: flat per-event tables, the floor for precomputed facts.", ""]
    for n, size in sizes:
        virtuoso, floor = size.get("virtuoso"), size.get("duckdb")
        if not virtuoso and not floor:
            continue
        mine = size.get("queries", {}).get("queries", {})
        lines += [f"### {n:,} events", ""]
        if virtuoso and "error" in virtuoso and not virtuoso.get("queries"):
            lines += [f"Virtuoso: {virtuoso['error']}", ""]
        if virtuoso:
            lines.append(f"Virtuoso bulk load: {_secs(virtuoso.get('load_seconds'))}.")
        if floor and "extract_seconds" in floor:
            lines.append(f"DuckDB tables read from the store in {_secs(floor['extract_seconds'])} (not timed below).")
        lines += ["", "| query | malikg (embedded) | rows | Virtuoso | rows | Virtuoso / malikg | DuckDB |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        names = sorted(set(mine) | set((virtuoso or {}).get("queries", {})))
        for name in names:
            m, v = mine.get(name), (virtuoso or {}).get("queries", {}).get(name)
            d = (floor or {}).get("answers", {}).get(name)
            ratio = _compared(_best(m), _best(v))
            lines.append(f"| {name} | {(m or {}).get('error') or _secs(_best(m))} | {(m or {}).get('rows', '–')} "
                         f"| {(v or {}).get('error') or _secs(_best(v))} | {(v or {}).get('rows', '–')} "
                         f"| {ratio} | {_secs(_best(d)) if d else '–'} |")
        lines.append("")
    return lines


PHASES = {"virtuoso": phase_virtuoso, "duckdb": phase_duckdb}

if __name__ == "__main__":
    kind, target = sys.argv[1], sys.argv[2]
    spec = {"path": target, "summary": sys.argv[3] if len(sys.argv) > 3 else None} if kind == "virtuoso" \
        else {"store": target}
    print(json.dumps(PHASES[kind](spec), indent=1))
