"""The demo estate: the user's legacy web system, built on the local emulator.

Each module of this package builds one part (``build(estate)``, run in ``ORDER``)
and declares, for every check it exercises, which resources must be found
(``violating``), which must not (``compliant``, the twins) and which violate but
are protected by the taxonomy (``protected``: found, never remediated).
The demo and the end-to-end tests build the same estate from here.
"""

from __future__ import annotations

import os
import pkgutil
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import boto3


@dataclass
class Expectation:
    violating: set[str] = field(default_factory=set)
    compliant: set[str] = field(default_factory=set)
    protected: set[str] = field(default_factory=set)


@dataclass
class Estate:
    """What the builders share: clients, the network, the scale and the expectations."""

    session: boto3.Session
    scale: int = 1
    region: str = "us-east-1"
    shared: dict[str, Any] = field(default_factory=dict)
    expectations: dict[str, Expectation] = field(default_factory=lambda: defaultdict(Expectation))
    created: int = 0

    def client(self, service: str):
        return self.session.client(service, region_name=self.region)

    def expect(self, policy: str, violating=(), compliant=(), protected=()) -> None:
        e = self.expectations[policy]
        e.violating.update(violating)
        e.compliant.update(compliant)
        e.protected.update(protected)
        e.violating.update(protected)

    def copies(self) -> range:
        return range(self.scale)

    @staticmethod
    def suffix(i: int) -> str:
        return "" if i == 0 else f"-{i:03d}"


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    """AWS's ``[{Key, Value}]`` form of a tag mapping."""
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def builders() -> list:
    # ASSETPACK_ESTATE_ONLY=s3,ec2 builds only those parts (for working on one area).
    only = {n for n in os.environ.get("ASSETPACK_ESTATE_ONLY", "").split(",") if n}
    modules = [import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)
               if not only or m.name in only or m.name == "network"]
    return sorted((m for m in modules if hasattr(m, "build")),
                  key=lambda m: (getattr(m, "ORDER", 50), m.__name__))


def build(session: boto3.Session | None = None, scale: int = 1, progress=None) -> Estate:
    """Create the estate in whatever AWS endpoint the session points at."""
    session = session or boto3.Session()
    estate = Estate(session=session, scale=scale, region=session.region_name or "us-east-1")
    mods = builders()
    for n, module in enumerate(mods, 1):
        module.build(estate)
        if progress:
            progress(n, len(mods), module.__name__.rsplit(".", 1)[-1])
    return estate
