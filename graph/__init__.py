"""malikg: a knowledge graph of the armed conflict in Mali, built from coded, quoted records."""

__version__ = "0.1.0"
