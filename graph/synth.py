"""Synthetic conflict data in malikg's own model, for benchmarks and scale tests.

``synthesize(n, "events.nt")`` writes N-Triples for ``n`` incidents shaped like ACLED's records
of Mali (its sub-event type mix, actor pairs, heavy-tailed fatality counts, day/week/month date
precision), with participations, harms, retaliation claims that answer earlier events, and
relations among a bounded set of actors. It reuses the seed graph's actors and places, so the
file loaded into a seeded store resolves to them, and adds synthetic villages inside the seed's
regions and synthetic militias, protesters and rioters. Every synthetic label says
"(synthetic)".

Every fact is quoted like the seed's: one synthetic "report" per 1,000 events is made of one
sentence per event (plus one per claim), and each evidence node's ``oa:exact`` is exactly
``text[start:end]`` of that report's text, whose length and SHA-256 the source document
carries. ``texts_dir`` writes the texts out. Villages, actors and relations are quoted from a
synthetic gazetteer document in the same way.

Lines are written by the shared N-Triples writer (graph/triples.py), not through an RDF
library, so that a million events take less time to write than to load. The output depends only on ``n``, ``seed`` and the seed
graph: each report draws from its own random generator seeded with ``(seed, report number)``.
"""
from __future__ import annotations

import bisect
import datetime as dt
import gc
import hashlib
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from .errors import MalikgError
from .files import atomic_output, write_atomic
from .namespaces import MK, MKV, base_iri
from .triples import MK_, XSD_GYEAR, XSD_GYEARMONTH, HarmSlugs, Writer, harm_slug, typed

#: Events per synthetic report; each report is one source document and one random stream.
REPORT_EVENTS = 1000
FIRST_DAY = dt.date(2012, 1, 1)  # the 2012 rebellion opens ACLED's busy years for Mali
LAST_DAY = dt.date(2024, 12, 31)

Progress = Callable[[int, int], None]

# --- Triples --------------------------------------------------------------------------------------
#
# Every triple goes through the shared writer (graph/triples.py), as the seed's do.

# --- The shapes of events -----------------------------------------------------------------------
#
# Shares follow the mix of ACLED's Mali records since 2012, rounded: violence against civilians
# about two fifths, battles a quarter, remote violence a seventh, strategic developments a tenth,
# protests and riots the rest. Each sub-event type says who takes part (actor pools by ACLED inter
# category, see _Pools), in which roles, what it may harm and how the report words it.


@dataclass(frozen=True)
class _Kind:
    event_type: str
    share: float
    theme: str
    first: tuple[str, str]            # (pool, role) of the first actor
    second: tuple[str, str] | None    # (pool, role) of the second actor, if any
    second_share: float               # how often the second actor is named
    verb: str                         # "{first} {verb} {second}" in the report
    noun: str                         # for labels: "JNIM attack on ..."
    harms: tuple[tuple[str, str, float, int], ...] = ()  # (harm type, victim group, share, scale)
    retaliates: bool = False          # may carry a retaliation claim


EVENT_MIX: tuple[_Kind, ...] = (
    _Kind("attack", 0.31, "armed-conflict", ("armed", "perpetrator"), ("civilian", "target"), 0.9,
          "attacked", "attack", (("killed", "civilians", 0.7, 4), ("injured", "civilians", 0.15, 3),
                                 ("homes-burned", "homes", 0.05, 10)), True),
    _Kind("abduction-forced-disappearance", 0.07, "armed-conflict", ("armed", "perpetrator"),
          ("civilian", "target"), 0.9, "abducted people from", "abduction",
          (("abducted", "people", 0.95, 3),), True),
    _Kind("sexual-violence", 0.005, "armed-conflict", ("armed", "perpetrator"), ("civilian", "target"),
          0.9, "committed sexual violence against", "sexual violence"),
    _Kind("armed-clash", 0.25, "armed-conflict", ("armed", "side-a"), ("opponent", "side-b"), 1.0,
          "clashed with", "clash", (("killed", "people", 0.6, 5),), True),
    _Kind("government-regains-territory", 0.005, "armed-conflict", ("state", "perpetrator"),
          ("rebel", "target"), 0.8, "retook territory from", "recapture"),
    _Kind("non-state-actor-overtakes-territory", 0.01, "armed-conflict", ("rebel", "perpetrator"),
          ("state", "target"), 0.8, "overran positions of", "takeover"),
    _Kind("air-drone-strike", 0.04, "armed-conflict", ("state", "perpetrator"), ("rebel", "target"),
          0.7, "carried out a drone strike against", "drone strike",
          (("killed", "people", 0.5, 4),), True),
    _Kind("shelling-artillery-missile-attack", 0.03, "armed-conflict", ("rebel", "perpetrator"),
          ("state", "target"), 0.8, "shelled", "shelling", (("killed", "people", 0.3, 2),)),
    _Kind("remote-explosive-landmine-ied", 0.07, "armed-conflict", ("rebel", "perpetrator"),
          ("state", "target"), 0.6, "planted an explosive device that hit", "IED attack",
          (("killed", "security-force-members", 0.55, 2), ("injured", "people", 0.3, 3))),
    _Kind("suicide-bomb", 0.003, "armed-conflict", ("rebel", "perpetrator"), ("state", "target"), 0.9,
          "sent a suicide bomber against", "suicide bombing", (("killed", "people", 0.8, 6),)),
    _Kind("grenade", 0.002, "armed-conflict", ("rebel", "perpetrator"), ("civilian", "target"), 0.7,
          "threw a grenade at", "grenade attack", (("injured", "people", 0.6, 2),)),
    _Kind("peaceful-protest", 0.045, "civic-space", ("protesters", "participant"), None, 0.0,
          "demonstrated", "protest"),
    _Kind("protest-with-intervention", 0.005, "civic-space", ("protesters", "participant"),
          ("state", "authority"), 0.9, "demonstrated and were dispersed by", "dispersed protest"),
    _Kind("excessive-force-against-protesters", 0.002, "civic-space", ("state", "perpetrator"),
          ("protesters", "target"), 1.0, "used excessive force against", "crackdown",
          (("injured", "people", 0.6, 3), ("killed", "people", 0.3, 1))),
    _Kind("violent-demonstration", 0.01, "civic-space", ("rioters", "participant"), None, 0.0,
          "rioted", "riot"),
    _Kind("mob-violence", 0.01, "civic-space", ("rioters", "perpetrator"), ("civilian", "target"), 0.8,
          "attacked", "mob attack", (("killed", "people", 0.3, 1),)),
    _Kind("looting-property-destruction", 0.04, "armed-conflict", ("armed", "perpetrator"),
          ("civilian", "target"), 0.9, "looted the property of", "looting",
          (("livestock-looted", "livestock", 0.5, 20), ("homes-burned", "homes", 0.3, 5)), True),
    _Kind("arrests", 0.03, "civic-space", ("state", "perpetrator"), ("civilian", "target"), 0.9,
          "arrested people from", "arrests", (("arrested", "people", 0.9, 3),)),
    _Kind("change-to-group-activity", 0.02, "armed-conflict", ("armed", "participant"), None, 0.0,
          "changed its activity", "change of activity"),
    _Kind("disrupted-weapons-use", 0.02, "armed-conflict", ("state", "perpetrator"), ("rebel", "target"),
          0.6, "defused explosives laid by", "disrupted attack"),
    _Kind("headquarters-or-base-established", 0.005, "armed-conflict", ("armed", "participant"), None,
          0.0, "established a base", "new base"),
    _Kind("agreement", 0.005, "armed-conflict", ("armed", "participant"), ("armed", "participant"), 1.0,
          "reached an agreement with", "agreement"),
    _Kind("non-violent-transfer-of-territory", 0.01, "armed-conflict", ("armed", "participant"), None,
          0.0, "took over positions without fighting", "handover"),
    _Kind("other", 0.005, "armed-conflict", ("armed", "participant"), None, 0.0,
          "was reported active", "other activity"),
)
_KIND_CUMULATIVE = []
_running = 0.0
for _kind in EVENT_MIX:
    _running += _kind.share
    _KIND_CUMULATIVE.append(_running)

PERPETRATOR_ROLES = {"perpetrator", "co-perpetrator"}
#: Participation certainty as reports word it: mostly stated, sometimes hedged.
CERTAINTIES = (("stated", 0.8), ("alleged", 0.08), ("suspected", 0.05), ("apparent", 0.04),
               ("claimed", 0.03))
#: How a count is qualified (docs/model.md gives the low/best/high each implies).
QUALIFIERS = (("exact", 0.5), ("at-least", 0.25), ("about", 0.1), ("over", 0.05), ("up-to", 0.05),
              ("several", 0.05))
QUALIFIER_WORDS = {"exact": "", "at-least": "at least ", "about": "about ", "over": "over ",
                   "up-to": "up to "}
HARM_WORDS = {"killed": "killing", "injured": "injuring", "abducted": "abducting",
              "arrested": "arresting", "homes-burned": "burning", "livestock-looted": "looting"}
GROUP_WORDS = {"civilians": ("civilian", "civilians"), "people": ("person", "people"),
               "homes": ("home", "homes"), "security-force-members": ("soldier", "soldiers"),
               "livestock": ("head of livestock", "head of livestock")}
HEDGES = {"stated": "", "alleged": "allegedly ", "apparent": "apparently ", "suspected": "presumably ",
          "claimed": "reportedly "}
RETALIATION_SHARE = 0.06  # of the events whose kind may retaliate
CHILDREN_SHARE = 0.05     # of killings, how often the report counts the children among the dead
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
SYLLABLES = ("ba", "bo", "dia", "dou", "ka", "ko", "ma", "mo", "ni", "ou", "sa", "se", "ta", "ti",
             "to", "ga", "go", "la", "lo", "na", "ne", "so", "ya", "fa", "kou", "sso", "ra", "gui")


def _pick(rng: random.Random, weighted):
    """One item of ``(item, weight)`` pairs."""
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for item, weight in weighted:
        x -= weight
        if x < 0:
            return item
    return weighted[-1][0]


class _Pool:
    """Actors to draw from, weighted; ``draw`` is O(log n)."""

    def __init__(self, actors: list[tuple["_Actor", float]]):
        self.actors = [a for a, _ in actors]
        self.cumulative = []
        total = 0.0
        for _, weight in actors:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def draw(self, rng: random.Random, avoid=None) -> "_Actor":
        for _ in range(8):
            actor = self.actors[bisect.bisect_right(self.cumulative, rng.random() * self.total)
                                if self.total else 0]
            if actor is not avoid:
                return actor
        return actor


@dataclass(eq=False)
class _Actor:
    slug: str
    label: str
    iri: str
    code: int = 0


@dataclass(eq=False)
class _Place:
    slug: str
    label: str
    iri: str
    region: str  # the region's label, for the report's wording
    name: str = ""


@dataclass
class SynthResult:
    """What ``synthesize`` wrote."""

    path: Path
    events: int
    triples: int
    bytes: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


# --- The world: seed actors and places, synthetic villages and groups ---------------------------


class _World:
    """The seed's actors and places plus the synthetic ones, and the gazetteer that quotes them."""

    def __init__(self, events: int, seed: int, seed_graph: Graph, base: str):
        self.base = base
        rng = random.Random(f"malikg-synth:{seed}:gazetteer")
        seed_actors = _seed_actors(seed_graph, base)
        regions = _seed_regions(seed_graph)
        if not regions:
            raise MalikgError("the seed graph has no place of type region to put synthetic villages in")
        self.seed_places = _seed_event_places(seed_graph, regions)
        # Whoever the seed's claims cite says so here too (any seed actor if none does).
        self.claimants = _claimants(seed_graph) or [a for a, _, _ in seed_actors.values()][:1]
        self.w = Writer(base)
        self.lines = self.w.lines
        self.text: list[str] = []
        self.length = 0
        self.quotes: list[tuple[int, int, str]] = []
        self.source_slug = "syn-gazetteer"
        self.source = self.w.node("source", self.source_slug)
        self.counts: Counter = Counter()
        self._sentence(f"Synthetic gazetteer (malikg synth, seed {seed}): invented places, groups and "
                       "relations for benchmarks. Nothing here is a real place or event.")

        # Villages inside the seed's regions, more of them in regions the seed mentions more.
        village_count = max(20, min(events // 10, 20000))
        names: set[str] = set()
        self.villages: list[_Place] = []
        for _ in range(village_count):
            region = _pick(rng, regions)
            name = _name(rng, names)
            slug = f"syn-{_slugify(name)}"
            place = _Place(slug, f"{name} (synthetic)", self.w.node("place", slug), region[1], name)
            evidence = self._sentence(f"{place.label} is a village in {region[1]} region.")
            self.w.place(place.iri, identifier=slug, label=place.label, place_type="village",
                         within=region[0], evidence=(evidence,))
            self.villages.append(place)
        self.counts["places"] = len(self.villages)

        # Armed and unarmed groups by ACLED inter category: the seed's, weighted by how often the
        # seed's events name them, and synthetic local militias, protesters and rioters.
        by_code: dict[int, list[tuple[_Actor, float]]] = {}
        for actor, code, weight in seed_actors.values():
            by_code.setdefault(code, []).append((actor, weight))
        militias = []
        for n in range(max(3, min(events // 5000, 200))):
            village = self.villages[rng.randrange(len(self.villages))]
            actor = self._group(f"syn-militia-{n + 1}", f"{village.name} self-defence militia "
                                "(synthetic)", 4, (MK_["ArmedGroup"],), "identity-militia",
                                f"is a self-defence militia of {village.label}.")
            militias.append(actor)
            by_code.setdefault(4, []).append((actor, 1.0))
        region_labels = sorted({p.region for p in self.villages})
        for n, region in enumerate(region_labels):
            for code, kind, word in ((6, "protesters", "Protesters"), (5, "rioters", "Rioters")):
                actor = self._group(f"syn-{kind}-{n + 1}", f"{word} in {region} (synthetic)", code,
                                    (), kind, f"are {kind} in {region} region.")
                by_code.setdefault(code, []).append((actor, 1.0))
        self.counts["actors"] = len(militias) + 2 * len(region_labels)

        def pool(*codes: int) -> _Pool:
            return _Pool([pair for code in codes for pair in by_code.get(code, [])])

        self.pools = {
            "state": pool(1, 8), "rebel": pool(2), "armed": pool(1, 2, 3, 4, 8),
            "civilian": pool(7), "protesters": pool(6), "rioters": pool(5),
        }
        for name, found in self.pools.items():
            if not found.actors:
                raise MalikgError(f"the seed graph has no actor for the synthetic {name!r} pool")
        self._relations(rng, militias)

    def _group(self, slug, label, code, classes, actor_type, says) -> _Actor:
        actor = _Actor(slug, label, self.w.node("actor", slug), code)
        evidence = self._sentence(f"The {label} {says}" if not label.startswith(("Protesters", "Rioters"))
                                  else f"{label} {says}")
        self.w.actor(actor.iri, identifier=slug, label=label, classes=classes, actor_type=actor_type,
                     inter_code=code, evidence=(evidence,))
        return actor

    def _relations(self, rng: random.Random, militias: list[_Actor]) -> None:
        """Each militia allied with a pro-government force, hostile to a rebel group, and tied to
        the next militia: a bounded, signed network for the alliance analysis."""
        count = 0
        for n, militia in enumerate(militias):
            partners = [("alliance", self.pools["state"].draw(rng), "is allied with"),
                        ("hostility", self.pools["rebel"].draw(rng), "is hostile to")]
            if len(militias) > 1:
                other = militias[(n + 1) % len(militias)]
                kind = "alliance" if rng.random() < 0.6 else "hostility"
                partners.append((kind, other, "is allied with" if kind == "alliance" else "is hostile to"))
            for kind, other, words in partners:
                count += 1
                year = rng.randrange(FIRST_DAY.year, LAST_DAY.year)
                slug = f"syn-{count}"
                evidence = self._sentence(f"Since {year}, the {militia.label} {words} {other.label}.")
                self.w.relation(self.w.node("relation", slug), identifier=slug, relation_type=kind,
                                source=militia.iri, target=other.iri, certainty="stated",
                                start=typed(year, XSD_GYEAR), evidence=(evidence,),
                                document=self.source)
        self.counts["relations"] = count

    def _sentence(self, sentence: str) -> str:
        return _sentence(self, sentence)

    def finish(self) -> str:
        text = _finish_text(self, "Synthetic gazetteer", f"{LAST_DAY.year}-12")
        self.text_value = text
        return self.w.text()


def _sentence(doc, sentence: str) -> str:
    """Add ``sentence`` (and a newline) to a synthetic document's text; its evidence node.

    The evidence itself is written when the whole text is known (``_finish_text``), so that
    each quote gets the prefix and suffix around it as the seed's quotes do.
    """
    start = doc.length
    end = start + len(sentence)
    doc.quotes.append((start, end, sentence))
    doc.text.append(sentence + "\n")
    doc.length = end + 1
    return doc.w.evidence_node(doc.source_slug, start, end)


def _finish_text(doc, title: str, issued: str) -> str:
    """Write a synthetic document's quotes and its source node; return its text."""
    text = "".join(doc.text)
    evidence = doc.w.evidence
    slug = doc.source_slug
    for start, end, sentence in doc.quotes:
        evidence(slug, start, end, sentence, prefix=text[max(0, start - 32):start],
                 suffix=text[end:end + 32])
    doc.w.source_document(doc.source, identifier=slug, title=title, issued=issued,
                          issued_type=XSD_GYEARMONTH, language="en",
                          sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                          characters=len(text), kind="report",
                          description="Synthetic text written by malikg synth for benchmarks; "
                                      "it describes no real event.")
    return text


def _name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if name not in taken:
            taken.add(name)
            return name
        if len(taken) > 15000:  # rarely needed: widen the space with a number
            name = f"{name} {len(taken)}"
            if name not in taken:
                taken.add(name)
                return name


def _slugify(name: str) -> str:
    return name.lower().replace(" ", "-")


#: Inter codes of fighting forces: only armed groups fill them (not a council of ministers).
ARMED_CODES = {1, 2, 3, 4, 8}


def _seed_actors(graph: Graph, base: str) -> dict[str, tuple[_Actor, int, float]]:
    """Seed actors with an ACLED inter code, weighted by 1 + the seed events they take part in."""
    taking_part = Counter(graph.objects(None, MK.participant))
    found = {}
    for actor, code in graph.subject_objects(MK.interCode):
        iri = str(actor)
        if not iri.startswith(base):
            continue
        if int(code) in ARMED_CODES and (actor, RDF.type, MK.ArmedGroup) not in graph:
            continue
        label = str(graph.value(actor, RDFS.label) or iri.rsplit("/", 1)[-1])
        slug = iri[len(base):].split("/", 1)[-1]
        found[iri] = (_Actor(slug, label, f"<{iri}>", int(code)), int(code), 1.0 + taking_part[actor])
    return dict(sorted(found.items()))


def _seed_regions(graph: Graph) -> list[tuple[tuple[str, str], float]]:
    """(IRI, label) of the seed's regions, weighted by 1 + the seed places inside them."""
    regions = sorted(graph.subjects(MK.placeType, MKV.region))
    inside = Counter()
    for place in graph.subjects(RDF.type, MK.Place):
        region = _region_of(graph, place, set(regions))
        if region is not None:
            inside[region] += 1
    return [((f"<{r}>", str(graph.value(r, RDFS.label))), 1.0 + inside[r]) for r in regions]


def _region_of(graph: Graph, place, regions: set) -> URIRef | None:
    seen = set()
    while place is not None and place not in seen:
        if place in regions:
            return place
        seen.add(place)
        place = graph.value(place, MK.within)
    return None


def _seed_event_places(graph: Graph, regions) -> list[_Place]:
    """The seed's villages and towns that lie in a region: synthetic events happen there too."""
    region_set = {URIRef(iri[1:-1]) for (iri, _), _ in regions}
    labels = {URIRef(iri[1:-1]): label for (iri, label), _ in regions}
    places = []
    for kind in (MKV.village, MKV.city, MKV.locality, MKV.settlement):
        for place in sorted(graph.subjects(MK.placeType, kind)):
            region = _region_of(graph, place, region_set)
            if region is not None and place != region:
                iri = str(place)
                places.append(_Place(iri.rsplit("/", 1)[-1], str(graph.value(place, RDFS.label)),
                                     f"<{iri}>", labels[region]))
    return places


def _claimants(graph: Graph) -> list[_Actor]:
    """Whoever the seed's claims cite, in IRI order."""
    found = []
    for actor in sorted(set(graph.objects(None, MK.claimant))):
        if (graph.value(actor, RDFS.label)) is None:
            continue
        iri = str(actor)
        found.append(_Actor(iri.rsplit("/", 1)[-1], str(graph.value(actor, RDFS.label)), f"<{iri}>"))
    return found


# --- Events -------------------------------------------------------------------------------------


class _Report:
    """One synthetic report: REPORT_EVENTS events, their sentences and their triples."""

    def __init__(self, world: _World, number: int, seed: int, first: int, last: int, total: int):
        self.world = world
        self.base = world.base
        self.rng = random.Random(f"malikg-synth:{seed}:report:{number}")
        self.slug = self.source_slug = f"syn-report-{number + 1:04d}"
        self.w = Writer(self.base)
        self.source = self.w.node("source", self.slug)
        self.first, self.last, self.total = first, last, total
        self.out = self.w.lines
        self.quotes: list[tuple[int, int, str]] = []
        self.text: list[str] = [f"Synthetic report {number + 1} (malikg synth, seed {seed}). "
                                "Nothing in it is a real event.\n"]
        self.length = len(self.text[0])
        self.counts: Counter = Counter()
        # (event IRI, what happened, perpetrator, ISO date, date in words) of recent violent events
        self.recent: list[tuple[str, str, _Actor, str, str]] = []
        self.retaliations: list[tuple[str, str, _Actor, str, str]] = []
        self._dates: dict[int, tuple] = {}

    def write(self) -> str:
        for index in range(self.first, self.last):
            self._event(index)
        issued = self._date(self.last - 1)[0][:7]
        self.text_value = _finish_text(self, f"Synthetic report {self.slug[-4:]}", issued)
        return self.w.text()

    def _date(self, index: int):
        # Dates rise with the index, denser in later years as in ACLED's Mali data.
        found = self._dates.get(index)
        if found is None:
            span = (LAST_DAY - FIRST_DAY).days
            day = FIRST_DAY + dt.timedelta(days=int(span * (index / max(self.total, 1)) ** 0.6))
            found = (day.isoformat(), f"{day.day} {MONTHS[day.month - 1]} {day.year}", day)
            self._dates[index] = found
        return found

    def _sentence(self, sentence: str) -> str:
        return _sentence(self, sentence)

    def _event(self, index: int) -> None:
        rng, world, w = self.rng, self.world, self.w
        node = w.node
        kind = EVENT_MIX[min(bisect.bisect_right(_KIND_CUMULATIVE, rng.random() * _running), len(EVENT_MIX) - 1)]
        slug = f"syn-{index:07d}"
        e = node("event", slug)
        if rng.random() < 0.05 and world.seed_places:
            place = world.seed_places[rng.randrange(len(world.seed_places))]
        else:  # a few villages see much of the violence
            place = world.villages[int(len(world.villages) * rng.random() ** 2)]
        iso, words, day = self._date(index)
        first = world.pools[kind.first[0]].draw(rng)
        second = None
        if kind.second and rng.random() < kind.second_share:
            pool = kind.second[0]
            if pool == "opponent":  # government forces and their militias fight rebels; rebels anyone
                pool = "armed" if first.code == 2 else "rebel"
            second = world.pools[pool].draw(rng, avoid=first)

        # Date precision as ACLED codes it: mostly the day, sometimes only the week or month.
        precision = _pick(rng, (("day", 0.88), ("week", 0.08), ("month", 0.04)))
        day_iso = earliest = latest = None
        if precision == "day":
            when = f"On {words}"
            day_iso = iso
        else:
            if precision == "week":
                start = day - dt.timedelta(days=day.weekday())
                end = start + dt.timedelta(days=6)
                when = f"In the week of {start.day} {MONTHS[start.month - 1]} {start.year}"
            else:
                start = day.replace(day=1)
                end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                when = f"In {MONTHS[day.month - 1]} {day.year}"
            earliest, latest = start.isoformat(), end.isoformat()

        certainty = _pick(rng, CERTAINTIES)
        hedge = HEDGES[certainty]
        roles = [(first, kind.first[1])] + ([(second, kind.second[1])] if second else [])
        self.counts["participations"] += len(roles)

        # What it harmed, worded the way the report will say it.
        harm_words = []
        harm_specs = []
        slugs = HarmSlugs()
        number = 0
        for harm_type, group, share, scale in kind.harms:
            if rng.random() >= share:
                continue
            number += 1
            h_slug = slugs(harm_slug(slug, harm_type, group))
            qualifier = _pick(rng, QUALIFIERS)
            # Heavy-tailed like ACLED's fatalities: mostly a few, now and then hundreds.
            count = None if qualifier == "several" else min(600, 1 + int(scale * (rng.paretovariate(1.2) - 1)))
            h = node("harm", h_slug)
            harm_specs.append((h, e, None, harm_type, group, qualifier, count))
            figure = "several" if count is None else f"{QUALIFIER_WORDS[qualifier]}{count}"
            harm_words.append(f"{HARM_WORDS[harm_type]} {figure} {GROUP_WORDS[group][count != 1]}")
            if harm_type == "killed" and count and count >= 3 and rng.random() < CHILDREN_SHARE:
                children = 1 + rng.randrange(count // 2 + 1)
                harm_specs.append((node("harm", f"{h_slug}-children"), None, h, harm_type, "children",
                                   "exact", children))
                harm_words[-1] += f", {children} of them {'a child' if children == 1 else 'children'}"
                self.counts["harms"] += 1
        self.counts["harms"] += number

        who = first.label
        sentence = (f"{when}, {who} {hedge}{kind.verb}"
                    + (f" {second.label}" if second else "")
                    + f" in {place.label}, {place.region} region"
                    + (", " + " and ".join(harm_words) if harm_words else "") + ".")
        evidence = (self._sentence(sentence),)
        w.event(e, identifier=slug, label=f"{who} {kind.noun} in {place.label}",
                classes=_INCIDENT, event_type=kind.event_type, themes=(kind.theme,),
                places=(place.iri,), precision=precision, day=day_iso, earliest=earliest,
                latest=latest, evidence=evidence, document=self.source)
        for actor, role in roles:
            w.participation(e, node("participation", f"{slug}-{actor.slug}-{role}"), actor=actor.iri,
                            role=role, certainty=certainty if actor is first else "stated")
        for h, parent, whole, harm_type, group, qualifier, count in harm_specs:
            w.harm(h, parent=parent, part_of=whole, harm_type=harm_type, qualifier=qualifier,
                   count=count, group=group, evidence=evidence)
        self.counts["events"] += 1

        actor = first if kind.first[1] in PERPETRATOR_ROLES | {"side-a"} else None
        if actor is not None and kind.retaliates:
            record = (e, f"{kind.noun} in {place.label}", actor, iso, words)
            if rng.random() < RETALIATION_SHARE:
                self._claim(record, slug)
            self.recent.append(record)
            if len(self.recent) > 64:
                del self.recent[0]

    def _claim(self, record, slug: str) -> None:
        """A retaliation claim: the event answers an earlier one by another actor, often itself a
        retaliation, so chains of several links form."""
        rng = self.rng
        e, what_now, actor, iso, words = record
        earlier = [r for r in (self.retaliations[-16:] if self.retaliations and rng.random() < 0.5
                               else self.recent) if r[3] < iso and r[2] is not actor]
        if not earlier:
            return
        target_event, what, against, _, when = earlier[rng.randrange(len(earlier))]
        claimant = self.world.claimants[rng.randrange(len(self.world.claimants))]
        certainty = _pick(rng, (("alleged", 0.4), ("believed", 0.2), ("claimed", 0.2), ("stated", 0.2)))
        sentence = (f"According to {claimant.label}, the {what_now} on {words} by {actor.label} was "
                    f"retaliation against {against.label} for the {what} on {when}.")
        evidence = self._sentence(sentence)
        self.w.claim(self.w.node("claim", f"{slug}-retaliation"), identifier=f"{slug}-retaliation",
                     about=(e,), motive="retaliation", claimants=(claimant.iri,), certainty=certainty,
                     claimed_actors=(actor.iri,), against=(against.iri,), responds_to=(target_event,),
                     evidence=(evidence,), document=self.source)
        self.retaliations.append(record)
        self.counts["claims"] += 1


_INCIDENT = (MK_["Incident"],)


# --- Writing ------------------------------------------------------------------------------------


def synthesize(events: int, output: str | Path, *, seed: int = 0, texts_dir: str | Path | None = None,
               seed_graph: Graph | None = None, progress: Progress | None = None) -> SynthResult:
    """Write ``events`` synthetic events as N-Triples to ``output`` (atomically); see the module doc.

    ``seed`` fixes the random choices (same arguments, same bytes). ``texts_dir`` also writes
    each synthetic source document's text as ``{slug}.txt``. ``seed_graph`` replaces the
    bundled seed graph whose actors and places are reused. ``progress(events_done, events)``
    is called after each report.
    """
    if events < 1:
        raise MalikgError(f"--events must be at least 1, not {events}")
    if Path(output).suffix.lower() != ".nt":
        raise MalikgError(f"synth writes N-Triples: name the output FILE.nt, not {Path(output).name}")
    started = time.perf_counter()
    if seed_graph is None:
        from .emit import build_graph

        seed_graph = build_graph()
    base = base_iri()
    world = _World(events, seed, seed_graph, base)
    counts = Counter(world.counts)
    texts = Path(texts_dir) if texts_dir is not None else None
    # The writer makes millions of short-lived strings and lists and no reference cycles, so
    # the cyclic collector would only rescan them: paused, the run is about a tenth faster.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _write(world, events, seed, output, texts, progress, started, counts)
    finally:
        if collecting:
            gc.enable()


def _write(world, events, seed, output, texts, progress, started, counts) -> SynthResult:
    written = triples = 0
    with atomic_output(Path(output)) as stream:
        data = world.finish().encode("utf-8")
        stream.write(data)
        written += len(data)
        triples += data.count(b"\n")
        if texts is not None:
            write_atomic(texts / f"{world.source_slug}.txt", "".join(world.text))
        for number, first in enumerate(range(0, events, REPORT_EVENTS)):
            report = _Report(world, number, seed, first, min(first + REPORT_EVENTS, events), events)
            data = report.write().encode("utf-8")
            stream.write(data)
            written += len(data)
            triples += data.count(b"\n")
            counts.update(report.counts)
            counts["reports"] += 1
            if texts is not None:
                write_atomic(texts / f"{report.slug}.txt", report.text_value)
            if progress is not None:
                progress(report.last, events)
    return SynthResult(Path(output), events, triples, written, time.perf_counter() - started,
                       {k: counts[k] for k in ("events", "participations", "harms", "claims", "places",
                                               "actors", "relations", "reports")})


__all__ = ["synthesize", "SynthResult", "EVENT_MIX", "REPORT_EVENTS"]
