"""Names as ACLED and the graph write them: how they are compared, and the slugs IRIs are minted from."""
from __future__ import annotations

import hashlib
import re
import unicodedata


def normal(name: str) -> str:
    """A name as compared: accents, case, apostrophe style and spacing ignored."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.casefold().split())


def slugify(name: str) -> str:
    """A lowercase slug for an IRI; names with no Latin letters or digits get a hash."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "x" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
