"""The web app and JSON API over a store (``frontlines serve``)."""
from __future__ import annotations

from frontlines.serve.app import create_app

__all__ = ["create_app"]
