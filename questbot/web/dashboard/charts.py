"""Charts drawn on the server: their geometry here, their SVG in ``templates/charts.html``
(no script, no inline style: the Content-Security-Policy stays strict). The drawing is 320
units wide, about a phone's width, so its words stay readable there; wider screens scale
it up to the page's width."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WIDTH = 320
LABEL_HEIGHT = 20  # a bar's label sits above it, so long step names never squeeze the bar
BAR_HEIGHT = 16
ROW = LABEL_HEIGHT + BAR_HEIGHT + 8
PLOT_HEIGHT = 140
MAX_COLUMNS = 60  # days; longer periods are drawn by week, then by month


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    shown: str  # the value as written at the bar's end
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    height: int
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT
    label_height: int = LABEL_HEIGHT


def bar_chart(title: str, items: Sequence[tuple[str, int]], total: int | None = None,
              percent: bool = False) -> BarChart:
    """One bar per item, longest for the largest (or for ``total``: a funnel's joiners);
    ``percent``: the values are percentages, out of 100."""
    top = 100 if percent else max([total or 0, *(value for _, value in items), 1])
    bars = []
    for index, (label, value) in enumerate(items):
        share = f" ({round(100 * value / total)}%)" if total and not percent else ""
        shown = f"{value}%" if percent else f"{value}{share}"
        bars.append(Bar(label[:48], value, shown, index * ROW + LABEL_HEIGHT,
                        max(1.0, (WIDTH - 90) * value / top) if value else 0.0))
    return BarChart(title, tuple(bars), max(ROW, len(bars) * ROW))


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # the class that colours it (dashboard.css)
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class ColumnChart:
    title: str
    series: tuple[Series, ...]
    ticks: tuple[tuple[float, str], ...]  # x, date label
    top: int
    width: int = WIDTH
    height: int = PLOT_HEIGHT + 44
    plot_height: int = PLOT_HEIGHT
    column_width: float = 4.0


def periods(first: date, last: date) -> tuple[list[date], int]:
    """The starts of the periods from ``first`` to ``last``, and their length in days."""
    days = (last - first).days + 1
    step = 1 if days <= MAX_COLUMNS else 7 if days <= MAX_COLUMNS * 7 else 30
    starts = [first + timedelta(days=i) for i in range(0, max(days, 1), step)]
    return starts[:400], step


def column_chart(title: str, first: date, last: date,
                 named: Sequence[tuple[str, str, Sequence[date]]]) -> ColumnChart:
    """Columns counting ``named`` series' days per period, side by side."""
    starts, step = periods(first, last)
    counts = []
    for _, _, days in named:
        tally = [0] * len(starts)
        for day in days:
            index = (day - first).days // step
            if 0 <= index < len(starts):
                tally[index] += 1
        counts.append(tally)
    top = max([1, *(n for tally in counts for n in tally)])
    slot = (WIDTH - 20) / max(len(starts), 1)
    width = max(1.0, slot / max(len(named), 1) - 1)
    series = []
    for number, ((name, css, _), tally) in enumerate(zip(named, counts, strict=True)):
        columns = tuple(
            Column(10 + i * slot + number * width, PLOT_HEIGHT - PLOT_HEIGHT * n / top,
                   PLOT_HEIGHT * n / top, n, starts[i].isoformat())
            for i, n in enumerate(tally) if n)
        series.append(Series(name, css, columns))
    picks = sorted({0, len(starts) // 2, len(starts) - 1}) if starts else []
    ticks = tuple((10 + (i + 1) * slot if i == len(starts) - 1 and i else 10 + i * slot,
                   starts[i].isoformat()) for i in picks)
    return ColumnChart(title, tuple(series), ticks, top, column_width=width)


@dataclass(frozen=True)
class LineChart:
    title: str
    points: str  # an SVG polyline's points
    ticks: tuple[tuple[float, str], ...]
    top: int
    width: int = WIDTH
    height: int = PLOT_HEIGHT + 40
    plot_height: int = PLOT_HEIGHT


def cumulative_chart(title: str, days: Sequence[date]) -> LineChart | None:
    """How many in all by each day (completions over time); None when there are none."""
    if not days:
        return None
    ordered = sorted(days)
    first, last = ordered[0], ordered[-1]
    span = max((last - first).days, 1)
    top = len(ordered)
    points = [(10.0, float(PLOT_HEIGHT))]
    for count, day in enumerate(ordered, start=1):
        x = 10 + (WIDTH - 20) * (day - first).days / span
        points.append((x, PLOT_HEIGHT - PLOT_HEIGHT * count / top))
    text = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    ticks = ((10.0, first.isoformat()), (WIDTH - 10.0, last.isoformat()))
    return LineChart(title, text, ticks, top)
