"""The SPARQL the signed network is read with: one row per actor, actor pair, relation or claim."""
from __future__ import annotations

from ..namespaces import ONTOLOGY_GRAPH, SUMMARY_GRAPH
from .vocabulary import _SEP_SPARQL

#: The named graphs queries read through GRAPH: ``query % {**GRAPHS, ...}``.
GRAPHS = {"ontology": ONTOLOGY_GRAPH, "summary": SUMMARY_GRAPH}

#: An aggregated attack or clash edge quotes the evidence of at most EVIDENCE_LIMIT of its
#: incidents (the earliest), fewer when the network has so many pairs that more than
#: EVIDENCE_BUDGET incidents would be read; ``evidence_complete`` says whether that was all of
#: them. Reading every quote of a million incidents would cost more than everything else together.
EVIDENCE_LIMIT = 25
EVIDENCE_BUDGET = 10_000

_ACTORS = """
SELECT ?actor (SAMPLE(?label) AS ?name) (SAMPLE(?class) AS ?kind) (SAMPLE(?type) AS ?actorType)
       (SAMPLE(?inter) AS ?interCode)
       (GROUP_CONCAT(DISTINCT ?alias; separator="%(sep)s") AS ?aliases)
WHERE {
  ?actor a mk:Actor .
  OPTIONAL { ?actor rdfs:label ?label }
  OPTIONAL { ?actor a ?class . FILTER(?class IN (mk:ArmedGroup, mk:StateBody, mk:Community,
                                                 mk:Organisation, mk:Person, mk:State)) }
  OPTIONAL { ?actor sem:actorType ?type }
  OPTIONAL { ?actor mk:interCode ?inter }
  OPTIONAL { ?actor skos:altLabel ?alias }
} GROUP BY ?actor
"""

# The event filter every query over incidents shares: ?since, ?until and ?region are bound with
# VALUES when given. Undated events are kept, as a date filter cannot judge them. Queries that
# read ?start and ?end anyway get only the filters (%(filters)s); the others get the date
# lookups too (%(window)s), and only when a date filter needs them.
_DATES = """
  OPTIONAL { ?event sem:hasEarliestBeginTimeStamp ?start }
  OPTIONAL { ?event sem:hasLatestEndTimeStamp ?end }
"""

_ACTIVITY = """
SELECT ?actor (COUNT(DISTINCT ?event) AS ?incidents) WHERE {
  ?event a mk:Incident ; mk:perpetrator ?actor .
  %(window)s
} GROUP BY ?actor
"""

_VICTIMS = """
SELECT ?actor (SUM(?killed) AS ?victims) WHERE {
  { SELECT DISTINCT ?actor ?harm WHERE {
      ?event a mk:Incident ; mk:perpetrator ?actor ; mk:harm ?harm .
      ?harm mk:harmType mkv:killed .
      %(window)s
  } }
  OPTIONAL { ?harm mk:best ?best }
  OPTIONAL { ?harm mk:low ?low }
  BIND(COALESCE(?best, ?low, 0) AS ?killed)
} GROUP BY ?actor
"""

# Who acted against whom in an event. No `?event a mk:Incident` here: testing every event's
# type doubled the cost, so the few campaigns, political and accountability events that name
# perpetrators are read apart (_OTHER_ACTS) and taken out again. graph/summary.py's per-pair
# nodes (mks:ActorPair) follow the same two patterns.
_ACT_TEMPLATES = {
    "attack": "?event mk:perpetrator %(from)s ; mk:target %(to)s .",
    "clashes": """?a sem:roleType mkv:side-a ; mk:participant %(from)s .
  ?event mk:participation ?a, ?b .
  ?b sem:roleType mkv:side-b ; mk:participant %(to)s .""",
}


def act_pattern(kind: str, source: str = "?from", target: str = "?to") -> str:
    """The pattern of an act of ``kind`` from ``source`` to ``target`` (variables or IRIs in
    angle brackets): written into the query, since Virtuoso rejects a one-row VALUES block."""
    return _ACT_TEMPLATES[kind] % {"from": source, "to": target}


_ACT_PATTERNS = {kind: act_pattern(kind) for kind in _ACT_TEMPLATES}

# The same acts for queries whose events are bound already (VALUES): no constant in
# object position, which the engine would start from, scanning every incident or side-a
# participation (10 s for 2,000 events at 100k), rather than from the bound events (0.2 s).
_BOUND_ACTS = {
    "attack": ("?event mk:perpetrator ?from ; mk:target ?to . ?event a ?type .", ""),
    "clashes": ("""?event mk:participation ?a, ?b . ?event a ?type .
  ?a sem:roleType ?sideA ; mk:participant ?from . ?b sem:roleType ?sideB ; mk:participant ?to .""",
                " && ?sideA = mkv:side-a && ?sideB = mkv:side-b"),
}


def bound_act(kind: str) -> str:
    """The pattern and filter of an incident of ``kind`` whose ?event is bound already, between
    two different actors."""
    pattern, roles = _BOUND_ACTS[kind]
    return f"{pattern}\n  FILTER(?type = mk:Incident && ?from != ?to{roles})"

# One row per actor pair, however many events. With the event list, each event is written
# "IRI|first day|last day"; without it, the pair's incident to quote is looked up afterwards
# among those of its first day (_PAIR_SAMPLES): SAMPLE(?event) was free but answered with
# another incident from run to run, and MIN(STR(?event)) over every event cost a third more.
_ACTS = """
SELECT ?from ?to (COUNT(?event) AS ?count) (MIN(?start) AS ?first) (MAX(?end) AS ?last) %(listing)s
WHERE {
  %(pattern)s
  FILTER(?from != ?to)
  """ + _DATES + """
  %(filters)s
  %(dated)s
} GROUP BY ?from ?to
"""
_PAIR_SAMPLES = """
SELECT ?from ?to (MIN(STR(?event)) AS ?sample) WHERE {
  VALUES (?from ?to ?start) { %(pairs)s }
  ?event sem:hasEarliestBeginTimeStamp ?start .
  %(pattern)s
  ?event a mk:Incident .
  OPTIONAL { ?event sem:hasLatestEndTimeStamp ?end }
  %(filters)s
} GROUP BY ?from ?to
"""
_LISTING = '(GROUP_CONCAT(?dated; separator=" ") AS ?events)'
_DATED = 'BIND(CONCAT(STR(?event), "|", COALESCE(STR(?start), ""), "|", COALESCE(STR(?end), "")) AS ?dated)'

_OTHER_ACTS = """
SELECT ?event ?from ?to ?start ?end WHERE {
  VALUES ?class { mk:Campaign mk:PoliticalEvent mk:AccountabilityEvent }
  ?event a ?class .
  %(pattern)s
  FILTER(?from != ?to)
  """ + _DATES + """
  %(filters)s
}
"""

# The same pair, incidents only, for the rare pair whose figures a non-incident touched; its
# actors are written into the pattern.
_PAIR_INCIDENTS = """
SELECT (COUNT(?event) AS ?count) (MIN(?start) AS ?first) (MAX(?end) AS ?last) (MIN(STR(?event)) AS ?sample)
WHERE {
  %(pattern)s
  ?event a mk:Incident .
  """ + _DATES + """
  %(filters)s
}
"""

# The same figures, read from the summary graph's per-pair nodes (graph/summary.py): a few
# hundred rows where the queries above walk every incident.
_SUMMARY_PRESENT = "ASK { GRAPH <%(summary)s> { <%(summary)s> mks:triples ?n } }"
_SUMMARY_PAIRS = """
SELECT ?act ?from ?to ?count ?incidents ?first ?last ?sample WHERE {
  GRAPH <%(summary)s> {
    ?pair a mks:ActorPair ; mks:act ?act ; mks:actor ?from ; mks:against ?to ;
          mks:accounts ?count ; mks:incidents ?incidents ; mks:firstAccount ?sample .
    OPTIONAL { ?pair mks:first ?first }
    OPTIONAL { ?pair mks:last ?last }
  }
}
"""

# For retaliation chains on a network read from the summary: the days each pair acted on and
# its undated accounts; the incidents of one pair on given days; the pairs of given incidents.
_SUMMARY_PAIR_DAYS = """
SELECT ?pair ?day WHERE {
  VALUES ?pair { %(pairs)s }
  GRAPH <%(summary)s> { ?pair mks:day ?day }
}
"""
_SUMMARY_PAIR_UNDATED = """
SELECT ?pair ?event WHERE {
  VALUES ?pair { %(pairs)s }
  GRAPH <%(summary)s> { ?pair mks:undatedAccount ?event }
}
"""
# A pair's accounts that began on given days, from the pair's month nodes: starting from the day,
# the engine walked every incident that began on it (16 s of a profiled chains run at 1M events).
_ACTS_ON_DAYS = """
SELECT DISTINCT ?month ?event ?start ?end WHERE {
  VALUES (?month ?start) { %(months)s }
  GRAPH <%(summary)s> { ?month mks:monthAccount ?event }
  ?event sem:hasEarliestBeginTimeStamp ?start .
  OPTIONAL { ?event sem:hasLatestEndTimeStamp ?end }
}
"""
_EVENT_ENDS = """
SELECT ?event ?end WHERE {
  VALUES ?event { %(events)s }
  ?event sem:hasLatestEndTimeStamp ?end .
}
"""
_EVENT_ACTS = """
SELECT DISTINCT ?event ?from ?to ?start ?end WHERE {
  VALUES ?event { %(events)s }
  %(pattern)s
  OPTIONAL { ?event sem:hasEarliestBeginTimeStamp ?start }
  OPTIONAL { ?event sem:hasLatestEndTimeStamp ?end }
}
"""

# An account names its document with mk:accordingTo; accounts coded before that property
# existed reach it only through their evidence's oa:hasSource, so both are read.
_EVENT_EVIDENCE = """
SELECT ?event ?quote ?document ?account ?precision WHERE {
  VALUES ?event { %(events)s }
  OPTIONAL { ?event mk:datePrecision ?precision }
  OPTIONAL { ?event mk:accordingTo ?account }
  OPTIONAL { ?event prov:wasDerivedFrom ?evidence . ?evidence oa:hasSelector ?selector .
             ?selector oa:exact ?quote . OPTIONAL { ?evidence oa:hasSource ?document } }
}
"""

# The accounts linked as telling one incident (mk:sameIncidentAs, mk:covers: the few that
# several documents tell) with their documents, and the acts among them: a tie counts such an
# incident once, as the questions and graph/summary.py do.
_LINKED_ACCOUNTS = """
SELECT ?a ?b ?documentA ?documentB WHERE {
  { ?a mk:sameIncidentAs ?b } UNION { ?a mk:covers ?b }
  OPTIONAL { ?a mk:accordingTo ?documentA }
  OPTIONAL { ?b mk:accordingTo ?documentB }
}
"""
_LINKED_ACTS = """
SELECT ?event ?from ?to WHERE {
  VALUES ?event { %(events)s }
  %(pattern)s
  """ + _DATES + """
  %(filters)s
}
"""

# Who took part in the given events, in which role and how surely attributed.
_EVENT_ROLES = """
SELECT ?event ?actor ?roleType ?certainty WHERE {
  VALUES ?event { %(events)s }
  OPTIONAL { ?event mk:participation ?role . ?role mk:participant ?actor ; sem:roleType ?roleType .
             OPTIONAL { ?role mk:certainty ?certainty } }
}
"""

_DOCUMENTS = """
SELECT ?document ?publisher ?title ?issued WHERE {
  ?document a mk:SourceDocument .
  OPTIONAL { ?document dcterms:publisher ?publisher }
  OPTIONAL { ?document dcterms:title ?title }
  OPTIONAL { ?document dcterms:issued ?issued }
}
"""

# Relations and claims are read as plain (subject, property, value) rows and put together in
# Python: an aggregate with a dozen OPTIONALs made pyoxigraph scan whole properties.
_RELATION_FACTS = "SELECT ?relation ?p ?o WHERE { ?relation a mk:Relation ; ?p ?o }"
_RELATION_QUOTES = """
SELECT ?relation ?quote ?document WHERE {
  ?relation a mk:Relation ; prov:wasDerivedFrom ?evidence .
  ?evidence oa:hasSelector ?selector . ?selector oa:exact ?quote .
  OPTIONAL { ?evidence oa:hasSource ?document }
}
"""
# The relation types' signs are vocabulary: in the ontology's named graph, which a server
# loaded the ordinary way (no union default graph) answers only through GRAPH.
_RELATION_TYPES = """
SELECT ?type ?sign ?symmetric WHERE {
  GRAPH <%(ontology)s> { ?type mk:sign ?sign . OPTIONAL { ?type mk:symmetric ?symmetric } }
}
"""
# Only the properties the retaliation edges read: every property of every claim (type,
# identifier, provenance...) was 40% more rows, each decoded from the store's string table.
_CLAIM_FACTS = """
SELECT ?claim ?p ?o WHERE {
  ?claim mk:motive mkv:retaliation ; ?p ?o .
  FILTER(?p IN (mk:claimedActor, mk:retaliatedAgainst, mk:claimAbout, mk:respondsTo, mk:certainty,
                mk:claimant, mk:accordingTo, mk:accusation, mk:accusationText, mk:claimText,
                mk:accusedParty, mk:accusedOfLinkTo, mk:accuser))
}
"""
# One lookup per date property: `?event ?p ?o` read every property of every event told about.
_CLAIM_EVENTS = """
SELECT ?claim ?event ?start ?end ?precision WHERE {
  ?claim mk:motive mkv:retaliation ; mk:claimAbout ?event .
  OPTIONAL { ?event sem:hasEarliestBeginTimeStamp ?start }
  OPTIONAL { ?event sem:hasLatestEndTimeStamp ?end }
  OPTIONAL { ?event mk:datePrecision ?precision }
}
"""
_CLAIM_QUOTES = """
SELECT ?claim ?quote ?document WHERE {
  ?claim mk:motive mkv:retaliation ; prov:wasDerivedFrom ?evidence .
  ?evidence oa:hasSelector ?selector . ?selector oa:exact ?quote .
  OPTIONAL { ?evidence oa:hasSource ?document }
}
"""
# Where the store has the summary graph, the claims of retaliation are read from it and from
# the claims' own properties, one pattern per read, and put together in Python: each read is one
# run of an index, where the three queries above look each claim, quote and incident up (at
# 1,000,000 events, with the store's pages not in memory: chains in 34 s instead of 80 s,
# alliances in 22 s instead of 35 s). The properties read over the whole default graph are
# claims' (mk:respondsTo and mk:claimant also some events' and relations'), so each read is
# about as long as the claims are many; what every participation or account carries too
# (certainty, documents), and what lies a join away, comes from the claim's node in the summary
# graph (graph/summary.py, _retaliation_claims).
_SUMMARY_CLAIM_OWN = (
    "mk:claimedActor", "mk:retaliatedAgainst", "mk:claimAbout", "mk:respondsTo", "mk:claimant",
    "mk:accusation", "mk:accusationText", "mk:claimText", "mk:accusedParty", "mk:accusedOfLinkTo",
    "mk:accuser")
_SUMMARY_CLAIM_OWN_FACTS = "SELECT ?claim ?p ?o WHERE { VALUES ?p { %s } ?claim ?p ?o }" % " ".join(
    _SUMMARY_CLAIM_OWN)
_SUMMARY_CLAIM_PART = "SELECT ?node ?o WHERE { GRAPH <%(summary)s> { ?node mks:%(part)s ?o } }"

_CLAIMS_IN_REGION = """
SELECT DISTINCT ?claim WHERE {
  ?claim mk:motive mkv:retaliation ; mk:claimAbout ?event .
  ?event sem:hasPlace ?place . ?place mk:within* ?region .
}
"""

_PLACES = """
SELECT ?place (SAMPLE(?label) AS ?name) (GROUP_CONCAT(DISTINCT ?alias; separator="%(sep)s") AS ?aliases)
WHERE { ?place a mk:Place . OPTIONAL { ?place rdfs:label ?label } OPTIONAL { ?place skos:altLabel ?alias } }
GROUP BY ?place
"""


def select_rows(store, text: str, bindings: dict | None = None) -> list[dict[str, str | None]]:
    """A SELECT's rows as {variable: lexical value or IRI, None when unbound}.

    The instance data alone is the default graph, as on a partner's server; the ontology and
    summary graphs are read through GRAPH clauses.
    """
    result = store.query(text, bindings or None, union=False)
    names = [v.value for v in result.variables]
    return [{name: (None if term is None else term.value) for name, term in zip(names, row)} for row in result]


class NetworkReader:
    """Runs the network's queries with the shared date and region filters and their bindings.

    One at a time: pyoxigraph's result objects must be dropped by the thread that made them,
    and from a thread pool some were left to the garbage collector of another thread.
    """

    def __init__(self, store, filters: list[str], dated: bool, bindings: dict):
        self.store, self.bindings = store, bindings
        self.filters = "\n  ".join(filters)
        self.window = (_DATES if dated else "") + self.filters

    def rows(self, template: str, **parts) -> list[dict[str, str | None]]:
        text = template % {"sep": _SEP_SPARQL, "window": self.window, "filters": self.filters, **GRAPHS, **parts}
        return select_rows(self.store, text, {name: term for name, term in self.bindings.items() if f"?{name}" in text})
