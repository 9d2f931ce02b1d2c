"""A numpy-like stand-in: about 80 ms of its own import time (time.sleep)."""
import time

import importlog

time.sleep(0.080)
importlog.LOADED.append(__name__)


class Array(list):
    """A list of floats that knows a few statistics about itself."""

    def mean(self):
        return mean(self)

    def std(self):
        return std(self)


def array(values):
    return Array(float(value) for value in values)


def mean(values):
    values = list(values)
    if not values:
        raise ValueError("mean of an empty sequence")
    return sum(values) / len(values)


def std(values):
    """Population standard deviation."""
    values = list(values)
    centre = mean(values)
    return (sum((value - centre) ** 2 for value in values) / len(values)) ** 0.5
