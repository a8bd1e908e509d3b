"""Put the repository's folders under one import package: `app` installs as `acronis_triage.app`, and so on.

    python tools/namespace_migrate.py [--check]

The folders stay where they are (app/, collectors/, analyzers/, resources/); pyproject.toml maps each of them to
`acronis_triage.<folder>` with setuptools' package-dir, `acronis_triage` itself being an implicit namespace package
(no folder of its own), so an installed acronis-triage adds one top-level name to site-packages instead of four
generic ones. This script rewrites every reference to the old names: import statements (also inside code held in
strings, as tests run in subprocesses), quoted dotted module names (importlib, monkeypatch targets, sys.modules),
`-m app`, pyproject.toml, the PyInstaller spec, .ci/run and the docs. Comments and docstrings are left alone: the
folder names they speak of do not change. Running it again changes nothing; --check only says what it would change
(exit 1 when something is left).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import re
import shutil
import subprocess
import sys
import tokenize
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "acronis_triage"
FOLDERS = ("app", "collectors", "analyzers", "resources")
_TOP = "|".join(FOLDERS)
# start of a word in code held in a string, also right after an escaped newline (`"import a\\nimport b"`)
_WORD_START = r"(?:(?<=\\n)|(?<![\w.]))"
# where a statement starts in such code: the string's start, a line's start (real or escaped), after `;`; so prose
# ("the analyzers do not import collectors") is left alone
_STATEMENT = r"(?:^|(?<=\n)|(?<=\\n)|(?<=;))[ \t]*"
# Text files besides Python that name modules: the CI script, the spec, docs.
OTHER_FILES = (".ci/run", "packaging/acronis-triage.spec")
DOC_SUFFIXES = (".md", ".rst", ".txt", ".yml", ".yaml")
SKIPPED = ("tests/data/", "resources/", "docs/screenshots/")


# -- which dotted names are ours ----------------------------------------------------------------------------------


def is_our_module(dotted: str) -> bool:
    """`dotted` starts with one of the folders and at least its first two parts are a module or package there
    ("collectors.builtin.connectivity.probe" is, "app.log" is not): a file name or a JSON key is not rewritten."""
    parts = dotted.split(".")
    if parts[0] not in FOLDERS or len(parts) < 2:
        return False
    base = ROOT / parts[0] / parts[1]
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def prefixed(dotted: str) -> str:
    return f"{PACKAGE}.{dotted}"


# -- code held in strings (subprocess snippets) -------------------------------------------------------------------

_FROM_IN_TEXT = re.compile(rf"(?m){_STATEMENT}from\s+(?=(?:{_TOP})(?:\.\w+)*\s+import\b)")
_OURS = rf"(?:{_TOP})(?:\.\w+)*"
_IMPORT_IN_TEXT = re.compile(rf"(?m){_STATEMENT}import\s+({_OURS}(?:\s*,\s*{_OURS})*)(?![\w.])")
_DASH_M_IN_TEXT = re.compile(rf"""(?P<q>['"])-m(?P=q)(?P<sep>\s*,\s*)(?P<q2>['"])(?P<mod>{_TOP})(?P=q2)""")
_QUOTED_IN_TEXT = re.compile(rf"""(?P<q>\\?['"])(?P<mod>(?:{_TOP})(?:\.\w+)+)(?P=q)""")
_DASH_M_SHELL = re.compile(rf"(?<![\w.-])(python[\d.]*\s+-m\s+)({_TOP})(?![\w.])")


def _rewrite_import_list(names: str) -> tuple[str, list[str]]:
    """`import collectors, app.cli` -> the new statement and the dotted chains bound without an alias.

    A plain top name (`import app`) becomes `from acronis_triage import app`, which binds the same name; a dotted
    one (`import app.cli`) becomes `import acronis_triage.app.cli`, whose later uses are rewritten by the caller."""
    items = [n.strip() for n in names.split(",")]
    plain = [n for n in items if "." not in n]
    dotted = [n for n in items if "." in n]
    statements = []
    if dotted:
        statements.append("import " + ", ".join(prefixed(n) for n in dotted))
    if plain:
        statements.append(f"from {PACKAGE} import " + ", ".join(plain))
    return "; ".join(statements), dotted


def rewrite_code_text(text: str) -> str:
    """Import statements and `-m app` inside a string that holds code (run by `python -c`)."""
    text = _FROM_IN_TEXT.sub(lambda m: f"{m.group(0)}{PACKAGE}.", text)
    chains: list[str] = []

    def imports(m: re.Match[str]) -> str:
        if re.search(r"from\s+[\w.]+\s+$", text[: m.start()]):
            return m.group(0)  # `from acronis_triage import app`: already rewritten
        statement, bound = _rewrite_import_list(m.group(1))
        chains.extend(bound)
        return m.group(0)[: m.group(0).index("import")] + statement

    text = _IMPORT_IN_TEXT.sub(imports, text)
    text = _rewrite_chains(text, chains)
    return _DASH_M_IN_TEXT.sub(
        lambda m: f"{m['q']}-m{m['q']}{m['sep']}{m['q2']}{PACKAGE}.{m['mod']}{m['q2']}", text)


def _rewrite_chains(text: str, chains: Iterable[str]) -> str:
    """Uses of modules bound by a plain `import a.b` (`a.b.f()`) in text, now `acronis_triage.a.b.f()`."""
    heads = sorted({".".join(c.split(".")[:2]) for c in chains}, key=len, reverse=True)
    for head in heads:
        text = re.sub(rf"{_WORD_START}{re.escape(head)}(?![\w])", prefixed(head), text)
    return text


# -- Python source, token by token --------------------------------------------------------------------------------

_STATEMENT_START = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
_QUOTED = re.compile(r"(?s)^(?P<prefix>[rRbBuUfF]*)(?P<q>'''|\"\"\"|'|\")(?P<body>.*)(?P=q)$")
_WHOLE_NAME = re.compile(rf"^(?P<mod>(?:{_TOP})(?:\.\w+)*)(?P<rest>\.\{{.*|:\w+|\.)?$")
_SINGLE_NAME_CALLS = {"collect_submodules", "import_module", "find_spec", "collect_data_files"}


def _string_body(token: str) -> tuple[str, str, str] | None:
    m = _QUOTED.match(token)
    if not m:
        return None
    return m["prefix"] + m["q"], m["body"], m["q"]


def rewrite_python(source: str) -> str:
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    edits: dict[int, str] = {}  # token index -> new text
    bound_chains: list[str] = []
    significant = [i for i, t in enumerate(tokens) if t.type not in (tokenize.COMMENT, tokenize.NL)]

    def prev_sig(i: int, back: int = 1) -> tokenize.TokenInfo | None:
        pos = significant.index(i) - back
        return tokens[significant[pos]] if pos >= 0 else None

    def statement_start(i: int) -> bool:
        before = prev_sig(i)
        return before is None or before.type in _STATEMENT_START or (before.type == tokenize.OP and before.string
                                                                      in (";", ":"))

    for i, tok in enumerate(tokens):
        if tok.type == tokenize.NAME and tok.string == "from" and statement_start(i):
            nxt = tokens[i + 1]
            if nxt.type == tokenize.NAME and nxt.string in FOLDERS:
                edits[i + 1] = prefixed(nxt.string)
        elif tok.type == tokenize.NAME and tok.string == "import" and statement_start(i):
            j = i + 1
            names: list[tuple[int, int, str, bool]] = []  # first token, last token, dotted name, has alias
            while j < len(tokens) and not (tokens[j].type == tokenize.NEWLINE
                                           or (tokens[j].type == tokenize.OP and tokens[j].string == ";")):
                first = j
                parts = [tokens[j].string]
                while tokens[j + 1].type == tokenize.OP and tokens[j + 1].string == ".":
                    parts.append(tokens[j + 2].string)
                    j += 2
                last = j
                alias = tokens[j + 1].type == tokenize.NAME and tokens[j + 1].string == "as"
                if alias:
                    j += 2
                names.append((first, last, ".".join(parts), alias))
                j += 1
                if tokens[j].type == tokenize.OP and tokens[j].string == ",":
                    j += 1
            ours = [n for n in names if n[2].split(".")[0] in FOLDERS]
            if not ours:
                continue
            plain_top = [n for n in ours if "." not in n[2] and not n[3]]
            if plain_top and len(plain_top) == len(names):
                # `import app, collectors` -> `from acronis_triage import app, collectors`: the same names bound
                edits[i] = f"from {PACKAGE} import"
                continue
            for first, _last, dotted, alias in ours:
                if "." not in dotted and not alias:
                    raise SystemExit(f"cannot rewrite `import {dotted}` mixed with other names at line {tok.start[0]}")
                edits[first] = prefixed(tokens[first].string)
                if not alias:
                    bound_chains.append(dotted)
        elif tok.type == tokenize.STRING:
            edited = _rewrite_string_token(tokens, i, prev_sig)
            if edited is not None:
                edits[i] = edited

    # Uses of modules bound by a plain `import a.b`: the NAME `a` followed by `.b`, not itself an attribute.
    heads = {tuple(c.split(".")[:2]) for c in bound_chains}
    for i, tok in enumerate(tokens):
        if (tok.type == tokenize.NAME and i not in edits and i + 2 < len(tokens)
                and tokens[i + 1].string == "." and (tok.string, tokens[i + 2].string) in heads):
            before = prev_sig(i)
            if before is not None and before.type == tokenize.OP and before.string == ".":
                continue
            if before is not None and before.type == tokenize.NAME and before.string == "import":
                continue
            edits[i] = prefixed(tok.string)
    if not edits:
        return source
    return wrap_long_lines(_apply(source, tokens, edits), already_long=_long_lines(source))


# -- lines the longer names pushed past the limit -----------------------------------------------------------------

LINE_LIMIT = 120  # pyproject.toml's [tool.ruff] line-length


def _long_lines(source: str) -> set[str]:
    return {line for line in source.splitlines() if len(line) > LINE_LIMIT}


def wrap_long_lines(source: str, already_long: set[str]) -> str:
    """Break each line the rewrite made too long: after the outermost comma inside brackets that keeps the line
    within the limit, the rest aligned under the bracket; failing that, inside a string literal at a space (implicit
    concatenation). Import statements are left to ruff's isort, lines that were long before to their authors."""
    for _ in range(200):
        lines = source.splitlines(keepends=True)
        todo = [n for n, line in enumerate(lines, 1)
                if len(line.rstrip("\r\n")) > LINE_LIMIT and line.rstrip("\r\n") not in already_long
                and not line.lstrip().startswith(("from ", "import "))]
        for number in todo:
            split = _split_point(source, number)
            if split is not None:
                column, indent, close, reopen = split
                at = sum(len(line) for line in lines[: number - 1]) + column
                left, rest = source[:at], source[at:]
                if not reopen:  # after a comma or before a `+`: no spaces at the break
                    left, rest = left.rstrip(" "), rest.lstrip(" ")
                source = left + close + "\n" + " " * indent + reopen + rest
                break
        else:
            return source
    return source


def _split_point(source: str, number: int) -> tuple[int, int, str, str] | None:
    """Where to break line `number`: (column, indent of the next line, text to close the line with, text to open
    the next one with; both empty after a comma, the string's quotes inside one)."""
    stack: list[int] = []
    commas: list[tuple[int, int, int]] = []  # depth, column after the comma, indent
    pluses: list[tuple[int, int, int]] = []  # depth, column of a `+`, indent
    strings: list[tuple[tokenize.TokenInfo, int]] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.start[0] > number:
            break
        if tok.type == tokenize.OP and tok.string in "([{":
            stack.append(tok.start[1] + 1)
        elif tok.type == tokenize.OP and tok.string in ")]}":
            if stack:
                stack.pop()
        elif tok.start[0] == number and stack:
            if tok.type == tokenize.OP and tok.string == "," and tok.end[1] <= LINE_LIMIT:
                commas.append((len(stack), tok.end[1], stack[-1]))
            elif tok.type == tokenize.OP and tok.string == "+" and tok.start[1] <= LINE_LIMIT:
                pluses.append((len(stack), tok.start[1], stack[-1]))
            elif tok.type == tokenize.STRING and tok.end[0] == number and tok.end[1] > LINE_LIMIT:
                strings.append((tok, stack[-1]))
    for breaks in (commas, pluses):
        if breaks:
            shallowest = min(depth for depth, _, _ in breaks)
            _, column, indent = [c for c in breaks if c[0] == shallowest][-1]
            return column, indent, "", ""
    for tok, indent in strings:
        parts = _string_body(tok.string)
        if parts is None or parts[2] in ("\"\"\"", "'''"):
            continue
        opening, body, closing = parts
        room = LINE_LIMIT - tok.start[1] - len(opening) - len(closing)
        for k in range(min(room, len(body) - 1), 0, -1):
            before = body[:k]
            if body[k - 1] == " " and before.count("{") == before.count("}") and not before.endswith("\\ "):
                return tok.start[1] + len(opening) + k, indent, closing, opening
    return None


def _rewrite_string_token(tokens: list[tokenize.TokenInfo], i: int, prev_sig) -> str | None:  # type: ignore[no-untyped-def]
    tok = tokens[i]
    parts = _string_body(tok.string)
    if parts is None:
        return None
    opening, body, closing = parts
    # a whole dotted module name: "app.gui.guided.window", "collectors.builtin.x.probe", f"analyzers.formats.{m}",
    # or a prefix of names, "collectors.builtin."
    m = _WHOLE_NAME.match(body)
    if m and (is_our_module(m["mod"]) or (m["rest"] == "." and m["mod"] in FOLDERS)):  # "collectors." a prefix
        return f"{opening}{PACKAGE}.{body}{closing}"
    # a single top name where a module is meant: collect_submodules("app"), [sys.executable, "-m", "app"]
    if body in FOLDERS:
        before = prev_sig(i)
        before2 = prev_sig(i, 2)
        if before is not None and before.string == "(" and before2 is not None and before2.string in _SINGLE_NAME_CALLS:
            return f"{opening}{PACKAGE}.{body}{closing}"
        if (before is not None and before.string == "," and before2 is not None and before2.type == tokenize.STRING
                and _string_body(before2.string) is not None and _string_body(before2.string)[1] == "-m"):  # type: ignore[index]
            return f"{opening}{PACKAGE}.{body}{closing}"
        return None
    new_body = body
    # code held in a string
    if "import" in body or "-m" in body:
        new_body = rewrite_code_text(body)
    # a module name quoted inside a string of code: "print('analyzers.formats.xml_activity' in sys.modules)"
    new_body = _QUOTED_IN_TEXT.sub(
        lambda q: f"{q['q']}{PACKAGE}.{q['mod']}{q['q']}" if is_our_module(q["mod"]) else q[0], new_body)
    return f"{opening}{new_body}{closing}" if new_body != body else None


def _apply(source: str, tokens: list[tokenize.TokenInfo], edits: dict[int, str]) -> str:
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    out = []
    pos = 0
    for i in sorted(edits):
        tok = tokens[i]
        start = offsets[tok.start[0] - 1] + tok.start[1]
        end = offsets[tok.end[0] - 1] + tok.end[1]
        out.append(source[pos:start])
        out.append(edits[i])
        pos = end
    out.append(source[pos:])
    return "".join(out)


# -- pyproject.toml -----------------------------------------------------------------------------------------------


def packages_on_disk() -> list[str]:
    """Every package (folder with __init__.py) under the four folders, as installed names."""
    found = []
    for folder in FOLDERS:
        for init in sorted((ROOT / folder).rglob("__init__.py")):
            rel = init.parent.relative_to(ROOT)
            if "__pycache__" in rel.parts:
                continue
            found.append(".".join((PACKAGE, *rel.parts)))
    return sorted(found)


def setuptools_table() -> str:
    package_dir = "".join(f'"{PACKAGE}.{f}" = "{f}"\n' for f in FOLDERS)
    packages = "".join(f'    "{p}",\n' for p in packages_on_disk())
    return (
        "[tool.setuptools]\n"
        f"# The repository's folders install under one import package, {PACKAGE} (an implicit namespace package:\n"
        f"# no folder of its own), so site-packages gains one top-level name, not four generic ones. Editable\n"
        f"# installs map them the same way. The list of packages is written by tools/namespace_migrate.py (run it\n"
        f"# again after adding a package; tests/unit/test_namespace.py fails until then).\n"
        f"packages = [\n{packages}]\n\n"
        f"[tool.setuptools.package-dir]\n{package_dir}"
    )


def rewrite_pyproject(text: str) -> str:
    # the package list, in place of packages.find (which cannot add a prefix), regenerated on every run
    table = re.compile(r"(?ms)^\[tool\.setuptools\]\n.*?(?=^\[(?!tool\.setuptools\.package-dir\]))")
    find = re.compile(r"(?ms)^\[tool\.setuptools\.packages\.find\]\n.*?(?=^\[)")
    if table.search(text):
        text = table.sub(lambda _m: setuptools_table() + "\n", text)
    elif find.search(text):
        text = find.sub(lambda _m: setuptools_table() + "\n", text)
    else:
        raise SystemExit("pyproject.toml: neither [tool.setuptools] nor [tool.setuptools.packages.find] found")
    # entry points and the version attribute: "app.cli:main", { attr = "app.__version__" }
    text = re.sub(rf'"((?:{_TOP})(?:\.\w+)+(?::\w+|\.\*)?)"', lambda m: f'"{prefixed(m[1])}"', text)
    # mypy's module patterns ("app.gui.*") and the mypy command quoted in comments
    text = re.sub(r"(?m)^.*$", lambda m: _mypy_command(m[0]), text)
    # package data of the resources package
    text = re.sub(rf"(?m)^({_TOP})(\s*=\s*\[)", lambda m: f'"{prefixed(m[1])}"{m[2]}', text)
    # warnings raised in our modules are errors in tests: the module regex now starts with the package
    text = re.sub(rf'"error:::({_TOP})"', lambda m: f'"error:::{PACKAGE}\\\\.{m[1]}"', text)
    # ruff sorts acronis_triage with the project's own imports (it sees no folder of that name to tell it)
    if "known-first-party" not in text:
        isort = f'[tool.ruff.lint.isort]\nknown-first-party = ["{PACKAGE}"]\n\n'
        text = re.sub(r"(?ms)^(\[tool\.ruff\.lint\]\n.*?)(?=^\[)", lambda m: m[1].rstrip("\n") + "\n\n" + isort,
                      text, count=1)
    return text


# -- other text files ---------------------------------------------------------------------------------------------


def rewrite_other(text: str) -> str:
    """.ci/run's inline Python, shell commands in docs: import lines, `python -m app`, `mypy analyzers collectors`."""
    text = _FROM_IN_TEXT.sub(lambda m: f"{m.group(0)}{PACKAGE}.", text)
    text = _DASH_M_SHELL.sub(lambda m: f"{m[1]}{PACKAGE}.{m[2]}", text)
    return re.sub(r"(?m)^.*$", lambda m: _mypy_command(m[0]), text)


_MYPY = re.compile(rf"(?<![\w/.-])mypy(?=\s+(?:{_TOP})\b)")
TYPECHECK = "python tools/typecheck.py"


def _mypy_command(line: str) -> str:
    """`mypy analyzers collectors app/*.py` -> `python tools/typecheck.py analyzers collectors app/*.py` (mypy cannot
    follow the editable install's finder; the tool checks the same targets under their installed names)."""
    new = _MYPY.sub(TYPECHECK, line)
    if new == line:
        return line
    grown = len(new) - len(line)
    aligned = re.search(r"\S( {3,})#", new)  # a comment aligned in a column: give back the width it grew by
    if aligned:
        spaces = aligned.group(1)
        keep = max(2, len(spaces) - grown)
        new = new[: aligned.start(1)] + " " * keep + new[aligned.end(1):]
    return new


def rewrite_doc(text: str) -> str:
    """Commands in docs; names in prose (`analyzers.model.Event`) stay, like docstrings: the folders keep them."""
    return rewrite_other(text)


_STAGE = f"""\
# PyInstaller does not follow setuptools' editable finder (which maps app/ to {PACKAGE}.app, and so on): it
# analyses a copy of the folders under that name, made in its work folder on every build.
STAGE = Path(workpath) / "namespace"
for _folder in ({", ".join(f'"{f}"' for f in FOLDERS)}):
    shutil.rmtree(STAGE / "{PACKAGE}" / _folder, ignore_errors=True)
    shutil.copytree(ROOT / _folder, STAGE / "{PACKAGE}" / _folder, ignore=shutil.ignore_patterns("__pycache__"))
sys.path.insert(0, str(STAGE))
"""


LAYOUT = """\
Installed, these folders are one import package: `pip install acronis-triage` (or `pip install -e .`) puts only
`acronis_triage` into site-packages, and `acronis_triage.app`, `.collectors`, `.analyzers` and `.resources` are the
folders above, mapped by setuptools' `package-dir` in pyproject.toml (`acronis_triage` is an implicit namespace
package, with no folder of its own), so nothing collides with another distribution's `app` or `resources`. Code and
tests import `acronis_triage.…`, and `python -m acronis_triage.app` is the command line from source;
tests/unit/test_namespace.py fails on a bare `import app`, which `python -m pytest` would otherwise let pass from the
repository root. After adding a package, `python tools/namespace_migrate.py` lists it in pyproject.toml. Tools that
do not follow the editable install's import hook see the same names through a copy or links: the portable build
(packaging/acronis-triage.spec) and mypy (`python tools/typecheck.py`).
"""


def add_layout_paragraph(text: str) -> str:
    """README: one paragraph on the layout, after the folder list of its Layout section."""
    if "tools/namespace_migrate.py" in text:
        return text
    m = re.search(r"(?ms)^## Layout\n.*?^```text\n.*?^```\n", text)
    if not m:
        raise SystemExit("README.md: no `## Layout` section with a ```text block to add the paragraph after")
    return text[: m.end()] + "\n" + LAYOUT + text[m.end():]


def rewrite_spec(text: str) -> str:
    if "STAGE = " not in text:
        text = re.sub(r"(?m)^sys\.path\.insert\(0, str\(ROOT\)\)\n", lambda _m: _STAGE, text, count=1)
        text = text.replace("pathex=[str(ROOT)]", "pathex=[str(STAGE)]")
        text = re.sub(r"(?m)^import os\n", "import os\nimport shutil\n", text, count=1)
    text = rewrite_python(text)
    text = re.sub(r'\+ \["resources"\]', f'+ ["{PACKAGE}.resources"]', text)
    # the resources folder lands where acronis_triage.resources looks for it
    return re.sub(r'(\(str\(ROOT / "resources"\), )"resources"\)', rf'\1"{PACKAGE}/resources")', text)


# -- the run ------------------------------------------------------------------------------------------------------


def tracked_files() -> list[Path]:
    if shutil.which("git") and (ROOT / ".git").exists():
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return [ROOT / p for p in out.decode().split("\0") if p]
    return [p for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]


def rewrite(path: Path) -> str | None:
    """The new text of a file this migration concerns, None for any other file."""
    rel = path.relative_to(ROOT).as_posix()
    if rel in ("tools/namespace_migrate.py", "tests/unit/test_namespace.py") or rel.startswith("tests/data/"):
        return None
    if rel == "pyproject.toml":
        return rewrite_pyproject(path.read_text(encoding="utf-8"))
    if rel.endswith(".spec"):
        return rewrite_spec(path.read_text(encoding="utf-8"))
    if rel.endswith(".py"):
        return rewrite_python(path.read_text(encoding="utf-8"))
    if rel in OTHER_FILES:
        return rewrite_other(path.read_text(encoding="utf-8"))
    if rel == "README.md":
        return add_layout_paragraph(rewrite_doc(path.read_text(encoding="utf-8")))
    if rel.endswith(DOC_SUFFIXES) and not rel.startswith(SKIPPED):
        return rewrite_doc(path.read_text(encoding="utf-8"))
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file would change")
    args = parser.parse_args(argv)
    changed = []
    for path in tracked_files():
        if not path.is_file():
            continue
        new = rewrite(path)
        if new is None or new == path.read_text(encoding="utf-8"):
            continue
        changed.append(path)
        if not args.check:
            path.write_text(new, encoding="utf-8", newline="")
    for path in changed:
        print(("would change " if args.check else "changed ") + path.relative_to(ROOT).as_posix())
    if args.check:
        return 1 if changed else 0
    py = [str(p) for p in changed if p.suffix == ".py"]
    if py:
        # longer module names can push an import past the line length or change its wrapping: let ruff re-sort
        ruff = [sys.executable, "-m", "ruff"] if importlib.util.find_spec("ruff") else [shutil.which("ruff") or ""]
        if not ruff[-1]:
            print("ruff not found: run `ruff check --select I001 --fix .` to re-wrap the imports", file=sys.stderr)
            return 1
        subprocess.run([*ruff, "check", "--select", "I001", "--fix", "--quiet", *py], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
