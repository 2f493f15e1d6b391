"""The `shipshape` command line: builds snapshots from git or files and runs the pure engine."""

# The distribution's version: pyproject.toml reads it from here when building, and `--version`
# and SARIF's tool record print it (no importlib.metadata at start-up).
__version__ = "0.1.0"
