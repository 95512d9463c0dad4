"""``python -m bench.analytics`` on a small history: every figure timed, on SQLite."""

from __future__ import annotations

from bench import analytics


def test_the_benchmark_times_every_figure(capsys):
    assert analytics.main(["--events", "3000", "--only", "sqlite"]) == 0
    out = capsys.readouterr().out
    for name in ("questions par jour", "libre-service et sessions", "jours clos additionnés"):
        assert out.count(name) == 1, out
    assert out.count("tableau de bord entier") == 6  # 7, 30 and 365 days, twice each
    assert "SQLite : tableau de bord le plus lent" in out
