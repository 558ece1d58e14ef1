"""pre-commit hooks, the GitHub composite action and the GitLab job: they parse, and their commands run.

The commands are run exactly as written (bash for the action and the GitLab job), with a `dataclean`
on PATH that runs this checkout's CLI, in a simulated runner (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CI = ROOT / "examples" / "ci"
SAMPLE, SAMPLE_SUITE = CI / "people_sample.csv", CI / "people.yml"


@pytest.fixture(scope="module")
def shim_env(tmp_path_factory) -> dict[str, str]:
    """Environment whose `dataclean` and `python` are this checkout's, as after `pip install`."""
    bin_dir = tmp_path_factory.mktemp("bin")
    for name, command in (("dataclean", f'"{sys.executable}" -m dataclean.cli'), ("python", f'"{sys.executable}"')):
        path = bin_dir / name
        path.write_text(f'#!/bin/sh\nexec {command} "$@"\n', encoding="utf-8")
        path.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p)
    return env


def run(command: list[str] | str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    args = ["bash", "-eo", "pipefail", "-c", command] if isinstance(command, str) else command
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def repo_files() -> list[str]:
    paths = [*ROOT.glob("expectations/*"), *ROOT.glob("src/dataclean/suites/*"), *CI.glob("*"), *ROOT.glob("*.y*ml")]
    return sorted(str(p.relative_to(ROOT)) for p in paths if p.is_file())


# ------------------------------------------------------------------------------------ pre-commit
def hooks() -> dict[str, dict]:
    data = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return {h["id"]: h for h in data}


def test_hook_definitions_are_complete():
    defs = hooks()
    assert set(defs) == {"dataclean-suite-check", "dataclean-validate"}
    for hook in defs.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit installs this repository (pyproject) for the hook
        assert shlex.split(hook["entry"])[0] == "dataclean"  # the console script from pyproject
        re.compile(hook["files"])
    assert defs["dataclean-validate"]["pass_filenames"] is False


def test_suite_check_hook_runs_on_the_suite_files_it_selects(shim_env, tmp_path):
    hook = hooks()["dataclean-suite-check"]
    selected = [f for f in repo_files() if re.search(hook["files"], f)]
    assert "expectations/social_care_person.yml" in selected
    assert "src/dataclean/suites/council_tax_account.yml" in selected
    assert not any(f.startswith("examples/ci/") or f in ("action.yml", "mkdocs.yml") for f in selected)
    proc = run([*shlex.split(hook["entry"]), *selected], shim_env)  # as pre-commit would call it
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("is valid") == len(selected)

    broken = tmp_path / "expectations" / "broken.yml"
    broken.parent.mkdir()
    broken.write_text(SAMPLE_SUITE.read_text(encoding="utf-8").replace("role: nhs_number", "role: nhs_numbr"))
    proc = run([*shlex.split(hook["entry"]), str(SAMPLE_SUITE), str(broken)], shim_env)
    assert proc.returncode == 2
    assert str(broken) in proc.stderr and "nhs_numbr" in proc.stderr
    assert "1 of 2 suite files have problems" in proc.stderr
    assert "people_sample' is valid" in proc.stdout  # the good file is still checked and reported


def test_validate_hook_runs_with_the_example_configuration(shim_env, tmp_path):
    published = hooks()["dataclean-validate"]
    config = yaml.safe_load((CI / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert {k: local[k]["entry"] for k in local} == {k: h["entry"] for k, h in hooks().items()}  # same commands
    assert re.search(local["dataclean-suite-check"]["files"], "examples/ci/people.yml")
    assert not re.search(local["dataclean-suite-check"]["files"], "examples/ci/gitlab-ci.yml")
    args = local["dataclean-validate"]["args"]
    assert re.search(local["dataclean-validate"]["files"], "examples/ci/people_sample.csv")

    proc = run([*shlex.split(published["entry"]), *args], shim_env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "PASSED" in proc.stdout

    bad = tmp_path / "people_sample.csv"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace("9990011079", "9990011078"), encoding="utf-8")
    proc = run([*shlex.split(published["entry"]), str(bad), *args[1:]], shim_env)
    assert proc.returncode == 1  # the gate failed: the commit is blocked
    assert "FAILED" in proc.stdout and "9990011078" not in proc.stdout + proc.stderr


# ------------------------------------------------------------------------------- GitHub action
def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def test_action_definition_is_consistent():
    a = action()
    assert a["runs"]["using"] == "composite"
    steps = a["runs"]["steps"]
    ids = {s["id"]: s for s in steps if "id" in s}
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    for ref in re.findall(r"inputs\.([A-Za-z0-9_-]+)", text):
        assert ref in a["inputs"], f"action.yml uses undeclared input {ref}"
    for step_id, output in re.findall(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", text):
        assert step_id in ids, step_id
        assert f"{output}=" in ids[step_id]["run"], f"step {step_id} never writes {output}"
    for s in steps:
        assert ("run" in s) != ("uses" in s)
        if "run" in s:
            assert s["shell"] == "bash"  # composite run steps must name a shell
            assert not EXPR.search(s["run"]), "inputs go through env:, not into the script text"
    uses = [s["uses"] for s in steps if "uses" in s]
    assert "actions/upload-artifact@v4" in uses and "actions/setup-python@v5" in uses
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "${{ inputs.output-dir }}" and upload["if"] == "always()"


def _resolve(value: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    def one(m: re.Match) -> str:
        expr = m.group(1)
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        step, _, name = expr.removeprefix("steps.").partition(".outputs.")
        return outputs.get(step, {}).get(name, "")

    return EXPR.sub(one, str(value))


def simulate_action(with_: dict[str, str], shim_env: dict[str, str], workspace: Path) -> dict:
    """Run the action's bash steps in order like a runner (the install and `uses:` steps are the
    runner's business); returns outputs per step, the job summary and each step's exit code."""
    a = action()
    inputs = {k: str(v.get("default", "")) for k, v in a["inputs"].items()}
    missing = [k for k, v in a["inputs"].items() if v.get("required") and k not in with_]
    assert not missing, missing
    inputs.update(with_)
    summary = workspace / "summary.md"
    outputs: dict[str, dict[str, str]] = {}
    codes: dict[str, int] = {}
    for step in a["runs"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        if step.get("if") == "inputs.fail-on-gate == 'true'" and inputs["fail-on-gate"] != "true":
            continue
        out_file = workspace / f"out-{step['id']}"
        out_file.write_text("")
        env = dict(shim_env, GITHUB_OUTPUT=str(out_file), GITHUB_STEP_SUMMARY=str(summary))
        env.update({k: _resolve(v, inputs, outputs) for k, v in step.get("env", {}).items()})
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, capture_output=True,
                              text=True, timeout=600)
        codes[step["id"]] = proc.returncode
        outputs[step["id"]] = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
        if proc.returncode and step["id"] == "validate":  # the validate step itself must never fail
            pytest.fail(proc.stderr[-3000:])
    return {"outputs": outputs, "codes": codes, "summary": summary.read_text() if summary.exists() else ""}


def test_action_steps_run_on_passing_and_failing_data(shim_env, tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(SAMPLE, good / "people.csv")
    shutil.copy(SAMPLE_SUITE, good / "people.yml")
    r = simulate_action({"data": "people.csv", "suite": "people.yml", "fail-under": "95%"}, shim_env, good)
    assert r["outputs"]["validate"] == {"exit-code": "0", "passed": "true", "score": "1.0"}
    assert r["codes"]["gate"] == 0
    assert r["summary"].startswith("## Data quality scorecard: people.csv (people_sample) - PASSED")
    report = good / "dataclean-quality"
    assert {p.name for p in report.iterdir()} >= {"scorecard.html", "scorecard.json", "scorecard.md", "junit.xml"}

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "people.csv").write_text(SAMPLE.read_text().replace("9990011079", "9990011078"), encoding="utf-8")
    shutil.copy(SAMPLE_SUITE, bad / "people.yml")
    baseline = report / "scorecard.json"
    r = simulate_action(
        {"data": "people.csv", "suite": "people.yml", "baseline": str(baseline), "output-dir": "q"}, shim_env, bad
    )
    assert r["outputs"]["validate"]["exit-code"] == "1" and r["outputs"]["validate"]["passed"] == "false"
    assert r["codes"]["gate"] == 1  # the job fails, after the summary and upload
    assert "- FAILED" in r["summary"] and "## Scorecard change: people.csv" in r["summary"]
    assert "**regression**" in r["summary"]
    assert "9990011078" not in r["summary"]  # masked in the summary too
    assert (bad / "q" / "diff.html").read_text().startswith("<!DOCTYPE html>")

    missing = tmp_path / "missing"
    missing.mkdir()
    r = simulate_action({"data": "nope.csv", "suite": str(SAMPLE_SUITE), "fail-on-gate": "false"}, shim_env, missing)
    assert r["outputs"]["validate"]["exit-code"] == "2" and "gate" not in r["codes"]
    assert "could not score the data (exit code 2)" in r["summary"]


def test_example_workflow_uses_the_action_with_declared_inputs():
    wf = yaml.safe_load((CI / "github-workflow.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in wf["jobs"]["gate"]["steps"] if s.get("uses") == "./"]
    declared = action()["inputs"]
    assert set(step["with"]) <= set(declared)
    assert {k for k, v in declared.items() if v.get("required")} <= set(step["with"])


# -------------------------------------------------------------------------------------- GitLab
def test_gitlab_job_runs_its_script(shim_env, tmp_path):
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))["data-quality"]
    assert job["artifacts"]["when"] == "always" and job["artifacts"]["reports"]["junit"] == "quality/junit.xml"
    assert job["artifacts"]["paths"] == ["quality/"]
    work = tmp_path / "checkout"
    (work / "examples" / "ci").mkdir(parents=True)
    for f in (SAMPLE, SAMPLE_SUITE):
        shutil.copy(f, work / "examples" / "ci" / f.name)
    env = dict(shim_env, **{k: str(v) for k, v in job["variables"].items()})
    for line in job["script"]:  # before_script is the pip install this checkout stands in for
        proc = run(line, env, cwd=work)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (work / job["artifacts"]["reports"]["junit"]).exists()
    assert (work / "quality" / "scorecard.html").exists()
    for line in job["after_script"]:
        assert run(line, env, cwd=work).returncode == 0
