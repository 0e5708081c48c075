"""The layout holds: one folder per domain, no import cycle, domains depending one way."""

from pathlib import Path

import pytest

import wagtail_coaching
from tests.imports import cycles, edges, package_modules

APP = Path(wagtail_coaching.__file__).parent

# A domain may import from its own rank or below, never above; two domains of one rank
# never import each other. Plumbing at the package top (conf, and compat, which picks what
# differs between Django versions: the tasks framework, the Content-Security-Policy) is below
# every domain, so any domain may use it.
RANKS = {
    "conf": 0,
    "compat": 0,
    "accounts": 2,
    "blocks": 1,
    "spaces": 1,
    "sessions": 2,
    "programmes": 3,
    "privacy": 4,
    "conversations": 3,
    "reporting": 4,
    "trials": 4,
    "booking": 5,
    "dashboard": 6,
    "notifications": 6,
}
# The package top registers and wires everything: these may import any domain.
TOP = {
    "apps",
    "checks",
    "middleware",
    "models",
    "urls",
    "wagtail_hooks",
    "templatetags",
    "management",
}


def _domain(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_the_app_has_no_import_cycle():
    assert cycles(APP) == []


def test_a_cycle_is_found_in_a_fixture_tree(tmp_path):
    """The same check on a small package with a deliberate cycle through a function-level
    import: it is reported, with every module in it."""
    package = tmp_path / "shop"
    (package / "orders").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "orders" / "__init__.py").write_text("")
    (package / "models.py").write_text("from .orders import rules\n")
    (package / "orders" / "rules.py").write_text("from ..pricing import total\n")
    (package / "pricing.py").write_text(
        "def total():\n    from shop.models import Order  # dodging the cycle\n    return Order\n"
    )
    (package / "unrelated.py").write_text("from . import pricing\n")
    assert cycles(package) == [["shop.models", "shop.orders.rules", "shop.pricing"]]

    (package / "pricing.py").write_text("def total():\n    return 0\n")
    assert cycles(package) == []


def test_domains_depend_in_one_direction():
    wrong = []
    for edge in edges(APP):
        source, target = _domain(edge.source), _domain(edge.target)
        if source in TOP or source == target or target is None:
            continue
        if target in TOP or source not in RANKS or target not in RANKS:
            wrong.append(edge)
        elif RANKS[target] >= RANKS[source]:
            wrong.append(edge)
    assert wrong == []


def test_no_function_imports_an_app_module():
    """Except the app's ``ready()``, Django's place for imports made for their side effects."""
    inside = [edge for edge in edges(APP) if edge.in_function]
    assert {edge.source for edge in inside} == {"wagtail_coaching.apps"}


def test_the_package_top_holds_only_plumbing():
    top = sorted(path.name for path in APP.glob("*.py"))
    assert len(top) <= 12, top
    for folder in APP.iterdir():
        if (folder / "__init__.py").exists() and folder.name not in ("migrations",):
            doc = (folder / "__init__.py").read_text().lstrip()
            if folder.name in RANKS or folder.name == "reporting":
                assert doc.startswith('"""'), f"{folder.name}/__init__.py says nothing"


@pytest.mark.parametrize("domain", sorted(set(RANKS) - {"conf", "blocks"}))
def test_each_domain_is_a_package(domain):
    modules = package_modules(APP)
    assert f"wagtail_coaching.{domain}" in modules
