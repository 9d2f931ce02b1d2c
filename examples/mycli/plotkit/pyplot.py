"""Text charts: about 40 ms of its own import time (time.sleep), plus plotkit."""
import time

import importlog

time.sleep(0.040)
importlog.LOADED.append(__name__)


def render(values, width=40, title=None):
    """A horizontal bar chart of values, one bar a line, longest bar `width` wide."""
    values = list(values)
    longest = max(values, default=0)
    lines = [title] if title else []
    for index, value in enumerate(values):
        bar = "#" * round(width * value / longest) if longest > 0 else ""
        lines.append(f"{index:>3} | {bar} {value:g}")
    return "\n".join(lines)
