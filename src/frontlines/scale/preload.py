"""What the fork server of a run's worker processes loads once, before it forks them: spaCy and the default
language model. Each worker then shares those pages with the others instead of loading its own copy (the
model is loaded once per process either way: :func:`frontlines.understand.language.load_model` is cached).

Nothing here may fail the fork server: a missing model is reported by the worker that needs it."""
from __future__ import annotations

try:
    from frontlines.understand.language import DEFAULT_MODEL, DEFAULT_PIPES, load_model

    load_model(DEFAULT_MODEL, DEFAULT_PIPES)
    import frontlines.pipeline  # noqa: F401  the pipeline's own modules
    import frontlines.understand.places.gazetteer  # noqa: F401
except Exception:  # noqa: BLE001 - the worker loads (and reports) what it needs
    pass
else:
    import gc

    gc.collect()
    gc.freeze()   # what is loaded stays out of the collector's sight: a worker's collections do not touch (and
    # so copy) the pages it shares with the others
