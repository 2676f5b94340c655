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


# --- Reflow: WCAG 2.1 1.4.10 (320 CSS px), 1.4.4 (200 % text) and 1.4.12 (text spacing) ---------

NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 900}

# The 1.4.12 spacing (the W3C's text-spacing test) on top of a 200 % root font size.
TEXT_SPACING_CSS = """
html { font-size: 200% !important; }
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

# One evaluate per viewport: optionally inject a style, measure, take the style out again.
# Reports the page's width when it scrolls sideways (with the innermost elements that stick
# out), and text clipped by an element with overflow hidden/clip (scrollWidth > clientWidth).
_MEASURE_JS = """
(css) => {
  let style = null;
  if (css) {
    style = document.createElement('style');
    style.textContent = css;
    document.head.appendChild(style);
  }
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    const classes = (el.getAttribute('class') || '').trim().split(/\\s+/).filter(Boolean);
    if (classes.length) name += '.' + classes.join('.');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return text ? `${name} «${text}»` : name;
  };
  const problems = [];
  const viewport = window.innerWidth;
  const width = document.documentElement.scrollWidth;
  if (width > viewport) {
    const sticking = Array.from(document.body.querySelectorAll('*')).filter(el => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.right > viewport + 1;
    });
    const innermost = sticking.filter(
      el => !sticking.some(other => other !== el && el.contains(other)));
    problems.push(`page ${width}px wide in a ${viewport}px viewport: ` +
                  innermost.slice(0, 4).map(describe).join('; '));
  }
  for (const el of document.body.querySelectorAll('*')) {
    const computed = getComputedStyle(el);
    const hides = ['hidden', 'clip'];
    if (!hides.includes(computed.overflowX) && !hides.includes(computed.overflowY)) continue;
    if (el.clientWidth <= 1 || el.clientHeight <= 1) continue;  // visually hidden text
    if (!(el.textContent || '').trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1 ||
        (hides.includes(computed.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      const inner = `${el.scrollWidth}×${el.scrollHeight}`;
      const outer = `${el.clientWidth}×${el.clientHeight}`;
      problems.push(`text clipped at ${viewport}px: ${describe(el)} (${inner} in ${outer})`);
    }
  }
  if (style) style.remove();
  return problems;
}
"""


def measure_reflow(page) -> list[str]:
    """Problems at 320 px, and at 1,280 px with 200 % text and the 1.4.12 spacing; [] if none.

    The viewport the page had is restored afterwards.
    """
    before = page.viewport_size
    try:
        page.set_viewport_size(NARROW)
        problems = [f"320px: {problem}" for problem in page.evaluate(_MEASURE_JS, None)]
        page.set_viewport_size(WIDE)
        problems += [
            f"200% text + spacing: {problem}"
            for problem in page.evaluate(_MEASURE_JS, TEXT_SPACING_CSS)
        ]
    finally:
        if before:
            page.set_viewport_size(before)
    return problems
