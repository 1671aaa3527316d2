"""The command group class of ``qcode`` and its sub-groups: a mistyped command gets a
"did you mean" (rapidfuzz, Damerau-Levenshtein, so swapped letters count as one slip),
or, when nothing is near, the list of commands. Exit status 2, as for any usage error."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup
from typer.exceptions import TyperException

from qcode.cli.quick_params import install_help

#: how alike a typo and a command must be (0-1) to be suggested
NEAR = 0.5
#: suggestions within this much of the best one are offered with it
TIE = 0.15


def nearest_commands(typo: str, commands: list[str]) -> list[str]:
    """The commands ``typo`` was probably meant to be, best first (at most three).

    >>> nearest_commands("reconsile", ["reconcile", "registry", "report"])
    ['reconcile']
    >>> nearest_commands("serach", ["ingest", "agree"])
    []
    """
    # lazy: rapidfuzz costs ~50 ms of start-up, and only a mistyped command needs it
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    scored = process.extract(typo.lower(), commands,
                             scorer=DamerauLevenshtein.normalized_similarity,
                             score_cutoff=NEAR, limit=3)
    prefixed = [name for name in commands if len(typo) >= 2 and name.startswith(typo.lower())]
    if not scored:
        return prefixed[:3]
    best = scored[0][1]
    near = [name for name, score, _ in scored if score >= best - TIE]
    return (near + [name for name in prefixed if name not in near])[:3]


def no_such_command(typo: str, commands: list[str]) -> str:
    """The one-line message for an unknown command."""
    near = nearest_commands(typo, commands)
    if near:
        names = " or ".join(f"'{name}'" for name in near)
        return f"No such command '{typo}'. Did you mean {names}?"
    return f"No such command '{typo}'. The commands are: {', '.join(commands)}."


class SuggestingGroup(TyperGroup):
    """A typer group whose unknown-command error names the nearest command(s)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        install_help(self, ctx)  # its --help converted without pydantic (quick_params)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            name, command, rest = super().resolve_command(ctx, args)
        except TyperException as exc:
            message = getattr(exc, "message", None)
            if args and isinstance(message, str) and message.startswith("No such command"):
                visible = [name for name in self.list_commands(ctx)
                           if not getattr(self.commands.get(name), "hidden", False)]
                exc.message = no_such_command(args[0], visible)
            raise
        if command is not None:
            install_help(command, ctx)
        return name, command, rest
