"""graph.sparql and graph.queries: read-only, parameter-safe, time-limited queries, and the CLI over them."""
from __future__ import annotations

import re
import socket
import threading
import time

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

import cli
from graph import queries as named
from graph import resources, sparql
from graph.errors import MalikgError
from graph.sparql import analyse, bind, format_result, inspect_query, run, with_values
from graph.store import MemoryStore, open_store
from tiny_graph import ONTOLOGY_TRIPLES, SEED_TRIPLES, seed_graph, write_ontology, write_queries

BASE = "https://w3id.org/malikg/id/"


@pytest.fixture
def store(tmp_path):
    with open_store(seed_graph=seed_graph(), ontology=write_ontology(tmp_path / "ontology")) as s:
        yield s


@pytest.fixture
def store_dir(tmp_path):
    path = tmp_path / "store"
    open_store(path, create=True, seed_graph=seed_graph(),
               ontology=write_ontology(tmp_path / "ontology")).close()
    return path


@pytest.fixture
def library(tmp_path, monkeypatch):
    folder = write_queries(tmp_path / "queries")
    monkeypatch.setattr(resources, "queries_dir", lambda: folder)
    return folder


def malikg(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


# ---------------------------------------------------------------------------
# Nothing reaches the network
# ---------------------------------------------------------------------------

@pytest.fixture
def no_network(monkeypatch):
    """Fail any Python-level connection attempt (urllib, http.client, sockets)."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network connection attempted: {args[1:]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield attempts
    assert not attempts


@pytest.fixture
def listener():
    """A loopback port that records connections: pyoxigraph's own HTTP client (SERVICE) is
    native code that Python's socket guard cannot see, so it is pointed here instead."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    accepted, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn.recv(200))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", accepted
    stop.set()
    thread.join()
    server.close()


REFUSED = {
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }": "SPARQL Update is not allowed",
    "DELETE WHERE { ?s ?p ?o }": "SPARQL Update is not allowed",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }": "SPARQL Update is not allowed",
    "LOAD <{url}/data.ttl>": "SPARQL Update is not allowed",
    "LOAD SILENT <{url}/data.ttl> INTO GRAPH <urn:g>": "SPARQL Update is not allowed",
    "CLEAR ALL": "SPARQL Update is not allowed",
    "DROP ALL": "SPARQL Update is not allowed",
    "DROP GRAPH <https://w3id.org/malikg/graph/ontology>": "SPARQL Update is not allowed",
    "CREATE GRAPH <urn:g>": "SPARQL Update is not allowed",
    "PREFIX x: <urn:x#> INSERT DATA { x:a x:b x:c }": "SPARQL Update is not allowed",
    "SELECT * WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }": "SERVICE is not allowed without --allow-remote",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <{url}/sparql> { ?s ?q ?r } } }":
        "SERVICE is not allowed",
    "ASK { ?s ?p ?o FILTER EXISTS { SERVICE <{url}/sparql> { ?s ?p ?o } } }": "SERVICE is not allowed",
    "SELECT ?s WHERE { { SELECT ?s WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } } } }":
        "SERVICE is not allowed",
    "SELECT * WHERE { BIND(<{url}/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }": "SERVICE is not allowed",
    "CONSTRUCT WHERE { ?s ?p ?o } ": None,  # control: allowed
    "SELECT * FROM <{url}/data.ttl> WHERE { ?s ?p ?o }": "FROM and FROM NAMED are not allowed",
    "SELECT * FROM NAMED <{url}/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }": "FROM and FROM NAMED",
    "DESCRIBE ?s FROM <{url}/data.ttl> WHERE { ?s ?p ?o }": "FROM and FROM NAMED",
}


@pytest.mark.parametrize("text", list(REFUSED))
def test_cli_refuses_writes_and_remote_access_without_touching_the_network(
        text, store_dir, no_network, listener):
    url, accepted = listener
    query = text.replace("{url}", url)
    result = malikg("query", "--sparql", query, "--store", store_dir)
    expected = REFUSED[text]
    if expected is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code != 0
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1  # one line
    time.sleep(0.05)
    assert accepted == []
    with open_store(store_dir) as s:
        assert s.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES


def test_the_listener_would_have_seen_a_service_call(store, listener):
    # Control for the test above: with --allow-remote, pyoxigraph does call out.
    url, accepted = listener
    with pytest.raises(MalikgError):
        run(store, f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
            allow_remote=True, timeout=10)
    deadline = time.monotonic() + 5
    while not accepted and time.monotonic() < deadline:
        time.sleep(0.02)
    assert accepted and accepted[0].startswith(b"POST /sparql")


def test_library_refusals_name_what_was_refused():
    with pytest.raises(MalikgError, match="^SPARQL Update is not allowed: queries are read-only$"):
        inspect_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(MalikgError, match="SERVICE <http://example.org/sparql>"):
        inspect_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert inspect_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                         allow_remote=True).services == ("<http://example.org/sparql>",)


def test_an_update_hidden_after_a_query_is_a_syntax_error():
    with pytest.raises(MalikgError, match="syntax error at line 1, column 23 near ';'"):
        inspect_query("SELECT * { ?s ?p ?o } ; DROP ALL")


# ---------------------------------------------------------------------------
# Inspecting
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, form, variables", [
    ("SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a", "SELECT", ("a", "n")),
    ("select * { ?a ?p ?b }", "SELECT", None),
    ("ASK { ?s ?p ?o }", "ASK", ()),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT", ()),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", ()),
    ("DESCRIBE <urn:x>", "DESCRIBE", ()),
])
def test_inspect_query_reads_the_form_from_the_parse_tree(text, form, variables):
    info = inspect_query(text)
    assert (info.form, info.variables) == (form, variables)


def test_a_query_that_mentions_select_in_a_string_is_still_an_ask():
    assert inspect_query('ASK { ?s ?p "SELECT * WHERE" }').form == "ASK"


@pytest.mark.parametrize("text, where", [
    # The missing operand, not the FILTER that holds it.
    ("SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o > )\n}", "line 3, column 15 near ')'"),
    # The second comma of an object list, not the start of the triple.
    ("SELECT ?s WHERE {\n  ?s <urn:p> ?y ,, ?z .\n}", "line 2, column 18 near ','"),
    # The unclosed BIND's closing brace, not the BIND.
    ("SELECT ?x WHERE { ?x ?p ?o . BIND(1 AS ?x }", "line 1, column 43 near '}'"),
    # ORDER BY DESC needs brackets: the bare variable is what is wrong.
    ("SELECT ?x WHERE { ?x ?p ?o } ORDER BY DESC ?x", "line 1, column 44 near '?x'"),
    ("SELECT ?x WHERE { ?x ?p ?o } # a comment\n  LIMIT ten", "line 2, column 9 near 'ten'"),
    ("SELECT ?x WHERE {\n  ?s a ?x .\n  OPTIONAL { ?s <urn:p> ?y\n}", "line 4, column 2 near end of text"),
])
def test_syntax_errors_point_at_the_bad_token(text, where):
    with pytest.raises(MalikgError, match=re.escape(f"SPARQL syntax error at {where}")):
        inspect_query(text)


def test_a_syntax_error_leaves_the_grammar_as_it_was():
    with pytest.raises(MalikgError):
        inspect_query("SELECT ?s WHERE { ?s ?p ?o . FILTER(?o > ) }")
    assert inspect_query("SELECT ?s WHERE { ?s ?p ?o . FILTER(?o > 1) }").variables == ("s",)
    assert all(terminal.failAction is None for terminal in sparql._terminals())


def test_syntax_errors_show_line_and_column():
    result = CliRunner().invoke(cli.main, ["query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o }\nLIMT 10"])
    assert result.exit_code == 2
    assert "line 2, column 1" in result.stderr


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------

def test_bind_types_each_parameter():
    bound = bind({"actor": "jnim", "since": "2024-02-17", "n": "3", "x": "1.5", "b": "true",
                  "s": "Ogota", "i": "place/ogota"},
                 {"actor": ("actor", None), "since": ("date", None), "n": ("integer", None),
                  "x": ("decimal", None), "b": ("boolean", None), "s": ("string", None),
                  "i": ("iri", None), "d": ("date", "2024-01-01")})
    assert bound["actor"] == ox.NamedNode(BASE + "actor/jnim")
    assert bound["i"] == ox.NamedNode(BASE + "place/ogota")
    assert str(bound["since"]) == '"2024-02-17"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert str(bound["n"]) == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert str(bound["x"]) == '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert bound["b"] == ox.Literal(True)
    assert bound["s"] == ox.Literal("Ogota")
    assert str(bound["d"]) == '"2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>'


def test_kind_parameters_follow_the_base_iri(monkeypatch):
    monkeypatch.setenv("MALIKG_BASE", "http://example.org/mali")
    assert bind({"a": "jnim"}, {"a": ("actor", None)})["a"] == ox.NamedNode("http://example.org/mali/actor/jnim")


@pytest.mark.parametrize("type_, value", [
    ("date", "2024-02-30"), ("date", "yesterday"), ("date", "2024-1-5"), ("integer", "ten"),
    ("integer", "1.0"), ("decimal", "1,5"), ("boolean", "maybe"), ("actor", "jnim> . ?s ?p ?o"),
    ("iri", "> . ?s ?p ?o"), ("iri", "http://x/a> } ; DROP ALL #"), ("place", "ogota }"),
    ("integer", "1) } ; DROP ALL #"), ("string", "\\u0022 } ; DROP ALL #"),
])
def test_a_value_of_the_wrong_type_is_an_error_naming_the_parameter(type_, value):
    with pytest.raises(MalikgError, match="parameter 'since'"):
        bind({"since": value}, {"since": (type_, None)})


def test_undeclared_and_missing_parameters_are_errors_naming_them():
    with pytest.raises(MalikgError, match="parameter 'sinse' is not declared by this query .*since"):
        bind({"sinse": "2024-01-01"}, {"since": ("date", "2024-01-01")})
    with pytest.raises(MalikgError, match="parameter 'actor' is required"):
        bind({}, {"actor": ("actor", None)})
    with pytest.raises(MalikgError, match="unknown type 'colour'"):
        bind({"c": "red"}, {"c": ("colour", None)})


@pytest.mark.parametrize("value", [
    '"} ; DROP ALL', '" } } ; DROP ALL ; SELECT * { "', "') } ; DROP ALL #", "> . ?s ?p ?o",
    '"""', "x\" . ?s ?p ?o . FILTER(\"1", "line\n} DROP ALL\n#", "\\\" } #", "}}}}", "JNIM",
])
def test_injection_strings_are_plain_literals_that_change_nothing(store, value):
    text = "SELECT ?label ?thing WHERE { OPTIONAL { ?thing rdfs:label ?label } }"
    answer = run(store, text, {"label": value}, declared={"label": ("string", None)})
    assert answer.rows[0][0] == ox.Literal(value)  # came back exactly as given, as one literal
    expected_match = BASE + "actor/jnim" if value == "JNIM" else None
    assert (answer.rows[0][1].value if answer.rows[0][1] else None) == expected_match
    assert store.triple_count() == SEED_TRIPLES + ONTOLOGY_TRIPLES


def test_values_are_spliced_from_terms_only():
    text = "SELECT ?x WHERE { ?x rdfs:label ?label }"
    spliced = with_values(text, {"label": ox.Literal('"} ; DROP ALL')})
    assert 'VALUES (?label) { ("\\"} ; DROP ALL") }' in spliced
    inspect_query(spliced)  # still one read-only query
    with pytest.raises(TypeError):
        with_values(text, {"label": '"} ; DROP ALL'})


@pytest.mark.parametrize("text", [
    # a bare sub-SELECT sees the binding through what it projects
    "SELECT ?x WHERE { SELECT ?x ?label WHERE { ?x rdfs:label ?label } }",
    "SELECT ?x # a { brace in a comment\nWHERE # and } another\n{ ?x rdfs:label ?label }",
    "CONSTRUCT WHERE { ?x rdfs:label ?label }",
    "PREFIX l: <http://www.w3.org/2000/01/rdf-schema#> ASK { ?x l:label ?label }",
    "SELECT ?x WHERE { ?x rdfs:label ?label } ORDER BY ?x LIMIT 5",
])
def test_values_go_where_the_query_can_use_them(store, text):
    answer = run(store, text, {"label": "JNIM"}, declared={"label": ("string", None)})
    if answer.form == "ASK":
        assert answer.boolean is True
    elif answer.form == "CONSTRUCT":
        assert [str(t.subject) for t in answer.triples] == [f"<{BASE}actor/jnim>"]
    else:
        assert [r[0].value for r in answer.rows] == [BASE + "actor/jnim"]


def test_describe_without_where_takes_a_parameter(store):
    answer = run(store, "DESCRIBE ?actor", {"actor": "jnim"}, declared={"actor": ("actor", None)})
    assert {t.subject.value for t in answer.triples} == {BASE + "actor/jnim"}


# ---------------------------------------------------------------------------
# Running: time limit, results
# ---------------------------------------------------------------------------

def test_a_pathological_query_times_out_and_the_caller_wakes_on_time():
    store = MemoryStore()
    store.oxigraph.extend(ox.Quad(ox.NamedNode(f"urn:n{i}"), ox.NamedNode("urn:p"), ox.Literal(i))
                          for i in range(100))
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?h ?i }"
    started = time.monotonic()
    with pytest.raises(MalikgError, match="^query timed out after 1 s$"):
        run(store, cross, timeout=1)
    # pyoxigraph releases the GIL while evaluating, or this thread could not have woken.
    assert time.monotonic() - started < 3


def test_results_as_python_values(store):
    answer = named.run_query(store, named.parse_query(named_text("drone-strikes")), {})
    rows = answer.to_python()
    assert [r["killed"] for r in rows] == [13, 21]
    assert rows[0]["date"].isoformat() == "2024-03-17"
    assert rows[0]["event"] == BASE + "event/2024-03-17-amasrakad"
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(MalikgError, match="pip install pandas"):
            answer.to_dataframe()
    else:
        assert list(answer.to_dataframe().columns) == ["event", "date", "place", "killed"]


def named_text(name):
    from tiny_graph import DRONE_STRIKES_RQ, HAS_LABEL_RQ, LABEL_OF_RQ
    return {"drone-strikes": DRONE_STRIKES_RQ, "label-of": LABEL_OF_RQ, "has-label": HAS_LABEL_RQ}[name]


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

def test_table_shows_slugs_and_lexical_values_aligned_by_cell_width(store):
    answer = run(store, "SELECT ?place ?label ?type WHERE { ?e sem:hasPlace ?place ; sem:eventType ?type . "
                        "?place rdfs:label ?label } ORDER BY ?place")
    table = format_result(answer, "table").decode()
    lines = table.splitlines()
    assert lines[0].split() == ["place", "label", "type"]
    assert "place/tinzaouaten" in table and "ⵜⵉⵏⵣⴰⵡⴰⵜⴻⵏ 廷扎瓦滕" in table
    assert "mkv:air-drone-strike" in table and '"' not in table and "<" not in table
    starts = {cell_len(line[:line.index("mkv:")]) for line in lines[2:]}
    assert len(starts) == 1, table  # the third column starts at one terminal column on every row


def test_numbers_are_right_aligned(store):
    answer = run(store, "SELECT ?e ?n WHERE { ?e mk:count ?n } ORDER BY ?n")
    lines = format_result(answer, "table").decode().splitlines()
    assert [line[-2:] for line in lines[2:]] == ["13", "21", "28"]


def test_csv_tsv_and_json_are_the_sparql_results_formats(store):
    answer = run(store, "SELECT ?e ?n WHERE { ?e mk:count ?n } ORDER BY ?n LIMIT 1")
    assert format_result(answer, "csv") == (
        b"e,n\r\nhttps://w3id.org/malikg/id/event/2024-03-17-amasrakad,13\r\n")
    assert format_result(answer, "tsv") == (
        b"?e\t?n\n<https://w3id.org/malikg/id/event/2024-03-17-amasrakad>\t13\n")
    assert format_result(answer, "json").startswith(b'{"head":{"vars":["e","n"]},"results":{"bindings":[')


def test_ask_and_construct_formats(store):
    assert format_result(run(store, "ASK { actor:jnim ?p ?o }")) == b"true"
    assert format_result(run(store, "ASK { actor:nobody ?p ?o }"), "csv") == b"false"
    assert format_result(run(store, "ASK { actor:jnim ?p ?o }"), "json") == b'{"head":{},"boolean":true}'
    turtle = format_result(run(store, "CONSTRUCT { ?e mk:perpetrator actor:jnim } "
                                      "WHERE { ?e mk:perpetrator actor:jnim }")).decode()
    assert "event:2024-01-27-ogota mk:perpetrator actor:jnim .\n" in turtle
    assert "@prefix actor: <https://w3id.org/malikg/id/actor/> .\n" in turtle
    assert "@prefix skos:" not in turtle  # only the prefixes it uses


# ---------------------------------------------------------------------------
# The named-query library
# ---------------------------------------------------------------------------

def test_header_is_read(library):
    found = {q.name: q for q in named.list_queries()}
    assert sorted(found) == ["drone-strikes", "has-label", "label-of"]
    drone = found["drone-strikes"]
    assert drone.title == "Drone strikes"
    assert drone.question == ("Which air or drone strikes does the graph record, where and when, "
                              "and whom did they kill?")
    assert [(p.name, p.type, p.default, p.description) for p in drone.params] == [
        ("actor", "actor", "malian-armed-forces", "the actor whose strikes to list"),
        ("since", "date", "2024-01-01", "earliest date"),
    ]
    assert drone.example == "malikg query drone-strikes -p since=2024-04-01"
    assert found["label-of"].params[0].required


def test_unknown_query_suggests_close_names(library):
    with pytest.raises(MalikgError, match="unknown query 'drone-strike': did you mean drone-strikes"):
        named.get_query("drone-strike")
    with pytest.raises(MalikgError, match="known: drone-strikes, has-label, label-of"):
        named.get_query("zzz")


def test_run_named_with_defaults_and_parameters(library, store):
    assert len(named.run_named(store, "drone-strikes").rows) == 2
    assert len(named.run_named(store, "drone-strikes", {"since": "2024-04-01"}).rows) == 1
    assert named.run_named(store, "drone-strikes", {"actor": "jnim"}).rows == []
    answer = named.run_named(store, "label-of", {"thing": "actor/jnim"})
    assert answer.rows[0][0].value == "JNIM"
    with pytest.raises(MalikgError, match="parameter 'thing' is required"):
        named.run_named(store, "label-of")
    with pytest.raises(MalikgError, match="parameter 'until' is not declared"):
        named.run_named(store, "drone-strikes", {"until": "2024-12-31"})


@pytest.mark.parametrize("header, message", [
    ("# param: since (when, default: 2024-01-01) x", "line 1: parameter 'since' has unknown type 'when'"),
    ("# param: since (date, default: 2024-13-01) x", "line 1: default: parameter 'since' must be a calendar date"),
    ("# param: since date", "line 1: a param line reads"),
    ("# param: a (date)\n# param: a (date)", "line 2: parameter 'a' is declared twice"),
])
def test_bad_headers_are_errors_naming_file_and_line(tmp_path, header, message):
    (tmp_path / "bad.rq").write_text(header + "\nSELECT * { ?s ?p ?o }\n")
    with pytest.raises(MalikgError) as caught:
        named.list_queries(tmp_path)
    assert caught.value.line().startswith(f"{tmp_path / 'bad.rq'}: {message}")


# ---------------------------------------------------------------------------
# The commands
# ---------------------------------------------------------------------------

def test_queries_command_lists_names_titles_and_parameters(library):
    result = malikg("queries")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "title", "parameters"]
    assert any(line.startswith("drone-strikes") and "actor:actor=malian-armed-forces, since:date=2024-01-01"
               in line for line in lines)
    assert any(line.startswith("label-of") and line.endswith("thing:iri") for line in lines)


def test_query_command_runs_a_named_query(library, store_dir):
    result = malikg("query", "drone-strikes", "--store", store_dir)
    assert result.exit_code == 0, result.output
    assert "event/2024-03-17-amasrakad" in result.output and "Amasrakad" in result.output
    result = malikg("query", "drone-strikes", "-p", "since=2024-04-01", "--format", "csv", "--store", store_dir)
    assert result.output.splitlines() == [
        "event,date,place,killed",
        "https://w3id.org/malikg/id/event/2024-08-25-tinzaouaten,2024-08-25,ⵜⵉⵏⵣⴰⵡⴰⵜⴻⵏ 廷扎瓦滕,21",
    ]


def test_query_command_parameter_errors(library, store_dir):
    result = CliRunner().invoke(cli.main, ["query", "drone-strikes", "-p", "since=last year", "--store",
                                           str(store_dir)])
    assert result.exit_code == 2
    assert result.stderr == "malikg: parameter 'since' must be a date as YYYY-MM-DD, not 'last year'\n"
    result = CliRunner().invoke(cli.main, ["query", "drone-strikes", "-p", "since", "--store", str(store_dir)])
    assert "a parameter reads NAME=VALUE" in result.stderr


def test_ask_exits_0_for_true_and_1_for_false(library, store_dir):
    rq = library / "has-label.rq"
    yes = malikg("query", "--file", rq, "-p", "label=JNIM", "--store", store_dir)
    assert (yes.exit_code, yes.output) == (0, "true\n")
    no = malikg("query", "--file", rq, "-p", "label=Nobody", "--store", store_dir)
    assert (no.exit_code, no.output) == (1, "false\n")


def test_query_command_needs_exactly_one_query(store_dir):
    result = CliRunner().invoke(cli.main, ["query", "--store", str(store_dir)])
    assert result.exit_code == 2 and "give one of a query name, --file or --sparql" in result.stderr
    result = CliRunner().invoke(cli.main, ["query", "x", "--sparql", "ASK {}", "--store", str(store_dir)])
    assert result.exit_code == 2 and "give one of" in result.stderr


def test_query_command_timeout_option(store_dir):
    result = CliRunner().invoke(cli.main, ["query", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . "
                                           "?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }", "--timeout", "0.5",
                                           "--store", str(store_dir)])
    assert result.exit_code == 2
    assert result.stderr == "malikg: query timed out after 0.5 s\n"


def test_analyse_is_cached():
    text = "SELECT ?s WHERE { ?s ?p ?o }"
    assert analyse(text) is analyse(text)
