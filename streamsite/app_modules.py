"""Find the optional module of a given role in every project app (actors, routing, recovery).

An app keeps it at `<app>.<role>` unless its AppConfig names another module in
`<role>_module` (apps.videos keeps its actors and recovery in `pipeline/`, its routes in
`delivery/`)."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def app_modules(role: str) -> list[ModuleType]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        name = getattr(config, f"{role}_module", f"{config.name}.{role}")
        if find_spec(name) is not None:
            modules.append(import_module(name))
    return modules
