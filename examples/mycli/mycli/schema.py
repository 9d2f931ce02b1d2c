"""What a report holds.

Report.EMPTY is built while this module is imported, so bigframe is needed at
import time here; only the report command imports this module.
"""
import bigframe


class Report:
    """A titled summary of one table."""

    EMPTY = bigframe.DataFrame([])

    def __init__(self, title, frame=EMPTY):
        self.title = title
        self.frame = frame

    @property
    def rows(self):
        return len(self.frame)

    def summary(self):
        return self.frame.describe()
