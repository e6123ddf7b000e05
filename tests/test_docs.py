"""Docs and code check each other: every rule and every command is documented, every rule is tested."""

from __future__ import annotations

import re
from pathlib import Path

import click
import typer.main

from monitor.cli import app
from monitor.rulebook import RULE_KEYS

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
# Rules no crawl or probe decides yet: the README says so, and reviewers enter them by hand.
NOT_MACHINE_CHECKED = {"account_no_interaction", "account_security"}


def test_every_machine_checked_rule_is_in_the_readme_table():
    documented = set(re.findall(r"^\| `([a-z][a-z0-9_]*)` \|", README, flags=re.MULTILINE))
    assert documented == set(RULE_KEYS) - NOT_MACHINE_CHECKED


def test_every_rule_not_checked_by_machine_is_named_in_the_readme():
    for rule in NOT_MACHINE_CHECKED:
        assert rule in README


def test_every_machine_checked_rule_is_exercised_by_a_test():
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").glob("test_*.py")
                      if p.name != "test_docs.py")
    for rule in set(RULE_KEYS) - NOT_MACHINE_CHECKED:
        assert f'"{rule}"' in tests or f"'{rule}'" in tests, f"no test names rule {rule}"


def _commands(group: click.Group, prefix: str = "") -> dict[str, object]:
    found = {}
    for name, command in group.commands.items():
        found[f"{prefix}{name}"] = command
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{prefix}{name} "))
    return found


def test_every_command_has_help_and_appears_in_the_readme():
    commands = _commands(typer.main.get_command(app))
    for name, command in commands.items():
        assert (command.help or "").strip(), f"govmon {name} has no --help text"
        top = name.split()[0]
        assert f"govmon {top}" in README, f"README never shows govmon {top}"
