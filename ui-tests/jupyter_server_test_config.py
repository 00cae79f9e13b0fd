"""JupyterLab server configuration for the browser tests (test only).

galata's helper turns off every security protection; never use this file to
serve real users.
"""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# Notice files are dot-files; the hub sets the same option for real users.
c.ContentsManager.allow_hidden = True  # noqa: F821
# CI and these machines run as root; a real deployment never does.
c.ServerApp.allow_root = os.geteuid() == 0  # noqa: F821
# Poll fast so the tests see file changes within a second or two. This also
# exercises the predecessor's page-config route for the notice settings.
c.ServerApp.tornado_settings = {  # noqa: F821
    "page_config_data": {"jnotice": {"pollMs": int(os.environ.get("LTILAB_NOTICE_POLL_MS", "1000"))}}
}

# Submissions (issue 5): one box in a folder under the server root, defined by
# configuration as a hub-less deployment does, with a roster and a teacher.
# The server acts for $LTILAB_SUBMIT_TEST_USER (default "alice", a student);
# tests/submit.spec.ts starts a second server on another port with
# LTILAB_SUBMIT_TEST_USER=sensei for the teacher's view of the same box.
_submit_root = os.environ.get("JUPYTERLAB_GALATA_ROOT_DIR", os.getcwd())
_submit_box = os.environ.get("LTILAB_SUBMIT_TEST_BOX", "submit-boxes/hw1")
os.makedirs(os.path.join(_submit_root, _submit_box), exist_ok=True)
c.LtilabSubmit.use_environment = False  # noqa: F821 - no NB_SUBMITS boxes here
c.LtilabSubmit.user = os.environ.get("LTILAB_SUBMIT_TEST_USER", "alice")  # noqa: F821
c.LtilabSubmit.teachers = ["sensei"]  # noqa: F821
c.LtilabSubmit.roster = ["alice", "bob", "carol", "dave"]  # noqa: F821
c.LtilabSubmit.boxes = [  # noqa: F821
    {
        "name": "hw1",
        "label": "Homework 1",
        "path": _submit_box,
        "close": "2099-12-31T23:59:00+00:00",
        "late_policy": "flag",
    }
]
