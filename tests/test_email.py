"""Email delivery against a real SMTP server (aiosmtpd) on a free loopback port."""

from __future__ import annotations

import asyncio
import contextlib
import email
import socket
import threading
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from typer.testing import CliRunner

from briefing.cli import app
from tests.conftest import Built

runner = CliRunner()


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses listed recipients."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.messages: list[Message] = []
        self.refuse = refuse

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"analyst"
        and auth_data.password == b"s3cret"
    )
    return AuthResult(success=ok, handled=False)


@contextlib.contextmanager
def serve(inbox: Inbox, **options: Any) -> Iterator[int]:
    """Run aiosmtpd's SMTP server on a free loopback port, in a thread with its own loop.

    aiosmtpd's Controller leaves event loops open (one per session when none is given),
    which pytest reports; here every session gets our loop and we close it.
    """
    port = _free_port()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(inbox, loop=loop, **options), "127.0.0.1", port)
    )
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.run_until_complete(loop.shutdown_asyncgens())
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()


@pytest.fixture()
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox(refuse=("nobody@example.org",))
    with serve(
        inbox, authenticator=_authenticator, auth_require_tls=False, data_size_limit=2_000_000
    ) as port:
        yield inbox, port


def _email(pdf: Path, port: int, *extra: str, env: dict[str, str] | None = None) -> Any:
    args = [
        "email",
        str(pdf),
        "--to",
        "desk@example.org",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
    ]
    return runner.invoke(app, [*args, *extra], env=env or {})


def test_email_delivers_pdf_and_summary(built: Built, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    result = _email(built.outputs.pdf, port, "--subject", "Morning briefing")
    assert result.exit_code == 0, result.stderr
    [message] = inbox.messages
    assert message["Subject"] == "Morning briefing"
    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["application/pdf"].get_payload(decode=True) == built.outputs.pdf.read_bytes()
    text = parts["text/plain"].get_payload(decode=True).decode()
    assert built.briefing.consensus[0].text in text
    assert "<li>" in parts["text/html"].get_payload(decode=True).decode()


def test_email_logs_in_with_password_from_environment(built: Built, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    result = _email(
        built.outputs.pdf, port, "--smtp-user", "analyst", env={"BRIEFING_SMTP_PASSWORD": "s3cret"}
    )
    assert result.exit_code == 0, result.stderr
    assert len(inbox.messages) == 1
    assert "s3cret" not in result.stdout + result.stderr


def test_email_authentication_failure_is_one_line_exit_1(built: Built, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    result = _email(
        built.outputs.pdf, port, "--smtp-user", "analyst", env={"BRIEFING_SMTP_PASSWORD": "wrong"}
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "authentication failed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert inbox.messages == []


def test_email_refused_recipient_is_named(built: Built, smtp: tuple[Inbox, int]) -> None:
    _, port = smtp
    result = runner.invoke(
        app,
        [
            "email",
            str(built.outputs.pdf),
            "--to",
            "nobody@example.org",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(port),
        ],
    )
    assert result.exit_code == 1
    assert "nobody@example.org" in result.stderr and "refused" in result.stderr


def test_email_over_size_limit_is_refused_before_sending(built: Built, tmp_path: Path) -> None:
    inbox = Inbox()
    with serve(inbox, data_size_limit=10_000) as port:
        result = _email(built.outputs.pdf, port)
    assert result.exit_code == 1
    assert "over the server's limit" in result.stderr
    assert inbox.messages == []


def test_email_connection_refused(built: Built) -> None:
    result = _email(built.outputs.pdf, _free_port())
    assert result.exit_code == 1
    assert "connection refused" in result.stderr


def test_email_without_password_and_terminal_says_how(built: Built, smtp: tuple[Inbox, int]) -> None:
    _, port = smtp
    result = _email(built.outputs.pdf, port, "--smtp-user", "analyst")
    assert result.exit_code == 1
    assert "BRIEFING_SMTP_PASSWORD" in result.stderr


def test_email_eml_writes_the_message_instead(built: Built, tmp_path: Path) -> None:
    target = tmp_path / "briefing.eml"
    result = runner.invoke(
        app, ["email", str(built.outputs.pdf), "--to", "desk@example.org", "--eml", str(target)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(target)
    message = email.message_from_bytes(target.read_bytes())
    assert message["To"] == "desk@example.org"
    assert any(part.get_content_type() == "application/pdf" for part in message.walk())


def test_build_email_to_builds_and_sends(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    from tests.conftest import CORPUS

    inbox, port = smtp
    result = runner.invoke(
        app,
        ["build", str(CORPUS), "--out", str(tmp_path), "--email-to", "desk@example.org", "--summary-json"],
        env={"BRIEFING_SMTP_HOST": "127.0.0.1", "BRIEFING_SMTP_PORT": str(port)},
    )
    assert result.exit_code == 0, result.stderr
    import json

    summary = json.loads(result.stdout)
    assert summary["emailed"] == ["desk@example.org"]
    assert summary["articles"] == 5 and Path(summary["pdf"]).is_file()
    assert len(inbox.messages) == 1
