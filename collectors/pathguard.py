"""One resolver for every path read under a root: nothing outside it is reached, nothing special is opened.

A path is resolved one component at a time, the way the kernel does it, but in our hands: a symbolic link (or a
Windows junction or other name-surrogate reparse point) is read and resolution goes on from its target, and the
walk is refused the moment it would leave the confining folder, whether by the file itself, a folder on the way,
a glob match or a ``..``. More than 40 links in one resolution is a loop (the kernel's own limit), refused at
once: a loop costs microseconds, never a timeout. Special files (named pipes, sockets, devices) are refused from
their ``lstat``, never opened, so no read can block on them.

`PathGuard.open` closes the gap between the check and the open: ``O_NOFOLLOW | O_NONBLOCK`` where the platform
has them, then the opened descriptor must be the very regular file the walk saw (same device and inode) and,
as the kernel reports it (``/proc/self/fd`` on Linux, ``F_GETPATH`` on macOS; elsewhere a fresh walk), lie
inside the root, or it is refused as changed. That last check is what lets an offline root's folders be walked
once and remembered: thousands of logs share a few folders, and only their last name is resolved each time.

Offline roots are confined to the root; on the live system there is no boundary (links lead where the system
says), but the same loop, special-file and identity checks apply, and a caller may confine one search to a
folder (``within``).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

MAX_LINKS = 40  # Linux's MAXSYMLINKS: more links than this in one resolution is a loop
_NAME_SURROGATE = 0x20000000  # reparse tags with this bit point at another name (symlinks, junctions ...)
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                              *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))})
_MAGIC = re.compile(r"[*?[]")


class Refused(OSError):
    """A path the guard will not let a collector read, with the reason in words (also its ``strerror``).

    ``deliberate`` marks what is left out on purpose (the bundle being written) rather than something missing.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str, *, deliberate: bool = False) -> None:
        super().__init__(errno.EPERM, reason, str(path))
        self.reason = reason
        self.deliberate = deliberate

    def __str__(self) -> str:
        return self.reason


class Matches(list[Path]):
    """What a glob matched (sorted lexical paths), and what it met on the way and refused, with the reason.

    Attributes:
        refused: (lexical path, reason) for every link, special file or folder the glob would not use.
        kinds: ``file`` or ``dir`` for every match.
        real: the resolved real path of every match (two matches may share one, through a link inside the root).
    """

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[tuple[Path, str]] = []
        self.kinds: dict[Path, str] = {}
        self.real: dict[Path, str] = {}

    def files(self) -> list[Path]:
        return [p for p in self if self.kinds.get(p) == "file"]


def special_kind(mode: int) -> str:
    """What a non-regular, non-folder file is, in words; '' for a regular file or a folder."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a special file"


_WINDOWS = os.name == "nt"


def _is_link(st: os.stat_result) -> bool:
    if stat.S_ISLNK(st.st_mode):
        return True
    if not _WINDOWS:
        return False
    # Windows: junctions and other name-surrogate reparse points redirect like links; os.lstat does not follow them.
    attributes = getattr(st, "st_file_attributes", 0)
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)
                and getattr(st, "st_reparse_tag", 0) & _NAME_SURROGATE)


def _link_target(path: str) -> str:
    target = os.readlink(path)
    # Windows link targets may come in NT form: \??\C:\x, \\?\C:\x, \\?\UNC\server\share.
    for prefix in ("\\??\\", "\\\\?\\"):
        if target.startswith(prefix):
            target = target[len(prefix):]
            if target.upper().startswith("UNC\\"):
                target = "\\\\" + target[4:]
            break
    return target


def _fd_path(fd: int) -> str | None:
    """Where an open descriptor really is, as the kernel tells it; None where it cannot be asked."""
    if sys.platform.startswith("linux"):
        try:
            where = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return None
        return where if where.startswith("/") else None
    if sys.platform == "darwin":
        import fcntl

        getpath = getattr(fcntl, "F_GETPATH", None)
        if getpath is not None:
            try:
                return fcntl.fcntl(fd, getpath, bytes(1024)).rstrip(b"\0").decode("utf-8", "surrogateescape")
            except OSError:
                return None
    return None


def _parts(path: str) -> list[str]:
    return [p for p in re.split(r"[\\/]+" if os.sep == "\\" else "/+", path) if p]


def _key(path: str) -> str:
    return os.path.normcase(os.path.normpath(path))


def _part_keys(parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(os.path.normcase(x) for x in parts) if _WINDOWS else parts


def _parts_of(path: Path | str) -> tuple[str, ...]:
    """An absolute path's components, parsed once (a Path keeps its parts)."""
    if not isinstance(path, Path):
        path = Path(path)
    return path.parts if path.is_absolute() else Path(os.path.abspath(path)).parts


def _under(path: Path | str, folder: Path | str, folder_keys: tuple[str, ...] | None = None) -> list[str] | None:
    """The components of ``path`` below ``folder`` (lexically, case as the platform compares), or None."""
    parts = _parts_of(path)
    keys = folder_keys if folder_keys is not None else _part_keys(_parts_of(folder))
    n = len(keys)
    if len(parts) < n or _part_keys(parts[:n]) != keys:
        return None
    return list(parts[n:])


class PathGuard:
    """Resolves, lists, stats and opens paths without leaving ``confine`` (None: the whole system).

    Args:
        confine: the folder nothing may leave (an offline root), or None for the live system.
        show: how a real path under ``confine`` is named to people (``C:\\ProgramData\\...``), for reasons.
        name: what ``confine`` is called in reasons ("the root").
    """

    def __init__(self, confine: Path | None, show: Callable[[str], str] = str, name: str = "the root") -> None:
        self.confine_lexical = os.path.abspath(confine) if confine is not None else None
        self.confine_real = os.path.realpath(confine) if confine is not None else None
        self._confine_keys = _part_keys(_parts_of(self.confine_lexical)) if self.confine_lexical else None
        self._folders: dict[tuple[str, ...], str] = {}  # a folder's components under the root -> its real path
        self.show = show
        self.name = name
        self._never_read: set[tuple[int, int]] = set()
        self._never_reason = ""

    # ---- what must never be read

    def never_read(self, path: Path | str, reason: str) -> None:
        """Refuse this file (by identity, whatever name reaches it): the bundle being written, for one."""
        try:
            st = os.stat(path)
        except OSError:
            return
        self._never_read.add((st.st_dev, st.st_ino))
        self._never_reason = reason

    def _check_not_ours(self, path: str, st: os.stat_result) -> None:
        if (st.st_dev, st.st_ino) in self._never_read:
            raise Refused(path, self._never_reason, deliberate=True)

    # ---- resolution

    def _start(self, path: Path, within: str | None) -> tuple[str, list[str], str | None, str | None]:
        """(real folder to start from, components left, real confinement, its lexical name) for a lexical path."""
        confine_lex, confine_real, keys = self.confine_lexical, self.confine_real, self._confine_keys
        if within is not None:
            confine_lex = os.path.abspath(within)
            confine_real = self.resolve(Path(within))[0]
            keys = None
        if confine_lex is None or confine_real is None:
            parts = _parts_of(path)
            return parts[0], list(parts[1:]), None, None
        rest = _under(path, confine_lex, keys)
        if rest is None:
            raise Refused(path, f"outside {self._where(within)}: not read")
        return confine_real, rest, confine_real, confine_lex

    def resolve(self, path: Path, *, within: str | Path | None = None) -> tuple[str, os.stat_result]:
        """The real path (no links left in it) and ``lstat`` of a lexical path, or `Refused` / the OS error.

        ``within`` narrows the confinement to one folder for this call (a live search that must stay in it).
        """
        if within is None and self.confine_real is not None:
            return self._resolve_cached(path)
        start, todo, confine, confine_lex = self._start(path, str(within) if within is not None else None)
        return self._walk(start, todo, confine, confine_lex, path, self._where(within))

    def _resolve_cached(self, path: Path) -> tuple[str, os.stat_result]:
        # Thousands of files share a few folders: each folder is walked once, then only the last name is. An
        # offline root is a copy at rest; should a folder be swapped for a link after it was walked, open()
        # still sees where the opened file really is and refuses it (see _opened_outside).
        todo = self._relative(path)
        if todo is None:
            raise Refused(path, f"outside {self.name}: not read")
        start, confine, confine_lex = self.confine_real, self.confine_real, self.confine_lexical
        assert start is not None
        if len(todo) < 2 or todo[-1] in ("", ".", ".."):
            return self._walk(start, todo, confine, confine_lex, path, self.name)
        key = tuple(todo[:-1])
        real_parent = self._folders.get(key)
        if real_parent is None:
            real_parent, st = self._walk(start, list(key), confine, confine_lex, path, self.name)
            if not stat.S_ISDIR(st.st_mode):
                raise NotADirectoryError(errno.ENOTDIR, "not a folder", os.path.dirname(os.fspath(path)))
            if len(self._folders) > 100_000:
                self._folders.clear()
            self._folders[key] = real_parent
        return self._walk(real_parent, todo[-1:], confine, confine_lex, path, self.name)

    def _relative(self, path: Path | str) -> list[str] | None:
        """The components of a path below the root, by string (the hot path: every stat and open), or None."""
        text = os.fspath(path)
        if not os.path.isabs(text):
            text = os.path.abspath(text)
        assert self.confine_lexical is not None
        top = self.confine_lexical
        if _WINDOWS:
            text_cmp, top = os.path.normcase(text), os.path.normcase(top)
        else:
            text_cmp = text
        if text_cmp == top:
            return []
        prefix = top if top.endswith(os.sep) else top + os.sep
        if not text_cmp.startswith(prefix):
            return None
        return _parts(text[len(prefix):])

    def _where(self, within: str | Path | None) -> str:
        return self.name if within is None else "the folder searched"

    def _walk(self, current: str, parts: list[str], confine: str | None, confine_lex: str | None,
              asked: Path | str, where: str) -> tuple[str, os.stat_result]:
        todo = list(reversed(parts))
        hops = 0
        st: os.stat_result | None = None
        lstat, join = os.lstat, os.path.join
        while todo:
            name = todo.pop()
            if name in ("", "."):
                continue
            if name == "..":
                if confine is not None and _key(current) == _key(confine):
                    raise Refused(asked, f"'..' leads above {where}: not followed")
                current = os.path.dirname(current) or current
                st = None
                continue
            nxt = join(current, name)
            st = lstat(nxt)
            if _is_link(st):
                hops += 1
                if hops > MAX_LINKS:
                    raise Refused(asked, f"symbolic link loop{self._at(nxt, asked)} (more than {MAX_LINKS} "
                                         "links): not followed")
                try:
                    target = _link_target(nxt)
                except OSError as exc:
                    raise Refused(asked, f"a reparse point that is not a plain link{self._at(nxt, asked)} "
                                         f"({exc.strerror or exc}): not followed") from exc
                if os.path.isabs(target) or Path(target).anchor:
                    if confine is None:
                        current = Path(target).anchor or os.sep
                        todo.extend(reversed(_parts(target[len(Path(target).anchor):])))
                    else:
                        rest = _under(target, confine_lex or confine)
                        if rest is None:
                            rest = _under(target, confine)
                        if rest is None:
                            raise Refused(asked, f"a symbolic link to {target}{self._at(nxt, asked)}, outside "
                                                 f"{where}: not followed")
                        current = confine
                        todo.extend(reversed(rest))
                else:
                    todo.extend(reversed(_parts(target)))
                st = None
                continue
            if todo and not stat.S_ISDIR(st.st_mode):
                raise NotADirectoryError(errno.ENOTDIR, "not a folder", nxt)
            if _WINDOWS and name.split(".")[0].upper() in _WINDOWS_DEVICES:
                raise Refused(asked, f"a Windows device name{self._at(nxt, asked)}: never opened")
            current = nxt
        if st is None:
            st = os.lstat(current)
        return current, st

    def _at(self, real: str, asked: Path | str) -> str:
        """`` at <where>`` when the offending link is a folder on the way, not the path asked for itself."""
        shown = self._shown(real)
        asked_shown = self._shown(str(asked)) if self.confine_lexical is None else (
            self.show(str(asked)) if _under(str(asked), self.confine_lexical) is not None else str(asked))
        return "" if shown == asked_shown else f" at {shown}"

    def _shown(self, real: str) -> str:
        if self.confine_real is not None:
            rest = _under(real, self.confine_real)
            if rest is not None:
                return self.show(os.path.join(self.confine_lexical or self.confine_real, *rest))
        return real

    # ---- what collectors use

    def kind(self, path: Path, *, within: str | Path | None = None) -> str | None:
        """``file``, ``dir`` or None when nothing is there; `Refused` for links out, loops and special files."""
        try:
            _, st = self.resolve(path, within=within)
        except (FileNotFoundError, NotADirectoryError):
            return None
        special = special_kind(st.st_mode)
        if special:
            raise Refused(path, f"{special}, not a regular file: never opened")
        return "dir" if stat.S_ISDIR(st.st_mode) else "file"

    def stat(self, path: Path, *, within: str | Path | None = None) -> os.stat_result:
        """``stat`` of a regular file or folder reached safely; special files are refused."""
        _, st = self.resolve(path, within=within)
        special = special_kind(st.st_mode)
        if special:
            raise Refused(path, f"{special}, not a regular file: never opened")
        return st

    def open(self, path: Path, *, within: str | Path | None = None) -> BinaryIO:
        """A regular file, opened for binary reading, that is the one the walk found; else `Refused`."""
        real, st = self.resolve(path, within=within)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
        special = special_kind(st.st_mode)
        if special:
            raise Refused(path, f"{special}, not a regular file: never opened")
        self._check_not_ours(str(path), st)
        flags = os.O_RDONLY
        for extra in ("O_BINARY", "O_NOFOLLOW", "O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC"):
            flags |= getattr(os, extra, 0)
        try:
            fd = os.open(real, flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise Refused(path, "swapped for a symbolic link while being opened: not read") from exc
            raise
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (st.st_dev, st.st_ino):
                raise Refused(path, "changed while being opened (another file is there now): not read")
            if self._opened_outside(fd, path, within):
                raise Refused(path, f"changed while being opened (it now leads outside {self._where(within)}): "
                                    "not read")
            # O_NONBLOCK stays: it only ever mattered for what is not a regular file, and this one is.
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise

    def _opened_outside(self, fd: int, path: Path, within: str | Path | None) -> bool:
        """True when the opened file is not under the confinement: a folder on the way was swapped for a link
        after the walk. The kernel says where the descriptor is (Linux, macOS); elsewhere the path is walked
        again, uncached, and must still reach the same file."""
        if self.confine_real is None and within is None:
            return False
        confine = self._confinement(within)
        assert confine is not None
        where = _fd_path(fd)
        if where is not None:
            top = confine[0].rstrip(os.sep)
            if sys.platform == "darwin":  # case-insensitive as a rule; the kernel gives the case on disk
                where, top = where.casefold(), top.casefold()
            return not (where == top or where.startswith(top + os.sep))
        start, todo, c_real, c_lex = self._start(path, str(within) if within is not None else None)
        _, st = self._walk(start, todo, c_real, c_lex, path, self._where(within))
        opened = os.fstat(fd)
        return (st.st_dev, st.st_ino) != (opened.st_dev, opened.st_ino)

    def read_bytes(self, path: Path, limit: int | None = None, *, within: str | Path | None = None) -> bytes:
        """The file's first ``limit`` bytes (all of it when None), through `open`."""
        with self.open(path, within=within) as handle:
            return handle.read() if limit is None else handle.read(limit)

    # ---- listing

    def glob(self, base: Path, segments: list[str], *, ignore_case: bool = False, include_hidden: bool = False,
             prune: Callable[[str], bool] | None = None, within: str | Path | None = None) -> Matches:
        """Paths under ``base`` matching glob ``segments`` (``*``, ``?``, ``[...]``, ``**`` for any folders).

        Links are followed only where they stay inside the confinement; each folder is listed once per call
        (a link back to an ancestor is not walked again, so loops cost nothing); ``prune(real_folder)`` keeps a
        folder out of the walk. Everything refused on the way is in ``refused`` with its reason, and so is a
        folder that cannot be listed.
        """
        matches = Matches()
        try:
            real, st = self.resolve(base, within=within)
            confine = self._confinement(within)
        except (FileNotFoundError, NotADirectoryError):
            return matches
        except OSError as exc:
            matches.refused.append((base, _reason(exc)))
            return matches
        if not stat.S_ISDIR(st.st_mode):
            return matches
        walker = _Glob(self, matches, confine, ignore_case, include_hidden, prune, self._where(within))
        walker.match(base, real, segments, 0)
        matches.sort(key=str)
        unique: dict[str, tuple[Path, str]] = {}
        for path, reason in matches.refused:  # one reason per path, the first met
            unique.setdefault(str(path), (path, reason))
        matches.refused[:] = unique.values()
        return matches

    def _confinement(self, within: str | Path | None) -> tuple[str, str] | None:
        if within is not None:
            return self.resolve(Path(within))[0], os.path.abspath(within)
        if self.confine_real is None:
            return None
        return self.confine_real, self.confine_lexical or self.confine_real


def _reason(exc: OSError) -> str:
    if isinstance(exc, Refused):
        return exc.reason
    if isinstance(exc, PermissionError):
        return f"cannot read: {exc.strerror or 'permission denied'}"
    return f"cannot read: {exc.strerror or exc}"


class _Glob:
    """One glob call: the confinement, what was walked already, and where results and refusals go."""

    def __init__(self, guard: PathGuard, out: Matches, confine: tuple[str, str] | None, ignore_case: bool,
                 include_hidden: bool, prune: Callable[[str], bool] | None, where: str) -> None:
        self.guard = guard
        self.where = where
        self.out = out
        self.confine = confine
        self.flags = re.IGNORECASE if ignore_case else 0
        self.ignore_case = ignore_case
        self.include_hidden = include_hidden
        self.prune = prune
        self._compiled: dict[str, re.Pattern[str]] = {}
        # d_type from the listing tells plain files and folders apart without a syscall each; on Windows a
        # junction looks like a plain folder there, so every entry goes through the resolver.
        self.fast = os.name != "nt"

    def _pattern(self, segment: str) -> re.Pattern[str]:
        if segment not in self._compiled:
            self._compiled[segment] = re.compile(fnmatch.translate(segment), self.flags)
        return self._compiled[segment]

    def _step(self, folder_real: str, name: str, lexical: Path) -> tuple[str, int] | None:
        """Resolve one name inside a real folder: (real path, mode), None when absent; refusals recorded."""
        confine, confine_lex = self.confine if self.confine else (None, None)
        try:
            real, st = self.guard._walk(folder_real, [name], confine, confine_lex, lexical, self.where)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            self.out.refused.append((lexical, _reason(exc)))
            return None
        return real, st.st_mode

    def _entry(self, folder_real: str, entry: os.DirEntry[str], lexical: Path) -> tuple[str, int] | None:
        if self.fast and not entry.is_symlink():
            real = os.path.join(folder_real, entry.name)
            if entry.is_dir(follow_symlinks=False):
                return real, stat.S_IFDIR
            if entry.is_file(follow_symlinks=False):
                return real, stat.S_IFREG
            try:
                return real, entry.stat(follow_symlinks=False).st_mode
            except OSError:
                return None
        return self._step(folder_real, entry.name, lexical)

    def _list(self, folder_real: str, lexical: Path) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(folder_real) as it:
                entries = list(it)
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            self.out.refused.append((lexical, f"cannot list the folder: {exc.strerror or exc}"))
            return []
        entries.sort(key=lambda e: e.name)
        return entries

    def _visible(self, name: str) -> bool:
        return self.include_hidden or not name.startswith(".")

    def _emit(self, lexical: Path, real: str, mode: int) -> None:
        special = special_kind(mode)
        if special:
            self.out.refused.append((lexical, f"{special}, not a regular file: never opened"))
            return
        if lexical not in self.out.kinds:
            self.out.append(lexical)
        self.out.kinds[lexical] = "dir" if stat.S_ISDIR(mode) else "file"
        self.out.real[lexical] = real

    def match(self, lexical: Path, real: str, segments: list[str], i: int) -> None:
        if i == len(segments):
            try:
                self._emit(lexical, real, os.lstat(real).st_mode)
            except OSError:
                pass
            return
        segment = segments[i]
        last = i == len(segments) - 1
        if segment == "**":
            for sub_lex, sub_real in self._folders(lexical, real):
                self.match(sub_lex, sub_real, segments, i + 1)
                if last:
                    self._files_in(sub_lex, sub_real)
            return
        if not _MAGIC.search(segment) and not self.ignore_case:
            found = [(lexical / segment, self._step(real, segment, lexical / segment))]
        else:
            pattern = self._pattern(segment)
            hidden_ok = self.include_hidden or segment.startswith(".")
            found = [(lexical / e.name, self._entry(real, e, lexical / e.name)) for e in self._list(real, lexical)
                     if pattern.match(e.name) and (hidden_ok or not e.name.startswith("."))]
        for child_lex, resolved in found:
            if resolved is None:
                continue
            child_real, mode = resolved
            if last:
                self._emit(child_lex, child_real, mode)
            elif stat.S_ISDIR(mode) and not (self.prune and self.prune(child_real)):
                self.match(child_lex, child_real, segments, i + 1)

    def _files_in(self, lexical: Path, real: str) -> None:
        """Every non-folder entry of one folder, for a trailing ``**`` (folders come from `_folders`)."""
        for entry in self._list(real, lexical):
            if not self._visible(entry.name):
                continue
            child_lex = lexical / entry.name
            resolved = self._entry(real, entry, child_lex)
            if resolved is not None and not stat.S_ISDIR(resolved[1]):
                self._emit(child_lex, *resolved)

    def _folders(self, lexical: Path, real: str) -> Iterator[tuple[Path, str]]:
        """The folder and every folder below it (depth first, by name), each real folder once, links inside the
        confinement followed. A stack, not recursion: a hostile tree may be thousands of folders deep."""
        walked: set[tuple[int, int]] = set()
        stack = [(lexical, real)]
        while stack:
            folder_lex, folder_real = stack.pop()
            try:
                st = os.stat(folder_real)
            except OSError:
                continue
            key = (st.st_dev, st.st_ino)
            if key in walked:
                continue
            walked.add(key)
            yield folder_lex, folder_real
            below = []
            for entry in self._list(folder_real, folder_lex):
                if not self._visible(entry.name):
                    continue
                if self.fast and not entry.is_symlink() and not entry.is_dir(follow_symlinks=False):
                    continue  # a plain file or a special file: not a folder to walk
                child_lex = folder_lex / entry.name
                resolved = self._entry(folder_real, entry, child_lex)
                if resolved is None or not stat.S_ISDIR(resolved[1]):
                    continue
                here, there = _key(folder_real), _key(resolved[0])
                if here == there or here.startswith(there.rstrip(os.sep) + os.sep):
                    # A link back to this folder or one above it: walking it would only come round again.
                    self.out.refused.append((child_lex, "a link back to a folder above it (a loop): not followed"))
                    continue
                if self.prune and self.prune(resolved[0]):
                    continue
                below.append((child_lex, resolved[0]))
            stack.extend(reversed(below))
