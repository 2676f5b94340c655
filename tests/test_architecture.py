"""The shape of portal/, read from the source (ast): small modules, no blueprint importing
another blueprint, no import cycles. Fast: nothing is imported or run."""

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PORTAL.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PORTAL.rglob("*.py"))}


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_nodes(tree: ast.AST, module_level_only: bool):
    """Import statements; with module_level_only, those run when the module is imported
    (not inside functions, not under `if TYPE_CHECKING`)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if module_level_only and isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            ):
                continue
            if module_level_only and isinstance(child, ast.If) and is_type_checking(child):
                stack.extend(child.orelse)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child
            else:
                stack.append(child)


def imported_modules(name: str, path: Path, module_level_only: bool) -> set[str]:
    """The portal modules this module imports (`from a import b` counts as a.b when b is a
    module, otherwise as a)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in import_nodes(tree, module_level_only):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = []
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                targets.append(submodule if submodule in MODULES else source)
        found.update(target for target in targets if target in MODULES)
    found.discard(name)
    return found


def test_no_module_over_400_lines():
    lines = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    too_long = {name: count for name, count in lines.items() if count > MAX_LINES}
    assert too_long == {}


def blueprint_of(name: str) -> str | None:
    parts = name.split(".")
    if parts[:2] == ["portal", "blueprints"] and len(parts) > 2:
        return parts[2]
    return None


def test_no_blueprint_imports_another_blueprint():
    crossings = sorted(
        f"{name} imports {target}"
        for name, path in MODULES.items()
        if (own := blueprint_of(name))
        for target in imported_modules(name, path, module_level_only=False)
        if blueprint_of(target) not in (None, own)
    )
    assert crossings == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_find_cycles_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    """Module-level imports only. One cycle is Flask's own pattern and allowed: a blueprint
    package makes `bp`, then imports its route modules so that they register on it (they
    import `bp` from the package)."""
    graph = {
        name: {
            target
            for target in imported_modules(name, path, module_level_only=True)
            if not (name == f"portal.blueprints.{blueprint_of(name)}" and target.startswith(name))
        }
        for name, path in MODULES.items()
    }
    assert find_cycles(graph) == []


def exception_classes() -> dict[str, list[str]]:
    """Class name -> modules defining it, for classes whose name says they are raised
    (subclasses of *Error/Exception/… by name, or of another class named so)."""
    found: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                ast.unparse(base).rpartition(".")[2].endswith(("Exception", "Error", "Refused"))
                for base in node.bases
            ):
                found.setdefault(node.name, []).append(name)
    return found


def test_one_definition_per_exception():
    twice = {cls: modules for cls, modules in exception_classes().items() if len(modules) > 1}
    assert twice == {}


def test_case_exceptions_share_one_base():
    """Every exception defined in portal/cases derives from cases.errors.CaseError."""
    loose = sorted(
        f"{name}.{node.name}"
        for name, path in MODULES.items()
        if name.startswith("portal.cases.") and name != "portal.cases.errors"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base) in ("Exception", "ValueError") for base in node.bases)
        and "CaseError" not in {ast.unparse(base) for base in node.bases}
    )
    assert loose == []


def test_event_listeners_registered_in_one_place():
    """ORM and engine listeners are listed in setup.listeners() and registered by create_app(),
    not by the side effect of importing a module."""
    elsewhere = sorted(
        f"{name}:{node.lineno}"
        for name, path in MODULES.items()
        if name != "portal.setup"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr in ("listens_for", "listen")
        and ast.unparse(node.value) == "event"
    )
    assert elsewhere == []


def test_audit_actions_are_named_by_the_enum():
    """audit.record's action is an AuditAction member, never a free-form string."""
    loose = sorted(
        f"{name}:{node.lineno}: {ast.unparse(node.args[0])}"
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and ast.unparse(node.func) in ("audit.record", "record", "_record")
        and node.args
        for part in ast.walk(node.args[0])
        if isinstance(part, ast.Constant | ast.JoinedStr | ast.BinOp)
    )
    assert loose == []
