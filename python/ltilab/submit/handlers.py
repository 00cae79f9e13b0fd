"""REST handlers of ltilab submissions, under ``<base_url>/ltilab/submit/``.

Every verb is ``@tornado.web.authenticated``.  Errors are JSON
``{"error": <code>, "message": <text>, ...}`` with a 4xx/5xx status (see the
codes in :mod:`ltilab.submit.store`).  File work runs in a thread pool, so a
slow disk never blocks the server.

The single-user server acts for one user (``NB_USER`` or the configured
``c.LtilabSubmit.user``): a student only ever sees, submits and reads
``<box>/<user>_*`` files of their own; the teacher listing and other
students' files need a teacher.  There is no delete or overwrite-by-name verb.

Teachers also run the grading tools here (``POST boxes/<id>/extract`` and
``POST boxes/<id>/tocsv``), through the same :mod:`ltilab.submit.grading`
functions as ``ltilab-extract`` and ``ltilab-tocsv``; they write only into an
existing folder under the server root, never into a box.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import time
import urllib.parse

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from . import grading, store
from .boxes import SubmitContext
from .store import SubmitError

SETTINGS_KEY = "ltilab_submit"


class _Base(APIHandler):
    @property
    def ctx(self) -> SubmitContext:
        return self.settings[SETTINGS_KEY]

    def _send(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(data))

    def _fail(self, err: SubmitError) -> None:
        self.log.info("ltilab submit: %s %s: %s", self.request.method, err.code, err.message)
        self._send(err.to_json(), err.status)

    def _box(self, box_id: str):
        box = self.ctx.boxes.get(box_id)
        if box is None:
            raise SubmitError(404, "unknown_box", f"No submission box {box_id!r}.")
        return box

    def _require_teacher(self) -> None:
        if not self.ctx.is_teacher:
            raise SubmitError(403, "teacher_only", "Only teachers can do this.")

    async def _in_thread(self, fn, *args, **kwargs):
        return await asyncio.get_running_loop().run_in_executor(
            None, functools.partial(fn, *args, **kwargs)
        )

    async def _handle(self, work) -> None:
        try:
            await work()
        except SubmitError as err:
            self._fail(err)
        except OSError as err:
            self.log.exception("ltilab submit: I/O error")
            if err.errno in store._DISK_FULL:
                self._fail(store._disk_full(err))
            else:
                self._fail(SubmitError(500, "io_error", f"I/O error: {err.strerror or err}"))

    def _whoami(self, now: float) -> dict:
        return {
            "user": self.ctx.user,
            "is_teacher": self.ctx.is_teacher,
            "server_time": now,
            "server_time_iso": store.iso(now),
            "max_bytes": self.ctx.max_bytes,
        }


class BoxesHandler(_Base):
    """GET: the boxes, with deadline, time left, late policy and open state."""

    @tornado.web.authenticated
    async def get(self):
        async def work():
            now = time.time()
            boxes = [box.info(now) for box in self.ctx.boxes.values()]
            self._send({**self._whoami(now), "boxes": boxes})

        await self._handle(work)


class BoxHandler(_Base):
    """GET: one box."""

    @tornado.web.authenticated
    async def get(self, box_id):
        async def work():
            now = time.time()
            self._send({**self._whoami(now), "box": self._box(box_id).info(now)})

        await self._handle(work)


class SubmissionsHandler(_Base):
    """POST: submit a file by its path under the server root.
    GET: the teacher listing of the box (one row per student)."""

    @tornado.web.authenticated
    async def post(self, box_id):
        async def work():
            box = self._box(box_id)
            try:
                body = json.loads(self.request.body or b"{}")
            except ValueError:
                raise SubmitError(400, "bad_request", "The request body is not JSON.") from None
            if not isinstance(body, dict):
                raise SubmitError(400, "bad_request", "The request body must be a JSON object.")
            ctx = self.ctx
            cm = self.settings.get("contents_manager")
            allow_hidden = bool(getattr(cm, "allow_hidden", False))
            source = store.resolve_source(
                ctx.root_dir, body.get("path"), boxes=ctx.boxes.values(), allow_hidden=allow_hidden
            )
            receipt = await self._in_thread(
                store.submit,
                box,
                ctx.user,
                source,
                filename=body["path"].rstrip("/").rsplit("/", 1)[-1],
                is_teacher=ctx.is_teacher,
                max_bytes=ctx.max_bytes,
                known_users=ctx.known_users(),
                origin="api",
            )
            self._send({"receipt": receipt}, 200 if receipt.get("unchanged") else 201)

        await self._handle(work)

    @tornado.web.authenticated
    async def get(self, box_id):
        async def work():
            box = self._box(box_id)
            self._require_teacher()
            ctx = self.ctx
            roster = box.roster or ctx.roster
            table = await self._in_thread(store.box_table, box, ctx.known_users(), roster)
            now = time.time()
            self._send({**self._whoami(now), "box": box.info(now), **table})

        await self._handle(work)


class MineHandler(_Base):
    """GET: my submissions (receipts and earlier versions), in one box or all."""

    @tornado.web.authenticated
    async def get(self, box_id=None):
        async def work():
            ctx = self.ctx
            boxes = [self._box(box_id)] if box_id is not None else list(ctx.boxes.values())
            now = time.time()
            result = []
            for box in boxes:
                subs = []
                if os.path.isdir(box.path):
                    subs = await self._in_thread(
                        store.user_submissions, box, ctx.user, ctx.known_users()
                    )
                result.append({"box": box.info(now), "submissions": subs})
            self._send({**self._whoami(now), "boxes": result})

        await self._handle(work)


class FileHandler(_Base):
    """GET: the bytes of a stored submission (``?version=<name>`` for an
    earlier one).  Students get only their own; teachers any."""

    @tornado.web.authenticated
    async def get(self, box_id, stored):
        async def work():
            ctx = self.ctx
            box = self._box(box_id)
            store.check_name(stored, "submission name")
            if not ctx.is_teacher:
                owners = store.log_owners(store.read_log(box.path))
                if (
                    not stored.startswith(ctx.user + "_")
                    or store.owner_of(stored, owners, ctx.known_users() | set(owners.values()))
                    != ctx.user
                ):
                    raise SubmitError(
                        403, "forbidden", "You can only read your own submissions."
                    )
            path = store.submission_path(box, stored, self.get_argument("version", None))
            data = await self._in_thread(_read, path)
            quoted = urllib.parse.quote(stored)
            self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quoted}")
            self.set_header("X-Content-Type-Options", "nosniff")
            self.set_status(200)
            self.finish(data, set_content_type="application/octet-stream")

        await self._handle(work)


class _GradingHandler(_Base):
    """Shared part of the teacher's grading endpoints: the JSON body, the
    base notebook name and the destination folder under the server root
    (default: the folder that holds the box's link, or the root)."""

    def _body(self) -> dict:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise SubmitError(400, "bad_request", "The request body is not JSON.") from None
        if not isinstance(body, dict):
            raise SubmitError(400, "bad_request", "The request body must be a JSON object.")
        return body

    def _dest(self, box, body: dict) -> str:
        ctx = self.ctx
        rel = body.get("dest")
        if rel is None:
            rel = grading.default_dest(box)
        cm = self.settings.get("contents_manager")
        return grading.resolve_dest(
            ctx.root_dir,
            rel,
            boxes=ctx.boxes.values(),
            allow_hidden=bool(getattr(cm, "allow_hidden", False)),
        )

    def _written(self, paths: list) -> dict:
        root = os.path.realpath(self.ctx.root_dir)
        files = [
            os.path.relpath(os.path.realpath(p), root).replace(os.sep, "/") for p in paths
        ]
        return {"files": files}

    def _warn(self, message: str) -> None:
        self.log.warning("%s", message)


class ExtractHandler(_GradingHandler):
    """POST ``{"base", "codenums", "dest"?}``: the grading notebook
    ``%03d-<base>`` of the box's submissions (teachers only)."""

    @tornado.web.authenticated
    async def post(self, box_id):
        async def work():
            box = self._box(box_id)
            self._require_teacher()
            body = self._body()
            base = grading.check_base(body.get("base"))
            codenums = grading.check_codenums(body.get("codenums"))
            dest = self._dest(box, body)
            paths = await self._in_thread(
                grading.run_extract, box.path, base, codenums, dest, self._warn
            )
            self._send(self._written(paths), 201)

        await self._handle(work)


class ToCsvHandler(_GradingHandler):
    """POST ``{"base", "dest"?}``: ``<stem>.csv`` from the ``NNN-<base>``
    grading notebooks in ``dest`` (teachers only)."""

    @tornado.web.authenticated
    async def post(self, box_id):
        async def work():
            box = self._box(box_id)
            self._require_teacher()
            body = self._body()
            base = grading.check_base(body.get("base"))
            dest = self._dest(box, body)
            paths = await self._in_thread(grading.run_tocsv, dest, base, self._warn)
            self._send(self._written(paths), 201)

        await self._handle(work)


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def setup_handlers(web_app, ctx: SubmitContext) -> None:
    web_app.settings[SETTINGS_KEY] = ctx
    base = url_path_join(web_app.settings["base_url"], "ltilab", "submit")
    box = r"/boxes/(?P<box_id>[^/]+)"
    handlers = [
        (base + r"/boxes/?", BoxesHandler),
        (base + box + r"/?", BoxHandler),
        (base + box + r"/submissions/?", SubmissionsHandler),
        (base + box + r"/mine/?", MineHandler),
        (base + box + r"/files/(?P<stored>[^/]+)", FileHandler),
        (base + box + r"/extract/?", ExtractHandler),
        (base + box + r"/tocsv/?", ToCsvHandler),
        (base + r"/mine/?", MineHandler),
    ]
    web_app.add_handlers(".*$", handlers)
