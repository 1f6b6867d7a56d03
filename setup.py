"""The one thing pyproject.toml cannot say: ship the top-level ``data/`` (the fact files and the
map geometry, edited there by the maintainers) inside the package as ``bot/data``, beside the
packages found under ``bot/``. Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), "bot.data", "bot.data.geo"],
    package_dir={"bot.data": "data", "bot.data.geo": "data/geo"},
)
