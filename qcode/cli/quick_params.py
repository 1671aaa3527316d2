"""Command-line values converted without pydantic where the value is plainly valid.

typer 0.29 converts every parameter's value (given, or its default) through a pydantic
``TypeAdapter`` that it builds on first use: importing pydantic, its plugin loader and
``importlib.metadata`` costs about 0.1 s of CPU, which ``qcode matrix --help`` or a usage
error paid only because the root's ``--project`` was converted. qcode's parameters are all
simple: ``str``, ``bool``, ``int``/``float`` (some with a minimum or maximum), ``Path``,
an ``Enum`` of choices, and lists of ``str`` or ``Path``.

:func:`install` gives each parameter of a command tree a :class:`QuickParam`: it converts a
value that is plainly valid exactly as typer's adapter would (same type, same value), and
hands everything else (an invalid value, an annotation it does not know, a parameter with
path checks or a parser) to typer's own conversion, which then raises typer's own message.
So results and messages are typer's; only the cost of the common case changes.

This relies on typer 0.29's lazy hook (a parameter's ``_runtime_param``, filled by
``get_runtime_param`` on first use). Where a typer version has no such hook, nothing is
installed and typer converts everything itself; tests/cli/test_quick_params.py checks both
that the hook is in use and that each kind of value converts as typer converts it.
"""

from __future__ import annotations

import os
import re
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

#: a conversion this module does not make: typer's own takes over
UNSURE = object()

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")
#: typer's path options at their defaults: no check beyond "readable when it exists"
_PATH_DEFAULTS = {"exists": False, "file_okay": True, "dir_okay": True, "writable": False,
                  "readable": True, "resolve_path": False, "allow_dash": False,
                  "path_type": None}


def install(command: Any) -> int:
    """Give every parameter of ``command`` (a click command or group built by typer) and of
    its sub-commands a :class:`QuickParam`; returns how many were given one (0 where the
    typer in use has no lazy conversion hook)."""
    done = sum(install_param(param) for param in getattr(command, "params", ()))
    for sub in getattr(command, "commands", {}).values():
        done += install(sub)
    return done


def install_help(command: Any, ctx: Any) -> None:
    """The same for the ``--help`` option of ``command``, which click makes per context
    (it is converted too, even when not given)."""
    install_param(command.get_help_option(ctx))


def install_param(param: Any) -> int:
    """Give one parameter a :class:`QuickParam` (1), or leave it to typer (0)."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not hasattr(param, "get_runtime_param"):
        return 0
    if getattr(param, "_runtime_param", UNSURE) is not None:
        return 0  # no hook, or a conversion is already in place
    param._runtime_param = QuickParam(descriptor.annotation, descriptor.parameter_info)
    return 1


class QuickParam:
    """The conversion of one parameter: plainly valid values here, the rest by typer."""

    def __init__(self, annotation: Any, info: Any) -> None:
        self.annotation = annotation
        self.info = info

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """What typer's ``RuntimeParam.coerce`` returns for ``value``."""
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None
        if not (multiple and isinstance(value, str)):
            quick = self.convert(value, ctx)
            if quick is not UNSURE:
                return quick
        # typer's own conversion from here on: its value, or its error message
        param._runtime_param = None
        return param.get_runtime_param().coerce(value, param=param, ctx=ctx)

    def convert(self, value: Any, ctx: Any) -> Any:
        """``value`` converted, or :data:`UNSURE`."""
        if self.info.parser is not None:
            return UNSURE
        if get_origin(self.annotation) is list:
            (item,) = get_args(self.annotation)
            if not isinstance(value, list | tuple):
                return UNSURE
            items = [leaf(item, self.info, v, ctx) for v in value]
            return UNSURE if any(v is UNSURE for v in items) else items
        return leaf(self.annotation, self.info, value, ctx)


def leaf(annotation: Any, info: Any, value: Any, ctx: Any) -> Any:
    """One value of a simple annotation, as typer's adapter converts it, or UNSURE."""
    if annotation is str:
        return value if type(value) is str else UNSURE
    if annotation is bool:
        return value if type(value) is bool else UNSURE
    if annotation is int or annotation is float:
        return number(annotation, info, value)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return choice(annotation, info, value, ctx)
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return path(annotation, info, value)
    return UNSURE


def number(annotation: type, info: Any, value: Any) -> Any:
    """An int or float from a plain decimal (or a number default), inside min and max."""
    if info.clamp:
        return UNSURE
    if type(value) is str:
        if not (_INT if annotation is int else _FLOAT).fullmatch(value):
            return UNSURE
        value = annotation(value)
    elif type(value) is int or (type(value) is float and annotation is float):
        value = annotation(value)
    else:
        return UNSURE
    if info.min is not None and not value >= info.min:
        return UNSURE
    if info.max is not None and not value <= info.max:
        return UNSURE
    return value


def choice(annotation: type[Enum], info: Any, value: Any, ctx: Any) -> Any:
    """The member of the Enum named by ``value`` (typer's normalisation), or UNSURE."""
    if isinstance(value, annotation):
        return value
    if type(value) is not str:
        return UNSURE
    normalise = getattr(ctx, "token_normalize_func", None)

    def normal(text: str) -> str:
        if normalise is not None:
            text = normalise(text)
        return text if info.case_sensitive else text.casefold()

    wanted = normal(value)
    for member in annotation:
        if normal(str(member.value)) == wanted:
            return member
    return UNSURE


def path(annotation: type[Path], info: Any, value: Any) -> Any:
    """A Path for a parameter without path checks (typer refuses only an unreadable path
    that exists), or UNSURE."""
    if any(getattr(info, k, d) != d for k, d in _PATH_DEFAULTS.items()):
        return UNSURE
    if isinstance(value, annotation):
        result = value
    elif type(value) is str and value and "\x00" not in value:
        result = annotation(value)
    else:
        return UNSURE
    try:
        os.stat(result)
    except OSError:
        return result
    return result if os.access(result, os.R_OK) else UNSURE
