"""Writing outputs so that a failure never leaves a half-written file behind."""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from .errors import MalikgError


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose bytes appear at ``path`` only when the ``with`` block ends without error.

    For outputs too large to hold in memory (``malikg synth`` writes gigabytes); the stream goes
    to a temporary file in the same folder, renamed over ``path`` at the end. A symlink is
    followed (the file it names is replaced, the link stays); a character device, FIFO or
    socket is written through, never replaced by a regular file; a folder is refused.
    """
    path = Path(path)
    target = _target(path)
    if target.exists() and not target.is_file():
        with _writing(path):
            with open(target, "wb") as stream:
                yield stream
        return
    with _writing(path):
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with _writing(path):
            # mkstemp makes the file private (0600); outputs get the mode any new file would.
            os.chmod(temporary, 0o666 & ~_umask())
            with os.fdopen(handle, "wb") as stream:
                yield stream
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _target(path: Path) -> Path:
    """Where writing ``path`` lands: the end of its symlinks; MalikgError for a folder."""
    try:
        target = Path(os.path.realpath(path)) if path.is_symlink() else path
        mode = target.stat().st_mode if target.exists() else None
    except OSError as error:
        raise MalikgError(f"cannot write {path}: {error.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise MalikgError(f"cannot write {path}: it is a folder; give a file name")
    return target


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise MalikgError(f"cannot write {path}: {error.strerror or error}") from None


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


def write_together(folder: Path, outputs: Mapping[str, bytes | str]) -> None:
    """Write the files ``outputs`` names into ``folder`` so that they appear all at once or not at all.

    A staging copy of the folder is made beside it (hard links to what else it holds, then the
    new files), and the two folders are exchanged with one rename; on any error, ``folder`` is
    as it was and the staging copy is gone.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise MalikgError(f"cannot write into {folder}: it is not a folder")
    staging = folder.with_name(f".{folder.name}.malikg-build-{os.getpid()}")
    try:
        with _writing(folder):
            folder.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            if folder.exists():
                for entry in folder.iterdir():
                    if entry.name not in outputs:
                        _link_copy(entry, staging / entry.name)
            for name, data in outputs.items():
                with open(staging / name, "wb") as stream:
                    stream.write(data.encode("utf-8") if isinstance(data, str) else data)
                    stream.flush()
                    os.fsync(stream.fileno())
            os.chmod(staging, 0o777 & ~_umask())
            if folder.exists():
                if not exchange(staging, folder):
                    saved = folder.with_name(f".{folder.name}.malikg-old-{os.getpid()}")
                    os.rename(folder, saved)
                    os.rename(staging, folder)
                    os.rename(saved, staging)
            else:
                os.rename(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _link_copy(source: Path, target: Path) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where the system lacks it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # a filesystem or kernel without RENAME_EXCHANGE
    raise OSError(code, os.strerror(code), str(b))


def sort_lines(source: Path, target: Path, *, unique: bool) -> Path:
    """Sort N-Triples lines bytewise (LC_ALL=C), as Python sorts bytes, with bounded memory."""
    # N-Triples escapes CR and LF inside literals, so each line is one whole triple.
    sort = shutil.which("sort")
    if sort is None:  # no coreutils: sort in memory
        lines = source.read_bytes().splitlines(keepends=True)
        target.write_bytes(b"".join(sorted(set(lines)) if unique else sorted(lines)))
        return target
    # A 1 GiB buffer keeps the sort well inside the memory target; it spills to temporary files.
    command = [sort, "-S", "1G", "-T", str(target.parent), "-o", str(target)]
    subprocess.run(command + (["-u"] if unique else []) + [str(source)], check=True,
                   env={**os.environ, "LC_ALL": "C"})
    source.unlink()
    return target
