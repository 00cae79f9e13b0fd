"""Boxes, teachers and deadlines from the spawner's environment and config."""

from __future__ import annotations

import pytest

from ltilab.submit.boxes import LtilabSubmit, parse_close, parse_time, resolve

VOL = "lms_sub_homework1_57_lms.example.edu"


def env(**extra):
    base = {
        "NB_USER": "s1234567",
        "NB_TEACHER": "",
        "NB_DIR": "/home/others/s1234567",
        "NB_SUBMITS": f".volumes/{VOL}:Submit .volumes/lms_sub_homework_57_lms.example.edu:-Late",
    }
    base.update(extra)
    return base


def test_boxes_from_nb_submits(tmp_path):
    ctx = resolve(LtilabSubmit(), env(), root_dir=str(tmp_path))
    assert ctx.user == "s1234567" and ctx.is_teacher is False
    assert list(ctx.boxes) == [VOL, "lms_sub_homework_57_lms.example.edu"]
    first, second = ctx.boxes.values()
    # NB_WRKDIR missing: <NB_DIR>/jupyter/works, as PRJCT_DIR/WORK_DIR default
    assert first.path == f"/home/others/s1234567/jupyter/works/.volumes/{VOL}"
    assert first.label == "Submit" and second.label == "Late"  # the "-" is dropped
    assert first.close is None and first.late_policy == "refuse"


@pytest.mark.parametrize(
    "close",
    [
        f"{VOL}=1790780340",
        "lms_sub_homework1=1790780340",
        "lms_sub_homework1_close=1790780340",
        "custom_lms_sub_homework1_close=1790780340",
        "Submit=1790780340",
        "submit=2026-09-30T23:59:00+09:00",
    ],
)
def test_deadline_keys(tmp_path, close):
    ctx = resolve(LtilabSubmit(), env(LTILAB_SUBMIT_CLOSE=close), root_dir=str(tmp_path))
    assert ctx.boxes[VOL].close == 1790780340
    assert ctx.boxes["lms_sub_homework_57_lms.example.edu"].close is None


def test_deadline_of_a_name_with_a_dash_closes(tmp_path):
    """[D] fixed: for the raw name "Home-Work" the volume is lms_sub_homework_… but
    Moodle sends the close key as lms_sub_home_work_close; it matches now."""
    value = "lms_sub_homework1_close=100, lms_sub_home_work_close=200"
    ctx = resolve(LtilabSubmit(), env(LTILAB_SUBMIT_CLOSE=value), root_dir=str(tmp_path))
    assert ctx.boxes[VOL].close == 100
    assert ctx.boxes["lms_sub_homework_57_lms.example.edu"].close == 200
    assert ctx.boxes[VOL].is_open(99) and not ctx.boxes[VOL].is_open(101)


def test_teacher_and_config(tmp_path, monkeypatch):
    monkeypatch.setenv("LTILAB_SUBMIT_LATE_POLICY", "flag")
    monkeypatch.setenv("LTILAB_SUBMIT_MAX_BYTES", "1234")
    monkeypatch.setenv("LTILAB_SUBMIT_ROSTER", "a, b c")
    config = LtilabSubmit()
    ctx = resolve(config, env(NB_USER="yamada", NB_TEACHER="yamada"), root_dir=str(tmp_path))
    assert ctx.is_teacher is True and ctx.max_bytes == 1234 and ctx.roster == ("a", "b", "c")
    assert ctx.boxes[VOL].late_policy == "flag"
    config = LtilabSubmit(
        user="alice", teachers=["yamada"], late_policy="refuse", use_environment=False,
        boxes=[{"name": "hw2", "path": "boxes/hw2", "close": "2026-01-01T00:00:00Z", "late_policy": "flag"}],
    )
    ctx = resolve(config, {}, root_dir=str(tmp_path))
    assert ctx.user == "alice" and ctx.is_teacher is False
    [box] = ctx.boxes.values()
    assert box.path == str(tmp_path / "boxes" / "hw2") and box.late_policy == "flag"
    assert box.close == parse_time("2026-01-01T00:00:00+00:00") == 1767225600
    assert box.root_path == "boxes/hw2"


def test_bad_values_are_errors(tmp_path):
    with pytest.raises(ValueError):
        parse_close("lms_sub_x_close")
    with pytest.raises(ValueError):
        parse_close("lms_sub_x_close=tomorrow")
    with pytest.raises(ValueError):
        resolve(LtilabSubmit(boxes=[{"name": "x"}]), {}, root_dir=str(tmp_path))
