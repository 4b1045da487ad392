"""ACLED's codebook: its columns and layouts, and its terms as ontology/vocabulary.ttl mirrors them.

The terms are read from the vocabulary's one parse (graph/vocabulary.py), not from a table here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib.namespace import SKOS

from ..namespaces import MK, MKV
from ..store import Progress  # noqa: F401  (re-exported: the importer and reader take it)
from .names import normal as _normal
from ..vocabulary import vocabulary_store
from .select import _local, _select


#: ACLED's current export columns, in order: what ``export_csv`` writes.
CURRENT_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
#: The pre-2022 API's columns, in order.
PRE2022_COLUMNS = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision",
    "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "timestamp", "iso3",
)
#: A dyadic export's columns: one row per actor, so one actor's columns.
DYADIC_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "interaction", "region", "country", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "timestamp",
)
#: HDX's HXL tag for each current column (the second header line of an HDX copy).
HXL_TAGS = {
    "event_id_cnty": "#event+code", "event_date": "#date+occurred", "year": "#date+year",
    "time_precision": "#date+precision", "disorder_type": "#event+disorder", "event_type": "#event+type",
    "sub_event_type": "#event+type+sub", "actor1": "#group+name+first", "assoc_actor_1": "#group+name+first+assoc",
    "inter1": "#group+code+first", "actor2": "#group+name+second", "assoc_actor_2": "#group+name+second+assoc",
    "inter2": "#group+code+second", "interaction": "#group+interaction", "civilian_targeting": "#event+civilian",
    "iso": "#country+code", "region": "#region+name", "country": "#country+name", "admin1": "#adm1+name",
    "admin2": "#adm2+name", "admin3": "#adm3+name", "location": "#loc+name", "latitude": "#geo+lat",
    "longitude": "#geo+lon", "geo_precision": "#geo+precision", "source": "#meta+source",
    "source_scale": "#meta+source+scale", "notes": "#description", "fatalities": "#affected+killed",
    "tags": "#meta+tags", "timestamp": "#date+epoch",
}


@dataclass(frozen=True)
class Layout:
    """How one kind of ACLED file writes its columns."""

    name: str                  # as the import report and ``--acled-layout`` name it
    columns: tuple[str, ...]
    inter_as_names: bool       # "Rebel group", "Rebel group-Civilians" rather than 2, 27
    date_format: str | None    # strftime pattern; None: ISO (2024-01-27)
    hxl: bool = False
    dyadic: bool = False


LAYOUTS = {
    "current": Layout("current", CURRENT_COLUMNS, True, None),
    "pre-2022": Layout("pre-2022", PRE2022_COLUMNS, False, "%d %B %Y"),
    "hdx": Layout("hdx", CURRENT_COLUMNS, False, None, hxl=True),
    "dyadic": Layout("dyadic", DYADIC_COLUMNS, False, "%d %B %Y", dyadic=True),
}

#: The most deaths one ACLED event may report. ACLED's largest single-event figures are in the
#: thousands; a larger number is a broken cell, refused rather than let dwarf every total.
MAX_FATALITIES = 100_000
#: The longest cell read, in characters (the csv module's own default): ACLED's notes run to a few
#: thousand; a longer cell is a broken file.
MAX_FIELD = 131_072
#: The delimiters a file may use: ACLED writes commas; spreadsheets in French or German locales
#: save semicolons, and "text" exports tabs.
DELIMITERS = (",", ";", "\t")

#: Columns every layout has.
REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
                    "actor1", "country", "location")
#: Dyadic files may name the one actor's columns without the "1".
_COLUMN_ALIASES = {"actor": "actor1", "assoc_actor": "assoc_actor_1", "inter": "inter1"}

#: Alias-table kinds: an actor, a place at any level, or a place at one ACLED level only.
ALIAS_KINDS = ("actor", "place", "country", "admin1", "admin2", "admin3", "location")
#: ACLED's place columns, top down, with the mk:adminLevel a matching place has (None: no level).
PLACE_LEVELS = {"country": 0, "admin1": 1, "admin2": 2, "admin3": 3, "location": None}
_DEPTH = {"country": 0, "admin1": 1, "admin2": 2, "admin3": 3, "location": 4}

#: Sub-event types whose two actors are sides rather than perpetrator and target.
SIDED_TYPES = frozenset({"armed-clash", "government-regains-territory",
                         "non-state-actor-overtakes-territory", "peaceful-protest",
                         "protest-with-intervention", "agreement"})
#: Event types that are about civic space rather than armed conflict.
CIVIC_EVENT_TYPES = frozenset({"protests", "riots"})
#: The participation note that marks ACLED's associated actors (assoc_actor_1, assoc_actor_2).
ASSOCIATED_NOTE = "associated actor in ACLED"
#: The prefix of the event_id_cnty that export gives malikg's own incidents.
OWN_ID_PREFIX = "MKG-"
#: ACLED's numeric ISO code and region for the countries the graph covers.
COUNTRY_CODES = {"mali": ("466", "Western Africa")}
#: disorder_type as ACLED derives it from the event type, where the sub-event type does not decide.
_DISORDER = {"battles": "Political violence", "explosions-remote-violence": "Political violence",
             "violence-against-civilians": "Political violence", "protests": "Demonstrations",
             "riots": "Demonstrations", "strategic-developments": "Strategic developments"}
_DISORDER_BY_SUB = {"excessive-force-against-protesters": "Political violence; Demonstrations",
                    "mob-violence": "Political violence"}
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class Codebook:
    """The ACLED terms of ontology/vocabulary.ttl, both ways."""

    #: normalised ACLED sub-event wording -> (mkv: sub-event slug, mkv: event-type slug)
    sub_event_types: dict[str, tuple[str, str]]
    #: normalised ACLED event-type wording -> mkv: slug
    event_types: dict[str, str]
    #: mkv: slug (event type or sub-event type) -> ACLED's exact wording
    wording: dict[str, str]
    #: mkv: sub-event slug -> mkv: event-type slug
    parent_types: dict[str, str]
    #: normalised ACLED actor-type wording ("Rebel group") -> inter code
    inter_names: dict[str, int]
    #: inter code -> mkv: actor-type slug
    actor_types: dict[int, str]
    #: inter code -> ACLED's exact actor-type wording ("Rebel group")
    inter_wording: dict[int, str]
    #: mkv: date-precision slug -> ACLED time_precision
    time_precisions: dict[str, int]
    #: mkv: place-type slug -> ACLED geo_precision (from the UCDP where_prec each type matches)
    geo_precisions: dict[str, int]


@lru_cache(maxsize=1)
def codebook() -> Codebook:
    store = vocabulary_store()

    def rows(text: str):
        header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (
            ("skos", str(SKOS)), ("mkv", str(MKV)), ("mk", str(MK)),
            ("ucdp", "https://w3id.org/malikg/ext/ucdp#")))
        return _select(store, header + text)

    sub_event_types, event_types, wording = {}, {}, {}
    for concept, label, parent in rows("""
            SELECT ?concept ?label ?parent WHERE {
              ?concept skos:inScheme mkv:EventTypes ; skos:exactMatch ?acled .
              ?acled skos:prefLabel ?label .
              OPTIONAL { ?concept skos:broader ?parent }
            }"""):
        slug = _local(concept)
        wording[slug] = label
        if parent is None:
            event_types[_normal(label)] = slug
        else:
            sub_event_types[_normal(label)] = (slug, _local(parent))
    inter_names, actor_types, inter_wording = {}, {}, {}
    for concept, label, notation in rows("""
            SELECT ?concept ?label ?notation WHERE {
              ?concept skos:inScheme mkv:ActorTypes ; skos:exactMatch ?acled .
              ?acled skos:prefLabel ?label ; skos:notation ?notation .
            }"""):
        inter_names[_normal(label)] = int(notation)
        inter_wording[int(notation)] = label
        actor_types[int(notation)] = _local(concept)
    time_precisions = {_local(c): int(n) for c, n in rows(
        "SELECT ?c ?n WHERE { ?c mk:acledTimePrecision ?n }")}
    geo_precisions = {}
    for place_type, where in rows("""
            SELECT ?type ?where WHERE {
              ?type skos:inScheme mkv:PlaceTypes .
              OPTIONAL { ?type skos:closeMatch ?m . ?m skos:inScheme ucdp:Codebook ; skos:notation ?where .
                         FILTER(STRSTARTS(STR(?m), STR(ucdp:where-prec-))) }
            }"""):
        # where_prec 1 exact place; 2 around a place, 3 a district: ACLED's "near / part of a
        # region"; 4 and above (province, country) or unmatched: a large part of a region.
        code = int(where) if where is not None else 9
        geo_precisions[_local(place_type)] = 1 if code <= 1 else 2 if code <= 3 else 3
    parent_types = dict(sub_event_types.values())
    return Codebook(sub_event_types, event_types, wording, parent_types, inter_names, actor_types, inter_wording,
                    time_precisions, geo_precisions)
