"""ltilab-submit, ltilab-extract and ltilab-tocsv on three students' work."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from ltilab.submit import cli

BOX = "lms_sub_kadai_57_lms.example.edu"
STUDENTS = ["s", "s_tanaka", "kim"]  # "s" is a prefix of "s_tanaka" before the first "_"


def student_notebook(user: str):
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# Exercise"),
        v4.new_code_cell(f"print('{user} answers 1')", metadata={"tags": ["filename:kadai.ipynb", "codenum:1"]}),
        v4.new_code_cell(f"x = '{user} answers 2'", metadata={"tags": ["filename:kadai.ipynb", "codenum:2"]}),
        v4.new_code_cell(f"# {user}'s scratch cell"),
    ]
    return nb


@pytest.fixture
def works(tmp_path, monkeypatch):
    works = tmp_path / "works"
    (works / ".volumes" / BOX).mkdir(parents=True)
    os.chmod(works / ".volumes" / BOX, 0o3777)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "no-config"))
    for key in ("LTILAB_SUBMIT_CLOSE", "LTILAB_SUBMIT_LATE_POLICY", "NB_DIR"):
        monkeypatch.delenv(key, raising=False)
    return works


def as_user(monkeypatch, works: Path, user: str, teacher=False):
    monkeypatch.setenv("NB_USER", user)
    monkeypatch.setenv("NB_TEACHER", user if teacher else "")
    monkeypatch.setenv("NB_WRKDIR", str(works))
    monkeypatch.setenv("NB_SUBMITS", f".volumes/{BOX}:Submit")
    monkeypatch.setenv("NB_PRSNALS", f".volumes/lms_prs_{user}:MyWork")


def test_submit_extract_tocsv(works, tmp_path, monkeypatch, capsys):
    box = works / ".volumes" / BOX
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for user in STUDENTS:
        as_user(monkeypatch, works, user)
        personal = works / ".volumes" / f"lms_prs_{user}"
        personal.mkdir()
        nbformat.write(student_notebook(user), personal / "kadai.ipynb")
        monkeypatch.chdir(elsewhere)  # like the predecessor, it runs in the personal dir
        assert cli.main_submit(["kadai.ipynb"]) == 0
        assert capsys.readouterr().out == "kadai.ipynb done.\n"
        assert cli.main_submit(["kadai.ipynb"]) == 0
        assert capsys.readouterr().out == "No Changes Detected\n"
    # no argument: every *.ipynb of the personal directory
    (works / ".volumes" / "lms_prs_kim" / "extra.ipynb").write_text(nbformat.writes(v4.new_notebook()))
    assert cli.main_submit([]) == 0
    assert capsys.readouterr().out == "extra.ipynb done.\nkadai.ipynb: No Changes Detected\n"
    assert cli.main_submit(["missing.ipynb"]) == 1
    assert "missing.ipynb" in capsys.readouterr().err

    assert sorted(p.name for p in box.iterdir() if not p.name.startswith(".")) == [
        "kim_extra.ipynb", "kim_kadai.ipynb", "s_kadai.ipynb", "s_tanaka_kadai.ipynb"
    ]

    # the teacher grades
    as_user(monkeypatch, works, "yamada", teacher=True)
    grading = tmp_path / "grading"
    grading.mkdir()
    monkeypatch.chdir(grading)
    assert cli.main_extract(["kadai.ipynb", "1"]) == 0
    assert cli.main_extract(["kadai.ipynb", "2"]) == 0
    capsys.readouterr()
    assert sorted(os.listdir(grading)) == ["001-kadai.ipynb", "002-kadai.ipynb"]

    nb1 = nbformat.read(grading / "001-kadai.ipynb", as_version=4)
    nbformat.validate(nb1)
    expected = []
    for user in sorted(STUDENTS):
        expected += [
            ("markdown", f"## {user}", []),
            ("code", f"print('{user} answers 1')", ["filename:kadai.ipynb", "codenum:1"]),
            ("code", f"# {user}'s scratch cell", []),
            ("markdown", "#### Score:", []),
            ("code", "0", [f"user: {user}", "codenum:999"]),
            ("markdown", "---", []),
        ]
    got = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb1.cells]
    assert got == expected
    nb2 = nbformat.read(grading / "002-kadai.ipynb", as_version=4)
    assert [c.source for c in nb2.cells if "codenum:2" in c.metadata.get("tags", [])] == [
        f"x = '{u} answers 2'" for u in sorted(STUDENTS)
    ]

    # scores typed into the score cells; s's cell in 002 is deleted (missing → 0)
    typed = {("001", "kim"): "10", ("001", "s"): "7.5\n# partial", ("002", "kim"): "5",
             ("002", "s_tanaka"): "3"}
    for num in ("001", "002"):
        path = grading / f"{num}-kadai.ipynb"
        nb = nbformat.read(path, as_version=4)
        cells = []
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if "codenum:999" in tags:
                user = tags[0].split(":", 1)[1].strip()
                if (num, user) == ("002", "s"):
                    continue
                cell.source = typed.get((num, user), cell.source)
            cells.append(cell)
        nb.cells = cells
        nbformat.write(nb, path)

    assert cli.main_tocsv(["kadai.ipynb"]) == 0
    with open(grading / "kadai.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["Name", "P001", "P002", "Total"],
        ["kim", "10", "5", "15"],
        ["s", "7.5", "0", "7.5"],
        ["s_tanaka", "0", "3", "3"],
    ]


def test_extract_reports_unreadable_submissions(tmp_path, capsys):
    box = tmp_path / "box"
    box.mkdir()
    nbformat.write(student_notebook("ok"), box / "ok_kadai.ipynb")
    (box / "broken_kadai.ipynb").write_text("{not json")
    out = cli.extract(str(box), "kadai.ipynb", [3], str(tmp_path))
    assert os.path.basename(out) == "003-kadai.ipynb"
    nb = nbformat.read(out, as_version=4)
    headings = [c.source for c in nb.cells if c.source.startswith("## ")]
    assert headings == ["## broken", "## ok"]
    assert "cannot read" in capsys.readouterr().err
    scores = [c for c in nb.cells if "codenum:999" in c.metadata.get("tags", [])]
    assert len(scores) == 2


def test_submit_refuses_closed_box(works, tmp_path, monkeypatch, capsys):
    as_user(monkeypatch, works, "kim")
    monkeypatch.setenv("LTILAB_SUBMIT_CLOSE", "lms_sub_kadai_close=1000000000")
    personal = works / ".volumes" / "lms_prs_kim"
    personal.mkdir()
    nbformat.write(student_notebook("kim"), personal / "kadai.ipynb")
    assert cli.main_submit(["kadai.ipynb"]) == 1
    assert "closed" in capsys.readouterr().err
    assert not (works / ".volumes" / BOX / "kim_kadai.ipynb").exists()
