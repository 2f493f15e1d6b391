"""The `shipshape` command line: builds snapshots from git or files and runs the pure engine."""
