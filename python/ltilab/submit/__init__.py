"""ltilab submissions: the server side of the Submit panel and its CLIs.

- :mod:`.boxes`: submission boxes, teachers and deadlines, from the
  predecessor spawner's environment (``NB_SUBMITS`` …) or from
  ``c.LtilabSubmit`` configuration;
- :mod:`.store`: atomic, versioned, logged writing of ``<box>/<user>_<file>``;
- :mod:`.handlers`: the REST API under ``<base_url>/ltilab/submit/``;
- :mod:`.cli`: ``ltilab-submit``, ``ltilab-extract`` and ``ltilab-tocsv``.
"""

from __future__ import annotations

from .boxes import LtilabSubmit, resolve


def _load_jupyter_server_extension(server_app) -> None:
    """Register the submission handlers on a running Jupyter server."""
    from .handlers import setup_handlers

    config = LtilabSubmit(parent=server_app)
    ctx = resolve(config, root_dir=server_app.root_dir)
    setup_handlers(server_app.web_app, ctx)
    server_app.log.info(
        "ltilab submit: user %s%s, boxes: %s",
        ctx.user,
        " (teacher)" if ctx.is_teacher else "",
        ", ".join(f"{b.id} -> {b.path}" for b in ctx.boxes.values()) or "none",
    )


__all__ = ["LtilabSubmit", "resolve", "_load_jupyter_server_extension"]
