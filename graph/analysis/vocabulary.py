"""The analysis's shared terms: relation names and groups, actor kinds, the certainty scale,
and how IRIs and concepts read back as slugs."""
from __future__ import annotations

from collections.abc import Iterable

from ..vocabulary import vocabulary
from ..namespaces import MK, MKV, base_iri

_VOCABULARY = vocabulary()
#: What the network adds to the relation types of ontology/vocabulary.ttl: attack and clash
#: edges drawn from incidents, retaliation edges from claims.
EDGE_KINDS = ("attack", "retaliation")
#: Relation names an edge can carry: the relation types of a tie family, then the edge kinds.
RELATIONS = (*sorted(_VOCABULARY.tie_families), *EDGE_KINDS)
#: The ``relation`` filter of signed_network.
RELATION_FILTERS = ("all", "alliance", "hostility", "retaliation")
#: Ties that are one party's accusation, not an observed tie: listed, but kept out of blocs and
#: balance (mk:tieFamily "accusation").
ACCUSATIONS = frozenset(t for t, f in _VOCABULARY.tie_families.items() if f == "accusation")
#: Ties that make an actor part of a community (or a community part of an actor): how a group can
#: answer, in the chapter's telling, for what was done to "its" people (mk:belonging).
BELONGING = _VOCABULARY.belonging
#: Hostile acts and stances that a retaliation can answer: attacks, and the relation types of
#: mk:tieFamily "hostility".
HOSTILE = frozenset({"attack"}) | {t for t, f in _VOCABULARY.tie_families.items() if f == "hostility"}
#: Actor kinds that take sides: blocs are formed among these.
BLOC_KINDS = frozenset({"armed-group", "community", "state", "state-body"})
#: Most certain first; an aggregated attack or clash edge carries the most certain attribution
#: among the incidents it quotes (see EVIDENCE_LIMIT).
CERTAINTY_ORDER = ("stated", "claimed", "apparent", "believed", "alleged", "suspected", "implied")

#: The roles in which the source actor of an attack or clash edge acts.
_ACTING_ROLES = {"attack": {"perpetrator", "co-perpetrator"}, "clashes": {"side-a"}}

_KINDS = {
    str(MK.ArmedGroup): "armed-group", str(MK.StateBody): "state-body", str(MK.Community): "community",
    str(MK.Organisation): "organisation", str(MK.Person): "person", str(MK.State): "state",
}
# Unit separator: cannot occur in a quote, a label or an IRI, so GROUP_CONCAT lists split back exactly.
_SEP = "\x1f"
_SEP_SPARQL = "\\u001F"
_MKV = str(MKV)


def iri_slug(iri: str) -> str:
    """``jnim`` for ``{base}actor/jnim``; IRIs outside the base stay whole."""
    base = base_iri()
    if iri.startswith(base):
        rest = iri[len(base):]
        return rest.split("/", 1)[1] if "/" in rest else rest
    return iri


def _split(value: str | None, sep: str = _SEP) -> list[str]:
    return [part for part in value.split(sep) if part] if value else []


def _concept(value: str | None) -> str:
    """The local name of a vocabulary concept (``apparent`` for mkv:apparent)."""
    value = value or ""
    return value[len(_MKV):] if value.startswith(_MKV) else value


def _strongest(certainties: Iterable[str]) -> str:
    found = [c for c in certainties if c]
    if not found:
        return ""
    return min(found, key=lambda c: (CERTAINTY_ORDER.index(c) if c in CERTAINTY_ORDER else len(CERTAINTY_ORDER), c))
