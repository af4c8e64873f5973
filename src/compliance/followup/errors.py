"""Why a change to a task was refused: one stable code per failure, its text in messages.py.

The code is what scripts and the web match on (``task.not_found`` is a 404, every other code a
400); the Vietnamese text says what to do, without naming a command-line option, because a web
user reads it too (the CLI adds its own hint, see ``compliance.cli_tasks``).
"""

from __future__ import annotations

from compliance.exceptions import CodedError


class TaskError(CodedError):
    """A change to a task that was not made; nothing was written."""

    code = "task.refused"  # every instance carries its own code (task.*)


class TaskNotFound(TaskError):
    http_status = 404

    def __init__(self, task_id: int) -> None:
        super().__init__("task.not_found", task_id=task_id)


class TransitionNotAllowed(TaskError):
    """The lifecycle table has no such move from the task's status."""

    def __init__(self, status: str, change: str) -> None:
        super().__init__("task.transition_not_allowed", status=status, change=change)
