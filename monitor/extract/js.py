"""What a page's JavaScript writes, read without running it: the one `document.write` interpreter.

Government CMS templates write links, list entries and footers from small scripts (TRS item scripts
`document.write("<a href='"+str_1+"'>…")`, jiucuo.js embeds, disguised dark links). Everything that
reads such a script goes through here, so escapes, quotes and variables are handled one way:

- string literals in '…', "…" and `…`, with JavaScript escapes decoded (\\n, \\t, \\xNN, \\uNNNN, \\');
- names bound to a string literal by `var`/`let`/`const` in the same script stand for that string;
  any other name (a function result, a property) drops out;
- `unescape(…)` / `decodeURIComponent(…)` percent-encoding is undone.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_WRITE_CALL = re.compile(r"document\s*\.\s*write(?:ln)?\s*\(")
_STRING = r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`"""
_STRING_LITERAL = re.compile(_STRING, re.S)
_TOKEN = re.compile(_STRING + r"|([A-Za-z_$][\w$.]*)", re.S)
_VARIABLE = re.compile(r"""\b(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:""" + _STRING + r")", re.S)
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)
_ESCAPED_CHARS = {"n": "\n", "t": "\t", "r": ""}


def unescape(text: str) -> str:
    """A string literal's body as the string it means."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "xu" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPED_CHARS.get(code, code)

    return _JS_ESCAPE.sub(replace, text)


def call_argument(script: str, start: int) -> str:
    """Source text of the call argument starting at `start` (just past the opening parenthesis);
    up to the end of the script when the call is never closed."""
    depth, quote, index = 1, "", start
    while index < len(script):
        char = script[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                break
        index += 1
    return script[start:index]


def _literal(match: re.Match[str]) -> str | None:
    """The unescaped body of a matched string literal, or None when the match is a name."""
    for body in match.groups()[:3]:
        if body is not None:
            return unescape(body)
    return None


def string_literals(source: str) -> str:
    """The string literals of a piece of JavaScript, joined and unescaped (names drop out).

    Footers assembled as `'<span>网站标识码4400000131</span>'+...` read as their text this way.
    """
    return "".join(_literal(match) or "" for match in _STRING_LITERAL.finditer(source))


def string_variables(script: str) -> dict[str, str]:
    """Names a script binds to a string literal (`var str_1 = "…"`), with the string each means."""
    values: dict[str, str] = {}
    for match in _VARIABLE.finditer(script):
        body = next(group for group in match.groups()[1:] if group is not None)
        values[match.group(1)] = unescape(body)
    return values


def evaluate_concatenation(argument: str, variables: dict[str, str]) -> str:
    """A `"…" + name + '…'` expression as the string it builds, as far as literals and variables tell."""
    parts = []
    for match in _TOKEN.finditer(argument):
        literal = _literal(match)
        parts.append(literal if literal is not None else variables.get(match.group(4), ""))
    return "".join(parts)


def written_html(script: str) -> list[str]:
    """The HTML each `document.write(…)` / `writeln(…)` call of a script writes (empty ones left out)."""
    if "write" not in script:
        return []
    variables = string_variables(script)
    pieces = []
    for call in _WRITE_CALL.finditer(script):
        argument = call_argument(script, call.end())
        html = evaluate_concatenation(argument, variables)
        if "unescape" in argument or "decodeURI" in argument or "%3c" in html.lower():
            html = unquote(html)
        if html:
            pieces.append(html)
    return pieces
