"""Every code block of the README is run, so none of them can rot:

- ```rust blocks: compiled into the `readme` example (examples/build.rs) and run against a sandbox;
- ```python blocks: run as scripts, with PSPKIT_* pointing at the sandbox;
- ```sh blocks: each command is run (the pip install in a fresh virtual environment, `just
  sandbox` until it serves, `pspkit ...` through the package's console script), except the two
  commands, which are the test command itself
  (`.ci/run`) and a step of it (`just test` ends with `./run demo`);
- the ```text layout block: every path it lists exists.

A block in another language, or a shell command this file does not know how to run, fails.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import venv
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import ROOT
from pspkit.testing import Sandbox
from test_examples import sandbox_env

README = ROOT / "README.md"


@functools.lru_cache(maxsize=None)
def blocks() -> List[Tuple[str, int, str]]:
    """(language, line, code) of every fenced block of the README."""
    found: List[Tuple[str, int, str]] = []
    lines = README.read_text().splitlines()
    start = None
    for number, line in enumerate(lines, 1):
        if line.startswith("```") and start is None:
            start, language = number, line[3:].strip()
        elif line.startswith("```"):
            assert start is not None
            found.append((language, start, "\n".join(lines[start : number - 1])))
            start = None
    assert start is None, f"README.md: the block opened at line {start} is not closed"
    return found


def of(language: str) -> List[Tuple[int, str]]:
    return [(line, code) for lang, line, code in blocks() if lang == language]


def commands(code: str) -> List[str]:
    """The commands of a shell block, comments removed."""
    return [line.split("#", 1)[0].strip() for line in code.splitlines() if line.split("#", 1)[0].strip()]


def test_every_block_is_of_a_kind_this_file_runs() -> None:
    languages = {lang for lang, _, _ in blocks()}
    assert languages <= {"rust", "python", "sh", "text"}, languages
    assert of("rust") and of("python") and of("sh"), "the README lost its examples"


def test_rust_blocks_compile_and_run() -> None:
    result = subprocess.run(
        ["cargo", "run", "-q", "--locked", "-p", "pspkit-examples", "--example", "readme"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert f"ran {len(of('rust'))} README Rust blocks" in result.stdout, result.stdout


@pytest.mark.parametrize("line,code", of("python"), ids=[f"line {line}" for line, _ in of("python")])
def test_python_blocks_run(line: int, code: str, sandbox: Sandbox) -> None:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=sandbox_env(sandbox), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"README.md line {line}:\n{result.stderr}"


def test_layout_block_lists_real_paths() -> None:
    (line, code), = of("text")
    for entry in code.splitlines():
        indent = len(entry) - len(entry.lstrip())
        path = entry.split()[0] if entry.strip() and indent <= 2 else ""  # deeper: a description
        if path and not path.startswith("pspkit-<"):
            candidates = [ROOT / path, ROOT / "crates" / path]
            assert any(p.exists() for p in candidates), f"README.md line {line}: {path} does not exist"


KNOWN = ("./run ", "python3 ", "just sandbox ", "pspkit ")


def test_shell_blocks_hold_only_commands_run_here() -> None:
    for line, code in of("sh"):
        for command in commands(code):
            assert command.startswith(KNOWN), f"README.md line {line}: no test runs `{command}`"


def pspkit_command(python: str) -> str:
    """The `pspkit` console script installed beside `python` (by pip, or maturin develop)."""
    script = Path(python).parent / "pspkit"
    assert script.exists(), f"{script}: the package's console script is not installed"
    return str(script)


@pytest.mark.parametrize(
    "line,command",
    [(line, c) for line, code in of("sh") for c in commands(code) if c.startswith("pspkit ")],
    ids=lambda v: str(v)[:40],
)
def test_cli_commands_run(line: int, command: str, sandbox: Sandbox) -> None:
    """Each `pspkit` command as written, through the package's console script, against the
    sandbox; `reconcile` may find discrepancies (exit code 1: the example ledger has some)."""
    argv = [pspkit_command(sys.executable), *command.split()[1:]]
    result = subprocess.run(argv, cwd=ROOT, env=sandbox_env(sandbox), capture_output=True, text=True, timeout=300)
    allowed = (0, 1) if command.startswith("pspkit reconcile ") else (0,)
    assert result.returncode in allowed, f"README.md line {line}: `{command}`:\n{result.stderr}"
    assert result.stdout.strip(), f"README.md line {line}: `{command}` printed nothing"


def test_the_two_commands_are_what_ci_and_the_test_command_run() -> None:
    two = [c for _, code in of("sh") for c in commands(code) if c.startswith("./run ")]
    assert two == ["./run demo", "./run test"], two
    assert "./run test" in (ROOT / ".ci" / "run").read_text()
    recipe = re.search(r"^test:.*?(?=^\S)", (ROOT / "justfile").read_text(), re.S | re.M)
    assert recipe and "./run demo" in recipe.group(0), "just test no longer runs the demo"


def test_pip_install_in_a_fresh_virtual_environment(tmp_path: Path, sandbox: Sandbox) -> None:
    """The install lines exactly as written, with `python3` being a new venv's; then, with that
    install alone (outside the checkout, no build of the workspace to find), the README's Python
    blocks and the demo run: the sandbox they need ships in the package.

    pip builds the package with the dev profile here (maturin's `MATURIN_PEP517_ARGS`), which
    reuses what `maturin develop` compiled for the rest of the suite: the release build pip makes
    by default takes minutes on two cores, and `just wheel` (run by `just bench`) makes that one."""
    lines = [c for _, code in of("sh") for c in commands(code) if c.startswith("python3 ")]
    assert any("pip install" in c for c in lines), lines
    venv.create(tmp_path / "venv", with_pip=True)
    env = dict(os.environ, PATH=f"{tmp_path / 'venv' / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env["MATURIN_PEP517_ARGS"] = "--profile dev"
    env.pop("VIRTUAL_ENV", None)
    for command in lines:
        result = subprocess.run(command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        assert result.returncode == 0, f"`{command}` failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    python = str(tmp_path / "venv" / "bin" / "python")
    cli_against_its_own_sandbox(pspkit_command(python), tmp_path)
    alone = dict(sandbox_env(sandbox), CARGO_TARGET_DIR=str(tmp_path / "empty-target"))
    alone.pop("VIRTUAL_ENV", None)
    alone.pop("PYTHONPATH", None)
    runs = [(f"README.md line {line}", [python, "-c", code]) for line, code in of("python")]
    runs.append(("examples/reconcile.py", [python, str(ROOT / "examples" / "reconcile.py"), "--size", "300"]))
    for what, argv in runs:
        result = subprocess.run(argv, cwd=tmp_path, env=alone, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{what} with the fresh install:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def cli_against_its_own_sandbox(pspkit: str, cwd: Path) -> None:
    """`pspkit sandbox --port 0`, then `pspkit onepay cashouts list --limit 5` with the variables it
    printed: the installed command alone, nothing else from the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSPKIT_")}
    env["CARGO_TARGET_DIR"] = str(cwd / "empty-target")
    server = subprocess.Popen([pspkit, "sandbox", "--port", "0", "--size", "50"], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        assert server.stdout is not None
        printed = ""
        for line in server.stdout:
            printed += line
            if line.startswith("export PSPKIT_ONCHAINPAY_BASE_URL="):
                break
        exports = re.findall(r"^export (PSPKIT_\w+)='(.*?)'$", printed, re.M | re.S)
        client_env = dict(env, **{name: value for name, value in exports})
        result = subprocess.run([pspkit, "onepay", "cashouts", "list", "--limit", "5"], cwd=cwd, env=client_env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert len(json.loads(result.stdout)["data"]) == 5
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_just_sandbox_serves_every_provider() -> None:
    (command,) = [c for _, code in of("sh") for c in commands(code) if c.startswith("just sandbox ")]
    port = free_port()  # the README's 8080 may be taken on this machine
    argv = [shutil.which("just") or str(ROOT / ".venv" / "bin" / "just"), *command.split()[1:-1], str(port)]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               start_new_session=True)
    try:
        assert process.stdout is not None
        printed: Dict[str, str] = {}
        for line in process.stdout:  # cargo may build the sandbox first
            if "http://" in line:
                printed[line.split()[0]] = line
            if "inspect" in printed:
                break
        for provider in ("onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"):
            assert f"http://127.0.0.1:{port}/{provider}" in printed.get(provider, ""), printed
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
