"""Resolving ACLED's actor and place names to the graph's own, or minting new ones.

Actors: a name the alias table links (``same``) is the graph's actor; an ``affiliate`` or
``successor`` is an actor of its own, tied to the graph's; a graph label matches too; other names
become new actors. Places follow ACLED's admin chain: country and admin1 are the graph's country
and regions where they exist; every place below admin1 is ACLED's own place, within ACLED's chain
and with ACLED's coordinates, and names (``mk:samePlaceAs``) the graph's place of that name only
when that place lies in the same region, or in one the region was formed from or gave rise to.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .aliases import Alias, AliasTable
from .codebook import _DEPTH, PLACE_LEVELS
from .names import normal as _normal
from .names import slugify
from .select import _select

#: Two ACLED places of one name under one commune are one place unless their coordinates lie
#: further apart than this (ACLED geocodes one location to one point).
SAME_PLACE_KM = 10.0
_PERIOD = re.compile(r"\s*\(\d{4}-(\d{4})?\)$")


@dataclass(eq=False)
class _Node:
    """A resolved actor or place: an IRI of the graph, or a new one this import mints."""

    iri: str
    key: str             # the malikg id (dcterms:identifier) or the new IRI's slug after "acled-"
    how: str             # alias, label or new
    kind: str            # actor, or the ACLED place column (country ... location), or "area"
    name: str            # the ACLED name as first met (the label of a new node)
    depth: int = 0       # places: 0 country ... 3 admin3, 4 location
    parent: _Node | None = None
    near: _Node | None = None
    community: bool = False
    minted: bool = False                  # this import declares it (type, label, identifier)
    same_as: _Node | None = None          # places: the graph's place this ACLED place names
    tie: tuple[str, _Node] | None = None  # actors: ("affiliate" | "successor", the graph's actor)
    formed_from: list[_Node] = field(default_factory=list)   # regions: the regions it came out of
    coordinates: tuple[float, float] | None = None

    @property
    def own_id(self) -> str:
        """The node's own dcterms:identifier."""
        return f"acled-{self.key}" if self.minted else self.key

    @property
    def malikg_id(self) -> str:
        """The graph's id the ACLED name resolves to: for an ACLED place, the graph's place it names."""
        return self.same_as.own_id if self.same_as is not None else self.own_id


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


def _hemisphere(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):.4f}".replace(".", "p") + (positive if value >= 0 else negative)


class _Resolver:
    """ACLED names -> the graph's actors and places, read once from the store."""

    def __init__(self, store, aliases: AliasTable, base: str):
        self.base = base
        self.aliases = aliases
        self.missing: list[Alias] = []
        actor_base, place_base = base + "actor/", base + "place/"
        self.actor_ids: dict[str, str] = {}
        self.actor_names: dict[str, set[str]] = {}
        self.communities: set[str] = set()
        self.labelled: set[str] = set()     # imported IRIs that already have their one label
        self.coded: set[str] = set()        # imported actors that already have an inter code
        self.located: dict[str, tuple[float, float]] = {}   # imported places with coordinates
        for iri, name, ident, community in _select(store, """
                SELECT ?a ?name ?id ?community WHERE {
                  ?a a mk:Actor . { ?a rdfs:label ?name } UNION { ?a skos:altLabel ?name }
                  OPTIONAL { ?a dcterms:identifier ?id }
                  BIND(EXISTS { ?a a mk:Community } AS ?community)
                }"""):
            if iri.startswith(actor_base + "acled-"):
                self.labelled.add(iri)
                continue
            key = ident or (iri[len(actor_base):] if iri.startswith(actor_base) else iri)
            self.actor_ids[key] = iri
            self.actor_names.setdefault(_normal(name), set()).add(iri)
            if community:
                self.communities.add(iri)
        self.actor_keys = {iri: key for key, iri in self.actor_ids.items()}
        self.coded.update(iri for (iri,) in _select(store, """
                SELECT DISTINCT ?a WHERE { ?a a mk:Actor ; mk:interCode ?code }"""))
        self.place_ids: dict[str, tuple[str, int | None]] = {}
        self.place_names: dict[tuple[int | None, str], set[str]] = {}
        for iri, name, ident, level, lat, long in _select(store, """
                SELECT ?p ?name ?id ?level ?lat ?long WHERE {
                  ?p a mk:Place . { ?p rdfs:label ?name } UNION { ?p skos:altLabel ?name }
                  OPTIONAL { ?p dcterms:identifier ?id } OPTIONAL { ?p mk:adminLevel ?level }
                  OPTIONAL { ?p geo:lat ?lat ; geo:long ?long }
                }"""):
            if iri.startswith(place_base + "acled-"):
                self.labelled.add(iri)
                if lat is not None:
                    self.located[iri] = (float(lat), float(long))
                continue
            key = ident or (iri[len(place_base):] if iri.startswith(place_base) else iri)
            level = int(level) if level is not None else None
            self.place_ids[key] = (iri, level)
            self.place_names.setdefault((level, _normal(name)), set()).add(iri)
        self.stored_located = set(self.located)
        self.place_keys = {iri: key for key, (iri, _) in self.place_ids.items()}
        self.place_levels = {iri: level for iri, level in self.place_ids.values()}
        self.place_parents: dict[str, set[str]] = {}
        for place, parent in _select(store, "SELECT ?p ?parent WHERE { ?p a mk:Place ; mk:within ?parent }"):
            self.place_parents.setdefault(place, set()).add(parent)
        self.publisher = self.actor_ids.get("acled")
        self._actors: dict[str, _Node] = {}
        self._places: dict[tuple, _Node] = {}
        self._missing_seen: set[Alias] = set()

    def _alias(self, kinds: tuple[str, ...], name: str, known: dict) -> Alias | None:
        alias = self.aliases.find(kinds, name)
        if alias is not None and not alias.minted and alias.malikg_id not in known:
            if alias not in self._missing_seen:
                self._missing_seen.add(alias)
                self.missing.append(alias)
            return None
        return alias

    # --- actors ---

    def actor(self, name: str) -> _Node:
        key = _normal(name)
        node = self._actors.get(key)
        if node is None:
            alias = self._alias(("actor",), name, self.actor_ids)
            if alias is not None and alias.link == "same" and alias.minted:
                slug = alias.malikg_id[len("acled-"):]
                node = self._actors.get(("minted", slug))
                if node is None:
                    node = _Node(f"{self.base}actor/acled-{slug}", slug, "alias", "actor",
                                 _PERIOD.sub("", name), minted=True)
                    self._actors[("minted", slug)] = node
            elif alias is not None and alias.link == "same":
                iri = self.actor_ids[alias.malikg_id]
                node = _Node(iri, alias.malikg_id, "alias", "actor", name)
            elif alias is not None:
                slug = slugify(name)
                target = _Node(self.actor_ids[alias.malikg_id], alias.malikg_id, "alias", "actor", name)
                node = _Node(f"{self.base}actor/acled-{slug}", slug, "alias", "actor", name, minted=True,
                             tie=(alias.link, target))
            elif key in self.actor_names:
                iri = sorted(self.actor_names[key])[0]
                node = _Node(iri, self.actor_keys[iri], "label", "actor", name)
            else:
                slug = slugify(name)
                node = _Node(f"{self.base}actor/acled-{slug}", slug, "new", "actor", name, minted=True)
            node.community = node.iri in self.communities
            self._actors[key] = node
        return node

    # --- places ---

    def place(self, column: str, name: str, parent: _Node | None, region: _Node | None = None,
              coordinates: tuple[float, float] | None = None) -> _Node:
        """The place ``name`` in ACLED's ``column`` under ``parent`` (the place above it in the row).

        ``region`` is the row's admin1 place, which a graph place below admin1 must lie in (or
        be related to) to be named by ACLED's; ``coordinates`` tell apart two places of one name
        under one parent. A new place's key is its parent's key and its own slug, with one more
        "-" for each level skipped, so one name under one parent at one level is one place
        however the row reached it.
        """
        if column in ("country", "admin1"):
            return self._unit(column, name, parent)
        depth = _DEPTH[column]
        key = slugify(name) if parent is None else f"{parent.key}{'-' * (depth - parent.depth)}{slugify(name)}"
        iri = f"{self.base}place/acled-{key}"
        if coordinates is not None:
            known = self.located.get(iri)
            if known is not None and _distance_km(known, coordinates) > SAME_PLACE_KM:
                key += f"-{_hemisphere(coordinates[0], 'n', 's')}-{_hemisphere(coordinates[1], 'e', 'w')}"
                iri = f"{self.base}place/acled-{key}"
            self.located.setdefault(iri, coordinates)
        node = self._places.get(("new", key))
        if node is None:
            node = _Node(iri, key, "new", column, name, depth=depth, parent=parent, minted=True,
                         coordinates=self.located.get(iri))
            node.same_as = self._graph_place(column, name, region)
            if node.same_as is not None:
                node.how = node.same_as.how
            self._places[("new", key)] = node
        return node

    def _unit(self, column: str, name: str, parent: _Node | None) -> _Node:
        """A country or an admin1 region: the graph's own where it has it."""
        seed_key = (column, _normal(name))
        node = self._places.get(seed_key)
        if node is not None:
            return node
        level = PLACE_LEVELS[column]
        alias = self._alias((column, "place"), name, self.place_ids)
        if alias is not None and alias.malikg_id:
            iri = self.place_ids[alias.malikg_id][0]
            node = _Node(iri, alias.malikg_id, "alias", column, name, depth=_DEPTH[column])
        elif (level, _normal(name)) in self.place_names:
            iri = sorted(self.place_names[(level, _normal(name))])[0]
            node = _Node(iri, self.place_keys[iri], "label", column, name, depth=_DEPTH[column])
        else:
            depth = _DEPTH[column]
            key = slugify(name) if parent is None else f"{parent.key}{'-' * (depth - parent.depth)}{slugify(name)}"
            node = self._places.get(("new", key))
            if node is None:
                node = _Node(f"{self.base}place/acled-{key}", key, "new", column, name, depth=depth,
                             parent=parent, minted=True)
                self._places[("new", key)] = node
        self._places[seed_key] = node
        if column == "admin1":
            for older in self.aliases.formed_from.get(_normal(name), ()):
                older_alias = self.aliases.find(("admin1",), older)
                node.formed_from.append(self._unit("admin1", older_alias.acled_name if older_alias else older,
                                                   parent))
        return node

    def _graph_place(self, column: str, name: str, region: _Node | None) -> _Node | None:
        """The graph's place that ACLED's place below admin1 names, if one lies in the row's region."""
        level = PLACE_LEVELS[column]
        alias = self._alias((column, "place"), name, self.place_ids)
        if alias is not None and alias.malikg_id in self.place_ids:
            iri = self.place_ids[alias.malikg_id][0]
            if (region is not None and _normal(region.name) in alias.within) if alias.within \
                    else self._in_region(iri, region):
                return _Node(iri, alias.malikg_id, "alias", column, name, depth=_DEPTH[column])
        for iri in sorted(self.place_names.get((level, _normal(name)), ())):
            if self._in_region(iri, region):
                return _Node(iri, self.place_keys[iri], "label", column, name, depth=_DEPTH[column])
        return None

    def _ancestors(self, iri: str) -> set[str]:
        found, todo = set(), [iri]
        while todo:
            for parent in self.place_parents.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    def _in_region(self, iri: str, region: _Node | None) -> bool:
        """Whether the graph's place ``iri`` lies in ``region`` as the two hierarchies allow: its
        regions are ``region``, one ``region`` was formed from, or one formed from ``region``."""
        ancestors = self._ancestors(iri)
        regions = {a for a in ancestors if self.place_levels.get(a) == 1}
        if region is None or not regions:
            # a place the graph puts in no region (Bamako, within Mali): its country must agree
            country = region.parent if region is not None else None
            while country is not None and country.parent is not None:
                country = country.parent
            return country is None or not ancestors or country.iri in ancestors
        related = {region.iri} | {older.iri for older in region.formed_from}
        names = self._names(region)
        return any(r in related or names & self._older_names(r) for r in regions)

    def _names(self, region: _Node) -> set[str]:
        """Every ACLED name of ``region`` the alias table knows, normalised."""
        names = {_normal(region.name)}
        if not region.minted:
            names |= {_normal(a.acled_name) for a in self.aliases if a.kind in ("admin1", "place")
                      and a.malikg_id == region.key}
        return names

    def _older_names(self, iri: str) -> set[str]:
        """The names of the regions the graph's region ``iri`` was formed from, normalised."""
        key = self.place_keys.get(iri)
        return {older for a in self.aliases if a.kind == "admin1" and a.malikg_id == key
                for older in a.formed_from}

    def area(self, location: _Node, parent: _Node | None, precision: int) -> _Node:
        """The area a geo_precision 2 or 3 event happened in: near ``location``, within ``parent``."""
        key = f"{location.key}-gp{precision}"
        node = self._places.get(("area", key))
        if node is None:
            label = f"Near {location.name}" if precision == 2 else f"Area around {location.name}"
            node = _Node(f"{self.base}place/acled-{key}", key, "new", "area", label, depth=4,
                         parent=parent, near=location, minted=True)
            self._places[("area", key)] = node
        return node
