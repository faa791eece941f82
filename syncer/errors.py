"""One error hierarchy. The CLI turns each into one line and an exit code; nothing else exits."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFLICT = 3


class SyncerError(Exception):
    """A failure the user can act on: its message is the one line they see."""

    exit_code = EXIT_FAILED


class ConfigError(SyncerError):
    """The configuration or the command line is wrong; nothing was read or written."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class SourceError(SyncerError):
    """The notes document could not be read as what it claims to be."""


class MissingImage(SourceError):
    """An image the doc shows cannot be had for good (an export lacks it, its link answers
    404): it is left out and said so, rather than every run failing on it. ``why`` ends the
    note "N images … left out"."""

    def __init__(self, message: str, why: str = "the export refers to but does not hold"):
        super().__init__(message)
        self.why = why


class AuthError(SyncerError):
    """A credential is missing or was rejected; the message names what to check."""


class PageError(SyncerError):
    """An archive page could not be read, understood or written."""


class VersionConflict(PageError):
    """Someone saved the page between our read and our write; the sync re-reads and retries."""


class SectionConflict(SyncerError):
    """The run finished, but a section changed both on the page and in the doc was kept."""

    exit_code = EXIT_CONFLICT
