"""The one written form of a front matter: what ``infopsoc new`` writes and what the editor saves.

:func:`dump` turns values into the front matter's text, field by field in the schema's order,
each field's guidance (``Field.hint``) as a comment on its line. The editor at ``/admin/``
(``outputs/admin_files/infopsoc-admin.js``) writes a new file in the same form from the same
description (:func:`describe`, copied into ``admin/infopsoc-fields.json``): a file created in the
browser and a file made by ``infopsoc new`` look alike. A file the editor changes keeps its own
lines (order, quotes, comments): only a changed key's lines are written anew, in this form.
The two writers (this one for the command line, the page's for the browser, where no Python
runs, and where the command line needs no Node) follow one declared form: its rules as cases,
``tests/fixtures/frontmatter-form.json``, that tests/test_frontmatter.py gives to this writer and
tests/js/frontmatter.test.js to the page's (a rule changed in one writer and not in the other
fails one of them); tests/test_admin.py also runs both on every item of the project.

The form: text in double quotes (JSON strings are YAML), numbers, ``true``, dates bare
(``2017-10``), lists as ``[]`` or one ``- item`` per line, an empty value left out, ``draft``
left out when false (« retirez la ligne pour publier »), the editor's own notes (``_infopsoc…``)
never written. Fields the schema does not know come after the others, unchanged in value.
"""

from __future__ import annotations

import json
import re
from typing import Any

from infopsoc.content import schema as _schema
from infopsoc.content.schema import Schema

#: How a field's value is written; ``date`` is the only kind written differently from its value's type.
KINDS = ("int", "text", "date", "bool", "list", "sources")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: keys beginning so are the editor's own notes (the file as it was read…): never written
EDITOR_NOTE = "_infopsoc"


def kind_of(field: _schema.Field) -> str:
    """The kind of a schema field, from its converter (an unknown converter is a programming error)."""
    convert = field.convert
    known = {_schema.positive_int: "int", _schema.text: "text", _schema.boolean: "bool", _schema.text_list: "list"}
    if convert in known:
        return known[convert]
    name = getattr(convert, "__qualname__", "")
    if name.startswith("choice."):
        return "text"
    if name.startswith("partial_date."):
        return "date"
    if name == "source_list":
        return "sources"
    raise ValueError(f"no written form for the converter of field {field.name!r}: {name}")


def describe(schema: Schema) -> dict[str, Any]:
    """The schema as the editor's writer needs it: field order, kinds, comments."""
    return {
        "order": list(schema.fields),
        "kinds": {name: kind_of(f) for name, f in schema.fields.items()},
        "hints": {name: f.hint for name, f in schema.fields.items() if f.hint},
        "required": [name for name, f in schema.fields.items() if f.required],
    }


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def _json(value: Any) -> str:
    """A value in JSON (JSON strings are YAML), compact, with DEL, the C1 controls and the line and
    paragraph separators escaped too: YAML may not hold them as they are (PyYAML refuses DEL, reads
    U+0085, U+2028 and U+2029 as line breaks, eating the space before)."""
    written = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _C1.sub(lambda found: f"\\u{ord(found.group()):04x}", written)


_C1 = re.compile("[\x7f-\x9f\u2028\u2029]")


def _scalar(value: Any, kind: str = "text") -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return str(int(value))  # 2.0 is 2: JavaScript, where the editor writes, has one kind of number
    if isinstance(value, str) and kind == "date" and _DATE.match(value):
        return value
    return _json(value)  # a text, a number with a fraction, or a nested value: a JSON flow


def _item(value: Any) -> list[str]:
    if isinstance(value, dict):
        pairs = [(k, v) for k, v in value.items() if not _empty(v)]
        if not pairs:
            return ["  - {}"]
        first, *rest = pairs
        return [f"  - {first[0]}: {_scalar(first[1])}"] + [f"    {k}: {_scalar(v)}" for k, v in rest]
    return [f"  - {_scalar(value)}"]


def dump(meta: dict[str, Any], description: dict[str, Any]) -> str:
    """The front matter, ``---`` lines included, ending with a newline."""
    order: list[str] = description["order"]
    kinds: dict[str, str] = description["kinds"]
    hints: dict[str, str] = description["hints"]
    lines = ["---"]
    for key in [k for k in order if k in meta] + [k for k in meta if k not in order]:
        value = meta[key]
        kind = kinds.get(key, "")
        if key.startswith(EDITOR_NOTE) or _empty(value) or (kind == "bool" and value is False):
            continue
        comment = f"  # {hints[key]}" if hints.get(key) else ""
        if isinstance(value, list):
            if not value:
                lines.append(f"{key}: []{comment}")
            else:
                lines.append(f"{key}:{comment}")
                for item in value:
                    lines += _item(item)
        else:
            lines.append(f"{key}: {_scalar(value, kind)}{comment}")
    lines.append("---")
    return "\n".join(lines) + "\n"
