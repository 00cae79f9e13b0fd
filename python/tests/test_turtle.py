"""The jbturtle-compatible turtle module: geometry, colours, drawings and the exercise check."""

import json
import math

import nbformat
import pytest
from nbclient import NotebookClient

from ltilab import turtle as turtle_module
from ltilab.turtle import MIME_TYPE, JBTurtle, compare_drawings, hsv_to_rgb


def new(width=600, height=600):
    return JBTurtle(width, height, display=False)


def close(a, b, eps=1e-6):
    return all(abs(x - y) <= eps for x, y in zip(a, b))


class TestGeometry:
    def test_starts_at_the_centre_facing_plus_x_with_the_pen_down(self):
        t = new(400, 300)
        t.forward(100)
        assert t.segments() == [(200, 150, 300, 150)]

    def test_turn_right_is_clockwise_on_screen(self):
        t = new()
        t.turn_right(90)
        t.forward(50)
        # y points down: clockwise from +x faces down the screen.
        assert close(t.segments()[0], (300, 300, 300, 350))

    def test_turn_left_and_backward(self):
        t = new()
        t.turn_left(90)
        t.forward(50)
        t.backward(20)
        assert close(t.segments()[0], (300, 300, 300, 250))
        assert close(t.segments()[1], (300, 250, 300, 270))
        assert t.heading == 270

    def test_move_takes_absolute_coordinates_and_keeps_the_heading(self):
        t = new()
        t.turn_right(30)
        t.move(10, 20)
        assert t.segments() == [(300, 300, 10, 20)]
        assert t.heading == 30

    def test_pen_up_moves_without_drawing(self):
        t = new()
        t.pen_up()
        t.forward(100)
        t.pen_down()
        t.forward(100)
        assert t.segments() == [(400, 300, 500, 300)]

    def test_heading_wraps_and_home_returns(self):
        t = new()
        t.turn_right(450)
        assert t.heading == 90
        t.set_heading(-90)
        assert t.heading == 270
        t.pen_up()
        t.forward(80)
        t.home()
        assert (t.x, t.y, t.heading) == (300, 300, 0)

    def test_circle_closes_and_has_the_radius(self):
        t = new()
        t.circle(50)
        assert close((t.x, t.y), (300, 300), 1e-6)
        ys = [s[3] for s in t.segments()]
        # A right-turning circle of radius 50 from (300, 300) facing +x is
        # centred at (300, 350): it spans y from 300 to 400.
        assert max(ys) == pytest.approx(400, abs=0.5)
        assert min(ys) == pytest.approx(300, abs=0.5)

    def test_speed_and_width_have_a_minimum_of_one(self):
        t = new()
        t.speed(0)
        t.line_width(-3)
        assert (t.pen_speed, t.pen_width) == (1, 1)

    def test_fill_text_background_and_visibility_are_recorded(self):
        t = new()
        t.fill_color("red")
        t.begin_fill()
        for _ in range(3):
            t.forward(60)
            t.turn_right(120)
        t.end_fill()
        t.write("こんにちは")
        t.bgcolor((0, 0, 32))
        t.hide_turtle()
        kinds = [op[0] for op in t.ops]
        assert "fill" in kinds and "text" in kinds and "bg" in kinds and "show" in kinds
        fill = next(op for op in t.ops if op[0] == "fill")
        assert fill[1] == "#ff0000" and len(fill[2]) == 4

    def test_filling_fills_what_the_with_block_draws_even_on_error(self):
        t = new()
        with t.filling("#00ff00"):
            t.forward(40)
            t.turn_right(90)
            t.forward(40)
        assert t.ops[-1] == ["fill", "#00ff00", [[300, 300], [340, 300], [340, 340]]]
        with pytest.raises(ZeroDivisionError):
            with t.filling():
                t.forward(10)
                t.turn_right(90)
                t.forward(10)
                1 / 0
        assert t.ops[-1][0] == "fill" and t._fill is None


class TestColours:
    @pytest.mark.parametrize(
        "value,expected",
        [("#FF8800", "#ff8800"), ("#f80", "#ff8800"), ((1, 2, 3), "#010203"), ("blue", "#0000ff")],
    )
    def test_line_color_accepts_pillow_style_colours(self, value, expected):
        t = new()
        t.line_color(value)
        assert t.colour == expected

    def test_a_bad_colour_is_a_clear_error(self):
        with pytest.raises(ValueError, match="not a colour"):
            new().line_color("#12345z")

    @pytest.mark.parametrize(
        "h,expected",
        [(0, (255, 0, 0)), (120, (0, 255, 0)), (240, (0, 0, 255)), (300, (255, 0, 255)),
         (305, (255, 0, 233)), (330, (255, 0, 127)), (359, (255, 0, 4)), (360, (255, 0, 0)), (-60, (255, 0, 255))],
    )
    def test_hsv_is_right_for_every_hue(self, h, expected):
        # The predecessor divided hues >= 300 by 50, so blue left 0..255 there.
        assert hsv_to_rgb(h, 1, 1) == expected

    def test_hsv_clamps_saturation_and_value(self):
        assert hsv_to_rgb(0, 2, -1) == (0, 0, 0)
        assert hsv_to_rgb(0, -1, 1) == (255, 255, 255)


def square(t, side=100, clockwise=True):
    for _ in range(4):
        t.forward(side)
        (t.turn_right if clockwise else t.turn_left)(90)


class TestCompare:
    def test_the_same_figure_in_another_order_and_direction_matches(self):
        goal = new()
        square(goal)
        attempt = new()
        # The same square from the opposite corner, every side reversed.
        attempt.pen_up()
        attempt.move(400, 400)
        attempt.pen_down()
        attempt.set_heading(270)
        square(attempt, clockwise=False)
        reversed_goal = sorted((x2, y2, x1, y1) for x1, y1, x2, y2 in goal.segments())
        assert sorted(attempt.segments()) == reversed_goal
        assert attempt.segments()[0] != goal.segments()[0]
        result = compare_drawings(goal, attempt)
        assert result == {"match": True, "missing": [], "extra": []}

    def test_split_lines_and_speed_do_not_matter(self):
        goal = new()
        goal.forward(100)
        attempt = new()
        attempt.speed(10)
        attempt.forward(50)
        attempt.speed(1)
        attempt.forward(50)
        assert compare_drawings(goal, attempt)["match"]

    def test_a_one_pixel_error_within_tolerance_matches(self):
        goal = new()
        square(goal)
        attempt = new()
        attempt.pen_up()
        attempt.move(301, 300)
        attempt.pen_down()
        square(attempt)
        assert compare_drawings(goal, attempt, tolerance=2)["match"]
        assert not compare_drawings(goal, attempt, tolerance=0.5)["match"]

    def test_a_missing_side_differs_and_says_where(self):
        goal = new()
        square(goal)
        attempt = new()
        for _ in range(3):
            attempt.forward(100)
            attempt.turn_right(90)
        result = compare_drawings(goal, attempt)
        assert not result["match"]
        assert result["extra"] == []
        (region,) = result["missing"]
        # The fourth side runs from (300, 400) up to (300, 300).
        assert region["x"] == pytest.approx(300, abs=2)
        assert region["width"] <= 2
        assert region["height"] >= 90

    def test_an_extra_line_differs(self):
        goal = new()
        goal.forward(100)
        attempt = new()
        attempt.forward(100)
        attempt.turn_right(90)
        attempt.forward(40)
        result = compare_drawings(goal, attempt)
        assert not result["match"] and result["missing"] == [] and len(result["extra"]) == 1

    def test_accepts_bundles_and_dicts(self):
        goal = new()
        square(goal)
        bundle = goal._repr_mimebundle_()
        assert compare_drawings(bundle, json.loads(json.dumps(goal.drawing())))["match"]
        with pytest.raises(ValueError, match="not a turtle drawing"):
            compare_drawings({"text/plain": "x"}, goal)


class TestDrawing:
    def test_the_bundle_is_small_json(self):
        t = new()
        for i in range(72):
            t.forward(150)
            t.turn_right(175)
        bundle = t._repr_mimebundle_()
        data = json.dumps(bundle[MIME_TYPE], separators=(",", ":"))
        assert json.loads(data)["version"] == 1
        assert bundle["text/plain"].endswith("72 lines>")
        # One message for the whole figure, a few bytes a line (jbturtle sent
        # a PNG for every animation frame).
        assert len(data) < 72 * 40

    def test_a_huge_drawing_is_capped(self, monkeypatch):
        monkeypatch.setattr(turtle_module, "MAX_OPS", 100)
        t = new()
        for _ in range(150):
            t.forward(1)
        assert len(t.ops) == 100
        assert t.drawing()["capped"] == 100


def test_a_jbturtle_notebook_runs_on_a_real_kernel_with_the_import_changed():
    """jbturtle code, with only the import line changed, in real ipykernel."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from ltilab.turtle import *\n"
            "turtle = JBTurtle(400, 300)\n"
            "turtle.speed(5)\n"
            "for i in range(36):\n"
            "    turtle.line_hsv(i * 10, 0.45, 0.65)\n"
            "    turtle.forward(100)\n"
            "    turtle.turn_right(170)\n"
        ),
        nbformat.v4.new_code_cell("turtle.pen_up()\nturtle.move(10, 10)\nturtle.pen_down()\nturtle.forward(5)\n"),
    ]
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    displays = [o for o in outputs if o.output_type == "display_data"]
    # One display, updated in place after each cell: no stream of images.
    assert len(displays) == 1
    drawing = displays[0].data[MIME_TYPE]
    assert (drawing["width"], drawing["height"]) == (400, 300)
    lines = [op for op in drawing["ops"] if op[0] == "line"]
    assert len(lines) == 37  # 36 from the first cell, 1 from the second
    assert not any(o.output_type == "display_data" for o in nb.cells[1].outputs)
    assert math.isclose(lines[0][1], 300) and math.isclose(lines[0][2], 150)


def test_display_at_end_sends_one_bundle_when_the_cell_ends_even_if_it_fails():
    """Block programs create their turtle with display="end"."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from ltilab.turtle import JBTurtle\n"
            "t = JBTurtle(200, 100, display='end')\n"
            "for i in range(10):\n"
            "    t.forward(10)\n"
            "print('drawn')\n"
        ),
        nbformat.v4.new_code_cell("t = JBTurtle(200, 100, display='end')\nt.forward(20)\n1 / 0\n"),
        nbformat.v4.new_code_cell("print('no turtle here')"),
    ]
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True).execute()
    first, failed, after = (cell.outputs for cell in nb.cells)
    # The bundle comes after the program's own output, once.
    assert [o.output_type for o in first] == ["stream", "display_data"]
    assert len([op for op in first[1].data[MIME_TYPE]["ops"] if op[0] == "line"]) == 10
    displays = [o for o in failed if o.output_type == "display_data"]
    assert len(displays) == 1 and any(o.output_type == "error" for o in failed)
    assert displays[0].data[MIME_TYPE]["ops"] == [["line", 120, 50]]
    # The hook is gone: a later cell shows nothing more.
    assert [o.output_type for o in after] == ["stream"]
