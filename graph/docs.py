"""The ontology's human-readable reference: one HTML page generated from ``ontology/*.ttl``.

``render()`` reads the ontology and its SKOS vocabularies and writes a section per class,
property and concept scheme: label, IRI, definition, domain and range, hierarchy and the
alignments to SEM, PROV, ACLED, UCDP, CAMEO and Wikidata. Every text from the Turtle is
HTML-escaped; the page is self-contained (no script, no external style). Output depends on
the Turtle alone, sorted throughout, so ``docs/ontology.html`` can be checked against it.

Regenerate the committed copy with ``python -m graph.docs``.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .dataset import VOCABULARIES
from .namespaces import MK, MKV
from .resources import ontology_dir
from .vocabulary import ontology_files

SCHEMA = "https://schema.org/"
VANN = "http://purl.org/vocab/vann/"
ONTOLOGY = URIRef("https://w3id.org/malikg/ontology")
VOCABULARY = URIRef("https://w3id.org/malikg/vocab")

_ALIGNMENTS = (
    (OWL.equivalentClass, "equivalent class"), (OWL.equivalentProperty, "equivalent property"),
    (SKOS.exactMatch, "exact match"), (SKOS.closeMatch, "close match"), (SKOS.broadMatch, "broad match"),
    (SKOS.narrowMatch, "narrow match"), (SKOS.relatedMatch, "related match"),
)
_CHARACTERISTICS = (
    (OWL.TransitiveProperty, "transitive"), (OWL.SymmetricProperty, "symmetric"),
    (OWL.FunctionalProperty, "functional"), (OWL.InverseFunctionalProperty, "inverse functional"),
)
_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; color: #1d1d1f; max-width: 62rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #ccd; }
h3 { margin: 1.8rem 0 .3rem; font-size: 1.15rem; } h3 code { font-weight: normal; color: #555; margin-left: .5rem; }
code { font: .92em ui-monospace, monospace; } a { color: #0b57a4; text-decoration: none; } a:hover { text-decoration: underline; }
dl.meta, dl.term { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0; }
dt { color: #555; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #e3e3ea; padding: .3rem .5rem; }
th { background: #f3f3f7; } td.depth-1 { padding-left: 1.6rem; } td.depth-2 { padding-left: 2.8rem; }
nav ul { columns: 3; padding-left: 1.2rem; } nav li { break-inside: avoid; }
article { border-left: 3px solid #dde; padding-left: 1rem; }
.definition { margin: .2rem 0 .4rem; } footer { margin-top: 3rem; color: #666; font-size: .9rem; }
"""


def render(folder: str | Path | None = None) -> str:
    """The HTML reference of the ontology in ``folder`` (default: the bundled ``ontology/``)."""
    folder = Path(folder or ontology_dir())
    graph = Graph()
    for path in ontology_files(folder):
        graph.parse(path, format="turtle")
    return _Page(graph).render()


def write(path: str | Path = "docs/ontology.html", folder: str | Path | None = None) -> Path:
    """Write the reference to ``path`` (atomically) and return it."""
    from .files import write_atomic

    path = Path(path)
    write_atomic(path, render(folder))
    return path


class _Page:
    def __init__(self, graph: Graph):
        self.g = graph
        self.namespaces = sorted(VOCABULARIES.items(), key=lambda item: -len(item[1]))
        self.defined = {s for s in graph.subjects() if isinstance(s, URIRef) and self.local(s)}
        self.classes = self.own(OWL.Class)
        self.object_properties = self.own(OWL.ObjectProperty)
        self.datatype_properties = self.own(OWL.DatatypeProperty)
        self.schemes = sorted(graph.subjects(RDF.type, SKOS.ConceptScheme),
                              key=lambda s: (not str(s).startswith(str(MKV)), self.label(s).casefold(), str(s)))
        mine = set(self.classes) | set(self.object_properties) | set(self.datatype_properties)
        self.external = sorted((s for s in graph.subjects(RDFS.isDefinedBy, None)
                                if isinstance(s, URIRef) and s not in mine), key=self.qname)

    # --- what the graph says ---------------------------------------------------------------

    def own(self, kind: URIRef) -> list[URIRef]:
        return sorted((s for s in self.g.subjects(RDF.type, kind)
                       if isinstance(s, URIRef) and str(s).startswith(str(MK))), key=self.qname)

    def label(self, term) -> str:
        for predicate in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
            value = self.text(term, predicate)
            if value:
                return value
        return self.qname(term)

    def text(self, term, predicate) -> str:
        values = sorted(self.g.objects(term, predicate), key=lambda v: (getattr(v, "language", None) != "en", str(v)))
        return str(values[0]) if values else ""

    def objects(self, term, *predicates) -> list:
        return sorted({o for p in predicates for o in self.g.objects(term, p)}, key=self.qname)

    def subjects(self, predicates: Iterable, term) -> list:
        return sorted({s for p in predicates for s in self.g.subjects(p, term)}, key=self.qname)

    def qname(self, term) -> str:
        value = str(term)
        for prefix, namespace in self.namespaces:
            if value.startswith(namespace) and len(value) > len(namespace):
                return f"{prefix}:{value[len(namespace):]}"
        return value

    def local(self, term: URIRef) -> bool:
        return any(str(term).startswith(ns) for ns in (str(MK), str(MKV), VOCABULARIES["acled"],
                                                       VOCABULARIES["ucdp"], VOCABULARIES["cameo"]))

    # --- HTML ------------------------------------------------------------------------------

    def link(self, term) -> str:
        if isinstance(term, Literal):
            return html.escape(str(term))
        name = html.escape(self.qname(term))
        if term in self.defined:
            return f'<a href="#{anchor(self.qname(term))}"><code>{name}</code></a>'
        return f'<a href="{html.escape(str(term), quote=True)}"><code>{name}</code></a>'

    def links(self, terms) -> str:
        return ", ".join(self.link(t) for t in terms)

    def render(self) -> str:
        head = ONTOLOGY
        title = self.label(head)
        version = self.text(head, OWL.versionInfo)
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)} {html.escape(version)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            "<header>",
            f"<h1>{html.escape(title)}</h1>",
            self.metadata(head),
            f'<p class="definition">{html.escape(self.text(head, DCTERMS.description))}</p>',
            "</header>",
            self.contents(),
            self.namespace_table(),
            self.section("classes", "Classes", self.classes, self.class_entry),
            self.section("object-properties", "Object properties", self.object_properties, self.property_entry),
            self.section("datatype-properties", "Datatype properties", self.datatype_properties,
                         self.property_entry),
            self.vocabularies(),
            self.external_terms(),
            "<footer>Generated by <code>graph/docs.py</code> from <code>ontology/ontology.ttl</code> and "
            "<code>ontology/vocabulary.ttl</code>. The SHACL shapes the data are validated against are "
            "in <code>ontology/shapes.ttl</code>; the data model contract is <code>docs/model.md</code>."
            "</footer>",
            "</body>",
            "</html>",
        ]
        return "\n".join(part for part in parts if part) + "\n"

    def metadata(self, head) -> str:
        rows = [("IRI", self.link(head))]
        for predicate, name in ((OWL.versionIRI, "Version IRI"), (OWL.versionInfo, "Version"),
                                (DCTERMS.license, "Licence"), (DCTERMS.creator, "Creator"),
                                (DCTERMS.created, "Created"), (DCTERMS.modified, "Modified")):
            values = self.objects(head, predicate)
            if values:
                rows.append((name, self.links(values)))
        prefix = self.text(head, URIRef(VANN + "preferredNamespacePrefix"))
        namespace = self.text(head, URIRef(VANN + "preferredNamespaceUri"))
        if prefix and namespace:
            rows.append(("Namespace", f"<code>{html.escape(prefix)}: {html.escape(namespace)}</code>"))
        return _dl("meta", rows)

    def contents(self) -> str:
        entries = [("namespaces", "Namespaces"), ("classes", f"Classes ({len(self.classes)})"),
                   ("object-properties", f"Object properties ({len(self.object_properties)})"),
                   ("datatype-properties", f"Datatype properties ({len(self.datatype_properties)})"),
                   ("vocabularies", f"Concept schemes ({len(self.schemes)})"),
                   ("external", f"External terms ({len(self.external)})")]
        items = "".join(f'<li><a href="#{key}">{html.escape(name)}</a></li>' for key, name in entries)
        schemes = "".join(f'<li><a href="#{anchor(self.qname(s))}">{html.escape(self.label(s))}</a></li>'
                          for s in self.schemes)
        return f"<nav><h2>Contents</h2><ul>{items}</ul><h3>Concept schemes</h3><ul>{schemes}</ul></nav>"

    def namespace_table(self) -> str:
        used = {ns for ns in VOCABULARIES.values()
                if any(str(t).startswith(ns) for triple in self.g for t in triple if isinstance(t, URIRef))}
        rows = "".join(f"<tr><td><code>{html.escape(p)}:</code></td><td><code>{html.escape(ns)}</code></td></tr>"
                       for p, ns in sorted(VOCABULARIES.items()) if ns in used)
        return (f'<section id="namespaces"><h2>Namespaces</h2><table><tr><th>prefix</th><th>IRI</th></tr>'
                f"{rows}</table></section>")

    def section(self, key: str, title: str, terms: list, entry) -> str:
        return f'<section id="{key}"><h2>{html.escape(title)}</h2>\n' + "\n".join(entry(t) for t in terms) + "</section>"

    def article(self, term, rows: list[tuple[str, str]]) -> str:
        qname = self.qname(term)
        definition = self.text(term, SKOS.definition) or self.text(term, RDFS.comment)
        rows = [("IRI", f"<code>{html.escape(str(term))}</code>")] + [(k, v) for k, v in rows if v]
        return (f'<article id="{anchor(qname)}"><h3>{html.escape(self.label(term))}<code>{html.escape(qname)}</code></h3>'
                f'<p class="definition">{html.escape(definition)}</p>{_dl("term", rows)}</article>')

    def class_entry(self, term) -> str:
        domains = (RDFS.domain, URIRef(SCHEMA + "domainIncludes"))
        ranges = (RDFS.range, URIRef(SCHEMA + "rangeIncludes"))
        return self.article(term, [
            ("Subclass of", self.links(self.objects(term, RDFS.subClassOf))),
            ("Subclasses", self.links(self.subjects([RDFS.subClassOf], term))),
            ("Properties", self.links(self.subjects(domains, term))),
            ("Values of", self.links(self.subjects(ranges, term))),
            *self.alignment_rows(term),
        ])

    def property_entry(self, term) -> str:
        characteristics = ", ".join(name for kind, name in _CHARACTERISTICS if (term, RDF.type, kind) in self.g)
        return self.article(term, [
            ("Domain", self.links(self.objects(term, RDFS.domain))),
            ("Domain includes", self.links(self.objects(term, URIRef(SCHEMA + "domainIncludes")))),
            ("Range", self.links(self.objects(term, RDFS.range))),
            ("Range includes", self.links(self.objects(term, URIRef(SCHEMA + "rangeIncludes")))),
            ("Values from", self.links(o for o in self.objects(term, RDFS.seeAlso)
                                       if (o, RDF.type, SKOS.ConceptScheme) in self.g)),
            ("Subproperty of", self.links(self.objects(term, RDFS.subPropertyOf))),
            ("Characteristics", html.escape(characteristics)),
            *self.alignment_rows(term),
        ])

    def alignment_rows(self, term) -> list[tuple[str, str]]:
        rows = [(name.capitalize(), self.links(self.objects(term, p))) for p, name in _ALIGNMENTS]
        see_also = [o for o in self.objects(term, RDFS.seeAlso) if (o, RDF.type, SKOS.ConceptScheme) not in self.g]
        rows.append(("See also", self.links(see_also)))
        return rows

    def vocabularies(self) -> str:
        head = VOCABULARY
        intro = html.escape(self.text(head, DCTERMS.description))
        parts = [f'<section id="vocabularies"><h2>Concept schemes</h2><p>{intro}</p>',
                 _dl("meta", [("IRI", self.link(head))]
                     + [(name, self.links(self.objects(head, p))) for p, name in
                        ((OWL.versionIRI, "Version IRI"), (OWL.versionInfo, "Version"))
                        if self.objects(head, p)])]
        for scheme in self.schemes:
            parts.append(self.scheme_table(scheme))
        parts.append("</section>")
        return "\n".join(parts)

    def scheme_table(self, scheme) -> str:
        members = set(self.g.subjects(SKOS.inScheme, scheme)) | set(self.g.objects(scheme, SKOS.hasTopConcept))
        extra = sorted({p for c in members for p in self.g.predicates(c) if str(p).startswith(str(MK))},
                       key=self.qname)
        concepts = self.tree(scheme, members)
        notations = any(self.text(c, SKOS.notation) for c, _ in concepts)
        aligned = any(self.objects(c, p) for c, _ in concepts for p, _ in _ALIGNMENTS)
        columns = ["concept", "label", "definition", *(["notation"] * notations), *(["matches"] * aligned),
                   *map(self.qname, extra)]
        header = "".join(f"<th>{html.escape(h)}</th>" for h in columns)
        rows = []
        for concept, depth in concepts:
            cells = [f'<td class="depth-{min(depth, 2)}" id="{anchor(self.qname(concept))}">'
                     f"<code>{html.escape(self.qname(concept))}</code></td>",
                     f"<td>{html.escape(self.label(concept))}</td>",
                     f"<td>{html.escape(self.text(concept, SKOS.definition))}</td>"]
            if notations:
                cells.append(f"<td>{html.escape(self.text(concept, SKOS.notation))}</td>")
            if aligned:
                cells.append(f"<td>{self.links(o for p, _ in _ALIGNMENTS for o in self.objects(concept, p))}</td>")
            cells += [f"<td>{self.links(self.objects(concept, p))}</td>" for p in extra]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return (f'<article id="{anchor(self.qname(scheme))}"><h3>{html.escape(self.label(scheme))}'
                f"<code>{html.escape(self.qname(scheme))}</code></h3>"
                f'<p class="definition">{html.escape(self.text(scheme, SKOS.definition))}</p>'
                f"<table><tr>{header}</tr>" + "".join(rows) + "</table></article>")

    def tree(self, scheme, members: set) -> list[tuple[URIRef, int]]:
        """The scheme's concepts depth-first from its top concepts, siblings in notation then label order."""
        def order(concept):
            notation = self.text(concept, SKOS.notation)
            return (int(notation) if notation.isdigit() else float("inf"), self.label(concept).casefold(),
                    str(concept))

        narrower: dict = {}
        for concept in members:
            for parent in self.g.objects(concept, SKOS.broader):
                if parent in members:
                    narrower.setdefault(parent, []).append(concept)
        roots = [c for c in members if not any(p in members for p in self.g.objects(c, SKOS.broader))]
        seen, out = set(), []

        def visit(concept, depth):
            if concept in seen:
                return
            seen.add(concept)
            out.append((concept, depth))
            for child in sorted(narrower.get(concept, []), key=order):
                visit(child, depth + 1)

        for root in sorted(roots, key=order):
            visit(root, 0)
        return out

    def external_terms(self) -> str:
        rows = []
        for term in self.external:
            kinds = ", ".join(self.qname(k) for k in self.objects(term, RDF.type))
            matches = self.links(o for p, _ in _ALIGNMENTS for o in self.objects(term, p))
            rows.append(f'<tr><td>{self.link_out(term)}</td><td>{html.escape(self.label(term))}</td>'
                        f"<td><code>{html.escape(kinds)}</code></td><td>{matches}</td></tr>")
        return ('<section id="external"><h2>External terms</h2><p>Terms of other vocabularies the data use, '
                "declared only to label them: their meaning is that of their own vocabularies.</p>"
                "<table><tr><th>term</th><th>label</th><th>kind</th><th>matches</th></tr>"
                + "".join(rows) + "</table></section>")

    def link_out(self, term) -> str:
        return f'<a href="{html.escape(str(term), quote=True)}"><code>{html.escape(self.qname(term))}</code></a>'


def anchor(qname: str) -> str:
    """An HTML id for a term: ``mk:Actor`` → ``mk-Actor``."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", qname.replace(":", "-", 1))


def _dl(css: str, rows: list[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{html.escape(name)}</dt><dd>{value}</dd>" for name, value in rows if value)
    return f'<dl class="{css}">{items}</dl>'


if __name__ == "__main__":
    print(f"wrote {write()}")
