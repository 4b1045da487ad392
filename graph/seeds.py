"""Reading the human-edited seed records: strict YAML, field checks, dates, counts and quotes.

Everything here reports problems as :class:`MalikgError` naming the file, the record and the
field, so a researcher editing ``seeds/sources/<document>/events.yaml`` by hand is told exactly what to fix.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import limits
from .errors import MalikgError
from .resources import seeds_dir
from .triples import count_bounds

#: Record files, by the kind of record they hold. A file belongs to a kind when its name starts
#: with the kind (``events.yaml``, ``events-2025.yaml``), so researchers can add files of their own.
RECORD_KINDS = ("actors", "places", "events", "claims", "relations", "statistics", "links")
#: What a record file's name must be, in words (for error messages).
RECORD_FILE_RULE = ("a record file's name must start with " + ", ".join(RECORD_KINDS[:-1])
                    + " or " + RECORD_KINDS[-1])

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CONTEXT_CHARS = 32
#: Characters a coder types for the typographic ones a published text uses (one for one, so
#: offsets stay aligned): straight for curly apostrophes and quotation marks, hyphen for dashes,
#: space for no-break space.
_LOOKALIKES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u00a0": " "})


@dataclass
class Record:
    """One record of a seed file, with where it came from for error messages."""

    kind: str
    data: dict
    file: str
    index: int
    #: The id of the document whose folder holds the record; None for shared records.
    document: str | None = None

    @property
    def id(self) -> str:
        return str(self.data.get("id", f"#{self.index + 1}"))

    def error(self, message: str, field: str | None = None) -> MalikgError:
        return MalikgError(message, file=self.file, record=self.id, field=field)


@dataclass
class Source:
    """One source document of the corpus: its metadata (source.yaml) and its text."""

    id: str
    file: str
    text: str
    title: str
    publisher: str
    issued: str
    citation: str
    language: str
    sha256: str
    kind: str | None = None
    url: str | None = None
    retrieved: str | None = None
    excerpt: bool | None = None
    excerpt_note: str | None = None
    licence: str | None = None
    description: str | None = None
    #: Where source.yaml is, for messages.
    meta_file: str = ""
    folder: Path | None = None

    def count(self, quote: str) -> int:
        first = self.text.find(quote)
        if first < 0:
            return 0
        return 1 if self.text.find(quote, first + 1) < 0 else 2

    def lookalike(self, quote: str) -> str | None:
        """What differs where the text has ``quote`` with other apostrophes, quotation marks,
        dashes or spaces (``the text has '’' (U+2019) where the quote has "'"``), else None."""
        start = self.text.translate(_LOOKALIKES).find(quote.translate(_LOOKALIKES))
        if start < 0:
            return None
        found = self.text[start:start + len(quote)]
        differences = sorted({(q, t) for q, t in zip(quote, found) if q != t})
        return "; ".join(f"the text has {t!r} (U+{ord(t):04X}) where the quote has {q!r}"
                         for q, t in differences) + f": {found!r}"

    def not_found(self, quote: str) -> str:
        """``not found verbatim in FILE: 'quote'``, with what differs where the text has a lookalike."""
        message = f"not found verbatim in {self.file}: {quote!r}"
        differs = self.lookalike(quote)
        return f"{message}; {differs}" if differs else message

    def locate(self, quote: str, record: Record, field_name: str) -> tuple[int, int]:
        """Code-point offsets (start, end exclusive) of ``quote``, which must occur exactly once."""
        if not isinstance(quote, str) or not quote.strip():
            raise record.error("evidence must be a non-empty quote from the source", field_name)
        start = self.text.find(quote)
        if start < 0:
            raise record.error("quote " + self.not_found(quote), field_name)
        if self.text.find(quote, start + 1) >= 0:
            raise record.error(f"quote occurs more than once in {self.file}; quote more of the "
                               f"sentence so it is unique: {quote!r}", field_name)
        return start, start + len(quote)

    def selector_context(self, start: int, end: int) -> tuple[str, str]:
        return self.text[max(0, start - CONTEXT_CHARS):start], self.text[end:end + CONTEXT_CHARS]


@dataclass
class SeedSet:
    """A corpus: its source documents by id, and all records grouped by kind.

    Each record knows its document (``Record.document``): the folder it was coded in, or
    None for the shared actors and places, whose quotes may come from any document.
    """

    sources: dict[str, Source] = field(default_factory=dict)
    records: dict[str, list[Record]] = field(default_factory=dict)
    folder: Path | None = None

    @property
    def source(self) -> Source:
        """The first document (by id): what a one-document corpus is about."""
        return next(iter(self.sources.values()))


# --- reading files ------------------------------------------------------------------------


class _SeedLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML without implicit timestamps: dates stay text, so 2024-02-30 is reported, not a crash.

    On libyaml's parser where PyYAML has it: the pure-Python one took most of reading the seeds."""


_SeedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_yaml(path: Path):
    """Parse one YAML file strictly as UTF-8, within graph/limits.py's limits; errors name the file and line."""
    name = _display(path)
    raw = limits.read_limited(path, limits.MAX_SEED_FILE, name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalikgError(f"not UTF-8 text (byte {error.start}); save the file as UTF-8",
                          file=name) from None
    try:
        return limits.load_yaml(text, name, _SeedLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise MalikgError(f"YAML syntax error: {where}{problem}", file=name) from None


#: source.yaml's fields (docs/model.md, "Several sources").
SOURCE_REQUIRED = ("id", "file", "title", "publisher", "issued", "citation")
SOURCE_OPTIONAL = ("language", "kind", "url", "retrieved", "excerpt", "excerpt_note", "licence",
                   "description")
ISSUED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def read_source(folder: Path) -> Source:
    meta_path = folder / "source.yaml"
    meta = read_yaml(meta_path)
    name = _display(meta_path)
    if not isinstance(meta, dict):
        raise MalikgError("must be a mapping describing the source document", file=name)
    record = str(meta.get("id", "source"))
    for key in SOURCE_REQUIRED:
        if meta.get(key) in (None, ""):
            raise MalikgError("missing field", file=name, record=record, field=key)
    for key in meta:
        if key not in SOURCE_REQUIRED + SOURCE_OPTIONAL:
            raise MalikgError("unknown field; expected one of: "
                              + ", ".join(sorted(SOURCE_REQUIRED + SOURCE_OPTIONAL)),
                              file=name, record=record, field=key)
    if not SLUG.match(str(meta["id"])):
        raise MalikgError("id must be lowercase letters, digits and hyphens", file=name,
                          record=record, field="id")
    issued = _iso(meta["issued"])
    if not ISSUED.match(issued):
        raise MalikgError(f"issued must be YYYY, YYYY-MM or YYYY-MM-DD, not {issued!r}", file=name,
                          record=record, field="issued")
    url = meta.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))
                                and not any(c.isspace() for c in url)):
        raise MalikgError("url must be an http(s) address", file=name, record=record, field="url")
    excerpt = meta.get("excerpt")
    if excerpt is not None and not isinstance(excerpt, bool):
        raise MalikgError("excerpt must be true or false", file=name, record=record, field="excerpt")
    if excerpt and not meta.get("excerpt_note"):
        raise MalikgError("missing field: an excerpt says which part of the document it is",
                          file=name, record=record, field="excerpt_note")
    text_path = folder / str(meta["file"])
    if not text_path.exists():
        raise MalikgError("source text not found", file=name, record=record, field="file")
    raw = limits.read_limited(text_path, limits.MAX_SOURCE_TEXT, _display(text_path), "source text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalikgError("source text is not UTF-8", file=_display(text_path)) from None

    def optional(key):
        value = meta.get(key)
        return None if value is None else str(value)

    return Source(id=str(meta["id"]), file=str(meta["file"]), text=text, title=str(meta["title"]),
                  publisher=str(meta["publisher"]), issued=issued,
                  citation=str(meta["citation"]), language=str(meta.get("language", "en")),
                  sha256=hashlib.sha256(raw).hexdigest(), kind=optional("kind"), url=optional("url"),
                  retrieved=optional("retrieved"), excerpt=excerpt,
                  excerpt_note=optional("excerpt_note"), licence=optional("licence"),
                  description=optional("description"), meta_file=name, folder=folder)


def kind_of(path: Path) -> str | None:
    for kind in RECORD_KINDS:
        if path.stem == kind or path.stem.startswith(kind + "-"):
            return kind
    return None


def is_document_folder(folder: Path) -> bool:
    return (Path(folder) / "source.yaml").is_file()


def document_folders(folder: Path) -> list[Path]:
    """The document folders of a corpus (``sources/*/source.yaml``), or the folder itself."""
    if is_document_folder(folder):
        return [folder]
    return sorted(p.parent for p in (folder / "sources").glob("*/source.yaml"))


def _folders(folders) -> list[Path]:
    if folders is None:
        return []
    if isinstance(folders, (str, Path)):
        return [Path(folders)]
    return [Path(f) for f in folders]


def read_seeds(folders: Path | list[Path] | None = None, extra_files: list[Path] = ()) -> SeedSet:
    """Read a corpus: one or more seed folders (default: the bundled seeds) plus extra record files.

    A corpus root holds the shared actors and places at its top and one folder per source
    document under ``sources/`` (its ``source.yaml``, its text and the records coded from it).
    A folder may also be a single document folder; when no corpus root is given, the bundled
    one supplies the shared actors and places (and its documents), so a new document can
    refer to them. An extra file with the same name and place as a corpus file replaces it; an
    extra file inside a document folder is that document's, any other is shared.
    """
    given = _folders(folders)
    roots = [f for f in given if not is_document_folder(f)]
    singles = [f for f in given if is_document_folder(f)]
    for root in roots:
        if not document_folders(root):
            raise MalikgError("not a seed folder (no sources/*/source.yaml)", file=_display(root))
    if not roots:
        roots = [seeds_dir()]
    documents: dict[Path, None] = {}
    for root in roots:
        documents.update(dict.fromkeys(p.resolve() for p in document_folders(root)))
    documents.update(dict.fromkeys(p.resolve() for p in singles))
    for extra in extra_files:
        parent = Path(extra).resolve().parent
        if is_document_folder(parent):
            documents.setdefault(parent)
    seeds = SeedSet(folder=roots[0])
    where: dict[str, Source] = {}
    folder_doc: dict[Path, str] = {}
    for document in documents:
        source = read_source(document)
        if source.id in where:
            raise MalikgError(f"duplicate document id (also in {where[source.id].meta_file})",
                              file=source.meta_file, record=source.id, field="id")
        where[source.id] = source
        folder_doc[document] = source.id
    seeds.sources = dict(sorted(where.items()))

    # Files keyed by (document id or "" for shared, name), so an extra file replaces its twin.
    files: dict[tuple[str, str], Path] = {}
    for root in roots:
        for p in sorted(root.glob("*.yaml")):
            if kind_of(p):
                key = ("", p.name) if ("", p.name) not in files else (str(root.resolve()), p.name)
                files[key] = p
    for document, doc_id in folder_doc.items():
        for p in sorted(document.glob("*.yaml")):
            if kind_of(p):
                files[(doc_id, p.name)] = p
    for extra in extra_files:
        extra = Path(extra)
        if not kind_of(extra):
            raise MalikgError("a record file's name must start with one of: "
                              + ", ".join(RECORD_KINDS), file=_display(extra))
        doc_id = folder_doc.get(extra.resolve().parent, "")
        files[(doc_id, extra.name)] = extra
    for (doc_id, name), path in sorted(files.items(), key=lambda item: (item[0][1], item[0][0])):
        kind = kind_of(path)
        content = read_yaml(path)
        display = _display(path)
        if content is None:
            content = []
        if not isinstance(content, list):
            raise MalikgError("must be a YAML list of records", file=display)
        bucket = seeds.records.setdefault(kind, [])
        for index, data in enumerate(content):
            if not isinstance(data, dict):
                raise MalikgError("each record must be a mapping of field: value", file=display,
                                  record=f"#{index + 1}")
            bucket.append(Record(kind=kind, data=data, file=display, index=index,
                                 document=folder_doc.get(path.resolve().parent)))
    return seeds


# --- field checks ---------------------------------------------------------------------------


def check_fields(record: Record, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    for key in required:
        value = record.data.get(key)
        if value is None or value == "" or value == []:
            raise record.error("missing field", key)
    allowed = set(required) | set(optional)
    for key in record.data:
        if key not in allowed:
            raise record.error(f"unknown field; expected one of: {', '.join(sorted(allowed))}", key)
    slug = record.data["id"]
    if not isinstance(slug, str):
        slug = _iso(slug)
        record.data["id"] = slug
    if not SLUG.match(slug):
        raise record.error("id must be lowercase letters, digits and hyphens", "id")


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text_field(record: Record, key: str, data: dict | None = None) -> str | None:
    value = (data if data is not None else record.data).get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise record.error("must be text", key)
    return str(value)


# --- dates ----------------------------------------------------------------------------------

PARTS = {"early": (0, 1), "mid": (1, 2), "late": (2, 3)}


@dataclass(frozen=True)
class DateSpec:
    """A date as the source gives it: precision, SEM bounds and, at day precision, the day."""

    precision: str
    earliest: dt.date | None
    latest: dt.date | None
    day: dt.date | None = None


def _iso(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _bounds(token: str) -> tuple[str, dt.date, dt.date]:
    """(precision, first day, last day) of an ISO day, month or year."""
    parts = token.split("-")
    if not all(p.isdigit() for p in parts) or len(parts[0]) != 4 or len(parts) > 3:
        raise ValueError(f"{token!r} is not a date (use 2024-01-27, 2024-01, 2024 or A..B)")
    year = int(parts[0])
    if len(parts) == 1:
        return "year", dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(parts[1])
    if not 1 <= month <= 12 or len(parts[1]) != 2:
        raise ValueError(f"{token!r} has no month {parts[1]}")
    last = calendar.monthrange(year, month)[1]
    if len(parts) == 2:
        return "month", dt.date(year, month, 1), dt.date(year, month, last)
    day = int(parts[2])
    if not 1 <= day <= last or len(parts[2]) != 2:
        raise ValueError(f"{token!r} is not a calendar date")
    return "day", dt.date(year, month, day), dt.date(year, month, day)


def parse_date(value, part=None) -> DateSpec:
    """Turn a seed date (``2024-01-27``, ``2024-01``, ``2024``, ``A..B``, ``unknown``) into a DateSpec.

    ``part`` (early, mid, late) narrows a month or a year to a third of it: a documented coding
    convention, since sources say "late August" or "late 2023" and the field needs bounds.
    """
    text = _iso(value).strip()
    if text == "unknown":
        if part:
            raise ValueError("part cannot narrow an unknown date")
        return DateSpec("unknown-date", None, None)
    if ".." in text:
        if part:
            raise ValueError("part narrows a single month or year, not an interval")
        first, _, last = text.partition("..")
        _, start, _ = _bounds(first.strip())
        _, _, end = _bounds(last.strip())
        if end < start:
            raise ValueError(f"interval {text!r} ends before it starts")
        return DateSpec("interval", start, end)
    precision, start, end = _bounds(text)
    if part is None:
        return DateSpec(precision, start, end, start if precision == "day" else None)
    if part not in PARTS:
        raise ValueError(f"part must be one of early, mid, late, not {part!r}")
    if precision == "day":
        raise ValueError("part narrows a month or a year, not a day")
    lo, hi = PARTS[part]
    if precision == "month":
        last = end.day
        first_day = (1, 11, 21)[lo]
        last_day = (10, 20, last)[hi - 1]
        return DateSpec("part-of-month", start.replace(day=first_day), start.replace(day=last_day))
    first_month = (1, 5, 9)[lo]
    last_month = (4, 8, 12)[hi - 1]
    return DateSpec("part-of-year", dt.date(start.year, first_month, 1),
                    dt.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1]))


def date_field(record: Record, key: str, part_key: str | None = "part") -> DateSpec:
    try:
        return parse_date(record.data[key], record.data.get(part_key) if part_key else None)
    except ValueError as error:
        raise record.error(str(error), key) from None


# --- counts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A count as written (value and qualifier) and the low / best / high it implies."""

    value: int | None
    qualifier: str
    low: int | None
    best: int | None
    high: int | None


def derive_count(value: int | None, qualifier: str) -> Count:
    """Low/best/high from a written figure, by the one count rule (graph/triples.py)."""
    low, best, high = count_bounds(value, qualifier)
    return Count(value, qualifier, low, best, high)


def count_field(record: Record, data: dict, field_prefix: str = "") -> Count:
    """Read ``count`` / ``qualifier`` (and optional explicit ``low`` / ``best`` / ``high``)."""
    value = data.get("count")
    qualifier = data.get("qualifier", "exact" if value is not None else "unspecified")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise record.error(f"count must be a whole number, not {value!r}", field_prefix + "count")
    if value is not None and value < 0:
        raise record.error(f"count cannot be negative ({value})", field_prefix + "count")
    if value is None and qualifier not in ("several", "unspecified"):
        raise record.error(f"qualifier {qualifier!r} needs a count", field_prefix + "qualifier")
    count = derive_count(value, qualifier)
    explicit = {k: data[k] for k in ("low", "best", "high") if k in data}
    for key, number in explicit.items():
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise record.error(f"{key} must be a whole number of at least 0", field_prefix + key)
    if explicit:
        count = Count(count.value, count.qualifier, explicit.get("low", count.low),
                      explicit.get("best", count.best), explicit.get("high", count.high))
    ordered = [n for n in (count.low, count.best, count.high) if n is not None]
    if ordered != sorted(ordered):
        raise record.error(f"low/best/high out of order: low={count.low} best={count.best} "
                           f"high={count.high}", field_prefix + ("low" if "low" in explicit else "count"))
    return count
