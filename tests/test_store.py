"""graph.store: memory, disk and remote backends answer alike; loads are all-or-nothing."""
from __future__ import annotations

import gc
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import MalikgError
from graph.namespaces import ONTOLOGY_GRAPH
from graph.sparql import format_result, run
from graph.store import DiskStore, RemoteStore, open_store

from conftest import free_port
from tiny_graph import ONTOLOGY_TRIPLES, SEED_TRIPLES, seed_graph, write_ontology

ROOT = Path(__file__).resolve().parent.parent

EXTRA_TTL = b"""\
@prefix actor: <https://w3id.org/malikg/id/actor/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
actor:fla rdfs:label "Front de Lib\xc3\xa9ration de l'Azawad" .
actor:isgs rdfs:label "ISGS" .
"""


@pytest.fixture
def ontology(tmp_path):
    return write_ontology(tmp_path / "ontology")


@pytest.fixture
def memory(ontology):
    with open_store(seed_graph=seed_graph(), ontology=ontology) as store:
        yield store


@pytest.fixture
def disk(tmp_path, ontology):
    with open_store(tmp_path / "store", create=True, seed_graph=seed_graph(), ontology=ontology) as store:
        yield store


# ---------------------------------------------------------------------------
# Layout and opening
# ---------------------------------------------------------------------------

def test_memory_store_holds_seed_in_default_graph_and_ontology_in_its_graph(memory):
    store = memory.oxigraph
    assert memory.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES
    assert len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == SEED_TRIPLES
    assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))) == ONTOLOGY_TRIPLES
    # Beside the ontology, the summary graph derived from the data (graph/summary.py).
    assert sorted(g.value for g in store.named_graphs()) == [ONTOLOGY_GRAPH, "https://w3id.org/malikg/graph/summary"]
    # shapes.ttl is not part of the queryable ontology
    assert not list(store.quads_for_pattern(ox.NamedNode("urn:malikg:test:shape"), None, None, None))


def test_queries_see_the_union_of_graphs(memory):
    answer = run(memory, "SELECT ?label WHERE { actor:jnim a ?c . ?c rdfs:subClassOf ?super . "
                         "?super rdfs:label ?label }")
    assert [r[0].value for r in answer.rows] == ["Actor"]


def test_open_store_needs_create_for_a_new_directory(tmp_path, ontology):
    with pytest.raises(MalikgError, match="no store at"):
        open_store(tmp_path / "nothing-here")
    assert not (tmp_path / "nothing-here").exists()


def test_open_store_refuses_a_directory_that_is_not_a_store(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("not a store")
    with pytest.raises(MalikgError, match="not an Oxigraph store"):
        open_store(tmp_path / "docs", create=True)
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["notes.txt"]


def test_open_store_refuses_both_a_store_and_an_endpoint(tmp_path):
    with pytest.raises(MalikgError, match="not both"):
        open_store(tmp_path / "s", "http://127.0.0.1:9/query")


def test_new_disk_store_is_seeded_and_persists(tmp_path, ontology):
    path = tmp_path / "store"
    with open_store(path, create=True, seed_graph=seed_graph(), ontology=ontology) as store:
        assert store.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES
    with open_store(path) as store:  # no create, no seed: it exists now
        assert isinstance(store, DiskStore)
        assert store.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES
    assert not list(tmp_path.glob(".store.malikg-*"))


def test_new_disk_store_without_seed_holds_only_the_ontology(tmp_path, ontology):
    with open_store(tmp_path / "store", create=True, seed=False, ontology=ontology) as store:
        assert store.triple_count() == ONTOLOGY_TRIPLES


def test_a_second_process_cannot_open_an_open_store(disk):
    script = f"from graph.store import DiskStore\nDiskStore({str(disk.path)!r})\n"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode != 0
    assert "in use by another process" in done.stderr


# ---------------------------------------------------------------------------
# Dumps
# ---------------------------------------------------------------------------

def _dump(store, fmt, **kw) -> bytes:
    out = io.BytesIO()
    store.dump(out, fmt, **kw)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "xml"])
def test_memory_and_disk_dumps_are_byte_identical(memory, disk, fmt):
    assert _dump(memory, fmt) == _dump(disk, fmt)
    assert _dump(memory, fmt, with_ontology=False) == _dump(disk, fmt, with_ontology=False)


def test_dump_without_ontology_writes_only_the_default_graph(memory):
    data = _dump(memory, ox.RdfFormat.N_TRIPLES, with_ontology=False)
    triples = list(ox.parse(data, ox.RdfFormat.N_TRIPLES))
    assert len(triples) == SEED_TRIPLES
    assert b"ontology#Actor> <http://www.w3.org/2000/01/rdf-schema#label>" not in data


def test_triple_dump_with_ontology_is_the_union_and_quad_dump_keeps_the_graph(memory):
    nt = _dump(memory, "nt")
    assert len(list(ox.parse(nt, ox.RdfFormat.N_TRIPLES))) == SEED_TRIPLES + ONTOLOGY_TRIPLES
    nq = list(ox.parse(_dump(memory, "nq"), ox.RdfFormat.N_QUADS))
    assert sum(1 for q in nq if q.graph_name == ox.NamedNode(ONTOLOGY_GRAPH)) == ONTOLOGY_TRIPLES
    assert sum(1 for q in nq if q.graph_name == ox.DefaultGraph()) == SEED_TRIPLES
    trig = _dump(memory, "trig")
    assert f"<{ONTOLOGY_GRAPH}> {{".encode() in trig


def test_turtle_dump_uses_malikg_prefixes(memory, tmp_path):
    memory.dump(tmp_path / "graph.ttl", "ttl")
    text = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    assert "@prefix actor: <https://w3id.org/malikg/id/actor/> ." in text
    assert "actor:jnim" in text
    assert "Forces Armées Maliennes" in text


# ---------------------------------------------------------------------------
# Loads
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["memory", "disk"])
def test_load_adds_triples_and_reports_progress(request, kind):
    store = request.getfixturevalue(kind)
    seen = []
    store.load(EXTRA_TTL, "ttl", progress=lambda done, total: seen.append((done, total)))
    assert store.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES + 2
    assert seen and seen[-1] == (len(EXTRA_TTL), len(EXTRA_TTL))
    answer = run(store, "SELECT ?l WHERE { actor:fla rdfs:label ?l }")
    assert answer.rows[0][0].value == "Front de Libération de l'Azawad"


def test_load_into_a_named_graph(disk, tmp_path):
    source = tmp_path / "extra.ttl"
    source.write_bytes(EXTRA_TTL)
    disk.load(source, ox.RdfFormat.TURTLE, graph="https://w3id.org/malikg/graph/extra")
    assert ox.NamedNode("https://w3id.org/malikg/graph/extra") in list(disk.oxigraph.named_graphs())


@pytest.mark.parametrize("kind", ["memory", "disk"])
def test_load_with_a_syntax_error_adds_nothing(request, kind):
    store = request.getfixturevalue(kind)
    bad = EXTRA_TTL * 1 + b"".join(
        f"<https://w3id.org/malikg/id/event/e{i}> <urn:p> {i} .\n".encode() for i in range(5000)
    ) + b"<urn:broken> <urn:p> \"unterminated .\n"
    with pytest.raises(MalikgError, match="not valid RDF"):
        store.load(bad, "ttl")
    assert store.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES
    if kind == "disk":
        assert not list(store.path.parent.glob(f".{store.path.name}.malikg-*"))


def test_load_refuses_while_a_result_still_holds_the_store(disk):
    pending = disk.query("SELECT * WHERE { ?s ?p ?o }")  # an unconsumed iterator pins RocksDB
    with pytest.raises(MalikgError, match="still in use"):
        disk.load(EXTRA_TTL, "ttl")
    del pending
    gc.collect()
    assert disk.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES  # reopened, unchanged
    assert not list(disk.path.parent.glob(f".{disk.path.name}.malikg-*"))


def _big_ntriples(path: Path, count: int) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            out.write(f"<https://w3id.org/malikg/id/event/synthetic-{i}> "
                      f"<https://w3id.org/malikg/ontology#count> \"{i}\""
                      f"^^<http://www.w3.org/2001/XMLSchema#integer> .\n")
    return path


_KILLED_LOADER = """\
import sys, time
sys.path.insert(0, {root!r})
import pyoxigraph as ox
import graph.store as gs

store = gs.DiskStore({store!r})
said = False

def progress(done, total):
    global said
    if not said and done >= total * 3 // 4:
        said = True
        print("paused", flush=True)
        time.sleep(600)

if {non_atomic!r}:
    # A stand-in for a bulk loader that commits as it goes: 1000 quads per transaction.
    def committed_in_chunks(store, reader, fmt, graph):
        chunk = []
        for quad in ox.parse(reader, fmt):
            chunk.append(quad)
            if len(chunk) == 1000:
                store.extend(chunk)
                chunk = []
        store.extend(chunk)
    gs._bulk_load = committed_in_chunks

store.load({source!r}, "nt", progress=progress)
print("finished", flush=True)
"""


@pytest.mark.parametrize("non_atomic", [False, True], ids=["bulk_load", "chunked-commits"])
def test_load_killed_halfway_leaves_the_store_as_it_was(tmp_path, disk, non_atomic):
    path = disk.path
    before = _dump(disk, "nq")
    disk.close()
    source = _big_ntriples(tmp_path / "big.nt", 200_000)
    script = tmp_path / "loader.py"
    script.write_text(_KILLED_LOADER.format(root=str(ROOT), store=str(path), source=str(source),
                                            non_atomic=non_atomic))
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "paused"
        staging = list(path.parent.glob(f".{path.name}.malikg-staging-{child.pid}"))
        assert staging, "the load should be under way in a staging copy"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    if non_atomic:
        # The test has teeth: the killed load had committed part of its input to the copy,
        # which is what the store itself would hold had the load gone straight into it.
        half_done = ox.Store(str(staging[0]))
        assert SEED_TRIPLES + ONTOLOGY_TRIPLES < len(half_done) < SEED_TRIPLES + ONTOLOGY_TRIPLES + 200_000
        del half_done
    with DiskStore(path) as store:
        assert store.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES
        assert _dump(store, "nq") == before
        store.load(EXTRA_TTL, "ttl")  # and it still takes a load
        assert store.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES + 2
    assert not list(path.parent.glob(f".{path.name}.malikg-*")), "leftovers of the killed load are removed"


def test_a_store_missing_beside_its_saved_copy_is_put_back(disk):
    # The state a kill between the two renames of the fallback swap leaves behind.
    path = disk.path
    disk.close()
    saved = path.with_name(f".{path.name}.malikg-old-999999999")
    os.rename(path, saved)
    with open_store(path) as store:
        assert store.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES
    assert not saved.exists()


# ---------------------------------------------------------------------------
# Remote: an oxigraph server on a loopback port
# ---------------------------------------------------------------------------

@pytest.fixture
def server(tmp_path, ontology, serve_store):
    """An oxigraph server over a store holding the tiny graph; yields its base URL."""
    location = tmp_path / "served"
    open_store(location, create=True, seed_graph=seed_graph(), ontology=ontology).close()
    return serve_store(location)


QUESTIONS = [
    ("SELECT ?event ?date ?killed WHERE { ?event mk:perpetrator ?actor ; sem:hasTimeStamp ?date ; "
     "mk:count ?killed FILTER(?date >= ?since) } ORDER BY ?date",
     {"actor": "malian-armed-forces", "since": "2024-01-01"}),
    ("SELECT ?x ?label WHERE { ?x rdfs:label ?label } ORDER BY ?label", {}),
    ("SELECT (COUNT(*) AS ?n) (SUM(?k) AS ?total) WHERE { ?e mk:count ?k }", {}),
    ("SELECT ?c ?label WHERE { ?c rdfs:label ?label FILTER(LANG(?label) = 'en') } ORDER BY ?c", {}),
    ("ASK { ?e mk:perpetrator ?actor }", {"actor": "jnim"}),
    ("ASK { ?e mk:perpetrator ?actor }", {"actor": "nobody"}),
    ("CONSTRUCT { ?e mk:perpetrator ?a } WHERE { ?e mk:perpetrator ?a ; sem:hasTimeStamp ?d "
     "FILTER(?d >= ?since) }", {"since": "2024-03-01"}),
    ("DESCRIBE ?actor", {"actor": "jnim"}),
]
DECLARED = {"actor": ("actor", None), "since": ("date", None)}


@pytest.mark.server
def test_memory_disk_and_remote_give_byte_identical_answers(server, memory, disk):
    remote = open_store(endpoint=server + "/query")
    assert isinstance(remote, RemoteStore)
    for text, params in QUESTIONS:
        declared = {k: v for k, v in DECLARED.items() if k in params}
        for fmt in ("table", "csv", "tsv", "json"):
            answers = [format_result(run(store, text, params, declared=declared), fmt)
                       for store in (memory, disk, remote)]
            assert answers[0] == answers[1] == answers[2], (text, fmt)
    assert remote.triple_count() == memory.triple_count() == disk.triple_count()


@pytest.mark.server
@pytest.mark.parametrize("fmt", ["ttl", "nq", "trig"])
def test_remote_dump_matches_local_dump(server, memory, fmt):
    remote = RemoteStore(server + "/query")
    assert _dump(remote, fmt) == _dump(memory, fmt)
    assert _dump(remote, fmt, with_ontology=False) == _dump(memory, fmt, with_ontology=False)


@pytest.mark.server
def test_remote_load_with_the_graph_store_protocol(server, memory):
    remote = RemoteStore(server + "/query", data_url=server + "/store")
    remote.load(EXTRA_TTL, "ttl")
    assert remote.triple_count() == memory.triple_count() + 2
    with pytest.raises(MalikgError, match="HTTP 400"):
        remote.load(b"<urn:a> <urn:b> .", "ttl")
    assert remote.triple_count() == memory.triple_count() + 2


@pytest.mark.server
def test_remote_load_with_insert_data(server, memory):
    remote = RemoteStore(server + "/query", server + "/update")
    remote.load(EXTRA_TTL, "ttl", graph="https://w3id.org/malikg/graph/extra")
    answer = run(remote, "SELECT ?l WHERE { GRAPH <https://w3id.org/malikg/graph/extra> "
                         "{ actor:fla rdfs:label ?l } }")
    assert answer.rows[0][0].value == "Front de Libération de l'Azawad"


def test_remote_store_without_a_load_url_is_read_only():
    with pytest.raises(MalikgError, match="read-only"):
        RemoteStore("http://127.0.0.1:9/query").load(EXTRA_TTL, "ttl")


def test_unreachable_endpoint_is_a_clear_error_naming_the_url():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(MalikgError, match=f"cannot reach SPARQL endpoint {url}"):
        run(RemoteStore(url, timeout=5), "ASK { ?s ?p ?o }")


def test_a_summary_rebuild_whose_sort_fails_is_one_clear_error(monkeypatch):
    # The rebuild compares the old and new summary graphs through sort(1): a failed sort (a full
    # disk) is one line, not a traceback.
    import subprocess

    from graph import summary
    from graph.errors import MalikgError

    with open_store() as store:
        summary.rebuild(store.oxigraph)  # a graph to compare with: the by-difference path

        def failing(*args, **kwargs):
            raise subprocess.CalledProcessError(2, ["sort"])

        monkeypatch.setattr(summary, "sort_lines", failing)
        with pytest.raises(MalikgError, match="cannot sort the summary graph's scratch files"):
            summary.rebuild(store.oxigraph)
