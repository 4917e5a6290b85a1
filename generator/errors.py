"""The errors the library raises. The CLI turns each into a Chinese message and an exit code.

QinglianError
├── ValidationError   sources are wrong: a list of problems, each with path and line (exit 1)
├── ConfigError       a command's own input (an exam file, an option) is unusable (exit 1)
└── BuildError        a renderer failed on valid sources (exit 3)
"""

from __future__ import annotations

from dataclasses import dataclass

WHOLE_FILE = 0  # Problem.line of a problem about a file as a whole (its format, a duplicate…)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the sources, located for the editor: ``path:line: message``, or
    ``path: message`` when it concerns the whole file (``line`` is ``WHOLE_FILE``; such problems
    sort before the file's located ones)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line == WHOLE_FILE:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class QinglianError(Exception):
    exit_code = 1


class ValidationError(QinglianError):
    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} 个问题")


class ConfigError(QinglianError):
    pass


class BuildError(QinglianError):
    exit_code = 3
