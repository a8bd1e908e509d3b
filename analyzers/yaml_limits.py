"""YAML from a folder someone handed us (signatures, the KB index, localization) is input like any log.

PyYAML builds an alias as a reference to the anchored node, so a few kilobytes of nested aliases (a "billion
laughs") load quickly and in little memory, and blow up later, wherever the data is walked or written out (the
JSON cache writer expanded one to 3.9 GB). `check_expansion` measures what the loaded data expands to, every
alias counted at its full size, and refuses it past a budget proportional to the file, with the reason.
"""

from __future__ import annotations

from typing import Any

# Units: one per mapping, list or scalar, plus the characters of every string. A real file expands to about its
# own size; an alias bomb to millions of times it.
EXPANSION_PER_BYTE = 16
EXPANSION_FLOOR = 1_000_000


class YamlExpansionError(ValueError):
    """The loaded YAML would expand past the budget (an alias bomb), or refers to itself."""


def expansion_budget(file_bytes: int) -> int:
    return EXPANSION_FLOOR + EXPANSION_PER_BYTE * file_bytes


def check_expansion(docs: Any, file_bytes: int) -> None:
    """Raise `YamlExpansionError` when `docs` (what ``yaml.load`` / ``load_all`` gave) is too large expanded."""
    budget = expansion_budget(file_bytes)
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(obj: Any) -> int:
        if isinstance(obj, str):
            return 1 + len(obj)
        if not isinstance(obj, (dict, list)):
            return 1
        key = id(obj)
        known = memo.get(key)
        if known is not None:
            return known
        if key in active:
            raise YamlExpansionError("an alias refers to the node that contains it (recursive data); refused")
        active.add(key)
        total = 1
        for item in (obj.items() if isinstance(obj, dict) else obj):
            total += size(item[0]) + size(item[1]) if isinstance(obj, dict) else size(item)
            if total > budget:
                raise YamlExpansionError(
                    f"its aliases expand to more than {budget:,} nodes and characters (from {file_bytes:,} bytes "
                    "of YAML): an alias bomb; refused")
        active.discard(key)
        memo[key] = total
        return total

    try:
        size(docs)
    except RecursionError:
        raise YamlExpansionError("nested too deeply; refused") from None
