"""ltilab: the Moodle + JupyterLab classroom environment.

This wheel ships every ltilab JupyterLab extension prebuilt, so installing it
needs no Node.js, and the small Jupyter server extensions where the server
side has to be Python.
"""

from ._version import __version__

__all__ = ["__version__"]

#: The npm names of the labextensions this wheel ships.
LABEXTENSIONS = ("@ltilab/notice-extension",)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where `jupyter labextension develop` finds the built labextensions."""
    return [{"src": f"labextensions/{name}", "dest": name} for name in LABEXTENSIONS]
