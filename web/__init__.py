"""Ereje's decision service: a thin Flask adapter over the engine's public API.

The app is built by `web.app.create_app()`. This package imports nothing, so that importing any
of its modules costs only that module and what it names.
"""
