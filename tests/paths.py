from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTS = ROOT / "quests"
ASSETS = ROOT / "questbot" / "assets"  # package data: the code finds it with importlib.resources
DATA = ROOT / "tests" / "data"
