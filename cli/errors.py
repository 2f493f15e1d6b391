"""The command line's one error type, in a module of its own so the parser loads nothing else."""


class InputError(ValueError):
    """Bad input for the command line: the message is the one line printed on stderr."""
