"""Scale: synthetic data, `malikg load`, and every named query answering alike on every backend."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from cli import main
from graph.errors import MalikgError
from graph.loading import ingest
from graph.emit import build_graph
from graph.namespaces import MK, MKV, OA, SEM, base_iri
from graph.queries import list_queries, run_query
from graph.sparql import format_result
from graph.store import open_store
from graph.synth import synthesize
from graph.validate import shacl_violations

#: The commands that read the graph, each of which takes --store and --endpoint.
STORE_COMMANDS = ("build", "stats", "query", "chains", "alliances", "network", "export", "serve")


@pytest.fixture(scope="module")
def seed():
    return build_graph()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, seed):
    """300 synthetic events with their source texts."""
    folder = tmp_path_factory.mktemp("synth")
    result = synthesize(300, folder / "events.nt", texts_dir=folder / "texts", seed_graph=seed)
    return result, folder / "texts"


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------

def test_synthetic_graph_with_the_seed_passes_shacl(tmp_path, seed):
    path = tmp_path / "small.nt"
    synthesize(50, path, seed_graph=seed)
    graph = Graph()
    for triple in seed:
        graph.add(triple)
    graph.parse(path, format="nt")
    assert shacl_violations(graph) == []


def test_synthetic_events_have_the_model_shape(synthetic):
    result, _ = synthetic
    graph = Graph().parse(result.path, format="nt")
    events = set(graph.subjects(RDF.type, MK.Incident))
    assert len(events) == result.counts["events"] == 300
    assert events <= set(graph.subjects(RDF.type, MK.Event))
    # An ACLED-like mix: several event types, violence against civilians and clashes the commonest.
    types = [graph.value(e, SEM.eventType) for e in events]
    by_type = {t: types.count(t) for t in set(types)}
    assert len(by_type) >= 8
    top_two = sorted(by_type, key=by_type.get)[-2:]
    assert set(top_two) == {MKV.attack, MKV["armed-clash"]}
    # Participations, harms with derived figures, and retaliation claims answering earlier events.
    assert len(set(graph.subjects(RDF.type, MK.Participation))) == result.counts["participations"]
    assert len(set(graph.subjects(RDF.type, MK.Harm))) == result.counts["harms"] > 50
    for harm in graph.subjects(MK.countQualifier, MKV.exact):
        n = graph.value(harm, MK["count"]).toPython()
        assert (graph.value(harm, MK.low).toPython(), graph.value(harm, MK.best).toPython(),
                graph.value(harm, MK.high).toPython()) == (n, n, n)
    claims = set(graph.subjects(RDF.type, MK.Claim))
    assert len(claims) == result.counts["claims"] > 0
    date = SEM.hasEarliestBeginTimeStamp
    for claim in claims:
        event, earlier = graph.value(claim, MK.claimAbout), graph.value(claim, MK.respondsTo)
        assert (event, MK.respondsTo, earlier) in graph
        assert graph.value(earlier, date).toPython() < graph.value(event, date).toPython()
        assert graph.value(claim, MK.claimedActor) != graph.value(claim, MK.retaliatedAgainst)
    # It reuses the seed's actors: JNIM and the Malian armed forces take part.
    actors = set(graph.objects(None, MK.participant))
    assert {URIRef(base_iri() + "actor/jnim"), URIRef(base_iri() + "actor/malian-armed-forces")} <= actors


def test_every_quote_is_the_text_of_its_synthetic_report(synthetic):
    result, texts = synthetic
    graph = Graph().parse(result.path, format="nt")
    documents = set(graph.subjects(RDF.type, MK.SourceDocument))
    assert len(documents) == 2  # the gazetteer and one report per 1,000 events
    text_of = {}
    for document in documents:
        slug = str(graph.value(document, DCTERMS.identifier))
        text = (texts / f"{slug}.txt").read_text(encoding="utf-8")
        assert graph.value(document, MK.characterCount).toPython() == len(text)
        assert str(graph.value(document, MK.sha256)) == hashlib.sha256(text.encode()).hexdigest()
        text_of[document] = text
    quotes = 0
    for evidence in graph.subjects(RDF.type, OA.SpecificResource):
        text = text_of[graph.value(evidence, OA.hasSource)]
        selectors = list(graph.objects(evidence, OA.hasSelector))
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
        start, end = graph.value(position, OA.start).toPython(), graph.value(position, OA.end).toPython()
        assert str(graph.value(quote, OA.exact)) == text[start:end]
        quotes += 1
    assert quotes >= 300


def test_same_seed_same_bytes_other_seed_other_events(tmp_path, seed):
    first, again, other = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    synthesize(120, first, seed_graph=seed)
    synthesize(120, again, seed_graph=seed)
    synthesize(120, other, seed=1, seed_graph=seed)
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_synth_command_writes_n_triples_and_refuses_other_suffixes(tmp_path):
    runner = CliRunner()
    done = runner.invoke(main, ["synth", "--events", "20", "-o", str(tmp_path / "e.nt")])
    assert done.exit_code == 0, done.output
    assert "20 events" in done.stdout
    triples = list(ox.parse(path=str(tmp_path / "e.nt"), format=ox.RdfFormat.N_TRIPLES))
    assert str(len(triples)) in done.stdout
    refused = runner.invoke(main, ["synth", "--events", "20", "-o", str(tmp_path / "e.ttl")])
    assert refused.exit_code == 2 and "N-Triples" in refused.stderr


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

def _count(store, sparql: str) -> int:
    return int(next(iter(store.query(sparql)))[0].value)


def test_load_creates_a_seeded_store_where_synthetic_events_meet_seed_actors(tmp_path, synthetic):
    result, _ = synthetic
    path = tmp_path / "store"
    done = CliRunner().invoke(main, ["load", str(result.path), "--store", str(path)])
    assert done.exit_code == 0, done.output
    with open_store(path) as store:
        # The seed's own JNIM node (label, type) joins the synthetic events that name it.
        jnim_events = _count(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e mk:perpetrator actor:jnim . "
                                    "actor:jnim rdfs:label \"JNIM\" }")
        seed_events = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a mk:Event "
                                    "FILTER(!STRSTARTS(STR(?e), STR(event:syn-))) }")
        assert jnim_events > 10
        assert seed_events == len(set(build_graph().subjects(RDF.type, MK.Event)))
        assert str(store.triple_count()) in done.stdout


def test_load_without_seed_and_with_record_files(tmp_path):
    path = tmp_path / "store"
    runner = CliRunner()
    done = runner.invoke(main, ["load", str(Path("seeds/sources/hrw-wr2025-mali/events.yaml").resolve()), "--store", str(path),
                                "--no-seed"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    with open_store(path) as store:
        # The record file arrives with the bundled seeds it refers to: Ogota and its perpetrator.
        assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { event:2024-01-27-ogota mk:perpetrator "
                             "actor:jnim }") == 1


def test_a_failing_file_leaves_the_store_as_it_was(tmp_path, synthetic):
    result, _ = synthetic
    path = tmp_path / "store"
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:b> \"unterminated .\n")
    with open_store(path, create=True) as store:
        before = store.triple_count()
        with pytest.raises(MalikgError, match="broken.ttl"):
            ingest(store, [result.path, broken])  # the good file first: it must not stay loaded
        assert store.triple_count() == before
    done = CliRunner().invoke(main, ["load", str(tmp_path / "nothing.csv"), "--store", str(path)])
    assert done.exit_code != 0


def test_load_needs_a_store(synthetic):
    result, _ = synthetic
    done = CliRunner().invoke(main, ["load", str(result.path)], env={"MALIKG_STORE": None, "MALIKG_ENDPOINT": None})
    assert done.exit_code == 2 and "--store DIR or --endpoint URL" in done.stderr


# ---------------------------------------------------------------------------
# Every backend, every command
# ---------------------------------------------------------------------------

def _params(query) -> dict[str, str]:
    """Defaults, and for a required parameter the value the query's own example gives it."""
    example = dict(re.findall(r"-p\s+(\w+)=(\S+)", query.example or ""))
    return {p.name: example[p.name] for p in query.params if p.required and p.name in example}


@pytest.mark.server
def test_every_named_query_answers_alike_in_memory_on_disk_and_remote(tmp_path, synthetic, serve_store):
    result, _ = synthetic
    queries = list_queries()
    assert queries, "no named queries found"
    memory = open_store()
    memory.load(result.path, "nt")
    disk = open_store(tmp_path / "disk", create=True)
    disk.load(result.path, "nt")
    with open_store(tmp_path / "served", create=True) as served:
        served.load(result.path, "nt")
    remote = open_store(endpoint=serve_store(tmp_path / "served") + "/query")
    answered = 0
    for query in queries:
        params = _params(query)
        if any(p.required and p.name not in params for p in query.params):
            continue
        results = [run_query(store, query, params) for store in (memory, disk, remote)]
        for fmt in ("table", "json"):
            first, *others = (format_result(r, fmt) for r in results)
            assert all(other == first for other in others), f"{query.name} ({fmt}) differs by backend"
        answered += 1
    assert answered >= len(queries) - 1
    assert memory.triple_count() == disk.triple_count() == remote.triple_count()
    disk.close()


@pytest.mark.server
def test_load_into_an_endpoint_through_the_graph_store_protocol(tmp_path, synthetic, serve_store):
    result, _ = synthetic
    open_store(tmp_path / "served", create=True).close()
    url = serve_store(tmp_path / "served")
    done = CliRunner().invoke(main, ["load", str(result.path), "--endpoint", url + "/query",
                                     "--graph-store-url", url + "/store"])
    assert done.exit_code == 0, done.output
    remote = open_store(endpoint=url + "/query")
    seed_incidents = len(set(build_graph().subjects(RDF.type, MK.Incident)))
    assert _count(remote, "SELECT (COUNT(*) AS ?n) WHERE { ?e a mk:Incident }") == seed_incidents + 300
    read_only = CliRunner().invoke(main, ["load", str(result.path), "--endpoint", url + "/query"],
                                   env={"MALIKG_UPDATE_ENDPOINT": None, "MALIKG_GRAPH_STORE": None})
    assert read_only.exit_code == 2 and "read-only" in read_only.stderr


def test_build_with_a_store_loads_the_built_graph_into_it(tmp_path, seed):
    done = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "out"), "--store", str(tmp_path / "store")],
                              env={"MALIKG_ENDPOINT": None})
    assert done.exit_code == 0, done.output
    with open_store(tmp_path / "store") as store:
        assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a mk:Event }") == \
            len(set(seed.subjects(RDF.type, MK.Event)))
        assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { mk:Event a owl:Class }") == 1  # and the ontology


@pytest.mark.parametrize("command", STORE_COMMANDS)
def test_every_graph_command_takes_store_and_endpoint_options_and_variables(command):
    if command not in main.commands:
        pytest.skip(f"`malikg {command}` is not there yet")
    options = {p.name: p for p in main.commands[command].params}
    assert options["store_dir"].envvar == "MALIKG_STORE"
    assert options["endpoint"].envvar == "MALIKG_ENDPOINT"


def test_query_reads_the_store_named_by_malikg_store(tmp_path, synthetic):
    result, _ = synthetic
    path = tmp_path / "store"
    with open_store(path, create=True) as store:
        store.load(result.path, "nt")
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?e a mk:Incident }"
    runner = CliRunner()
    on_disk = runner.invoke(main, ["query", "--sparql", sparql, "--format", "csv"],
                            env={"MALIKG_STORE": str(path), "MALIKG_ENDPOINT": None})
    in_memory = runner.invoke(main, ["query", "--sparql", sparql, "--format", "csv"],
                              env={"MALIKG_STORE": None, "MALIKG_ENDPOINT": None})
    seed_incidents = len(set(build_graph().subjects(RDF.type, MK.Incident)))
    assert on_disk.stdout.split()[-1] == str(seed_incidents + 300)
    assert in_memory.stdout.split()[-1] == str(seed_incidents)
