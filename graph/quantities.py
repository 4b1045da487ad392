"""Reading counts, qualifiers and dates from a source's own words.

One reader serves two jobs: ``malikg draft`` proposes counts and dates from a new document, and
validation checks that every coded figure and date agrees with the quote it cites. Both must read
"at least ten people" and "On August 9 and 16" the same way, so both call this module.

Plain rules over the English of human-rights reporting: the phrases are few and regular
(a qualifier, a number in digits or words, a group noun; a month, a day, a year or a relative
phrase), and rules keep the reading deterministic and explainable in one line.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

# --- numbers --------------------------------------------------------------------------------

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
#: "a dozen" is a number; "dozens" and "hundreds" are not (they become the qualifier several).
DOZEN = {"dozen": 12}

_WORD = "|".join(sorted(list(UNITS) + list(TENS), key=len, reverse=True))
_SCALE = "|".join(SCALES)
_WORD_NUMBER = (rf"(?:(?:{_WORD})(?:[- ](?:{_WORD}))?(?:\s+(?:{_SCALE})(?:\s+(?:and\s+)?(?:{_WORD})"
                rf"(?:[- ](?:{_WORD}))?)?)*|(?:a|one)\s+(?:{_SCALE}|dozen))")
_DIGITS = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?"
NUMBER = re.compile(rf"(?<![\w-])(?:{_DIGITS}|{_WORD_NUMBER})(?![\w])", re.IGNORECASE)

#: Qualifier words as they stand before a number, and the seed qualifier each gives.
QUALIFIER_WORDS = {
    "at least": "at-least", "a minimum of": "at-least", "no fewer than": "at-least",
    "over": "over", "more than": "over", "upwards of": "over",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about",
    "some": "about", "an estimated": "about", "nearly": "about", "almost": "about",
    "up to": "up-to", "as many as": "up-to",
}
_QUALIFIER = re.compile(r"(?:^|\W)(" + "|".join(sorted(map(re.escape, QUALIFIER_WORDS), key=len, reverse=True))
                        + r")\s+$", re.IGNORECASE)
#: Words for an unnumbered plural ("several homes", "dozens of people").
VAGUE_WORDS = ("several", "dozens", "hundreds", "thousands", "scores", "many", "numerous")
VAGUE = re.compile(r"\b(" + "|".join(VAGUE_WORDS) + r")\b", re.IGNORECASE)
#: What each seed qualifier needs to find in its quote.
QUALIFIER_EVIDENCE = {q: tuple(w for w, v in QUALIFIER_WORDS.items() if v == q)
                      for q in set(QUALIFIER_WORDS.values())}
QUALIFIER_EVIDENCE["several"] = VAGUE_WORDS


def parse_number(text: str) -> int | None:
    """The value of one number written in digits or words: "1,000", "twenty-eight", "ten"."""
    words = text.lower().replace("-", " ").replace(",", "").split()
    if not words:
        return None
    if words[0].replace(".", "").isdigit():
        value = float(words[0])
        for word in words[1:]:
            value *= SCALES.get(word, 1)
        return int(value)
    total = current = 0
    seen = False
    for word in words:
        if word == "and":
            continue
        if word in ("a",):
            current, seen = 1, True
        elif word in UNITS:
            current += UNITS[word]
            seen = True
        elif word in TENS:
            current += TENS[word]
            seen = True
        elif word in DOZEN:
            current = max(current, 1) * 12
            seen = True
        elif word in SCALES:
            scale = SCALES[word]
            current = max(current, 1) * scale
            if scale >= 1000:
                total, current = total + current, 0
        else:
            return None
    return total + current if seen else None


@dataclass(frozen=True)
class Quantity:
    """A number in a text, where it stands, and the qualifier written just before it."""

    value: int
    text: str
    start: int
    end: int
    qualifier: str  # a seed qualifier: exact, at-least, over, about, up-to
    qualifier_text: str | None = None

    @property
    def phrase_start(self) -> int:
        return self.start - (len(self.qualifier_text) + 1 if self.qualifier_text else 0)


_RANGE_NEXT = re.compile(r"\s*(?:–|—|-|to)\s*(?=\d)")


def quantities(text: str) -> list[Quantity]:
    """Every number in ``text``, digits or words, with the qualifier words before it.

    "20+" reads as at least 20; in a range "25–82" the first figure is a floor (at least 25)
    and the second a ceiling (up to 82, or at least 82 when written "82+").
    """
    found = []
    previous_low = False
    for match in NUMBER.finditer(text):
        value = parse_number(match.group(0))
        if value is None:
            continue
        before = text[max(0, match.start() - 24):match.start()]
        qualifier = _QUALIFIER.search(before)
        read, words = (QUALIFIER_WORDS[qualifier.group(1).lower()], qualifier.group(1)) if qualifier else ("exact", None)
        if previous_low:  # the ceiling of a range
            read, words = "up-to", words or "–"
        starts_range = bool(_RANGE_NEXT.match(text, match.end())) and not previous_low
        if starts_range:
            read, words = "at-least", words or "from"
        if text.startswith("+", match.end()):
            read, words = "at-least", "+"
        found.append(Quantity(value, match.group(0), match.start(), match.end(), read, words))
        previous_low = starts_range
    return found


#: Nouns of the victim groups, singular first, as reports write them.
GROUP_NOUNS = {
    "men": ("man", "men"), "women": ("woman", "women"), "boys": ("boy", "boys"),
    "girls": ("girl", "girls"), "children": ("child", "children"),
    "older-men": ("older man", "older men", "elderly man", "elderly men"),
    "older-women": ("older woman", "older women", "elderly woman", "elderly women"),
    "people": ("person", "people", "persons"), "villagers": ("villager", "villagers"),
    "civilians": ("civilian", "civilians"), "homes": ("home", "homes", "house", "houses"),
    "livestock": ("livestock", "head of cattle", "cattle"),
    "health-facilities": ("health center", "health centre", "health facility", "clinic"),
    "blind-persons": ("blind",), "journalists": ("journalist", "journalists"),
    "whistleblowers": ("whistleblower", "whistleblowers"),
    "security-force-members": ("security force member", "security force members", "soldiers"),
}
#: The noun a harm type counts when it names no group ("burned 100 homes").
TYPE_NOUNS = {"homes-burned": "homes", "homes-looted": "homes", "livestock-looted": "livestock",
              "health-facility-burned": "health-facilities"}
_ARTICLE_ONE = re.compile(r"(?:^|\W)(a|an|the|one)\s+(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)


def counts_before(text: str, noun: str, window_words: int = 3) -> list[Quantity]:
    """The number written just before each occurrence of ``noun`` ("six other men": six).

    Up to ``window_words`` words may stand between ("seven civilian men", "three ethnic-Fulani
    men"); "a", "an", "the" directly before a singular noun read as one ("an older woman").
    """
    found = []
    numbers = quantities(text)
    for match in re.finditer(rf"(?<![\w-]){re.escape(noun)}(?![\w])", text, re.IGNORECASE):
        before = [q for q in numbers if q.end <= match.start()]
        if before:
            gap = text[before[-1].end:match.start()]
            if len(gap.split()) <= window_words and not re.search(r"[,;.:]|\band\b", gap):
                found.append(before[-1])
                continue
        article = _ARTICLE_ONE.search(text[max(0, match.start() - 40):match.start()])
        if article and not noun.endswith("s") or article and noun in ("livestock",):
            found.append(Quantity(1, article.group(1), match.start() - len(article.group(0)),
                                  match.start(), "exact"))
    return found


def group_counts(text: str, group: str | None) -> list[Quantity]:
    """The numbers the text gives for ``group``, read before each of its nouns."""
    found = []
    for noun in GROUP_NOUNS.get(group or "", ()):
        found.extend(counts_before(text, noun))
    return sorted(set(found), key=lambda q: q.start)


def has_words(text: str, qualifier: str) -> bool:
    """Whether the words a qualifier stands for occur in ``text``."""
    words = QUALIFIER_EVIDENCE.get(qualifier)
    if words is None:
        return True
    return any(re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE) for w in words)


# --- dates ----------------------------------------------------------------------------------

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTH = "|".join(calendar.month_name[1:])
_YEAR = r"(?:19|20)\d\d"
_PART = r"(?:early|mid|late|the end of|the beginning of|the start of|the middle of)"
PART_WORDS = {"early": "early", "the beginning of": "early", "the start of": "early",
              "mid": "mid", "the middle of": "mid", "late": "late", "the end of": "late"}
RELATIVE = {
    "later the same day": "same-day", "the same day": "same-day", "that same day": "same-day",
    "that day": "same-day", "the following day": "next-day", "the next day": "next-day",
    "the day after": "next-day", "the previous day": "previous-day", "the day before": "previous-day",
    "the same month": "same-month", "that month": "same-month", "the following month": "next-month",
    "the next month": "next-month", "the same week": "same-week",
}
WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}

_DASH = r"\s*(?:–|—|-|to|until|through)\s*"
_DATE_PATTERNS = [
    ("day-range", re.compile(rf"\b(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})\s+(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?\b")),
    ("day-range", re.compile(rf"\b(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})(?:,?\s+(?P<y1>{_YEAR}))?\b")),
    ("interval", re.compile(
        rf"\b(?:[Bb]etween|[Ff]rom)\s+(?P<m1>{_MONTH})(?:\s+(?P<d1>\d{{1,2}}))?(?:,?\s+(?P<y1>{_YEAR}))?"
        rf"\s+(?:and|to|until|through)\s+(?P<m2>{_MONTH})(?:\s+(?P<d2>\d{{1,2}}))?(?:,?\s+(?P<y2>{_YEAR}))?\b")),
    ("year-interval", re.compile(rf"\b(?:[Bb]etween|[Ff]rom)\s+(?P<y1>{_YEAR})\s+(?:and|to)\s+(?P<y2>{_YEAR})\b")),
    ("days", re.compile(
        rf"\b(?P<m1>{_MONTH})\s+(?P<days>\d{{1,2}}(?:(?:,\s*|,?\s+and\s+)\d{{1,2}})*)(?![\d:])(?:,?\s+(?P<y1>{_YEAR}))?\b")),
    ("day-first", re.compile(rf"\b(?P<days>\d{{1,2}}(?:(?:,\s*|,?\s+and\s+)\d{{1,2}})*)\s+(?P<m1>{_MONTH})"
                             rf"(?:,?\s+(?P<y1>{_YEAR}))?\b")),
    ("part-month", re.compile(rf"\b(?P<part>{_PART})[-\s]+(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?\b",
                              re.IGNORECASE)),
    ("part-year", re.compile(rf"\b(?P<part>{_PART})[-\s]+(?P<y1>{_YEAR})\b", re.IGNORECASE)),
    ("month", re.compile(rf"(?:(?<=\b[Ii]n )|(?<=\b[Bb]y )|(?<=\b[Ss]ince )|(?<=\b[Uu]ntil )|(?<=\b[Oo]f )"
                         rf"|(?<=\b[Ll]ast )|(?<=\b[Tt]his )|(?<=\b[Ee]nd )|(?<=^))"
                         rf"(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?\b"
                         # "May" alone is mostly the verb; followed by a year it is the month.
                         rf"|\b(?P<m3>May),?\s+(?P<y3>{_YEAR})\b"
                         rf"|\b(?P<m2>(?!May\b)(?:{_MONTH}))(?:,?\s+(?P<y2>{_YEAR}))?\b")),
    ("year", re.compile(rf"(?<![\d-])(?P<y1>{_YEAR})(?![\d-])")),
    ("relative", re.compile(r"\b(" + "|".join(sorted(RELATIVE, key=len, reverse=True)) + r")\b",
                            re.IGNORECASE)),
    ("weekday", re.compile(r"\b(?:(?:on|last)\s+)?(" + "|".join(calendar.day_name) + r")\b")),
]


@dataclass(frozen=True)
class DateReading:
    """A date phrase read from a text: what it says, not yet placed in a year it does not give."""

    kind: str                 # day | days | month | part-of-month | year | part-of-year | interval | relative
    text: str
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    days: tuple[int, ...] = ()
    part: str | None = None
    end_year: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    relation: str | None = None   # same-day, next-day, same-month, weekday, ...
    weekday: int | None = None    # "on Sunday": 6, counted back from the document's date

    def bounds(self, year: int | None = None, anchor: tuple[dt.date, dt.date] | None = None
               ) -> list[tuple[dt.date, dt.date]]:
        """The (earliest, latest) spans the phrase allows, each a reading of it.

        ``year`` places a phrase that gives none ("On January 27"); ``anchor`` is the span of
        what a relative phrase counts from. "August 9 and 16" allows each day and the span of both.
        """
        y = self.year or year
        try:
            if self.kind == "relative":
                return _relative_bounds(self.relation, anchor, self.weekday) if anchor else []
            if y is None:
                return []
            if self.kind in ("day", "days"):
                spans = [(dt.date(y, self.month, d), dt.date(y, self.month, d)) for d in self.days]
                if len(self.days) > 1:
                    spans.append((dt.date(y, self.month, min(self.days)), dt.date(y, self.month, max(self.days))))
                return spans
            if self.kind == "month":
                return [_month_span(y, self.month)]
            if self.kind == "part-of-month":
                return [_part_span(y, self.month, self.part)]
            if self.kind == "year":
                return [(dt.date(y, 1, 1), dt.date(y, 12, 31))]
            if self.kind == "part-of-year":
                return [_part_span(y, None, self.part)]
            if self.kind == "interval":
                end_year = self.end_year or y
                first = (dt.date(y, self.month, self.days[0]) if self.days else dt.date(y, self.month or 1, 1))
                last = (dt.date(end_year, self.end_month, self.end_day) if self.end_day
                        else _month_span(end_year, self.end_month or 12)[1])
                return [(first, last)]
        except ValueError:  # "February 30": no such day, so nothing agrees with it
            return []
        return []

    def seed(self, year: int | None) -> tuple[str, str | None] | None:
        """The seed ``date`` (and ``part``) this phrase gives in ``year``; None if it needs more."""
        y = self.year or year
        if y is None or self.kind == "relative" or not self.bounds(y):
            return None  # no such day ("June 31"), or it needs what it counts from
        if self.kind in ("day", "days"):
            if len(self.days) != 1:
                return None
            return f"{y:04d}-{self.month:02d}-{self.days[0]:02d}", None
        if self.kind == "month":
            return f"{y:04d}-{self.month:02d}", None
        if self.kind == "part-of-month":
            return f"{y:04d}-{self.month:02d}", self.part
        if self.kind == "year":
            return f"{y:04d}", None
        if self.kind == "part-of-year":
            return f"{y:04d}", self.part
        first = f"{y:04d}-{self.month:02d}" + (f"-{self.days[0]:02d}" if self.days else "")
        end_year = self.end_year or y
        last = f"{end_year:04d}-{self.end_month:02d}" + (f"-{self.end_day:02d}" if self.end_day else "")
        return f"{first}..{last}", None


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _part_span(year: int, month: int | None, part: str) -> tuple[dt.date, dt.date]:
    from .seeds import parse_date  # the seed convention for "early/mid/late" is defined there

    spec = parse_date(f"{year:04d}-{month:02d}" if month else f"{year:04d}", part)
    return spec.earliest, spec.latest


def _relative_bounds(relation: str, anchor: tuple[dt.date, dt.date], weekday: int | None = None
                     ) -> list[tuple[dt.date, dt.date]]:
    first, last = anchor
    one = dt.timedelta(days=1)
    if relation == "weekday":  # the last such day on or before the anchor (a news item's date)
        day = first - dt.timedelta(days=(first.weekday() - weekday) % 7)
        return [(day, day)]
    if relation == "same-day":
        return [anchor] if first == last else []
    if relation == "next-day":
        return [(first + one, first + one)] if first == last else []
    if relation == "previous-day":
        return [(first - one, first - one)] if first == last else []
    if relation == "same-month":
        return [_month_span(first.year, first.month)] + ([anchor] if first != last else [])
    if relation == "next-month":
        year, month = (first.year + 1, 1) if first.month == 12 else (first.year, first.month + 1)
        return [_month_span(year, month)]
    if relation == "same-week":
        return [(first - 6 * one, first + 6 * one)]
    return []


def _int(value) -> int | None:
    return int(value) if value else None


def dates(text: str) -> list[DateReading]:
    """Every date phrase in ``text``, in order, none overlapping (the most specific wins)."""
    taken: list[tuple[int, int]] = []
    found = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end or any(s < end and start < e for s, e in taken):
                continue
            reading = _reading(kind, match)
            if reading:
                taken.append((start, end))
                found.append(reading)
    return sorted(found, key=lambda r: r.start)


def _reading(kind: str, match: re.Match) -> DateReading | None:
    g = match.groupdict()
    common = {"text": match.group(0), "start": match.start(), "end": match.end()}
    if kind == "weekday":
        return DateReading("relative", relation="weekday", weekday=WEEKDAYS[match.group(1).lower()], **common)
    if kind == "relative":
        phrase = match.group(1).lower()
        return DateReading("relative", relation=RELATIVE[phrase], **common)
    if kind == "day-range":
        month = MONTHS[g["m1"].lower()]
        return DateReading("interval", year=_int(g["y1"]), month=month, days=(int(g["d1"]),),
                           end_month=month, end_day=int(g["d2"]), **common)
    if kind == "year-interval":
        return DateReading("interval", year=int(g["y1"]), month=1, end_year=int(g["y2"]), end_month=12, **common)
    if kind == "interval":
        return DateReading("interval", year=_int(g["y1"]) or _int(g["y2"]), month=MONTHS[g["m1"].lower()],
                           days=(int(g["d1"]),) if g["d1"] else (), end_year=_int(g["y2"]),
                           end_month=MONTHS[g["m2"].lower()], end_day=_int(g["d2"]), **common)
    if kind in ("days", "day-first"):
        days = tuple(int(d) for d in re.findall(r"\d{1,2}", g["days"]))
        if any(not 1 <= d <= 31 for d in days):
            return None
        return DateReading("days" if len(days) > 1 else "day", year=_int(g["y1"]),
                           month=MONTHS[g["m1"].lower()], days=days, **common)
    if kind == "part-month":
        return DateReading("part-of-month", year=_int(g["y1"]), month=MONTHS[g["m1"].lower()],
                           part=PART_WORDS[g["part"].lower()], **common)
    if kind == "part-year":
        return DateReading("part-of-year", year=int(g["y1"]), part=PART_WORDS[g["part"].lower()], **common)
    if kind == "month":
        name, year = next((g[m], g[y]) for m, y in (("m1", "y1"), ("m3", "y3"), ("m2", "y2")) if g[m])
        return DateReading("month", year=_int(year), month=MONTHS[name.lower()], **common)
    if kind == "year":
        return DateReading("year", year=int(g["y1"]), **common)
    return None


def read_date(text: str) -> DateReading | None:
    """The first date phrase of ``text``, or None."""
    found = dates(text)
    return found[0] if found else None


def agrees(reading: DateReading, earliest: dt.date, latest: dt.date, anchor=None,
           within: bool = False) -> bool:
    """Whether a coded span agrees with what the phrase says (or lies within it, for periods).

    The phrase's own year counts when it gives one; otherwise the coded year is taken, since a
    phrase such as "On January 27" cannot contradict a year it does not state.
    """
    for first, last in reading.bounds(earliest.year, anchor):
        if (first, last) == (earliest, latest):
            return True
        if within and first <= earliest and latest <= last:
            return True
    return False


def describe(reading: DateReading, year: int | None = None, anchor=None) -> str:
    """A short account of what was read, for error messages: "2024-01-27" or "a relative date"."""
    spans = reading.bounds(year, anchor)
    if not spans:
        return f"{reading.text!r}"
    first, last = spans[0]
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


__all__ = ["Quantity", "quantities", "parse_number", "group_counts", "counts_before", "has_words",
           "DateReading", "dates", "read_date", "agrees", "describe", "GROUP_NOUNS", "TYPE_NOUNS",
           "QUALIFIER_WORDS", "VAGUE"]
