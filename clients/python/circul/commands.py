"""Prefix commands: ``!info``, ``!weather "New York" 3``."""

from __future__ import annotations

import inspect
import shlex
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from .errors import CommandError


def parse_command(text: str, prefixes: Sequence[str], *, case_insensitive: bool = True
                  ) -> Optional[tuple[str, str, str, list[str]]]:
    """Splits ``text`` into ``(prefix, name, arg_text, args)``, or ``None`` when it is not a command.

    The name follows the prefix directly (``!info``; ``! info`` is not a command). Arguments are split on whitespace;
    double quotes group words (``"New York"``); apostrophes are ordinary characters (``it's``). Unbalanced quotes fall
    back to a plain whitespace split.
    """
    stripped = text.strip()
    for prefix in sorted(prefixes, key=len, reverse=True):
        if prefix and stripped.startswith(prefix):
            rest = stripped[len(prefix):]
            break
    else:
        return None
    if not rest or rest[0].isspace():
        return None
    parts = rest.split(maxsplit=1)
    name = parts[0].lower() if case_insensitive else parts[0]
    arg_text = parts[1].strip() if len(parts) > 1 else ""
    return prefix, name, arg_text, split_args(arg_text)


def split_args(arg_text: str) -> list[str]:
    lexer = shlex.shlex(arg_text, posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return arg_text.split()


@dataclass
class Command:
    """A registered command: ``callback(ctx)`` or ``callback(ctx, arg1, arg2=default, *rest)``.

    Extra parameters receive the arguments in order; ``int``/``float``/``bool`` annotations convert them; the last
    parameter takes the remaining words when there are more arguments than parameters (and no ``*args``).
    """

    name: str
    callback: Callable[..., Any]
    aliases: tuple[str, ...] = ()
    description: str = ""
    _params: list[inspect.Parameter] = field(default_factory=list, repr=False)
    _hints: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        signature = inspect.signature(self.callback)
        self._params = list(signature.parameters.values())[1:]
        try:
            self._hints = typing.get_type_hints(self.callback)
        except Exception:  # noqa: BLE001 - unresolvable annotations: keep strings
            self._hints = {}

    def bind(self, args: list[str]) -> tuple[list[Any], dict[str, Any]]:
        """The positional and keyword arguments after ``ctx`` for these command arguments."""
        positional = [p for p in self._params
                      if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        var = next((p for p in self._params if p.kind == inspect.Parameter.VAR_POSITIONAL), None)
        if not positional and var is None:
            return [], {}
        values: list[Any] = []
        remaining = list(args)
        for index, param in enumerate(positional):
            if not remaining:
                if param.default is inspect.Parameter.empty:
                    raise CommandError(f"missing argument: {param.name}")
                break
            if index == len(positional) - 1 and var is None and len(remaining) > 1:
                raw = " ".join(remaining)
                remaining = []
            else:
                raw = remaining.pop(0)
            values.append(self._convert(param, raw))
        if var is not None:
            values.extend(self._convert(var, raw) for raw in remaining)
        return values, {}

    def _convert(self, param: inspect.Parameter, raw: str) -> Any:
        kind = self._hints.get(param.name, param.annotation)
        try:
            if kind is int:
                return int(raw)
            if kind is float:
                return float(raw)
            if kind is bool:
                return raw.lower() in ("1", "true", "yes", "on", "y")
        except ValueError:
            expected = "an integer" if kind is int else "a number"
            raise CommandError(f"{param.name} must be {expected}, not {raw!r}") from None
        return raw
