"""Publishing one report three ways: check run, sticky checklist comment, size label."""

from __future__ import annotations


def cut_text(text: str, limit: int, what: str) -> str:
    """Keep `text` within `limit` characters, cutting at a line end and saying what was cut."""
    if len(text) <= limit:
        return text
    note_for = (f"\n\n… {{n}} more characters of this {what} were cut to stay within GitHub's "
                f"{limit:,}-character limit.\n")
    room = limit - len(note_for.format(n=len(text)))
    kept = text[:room]
    newline = kept.rfind("\n")
    if newline > room // 2:
        kept = kept[:newline]
    return kept + note_for.format(n=len(text) - len(kept))
