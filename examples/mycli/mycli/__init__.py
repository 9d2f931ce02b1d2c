"""mycli: small tools for files of numbers and tables."""

__version__ = "0.3.0"
