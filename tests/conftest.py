"""Shared fixtures. Tests run offline: nothing here or in the tests reaches the internet."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_BESIDE_PYTHON = Path(sys.executable).parent / "oxigraph"  # the `oxigraph` wheel installs it there
OXIGRAPH = _BESIDE_PYTHON if _BESIDE_PYTHON.exists() else Path(shutil.which("oxigraph") or _BESIDE_PYTHON)


#: The World Report 2025 chapter's folder in a corpus.
CHAPTER = "sources/hrw-wr2025-mali"


@pytest.fixture
def seeds(tmp_path):
    """A copy of the bundled corpus, for a test to break on purpose."""
    from graph.resources import seeds_dir

    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), folder)
    return folder


def seed_file(seeds: Path, name: str) -> Path:
    """A record file of a corpus: shared at the top, or the chapter's own."""
    shared = seeds / name
    return shared if shared.exists() else seeds / CHAPTER / name


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` (which must be there) by ``new`` in a seed file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def one_document_corpus(root: Path, document: str = "hrw-wr2025-mali") -> Path:
    """A corpus of one bundled document with the shared actors and places, less what only the
    other documents say of them (their quotes, their aliases, the actors only they name)."""
    import yaml

    from graph.resources import seeds_dir

    (root / "sources").mkdir(parents=True)
    shutil.copytree(seeds_dir() / "sources" / document, root / "sources" / document)
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((root / "sources" / document).glob("*.txt")))
    for shared in seeds_dir().iterdir():
        if shared.is_file():
            shutil.copy(shared, root / shared.name)
    for name in ("actors.yaml", "places.yaml"):
        records = yaml.safe_load((root / name).read_text(encoding="utf-8"))
        for record in records:
            if isinstance(record.get("aliases"), list):
                record["aliases"] = [a for a in record["aliases"] if not isinstance(a, str) or a in text]
            if isinstance(record.get("evidence"), list):
                record["evidence"] = [e for e in record["evidence"]
                                      if not isinstance(e, dict) or e.get("source", document) == document]
        records = [r for r in records if r.get("evidence") != []]  # only the other documents name it
        (root / name).write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def store():
    """The bundled seed graph in an in-memory store, shared by the tests that only read it."""
    from graph.store import open_store

    with open_store() as seeded:
        yield seeded


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve_store():
    """``serve_store(location)`` starts ``oxigraph serve`` over that store directory on a free
    loopback port (union default graph, as local stores query) and returns its base URL; every
    server started is stopped at teardown. Skips the test if the server binary is missing."""
    if not OXIGRAPH.exists():
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    started: list[subprocess.Popen] = []

    def start(location: Path, union: bool = True) -> str:
        port = free_port()
        process = subprocess.Popen(
            [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
            + (["--union-default-graph"] if union else []),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1):
                    return url
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(f"oxigraph serve did not start: {process.stderr.read()!r}") from None
                time.sleep(0.05)

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
