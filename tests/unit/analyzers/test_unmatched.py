"""Unknown error templates: masking, grouping, Drain merge, first/last seen, cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from acronis_triage.analyzers.unmatched import MAX_TEMPLATES, UnmatchedCollector, mask

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("line", "template"), [
    ("2024-05-13T19:13:35:724+02:00 140574684256000 W00A100D4: Error 0xa100d4: Failed to find archive 'SQL daily'.",
     "W00A100D4: Error <*> Failed to find archive <*>"),
    ("Connection to 10.0.5.48:443 is slow: 44431 ms", "Connection to <*> is slow: <*> ms"),
    ("Session 8060457A-9A65-47E6-BDF3-7AA8A6407734 failed", "Session <*> failed"),
    ('File "C:\\Users\\x\\ntuser.dat" and /var/lib/Acronis/x.db locked', "File <*> and <*> locked"),
    ("C:\\ProgramData\\Acronis\\x.log is missing", "<*> is missing"),
])
def test_mask(line, template):
    assert mask(line) == template


def test_same_template_is_counted_with_first_and_last_seen():
    c = UnmatchedCollector()
    for i in range(5):
        c.add(f"Connection to 10.0.0.{i} is slow: {i * 100} ms", "warning", "jsonl", "a.log", i + 1,
              T0 + timedelta(minutes=i))
    c.add("Something else broke", "error", "jsonl", "a.log", 9, T0)
    [slow, other] = c.templates()
    assert (slow.template, slow.level, slow.count) == ("Connection to <*> is slow: <*> ms", "warning", 5)
    assert (slow.first_seen, slow.last_seen) == (T0, T0 + timedelta(minutes=4))
    assert (slow.example.file, slow.example.line) == ("a.log", 1)
    assert other.count == 1


def test_levels_are_kept_apart():
    c = UnmatchedCollector()
    c.add("Disk is full", "warning", "text", "a", 1)
    c.add("Disk is full", "error", "text", "a", 2)
    assert sorted(t.level for t in c.templates()) == ["error", "warning"]


def test_drain_merges_templates_differing_in_a_word():
    c = UnmatchedCollector()
    for name in ("alpha", "beta", "gamma", "delta"):
        c.add(f"Backup plan {name} was skipped because the machine was offline", "warning", "text", "a", 1)
    [merged] = c.templates()
    assert merged.count == 4
    assert "<*>" in merged.template
    assert merged.template.startswith("Backup plan")


def test_lazy_line_numbers_are_asked_only_for_new_templates():
    asked = []
    c = UnmatchedCollector()
    for i in range(3):
        line = "2024-05-01T10:00:00:000+02:00 1 W00000001: same thing"
        c.add(line, "warning", "mms", "f", lambda i=i: asked.append(i) or i)
    assert asked == [0]


def test_times_resolved_from_the_first_and_last_lines():
    c = UnmatchedCollector()
    c.add("t=1 thing", "warning", "mms", "f", 1)
    c.add("t=2 thing", "warning", "mms", "f", 2)
    c.resolve_times(lambda kind, text: T0 + timedelta(hours=int(text[2])))
    [t] = c.templates()
    assert (t.first_seen, t.last_seen) == (T0 + timedelta(hours=1), T0 + timedelta(hours=2))


def test_merge_of_collectors_from_several_files_keeps_the_earliest_example():
    a, b = UnmatchedCollector(), UnmatchedCollector()
    a.add("Disk is full", "error", "text", "late.log", 7, T0 + timedelta(days=1))
    b.add("Disk is full", "error", "text", "early.log", 3, T0)
    a.merge(b)
    [t] = a.templates()
    assert (t.count, t.example.file, t.first_seen, t.last_seen) == (2, "early.log", T0, T0 + timedelta(days=1))


def test_capped_and_sorted_by_count():
    c = UnmatchedCollector()
    for i in range(80):  # Drain never merges templates of different lengths
        for _ in range(i % 7 + 1):
            c.add("failure " * (i + 1), "error", "text", "f", 1)
    out = c.templates()
    assert len(out) == MAX_TEMPLATES
    counts = [t.count for t in out]
    assert counts == sorted(counts, reverse=True)


def test_pickles_without_its_cache():
    import pickle

    c = UnmatchedCollector()
    c.add("x 1", "error", "text", "f", 1)
    d = pickle.loads(pickle.dumps(c))
    assert d.templates()[0].count == 1
