"""The named research questions: ``queries/*.rq``, each opening with a comment header.

    # title: Drone strikes
    # question: Which air or drone strikes does the graph record, where and when,
    #   and whom did they kill?
    # param: actor (actor, default: malian-armed-forces) the actor whose strikes to list
    # param: since (date, default: 2024-01-01) earliest date
    # example: malikg query drone-strikes -p since=2024-02-17
    # page: 200

A parameter is a variable of the query (``?since``) bound to a typed value; one without a
default is required. ``page`` marks a list (timelines, searches, per-event lists): it answers
one page of that many rows by default (``limit``/``offset``), with the total count beside it;
aggregates have no page and answer in full. A header line indented by two or more spaces
continues the line above.

Named queries read the ontology and the summary graph through GRAPH clauses and run with the
default graph alone (not the union of all graphs), so they answer the same on a store loaded the
ordinary way; on an endpoint, a probe first checks that those graphs are there.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import resources
from .errors import MalikgError
from .namespaces import ONTOLOGY_GRAPH, SUMMARY_GRAPH
from . import sparql
from .sparql import TYPES, Result, bind, convert, inspect_query, run
from .table import render_table


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    title: str = ""
    question: str = ""
    params: tuple[Param, ...] = ()
    example: str | None = None
    path: Path | None = field(default=None, compare=False)
    page: int | None = None  # default page size of a list; None for an aggregate

    @property
    def graphs(self) -> tuple[str, ...]:
        """The named graphs the query reads (ontology, summary)."""
        return tuple(g for g in (ONTOLOGY_GRAPH, SUMMARY_GRAPH) if f"<{g}>" in self.text)

    @property
    def declared(self) -> dict[str, Param]:
        return {param.name: param for param in self.params}


_KEY = re.compile(r"#\s*(title|question|param|example|page)\s*:\s*(.*)\Z", re.IGNORECASE)
_MORE = re.compile(r"#\s{2,}(\S.*)\Z")
_PARAM = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(?P<type>[A-Za-z]+)"
                    r"(?:\s*,\s*default:\s*(?P<default>[^)]*?))?\s*\)\s*(?P<description>.*)\Z")


def parse_query(text: str, name: str = "query", path: str | os.PathLike | None = None) -> NamedQuery:
    """A NamedQuery from ``.rq`` text: its header read, its parameters typed and their defaults checked."""
    where = str(path) if path is not None else None
    fields: dict[str, str] = {}
    params: list[Param] = []
    last: list[str] | None = None  # [key, value] of the line a continuation extends
    entries: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            last = None
            continue
        if not line.startswith("#"):
            break
        key = _KEY.match(line)
        more = _MORE.match(line.rstrip())
        if key:
            last = [key.group(1).lower(), key.group(2).strip()]
            entries.append((number, last))
        elif more and last is not None:
            last[1] = f"{last[1]} {more.group(1).strip()}"
        else:
            last = None
    for number, (key, value) in entries:
        if key != "param":
            fields.setdefault(key, value)
            continue
        match = _PARAM.match(value)
        if not match:
            raise MalikgError(f"line {number}: a param line reads `# param: NAME (TYPE, default: VALUE) description`",
                              file=where)
        param = Param(match["name"], match["type"].lower(), match["default"], match["description"].strip())
        if param.type not in TYPES:
            raise MalikgError(f"line {number}: parameter {param.name!r} has unknown type {param.type!r} "
                              f"(known: {', '.join(sorted(TYPES))})", file=where)
        if param.name in {p.name for p in params}:
            raise MalikgError(f"line {number}: parameter {param.name!r} is declared twice", file=where)
        if param.default is not None:
            try:
                convert(param.name, param.type, param.default)
            except MalikgError as error:
                raise MalikgError(f"line {number}: default: {error.message}", file=where) from None
        params.append(param)
    page = fields.get("page")
    if page is not None and not re.fullmatch(r"[1-9]\d*", page):
        raise MalikgError(f"page: a positive number of rows, not {page!r}", file=where)
    return NamedQuery(name=name, text=text, title=fields.get("title", ""), question=fields.get("question", ""),
                      params=tuple(params), example=fields.get("example"),
                      path=Path(path) if path is not None else None, page=int(page) if page else None)


def list_queries(folder: str | os.PathLike | None = None) -> list[NamedQuery]:
    """Every named query in ``folder`` (default: the bundled ``queries/``), by name."""
    folder = Path(folder) if folder is not None else resources.queries_dir()
    return [_read(path) for path in sorted(folder.glob("*.rq"))]


def get_query(name: str, folder: str | os.PathLike | None = None) -> NamedQuery:
    """The named query ``name``; an unknown name is an error suggesting close ones."""
    folder = Path(folder) if folder is not None else resources.queries_dir()
    path = folder / f"{name}.rq"
    if "/" not in name and "\\" not in name and path.is_file():
        return _read(path)
    names = sorted(p.stem for p in folder.glob("*.rq"))
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    if close:
        hint = f"did you mean {', '.join(close)}?"
    else:
        hint = f"known: {', '.join(names)}" if names else "there are no named queries"
    raise MalikgError(f"unknown query {name!r}: {hint} (malikg queries lists them)")


def run_named(store, name: str, params: Mapping[str, str] | None = None, *,
              folder: str | os.PathLike | None = None, allow_remote: bool = False,
              timeout: float | None = 30.0, limit: int | None = None, offset: int = 0) -> Result:
    """Answer the named query ``name`` from ``store`` with ``params`` (text, typed by its header).

    A list answers every row unless ``limit`` is given (see ``run_query``).
    """
    return run_query(store, get_query(name, folder), params, allow_remote=allow_remote, timeout=timeout,
                     limit=limit, offset=offset)


def run_query(store, query: NamedQuery, params: Mapping[str, str] | None = None, *,
              allow_remote: bool = False, timeout: float | None = 30.0,
              limit: int | None = None, offset: int = 0) -> Result:
    """The answer of ``query``; with ``limit``, rows ``offset`` .. ``offset + limit`` of it.

    The page's Result carries ``total``, the number of rows of the whole answer. On a local
    store the engine evaluates the query once, and only the page's rows are kept of the
    solutions it streams (the others are counted); on an endpoint, a SELECT that sets no LIMIT,
    OFFSET or trailing VALUES of its own (every bundled list) is sent with ``LIMIT``/``OFFSET``
    appended and a COUNT around it (``graph.sparql.run`` says why each).
    """
    if limit is not None and (limit < 0 or offset < 0):
        raise MalikgError("--limit and --offset take a number of rows, 0 or more")
    remember_bundled_checks()
    probe_graphs(store, query)
    # The library's queries, and any that name the graphs they read, see the default graph
    # alone: faster on Oxigraph (1.3-2x), and what most servers do. Other ad-hoc queries keep
    # the union, so that a quick look at the vocabulary needs no GRAPH clause.
    target = _DefaultGraphOnly(store) if query.graphs or _bundled(query) else store
    from .store import RemoteStore

    result = run(target, query.text, params, declared=query.declared, allow_remote=allow_remote,
                 timeout=timeout, limit=limit, offset=offset, engine_pages=isinstance(store, RemoteStore))
    if result.total is None and result.form == "SELECT":
        result.total = len(result.rows)
    return result


def _bundled(query: NamedQuery) -> bool:
    return query.path is not None and query.path.parent.resolve() == resources.queries_dir().resolve()


class _DefaultGraphOnly:
    """A store whose queries see the default graph alone (the named graphs through GRAPH)."""

    def __init__(self, store):
        self._store = store

    def query(self, sparql, substitutions=None):
        try:
            return self._store.query(sparql, substitutions, union=False)
        except TypeError:  # a store that has no such choice answers as it is configured
            return self._store.query(sparql, substitutions)


def probe_graphs(store, query: NamedQuery) -> None:
    """On an endpoint, say plainly if the graphs ``query`` reads are not there, naming what to load."""
    from .store import RemoteStore

    if not isinstance(store, RemoteStore):
        return  # local stores hold both: the ontology from creation, the summary from every load
    seen = store.__dict__.setdefault("_graphs_probed", set())
    for graph in query.graphs:
        if graph in seen:
            continue
        answer = store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        if not bool(answer):
            what = ("the ontology and vocabularies (malikg export --format nq --with-ontology)"
                    if graph == ONTOLOGY_GRAPH else
                    "the summary graph (malikg export --format nq --with-ontology --with-summaries)")
            raise MalikgError(f"{store.query_url} cannot answer {query.name}: it has no named graph <{graph}>; "
                              f"load {what} into it, keeping its named graphs")
        seen.add(graph)


def check_query(query: NamedQuery, params: Mapping[str, str] | None = None, *,
                allow_remote: bool = False) -> None:
    """Refuse the query or its parameters as run_query would, before any store is opened."""
    remember_bundled_checks()
    inspect_query(query.text, allow_remote=allow_remote)
    bind(params or {}, query.declared)


def parse_params(pairs) -> dict[str, str]:
    """``["since=2024-01-01", ...]`` from ``-p`` options as a dict; a malformed or repeated pair is an error."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise MalikgError(f"-p {pair!r}: a parameter reads NAME=VALUE")
        if name in params:
            raise MalikgError(f"parameter {name!r} is given twice")
        params[name] = value
    return params


def chosen_query(name: str | None = None, file: str | os.PathLike | None = None,
                 sparql: str | None = None) -> NamedQuery:
    """The query the command line names: exactly one of a name, a ``.rq`` file or SPARQL text."""
    given = [x for x in (name, file, sparql) if x is not None]
    if len(given) != 1:
        raise MalikgError("give one of a query name, --file or --sparql (malikg queries lists the names)")
    if name is not None:
        return get_query(name)
    if file is not None:
        return _read(Path(file))
    return parse_query(sparql, name="sparql")


def describe_queries(queries: list[NamedQuery]) -> str:
    """The ``malikg queries`` table: name, title and parameters as ``name:type=default``."""
    def signature(query: NamedQuery) -> str:
        return ", ".join(f"{p.name}:{p.type}" + ("" if p.required else f"={p.default}") for p in query.params)

    if not queries:
        return "no named queries\n"
    return render_table(["name", "title", "parameters"],
                        [(q.name, q.title, signature(q)) for q in queries])


def _read(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MalikgError(f"cannot read: {error}", file=str(path)) from None
    return parse_query(text, name=path.stem, path=path)


# ---------------------------------------------------------------------------
# The bundled queries' read-only check, done ahead of time
# ---------------------------------------------------------------------------

#: What graph.sparql.analyse says of each bundled query, by the SHA-256 of its text. Their text
#: is part of the package, so parsing them with rdflib's grammar on every run (1.7 s of a 3.2 s
#: build) checks the same thing again; tests/test_query_checks.py keeps this file current
#: (``write_bundled_checks``), and a query whose text is not in it is parsed as any other.
CHECKS_FILE = Path(__file__).with_name("query_checks.json")


def bundled_checks(folder: str | os.PathLike | None = None) -> dict[str, dict]:
    """The check of every query in ``folder`` (default: the bundled ones), parsed now, by text hash."""
    checks = {}
    for query in list_queries(folder):
        info = dataclasses.asdict(sparql.analyse_text(query.text))
        info["text"] = None if info["text"] == query.text else info["text"]
        checks[_digest(query.text)] = info
    return dict(sorted(checks.items()))


def write_bundled_checks() -> Path:
    """Write CHECKS_FILE from the bundled queries as they are now."""
    CHECKS_FILE.write_text(json.dumps(bundled_checks(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return CHECKS_FILE


@functools.lru_cache(maxsize=1)
def remember_bundled_checks() -> int:
    """Hand graph.sparql the checks of CHECKS_FILE for the bundled queries whose text they match."""
    try:
        checks = json.loads(CHECKS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    for query in list_queries():
        info = checks.get(_digest(query.text))
        if info is not None:
            fields = {key: tuple(value) if isinstance(value, list) else value for key, value in info.items()}
            fields["text"] = fields["text"] or query.text
            sparql.CHECKED[query.text] = sparql.QueryInfo(**fields)
    return len(checks)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
