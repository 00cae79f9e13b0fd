"""Turtle graphics that draw in the browser: jbturtle's API, one message per drawing.

The predecessor, jbturtle, rendered a PNG in the kernel for every step and
streamed each to the browser (about 1,000 images for a 72-step figure). This
module records the drawing instead, and sends it once, when the cell
finishes, as one compact MIME bundle (``MIME_TYPE``) that ltilab's JupyterLab
renderer animates on a canvas.

A jbturtle notebook runs by changing its import only::

    from ltilab.turtle import *      # was: from jbturtle import *
    turtle = JBTurtle(400, 300)
    for i in range(36):
        turtle.forward(100)
        turtle.turn_right(170)

Coordinates are jbturtle's: pixels, origin at the top left, y pointing down.
The turtle starts at the centre facing +x (0 degrees); ``turn_right`` adds
degrees, which turns clockwise on screen; ``move`` goes to absolute
coordinates; the pen starts down.

This file only uses the standard library (IPython is optional), so its source
can also serve as the runtime that generated block code carries into a stock
kernel.
"""

from __future__ import annotations

import colorsys
import contextlib
import math
from typing import Any, Iterable, Iterator, Sequence

__all__ = ["JBTurtle", "Turtle", "MIME_TYPE", "compare_drawings", "hsv_to_rgb"]

#: The MIME type of a recorded drawing.
MIME_TYPE = "application/vnd.ltilab.turtle.v1+json"

#: The most drawing operations a drawing keeps. A program past it keeps
#: running, and the drawing says it was capped, so the browser never hangs.
MAX_OPS = 1_000_000

#: jbturtle's canvas background.
DEFAULT_BACKGROUND = "#f0f0f0"

_NAMED_COLOURS = {
    "black": "#000000",
    "white": "#ffffff",
    "red": "#ff0000",
    "green": "#008000",
    "lime": "#00ff00",
    "blue": "#0000ff",
    "yellow": "#ffff00",
    "cyan": "#00ffff",
    "magenta": "#ff00ff",
    "orange": "#ffa500",
    "purple": "#800080",
    "pink": "#ffc0cb",
    "brown": "#a52a2a",
    "gray": "#808080",
    "grey": "#808080",
    "navy": "#000080",
}


def hsv_to_rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
    """Hue in degrees (taken modulo 360), saturation and value clamped to [0, 1].

    Channels are ``int(x * 255)`` as in jbturtle, but correct for every hue:
    the predecessor divided hues of 300 or more by 50 and overflowed blue.
    """
    s = min(max(float(s), 0.0), 1.0)
    v = min(max(float(v), 0.0), 1.0)
    r, g, b = colorsys.hsv_to_rgb((float(h) % 360.0) / 360.0, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


def _colour(value: Any) -> str:
    """A jbturtle (Pillow-style) colour as ``#rrggbb``: a tuple, hex or name."""
    if isinstance(value, (tuple, list)) and len(value) >= 3:
        r, g, b = (min(max(int(c), 0), 255) for c in value[:3])
        return f"#{r:02x}{g:02x}{b:02x}"
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _NAMED_COLOURS:
            return _NAMED_COLOURS[text]
        if text.startswith("#") and len(text) in (4, 7):
            digits = text[1:]
            if all(c in "0123456789abcdef" for c in digits):
                if len(digits) == 3:
                    digits = "".join(c * 2 for c in digits)
                return "#" + digits
    raise ValueError(f"not a colour: {value!r} (use '#rrggbb', (r, g, b) or a colour name)")


def _round(value: float) -> float | int:
    """Coordinates to 2 decimals, integers without a fraction: compact JSON."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded == int(rounded) else rounded


class JBTurtle:
    """A turtle that records what it draws; jbturtle's class and method names.

    :param xsize: canvas width in pixels.
    :param ysize: canvas height in pixels.
    :param display: ``True`` shows the drawing in the notebook at once and
        updates it after each cell that drew; ``"end"`` shows it once, when
        the running cell ends (what block programs do); ``False`` never.
    """

    def __init__(self, xsize: int = 600, ysize: int = 600, display: bool | str = True):
        self._display_wanted = display
        self._handle: Any = None
        self._shown_version = -1
        self.init(xsize, ysize)
        if display == "end":
            self._display_at_end()
        elif display:
            self._attach_display()

    # -- jbturtle's API ------------------------------------------------------

    def init(self, xsize: int = 600, ysize: int = 600) -> None:
        """Start a new drawing on a ``xsize`` × ``ysize`` canvas."""
        self.width = max(int(xsize), 1)
        self.height = max(int(ysize), 1)
        self.x = self.width / 2
        self.y = self.height / 2
        self.heading = 0.0
        self.pen_is_down = True
        self.colour = "#000000"
        self.pen_width: float = 2
        self.pen_speed: float = 2
        self.visible = True
        self.background = DEFAULT_BACKGROUND
        self.ops: list[list[Any]] = []
        self.capped = False
        self._fill: list[tuple[float, float]] | None = None
        self._fill_colour = "#000000"
        self._version = 0

    def forward(self, distance: float) -> None:
        """Move forward, drawing when the pen is down."""
        rad = math.radians(self.heading)
        self._go(self.x + distance * math.cos(rad), self.y + distance * math.sin(rad))

    def backward(self, distance: float) -> None:
        """Move backward, drawing when the pen is down; the heading stays."""
        self.forward(-distance)

    def turn_right(self, angle: float) -> None:
        """Turn clockwise on screen."""
        self.set_heading(self.heading + angle)

    def turn_left(self, angle: float) -> None:
        """Turn counter-clockwise on screen."""
        self.set_heading(self.heading - angle)

    def move(self, x: float, y: float) -> None:
        """Go to absolute pixel coordinates; draw when the pen is down."""
        self._go(float(x), float(y))

    def pen_up(self) -> None:
        self.pen_is_down = False

    def pen_down(self) -> None:
        self.pen_is_down = True

    def speed(self, speed: float) -> None:
        """Animation speed (jbturtle: 5·speed pixels per frame); at least 1."""
        self.pen_speed = max(float(speed), 1)
        self._record(["speed", _round(self.pen_speed)])

    def line_width(self, width: float) -> None:
        """Pen width in pixels; at least 1."""
        self.pen_width = max(float(width), 1)
        self._record(["pen", self.colour, _round(self.pen_width)])

    def line_color(self, colour: Any) -> None:
        """Pen colour: ``'#rrggbb'``, ``(r, g, b)`` or a colour name."""
        self.colour = _colour(colour)
        self._record(["pen", self.colour, _round(self.pen_width)])

    def line_rgb(self, r: int, g: int, b: int) -> None:
        self.line_color((r, g, b))

    def line_hsv(self, h: float, s: float, v: float) -> None:
        """Pen colour from hue (degrees), saturation and value."""
        self.line_color(hsv_to_rgb(h, s, v))

    # -- the rest of the usual turtle vocabulary ------------------------------

    def set_heading(self, angle: float) -> None:
        """Face ``angle`` degrees (0 is +x, 90 is down the screen)."""
        self.heading = float(angle) % 360.0
        self._record(["turn", _round(self.heading)])

    def home(self) -> None:
        """Back to the centre, facing +x (draws when the pen is down)."""
        self._go(self.width / 2, self.height / 2)
        self.set_heading(0)

    def circle(self, radius: float, extent: float = 360, steps: int | None = None) -> None:
        """Draw an arc of ``extent`` degrees; a positive radius turns right."""
        if steps is None:
            steps = max(int(abs(extent) / 6), 4)
        step_angle = extent / steps
        chord = 2 * abs(radius) * math.sin(math.radians(abs(step_angle)) / 2)
        turn = step_angle if radius >= 0 else -step_angle
        # Half a turn before and after each chord keeps the path on the circle.
        self.set_heading(self.heading + turn / 2)
        for i in range(steps):
            self.forward(chord)
            self.set_heading(self.heading + (turn if i < steps - 1 else turn / 2))

    def arc(self, radius: float, extent: float) -> None:
        self.circle(radius, extent)

    def fill_color(self, colour: Any) -> None:
        self._fill_colour = _colour(colour)

    def begin_fill(self) -> None:
        """Start a shape to fill; ``end_fill`` fills what was drawn since."""
        self._fill = [(self.x, self.y)]

    def end_fill(self) -> None:
        if self._fill and len(self._fill) >= 3:
            points = [[_round(x), _round(y)] for x, y in self._fill]
            self._record(["fill", self._fill_colour, points])
        self._fill = None

    @contextlib.contextmanager
    def filling(self, colour: Any = None) -> Iterator[None]:
        """Fill what the ``with`` block draws: ``with turtle.filling('#fc0'): ...``."""
        if colour is not None:
            self.fill_color(colour)
        self.begin_fill()
        try:
            yield
        finally:
            self.end_fill()

    def write(self, text: Any, size: float = 16) -> None:
        """Write text at the turtle's position in the pen colour."""
        self._record(["text", _round(self.x), _round(self.y), str(text), self.colour, _round(size)])

    def bgcolor(self, colour: Any) -> None:
        self.background = _colour(colour)
        self._record(["bg", self.background])

    def show_turtle(self) -> None:
        self.visible = True
        self._record(["show", True])

    def hide_turtle(self) -> None:
        self.visible = False
        self._record(["show", False])

    # -- the drawing ------------------------------------------------------------

    def drawing(self) -> dict[str, Any]:
        """The recorded drawing: what the MIME bundle carries."""
        result: dict[str, Any] = {
            "version": 1,
            "width": self.width,
            "height": self.height,
            "background": DEFAULT_BACKGROUND,
            "ops": self.ops,
        }
        if self.capped:
            result["capped"] = MAX_OPS
        return result

    def segments(self) -> list[tuple[float, float, float, float]]:
        """Every drawn line as ``(x1, y1, x2, y2)``."""
        return drawing_segments(self.drawing())

    def check(self, goal: Any, tolerance: float = 2.0) -> dict[str, Any]:
        """Compare this drawing with a goal drawing (see ``compare_drawings``)."""
        return compare_drawings(goal, self, tolerance)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        n = sum(1 for op in self.ops if op[0] == "line")
        return {
            MIME_TYPE: self.drawing(),
            "text/plain": f"<turtle drawing {self.width}×{self.height}, {n} lines>",
        }

    # -- internals ----------------------------------------------------------------

    def _go(self, x: float, y: float) -> None:
        if self.pen_is_down:
            self._record(["line", _round(x), _round(y)])
        else:
            self._record(["jump", _round(x), _round(y)])
        self.x, self.y = x, y
        if self._fill is not None:
            self._fill.append((x, y))

    def _record(self, op: list[Any]) -> None:
        self._version += 1
        if len(self.ops) >= MAX_OPS:
            self.capped = True
            return
        self.ops.append(op)

    def _attach_display(self) -> None:
        """Show the drawing once, then refresh it after every cell that drew.

        One display message per cell, never one per step: that is what made
        jbturtle slow.
        """
        shell, display = _ipython()
        if shell is None:
            return
        self._handle = display(self, display_id=True)
        self._shown_version = self._version

        def refresh(*_: Any) -> None:
            if self._handle is not None and self._version != self._shown_version:
                self._shown_version = self._version
                self._handle.update(self)

        shell.events.register("post_run_cell", refresh)

    def _display_at_end(self) -> None:
        """Show the drawing once, when the running cell ends, even if it failed.

        A block program is one cell: this sends exactly one bundle per run.
        """
        shell, display = _ipython()
        if shell is None:
            return

        def show(*_: Any) -> None:
            shell.events.unregister("post_run_cell", show)
            display(self)

        shell.events.register("post_run_cell", show)


def _ipython() -> tuple[Any, Any]:
    """The running IPython shell and its ``display``, or ``(None, None)``.

    IPython is optional: outside a kernel the turtle just records.
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None, None
    return get_ipython(), display


#: Plain turtle-module style name.
Turtle = JBTurtle


def drawing_segments(drawing: Any) -> list[tuple[float, float, float, float]]:
    """The lines of a drawing (a ``JBTurtle``, a drawing dict or a MIME bundle)."""
    if isinstance(drawing, JBTurtle):
        drawing = drawing.drawing()
    if isinstance(drawing, dict) and MIME_TYPE in drawing:
        drawing = drawing[MIME_TYPE]
    if not isinstance(drawing, dict) or not isinstance(drawing.get("ops"), list):
        raise ValueError("not a turtle drawing")
    x = drawing.get("width", 0) / 2
    y = drawing.get("height", 0) / 2
    result = []
    for op in drawing["ops"]:
        if op and op[0] in ("line", "jump"):
            nx, ny = float(op[1]), float(op[2])
            if op[0] == "line" and (nx, ny) != (x, y):
                result.append((x, y, nx, ny))
            x, y = nx, ny
    return result


def _sample(segments: Iterable[Sequence[float]], spacing: float) -> list[tuple[float, float]]:
    """Points every ``spacing`` pixels along each segment, ends included."""
    points = []
    for x1, y1, x2, y2 in segments:
        length = math.hypot(x2 - x1, y2 - y1)
        n = max(int(math.ceil(length / spacing)), 1)
        for i in range(n + 1):
            t = i / n
            points.append((x1 + (x2 - x1) * t, y1 + (y2 - y1) * t))
    return points


def _distance_to_segment(px: float, py: float, seg: Sequence[float]) -> float:
    x1, y1, x2, y2 = seg
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / length2))
    return math.hypot(px - (x1 + t * dx), py - (y1 + t * dy))


class _SegmentIndex:
    """A uniform grid over segments, so each point only meets nearby ones."""

    def __init__(self, segments: Sequence[Sequence[float]], cell: float):
        self.cell = cell
        self.grid: dict[tuple[int, int], list[int]] = {}
        self.segments = segments
        for i, (x1, y1, x2, y2) in enumerate(segments):
            for gx in range(int(min(x1, x2) // cell) - 1, int(max(x1, x2) // cell) + 2):
                for gy in range(int(min(y1, y2) // cell) - 1, int(max(y1, y2) // cell) + 2):
                    self.grid.setdefault((gx, gy), []).append(i)

    def near(self, x: float, y: float, tolerance: float) -> bool:
        key = (int(x // self.cell), int(y // self.cell))
        return any(
            _distance_to_segment(x, y, self.segments[i]) <= tolerance
            for i in self.grid.get(key, ())
        )


def _uncovered(
    points: list[tuple[float, float]], index: _SegmentIndex, tolerance: float
) -> list[tuple[float, float]]:
    return [p for p in points if not index.near(p[0], p[1], tolerance)]


def _regions(points: list[tuple[float, float]], gap: float) -> list[dict[str, float]]:
    """Group nearby points into bounding boxes: 'where it differs'."""
    boxes: list[list[float]] = []
    for x, y in points:
        for box in boxes:
            if box[0] - gap <= x <= box[2] + gap and box[1] - gap <= y <= box[3] + gap:
                box[0], box[1] = min(box[0], x), min(box[1], y)
                box[2], box[3] = max(box[2], x), max(box[3], y)
                break
        else:
            boxes.append([x, y, x, y])
    return [
        {"x": _round(b[0]), "y": _round(b[1]), "width": _round(b[2] - b[0]), "height": _round(b[3] - b[1])}
        for b in boxes
    ]


def compare_drawings(goal: Any, attempt: Any, tolerance: float = 2.0) -> dict[str, Any]:
    """Whether ``attempt`` draws the same lines as ``goal``, within ``tolerance`` pixels.

    The order of the lines, the direction each was drawn in, how they were
    split (one line of 100 or two of 50) and the speed do not matter: both
    drawings are sampled along their lines, and every sample of each must lie
    within ``tolerance`` of a line of the other.

    Returns ``{"match": bool, "missing": [...], "extra": [...]}`` where
    ``missing`` are regions of the goal the attempt does not draw and
    ``extra`` are regions the attempt draws that the goal does not, each as
    ``{"x", "y", "width", "height"}``.
    """
    goal_segments = drawing_segments(goal)
    attempt_segments = drawing_segments(attempt)
    tolerance = max(float(tolerance), 0.0)
    spacing = max(tolerance, 1.0)
    cell = max(tolerance * 4, 8.0)
    missing = _uncovered(_sample(goal_segments, spacing), _SegmentIndex(attempt_segments, cell), tolerance)
    extra = _uncovered(_sample(attempt_segments, spacing), _SegmentIndex(goal_segments, cell), tolerance)
    gap = max(tolerance * 3, 6.0)
    return {
        "match": not missing and not extra,
        "missing": _regions(missing, gap),
        "extra": _regions(extra, gap),
    }
