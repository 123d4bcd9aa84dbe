"""Errors meant for the user: the CLI prints them as one line, never a traceback."""


class Hint2PolicyError(Exception):
    """An error for the user: printed as one line, never a traceback."""


class ToolchainError(Hint2PolicyError):
    """An engine binary cannot be located or built."""


class EngineMissing(ToolchainError):
    """A pinned engine is neither in the tools cache nor on PATH."""


class EngineError(Hint2PolicyError):
    """An engine process could not be run or did not finish in time."""

    def __init__(self, message: str, *, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


class SpecError(Hint2PolicyError):
    """A mistake in a hint spec or fixture, located at file:line and a field path."""

    def __init__(self, file: object, line: int, field: str, message: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        super().__init__(f"{_display(file)}:{line}: {field}: {message}")


def _display(file: object) -> str:
    """A path relative to the working directory when it lies below it."""
    from pathlib import Path

    path = Path(str(file))
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
