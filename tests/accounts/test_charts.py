"""The SVG line chart: accessible (title, desc, role), one path per series with a point per
known value, both scales, no meaning by colour alone, and plain SVG WeasyPrint can read."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from accounts.charts import LINE_STYLES, Axis, LineChart, Series, nice_scale, pounds

NS = {"svg": "http://www.w3.org/2000/svg"}
MONTHS = ["30 Apr 2026", "31 May 2026", "30 Jun 2026", "31 Jul 2026"]


def two_series_chart(**overrides) -> LineChart:
    values = {
        "title": "Residential packages: number and average weekly cost",
        "categories": MONTHS,
        "tick_labels": ["Apr\n2026", "May", "Jun", "Jul"],
        "series": [
            Series("Packages", [10, 11, None, 13]),
            Series(
                "Average weekly cost",
                [Decimal("1000"), Decimal("1010.50"), Decimal("1020"), None],
                axis="right",
            ),
        ],
        "left": Axis("Packages", whole_numbers=True),
        "right": Axis("Average weekly cost (£)", format=pounds),
        "x_title": "Month end",
        "id": "trend",
    }
    return LineChart(**(values | overrides))


def parse(chart: LineChart) -> ET.Element:
    return ET.fromstring(str(chart.svg()))  # noqa: S314 (our own output, not untrusted input)


def series_groups(root):
    return root.findall(".//svg:g[@class='app-chart__series']", NS)


def path_points(group) -> list[list[tuple[float, float]]]:
    """The path of a series as its runs of points (a gap starts a new run)."""
    d = group.find("svg:path", NS).get("d")
    runs = []
    for command, x, y in re.findall(r"([ML])([\d.]+) ([\d.]+)", d):
        if command == "M":
            runs.append([])
        runs[-1].append((float(x), float(y)))
    return runs


def test_svg_is_labelled_by_its_title_and_desc():
    root = parse(two_series_chart())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "trend-title trend-desc"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert (
        title.get("id") == "trend-title"
        and title.text == "Residential packages: number and average weekly cost"
    )
    assert desc.get("id") == "trend-desc"
    # The default description reads the figures in words, with each line's style and scale.
    assert "Packages (solid line with filled circles, on the left scale): 10 at 30 Apr 2026" in desc.text
    assert "13 at 31 Jul 2026" in desc.text
    assert "Average weekly cost (dashed line with hollow squares, on the right scale): £1,000" in desc.text
    assert "highest £1,020 at 30 Jun 2026" in desc.text


def test_a_given_description_is_used():
    root = parse(two_series_chart(description="Numbers rose; cost held."))
    assert root.find("svg:desc", NS).text == "Numbers rose; cost held."


def test_one_path_per_series_with_a_point_per_known_value():
    root = parse(two_series_chart())
    packages, cost = series_groups(root)
    assert packages.get("data-series") == "Packages"
    # 10, 11, gap, 13: two runs, three points, three markers.
    assert [len(run) for run in path_points(packages)] == [2, 1]
    assert len(packages.findall("svg:circle", NS)) == 3
    assert [len(run) for run in path_points(cost)] == [3]
    assert len(cost.findall("svg:rect", NS)) == 3


def test_points_sit_on_their_scales():
    root = parse(two_series_chart())
    (first_run, last_run), (cost_run,) = (path_points(g) for g in series_groups(root))
    # Left scale 0..15 (steps of 3), right scale £0..£1,250: higher values are higher up.
    assert first_run[0][1] > first_run[1][1] > last_run[0][1]
    assert cost_run[0][1] > cost_run[2][1]
    # The x positions are the category centres, the same for both series.
    assert [x for x, _ in first_run] == [x for x, _ in cost_run[:2]]
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text]
    assert "15" in labels and "£1,250" in labels and "£0" in labels


def test_series_differ_by_line_style_and_marker_not_only_colour():
    root = parse(two_series_chart())
    packages, cost = (g.find("svg:path", NS) for g in series_groups(root))
    assert packages.get("stroke-dasharray") is None
    assert cost.get("stroke-dasharray") == "8 5"
    styles = {(s.dash, s.marker, s.hollow) for s in LINE_STYLES}
    assert len(styles) == len(LINE_STYLES)


def test_no_style_attributes_or_scripts():
    """Plain SVG with presentation attributes: the page CSP allows no inline style, and
    WeasyPrint needs no external CSS."""
    svg = str(two_series_chart().svg())
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    assert "\n" in svg and 'font-family="Arial' in svg


def test_text_is_escaped():
    chart = two_series_chart(
        title='Costs <b>&</b> "numbers"', series=[Series("A & B", [1, 2, 3, 4])], right=None
    )
    root = parse(chart)
    assert root.find("svg:title", NS).text == 'Costs <b>&</b> "numbers"'
    assert series_groups(root)[0].get("data-series") == "A & B"


def test_multi_line_tick_labels():
    root = parse(two_series_chart())
    first = next(
        t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.find("svg:tspan", NS) is not None
    )
    assert [span.text for span in first.findall("svg:tspan", NS)] == ["Apr", "2026"]


def test_the_table_gives_every_figure():
    table = two_series_chart().table(first_column="Month end")
    assert table.columns == ["Month end", "Packages", "Average weekly cost"]
    assert table.rows[2].cells == ["30 Jun 2026", None, Decimal("1020")]
    assert len(table.rows) == 4


def test_series_must_match_categories_and_axes():
    with pytest.raises(ValueError, match="3 values for 4 categories"):
        two_series_chart(series=[Series("Packages", [1, 2, 3])])
    with pytest.raises(ValueError, match="no right axis"):
        two_series_chart(series=[Series("Cost", [1, 2, 3, 4], axis="right")], right=None)


def test_empty_and_flat_charts_still_draw():
    empty = parse(
        two_series_chart(categories=[], tick_labels=[], series=[Series("Packages", [])], right=None)
    )
    assert empty.find("svg:desc", NS).text == "No figures to show."
    flat = parse(two_series_chart(series=[Series("Packages", [0, 0, 0, 0])], right=None))
    assert [len(run) for run in path_points(series_groups(flat)[0])] == [4]


@pytest.mark.parametrize(
    ("values", "whole", "expected"),
    [
        ([13], True, (Decimal(0), Decimal(3))),
        ([1030], False, (Decimal(0), Decimal(250))),
        ([97, 101], False, (Decimal(0), Decimal(25))),
        ([0, 0], True, (Decimal(0), Decimal(1))),
        ([Decimal("0.3")], False, (Decimal(0), Decimal("0.06"))),
    ],
)
def test_nice_scale(values, whole, expected):
    low, step = nice_scale(values, whole_numbers=whole)
    assert (low, step) == expected
    assert low + step * 5 >= max(values)


def test_nice_scale_not_from_zero():
    low, step = nice_scale([940, 1010], zero_based=False)
    assert low <= 940 and low + step * 5 >= 1010 and step == 20


def test_weasyprint_renders_it():
    from weasyprint import HTML

    pdf = HTML(string=f"<html><body>{two_series_chart().svg()}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF")
