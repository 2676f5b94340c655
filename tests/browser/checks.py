"""The two checkers: axe-core in the page (WCAG 2.0/2.1 A and AA) and the Nu HTML Checker."""

import json
import subprocess
from pathlib import Path

from tests.browser.conftest import AXE_JS, VNU_JAR

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_AXE_RUN = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}
"""


def run_axe(page) -> list[dict]:
    """axe-core's WCAG A/AA violations on the page as it is now (the context bypasses CSP)."""
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_AXE_RUN, WCAG_TAGS)


def describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['summary']}".replace("\n", " "))
    return "\n".join(lines)


def run_vnu(documents: dict[str, str], folder: Path) -> list[tuple[str, str]]:
    """Check HTML documents {name: html} in one JVM run; return (name, message) per error."""
    files = {}
    for index, (name, html) in enumerate(documents.items()):
        path = folder / f"page-{index:04d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    result = subprocess.run(
        [
            "java",
            "-XX:TieredStopAtLevel=1",  # a short-lived JVM starts faster with C1 alone
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--stdout",
            "--errors-only",
            *(str(folder / file) for file in sorted(files)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if not result.stdout.strip():
        raise RuntimeError(f"the Nu HTML Checker did not run: {result.stderr[-2000:]}")
    errors = []
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] in ("error", "non-document-error"):
            name = files.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "?"))
            extract = (message.get("extract") or "").strip()
            errors.append(
                (name, f"line {message.get('lastLine')}: {message['message']}  «{extract}»")
            )
    if result.returncode != 0 and not errors:
        raise RuntimeError(f"the Nu HTML Checker failed: {result.stderr[-2000:]}")
    return errors
