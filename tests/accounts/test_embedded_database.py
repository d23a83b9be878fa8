"""The embedded PostgreSQL's list of processes using it survives an unclean stop
(config/database.py): a demo killed while writing the list must still start next time."""

import json

import psutil
import pytest

from config import database


@pytest.fixture
def pgdata(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "EMBEDDED_PGDATA", tmp_path)
    return tmp_path


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2"])
def test_an_unreadable_process_list_is_reset(pgdata, content):
    (pgdata / ".handle_pids.json").write_text(content)
    database._forget_dead_handles()
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == []


def test_dead_processes_are_dropped_and_live_ones_kept(pgdata):
    dead = max(psutil.pids()) + 100_000
    me = psutil.Process().pid
    (pgdata / ".handle_pids.json").write_text(json.dumps([me, dead]))
    database._forget_dead_handles()
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == [me]
