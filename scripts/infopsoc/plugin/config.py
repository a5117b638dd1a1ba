"""The plugin's options in ``mkdocs.yml`` (``plugins: - infopsoc: …``), typed as MkDocs wants.

They are declared once, engine-neutral, in :mod:`infopsoc.content.options` (names, types,
defaults, French descriptions); this module only turns each declaration into a MkDocs config
option. The CLI and the other engines read the same declaration through
``content.model.Settings.from_mkdocs_yml``.
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from infopsoc.content.options import OPTIONS, Option


def config_option(option: Option) -> c.BaseConfigOption:
    """The MkDocs config option of one declared option."""
    if option.keys:  # a group of options (editor:), each checked, an unknown key refused as MkDocs does
        return c.SubConfig(config_class(f"{option.name.title()}Config", option.keys))
    if option.kind is list:
        return c.ListOfItems(c.Type(str), default=option.default_value())
    if option.default is None:
        return c.Optional(c.Type(option.kind))
    return c.Type(option.kind, default=option.default_value())


def config_class(name: str, options: tuple[Option, ...]) -> type[Config]:
    """A MkDocs ``Config`` class with one typed option per declaration."""
    return type(name, (Config,), {"__module__": __name__, **{o.name: config_option(o) for o in options}})


InfoPsocConfig = config_class("InfoPsocConfig", OPTIONS)
