"""Command parsing and argument binding (pure)."""

from __future__ import annotations

import pytest

from circul import Command, CommandError, parse_command


def test_a_command_is_the_prefix_followed_directly_by_its_name() -> None:
    assert parse_command("!info", ["!"]) == ("!", "info", "", [])
    assert parse_command("  !INFO  ", ["!"]) == ("!", "info", "", [])
    assert parse_command("!INFO", ["!"], case_insensitive=False) == ("!", "INFO", "", [])
    assert parse_command("! info", ["!"]) is None
    assert parse_command("info", ["!"]) is None
    assert parse_command("!", ["!"]) is None
    assert parse_command("hello !info", ["!"]) is None


def test_arguments_split_on_whitespace_with_double_quotes_grouping_and_apostrophes_plain() -> None:
    assert parse_command('!weather "New York" 3', ["!"]) == ("!", "weather", '"New York" 3', ["New York", "3"])
    assert parse_command("!say it's fine", ["!"])[3] == ["it's", "fine"]
    assert parse_command('!say "unbalanced quote', ["!"])[3] == ['"unbalanced', "quote"]


def test_the_longest_matching_prefix_wins_and_several_prefixes_work() -> None:
    assert parse_command("!!deep", ["!", "!!"]) == ("!!", "deep", "", [])
    assert parse_command("?help me", ["!", "?"]) == ("?", "help", "me", ["me"])


def test_extra_parameters_are_bound_and_converted() -> None:
    def weather(ctx, city: str, days: int = 1):  # noqa: ANN001
        return city, days

    command = Command("weather", weather)
    assert command.bind(["Paris"]) == (["Paris"], {})
    assert command.bind(["Paris", "3"]) == (["Paris", 3], {})
    with pytest.raises(CommandError, match="days must be an integer, not 'York City'"):
        command.bind(["New", "York", "City"])  # the last parameter takes the rest, which is no integer
    with pytest.raises(CommandError, match="missing argument: city"):
        command.bind([])
    with pytest.raises(CommandError, match="days must be an integer"):
        command.bind(["Paris", "many"])


def test_the_last_parameter_takes_the_rest_and_varargs_take_everything() -> None:
    def echo(ctx, text):  # noqa: ANN001
        return text

    assert Command("echo", echo).bind(["hello", "big", "world"]) == (["hello big world"], {})

    def total(ctx, *numbers: float):  # noqa: ANN001
        return sum(numbers)

    assert Command("total", total).bind(["1", "2.5"]) == ([1.0, 2.5], {})
    assert Command("info", lambda ctx: None).bind(["ignored"]) == ([], {})
