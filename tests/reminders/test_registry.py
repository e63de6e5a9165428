"""The engine and its registry: each domain app declares its own reminders; the engine knows none of them."""

import ast
import importlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from reminders import registry
from reminders.registry import Rule

ROOT = Path(__file__).resolve().parent.parent.parent
DOMAIN_APPS = ("reviews", "consultations", "discussions", "funding")
# The kinds written on the reminders and preferences already in the database: they stay valid.
KINDS = {
    "reviews": {"pre_consultation_opens", "pre_consultation_closing"},
    "consultations": {
        "registration_deadline",
        "interest_deadline",
        "consultation_week",
        "consultation_day",
        "input_call_deadline",
        "materials_due",
        "materials_published",
        "meeting_feedback",
        "briefing_request_waiting",
        "letter_request_waiting",
    },
    "discussions": {
        "discussion_space_due",
        "analysis_paper_due",
        "phase_closing",
        "moderation_backlog",
        "phase_opening",
    },
    "funding": {"funding_draft"},
}


def rules_declared_by(app: str) -> list[Rule]:
    module = importlib.import_module(f"{app}.reminders")
    return [value for value in vars(module).values() if isinstance(value, Rule)]


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_each_app_registers_its_own_rules(app):
    declared = rules_declared_by(app)

    assert {rule.kind for rule in declared} == KINDS[app]
    assert all(registry.rule(rule.kind) is rule for rule in declared)


def test_every_registered_kind_is_declared_by_one_app_and_unique():
    declared = [rule.kind for app in DOMAIN_APPS for rule in rules_declared_by(app)]

    assert len(declared) == len(set(declared))
    assert set(registry.rules()) == set(declared) == set().union(*KINDS.values())


def test_a_second_rule_with_a_kind_already_taken_is_refused():
    taken = registry.rule("funding_draft")
    impostor = Rule(kind="funding_draft", label="x", audience="x", find=lambda today: [], message=lambda t: None)

    with pytest.raises(ImproperlyConfigured, match="funding_draft"):
        registry.register(impostor)
    assert registry.rule("funding_draft") is taken
    registry.register(taken)  # registering the same rule again (a module imported twice) is harmless


def test_a_kind_too_long_for_the_database_is_refused():
    with pytest.raises(ImproperlyConfigured):
        registry.register(Rule(kind="k" * 41, label="x", audience="x", find=lambda t: [], message=lambda t: None))
    assert "k" * 41 not in registry.rules()


@pytest.mark.django_db
def test_every_kind_has_a_translatable_label_and_audience():
    for rule in registry.rules().values():
        assert rule.title()
        assert rule.audience
        assert callable(rule.label) or isinstance(rule.label, Promise), rule.kind


def test_an_unknown_kind_shows_as_its_code():
    assert registry.label("a_kind_since_removed") == "a_kind_since_removed"


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_engine_imports_no_domain_app_anywhere():
    """Not even inside a function: the engine runs whatever apps are installed."""
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "reminders").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in DOMAIN_APPS
    }

    assert offending == set()


def test_the_import_check_finds_an_import_inside_a_function(tmp_path):
    """The control: the check above sees imports at any depth, in both forms."""
    source = tmp_path / "module.py"
    source.write_text("def f():\n    from reviews.models import Event\n    import funding.enums\n")

    assert imported_modules(source) == {"reviews.models", "funding.enums"}
