"""Partner triple stores on loopback ports: Virtuoso Open-Source and the Oxigraph server.

Used by the tests (``tests/test_partners.py``) and by ``benchmarks/run.py`` (imported there as
``tests.servers``), so both load and query a server the same way. Each server gets a folder of
its own (database, configuration, log) and free loopback ports, is loaded the way its own
documentation says to bulk-load a file, and is stopped by the process that started it:

    with Virtuoso(folder) as virtuoso:                 # virtuoso-t from Debian's virtuoso-opensource
        virtuoso.bulk_load("graph.nq")                 # ld_dir + rdf_loader_run + checkpoint
        run_named(open_store(endpoint=virtuoso.endpoint), "drone-strikes")

    with OxigraphServer(folder, "graph.nq") as oxigraph:   # `oxigraph load` then `oxigraph serve`
        oxigraph.endpoint

Oxigraph is loaded the ordinary way, without ``--union-default-graph``: the default graph holds
only the default graph's triples, as in Fuseki and GraphDB. Virtuoso queries the union of its
graphs when a request names none (its documented default); an N-Quads file's default-graph
triples go to the graph ``bulk_load`` is given.

Nothing here reaches beyond 127.0.0.1.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

#: Where triples of an N-Quads file's default graph go in Virtuoso, which has no unnamed graph.
DATA_GRAPH = "https://w3id.org/malikg/graph/data"


class ServerError(RuntimeError):
    """A server would not start, load or stop; the message carries the server's own words."""


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                said = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
                raise ServerError(f"server did not answer {url}: {said}") from None
            time.sleep(0.1)


def _stop(process: subprocess.Popen | None, timeout: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ---------------------------------------------------------------------------
# Virtuoso Open-Source 7 (Debian: virtuoso-opensource)
# ---------------------------------------------------------------------------

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql-v")

_INI = """\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
CheckpointInterval       = 0
CaseMode                 = 2
AllowOSCalls             = 0
DirsAllowed              = ., {data_dirs}
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty}
MaxQueryMem              = 1G
ThreadsPerQuery          = 2
MaxClientConnections     = 8

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {folder}/vsp
ServerThreads               = 8
MaxClientConnections        = 8
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
Charset                     = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = {query_timeout}
DeferInferenceRulesInit    = 1

[Plugins]
"""


class Virtuoso:
    """A Virtuoso server of its own: database and ini in ``folder``, SQL and HTTP on free loopback
    ports. ``endpoint`` is its SPARQL 1.1 Protocol URL once started."""

    def __init__(self, folder: str | os.PathLike, *, data_dirs=(), buffers: int = 170_000,
                 query_timeout: int = 120):
        if VIRTUOSO is None or ISQL is None:
            raise ServerError("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
        self.folder = Path(folder).resolve()
        self.buffers = buffers  # 8 KB pages: 170,000 is about 1.3 GB, Virtuoso's advice for 2 GB free
        self.query_timeout = query_timeout
        self.sql_port = self.http_port = 0
        self.process: subprocess.Popen | None = None
        # Folders bulk_load may read (Virtuoso's DirsAllowed): fixed when the server starts.
        self._data_dirs = {str(Path(d).resolve()) for d in data_dirs}

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def start(self, timeout: float = 90) -> "Virtuoso":
        """Write the ini and start the server; returns once its SPARQL endpoint answers."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "vsp").mkdir(exist_ok=True)
        self.sql_port, self.http_port = free_port(), free_port()
        ini = self.folder / "virtuoso.ini"
        ini.write_text(_INI.format(folder=self.folder, sql_port=self.sql_port, http_port=self.http_port,
                                   data_dirs=", ".join(sorted(self._data_dirs)) or str(self.folder),
                                   buffers=self.buffers, dirty=self.buffers * 3 // 4,
                                   query_timeout=self.query_timeout))
        # +foreground keeps it our child, so stopping it is stopping this process.
        self.process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=self.folder,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        _wait_for(f"http://127.0.0.1:{self.http_port}/sparql?query=ASK%7B%7D", self.process, timeout,
                  self.folder / "virtuoso.log")
        return self

    def isql(self, *statements: str, timeout: float = 3600) -> str:
        """Run SQL ``statements`` as dba; the output, or ServerError with Virtuoso's message."""
        script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF",
                               "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT"], input=script,
                              capture_output=True, text=True, timeout=timeout)
        said = done.stdout + done.stderr
        if done.returncode or "*** Error" in said:
            raise ServerError(f"isql: {said.strip()[-2000:]}")
        return said

    def bulk_load(self, path: str | os.PathLike, graph: str = DATA_GRAPH) -> float:
        """Bulk-load one RDF file (by extension: .nq, .nt, .ttl, ...): ``ld_dir`` + ``rdf_loader_run``
        + ``checkpoint``, as Virtuoso's bulk loader documentation gives it. The seconds it took."""
        path = Path(path).resolve()
        if str(path.parent) not in self._data_dirs:
            raise ServerError(f"{path.parent} is not among the folders this server may read: "
                              "give it as Virtuoso(..., data_dirs=[...])")
        started = time.perf_counter()
        self.isql("DELETE FROM DB.DBA.load_list",
                  f"ld_dir('{_sql(path.parent)}', '{_sql(path.name)}', '{_sql(graph)}')",
                  "rdf_loader_run()", "checkpoint")
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL")
        if path.name in errors:
            raise ServerError(f"Virtuoso could not load {path}: {errors.strip()}")
        return time.perf_counter() - started

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.isql("checkpoint", "shutdown", timeout=60)
        except (ServerError, subprocess.TimeoutExpired):
            pass  # shutdown closes the connection under isql; the process is waited for below
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            _stop(self.process)
        self.process = None

    def __enter__(self) -> "Virtuoso":
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


def _sql(text) -> str:
    return str(text).replace("'", "''")


# ---------------------------------------------------------------------------
# The Oxigraph server (PyPI: oxigraph)
# ---------------------------------------------------------------------------

_BESIDE_PYTHON = Path(sys.executable).parent / "oxigraph"  # the `oxigraph` wheel installs it there
OXIGRAPH = str(_BESIDE_PYTHON) if _BESIDE_PYTHON.exists() else shutil.which("oxigraph")


class OxigraphServer:
    """``oxigraph load`` of ``files`` into a store in ``folder``, then ``oxigraph serve`` on a free
    loopback port; ``union_default_graph`` is off unless asked, as partners run it."""

    def __init__(self, folder: str | os.PathLike, *files: str | os.PathLike, union_default_graph: bool = False):
        if OXIGRAPH is None:
            raise ServerError("the oxigraph server is not installed (pip install oxigraph)")
        self.folder = Path(folder).resolve()
        self.files = [Path(f) for f in files]
        self.union = union_default_graph
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.load_seconds: float | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def start(self, timeout: float = 60) -> "OxigraphServer":
        location = self.folder / "store"
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.files:
            started = time.perf_counter()
            for path in self.files:
                done = subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(path)],
                                      capture_output=True, text=True)
                if done.returncode:
                    raise ServerError(f"oxigraph load {path}: {done.stderr.strip()[-2000:]}")
            self.load_seconds = time.perf_counter() - started
        self.port = free_port()
        log = self.folder / "oxigraph.log"
        command = [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"]
        with open(log, "wb") as stream:
            self.process = subprocess.Popen(command + (["--union-default-graph"] if self.union else []),
                                            stdout=stream, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_for(f"http://127.0.0.1:{self.port}/query?query=" + urllib.parse.quote("ASK {}"),
                  self.process, timeout, log)
        return self

    def stop(self) -> None:
        _stop(self.process)
        self.process = None

    def __enter__(self) -> "OxigraphServer":
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()
