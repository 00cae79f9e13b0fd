"""The submission REST API against a real Jupyter server, on real files."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
import os
import stat
import subprocess
import time
from pathlib import Path

import pytest
from conftest import write

from ltilab.submit import store
from ltilab.submit.boxes import Box

NOW = time.time()
PAST = NOW - 3600
FUTURE = NOW + 3600


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def log_events(box_dir: Path) -> list:
    path = box_dir / store.LOG_NAME
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def visible(box_dir: Path) -> list:
    return sorted(p.name for p in box_dir.iterdir() if not p.name.startswith("."))


def bob_submits(box_dir: Path, tmp_path: Path, data: bytes, user="bob", name="kadai.ipynb"):
    """Another student's submission, made by that student's own server/CLI."""
    src = write(tmp_path / f"{user}-home" / name, data)
    box = Box(id="hw1", label="Submit", path=str(box_dir))
    return store.submit(box, user, str(src), known_users={"alice", "bob", user})


async def test_boxes_listing(api, box_dir):
    code, data = await api("GET", "boxes")
    assert code == 200
    assert data["user"] == "alice" and data["is_teacher"] is False
    assert abs(data["server_time"] - time.time()) < 60
    [box] = data["boxes"]
    assert box["id"] == "hw1" and box["label"] == "Submit"
    assert box["open"] is True and box["close"] is None and box["seconds_left"] is None
    assert box["late_policy"] == "refuse" and box["available"] is True
    assert box["root_path"] == ".volumes/lms_sub_hw1_57_lms.example.edu"
    code, data = await api("GET", "boxes", "nope")
    assert code == 404 and data["error"] == "unknown_box"


async def test_submit_happy_path_and_receipt(api, jp_root_dir, box_dir):
    content = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    write(Path(jp_root_dir) / "work" / "kadai.ipynb", content)
    before = time.time()
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "work/kadai.ipynb"})
    assert code == 201, data
    receipt = data["receipt"]
    assert receipt["stored"] == "alice_kadai.ipynb" and receipt["file"] == "kadai.ipynb"
    assert receipt["size"] == len(content)
    assert receipt["sha256"] == sha(content) and receipt["sha256_short"] == sha(content)[:8]
    assert before - 1 <= receipt["timestamp"] <= time.time() + 1
    assert receipt["late"] is False and receipt["unchanged"] is False
    assert receipt["version_count"] == 1 and receipt["previous_version"] is None

    target = box_dir / "alice_kadai.ipynb"
    assert target.read_bytes() == content
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # g+r, o-rwx
    assert abs(target.stat().st_mtime - receipt["timestamp"]) < 0.01
    assert visible(box_dir) == ["alice_kadai.ipynb"]
    assert not [p for p in box_dir.iterdir() if p.name.startswith(store.TEMP_PREFIX)]

    [event] = log_events(box_dir)
    assert event["event"] == "submit" and event["user"] == "alice"
    assert event["sha256"] == sha(content) and event["stored"] == "alice_kadai.ipynb"
    # a world-writable box: every student appends to the log, teachers read it
    assert stat.S_IMODE((box_dir / store.LOG_NAME).stat().st_mode) == 0o662

    code, mine = await api("GET", "mine")
    assert code == 200
    [entry] = mine["boxes"]
    assert entry["box"]["id"] == "hw1"
    [sub] = entry["submissions"]
    assert sub["sha256"] == sha(content) and sub["size"] == len(content)
    assert sub["time"] == receipt["time"] and sub["version_count"] == 1
    assert sub["root_path"] == ".volumes/lms_sub_hw1_57_lms.example.edu/alice_kadai.ipynb"

    code, body = await api("GET", "boxes", "hw1", "files", "alice_kadai.ipynb", raw=True)
    assert code == 200 and body == content


async def test_resubmission_keeps_every_version(api, jp_root_dir, box_dir):
    src = Path(jp_root_dir) / "kadai.ipynb"
    versions = [b"version one\n", b"version two, longer\n", b"version three\n"]
    receipts = []
    for data in versions:
        write(src, data)
        code, body = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
        assert code == 201, body
        receipts.append(body["receipt"])
        time.sleep(0.002)
    assert (box_dir / "alice_kadai.ipynb").read_bytes() == versions[-1]
    vdir = box_dir / ".versions" / "alice_kadai.ipynb"
    kept = sorted(vdir.iterdir())
    assert [p.read_bytes() for p in kept] == versions[:2]
    for path, data in zip(kept, versions[:2]):
        assert path.name.endswith("-" + sha(data)[:8])
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert receipts[1]["previous_version"] == kept[0].name
    assert receipts[2]["previous_version"] == kept[1].name
    assert receipts[2]["version_count"] == 3

    # the same content again changes nothing
    code, body = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 200 and body["receipt"]["unchanged"] is True
    assert body["receipt"]["time"] == receipts[-1]["time"]
    assert len(list(vdir.iterdir())) == 2

    code, mine = await api("GET", "boxes", "hw1", "mine")
    [sub] = mine["boxes"][0]["submissions"]
    assert sub["version_count"] == 3
    assert [v["sha256_short"] for v in sub["versions"]] == [sha(versions[1])[:8], sha(versions[0])[:8]]
    code, old = await api(
        "GET", "boxes", "hw1", "files", "alice_kadai.ipynb",
        params={"version": sub["versions"][-1]["name"]}, raw=True,
    )
    assert code == 200 and old == versions[0]
    assert [e["sha256"] for e in log_events(box_dir)] == [sha(v) for v in versions]


@pytest.mark.parametrize(
    "path, code, error",
    [
        ("../outside.ipynb", 400, "path_traversal"),
        ("work/../../outside.ipynb", 400, "path_traversal"),
        ("/etc/passwd", 400, "absolute_path"),
        ("~/kadai.ipynb", 400, "absolute_path"),
        ("", 400, "bad_path"),
        (None, 400, "bad_path"),
        (".volumes/lms_sub_hw1_57_lms.example.edu/bob_kadai.ipynb", 403, "hidden_path"),
        ("Submit/bob_kadai.ipynb", 403, "inside_box"),
        ("missing.ipynb", 404, "not_found"),
        ("work", 400, "not_a_file"),
    ],
)
async def test_bad_paths_are_refused(api, jp_root_dir, box_dir, tmp_path, path, code, error):
    write(tmp_path / "outside.ipynb", b"secret outside the root")
    write(Path(jp_root_dir) / "work" / "kadai.ipynb", b"mine")
    bob_submits(box_dir, tmp_path, b"bob's work")
    status, data = await api("POST", "boxes", "hw1", "submissions", body={"path": path})
    assert (status, data["error"]) == (code, error), data
    assert data["message"]
    assert visible(box_dir) == ["bob_kadai.ipynb"]
    assert (box_dir / "bob_kadai.ipynb").read_bytes() == b"bob's work"


async def test_symlinks_escaping_the_root_are_refused(api, jp_root_dir, box_dir, tmp_path):
    secret = write(tmp_path / "elsewhere" / "secret.ipynb", b"not yours")
    root = Path(jp_root_dir)
    (root / "link.ipynb").symlink_to(secret)
    (root / "linkdir").symlink_to(secret.parent)
    for path in ("link.ipynb", "linkdir/secret.ipynb"):
        code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": path})
        assert code == 403 and data["error"] == "outside_root", data
    # a symlink that stays inside the root is fine
    write(root / "real.ipynb", b"inside")
    (root / "inner.ipynb").symlink_to(root / "real.ipynb")
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "inner.ipynb"})
    assert code == 201 and data["receipt"]["stored"] == "alice_inner.ipynb"
    assert visible(box_dir) == ["alice_inner.ipynb"]


async def test_bad_requests(api, box_dir):
    code, data = await api("POST", "boxes", "hw1", "submissions")
    assert code == 400 and data["error"] == "bad_path"
    code, data = await api("POST", "boxes", "nope", "submissions", body={"path": "x"})
    assert code == 404 and data["error"] == "unknown_box"


async def test_size_limit(api, jp_root_dir, box_dir):
    write(Path(jp_root_dir) / "big.ipynb", b"x" * (64 * 1024 + 1))
    write(Path(jp_root_dir) / "fits.ipynb", b"x" * (64 * 1024))
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "big.ipynb"})
    assert code == 413 and data["error"] == "too_large"
    assert data["max_bytes"] == 64 * 1024 and data["size"] == 64 * 1024 + 1
    assert list(box_dir.iterdir()) == []
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "fits.ipynb"})
    assert code == 201


@pytest.mark.parametrize("submit_config", [{"box": {"close": PAST}}], indirect=True)
async def test_late_refused(api, jp_root_dir, box_dir):
    write(Path(jp_root_dir) / "kadai.ipynb", b"too late")
    code, data = await api("GET", "boxes")
    [box] = data["boxes"]
    assert box["open"] is False and box["seconds_left"] == 0 and box["accepts_now"] is False
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 403 and data["error"] == "closed" and data["close"] == pytest.approx(PAST)
    assert list(box_dir.iterdir()) == []


@pytest.mark.parametrize(
    "submit_config", [{"late_policy": "flag", "box": {"close": PAST}}], indirect=True
)
async def test_late_flagged(api, jp_root_dir, box_dir):
    write(Path(jp_root_dir) / "kadai.ipynb", b"late but accepted")
    code, data = await api("GET", "boxes")
    [box] = data["boxes"]
    assert box["open"] is False and box["late_policy"] == "flag" and box["accepts_now"] is True
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 201 and data["receipt"]["late"] is True
    assert (box_dir / "alice_kadai.ipynb").read_bytes() == b"late but accepted"
    assert log_events(box_dir)[-1]["late"] is True
    code, mine = await api("GET", "mine")
    assert mine["boxes"][0]["submissions"][0]["late"] is True


@pytest.mark.parametrize("submit_config", [{"box": {"close": FUTURE}}], indirect=True)
async def test_open_box_reports_time_left(api, jp_root_dir, box_dir):
    code, data = await api("GET", "boxes")
    [box] = data["boxes"]
    assert box["open"] is True and 3000 < box["seconds_left"] <= 3600
    write(Path(jp_root_dir) / "kadai.ipynb", b"in time")
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 201 and data["receipt"]["late"] is False


async def test_student_never_reads_or_overwrites_another(api, jp_root_dir, box_dir, tmp_path):
    bob_submits(box_dir, tmp_path, b"bob v1")
    bob_submits(box_dir, tmp_path, b"bob v2")
    write(Path(jp_root_dir) / "kadai.ipynb", b"alice")
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 201

    code, mine = await api("GET", "mine")
    assert [s["stored"] for s in mine["boxes"][0]["submissions"]] == ["alice_kadai.ipynb"]
    code, data = await api("GET", "boxes", "hw1", "submissions")
    assert code == 403 and data["error"] == "teacher_only"
    code, data = await api("GET", "boxes", "hw1", "files", "bob_kadai.ipynb")
    assert code == 403 and data["error"] == "forbidden"
    vname = os.listdir(box_dir / ".versions" / "bob_kadai.ipynb")[0]
    code, data = await api("GET", "boxes", "hw1", "files", "bob_kadai.ipynb", params={"version": vname})
    assert code == 403
    for path in ("Submit/bob_kadai.ipynb", "Submit/.versions/bob_kadai.ipynb/" + vname):
        code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": path})
        assert code == 403, data
    for method in ("DELETE", "PUT"):
        code, _ = await api(method, "boxes", "hw1", "files", "bob_kadai.ipynb", raw=True)
        assert code == 405
    code, _ = await api("DELETE", "boxes", "hw1", "submissions", raw=True)
    assert code == 405
    assert (box_dir / "bob_kadai.ipynb").read_bytes() == b"bob v2"
    assert (box_dir / ".versions" / "bob_kadai.ipynb" / vname).read_bytes() == b"bob v1"


@pytest.mark.parametrize("submit_config", [{"user": "ab"}], indirect=True)
async def test_underscore_user_names_cannot_collide(api, jp_root_dir, box_dir, tmp_path):
    """``ab`` submitting ``c_kadai.ipynb`` would be ``ab_c``'s ``kadai.ipynb``."""
    bob_submits(box_dir, tmp_path, b"ab_c's work", user="ab_c")
    write(Path(jp_root_dir) / "c_kadai.ipynb", b"ab's attempt")
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "c_kadai.ipynb"})
    assert code == 409 and data["error"] == "name_conflict"
    assert (box_dir / "ab_c_kadai.ipynb").read_bytes() == b"ab_c's work"
    code, mine = await api("GET", "mine")
    assert mine["boxes"][0]["submissions"] == []
    code, data = await api("GET", "boxes", "hw1", "files", "ab_c_kadai.ipynb")
    assert code == 403
    write(Path(jp_root_dir) / "kadai.ipynb", b"ab's own")
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 201 and data["receipt"]["stored"] == "ab_kadai.ipynb"
    code, mine = await api("GET", "mine")
    assert [s["stored"] for s in mine["boxes"][0]["submissions"]] == ["ab_kadai.ipynb"]


@pytest.mark.parametrize(
    "submit_config",
    [{"user": "yamada", "roster": ["alice", "bob", "carol", "s_tanaka"], "late_policy": "flag",
      "box": {"close": FUTURE}}],
    indirect=True,
)
async def test_teacher_listing(api, box_dir, tmp_path, jp_serverapp):
    box = Box(id="hw1", label="Submit", path=str(box_dir), late_policy="flag", close=FUTURE)

    def sub(user, data, name="kadai.ipynb", which=box):
        src = write(tmp_path / user / name, data)
        return store.submit(which, user, str(src), known_users={"s"})

    sub("alice", b"a1")
    sub("alice", b"a2")
    sub("alice", b"extra", name="extra.py")
    sub("s_tanaka", b"t1")
    sub("s", b"s1")  # s_kadai.ipynb: user s, while s_tanaka_kadai.ipynb is s_tanaka's
    # the deadline passes; bob submits late (accepted and flagged)
    close = time.time()
    time.sleep(0.01)
    late_box = Box(id="hw1", label="Submit", path=str(box_dir), late_policy="flag", close=close)
    assert sub("bob", b"b1", which=late_box)["late"] is True
    jp_serverapp.web_app.settings["ltilab_submit"].boxes["hw1"].close = close

    code, data = await api("GET", "boxes", "hw1", "submissions")
    assert code == 200, data
    assert data["is_teacher"] is True
    rows = {row["user"]: row for row in data["rows"]}
    assert sorted(rows) == ["alice", "bob", "carol", "s", "s_tanaka"]
    assert data["missing"] == ["carol"]
    assert rows["carol"]["submitted"] is False and rows["carol"]["version_count"] == 0
    alice = rows["alice"]
    assert alice["version_count"] == 3 and alice["late"] is False
    assert sorted(f["file"] for f in alice["files"]) == ["extra.py", "kadai.ipynb"]
    kadai = next(f for f in alice["files"] if f["file"] == "kadai.ipynb")
    assert kadai["version_count"] == 2 and len(kadai["versions"]) == 1
    assert kadai["root_path"].endswith("/alice_kadai.ipynb")
    assert alice["latest"] == max(f["time"] for f in alice["files"])
    assert rows["bob"]["late"] is True and rows["bob"]["version_count"] == 1
    assert [f["stored"] for f in rows["s_tanaka"]["files"]] == ["s_tanaka_kadai.ipynb"]
    assert [f["stored"] for f in rows["s"]["files"]] == ["s_kadai.ipynb"]
    code, body = await api("GET", "boxes", "hw1", "files", "bob_kadai.ipynb", raw=True)
    assert code == 200 and body == b"b1"


async def test_concurrent_submissions_are_all_recorded(api, jp_root_dir, box_dir):
    root = Path(jp_root_dir)
    contents = [f"copy {i}\n".encode() * (i + 1) for i in range(10)]
    for i, data in enumerate(contents):
        write(root / f"d{i}" / "kadai.ipynb", data)  # same name: one file, ten versions
        write(root / f"e{i}.py", data)  # ten different files
    calls = [
        api("POST", "boxes", "hw1", "submissions", body={"path": f"d{i}/kadai.ipynb"})
        for i in range(10)
    ] + [api("POST", "boxes", "hw1", "submissions", body={"path": f"e{i}.py"}) for i in range(10)]
    results = await asyncio.gather(*calls)
    assert [code for code, _ in results] == [201] * 20, results
    events = log_events(box_dir)
    assert len(events) == 20
    kept = [p.read_bytes() for p in (box_dir / ".versions" / "alice_kadai.ipynb").iterdir()]
    current = (box_dir / "alice_kadai.ipynb").read_bytes()
    assert sorted(kept + [current]) == sorted(contents)
    # the log is written under the same lock as the rename: its last entry is the current file
    assert [e["sha256"] for e in events if e["file"] == "kadai.ipynb"][-1] == sha(current)
    for i, data in enumerate(contents):
        assert (box_dir / f"alice_e{i}.py").read_bytes() == data
    assert not [p for p in box_dir.iterdir() if p.name.startswith(store.TEMP_PREFIX)]


def _fill_check(box_dir: Path):
    return sorted(p.name for p in box_dir.iterdir())


@pytest.fixture
def tiny_tmpfs(box_dir):
    """Mount a 64 KiB tmpfs on the box, so the disk really fills up."""
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=3777", "tmpfs", str(box_dir)],
        capture_output=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    yield box_dir
    subprocess.run(["umount", "-l", str(box_dir)], check=False)


@pytest.mark.parametrize("submit_config", [{"max_bytes": 1 << 20}], indirect=True)
async def test_disk_full_on_a_real_tmpfs(api, jp_root_dir, tiny_tmpfs):
    box_dir = tiny_tmpfs
    root = Path(jp_root_dir)
    first = b"first submission\n" * 400  # ~7 KiB
    write(root / "kadai.ipynb", first)
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 201, data
    write(root / "kadai.ipynb", os.urandom(200 * 1024))  # more than the disk holds
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 507 and data["error"] == "disk_full", data
    assert "full" in data["message"]
    assert (box_dir / "alice_kadai.ipynb").read_bytes() == first
    assert _fill_check(box_dir) == [".submits.log", ".versions", "alice_kadai.ipynb"]
    assert len(log_events(box_dir)) == 1
    # once there is room again, the next submission works and keeps the first
    write(root / "kadai.ipynb", b"small fix\n")
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 201, data
    [kept] = (box_dir / ".versions" / "alice_kadai.ipynb").iterdir()
    assert kept.read_bytes() == first


async def test_disk_full_simulated(api, jp_root_dir, box_dir, monkeypatch):
    root = Path(jp_root_dir)
    write(root / "kadai.ipynb", b"first")
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 201
    real_fsync = os.fsync
    box_real = os.path.realpath(box_dir)

    def full_fsync(fd):
        target = os.readlink(f"/proc/self/fd/{fd}")
        if target.startswith(box_real) and stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_fsync)
    write(root / "kadai.ipynb", b"second")
    code, data = await api("POST", "boxes", "hw1", "submissions", body={"path": "kadai.ipynb"})
    assert code == 507 and data["error"] == "disk_full"
    assert (box_dir / "alice_kadai.ipynb").read_bytes() == b"first"
    assert visible(box_dir) == ["alice_kadai.ipynb"]
    assert not [p for p in box_dir.iterdir() if p.name.startswith(store.TEMP_PREFIX)]
    assert len(log_events(box_dir)) == 1


@pytest.fixture
def hub_env(monkeypatch, jp_root_dir):
    """The environment exactly as the predecessor spawner sets it."""
    root = Path(jp_root_dir)
    vol = root / ".volumes" / "lms_sub_homework1_57_lms.example.edu"
    vol.mkdir(parents=True)
    (root / "Kadai").symlink_to(vol)
    env = {
        "NB_USER": "s1234567",
        "NB_TEACHER": "",
        "NB_DIR": str(root.parent),
        "NB_WRKDIR": str(root),
        "NB_SUBMITS": ".volumes/lms_sub_homework1_57_lms.example.edu:-Kadai",
        "NB_PRSNALS": ".volumes/lms_prs_materials_57_lms.example.edu:MyWork",
        "LTILAB_SUBMIT_CLOSE": f"lms_sub_homework1_close={int(FUTURE)}",
        "LTILAB_SUBMIT_LATE_POLICY": "flag",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return vol


@pytest.mark.parametrize("submit_config", [{"use_environment": True, "boxes": []}], indirect=True)
async def test_boxes_from_the_hub_environment(hub_env, api, jp_root_dir):
    code, data = await api("GET", "boxes")
    assert data["user"] == "s1234567" and data["is_teacher"] is False
    [box] = data["boxes"]
    assert box["id"] == "lms_sub_homework1_57_lms.example.edu" and box["label"] == "Kadai"
    assert box["close"] == int(FUTURE) and box["late_policy"] == "flag"
    assert box["root_path"] == "Kadai"
    write(Path(jp_root_dir) / "MyWork" / "kadai.ipynb", b"from the hub")
    code, data = await api(
        "POST", "boxes", box["id"], "submissions", body={"path": "MyWork/kadai.ipynb"}
    )
    assert code == 201 and data["receipt"]["root_path"] == "Kadai/s1234567_kadai.ipynb"
    assert (hub_env / "s1234567_kadai.ipynb").read_bytes() == b"from the hub"


async def test_every_endpoint_needs_authentication(jp_serverapp, http_server_client, jp_base_url, box_dir):
    base = jp_base_url.rstrip("/") + "/ltilab/submit/"
    paths = ["boxes", "boxes/hw1", "boxes/hw1/submissions", "boxes/hw1/mine", "mine",
             "boxes/hw1/files/alice_kadai.ipynb"]
    for path in paths:
        for method, body in (("GET", None), ("POST", '{"path": "kadai.ipynb"}')):
            response = await http_server_client.fetch(
                base + path, method=method, body=body, raise_error=False
            )
            assert response.code in (401, 403), (method, path, response.code)
    assert list(box_dir.iterdir()) == []
