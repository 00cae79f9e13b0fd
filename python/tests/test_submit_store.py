"""The store across processes and users: SIGKILL mid-submit, concurrent
processes, and the file modes seen by a real second uid."""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import run_cli, write

from ltilab.submit import store
from ltilab.submit.boxes import Box


def hub_env(box: Path, user: str) -> dict:
    return {
        "NB_USER": user,
        "NB_TEACHER": "",
        "NB_WRKDIR": str(box.parent.parent),
        "NB_SUBMITS": f".volumes/{box.name}:Submit",
        "NB_PRSNALS": "",
        "JUPYTER_CONFIG_DIR": str(box.parent.parent / "no-config"),
    }


@pytest.fixture
def box(tmp_path) -> Path:
    path = tmp_path / "works" / ".volumes" / "lms_sub_hw1_57_lms"
    path.mkdir(parents=True)
    os.chmod(path, 0o3777)
    return path


def wait_for(path: Path, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the submitter exited early: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("the submitter never reached the hook")
        time.sleep(0.02)


@pytest.mark.parametrize("tmpfile", [True, False], ids=["o_tmpfile", "named-temp"])
def test_killed_mid_submit_leaves_no_partial_file(box, tmp_path, tmpfile):
    first = write(tmp_path / "v1" / "kadai.ipynb", b"first, complete\n")
    second = write(tmp_path / "v2" / "kadai.ipynb", b"second " * 50000)
    env = hub_env(box, "alice")
    proc = run_cli(["submit", str(first)], env=env)
    assert proc.communicate(timeout=60)[0].decode() == f"{first} done.\n"

    flag = tmp_path / "at-hook"
    env.update({store.TEST_HOOK_ENV: f"before-rename:{flag}"})
    if not tmpfile:
        env["LTILAB_SUBMIT_NO_TMPFILE"] = "1"
    proc = run_cli(["submit", str(second)], env=env)
    wait_for(flag, proc)  # written and fsync-ed, not yet renamed
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # the submission is the first one, whole; the log knows only the first
    assert (box / "alice_kadai.ipynb").read_bytes() == b"first, complete\n"
    assert [e["size"] for e in store.read_log(str(box))] == [16]
    leftovers = [p.name for p in box.iterdir() if p.name not in (".submits.log", ".versions", "alice_kadai.ipynb")]
    if tmpfile:
        assert leftovers == []  # an unnamed O_TMPFILE dies with the process
    else:
        # a hidden, complete temp named after the dead process; never listed
        assert len(leftovers) == 1 and leftovers[0].startswith(f"{store.TEMP_PREFIX}alice-{proc.pid}-")
        assert (box / leftovers[0]).read_bytes() == second.read_bytes()
    b = Box(id="hw1", label="Submit", path=str(box))
    assert [s["stored"] for s in store.user_submissions(b, "alice")] == ["alice_kadai.ipynb"]
    assert store.box_table(b)["unattributed"] == []
    # listing swept the dead process's temp
    assert sorted(p.name for p in box.iterdir()) == [".submits.log", ".versions", "alice_kadai.ipynb"]

    # and the next submission works and keeps the first as a version
    receipt = store.submit(b, "alice", str(second))
    assert receipt["version_count"] == 2
    [kept] = (box / ".versions" / "alice_kadai.ipynb").iterdir()
    assert kept.read_bytes() == b"first, complete\n"


def test_concurrent_processes_are_all_recorded(box, tmp_path):
    procs = []
    for i in range(6):  # six students at once
        src = write(tmp_path / f"u{i}" / "kadai.ipynb", f"student {i}\n".encode())
        procs.append(run_cli(["submit", str(src)], env=hub_env(box, f"u{i}")))
    for i in range(4):  # and one student submitting four versions at once
        src = write(tmp_path / f"same{i}" / "kadai.ipynb", f"version {i}\n".encode() * (i + 1))
        procs.append(run_cli(["submit", str(src)], env=hub_env(box, "same")))
    for proc in procs:
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err.decode()
        assert out.decode().endswith(" done.\n")
    events = store.read_log(str(box))
    assert len(events) == 10
    assert sorted(e["user"] for e in events) == ["same"] * 4 + [f"u{i}" for i in range(6)]
    for i in range(6):
        assert (box / f"u{i}_kadai.ipynb").read_bytes() == f"student {i}\n".encode()
    kept = [p.read_bytes() for p in (box / ".versions" / "same_kadai.ipynb").iterdir()]
    current = (box / "same_kadai.ipynb").read_bytes()
    assert sorted(kept + [current]) == sorted(f"version {i}\n".encode() * (i + 1) for i in range(4))
    assert not [p for p in box.iterdir() if p.name.startswith(store.TEMP_PREFIX)]


@pytest.fixture
def shared_dir():
    """A directory every uid can traverse (pytest's tmp dirs are 0700)."""
    path = Path(tempfile.mkdtemp(prefix="ltilab-perm-", dir="/tmp"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _can_read_as(path: Path, uid: int, gid: int, groups=()) -> bool:
    """Read ``path`` with cat(1) as another uid (the venv's python may be
    unreadable to that uid)."""
    result = subprocess.run(
        ["cat", str(path)], user=uid, group=gid, extra_groups=list(groups),
        capture_output=True, timeout=60, cwd="/",
    )
    if result.returncode == 0:
        assert result.stdout == path.read_bytes()
        return True
    assert b"Permission denied" in result.stderr, result.stderr
    return False


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch uid")
def test_modes_keep_other_students_out(shared_dir):
    nobody = pwd.getpwnam("nobody")
    teacher_gid = 7000  # NB_THRGID, the TEACHER group
    box = shared_dir / "box"
    box.mkdir()
    os.chown(box, 0, teacher_gid)
    os.chmod(box, 0o3777)  # as start.sh sets a submit volume
    src = write(shared_dir / "src" / "kadai.ipynb", b"alice's answer")
    b = Box(id="hw1", label="Submit", path=str(box))
    store.submit(b, "alice", str(src))
    write(src, b"alice's second answer")
    store.submit(b, "alice", str(src))

    target = box / "alice_kadai.ipynb"
    vdir = box / ".versions" / "alice_kadai.ipynb"
    [version] = vdir.iterdir()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.stat().st_gid == teacher_gid  # inherited through the set-gid box
    assert stat.S_IMODE(version.stat().st_mode) == 0o640
    assert stat.S_IMODE((box / ".versions").stat().st_mode) == 0o3777
    assert stat.S_IMODE(vdir.stat().st_mode) == 0o2750
    assert vdir.stat().st_gid == teacher_gid
    assert stat.S_IMODE((box / store.LOG_NAME).stat().st_mode) == 0o662

    control = write(box / "readable-control", b"x")
    os.chmod(control, 0o644)
    assert _can_read_as(control, nobody.pw_uid, nobody.pw_gid)  # the uid switch works
    # another student (not in TEACHER) can read neither the file nor its versions
    assert not _can_read_as(target, nobody.pw_uid, nobody.pw_gid)
    assert not _can_read_as(version, nobody.pw_uid, nobody.pw_gid)
    # a teacher (in TEACHER) reads both
    assert _can_read_as(target, nobody.pw_uid, nobody.pw_gid, [teacher_gid])
    assert _can_read_as(version, nobody.pw_uid, nobody.pw_gid, [teacher_gid])
