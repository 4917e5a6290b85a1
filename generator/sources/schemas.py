"""The schemas of source files live in the model (``model/schemas.py``: the model never imports
``sources``); this module keeps the old import path working."""

from __future__ import annotations

from typing import Any

from ..model import schemas as _schemas
from ..model.schemas import *  # noqa: F403


def __getattr__(name: str) -> Any:
    return getattr(_schemas, name)
