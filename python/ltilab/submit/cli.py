"""``ltilab-submit``, ``ltilab-extract`` and ``ltilab-tocsv``.

Successors of the predecessor's ``submit``, ``extract`` and ``tocsv``
(seed-systems §5.3), with the same arguments, file names and messages, so
``!submit kadai.ipynb``-style cells keep working.  They read the same
environment and configuration as the server extension
(:mod:`ltilab.submit.boxes`) and write through the same store
(:mod:`ltilab.submit.store`): atomic, versioned, logged.  The grading logic
of ``extract`` and ``tocsv`` lives in :mod:`ltilab.submit.grading`, shared
with the teacher's REST endpoints.

Also runnable as ``python -m ltilab.submit.cli submit|extract|tocsv …``.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from typing import Optional, Sequence

from . import store
from .boxes import LtilabSubmit, SubmitContext, resolve
from .grading import (  # noqa: F401 - the grading functions, as before
    SCORE_CODENUM,
    collect_scores,
    extract,
    submissions_of,
    tocsv,
)
from .store import SubmitError


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
