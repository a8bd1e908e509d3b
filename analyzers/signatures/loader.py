"""Load and validate the signature database: every problem is collected with file, signature id and field, and a
broken signature never keeps the others from loading."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from acronis_triage.analyzers.codes import CodeSpecError, spec_keys
from acronis_triage.analyzers.model import LEVELS, SEVERITIES, KBRef
from acronis_triage.analyzers.signatures.patterns import PatternSpec
from acronis_triage.analyzers.signatures.schema import (
    CONDITION_KEYS,
    ID_RE,
    KINDS,
    MATCH_KEYS,
    PLATFORMS,
    SAMPLE_KEYS,
    SIGNATURE_KEYS,
    Condition,
    Problem,
    Rule,
    Signature,
    SignatureSet,
)
from acronis_triage.analyzers.yaml_limits import YamlExpansionError, check_expansion

_CACHE_VERSION = 2
REQUIRED = ("id", "title", "severity", "kb", "match", "samples")
_WINDOW_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class _Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def default_directory() -> Path:
    """The signatures in use: the shipped ones, or those of a newer imported pack (`analyzers.knowledge`)."""
    from acronis_triage.analyzers.knowledge import current

    return current().signatures


def load_signatures(directory: str | Path | None = None, *, check_hyperscan: bool = True) -> SignatureSet:
    """Every ``*.yaml``/``*.yml`` under `directory` (any depth), validated."""
    root = Path(directory) if directory is not None else default_directory()
    result = SignatureSet(directory=root)
    if not root.is_dir():
        result.problems.append(Problem(str(root), "", "", "signature folder not found"))
        return result
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
    seen: dict[str, Path] = {}
    loaded: list[Signature] = []
    for path, docs in _parsed_files(files, root, result.problems):
        loaded.extend(_signatures_of(docs, path, root, result.problems))
    if check_hyperscan:
        loaded = _drop_hyperscan_failures(loaded, root, result.problems)
    for sig in loaded:
        path = sig.file or root
        if sig.id in seen:
            result.problems.append(Problem(
                _rel(path, root), sig.id, "id", f"duplicate id, already defined in {_rel(seen[sig.id], root)}"))
            continue
        seen[sig.id] = path
        result.signatures.append(sig)
    return result


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _parsed_files(files: list[Path], root: Path, problems: list[Problem]) -> list[tuple[Path, list[Any] | None]]:
    """The YAML documents of every file. Parsing is most of the load time (~35 ms for 105 files even with
    libyaml, whose object construction is Python), so the parsed documents are cached as JSON beside the
    compiled hyperscan database, keyed by the hash of every file's path and bytes. JSON, not pickle: a cache
    file is data, never code. Only a set that parses cleanly and survives a JSON round trip unchanged is cached;
    everything else takes the YAML path (and reports its problems) every time."""
    contents: list[bytes | None] = []
    digest = hashlib.sha256(f"signatures-v{_CACHE_VERSION}".encode())
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            data = None
        contents.append(data)
        digest.update(_rel(path, root).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(b"\1" if data is None else hashlib.sha256(data).digest())
    cache = _cache_path(digest.hexdigest()[:32]) if all(c is not None for c in contents) else None
    if cache is not None:
        cached = _read_cache(cache, len(files))
        if cached is not None:
            return list(zip(files, cached, strict=True))
    out = [(path, _parse_file(path, data, root, problems)) for path, data in zip(files, contents, strict=True)]
    if cache is not None and all(docs is not None for _, docs in out):
        _write_cache(cache, [docs for _, docs in out if docs is not None])
    return out


def _cache_path(key: str) -> Path | None:
    from acronis_triage.analyzers.signatures.database import cache_dir

    folder = cache_dir()
    return folder / f"signatures-{key}.json" if folder is not None else None


def _read_cache(path: Path, count: int) -> list[list[Any]] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, list) or len(data) != count or not all(isinstance(d, list) for d in data):
        return None
    return data


def _write_cache(path: Path, docs: list[list[Any]]) -> None:
    try:
        text = json.dumps(docs, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # dates, non-string keys ...: not representable, never cached
        return
    if json.loads(text) != docs:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".{os.getpid()}.part")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        for old in sorted(path.parent.glob("signatures-*.json"), key=lambda p: p.stat().st_mtime)[:-_CACHE_KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home only costs the YAML parse next run


_CACHE_KEEP = 4


def _parse_file(path: Path, data: bytes | None, root: Path, problems: list[Problem]) -> list[Any] | None:
    """The file's YAML documents, or None (with a problem recorded) when it cannot be read or parsed."""
    import yaml  # only when the cache misses: importing it costs ~13 ms per run

    name = _rel(path, root)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: several times faster
    try:
        if data is None:
            data = path.read_bytes()
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text() gave it
        docs = list(yaml.load_all(text, Loader=loader))
        check_expansion(docs, len(data))
        return docs
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "", "", f"cannot read: {exc}"))
        return None
    except YamlExpansionError as exc:
        problems.append(Problem(name, "", "", f"not loaded: {exc}"))
        return None
    except RecursionError:
        problems.append(Problem(name, "", "", "not loaded: nested too deeply; refused"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problems.append(Problem(name, "", "", f"not valid YAML: {where}{getattr(exc, 'problem', exc)}"))
        return None


def _signatures_of(docs: list[Any] | None, path: Path, root: Path, problems: list[Problem]) -> list[Signature]:
    if docs is None:
        return []
    name = _rel(path, root)
    entries: list[tuple[str, Any]] = []
    for doc in docs:
        if doc is None:
            continue
        if isinstance(doc, dict) and "signatures" in doc and "id" not in doc:
            items = doc["signatures"]
            if not isinstance(items, list):
                problems.append(Problem(name, "", "signatures", "must be a list of signatures"))
                continue
            entries.extend((f"signatures[{i}]", item) for i, item in enumerate(items))
        else:
            entries.append(("", doc))
    out = []
    for where, raw in entries:
        sig_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
        label = sig_id or where or "(no id)"
        if not isinstance(raw, dict):
            problems.append(Problem(name, label, "", "a signature must be a mapping of keys"))
            continue
        before = len(problems)
        sig = _build(raw, name, label, problems)
        if sig is not None and len(problems) == before:
            sig.file = path
            out.append(sig)
    return out


def _build(raw: dict, file: str, label: str, problems: list[Problem]) -> Signature | None:
    def problem(field: str, message: str) -> None:
        problems.append(Problem(file, label, field, message))

    for key in raw:
        if key not in SIGNATURE_KEYS:
            problem(str(key), f"unknown key (allowed: {', '.join(SIGNATURE_KEYS)})")
    for key in REQUIRED:
        if key not in raw:
            problem(key, "missing required key")
    if any(k not in raw for k in ("id", "title", "severity", "match")):
        return None
    sig_id = raw["id"]
    if not isinstance(sig_id, str) or not ID_RE.match(sig_id):
        problem("id", f"{sig_id!r} is not lower-case kebab-case")
    try:
        title = _text(raw, "title", required=True)
        severity = _text(raw, "severity", required=True)
        if severity not in SEVERITIES:
            raise _Invalid("severity", f"{severity!r} is not one of {', '.join(SEVERITIES)}")
        rule = _rule(raw["match"])
        kb = _kb(raw.get("kb"))
        samples = raw.get("samples")
        positive, negative = _samples(samples)
        sig = Signature(
            id=str(sig_id),
            title=title,
            severity=severity,
            rule=rule,
            description=_text(raw, "description"),
            products=_strings(raw, "products"),
            platforms=_platforms(raw),
            kb=kb,
            cause=_text(raw, "cause"),
            workaround=_strings(raw, "workaround"),
            information_needed=_strings(raw, "information_needed"),
            positive=positive,
            negative=negative,
        )
    except _Invalid as exc:
        problem(exc.field, exc.message)
        return None
    return sig


def _text(raw: dict, key: str, required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            raise _Invalid(key, "missing required key")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _Invalid(key, "must be a non-empty string")
    return value.strip()


def _strings(raw: dict, key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Invalid(key, "must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _platforms(raw: dict) -> tuple[str, ...]:
    values = _strings(raw, "platforms")
    bad = [v for v in values if v not in PLATFORMS]
    if bad:
        raise _Invalid("platforms", f"{bad[0]!r} is not one of {', '.join(PLATFORMS)}")
    return values


def _kb(value: Any) -> tuple[KBRef, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Invalid("kb", "must be a list (write `kb: []` when no KB article exists)")
    refs = []
    for i, item in enumerate(value):
        where = f"kb[{i}]"
        if isinstance(item, (str, int)):
            item = {"number": item}
        if not isinstance(item, dict):
            raise _Invalid(where, "must be a mapping with number, title and optional url")
        unknown = set(item) - {"number", "title", "url"}
        if unknown:
            raise _Invalid(f"{where}.{sorted(unknown)[0]}", "unknown key (allowed: number, title, url)")
        number = str(item.get("number", "")).strip()
        if not number.isdigit():
            raise _Invalid(f"{where}.number", f"{number!r} is not a KB article number")
        url = str(item.get("url") or "")
        if url and not url.startswith("https://"):
            raise _Invalid(f"{where}.url", "must be an https:// address")
        refs.append(KBRef(number=number, title=str(item.get("title") or ""), url=url))
    return tuple(refs)


def _samples(value: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(value, dict):
        raise _Invalid("samples", "must be a mapping with positive and negative lists")
    for key in value:
        if key not in SAMPLE_KEYS:
            raise _Invalid(f"samples.{key}", "unknown key (allowed: positive, negative)")
    out = []
    for key in SAMPLE_KEYS:
        items = value.get(key)
        if items is None:
            raise _Invalid(f"samples.{key}", "missing required key")
        if not isinstance(items, list) or not all(isinstance(s, str) and s.strip() for s in items):
            raise _Invalid(f"samples.{key}", "must be a list of non-empty log texts")
        if key == "positive" and not items:
            raise _Invalid("samples.positive", "needs at least one sample")
        out.append(tuple(items))
    return out[0], out[1]


def _rule(value: Any) -> Rule:
    if not isinstance(value, dict):
        raise _Invalid("match", "must be a mapping (any, all, none, levels, kinds, min_count, window)")
    for key in value:
        if key not in MATCH_KEYS:
            raise _Invalid(f"match.{key}", f"unknown key (allowed: {', '.join(MATCH_KEYS)})")
    groups = {}
    for key in ("any", "all", "none"):
        items = value.get(key, [])
        if not isinstance(items, list):
            raise _Invalid(f"match.{key}", "must be a list of conditions")
        groups[key] = tuple(_condition(item, f"match.{key}[{i}]") for i, item in enumerate(items))
    if not groups["any"] and not groups["all"]:
        raise _Invalid("match", "needs at least one condition under any or all")
    levels = _choice_list(value, "levels", LEVELS)
    kinds = _choice_list(value, "kinds", KINDS)
    min_count = value.get("min_count", 1)
    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        raise _Invalid("match.min_count", "must be a whole number of at least 1")
    window = value.get("window")
    window_s = None
    if window is not None:
        m = _WINDOW_RE.match(str(window))
        if not m:
            raise _Invalid("match.window", f"{window!r} is not a span like 30m, 24h or 7d")
        window_s = float(m.group(1)) * _UNITS[m.group(2)]
    return Rule(groups["any"], groups["all"], groups["none"], levels, kinds, min_count, window_s)


def _choice_list(value: dict, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    items = value.get(key, [])
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        raise _Invalid(f"match.{key}", "must be a list")
    for item in items:
        if item not in allowed:
            raise _Invalid(f"match.{key}", f"{item!r} is not one of {', '.join(allowed)}")
    return tuple(items)


def parse_code(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise _Invalid(field, "must be an error code such as 0x80042313 or 20250646")
    if isinstance(value, int):
        code = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            code = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
        except ValueError:
            raise _Invalid(field, f"{value!r} is not an error code (0x80042313 or 20250646)") from None
    else:
        raise _Invalid(field, "must be an error code such as 0x80042313 or 20250646")
    if not 0 <= code <= 0xFFFFFFFF:
        raise _Invalid(field, f"{value!r} does not fit in 32 bits")
    return code


def _code_condition(value: Any, field: str) -> Condition:
    """``code:`` as before (``0x80042313``, ``20250646``), or with its space: ``win32:1326``,
    ``hresult:0x8007052E``, ``ntstatus:0xC0000022``, ``errno:ENOSPC``, ``http:503``."""
    if isinstance(value, str) and ":" in value:
        try:
            keys = spec_keys(value)
        except CodeSpecError as exc:
            raise _Invalid(field, f"{value!r}: {exc}") from None
        space, _, rest = keys[0].partition(":")
        composite = int(rest, 16) if space in ("acr", "hr", "nt") else 0
        if space == "win32":
            composite = 0x80070000 | int(rest)
        return Condition("code", code=composite, keys=keys)
    code = parse_code(value, field)
    return Condition("code", code=code, keys=spec_keys(code))


def _condition(item: Any, field: str) -> Condition:
    if not isinstance(item, dict):
        raise _Invalid(field, "must be a mapping such as {literal: \"...\"}")
    for key in item:
        if key not in CONDITION_KEYS:
            raise _Invalid(f"{field}.{key}", f"unknown key (allowed: {', '.join(CONDITION_KEYS)})")
    ignore_case = item.get("ignore_case", False)
    if not isinstance(ignore_case, bool):
        raise _Invalid(f"{field}.ignore_case", "must be true or false")
    kinds = [k for k in ("literal", "regex") if k in item]
    if "module" in item:
        if kinds or "code" not in item:
            raise _Invalid(f"{field}.module", "module needs code beside it and nothing else")
        module = item["module"]
        if isinstance(module, str) and module.strip().isdigit():
            module = int(module)
        if not isinstance(module, int) or isinstance(module, bool) or not 0 <= module <= 0xFFFF:
            raise _Invalid(f"{field}.module", f"{module!r} is not a module number (0-65535)")
        code = parse_code(item["code"], f"{field}.code")
        if code > 0xFFFF:
            raise _Invalid(f"{field}.code", "with module, code is the 16-bit code inside the module")
        return Condition("code", code=code, module=module, keys=spec_keys(code, module))
    if "code" in item:
        if kinds:
            raise _Invalid(field, "one condition holds one of literal, regex, code")
        return _code_condition(item["code"], f"{field}.code")
    if len(kinds) != 1:
        raise _Invalid(field, "must hold exactly one of literal, regex, code (or module + code)")
    key = kinds[0]
    value = item[key]
    if not isinstance(value, str) or not value:
        raise _Invalid(f"{field}.{key}", "must be a non-empty string")
    if "\n" in value:
        raise _Invalid(f"{field}.{key}", "must be one line (conditions match inside one event, line by line)")
    cond = Condition(key, value=value, ignore_case=ignore_case)
    if key == "regex":
        try:
            re.compile(value)
        except re.error as exc:
            raise _Invalid(f"{field}.regex", f"Python re cannot compile it: {exc}") from None
        if re.compile(value).search(""):
            raise _Invalid(f"{field}.regex", "matches the empty string, so it would match every event")
    return cond


def _drop_hyperscan_failures(sigs: list[Signature], root: Path, problems: list[Problem]) -> list[Signature]:
    """Compile every regex condition in one hyperscan call; only when that fails, find the culprits one by one
    (one call keeps the start of every analyze run fast)."""
    regexes = [(sig, f"match.{group}[{i}]", PatternSpec(c.value, c.ignore_case))
               for sig in sigs for group in ("any", "all", "none")
               for i, c in enumerate(getattr(sig.rule, group)) if c.kind == "regex"]
    if not regexes or hyperscan_error(*(spec for _, _, spec in regexes)) is None:
        return sigs
    bad = set()
    for sig, field, spec in regexes:
        error = hyperscan_error(spec)
        if error:
            problems.append(Problem(_rel(sig.file, root) if sig.file else "", sig.id, f"{field}.regex",
                                    f"compiles in Python re but hyperscan cannot compile it: {error}"))
            bad.add(sig.id)
    return [s for s in sigs if s.id not in bad]


def hyperscan_error(*specs: PatternSpec) -> str | None:
    """Why hyperscan rejects these patterns, or None (also None when hyperscan is not installed)."""
    try:
        import hyperscan
    except ImportError:
        return None
    from acronis_triage.analyzers.signatures.database import compile_cached

    try:
        compile_cached(list(specs))  # cached: this check runs at every start of every analyze
    except hyperscan.error as exc:
        return str(exc)
    return None
