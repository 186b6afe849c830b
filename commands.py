"""Command-line tasks: ``create-counselor``, ``seed-demo``, ``backup``, ``restore`` and ``mail``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask
from sqlalchemy import func, select

from domain import backup, demo, invitations
from domain.accounts import create_counselor, email_taken
from domain.passwords import hash_password, password_problem
from extensions import db
from models import Couple, Partner, Role, User, utcnow

DEMO_DOMAIN = "demo.hearth.example.com"
DEMO_COUNSELOR = f"counselor@{DEMO_DOMAIN}"
DEMO_PARTNERS = (("Sam", f"sam@{DEMO_DOMAIN}"), ("Alex", f"alex@{DEMO_DOMAIN}"))


def register(app: Flask) -> None:
    app.cli.add_command(create_counselor_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(mail_group)


@click.command("create-counselor")
@click.argument("email")
@click.option("--name", required=True, help="The counselor's name as couples will see it.")
@click.option(
    "--password-env",
    default="HEARTH_COUNSELOR_PASSWORD",
    show_default=True,
    help="Read the password from this environment variable instead of asking.",
)
def create_counselor_command(email: str, name: str, password_env: str) -> None:
    """Create a counselor account (there is no open sign-up)."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.UsageError(f"{email!r} is not an e-mail address we can use: {error}") from None
    if not name.strip():
        raise click.UsageError("--name cannot be empty.")
    if email_taken(email):
        raise click.ClickException(f"An account with {email} already exists.")
    password = os.environ.get(password_env)
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    user = create_counselor(email, name, password)
    db.session.commit()
    click.echo(f"Counselor {user.display_name} <{user.email}> created. Sign in at /login.")


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Add the demo even though real accounts exist.")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and succeed) when the database already has accounts.",
)
def seed_demo_command(force: bool, if_empty: bool) -> None:
    """Add a demo counselor, a couple who have both joined, and a couple still invited."""
    existing = db.session.scalar(select(func.count(User.id)))
    demo_present = email_taken(DEMO_COUNSELOR)
    if existing and if_empty:
        if demo_present:
            click.echo(
                f"Demo data is already here. Sign in as {DEMO_COUNSELOR}, {DEMO_PARTNERS[0][1]} "
                f"or {DEMO_PARTNERS[1][1]} (password as printed when it was first seeded)."
            )
        return
    if demo_present:
        raise click.ClickException("The demo accounts already exist.")
    if existing and not force:
        raise click.ClickException(
            f"This database already has {existing} account(s). The demo is for an empty "
            "database; use --force to add it anyway."
        )
    password = os.environ.get("HEARTH_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    problem = password_problem(password)
    if problem:
        raise click.ClickException(f"HEARTH_DEMO_PASSWORD: {problem}")

    seed_demo(password)
    db.session.commit()
    click.echo("Demo data added. Sign in at http://127.0.0.1:5000/login with:")
    click.echo(f"  counselor  {DEMO_COUNSELOR}")
    for name, email in DEMO_PARTNERS:
        click.echo(f"  partner    {email}  ({name})")
    click.echo(f"  password   {password}   (the same for all three)")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace PATH if it already exists.")
def backup_command(path: Path, overwrite: bool) -> None:
    """Copy the whole database to PATH (safe while Hearth is running)."""
    try:
        made = backup.backup(db.engine, path, overwrite=overwrite)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    size = made.path.stat().st_size
    click.echo(f"Backed up {backup.describe_database(db.engine)} to {made.path} ({size:,} bytes).")
    click.echo("It holds everything couples wrote: keep it somewhere private and safe.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Go ahead even though the database holds data.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup in PATH."""
    target = backup.describe_database(db.engine)
    try:
        found = backup.inspect_backup(db.engine, path)
        holding = backup.row_counts(db.engine)
        if holding and not yes:
            raise click.ClickException(
                f"{target} already holds data ({_rows(holding)}). Restoring replaces all of "
                f"it with the backup in {path}, taken {found.taken_at:%Y-%m-%d %H:%M} UTC"
                + (f" ({_rows(found.rows)})" if found.rows else "")
                + ". Nothing was changed. Run again with --yes to replace it."
            )
        backup.restore(db.engine, path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {target} from {path} (taken {found.taken_at:%Y-%m-%d %H:%M} UTC).")
    if backup.schema_revision(db.engine) != backup.newest_revision():
        click.echo("The backup is from an older version of Hearth: run flask --app app db upgrade.")


def _rows(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {n:,}" for table, n in counts.items())


def seed_demo(password: str) -> dict:
    """Create the demo people and couples; returns them for tests and callers."""
    password_hash = hash_password(password)
    counselor = User(
        email=DEMO_COUNSELOR,
        display_name="Dana Rivera",
        password_hash=password_hash,
        role=Role.COUNSELOR,
    )
    joined = Couple(counselor=counselor, name="Sam & Alex", timezone="Europe/London")
    now = utcnow()
    for place, (name, email) in enumerate(DEMO_PARTNERS, start=1):
        user = User(email=email, display_name=name, password_hash=password_hash, role=Role.PARTNER)
        db.session.add(Partner(couple=joined, place=place, label=name, user=user, joined_at=now))
    invited = Couple(
        counselor=counselor, name="Jordan & Riley", timezone="America/New_York", week_starts_on=6
    )
    pending = [
        Partner(couple=invited, place=1, label="Jordan"),
        Partner(couple=invited, place=2, label="Riley"),
    ]
    db.session.add_all([counselor, joined, invited, *pending])
    for partner in pending:
        invitations.issue(partner, by=counselor)
    db.session.flush()
    demo.add_history(joined)
    demo.add_sessions(joined)
    demo.add_private_word(joined)
    demo.add_templates(counselor, joined)
    return {"counselor": counselor, "joined": joined, "invited": invited}


@click.group("mail")
def mail_group() -> None:
    """E-mail: send what is due now, or see what was sent and what failed."""


@mail_group.command("send-due")
@click.option(
    "--at",
    "at",
    default=None,
    help="Act as if it were this moment (ISO 8601, e.g. 2026-11-16T09:00+00:00).",
)
def mail_send_due_command(at: str | None) -> None:
    """Run one pass of the periodic work here: queue what is due, send it. Idempotent."""
    from datetime import UTC, datetime

    from domain.mail import delivery

    moment = None
    if at:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise click.UsageError(f"--at {at!r} is not an ISO date and time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    result = delivery.send_due(moment)
    outcomes = ", ".join(f"{what}: {n}" for what, n in sorted(result["outcomes"].items()))
    click.echo(
        f"Planned {result['planned']} new message(s); {result['due']} due"
        + (f" ({outcomes})" if outcomes else "")
        + "."
    )


@mail_group.command("status")
@click.option("--limit", default=20, show_default=True, help="How many failed ones to list.")
def mail_status_command(limit: int) -> None:
    """Where messages go, how many are in each state, and the ones that failed."""
    from flask import current_app

    from domain.mail import transport
    from models import Message

    url = current_app.config["MAIL_SMTP_URL"]
    if url:
        try:
            click.echo(f"Sending through {transport.parse_smtp_url(url).describe()}")
        except ValueError as error:
            click.echo(f"HEARTH_SMTP_URL is not usable: {error}")
    else:
        click.echo(
            f"No HEARTH_SMTP_URL: messages are saved to {current_app.config['MAIL_OUTBOX']}, "
            "not sent."
        )
    counts = dict(
        db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
    )
    click.echo(", ".join(f"{s}: {counts.get(s, 0)}" for s in MESSAGE_ORDER))
    failed = db.session.scalars(
        select(Message)
        .where(Message.status == "failed")
        .order_by(Message.finished_at.desc(), Message.id.desc())
        .limit(limit)
    ).all()
    for message in failed:
        when = f"{message.finished_at:%Y-%m-%d %H:%M} UTC" if message.finished_at else ""
        click.echo(
            f"  failed #{message.id} {message.kind} {when} "
            f"(tries: {message.attempts}): {message.note}"
        )
    retrying = db.session.scalars(
        select(Message).where(Message.status == "queued", Message.note != "").limit(limit)
    ).all()
    for message in retrying:
        click.echo(
            f"  retrying #{message.id} {message.kind} at {message.due_at:%Y-%m-%d %H:%M} UTC "
            f"(tries: {message.attempts}): {message.note}"
        )


MESSAGE_ORDER = ("queued", "sending", "sent", "saved", "skipped", "failed")
