"""What the CLI prints: no notification credential, no rich markup or emoji out of user data."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from compliance.cli import app as cli
from compliance.followup.targets import mask_url
from compliance.settings import get_settings

SECRETS = {
    "mailto://thu.ky:mật-khẩu-1@mail.congdoan.vn?to=ubkt@congdoan.vn": (
        "mailto://***@mail.congdoan.vn/…", ["mật-khẩu-1", "thu.ky", "ubkt"],
    ),
    "tgram://123456789:AAHdkeYxSecret/987654": ("tgram://123…/…", ["AAHdkeYxSecret", "987654"]),
    "json://127.0.0.1:8080/hook?token=s3cr3t": ("json://127.0.0.1:8080/…", ["s3cr3t", "token"]),
    "discord://webhookid/webhooktoken": ("discord://web…/…", ["webhooktoken", "webhookid"]),
    "https://hooks.slack.com/services/T000/B000/XXXX": ("https://hooks.slack.com/…", ["T000"]),
}  # fmt: off


@pytest.mark.parametrize("url", list(SECRETS))
def test_a_target_is_shown_as_scheme_and_host_only(url):
    shown, secrets = SECRETS[url]
    assert mask_url(url) == shown
    assert not any(secret in shown for secret in secrets)


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    get_settings.cache_clear()


def test_notify_list_masks_credentials(database):
    runner = CliRunner()
    for url in SECRETS:
        added = runner.invoke(cli, ["notify", "add", "*", url])
        assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["notify", "list"])
    assert listed.exit_code == 0
    for url, (shown, secrets) in SECRETS.items():
        assert shown in listed.output
        assert not any(secret in listed.output for secret in secrets), url


def test_markup_and_emoji_codes_in_user_data_are_printed_as_typed(database):
    runner = CliRunner()
    added = runner.invoke(cli, ["notify", "add", "[bold]:x:[/bold]", "json://127.0.0.1/x"])
    assert added.exit_code == 0, added.output
    assert "[bold]:x:[/bold]" in added.output and "❌" not in added.output
    refused = runner.invoke(cli, ["tasks", "update", "1", "--status", "sai:x:[red]"])
    assert refused.exit_code == 1
    assert "sai:x:[red]" in refused.output and "❌" not in refused.output
    listed = runner.invoke(cli, ["notify", "list"])
    assert "[bold]:x:[/bold]" in listed.output and "❌" not in listed.output
