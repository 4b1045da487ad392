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
from conftest import CHAPTER, edit, seed_file
from graph.errors import MalikgError
from graph.serve import make_app

ROOT = Path(__file__).resolve().parent.parent


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
            process.terminate()  # as a service manager stops it: the server cleans up after itself
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
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


# ---------------------------------------------------------------------------
# Seeds: limits and one clear line
# ---------------------------------------------------------------------------

def build_line(seeds, tmp_path) -> str:
    out = tmp_path / "out"
    line = one_line(CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out)]))
    assert not out.exists()
    return line


SEED_CASES = {
    # case: (file, old, new, words the line must hold)
    "100k-deep flow nesting": ("actors.yaml", "  label: JNIM\n", "  label: " + "[" * 100_000 + "]" * 100_000 + "\n",
                               ["actors.yaml", "line 15", "nest"]),
    "3000-deep block list": ("actors.yaml", "  label: JNIM\n", "  label:\n    " + "- " * 3000 + "x\n",
                             ["actors.yaml", "nested more than"]),
    "lone surrogate in a label": ("actors.yaml", "  label: JNIM\n", '  label: "JN\\uD800IM"\n',
                                  ["actors.yaml", "line 15", "Unicode"]),
    "nan distance": ("places.yaml", "  distance_km: 4\n", "  distance_km: .nan\n",
                     ["places.yaml", "'distance_km'", "nan"]),
    "infinite distance": ("places.yaml", "  distance_km: 4\n", "  distance_km: .inf\n",
                          ["places.yaml", "'distance_km'", "inf"]),
    "a list as a part": ("events.yaml", "  part: late\n", "  part: [late]\n",
                         ["events.yaml", "'part'", "not a list"]),
    "a list as a kind": ("events.yaml", "  kind: incident\n  type: armed-clash\n  theme: armed-conflict\n  date: 2024-08\n",
                         "  kind: [incident]\n  type: armed-clash\n  theme: armed-conflict\n  date: 2024-08\n",
                         ["events.yaml", "'2024-08-csp-clashes'", "'kind'", "not a list"]),
    "a map as a note": ("events.yaml", "    - {actor: csp, role: side-b}\n",
                        "    - {actor: csp, role: side-b, note: {said: maybe}}\n",
                        ["events.yaml", "'2024-01-peace-deal-ends'", "actors[2].note", "not a mapping"]),
    "a count of 10^38": ("events.yaml", "      count: 28\n", "      count: " + "1" + "0" * 38 + "\n",
                         ["events.yaml", "'2024-01-27-ogota'", "harms[1].count", "largest number"]),
    "fatalities of 10^26": ("statistics.yaml", "  count: 326\n", "  count: " + "1" + "0" * 26 + "\n",
                            ["statistics.yaml", "'count'", "largest number"]),
    "a yaml alias bomb": ("actors.yaml", "# --- Armed groups",
                          "".join(f"- &a{n} [" + ", ".join([f"*a{n - 1}"] * 9 if n else ["lol"] * 9) + "]\n"
                                  for n in range(10)) + "# --- Armed groups",
                          ["actors.yaml", "aliases (*name) are not allowed"]),
    "a NUL byte": ("actors.yaml", "  label: JNIM\n", "  label: JN\0IM\n", ["actors.yaml", "line 15", "NUL"]),
    "an unknown qualifier": ("events.yaml", "      count: 28\n", "      count: 28\n      qualifier: roughly\n",
                             ["events.yaml", "'2024-01-27-ogota'", "harms[1].qualifier",
                              "unknown count qualifier 'roughly'", "at-least"]),
    "an unknown certainty": ("claims.yaml", "  certainty: believed\n", "  certainty: sure\n",
                             ["claims.yaml", "'certainty'", "unknown certainty 'sure'", "believed"]),
    "an undated issued": ("source.yaml", "issued: 2025-01\n", "issued: someday\n",
                          ["source.yaml", "'issued'", "'someday'"]),
}


@pytest.mark.parametrize("case", sorted(SEED_CASES))
def test_hostile_seed_gives_one_line(case, seeds, tmp_path):
    file, old, new, words = SEED_CASES[case]
    edit(seed_file(seeds, file), old, new)
    line = build_line(seeds, tmp_path)
    for word in words:
        assert word in line, (word, line)


def _run_cli(args, cwd, timeout=60):
    """``malikg ARGS`` in a subprocess, killed after ``timeout`` seconds (the test then fails)."""
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def test_a_50_mb_seed_file_is_refused_at_once(seeds, tmp_path):
    path = seed_file(seeds, "places.yaml")
    record = "- id: place-{n}\n  label: Place {n}\n  type: village\n  within: mopti\n"
    with open(path, "a", encoding="utf-8") as out:
        n = 0
        while out.tell() < 50 << 20:
            out.write("".join(record.format(n=n + i) for i in range(1000)))
            n += 1000
    started = time.monotonic()
    done = _run_cli(["build", "--seeds", str(seeds), "--out", str(tmp_path / "out")], tmp_path, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "places.yaml" in done.stderr and "over 4 MB" in done.stderr
    assert time.monotonic() - started < 30


def test_a_source_text_at_dev_zero_is_refused_at_once(seeds, tmp_path):
    edit(seeds / CHAPTER / "source.yaml", "file: hrw-world-report-2025-mali.txt", "file: /dev/zero")
    done = _run_cli(["build", "--seeds", str(seeds), "--out", str(tmp_path / "out")], tmp_path, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "/dev/zero" in done.stderr and "not a regular file" in done.stderr


def test_a_query_file_at_dev_zero_is_refused_at_once(tmp_path):
    done = _run_cli(["query", "--file", "/dev/zero"], tmp_path, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "not a regular file" in done.stderr and len(done.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------------------
# Outputs: together or not at all, never replacing a device
# ---------------------------------------------------------------------------

_FILE_SIZE_LIMITED = """\
import resource, signal, sys
sys.path.insert(0, {root!r})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
from cli import main
main(["build", "--seeds", {seeds!r}, "--out", {out!r}])
"""


def test_a_build_that_cannot_finish_writing_leaves_the_old_outputs(seeds, tmp_path):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    edit(seed_file(seeds, "actors.yaml"), "  description: Al Qaeda-linked Islamist armed group.\n",
         "  description: Al Qaeda-linked armed group.\n")
    # Room for graph.ttl and report.md, not for actors.html: a disk that fills up halfway.
    limit = max(len(before["graph.ttl"]), len(before["report.md"])) + 50_000
    assert limit < len(before["actors.html"])
    script = _FILE_SIZE_LIMITED.format(root=str(ROOT), limit=limit, seeds=str(seeds), out=str(out))
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "cannot write" in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".part") or ".malikg-build" in p.name]


def test_export_writes_through_a_fifo_instead_of_replacing_it(tmp_path):
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = CliRunner().invoke(main, ["export", "--format", "nt", "-o", str(fifo)])
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert fifo.is_fifo()
    assert received and b"<https://w3id.org/malikg/id/actor/jnim>" in received[0]


def test_export_through_a_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "real.nt"
    target.write_text("old\n")
    link = tmp_path / "link.nt"
    link.symlink_to(target)
    result = CliRunner().invoke(main, ["export", "--format", "nt", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and b"actor/jnim" in target.read_bytes()


@pytest.mark.parametrize("where", ["folder", "proc"])
def test_export_to_a_folder_or_under_proc_is_one_line(tmp_path, where):
    output = str(tmp_path) if where == "folder" else "/proc/malikg-test/out.ttl"
    line = one_line(CliRunner().invoke(main, ["export", "-o", output]))
    assert "cannot write" in line and output in line


# ---------------------------------------------------------------------------
# Stores: one writer, damaged stores, endpoints
# ---------------------------------------------------------------------------

_HOLDER = """\
import sys, time
sys.path.insert(0, {root!r})
import graph.store as gs

if {mid_load!r}:
    real_swap = gs._swap

    def slow_swap(staging, target):
        print("swapping", flush=True)
        time.sleep(5)
        real_swap(staging, target)

    gs._swap = slow_swap
    with gs.DiskStore({store!r}) as store:
        store.load({extra!r}, "ttl")
    print("loaded", flush=True)
else:
    with gs.DiskStore({store!r}) as store:
        print("holding", flush=True)
        time.sleep(60)
"""

EXTRA = b"<https://w3id.org/malikg/id/actor/extra> <http://www.w3.org/2000/01/rdf-schema#label> \"Extra\" .\n"


@pytest.fixture
def disk_store(tmp_path):
    from graph.store import open_store

    path = tmp_path / "store"
    with open_store(path, create=True, seed=False):
        pass
    return path


def _holder(disk_store, tmp_path, mid_load):
    extra = tmp_path / "extra.ttl"
    extra.write_bytes(EXTRA)
    script = _HOLDER.format(root=str(ROOT), store=str(disk_store), extra=str(extra), mid_load=mid_load)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ready, _, _ = select.select([process.stdout], [], [], 60)
    assert ready and process.stdout.readline().strip() in (b"holding", b"swapping")
    return process


def test_a_second_load_is_refused_naming_the_process_that_holds_the_store(disk_store, tmp_path):
    holder = _holder(disk_store, tmp_path, mid_load=False)
    try:
        data = tmp_path / "more.ttl"
        data.write_bytes(EXTRA)
        line = one_line(CliRunner().invoke(main, ["load", str(data), "--store", str(disk_store)]))
        assert "in use by another process" in line and f"pid {holder.pid}" in line
    finally:
        holder.kill()
        holder.wait()


def test_no_process_gets_in_while_a_load_swaps_the_store(disk_store, tmp_path):
    from graph.store import open_store

    loader = _holder(disk_store, tmp_path, mid_load=True)  # paused between release and swap
    try:
        with pytest.raises(MalikgError, match=f"pid {loader.pid}"):
            with open_store(disk_store) as store:
                store.triple_count()
        assert loader.wait(60) == 0, loader.stderr.read()
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait()
    with open_store(disk_store) as store:  # intact, with the load in it
        assert store.query("ASK { actor:extra ?p ?o }")


def test_a_damaged_store_is_one_line(disk_store):
    next(disk_store.glob("*.sst")).unlink()
    line = one_line(CliRunner().invoke(main, ["stats", "--store", str(disk_store)]))
    assert str(disk_store) in line and "damaged" in line


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/sparql", "http://", "http://x:99999/"])
def test_an_endpoint_that_is_not_a_url_is_one_line(url):
    line = one_line(CliRunner().invoke(main, ["stats"], env={"MALIKG_ENDPOINT": url}))
    assert "endpoint" in line and url in line


def test_an_endpoint_answering_the_wrong_json_is_one_line():
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Wrong(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            body = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "nonsense"}}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Wrong)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        line = one_line(CliRunner().invoke(main, ["query", "--sparql", "SELECT ?n WHERE { ?n ?p ?o }",
                                                  "--endpoint", url]))
        assert url in line and "unreadable SPARQL results" in line
    finally:
        server.shutdown()


@pytest.mark.parametrize("base", ["not a base", "http://example.org/a b/"])
def test_a_bad_base_is_one_line(base):
    line = one_line(CliRunner().invoke(main, ["query", "drone-strikes"], env={"MALIKG_BASE": base}))
    assert "MALIKG_BASE" in line


# ---------------------------------------------------------------------------
# Output to a terminal
# ---------------------------------------------------------------------------

def test_escape_sequences_in_labels_are_not_printed_raw():
    query = 'SELECT ?label WHERE { BIND("\\u001B]0;owned\\u0007\\u001B[2Jlabel\\u009B31m" AS ?label) }'
    result = CliRunner().invoke(main, ["query", "--sparql", query])
    assert result.exit_code == 0, result.output
    assert not any(ord(c) < 0x20 and c not in "\n" or 0x7F <= ord(c) < 0xA0 for c in result.stdout)
    assert "␛]0;owned␇␛[2Jlabel" in result.stdout


def test_a_straight_apostrophe_where_the_text_has_a_curly_one_says_what_differs(seeds):
    quote = "which has carried out attacks against the ISGS in Mali’s northeast"
    edit(seeds / CHAPTER / "events.yaml", quote, quote.replace("’", "'"))
    result = CliRunner().invoke(main, ["validate", str(seeds)])
    assert result.exit_code != 0
    line = result.stderr.splitlines()[0]
    assert "'msa-d-attacks-on-isgs'" in line and "not found verbatim" in line
    assert "the text has '’' (U+2019) where the quote has \"'\"" in line
