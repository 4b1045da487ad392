"""Writing outputs so that a failure never leaves a half-written file behind."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose bytes appear at ``path`` only when the ``with`` block ends without error.

    For outputs too large to hold in memory (``malikg synth`` writes gigabytes); the stream goes
    to a temporary file in the same folder, renamed over ``path`` at the end.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); outputs get the mode any new file would.
        os.chmod(temporary, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    with atomic_output(path) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_all_atomic(outputs: dict[Path, bytes | str]) -> None:
    """Write several files, each atomically, only after all of them have been produced."""
    for path, data in outputs.items():
        write_atomic(path, data)
