"""The base of an adapter's settings: a pydantic model of its ``[NAME]`` section.

The core reads the section from the TOML file and the ``QUESTBOT_NAME_FIELD`` variables,
validates it with the model and names the variable or key of any error. Tuple fields take a
comma-separated list from a variable; ``SecretStr`` fields are redacted from every log line
and never echoed in an error. A check across fields raises ``ValueError(problem(field,
...))`` so the error still names the setting."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

PROBLEM_SEPARATOR = " :: "


class AdapterSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def problem(field: str, message: str) -> str:
    """A cross-field problem's text, naming the field it is reported against."""
    return f"{field}{PROBLEM_SEPARATOR}{message}"
