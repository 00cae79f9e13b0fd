"""The grading tools behind ``ltilab-extract``, ``ltilab-tocsv`` and the
teacher's ``extract``/``tocsv`` REST endpoints (one implementation for both).

``extract`` builds the per-question grading notebook ``%03d-<base>`` from
every ``<user>_<base>`` in a submission box; ``tocsv`` reads the ``NNN-<base>``
notebooks back and writes ``<stem>.csv`` with ``Name,P001,…,Total``
(seed-systems §5.3).  :func:`run_extract` and :func:`run_tocsv` are the
checked entry points used by both the CLI and the server.
"""

from __future__ import annotations

import copy
import csv
import os
import re
import sys
import tempfile
from typing import Callable, Iterable, Optional, Sequence

from . import store
from .boxes import Box
from .store import SubmitError

SCORE_CODENUM = 999
#: the largest question number: ``%03d`` names and 999 is the score cell
MAX_CODENUM = SCORE_CODENUM - 1


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


# --------------------------------------------------------------------------
# extract


def _codenums(cell) -> set:
    nums = set()
    for tag in cell.get("metadata", {}).get("tags", []) or []:
        if isinstance(tag, str) and tag.startswith("codenum:"):
            try:
                nums.add(int(tag[len("codenum:"):].strip()))
            except ValueError:
                pass
    return nums


def _has_codenum_tag(cell) -> bool:
    return any(
        isinstance(t, str) and t.startswith("codenum:")
        for t in cell.get("metadata", {}).get("tags", []) or []
    )


def _write_notebook_atomic(nb, path: str) -> None:
    import nbformat

    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".ltilab-", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            nbformat.write(nb, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def submissions_of(directory: str, base: str) -> list:
    """[(user, path)] of every ``<user>_<base>`` in ``directory``, by user."""
    suffix = "_" + base
    found = []
    for name in sorted(os.listdir(directory)):
        if name.startswith(".") or not name.endswith(suffix) or len(name) <= len(suffix):
            continue
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            found.append((name[: -len(suffix)], path))
    return sorted(found)


def extract(
    directory: str, base: str, codenums: Sequence[int], out_dir: str = ".", warn: Callable[[str], None] = _warn
) -> str:
    """Build the grading notebook ``<out_dir>/%03d-<base>`` and return its path."""
    import nbformat
    from nbformat import v4

    wanted = set(codenums)
    nb = v4.new_notebook()
    kernelspec = None
    for user, path in submissions_of(directory, base):
        nb.cells.append(v4.new_markdown_cell(f"## {user}"))
        try:
            with open(path, encoding="utf-8") as fh:
                sub = nbformat.read(fh, as_version=4)
        except Exception as err:  # noqa: BLE001 - one bad file must not stop grading
            warn(f"ltilab-extract: {os.path.basename(path)}: cannot read: {err}")
            nb.cells.append(v4.new_markdown_cell(f"*Could not read `{os.path.basename(path)}`: {err}*"))
            sub = None
        if sub is not None:
            kernelspec = kernelspec or sub.metadata.get("kernelspec")
            for cell in sub.cells:
                if cell.cell_type != "code":
                    continue
                if _codenums(cell) & wanted or not _has_codenum_tag(cell):
                    nb.cells.append(
                        v4.new_code_cell(
                            source=cell.source,
                            metadata=copy.deepcopy(dict(cell.metadata)),
                            outputs=copy.deepcopy(list(cell.get("outputs", []))),
                            execution_count=cell.get("execution_count"),
                        )
                    )
        nb.cells.append(v4.new_markdown_cell("#### Score:"))
        nb.cells.append(
            v4.new_code_cell(
                source="0", metadata={"tags": [f"user: {user}", f"codenum:{SCORE_CODENUM}"]}
            )
        )
        nb.cells.append(v4.new_markdown_cell("---"))
    if kernelspec:
        nb.metadata["kernelspec"] = kernelspec
    out = os.path.join(out_dir, "%03d-%s" % (codenums[0], base))
    _write_notebook_atomic(nb, out)
    return out




# --------------------------------------------------------------------------
# tocsv


def _number(text: str):
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def collect_scores(directory: str, base: str, warn: Callable[[str], None] = _warn):
    """({user: {problem: score}}, [problem numbers]) from every ``NNN-<base>``."""
    import nbformat

    pattern = re.compile(r"^(\d{3})-" + re.escape(base) + r"$")
    scores: dict = {}
    problems = []
    for name in sorted(os.listdir(directory)):
        match = pattern.match(name)
        if not match:
            continue
        problem = int(match.group(1))
        problems.append(problem)
        with open(os.path.join(directory, name), encoding="utf-8") as fh:
            nb = nbformat.read(fh, as_version=4)
        for cell in nb.cells:
            tags = [t for t in cell.get("metadata", {}).get("tags", []) or [] if isinstance(t, str)]
            if cell.cell_type != "code" or SCORE_CODENUM not in _codenums(cell):
                continue
            user = next((t.split(":", 1)[1].strip() for t in tags if t.startswith("user:")), None)
            if not user:
                continue
            first = (cell.source.splitlines() or [""])[0].strip()
            value = _number(first)
            if value is None:
                warn(f"ltilab-tocsv: {name}: {user}: score {first!r} is not a number; 0 used")
                value = 0
            scores.setdefault(user, {})[problem] = value
    return scores, sorted(set(problems))


def tocsv(
    directory: str, base: str, out: Optional[str] = None, warn: Callable[[str], None] = _warn
) -> str:
    scores, problems = collect_scores(directory, base, warn)
    stem = base[: -len(".ipynb")] if base.endswith(".ipynb") else base
    out = out or os.path.join(directory, f"{stem}.csv")
    tmp = out + ".part"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", *(f"P{p:03d}" for p in problems), "Total"])
        for user in sorted(scores):
            row = [scores[user].get(p, 0) for p in problems]
            total = sum(row)
            writer.writerow([user, *row, int(total) if float(total).is_integer() else total])
    os.replace(tmp, out)
    return out




# --------------------------------------------------------------------------
# checked entry points (CLI and REST)


def check_base(base) -> str:
    """The assignment notebook name: a plain file name."""
    return store.check_name(base, "notebook name")


def check_codenums(codenums) -> list:
    """A non-empty list of distinct question numbers 0…998, in the given order."""
    if not isinstance(codenums, (list, tuple)) or not codenums:
        raise SubmitError(400, "bad_codenums", "'codenums' must be a non-empty list of integers.")
    result = []
    for value in codenums:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CODENUM:
            raise SubmitError(
                400, "bad_codenums", f"Code cell numbers must be integers from 0 to {MAX_CODENUM}."
            )
        if value not in result:
            result.append(value)
    return result


def default_dest(box: Box) -> str:
    """The folder (relative to the server root) that holds the box's link,
    or the root when that is hidden or unknown."""
    if not box.root_path:
        return ""
    parent = box.root_path.rsplit("/", 1)[0] if "/" in box.root_path else ""
    if any(part.startswith(".") for part in parent.split("/") if part):
        return ""
    return parent


def resolve_dest(
    root_dir: str, rel, *, boxes: Iterable[Box] = (), allow_hidden: bool = False
) -> str:
    """The real path of the existing folder ``rel`` under ``root_dir``.

    Refuses absolute paths, ``..``, hidden components (unless allowed),
    folders that resolve outside the root and folders inside a submission box.
    """
    if rel is None:
        rel = ""
    if not isinstance(rel, str) or "\x00" in rel:
        raise SubmitError(400, "bad_path", "'dest' must be a folder path.")
    if rel.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", rel):
        raise SubmitError(
            400, "absolute_path", "Absolute paths are refused; give a folder relative to your root."
        )
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise SubmitError(400, "path_traversal", "Paths containing '..' are refused.")
    if not allow_hidden and any(p.startswith(".") for p in parts):
        raise SubmitError(403, "hidden_path", "Hidden folders are refused.")
    root = os.path.realpath(root_dir)
    real = os.path.realpath(os.path.join(root, *parts))
    if not store._within(real, root):
        raise SubmitError(
            403, "outside_root", "The folder leads outside your files (through a symbolic link)."
        )
    for box in boxes:
        if store._within(real, os.path.realpath(box.path)):
            raise SubmitError(
                403, "inside_box", "Grading files cannot be written into a submission box."
            )
    if not os.path.isdir(real):
        raise SubmitError(404, "not_found", f"No such folder: {rel}")
    return real


def run_extract(
    directory: str,
    base: str,
    codenums: Sequence[int],
    out_dir: str,
    warn: Callable[[str], None] = _warn,
) -> list:
    """Checked :func:`extract`: the list of files written (one notebook)."""
    base = check_base(base)
    codenums = check_codenums(list(codenums))
    if not os.path.isdir(directory):
        raise SubmitError(404, "unknown_box", f"No such directory: {directory}")
    if not submissions_of(directory, base):
        raise SubmitError(404, "no_submissions", f"No submission of {base} yet.")
    return [extract(directory, base, codenums, out_dir, warn)]


def run_tocsv(directory: str, base: str, warn: Callable[[str], None] = _warn) -> list:
    """Checked :func:`tocsv`: the list of files written (the CSV)."""
    base = check_base(base)
    _, problems = collect_scores(directory, base, lambda _message: None)
    if not problems:
        raise SubmitError(404, "no_grading_notebooks", f"No NNN-{base} grading notebook here.")
    return [tocsv(directory, base, warn=warn)]
