"""One import package (issue 13): the repository's folders install as acronis_triage.app, .collectors, .analyzers and
.resources, and nothing imports them by their bare folder names, which `python -m pytest` from the repository root
would still let work by accident (the current folder is on sys.path there)."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("app", "collectors", "analyzers", "resources")


def _migration():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("namespace_migrate", ROOT / "tools" / "namespace_migrate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _python_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "*.py", "*.spec"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / p for p in out.stdout.splitlines() if not p.startswith("tests/data/") and (ROOT / p).is_file()]


def test_no_source_file_imports_a_bare_folder_name() -> None:
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names if n.split(".")[0] in FOLDERS]
    assert offenders == []


def test_the_migration_has_nothing_left_to_change() -> None:
    """Strings naming modules, `-m app`, pyproject.toml, the spec, .ci/run and the docs included."""
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "namespace_migrate.py"), "--check"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_pyproject_lists_every_package_on_disk() -> None:
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert setuptools["packages"] == _migration().packages_on_disk()
    assert setuptools["package-dir"] == {f"acronis_triage.{f}": f for f in FOLDERS}


def test_the_migration_rewrites_what_it_must_and_nothing_else() -> None:
    migrate = _migration()
    source = (
        "import collectors.builtin\n"
        "from app.cli import main\n"
        "import analyzers.analyze as analyze_mod\n"
        "x = collectors.builtin.__path__, result.collectors, app.exec()\n"
        'm = importlib.import_module("app.gui.guided.window")\n'
        'p = f"analyzers.formats.{kind}"\n'
        'cmd = [sys.executable, "-m", "app"]\n'
        'keys = manifest["collectors"], "app.log", ROOT / "resources"\n'
        '"""Prose: the analyzers do not import collectors; `mypy analyzers` checks them."""\n'
        'CHECK = "import collectors, analyzers, app\\nimport app.cli\\napp.cli.build_parser()"\n'
    )
    expected = (
        "import acronis_triage.collectors.builtin\n"
        "from acronis_triage.app.cli import main\n"
        "import acronis_triage.analyzers.analyze as analyze_mod\n"
        "x = acronis_triage.collectors.builtin.__path__, result.collectors, app.exec()\n"
        'm = importlib.import_module("acronis_triage.app.gui.guided.window")\n'
        'p = f"acronis_triage.analyzers.formats.{kind}"\n'
        'cmd = [sys.executable, "-m", "acronis_triage.app"]\n'
        'keys = manifest["collectors"], "app.log", ROOT / "resources"\n'
        '"""Prose: the analyzers do not import collectors; `mypy analyzers` checks them."""\n'
        'CHECK = "from acronis_triage import collectors, analyzers, app\\nimport acronis_triage.app.cli\\n'
        'acronis_triage.app.cli.build_parser()"\n'
    )
    rewritten = migrate.rewrite_python(source)
    assert rewritten == expected
    assert migrate.rewrite_python(rewritten) == rewritten


def test_installed_names_resolve_and_bare_names_do_not(tmp_path: Path) -> None:
    """From a folder outside the repository, as an installed tool runs."""
    code = (
        "import importlib.util, sys\n"
        "import acronis_triage.app.cli, acronis_triage.collectors.registry, acronis_triage.analyzers.analyze\n"
        "from acronis_triage.resources import resource_path\n"
        "assert (resource_path('signatures')).is_dir()\n"
        "print(sorted(n for n in ('app', 'collectors', 'analyzers', 'resources') if importlib.util.find_spec(n)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_the_wheel_holds_one_top_level_package(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    (wheel,) = tmp_path.glob("acronis_triage-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"acronis_triage"}
    assert "acronis_triage/resources/signatures/README.md" in names
    assert "acronis_triage/__init__.py" not in names  # an implicit namespace package: nothing of its own
