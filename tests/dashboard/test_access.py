"""Dashboard access: the built-in sign-in, the allow list, the proxy header, the CLI's checks."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboard.access import allowed, check_auth_file
from flows.cli import app as cli
from flows.cli import streamlit_command
from pipeline import review
from pipeline.store import latest_run

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-kept-secret",
    "client_id": "throughline",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://login.example/.well-known/openid-configuration",
}


def test_allow_list_admits_domains_and_addresses() -> None:
    allow = ["@harbourside.gov.uk", "Ann.Researcher@uni.example"]
    assert allowed("j.smith@harbourside.gov.uk", allow)
    assert allowed("ann.researcher@UNI.example", allow)
    assert not allowed("someone@uni.example", allow)
    assert not allowed("x@harbourside.gov.uk.evil.example", allow)
    assert not allowed(None, allow)
    assert allowed("anyone@anywhere.example", [])  # no list: whoever the provider lets in


def test_auth_file_problems_are_named(tmp_path: Path) -> None:
    assert check_auth_file(tmp_path / "none.toml") == [f"{tmp_path / 'none.toml'}: no such file"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[auth\n", encoding="utf-8")
    assert "not valid TOML" in check_auth_file(bad)[0]
    partial = tmp_path / "partial.toml"
    partial.write_text('[auth]\nclient_id = "x"\n[throughline]\nallow = "@x.example"\n', encoding="utf-8")
    problems = check_auth_file(partial)
    assert "lacks redirect_uri, cookie_secret, client_secret, server_metadata_url" in problems[0]
    assert "allow must be a list" in problems[1]
    good = tmp_path / "secrets.toml"
    good.write_text("[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in AUTH.items()), encoding="utf-8")
    assert check_auth_file(good) == []
    assert streamlit_command("127.0.0.1", 8501, good)[-2:] == ["--secrets.files", str(good.resolve())]


def test_cli_refuses_a_broken_auth_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["dashboard", "-w", str(tmp_path), "--auth", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2
    assert "missing.toml: no such file" in " ".join(result.output.split())  # rich wraps long lines
    both = CliRunner().invoke(
        cli, ["dashboard", "-w", str(tmp_path), "--auth", "x.toml", "--user-header", "X-Forwarded-Email"]
    )
    assert both.exit_code == 2
    assert "not both" in " ".join(both.output.split())


@pytest.mark.slow
def test_sign_in_gates_every_page_and_names_the_reviewer(workspace_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace_copy))
    app = AppTest.from_file(APP, default_timeout=90)
    app.secrets["auth"] = AUTH
    app.secrets["throughline"] = {"allow": ["@harbourside.gov.uk"]}
    app.user = {"is_logged_in": False}
    app.run()
    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.metric  # nothing of the consultation shows
    app.switch_page("views/themes.py").run()
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.subheader

    app.user = {"is_logged_in": True, "name": "Eve", "email": "eve@elsewhere.example"}
    app.run()
    assert "eve@elsewhere.example is not on this dashboard's list of users." in [e.value for e in app.error]
    assert not app.subheader

    app.user = {"is_logged_in": True, "name": "Ann Officer", "email": "ann@harbourside.gov.uk"}
    app.switch_page("views/trace.py").run()
    assert not app.exception
    assert "Signed in as Ann Officer <ann@harbourside.gov.uk>" in [c.value for c in app.sidebar.caption]
    assert not [t for t in app.sidebar.text_input if t.key == "reviewer"]  # the name is not typed
    reject = next(b for b in app.button if b.key and b.key.startswith("reject|"))
    reject.click().run()
    assert not app.exception
    log = review.store_for(latest_run(workspace_copy, "harbourside-transport") or workspace_copy).audit_log()
    assert log["who"].to_list() == ["Ann Officer <ann@harbourside.gov.uk>"]


@pytest.mark.slow
def test_proxy_mode_refuses_requests_without_the_header(
    sample_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(sample_workspace))
    monkeypatch.setenv("THROUGHLINE_USER_HEADER", "X-Forwarded-Email")
    app = AppTest.from_file(APP, default_timeout=90).run()
    assert not app.exception
    assert "carried no X-Forwarded-Email header" in app.error[0].value
    assert not app.metric
