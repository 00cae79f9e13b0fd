"""Server settings for the Binder demo: serve the sample course.

Notice files are dot-files, so hidden files must be readable through the
server, as the ltilab hub also configures it.
"""

import os

c.ServerApp.root_dir = os.path.expanduser("~/course")  # noqa: F821
c.ContentsManager.allow_hidden = True  # noqa: F821
c.ServerApp.default_url = "/lab/tree/welcome.ipynb"  # noqa: F821
