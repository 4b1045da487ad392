"""Chains and alliance reports as plain-language text, and as stable JSON."""
from __future__ import annotations

import json
import unicodedata

# Control characters (C0, DEL, C1), format characters such as bidirectional overrides, and line
# or paragraph separators: printed raw, a label could move the cursor, recolour or rewrite the
# terminal, or hide text. They are shown as escapes instead.
_UNPRINTABLE = ("Cc", "Cf", "Zl", "Zp")


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control and format characters shown as escapes (``\\x1b``)."""
    if text.isprintable():
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _UNPRINTABLE else c for c in text)


def _lines(lines: list[str]) -> str:
    return "\n".join(printable(line) for line in lines)


def _told(item: dict) -> str:
    """", in World Report 2025: Mali (2025-01)": which documents say so."""
    return f", in {'; '.join(item['documents'])}" if item.get("documents") else ""


def render_chains(found: list[list[dict]]) -> str:
    """Chains as plain-language text: one numbered line per step, with who says so and the quote."""
    if not found:
        return "No retaliation chains found.\n"
    lines = []
    for number, chain in enumerate(found, 1):
        cycle = " — a cycle" if chain[-1]["closes_cycle"] else ""
        lines.append(f"Chain {number} ({len(chain)} step{'s' if len(chain) != 1 else ''}){cycle}")
        for step in chain:
            lines.append(f"  {step['step']}. {step['date']}: {_step_sentence(step)}")
            if step["link"]:
                order = {"after": "", "overlap": "; dates overlap, order not established",
                         "undated": "; undated link, order not established"}[step["link"]["order"]]
                lines.append(f"     follows step {step['step'] - 1}: {step['link']['text']}{order}")
            if step["reason"]:
                lines.append(f"     stated reason: {step['reason']}")
            lines.append(f"     according to {step['claimant'] or 'the source'}"
                         + (f" ({step['certainty']})" if step["certainty"] else "") + _told(step))
            for quote in step["evidence"][:3]:
                lines.append(f"     “{quote}”")
            if len(step["evidence"]) > 3:
                lines.append(f"     … and {len(step['evidence']) - 3} more quotes")
        closure = chain[-1]["closes_cycle"]
        if closure:
            who = (f" (according to {closure['claimant']}, {closure['certainty']}{_told(closure)})"
                   if closure["claimant"] else "")
            lines.append(f"  ↺ closes the cycle: {closure['text']}{who}")
        lines.append("")
    return _lines(lines)


_CHARGES = {"collaboration": "collaborating", "membership": "being members",
            "armed-group-membership": "being members of an armed group", "refusal-to-disarm": "refusing to disarm"}


def _step_sentence(step: dict) -> str:
    actor, target = step["actor_label"], step["target_label"]
    if step["kind"] == "retaliation":
        text = f"{actor} retaliated against {target}"
        if step["accusation"] and step["accused"]:
            link = step["accused_of_link_to_label"] if step["accused_of_link_to"] else ""
            charge = _CHARGES.get(step["accusation"], step["accusation"].replace("-", " "))
            if link:
                charge += f" {'with' if step['accusation'] == 'collaboration' else 'of'} {link}"
            text += f", accusing {step['accused_label']} of {charge}"
            if step["accuser"] and step["accuser"] != actor:
                text += f" (accuser: {step['accuser']})"
        if step["events"]:
            text += f" [{', '.join(step['events'])}]"
        return text
    verb = {"attack": "attacked", "clashes": "clashed with", "hostility": "was hostile to"}[step["relation"]]
    events = f" [{', '.join(step['events'])}]" if step["events"] else " (a stance the source reports, not one act)"
    return f"{actor} {verb} {target}{events}"


def render_alliances(report: dict, *, top: int = 10, limit: int = 25) -> str:
    """The alliance report as plain-language text: ``top`` actors by centrality, and at most
    ``limit`` items of each list (the JSON form has them all)."""
    lines = ["Blocs", f"  ({report['explanations']['blocs']})"]
    for bloc in report["blocs"][:limit]:
        lines.append(f"  {bloc['name']}: " + ", ".join(m["label"] for m in bloc["members"]))
        lines += [f"    - {_tie_sentence(tie)}" for tie in bloc["ties"][:limit]]
        lines += _more(bloc["ties"], limit, "    ", "ties")
    lines += _more(report["blocs"], limit, "  ", "blocs") or ([] if report["blocs"] else ["  none"])
    lines += ["", "Enmities", f"  ({report['explanations']['enmities']})"]
    for enmity in report["enmities"][:limit]:
        a, b = enmity["labels"]
        lines.append(f"  {a} against {b}: {len(enmity['ties'])} hostile tie(s) ({', '.join(enmity['relations'])})")
        lines += [f"    - {_tie_sentence(tie)}" for tie in enmity["ties"][:5]]
        lines += _more(enmity["ties"], 5, "    ", "ties")
    lines += _more(report["enmities"], limit, "  ", "enmities")
    for title, key in (("Former or ended ties (not in blocs)", "former_ties"),
                       ("Positive ties between actors that are also hostile (not in blocs)", "contested_ties"),
                       ("Accusations of links (listed, not in blocs)", "accusation_links")):
        if report[key]:
            lines += ["", title]
            lines += [f"  - {_tie_sentence(tie)}" for tie in report[key][:limit]]
            lines += _more(report[key], limit, "  ", "ties")
    balance = report["balance"]
    lines += ["", "Structural balance", f"  ({balance['explanation']})", f"  ({balance['method']})"]
    if balance["triangles"]:
        lines.append(f"  {balance['balanced']} of {balance['triangles']} triangles are balanced "
                     f"(share {balance['share_balanced']:.2f}).")
        for triangle in balance["unbalanced"][:limit]:
            signs = ", ".join(f"{pair} {'+' if sign > 0 else '-'}" for pair, sign in triangle["signs"].items())
            lines.append(f"  unbalanced: {' / '.join(triangle['labels'])} ({signs})")
        lines += _more(balance["unbalanced"], limit, "  ", "unbalanced triangles")
    else:
        lines.append("  no triangles of signed ties.")
    lines += ["", "Centrality",
              f"  ({report['explanations']['degree']})", f"  ({report['explanations']['betweenness']})"]
    for entry in report["centrality"][:top]:
        lines.append(f"  {entry['label']}: {entry['ties']} ties, degree {entry['degree']:.2f}, "
                     f"betweenness {entry['betweenness']:.2f}")
    return _lines(lines) + "\n"


def _more(items: list, shown: int, indent: str, what: str) -> list[str]:
    if len(items) <= shown:
        return []
    return [f"{indent}… and {len(items) - shown} more {what} (--format json lists them all)"]


#: How each relation reads in a sentence: "{source} <phrase> {target}".
PHRASES = {
    "alliance": "is allied with", "partnership": "works with", "affiliation": "is linked to",
    "association": "is associated with", "alleged-proxy": "is alleged to act as a proxy of",
    "coalition-membership": "is part of the coalition", "ethnic-composition": "is made up of",
    "community-tie": "has ties to", "protection": "protects", "deal": "had a deal with",
    "peace-agreement": "had a peace agreement with", "leadership": "leads", "position": "holds a position in",
    "membership": "is a member of", "accused-collaboration": "are accused of collaborating with",
    "accused-membership": "are accused of being members of", "hostility": "is hostile to",
    "clashes": "clashed with", "attack": "attacked", "retaliation": "retaliated against",
}


def _tie_sentence(tie: dict) -> str:
    when = "" if tie["date"] == "undated" else f", {tie['date']}"
    if tie.get("count", 0) > 1:
        when = f" ({tie['count']} incidents){when}"
    status = f" ({tie['status']})" if tie["status"] not in ("", "current") else ""
    who = f"according to {tie['claimant']}" if tie["claimant"] else "according to the source"
    who += f" in {'; '.join(tie['documents'])}" if tie.get("documents") else ""
    quote = f": “{tie['evidence'][0]}”" if tie["evidence"] else ""
    phrase = PHRASES.get(tie["relation"], tie["relation"].replace("-", " "))
    if status and phrase.startswith("is "):
        phrase = "was " + phrase[3:]
    return (f"{tie['source_label']} {phrase} {tie['target_label']}{status}{when} "
            f"({who}, {tie['certainty'] or 'unstated'}){quote}")


def to_json(value) -> str:
    """Chains or an alliance report as stable, pretty JSON (control and format characters as \\u escapes)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    # Line by line: str.isprintable runs in C, a test per character in Python took a second a million.
    if all(line.isprintable() for line in text.split("\n")):
        return text
    # json escapes C0 controls itself; C1 controls, bidi overrides and separators it leaves raw.
    return "".join("".join(f"\\u{unit:04x}" for unit in _utf16(c))
                   if c != "\n" and unicodedata.category(c) in _UNPRINTABLE else c for c in text)


def _utf16(character: str) -> list[int]:
    data = character.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
