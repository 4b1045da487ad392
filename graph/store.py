"""Where the graph lives: in memory, in an on-disk Oxigraph store, or behind a SPARQL endpoint.

Every backend answers with pyoxigraph's own result objects (QuerySolutions, QueryBoolean,
QueryTriples), so the same question serialises to the same bytes whichever store answers it.

Local layout (docs/model.md): instance data in the default graph, ontology and vocabularies in
the named graph ONTOLOGY_GRAPH, derived summaries in SUMMARY_GRAPH (rebuilt after every load:
graph/summary.py). Ad-hoc queries see the union of all graphs; named queries read the named
graphs explicitly and run on the default graph alone (``union=False``), as on a partner's store.
"""
from __future__ import annotations

import contextlib
import fcntl
import gc
import io
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Union

import pyoxigraph as ox

from . import formats
from .errors import MalikgError
from .files import exchange, sort_lines
from .namespaces import ONTOLOGY_GRAPH, SUMMARY_GRAPH
from .vocabulary import ontology_files
from .sparql import analyse, prefixes, with_values

Source = Union[str, os.PathLike, bytes]
Output = Union[str, os.PathLike, BinaryIO]
Progress = Callable[[int, int], None]
Term = Union[ox.NamedNode, ox.Literal]

_ONTOLOGY = ox.NamedNode(ONTOLOGY_GRAPH)
_SUMMARY = ox.NamedNode(SUMMARY_GRAPH)
# Not loaded into the store: the SHACL shapes (shapes.ttl, dcat-shapes.ttl) are for validation,
# not for queries.


class Store:
    """One interface over every backend. Use as a context manager, or call close()."""

    def query(self, sparql: str, substitutions: Mapping[str | ox.Variable, Term] | None = None, *,
              union: bool = True):
        """Evaluate ``sparql`` with variables bound to ``substitutions``; a pyoxigraph result object.

        ``union``: on a local store, the default graph is the union of all graphs (False: the
        instance data alone, as on most servers). A remote store's own configuration decides.

        malikg's prefixes (``mk:``, ``mkv:``, ``sem:``, ``actor:``, ``event:``, ...) are predeclared.

        This is the raw engine: it applies no read-only or SERVICE policy. Commands go through
        ``graph.sparql.run``, which does.
        """
        raise NotImplementedError

    def load(self, source: Source, format: ox.RdfFormat | str, *, graph: str | ox.NamedNode | None = None,
             progress: Progress | None = None) -> None:
        """Add the RDF in ``source`` (a path or the bytes themselves): all of it, or on any error none.

        ``graph`` names the graph triples go to (default: the default graph); ``progress`` is
        called as ``progress(bytes_read, total_bytes)`` while the input is read.
        """
        raise NotImplementedError

    def load_all(self, sources: Iterable[tuple[Source, ox.RdfFormat | str, str | ox.NamedNode | None]], *,
                 progress: Progress | None = None) -> None:
        """Load several ``(source, format, graph)`` inputs; ``progress(bytes_read, total_bytes)`` over all.

        On a DiskStore all of them or, on any error or kill, none (one staged copy for the lot);
        elsewhere each input is all-or-nothing on its own.
        """
        items = list(sources)
        sizes = [_size(source) for source, _, _ in items]
        for n, (source, format, graph) in enumerate(items):
            self.load(source, format, graph=graph, progress=_offset(progress, sum(sizes[:n]), sum(sizes)))

    def dump(self, output: Output, format: ox.RdfFormat | str, *, with_ontology: bool = True,
             with_summaries: bool = False) -> None:
        """Write the store to ``output`` (a path or a binary file), sorted, so equal graphs give equal bytes.

        Triple formats (Turtle, N-Triples, RDF/XML) get the instance data, plus with
        ``with_ontology`` the ontology triples merged in; quad formats (N-Quads, TriG) get the
        named ontology graph as a graph of its own. The derived summary graph is left out
        unless ``with_summaries``.
        """
        raise NotImplementedError

    def triple_count(self) -> int:
        """How many triples the store holds (counting a triple once per graph), the summary graph aside."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---------------------------------------------------------------------------
# Local stores
# ---------------------------------------------------------------------------

class _LocalStore(Store):
    _store: ox.Store | None

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph Store."""
        if self._store is None:
            self._store = self._reopen()
        return self._store

    def _reopen(self) -> ox.Store:
        raise MalikgError("the store is closed")

    def query(self, sparql, substitutions=None, *, union=True):
        text = with_values(sparql, _by_name(substitutions)) if substitutions else sparql
        try:
            return self.oxigraph.query(text, use_default_graph_as_union=union, prefixes=prefixes())
        except SyntaxError as error:
            raise MalikgError(f"SPARQL error: {_first_line(error)}") from None
        except (OSError, RuntimeError, ValueError) as error:
            raise MalikgError(f"query failed: {_first_line(error)}") from None

    def triple_count(self) -> int:
        from .summary import size

        return len(self.oxigraph) - size(self.oxigraph)  # the derived summaries are not data

    def dump(self, output, format, *, with_ontology=True, with_summaries=False):
        _write_sorted(self.oxigraph, output, _rdf_format(format), with_ontology=with_ontology,
                      with_summaries=with_summaries)

    def close(self) -> None:
        self._store = None


class MemoryStore(_LocalStore):
    """A pyoxigraph store in memory: the bundled seeds, rebuilt on every run."""

    def __init__(self):
        self._store = ox.Store()

    def load(self, source, format, *, graph=None, progress=None):
        # Store.load is one transaction: on a syntax error nothing is added.
        with _reader(source, progress) as reader:
            _parse_errors(lambda: self.oxigraph.load(reader, _rdf_format(format), to_graph=_graph(graph)),
                          source)
        _summarise(self.oxigraph)


class DiskStore(_LocalStore):
    """An on-disk pyoxigraph (RocksDB) store, the same directory ``oxigraph serve --location`` uses.

    Loads are all-or-nothing even when the process is killed: see ``load``. One process at a
    time: a lock file beside the store is held from opening to closing, through every
    release-and-swap of a load (RocksDB's own lock is let go for the swap), so a second
    process is refused with the first one's pid, never let in between.
    """

    def __init__(self, path: str | os.PathLike, *, lock: int | None = None):
        self.path = Path(path)
        self._closed = False
        self._lock = _lock(self.path) if lock is None else lock
        try:
            _recover(self.path)
            self._store = _open(self.path)
        except BaseException:
            _unlock(self._lock)
            raise
        _remove_stale(self.path)

    def _reopen(self) -> ox.Store:
        # After a load that had to let go of the handle, the next use opens the store again.
        if self._closed:
            raise MalikgError("the store is closed")
        return _open(self.path)

    def load(self, source, format, *, graph=None, progress=None):
        """Bulk-load into a checkpoint copy of the store, then swap the copy in with one rename.

        Why: pyoxigraph documents Store.load as transactional but not bulk_load, which ingests
        its batches as files (0.5.13 happens to ingest them only at the end, but nothing
        promises that). Store.load holds the whole input and the transaction in memory and is
        slower: on 1M triples, load took 8.4 s / 630 MB, bulk_load 5.2 s. Store.backup() makes
        the copy with hard links in ~1 ms, and swap + reopen costs ~30 ms, so the staged bulk
        load is faster from about 50k triples and within 25 ms below that: one path for every
        size. The directories are exchanged atomically with renameat2(RENAME_EXCHANGE) where
        Linux has it; elsewhere with two renames, and a store found missing beside its saved
        copy is put back when next opened.
        """
        self.load_all([(source, format, graph)], progress=progress)

    def load_all(self, sources, *, progress=None):
        items = [(source, _rdf_format(format), _graph(graph)) for source, format, graph in sources]
        sizes = [_size(source) for source, _, _ in items]
        staging = _sibling(self.path, "staging")
        shutil.rmtree(staging, ignore_errors=True)
        self.oxigraph.flush()
        self.oxigraph.backup(str(staging))
        try:
            copy = _open(staging)
            for n, (source, rdf_format, graph) in enumerate(items):
                with _reader(source, _offset(progress, sum(sizes[:n]), sum(sizes))) as reader:
                    _parse_errors(lambda: _bulk_load(copy, reader, rdf_format, graph), source)
            _summarise(copy, bulk=True)
            copy.flush()
            copy = None  # closes it: RocksDB releases its files when the handle goes
            self._release()
            _swap(staging, self.path)
        except BaseException:
            copy = None
            gc.collect()
            shutil.rmtree(staging, ignore_errors=True)
            raise  # if the handle was let go, the next use reopens it
        shutil.rmtree(staging, ignore_errors=True)  # now holds the store as it was before
        self._store = _open(self.path)

    def _release(self) -> None:
        # The old handle must be closed before the swap: RocksDB writes by path when it closes,
        # and would write into the new directory. Opening the directory again proves it closed
        # (RocksDB refuses a second handle in the same process).
        self._store = None
        gc.collect()
        try:
            probe = ox.Store(str(self.path))
        except OSError:
            raise MalikgError(f"{self.path}: the store is still in use in this process "
                              "(an unfinished query result?); nothing was loaded") from None
        del probe
        gc.collect()

    def close(self) -> None:
        if self._store is not None:
            self._store.flush()
        self._store = None
        self._closed = True
        gc.collect()
        if self._lock is not None:
            _unlock(self._lock)
            self._lock = None


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")  # kept: removing a lock file races its next user


def _lock(path: Path) -> int:
    """Hold the store at ``path`` for this process (an open lock file descriptor), or MalikgError."""
    lock = _lock_path(path)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise MalikgError(f"{path}: cannot lock the store ({lock}: {error.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        os.close(fd)
        raise MalikgError(f"{path}: the store is in use by another process ({_describe(holder)}); "
                          "try again when it has finished") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)  # closing the descriptor lets go of the flock


def _describe(pid_text: str) -> str:
    if not pid_text.isdigit():
        return "pid unknown"
    pid = int(pid_text)
    if pid == os.getpid():
        return f"pid {pid}, this process: close the other handle first"
    try:
        command = " ".join(Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split())
    except OSError:
        command = ""
    return f"pid {pid}: {command[:120]}" if command else f"pid {pid}"


def _bulk_load(store: ox.Store, reader, rdf_format: ox.RdfFormat, graph: ox.NamedNode | None) -> None:
    store.bulk_load(reader, rdf_format, to_graph=graph)


def _summarise(store: ox.Store, *, bulk: bool = False) -> None:
    # The summary graph follows the data: recomputed inside the same load (graph/summary.py).
    from .summary import rebuild

    rebuild(store, bulk=bulk)


def _open(path: Path) -> ox.Store:
    try:
        return ox.Store(str(path))
    except OSError as error:
        message = _first_line(error)
        if "lock" in message.lower():
            raise MalikgError(f"{path}: the store is in use by another process "
                              "(an oxigraph server? another malikg?)") from None
        raise MalikgError(f"{path}: cannot open the store: {message}") from None
    except RuntimeError as error:  # RocksDB reports damaged files as RuntimeError("Corruption: ...")
        raise MalikgError(f"{path}: the store is damaged and cannot be opened ({_first_line(error)[:200]}); "
                          "restore a copy or rebuild it with malikg load") from None


def _sibling(path: Path, role: str, pid: int | None = None) -> Path:
    return path.with_name(f".{path.name}.malikg-{role}-{os.getpid() if pid is None else pid}")


def _swap(staging: Path, target: Path) -> None:
    """Make ``staging`` the store at ``target``; afterwards ``staging`` holds the old store."""
    if exchange(staging, target):
        return
    saved = _sibling(target, "old")
    os.rename(target, saved)
    os.rename(staging, target)  # a kill between the renames is undone by _recover
    os.rename(saved, staging)


def _recover(path: Path) -> None:
    """Put back a store whose load was killed between its two renames (non-Linux swap only)."""
    if path.exists():
        return
    saved = sorted(path.parent.glob(f".{path.name}.malikg-old-*"))
    if saved:
        os.rename(saved[0], path)


def _remove_stale(path: Path) -> None:
    """Delete copies left by killed loads; those of a process still running are its own business."""
    for leftover in path.parent.glob(f".{path.name}.malikg-*-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---------------------------------------------------------------------------
# Remote stores
# ---------------------------------------------------------------------------

_FORM = "application/x-www-form-urlencoded"


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint, spoken to with the SPARQL 1.1 Protocol.

    Queries go to ``query_url``. Loads go to ``data_url`` with the Graph Store Protocol (one
    POST) if given, else to ``update_url`` as one INSERT DATA request; both are all-or-nothing
    as far as the server applies a request atomically (Oxigraph does).

    Serve an Oxigraph store with ``oxigraph serve --location DIR --union-default-graph`` so
    queries see the ontology graph, as they do on local stores.
    """

    def __init__(self, query_url: str, update_url: str | None = None, *, data_url: str | None = None,
                 timeout: float = 60.0):
        for name, url in (("endpoint", query_url), ("update URL", update_url), ("Graph Store URL", data_url)):
            if url is not None:
                _check_url(name, url)
        self.query_url = query_url
        self.update_url = update_url
        self.data_url = data_url
        self.timeout = timeout

    def query(self, sparql, substitutions=None, *, union=True):
        info = analyse(sparql)
        text = with_values(sparql, _by_name(substitutions)) if substitutions else info.text
        # The prefixes local stores predeclare; the query's own declarations come later and win.
        text = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes().items()) + text
        # A form-encoded POST, the SPARQL 1.1 Protocol's most widely served binding: Virtuoso 7
        # never answers a POST of application/sparql-query (the connection just stays open).
        form = urllib.parse.urlencode({"query": text}).encode()
        if info.form in ("SELECT", "ASK"):
            body = self._post(self.query_url, form, _FORM, accept="application/sparql-results+json")
            # pyoxigraph parses results lazily: read them through once here, so a wrong answer
            # is this one error, not a traceback wherever the rows are read. The error is raised
            # after the except clause so it carries no frame holding the result object, which
            # pyo3 refuses to drop in any thread but this one.
            try:
                parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
                if isinstance(parsed, ox.QueryBoolean):
                    return parsed
                for _ in parsed:
                    pass
                return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            except (SyntaxError, ValueError, TypeError) as error:
                failure = f"{self.query_url}: unreadable SPARQL results: {_first_line(error)}"
            parsed = None
            raise MalikgError(failure)
        body = self._post(self.query_url, form, _FORM, accept="application/n-triples")
        # pyoxigraph has no public constructor for QueryTriples; a scratch store makes one.
        scratch = ox.Store()
        _parse_errors(lambda: scratch.load(body, ox.RdfFormat.N_TRIPLES), self.query_url)
        return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        total = int(next(iter(result))[0].value)
        # A union-default-graph server counts the summary graph too; it records its own size.
        size = self.query(f"SELECT ?n WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ <{SUMMARY_GRAPH}> "
                          f"<https://w3id.org/malikg/summary#triples> ?n }} }}")
        derived = [int(row[0].value) for row in size]
        unioned = derived and bool(self.query(f"ASK {{ <{SUMMARY_GRAPH}> "
                                               f"<https://w3id.org/malikg/summary#triples> ?n }}"))
        return total - (derived[0] if unioned else 0)

    def load(self, source, format, *, graph=None, progress=None):
        rdf_format = _rdf_format(format)
        if self.data_url:
            self._load_graph_store(source, rdf_format, graph, progress)
        elif self.update_url:
            self._load_insert_data(source, rdf_format, graph, progress)
        else:
            raise MalikgError(f"{self.query_url} is read-only here: give an update or Graph Store URL to load")

    def _load_graph_store(self, source, rdf_format, graph, progress):
        url = self.data_url
        if not rdf_format.supports_datasets:
            sep = "&" if urllib.parse.urlsplit(url).query else "?"
            target = "graph=" + urllib.parse.quote(_graph_iri(graph), safe="") if graph else "default"
            url = f"{url}{sep}{target}"
        with _reader(source, progress) as reader:
            self._post(url, reader, rdf_format.media_type, length=reader.total)

    def _load_insert_data(self, source, rdf_format, graph, progress):
        with _reader(source, progress) as reader:
            quads = _parse_errors(lambda: list(ox.parse(reader, rdf_format)), source)
        by_graph: dict[str, list[str]] = {}
        for quad in quads:
            if isinstance(quad.graph_name, ox.DefaultGraph):
                name = _graph_iri(graph) if graph else ""
            else:
                name = str(quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else quad.graph_name)
            by_graph.setdefault(name, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
        parts = []
        for name, lines in by_graph.items():
            block = "\n".join(lines)
            parts.append(block if not name else f"GRAPH <{name}> {{\n{block}\n}}")
        update = "INSERT DATA {\n" + "\n".join(parts) + "\n}"
        self._post(self.update_url, update.encode(), "application/sparql-update")

    def dump(self, output, format, *, with_ontology=True, with_summaries=False):
        # Fetch into a scratch store and write it as a local store would: same bytes as local.
        scratch = ox.Store()
        named = self.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        scratch.extend(ox.Quad(s, p, o, g) for g, s, p, o in named)
        # A union-default-graph server shows named-graph triples as default ones too.
        default = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o "
                             "FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in default)
        _write_sorted(scratch, output, _rdf_format(format), with_ontology=with_ontology,
                      with_summaries=with_summaries)

    def _post(self, url: str, data, content_type: str, *, accept: str | None = None,
              length: int | None = None) -> bytes:
        headers = {"Content-Type": content_type, "User-Agent": "malikg"}
        if accept:
            headers["Accept"] = accept
        if length is not None:
            headers["Content-Length"] = str(length)
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip().splitlines()
            reason = detail[0] if detail else error.reason
            raise MalikgError(f"SPARQL endpoint {url} answered HTTP {error.code}: {reason}") from None
        except urllib.error.URLError as error:
            raise MalikgError(f"cannot reach SPARQL endpoint {url}: {error.reason}") from None
        except (TimeoutError, ConnectionError) as error:
            raise MalikgError(f"cannot reach SPARQL endpoint {url}: {error}") from None


def _check_url(name: str, url: str) -> None:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise MalikgError(f"the {name} must be an http:// or https:// URL, not {url!r}")
    try:
        parsed.port
    except ValueError:
        raise MalikgError(f"the {name} has a bad port: {url!r}") from None


# ---------------------------------------------------------------------------
# Opening a store
# ---------------------------------------------------------------------------

def open_store(store_dir: str | os.PathLike | None = None, endpoint: str | None = None, *,
               create: bool = False, seed: bool = True, seed_graph=None,
               ontology: str | os.PathLike | None = None, update_url: str | None = None,
               data_url: str | None = None) -> Store:
    """The store the ``--store`` / ``--endpoint`` options name.

    Neither: a MemoryStore holding the ontology and the seed graph. ``store_dir``: that
    DiskStore; if it does not exist, an error unless ``create``, and a new store is filled with
    the ontology and the seed graph (unless ``seed=False``) before it appears under its name.
    ``endpoint``: a RemoteStore, loading through ``update_url`` (SPARQL Update) or ``data_url``
    (Graph Store Protocol) if given. ``seed_graph`` (an rdflib Graph) replaces
    ``graph.emit.build_graph()`` and ``ontology`` the bundled ontology folder.
    """
    if store_dir is not None and endpoint:
        raise MalikgError("give either a store directory (--store) or an endpoint (--endpoint), not both")
    if endpoint:
        return RemoteStore(endpoint, update_url, data_url=data_url)
    if store_dir is None:
        store = MemoryStore()
        initial = _initial_data(seed, seed_graph, ontology)
        if initial:
            store.load(initial, ox.RdfFormat.N_QUADS)
        return store
    path = Path(store_dir)
    if not path.parent.is_dir():
        if not create:
            raise MalikgError(f"no store at {path} (create one first)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise MalikgError(f"{path}: cannot create the store's folder: {error.strerror}") from None
    lock = _lock(path)
    try:
        _recover(path)
        if path.exists():
            if not path.is_dir():
                raise MalikgError(f"{path} is not a directory")
            if any(path.iterdir()):
                if not (path / "CURRENT").exists():
                    raise MalikgError(f"{path} is not an Oxigraph store")
                return DiskStore(path, lock=lock)
        if not create:
            raise MalikgError(f"no store at {path} (create one first)")
        return _create(path, _initial_data(seed, seed_graph, ontology), lock)
    except BaseException:
        _unlock(lock)
        raise


def _create(path: Path, initial: bytes, lock: int) -> DiskStore:
    # Built beside its final name and renamed into place, so a killed creation leaves nothing
    # that looks like a store.
    staging = _sibling(path, "staging")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        store = _open(staging)
        if initial:
            _bulk_load(store, initial, ox.RdfFormat.N_QUADS, None)
            _summarise(store, bulk=True)
        store.flush()
        store = None
        gc.collect()
        if path.exists():
            path.rmdir()  # empty, checked by the caller
        os.rename(staging, path)
    except BaseException:
        store = None
        gc.collect()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return DiskStore(path, lock=lock)


def _initial_data(seed: bool, seed_graph, ontology) -> bytes:
    """The ontology (in ONTOLOGY_GRAPH) and the seed graph (default graph) as N-Quads."""
    chunks = [ontology_quads(ontology)]
    if seed:
        if seed_graph is None:
            try:
                from .emit import build_graph
            except ModuleNotFoundError as error:
                if error.name != "graph.emit":
                    raise
                raise MalikgError("the seed loader (graph/emit.py) is not installed") from None
            seed_graph = build_graph()
        # rdflib -> pyoxigraph through N-Triples: one fast native parse instead of a Python loop.
        chunks.append(seed_graph.serialize(format="nt", encoding="utf-8"))
    return b"".join(chunk if chunk.endswith(b"\n") or not chunk else chunk + b"\n" for chunk in chunks)


def ontology_quads(folder: str | os.PathLike | None = None) -> bytes:
    """Every ``*.ttl`` of the ontology folder except the SHACL shapes, as N-Quads in ONTOLOGY_GRAPH."""
    quads: list[ox.Quad] = []
    for path in ontology_files(folder):
        parsed = _parse_errors(lambda: list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)), path)
        quads.extend(ox.Quad(q.subject, q.predicate, q.object, _ONTOLOGY) for q in parsed)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) if quads else b""


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _rdf_format(format: ox.RdfFormat | str) -> ox.RdfFormat:
    if isinstance(format, ox.RdfFormat):
        return format
    name = str(format).lower().lstrip(".")
    found = formats.by_name(name) or formats.by_suffix(f"file.{name}") or formats.by_media_type(name)
    if found is None:
        raise MalikgError(f"unknown RDF format {format!r} (try {', '.join(formats.names())})")
    return found.oxigraph


def _graph(graph) -> ox.NamedNode | None:
    if graph is None or isinstance(graph, ox.NamedNode):
        return graph
    return ox.NamedNode(str(graph))


def _graph_iri(graph) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else str(graph)


def _by_name(substitutions: Mapping) -> dict[str, Term]:
    return {(key.value if isinstance(key, ox.Variable) else str(key).lstrip("?$")): term
            for key, term in substitutions.items()}


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _parse_errors(work: Callable, source):
    """Run ``work``; a syntax error in the data becomes a MalikgError naming the source."""
    try:
        return work()
    except SyntaxError as error:
        where = source if isinstance(source, (str, os.PathLike)) else "input"
        raise MalikgError(f"not valid RDF: {_first_line(error)}", file=str(where)) from None


class _ProgressReader(io.RawIOBase):
    """A binary reader that reports how far it has got: pyoxigraph pulls the input through it."""

    def __init__(self, raw: BinaryIO, total: int, progress: Progress | None):
        self._raw, self.total, self._progress, self._done = raw, total, progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        self._done += count or 0
        if self._progress is not None:
            self._progress(self._done, self.total)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


def _size(source: Source) -> int:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return len(source)
    try:
        return Path(source).stat().st_size
    except OSError as error:
        raise MalikgError(f"cannot read {source}: {error.strerror}") from None


def _offset(progress: Progress | None, before: int, total: int) -> Progress | None:
    """``progress`` for one input of several: bytes counted from ``before``, out of ``total``."""
    if progress is None:
        return None
    return lambda done, _: progress(before + done, total)


def _reader(source: Source, progress: Progress | None) -> _ProgressReader:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return _ProgressReader(io.BytesIO(data), len(data), progress)
    path = Path(source)
    try:
        return _ProgressReader(open(path, "rb"), path.stat().st_size, progress)
    except OSError as error:
        raise MalikgError(f"cannot read {path}: {error.strerror}") from None


def _write_sorted(store: ox.Store, output: Output, rdf_format: ox.RdfFormat, *, with_ontology: bool,
                  with_summaries: bool = False) -> None:
    # Sorted N-Triples lines, one graph at a time: a content-determined order, so a memory, disk
    # or remote store holding the same graph writes the same bytes (their native orders differ).
    # Every step streams through temporary files and sort(1), an external merge sort, so memory
    # stays bounded at millions of events (an in-memory sort held ~3x the dump: 17 GB at 1M).
    default = ox.DefaultGraph()
    with tempfile.TemporaryDirectory(prefix="malikg-dump-") as scratch:
        scratch = Path(scratch)
        if rdf_format.supports_datasets:
            named = sorted((g for g in store.named_graphs() if g != _SUMMARY), key=str) if with_ontology else []
            graphs = [default] + named + ([_SUMMARY] if with_summaries and _SUMMARY in set(store.named_graphs()) else [])
            parts = []
            for n, graph in enumerate(graphs):
                raw = scratch / f"graph-{n}.nt"
                store.dump(str(raw), ox.RdfFormat.N_TRIPLES, from_graph=graph)
                parts.append((graph, _Sorting(raw, unique=False) if n == 0 and rdf_format == ox.RdfFormat.N_QUADS
                              else sort_lines(raw, scratch / f"graph-{n}.sorted.nt", unique=False)))
        else:
            raw = scratch / "graph.nt"
            if with_ontology or with_summaries:
                graphs = ([f"GRAPH <{g.value}> {{ ?s ?p ?o }}" for g in store.named_graphs() if g != _SUMMARY]
                          if with_ontology else []) + ([f"GRAPH <{SUMMARY_GRAPH}> {{ ?s ?p ?o }}"] if with_summaries else [])
                union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } "
                                    + "".join(f"UNION {{ {g} }} " for g in graphs) + "}")
                union.serialize(str(raw), ox.RdfFormat.N_TRIPLES)
            else:
                store.dump(str(raw), ox.RdfFormat.N_TRIPLES, from_graph=default)
            unique = with_ontology or with_summaries
            parts = [(default, _Sorting(raw, unique=unique) if rdf_format == ox.RdfFormat.N_TRIPLES
                      else sort_lines(raw, scratch / "graph.sorted.nt", unique=unique))]

        if rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            with _binary_output(output) as stream:
                for graph, path in parts:
                    if isinstance(path, _Sorting):  # the default graph: sort(1)'s output as it comes
                        for chunk in path.chunks():
                            stream.write(chunk)
                        continue
                    for lines in _line_batches(path):
                        stream.write(_nquads(graph, lines) if rdf_format.supports_datasets else b"".join(lines))
            return

        def quads() -> Iterator[ox.Quad | ox.Triple]:
            for graph, path in parts:
                for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
                    yield ox.Quad(quad.subject, quad.predicate, quad.object, graph) \
                        if rdf_format.supports_datasets else quad.triple

        used: dict[str, str] = {}
        for _, path in parts:
            for lines in _line_batches(path):
                used.update(prefixes(b"".join(lines)))
        target = str(output) if isinstance(output, (str, os.PathLike)) else output
        ox.serialize(quads(), target, rdf_format, prefixes=dict(sorted(used.items())))


class _Sorting:
    """The lines of an N-Triples file sorted as ``sort_lines`` sorts them, read from sort(1)'s
    output as it writes it: no sorted copy is written to disk and read back (most of the data
    an export moves)."""

    def __init__(self, source: Path, *, unique: bool):
        self.source, self.unique = source, unique

    def chunks(self, size: int = 1 << 24) -> Iterator[bytes]:
        sort = shutil.which("sort")
        if sort is None:
            target = sort_lines(self.source, self.source.with_suffix(".sorted.nt"), unique=self.unique)
            with open(target, "rb") as stream:
                yield from iter(lambda: stream.read(size), b"")
            return
        command = [sort, "-S", "1G", "-T", str(self.source.parent)] + (["-u"] if self.unique else [])
        with subprocess.Popen(command + [str(self.source)], stdout=subprocess.PIPE,
                              env={**os.environ, "LC_ALL": "C"}) as process:
            try:
                yield from iter(lambda: process.stdout.read(size), b"")
            except BaseException:
                process.kill()
                raise
            finally:
                process.stdout.close()
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, command)
        self.source.unlink()


def _line_batches(path: Path, size: int = 1 << 24) -> Iterator[list[bytes]]:
    with open(path, "rb") as stream:
        while True:
            lines = stream.readlines(size)
            if not lines:
                return
            yield lines


@contextlib.contextmanager
def _binary_output(output: Output) -> Iterator[BinaryIO]:
    if isinstance(output, (str, os.PathLike)):
        with open(output, "wb") as stream:
            yield stream
    else:
        yield output


def _nquads(graph, lines: Iterable[bytes]) -> bytes:
    if isinstance(graph, ox.DefaultGraph):
        return b"".join(lines)
    suffix = f" {graph} .\n".encode()
    return b"".join(line[:-3] + suffix for line in lines)  # each line ends with " .\n"


__all__ = ["Store", "MemoryStore", "DiskStore", "RemoteStore", "open_store", "ontology_quads"]
