"""Where the bundled assets (contexts, badge art, fonts) are."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def assets_dir() -> Path:
    """``QUESTBOT_ASSETS_DIR``, else the repository's assets/ beside the package, else ./assets."""
    configured = os.environ.get("QUESTBOT_ASSETS_DIR")
    candidates = [Path(configured)] if configured else []
    candidates += [Path(__file__).resolve().parents[2] / "assets", Path.cwd() / "assets"]
    for candidate in candidates:
        if (candidate / "contexts" / "index.json").is_file():
            return candidate
    raise FileNotFoundError("questbot assets not found; set QUESTBOT_ASSETS_DIR")
