"""The engine adapter: the only part of ``infopsoc`` that imports MkDocs or Material.

``mkdocs.yml`` names the plugin ``infopsoc`` (entry point ``infopsoc.plugin:InfoPsocPlugin``).
Porting the site to another engine means writing another adapter in place of this folder.
"""

from infopsoc.plugin.events import InfoPsocPlugin

__all__ = ["InfoPsocPlugin"]
