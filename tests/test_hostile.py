"""Hostile input, concurrent use and faults: what an attacker or a careless user tries.

No SERVICE or FROM slips past the read-only check, the endpoint stays up and bounded, a store
is never corrupted by two writers, outputs are never half-written and never replace a device,
and every bad input is one clear line, never a traceback.
"""
from __future__ import annotations

import json
import os
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.errors import MalikgError
from graph.resources import seeds_dir
from graph.serve import make_app

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = "sources/hrw-wr2025-mali"


def one_line(result) -> str:
    """The single line a failed command printed; fails the test on a traceback or more lines."""
    assert result.exit_code != 0, result.output
    message = result.stderr if hasattr(result, "stderr") else result.output
    assert "Traceback" not in message, message
    lines = [line for line in message.splitlines() if line.strip()]
    assert len(lines) == 1, message
    return lines[0]


class Bait:
    """A loopback listener standing in for a remote endpoint: it counts the connections it gets."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.hits = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.hits += 1
            connection.close()

    def close(self):
        self.socket.close()


@pytest.fixture
def bait():
    listener = Bait()
    yield listener
    listener.close()


def hidden_service(port: int) -> dict[str, str]:
    """SERVICE calls that rdflib's reading of the text does not show, each in its own way."""
    service = f"SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }}"
    return {
        # rdflib ends a comment only at LF; Oxigraph ends it at CR too.
        "comment-ended-by-cr": f"SELECT * WHERE {{ ?s ?p ?o # note\r {service}\n}} LIMIT 1",
        # Expanded first (as the spec says), \u005C escapes the closing quote and the string runs
        # on; Oxigraph keeps it as a plain backslash and the string ends there.
        "escaped-backslash": f'SELECT * WHERE {{ ?s ?p ?o FILTER(?o != "a\\u005C") {service} # ")\n}} LIMIT 1',
    }


# ---------------------------------------------------------------------------
# Network access: the check and the engine see the same query
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("trick", ["comment-ended-by-cr", "escaped-backslash"])
def test_hidden_service_reaches_nothing_from_the_cli(bait, trick):
    query = hidden_service(bait.port)[trick]
    result = CliRunner().invoke(main, ["query", "--sparql", query, "--timeout", "20"])
    time.sleep(0.3)
    assert bait.hits == 0
    assert "Traceback" not in result.output


@pytest.mark.parametrize("trick", ["comment-ended-by-cr", "escaped-backslash"])
def test_hidden_service_reaches_nothing_from_the_endpoint(store, bait, trick):
    from tests.test_serve import call

    answer = call(make_app(store, timeout=20, max_rows=100), params={"query": hidden_service(bait.port)[trick]})
    time.sleep(0.3)
    assert bait.hits == 0
    assert answer["status"] in (200, 400, 403), answer


def test_a_carriage_return_inside_a_comment_is_refused_with_its_line():
    line = one_line(CliRunner().invoke(main, ["query", "--sparql", "SELECT * # x\r FROM <urn:g>\nWHERE { ?s ?p ?o } LIMIT 1"]))
    assert "carriage return" in line and "line 1" in line


def test_a_from_hidden_by_an_escape_is_read_as_the_check_read_it(store):
    # rdflib reads one string literal where Oxigraph, given the raw text, reads the string "a\"
    # and then FROM <urn:empty>: the engine must read what the check read, so ?y is that string.
    query = 'SELECT ?x ("a\\u005C" AS ?y) FROM <urn:empty> # " AS ?y)\nWHERE { ?x a mk:Incident } LIMIT 1'
    result = CliRunner().invoke(main, ["query", "--sparql", query, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert len(rows) == 1 and rows[0]["x"]["value"].startswith("https://w3id.org/malikg/id/event/")
    assert rows[0]["y"]["value"] == 'a" AS ?y) FROM <urn:empty> # '



def test_an_escape_that_expands_to_another_escape_is_refused():
    line = one_line(CliRunner().invoke(main, ["query", "--sparql", 'SELECT * WHERE { ?s ?p "a\\u005Cu0022" }']))
    assert "escape" in line


def test_the_endpoint_sends_no_cors_header(store):
    from tests.test_serve import call

    app = make_app(store, timeout=20, max_rows=100)
    answer = call(app, params={"query": "ASK { ?s ?p ?o }"})
    assert answer["status"] == 200
    assert not any(name.lower().startswith("access-control") for name in answer["headers"])
    preflight = call(app, method="OPTIONS")
    assert not any(name.lower().startswith("access-control") for name in preflight["headers"])


def _with_host(app, host, params=None):
    from tests.test_serve import call

    original = call.__globals__["setup_testing_defaults"]

    def with_host(environ):
        original(environ)
        environ["HTTP_HOST"] = host

    call.__globals__["setup_testing_defaults"] = with_host
    try:
        return call(app, params=params)
    finally:
        call.__globals__["setup_testing_defaults"] = original


def test_a_rebound_dns_name_is_refused(store):
    # A page on attacker.example rebinds its name to 127.0.0.1: same origin for the browser,
    # but its requests still say Host: attacker.example.
    app = make_app(store, timeout=20, max_rows=100)
    answer = _with_host(app, "attacker.example:7878", {"query": "ASK { ?s ?p ?o }"})
    assert answer["status"] == 403 and b"attacker.example" in answer["body"]
    assert _with_host(app, "localhost:7878", {"query": "ASK { ?s ?p ?o }"})["status"] == 200
    assert _with_host(app, "127.0.0.1:7878", {"query": "ASK { ?s ?p ?o }"})["status"] == 200


@pytest.mark.parametrize("host", ["[", "a b", "x" * 300, "127.0.0.1:7878/evil"])
def test_a_crafted_host_header_is_one_line(store, host):
    answer = _with_host(make_app(store, timeout=20, max_rows=100, hosts=None), host)
    assert answer["status"] == 400
    assert answer["body"].decode().count("\n") == 1


# ---------------------------------------------------------------------------
# Denial of service
# ---------------------------------------------------------------------------

def test_a_select_ending_in_values_is_cut_off_at_the_row_limit(store):
    from tests.test_serve import call

    # Every pair of triples: billions of rows. Counting must stop at max_rows + 1.
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } VALUES ?g { 1 }"
    started = time.monotonic()
    answer = call(make_app(store, timeout=20, max_rows=60), params={"query": query})
    assert answer["status"] == 413 and b"more than 60 rows" in answer["body"]
    assert time.monotonic() - started < 15


def test_deep_brackets_are_400_at_the_endpoint_and_one_line_on_the_command_line(store):
    from tests.test_serve import call

    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    answer = call(make_app(store, timeout=20, max_rows=60), params={"query": deep})
    assert answer["status"] == 400 and b"too deeply" in answer["body"]
    assert "too deeply" in one_line(CliRunner().invoke(main, ["query", "--sparql", deep]))
    brackets = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    assert "too deeply" in one_line(CliRunner().invoke(main, ["query", "--sparql", brackets]))


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_a_timeout_that_is_not_a_duration_is_one_line(value):
    for command in (["query", "--sparql", "ASK {}"], ["serve", "--port", "0"]):
        line = one_line(CliRunner().invoke(main, [*command, "--timeout", value]))
        assert "--timeout" in line and "seconds" in line


@pytest.fixture
def real_server(tmp_path):
    """``malikg serve`` in a subprocess; ``start(*args)`` returns (process, endpoint URL)."""
    started = []

    def start(*args, preexec=None):
        errors = open(tmp_path / f"stderr-{len(started)}.txt", "wb")
        process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", "--port", "0", *args],
                                   stdout=subprocess.PIPE, stderr=errors, cwd=tmp_path, preexec_fn=preexec)
        started.append((process, errors))
        ready, _, _ = select.select([process.stdout], [], [], 120)
        line = process.stdout.readline().decode() if ready else ""
        assert line.startswith("SPARQL endpoint: http://127.0.0.1:"), line
        return process, line.split(": ", 1)[1].strip()

    yield start
    for process, errors in started:
        if process.poll() is None:
            process.kill()
            process.wait()
        errors.close()


def _get(url, query, timeout=60):
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _cpu_seconds(pid: int) -> float:
    """CPU time used by ``pid`` and its live children, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


@pytest.mark.server
def test_a_timed_out_query_stops_using_the_cpu(real_server):
    process, url = real_server("--timeout", "2")
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    status, body = _get(url, heavy)
    assert status == 503 and b"timed out" in body
    time.sleep(1)
    before = _cpu_seconds(process.pid)
    time.sleep(3)
    assert _cpu_seconds(process.pid) - before < 1.0
    assert _get(url, "ASK { event:2024-01-27-ogota sem:hasPlace place:ogota }")[0] == 200


@pytest.mark.server
def test_a_query_over_its_memory_fails_alone(real_server):
    process, url = real_server("--timeout", "120", "--max-memory", "400")
    greedy = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
    status, body = _get(url, greedy, timeout=180)
    assert status == 503 and b"memory" in body
    assert process.poll() is None
    status, body = _get(url, "ASK { event:2024-01-27-ogota sem:hasPlace place:ogota }")
    assert status == 200 and json.loads(body)["boolean"] is True


CONCURRENT_CLIENTS = 200


@pytest.mark.server
def test_two_hundred_concurrent_clients_get_no_reset(real_server, capsys):
    process, url = real_server("--timeout", "60")
    query = urllib.parse.urlencode({"query": "ASK { event:2024-01-27-ogota sem:hasPlace place:ogota }"})
    host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
    barrier = threading.Barrier(CONCURRENT_CLIENTS)
    outcomes: list[str] = []

    def client():
        try:
            with socket.create_connection((host, port), timeout=60) as connection:
                barrier.wait(30)
                connection.sendall(f"GET /sparql?{query} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
                answer = b""
                while chunk := connection.recv(65536):
                    answer += chunk
            outcomes.append("ok" if answer.startswith(b"HTTP/1.0 200") and b'"boolean":true' in answer
                            else answer[:40].decode("latin-1"))
        except (OSError, threading.BrokenBarrierError) as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=client) for _ in range(CONCURRENT_CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    seconds = time.monotonic() - started
    failures = [o for o in outcomes if o != "ok"]
    with capsys.disabled():
        print(f"\n{CONCURRENT_CLIENTS} concurrent clients: {outcomes.count('ok')} answered, "
              f"{len(failures)} failed, in {seconds:.2f} s")
    assert len(outcomes) == CONCURRENT_CLIENTS and not failures, failures[:5]


@pytest.mark.server
def test_sigint_stops_a_server_started_in_the_background(real_server):
    # A shell starts `malikg serve &` with SIGINT ignored; Python would then leave it ignored.
    process, url = real_server(preexec=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert process.stdout.read().decode().strip().endswith("stopped")


@pytest.mark.server
def test_hidden_service_reaches_nothing_from_a_real_server(real_server, bait):
    process, url = real_server("--timeout", "20")
    for trick, query in hidden_service(bait.port).items():
        status, body = _get(url, query)
        assert status in (200, 400, 403), (trick, status, body)
    time.sleep(0.3)
    assert bait.hits == 0
