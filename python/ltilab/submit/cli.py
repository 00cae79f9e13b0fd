"""``ltilab-submit``, ``ltilab-extract`` and ``ltilab-tocsv``.

Successors of the predecessor's ``submit``, ``extract`` and ``tocsv``
(seed-systems §5.3), with the same arguments, file names and messages, so
``!submit kadai.ipynb``-style cells keep working.  They read the same
environment and configuration as the server extension
(:mod:`ltilab.submit.boxes`) and write through the same store
(:mod:`ltilab.submit.store`): atomic, versioned, logged.

Also runnable as ``python -m ltilab.submit.cli submit|extract|tocsv …``.
"""

from __future__ import annotations

import argparse
import copy
import csv
import glob
import os
import re
import sys
import tempfile
from typing import Optional, Sequence

from . import store
from .boxes import LtilabSubmit, SubmitContext, resolve
from .store import SubmitError

SCORE_CODENUM = 999


def _load_config():
    """The Jupyter server configuration (``jupyter_server_config.{py,json}``),
    so ``c.LtilabSubmit`` applies to the CLIs too."""
    try:
        from jupyter_core.application import JupyterApp

        class _ConfigApp(JupyterApp):
            name = "ltilab-submit"

            @property
            def config_file_name(self):
                return "jupyter_server_config"

        app = _ConfigApp()
        app.load_config_file()
        return app.config
    except Exception:  # a broken config file must not stop a submission
        return None


def context(root_dir: Optional[str] = None) -> SubmitContext:
    config = _load_config()
    return resolve(LtilabSubmit(config=config) if config else LtilabSubmit(), root_dir=root_dir)


def _pick_box(ctx: SubmitContext, name: Optional[str]):
    if not ctx.boxes:
        raise SubmitError(404, "unknown_box", "No submission box is configured (NB_SUBMITS is empty).")
    if name is None:
        return next(iter(ctx.boxes.values()))  # the first NB_SUBMITS entry, as before
    for box in ctx.boxes.values():
        if name in (box.id, box.label):
            return box
    raise SubmitError(404, "unknown_box", f"No submission box {name!r}.")


# --------------------------------------------------------------------------
# ltilab-submit


def main_submit(argv: Optional[Sequence[str]] = None) -> int:
    """``ltilab-submit [--box NAME] [file …]``: submit files to a box.

    Like the predecessor: relative names are looked up in the first personal
    directory (``NB_PRSNALS``), where it ran, and with no argument every
    ``*.ipynb`` there is submitted; each file goes to the first box
    (``NB_SUBMITS``) as ``<user>_<basename>``; the output is ``<file> done.``
    or ``No Changes Detected``.

    Fixes of the predecessor's defects: the write is atomic and keeps every
    earlier version (the predecessor overwrote in place); a relative name
    missing in the personal directory is also looked up in the current
    directory; the box's deadline is checked at submission time, not only at
    spawn; ``--box`` chooses another box than the first.
    """
    parser = argparse.ArgumentParser(prog="ltilab-submit", description=main_submit.__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", help="files to submit (default: every *.ipynb)")
    parser.add_argument("--box", help="box id or access name (default: the first NB_SUBMITS entry)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the receipt")
    args = parser.parse_args(argv)
    try:
        ctx = context()
        box = _pick_box(ctx, args.box)
    except (SubmitError, ValueError) as err:
        print(f"ltilab-submit: {getattr(err, 'message', err)}", file=sys.stderr)
        return 1
    home = next((d for d in ctx.personal_dirs if os.path.isdir(d)), os.getcwd())
    files = list(args.files) or sorted(
        os.path.basename(p) for p in glob.glob(os.path.join(glob.escape(home), "*.ipynb"))
    )
    if not files:
        print(f"ltilab-submit: no *.ipynb file in {home}", file=sys.stderr)
        return 1
    status = 0
    for name in files:
        try:
            source = _find_source(name, home, ctx)
            receipt = store.submit(
                box,
                ctx.user,
                source,
                filename=os.path.basename(name.rstrip("/")),
                is_teacher=ctx.is_teacher,
                max_bytes=ctx.max_bytes,
                known_users=ctx.known_users(),
                origin="cli",
            )
        except SubmitError as err:
            print(f"{name}: {err.message}", file=sys.stderr)
            status = 1
            continue
        except OSError as err:
            print(f"{name}: {err.strerror or err}", file=sys.stderr)
            status = 1
            continue
        if receipt["unchanged"]:
            print("No Changes Detected" if len(files) == 1 else f"{name}: No Changes Detected")
        else:
            print(f"{name} done.")
        if args.verbose:
            print(
                f"  receipt: {receipt['time']} {receipt['size']} bytes "
                f"sha256:{receipt['sha256_short']} -> {receipt['stored']}"
                + (" (late)" if receipt["late"] else "")
            )
    return status


def _find_source(name: str, home: str, ctx: SubmitContext) -> str:
    candidates = [name] if os.path.isabs(name) else [os.path.join(home, name), os.path.abspath(name)]
    for path in candidates:
        if os.path.lexists(path):
            real = os.path.realpath(path)
            for box in ctx.boxes.values():
                if store._within(real, os.path.realpath(box.path)):
                    raise SubmitError(403, "inside_box", "Files inside a submission box cannot be submitted.")
            if not os.path.isfile(real):
                raise SubmitError(400, "not_a_file", "Not a regular file.")
            return real
    raise SubmitError(404, "not_found", "No such file.")


# --------------------------------------------------------------------------
# ltilab-extract


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


def extract(directory: str, base: str, codenums: Sequence[int], out_dir: str = ".") -> str:
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
            print(f"ltilab-extract: {os.path.basename(path)}: cannot read: {err}", file=sys.stderr)
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


def main_extract(argv: Optional[Sequence[str]] = None) -> int:
    """``ltilab-extract <base.ipynb> <codenum…>``: one grading notebook.

    For every ``<user>_<base>`` in the submission box it emits ``## <user>``,
    the code cells tagged with a requested ``codenum:<n>`` plus code cells
    without a codenum tag, ``#### Score:``, a ``0`` code cell tagged
    ``["user: <user>", "codenum:999"]`` and a rule, and writes
    ``./%03d-<base>`` numbered by the first codenum.

    Fixes of the predecessor's defects [D]: the user name is everything
    before the ``_<base>`` suffix, not the text before the first ``_``, so
    ``s_tanaka_kadai.ipynb`` is user ``s_tanaka``; no output file is deleted
    afterwards (the predecessor's wrapper removed the one numbered by the
    last codenum); an unreadable submission is reported in the notebook and
    on stderr instead of aborting; the notebook is written atomically.
    """
    parser = argparse.ArgumentParser(prog="ltilab-extract", description=main_extract.__doc__.split("\n")[0])
    parser.add_argument("base", help="the assignment notebook name, e.g. kadai.ipynb")
    parser.add_argument("codenums", nargs="+", help="code cell numbers (codenum tags)")
    parser.add_argument("-d", "--dir", help="directory of the submissions (default: the first box)")
    parser.add_argument("-o", "--output-dir", default=".", help="where to write (default: .)")
    args = parser.parse_args(argv)
    try:
        codenums = [int(c) for c in args.codenums]
    except ValueError:
        parser.error("codenums must be integers")
    base = os.path.basename(args.base)
    directory = args.dir
    if directory is None:
        try:
            directory = _pick_box(context(), None).path
        except (SubmitError, ValueError):
            directory = os.getcwd()
    if not os.path.isdir(directory):
        print(f"ltilab-extract: no such directory: {directory}", file=sys.stderr)
        return 1
    if not submissions_of(directory, base):
        print(f"ltilab-extract: no *_{base} in {directory}", file=sys.stderr)
        return 1
    print(extract(directory, base, codenums, args.output_dir))
    return 0


# --------------------------------------------------------------------------
# ltilab-tocsv


def _number(text: str):
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def collect_scores(directory: str, base: str):
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
                print(f"ltilab-tocsv: {name}: {user}: score {first!r} is not a number; 0 used", file=sys.stderr)
                value = 0
            scores.setdefault(user, {})[problem] = value
    return scores, sorted(set(problems))


def tocsv(directory: str, base: str, out: Optional[str] = None) -> str:
    scores, problems = collect_scores(directory, base)
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


def main_tocsv(argv: Optional[Sequence[str]] = None) -> int:
    """``ltilab-tocsv <base.ipynb>``: the scores CSV ``<base>.csv``.

    Reads every ``NNN-<base>`` grading notebook in the current directory, takes
    each score from the first line of the ``codenum:999`` cell of each user,
    and writes ``Name,P001,…,Total`` sorted by name; missing scores are 0.

    Fixes of the predecessor: a score that is not a number counts 0 with a
    warning on stderr instead of aborting; decimal scores are kept; the CSV
    is written atomically.
    """
    parser = argparse.ArgumentParser(prog="ltilab-tocsv", description=main_tocsv.__doc__.split("\n")[0])
    parser.add_argument("base", help="the assignment notebook name, e.g. kadai.ipynb")
    parser.add_argument("-d", "--dir", default=".", help="directory of the NNN-<base> files (default: .)")
    args = parser.parse_args(argv)
    base = os.path.basename(args.base)
    scores, problems = collect_scores(args.dir, base)
    if not problems:
        print(f"ltilab-tocsv: no NNN-{base} in {args.dir}", file=sys.stderr)
        return 1
    print(tocsv(args.dir, base))
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"submit": main_submit, "extract": main_extract, "tocsv": main_tocsv}
    if not argv or argv[0] not in commands:
        print("usage: python -m ltilab.submit.cli {submit|extract|tocsv} …", file=sys.stderr)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
