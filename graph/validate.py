"""Checking a graph against the SHACL shapes (with pyshacl-turbo, or pySHACL) on top of the
loader's integrity checks."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SH

from . import formats
from .errors import MalikgError, ValidationFailed
from .namespaces import PREFIXES, base_iri
from .vocabulary import shapes_file


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, named by the record (focus node) and field (property path)."""

    record: str
    field: str
    message: str

    def line(self) -> str:
        return f"record {self.record!r}, field {self.field!r}: {self.message}"


@lru_cache(maxsize=1)
def _shapes() -> tuple[Graph, tuple["_SparqlRule", ...]]:
    """The shapes split in two: the core constraints for the SHACL engine, and the SPARQL-based ones.

    pySHACL evaluates a SPARQL constraint once per focus node with rdflib's engine: on the
    seed graph that took 77 s against 0.5 s for all the core constraints. The SPARQL
    constraints are therefore run once each on Oxigraph over every node of their target
    class, which is the same check (``$this`` pre-bound to each focus node) done in one query.
    """
    full = Graph()
    full.parse(shapes_file(), format="turtle")
    core = Graph()
    for triple in full:
        core.add(triple)
    rules = []
    prefixes = dict(PREFIXES)
    for declaration in full.objects(None, SH.declare):
        prefixes[str(full.value(declaration, SH.prefix))] = str(full.value(declaration, SH.namespace))
    header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(prefixes.items()))
    for shape, constraint in sorted(full.subject_objects(SH.sparql)):
        core.remove((shape, SH.sparql, constraint))
        targets = sorted(full.objects(shape, SH.targetClass))
        select = str(full.value(constraint, SH.select))
        message = str(full.value(constraint, SH.message) or full.value(constraint, RDFS.label)
                      or "violates a SPARQL constraint")
        for target in targets:
            rules.append(_SparqlRule(header + _bind_this(select, str(target)), message))
    return core, tuple(rules)


@dataclass(frozen=True)
class _SparqlRule:
    query: str
    message: str


def _bind_this(select: str, target_class: str) -> str:
    """Turn a SHACL-SPARQL SELECT over ``$this`` into one query over all focus nodes."""
    where = select.index("{")
    return (select[:where + 1].replace("$this", "?this")
            + f" ?this a <{target_class}> . "
            + select[where + 1:].replace("$this", "?this"))


def shapes_graph() -> Graph:
    return _shapes()[0]


def _short(term, base: str) -> str:
    text = str(term)
    if text.startswith(base):
        return text[len(base):]
    for prefix, iri in PREFIXES.items():
        if text.startswith(iri):
            return f"{prefix}:{text[len(iri):]}"
    return text


def _value(row, name: str) -> str:
    try:
        term = row[name]
    except (KeyError, IndexError):
        return ""
    return "" if term is None else term.value


def shacl_violations(data: Graph, store=None) -> list[Violation]:
    """Every SHACL violation of ``data``, sorted, empty when the graph conforms.

    ``store``: a pyoxigraph Store whose default graph holds the same triples as ``data``, for
    the SPARQL-based constraints (else they load ``data`` into a store of their own).
    """
    return sorted(core_violations(data) | sparql_violations(data, store))


def core_violations(data: Graph) -> set[Violation]:
    """The violations of the core (non-SPARQL) shapes, found by pyshacl-turbo (or pySHACL)."""
    engine = _shacl_engine()
    base = base_iri()
    # advanced=False: the shapes use no SHACL Advanced Features (rules, SPARQL targets,
    # functions), and turning them on costs pySHACL about a tenth of its time.
    conforms, report, _ = engine.validate(data, shacl_graph=shapes_graph(), inference="none",
                                          advanced=False, allow_warnings=True)
    violations = set()
    if not conforms:
        for result in report.subjects(SH.resultSeverity, SH.Violation):
            focus = report.value(result, SH.focusNode)
            path = report.value(result, SH.resultPath)
            message = report.value(result, SH.resultMessage) or "violates a shape"
            violations.add(Violation(_short(focus, base), _short(path, base) if path else "-", str(message)))
    return violations


def _shacl_engine():
    """pyshacl-turbo where it is installed (Python 3.11 on), else pySHACL: the same API and, on
    every bad graph of tests/test_ontology.py, the same violations; turbo checks the seeds in
    0.1 s where pySHACL takes 0.65 s. Imported here: only validation needs either."""
    try:
        import pyshacl_turbo as engine
    except ImportError:
        import pyshacl as engine
    return engine


def sparql_violations(data: Graph | None, store=None) -> set[Violation]:
    """The violations of the SHACL-SPARQL shapes, each rule one query on Oxigraph: on ``store``
    (a pyoxigraph Store whose default graph holds the data) when given, else on ``data``."""
    base = base_iri()
    if store is None:
        import pyoxigraph

        store = pyoxigraph.Store()
        store.load(data.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    found = set()
    for rule in _shapes()[1]:
        for row in store.query(rule.query):
            message = re.sub(r"\{[?$](\w+)\}", lambda m: _value(row, m.group(1)), rule.message)
            path = _value(row, "path")
            found.add(Violation(_short(row["this"].value, base),
                                _short(path, base) if path else "-", message))
    return found


def check(data: Graph, store=None) -> None:
    """Raise ValidationFailed naming the first violation (and how many there are); ``store`` as
    for ``shacl_violations``."""
    raise_first(shacl_violations(data, store))


def raise_first(violations) -> None:
    """Raise ValidationFailed naming the first of ``violations`` (and how many there are), if any."""
    violations = sorted(violations)
    if violations:
        more = f" (and {len(violations) - 1} more; run malikg validate)" if len(violations) > 1 else ""
        first = violations[0]
        raise ValidationFailed(f"SHACL: {first.message}{more}", record=first.record, field=first.field)


def read_rdf(path: Path) -> Graph:
    """Parse an RDF file for validation; a syntax error names the file."""
    graph = Graph()
    try:
        found = formats.by_suffix(path)
        graph.parse(path, format=found.rdflib if found else None)
    except Exception as error:  # rdflib raises parser-specific types; all mean a bad file
        raise MalikgError(f"cannot parse RDF: {str(error).splitlines()[0]}", file=str(path)) from None
    return graph


__all__ = ["Violation", "shacl_violations", "core_violations", "sparql_violations",
           "check", "raise_first", "read_rdf", "URIRef"]
