"""Submission boxes: where submissions go, who is a teacher, when boxes close.

Boxes come from two sources, which are merged (environment first):

1. **The single-user server's environment**, exactly as the predecessor
   spawner (lticontainerspawner) sets it:

   ``NB_USER``
       The user name; submissions are stored as ``<box>/<NB_USER>_<file>``.
   ``NB_TEACHER``
       The user's name for a teacher, empty otherwise.
   ``NB_WRKDIR`` (else ``$NB_DIR/$PRJCT_DIR/$WORK_DIR``, i.e. ``<home>/jupyter/works``)
       The directory the ``NB_SUBMITS``/``NB_PRSNALS`` items are relative to.
   ``NB_SUBMITS``, ``NB_PRSNALS``
       Space-separated ``.volumes/<volname>:<access name>`` items.  The box is
       the directory ``$NB_WRKDIR/.volumes/<volname>``; its id is
       ``<volname>`` and its label the access name (a leading ``-`` dropped,
       as ``start.sh`` does for submit volumes, which also names the link
       ``$NB_WRKDIR/<access name>`` that teachers open submissions through).

   ltilab adds these variables (the predecessor had only ``lms_sub_<n>_close``,
   checked once at spawn):

   ``LTILAB_SUBMIT_CLOSE``
       Deadlines, ``<key>=<time>`` items separated by commas and/or spaces.
       ``<time>`` is a Unix time (as ``lms_sub_<n>_close`` carries it) or an
       ISO 8601 date (a date without a zone is server local time).
       ``<key>`` names the box by its volume name
       (``lms_sub_homework1_57_lms.example.edu``), its volume key
       (``lms_sub_homework1``), its access name (``Submit``) or its configured
       name; the custom parameter itself (``lms_sub_homework1_close``) is
       accepted too, so a spawner can pass the ``lms_sub_*_close`` lines
       through unchanged.  Keys are compared after lower-casing and dropping
       every character outside ``[a-z0-9]``, which fixes the predecessor
       defect [D] where a submit name with a space or ``-`` never closed
       (``lms_sub_home_work_close`` now matches ``lms_sub_homework_…``).
   ``LTILAB_SUBMIT_LATE_POLICY``
       ``refuse`` (default, like the predecessor's closed volume) or ``flag``
       (accept and mark late).  Configuration overrides it.
   ``LTILAB_SUBMIT_MAX_BYTES``
       Size limit of one submitted file (default 20 MiB).
   ``LTILAB_SUBMIT_ROSTER``
       Comma/space-separated student names, so the teacher view can list
       students without a submission.

2. **Server configuration** (for use without a hub), e.g. in
   ``jupyter_server_config.py``::

       c.LtilabSubmit.user = "alice"          # default: NB_USER, else the OS user
       c.LtilabSubmit.teachers = ["yamada"]
       c.LtilabSubmit.roster = ["alice", "bob"]
       c.LtilabSubmit.late_policy = "flag"    # or "refuse"
       c.LtilabSubmit.max_bytes = 10_000_000
       c.LtilabSubmit.boxes = [
           {"name": "hw1", "path": "/srv/submit/hw1", "label": "Homework 1",
            "close": "2026-09-30T23:59:00+09:00", "late_policy": "flag",
            "roster": ["alice", "bob"]},
       ]

   ``path`` may be relative to the server root.  ``close`` is a Unix time or
   an ISO 8601 date; ``label``, ``close``, ``late_policy`` and ``roster`` are
   optional.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional

from traitlets import Bool, Dict, Enum, Int, List, Unicode, default
from traitlets.config import Configurable

LATE_POLICIES = ("refuse", "flag")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_SPLIT = re.compile(r"[,\s]+")


def _norm_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def parse_time(value) -> Optional[float]:
    """A Unix time (number or numeric string) or an ISO 8601 date, as a float."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        when = _dt.datetime.fromisoformat(text)
    except ValueError as err:
        raise ValueError(f"not a Unix time or ISO 8601 date: {value!r}") from err
    return when.timestamp()  # naive: server local time


def parse_volume_items(value: Optional[str]) -> list[tuple[str, str]]:
    """``.volumes/<volname>:<access name> …`` → [(relative path, access name)]."""
    items = []
    for item in (value or "").split():
        rel, _, access = item.partition(":")
        rel = rel.strip().rstrip("/")
        if rel:
            items.append((rel, access.strip()))
    return items


def parse_close(value: Optional[str]) -> dict[str, float]:
    """``LTILAB_SUBMIT_CLOSE`` → {normalised key: unix time}."""
    closes: dict[str, float] = {}
    for item in _SPLIT.split(value or ""):
        if not item:
            continue
        key, sep, when = item.partition("=")
        if not sep:
            raise ValueError(f"LTILAB_SUBMIT_CLOSE item without '=': {item!r}")
        key = key.strip()
        if key.lower().startswith("custom_"):
            key = key[len("custom_"):]
        if key.lower().endswith("_close"):
            key = key[: -len("_close")]
        closes[_norm_key(key)] = parse_time(when)
    return closes


def parse_names(value: Optional[str]) -> list[str]:
    return [name for name in _SPLIT.split(value or "") if name]


@dataclass
class Box:
    """One submission box (a directory)."""

    id: str
    label: str
    path: str
    close: Optional[float] = None
    late_policy: str = "refuse"
    roster: tuple = ()
    #: the box's path relative to the server root (through the access-name
    #: link when there is one), so the front-end can open files; None if the
    #: box is not reachable from the root.
    root_path: Optional[str] = None
    keys: tuple = field(default_factory=tuple)

    def is_open(self, now: float) -> bool:
        return self.close is None or now <= self.close

    def is_late(self, when: float) -> bool:
        return self.close is not None and when > self.close

    def info(self, now: float) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "close": self.close,
            "close_iso": _iso(self.close),
            "seconds_left": None if self.close is None else max(0.0, self.close - now),
            "open": self.is_open(now),
            "late_policy": self.late_policy,
            "accepts_now": self.is_open(now) or self.late_policy == "flag",
            "root_path": self.root_path,
            "available": os.path.isdir(self.path),
        }


def _iso(when: Optional[float]) -> Optional[str]:
    if when is None:
        return None
    return _dt.datetime.fromtimestamp(when, _dt.timezone.utc).isoformat().replace("+00:00", "Z")


class LtilabSubmit(Configurable):
    """Configuration of ltilab submissions (see :mod:`ltilab.submit.boxes`)."""

    boxes = List(
        Dict(),
        help="Submission boxes for use without a hub: dicts with name, path and "
        "optionally label, close (Unix time or ISO 8601), late_policy, roster.",
    ).tag(config=True)
    teachers = List(Unicode(), help="User names that are teachers.").tag(config=True)
    roster = List(
        Unicode(), help="Student names (to list students without a submission)."
    ).tag(config=True)
    user = Unicode(
        "", help="The submitting user's name. Default: $NB_USER, else the OS user."
    ).tag(config=True)
    late_policy = Enum(
        LATE_POLICIES, help="After the deadline: 'refuse' or 'flag' (accept, marked late)."
    ).tag(config=True)
    max_bytes = Int(help="Size limit of one submitted file, in bytes.").tag(config=True)
    use_environment = Bool(
        True, help="Read boxes from NB_SUBMITS (the predecessor spawner's environment)."
    ).tag(config=True)

    @default("late_policy")
    def _default_late_policy(self):
        value = os.environ.get("LTILAB_SUBMIT_LATE_POLICY", "").strip().lower()
        return value if value in LATE_POLICIES else "refuse"

    @default("max_bytes")
    def _default_max_bytes(self):
        try:
            return int(os.environ.get("LTILAB_SUBMIT_MAX_BYTES", ""))
        except ValueError:
            return DEFAULT_MAX_BYTES

    @default("roster")
    def _default_roster(self):
        return parse_names(os.environ.get("LTILAB_SUBMIT_ROSTER"))


@dataclass
class SubmitContext:
    """Everything resolved once: who submits, to which boxes, with which limits."""

    user: str
    is_teacher: bool
    boxes: dict
    max_bytes: int
    roster: tuple
    teachers: tuple
    root_dir: str
    personal_dirs: tuple = ()

    def known_users(self) -> set:
        users = {self.user, *self.roster, *self.teachers}
        for box in self.boxes.values():
            users.update(box.roster)
        return {u for u in users if u}


def work_dir(env: Mapping[str, str], root_dir: str) -> str:
    if env.get("NB_WRKDIR"):
        return env["NB_WRKDIR"]
    if env.get("NB_DIR"):
        return os.path.join(
            env["NB_DIR"], env.get("PRJCT_DIR") or "jupyter", env.get("WORK_DIR") or "works"
        )
    return root_dir


def _root_path(box_path: str, link: Optional[str], root_dir: str) -> Optional[str]:
    root = os.path.realpath(root_dir)
    real = os.path.realpath(box_path)
    candidates = []
    if link:
        candidates.append(link)
    candidates.append(box_path)
    for cand in candidates:
        if os.path.realpath(cand) != real:
            continue
        absolute = os.path.abspath(cand)
        rel = os.path.relpath(absolute, root_dir)
        if rel.startswith(".."):
            rel = os.path.relpath(absolute, root)
        if not rel.startswith("..") and not os.path.isabs(rel):
            return rel.replace(os.sep, "/")
    return None


def resolve(
    config: Optional[LtilabSubmit] = None,
    env: Optional[Mapping[str, str]] = None,
    root_dir: Optional[str] = None,
) -> SubmitContext:
    """Build the :class:`SubmitContext` from the environment and configuration."""
    config = config or LtilabSubmit()
    env = os.environ if env is None else env
    root_dir = os.path.abspath(root_dir or os.getcwd())
    user = env.get("NB_USER") or config.user or getpass.getuser()
    teacher_env = (env.get("NB_TEACHER") or "").strip()
    is_teacher = (bool(teacher_env) and teacher_env == user) or user in config.teachers
    closes = parse_close(env.get("LTILAB_SUBMIT_CLOSE"))
    base = work_dir(env, root_dir)

    boxes: dict[str, Box] = {}
    if config.use_environment:
        for rel, access in parse_volume_items(env.get("NB_SUBMITS")):
            volname = os.path.basename(rel)
            label = access.lstrip("-") or volname
            path = os.path.join(base, rel)
            link = os.path.join(base, label) if access.lstrip("-") else None
            keys = [volname, label]
            match = re.match(r"(lms_sub_[a-z0-9]+)_", volname)
            if match:
                keys.append(match.group(1))
            boxes[volname] = Box(
                id=volname,
                label=label,
                path=path,
                late_policy=config.late_policy,
                roster=tuple(config.roster),
                root_path=_root_path(path, link, root_dir),
                keys=tuple(keys),
            )
    for spec in config.boxes:
        name = str(spec.get("name") or "").strip()
        if not name or "/" in name or not spec.get("path"):
            raise ValueError(f"LtilabSubmit.boxes: each box needs a name and a path: {spec!r}")
        if name in boxes:
            continue
        path = os.path.join(root_dir, os.path.expanduser(str(spec["path"])))
        policy = spec.get("late_policy") or config.late_policy
        if policy not in LATE_POLICIES:
            raise ValueError(f"LtilabSubmit.boxes: bad late_policy {policy!r}")
        label = str(spec.get("label") or name)
        boxes[name] = Box(
            id=name,
            label=label,
            path=os.path.abspath(path),
            close=parse_time(spec.get("close")),
            late_policy=policy,
            roster=tuple(spec.get("roster") or config.roster),
            root_path=_root_path(path, None, root_dir),
            keys=(name, label),
        )
    for box in boxes.values():
        for key in box.keys:
            if _norm_key(key) in closes:
                box.close = closes[_norm_key(key)]
                break

    personal = tuple(os.path.join(base, rel) for rel, _ in parse_volume_items(env.get("NB_PRSNALS")))
    return SubmitContext(
        user=user,
        is_teacher=is_teacher,
        boxes=boxes,
        max_bytes=config.max_bytes,
        roster=tuple(config.roster),
        teachers=tuple(config.teachers) + ((teacher_env,) if teacher_env else ()),
        root_dir=root_dir,
        personal_dirs=personal,
    )


def first(items: Iterable):
    for item in items:
        return item
    return None
