"""Demo offers: filled by the offers feature."""


def build(structures, users):
    return []


def generate(count):
    """Bulk-generate `count` offers for benchmarks: filled by the offers feature."""
    raise NotImplementedError("Generated offers arrive with the offers feature.")
