"""Reading the data files the commands work on."""
import csv


def read_numbers(path):
    """Every whitespace-separated number in a text file; `#` starts a comment."""
    with open(path, encoding="utf-8") as file:
        return [float(word) for line in file for word in line.split("#")[0].split()]


def read_records(path):
    """The rows of a CSV file with a header line, as dicts."""
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))
