"""The web app (`multivector serve`): a JSON API at /api/v1 and server-rendered pages over the library.

A thin adapter: every number comes from `multivector.kb`, `.measures`, `.model`,
`.evaluate` and `.negotiation`; this package only validates requests, runs
scenarios in a bounded pool of worker processes and caches their results on disk.
"""

from .app import create_app

__all__ = ["create_app"]
