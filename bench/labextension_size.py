"""Size of each labextension the ltilab wheel ships, beside jnotice 1.4.0's.

JavaScript bytes and gzip bytes of every `static/*.js` file, per extension.
The anchor, jnotice 1.4.0 (the predecessor of the notice banner), comes from
PyPI in the same run, so both are measured the same way.

    .venv/bin/python bench/labextension_size.py [--json]
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILT = ROOT / "python" / "ltilab" / "labextensions"


def measure(files: dict[str, bytes]) -> dict[str, int]:
    """JavaScript bytes, gzip bytes (level 9) and file count."""
    js = {name: data for name, data in files.items() if name.endswith(".js")}
    return {
        "files": len(js),
        "js_bytes": sum(len(d) for d in js.values()),
        "gzip_bytes": sum(len(gzip.compress(d, 9, mtime=0)) for d in js.values()),
    }


def ltilab_extensions() -> dict[str, dict[str, int]]:
    result = {}
    for package_json in sorted(BUILT.glob("@*/*/package.json")):
        static = package_json.parent / "static"
        files = {p.name: p.read_bytes() for p in static.glob("*.js")}
        name = json.loads(package_json.read_text())["name"]
        result[name] = measure(files)
    return result


def jnotice() -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, "jnotice==1.4.0"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        wheel = next(Path(tmp).glob("jnotice-1.4.0-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            files = {
                name: zf.read(name)
                for name in zf.namelist()
                if "/labextensions/jnotice/static/" in name
            }
    return measure(files)


def main() -> None:
    if not BUILT.exists():
        sys.exit("build the labextensions first: make build")
    rows = ltilab_extensions()
    anchor = jnotice()
    if "--json" in sys.argv:
        print(json.dumps({"ltilab": rows, "jnotice-1.4.0": anchor}, indent=2))
        return
    print(f"{'labextension':34} {'files':>5} {'JS bytes':>10} {'gzip bytes':>11}")
    for name, row in rows.items():
        print(f"{name:34} {row['files']:>5} {row['js_bytes']:>10} {row['gzip_bytes']:>11}")
    print(f"{'jnotice 1.4.0 (PyPI)':34} {anchor['files']:>5} {anchor['js_bytes']:>10} {anchor['gzip_bytes']:>11}")
    notice = rows.get("@ltilab/notice-extension")
    if notice:
        print(
            "notice-extension / jnotice: "
            f"JS {notice['js_bytes'] / anchor['js_bytes']:.2f}x, "
            f"gzip {notice['gzip_bytes'] / anchor['gzip_bytes']:.2f}x"
        )


if __name__ == "__main__":
    main()
