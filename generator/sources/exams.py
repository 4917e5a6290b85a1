"""An exam file, wherever it is: the corpus's own exams were read and checked by the loader; a
file elsewhere (a trainer's copy) is read and validated here, with the same messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import Problem, ValidationError
from ..model.corpus import Corpus, Exam
from .files import read_yaml
from .validate import validate_model


def load_exam(path: Path, corpus: Corpus) -> tuple[Exam, Callable[..., int]]:
    """The exam and its ``line(*keys)`` lookup: the corpus's own when the file is one of its
    exams (read and checked once, by the loader), else the file read and validated now."""
    path = Path(path).resolve()
    try:
        rel = path.relative_to(corpus.root).as_posix()
    except ValueError:
        rel = str(path)
    for exam in corpus.exams:
        if exam.path == rel:
            return exam, lambda *loc: corpus.line_of(rel, *loc)
    if not path.is_file():
        raise ValidationError([Problem(rel, 1, "找不到考试文件")])
    located, problems = read_yaml(path, rel)
    if located is None:
        raise ValidationError(problems)
    found, problems = validate_model(Exam, located, rel)
    if found is None:
        raise ValidationError(problems)
    found.path = rel
    return found, lambda *loc: located.line(tuple(loc))
