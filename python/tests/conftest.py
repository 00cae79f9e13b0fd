"""Fixtures for the ltilab server-extension tests (pytest-jupyter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

pytest_plugins = ["pytest_jupyter.jupyter_server"]

PYTHON_DIR = str(Path(__file__).resolve().parents[1])


@pytest.fixture
def box_dir(jp_root_dir):
    """A submit volume laid out as under the hub: ``<root>/.volumes/<vol>``
    with mode 3777 and the access-name link ``<root>/Submit``."""
    box = Path(jp_root_dir) / ".volumes" / "lms_sub_hw1_57_lms.example.edu"
    box.mkdir(parents=True)
    os.chmod(box, 0o3777)
    (Path(jp_root_dir) / "Submit").symlink_to(box)
    return box


@pytest.fixture
def submit_config(request, box_dir):
    """``c.LtilabSubmit``; tests change it with
    ``@pytest.mark.parametrize("submit_config", [{...}], indirect=True)``."""
    config = {
        "user": "alice",
        "teachers": ["yamada"],
        "max_bytes": 64 * 1024,
        "use_environment": False,
        "boxes": [{"name": "hw1", "label": "Submit", "path": str(box_dir)}],
    }
    overrides = dict(getattr(request, "param", {}) or {})
    box_overrides = overrides.pop("box", {})
    config.update(overrides)
    if box_overrides:
        config["boxes"][0].update(box_overrides)
    return config


@pytest.fixture
def jp_server_config(submit_config):
    return {
        "ServerApp": {"jpserver_extensions": {"ltilab": True}},
        "LtilabSubmit": submit_config,
    }


@pytest.fixture
def api(jp_fetch):
    """``await api(method, *path, body=None)`` → (status, JSON or bytes)."""

    async def call(method, *parts, body=None, params=None, raw=False):
        kwargs = {"method": method}
        if body is not None:
            kwargs["body"] = json.dumps(body)
        elif method in ("POST", "PUT"):
            kwargs["body"] = ""
        if params:
            kwargs["params"] = params
        try:
            response = await jp_fetch("ltilab", "submit", *parts, **kwargs)
        except HTTPClientError as err:
            response = err.response
            assert response is not None, err
        data = response.body if raw else json.loads(response.body or b"null")
        return response.code, data

    return call


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def run_cli(args, env=None, cwd=None, **kwargs):
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = PYTHON_DIR + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "ltilab.submit.cli", *args],
        env=full_env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )
