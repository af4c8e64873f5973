"""Terminal output shared by the CLI commands: a rich console and progress bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

# No emoji codes: ":x:" in a unit's name or an error message is printed as typed. Markup stays
# for our own styling; user data and messages are escaped or printed with markup=False.
console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)


class RichProgress:
    """A ``ProgressSink`` drawing one bar per stage on stderr (stdout stays for data)."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress

    def stage(self, description: str, total: int | None) -> Callable[[int], None]:
        task = self._progress.add_task(description, total=total)

        def advance(n: int) -> None:
            self._progress.advance(task, n)

        return advance


@contextmanager
def progress_bars(enabled: bool = True) -> Iterator[RichProgress]:
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
        disable=not enabled,
    )
    with progress:
        yield RichProgress(progress)


def fail(exc: Exception) -> typer.Exit:
    """How every command ends on a refusal: the Vietnamese text on stderr, in red, and the
    error's own exit code (compliance.exceptions: 1 refused, 3 database, 4 rule engine)."""
    err_console.print(f"[red]{escape(str(exc))}[/red]", highlight=False)
    return typer.Exit(code=getattr(exc, "exit_code", 1))
