"""A pandas-like stand-in: about 120 ms of its own import time (time.sleep),
on top of numlib, which it needs while it is being imported.
"""
import time

import importlog
import numlib

time.sleep(0.120)
importlog.LOADED.append(__name__)


class Series(numlib.Array):
    """One named column of numbers."""

    def __init__(self, name, values):
        super().__init__(numlib.array(values))
        self.name = name


class DataFrame:
    """Rows of records, stored column by column."""

    def __init__(self, records):
        records = list(records)
        self.columns = list(records[0]) if records else []
        self._data = {
            name: [record[name] for record in records] for name in self.columns
        }

    def __len__(self):
        return len(self._data[self.columns[0]]) if self.columns else 0

    def numeric_columns(self):
        return [
            name
            for name in self.columns
            if all(_is_number(value) for value in self._data[name])
        ]

    def describe(self):
        """Count, mean, std, min and max of every numeric column."""
        summary = {}
        for name in self.numeric_columns():
            series = Series(name, self._data[name])
            summary[name] = {
                "count": len(series),
                "mean": series.mean(),
                "std": series.std(),
                "min": min(series),
                "max": max(series),
            }
        return summary


def _is_number(value):
    try:
        float(value)
    except ValueError:
        return False
    return True
