"""The ontology folder and its controlled vocabularies, read once.

Which files of ``ontology/`` are the ontology (every ``*.ttl`` but the SHACL shapes) is said
here, and ``vocabulary.ttl`` is parsed here once per process, by Oxigraph (a native parse, a few
milliseconds, where rdflib takes a few hundred): the seed emitter's controlled lists
(:func:`vocabulary`), the ACLED codebook (graph/acled/codebook.py) and the network's relation
families all read that one parse. Adding a concept to the vocabulary is all it takes for the
emitter, the importer and the network to know it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS, XSD

from .namespaces import MK, MKV, bind_prefixes
from .resources import ontology_dir

#: The SHACL shapes end so; every other ``*.ttl`` of the folder is ontology or vocabulary.
SHAPES_SUFFIX = "shapes.ttl"
_BOOLEAN = str(XSD.boolean)


def ontology_files(folder: str | os.PathLike | None = None) -> list[Path]:
    """The ontology's Turtle files (ontology and vocabularies, not the shapes), in name order."""
    folder = Path(folder) if folder is not None else ontology_dir()
    return [path for path in sorted(folder.glob("*.ttl")) if not path.name.endswith(SHAPES_SUFFIX)]


def shapes_file(folder: str | os.PathLike | None = None) -> Path:
    """The SHACL shapes the data must meet (``dcat-shapes.ttl`` is the dataset description's)."""
    return (Path(folder) if folder is not None else ontology_dir()) / SHAPES_SUFFIX


def ontology_graph() -> Graph:
    """The ontology and its vocabularies as one rdflib graph, with the project's prefixes."""
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    bind_prefixes(graph)
    return graph


class _Parsed:
    """One file's triples, parsed once: in a store for SPARQL, and by predicate for the lists.

    ``by_predicate[p]`` maps each object to the subjects that give it, both in the order the
    file first gives them; the controlled lists keep that order (a scheme's concepts as the
    file lists them), so what is drawn from them comes out the same on every run.
    """

    def __init__(self, path: Path):
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        self.store = ox.Store()
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        self.by_predicate: dict[str, dict[ox.Term, dict[ox.Term, None]]] = {}
        for t in triples:
            self.by_predicate.setdefault(t.predicate.value, {}).setdefault(t.object, {})[t.subject] = None

    def pairs(self, predicate) -> list[tuple[ox.Term, ox.Term]]:
        """(subject, object) of every triple with ``predicate``, grouped by object."""
        found = self.by_predicate.get(str(predicate), {})
        return [(subject, obj) for obj, subjects in found.items() for subject in subjects]


@lru_cache(maxsize=None)
def _parsed(path: Path) -> _Parsed:
    return _Parsed(path)


def vocabulary_store() -> ox.Store:
    """``ontology/vocabulary.ttl`` in an in-memory Oxigraph store, parsed once; read it, never write."""
    return _parsed(ontology_dir() / "vocabulary.ttl").store


# --- the controlled lists -----------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Concept local names by scheme, read from ontology/vocabulary.ttl."""

    schemes: dict[str, frozenset[str]]
    admin_levels: dict[str, int]
    #: ACLED inter codes, from each actor type's skos:notation.
    inter_codes: dict[str, int]
    #: Relation types by their mk:tieFamily (alliance, affiliation, accusation, hostility...).
    tie_families: dict[str, str]
    #: Relation types that make an actor part of a community (mk:belonging).
    belonging: frozenset[str]
    #: Relation types whose target is a place rather than an actor (mk:targetsPlace).
    place_relations: frozenset[str]

    def check(self, record, scheme: str, value, field_name: str) -> URIRef:
        """``mkv:value`` if ``value`` is a concept of ``scheme``, else the record's one-line error."""
        allowed = self.schemes.get(scheme, frozenset())
        if not isinstance(value, str) or value not in allowed:
            raise record.error(f"unknown {scheme_label(scheme)} {value!r}; expected one of: "
                               + ", ".join(sorted(allowed)), field_name)
        return MKV[value]


def scheme_label(scheme: str) -> str:
    """A scheme's name in messages: ``DatePrecisions`` -> ``date precision``."""
    words = []
    for char in scheme:
        if char.isupper() and words:
            words.append(" ")
        words.append(char.lower())
    label = "".join(words)
    if label.endswith("ies"):
        return label[:-3] + "y"  # Certainties: certainty, not "certaintie"
    return label[:-1] if label.endswith("s") else label


@lru_cache(maxsize=None)
def _vocabulary(path: Path) -> Vocabulary:
    parsed = _parsed(path)
    pairs = parsed.pairs
    mkv = str(MKV)

    def local(term) -> str:
        return term.value[len(mkv):]

    def mkv_concept(term) -> bool:
        return isinstance(term, ox.NamedNode) and term.value.startswith(mkv)

    schemes: dict[str, set[str]] = {}
    for concept, scheme in pairs(SKOS.inScheme):
        if mkv_concept(concept) and mkv_concept(scheme):
            schemes.setdefault(local(scheme), set()).add(local(concept))
    levels = {local(c): int(v.value) for c, v in pairs(MK.adminLevel) if mkv_concept(c)}
    actor_types = parsed.by_predicate.get(str(SKOS.inScheme), {}).get(ox.NamedNode(str(MKV.ActorTypes)), {})
    codes = {local(c): int(n.value) for c, n in pairs(SKOS.notation) if c in actor_types}
    families = {local(c): f.value for c, f in pairs(MK.tieFamily)}

    def flagged(name: str) -> frozenset[str]:
        return frozenset(local(c) for c, v in pairs(MK[name]) if isinstance(v, ox.Literal)
                         and v.datatype.value == _BOOLEAN and v.value in ("true", "1"))

    return Vocabulary({k: frozenset(v) for k, v in schemes.items()}, levels, codes, families,
                      flagged("belonging"), flagged("targetsPlace"))


def vocabulary() -> Vocabulary:
    """The controlled lists of the bundled vocabulary (cached)."""
    return _vocabulary(ontology_dir() / "vocabulary.ttl")


__all__ = ["Vocabulary", "vocabulary", "vocabulary_store", "scheme_label", "ontology_files",
           "ontology_graph", "SHAPES_SUFFIX"]
