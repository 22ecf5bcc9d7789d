from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTS = ROOT / "quests"
