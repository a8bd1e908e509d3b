"""redact_name remembers each path component's answer: the same names and the same count as without it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from acronis_triage.collectors import redact
from acronis_triage.collectors.redact import Redactor

_PIECES = ["password=", "token:", "secret", "pwd=x", "Bearer ", "abc", "log", "ProgramData", "mms.0", "=", " ",
           "api_key=Zm9vYmFy", "user:pa55@host", "é", ".log", ".gz"]
_component = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join)
_path = st.tuples(st.lists(_component, min_size=1, max_size=5), st.sampled_from(["/", "\\"])).map(
    lambda t: t[1].join(t[0]))


@settings(max_examples=200, deadline=None)
@given(paths=st.lists(_path, min_size=1, max_size=8))
def test_cached_names_and_counts_are_those_of_a_fresh_redactor(paths: list[str]) -> None:
    cached = Redactor()
    for path in paths:
        fresh = Redactor()
        before = cached.replacements
        assert cached.redact_name(path) == fresh.redact_name(path)
        assert cached.replacements - before == fresh.replacements


def test_the_memory_of_names_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(redact, "_NAMES_KEPT", 10)
    r = Redactor()
    for i in range(25):
        r.redact_name(f"folder{i}/file{i}.log")
    assert len(r._names) <= 10
    assert r.redact_name("password=x/file.log") == "password=REDACTED/file.log"


def test_names_are_not_cached_with_extra_patterns_or_pseudonyms() -> None:
    import re

    r = Redactor(extra=(re.compile("customer"),))
    assert r.redact_name("customer/a.log") == r.redact_name("customer/a.log")
    assert r._names == {}
