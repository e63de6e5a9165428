"""The clock the suite runs on (``--clock``) reaches the test and the processes it starts alike."""

import subprocess
import sys
import time

from django.utils import timezone

from tests.clock import clock_env


def test_a_subprocess_reads_the_same_clock_as_the_test(pytestconfig):
    result = subprocess.run(
        [sys.executable, "-c", "import time; print(time.time())"],
        env={"PATH": "/usr/bin:/bin", **clock_env()},
        capture_output=True,
        text=True,
        check=True,
    )

    assert abs(float(result.stdout) - time.time()) < 30
    if day := pytestconfig.getoption("--clock"):
        assert timezone.now().date().isoformat() == day
