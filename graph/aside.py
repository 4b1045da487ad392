"""Work done in a forked copy of this process while the caller goes on (``malikg build``).

Why: the build's jobs are CPU-bound Python that holds the interpreter; checking the graph and
rendering the ontology reference need nothing from the outputs, so on a second core they cost
the build no time. The child inherits what it reads (nothing is copied but the answer it sends
back). Where a process cannot fork, or the child dies or fails, the work is done here, when its
answer is asked for: the caller then meets the same answer, or the same exception, as if it had
run inline.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

@contextmanager
def aside(function: Callable[..., T], *args) -> Iterator[Callable[[], T]]:
    """Start ``function(*args)`` in a forked child; yield a function that waits for its answer.

    Leaving the block stops a child whose answer was never asked for.
    """
    # Only on Linux: macOS forks are unsafe once some system frameworks are loaded, and Windows
    # has none.
    if not sys.platform.startswith("linux"):
        yield lambda: function(*args)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_answer, args=(function, args, send), daemon=True)
    child.start()
    send.close()
    answer: list = []

    def wait() -> T:
        if not answer:
            try:
                answered, found = receive.recv()
            except EOFError:  # the child died before answering
                answered, found = False, None
            answer.append(found if answered else function(*args))
        return answer[0]

    try:
        yield wait
    finally:
        if child.is_alive() and not answer:
            child.terminate()
        child.join()
        receive.close()


def _answer(function: Callable, args: tuple, send) -> None:
    try:
        send.send((True, function(*args)))
    except BaseException:  # the parent does the work again itself, and meets what it raises
        send.send((False, None))
    finally:
        send.close()
