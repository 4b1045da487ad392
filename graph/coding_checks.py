"""Checking every coded number and date against the quote it cites.

The loader checks that a quote occurs in its document; this module checks that the record says
what the quote says: a count of 7 whose quote reads "six other men" is refused, and so is an
exact count whose quote reads "at least ten people", a date that disagrees with its
``date_text``, parts that add up to more than their whole, and a record still marked as a draft.
Each problem is one line naming file, record, field, the quote and what was read from it.
"""
from __future__ import annotations

import datetime as dt

from . import quantities as q
from .errors import MalikgError, ValidationFailed
from .seeds import Record, SeedSet, as_list, parse_date

#: Keys that mark a proposal of ``malikg draft`` that nobody has reviewed yet.
DRAFT_PREFIX = "draft"


def draft_marks(data: dict) -> list[str]:
    return sorted(key for key in data if str(key).startswith(DRAFT_PREFIX))


def _problem(record: Record, field_name: str, message: str) -> str:
    return MalikgError(message, file=record.file, record=record.id, field=field_name).line()


def _quotes(value) -> list[str]:
    return [text for text in as_list(value) if isinstance(text, str)]


def _joined(quotes: list[str]) -> str:
    return " … ".join(quotes)


def _shown(quotes: list[str]) -> str:
    return " / ".join(repr(text) for text in quotes)


# --- counts ---------------------------------------------------------------------------------


def check_count(record: Record, field_name: str, entry: dict, quotes: list[str],
                harm_type: str | None = None) -> list[str]:
    """Problems with one count (a harm, a part of one, or a statistic) against its quotes."""
    count, qualifier = entry.get("count"), entry.get("qualifier")
    qualifier = qualifier or ("exact" if count is not None else "unspecified")
    text = _joined(quotes)
    if not quotes or isinstance(count, bool) or (count is not None and not isinstance(count, int)):
        return []  # the loader reports a missing quote or a malformed count
    problems = []
    if count is None:
        if qualifier == "several" and not q.has_words(text, "several"):
            problems.append(_problem(record, f"{field_name}qualifier",
                                     f"qualifier several, but no word such as 'several' in its quote {_shown(quotes)}"))
        return problems
    read = q.group_counts(text, entry.get("group"))
    if not read and harm_type in q.TYPE_NOUNS:
        read = q.group_counts(text, q.TYPE_NOUNS[harm_type])
    what = f" for {entry['group']}" if read and entry.get("group") else ""
    if not read:
        read = q.quantities(text)
    matches = [n for n in read if n.value == count]
    if not matches:
        numbers = ", ".join(dict.fromkeys(str(n.value) for n in read)) or "no number"
        problems.append(_problem(record, f"{field_name}count",
                                 f"count {count} is not in its quote {_shown(quotes)} (reads {numbers}{what})"))
        return problems
    if qualifier in ("most-conservative", "unspecified"):
        return problems
    written = {n.qualifier for n in matches}
    if qualifier not in written and written - {"exact"}:
        said = next(n for n in matches if n.qualifier != "exact")
        problems.append(_problem(record, f"{field_name}qualifier",
                                 f"qualifier {qualifier}, but its quote {_shown(quotes)} reads "
                                 f"'{said.qualifier_text} {said.text}' ({said.qualifier} {said.value})"))
    elif qualifier != "exact" and qualifier not in written and not q.has_words(text, qualifier):
        words = " / ".join(q.QUALIFIER_EVIDENCE.get(qualifier, ()))
        problems.append(_problem(record, f"{field_name}qualifier",
                                 f"qualifier {qualifier}, but no '{words}' in its quote {_shown(quotes)} "
                                 f"(reads {count})"))
    if qualifier == "up-to" and entry.get("best") == 0:
        problems.append(_problem(record, f"{field_name}best",
                                 f"'up to {count}' gives a range of at most {count}, not a best estimate of 0"))
    return problems


def check_harm(record: Record, field_name: str, entry, quotes: list[str], harm_type: str | None) -> list[str]:
    if not isinstance(entry, dict):
        return []
    harm_type = entry.get("type", harm_type)
    own = _quotes(entry.get("evidence")) or quotes
    problems = check_count(record, f"{field_name}.", entry, own, harm_type)
    parts = [p for p in as_list(entry.get("includes")) if isinstance(p, dict)]
    total = entry.get("count")
    part_counts = [p.get("count") for p in parts if isinstance(p.get("count"), int)]
    if isinstance(total, int) and part_counts and sum(part_counts) > total:
        shown = " + ".join(f"{p.get('count')} {p.get('group', '')}".strip() for p in parts
                           if isinstance(p.get("count"), int))
        problems.append(_problem(record, f"{field_name}.includes",
                                 f"the parts ({shown} = {sum(part_counts)}) exceed the total of {total} "
                                 f"in its quote {_shown(own)}"))
    for m, part in enumerate(parts, start=1):
        problems.extend(check_harm(record, f"{field_name}.includes[{m}]", part, own, harm_type))
    return problems


# --- dates ----------------------------------------------------------------------------------


def _span(value, part=None) -> tuple[dt.date, dt.date] | None:
    try:
        spec = parse_date(value, part)
    except (ValueError, TypeError):
        return None  # the loader reports a malformed date
    return (spec.earliest, spec.latest) if spec.earliest else None


def check_date(record: Record, field_name: str, text_field: str, span, anchor=None,
               within: bool = False) -> list[str]:
    """A coded span against the source's words for it (``date_text``, ``period_text``, ...)."""
    words = record.data.get(text_field)
    if not isinstance(words, str) or span is None:
        return []
    reading = q.read_date(words)
    if reading is None:
        return []  # no date phrase the reader knows; nothing to compare
    if reading.kind == "relative":
        if anchor is None:
            if "relative_to" in record.data or reading.relation == "weekday":
                return []  # a weekday counts back from the document's date, which is not the record's
            return [_problem(record, "relative_to",
                             f"{text_field} {words!r} is relative; say what it counts from (relative_to)")]
    if q.agrees(reading, *span, anchor=anchor, within=within):
        return []
    coded = span[0].isoformat() if span[0] == span[1] else f"{span[0].isoformat()}..{span[1].isoformat()}"
    return [_problem(record, field_name, f"{field_name} {coded} disagrees with {text_field} {words!r} "
                                         f"(reads {q.describe(reading, span[0].year, anchor)})")]


# --- record kinds ---------------------------------------------------------------------------


def check_event(record: Record, events: dict[str, Record]) -> list[str]:
    data = record.data
    problems = []
    for n, harm in enumerate(as_list(data.get("harms")), start=1):
        problems.extend(check_harm(record, f"harms[{n}]", harm, [], None))
    span = _span(data.get("date"), data.get("part"))
    anchor = None
    if data.get("relative_to") in events:
        other = events[data["relative_to"]].data
        anchor = _span(other.get("date"), other.get("part"))
    problems.extend(check_date(record, "date", "date_text", span, anchor))
    if str(data.get("date")) == "unknown" and data.get("date_basis", "stated") == "stated":
        problems.append(_problem(record, "date_basis", "date unknown, so the source states no date: "
                                                       "use date_basis unstated"))
    return problems


def check_statistic(record: Record) -> list[str]:
    data = record.data
    problems = check_count(record, "", data, _quotes(data.get("evidence")))
    key = "as_of" if "as_of" in data else "period"
    problems.extend(check_date(record, key, "period_text", _span(data.get(key), data.get("part")), within=True))
    return problems


def check_relation(record: Record) -> list[str]:
    data = record.data
    problems = []
    for key in ("start", "end"):
        problems.extend(check_date(record, key, f"{key}_text", _span(data.get(key)), within=True))
    qualifier = data.get("start_qualifier")
    words = data.get("start_text")
    if isinstance(qualifier, str) and isinstance(words, str) and not q.has_words(words, qualifier):
        problems.append(_problem(record, "start_qualifier",
                                 f"start_qualifier {qualifier}, but start_text {words!r} has no such word"))
    return problems


def problems(seeds: SeedSet) -> list[str]:
    """Every mismatch between a coded figure or date and its quote, one line each, in file order."""
    found = []
    events = {str(r.data.get("id")): r for r in seeds.records.get("events", [])}
    for kind in sorted(seeds.records):
        for record in seeds.records[kind]:
            marks = draft_marks(record.data)
            if marks:
                found.append(_problem(record, marks[0], "still marked as a draft: review the proposal "
                                                        f"against its quotes, then remove {', '.join(marks)}"))
            if kind == "events":
                found.extend(check_event(record, events))
            elif kind == "statistics":
                found.extend(check_statistic(record))
            elif kind == "relations":
                found.extend(check_relation(record))
    return found


def has_drafts(seeds: SeedSet) -> bool:
    return any(draft_marks(r.data) for records in seeds.records.values() for r in records)


def check(seeds: SeedSet) -> None:
    """Raise ValidationFailed with the first mismatch (and how many there are)."""
    found = problems(seeds)
    if found:
        more = f" (and {len(found) - 1} more; run malikg validate)" if len(found) > 1 else ""
        raise ValidationFailed(found[0] + more)


__all__ = ["problems", "check", "has_drafts", "draft_marks", "check_count"]
