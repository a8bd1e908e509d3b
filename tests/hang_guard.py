"""A hang guard for tests of things that must stop (a cancel, a timeout, an abandoned collector).

Such a test makes the work it stops unable to end by itself (it blocks on an event set only after the test, or
loops until cancelled), so its returning at all is the evidence; the guard's deadline is there only so a
regression fails the test instead of hanging the session, and is far longer than any honest run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
HANG_GUARD_S = 120.0


def returns_within(seconds: float, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` on a helper thread; its result or its exception, or a failed test when it
    has not returned after ``seconds``."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test's own thread below
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name="hang-guard")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"{getattr(function, '__name__', function)} did not return within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]
