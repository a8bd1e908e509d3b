"""Resource YAML files read once per version: parsed YAML is cached as JSON in the user's cache folder, keyed by
the files' bytes, because PyYAML costs ~1 ms per KB record and most runs need the data again unchanged."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from acronis_triage.analyzers.yaml_limits import YamlExpansionError, check_expansion


def load_yaml_files(paths: Iterable[Path], tag: str) -> list[tuple[Path, Any, str | None]]:
    """``(path, parsed document or None, problem or None)`` for each file, through the JSON cache."""
    return load_yaml_files_keyed(paths, tag)[0]


def load_yaml_files_keyed(paths: Iterable[Path], tag: str) -> tuple[list[tuple[Path, Any, str | None]], str]:
    """`load_yaml_files`, and the hash of the files' bytes (a key for caches of what is derived from them)."""
    files = sorted(paths)
    contents: list[bytes | None] = []
    digest = hashlib.sha256(f"{tag}-v1".encode())
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            data = None
        contents.append(data)
        digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(b"\1" if data is None else hashlib.sha256(data).digest())
    key = digest.hexdigest()[:32]
    cache = _cache_file(tag, key)
    if cache is not None and all(c is not None for c in contents):
        try:
            cached = json.loads(cache.read_bytes())
            if isinstance(cached, list) and len(cached) == len(files):
                return [(p, doc, None) for p, doc in zip(files, cached, strict=True)], key
        except (OSError, ValueError):
            pass
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: list[tuple[Path, Any, str | None]] = []
    for path, data in zip(files, contents, strict=True):
        if data is None:
            out.append((path, None, "cannot read the file"))
            continue
        try:
            doc = yaml.load(data.decode("utf-8"), Loader=loader)
            check_expansion(doc, len(data))
            out.append((path, doc, None))
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            out.append((path, None, f"not valid YAML: {str(exc).splitlines()[0]}"))
        except YamlExpansionError as exc:
            out.append((path, None, f"not loaded: {exc}"))
        except RecursionError:
            out.append((path, None, "not loaded: nested too deeply; refused"))
    if cache is not None and all(problem is None for _, _, problem in out):
        try:
            text = json.dumps([doc for _, doc, _ in out], ensure_ascii=False, default=str)
            cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = cache.with_suffix(f".{os.getpid()}.part")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, cache)
            for old in sorted(cache.parent.glob(f"{tag}-*.json"), key=lambda p: p.stat().st_mtime)[:-2]:
                old.unlink(missing_ok=True)
        except (OSError, TypeError, ValueError):
            pass
    return out, key


def read_cached_json(tag: str, key: str) -> Any:
    cache = _cache_file(tag, key)
    if cache is None:
        return None
    try:
        return json.loads(cache.read_bytes())
    except (OSError, ValueError):
        return None


def write_cached_json(tag: str, key: str, data: Any) -> None:
    cache = _cache_file(tag, key)
    if cache is None:
        return
    try:
        cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = cache.with_suffix(f".{os.getpid()}.part")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache)
        for old in sorted(cache.parent.glob(f"{tag}-*.json"), key=lambda p: p.stat().st_mtime)[:-2]:
            old.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        pass


def _cache_file(tag: str, key: str) -> Path | None:
    from acronis_triage.analyzers.signatures.database import cache_dir

    folder = cache_dir()
    return folder / f"{tag}-{key}.json" if folder is not None else None
