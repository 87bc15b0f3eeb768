"""The allocator setting is made once per process and is harmless to call again."""

import subprocess
import sys


def test_setting_is_made_once_per_process():
    code = ("from tierslieux_sim.core.allocator import keep_large_arrays_on_the_heap as keep\n"
            "print(keep(), keep())\n")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=True, timeout=60)
    first, second = completed.stdout.split()
    assert second == "False"
    assert first == ("True" if sys.platform.startswith("linux") else "False")


def test_summary_runs_give_freed_memory_back_after_each_chunk(monkeypatch):
    import tierslieux_sim.engine.runs as engine
    from tierslieux_sim import default_scenario
    from tierslieux_sim import simulate as tl_simulate

    calls = []
    monkeypatch.setattr(engine, "release_free_memory", lambda: calls.append(1))
    tl_simulate(default_scenario(), draws=3000, seed=1, chunk_draws=1000, keep="summary")
    assert len(calls) == 3
    tl_simulate(default_scenario(), draws=3000, seed=1, chunk_draws=1000)
    assert len(calls) == 3  # full mode keeps its arrays anyway
