"""Errors the library raises; the CLI turns each into one line and an exit code."""

from __future__ import annotations


class LfkError(Exception):
    """Base of every error lfk reports to a user (exit code 2 unless said otherwise).

    ``message`` says what is wrong, ``hint`` how to fix it; ``location`` is ``file:line`` when known.
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class UsageError(LfkError):
    """A bad option, argument or combination of them."""


class RootNotFound(LfkError):
    """No register root (a folder with ``lfk.yaml``) could be found."""


class ConfigError(LfkError):
    """``lfk.yaml`` cannot be used (unreadable, invalid)."""


class InputError(LfkError):
    """An input file or revision cannot be read."""


class WriteError(LfkError):
    """A file cannot be written; nothing was changed."""
