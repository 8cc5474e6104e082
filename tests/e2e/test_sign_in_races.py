"""Concurrent sign-in guesses against one account, on real servers over one database.

Two app servers (as two gunicorn processes would be) each serve in threads on loopback;
every guess starts at once. However they interleave, at most the limit of attempts may
reach the password check: the rest answer 429.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from backend.app import create_app
from backend.extensions import db, dispose_engines
from backend.persistence.security import LoginFailure
from tests.support.world import PASSWORD, add_worker

GUESSES = 40


def post_sign_in(port: int, email: str, password: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (loopback only)
        f"http://127.0.0.1:{port}/api/session",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def two_servers(app: Flask) -> Iterator[list[BaseWSGIServer]]:
    other = create_app(dict(app.config))
    servers = [make_server("127.0.0.1", 0, served, threaded=True) for served in (app, other)]
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    yield servers
    for server, thread in zip(servers, threads, strict=True):
        server.shutdown()
        thread.join()
    with other.app_context():
        db.session.remove()
        dispose_engines()


def guess_at_once(servers: list[BaseWSGIServer], email: str, count: int) -> Counter[int]:
    start = threading.Barrier(count)

    def guess(number: int) -> int:
        start.wait()
        return post_sign_in(servers[number % len(servers)].port, email, f"wrong guess {number}")

    with ThreadPoolExecutor(max_workers=count) as pool:
        return Counter(pool.map(guess, range(count)))


def test_concurrent_guesses_get_at_most_the_limit_of_attempts(app: Flask, two_servers: list[BaseWSGIServer]) -> None:
    add_worker(app, email="sam@example.org")
    answers = guess_at_once(two_servers, "sam@example.org", GUESSES)
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert set(answers) <= {401, 429}, answers
    assert answers[401] == limit, answers
    assert answers[429] == GUESSES - limit
    # The right password is refused too, until the window has passed.
    assert post_sign_in(two_servers[0].port, "sam@example.org", PASSWORD) == 429
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 2 * limit


def test_a_right_password_among_concurrent_guesses_is_not_left_counted(
    app: Flask, two_servers: list[BaseWSGIServer]
) -> None:
    add_worker(app, email="sam@example.org")
    start = threading.Barrier(6)

    def attempt(number: int) -> int:
        start.wait()
        password = PASSWORD if number == 0 else f"wrong guess {number}"
        return post_sign_in(two_servers[number % 2].port, "sam@example.org", password)

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(attempt, range(6)))
    assert answers[0] == 200 and answers[1:] == [401] * 5
    with app.app_context():  # only the five failures count against the address
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) <= 5 * 2
        assert (
            db.session.scalar(
                db.select(db.func.count()).select_from(LoginFailure).where(LoginFailure.key.like("address:%"))
            )
            == 5
        )
