"""Resolving ACLED's actor and place names to the graph's own, or minting new ones."""
from __future__ import annotations

from dataclasses import dataclass

from .aliases import Alias, AliasTable
from .codebook import _DEPTH, PLACE_LEVELS
from .names import normal as _normal
from .names import slugify
from .select import _select


@dataclass
class _Node:
    """A resolved actor or place: an IRI of the graph, or a new one this import mints."""

    iri: str
    key: str             # the malikg id (dcterms:identifier) or the new IRI's slug after "acled-"
    how: str             # alias, label or new
    kind: str            # actor, or the ACLED place column (country ... location), or "area"
    name: str            # the ACLED name as first met
    depth: int = 0       # places: 0 country ... 3 admin3, 4 location
    parent: _Node | None = None
    near: _Node | None = None
    community: bool = False

    @property
    def malikg_id(self) -> str:
        return self.key if self.how != "new" else f"acled-{self.key}"


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
        self.located: set[str] = set()      # imported places that already have coordinates
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
        for iri, name, ident, level, lat in _select(store, """
                SELECT ?p ?name ?id ?level ?lat WHERE {
                  ?p a mk:Place . { ?p rdfs:label ?name } UNION { ?p skos:altLabel ?name }
                  OPTIONAL { ?p dcterms:identifier ?id } OPTIONAL { ?p mk:adminLevel ?level }
                  OPTIONAL { ?p geo:lat ?lat }
                }"""):
            if iri.startswith(place_base + "acled-"):
                self.labelled.add(iri)
                if lat is not None:
                    self.located.add(iri)
                continue
            key = ident or (iri[len(place_base):] if iri.startswith(place_base) else iri)
            level = int(level) if level is not None else None
            self.place_ids[key] = (iri, level)
            self.place_names.setdefault((level, _normal(name)), set()).add(iri)
        self.place_keys = {iri: key for key, (iri, _) in self.place_ids.items()}
        self.place_levels = {iri: level for iri, level in self.place_ids.values()}
        self.acled_ids = {ident for (ident,) in _select(store, "SELECT ?id WHERE { ?e mk:acledEventId ?id }")}
        self.publisher = self.actor_ids.get("acled")
        self._actors: dict[str, _Node] = {}
        self._places: dict[tuple, _Node] = {}
        self._missing_seen: set[Alias] = set()

    def _alias(self, kinds: tuple[str, ...], name: str, known: dict) -> Alias | None:
        alias = self.aliases.find(kinds, name)
        if alias is not None and alias.malikg_id not in known:
            if alias not in self._missing_seen:
                self._missing_seen.add(alias)
                self.missing.append(alias)
            return None
        return alias

    def actor(self, name: str) -> _Node:
        key = _normal(name)
        node = self._actors.get(key)
        if node is None:
            alias = self._alias(("actor",), name, self.actor_ids)
            if alias is not None:
                iri = self.actor_ids[alias.malikg_id]
                node = _Node(iri, alias.malikg_id, "alias", "actor", name)
            elif key in self.actor_names:
                iri = sorted(self.actor_names[key])[0]
                node = _Node(iri, self.actor_keys[iri], "label", "actor", name)
            else:
                slug = slugify(name)
                node = _Node(f"{self.base}actor/acled-{slug}", slug, "new", "actor", name)
            node.community = node.iri in self.communities
            self._actors[key] = node
        return node

    def place(self, column: str, name: str, parent: _Node | None) -> _Node:
        """The place ``name`` in ACLED's ``column`` under ``parent`` (the place above it in the row).

        A place of the graph matches at the same administrative level only (ACLED's admin1
        "Mopti" is the region, its location "Mopti" the town). A new place's key is its
        parent's key and its own slug, with one more "-" for each level skipped, so one name
        under one parent at one level is one place however the row reached it.
        """
        level = PLACE_LEVELS[column]
        seed_key = (column, _normal(name))
        node = self._places.get(seed_key)
        if node is not None:
            return node
        alias = self._alias((column, "place"), name, self.place_ids)
        if alias is not None:
            iri = self.place_ids[alias.malikg_id][0]
            level_found = self.place_levels[iri]
            node = _Node(iri, alias.malikg_id, "alias", column, name,
                         depth=level_found if level_found is not None else _DEPTH[column])
        elif (level, _normal(name)) in self.place_names:
            iri = sorted(self.place_names[(level, _normal(name))])[0]
            node = _Node(iri, self.place_keys[iri], "label", column, name, depth=_DEPTH[column])
        if node is not None:
            self._places[seed_key] = node
            return node
        depth = _DEPTH[column]
        if parent is None:
            key = slugify(name)
        else:
            key = f"{parent.key}{'-' * (depth - parent.depth)}{slugify(name)}"
        new_key = ("new", key)
        node = self._places.get(new_key)
        if node is None:
            node = _Node(f"{self.base}place/acled-{key}", key, "new", column, name, depth=depth,
                         parent=parent)
            self._places[new_key] = node
        return node

    def area(self, location: _Node, parent: _Node | None, precision: int) -> _Node:
        """The area a geo_precision 2 or 3 event happened in: near ``location``, within ``parent``."""
        base_key = location.key if location.how == "new" or parent is None else f"{parent.key}-{location.key}"
        key = f"{base_key}-gp{precision}"
        node = self._places.get(("area", key))
        if node is None:
            label = f"Near {location.name}" if precision == 2 else f"Area around {location.name}"
            node = _Node(f"{self.base}place/acled-{key}", key, "new", "area", label, depth=4,
                         parent=parent, near=location)
            self._places[("area", key)] = node
        return node
