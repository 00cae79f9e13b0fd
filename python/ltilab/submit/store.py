"""Storing submissions: atomic, versioned, logged, and never lost.

Layout of a box (compatible with the predecessor's ``<box>/<user>_<file>``)::

    <box>/<user>_<file>                              the latest submission, mode 0640
    <box>/.versions/<user>_<file>/<stamp>-<sha8>     every earlier version (hard links)
    <box>/.submits.log                               one JSON object per line and event

``<stamp>`` is the UTC time of that version's submission,
``YYYYmmddTHHMMSS.ffffffZ``, so names sort chronologically; ``<sha8>`` is the
start of its SHA-256.

How a submission is written (:func:`submit`):

1. The source is copied into an unnamed ``O_TMPFILE`` in the box (a named
   ``.ltilab-tmp-<user>-<pid>-<rand>.part`` file where ``O_TMPFILE`` is not
   supported), hashed, ``fchmod`` 0640 and ``fsync``-ed.  A process killed in
   this phase leaves nothing behind: an unnamed file vanishes with its last
   descriptor.  A full disk (``ENOSPC``/``EDQUOT``) raises ``507`` here,
   before anything in the box changed.
2. Under an exclusive ``flock`` on ``.versions/<user>_<file>/`` (so concurrent
   submissions of one file serialise; different files never wait on each
   other) the previous file, if any, is hard-linked into the versions folder.
   The link is made *before* the new file replaces it, so at every instant
   the old content is reachable under one name or both, and nothing is lost.
3. The new file gets a name, is ``rename``-d over ``<user>_<file>`` (atomic),
   and the box directory is ``fsync``-ed.
4. One JSON line is appended to ``.submits.log`` with a single ``write`` on
   an ``O_APPEND`` descriptor, so concurrent writers never overwrite each
   other's lines.

Permissions (the predecessor's ``g+r,o-rwx``): submissions are 0640, so the
box's group (``TEACHER`` through the box's set-gid bit under the hub) reads
them and other students cannot.  ``.versions`` takes the box's own mode
(3777 under the hub, so every student can create their folder there, and the
sticky bit stops them deleting others'); each per-file versions folder is
0750 (plus set-gid when the box has it).  The log is 0662 in a world-writable
box (every student appends, teachers read) and 0660 otherwise.

Ownership: a stored name ``<user>_<file>`` is ambiguous when user names
contain ``_`` (``ab`` submitting ``c_x.ipynb`` and ``ab_c`` submitting
``x.ipynb`` are both ``ab_c_x.ipynb``).  The predecessor took the text before
the first ``_`` [D].  Here a name belongs to the user the log recorded for it,
else to the longest known user name it starts with; a submission whose name
another user owns or could own is refused (409) instead of overwriting it.
"""

from __future__ import annotations

import datetime as _dt
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import stat
import time
from typing import Callable, Iterable, Optional

from .boxes import DEFAULT_MAX_BYTES, Box

LOG_NAME = ".submits.log"
VERSIONS_DIR = ".versions"
TEMP_PREFIX = ".ltilab-tmp-"
FILE_MODE = 0o640
VERSION_DIR_MODE = 0o750
CHUNK = 1 << 20
STALE_TEMP_SECONDS = 24 * 3600
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_VERSION_RE = re.compile(r"^(\d{8}T\d{6}\.\d{6}Z)-([0-9a-f]{8})(?:-\d+)?$")
#: test hook: ``<point>:<flag file>``; at <point> the process creates the flag
#: file and sleeps, so a test can kill it there (see tests/test_submit_store.py).
TEST_HOOK_ENV = "LTILAB_SUBMIT_TEST_HOOK"


class SubmitError(Exception):
    """A refused or failed submission, with its HTTP status and error code."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def to_json(self) -> dict:
        return {"error": self.code, "message": self.message, **self.extra}


def _disk_full(err: OSError) -> SubmitError:
    return SubmitError(
        507,
        "disk_full",
        "The submission box's disk is full, so the file was not submitted. "
        "Earlier submissions are unchanged. Tell your teacher.",
        errno=err.errno,
    )


# --------------------------------------------------------------------------
# names and paths


def iso(when: float) -> str:
    return _dt.datetime.fromtimestamp(when, _dt.timezone.utc).isoformat().replace("+00:00", "Z")


def stamp_ns(ns: int) -> str:
    when = _dt.datetime.fromtimestamp(ns // 1_000_000_000, _dt.timezone.utc)
    return when.strftime("%Y%m%dT%H%M%S") + f".{(ns % 1_000_000_000) // 1000:06d}Z"


def check_name(name, what: str = "file name") -> str:
    """A plain, visible file name: no separators, no control characters."""
    if (
        not isinstance(name, str)
        or not name
        or name in (".", "..")
        or "/" in name
        or "\\" in name
        or name.startswith(".")
        or any(ord(c) < 32 or c == "\x7f" for c in name)
    ):
        raise SubmitError(400, "bad_name", f"Invalid {what}: {name!r}")
    return name


def stored_name(user: str, filename: str) -> str:
    check_name(user, "user name")
    check_name(filename)
    stored = f"{user}_{filename}"
    if len(stored.encode("utf-8")) > 255:
        raise SubmitError(400, "bad_name", "The file name is too long.")
    return stored


def _within(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def resolve_source(
    root_dir: str,
    rel,
    *,
    boxes: Iterable[Box] = (),
    allow_hidden: bool = False,
) -> str:
    """The real path of the file ``rel`` under ``root_dir``, or a SubmitError.

    Refuses absolute paths, ``..``, hidden components (unless allowed), paths
    that resolve outside the root (symlinks), files inside a submission box
    (which would let a student re-submit, and so read, another's file), and
    anything but a regular file.
    """
    if not isinstance(rel, str) or not rel.strip():
        raise SubmitError(400, "bad_path", "'path' must be a non-empty string.")
    if "\x00" in rel:
        raise SubmitError(400, "bad_path", "The path contains a NUL character.")
    if rel.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", rel):
        raise SubmitError(
            400, "absolute_path", "Absolute paths are refused; give a path relative to your root."
        )
    parts = rel.split("/")
    if ".." in parts:
        raise SubmitError(400, "path_traversal", "Paths containing '..' are refused.")
    parts = [p for p in parts if p not in ("", ".")]
    if not parts:
        raise SubmitError(400, "bad_path", "The path names no file.")
    if not allow_hidden and any(p.startswith(".") for p in parts):
        raise SubmitError(403, "hidden_path", "Hidden files and folders cannot be submitted.")
    root = os.path.realpath(root_dir)
    real = os.path.realpath(os.path.join(root, *parts))
    if not _within(real, root):
        raise SubmitError(
            403, "outside_root", "The path leads outside your files (through a symbolic link)."
        )
    for box in boxes:
        if _within(real, os.path.realpath(box.path)):
            raise SubmitError(
                403, "inside_box", "Files inside a submission box cannot be submitted."
            )
    try:
        st = os.stat(real)
    except FileNotFoundError:
        raise SubmitError(404, "not_found", f"No such file: {rel}") from None
    if not stat.S_ISREG(st.st_mode):
        raise SubmitError(400, "not_a_file", f"Not a regular file: {rel}")
    return real


# --------------------------------------------------------------------------
# log and ownership


def read_log(box_path: str) -> list:
    """All well-formed events of a box's log (malformed lines are skipped)."""
    events = []
    try:
        with open(os.path.join(box_path, LOG_NAME), "rb") as fh:
            for line in fh:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    events.append(event)
    except FileNotFoundError:
        pass
    return events


def log_owners(events: Iterable[dict]) -> dict:
    """{stored name: user} from the log's submit events (consistent ones only)."""
    owners = {}
    for event in events:
        user, stored = event.get("user"), event.get("stored")
        if (
            event.get("event") == "submit"
            and isinstance(user, str)
            and isinstance(stored, str)
            and user
            and stored.startswith(user + "_")
        ):
            owners.setdefault(stored, user)
    return owners


def owner_of(stored: str, owners: dict, known_users: Iterable[str]) -> Optional[str]:
    """Whose submission ``stored`` is: the log's owner, else the longest known
    user name it starts with, else (unknown users) the text before the first
    ``_`` as the predecessor did."""
    if stored in owners:
        return owners[stored]
    matches = [u for u in known_users if u and stored.startswith(u + "_") and len(stored) > len(u) + 1]
    if matches:
        return max(matches, key=len)
    head, sep, tail = stored.partition("_")
    return head if sep and head and tail else None


def _append_log(box_path: str, event: dict) -> None:
    line = (json.dumps(event, sort_keys=True, ensure_ascii=True) + "\n").encode("ascii")
    box_mode = os.stat(box_path).st_mode
    mode = 0o662 if box_mode & stat.S_IWOTH else 0o660
    fd = os.open(
        os.path.join(box_path, LOG_NAME),
        os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
        mode,
    )
    try:
        st = os.fstat(fd)
        if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) != mode:
            os.fchmod(fd, mode)
        _write_all(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------
# low-level helpers


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _ensure_dir(path: str, mode: int) -> None:
    try:
        os.mkdir(path, mode)
    except FileExistsError:
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode):
            raise SubmitError(409, "name_conflict", f"{os.path.basename(path)} is not a folder.")
        return
    os.chmod(path, mode)  # mkdir's mode is masked by the umask


def _hook(point: str) -> None:
    spec = os.environ.get(TEST_HOOK_ENV, "")
    name, _, flag = spec.partition(":")
    if name == point and flag:
        with open(flag, "w") as fh:
            fh.write(str(os.getpid()))
        time.sleep(3600)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_temps(box_path: str, user: str) -> int:
    """Remove this user's named temporary files left by killed processes."""
    removed = 0
    prefix = f"{TEMP_PREFIX}{user}-"
    try:
        names = os.listdir(box_path)
    except OSError:
        return 0
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".part")):
            continue
        try:
            pid = int(name[len(prefix):].split("-")[0])
        except ValueError:
            continue
        path = os.path.join(box_path, name)
        try:
            age = time.time() - os.lstat(path).st_mtime
            if pid != os.getpid() and (not _pid_alive(pid) or age > STALE_TEMP_SECONDS):
                os.unlink(path)
                removed += 1
        except OSError:
            pass
    return removed


def _use_tmpfile() -> bool:
    return (
        hasattr(os, "O_TMPFILE")
        and os.path.isdir("/proc/self/fd")
        and not os.environ.get("LTILAB_SUBMIT_NO_TMPFILE")
    )


def _open_temp(box_path: str, user: str):
    """(fd, name): an unnamed O_TMPFILE (name None) or a named hidden temp."""
    if _use_tmpfile():
        try:
            return os.open(box_path, os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC, 0o600), None
        except OSError as err:
            if err.errno in _DISK_FULL:
                raise
            if err.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                raise
    name = f"{TEMP_PREFIX}{user}-{os.getpid()}-{secrets.token_hex(6)}.part"
    fd = os.open(
        os.path.join(box_path, name),
        os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
        0o600,
    )
    return fd, name


# --------------------------------------------------------------------------
# submitting


def submit(
    box: Box,
    user: str,
    source: str,
    *,
    filename: Optional[str] = None,
    is_teacher: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    known_users: Iterable[str] = (),
    origin: str = "api",
    clock: Callable[[], float] = time.time,
) -> dict:
    """Submit the file at ``source`` (an already validated real path) to ``box``
    as ``<user>_<filename>`` and return the receipt."""
    filename = filename or os.path.basename(source)
    stored = stored_name(user, filename)
    if not os.path.isdir(box.path):
        raise SubmitError(
            503, "box_unavailable", f"The submission box {box.label!r} is not available now."
        )
    _check_deadline(box, clock(), is_teacher)

    owners = log_owners(read_log(box.path))
    claimed = owners.get(stored)
    if claimed is not None and claimed != user:
        raise SubmitError(
            409, "name_conflict", f"{stored} is another user's submission; rename your file."
        )
    if claimed is None:
        known = set(known_users) | set(owners.values())
        if any(k != user and len(k) > len(user) and stored.startswith(k + "_") for k in known):
            raise SubmitError(
                409,
                "name_conflict",
                f"{stored} would be taken for another user's submission; rename your file.",
            )
    target = os.path.join(box.path, stored)
    try:
        tst = os.lstat(target)
    except FileNotFoundError:
        tst = None
    if tst is not None and os.geteuid() != 0 and tst.st_uid != os.geteuid():
        raise SubmitError(409, "name_conflict", f"{stored} in the box belongs to another user.")

    try:
        src_fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        raise SubmitError(404, "not_found", f"No such file: {filename}") from None
    except OSError as err:
        raise SubmitError(403, "unreadable", f"Cannot read {filename}: {err.strerror}") from None
    try:
        sst = os.fstat(src_fd)
        if not stat.S_ISREG(sst.st_mode):
            raise SubmitError(400, "not_a_file", f"Not a regular file: {filename}")
        if sst.st_size > max_bytes:
            raise _too_large(sst.st_size, max_bytes)
        sweep_temps(box.path, user)
        try:
            fd, temp_name = _open_temp(box.path, user)
        except OSError as err:
            if err.errno in _DISK_FULL:
                raise _disk_full(err) from None
            raise
        try:
            try:
                digest, size = _copy(src_fd, fd, max_bytes)
                os.fchmod(fd, FILE_MODE)
                os.fsync(fd)
            except OSError as err:
                if err.errno in _DISK_FULL:
                    raise _disk_full(err) from None
                raise
            _hook("before-rename")
            return _commit(
                box, user, filename, stored, fd, temp_name, digest, size,
                is_teacher=is_teacher, origin=origin, clock=clock,
            )
        finally:
            os.close(fd)
            if temp_name is not None:
                try:
                    os.unlink(os.path.join(box.path, temp_name))
                except FileNotFoundError:
                    pass
    finally:
        os.close(src_fd)


def _too_large(size: int, limit: int) -> SubmitError:
    return SubmitError(
        413,
        "too_large",
        f"The file is too large to submit ({size} bytes; the limit is {limit} bytes).",
        size=size,
        max_bytes=limit,
    )


def _check_deadline(box: Box, now: float, is_teacher: bool) -> bool:
    late = box.is_late(now)
    if late and box.late_policy == "refuse" and not is_teacher:
        raise SubmitError(
            403,
            "closed",
            f"The submission box {box.label!r} closed at {iso(box.close)}.",
            close=box.close,
        )
    return late


def _copy(src_fd: int, fd: int, max_bytes: int):
    digest = hashlib.sha256()
    size = 0
    while True:
        chunk = os.read(src_fd, CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        digest.update(chunk)
        _write_all(fd, chunk)
    return digest.hexdigest(), size


def _commit(box, user, filename, stored, fd, temp_name, sha, size, *, is_teacher, origin, clock):
    box_mode = os.stat(box.path).st_mode
    vroot = os.path.join(box.path, VERSIONS_DIR)
    vdir = os.path.join(vroot, stored)
    try:
        _ensure_dir(vroot, stat.S_IMODE(box_mode))
        _ensure_dir(vdir, VERSION_DIR_MODE | (box_mode & stat.S_ISGID))
    except OSError as err:
        if err.errno in _DISK_FULL:
            raise _disk_full(err) from None
        raise
    lock_fd = os.open(vdir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        now = clock()
        late = _check_deadline(box, now, is_teacher)
        target = os.path.join(box.path, stored)
        previous = None
        try:
            tst = os.lstat(target)
        except FileNotFoundError:
            tst = None
        if tst is not None:
            if not stat.S_ISREG(tst.st_mode):
                raise SubmitError(409, "name_conflict", f"{stored} in the box is not a regular file.")
            old_sha = sha256_file(target)
            if old_sha == sha:
                receipt = _receipt(box, user, filename, stored, tst.st_mtime, size, sha)
                receipt["unchanged"] = True
                receipt["previous_version"] = None
                receipt["version_count"] = 1 + len(list_versions(box, stored))
                return receipt
            previous = _keep_version(target, tst, vdir, old_sha)
        ns = int(now * 1_000_000_000)
        os.utime(fd, ns=(ns, ns))
        try:
            if temp_name is None:
                temp_name = _name_tmpfile(box.path, user, fd, ns)
            os.rename(os.path.join(box.path, temp_name), target)
            _fsync_dir(box.path)
        except OSError as err:
            if temp_name is not None:
                try:
                    os.unlink(os.path.join(box.path, temp_name))
                except OSError:
                    pass
            if err.errno in _DISK_FULL:
                raise _disk_full(err) from None
            raise
        receipt = _receipt(box, user, filename, stored, ns / 1e9, size, sha)
        receipt["previous_version"] = previous
        receipt["version_count"] = 1 + len(list_versions(box, stored))
        event = {
            "event": "submit",
            "user": user,
            "file": filename,
            "stored": stored,
            "time": receipt["time"],
            "timestamp": receipt["timestamp"],
            "size": size,
            "sha256": sha,
            "late": late,
            "previous_version": previous,
            "origin": origin,
        }
        try:
            _append_log(box.path, event)
        except OSError as err:
            receipt["warnings"] = [f"The submission is stored, but the log was not written: {err.strerror}"]
        return receipt
    finally:
        os.close(lock_fd)  # releases the flock


def _name_tmpfile(box_path: str, user: str, fd: int, ns: int) -> str:
    """Give the unnamed O_TMPFILE ``fd`` a (hidden, temporary) name.

    ``linkat`` through ``/proc/self/fd`` with ``AT_SYMLINK_FOLLOW`` (Python
    only passes that flag to ``linkat`` when a dir_fd is given).  Where the
    kernel refuses, the content is copied into a named temporary instead.
    """
    name = f"{TEMP_PREFIX}{user}-{os.getpid()}-{secrets.token_hex(6)}.part"
    dir_fd = os.open(box_path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=dir_fd, follow_symlinks=True)
            return name
        except OSError as err:
            if err.errno in _DISK_FULL:
                raise
        out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                      0o600, dir_fd=dir_fd)
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            for chunk in iter(lambda: os.read(fd, CHUNK), b""):
                _write_all(out, chunk)
            os.fchmod(out, FILE_MODE)
            os.utime(out, ns=(ns, ns))
            os.fsync(out)
        except BaseException:
            os.unlink(name, dir_fd=dir_fd)
            raise
        finally:
            os.close(out)
        return name
    finally:
        os.close(dir_fd)


def _keep_version(target: str, tst, vdir: str, old_sha: str) -> str:
    """Hard-link the current file into its versions folder; return the name."""
    base = f"{stamp_ns(tst.st_mtime_ns)}-{old_sha[:8]}"
    name, n = base, 0
    while True:
        path = os.path.join(vdir, name)
        try:
            vst = os.lstat(path)
        except FileNotFoundError:
            break
        if vst.st_ino == tst.st_ino and vst.st_dev == tst.st_dev:
            return name  # kept already (an earlier attempt died after linking)
        n += 1
        name = f"{base}-{n}"
    try:
        os.link(target, path)
    except OSError as err:
        if err.errno in _DISK_FULL:
            raise _disk_full(err) from None
        raise
    _fsync_dir(vdir)
    return name


def _receipt(box, user, filename, stored, when, size, sha) -> dict:
    return {
        "box": box.id,
        "user": user,
        "file": filename,
        "stored": stored,
        "time": iso(when),
        "timestamp": when,
        "size": size,
        "sha256": sha,
        "sha256_short": sha[:8],
        "late": box.is_late(when),
        "unchanged": False,
        "root_path": f"{box.root_path}/{stored}" if box.root_path else None,
    }


# --------------------------------------------------------------------------
# listing and reading


def list_versions(box: Box, stored: str) -> list:
    """Earlier versions of ``stored``, newest first."""
    vdir = os.path.join(box.path, VERSIONS_DIR, stored)
    try:
        names = os.listdir(vdir)
    except (FileNotFoundError, NotADirectoryError):
        return []
    versions = []
    for name in names:
        match = _VERSION_RE.match(name)
        if not match:
            continue
        try:
            st = os.lstat(os.path.join(vdir, name))
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        versions.append(
            {
                "name": name,
                "time": iso(st.st_mtime),
                "timestamp": st.st_mtime,
                "size": st.st_size,
                "sha256_short": match.group(2),
                "late": box.is_late(st.st_mtime),
                "root_path": f"{box.root_path}/{VERSIONS_DIR}/{stored}/{name}" if box.root_path else None,
            }
        )
    versions.sort(key=lambda v: v["name"], reverse=True)
    return versions


def _current_files(box: Box):
    try:
        names = os.listdir(box.path)
    except OSError:
        return
    for name in sorted(names):
        if name.startswith("."):
            continue
        try:
            st = os.lstat(os.path.join(box.path, name))
        except FileNotFoundError:
            continue
        if stat.S_ISREG(st.st_mode):
            yield name, st


def _file_entry(box: Box, owner: str, stored: str, st, *, with_sha: bool) -> dict:
    versions = list_versions(box, stored)
    entry = {
        "box": box.id,
        "user": owner,
        "file": stored[len(owner) + 1:],
        "stored": stored,
        "time": iso(st.st_mtime),
        "timestamp": st.st_mtime,
        "size": st.st_size,
        "late": box.is_late(st.st_mtime),
        "version_count": 1 + len(versions),
        "versions": versions,
        "root_path": f"{box.root_path}/{stored}" if box.root_path else None,
    }
    if with_sha:
        sha = sha256_file(os.path.join(box.path, stored))
        entry["sha256"] = sha
        entry["sha256_short"] = sha[:8]
    return entry


def user_submissions(box: Box, user: str, known_users: Iterable[str] = ()) -> list:
    """The user's own submissions in ``box`` (receipts plus earlier versions)."""
    owners = log_owners(read_log(box.path))
    known = set(known_users) | set(owners.values()) | {user}
    sweep_temps(box.path, user)
    return [
        _file_entry(box, user, name, st, with_sha=True)
        for name, st in _current_files(box)
        if name.startswith(user + "_") and owner_of(name, owners, known) == user
    ]


def box_table(box: Box, known_users: Iterable[str] = (), roster: Iterable[str] = ()) -> dict:
    """Teacher view: one row per student, plus roster students without a submission."""
    owners = log_owners(read_log(box.path))
    known = set(known_users) | set(owners.values()) | set(roster)
    rows: dict = {}
    unattributed = []
    for name, st in _current_files(box):
        owner = owner_of(name, owners, known)
        if owner is None:
            unattributed.append(name)
            continue
        entry = _file_entry(box, owner, name, st, with_sha=False)
        row = rows.setdefault(
            owner,
            {"user": owner, "submitted": True, "files": [], "version_count": 0,
             "latest": None, "latest_timestamp": None, "late": False},
        )
        row["files"].append(entry)
        row["version_count"] += entry["version_count"]
        row["late"] = row["late"] or entry["late"]
        if row["latest_timestamp"] is None or entry["timestamp"] > row["latest_timestamp"]:
            row["latest_timestamp"] = entry["timestamp"]
            row["latest"] = entry["time"]
    for student in roster:
        if student and student not in rows:
            rows[student] = {"user": student, "submitted": False, "files": [], "version_count": 0,
                             "latest": None, "latest_timestamp": None, "late": False}
    return {
        "box": box.id,
        "rows": [rows[u] for u in sorted(rows)],
        "unattributed": unattributed,
        "missing": sorted(u for u, r in rows.items() if not r["submitted"]),
    }


def submission_path(box: Box, stored: str, version: Optional[str] = None) -> str:
    """The absolute path of a stored submission (or one of its versions)."""
    check_name(stored, "submission name")
    if version is None:
        path = os.path.join(box.path, stored)
    else:
        if not isinstance(version, str) or not _VERSION_RE.match(version):
            raise SubmitError(400, "bad_name", f"Invalid version name: {version!r}")
        path = os.path.join(box.path, VERSIONS_DIR, stored, version)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise SubmitError(404, "not_found", "No such submission.") from None
    if not stat.S_ISREG(st.st_mode):
        raise SubmitError(404, "not_found", "No such submission.")
    return path
