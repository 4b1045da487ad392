"""``malikg serve``: a read-only SPARQL 1.1 Protocol endpoint over any malikg store.

A small WSGI application on the standard library's threaded server, in front of
``graph.sparql.run``. What it answers and what it refuses:

- ``GET /sparql?query=...``, ``POST /sparql`` with ``application/sparql-query`` or a form
  (``application/x-www-form-urlencoded``) with ``query=``. ``GET /sparql`` without a query
  gives a SPARQL 1.1 Service Description.
- Answers are negotiated with ``Accept``: SPARQL results as JSON (default), XML, CSV or TSV;
  CONSTRUCT and DESCRIBE as Turtle (default), N-Triples, RDF/XML or JSON-LD. 406 otherwise.
- Refused with 403: every update operation (``update=`` or ``application/sparql-update``),
  SERVICE anywhere in a query (Oxigraph would fetch the URL), FROM / FROM NAMED and the
  ``default-graph-uri`` / ``named-graph-uri`` parameters. A malformed query (an update sent
  as a query included) is a 400 that names the line and column.
- Each query runs within ``timeout`` seconds (503 after). Answers larger than ``max_rows``
  rows (SELECT) or triples (CONSTRUCT, DESCRIBE) are refused with 413 and a message asking
  for LIMIT/OFFSET: nothing is ever silently cut short. A SELECT without LIMIT is evaluated
  with ``LIMIT max_rows + 1``, so an oversized question costs no more than that.

Errors are one line of ``text/plain``. malikg's prefixes (``mk:``, ``actor:``, ...) are
predeclared, as on the command line.
"""
from __future__ import annotations

import signal
import socket
import socketserver
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.util import request_uri

import pyoxigraph as ox

from . import formats
from .errors import MalikgError
from .sparql import analyse, prefixes, run

PATH = "/sparql"
#: Largest request body read, in bytes: a query, not a data upload.
MAX_BODY = 1 << 20

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


def make_app(store, *, timeout: float = 30.0, max_rows: int = 10000) -> Callable:
    """The WSGI application answering SPARQL queries on ``store``."""

    def app(environ, start_response):
        try:
            status, headers, body = _handle(environ, store, timeout, max_rows)
        except HttpError as error:
            status, body = error.status, (error.message + "\n").encode("utf-8")
            headers = [("Content-Type", "text/plain; charset=utf-8"), *error.headers]
        headers += [("Content-Length", str(len(body))), ("Access-Control-Allow-Origin", "*")]
        start_response(status, headers)
        return [body]

    return app


Response = tuple[str, list[tuple[str, str]], bytes]


def _handle(environ, store, timeout: float, max_rows: int) -> Response:
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
    if method == "OPTIONS":  # a browser's CORS preflight for a POST of application/sparql-query
        return "204 No Content", [("Allow", "GET, POST, OPTIONS"), ("Access-Control-Allow-Methods", "GET, POST"),
                                  ("Access-Control-Allow-Headers", "Content-Type")], b""
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
    return _answer(queries[0], environ.get("HTTP_ACCEPT", ""), store, timeout, max_rows)


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


def _answer(text: str, accept: str, store, timeout: float, max_rows: int) -> Response:
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
    if info.form == "SELECT" and info.limit is None and not info.trailing_values:
        text = f"{info.text}\nLIMIT {max_rows + 1}"
    try:
        result = run(store, text, timeout=timeout or None)
    except MalikgError as error:
        message = str(error)
        status = ("503 Service Unavailable" if message.startswith("query timed out")
                  else "400 Bad Request" if message.startswith("SPARQL") else "500 Internal Server Error")
        raise HttpError(status, message) from None
    size = len(result.rows) if result.form == "SELECT" else len(result.triples)
    if size > max_rows:
        unit = "rows" if result.form == "SELECT" else "triples"
        raise HttpError("413 Content Too Large",
                        f"the answer has more than {max_rows} {unit}, this endpoint's limit: "
                        "page through it with LIMIT and OFFSET (and ORDER BY)")
    if result.form in ("SELECT", "ASK"):
        body = result.serialize(_RESULTS[media_type])
    else:
        body = ox.serialize(result.triples, format=_GRAPHS[media_type], prefixes=prefixes(result.data))
    return "200 OK", [("Content-Type", _with_charset(media_type)), ("Vary", "Accept")], body


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
    sd = "http://www.w3.org/ns/sparql-service-description#"
    format_ns = "http://www.w3.org/ns/formats/"
    endpoint = ox.NamedNode(request_uri(environ, include_query=False))

    def triple(p: str, o) -> ox.Triple:  # the endpoint IRI names the service too
        return ox.Triple(endpoint, ox.NamedNode(p), o)

    triples = [
        triple("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(sd + "Service")),
        triple(sd + "endpoint", endpoint),
        triple(sd + "supportedLanguage", ox.NamedNode(sd + "SPARQL11Query")),
        triple(sd + "feature", ox.NamedNode(sd + "UnionDefaultGraph")),
        *(triple(sd + "resultFormat", ox.NamedNode(format_ns + name)) for name in (
            "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
            "Turtle", "N-Triples", "RDF_XML", "JSON-LD")),
    ]
    media_type = negotiate(environ.get("HTTP_ACCEPT", ""), list(_GRAPHS))
    if media_type is None:
        raise HttpError("406 Not Acceptable", "the service description is available as: " + ", ".join(_GRAPHS))
    body = ox.serialize(triples, format=_GRAPHS[media_type], prefixes={"sd": sd, "formats": format_ns})
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

class _ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a slow client does not hold up Ctrl-C


class _IPv6Server(_ThreadedServer):
    address_family = socket.AF_INET6


class _Handler(WSGIRequestHandler):
    def log_message(self, format, *args):  # an access-log line per request on stderr, without the date
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def endpoint_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{PATH}"


def serve(store, host: str = "127.0.0.1", port: int = 7878, *, timeout: float = 30.0,
          max_rows: int = 10000, announce: Callable[[str], None] = print) -> None:
    """Serve ``store`` until Ctrl-C (SIGINT) or SIGTERM, then return normally.

    ``port`` 0 picks a free port; ``announce`` is told the endpoint URL once it accepts
    connections, and ``stopped`` at the end.
    """
    server_class = _IPv6Server if ":" in host else _ThreadedServer
    try:
        server = make_server(host, port, make_app(store, timeout=timeout, max_rows=max_rows),
                             server_class=server_class, handler_class=_Handler)
    except OSError as error:
        raise MalikgError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    previous = _stop_on_sigterm()
    try:
        announce(f"SPARQL endpoint: {endpoint_url(host, server.server_address[1])}")
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    announce("stopped")


def _stop_on_sigterm():
    """Make SIGTERM stop the server as Ctrl-C does; the handler it replaces, or None."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


__all__ = ["PATH", "make_app", "negotiate", "serve", "endpoint_url", "is_loopback"]
