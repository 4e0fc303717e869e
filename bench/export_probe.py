"""Stream the case index snapshot in a fresh process; print its row count, time and peak memory as JSON."""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from casework.accounts.models import User  # noqa: E402
from casework.reporting.exports import stream_csv  # noqa: E402


def main() -> None:
    username, scope = sys.argv[1], sys.argv[2]
    user = User.objects.get(username=username)
    started = time.perf_counter()
    rows, _name = stream_csv(user=user, scope=scope)
    size = lines = 0
    for chunk in rows:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"rows": lines - 1, "bytes": size, "seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1)}
        )
    )


if __name__ == "__main__":
    main()
