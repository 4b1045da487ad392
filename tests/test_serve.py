"""malikg serve: the read-only SPARQL 1.1 Protocol endpoint, in process and as a real server."""
from __future__ import annotations

import csv
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
from pathlib import Path
from wsgiref.util import setup_testing_defaults
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

from graph.serve import make_app, negotiate
from graph.sparql import run

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/malikg/id/"
JNIM_EVENTS = """SELECT ?event ?label WHERE {
  ?event mk:perpetrator actor:jnim ; rdfs:label ?label .
} ORDER BY ?event"""
OGOTA_LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
CONSTRUCT { ?event rdfs:label ?label }
WHERE { ?event sem:hasPlace <https://w3id.org/malikg/id/place/ogota> ; rdfs:label ?label }"""
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
OGOTA_ASK = "ASK { event:2024-01-27-ogota sem:hasPlace place:ogota }"


@pytest.fixture(scope="module")
def app(store):
    return make_app(store, timeout=30, max_rows=60)


def call(app, method="GET", path="/sparql", params=None, body=b"", content_type=None, accept=None):
    environ: dict = {}
    setup_testing_defaults(environ)
    environ.update({"REQUEST_METHOD": method, "PATH_INFO": path,
                    "QUERY_STRING": urllib.parse.urlencode(params or {}),
                    "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
    if content_type:
        environ["CONTENT_TYPE"] = content_type
    if accept:
        environ["HTTP_ACCEPT"] = accept
    answer = {}

    def start_response(status, headers):
        answer.update(status=int(status.split()[0]), headers=dict(headers))

    answer["body"] = b"".join(app(environ, start_response))
    return answer


def expected_rows(store, text):
    return [tuple(term.value for term in row) for row in run(store, text).rows]


# ---------------------------------------------------------------------------
# The protocol, in process
# ---------------------------------------------------------------------------

def test_negotiation_follows_accept():
    offered = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]
    assert negotiate("", offered) == "application/sparql-results+json"
    assert negotiate("text/csv", offered) == "text/csv"
    assert negotiate("text/*;q=0.9, application/sparql-results+xml", offered) == "application/sparql-results+xml"
    assert negotiate("application/json, */*;q=0.1", offered) == "application/sparql-results+json"
    assert negotiate("text/csv;q=0, */*;q=0.5", offered) == "application/sparql-results+json"
    assert negotiate("image/png", offered) is None


def test_get_select_answers_as_sparql_json(app, store):
    answer = call(app, params={"query": JNIM_EVENTS})
    assert answer["status"] == 200
    assert answer["headers"]["Content-Type"] == "application/sparql-results+json"
    bindings = json.loads(answer["body"])["results"]["bindings"]
    rows = [(b["event"]["value"], b["label"]["value"]) for b in bindings]
    assert rows == expected_rows(store, JNIM_EVENTS)
    assert (BASE + "event/2024-01-27-ouembe", "JNIM attack on Ouémbé") in rows


@pytest.mark.parametrize("media_type", ["text/csv", "text/tab-separated-values", "application/sparql-results+xml"])
def test_post_form_select_in_each_results_format(app, store, media_type):
    body = urllib.parse.urlencode({"query": JNIM_EVENTS}).encode()
    answer = call(app, "POST", body=body, content_type="application/x-www-form-urlencoded", accept=media_type)
    assert answer["status"] == 200 and answer["headers"]["Content-Type"].startswith(media_type)
    text = answer["body"].decode("utf-8")
    labels = [label for _, label in expected_rows(store, JNIM_EVENTS)]
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["event", "label"]
        assert [tuple(r) for r in rows[1:]] == expected_rows(store, JNIM_EVENTS)
    elif media_type == "text/tab-separated-values":
        assert [line.split("\t")[1] for line in text.splitlines()[1:]] == [json.dumps(x, ensure_ascii=False) for x in labels]
    else:
        assert [e.text for e in ElementTree.fromstring(text).iter(RESULTS_NS + "literal")] == labels


def test_post_sparql_query_ask(app):
    answer = call(app, "POST", body=OGOTA_ASK.encode(), content_type="application/sparql-query")
    assert answer["status"] == 200
    assert json.loads(answer["body"])["boolean"] is True


@pytest.mark.parametrize("accept,rdflib_format", [(None, "turtle"), ("application/n-triples", "nt"),
                                                  ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")])
def test_construct_answers_rdf(app, store, accept, rdflib_format):
    answer = call(app, params={"query": OGOTA_LABELS}, accept=accept)
    assert answer["status"] == 200
    got = Graph().parse(data=answer["body"], format=rdflib_format)
    expected = Graph().parse(data=b"".join(str(t).encode() + b" .\n" for t in run(store, OGOTA_LABELS).triples),
                             format="nt")
    assert len(got) >= 2 and isomorphic(got, expected)
    assert (URIRef(BASE + "event/2024-01-27-ogota"), RDFS.label, Literal("JNIM attack on Ogota")) in got


def test_service_description_without_a_query(app):
    answer = call(app)
    assert answer["status"] == 200 and answer["headers"]["Content-Type"].startswith("text/turtle")
    assert b"sd:SPARQL11Query" in answer["body"] and b"<http://127.0.0.1/sparql>" in answer["body"]


def test_service_description_names_the_dataset_it_serves(app, store):
    """The SPARQL 1.1 Service Description's default dataset is the export's dataset node, with
    void:sparqlEndpoint back to the endpoint and the two named graphs the named queries read."""
    from graph.dataset import dataset_iri
    from graph.namespaces import ONTOLOGY_GRAPH, SUMMARY_GRAPH

    sd, void = "http://www.w3.org/ns/sparql-service-description#", "http://rdfs.org/ns/void#"
    described = Graph().parse(data=call(app)["body"], format="turtle")
    endpoint, dataset = URIRef("http://127.0.0.1/sparql"), dataset_iri()
    assert dataset == URIRef(BASE + "dataset")
    assert list(described.objects(endpoint, URIRef(sd + "defaultDataset"))) == [dataset]
    assert list(described.objects(dataset, URIRef(void + "sparqlEndpoint"))) == [endpoint]
    assert (dataset, RDF.type, URIRef(sd + "Dataset")) in described
    named = {described.value(graph, URIRef(sd + "name")) for graph in described.objects(dataset, URIRef(sd + "namedGraph"))}
    assert named == {URIRef(ONTOLOGY_GRAPH), URIRef(SUMMARY_GRAPH)}
    # What the endpoint itself answers about those graphs agrees with the description.
    for graph in named:
        assert run(store, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").boolean is True


@pytest.mark.parametrize("request_args,status,words", [
    ({"method": "POST", "body": b"update=INSERT+DATA+%7B%3Ca%3Ab%3E+%3Ca%3Ac%3E+%3Ca%3Ad%3E%7D",
      "content_type": "application/x-www-form-urlencoded"}, 403, "read-only"),
    ({"method": "POST", "body": b"INSERT DATA { <a:b> <a:c> <a:d> }",
      "content_type": "application/sparql-update"}, 403, "read-only"),
    ({"params": {"update": "DROP ALL"}}, 403, "read-only"),
    ({"params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}}, 403, "SERVICE"),
    ({"params": {"query": "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }"}}, 403, "FROM"),
    ({"params": {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                 "default-graph-uri": "http://127.0.0.1:9/g"}}, 403, "default-graph-uri"),
    ({"params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 400, "Update is not allowed"),
    ({"params": {"query": "SELECT ?x WHERE { ?x ?y }"}}, 400, "line 1"),
    ({"params": {"query": OGOTA_ASK}, "accept": "image/png"}, 406, "application/sparql-results+json"),
    ({"method": "POST", "body": b"query", "content_type": "text/plain"}, 415, "application/sparql-query"),
    ({"method": "PUT"}, 405, "PUT"),
    ({"path": "/update"}, 404, "/sparql"),
])
def test_refusals_are_one_line_with_a_status(app, store, request_args, status, words):
    answer = call(app, **request_args)
    assert answer["status"] == status
    assert answer["headers"]["Content-Type"] == "text/plain; charset=utf-8"
    message = answer["body"].decode()
    assert words in message and message.count("\n") == 1
    assert run(store, "ASK { <a:b> ?p ?o }").boolean is False


def test_answers_over_the_limit_are_refused_not_cut(app, store):
    everything = "SELECT ?s ?label WHERE { ?s rdfs:label ?label }"
    assert len(run(store, everything).rows) > 60
    refused = call(app, params={"query": everything})
    assert refused["status"] == 413 and b"LIMIT and OFFSET" in refused["body"]
    paged = call(app, params={"query": everything + " ORDER BY ?s LIMIT 60 OFFSET 60"})
    assert paged["status"] == 200 and len(json.loads(paged["body"])["results"]["bindings"]) > 0
    triples = call(app, params={"query": "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label }"})
    assert triples["status"] == 413 and b"triples" in triples["body"]


def test_a_query_over_time_gets_503():
    release = threading.Event()

    class Stuck:
        def query(self, text, substitutions=None):
            release.wait(10)
            raise RuntimeError("released")

    try:
        answer = call(make_app(Stuck(), timeout=0.2), params={"query": OGOTA_ASK})
    finally:
        release.set()
    assert answer["status"] == 503 and b"timed out" in answer["body"]


# ---------------------------------------------------------------------------
# A real server, a real client
# ---------------------------------------------------------------------------

@pytest.fixture
def server(tmp_path):
    """``malikg serve`` in a subprocess on a free loopback port; yields (process, endpoint URL)."""
    errors = open(tmp_path / "stderr.txt", "wb")
    # A temporary folder of its own, so a test can tell what the server leaves behind.
    (tmp_path / "tmp").mkdir()
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", "--port", "0", "--max-rows", "500"],
                               stdout=subprocess.PIPE, stderr=errors, cwd=tmp_path,
                               env={**os.environ, "TMPDIR": str(tmp_path / "tmp")})
    try:
        ready, _, _ = select.select([process.stdout], [], [], 120)
        line = process.stdout.readline().decode() if ready else ""
        assert line.startswith("SPARQL endpoint: http://127.0.0.1:"), (line, (tmp_path / "stderr.txt").read_text())
        yield process, line.split(": ", 1)[1].strip()
    finally:
        _stop(process)
        errors.close()


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM, as a service manager stops it (the server removes its scratch copy of the
    store), then SIGKILL if it has not stopped within 30 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.server
def test_sparqlwrapper_queries_the_endpoint(server, store):
    from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, SPARQLWrapper

    process, url = server
    client = SPARQLWrapper(url)

    client.setQuery(JNIM_EVENTS)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert [(b["event"]["value"], b["label"]["value"]) for b in bindings] == expected_rows(store, JNIM_EVENTS)

    client.setMethod(POST)
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.queryAndConvert().decode("utf-8"))))
    assert [tuple(r) for r in rows[1:]] == expected_rows(store, JNIM_EVENTS)

    client.setRequestMethod(POSTDIRECTLY)
    client.setReturnFormat(JSON)
    client.setQuery(OGOTA_ASK)
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery("ASK { event:2024-01-27-ogota sem:hasPlace place:bamako }")
    assert client.queryAndConvert()["boolean"] is False

    client.setQuery(OGOTA_LABELS)
    client.setReturnFormat(TURTLE)
    got = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert (URIRef(BASE + "event/2024-01-27-ogota-ouembe"), RDFS.label,
            Literal("JNIM's attacks on Ogota and Ouémbé and its return to burn them")) in got


@pytest.mark.server
def test_updates_and_service_are_refused_and_nothing_is_fetched(server):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    process, url = server
    client = SPARQLWrapper(url)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.query()
    assert refused.value.code == 403

    with socket.socket() as bait:  # a local "remote endpoint" that SERVICE would have to call
        bait.bind(("127.0.0.1", 0))
        bait.listen(1)
        bait.setblocking(False)
        client.setQuery(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{bait.getsockname()[1]}/sparql> "
                        "{ ?s ?p ?o } }")
        client.setReturnFormat(JSON)
        with pytest.raises(urllib.error.HTTPError) as refused:
            client.query()
        assert refused.value.code == 403
        with pytest.raises(BlockingIOError):
            bait.accept()

    client.setQuery("ASK { <urn:x:a> ?p ?o }")
    assert client.queryAndConvert()["boolean"] is False


@pytest.mark.server
def test_ctrl_c_stops_the_server_cleanly(server):
    process, url = server
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert process.stdout.read().decode().strip().endswith("stopped")
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


@pytest.mark.server
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stopped_server_leaves_no_copy_of_the_store_behind(server, signum, tmp_path):
    # Over the bundled seeds (an in-memory store) each query worker reads a dump of the store
    # from a scratch folder: stopping the server removes it.
    process, url = server
    assert [p.name for p in (tmp_path / "tmp").iterdir()][:1] != [], "the server made no scratch folder"
    process.send_signal(signum)
    assert process.wait(timeout=30) == 0
    assert list((tmp_path / "tmp").iterdir()) == []
