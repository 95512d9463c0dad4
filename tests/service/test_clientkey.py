"""The key that counts a client of the service without recording its address."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timezone
from pathlib import Path

from faqsearch.feedback.visitors import CLIENT_KEY_CHARS
from faqsearch.service.clientkey import SECRET_FILE, ClientKeys, client_network

DAY = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
NEXT_DAY = datetime(2026, 3, 5, 0, 0, 1, tzinfo=timezone.utc)


def test_a_key_is_short_stable_for_a_day_and_says_nothing_of_the_address(tmp_path: Path):
    keys = ClientKeys.in_folder(tmp_path)
    key = keys.key("203.0.113.7", DAY)
    assert len(key) == CLIENT_KEY_CHARS and int(key, 16) >= 0
    assert keys.key("203.0.113.7", DAY.replace(hour=23)) == key
    assert keys.key("203.0.113.7", NEXT_DAY) != key  # a visitor cannot be followed from day to day
    assert keys.key("203.0.113.8", DAY) != key


def test_an_ipv6_client_counts_by_its_network(tmp_path: Path):
    keys = ClientKeys.in_folder(tmp_path)
    assert keys.key("2001:db8:1:2::1", DAY) == keys.key("2001:db8:1:2:ffff::9", DAY)
    assert keys.key("2001:db8:1:3::1", DAY) != keys.key("2001:db8:1:2::1", DAY)
    assert client_network("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_network("testclient") == "testclient"


def test_the_secret_is_created_once_private_and_shared_by_every_worker(tmp_path: Path):
    first = ClientKeys.in_folder(tmp_path / "data")
    secret = tmp_path / "data" / SECRET_FILE
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    content = secret.read_text()
    second = ClientKeys.in_folder(tmp_path / "data")  # another worker, or a restart
    assert secret.read_text() == content
    assert second.key("203.0.113.7", DAY) == first.key("203.0.113.7", DAY)
    assert ClientKeys.in_folder(tmp_path / "other").key("203.0.113.7", DAY) != first.key("203.0.113.7", DAY)
    assert [p.name for p in (tmp_path / "data").iterdir()] == [SECRET_FILE]  # no temporary file left


def test_an_unwritable_folder_falls_back_to_a_secret_of_the_process(tmp_path: Path):
    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier")
    keys = ClientKeys.in_folder(blocked / "data")
    assert len(keys.key("203.0.113.7", DAY)) == CLIENT_KEY_CHARS
