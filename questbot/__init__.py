"""questbot: quests in YAML for chat communities, with verifiable Open Badges."""

__version__ = "0.1.0"
__all__ = ["__version__"]
