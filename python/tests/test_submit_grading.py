"""The teacher's extract and tocsv endpoints against a real Jupyter server,
on three students' real submissions."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest
from conftest import write
from nbformat import v4

from ltilab.submit import grading, store
from ltilab.submit.boxes import Box

STUDENTS = ["kim", "s", "s_tanaka"]  # "s" is a prefix of "s_tanaka"
TEACHER = [{"user": "yamada"}]


def student_notebook(user: str) -> str:
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# Exercise"),
        v4.new_code_cell(f"print('{user} answers 1')", metadata={"tags": ["codenum:1"]}),
        v4.new_code_cell(f"x = '{user} answers 2'", metadata={"tags": ["codenum:2"]}),
        v4.new_code_cell(f"y = '{user} answers 3'", metadata={"tags": ["codenum:3"]}),
    ]
    return nbformat.writes(nb)


@pytest.fixture
def three_submissions(box_dir, tmp_path):
    box = Box(id="hw1", label="Submit", path=str(box_dir))
    for user in STUDENTS:
        src = write(tmp_path / f"{user}-home" / "kadai.ipynb", student_notebook(user))
        store.submit(box, user, str(src), known_users=set(STUDENTS))
    return box_dir


def read_nb(path: Path):
    return nbformat.read(str(path), as_version=4)


def score_cells(nb):
    return [c for c in nb.cells if "codenum:999" in c.metadata.get("tags", [])]


@pytest.mark.parametrize("submit_config", TEACHER, indirect=True)
async def test_teacher_extracts_and_tocsv(api, jp_root_dir, three_submissions):
    root = Path(jp_root_dir)
    (root / "grading").mkdir()
    code, data = await api(
        "POST", "boxes", "hw1", "extract",
        body={"base": "kadai.ipynb", "codenums": [1, 2], "dest": "grading"},
    )
    assert code == 201, data
    assert data == {"files": ["grading/001-kadai.ipynb"]}
    nb = read_nb(root / "grading" / "001-kadai.ipynb")
    headings = [c.source for c in nb.cells if c.source.startswith("## ")]
    assert headings == [f"## {u}" for u in STUDENTS]
    code_sources = [c.source for c in nb.cells if c.cell_type == "code" and c not in score_cells(nb)]
    assert code_sources == [
        src for u in STUDENTS for src in (f"print('{u} answers 1')", f"x = '{u} answers 2'")
    ]
    assert [c.metadata["tags"] for c in score_cells(nb)] == [
        [f"user: {u}", "codenum:999"] for u in STUDENTS
    ]

    code, data = await api(
        "POST", "boxes", "hw1", "extract",
        body={"base": "kadai.ipynb", "codenums": [3], "dest": "grading"},
    )
    assert code == 201 and data == {"files": ["grading/003-kadai.ipynb"]}

    # the teacher grades: scores go into the codenum:999 cells
    for name, scores in (("001-kadai.ipynb", [5, 3, 4]), ("003-kadai.ipynb", [2, 2.5, 1])):
        path = root / "grading" / name
        nb = read_nb(path)
        for cell, score in zip(score_cells(nb), scores):
            cell.source = str(score)
        nbformat.write(nb, str(path))

    code, data = await api("POST", "boxes", "hw1", "tocsv", body={"base": "kadai.ipynb", "dest": "grading"})
    assert code == 201, data
    assert data == {"files": ["grading/kadai.csv"]}
    with open(root / "grading" / "kadai.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["Name", "P001", "P003", "Total"],
        ["kim", "5", "2", "7"],
        ["s", "3", "2.5", "5.5"],
        ["s_tanaka", "4", "1", "5"],
    ]


@pytest.mark.parametrize("submit_config", TEACHER, indirect=True)
async def test_default_dest_is_the_folder_of_the_box_link(api, jp_root_dir, three_submissions):
    code, data = await api("POST", "boxes", "hw1", "extract", body={"base": "kadai.ipynb", "codenums": [2]})
    assert code == 201, data
    assert data == {"files": ["002-kadai.ipynb"]}
    assert (Path(jp_root_dir) / "002-kadai.ipynb").is_file()


@pytest.mark.parametrize("submit_config", TEACHER, indirect=True)
async def test_teacher_errors(api, jp_root_dir, three_submissions):
    code, data = await api("POST", "boxes", "hw1", "extract", body={"base": "other.ipynb", "codenums": [1]})
    assert code == 404 and data["error"] == "no_submissions"
    code, data = await api("POST", "boxes", "hw1", "tocsv", body={"base": "kadai.ipynb"})
    assert code == 404 and data["error"] == "no_grading_notebooks"
    for codenums in ([], [999], ["1"], [True], [-1], "1"):
        code, data = await api(
            "POST", "boxes", "hw1", "extract", body={"base": "kadai.ipynb", "codenums": codenums}
        )
        assert code == 400 and data["error"] == "bad_codenums", codenums
    code, data = await api("POST", "boxes", "hw1", "extract", body={"base": "../kadai.ipynb", "codenums": [1]})
    assert code == 400 and data["error"] == "bad_name"
    code, data = await api("POST", "boxes", "nope", "extract", body={"base": "kadai.ipynb", "codenums": [1]})
    assert code == 404 and data["error"] == "unknown_box"
    code, data = await api("POST", "boxes", "hw1", "tocsv", body={"base": "kadai.ipynb", "dest": "missing"})
    assert code == 404 and data["error"] == "not_found"


@pytest.mark.parametrize("submit_config", TEACHER, indirect=True)
@pytest.mark.parametrize(
    "dest, code, error",
    [
        ("../outside", 400, "path_traversal"),
        ("grading/../../outside", 400, "path_traversal"),
        ("/tmp", 400, "absolute_path"),
        ("~", 400, "absolute_path"),
        (".volumes", 403, "hidden_path"),
        ("escape", 403, "outside_root"),
        ("Submit", 403, "inside_box"),
    ],
)
async def test_traversal_is_refused(api, jp_root_dir, three_submissions, tmp_path, dest, code, error):
    root = Path(jp_root_dir)
    (root / "grading").mkdir()
    outside = tmp_path / "outside-root"
    outside.mkdir()
    (root / "escape").symlink_to(outside)
    before = sorted(p.name for p in three_submissions.iterdir())
    for verb, body in (
        ("extract", {"base": "kadai.ipynb", "codenums": [1], "dest": dest}),
        ("tocsv", {"base": "kadai.ipynb", "dest": dest}),
    ):
        status, data = await api("POST", "boxes", "hw1", verb, body=body)
        assert (status, data["error"]) == (code, error), (verb, data)
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in three_submissions.iterdir()) == before
    assert not list(root.rglob("001-kadai.ipynb"))


async def test_students_get_403(api, jp_root_dir, three_submissions):
    for verb, body in (
        ("extract", {"base": "kadai.ipynb", "codenums": [1]}),
        ("tocsv", {"base": "kadai.ipynb"}),
    ):
        code, data = await api("POST", "boxes", "hw1", verb, body=body)
        assert code == 403 and data["error"] == "teacher_only", (verb, data)
    assert not list(Path(jp_root_dir).rglob("001-kadai.ipynb"))


def test_default_dest():
    assert grading.default_dest(Box(id="a", label="A", path="/x", root_path="Submit")) == ""
    assert grading.default_dest(Box(id="a", label="A", path="/x", root_path="course/Submit")) == "course"
    assert grading.default_dest(Box(id="a", label="A", path="/x", root_path=".volumes/v")) == ""
    assert grading.default_dest(Box(id="a", label="A", path="/x")) == ""


@pytest.mark.parametrize("submit_config", TEACHER, indirect=True)
async def test_grading_endpoints_need_authentication(
    jp_serverapp, http_server_client, jp_base_url, jp_root_dir, three_submissions
):
    base = jp_base_url.rstrip("/") + "/ltilab/submit/boxes/hw1/"
    for verb in ("extract", "tocsv"):
        response = await http_server_client.fetch(
            base + verb, method="POST", body='{"base": "kadai.ipynb", "codenums": [1]}', raise_error=False
        )
        assert response.code in (401, 403), (verb, response.code)
    assert not list(Path(jp_root_dir).rglob("001-kadai.ipynb"))
