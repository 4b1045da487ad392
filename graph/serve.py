"""``malikg serve``: a read-only SPARQL 1.1 Protocol endpoint over any malikg store.

A small WSGI application on the standard library's threaded server, in front of
``graph.sparql.run``. What it answers and what it refuses:

- ``GET /sparql?query=...``, ``POST /sparql`` with ``application/sparql-query`` or a form
  (``application/x-www-form-urlencoded``) with ``query=``. ``GET /sparql`` without a query
  gives a SPARQL 1.1 Service Description, whose default dataset is the exports' dataset node.
- Answers are negotiated with ``Accept``: SPARQL results as JSON (default), XML, CSV or TSV;
  CONSTRUCT and DESCRIBE as Turtle (default), N-Triples, RDF/XML or JSON-LD. 406 otherwise.
- Refused with 403: every update operation (``update=`` or ``application/sparql-update``),
  SERVICE anywhere in a query (Oxigraph would fetch the URL), FROM / FROM NAMED and the
  ``default-graph-uri`` / ``named-graph-uri`` parameters. A malformed query (an update sent
  as a query included) is a 400 that names the line and column.
- Each query runs within ``timeout`` seconds (503 after). Answers larger than ``max_rows``
  rows (SELECT) or triples (CONSTRUCT, DESCRIBE) are refused with 413 and a message asking
  for LIMIT/OFFSET: nothing is ever silently cut short. Rows are counted as the engine
  produces them and counting stops at ``max_rows + 1``, so an oversized question costs no
  more than that, whatever its shape (a trailing VALUES block included).
- ``serve`` evaluates queries in worker processes, each with an address-space limit
  (``max_memory``): a query over its time is stopped by killing its worker, one over its
  memory kills only its worker, and a fresh worker takes its place.
- No CORS header is sent, and a server bound to loopback answers only requests whose
  ``Host`` names loopback: a web page the user visits can neither read answers nor reach the
  endpoint through a DNS name rebound to 127.0.0.1.

Errors are one line of ``text/plain``. malikg's prefixes (``mk:``, ``actor:``, ...) are
predeclared, as on the command line.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import re
import signal
import socket
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.util import request_uri

import pyoxigraph as ox

from . import formats
from .errors import MalikgError
from .sparql import Result, _within, analyse, inspect_query, prefixes, run

PATH = "/sparql"
#: Largest request body read, in bytes: a query, not a data upload.
MAX_BODY = 1 << 20
#: Requests answered at once; more wait in the listen queue (up to LISTEN_QUEUE connections).
HTTP_THREADS = 64
LISTEN_QUEUE = 1024
#: Seconds a client may take to send its request or read the answer.
CLIENT_TIMEOUT = 30
#: Default address-space limit of one query worker, in MB.
MAX_MEMORY_MB = 2048
_HOST = re.compile(r"(?P<name>[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::(?P<port>\d{1,5}))?\Z")
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})

_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
#: CONSTRUCT and DESCRIBE answers: the triple formats of graph.formats, by the media type sent.
_GRAPHS = {f.media_type: f.oxigraph for f in formats.RDF_FORMATS if not f.quads}
#: Media types clients send for the ones above.
_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    **{alias: f.media_type for f in formats.RDF_FORMATS if not f.quads for alias in f.media_types[1:]},
}
_CHARSET = {"text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples"}


class HttpError(Exception):
    def __init__(self, status: str, message: str, headers: Iterable[tuple[str, str]] = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


def make_app(store, *, timeout: float = 30.0, max_rows: int = 10000,
             hosts: Iterable[str] | None = LOOPBACK_NAMES, workers: QueryWorkers | None = None) -> Callable:
    """The WSGI application answering SPARQL queries on ``store``.

    ``hosts``: the names a request's ``Host`` header may give (None: any well-formed one);
    ``workers``: a QueryWorkers pool to evaluate in (None: in this process, in a thread).
    """
    allowed = None if hosts is None else {h.lower() for h in hosts}

    def app(environ, start_response):
        try:
            _check_host(environ, allowed)
            status, headers, body = _handle(environ, store, timeout, max_rows, workers)
        except HttpError as error:
            status, body = error.status, (error.message + "\n").encode("utf-8")
            headers = [("Content-Type", "text/plain; charset=utf-8"), *error.headers]
        except Exception as error:  # one line in the log and to the client, never a traceback
            sys.stderr.write(f"malikg serve: internal error: {type(error).__name__}: {error}\n")
            status, body = "500 Internal Server Error", b"internal error\n"
            headers = [("Content-Type", "text/plain; charset=utf-8")]
        headers += [("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [body]

    return app


def _check_host(environ, allowed: set[str] | None) -> None:
    host = environ.get("HTTP_HOST")
    if host is None:
        if allowed is None:
            return
        raise HttpError("400 Bad Request", "the request has no Host header")
    found = _HOST.match(host)
    if not found:
        raise HttpError("400 Bad Request", "the Host header is not a host name or address")
    if allowed is not None and found.group("name").lower() not in allowed:
        raise HttpError("403 Forbidden", "this endpoint answers only requests addressed to "
                                         f"{', '.join(sorted(allowed))}, not {found.group('name')[:80]}")


Response = tuple[str, list[tuple[str, str]], bytes]


def _handle(environ, store, timeout: float, max_rows: int, workers) -> Response:
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO") or "/"
    if path == "/":
        if method != "GET":
            raise HttpError("405 Method Not Allowed", "only GET here", [("Allow", "GET")])
        url = request_uri(environ, include_query=False).rstrip("/") + PATH
        return "200 OK", [("Content-Type", "text/plain; charset=utf-8")], (
            f"malikg: a read-only SPARQL 1.1 endpoint at {url}\n"
            f"  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ...' {url}\n").encode()
    if path.rstrip("/") != PATH:
        raise HttpError("404 Not Found", f"no such resource: the SPARQL endpoint is {PATH}")
    if method == "OPTIONS":  # no CORS headers: a browser's preflight from another origin fails
        return "204 No Content", [("Allow", "GET, POST, OPTIONS")], b""
    params = _parse_qs(environ.get("QUERY_STRING", ""))
    if method == "GET":
        if "update" in params:
            raise HttpError("403 Forbidden", "this endpoint is read-only: updates are not accepted")
        if "query" not in params:
            return _service_description(environ)
    elif method == "POST":
        params = _post_params(environ, params)
    else:
        raise HttpError("405 Method Not Allowed", f"{method} is not part of the SPARQL query protocol",
                        [("Allow", "GET, POST, OPTIONS")])
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        raise HttpError("403 Forbidden", "default-graph-uri and named-graph-uri are not allowed: "
                                         "this endpoint serves one dataset")
    queries = params.get("query", [])
    if len(queries) != 1:
        raise HttpError("400 Bad Request", "give exactly one query")
    return _answer(queries[0], environ.get("HTTP_ACCEPT", ""), store, timeout, max_rows, workers)


def _post_params(environ, params: dict[str, list[str]]) -> dict[str, list[str]]:
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise HttpError("403 Forbidden", "this endpoint is read-only: updates are not accepted")
    body = _body(environ)
    if content_type == "application/sparql-query":
        return {**params, "query": [_text(body)]}
    if content_type == "application/x-www-form-urlencoded":
        form = _parse_qs(_text(body))
        if "update" in form:
            raise HttpError("403 Forbidden", "this endpoint is read-only: updates are not accepted")
        return {**params, **form}
    raise HttpError("415 Unsupported Media Type",
                    "POST a query as application/sparql-query or application/x-www-form-urlencoded")


def _answer(text: str, accept: str, store, timeout: float, max_rows: int, workers) -> Response:
    try:
        info = analyse(text)  # refuses updates and malformed queries
    except MalikgError as error:
        raise HttpError("400 Bad Request", str(error)) from None
    if info.services:
        raise HttpError("403 Forbidden", "SERVICE is not allowed: this endpoint queries no other "
                                         f"endpoint (SERVICE {info.services[0]})")
    if info.datasets:
        raise HttpError("403 Forbidden", "FROM and FROM NAMED are not allowed: this endpoint serves "
                                         f"one dataset (FROM {info.datasets[0]})")
    offered = _RESULTS if info.form in ("SELECT", "ASK") else _GRAPHS
    media_type = negotiate(accept, list(offered))
    if media_type is None:
        raise HttpError("406 Not Acceptable",
                        f"the answer to a {info.form} query is available as: " + ", ".join(offered))
    text = info.text
    if info.form == "SELECT" and info.limit is None and not info.trailing_values:
        text = f"{info.text}\nLIMIT {max_rows + 1}"
    try:
        if workers is not None:
            result = workers.run(text, max_rows, timeout or None)
        else:
            result = _bounded(store, text, max_rows, timeout or None)
    except TooLarge:
        result = None
    except MalikgError as error:
        message = str(error)
        status = ("503 Service Unavailable" if message.startswith(("query timed out", "the query needed"))
                  else "400 Bad Request" if message.startswith("SPARQL") else "500 Internal Server Error")
        raise HttpError(status, message) from None
    if result is None or len(result.rows if result.form == "SELECT" else result.triples) > max_rows:
        unit = "rows" if info.form == "SELECT" else "triples"
        raise HttpError("413 Content Too Large",
                        f"the answer has more than {max_rows} {unit}, this endpoint's limit: "
                        "page through it with LIMIT and OFFSET (and ORDER BY)")
    if result.form in ("SELECT", "ASK"):
        body = result.serialize(_RESULTS[media_type])
    else:
        body = ox.serialize(result.triples, format=_GRAPHS[media_type], prefixes=prefixes(result.data))
    return "200 OK", [("Content-Type", _with_charset(media_type)), ("Vary", "Accept")], body


class TooLarge(Exception):
    """The answer has more rows or triples than the endpoint serves."""


def count_within(solutions, max_rows: int) -> bool:
    """Whether an unevaluated pyoxigraph answer has at most ``max_rows`` rows or triples.

    pyoxigraph evaluates as it is iterated, so this stops the work at row ``max_rows + 1``.
    """
    if isinstance(solutions, ox.QueryBoolean):
        return True
    return sum(1 for _ in itertools.islice(solutions, max_rows + 1)) <= max_rows


def _bounded(store, text: str, max_rows: int, timeout: float | None) -> Result:
    """``run``, but a query whose answer may exceed ``max_rows`` is first counted up to that."""
    info = analyse(text)
    if info.form != "ASK" and (info.limit is None or info.limit > max_rows):
        def count() -> bool:
            try:
                return count_within(store.query(info.text), max_rows)
            except SyntaxError as error:
                failure = f"SPARQL error: {error}".splitlines()[0]
            except (OSError, RuntimeError, ValueError) as error:
                failure = f"query failed: {error}".splitlines()[0]
            raise MalikgError(failure)

        if not _within(count, timeout):
            raise TooLarge()
    return run(store, text, timeout=timeout)


# ---------------------------------------------------------------------------
# Query workers: evaluation in processes that can be stopped
# ---------------------------------------------------------------------------

class QueryWorkers:
    """A few processes, each with its own read-only copy of the store, that evaluate queries.

    pyoxigraph cannot cancel an evaluation, and a thread cannot be killed, so a query that
    overruns its time is stopped by killing the process evaluating it; an address-space limit
    (RLIMIT_AS) makes one that outgrows its memory fail alone. A killed worker is replaced.
    """

    def __init__(self, store, size: int = 2, max_memory_mb: int = MAX_MEMORY_MB):
        from .store import DiskStore, _LocalStore

        self._scratch = None
        if isinstance(store, DiskStore):
            self._source = ("disk", str(store.path))
        elif isinstance(store, _LocalStore):
            self._scratch = tempfile.TemporaryDirectory(prefix="malikg-serve-")
            dump = Path(self._scratch.name) / "store.nq"
            store.oxigraph.dump(str(dump), ox.RdfFormat.N_QUADS)
            self._source = ("nquads", str(dump))
        else:
            raise MalikgError("query workers need a local store (--store DIR or the bundled seeds)")
        self._memory = max_memory_mb << 20
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue = queue.Queue()
        self._closed = False
        self._all: set = set()
        for _ in range(max(1, size)):
            self._idle.put(self._start())

    def _start(self):
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child, self._source, self._memory),
                                        name="malikg-query-worker", daemon=True)
        process.start()
        child.close()
        worker = (process, parent)
        self._all.add(worker)
        return worker

    def _replace(self, worker) -> None:
        process, connection = worker
        self._all.discard(worker)
        process.kill()
        process.join(5)
        connection.close()
        if not self._closed:
            threading.Thread(target=lambda: self._idle.put(self._start()), daemon=True).start()

    def run(self, text: str, max_rows: int, timeout: float | None) -> Result:
        """The answer to ``text`` (already checked); TooLarge past ``max_rows``; MalikgError on failure."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise MalikgError(f"query timed out after {timeout:g} s (every query worker was busy)") from None
        process, connection = worker
        try:
            connection.send((text, max_rows))
            if not connection.poll(timeout):
                self._replace(worker)
                worker = None
                raise MalikgError(f"query timed out after {timeout:g} s")
            reply = connection.recv()
        except (EOFError, OSError):
            self._replace(worker)
            worker = None
            raise MalikgError(f"the query needed more than {self._memory >> 20} MB of memory, "
                              "this endpoint's limit (or its worker stopped)") from None
        finally:
            if worker is not None:
                self._idle.put(worker)
        kind, *rest = reply
        if kind == "too-large":
            raise TooLarge()
        if kind == "error":
            raise MalikgError(rest[0])
        return Result(*rest)

    def close(self) -> None:
        self._closed = True
        for process, connection in list(self._all):
            process.kill()
            process.join(5)
            connection.close()
        self._all.clear()
        if self._scratch is not None:
            self._scratch.cleanup()


def _worker_main(connection, source, memory: int) -> None:
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    kind, location = source
    if kind == "disk":
        store = ox.Store.read_only(location)
    else:
        store = ox.Store()
        store.bulk_load(path=location, format=ox.RdfFormat.N_QUADS)
    names = prefixes()

    def query(text):
        return store.query(text, use_default_graph_as_union=True, prefixes=names)

    while True:
        try:
            text, max_rows = connection.recv()
        except (EOFError, OSError):
            return
        try:
            info = inspect_query(text)  # the worker trusts nothing it is sent
            if info.form != "ASK" and (info.limit is None or info.limit > max_rows) \
                    and not count_within(query(info.text), max_rows):
                reply = ("too-large",)
            else:
                result = Result.from_pyoxigraph(info.form, query(info.text))
                reply = ("ok", result.form, result.variables, result.data)
        except MemoryError:
            reply = ("error", f"the query needed more than {memory >> 20} MB of memory, this endpoint's limit")
        except MalikgError as error:
            reply = ("error", str(error))
        except SyntaxError as error:
            reply = ("error", f"SPARQL error: {error}".splitlines()[0])
        except (OSError, RuntimeError, ValueError) as error:
            reply = ("error", f"query failed: {error}".splitlines()[0])
        connection.send(reply)


def negotiate(accept: str, offered: list[str]) -> str | None:
    """The media type of ``offered`` that ``accept`` (an HTTP Accept header) prefers; the first if no header."""
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        quality = 1.0
        for piece in pieces[1:]:
            name, _, value = piece.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = pieces[0].lower()
        ranges.append((_ALIASES.get(media, media), quality))
    if not ranges:
        return offered[0]
    best, best_quality = None, 0.0
    for media_type in offered:
        kind = media_type.split("/")[0]
        matches = [(3 if r == media_type else 2 if r == f"{kind}/*" else 1, q)
                   for r, q in ranges if r in (media_type, f"{kind}/*", "*/*")]
        if matches:
            quality = max(matches)[1]  # the most specific range decides
            if quality > best_quality:
                best, best_quality = media_type, quality
    return best


def _service_description(environ) -> Response:
    """The SPARQL 1.1 Service Description, whose default dataset is the dataset node of malikg's
    exports (``{base}dataset``, graph.dataset), with ``void:sparqlEndpoint`` back to this endpoint:
    a catalogue that harvests the export's description finds the endpoint, and one that asks the
    endpoint finds the dataset. Every store holds the ontology and summary named graphs."""
    from .dataset import TITLE, dataset_iri
    from .namespaces import ONTOLOGY_GRAPH, SUMMARY_GRAPH

    sd = "http://www.w3.org/ns/sparql-service-description#"
    format_ns = "http://www.w3.org/ns/formats/"
    void = "http://rdfs.org/ns/void#"
    dcterms = "http://purl.org/dc/terms/"
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    endpoint = ox.NamedNode(request_uri(environ, include_query=False))
    dataset = ox.NamedNode(str(dataset_iri()))

    def triple(p: str, o) -> ox.Triple:  # the endpoint IRI names the service too
        return ox.Triple(endpoint, ox.NamedNode(p), o)

    triples = [
        ox.Triple(endpoint, a, ox.NamedNode(sd + "Service")),
        triple(sd + "endpoint", endpoint),
        triple(sd + "supportedLanguage", ox.NamedNode(sd + "SPARQL11Query")),
        triple(sd + "feature", ox.NamedNode(sd + "UnionDefaultGraph")),
        *(triple(sd + "resultFormat", ox.NamedNode(format_ns + name)) for name in (
            "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
            "Turtle", "N-Triples", "RDF_XML", "JSON-LD")),
        triple(sd + "defaultDataset", dataset),
        ox.Triple(dataset, a, ox.NamedNode(sd + "Dataset")),
        ox.Triple(dataset, ox.NamedNode(dcterms + "title"), ox.Literal(TITLE, language="en")),
        ox.Triple(dataset, ox.NamedNode(void + "sparqlEndpoint"), endpoint),
    ]
    graphs = {ox.BlankNode(f"{name}-graph"): graph  # labelled: the description is the same every time
              for name, graph in (("ontology", ONTOLOGY_GRAPH), ("summary", SUMMARY_GRAPH))}
    triples += [ox.Triple(dataset, ox.NamedNode(sd + "namedGraph"), node) for node in graphs]
    for node, graph in graphs.items():
        triples += [ox.Triple(node, a, ox.NamedNode(sd + "NamedGraph")),
                    ox.Triple(node, ox.NamedNode(sd + "name"), ox.NamedNode(graph))]
    media_type = negotiate(environ.get("HTTP_ACCEPT", ""), list(_GRAPHS))
    if media_type is None:
        raise HttpError("406 Not Acceptable", "the service description is available as: " + ", ".join(_GRAPHS))
    body = ox.serialize(triples, format=_GRAPHS[media_type],
                        prefixes={"sd": sd, "formats": format_ns, "void": void, "dcterms": dcterms})
    return "200 OK", [("Content-Type", _with_charset(media_type)), ("Vary", "Accept")], body


def _with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type in _CHARSET else media_type


def _parse_qs(text: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, strict_parsing=False,
                                     encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise HttpError("400 Bad Request", "the request is not UTF-8") from None


def _body(environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise HttpError("400 Bad Request", "bad Content-Length") from None
    if length > MAX_BODY:
        raise HttpError("413 Content Too Large", f"the request body is over {MAX_BODY} bytes")
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError("400 Bad Request", "the request is not UTF-8") from None


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------

class _PooledServer(WSGIServer):
    """A WSGI server answering on a fixed pool of threads behind a deep listen queue."""

    request_queue_size = LISTEN_QUEUE

    def server_activate(self):
        super().server_activate()
        self._pool = ThreadPoolExecutor(max_workers=HTTP_THREADS, thread_name_prefix="malikg-http")

    def process_request(self, request, client_address):
        self._pool.submit(self._answer, request, client_address)

    def _answer(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request, client_address):  # one line, not a traceback
        error = sys.exc_info()[1]
        sys.stderr.write(f"{client_address[0]} connection error: {type(error).__name__}: {error}\n")

    def server_close(self):
        super().server_close()
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


class _IPv6Server(_PooledServer):
    address_family = socket.AF_INET6


class _Handler(WSGIRequestHandler):
    timeout = CLIENT_TIMEOUT  # a client that stalls gives its thread back

    def log_message(self, format, *args):  # an access-log line per request on stderr, without the date
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def endpoint_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{PATH}"


def serve(store, host: str = "127.0.0.1", port: int = 7878, *, timeout: float = 30.0,
          max_rows: int = 10000, max_memory_mb: int = MAX_MEMORY_MB, workers: int | None = None,
          announce: Callable[[str], None] = print) -> None:
    """Serve ``store`` until Ctrl-C (SIGINT) or SIGTERM, then return normally.

    ``port`` 0 picks a free port; ``announce`` is told the endpoint URL once it accepts
    connections, and ``stopped`` at the end. Local stores are queried in ``workers`` worker
    processes (default: one per CPU, at least 2) of at most ``max_memory_mb`` MB each.
    """
    server_class = _IPv6Server if ":" in host else _PooledServer
    pool = None
    if getattr(store, "oxigraph", None) is not None:
        pool = QueryWorkers(store, workers or max(2, os.cpu_count() or 2), max_memory_mb)
    hosts = LOOPBACK_NAMES | {host.lower(), f"[{host.lower()}]"} if is_loopback(host) else None
    try:
        server = make_server(host, port, make_app(store, timeout=timeout, max_rows=max_rows, hosts=hosts,
                                                  workers=pool),
                             server_class=server_class, handler_class=_Handler)
    except OSError as error:
        if pool is not None:
            pool.close()
        raise MalikgError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    previous = _stop_on_signals()
    try:
        announce(f"SPARQL endpoint: {endpoint_url(host, server.server_address[1])}")
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if pool is not None:
            pool.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    announce("stopped")


def _stop_on_signals() -> dict:
    """Make SIGINT and SIGTERM stop the server; the handlers they replace.

    SIGINT is set explicitly: a shell starts a background job with SIGINT ignored, and Python
    then leaves it ignored, so ``kill -INT`` would not stop a server started with ``&``.
    """
    if threading.current_thread() is not threading.main_thread():
        return {}

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


__all__ = ["PATH", "QueryWorkers", "make_app", "negotiate", "serve", "endpoint_url", "is_loopback"]
