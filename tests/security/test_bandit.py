"""bandit over the project's code: no finding above low severity, unless explained in place with `# nosec`."""
import json
import subprocess  # nosec B404: runs bandit on our own code
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_bandit_finds_nothing_above_low_severity():
    result = subprocess.run(  # nosec B603: our own interpreter, fixed arguments
        [sys.executable, "-m", "bandit", "-r", "config", "tasks", "resolutions", "-ll", "-q", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    findings = [
        f"{issue['filename']}:{issue['line_number']} {issue['test_id']} {issue['issue_severity']}: {issue['issue_text']}"
        for issue in report["results"]
    ]
    assert findings == [], "\n".join(findings)
    assert result.returncode == 0
