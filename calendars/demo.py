"""Demo availability periods: filled by the calendar feature."""


def build(structures, users):
    return []
