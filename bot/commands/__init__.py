"""Slash commands in PR comments: grammar (pure), who may run what, the waiver records the App
writes, and the handler that runs a `command` job. One job per module."""
