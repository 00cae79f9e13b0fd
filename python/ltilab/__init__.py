"""ltilab: the Moodle + JupyterLab classroom environment.

This wheel ships every ltilab JupyterLab extension prebuilt, so installing it
needs no Node.js, and the small Jupyter server extensions where the server
side has to be Python.
"""

from ._version import __version__

__all__ = ["__version__"]

#: The npm names of the labextensions this wheel ships.
LABEXTENSIONS = (
    "@ltilab/broccoli-extension",
    "@ltilab/notice-extension",
    "@ltilab/submit-extension",
    "@ltilab/turtle-extension",
)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where `jupyter labextension develop` finds the built labextensions."""
    return [{"src": f"labextensions/{name}", "dest": name} for name in LABEXTENSIONS]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """The Jupyter server extension of this wheel (submissions)."""
    return [{"module": "ltilab"}]


def _load_jupyter_server_extension(server_app) -> None:
    """Load ltilab's server side: delegates to :mod:`ltilab.submit`."""
    from .submit import _load_jupyter_server_extension as load_submit

    load_submit(server_app)
