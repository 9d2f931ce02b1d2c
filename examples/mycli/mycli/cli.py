"""mycli's command line: parse the arguments, run one command, print its lines."""
import argparse
import sys

from mycli import __version__, net, plot, report, stats


def build_parser():
    parser = argparse.ArgumentParser(
        prog="mycli", description="Small tools for files of numbers and tables."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    command = commands.add_parser("stats", help="count and mean of each FILE")
    command.add_argument("files", nargs="+", metavar="FILE")
    command.set_defaults(run=lambda args: stats.summarize(args.files))

    command = commands.add_parser("report", help="summary of a CSV FILE")
    command.add_argument("file", metavar="FILE")
    command.set_defaults(
        run=lambda args: report.format_report(report.build_report(args.file))
    )

    command = commands.add_parser("plot", help="bar chart of FILE")
    command.add_argument("file", metavar="FILE")
    command.add_argument("--width", type=int, default=40, help="longest bar length")
    command.set_defaults(run=lambda args: [plot.Chart(args.file).render(args.width)])

    command = commands.add_parser("fetch", help="response to URL")
    command.add_argument("url", metavar="URL")
    command.set_defaults(run=lambda args: net.describe_response(args.url))

    command = commands.add_parser("version", help="print mycli's version")
    command.set_defaults(run=lambda args: [f"mycli {__version__}"])

    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        lines = args.run(args)
    except (OSError, ValueError) as error:
        print(f"mycli {args.command}: {error}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0
