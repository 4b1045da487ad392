"""``malikg draft``: a first coding of a new document, for a person to review.

Rules over the graph's own gazetteer (the labels and aliases of seeds/actors.yaml and
seeds/places.yaml) and the reader of counts and dates in :mod:`graph.quantities` turn each
sentence that reports an attack into proposed records in the seed format: incidents with their
date, place and actors, harms with their counts, claimed motives with their hedges. Every field
carries its exact quote, unique in the document; a field the text does not ground is left out.

Each proposal is marked ``draft: true`` with ``draft_notes`` saying what to check; validation
refuses records that still carry any ``draft*`` key, so nothing unreviewed enters the graph.
The same text always gives the same proposals: no model, no network, no randomness.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import quantities as q
from .errors import MalikgError
from .resources import seeds_dir
from .seeds import SeedSet, _display, as_list, document_folders, parse_date, read_seeds, read_source

#: The largest text ``draft`` reads: ten times the longest report it was measured on (1 MB).
MAX_BYTES = 10_000_000

HARM_VERBS = [
    (r"summarily killed|killed|killing|executed|executing|massacred|bodies of", "killed"),
    (r"burned down|burned|burning|burnt|burn|set fire to|torched", "burned"),
    (r"abducted|abducting|kidnapped|kidnapping", "abducted"),
    (r"arrested|arresting|detained|detaining", "arrested"),
    (r"forcibly disappeared|disappeared|disappearing", "disappeared"),
    (r"injured|injuring|wounded|wounding", "injured"),
    (r"tortured|torturing", "tortured"),
    (r"looted|looting|pillaged|pillaging", "looted"),
    (r"threatened|threatening", "threatened"),
]
VERB = re.compile(r"\b(" + "|".join(p for p, _ in HARM_VERBS) + r")\b")
VERB_TYPES = [(re.compile(rf"^(?:{p})$"), t) for p, t in HARM_VERBS]
ATTACK = re.compile(r"\b(attacked|attacks?|bombed|strikes?|struck|raided|operations?|returned|clashes|clashed|"
                    r"ambushed|ambush|fought|battle)\b")
#: The verbs that end a clause's subject ("Malian soldiers killed", "JNIM fighters attacked").
ACTION = re.compile(r"\b(attacked|bombed|struck|raided|returned|hit|carried out|conducted|led|searching|"
                    r"ambushed|clashed|fought)\b")
EVENT_TYPES = {"killed": "attack", "injured": "attack", "tortured": "attack", "threatened": "attack",
               "burned": "looting-property-destruction", "looted": "looting-property-destruction",
               "arrested": "arrests", "abducted": "abduction-forced-disappearance",
               "disappeared": "abduction-forced-disappearance"}
#: What a looting or burning verb does to each noun it takes.
OBJECT_TYPES = {("burned", "homes"): "homes-burned", ("burned", "health-facilities"): "health-facility-burned",
                ("looted", "homes"): "homes-looted", ("looted", "livestock"): "livestock-looted",
                ("looted", "property"): "property-looted"}
PROPERTY_GROUPS = {"homes", "livestock", "health-facilities", "property"}
NOUNS = {noun: group for group, nouns in q.GROUP_NOUNS.items() for noun in nouns}
NOUNS.update({"property": "property", "others": None, "other": None})
NOUN = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, NOUNS), key=len, reverse=True)) + r")(?![\w-])")
#: "those killed", "who were arrested": the verb tells of people already counted.
RELATIVE_CLAUSE = re.compile(r"\b(?:those|who|which|that)\s+(?:(?:were|was|had been|have been)\s+)?$")
PASSIVE = re.compile(r"\b(?:were|was|been|being)\s+$")
NOT_INCIDENT_PLACES = {"country", "region", "area", "claimed-region", "archipelago"}
PERPETRATOR_KINDS = {"armed-group", "state-body"}
CERTAINTY_WORDS = [("alleged", "alleged"), ("apparent", "apparent"), ("apparently", "apparent"),
                   ("believed", "believed"), ("suspected", "suspected"), ("claimed", "claimed"),
                   ("reportedly", "alleged")]
UNKNOWN_PLACE = re.compile(
    r"\b(?:villages? of|town of|settlement of)\s+(?P<a>[A-Z][\w’'-]+(?:\s+[A-Z0-9][\w’'-]*)*)"
    r"|(?P<b>[A-Z][\w’'-]+(?:\s+[A-Z0-9][\w’'-]*)*)\s+(?P<kind>village|settlement|town)\b"
    r"|\b(?:a|the)\s+(?P<camp>camp for [a-z]+(?: [a-z]+)?? persons)")


# --- reading the text ------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The document's text; empty, binary, non-UTF-8 or oversized files are refused in one line."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise MalikgError(f"cannot read file: {error.strerror}", file=name) from None
    return check_text(raw, name)


def check_text(raw: bytes, name: str = "text") -> str:
    if len(raw) > MAX_BYTES:
        raise MalikgError(f"text too large to draft ({len(raw):,} bytes; the limit is {MAX_BYTES:,})", file=name)
    if b"\x00" in raw:
        raise MalikgError("binary file, not text: give the document as UTF-8 text", file=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalikgError(f"not UTF-8 text (byte {error.start}); save the document as UTF-8", file=name) from None
    if not text.strip():
        raise MalikgError("empty text: nothing to draft", file=name)
    return text


class QuoteIndex:
    """Finds the shortest phrase around a span that occurs exactly once in the document.

    Each word's positions are indexed once, so checking a phrase looks only where its rarest
    word stands: a 1 MB report is quoted in seconds, not the minutes a scan per phrase takes.
    """

    def __init__(self, text: str):
        self.text = text
        self.words: dict[str, list[int]] = defaultdict(list)
        for match in re.finditer(r"\w+", text):
            self.words[match.group()].append(match.start())

    def occurrences(self, start: int, end: int, tokens: list[tuple[int, int, str, int]], limit: int = 2) -> int:
        """How often text[start:end] occurs (up to ``limit``), looking where its rarest whole word is."""
        phrase = self.text[start:end]
        inner = [t for t in tokens if start <= t[0] and t[1] <= end
                 and (t[0] > start or start == 0 or not self.text[start - 1].isalnum())
                 and (t[1] < end or end == len(self.text) or not self.text[end].isalnum())]
        if not inner:
            return min(limit, self.text.count(phrase))
        first, _, word, _ = min(inner, key=lambda t: t[3])
        offset = first - start
        found = 0
        for position in self.words.get(word, ()):
            if position >= offset and self.text.startswith(phrase, position - offset):
                found += 1
                if found >= limit:
                    break
        return found

    def unique(self, start: int, end: int, lo: int, hi: int) -> str | None:
        """The span, widened a word at a time (right, then left) within lo..hi, until unique."""
        text = self.text
        start, end = _trim(text, start, end)
        tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\w+", text[lo:hi])]
        tokens = [(s + lo, e + lo, w, len(self.words.get(w, ()))) for s, e, w in tokens]
        if self.occurrences(*_trim(text, lo, hi), tokens) != 1:
            return None  # the whole passage repeats, so no part of it is unique
        while True:
            if self.occurrences(start, end, tokens) == 1:
                return text[start:end]
            if end < hi:
                nxt = re.compile(r"\s*\S+").match(text, end, hi)
                end = nxt.end() if nxt else hi
            elif start > lo:
                prev = re.search(r"\S+\s*$", text[lo:start])
                start = lo + prev.start() if prev else lo
            else:
                return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,;:":
        start += 1
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return start, end


@dataclass
class Clause:
    start: int
    end: int
    sentence: tuple[int, int]
    paragraph: int


def clauses(text: str) -> list[Clause]:
    """Sentences split at ";" and ", then": each tells at most one dated act."""
    found = []
    for number, line in enumerate(re.finditer(r"[^\n]+", text)):
        for sentence in re.finditer(r"\S.*?(?:[.!?](?=\s+[A-Z“\"(])|$)", line.group()):
            s0 = line.start() + sentence.start()
            s1 = line.start() + sentence.end()
            cut = s0
            for split in re.finditer(r";\s*|,?\s+then\s+(?=\w)|,\s+and\s+", text[s0:s1]):
                if split.group(0).strip(", ").startswith("and") and not _dated_both_sides(
                        text, cut, s0 + split.start(), s0 + split.end(), s1):
                    continue
                found.append(Clause(cut, s0 + split.start(), (s0, s1), number))
                cut = s0 + split.end()
            found.append(Clause(cut, s1, (s0, s1), number))
    return found


def _dated_both_sides(text: str, start: int, left_end: int, right_start: int, end: int) -> bool:
    """Whether ", and" joins two acts each with its own date ("..., on January 27, and ... in early January")."""
    if not re.search(r"\d|" + q._MONTH, text[right_start:end]):
        return False
    stop = re.compile(r";|,\s+and\s+").search(text, right_start, end)
    right = text[right_start:stop.start() if stop else end]
    def dated(part):
        return any(r.kind not in ("year",) for r in q.dates(part))
    return dated(text[start:left_end]) and dated(right)


# --- the gazetteer ---------------------------------------------------------------------------


@dataclass
class Gazetteer:
    places: dict[str, dict]
    actors: dict[str, dict]
    place_names: re.Pattern
    actor_names: re.Pattern
    place_by_name: dict[str, str]
    actor_by_name: dict[str, str]

    @classmethod
    def from_seeds(cls, seeds: SeedSet) -> "Gazetteer":
        places = {r.data["id"]: r.data for r in seeds.records.get("places", [])}
        actors = {r.data["id"]: r.data for r in seeds.records.get("actors", [])}
        place_by_name = {}
        for pid, data in places.items():
            place_by_name.setdefault(str(data["label"]).lower(), pid)
        actor_by_name = {}
        for aid, data in actors.items():
            for name in [data["label"]] + [a.get("name") if isinstance(a, dict) else a
                                           for a in as_list(data.get("aliases"))]:
                actor_by_name.setdefault(str(name), aid)
                if " " in str(name) and str(name).endswith("s"):  # "Malian soldiers": "a Malian soldier"
                    actor_by_name.setdefault(str(name)[:-1], aid)
        return cls(places, actors, _names(place_by_name, re.IGNORECASE), _names(actor_by_name, 0),
                   place_by_name, actor_by_name)

    def place(self, name: str) -> str | None:
        return self.place_by_name.get(name.lower())

    def is_region(self, pid: str) -> bool:
        return self.places.get(pid, {}).get("type") in NOT_INCIDENT_PLACES


def _names(names, flags) -> re.Pattern:
    alternatives = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])", flags)


# --- proposals ------------------------------------------------------------------------------


@dataclass
class Proposal:
    id: str
    kind: str
    places: list[str]
    date: str | None
    part: str | None = None
    date_text: str | None = None
    date_basis: str = "stated"
    relative_to: str | None = None
    date_note: str | None = None
    actors: list[dict] = field(default_factory=list)
    harms: list[dict] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    position: int = 0
    paragraph: int = -1

    def perpetrators(self) -> list[str]:
        return [a["actor"] for a in self.actors if a["role"] in ("perpetrator", "co-perpetrator")]


@dataclass
class Draft:
    """What ``draft`` proposes, ready to write as seed records."""

    events: list[dict]
    claims: list[dict]
    places: list[dict]
    covered_by: list[str] = field(default_factory=list)
    document: str | None = None


class _Drafter:
    def __init__(self, text: str, seeds: SeedSet, source_id: str | None, publisher: str | None,
                 year: int | None, issued: str | None = None):
        self.text = text
        self.seeds = seeds
        self.gaz = Gazetteer.from_seeds(seeds)
        self.index = QuoteIndex(text)
        self.source_id = source_id
        self.publisher = publisher
        self.year = year or _document_year(text)
        spec = parse_date(issued) if issued and re.fullmatch(r"\d{4}-\d\d-\d\d", str(issued)) else None
        self.issued = spec.day if spec else None  # what "on Sunday" counts back from
        self.proposals: list[Proposal] = []
        self.by_place: dict[str, list[Proposal]] = defaultdict(list)
        self.by_paragraph: dict[int, list[Proposal]] = defaultdict(list)
        self.new_places: dict[str, dict] = {}
        self.claims: list[dict] = []
        self.taken_ids = {str(r.data.get("id")) for records in seeds.records.values() for r in records}
        self.used_ids: set[str] = set()
        self.last_dated: Proposal | None = None
        self.last_group: list[Proposal] = []
        self.last_actors: list[dict] = []
        self.mentions: deque[tuple[int, str, str]] = deque(maxlen=40)  # recent (position, text, actor)

    # quotes

    def quote(self, start: int, end: int, clause: Clause) -> str | None:
        lo, hi = clause.sentence
        return self.index.unique(start, end, min(lo, start), max(hi, end))

    # the pieces of a clause

    def places_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        found = []
        for match in self.gaz.place_names.finditer(self.text, start, end):
            pid = self.gaz.place(match.group(1))
            if pid:
                found.append((match.start(), match.end(), pid))
        for match in UNKNOWN_PLACE.finditer(self.text, start, end):
            name = match.group("a") or match.group("b") or match.group("camp")
            s = match.start("a") if match.group("a") else match.start("b") if match.group("b") else match.start("camp")
            e = s + len(name)
            if any(a < e and s < b for a, b, _ in found) or self.gaz.actor_names.fullmatch(name):
                continue
            if name.split()[0] in ("The", "A", "In", "On", "Malian"):
                continue
            found.append((s, e, self.new_place(name, match, s, e)))
        return sorted(found)

    def new_place(self, name: str, match: re.Match, start: int, end: int) -> str:
        pid = _slug(name)
        if pid in self.gaz.places:
            return pid
        if pid not in self.new_places:
            kind = match.group("kind") if match.groupdict().get("kind") else None
            clause = self.clause
            quote = self.quote(match.start(), match.end(), clause)
            record = {"id": pid, "draft": True,
                      "draft_notes": ["a place the gazetteer does not know: check its name and kind"],
                      "label": name[0].upper() + name[1:],
                      "type": "camp" if match.group("camp") else {"village": "village", "settlement": "settlement"}.get(kind, "locality")}
            region = self.region_in(*clause.sentence)
            if region:
                record["within"] = region[0]
            if quote:
                record["evidence"] = [quote]
            self.new_places[pid] = record
        return pid

    def region_in(self, start: int, end: int) -> tuple[str, str] | None:
        match = re.search(r"(?<![\w-])([A-Z][\w’'-]+(?: [A-Z][\w’'-]+)?) region\b", self.text[start:end])
        if match:
            pid = self.gaz.place(match.group(1))
            if pid and self.gaz.places[pid].get("type") == "region":
                return pid, match.group(0)
        return None

    def actors_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        found = []
        for match in self.gaz.actor_names.finditer(self.text, start, end):
            aid = self.gaz.actor_by_name.get(match.group(1))
            if aid:
                found.append((match.start(), match.end(), aid))
        return found

    def perpetrators(self, clause: Clause, until: int) -> list[dict]:
        named = [(s, e, a) for s, e, a in self.actors_in(clause.start, until)
                 if self.gaz.actors[a].get("kind") in PERPETRATOR_KINDS]
        entries = []
        for s, e, aid in named:
            if aid in [x["actor"] for x in entries]:
                continue
            entry = {"actor": aid, "role": "perpetrator" if not entries else "co-perpetrator"}
            before = self.text[max(clause.start, s - 24):s].lower()
            for word, certainty in CERTAINTY_WORDS:
                if re.search(rf"\b{word}\b", before):
                    entry["certainty"] = certainty
            entries.append(entry)
            self.mentions.append((s, self.text[s:e], aid))
        if entries:
            return entries
        head = self.text[clause.start:until]
        forces = re.search(r"\b([A-Z][a-z]+) (?:drones?|soldiers?|troops|army|aircraft|air ?strikes?|drone strikes?)\b", head)
        if forces:  # "a Malian drone": the state forces named by that adjective, if the gazetteer has one
            armies = sorted({aid for name, aid in self.gaz.actor_by_name.items() if name.startswith(forces.group(1) + " ")
                             and self.gaz.actors[aid].get("actor_type") == "state-forces"
                             and self.gaz.actors[aid].get("kind") == "armed-group"})
            if len(armies) == 1:
                return [{"actor": armies[0], "role": "perpetrator", "note": f"read from {forces.group(0)!r}"}]
        if self.last_actors and clause.start > clause.sentence[0] and not re.search(r"\b[A-Z]", head[1:]):
            return [dict(a) for a in self.last_actors]  # "..., then returned on February 1": the same subject
        bare = re.search(r"\b(soldiers|fighters|militiamen|forces)\b", head)
        if bare:
            for _, mention, aid in reversed(self.mentions):
                if mention.endswith(bare.group(1)):
                    return [{"actor": aid, "role": "perpetrator"}]
        if re.search(r"\b[Tt]hey\b", head) and self.last_actors:
            return [dict(a) for a in self.last_actors]
        return []

    # harms

    def harms_in(self, clause: Clause) -> list[dict]:
        """Each counted object of a harm verb: type, count, qualifier, group, place, quote."""
        text = self.text
        verbs = [m for m in VERB.finditer(text, clause.start, clause.end)]
        items = []
        for n, verb in enumerate(verbs):
            before = text[max(clause.start, verb.start() - 20):verb.start()]
            if RELATIVE_CLAUSE.search(before):
                continue
            verb_type = next(t for pattern, t in VERB_TYPES if pattern.match(verb.group(1)))
            if PASSIVE.search(before):  # "At least 21 people, including 11 children, were killed"
                subject = self.objects(clause.start, clause.start, verb_type, verb.start(), clause)
                for item in subject[:1]:
                    item["span"] = (item["span"][0], max(item["span"][1], verb.end()))
                    place_end, place = self.place_after(verb.end(), clause.end)
                    item["place"] = item["place"] or place
                items.extend(subject[:1])
                continue
            span_end = verbs[n + 1].start() if n + 1 < len(verbs) else clause.end
            items.extend(self.objects(verb.end(), verb.start(), verb_type, span_end, clause))
        return items

    def objects(self, begin: int, quote_start: int, verb_type: str, span_end: int, clause: Clause) -> list[dict]:
        """The verb's objects: "28 villagers in Ogota, including 3 children, and 4 villagers in Ouémbé"."""
        text = self.text
        found: list[dict] = []
        top = None
        including = False
        cursor = begin
        nouns = list(NOUN.finditer(text, begin, span_end))
        elliptic = list(re.finditer(r"(?:(?<=,\s)|(?<=of which\s)|(?<=\band\s))(?:(at least|over|more than|about|up to)\s+)?"
                                    r"(\d[\d,]*|" + q._WORD + r")\s+in\s+", text[begin:span_end]))
        for n, noun in enumerate(nouns):
            if n + 1 < len(nouns) and re.fullmatch(r"\s+", text[noun.end():nouns[n + 1].start()]):
                continue  # "civilian men": the first noun qualifies the second
            gap = text[cursor:noun.start()]
            if found and (re.search(r"\b(?:with|for|whom|who|which|during|as)\b", gap) or len(gap.split()) > 6):
                break
            if re.search(r"\bincluding\b", gap):
                including = True
            word = noun.group(1)
            group = NOUNS.get(word.lower(), NOUNS.get(word))
            if word.lower() in ("others", "other"):
                group = found[-1]["group"] if found else None
                if group is None:
                    continue
            window = text[max(cursor, noun.start() - 60):noun.end()]
            before = q.counts_before(window, word)
            count = before[-1] if before else None
            vague = re.search(r"\b(several|dozens of|hundreds of|scores of|many|the remaining)\s+(?:[\w-]+\s+)?$",
                              text[max(cursor, noun.start() - 30):noun.start()])
            if count:
                start = max(cursor, noun.start() - 60) + count.phrase_start
            elif vague:
                start = max(cursor, noun.start() - 30) + vague.start()
            else:
                start = noun.start()
            if not found and len(text[begin:start].split()) > 3:
                break  # the verb's object comes right after it, or this is not its object
            cursor = noun.end()
            harm_type = OBJECT_TYPES.get((verb_type, group)) if verb_type in ("burned", "looted") else verb_type
            if harm_type is None:
                continue
            if count is None and not vague and verb_type not in ("threatened", "looted"):
                continue
            end, place = self.place_after(noun.end(), span_end)
            harm = {"type": harm_type}
            if count:
                harm["count"] = count.value
                if count.qualifier != "exact":
                    harm["qualifier"] = count.qualifier
            elif vague and vague.group(1) != "the remaining":
                harm["qualifier"] = "several"
                if vague.group(1) != "several":
                    harm["description"] = vague.group(1).replace(" of", "")
            else:
                harm["qualifier"] = "unspecified"
                if vague:
                    harm["description"] = f"{vague.group(1)} {word}"
            if group and (group not in PROPERTY_GROUPS or harm_type != "homes-burned"):
                harm["group"] = group
            item = {"harm": harm, "place": place, "span": (quote_start if not found else start, end), "group": group}
            if including and top is not None and place is None and count is not None:
                top.setdefault("parts", []).append(item)
                continue
            including = False
            top = item
            found.append(item)
        for a, b in zip(found, found[1:]):  # "four men and one woman in Songo": the place is shared
            if a["place"] is None and b["place"] and re.fullmatch(r",?\s+and\s+", text[a["span"][1]:b["span"][0]]):
                a["place"] = b["place"]
        for match in elliptic:  # "of which at least 150 in Pel Kanda, 100 in Songo"
            start = begin + match.start()
            if not found or any(i["span"][0] <= start < i["span"][1] for i in found):
                continue
            end, place = self.place_after(begin + match.end() - len(" in "), span_end)
            value = q.parse_number(match.group(2))
            if place is None or value is None:
                continue
            harm = {k: v for k, v in found[0]["harm"].items() if k in ("type", "group")}
            harm["count"] = value
            if match.group(1):
                harm["qualifier"] = q.QUALIFIER_WORDS[match.group(1)]
            found.append({"harm": harm, "place": place, "span": (start, end), "group": found[0]["group"]})
        return found

    def place_after(self, end: int, limit: int) -> tuple[int, str | None]:
        """(end, place) of an "in <Place>" / "at <Place>" right after ``end``."""
        match = re.match(r"\s+(?:in|at)\s+", self.text[end:limit])
        if match:
            for s, e, pid in self.places_in(end, min(limit, end + 80)):
                if s == end + match.end():
                    return e, pid
        return end, None

    def finish_harm(self, item: dict, clause: Clause) -> dict | None:
        harm = dict(item["harm"])
        start, end = item["span"]
        for part in item.get("parts", []):
            end = max(end, part["span"][1])
        quote = self.quote(start, end, clause)
        if quote is None:
            return None
        parts = []
        for part in item.get("parts", []):
            entry = {k: v for k, v in part["harm"].items() if k in ("group", "count", "qualifier")}
            if "count" in entry:
                parts.append(entry)
        if parts:
            harm["includes"] = parts
        harm["evidence"] = quote
        return harm

    # incidents

    def propose(self, clause: Clause, places: list[str], reading, date, part, basis, relative_to,
                note, actors, types, paired=None) -> Proposal:
        event_id = self.new_id(date, places)
        proposal = Proposal(event_id, "incident" if len(places) == 1 else "campaign", places, date,
                            part, None, basis, relative_to, note, actors, [], types, [], [],
                            position=clause.start, paragraph=clause.paragraph)
        if reading is not None:
            body = self.text[clause.start:clause.end]
            lead = re.search(r"(?:\b(?:[Oo]n|[Ii]n|[Bb]y|[Ss]ince|[Dd]uring)\s+)?$", body[:reading.start])
            proposal.date_text = body[lead.start():reading.end]
        quote = self.quote(clause.start, clause.end, clause)
        if quote:
            proposal.evidence.append(quote)
        region = self.region_in(*clause.sentence)
        for place in places:
            within = self.gaz.places.get(place, {}).get("within")
            if region and within and within != region[0] and self.gaz.is_region(within):
                proposal.notes.append(f"the text puts {place} in {region[1]!r}; the gazetteer has it within {within}")
        self.proposals.append(proposal)
        if proposal.kind == "incident":
            self.by_paragraph[clause.paragraph].append(proposal)
        if len(places) == 1:
            self.by_place[places[0]].append(proposal)
        return proposal

    def new_id(self, date: str | None, places: list[str]) -> str:
        stem = (date or "undated").split("..")[0]
        stem += "-" + "-".join(places[:2]) + ("-and-more" if len(places) > 2 else "")
        if stem in self.taken_ids:
            stem += f"-{self.source_id or 'draft'}"
        slug, n = stem, 2
        while slug in self.used_ids:
            slug, n = f"{stem}-{n}", n + 1
        self.used_ids.add(slug)
        return slug

    def clause_date(self, clause: Clause):
        """The clause's date: (reading, date, part, basis, relative_to, note) or None."""
        for reading in q.dates(self.text[clause.start:clause.end]):
            if reading.kind == "year" and not re.search(r"\b(?:in|since|during)\s+$",
                                                        self.text[clause.start:clause.start + reading.start]):
                continue
            if reading.relation == "weekday":
                if self.issued is None:
                    continue
                [(day, _)] = reading.bounds(None, (self.issued, self.issued))
                return (reading, day.isoformat(), None, "inferred", None,
                        f"{reading.text!r}: the {day:%A} on or before the document's date, {self.issued.isoformat()}")
            if reading.kind == "relative":
                anchor = self.last_dated
                if anchor is None or anchor.date is None:
                    return None
                spec = parse_date(anchor.date, anchor.part)
                spans = reading.bounds(None, (spec.earliest, spec.latest))
                if not spans:
                    return None
                first, last = spans[0]
                if reading.relation in ("same-month",):
                    date = first.strftime("%Y-%m")
                elif first == last:
                    date = first.isoformat()
                else:
                    date = f"{first.isoformat()}..{last.isoformat()}"
                return reading, date, None, "relative", anchor.id, None
            seed = reading.seed(self.year)
            note = None if reading.year else f"year {self.year}: the text gives none here; the year it names most often"
            if seed is None and reading.kind == "days":
                return reading, None, None, "stated", None, note
            if seed is None:
                continue
            return reading, seed[0], seed[1], "stated", None, note
        return None

    def run(self) -> None:
        self.current = clauses(self.text)
        for clause in self.current:
            self.clause = clause
            self.read_clause(clause)
        for clause in self.current:
            self.read_claim(clause)

    def read_clause(self, clause: Clause) -> None:
        text = self.text
        body = text[clause.start:clause.end]
        items = self.harms_in(clause)
        trigger = ATTACK.search(body) or items
        if not trigger:
            return
        first_verb = min([clause.start + m.start() for m in ACTION.finditer(body)]
                         + [i["span"][0] for i in items] + [clause.end])
        if re.search(r"\bretaliation\b|\bin response to\b", body):
            return  # the clause looks back at an act already told, to give its motive
        actors = self.perpetrators(clause, first_verb)
        places = list(dict.fromkeys(p for _, _, p in self.places_in(clause.start, clause.end)
                                    if not self.gaz.is_region(p)))
        dated = self.clause_date(clause)
        if dated and re.search(r"\breturned\b", body) and not places:
            places = [p for proposal in self.last_group for p in proposal.places]
        group: list[Proposal] = []
        types = sorted({EVENT_TYPES.get(_verb_of(i), "attack") for i in items}) or ["attack"]
        if re.search(r"\bdrone|air ?strike", body):
            types = ["air-drone-strike"]
        elif re.search(r"\b(?:clash|clashes|clashed|ambush|ambushed|battle|fighting|fought)\b", body):
            types = ["armed-clash"]
        if dated and places:
            reading, date, part, basis, relative_to, note = dated
            days = reading.days if reading.kind == "days" else ()
            if len(days) > 1 and len(days) == len(places):
                for day, place in zip(days, places):
                    d = f"{self.year if not reading.year else reading.year:04d}-{reading.month:02d}-{day:02d}"
                    respectively = re.search(r"\brespectively\b", body)
                    pairing = None if respectively else (
                        f"the text gives {reading.text!r} for {len(places)} places; the pairing follows their order")
                    group.append(self.propose(clause, [place], reading, d, None,
                                              "stated" if respectively else "inferred", None, pairing, actors, types))
            elif len(places) > 1 and reading.kind == "interval":
                pass  # "Between June and November ... ten villages": one campaign, proposed below
            else:
                if date is None and days:
                    y = reading.year or self.year
                    date = f"{y:04d}-{reading.month:02d}-{min(days):02d}..{y:04d}-{reading.month:02d}-{max(days):02d}"
                for place in places:
                    group.append(self.propose(clause, [place], reading, date, part, basis, relative_to, note,
                                              actors, types))
            if group:
                for proposal in group:
                    if note and note not in proposal.notes:
                        proposal.notes.append(note)
                self.last_dated = group[0]
        if not group and actors and not items and not (dated and places):
            self.last_actors = actors
            return
        if not group and dated and len(places) > 1:
            group = [self._campaign(clause, places, dated, actors, types)]
        self.attach(clause, items, group, actors)
        if group:
            self.last_group = group
        if actors:
            self.last_actors = actors

    def continues(self, clause: Clause, actors: list[dict]) -> bool:
        """Whether a clause without place or date goes on telling the previous incident."""
        if not self.last_group or self.last_group[0].paragraph != clause.paragraph:
            return False
        return not actors or [a["actor"] for a in actors] == [a["actor"] for a in self.last_actors]

    def _campaign(self, clause, places, dated, actors, types) -> Proposal:
        reading, date, part, basis, relative_to, note = dated
        campaign = self.propose(clause, places, reading, date, part, basis, relative_to, note, actors, types)
        campaign.kind = "campaign"
        if note:
            campaign.notes.append(note)
        self.last_dated = campaign
        return campaign

    def attach(self, clause: Clause, items: list[dict], group: list[Proposal], actors) -> None:
        """Give each harm to the incident at its place, or to a campaign when it is a joint figure."""
        joint = []
        for item in items:
            target = None
            if item["place"]:
                mine = [p for p in group if item["place"] in p.places]
                target = mine[0] if mine else (self.by_place[item["place"]][-1] if self.by_place[item["place"]] else None)
            elif len(group) == 1:
                target = group[0]
            elif not group and len(self.last_group) == 1 and self.continues(clause, actors):
                target = self.last_group[0]
            elif group or (self.last_group and self.continues(clause, actors)):
                joint.append(item)
                continue
            if target is None:
                continue
            harm = self.finish_harm(item, clause)
            if harm:
                target.harms.append(harm)
        if not joint:
            return
        members = group or self.last_group
        counted = [i for i in joint if "count" in i["harm"] or i["harm"].get("qualifier") == "several"]
        for item in joint:
            if item in counted:
                continue
            for proposal in members:  # an uncounted harm ("the remaining homes") befalls each place
                harm = self.finish_harm(item, clause)
                if harm:
                    proposal.harms.append(harm)
        if counted:
            spans = [parse_date(p.date, p.part) for p in members if p.date]
            date = None
            if spans:
                first, last = min(s.earliest for s in spans), max(s.latest for s in spans)
                date = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
                if all(s.precision in ("month", "interval") for s in spans) and len({p.date for p in members}) == 1:
                    date = members[0].date
            places = list(dict.fromkeys(p for m in members for p in m.places))
            campaign = self.propose(clause, places, None, date, members[0].part if len(members) else None,
                                    members[0].date_basis, None, None, members[0].actors, members[0].types)
            campaign.kind = "campaign"
            campaign.date_text = members[0].date_text if len({m.date for m in members}) == 1 else None
            campaign.notes.append("a joint figure for several places: the parts are proposed separately")
            for item in counted:
                harm = self.finish_harm(item, clause)
                if harm:
                    campaign.harms.append(harm)

    # claims

    def read_claim(self, clause: Clause) -> None:
        text = self.text
        body = text[clause.start:clause.end]
        retaliation = re.search(r"\bretaliation\b|\battacked because\b", body)
        suspicion = re.search(r"\bsuspected\b[^.]*\bof collaborating\b", body)
        accusation = re.search(r"\baccuse[sd]?\b[^.]*?\bof (collaborating with|being members of)\b", body)
        search = re.search(r"\b(?:searching for|hunting for|targeted|targeting)\s+(?:suspected\s+)?"
                           r"(Islamist fighters|armed group members|terrorists|militants|jihadists|insurgents)", body)
        if not (retaliation or suspicion or search):
            return
        paragraph = [p for p in self.by_paragraph.get(clause.paragraph, []) if p.position <= clause.start]
        own = [p for p in paragraph if p.position >= clause.sentence[0]]
        if own:
            about = own
        else:
            named = [p for p in paragraph if any(self.gaz.places.get(pl, {}).get("label", "\0") in body
                                                 for pl in p.places)]
            plural = re.search(r"\bthe attacks\b", body, re.IGNORECASE)
            lead = [p for p in paragraph if paragraph and p.date == paragraph[0].date]
            attacked = re.search(r"\b(?:they|we|villagers) were attacked\b", body, re.IGNORECASE)
            about = (named or (paragraph if plural else lead if attacked else paragraph[-1:])
                     or self.previous_incident(clause))
        if not about:
            return
        quote = self.quote(*clause.sentence, clause)
        if quote is None:
            return
        claim = {"id": "", "draft": True, "draft_notes": [],
                 "about": sorted({p.id for p in about}, key=[p.id for p in about].index),
                 "motive": "retaliation" if retaliation else "suspected-collaboration" if suspicion else "counterterrorism"}
        perpetrators = list(dict.fromkeys(a for p in about for a in p.perpetrators()))
        if perpetrators:
            claim["actor"] = perpetrators if len(perpetrators) > 1 else perpetrators[0]
        if retaliation:
            after = self.actors_in(clause.start + retaliation.end(), clause.end)
            against = re.match(r"\s+against\s+", body[retaliation.end():])
            if against and after and after[0][0] - (clause.start + retaliation.end()) <= len(against.group(0)) + 8:
                claim["against"] = after[0][2]
        if accusation:
            whom = body.rfind("whom", 0, accusation.start() + 1)
            accused = [a for s, e, a in self.actors_in(clause.start, clause.start + max(whom, 0))]
            accuser = [a for s, e, a in self.actors_in(clause.start + max(whom, 0), clause.start + accusation.start() + 8)]
            linked = [a for s, e, a in self.actors_in(clause.start + accusation.end(), clause.end)]
            claim["accusation"] = "collaboration" if "collaborating" in accusation.group(1) else "membership"
            if accused:
                claim["accused"] = accused[-1]
            if linked:
                claim["linked_to"] = linked[0]
            if accuser:
                claim["accuser"] = accuser[-1]
        elif suspicion:
            claim["accusation"] = "collaboration"
            linked = [a for s, e, a in self.actors_in(clause.start + suspicion.end(), clause.end)]
            if linked:
                claim["linked_to"] = linked[0]
        speaker = re.search(r"\b(Witnesses|Villagers|Residents|Survivors)\s+said\b", body)
        claimed = re.search(r"\bwhich (?:the )?(.+?) claimed\b", body)
        claimed_by = [a for _, _, a in self.actors_in(clause.start + claimed.start(1), clause.start + claimed.end(1))] if claimed else []
        if claimed_by:  # "which the Malian armed forces claimed targeted armed group members"
            claim["claimant"] = claimed_by[0]
            claim["draft_notes"].append(f"claimant {claimed_by[0]}: {claimed.group(0)!r}")
        elif self.publisher:
            claim["claimant"] = self.publisher
            claim["draft_notes"].append(
                f"claimant {self.publisher}: the document's publisher"
                + (f"; the text gives {speaker.group(1).lower()} as the speakers: add them as a group actor" if speaker else ""))
        else:
            claim["draft_notes"].append("who says so? add a claimant (no --source given)")
        certainty = "stated"
        for word, value in CERTAINTY_WORDS:
            if re.search(rf"\b{word}\b", body):
                certainty = value
                break
        if claimed_by:
            certainty = "claimed"
        if certainty != "stated":
            claim["certainty"] = certainty
        claim["evidence"] = [quote]
        claim["id"] = _unique(f"{about[0].id}-{claim['motive']}", self.taken_ids | {c["id"] for c in self.claims})
        self.claims.append(claim)

    def previous_incident(self, clause: Clause) -> list[Proposal]:
        for number in range(clause.paragraph - 1, max(-1, clause.paragraph - 3), -1):
            if self.by_paragraph.get(number):
                return self.by_paragraph[number][-1:]
        return []

    # output

    def same_incidents(self, proposal: Proposal) -> list[dict]:
        """Already-coded incidents at the same place on overlapping dates, with differing figures."""
        if proposal.date is None:
            return []
        mine = parse_date(proposal.date, proposal.part)
        found = []
        for record in self.seeds.records.get("events", []):
            data = record.data
            if data.get("kind") != proposal.kind or not set(as_list(data.get("place"))) & set(proposal.places):
                continue
            try:
                theirs = parse_date(data.get("date"), data.get("part"))
            except (ValueError, TypeError):
                continue
            if theirs.earliest is None or theirs.latest < mine.earliest or mine.latest < theirs.earliest:
                continue
            found.append({"event": data["id"], "file": record.file, "differs": _differences(proposal.harms, data)})
        return found

    def records(self) -> list[dict]:
        out = []
        for proposal in self.proposals:
            if not proposal.evidence:
                continue
            record = {"id": proposal.id, "draft": True, "draft_notes": list(proposal.notes)}
            places = [self.gaz.places.get(p, self.new_places.get(p, {})).get("label", p) for p in proposal.places]
            who = ", ".join(self.gaz.actors[a]["label"] for a in proposal.perpetrators()[:2])
            record["label"] = f"{who + ' ' if who else ''}{'attacks' if proposal.kind == 'campaign' else 'attack'} on {' and '.join(places)}"
            record["kind"] = proposal.kind
            record["type"] = proposal.types[0] if len(proposal.types) == 1 else "attack"
            record["theme"] = "armed-conflict"
            if proposal.date:
                record["date"] = proposal.date
            else:
                record["date"] = "unknown"
                record["date_basis"] = "unstated"
                record["draft_notes"].append("no date read from the text")
            if proposal.part:
                record["part"] = proposal.part
            if proposal.date_text and self.index.text.find(proposal.date_text) >= 0:
                record["date_text"] = proposal.date_text
            if proposal.date and proposal.date_basis != "stated":
                record["date_basis"] = proposal.date_basis
            if proposal.relative_to:
                record["relative_to"] = proposal.relative_to
            if proposal.date_basis == "inferred":
                record["date_note"] = proposal.date_note or "inferred from the text; check"
            record["place"] = proposal.places[0] if len(proposal.places) == 1 else list(proposal.places)
            if not proposal.actors:
                record["draft_notes"].append("no perpetrator named in the text's own words")
            else:
                record["actors"] = [dict(a) for a in proposal.actors]
            if proposal.harms:
                record["harms"] = proposal.harms
            record["evidence"] = list(proposal.evidence)
            same = self.same_incidents(proposal)
            if same:
                record["draft_same_incident"] = same
                record["draft_notes"].append(
                    "possibly another account of " + ", ".join(s["event"] for s in same)
                    + ": if so, keep this record and set same_incident (see draft_same_incident)")
            if not record["draft_notes"]:
                record["draft_notes"].append("check every field against its quote")
            out.append(record)
        return out


def _verb_of(item: dict) -> str:
    harm_type = item["harm"]["type"]
    return {"homes-burned": "burned", "health-facility-burned": "burned", "homes-looted": "looted",
            "livestock-looted": "looted", "property-looted": "looted"}.get(harm_type, harm_type)


def _differences(harms: list[dict], coded: dict) -> list[str]:
    def key(h):
        return h.get("type"), h.get("group")

    theirs = {key(h): h for h in as_list(coded.get("harms")) if isinstance(h, dict)}
    lines = []
    for harm in harms:
        other = theirs.get(key(harm))
        mine = _figure(harm)
        if other is None:
            lines.append(f"{harm['type']} {harm.get('group', '')}: here {mine}, not coded there".replace("  ", " "))
        elif _figure(other) != mine:
            lines.append(f"{harm['type']} {harm.get('group', '')}: here {mine}, there {_figure(other)}".replace("  ", " "))
    return lines


def _figure(harm: dict) -> str:
    qualifier = harm.get("qualifier", "exact" if "count" in harm else "unspecified")
    count = harm.get("count")
    return f"{qualifier} {count}" if count is not None else qualifier


def _slug(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "place"


def _unique(stem: str, taken: set[str]) -> str:
    slug, n = stem, 2
    while slug in taken:
        slug, n = f"{stem}-{n}", n + 1
    return slug


def _document_year(text: str) -> int | None:
    """The year a document names most often: the year of the events it reports without one."""
    years = Counter(int(y) for y in re.findall(r"(?<![\d-])((?:19|20)\d\d)(?![\d-])", text))
    return max(sorted(years), key=lambda y: (years[y], y)) if years else None


# --- the public API -------------------------------------------------------------------------


def seeded_document(text: str, seeds_folder: Path | None = None) -> tuple[Path, object] | None:
    """The seed document folder whose text this is, if any."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for folder in document_folders(Path(seeds_folder) if seeds_folder else seeds_dir()):
        source = read_source(folder)
        if source.sha256 == digest or source.text == text:
            return folder, source
    return None


def draft(text: str, source_id: str | None = None, seeds_folder: Path | None = None,
          year: int | None = None, seeds: SeedSet | None = None, issued: str | None = None) -> Draft:
    """Proposed records for ``text``, checked against the seeds (default: the bundled ones).

    ``seeds`` is the already-read seed set, for callers that draft many texts; ``year`` places
    dates the text gives without one (default: the year the text names most often); ``issued``
    (YYYY-MM-DD, default: the source document's) is what "on Sunday" counts back from.
    """
    seeds = seeds or read_seeds(seeds_folder)
    publisher = None
    given = issued
    covered: list[str] = []
    issued = None
    seeded = seeded_document(text, seeds_folder)
    document = None
    if seeded:
        folder, source = seeded
        source_id = source_id or source.id
        publisher, issued = source.publisher, source.issued
        document = _display(Path(folder))
        counts = Counter(Path(r.file).name for records in seeds.records.values() for r in records
                         if r.document == source.id)
        covered = [f"{name} ({n})" for name, n in sorted(counts.items())]
    elif source_id:
        for folder in document_folders(Path(seeds_folder) if seeds_folder else seeds_dir()):
            source = read_source(folder)
            if source.id == source_id:
                publisher, issued = source.publisher, source.issued
    drafter = _Drafter(text, seeds, source_id, publisher, year, given or issued)
    drafter.run()
    events = drafter.records()
    claims = [c for c in drafter.claims if set(c["about"]) <= {e["id"] for e in events}]
    return Draft(events, claims, list(drafter.new_places.values()), covered, document)


def _dump(records: list[dict]) -> str:
    return yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


HEADER = ("# Proposed by `malikg draft`: every record is a draft. Check each field against its quote,\n"
          "# fix or delete it, then remove the draft marks (draft, draft_notes, draft_same_incident);\n"
          "# `malikg validate` refuses records that still carry them.\n")


def write_draft(result: Draft, output: Path) -> list[Path]:
    """Write the events to ``output`` (events-NAME.yaml) and claims/places beside it."""
    output = Path(output)
    if not output.name.startswith("events"):
        raise MalikgError("the output file's name must start with events (e.g. events-draft.yaml), "
                          "so that validate reads it as event records", file=str(output))
    if output.name in ("events.yaml", "events.yml"):
        raise MalikgError("name the output events-NAME.yaml: a file called events.yaml stands for the "
                          "bundled one when validated", file=str(output))
    rest = output.name[len("events"):]
    files = {output: result.events,
             output.with_name("claims" + rest): result.claims,
             output.with_name("places" + rest): result.places}
    written = []
    from .files import write_all_atomic

    payload = {}
    for path, records in files.items():
        if records or path == output:
            payload[path] = HEADER + _dump(records)
            written.append(path)
    write_all_atomic(payload)
    return written


__all__ = ["draft", "write_draft", "read_text", "check_text", "Draft", "MAX_BYTES", "QuoteIndex"]
