"""Help that names values as a user would (FILE, TEXT, INTEGER), never by their Python types.

Typer shows a parameter with no metavar by its annotation (`<str>`, `<bool>` on flags, `<list[Path]>`) and
a required argument as `{path}`. `App` is a Typer whose commands and groups give every such parameter a
plain name when they are built; a metavar written in a command still wins."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

_NAMES = {"int": "INTEGER", "float": "NUMBER", "str": "TEXT", "Path": "PATH", "date": "DATE", "datetime": "DATE"}


class _Argument(TyperArgument):
    """An argument shown by its name alone: REPORT, not `{REPORT} <str>`."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        return (name if self.required else f"[{name}]") + ("..." if self.nargs != 1 else "")


def _plain(param: Any) -> None:
    if isinstance(param, TyperArgument):
        param.__class__ = _Argument
        if param.metavar is None:
            param.metavar = (param.name or "value").upper()
        return
    if param.metavar is not None:
        return
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        param.metavar = ""
        return
    annotation = param.type_descriptor.annotation
    for arg in getattr(annotation, "__args__", ()):  # list[Path] -> Path: a repeated option names one value
        annotation = arg
    param.metavar = _NAMES.get(getattr(annotation, "__name__", ""), "VALUE")


class _Plain:
    params: list

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _plain(param)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = ""
        return option


class Command(_Plain, TyperCommand):
    pass


class Group(_Plain, TyperGroup):
    pass


class App(typer.Typer):
    """A Typer app whose commands and groups have plain help (see the module's docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=Group, **kwargs)

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or Command, **kwargs)
