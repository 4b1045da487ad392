"""Limits on the seed files malikg reads, so that hostile or broken input is refused at once.

Each limit is documented in the README ("Limits"). Every refusal is a MalikgError naming the
file and, where there is one, the record and field.
"""
from __future__ import annotations

import math
import os
import stat
from pathlib import Path

import yaml

from .errors import MalikgError

#: Largest seed record file or source.yaml, in bytes (the bundled ones are under 40 KB).
MAX_SEED_FILE = 4 << 20
#: Largest source document text, in bytes.
MAX_SOURCE_TEXT = 16 << 20
#: Deepest nesting of lists and mappings in a seed file (the bundled ones use 4).
MAX_DEPTH = 20
#: Largest whole number, in magnitude: the largest a web page (a JavaScript number) holds exactly.
MAX_INTEGER = 2 ** 53 - 1
#: Fields that hold one word, name, number or sentence, never a list or a mapping.
SCALAR_FIELDS = frozenset({
    "id", "label", "kind", "type", "part", "date", "date_text", "date_basis", "date_note", "note",
    "qualifier", "certainty", "motive", "count", "low", "best", "high", "group", "community", "role",
    "status", "description", "distance_km", "distance_qualifier", "start", "end", "start_text",
    "end_text", "start_qualifier", "qualifier_text", "measure", "period", "period_text",
    "part_of", "title", "file", "issued", "publisher", "citation", "language",
    "lang", "name", "relative_to", "claim_text", "accusation", "accusation_text", "compared_to",
    "actor_type", "quote",
})


def read_limited(path: Path, limit: int, name: str, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, refused at once if larger than ``limit``."""
    try:
        with open(path, "rb") as stream:
            mode = os.fstat(stream.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise MalikgError(f"the {what} is not a regular file (a device, FIFO or folder)", file=name)
            data = stream.read(limit + 1)
    except OSError as error:
        raise MalikgError(f"cannot read {what}: {error.strerror}", file=name) from None
    if len(data) > limit:
        raise MalikgError(f"the {what} is over {limit >> 20} MB, the limit for seed input", file=name)
    return data


def limited_loader(base: type) -> type:
    """``base`` (a PyYAML loader class) refusing aliases and nesting deeper than MAX_DEPTH.

    Aliases are refused outright: seed files do not need them, and a few of them nested make a
    1 KB file expand to gigabytes (the "billion laughs").
    """

    class Limited(base):
        _depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark
                raise _Refused(f"line {mark.line + 1}: YAML aliases (*name) are not allowed in seed files")
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    mark = self.peek_event().start_mark
                    raise _Refused(f"line {mark.line + 1}: nested more than {MAX_DEPTH} levels deep")
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    return Limited


class _Refused(Exception):
    pass


def _scan_events(text: str, base: type) -> None:
    """Refuse aliases and deep nesting from the parser's events, before anything is composed.

    libyaml's loader composes in C, where limited_loader's compose_node is never called, so the
    limits are enforced on the event stream, which every loader produces the same way.
    """
    depth = 0
    for event in yaml.parse(text, Loader=base):
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"line {event.start_mark.line + 1}: YAML aliases (*name) are not allowed in seed files")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(f"line {event.start_mark.line + 1}: nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_yaml(text: str, name: str, base: type):
    """Parse ``text`` with ``base`` under the limits above, then check every value in it."""
    try:
        _scan_events(text, base)
        content = yaml.load(text, Loader=limited_loader(base))
    except _Refused as refused:
        raise MalikgError(str(refused), file=name) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise MalikgError(f"line {line}: character {error.character!r} is not allowed in YAML "
                          "(a NUL byte or other control character)", file=name) from None
    except RecursionError:
        raise MalikgError(f"nested too deeply (the limit is {MAX_DEPTH} levels)", file=name) from None
    check_values(content, name)
    return content


def check_values(content, name: str) -> None:
    """Refuse values no seed field can hold: NaN, infinity, huge numbers, lone surrogates, and a
    list or mapping where a single value is expected."""
    top = content if isinstance(content, list) else [content]
    for index, record in enumerate(top):
        record_id = None
        if isinstance(record, dict):
            record_id = str(record.get("id", f"#{index + 1}")) if isinstance(record.get("id"), (str, int)) \
                else f"#{index + 1}"
        stack = [(record, "")]
        while stack:
            value, field = stack.pop()
            key = field.rsplit(".", 1)[-1].split("[", 1)[0]
            if isinstance(value, dict):
                if key in SCALAR_FIELDS:
                    _refuse("must be a single value, not a mapping", name, record_id, field)
                for k, v in value.items():
                    _check_scalar(k, name, record_id, field or "(key)")
                    stack.append((v, f"{field}.{k}" if field else str(k)))
            elif isinstance(value, list):
                if key in SCALAR_FIELDS:
                    _refuse(f"must be a single value, not a list ({_short(value)})", name, record_id, field)
                for n, item in enumerate(value, start=1):
                    stack.append((item, f"{field}[{n}]"))
            else:
                _check_scalar(value, name, record_id, field)


def _check_scalar(value, name, record_id, field) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, float) and not math.isfinite(value):
        _refuse(f"{value} is not a number a record can hold (NaN and infinity are refused)",
                name, record_id, field)
    if isinstance(value, int) and abs(value) > MAX_INTEGER:
        _refuse(f"{value:.3g} is larger than {MAX_INTEGER}, the largest number malikg accepts",
                name, record_id, field)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            _refuse(f"has a lone surrogate character (U+{ord(value[error.start]):04X}) at character "
                    f"{error.start + 1}: not valid Unicode text", name, record_id, field)


def _refuse(message: str, name: str, record_id, field: str):
    raise MalikgError(message, file=name, record=record_id, field=field or None)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
