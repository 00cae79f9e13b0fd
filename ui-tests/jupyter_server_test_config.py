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
