"""Reading a written page without a browser: its start tags, to check what it could load."""
from __future__ import annotations

from html.parser import HTMLParser


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def start_tags(text: str) -> list[tuple[str, dict]]:
    """Every start tag of the page, in order, with its attributes."""
    parser = _Tags()
    parser.feed(text)
    return parser.tags
