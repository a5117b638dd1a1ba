"""The options of ``mkdocs.yml`` are declared once (content/options.py) and every reader takes them
from there: the MkDocs configuration class (plugin/config.py), ``Settings`` (its fields, from_options,
from_mkdocs_yml: the CLI and the other engines) and the editor's keys. These tests fail when a list
drifts from the declaration."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from mkdocs.config import load_config
from mkdocs.config import config_options as c

from infopsoc.cli.commands import main
from infopsoc.content import options as declared
from infopsoc.content.model import Settings
from infopsoc.content.options import EDITOR, OPTIONS, Option, OptionError, read_options
from infopsoc.plugin import config as plugin_config
from infopsoc.plugin.config import InfoPsocConfig, config_class

#: a value other than the default, for each kind
SAMPLES = {str: "autre-dossier", bool: True, list: ["ABC", "DEF"]}
#: a value of the wrong kind, for each kind
WRONG = {str: ["a"], bool: "oui", list: "MAIS", dict: ["repo"]}


def _sample(option: Option):
    if option.keys:
        return {o.name: f"valeur-{o.name}" for o in option.keys}
    return SAMPLES[option.kind]


def _mkdocs_yml(folder: Path, options: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "content").mkdir(exist_ok=True)
    config = folder / "mkdocs.yml"
    config.write_text(yaml.safe_dump({"site_name": "Essai", "site_url": "https://exemple.org/x/", "docs_dir": "content",
                                      "plugins": [{"infopsoc": options}]}, allow_unicode=True), encoding="utf-8")
    return config


def _mkdocs_plugin_options(config: Path) -> dict:
    """The options as MkDocs itself reads and validates them (the real plugin, no build)."""
    loaded = load_config(str(config))
    return dict(loaded.plugins["infopsoc"].config)


def test_the_mkdocs_class_has_exactly_the_declared_options_and_defaults():
    schema = dict(InfoPsocConfig._schema)
    assert list(schema) == [o.name for o in OPTIONS]
    defaults = InfoPsocConfig()
    defaults.load_dict({})
    assert defaults.validate() == ([], [])
    for option in OPTIONS:
        if option.keys:
            assert isinstance(schema[option.name], c.SubConfig)
            assert dict(defaults[option.name]) == {o.name: o.default for o in option.keys}
            assert option.default == {o.name: o.default for o in option.keys if o.default is not None}
        else:
            assert defaults[option.name] == option.default, option.name


def test_every_option_is_a_settings_field_with_the_declared_default():
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    bare = Settings(root=Path("."))
    for option in OPTIONS:
        assert option.name in fields, f"content/options.py declares « {option.name} »: add it to Settings"
        expected = False if option.name == "drafts" else option.default  # not set: no drafts
        assert getattr(bare, option.name) == expected, option.name
    assert bare.editor_branch == next(o.default for o in EDITOR if o.name == "branch")


def test_an_option_written_in_mkdocs_yml_reaches_every_reader(tmp_path):
    """Every option, written with a value other than its default: MkDocs' plugin, Settings from the
    plugin (the build) and Settings from mkdocs.yml without MkDocs (the CLI, other engines) agree."""
    written = {o.name: _sample(o) for o in OPTIONS}
    config = _mkdocs_yml(tmp_path / "projet", written)
    from_mkdocs = _mkdocs_plugin_options(config)
    by_build = Settings.from_options(config.parent, "https://exemple.org/x/", from_mkdocs)
    by_cli = Settings.from_mkdocs_yml(config)
    for option in OPTIONS:
        assert from_mkdocs[option.name] == written[option.name], option.name
        assert getattr(by_build, option.name) == getattr(by_cli, option.name) == written[option.name], option.name
    assert by_cli.editor_branch == by_build.editor_branch == "valeur-branch"


def test_nothing_written_gives_the_same_settings_to_the_build_and_the_cli(tmp_path):
    config = _mkdocs_yml(tmp_path / "projet", {})
    by_build = Settings.from_options(config.parent, "https://exemple.org/x/", _mkdocs_plugin_options(config))
    by_cli = Settings.from_mkdocs_yml(config)
    for option in OPTIONS:
        assert getattr(by_build, option.name) == getattr(by_cli, option.name), option.name


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o.name)
def test_a_wrong_value_is_refused_by_mkdocs_and_by_the_cli(option):
    """The same values are refused by both readers; the CLI says it in French with the description."""
    mkdocs = InfoPsocConfig()
    mkdocs.load_dict({option.name: WRONG[option.kind]})
    failed, _warnings = mkdocs.validate()
    assert [name for name, _error in failed] == [option.name]
    with pytest.raises(OptionError) as refused:
        read_options({option.name: WRONG[option.kind]})
    assert f"l'option « {option.name} » doit être" in str(refused.value)
    assert option.description in str(refused.value)


def test_an_unknown_option_is_a_warning_for_mkdocs_and_an_error_for_check(tmp_path):
    for options, expected in (({"drafs": True}, "option « drafs » inconnue dans « - infopsoc: » — vouliez-vous écrire « drafts » ?"),
                              ({"editor": {"brnch": "x"}}, "option « brnch » inconnue dans « editor: » — vouliez-vous écrire « branch » ?")):
        mkdocs = InfoPsocConfig()
        mkdocs.load_dict(options)
        failed, warnings = mkdocs.validate()
        assert failed == [] and len(warnings) == 1  # `mkdocs build --strict` stops on it
        config = _mkdocs_yml(tmp_path / next(iter(options)), options)
        result = CliRunner().invoke(main, ["-f", str(config), "check"], prog_name="infopsoc")
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"mkdocs.yml : {expected}" in result.output, result.output
        assert "corrigez le bloc « - infopsoc: »" in result.output


def test_an_option_added_to_the_declaration_reaches_mkdocs_and_the_cli(monkeypatch):
    """A new declared option needs no other list: MkDocs' class and the CLI's reader take it."""
    new = Option("sommaire", bool, None, "montrer un sommaire")
    monkeypatch.setattr(declared, "OPTIONS", (*OPTIONS, new))
    monkeypatch.setattr(declared, "_BY_NAME", {o.name: o for o in (*OPTIONS, new)})
    extended = config_class("Extended", declared.OPTIONS)
    mkdocs = extended()
    mkdocs.load_dict({"sommaire": True})
    assert mkdocs.validate() == ([], []) and mkdocs["sommaire"] is True
    assert read_options({"sommaire": True}) == {"sommaire": True}
    mkdocs = extended()
    mkdocs.load_dict({"sommaire": "oui"})
    assert [name for name, _ in mkdocs.validate()[0]] == ["sommaire"]
    with pytest.raises(OptionError, match="montrer un sommaire"):
        read_options({"sommaire": "oui"})
    # … and Settings says it lacks the field (the test above fails), so the lists cannot drift
    assert "sommaire" not in {f.name for f in dataclasses.fields(Settings)}
    assert plugin_config.config_option(new) is not None
