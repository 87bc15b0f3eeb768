"""The allocator setting is made once per process and is harmless to call again."""

import subprocess
import sys


def test_setting_is_made_once_per_process():
    code = ("from tierslieux_sim.allocator import keep_large_arrays_on_the_heap as keep\n"
            "print(keep(), keep())\n")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=True, timeout=60)
    first, second = completed.stdout.split()
    assert second == "False"
    assert first == ("True" if sys.platform.startswith("linux") else "False")
