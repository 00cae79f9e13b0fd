"""Kernel side of turtle drawing: ltilab.turtle beside jbturtle 0.2.6, same programs.

For each program, one real ipykernel runs it with each library, and the
benchmark records the wall time from execute_request to the kernel going
idle, the number of IOPub display messages, and the bytes of their content
(JSON plus binary buffers, as the kernel sends them to the browser).

jbturtle renders a PNG in the kernel for every animation frame; ltilab
records the drawing and sends one bundle, which the browser draws.

    .venv/bin/python bench/turtle_kernel.py      # creates build/bench-jbturtle once
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "build" / "bench-jbturtle"

# The predecessor-style sample: a 72-step spiral of 150-pixel lines.
SAMPLE = """
turtle = JBTurtle(600, 600)
for i in range(72):
    turtle.line_hsv(i * 5, 0.45, 0.65)
    turtle.forward(150)
    turtle.turn_right(175)
"""

# 10,000 short segments (pen down), at the highest speed jbturtle allows
# sensibly, so its frame count stays finite: speed 10 -> 50 px per frame.
TEN_THOUSAND = """
turtle = JBTurtle(600, 600)
turtle.speed(10)
for i in range(10000):
    turtle.forward(3 + (i % 50))
    turtle.turn_right(61)
"""

IMPORTS = {"jbturtle 0.2.6": "from jbturtle import *", "ltilab": "from ltilab.turtle import *"}


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "jbturtle==0.2.6", "pillow", "ipykernel"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return python


def run(python: Path, code: str, timeout: float) -> dict[str, float]:
    from jupyter_client.manager import KernelManager

    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "kernels" / "bench"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "bench",
                    "language": "python",
                    "env": {"PYTHONPATH": str(ROOT / "python")},
                }
            )
        )
        os.environ["JUPYTER_PATH"] = tmp
        km = KernelManager(kernel_name="bench")
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            start = time.perf_counter()
            msg_id = kc.execute(code)
            displays = 0
            size = 0
            while True:
                msg = kc.get_iopub_msg(timeout=timeout)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                if kind in ("display_data", "update_display_data", "execute_result", "clear_output"):
                    displays += kind != "clear_output"
                    size += len(json.dumps(msg["content"]).encode())
                    size += sum(len(b) for b in msg.get("buffers", []))
                if kind == "error":
                    raise RuntimeError("\n".join(msg["content"]["traceback"]))
                if kind == "status" and msg["content"]["execution_state"] == "idle":
                    break
            elapsed = time.perf_counter() - start
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    return {"seconds": elapsed, "displays": displays, "bytes": size}


def main() -> None:
    python = ensure_venv()
    results = {}
    for program, code, timeout in (("sample (72 x 150 px)", SAMPLE, 600), ("10,000 segments", TEN_THOUSAND, 1800)):
        for name, imports in IMPORTS.items():
            # ltilab sends its bundle when the cell finishes (post_run_cell).
            results[(program, name)] = run(python, imports + "\n" + code, timeout)
            r = results[(program, name)]
            print(f"{program:22} {name:15} {r['seconds']:8.2f} s {r['displays']:6d} displays {r['bytes']:12,d} bytes", flush=True)
        jb, lt = results[(program, "jbturtle 0.2.6")], results[(program, "ltilab")]
        print(
            f"{program:22} ratio: ltilab is {jb['seconds'] / lt['seconds']:.0f}x faster in the kernel "
            f"and sends 1/{jb['bytes'] / lt['bytes']:.0f} of the bytes"
        )


if __name__ == "__main__":
    main()
