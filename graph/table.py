"""Plain-text tables whose columns line up in a terminal, whatever the script of the cells."""
from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

# Control characters would break the grid, and an escape sequence in a label (ESC [ ...) would
# be obeyed by the terminal: each is shown as its Unicode control picture (ESC as ␛) instead.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_PICTURES |= {code: "\ufffd" for code in range(0x80, 0xA0)}  # C1 controls, CSI among them
_VISIBLE = str.maketrans({**_PICTURES, ord("\n"): "↵", ord("\r"): "↵", ord("\t"): "→"})


def visible(text: str, keep: str = "") -> str:
    """``text`` with every control character but those in ``keep`` shown as a harmless symbol."""
    table = {code: picture for code, picture in _PICTURES.items() if chr(code) not in keep}
    return text.translate(table)


def _clean(cell: object) -> str:
    return "" if cell is None else str(cell).translate(_VISIBLE)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
                 right: Sequence[bool] | None = None) -> str:
    """``headers`` over a dashed rule over ``rows``; ``right[i]`` right-aligns column ``i`` (numbers).

    Widths are terminal cell widths, not code points, so Tifinagh, Arabic or CJK
    names and combining accents do not push later columns out of line.
    """
    body = [[_clean(cell) for cell in row] for row in rows]
    head = [_clean(h) for h in headers]
    widths = [cell_len(h) for h in head]
    for row in body:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell_len(cell))
    right = list(right or [False] * len(head))

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - cell_len(cell))
            out.append(pad + cell if right[i] else cell + pad)
        return "  ".join(out).rstrip()

    lines = [line(head), "  ".join("-" * w for w in widths)]
    lines.extend(line(row) for row in body)
    return "\n".join(lines) + "\n"
