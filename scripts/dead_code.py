"""Dead code under portal/: vulture, with what it cannot see from Python alone.

- Views, CLI commands, request hooks and template filters are registered by decorator.
- Templates use names too (attributes, properties, form fields, macros' arguments).
- ORM columns and relationships in portal/models are the schema: they stay while the table has
  them, read or not; assigning a column (`user.last_sign_in_at = …`) is not dead code either.
- WTForms calls validate_<field>; SQLAlchemy and WTForms call their hook methods.
Anything else, if it is right that nothing calls it, goes in scripts/vulture_whitelist.py with
a reason. Exit status 1 when something is unused.
"""

import re
import sys
from pathlib import Path

from vulture import Vulture

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
WHITELIST = ROOT / "scripts" / "vulture_whitelist.py"

IGNORE_DECORATORS = [
    "@provider",  # to-do item providers register themselves (portal/todo/)
    "@*.route",
    "@*.get",
    "@*.post",
    "@*.put",
    "@*.delete",
    "@*.command",
    "@*.before_request",
    "@*.before_app_request",
    "@*.after_request",
    "@*.after_app_request",
    "@*.errorhandler",
    "@*.app_errorhandler",
    "@*.context_processor",
    "@*.app_context_processor",
    "@*.template_filter",
    "@*.app_template_filter",
    "@*.template_global",
    "@*.app_template_global",
    "@*.user_loader",
    "@*.request_filter",
]
IGNORE_NAMES = [
    # WTForms: validate_<field> methods, a form's Meta, the hooks a field or form overrides.
    "validate_*",
    "Meta",
    "bind_field",
    "pre_validate",
    "widget",  # a field class's widget, rendered by WTForms
    "process_formdata",
    # SQLAlchemy TypeDecorator hooks.
    "process_bind_param",
    "process_result_value",
    # File-like objects handed to zipfile.
    "writable",
    "write",
]
JINJA_BLOCK = re.compile(r"{{.*?}}|{%.*?%}", re.S)
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def template_names() -> set[str]:
    names: set[str] = set()
    for template in (PORTAL / "templates").rglob("*.html"):
        for block in JINJA_BLOCK.findall(template.read_text(encoding="utf-8")):
            names.update(IDENTIFIER.findall(block))
    return names


def is_schema(item) -> bool:
    in_models = Path(item.filename).resolve().is_relative_to(PORTAL / "models")
    return item.typ == "attribute" or (in_models and item.typ == "variable")


def main() -> int:
    vulture = Vulture(ignore_names=IGNORE_NAMES, ignore_decorators=IGNORE_DECORATORS)
    vulture.scavenge([str(PORTAL), str(WHITELIST)], exclude=["portal/migrations/"])
    vulture.used_names.update(template_names())
    unused = [item for item in vulture.get_unused_code() if not is_schema(item)]
    for item in unused:
        print(item.get_report())
    return 1 if unused else 0


if __name__ == "__main__":
    sys.exit(main())
