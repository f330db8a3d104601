"""`make audit` (quality.md 24): known vulnerabilities in the locked dependencies (pip-audit
against uv.lock) and bandit -ll over src/. Run by `make test`.

pip-audit asks PyPI's vulnerability service for each locked `name==version`
(/pypi/<name>/<version>/json). Where that per-version document cannot be had (some registry
mirrors and proxies serve only the per-project document), the package is checked against the
per-project document instead, whose `vulnerabilities` describe the newest release: exact when
the lock pins the newest release; for an older pin it still reports every advisory that also
affects the newest release, and the pin is listed as only partly audited.

Fails (exit 1) on: a known vulnerability not in scripts/audit-baseline.txt, PyPI unreachable,
a package PyPI does not know, a pip-audit or bandit error, any bandit finding of medium or high
severity (reasoned exceptions are `# nosec BXXX` comments at the line).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
UV = ROOT / ".tools" / "bin" / "uv"
BASELINE = Path(__file__).with_name("audit-baseline.txt")
PYPI = "https://pypi.org/pypi/{name}/json"


def baseline() -> dict[str, str]:
    """Accepted advisories: `ID  reason` per line (the reason is required)."""
    accepted = {}
    for line in BASELINE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"audit: {BASELINE.name}: {vuln_id} has no reason")
        accepted[vuln_id] = reason.strip()
    return accepted


def locked_requirements(out: Path) -> dict[str, str]:
    subprocess.run(  # noqa: S603 - a fixed command line of our own tools
        [
            str(UV),
            "export",
            "--frozen",
            "--all-groups",
            "--no-emit-project",
            "--no-hashes",
            "--format",
            "requirements-txt",
            "--quiet",
            "-o",
            str(out),
        ],
        check=True,
        cwd=ROOT,
    )
    pins = {}
    for line in out.read_text().splitlines():
        if "==" in line and not line.startswith(("#", " ")):
            name, _, version = line.split(";")[0].strip().partition("==")
            pins[name.lower()] = version.strip()
    return pins


def run_pip_audit(requirements: Path, accepted: dict[str, str]) -> list[dict]:
    report = requirements.with_suffix(".json")
    cmd = [
        str(VENV_BIN / "pip-audit"),
        "-r",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--output",
        str(report),
        "--timeout",
        "30",
    ]
    for vuln_id in accepted:
        cmd += ["--ignore-vuln", vuln_id]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if not report.exists():
        sys.exit(
            "audit: pip-audit did not run through (is PyPI reachable?):\n"
            + (done.stderr or done.stdout)[-2000:]
        )
    return json.loads(report.read_text())["dependencies"]


def project_document(name: str) -> dict:
    try:
        # bandit B310: a fixed https URL.
        with urllib.request.urlopen(PYPI.format(name=name), timeout=30) as resp:  # noqa: S310  # nosec B310
            return json.load(resp)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            sys.exit(f"audit: {name} is not on PyPI: it cannot be audited")
        sys.exit(f"audit: PyPI answered {exc.code} for {name}: cannot audit")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        sys.exit(f"audit: PyPI's vulnerability data is unreachable ({exc}): cannot audit")


def dependencies(pins: dict[str, str], accepted: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        pins.update(locked_requirements(requirements))
        results = run_pip_audit(requirements, accepted)
    found: list[str] = []
    partial: list[str] = []
    by_pip_audit = by_project = 0
    skipped = [d["name"].lower() for d in results if "skip_reason" in d]
    with ThreadPoolExecutor(max_workers=8) as pool:
        documents = dict(zip(skipped, pool.map(project_document, skipped), strict=True))
    for dep in results:
        name = dep["name"].lower()
        version = pins.get(name, dep.get("version", "?"))
        if "skip_reason" not in dep:
            by_pip_audit += 1
            found += [
                f"{name} {version}: {v['id']} (fixed in {v.get('fix_versions')})"
                for v in dep["vulns"]
            ]
            continue
        doc = documents[name]
        by_project += 1
        for v in doc.get("vulnerabilities") or []:
            ids = {v.get("id"), *(v.get("aliases") or [])}
            if v.get("withdrawn") or ids & set(accepted):
                continue
            found.append(f"{name} {version}: {v.get('id')} (fixed in {v.get('fixed_in')})")
        newest = doc["info"]["version"]
        if newest != version:
            partial.append(f"{name} {version} (newest {newest})")
    print(
        f"pip-audit: {len(results)} locked packages; {by_pip_audit} audited per version, "
        f"{by_project} against PyPI's per-project vulnerability data"
    )
    if partial:
        print(
            "pip-audit: partly audited (older than the newest release, and PyPI's per-version "
            "data was not reachable; advisories fixed only after these versions would be "
            "missed): " + ", ".join(partial)
        )
    for vuln_id, reason in accepted.items():
        print(f"pip-audit: accepted {vuln_id}: {reason}")
    if found:
        print("pip-audit: known vulnerabilities:\n  " + "\n  ".join(found))
        return 1
    print("pip-audit: no known vulnerabilities")
    return 0


def bandit() -> int:
    done = subprocess.run(  # noqa: S603
        [str(VENV_BIN / "bandit"), "-ll", "-r", str(ROOT / "src"), "-q", "-f", "txt"],
        check=False,
    )
    if done.returncode:
        print("bandit: findings above (fix them, or mark the line `# nosec BXXX - reason`)")
    else:
        print("bandit -ll: clean")
    return done.returncode


def main() -> int:
    accepted = baseline()
    return max(dependencies({}, accepted), bandit())


if __name__ == "__main__":
    sys.exit(main())
