"""VAPID keys: made once in the instance folder, or taken from the environment."""

from __future__ import annotations

import stat
import threading

import pytest

from backend.push.vapid import KEY_FILE_NAME, VapidConfigError, VapidKeys, b64url_encode, load_vapid_keys


def test_keys_are_generated_on_first_run_into_the_instance_folder_and_reused(tmp_path) -> None:
    first = load_vapid_keys(tmp_path / "instance", {})
    second = load_vapid_keys(tmp_path / "instance", {})
    assert first.application_server_key == second.application_server_key
    key_file = tmp_path / "instance" / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [path.name for path in key_file.parent.iterdir()] == [KEY_FILE_NAME]


def test_the_public_key_is_a_65_byte_uncompressed_point_in_base64url(tmp_path) -> None:
    public = load_vapid_keys(tmp_path, {}).application_server_key
    assert len(public) == 87 and "=" not in public and public.startswith("B")


def test_processes_starting_together_agree_on_one_key(tmp_path) -> None:
    found: list[str] = []
    threads = [
        threading.Thread(target=lambda: found.append(load_vapid_keys(tmp_path, {}).application_server_key))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1


def test_keys_from_the_environment_win_over_the_instance_folder(tmp_path) -> None:
    keys = VapidKeys.generate()
    environ = {"VAPID_PRIVATE_KEY": keys.private_pem.decode(), "VAPID_PUBLIC_KEY": keys.application_server_key}
    assert load_vapid_keys(tmp_path, environ).application_server_key == keys.application_server_key
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_a_raw_base64url_private_key_as_web_push_tools_print_it_is_accepted(tmp_path) -> None:
    keys = VapidKeys.generate()
    raw = keys.private_key.private_numbers().private_value.to_bytes(32, "big")
    assert (
        load_vapid_keys(tmp_path, {"VAPID_PRIVATE_KEY": b64url_encode(raw)}).application_server_key
        == keys.application_server_key
    )


def test_a_public_key_that_does_not_match_the_private_key_stops_start_up(tmp_path) -> None:
    environ = {
        "VAPID_PRIVATE_KEY": VapidKeys.generate().private_pem.decode(),
        "VAPID_PUBLIC_KEY": VapidKeys.generate().application_server_key,
    }
    with pytest.raises(VapidConfigError, match="VAPID_PUBLIC_KEY"):
        load_vapid_keys(tmp_path, environ)


@pytest.mark.parametrize(
    "text", ["not a key", "AAAA", "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----"]
)
def test_a_garbled_private_key_stops_start_up_naming_the_variable(tmp_path, text: str) -> None:
    with pytest.raises(VapidConfigError, match="VAPID_PRIVATE_KEY"):
        load_vapid_keys(tmp_path, {"VAPID_PRIVATE_KEY": text})


def test_the_vapid_subject_warning_waits_for_push_to_be_used(tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    """In production without VAPID_SUBJECT, ``flask due`` (no push) says nothing about push;
    the first use of push warns once."""
    import json
    import logging

    from backend.app import create_app
    from backend.push.context import push_setup
    from tests.builders import make_case_json
    from tests.support.database import config_for

    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(make_case_json()))
    caplog.set_level(logging.WARNING)
    settings = config_for(f"sqlite:///{tmp_path / 'due.sqlite3'}", APP_ENV="production")
    app = create_app({**settings, "PUBLIC_BASE_URL": "https://visits.example.gov.uk"})
    result = app.test_cli_runner().invoke(args=["due", str(case_file), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "VAPID" not in caplog.text and "VAPID" not in result.output
    with app.app_context():
        push_setup()
        push_setup()
    assert caplog.text.count("VAPID_SUBJECT is not set") == 1
