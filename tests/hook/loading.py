"""Load the handler from the file tfbg ships (templates/ecs/hook/handler.py), not from an installed package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.hook.ecs_contract import FakeClock

HANDLER_PATH = Path(__file__).resolve().parents[2] / "templates" / "ecs" / "hook" / "handler.py"


def load_handler(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> Any:
    """Load the shipped handler file as Lambda would import it, with the fake clock."""
    spec = importlib.util.spec_from_file_location("tfbg_ecs_hook_handler", HANDLER_PATH)
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve string annotations through sys.modules, as a normal import would have it.
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "clock", clock)
    return module
