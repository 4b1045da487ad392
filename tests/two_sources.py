"""A hand-made graph of two documents telling the same JNIM attacks differently, for the
summary graph and the queries that count each incident once (the many-sources model of
docs/model.md: mk:accordingTo, mk:sameIncidentAs, mk:covers).

Document A tells Ogota (28 killed, 3 of them children, 27 January) and Ouembe (4 killed) apart;
document B gives one joint total, "at least 30", for both (mk:covers), dates it 28 January,
says JNIM "allegedly" did it and calls it retaliation. B also retells A's attack on Tegourou
(mk:sameIncidentAs) with 5 killed against A's 2; A places that one only near Tegourou.
"""
from __future__ import annotations

ID = "https://w3id.org/malikg/id/"

HEAD = """\
@prefix mk: <https://w3id.org/malikg/ontology#> .
@prefix mkv: <https://w3id.org/malikg/vocab#> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _i(path: str) -> str:
    return f"<{ID}{path}>"


def _place(slug, label, kind=None, within=None, near=None):
    text = f'{_i("place/" + slug)} a mk:Place ; rdfs:label "{label}" ; dcterms:identifier "{slug}"'
    text += f" ; mk:placeType mkv:{kind}" if kind else ""
    text += f' ; mk:within {_i("place/" + within)}' if within else ""
    text += f' ; mk:near {_i("place/" + near)}' if near else ""
    return text + " .\n"


def _event(slug, doc, label, place, date, killed, certainty="stated", children=None, links=""):
    low, best, high = killed
    e, harm, part = _i("event/" + slug), _i(f"harm/{slug}-killed"), _i(f"participation/{slug}-jnim")
    ev, ev_harm = _i(f"evidence/{doc}/{slug}"), _i(f"evidence/{doc}/{slug}-harm")
    figures = "".join(f" ; mk:{name} {value}" for name, value in (("low", low), ("best", best), ("high", high))
                      if value is not None)
    text = (f'{e} a mk:Event, mk:Incident ; rdfs:label "{label}" ; dcterms:identifier "{slug}" ;\n'
            f'  mk:accordingTo {_i("source/" + doc)} ; sem:hasPlace {_i("place/" + place)} ;\n'
            f'  sem:hasEarliestBeginTimeStamp "{date}"^^xsd:date ; sem:hasLatestEndTimeStamp "{date}"^^xsd:date ;\n'
            f'  mk:perpetrator {_i("actor/jnim")} ; prov:wasDerivedFrom {ev} ;\n'
            f'  mk:participation {part} ; mk:harm {harm} {links}.\n'
            f'{part} mk:participant {_i("actor/jnim")} ; sem:roleType mkv:perpetrator ; mk:certainty mkv:{certainty} .\n'
            f'{harm} a mk:Harm ; mk:harmType mkv:killed ; mk:count {best or low} ; prov:wasDerivedFrom {ev_harm}{figures} .\n'
            f'{ev} oa:hasSource {_i("source/" + doc)} ; oa:hasSelector {ev}-q .\n'
            f'<{ev[1:-1]}-q> oa:exact "{label}, {date}" .\n'
            f'{ev_harm} oa:hasSource {_i("source/" + doc)} ; oa:hasSelector <{ev_harm[1:-1]}-q> .\n'
            f'<{ev_harm[1:-1]}-q> oa:exact "{label}: {best or low} killed" .\n')
    if children is not None:
        kids = f"<{harm[1:-1]}-children>"
        text += (f"{harm} mk:includes {kids} .\n{kids} a mk:Harm ; mk:harmType mkv:killed ; "
                 f"mk:victimGroup mkv:children ; mk:count {children} ; mk:low {children} ; mk:best {children} ; "
                 f"mk:high {children} .\n")
    return text.replace(f"{ev}-q", f"<{ev[1:-1]}-q>")


def turtle() -> str:
    """The two documents' accounts as Turtle (instance data: the ontology comes from ontology/)."""
    return "".join([
        HEAD,
        f'{_i("source/doc-a")} a mk:SourceDocument ; dcterms:identifier "doc-a" ; dcterms:title "Document A" .\n',
        f'{_i("source/doc-b")} a mk:SourceDocument ; dcterms:identifier "doc-b" ; dcterms:title "Document B" .\n',
        f'{_i("actor/jnim")} a mk:ArmedGroup ; rdfs:label "JNIM" ; dcterms:identifier "jnim" .\n',
        _place("mopti", "Mopti", "region"),
        _place("ogota", "Ogota", "village", within="mopti"),
        _place("ouembe", "Ouembe", "village", within="mopti"),
        _place("tegourou", "Tegourou", "village", within="mopti"),
        _place("near-tegourou", "A field near Tegourou", near="tegourou"),
        _event("a-ogota", "doc-a", "JNIM attack on Ogota", "ogota", "2024-01-27", (28, 28, 28), children=3),
        _event("a-ouembe", "doc-a", "JNIM attack on Ouembe", "ouembe", "2024-01-27", (4, 4, 4)),
        _event("a-tegourou", "doc-a", "JNIM attack on Tegourou", "near-tegourou", "2024-01-28", (2, 2, 2)),
        _event("b-ogota-ouembe", "doc-b", "JNIM attacks on Ogota and Ouembe", "ogota", "2024-01-28",
               (30, 30, None), certainty="alleged",
               links=f'; mk:covers {_i("event/a-ogota")}, {_i("event/a-ouembe")} '),
        _event("b-tegourou", "doc-b", "JNIM attack on Tegourou", "tegourou", "2024-01-28", (5, 5, 5),
               links=f'; mk:sameIncidentAs {_i("event/a-tegourou")} '),
        f'{_i("claim/b-retaliation")} a mk:Claim ; mk:claimAbout {_i("event/b-ogota-ouembe")} ;\n'
        f'  mk:motive mkv:retaliation ; mk:claimant {_i("actor/jnim")} ;\n'
        f'  prov:wasDerivedFrom {_i("evidence/doc-b/b-claim")} .\n'
        f'{_i("evidence/doc-b/b-claim")} oa:hasSource {_i("source/doc-b")} ;\n'
        f'  oa:hasSelector {_i("evidence/doc-b/b-claim-q")} .\n'
        f'{_i("evidence/doc-b/b-claim-q")} oa:exact "in retaliation" .\n',
    ])
