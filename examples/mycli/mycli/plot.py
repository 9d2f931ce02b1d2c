"""The plot command: a bar chart of the numbers in a file."""
import os, numlib
import plotkit.pyplot as plt

from mycli.readers import read_numbers


class Chart:
    """The numbers of one file, ready to draw."""

    def __init__(self, path):
        self.path = path
        self.values = numlib.array(read_numbers(path))

    def render(self, width):
        title = f"{os.path.basename(self.path)} (mean {self.values.mean():g})"
        return plt.render(self.values, width=width, title=title)
