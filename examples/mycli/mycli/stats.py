"""The stats command: how many numbers each file holds, and their mean."""
from numlib import mean

from mycli.readers import read_numbers


def summarize(paths):
    """One line a file, then one for all the files together when there are several."""

    def line(label, values):
        return f"{label}: n={len(values)} mean={mean(values):.2f}"

    lines = []
    every_value = []
    for path in paths:
        values = read_numbers(path)
        lines.append(line(path, values))
        every_value.extend(values)
    if len(paths) > 1:
        lines.append(line("all", every_value))
    return lines
