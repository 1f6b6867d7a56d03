"""factquiz: a Discord bot answering and quizzing on two verified data stories."""

from importlib.metadata import PackageNotFoundError, version

try:
    # One source of truth: pyproject's version, as installed (pip install . or -e .).
    __version__ = version("factquiz")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
