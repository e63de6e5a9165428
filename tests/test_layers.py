"""The layering of the code (../shared/STYLE.md, README "How the code is laid out"), checked, not hoped for.

Views call services and never write the ORM themselves; services are named ``<entity>_<action>`` and take
keyword arguments only, so every caller names what it passes.
"""

import ast
import importlib
import inspect
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from celery import current_app

from portal.mail import TRANSIENT_MAIL_ERRORS

ROOT = Path(__file__).resolve().parent.parent

# Calls that write whatever they are called on: model instances, managers, querysets, ModelForms.
WRITES = {"save", "create", "delete", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
# Calls that write when called on a relation of a model (``post.tags.add``); on a local name (a Python set or
# list, ``seen.add``) they write nothing.
RELATION_WRITES = {"add", "remove", "set", "clear"}


def views_modules() -> list[Path]:
    """Every app's ``views*.py`` and ``views/`` package, a new app's included."""
    return sorted({*ROOT.glob("*/views*.py"), *ROOT.glob("*/views/**/*.py")})


# Django's generic views that save or delete by themselves unless the view takes that step over.
SAVING_VIEWS = {"CreateView": "form_valid", "UpdateView": "form_valid", "DeleteView": "form_valid"}


def selectors_modules() -> list[Path]:
    """Every app's ``selectors.py``: reads, which never write either."""
    return sorted(ROOT.glob("*/selectors*.py"))


def orm_writes(source: str, filename: str = "<source>") -> list[str]:
    """Each ORM write in ``source``, as ``line: code``: a write call, or a generic view that saves by itself."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.ClassDef):
            own = {item.name for item in node.body if isinstance(item, ast.FunctionDef)}
            for base in node.bases:
                step = SAVING_VIEWS.get(ast.unparse(base).split(".")[-1])
                if step and step not in own:
                    found.append(f"{node.lineno}: class {node.name}({ast.unparse(base)}) saves in its {step}")
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name in WRITES or (name in RELATION_WRITES and isinstance(node.func.value, ast.Attribute)):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_views_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in views_modules()}
    assert {
        "consultations/views.py",
        "discussions/views.py",
        "funding/views.py",
        "portal/views.py",
        "reminders/views.py",
        "reviews/views.py",
    } <= names


@pytest.mark.parametrize("path", views_modules() + selectors_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_views_and_selectors_never_write_the_orm(path):
    """A view reads, checks who may ask, calls a service and answers; the service writes (and audits)."""
    assert orm_writes(path.read_text(), str(path)) == []


def test_the_views_check_finds_every_kind_of_write():
    """The control: the check above fails on each write it is meant to catch, and not on plain Python."""
    source = """
def view(request, form, space):
    form.save()
    form.save(commit=False)
    Follow.objects.create(user=request.user)
    Follow.objects.filter(user=request.user).delete()
    Subscription.objects.filter(space=space).update(sent_until=None)
    Subscription.objects.get_or_create(space=space)
    Preference.objects.update_or_create(user=request.user)
    Tag.objects.bulk_create([])
    Tag.objects.bulk_update([], ["name"])
    space.moderators.add(request.user)
    space.moderators.remove(request.user)
    space.moderators.set([])
    request.user.groups.clear()
    seen = set()
    seen.add(1)
    names = []
    names.remove
    Follow.objects.filter(user=request.user).exists()
"""
    assert [line.split(":")[0] for line in orm_writes(source)] == [str(n) for n in range(3, 16)]


def test_the_views_check_finds_a_generic_view_that_saves_by_itself():
    source = """
class Edit(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm

class Add(generic.CreateView):
    pass

class Remove(DeleteView):
    pass

class EditThroughAService(UpdateView):
    def form_valid(self, form):
        return redirect("/")
"""
    assert [line.split(":")[0] for line in orm_writes(source)] == ["2", "5", "8"]


SERVICE_MODULES = [
    "consultations.services",
    "discussions.services",
    "funding.services",
    "reviews.services",
    "portal.services",
    "reminders.services",
]
# ``<entity>_<action>``: at least two lower-case words.
SERVICE_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def public_functions(module) -> list[tuple[str, object]]:
    """The public functions defined in the module itself (not those it imports)."""
    return [
        (name, function)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and function.__module__ == module.__name__
    ]


def positional_parameters(module) -> list[str]:
    return [
        f"{name}({parameter})"
        for name, function in public_functions(module)
        for parameter in inspect.signature(function).parameters.values()
        if parameter.kind not in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD)
    ]


def badly_named(module) -> list[str]:
    return [name for name, _function in public_functions(module) if not SERVICE_NAME.match(name)]


@pytest.mark.parametrize("module_name", SERVICE_MODULES)
def test_services_take_keyword_arguments_only(module_name):
    assert positional_parameters(importlib.import_module(module_name)) == []


@pytest.mark.parametrize("module_name", SERVICE_MODULES)
def test_services_are_named_entity_action(module_name):
    assert badly_named(importlib.import_module(module_name)) == []


def test_the_services_checks_find_a_positional_parameter_and_a_bare_name():
    """The control: the checks above fail on ``def words(text)`` and ``def count(*args)``, pass on
    ``def follow_create(*, user, **extra)``, and ignore private and imported functions."""
    source = """
from os.path import join


def words(text):
    return len(text.split())


def count(*args):
    return len(args)


def follow_create(*, user, **extra):
    return user


def _helper(value):
    return value
"""
    module = types.ModuleType("tests.fake_services")
    exec(compile(source, "tests/fake_services.py", "exec"), module.__dict__)  # noqa: S102 - our own source above

    assert positional_parameters(module) == ["count(*args)", "words(text)"]
    assert badly_named(module) == ["count", "words"]


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def code_copy(tmp_path):
    """The apps' Python files and pyproject.toml, copied so a test can add an import the contracts forbid."""
    for package in ("portal", "reviews", "consultations", "discussions", "funding", "reminders"):
        for source in (ROOT / package).rglob("*.py"):
            target = tmp_path / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("reviews/selectors.py", "from funding import models", "The apps stack up"),
        ("portal/services.py", "from consultations import enums", "portal imports no domain app"),
        ("reminders/services.py", "def f():\n    from discussions import enums", "The reminders engine imports no"),
        ("consultations/models.py", "from consultations import services", "Inside each app"),
    ],
    ids=[
        "calendar on funding",
        "portal on a domain app",
        "engine on a domain app (in a function)",
        "models on services",
    ],
)
def test_an_upward_import_breaks_the_layer_contracts(code_copy, module, line, contract):
    assert _lint_imports(code_copy).returncode == 0, "the tree itself breaks a contract: run lint-imports first"
    path = code_copy / module
    path.write_text(path.read_text() + f"\n{line}\n")

    result = _lint_imports(code_copy)

    assert result.returncode == 1
    broken = [line for line in result.stdout.splitlines() if "BROKEN" in line or contract in line]
    assert any(contract in line for line in broken), result.stdout[-2000:]


def test_every_mail_task_follows_the_one_retry_policy():
    """Tasks that send mail retry transient errors the same way; reminders count their attempts on the row."""

    mail_tasks = {
        name: task
        for name, task in current_app.tasks.items()
        if name.split(".")[0] in {"portal", "consultations", "discussions", "funding"}
        and name.split(".")[-1].startswith("send_")
        and name != "portal.tasks.send_digests"  # run by beat: a failed digest goes again at the next run
    }
    assert len(mail_tasks) >= 12, sorted(mail_tasks)
    policies = {
        name: (tuple(task.autoretry_for), task.retry_backoff, task.retry_backoff_max, task.retry_kwargs["max_retries"])
        for name, task in mail_tasks.items()
    }
    assert set(policies.values()) == {(TRANSIENT_MAIL_ERRORS, 30, 1800, 8)}, policies


APPS = ("portal", "reviews", "consultations", "discussions", "funding", "reminders")


def test_choices_live_in_enums_modules():
    """TextChoices and IntegerChoices sit in each app's enums.py, so models, services and forms share them."""
    elsewhere = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name == "enums.py" or "migrations" in path.parts:
                continue
            elsewhere.extend(
                f"{path.relative_to(ROOT)}: {node.name}"
                for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.ClassDef)
                and any(ast.unparse(base).endswith(("TextChoices", "IntegerChoices")) for base in node.bases)
            )
    assert elsewhere == []
