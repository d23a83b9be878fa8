"""Server-side SVG line charts for pages and PDF board reports (DESIGN.md section 7: "Charts
in reports are SVG, readable in print"; issue 7 deep dive; WeasyPrint renders the same SVG).

Why hand-written SVG: no JavaScript, no external CSS (the page CSP allows no inline styles,
and WeasyPrint needs plain SVG), and full control of accessibility:

- `<svg role="img">` labelled by its `<title>` and `<desc>`; the desc says what the chart
  shows in words, and `LineChart.table()` gives every figure as a `Table` to show beside it
  (WCAG 1.1.1: a text alternative that carries the same information).
- No meaning by colour alone (WCAG 1.4.1): each series has its own line style (solid,
  dashed, dotted...) and marker shape (filled circle, hollow square...), and the legend says
  which scale (left or right) each series is read against. Black and white print still
  reads.

One or two value axes: the left axis for series with `axis="left"`, the right for
`axis="right"`. Both axes have the same number of intervals, so gridlines line up with the
tick labels on both sides. Values are Decimal or int; coordinates are computed in Decimal
and printed to 0.1 of a unit. A value of None leaves a gap in the line.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .exports import Table, slug
from .templatetags.tables import format_money

INTERVALS = 5  # gridline intervals on each value axis
FONT = "Arial, Helvetica, sans-serif"
INK = "#0b0c0c"  # GOV.UK text colour
GRID = "#b1b4b6"  # GOV.UK mid grey
_NICE_STEPS = tuple(Decimal(n) for n in ("1", "2", "2.5", "3", "4", "5", "6", "8", "10"))


def _places(value) -> int:
    """Decimal places a tick label needs: none for whole numbers, else up to two."""
    value = Decimal(value)
    return 0 if value == value.to_integral_value() else min(max(-value.normalize().as_tuple().exponent, 0), 2)


def plain_number(value) -> str:
    """12345 -> "12,345"; 2.5 -> "2.5" (labels only; tables keep exact figures)."""
    return format_money(value, _places(value))


def pounds(value) -> str:
    """1250 -> "£1,250"; −40 -> "−£40" (labels only; tables keep exact figures)."""
    text = format_money(value, _places(value))
    return f"\u2212£{text[1:]}" if text.startswith("\u2212") else f"£{text}"


@dataclass(frozen=True)
class LineStyle:
    """How one series is drawn. `dash` is an SVG stroke-dasharray ("" for a solid line);
    `marker` is circle, square, triangle or diamond; `hollow` draws the marker white inside."""

    stroke: str
    dash: str
    marker: str
    hollow: bool
    name: str  # in words, for the desc: "solid line with filled circles"


# Distinct without colour: line pattern and marker shape differ for every series.
LINE_STYLES = (
    LineStyle(INK, "", "circle", False, "solid line with filled circles"),
    LineStyle("#1d70b8", "8 5", "square", True, "dashed line with hollow squares"),
    LineStyle("#d4351c", "2 4", "triangle", False, "dotted line with filled triangles"),
    LineStyle("#00703c", "12 4 2 4", "diamond", True, "dash-dot line with hollow diamonds"),
)


@dataclass(frozen=True)
class Axis:
    """A value axis: its title (with the unit), how its tick labels read, and whether it
    starts at zero (the honest default for counts and costs)."""

    title: str
    format: Callable = plain_number
    zero_based: bool = True
    whole_numbers: bool = False  # counts: steps of 1, 2, 5, 10...


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence  # Decimal | int | None, one per category
    axis: str = "left"  # "left" or "right"
    style: LineStyle | None = None  # None: the next of LINE_STYLES


@dataclass
class LineChart:
    """A line chart over categories (months, periods) with one or two value axes.

    `categories` are the full names (tables, desc); `tick_labels` the short labels under the
    x axis, where "\\n" starts a second line (for example "Apr\\n2026", then "May").
    """

    title: str
    categories: list[str]
    series: list[Series]
    left: Axis
    right: Axis | None = None
    description: str = ""
    tick_labels: list[str] | None = None
    x_title: str = ""
    width: int = 720
    height: int = 360
    id: str = ""
    styles: list[LineStyle] = field(init=False, default_factory=list)

    def __post_init__(self):
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"{series.label}: {len(series.values)} values for {len(self.categories)} categories"
                )
            if series.axis not in ("left", "right") or (series.axis == "right" and self.right is None):
                raise ValueError(f"{series.label}: no {series.axis} axis")
        self.styles = [s.style or LINE_STYLES[i % len(LINE_STYLES)] for i, s in enumerate(self.series)]
        self.id = self.id or f"chart-{slug(self.title)}"

    def axis_of(self, series: Series) -> Axis:
        return self.right if series.axis == "right" else self.left

    def default_description(self) -> str:
        """A few sentences a screen reader can use instead of the picture."""
        if not self.categories:
            return "No figures to show."
        parts = [
            f"Line chart of {_join([s.label.lower() for s in self.series])} "
            f"from {self.categories[0]} to {self.categories[-1]}."
        ]
        for series, style in zip(self.series, self.styles, strict=True):
            fmt = self.axis_of(series).format
            known = [(c, v) for c, v in zip(self.categories, series.values, strict=True) if v is not None]
            if not known:
                parts.append(f"{series.label}: no figures.")
                continue
            low = min(known, key=lambda cv: cv[1])
            high = max(known, key=lambda cv: cv[1])
            scale = f", on the {series.axis} scale" if self.right else ""
            parts.append(
                f"{series.label} ({style.name}{scale}): {fmt(known[0][1])} at {known[0][0]}, "
                f"{fmt(known[-1][1])} at {known[-1][0]}; lowest {fmt(low[1])} at {low[0]}, "
                f"highest {fmt(high[1])} at {high[0]}."
            )
        parts.append("The figures are also given in a table.")
        return " ".join(parts)

    def table(self, *, first_column: str = "", title: str = "") -> Table:
        """Every figure of the chart as a Table (shown beside the chart and exported)."""
        columns = [first_column or self.x_title or "Period"]
        columns += [s.label for s in self.series]
        table = Table(title=title or self.title, columns=columns)
        for i, category in enumerate(self.categories):
            table.add([category, *(s.values[i] for s in self.series)])
        return table

    def svg(self) -> SafeString:
        # Safe: _render escapes every text and attribute that comes from the caller.
        return mark_safe(_render(self))  # noqa: S308

    __html__ = svg  # {{ chart }} in a template renders the SVG

    def __str__(self):
        return self.svg()


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def nice_scale(values, *, zero_based: bool = True, whole_numbers: bool = False) -> tuple[Decimal, Decimal]:
    """(low, step) such that low + INTERVALS × step covers every value, with step a round
    number (1, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten; for whole numbers at least 1 and
    never 2.5), so the ticks read as round figures and the line fills most of the height."""
    known = [Decimal(v) for v in values if v is not None]
    low, high = min(known, default=Decimal(0)), max(known, default=Decimal(0))
    if zero_based:
        low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if high <= low:  # a flat line: give it room above
        high = low + (abs(high) or Decimal(1))
    span = high - low
    exponent = (span / INTERVALS).adjusted()
    while True:
        for nice in _NICE_STEPS:
            step = nice.scaleb(exponent)
            if whole_numbers and (step < 1 or step != step.to_integral_value()):
                continue
            start = (low / step).to_integral_value(ROUND_FLOOR) * step
            if start + step * INTERVALS >= high:
                return start, step
        exponent += 1


def _n(value: Decimal) -> str:
    text = str(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return text[:-2] if text.endswith(".0") else text


def _text(x, y, content, *, anchor="start", size=13, weight=None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    position = f'x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{size}"'
    return f"<text {position}{bold}>{escape(content)}</text>"


def _marker(style: LineStyle, x: Decimal, y: Decimal, size: Decimal = Decimal(4)) -> str:
    fill = "#ffffff" if style.hollow else style.stroke
    common = f'fill="{fill}" stroke="{style.stroke}" stroke-width="2"'
    if style.marker == "square":
        box = f'x="{_n(x - size)}" y="{_n(y - size)}" width="{_n(size * 2)}" height="{_n(size * 2)}"'
        return f"<rect {box} {common}/>"
    if style.marker == "triangle":
        points = [(x, y - size - 1), (x + size + 1, y + size), (x - size - 1, y + size)]
        return f'<polygon points="{" ".join(f"{_n(px)},{_n(py)}" for px, py in points)}" {common}/>'
    if style.marker == "diamond":
        d = size + 1
        points = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
        return f'<polygon points="{" ".join(f"{_n(px)},{_n(py)}" for px, py in points)}" {common}/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}" {common}/>'


def _stroke(style: LineStyle) -> str:
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    return f'fill="none" stroke="{style.stroke}" stroke-width="2.5"{dash}'


def _render(chart: LineChart) -> str:
    width, height = Decimal(chart.width), Decimal(chart.height)
    legend_row = Decimal(20)
    top = Decimal(12) + legend_row * len(chart.series) + Decimal(30)
    left_edge, right_edge = Decimal(72), Decimal(80 if chart.right else 24)
    bottom = Decimal(52 if chart.x_title else 40)
    x0, x1, y0, y1 = left_edge, width - right_edge, top, height - bottom
    count = max(len(chart.categories), 1)
    band = (x1 - x0) / count

    def x_at(i: int) -> Decimal:
        return x0 + band * i + band / 2

    scales = {}
    for name, axis in (("left", chart.left), ("right", chart.right)):
        if axis is None:
            continue
        values = [v for s in chart.series if s.axis == name for v in s.values]
        scales[name] = nice_scale(values, zero_based=axis.zero_based, whole_numbers=axis.whole_numbers)

    def y_at(axis: str, value) -> Decimal:
        low, step = scales[axis]
        return y1 - (Decimal(value) - low) / (step * INTERVALS) * (y1 - y0)

    title_id, desc_id = f"{chart.id}-title", f"{chart.id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="app-chart" id="{escape(chart.id)}" '
        f'width="{chart.width}" height="{chart.height}" viewBox="0 0 {chart.width} {chart.height}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}">',
        f'<title id="{escape(title_id)}">{escape(chart.title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(chart.description or chart.default_description())}</desc>',
        f'<rect x="0" y="0" width="{chart.width}" height="{chart.height}" fill="#ffffff"/>',
        f'<g font-family="{FONT}" fill="{INK}">',
    ]
    # Legend: one row per series, with its line style, marker and scale.
    for i, (series, style) in enumerate(zip(chart.series, chart.styles, strict=True)):
        y = Decimal(12) + legend_row * i + legend_row / 2
        out.append(f'<path d="M{_n(x0)} {_n(y)} H{_n(x0 + 36)}" {_stroke(style)}/>')
        out.append(_marker(style, x0 + 18, y))
        scale = f" (read against the {series.axis} scale)" if chart.right else ""
        out.append(_text(x0 + 46, y + 4, f"{series.label}{scale}"))
    # Gridlines and tick labels: both axes share the INTERVALS gridlines.
    out.append(f'<g stroke="{GRID}" stroke-width="1">')
    for k in range(INTERVALS + 1):
        y = y1 - (y1 - y0) * k / INTERVALS
        out.append(f'<path d="M{_n(x0)} {_n(y)} H{_n(x1)}"/>')
    out.append("</g>")
    for name, axis in (("left", chart.left), ("right", chart.right)):
        if axis is None:
            continue
        low, step = scales[name]
        for k in range(INTERVALS + 1):
            y = y1 - (y1 - y0) * k / INTERVALS
            label = axis.format(low + step * k)
            if name == "left":
                out.append(_text(x0 - 8, y + 4, label, anchor="end", size=12))
            else:
                out.append(_text(x1 + 8, y + 4, label, size=12))
        if name == "left":
            out.append(_text(8, y0 - 14, axis.title, size=12, weight="bold"))
        else:
            out.append(_text(width - 8, y0 - 14, axis.title, anchor="end", size=12, weight="bold"))
    # Axes.
    axes = f"M{_n(x0)} {_n(y0)} V{_n(y1)} H{_n(x1)}"
    if chart.right:
        axes += f" V{_n(y0)}"
    out.append(f'<path d="{axes}" fill="none" stroke="{INK}" stroke-width="1"/>')
    # Category labels under the x axis; "\n" starts a second line.
    for i, label in enumerate(chart.tick_labels or chart.categories):
        x = x_at(i)
        out.append(f'<path d="M{_n(x)} {_n(y1)} V{_n(y1 + 5)}" stroke="{INK}" stroke-width="1"/>')
        lines = str(label).split("\n")
        spans = "".join(
            f'<tspan x="{_n(x)}" dy="{0 if j == 0 else 14}">{escape(line)}</tspan>'
            for j, line in enumerate(lines)
        )
        out.append(f'<text x="{_n(x)}" y="{_n(y1 + 19)}" text-anchor="middle" font-size="12">{spans}</text>')
    if chart.x_title:
        out.append(_text((x0 + x1) / 2, height - 6, chart.x_title, anchor="middle", size=12, weight="bold"))
    # The series: one path each (a gap where a value is None), then a marker per point.
    for series, style in zip(chart.series, chart.styles, strict=True):
        commands, pen_down = [], False
        points = []
        for i, value in enumerate(series.values):
            if value is None:
                pen_down = False
                continue
            x, y = x_at(i), y_at(series.axis, value)
            commands.append(f"{'L' if pen_down else 'M'}{_n(x)} {_n(y)}")
            points.append((x, y))
            pen_down = True
        label = escape(series.label)
        out.append(f'<g class="app-chart__series" data-series="{label}">')
        if commands:
            out.append(f'<path d="{" ".join(commands)}" {_stroke(style)} stroke-linejoin="round"/>')
        out.extend(_marker(style, x, y) for x, y in points)
        out.append("</g>")
    out.append("</g></svg>")
    return "\n".join(out)
