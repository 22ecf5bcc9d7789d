"""Credit and level: what a badge or a pathway is worth in a qualifications framework.

``credit: {points: 10, framework: SCQF}`` and ``level: {framework: SCQF, level: 7}``. The
frameworks questbot knows (SCQF, EQF, ECTS) need no more; any other is named with the URL
of its own description, so a reader (and a verifier) can look the level up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from questbot.catalog.fields import ShortText, Strict, Url

MAX_CREDIT_POINTS = 1000  # a whole degree is 480 SCQF points; more is a typing mistake
MAX_LEVEL = 100


@dataclass(frozen=True, slots=True)
class Framework:
    name: str  # its full name, as a credential states it
    url: str
    levels: int  # its levels are 1 to this; 0: a credit scale without levels


FRAMEWORKS: dict[str, Framework] = {
    "SCQF": Framework("Scottish Credit and Qualifications Framework",
                      "https://scqf.org.uk/about-the-framework/interactive-framework/", 12),
    "EQF": Framework("European Qualifications Framework",
                     "https://europass.europa.eu/en/description-eight-eqf-levels", 8),
    "ECTS": Framework("European Credit Transfer and Accumulation System",
                      "https://education.ec.europa.eu/education-levels/higher-education/"
                      "inclusive-and-connected-higher-education/"
                      "european-credit-transfer-and-accumulation-system", 0),
}
_KNOWN = ", ".join(FRAMEWORKS)


def _named_framework(framework: str, url: str | None) -> Framework | None:
    """The framework a file means: a known one by its short name, else its own with a URL."""
    known = FRAMEWORKS.get(framework.upper())
    if known is not None:
        return known
    if url is None:
        raise PydanticCustomError(
            "framework_url", "framework '{framework}' needs a url",
            {"framework": framework[:60],
             "hint": f"questbot knows {_KNOWN}; for another framework, give the url of"
                     " its description"})
    return None


class Credit(Strict):
    """Credit points, in a credit framework (SCQF credit points, ECTS credits...)."""

    points: float = Field(gt=0, le=MAX_CREDIT_POINTS, allow_inf_nan=False,
                          description="credit points, e.g. 10 (written as creditsAvailable)")
    framework: ShortText = Field(description=f"{_KNOWN}, or another named with its url")
    url: Url | None = Field(None, description="the framework's page (for one questbot does "
                                              "not know)")

    @model_validator(mode="after")
    def _known_or_described(self) -> Self:
        _named_framework(self.framework, self.url)
        return self

    @property
    def framework_name(self) -> str:
        known = FRAMEWORKS.get(self.framework.upper())
        return known.name if known else self.framework

    @property
    def short_framework(self) -> str:
        return self.framework.upper() if self.framework.upper() in FRAMEWORKS else \
            self.framework


class Level(Strict):
    """A level of a qualifications framework: SCQF 1 to 12, EQF 1 to 8, or another's."""

    framework: ShortText = Field(description="SCQF, EQF, or another named with its url")
    level: int = Field(ge=1, le=MAX_LEVEL)
    url: Url | None = Field(None, description="the framework's page (for one questbot does "
                                              "not know)")

    @model_validator(mode="after")
    def _within_framework(self) -> Self:
        known = _named_framework(self.framework, self.url)
        if known is not None and known.levels == 0:
            raise PydanticCustomError(
                "framework_levels", "{framework} is a credit scale and has no levels",
                {"framework": self.framework.upper(),
                 "hint": "give a level of SCQF (1 to 12) or EQF (1 to 8)"})
        if known is not None and not 1 <= self.level <= known.levels:
            raise PydanticCustomError(
                "level_range", "{framework} has levels 1 to {top}",
                {"framework": self.framework.upper(), "top": known.levels,
                 "hint": f"{self.level} is not a level of {known.name}"})
        return self

    @property
    def short_framework(self) -> str:
        return self.framework.upper() if self.framework.upper() in FRAMEWORKS else \
            self.framework

    @property
    def framework_name(self) -> str:
        known = FRAMEWORKS.get(self.framework.upper())
        return known.name if known else self.framework

    @property
    def framework_url(self) -> str:
        known = FRAMEWORKS.get(self.framework.upper())
        return known.url if known else str(self.url)
