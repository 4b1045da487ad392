"""One error type for everything a user can get wrong, rendered as one clear line."""
from __future__ import annotations


class MalikgError(Exception):
    """A problem with the user's input or request: the CLI prints it as one line and exits non-zero.

    ``where`` names the file, record and field when they are known, so the line reads
    ``seeds/events.yaml: record 'ogota-2024-01-27', field 'date': 2024-02-30 is not a calendar date``.
    """

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, record: str | None = None,
                 field: str | None = None):
        self.message = message
        self.file = file
        self.record = record
        self.field = field
        super().__init__(self.line())

    def line(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.record is not None:
            parts.append(f"record {self.record!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message


class ValidationFailed(MalikgError):
    """The graph does not conform to the SHACL shapes or the integrity rules."""

    exit_code = 1
