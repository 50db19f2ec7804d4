"""What the browser tests share: logging in and out through the header, and asking axe-core."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_PASSWORD = "jalons-demo-2026"  # app.config.Defaults.DEMO_PASSWORD


class Watched:
    """What a page does besides rendering: console messages, script errors, every request."""

    def __init__(self, page):
        self.console: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        self.failures: list[str] = []
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", lambda r: self.failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)


def demo_email(role: str) -> str:
    return f"{role}@jalons.example"


def login(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in as a person would: the labelled fields, then the button."""
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def logout(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_text("Vous êtes déconnecté.").wait_for()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page (its context must bypass the CSP to inject the script)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_AA}},
    )
    return result["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)} {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found WCAG 2.1 A/AA violations on {page.url}:\n{format_violations(violations)}"
    )
