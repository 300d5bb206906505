from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_consultation, parse_consultation

GOOD = """
[consultation]
title = "Town Centre Parking & Active Travel"
[[sources]]
path = "responses.csv"
kind = "responses"
stage = "problem"
text = ["Q3"]
[[sources]]
path = "decision.docx"
kind = "document"
stage = "decision"
"""


def test_valid_file_resolves_paths_and_defaults() -> None:
    config = parse_consultation(GOOD, Path("/data/c/consultation.toml"))
    assert config.slug == "town-centre-parking-active-travel"
    assert config.sources[0].path == Path("/data/c/responses.csv")
    assert config.analysis.link_threshold == 0.60
    assert config.stages() == ["problem", "decision"]


def test_bad_kind_names_the_key_and_the_choices() -> None:
    with pytest.raises(ConfigError) as error:
        parse_consultation(GOOD.replace('kind = "responses"', 'kind = "survey"'), Path("c.toml"))
    message = str(error.value)
    assert "c.toml" in message
    assert "sources[0].kind" in message
    assert "'responses', 'transcript', 'document' or 'decisions'" in message


def test_unknown_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"analysis\.link_treshold: Extra inputs are not permitted"):
        parse_consultation(GOOD + "[analysis]\nlink_treshold = 0.5\n", Path("c.toml"))


def test_threshold_out_of_range() -> None:
    with pytest.raises(ConfigError, match=r"analysis\.link_threshold: Input should be less than 1"):
        parse_consultation(GOOD + "[analysis]\nlink_threshold = 1.5\n", Path("c.toml"))


def test_text_columns_are_optional() -> None:
    config = parse_consultation(GOOD.replace('text = ["Q3"]', ""), Path("c.toml"))
    assert config.sources[0].text == ()


def test_invalid_toml_says_where() -> None:
    with pytest.raises(ConfigError, match=r"c\.toml: not valid TOML: .*line 2"):
        parse_consultation('[consultation]\ntitle = "unterminated\n', Path("c.toml"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read consultation file"):
        load_consultation(tmp_path / "nope.toml")


def test_the_sample_file_is_valid(sample_dir: Path) -> None:
    config = load_consultation(sample_dir / "consultation.toml")
    assert config.slug == "harbourside-transport"
    assert [s.kind for s in config.sources] == ["responses", "transcript", "document", "document"]
    assert config.sources[1].speakers["Mark Ellis (Transport Officer)"] == "officer"


def test_one_granularity_setting_at_most() -> None:
    text = GOOD + "[analysis]\ntarget_themes = 12\nmin_theme_share = 0.02\n"
    with pytest.raises(ConfigError, match="set at most one of min_theme_share, target_themes"):
        parse_consultation(text, Path("c.toml"))
    config = parse_consultation(GOOD + "[analysis]\ntarget_themes = 12\nparent_themes = 0\n", Path("c.toml"))
    assert config.analysis.target_themes == 12
    assert config.analysis.parent_themes == 0


def test_codebook_entries() -> None:
    book = """
[[codebook]]
name = "Evening buses"
description = "Buses after 7pm and on Sundays."
examples = ["No bus home after six."]
[[codebook]]
name = "Parking charges"
"""
    config = parse_consultation(GOOD + book, Path("c.toml"))
    assert [c.name for c in config.codebook] == ["Evening buses", "Parking charges"]
    assert config.codebook[0].examples == ("No bus home after six.",)
    with pytest.raises(ConfigError, match="codebook: theme names must be unique"):
        parse_consultation(GOOD + book + '[[codebook]]\nname = "evening buses"\n', Path("c.toml"))
    with pytest.raises(ConfigError, match=r"codebook\[0\]\.name"):
        parse_consultation(GOOD + '[[codebook]]\nname = ""\n', Path("c.toml"))


def test_an_empty_language_list_is_refused() -> None:
    from pydantic import ValidationError

    from pipeline.config import Analysis

    with pytest.raises(ValidationError, match="languages"):
        Analysis(languages=())


def test_a_decisions_table_names_its_columns() -> None:
    table = '[[sources]]\npath = "minutes.csv"\nkind = "decisions"\nstage = "decision"\n'
    with pytest.raises(ConfigError, match="a decisions table needs outcome"):
        parse_consultation(GOOD + table, Path("c.toml"))
    parsed = parse_consultation(GOOD + table + 'id = "No."\noutcome = "Decision"\n', Path("c.toml"))
    assert parsed.sources[-1].outcome == "Decision"
    with pytest.raises(ConfigError, match="only a decisions table"):
        parse_consultation(GOOD.replace('kind = "responses"', 'kind = "responses"\noutcome = "x"'), Path("c.toml"))
