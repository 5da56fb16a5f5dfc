"""The review tools above the core: editions diffed, impact on a corpus, review bundles,
stability, traceability, legal monitoring (`lint/`) and the exact diff on a solver
(`symbolic/`). They take the core's objects as arguments and may import the core, never the
command line (`engine.cli`) or the service (`web`)."""
