"""Every mycli command, run through mycli.cli.main as the command line would."""
import contextlib
import io
import json
import sys
import unittest
from pathlib import Path

import importlog
import mycli
from mycli.cli import main

DATA = Path(__file__).parent / "data"


def run(*argv):
    """mycli's exit code, standard output and standard error for one command line."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([str(arg) for arg in argv])
    return code, stdout.getvalue(), stderr.getvalue()


class CommandTestCase(unittest.TestCase):
    def assertLoaded(self, module):
        """The heavy library has run its module body and stays imported."""
        self.assertIn(module, sys.modules)
        self.assertIn(module, importlog.LOADED)


class ImportTest(unittest.TestCase):
    def test_cli_imports(self):
        import mycli.cli

        self.assertTrue(callable(mycli.cli.main))

    def test_help_lists_every_command(self):
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            with self.assertRaises(SystemExit) as raised:
                main(["--help"])
        self.assertEqual(raised.exception.code, 0)
        for command in ("stats", "report", "plot", "fetch", "version"):
            self.assertIn(command, stdout.getvalue())


class StatsTest(CommandTestCase):
    def test_one_file(self):
        path = DATA / "numbers.txt"
        self.assertEqual(run("stats", path), (0, f"{path}: n=8 mean=3.88\n", ""))
        self.assertLoaded("numlib")

    def test_several_files_add_a_total(self):
        code, stdout, _ = run("stats", DATA / "numbers.txt", DATA / "more.txt")
        self.assertEqual(code, 0)
        self.assertEqual(stdout.splitlines()[-1], "all: n=11 mean=8.27")

    def test_missing_file_is_an_error(self):
        code, stdout, stderr = run("stats", DATA / "missing.txt")
        self.assertEqual((code, stdout), (1, ""))
        self.assertIn("No such file", stderr)


class ReportTest(CommandTestCase):
    def test_numeric_columns_are_summarized(self):
        path = DATA / "sales.csv"
        code, stdout, _ = run("report", path)
        self.assertEqual(code, 0)
        self.assertEqual(
            stdout.splitlines(),
            [
                f"{path}: 4 rows",
                "column         count      mean       std       min       max",
                "price           4.00      2.75      0.90      1.50      4.00",
                "units           4.00      6.00      2.74      3.00     10.00",
            ],
        )
        self.assertLoaded("bigframe")
        self.assertLoaded("numlib")

    def test_table_without_rows(self):
        path = DATA / "header_only.csv"
        self.assertEqual(run("report", path), (0, f"{path}: 0 rows\n", ""))

    def test_report_defaults_to_an_empty_frame(self):
        from mycli.schema import Report

        report = Report("nothing")
        self.assertEqual((report.rows, report.summary()), (0, {}))


class PlotTest(CommandTestCase):
    def test_bars_scale_to_the_width(self):
        code, stdout, _ = run("plot", "--width", "10", DATA / "more.txt")
        self.assertEqual(code, 0)
        self.assertEqual(
            stdout.splitlines(),
            [
                "more.txt (mean 20)",
                "  0 | ### 10",
                "  1 | ####### 20",
                "  2 | ########## 30",
            ],
        )
        self.assertLoaded("plotkit.pyplot")

    def test_default_width(self):
        code, stdout, _ = run("plot", DATA / "numbers.txt")
        self.assertEqual(code, 0)
        self.assertIn("  5 | " + "#" * 40 + " 9", stdout.splitlines())


class FetchTest(CommandTestCase):
    def test_status_and_body(self):
        code, stdout, _ = run("fetch", "https://example.com/api/items")
        status, body = stdout.splitlines()
        self.assertEqual((code, status), (0, "200 https://example.com/api/items"))
        self.assertEqual(json.loads(body), {"ok": True, "path": "/api/items"})
        self.assertLoaded("netclient")

    def test_not_a_url(self):
        code, _, stderr = run("fetch", "ftp://example.com")
        self.assertEqual(code, 1)
        self.assertIn("not an http(s) URL", stderr)


class VersionTest(unittest.TestCase):
    def test_version(self):
        self.assertEqual(run("version"), (0, f"mycli {mycli.__version__}\n", ""))


if __name__ == "__main__":
    unittest.main()
