"""Every user-visible string in the ltilab extensions has a Japanese translation.

Japanese is a first-class UI language, so a string added without a Japanese
entry fails the build rather than showing up in English to Japanese students.
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "python" / "ltilab" / "locale" / "ja_JP" / "LC_MESSAGES" / "ltilab.json"

# trans.__('…'), trans._p('context', '…'), trans._n('…', '…', n): the
# literal arguments are the msgids.
CALL = re.compile(r"""trans\.(__|_p|_n)\(\s*((?:'(?:[^'\\]|\\.)*'\s*,?\s*)+)""")
LITERAL = re.compile(r"""'((?:[^'\\]|\\.)*)'""")


def _unescape(text: str) -> str:
    return text.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def source_strings() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "packages").glob("*/src/**/*.ts*"):
        for call in CALL.finditer(path.read_text(encoding="utf-8")):
            literals = [_unescape(m) for m in LITERAL.findall(call.group(2))]
            kind = call.group(1)
            found.update(literals[1:2] if kind == "_p" else literals[:2])
    return found


def schema_strings() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "packages").glob("*/schema/*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found.update(v for k in ("title", "description") if (v := schema.get(k)))
        for prop in schema.get("properties", {}).values():
            found.update(v for k in ("title", "description") if (v := prop.get(k)))
    return found


def test_catalogue_is_valid_jed_json():
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    header = catalogue[""]
    assert header["domain"] == "ltilab"
    assert header["language"].lower().startswith("ja")
    for msgid, value in catalogue.items():
        if msgid:
            assert isinstance(value, list) and value and value[0].strip(), msgid


def test_every_string_has_a_japanese_translation():
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    strings = source_strings() | schema_strings()
    assert len(strings) > 10, "the string scan found too little; is the pattern broken?"
    missing = sorted(s for s in strings if s not in catalogue)
    assert not missing, f"strings without a Japanese translation: {missing}"


def test_no_stale_translations():
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    strings = source_strings() | schema_strings()
    stale = sorted(k for k in catalogue if k and k not in strings)
    assert not stale, f"translations of strings no longer used: {stale}"
