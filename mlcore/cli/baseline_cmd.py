"""`podium baseline`: train, predict, verify and publish baseline bundles.

The commands live in `mlcore.dl.cli` (also runnable as ``python -m mlcore.dl``); this module only
registers them with the podium CLI. Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

from mlcore.dl.cli import register

__all__ = ["register"]
