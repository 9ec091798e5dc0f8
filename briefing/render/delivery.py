"""Send a built briefing by email: the PDF attached, the executive summary as the body."""

from __future__ import annotations

import html
import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from briefing.errors import BriefingError
from briefing.files import write_atomic


class DeliveryError(BriefingError):
    """The message could not be composed or the server would not take it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Server:
    """Where and how to send: host, port, security and credentials."""

    host: str
    port: int
    security: str = "none"  # "none", "starttls" or "ssl"
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


def compose(pdf: Path, *, to: tuple[str, ...], sender: str, subject: str | None = None) -> EmailMessage:
    """A message with the PDF attached and the briefing's summary as text and HTML."""
    if not to:
        raise DeliveryError("no recipient; pass --to ADDRESS")
    try:
        data = pdf.read_bytes()
    except OSError as exc:
        raise DeliveryError(
            f"{pdf}: cannot be read ({exc.strerror}); pass the briefing.pdf that build wrote"
        ) from None
    if not data.startswith(b"%PDF-"):
        raise DeliveryError(f"{pdf}: not a PDF; pass the briefing.pdf that build wrote")
    summary = _summary(pdf.with_name("briefing.json"))
    title = summary.get("title") or pdf.stem
    message = EmailMessage()
    message["Subject"] = subject or f"Briefing: {title}"
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    points = summary.get("points", [])
    text_lines = [title, "", "What the outlets agree on:", ""]
    text_lines += [f"- {p['text']} ({', '.join(p['outlets'])})" for p in points] or ["(see the attached PDF)"]
    text_lines += ["", "The full briefing is attached as a PDF."]
    message.set_content("\n".join(text_lines) + "\n")
    items = "".join(
        f"<li>{html.escape(p['text'])} <small>({html.escape(', '.join(p['outlets']))})</small></li>"
        for p in points
    )
    message.add_alternative(
        f"<html><body><h1>{html.escape(title)}</h1><p>What the outlets agree on:</p>"
        f"<ul>{items}</ul><p>The full briefing is attached as a PDF.</p></body></html>",
        subtype="html",
    )
    message.add_attachment(data, maintype="application", subtype="pdf", filename=pdf.name)
    return message


def send(message: EmailMessage, server: Server) -> None:
    """Hand the message to the SMTP server; every refusal becomes one clear DeliveryError."""
    where = f"{server.host}:{server.port}"
    raw = message.as_bytes()
    try:
        client: smtplib.SMTP
        if server.security == "ssl":
            client = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        with client:
            client.ehlo()
            if server.security == "starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            limit = int(client.esmtp_features.get("size", "0") or 0)
            if limit and len(raw) > limit:
                raise DeliveryError(
                    f"{where}: the message is {len(raw):,} bytes, over the server's limit of {limit:,}; "
                    "send a smaller PDF (plain variant) or use another server"
                )
            if server.user:
                client.login(server.user, server.password or "")
            client.send_message(message)
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(
            f"{where}: authentication failed for {server.user!r}; "
            "check --smtp-user and BRIEFING_SMTP_PASSWORD"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(
            f"{addr} ({code} {_text(reply)})" for addr, (code, reply) in exc.recipients.items()
        )
        raise DeliveryError(f"{where}: recipient refused: {refused}; check the --to addresses") from None
    except smtplib.SMTPSenderRefused as exc:
        if exc.smtp_code == 552:
            raise DeliveryError(
                f"{where}: message too large for the server ({_text(exc.smtp_error)})"
            ) from None
        raise DeliveryError(
            f"{where}: sender {exc.sender!r} refused ({_text(exc.smtp_error)}); check --from"
        ) from None
    except smtplib.SMTPDataError as exc:
        if exc.smtp_code == 552:
            raise DeliveryError(
                f"{where}: message too large for the server ({_text(exc.smtp_error)})"
            ) from None
        raise DeliveryError(f"{where}: message refused ({exc.smtp_code} {_text(exc.smtp_error)})") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"{where}: {exc}; try --starttls or --ssl, or no --smtp-user") from None
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"{where}: SMTP error ({exc}); check the server settings") from None
    except ConnectionRefusedError:
        raise DeliveryError(f"{where}: connection refused; check --smtp-host and --smtp-port") from None
    except (TimeoutError, ssl.SSLError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        raise DeliveryError(
            f"{where}: cannot connect ({reason}); check --smtp-host, --smtp-port and --ssl"
        ) from None


def write_eml(message: EmailMessage, path: Path) -> None:
    """The message as an .eml file instead of sending it."""
    write_atomic(path, message.as_bytes())


def _summary(path: Path) -> dict[str, Any]:
    """Title and consensus points from briefing.json beside the PDF, if it is there."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {"title": document.get("title"), "points": list(document.get("consensus", []))[:8]}


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
