"""The guarded resolver every read of a system root goes through (collectors/pathguard.py).

Trees, links, loops and pipes are built in temporary folders; nothing with a link in it is committed.
"""

from __future__ import annotations

import errno
import glob as pyglob
import os
import socket
import stat
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import acronis_triage.collectors.pathguard as pathguard
from acronis_triage.collectors.pathguard import MAX_LINKS, PathGuard, Refused
from acronis_triage.collectors.sysroot import SystemRoot

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs as POSIX makes them")


def _tree(root: Path, *files: str) -> None:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"content of {rel}\n")


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    """(root, outside): an offline root and, beside it, the examiner's own files."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    _tree(root, "a/f.txt", "a/b/g.txt", "c/h.txt")
    _tree(outside, "secret.txt", "dir/inner.txt")
    return root, outside


# ---- links inside the root are followed, the rest is refused with the reason

def test_links_that_stay_inside_are_followed(world: tuple[Path, Path]) -> None:
    root, _ = world
    os.symlink("b/g.txt", root / "a/rel.txt")
    os.symlink(root / "c/h.txt", root / "a/abs.txt")  # absolute, but into the root
    os.symlink("../a", root / "c/up")
    os.symlink("rel.txt", root / "a/chain.txt")
    guard = PathGuard(root)
    assert guard.resolve(root / "a/rel.txt")[0] == str(root / "a/b/g.txt")
    assert guard.resolve(root / "a/abs.txt")[0] == str(root / "c/h.txt")
    assert guard.resolve(root / "c/up/b/g.txt")[0] == str(root / "a/b/g.txt")
    assert guard.read_bytes(root / "a/chain.txt") == b"content of a/b/g.txt\n"


def test_a_root_reached_through_a_link_accepts_links_by_either_name(tmp_path: Path, world: tuple[Path, Path]) -> None:
    root, _ = world
    alias = tmp_path / "alias"
    os.symlink(root, alias)
    os.symlink(alias / "a/f.txt", root / "c/by-alias.txt")
    os.symlink(root / "a/f.txt", root / "c/by-real.txt")
    guard = PathGuard(alias)
    assert guard.read_bytes(alias / "c/by-alias.txt") == b"content of a/f.txt\n"
    assert guard.read_bytes(alias / "c/by-real.txt") == b"content of a/f.txt\n"


@pytest.mark.parametrize("where", ["file", "folder on the way", "relative up and out"])
def test_links_leading_out_are_refused_with_the_reason(world: tuple[Path, Path], where: str) -> None:
    root, outside = world
    if where == "file":
        os.symlink(outside / "secret.txt", root / "a/secret.txt")
        asked, link = root / "a/secret.txt", f"a symbolic link to {outside / 'secret.txt'}, outside the root"
    elif where == "folder on the way":
        os.symlink(outside / "dir", root / "a/dir")
        asked, link = root / "a/dir/inner.txt", f"a symbolic link to {outside / 'dir'} at /a/dir, outside the root"
    else:
        os.symlink("../../outside/secret.txt", root / "a/up.txt")
        asked, link = root / "a/up.txt", ""
    guard = PathGuard(root, show=lambda real: "/" + os.path.relpath(real, root))
    with pytest.raises(Refused) as caught:
        guard.open(asked)
    reason = caught.value.reason
    assert "outside the root" in reason or "above the root" in reason
    assert link in reason
    assert caught.value.strerror == reason  # "cannot read: <strerror>" handlers still say why


def test_dotdot_above_the_root_is_refused(world: tuple[Path, Path]) -> None:
    root, _ = world
    guard = PathGuard(root)
    with pytest.raises(Refused, match="above the root"):
        guard.resolve(root / ".." / "outside" / "secret.txt")
    with pytest.raises(Refused, match="outside the root"):
        guard.resolve(root.parent / "outside" / "secret.txt")


def test_a_glob_never_matches_or_walks_through_a_link_out(world: tuple[Path, Path]) -> None:
    root, outside = world
    os.symlink(outside / "secret.txt", root / "a/match.txt")
    os.symlink(outside / "dir", root / "a/walk")
    root_sys = SystemRoot.offline(_linux(root))
    matches = root_sys.glob("/a/**")
    assert all(outside.name not in m for m in matches.real.values())
    assert root / "a/match.txt" not in matches and not any("walk" in str(p) for p in matches)
    refused = {str(p.relative_to(root)): r for p, r in matches.refused}
    assert "outside the root" in refused["a/match.txt"] and "outside the root" in refused["a/walk"]


def _linux(root: Path) -> Path:
    (root / "etc").mkdir(exist_ok=True)
    return root


# ---- special files are refused without being opened

def _refuses_without_blocking(call) -> BaseException | None:
    box: list[BaseException | None] = [None]

    def target() -> None:
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box[0] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the guard blocked on a special file: it opened it"
    return box[0]


def test_a_named_pipe_is_refused_without_opening_it(world: tuple[Path, Path]) -> None:
    root, _ = world
    os.mkfifo(root / "a/mms.0.log")
    os.symlink("mms.0.log", root / "a/to-fifo.log")
    guard = PathGuard(root)
    for name in ("mms.0.log", "to-fifo.log"):
        exc = _refuses_without_blocking(lambda n=name: guard.open(root / "a" / n))
        assert isinstance(exc, Refused) and "named pipe" in exc.reason
    with pytest.raises(Refused, match="named pipe"):
        guard.kind(root / "a/mms.0.log")
    matches = SystemRoot.offline(_linux(root)).glob("/a/*.log")
    assert list(matches) == [] and all("named pipe" in r for _, r in matches.refused)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    root = Path(tempfile.mkdtemp(dir="/tmp"))  # AF_UNIX paths are short; tmp_path may be too long
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(root / "agent.sock"))
        with pytest.raises(Refused, match="socket"):
            PathGuard(root).open(root / "agent.sock")
        sock.close()
    finally:
        for p in root.iterdir():
            p.unlink()
        root.rmdir()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may make a device node")
def test_a_device_node_inside_the_root_is_refused(world: tuple[Path, Path]) -> None:
    root, _ = world
    os.mknod(root / "a/zero.log", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    with pytest.raises(Refused, match="character device"):
        PathGuard(root).read_bytes(root / "a/zero.log", 10)


# ---- loops

def test_a_link_loop_is_refused_at_the_limit(world: tuple[Path, Path]) -> None:
    root, _ = world
    os.symlink("self.log", root / "a/self.log")
    os.symlink("pong", root / "a/ping")
    os.symlink("ping", root / "a/pong")
    guard = PathGuard(root)
    for name in ("self.log", "ping", "pong"):
        with pytest.raises(Refused, match=f"loop.*more than {MAX_LINKS}"):
            guard.open(root / "a" / name)


def test_loops_in_a_walk_list_each_real_folder_once(world: tuple[Path, Path], monkeypatch) -> None:
    # Two loops per level, ten levels deep: Python's glob would list 2**10 routes; each real folder is listed once.
    root, _ = world
    folder = root / "logs"
    for depth in range(10):
        folder.mkdir()
        os.symlink(".", folder / "x")
        os.symlink("..", folder / "y")
        (folder / f"app{depth}.log").write_text("line\n")
        folder = folder / f"d{depth}"
    listed: list[str] = []
    real_scandir = os.scandir

    def counting(path):
        listed.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(pathguard.os, "scandir", counting)
    matches = SystemRoot.offline(_linux(root)).glob("/logs/**/*.log")
    assert sorted(p.name for p in matches) == [f"app{d}.log" for d in range(10)]
    assert len(set(listed)) == 10 and len(listed) == 2 * 10  # each folder once for '**', once more for '*.log'
    refused = dict(matches.refused)
    assert len(refused) == 20 and all("a loop" in r for r in refused.values())
    assert refused[root / "logs/d0/x"] == "a link back to a folder above it (a loop): not followed"


# ---- the check and the open are one: a file swapped in between is refused

def test_a_file_swapped_after_the_walk_is_refused(world: tuple[Path, Path], monkeypatch) -> None:
    root, outside = world
    guard = PathGuard(root)
    target = root / "a/f.txt"
    stale = guard.resolve(target)
    (root / "a/other.txt").write_text("another file\n")
    os.replace(root / "a/other.txt", target)
    monkeypatch.setattr(guard, "resolve", lambda path, within=None: stale)
    with pytest.raises(Refused, match="changed while being opened"):
        guard.open(target)
    target.unlink()
    os.symlink(outside / "secret.txt", target)
    with pytest.raises(Refused, match="swapped for a symbolic link"):
        guard.open(target)


@pytest.mark.parametrize("kernel_says_where", [True, False])
def test_a_folder_swapped_for_a_link_after_it_was_walked_is_refused(world: tuple[Path, Path], monkeypatch,
                                                                    kernel_says_where: bool) -> None:
    # Folders are walked once and remembered; the open must still notice that one now leads out.
    root, outside = world
    (outside / "dir/f.txt").write_text("secret\n")
    guard = PathGuard(root)
    assert guard.read_bytes(root / "a/f.txt") == b"content of a/f.txt\n"
    os.rename(root / "a", root / "a-moved")
    os.symlink(outside / "dir", root / "a")
    if not kernel_says_where:
        monkeypatch.setattr(pathguard, "_fd_path", lambda fd: None)
    with pytest.raises(Refused, match="outside the root"):
        guard.read_bytes(root / "a/f.txt")


def test_the_bundle_being_written_is_never_read_whatever_the_name(world: tuple[Path, Path]) -> None:
    root, _ = world
    part = root / "a/.bundle.zip.x.part"
    part.write_bytes(b"PK\x03\x04")
    os.symlink(".bundle.zip.x.part", root / "a/alias.log")
    os.link(part, root / "c/hard.log")
    guard = PathGuard(root)
    guard.never_read(part, "the bundle this run is writing")
    for path in (part, root / "a/alias.log", root / "c/hard.log"):
        with pytest.raises(Refused, match="the bundle this run is writing") as caught:
            guard.open(path)
        assert caught.value.deliberate


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder; test_planted_roots covers it as root")
def test_an_unlistable_folder_is_refused_with_the_reason(world: tuple[Path, Path]) -> None:
    root, _ = world
    _tree(root, "logs/locked/app.log", "logs/open.log")
    (root / "logs/locked").chmod(0)
    try:
        matches = SystemRoot.offline(_linux(root)).glob("/logs/**/*.log")
    finally:
        (root / "logs/locked").chmod(0o755)
    assert [p.name for p in matches] == ["open.log"]
    assert dict(matches.refused)[root / "logs/locked"].startswith("cannot list the folder: Permission denied")


def test_a_folder_that_fails_to_list_is_refused_with_the_reason(world: tuple[Path, Path], monkeypatch) -> None:
    # The same as above for any user: the listing fails as the kernel would fail it for an unreadable folder.
    root, _ = world
    _tree(root, "logs/locked/app.log", "logs/open.log")
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(pathguard.os, "scandir", scandir)
    matches = SystemRoot.offline(_linux(root)).glob("/logs/**/*.log")
    assert [p.name for p in matches] == ["open.log"]
    assert dict(matches.refused)[root / "logs/locked"] == "cannot list the folder: Permission denied"


def test_windows_link_targets_in_nt_form_are_read_as_paths(monkeypatch) -> None:
    monkeypatch.setattr(pathguard.os, "readlink", lambda p: "\\??\\C:\\ProgramData\\Acronis")
    assert pathguard._link_target("x") == "C:\\ProgramData\\Acronis"
    monkeypatch.setattr(pathguard.os, "readlink", lambda p: "\\\\?\\UNC\\server\\share\\logs")
    assert pathguard._link_target("x") == "\\\\server\\share\\logs"


def test_live_search_confined_to_its_folder(tmp_path: Path) -> None:
    _tree(tmp_path, "var/lib/Acronis/x.log", "etc/shadow")
    os.symlink(tmp_path / "etc/shadow", tmp_path / "var/lib/Acronis/shadow.log")
    live = SystemRoot(path=tmp_path, os="linux", live=True)
    assert live.read_bytes(tmp_path / "var/lib/Acronis/shadow.log") == b"content of etc/shadow\n"  # no root boundary
    matches = live.glob("/var/lib/Acronis/*.log", within=tmp_path / "var/lib/Acronis")
    assert [p.name for p in matches] == ["x.log"]
    assert "outside the folder searched" in dict(matches.refused)[tmp_path / "var/lib/Acronis/shadow.log"]


# ---- properties

NAMES = ["a", "b", "c", "f.txt", "g.txt", "l0", "l1", "l2", "..", "."]
segment = st.sampled_from(NAMES)
relative = st.lists(segment, min_size=1, max_size=5).map(lambda parts: "/".join(parts))
link_spec = st.tuples(
    st.sampled_from(["", "a", "a/b", "c"]),            # folder the link is in
    st.sampled_from(["l0", "l1", "l2"]),               # its name
    st.one_of(relative.map(lambda r: ("rel", r)),      # target: relative, absolute into the root, absolute out
              relative.map(lambda r: ("root", r)),
              st.sampled_from(["secret.txt", "dir", "dir/inner.txt", ""]).map(lambda r: ("out", r))),
)


def _build(base: Path, links: list[tuple[str, str, tuple[str, str]]]) -> tuple[Path, Path]:
    root, outside = base / "root", base / "outside"
    _tree(root, "a/f.txt", "a/b/g.txt", "c/f.txt", "etc/x")
    _tree(outside, "secret.txt", "dir/inner.txt")
    for folder, name, (kind, target) in links:
        where = root / folder / name
        if os.path.lexists(where):
            continue
        text = {"rel": target, "root": str(root / target), "out": str(outside / target)}[kind]
        os.symlink(text, where)
    return root, outside


def _kernel_errno(path: Path) -> int:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno or 0
    return 0


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root + os.sep)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(links=st.lists(link_spec, max_size=6), query=relative)
@example(links=[("", "l0", ("out", "secret.txt"))], query="l0")
@example(links=[("a", "l1", ("out", "dir"))], query="a/l1/inner.txt")
@example(links=[("a/b", "l2", ("rel", "../../../outside/secret.txt"))], query="a/b/l2")
@example(links=[("c", "l0", ("rel", "l1")), ("c", "l1", ("rel", "l0"))], query="c/l0")
@example(links=[("c", "l0", ("root", "a/b"))], query="c/l0/../f.txt")
def test_resolution_never_leaves_the_root_and_agrees_with_the_kernel(links, query) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(os.path.realpath(tmp))
        root, _ = _build(base, links)
        guard = PathGuard(root)
        asked = root / query
        try:
            real, st_ = guard.resolve(asked)
        except Refused as exc:
            if "loop" in exc.reason:
                assert _kernel_errno(asked) == errno.ELOOP
            return
        except (FileNotFoundError, NotADirectoryError):
            assert _kernel_errno(asked) in (errno.ENOENT, errno.ENOTDIR)
            return
        assert _inside(real, str(root)), (query, real)
        assert not stat.S_ISLNK(st_.st_mode)
        assert real == os.path.realpath(asked)  # the same file the kernel reaches: physical '..' after links
        kernel_st = os.stat(asked)
        assert (kernel_st.st_dev, kernel_st.st_ino) == (st_.st_dev, st_.st_ino)
        if stat.S_ISREG(st_.st_mode):
            assert guard.read_bytes(asked).startswith(b"content of ")  # never the outside "secret"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(links=st.lists(link_spec, max_size=6), pattern=st.lists(
    st.sampled_from(["*", "**", "a", "b", "?", "*.txt", "l*", "[ab]"]), min_size=1, max_size=4))
def test_a_glob_returns_only_what_resolves_inside(links, pattern) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(os.path.realpath(tmp))
        root, _ = _build(base, links)
        matches = SystemRoot.offline(root).glob("/" + "/".join(pattern))
        for path in matches:
            assert _inside(matches.real[path], str(root))
            assert matches.real[path] == os.path.realpath(path)
            if matches.kinds[path] == "file":
                assert b"secret" not in PathGuard(root).read_bytes(path)


@settings(max_examples=200, deadline=None)
@given(pattern=st.lists(st.sampled_from(["*", "**", "a", "b", "?", "*.log", "*.txt", "[ab]*", "c"]),
                        min_size=1, max_size=4))
def test_without_links_a_glob_matches_what_pythons_glob_matches(pattern) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(os.path.realpath(tmp)) / "root"
        _tree(root, "a/x.log", "a/b/y.txt", "a/.hidden/z.log", "b/.dot.log", "c/a/b/w.log", "top.txt", "etc/e")
        text = "/".join(pattern)
        ours = {str(p) for p in SystemRoot.offline(root).glob("/" + text)}
        # Python's glob answers "x/" for "x/**" even when x does not exist; that quirk is not worth copying.
        theirs = {p.rstrip("/") for p in pyglob.glob(str(root / text), recursive=True) if os.path.lexists(p)}
        assert ours == theirs
