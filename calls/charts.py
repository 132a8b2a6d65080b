"""The Overview's 14-day chart, drawn as inline SVG on the server."""
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 20, 28


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: str
    label: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    gridlines: list[tuple[float, int]]
    labels: list[tuple[float, str]]
    baseline: float
    empty: bool


def _nice_max(value: int) -> int:
    """Round ``value`` up to an axis maximum: 4, 8, 20, 40, 80, 200, …"""
    step = 1
    while True:
        for factor in (4, 8, 20):
            if value <= step * factor:
                return step * factor
        step *= 10


def daily_chart(days) -> Chart:
    """Grouped bars per day: leads received, reached and not reached."""
    series = (("leads", "leads"), ("reached", "reached"), ("not_reached", "not reached"))
    peak = max([getattr(counts, name) for _, counts in days for name, _ in series] or [0])
    top = _nice_max(max(peak, 1))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    bar_w = slot * 0.7 / len(series)

    bars, labels = [], []
    for index, (day, counts) in enumerate(days):
        x0 = LEFT + index * slot + slot * 0.15
        for offset, (name, title) in enumerate(series):
            value = getattr(counts, name)
            height = plot_h * value / top
            bars.append(Bar(
                x=round(x0 + offset * bar_w, 1), y=round(TOP + plot_h - height, 1), width=round(bar_w - 1, 1),
                height=round(height, 1), value=value, series=name, label=f"{day:%d %b}: {value} {title}",
            ))
        if (len(days) - 1 - index) % 2 == 0 or len(days) <= 7:
            labels.append((round(LEFT + index * slot + slot / 2, 1), f"{day.day} {day:%b}"))
    gridlines = [(round(TOP + plot_h - plot_h * step / 4, 1), top * step // 4) for step in range(5)]
    return Chart(WIDTH, HEIGHT, bars, gridlines, labels, TOP + plot_h, peak == 0)
