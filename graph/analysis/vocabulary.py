"""The analysis's shared terms: relation names and groups, actor kinds, the certainty scale,
and how IRIs and concepts read back as slugs."""
from __future__ import annotations

from collections.abc import Iterable

from ..namespaces import MK, MKV, base_iri

#: Relation names an edge can carry, positive ties first.
RELATIONS = (
    "alliance", "partnership", "affiliation", "association", "alleged-proxy", "coalition-membership",
    "ethnic-composition", "community-tie", "protection", "deal", "peace-agreement", "leadership",
    "position", "membership", "accused-collaboration", "accused-membership",
    "hostility", "clashes", "attack", "retaliation",
)
#: The ``relation`` filter of signed_network.
RELATION_FILTERS = ("all", "alliance", "hostility", "retaliation")
#: Ties that are one party's accusation, not an observed tie: listed, but kept out of blocs and balance.
ACCUSATIONS = frozenset({"accused-collaboration", "accused-membership"})
#: Ties that make an actor part of a community (or a community part of an actor): how a group can
#: answer, in the chapter's telling, for what was done to "its" people.
BELONGING = frozenset({"ethnic-composition", "community-tie", "coalition-membership"})
#: Hostile acts and stances that a retaliation can answer.
HOSTILE = frozenset({"attack", "clashes", "hostility"})
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


def _slug(iri: str) -> str:
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
