"""bandit over the project's code: no finding above low severity, unless explained in place with `# nosec`."""
import json
import subprocess  # nosec B404: runs bandit on our own code
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every app of the project (.importlinter's root packages): an app split off another is scanned as it was before.
APPS = ["config", "core", "units", "accounts", "resolutions", "tasks", "intake", "notifications", "oversight",
        "devtools"]

pytestmark = pytest.mark.slow


def test_bandit_finds_nothing_above_low_severity():
    result = subprocess.run(  # nosec B603: our own interpreter, fixed arguments
        [sys.executable, "-m", "bandit", "-r", *APPS, "-ll", "-q", "-f", "json"],
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


def test_the_oversight_app_writes_its_html_in_templates_only():
    """The dashboard's tables and chart data are rendered by templates (autoescaped, json_script): nothing in the
    app marks a string built in Python as safe HTML, not even with a `# nosec` that explains it."""
    marked = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "oversight").rglob("*.py"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
              if "mark_safe" in line or "SafeString(" in line]
    assert marked == []
