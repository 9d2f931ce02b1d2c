"""The report command: count, mean, std, min and max of each numeric CSV column."""
import bigframe as bf

from mycli.readers import read_records

STATISTICS = ("count", "mean", "std", "min", "max")


def build_report(path):
    # schema needs bigframe while it is imported, so only this command imports it
    from mycli.schema import Report

    return Report(path, bf.DataFrame(read_records(path)))


def format_report(report):
    lines = [f"{report.title}: {report.rows} rows"]
    summary = report.summary()
    if summary:
        header = "".join(f"{name:>10}" for name in STATISTICS)
        lines.append(f"{'column':<10}{header}")
        for column, values in summary.items():
            cells = "".join(f"{values[name]:>10.2f}" for name in STATISTICS)
            lines.append(f"{column:<10}{cells}")
    return lines
