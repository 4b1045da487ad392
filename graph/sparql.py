"""The read-only SPARQL engine behind every command: inspect, bind, run within a time limit, format.

Nothing a user types reaches a store before rdflib's SPARQL 1.1 grammar has parsed it as a
query (an update is refused), and the parse tree shows no SERVICE and no FROM. The engine is
then given the very text that was checked, in a form no two SPARQL parsers read differently:
``\\u`` escapes already expanded (the spec processes them before parsing; Oxigraph does not),
and no carriage return outside a CR LF pair (rdflib ends a comment only at LF, Oxigraph at CR
too). Parameters become typed pyoxigraph terms before they touch query text, so a value can
only ever be one IRI or one literal.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from . import formats
from .errors import MalikgError
from .namespaces import PREFIXES, base_iri
from .table import render_table

XSD = "http://www.w3.org/2001/XMLSchema#"

#: The kinds of resource malikg mints as ``{base}{kind}/{slug}`` (docs/model.md); each is also a parameter type.
RESOURCE_KINDS = frozenset({"actor", "place", "event", "claim", "relation", "statistic", "harm",
                   "participation", "source", "evidence"})
TYPES = frozenset({"iri", "string", "date", "integer", "decimal", "boolean"}) | RESOURCE_KINDS
FORMATS = ("table", "csv", "tsv", "json")

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
          "DescribeQuery": "DESCRIBE"}
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_LONE_CR = re.compile(r"\r(?!\n)")

#: Longest query text accepted, in characters (the endpoint's request body limit too).
MAX_QUERY_CHARS = 1 << 20


# ---------------------------------------------------------------------------
# Inspecting a query
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class QueryInfo:
    """What the parse tree says about a query."""

    form: str                           # SELECT, ASK, CONSTRUCT or DESCRIBE
    variables: tuple[str, ...] | None   # projected variables; None for SELECT *
    services: tuple[str, ...]           # SERVICE targets, as written
    datasets: tuple[str, ...]           # FROM / FROM NAMED graphs, as written
    text: str                           # the text engines get (\u escapes already expanded)
    where: tuple[int, int] | None       # offsets in ``text`` of the top-level WHERE group's braces
    subselect: bool                     # that group is a bare sub-SELECT
    trailing_values: bool               # the query ends with its own VALUES block
    limit: int | None = None            # the top-level LIMIT, if any
    offset: int | None = None           # the top-level OFFSET, if any
    select: int | None = None           # offset in ``text`` of the top-level SELECT keyword


# The top-level WHERE group has to be found by position so parameters can be spliced in as a
# VALUES block. rdflib's parse tree keeps no offsets, so this re-parses the query head with
# rdflib's own grammar pieces and pyparsing's Located; rdflib's grammar objects are not modified.
# Built on first use: a run that only meets queries checked ahead of time (the bundled ones)
# never imports rdflib's SPARQL grammar, a third of a second.
@functools.cache
def _parser():
    import pyparsing
    from rdflib.plugins.sparql import parser as grammar

    where = pyparsing.Located(grammar.WhereClause)("where_span")
    datasets = pyparsing.ZeroOrMore(grammar.DatasetClause)
    locator = grammar.Prologue + (
        pyparsing.Located(grammar.SelectClause)("select_span") + datasets + where
        | pyparsing.CaselessKeyword("CONSTRUCT") + grammar.ConstructTemplate + datasets + where
        | pyparsing.CaselessKeyword("ASK") + datasets + where
        | pyparsing.CaselessKeyword("DESCRIBE") + (pyparsing.OneOrMore(grammar.VarOrIri) | "*")
        + datasets + pyparsing.Optional(where)
    )
    # The very comment-skipping element rdflib installed, so no grammar object gains a second one.
    locator.ignore(grammar.QueryUnit.ignoreExprs[0])
    return pyparsing, grammar, locator


# pyparsing's packrat cache is process-wide; one parse at a time keeps it consistent.
_PARSE_LOCK = threading.Lock()


def inspect_query(text: str, *, allow_remote: bool = False) -> QueryInfo:
    """Parse ``text`` as a SPARQL 1.1 query and refuse anything that is not a local, read-only query.

    Refused: every SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ...), and unless
    ``allow_remote``, SERVICE anywhere in the query and FROM / FROM NAMED (some endpoints fetch
    the web for those). A syntax error names its line and column.
    """
    info = analyse(text)
    if not allow_remote:
        if info.services:
            raise MalikgError(f"SERVICE is not allowed without --allow-remote (SERVICE {info.services[0]})")
        if info.datasets:
            raise MalikgError("FROM and FROM NAMED are not allowed without --allow-remote "
                              f"(FROM {info.datasets[0]})")
    return info


#: What ``analyse`` says of query texts checked ahead of time, by their exact text: the bundled
#: queries, whose check ships with the package (graph.queries.remember_bundled_checks).
CHECKED: dict[str, QueryInfo] = {}


#: Texts the library derived from a checked text (a page of it, its row count: see ``paged``),
#: with what the check of the original says of them; the most recent few.
_DERIVED: dict[str, QueryInfo] = {}


def analyse(text: str) -> QueryInfo:
    """Parse ``text`` (cached) and describe it, without applying any policy except refusing updates."""
    known = CHECKED.get(text) or _DERIVED.get(text)
    return known if known is not None else analyse_text(text)


def pageable(info: QueryInfo) -> bool:
    """Whether ``paged`` can page a query: a SELECT with no LIMIT, OFFSET or VALUES of its own after WHERE."""
    return (info.form == "SELECT" and info.select is not None and info.where is not None
            and info.limit is None and info.offset is None and not info.trailing_values)


def paged(info: QueryInfo, text: str, limit: int, offset: int = 0) -> tuple[str, str]:
    """The texts the engine runs for rows ``offset`` .. ``offset + limit`` of a checked SELECT, and
    for the number of rows of its whole answer: ``(page, count)``.

    ``text`` is ``info.text`` as ``with_values`` bound it (a VALUES block inside its WHERE group,
    which leaves the head and the end of the text as they were). The page is that text with
    ``LIMIT n OFFSET m`` appended; the count is ``SELECT (COUNT(*) AS ?total) WHERE { ... }``
    around the query from its SELECT keyword on, its prologue kept in front. Why the read-only
    check of ``info`` holds for both without parsing them again: what is added is written here
    from two integers and fixed words, after the query's last token (its own LIMIT, OFFSET and
    trailing VALUES are ruled out by ``pageable``, and a comment ends at the newline added
    first) or around the whole query as a sub-SELECT; neither adds a SERVICE, a FROM or an
    update, and neither changes what the query's own text reads. tests/test_query_checks.py
    parses both for every bundled list and finds the same verdict.
    """
    if not pageable(info):
        raise ValueError("only a SELECT without LIMIT, OFFSET or a trailing VALUES can be paged")
    limit, offset = int(limit), int(offset)
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset are numbers of rows, 0 or more")
    page = f"{text}\nLIMIT {limit}" + (f" OFFSET {offset}" if offset else "") + "\n"
    head = "SELECT (COUNT(*) AS ?total) WHERE {\n"
    count = f"{text[:info.select]}{head}{text[info.select:]}\n}}\n"
    open_ = info.select + len(head) - 2
    grown = len(text) - len(info.text)  # the bound VALUES block, inside the WHERE group
    where = (info.where[0], info.where[1] + grown)
    _remember(page, dataclasses.replace(info, text=page, where=where, subselect=info.subselect and not grown,
                                        limit=limit, offset=offset or None))
    _remember(count, dataclasses.replace(info, text=count, variables=("total",), where=(open_, len(count) - 2),
                                         subselect=True, trailing_values=False, limit=None, offset=None))
    return page, count


def _remember(text: str, info: QueryInfo) -> None:
    if len(_DERIVED) >= 64:
        _DERIVED.pop(next(iter(_DERIVED)))
    _DERIVED[text] = info


@functools.lru_cache(maxsize=256)
def analyse_text(text: str) -> QueryInfo:
    """``analyse`` by parsing, whatever ``CHECKED`` holds."""
    if len(text) > MAX_QUERY_CHARS:
        raise MalikgError(f"the query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
    expanded = canonical_text(text)
    pyparsing, _grammar, locator = _parser()
    from rdflib.plugins.sparql.parserutils import CompValue

    with _PARSE_LOCK:
        try:
            tree = _grammar.parseQuery(expanded)
        except pyparsing.ParseException as error:
            if _is_update(expanded):
                raise MalikgError("SPARQL Update is not allowed: queries are read-only") from None
            raise _syntax_error(error, expanded) from None
        except RecursionError:
            raise MalikgError("the query nests brackets or groups too deeply to be parsed "
                              "(a few hundred levels at most)") from None
        try:
            head = locator.parse_string(expanded, parse_all=False)
            span = head["where_span"]
            where = _braces(expanded, span["locn_start"], span["locn_end"])
            select = _skip_blank(expanded, head["select_span"]["locn_start"]) if "select_span" in head else None
        except (pyparsing.ParseException, KeyError):
            where = select = None  # CONSTRUCT WHERE { template } or DESCRIBE without WHERE
    query = tree[1]
    services, datasets = [], []
    for node in _walk(query):
        if node.name == "ServiceGraphPattern":
            services.append(_show(node["term"]))
        elif node.name == "DatasetClause":
            datasets.append(_show(node["default"] if "default" in node else node["named"]))
    variables: tuple[str, ...] | None = ()
    if query.name == "SelectQuery":
        projection = query["projection"] if "projection" in query else None
        variables = None if projection is None else tuple(
            str(item["var"] if "var" in item else item["evar"]) for item in projection)
    where_group = query["where"] if "where" in query else None
    return QueryInfo(
        form=_FORMS[query.name], variables=variables, services=tuple(services),
        datasets=tuple(datasets), text=expanded, where=where,
        subselect=isinstance(where_group, CompValue) and where_group.name == "SubSelect",
        trailing_values="valuesClause" in query,
        limit=_limit(query, "limit"), offset=_limit(query, "offset"), select=select,
    )


def _limit(query, clause: str) -> int | None:
    clauses = query["limitoffset"] if "limitoffset" in query else None
    return int(clauses[clause]) if clauses is not None and clause in clauses else None


def canonical_text(text: str) -> str:
    """``text`` as both rdflib and Oxigraph read it alike, or MalikgError saying why it cannot be.

    SPARQL applies ``\\uXXXX`` escapes to the whole text before parsing; rdflib does so, Oxigraph
    only in IRIs and keeps them as characters inside strings, so ``"a\\u005C" SERVICE ... #"``
    hides a SERVICE from one and not the other. Expanded here, the engine gets no escape to
    read its own way. Text whose expansion leaves a new escape behind (``\\u005Cu0022``) would
    read differently again on a second pass (rdflib's parser makes one), so it is refused, as is
    a carriage return that is not part of a CR LF line end.
    """
    expanded = text
    if "\\u" in text or "\\U" in text:
        try:
            expanded = _parser()[1].expandUnicodeEscapes(text)
        except ValueError as error:
            raise MalikgError(f"SPARQL syntax error: {error}") from None
        if _ESCAPE.search(expanded):
            raise MalikgError("the query's \\u escapes expand to another \\u escape; write the "
                              "character itself")
    lone = _LONE_CR.search(expanded)
    if lone:
        line = expanded.count("\n", 0, lone.start()) + 1
        raise MalikgError(f"the query has a carriage return without a line feed on line {line}; "
                          "save it with LF or CR LF line ends")
    if "\x00" in expanded:
        raise MalikgError("the query contains a NUL character")
    return expanded


def _is_update(text: str) -> bool:
    pyparsing, _grammar, _ = _parser()
    try:
        update = _grammar.parseUpdate(text)
    except pyparsing.ParseException:
        return False
    return "request" in update  # a bare prologue parses as an empty update


def _syntax_error(error, text: str) -> MalikgError:
    pyparsing = _parser()[0]
    loc = max(error.loc, _furthest_failure(text))
    found = _TOKEN.match(text, loc)
    near = f" near {found.group()!r}" if found else " near end of text"
    return MalikgError(f"SPARQL syntax error at line {pyparsing.lineno(loc, text)}, "
                       f"column {pyparsing.col(loc, text)}{near}")


_TOKEN = re.compile(r"[^\s(){}\[\],;.]{1,30}|[(){}\[\],;.]")


def _furthest_failure(text: str) -> int:
    """Where the parse got furthest before failing: the offset of the bad token.

    pyparsing's own exception points at the start of the alternative it backed out of (the
    FILTER, not the missing operand inside it). Every grammar terminal reports its failures,
    for this one extra parse, and the furthest is the place the text stopped being SPARQL.
    Called with ``_PARSE_LOCK`` held; the grammar is restored before it returns.
    """
    pyparsing, _grammar, _ = _parser()
    furthest = 0

    def record(_text, loc, _element, _error):
        nonlocal furthest
        furthest = max(furthest, loc)

    terminals = _terminals()
    for terminal in terminals:
        terminal.failAction = record
    pyparsing.ParserElement.reset_cache()
    try:
        _grammar.parseQuery(text)
    except (pyparsing.ParseException, RecursionError):
        pass
    finally:
        for terminal in terminals:
            terminal.failAction = None
        pyparsing.ParserElement.reset_cache()
    return furthest


@functools.lru_cache(maxsize=1)
def _terminals() -> tuple:
    """The grammar's terminals (keywords, punctuation, regular expressions), none with a fail action."""
    pyparsing, _grammar, _ = _parser()
    seen, terminals, pending = set(), [], [_grammar.QueryUnit]
    while pending:
        element = pending.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        if isinstance(element, pyparsing.Token):
            if element.failAction is None:
                terminals.append(element)
            continue
        pending.extend(getattr(element, "exprs", ()))
        if getattr(element, "expr", None) is not None:
            pending.append(element.expr)
    return tuple(terminals)


def _braces(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``{`` and ``}`` of a WHERE clause spanning ``text[start:end]``."""
    i = _skip_blank(text, start)
    if text[i:i + 5].upper() == "WHERE":
        i = _skip_blank(text, i + 5)
    close = end - 1
    if text[i] != "{" or text[close] != "}":
        raise KeyError("where")
    return i, close


def _skip_blank(text: str, i: int) -> int:
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text[i] == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline + 1
        else:
            break
    return i


def _walk(node):
    import pyparsing
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for value in dict.values(node):
            yield from _walk(value)
    elif isinstance(node, (pyparsing.ParseResults, list, tuple)):
        for value in node:
            yield from _walk(value)


def _show(term) -> str:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(term, CompValue) and term.name == "pname":
        return f"{term['prefix'] or ''}:{term['localname'] or ''}"
    text = term.n3() if hasattr(term, "n3") else str(term)
    return text


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------

def convert(name: str, type_: str, value: str) -> ox.NamedNode | ox.Literal:
    """The typed term for parameter ``name`` of type ``type_``; MalikgError naming it if ``value`` does not fit."""
    def wrong(expected: str) -> MalikgError:
        return MalikgError(f"parameter {name!r} must be {expected}, not {value!r}")

    value = str(value)
    if type_ == "string":
        # A naive endpoint that expands \u escapes before lexing (as the SPARQL spec words it)
        # would read an escaped backslash followed by u0022 as a closing quote.
        if re.search(r"\\[uU]", value):
            raise MalikgError(f"parameter {name!r}: a backslash followed by 'u' is not allowed")
        return ox.Literal(value)
    if type_ == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise wrong("a date as YYYY-MM-DD")
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise wrong("a calendar date") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if type_ == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise wrong("an integer")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if type_ == "decimal":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
            raise wrong("a decimal number")
        try:
            Decimal(value)
        except InvalidOperation:
            raise wrong("a decimal number") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "decimal"))
    if type_ == "boolean":
        lowered = value.lower()
        if lowered not in ("true", "false", "1", "0"):
            raise wrong("true or false")
        return ox.Literal(lowered in ("true", "1"))
    if type_ == "iri" or type_ in RESOURCE_KINDS:
        return _iri(name, type_, value, wrong)
    raise MalikgError(f"parameter {name!r} has unknown type {type_!r} "
                      f"(known: {', '.join(sorted(TYPES))})")


def _iri(name: str, type_: str, value: str, wrong) -> ox.NamedNode:
    if _SCHEME.match(value):
        iri = value
    elif _SLUG.match(value):
        # A slug names a resource under the base: `jnim` for an actor parameter, `actor/jnim` for an iri one.
        iri = base_iri() + (value if type_ == "iri" else f"{type_}/{value}")
    else:
        expected = "a full IRI or a path like actor/jnim" if type_ == "iri" else f"an {type_} slug or a full IRI"
        raise wrong(expected)
    if "\\" in iri:
        raise wrong("an IRI")
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise MalikgError(f"parameter {name!r} is not a valid IRI ({error}): {value!r}") from None


def bind(params: Mapping[str, str], declared: Mapping[str, object]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Typed terms for ``params`` (text from the command line) and the defaults of ``declared``.

    ``declared`` maps a parameter name to ``(type, default)`` or to anything with ``.type`` and
    ``.default``; a default of None makes the parameter required.
    """
    for name in params:
        if name not in declared:
            takes = ", ".join(declared) if declared else "no parameters"
            raise MalikgError(f"parameter {name!r} is not declared by this query (it takes: {takes})")
    bound = {}
    for name, spec in declared.items():
        type_, default = spec if isinstance(spec, tuple) else (spec.type, spec.default)
        if not _VARNAME.match(name):
            raise MalikgError(f"parameter {name!r} is not a SPARQL variable name")
        if name in params:
            bound[name] = convert(name, type_, params[name])
        elif default is not None:
            bound[name] = convert(name, type_, default)
        else:
            raise MalikgError(f"parameter {name!r} is required: add -p {name}=VALUE")
    return bound


def with_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """``text`` with ``bindings`` spliced in as a VALUES block at the start of its WHERE group.

    Why not pyoxigraph's ``substitutions=``: in 0.5 it only applies to variables the top-level
    SELECT projects (ASK refuses it, CONSTRUCT silently ignores it), so every backend gets the
    same VALUES block instead and answers alike. The block is written from typed terms only, in
    their N-Triples form, never from user text. Like any VALUES at the head of the group, it does
    not reach into sub-SELECTs that do not project the variable.
    """
    info = analyse(text)
    if not bindings:
        return info.text
    names, terms = [], []
    for name, term in bindings.items():
        if not _VARNAME.match(name):
            raise MalikgError(f"parameter {name!r} is not a SPARQL variable name")
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise TypeError(f"parameter {name!r}: only IRIs and literals can be bound, not {term!r}")
        if isinstance(term, ox.Literal) and re.search(r"\\[uU]", term.value):
            raise MalikgError(f"parameter {name!r}: a backslash followed by 'u' is not allowed")
        names.append(f"?{name}")
        terms.append(str(term))
    block = f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"
    body = info.text
    if info.where is None:
        if info.trailing_values:
            raise MalikgError("parameters cannot be bound in a query without a WHERE group "
                              "that already ends with VALUES")
        return f"{body}\n{block}\n"
    open_, close = info.where
    if info.subselect:
        # `{ SELECT ... }` admits nothing beside the sub-SELECT: nest it in a group of its own.
        return f"{body[:open_ + 1]} {block} {{{body[open_ + 1:close]}}} {body[close:]}"
    return f"{body[:open_ + 1]} {block} {body[open_ + 1:]}"


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

class Result:
    """A materialised answer. It keeps the canonical serialisation pyoxigraph wrote (SPARQL JSON
    results, or N-Triples for CONSTRUCT/DESCRIBE) so every format is derived by pyoxigraph's own
    writers, identically for every backend."""

    def __init__(self, form: str, variables: list[str], data: bytes):
        self.form = form
        self.variables = variables
        self.data = data
        self.total: int | None = None  # rows of the whole answer, when this is one page of it

    @classmethod
    def from_pyoxigraph(cls, form: str, raw) -> Result:
        if isinstance(raw, ox.QuerySolutions):
            variables = [v.value for v in raw.variables]
            return cls("SELECT", variables, raw.serialize(format=ox.QueryResultsFormat.JSON))
        if isinstance(raw, ox.QueryBoolean):
            return cls("ASK", [], raw.serialize(format=ox.QueryResultsFormat.JSON))
        if isinstance(raw, ox.QueryTriples):
            return cls(form if form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", [],
                       raw.serialize(format=ox.RdfFormat.N_TRIPLES))
        raise TypeError(f"not a pyoxigraph query result: {raw!r}")

    @classmethod
    def page_of(cls, solutions, offset: int, limit: int) -> Result:
        """Rows ``offset`` .. ``offset + limit`` of ``solutions`` (pyoxigraph QuerySolutions) as a
        Result of their own, with ``total`` the number of all of them; the others are only counted."""
        variables = [v.value for v in solutions.variables]
        kept, total, end = [], 0, offset + limit
        for solution in solutions:
            if offset <= total < end:
                kept.append(tuple(solution))
            total += 1
        document = {"head": {"vars": variables},
                    "results": {"bindings": [{v: _binding(t) for v, t in zip(variables, row) if t is not None}
                                             for row in kept]}}
        result = cls("SELECT", variables, json.dumps(document, ensure_ascii=False).encode())
        result.total = total
        return result

    def _solutions(self):
        return ox.parse_query_results(self.data, ox.QueryResultsFormat.JSON)

    @functools.cached_property
    def rows(self) -> list[tuple]:
        """SELECT rows as tuples of pyoxigraph terms (None where unbound); empty for other forms."""
        if self.form != "SELECT":
            return []
        return [tuple(solution) for solution in self._solutions()]

    @property
    def boolean(self) -> bool | None:
        return bool(self._solutions()) if self.form == "ASK" else None

    @functools.cached_property
    def triples(self) -> list[ox.Triple]:
        """CONSTRUCT/DESCRIBE triples in a stable order (subject, predicate, object as N-Triples)."""
        if self.form not in ("CONSTRUCT", "DESCRIBE"):
            return []
        return sorted((quad.triple for quad in ox.parse(self.data, ox.RdfFormat.N_TRIPLES)),
                      key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def serialize(self, format: ox.QueryResultsFormat) -> bytes:
        return self._solutions().serialize(format=format)

    def to_python(self) -> list[dict]:
        """SELECT rows as dicts of plain Python values: str, int, float, bool, date, datetime or None."""
        return [{v: to_python(term) for v, term in zip(self.variables, row)} for row in self.rows]

    def to_dataframe(self):
        try:
            import pandas
        except ImportError:
            raise MalikgError("to_dataframe() needs pandas: pip install pandas") from None
        return pandas.DataFrame(self.to_python(), columns=self.variables)

    def __repr__(self) -> str:
        size = len(self.rows) if self.form == "SELECT" else (
            self.boolean if self.form == "ASK" else len(self.triples))
        return f"<Result {self.form} {size}>"


def _binding(term) -> dict:
    """A term as a binding of the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    found = {"type": "literal", "value": term.value}
    if term.language:
        found["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        found["datatype"] = term.datatype.value
    return found


_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                               "positiveInteger", "negativeInteger", "nonPositiveInteger",
                               "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOATS = {XSD + t for t in ("decimal", "double", "float")}


def to_python(term):
    """A pyoxigraph term as a plain Python value; IRIs and anything unrecognised as their string."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, ox.Literal):
        return str(term)
    datatype, value = term.datatype.value, term.value
    try:
        if datatype in _INTEGERS:
            return int(value)
        if datatype in _FLOATS:
            return float(value)
        if datatype == XSD + "boolean":
            return value in ("true", "1")
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(value)
        if datatype == XSD + "dateTime":
            return datetime.datetime.fromisoformat(value)
    except ValueError:
        pass  # an ill-typed literal keeps its lexical form
    return value


def run(store, text: str, params: Mapping[str, str] | None = None, *,
        declared: Mapping[str, object] | None = None, allow_remote: bool = False,
        timeout: float | None = 30.0, limit: int | None = None, offset: int = 0,
        engine_pages: bool = False) -> Result:
    """Inspect ``text``, bind ``params`` against ``declared``, and answer it from ``store``.

    With ``limit``, a SELECT answers rows ``offset`` .. ``offset + limit``, and the Result's
    ``total`` is the number of rows of the whole answer. By default the engine evaluates the
    query once and its solutions are counted as they stream by, only the page's rows kept:
    Oxigraph 0.5 evaluates an ORDER BY in full whatever LIMIT follows, so a page asked of it
    costs as much as the whole answer, and a COUNT beside it as much again (actor-timeline at
    100,000 events: 33 s streamed, 38 s + 16 s paged and counted). With ``engine_pages`` (an
    endpoint, where every row would cross the network), a SELECT it can page (``pageable``) is
    sent with LIMIT/OFFSET appended, and a COUNT around it for the total (``paged``).

    The answer is fully materialised in a worker thread; if that takes longer than ``timeout``
    seconds, MalikgError("query timed out after N s"). pyoxigraph releases the GIL while it
    evaluates, so the waiting thread wakes on time. It cannot cancel a running evaluation: the
    abandoned daemon thread runs on until the query ends or the process exits.
    """
    info = inspect_query(text, allow_remote=allow_remote)
    bindings = bind(params or {}, declared or {})
    def answer(text: str, bindings) -> Result:
        # pyoxigraph evaluates lazily, so errors can surface while the answer is serialised.
        # They are turned into a message inside the except clause and raised after it, so no
        # traceback carries pyoxigraph's result object to another thread: pyo3 refuses to
        # drop it anywhere but the thread that made it.
        try:
            return Result.from_pyoxigraph(info.form, store.query(text, bindings))
        except SyntaxError as error:
            failure = f"SPARQL error: {_first_line(error)}"
        except (OSError, RuntimeError, ValueError) as error:
            failure = f"query failed: {_first_line(error)}"
        raise MalikgError(failure)

    if limit is not None and info.form == "SELECT" and not (engine_pages and pageable(info)):
        def evaluate_stream() -> Result:
            try:
                return Result.page_of(store.query(info.text, bindings), offset, limit)
            except SyntaxError as error:
                failure = f"SPARQL error: {_first_line(error)}"
            except (OSError, RuntimeError, ValueError) as error:
                failure = f"query failed: {_first_line(error)}"
            raise MalikgError(failure)

        return _within(evaluate_stream, timeout)

    if limit is not None:
        page, count = paged(info, with_values(info.text, bindings), limit, offset)

        def evaluate_page() -> Result:
            result = answer(page, {})
            total = answer(count, {}).rows
            result.total = to_python(total[0][0]) if total and total[0][0] is not None else 0
            return result

        return _within(evaluate_page, timeout)

    return _within(lambda: answer(info.text, bindings), timeout)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _within(work, timeout: float | None):
    if not timeout:
        return work()
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=target, name="malikg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise MalikgError(f"query timed out after {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

def format_result(result: Result, fmt: str = "table") -> bytes:
    """``result`` as UTF-8 bytes: ``table`` (aligned, for people), ``csv``/``tsv``/``json`` (SPARQL
    1.1 results formats, for programs). ASK gives ``true``/``false`` (JSON: the boolean results
    document); CONSTRUCT/DESCRIBE give Turtle with malikg's prefixes (JSON: JSON-LD). Bytes
    throughout, since pyoxigraph writes the results formats as bytes and they must reach a file
    exactly as written.
    """
    if fmt not in FORMATS:
        raise MalikgError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if result.form == "ASK":
        if fmt == "json":
            return result.serialize(ox.QueryResultsFormat.JSON)
        return b"true" if result.boolean else b"false"
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        rdf_format = formats.by_name("jsonld" if fmt == "json" else "turtle").oxigraph
        return ox.serialize(result.triples, format=rdf_format, prefixes=prefixes(result.data))
    if fmt == "table":
        return _table(result).encode()
    return result.serialize({"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                             "json": ox.QueryResultsFormat.JSON}[fmt])


def prefixes(used_in: bytes | None = None) -> dict[str, str]:
    """malikg's prefixes for Turtle-like output, only those ``used_in`` (N-Triples) uses if given.

    Resources under the base get a prefix per kind (``actor:jnim``, ``event:2024-01-27-ogota``)
    rather than ``id:``, whose local names would need ``\\/`` escapes in Turtle.
    """
    base = base_iri()
    found = {**PREFIXES, **{kind: f"{base}{kind}/" for kind in sorted(RESOURCE_KINDS)}}
    if used_in is None:
        return found
    return {prefix: iri for prefix, iri in found.items() if b"<" + iri.encode() in used_in}


def _table(result: Result) -> str:
    base = base_iri()
    by_length = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
    numeric = [True] * len(result.variables)
    cells = []
    for row in result.rows:
        cells.append([display(term, base, by_length) for term in row])
        for i, term in enumerate(row):
            if term is not None and not (isinstance(term, ox.Literal)
                                         and term.datatype.value in _INTEGERS | _FLOATS):
                numeric[i] = False
    if not result.rows:
        numeric = [False] * len(result.variables)
    return render_table(result.variables, cells, right=numeric)


_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")


def display(term, base: str | None = None, by_length=None) -> str:
    """How a table shows ``term``: ``actor/jnim`` for the base, ``mkv:killed`` for a known
    vocabulary, the bare IRI otherwise; a literal's lexical value; nothing for unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        base = base or base_iri()
        if iri.startswith(base) and len(iri) > len(base):
            return iri[len(base):]
        for prefix, namespace in by_length or sorted(PREFIXES.items(), key=lambda i: -len(i[1])):
            if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace):]):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)
