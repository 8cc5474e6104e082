"""flask create-user, disable-user and set-password."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from backend.auth.passwords import verify_password
from backend.extensions import db
from backend.persistence.people import Team, Worker
from backend.persistence.security import SessionRow
from tests.support.world import signed_in


def stored_worker(app: Flask, email: str) -> Worker:
    with app.app_context():
        worker = db.session.scalar(select(Worker).where(Worker.email == email))
        assert worker is not None
        db.session.expunge(worker)
        return worker


def test_create_user_reads_one_line_of_password_from_a_pipe_and_creates_the_team(app: Flask, runner) -> None:  # noqa: ANN001
    args = [
        "create-user",
        "--email",
        "Sam@Example.org",
        "--name",
        "Sam Lee",
        "--role",
        "social_worker",
        "--team",
        "North",
    ]
    result = runner.invoke(args=args, input="a long enough password\nignored second line\n")
    assert result.exit_code == 0, result.output
    worker = stored_worker(app, "sam@example.org")
    assert (worker.name, worker.role, worker.active) == ("Sam Lee", "social_worker", True)
    assert verify_password(worker.password_hash, "a long enough password")
    assert worker.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    with app.app_context():
        assert db.session.scalar(select(Team.name).where(Team.id == worker.team_id)) == "North"


def test_create_user_joins_an_existing_team(app: Flask, runner) -> None:  # noqa: ANN001
    for email in ("a@example.org", "b@example.org"):
        runner.invoke(
            args=["create-user", "--email", email, "--name", "A", "--role", "team_manager", "--team", "North"],
            input="a long enough password\n",
        )
    assert stored_worker(app, "a@example.org").team_id == stored_worker(app, "b@example.org").team_id


def test_create_user_on_a_terminal_asks_twice(app: Flask, runner, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("backend.cli.admin.stdin_is_terminal", lambda: True)
    args = ["create-user", "--email", "t@example.org", "--name", "T", "--role", "admin"]
    result = runner.invoke(
        args=args, input="first password one\nsecond password two\nthe same password\nthe same password\n"
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Repeat for confirmation") == 2 and "do not match" in result.output
    assert verify_password(stored_worker(app, "t@example.org").password_hash, "the same password")


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--email", "x@example.org", "--name", "X", "--role", "wizard"], "a long enough password", "wizard"),
        (["--email", "x@example.org", "--name", "X", "--role", "admin"], "short", "12 characters"),
        (["--email", "not-an-email", "--name", "X", "--role", "admin"], "a long enough password", "email"),
        (["--email", "x@example.org", "--name", "X", "--role", "admin"], " " * 12, "only spaces"),
        (["--email", "x@example.org", "--name", "X", "--role", "admin"], "\t" * 12, "only spaces"),
        (["--email", "x@example.org", "--name", "X", "--role", "admin"], "abababababab", "repetitive"),
        (["--email", "x@example.org", "--name", "X", "--role", "admin"], "Password 1234", "common"),
        (["--email", "sam.patel@example.org", "--name", "X", "--role", "admin"], "sam.patel@example.org", "email"),
        (["--email", "sam.patel@example.org", "--name", "X", "--role", "admin"], "SAM.PATEL", "12 characters"),
        (["--email", "x@example.org", "--name", "Samantha Patel", "--role", "admin"], "samantha patel", "name"),
        (["--email", "x@example.org", "--name", "", "--role", "admin"], "a long enough password", "name"),
        (["--email", "x@example.org", "--name", "   ", "--role", "admin"], "a long enough password", "name"),
        (["--email", "x@example.org", "--name", "X\u202e", "--role", "admin"], "a long enough password", "name"),
    ],
)
def test_create_user_refuses_bad_input(app: Flask, runner, args: list[str], password: str, message: str) -> None:  # noqa: ANN001
    result = runner.invoke(args=["create-user", *args], input=password + "\n")
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Worker)) == 0


def test_set_password_replaces_it_and_ends_every_session(app: Flask, runner) -> None:  # noqa: ANN001
    create = ["create-user", "--email", "x@example.org", "--name", "X", "--role", "admin"]
    assert runner.invoke(args=create, input="a long enough password\n").exit_code == 0
    worker = stored_worker(app, "x@example.org")
    signed_in(app, worker.id)
    result = runner.invoke(args=["set-password", "X@example.org"], input="another long password\n")
    assert result.exit_code == 0, result.output
    assert verify_password(stored_worker(app, "x@example.org").password_hash, "another long password")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SessionRow)) == 0


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("x@example.org", "short", "12 characters"),
        ("x@example.org", " " * 20, "only spaces"),
        ("nobody@example.org", "another long password", "No worker"),
    ],
)
def test_set_password_refuses_a_bad_password_or_an_unknown_email(
    app: Flask,
    runner,
    email: str,
    password: str,
    message: str,  # noqa: ANN001
) -> None:
    create = ["create-user", "--email", "x@example.org", "--name", "X", "--role", "admin"]
    assert runner.invoke(args=create, input="a long enough password\n").exit_code == 0
    result = runner.invoke(args=["set-password", email], input=password + "\n")
    assert result.exit_code == 1 and message in result.output
    assert verify_password(stored_worker(app, "x@example.org").password_hash, "a long enough password")


def test_create_user_refuses_a_taken_email(runner) -> None:  # noqa: ANN001
    args = ["create-user", "--email", "x@example.org", "--name", "X", "--role", "admin"]
    assert runner.invoke(args=args, input="a long enough password\n").exit_code == 0
    result = runner.invoke(args=args, input="a long enough password\n")
    assert result.exit_code == 1 and "already exists" in result.output


def test_disable_user_and_enable_again(app: Flask, runner) -> None:  # noqa: ANN001
    runner.invoke(
        args=["create-user", "--email", "x@example.org", "--name", "X", "--role", "admin"],
        input="a long enough password\n",
    )
    assert runner.invoke(args=["disable-user", "x@example.org"]).exit_code == 0
    assert stored_worker(app, "x@example.org").active is False
    assert runner.invoke(args=["disable-user", "x@example.org", "--enable"]).exit_code == 0
    assert stored_worker(app, "x@example.org").active is True
    assert runner.invoke(args=["disable-user", "nobody@example.org"]).exit_code == 1
