"""Shared by the instrument commands: reporting file problems on standard error."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from smartplace.instruments.files import InstrumentFileError


def fail(command: BaseCommand, error: InstrumentFileError, *, what: str) -> CommandError:
    """Write every problem to standard error; return the CommandError that ends the command."""
    for problem in error.problems:
        command.stderr.write(str(problem))
    count = len(error.problems)
    return CommandError(f"{what} ({count} problem{'' if count == 1 else 's'}).")
