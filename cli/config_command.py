"""`shipshape config`: the effective configuration and the layer each value came from, or
(`--schema`) the JSON Schema of the configuration file.

Layers are read locally: the repository's `.github/shipshape.yml` from the working tree, or from
the base revision with `--base REV` (what the bot reads); the organisation's file with `--org
FILE`; `extends` targets from checkouts under `--checkouts DIR` (`DIR/<owner>/<repo>` or
`DIR/<repo>`), at the target's `@ref` (else HEAD). The layering itself is `checks.layers`,
the same code the bot runs. The engine is imported only when the command runs, so declaring
the subcommand keeps `shipshape --help` light.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cli.errors import InputError

if TYPE_CHECKING:
    import subprocess

    from checks.layers import FileRef, Layered

FORMATS = ("yaml", "json")
# checks.config.CONFIG_PATH, spelled out so `--help` does not load the engine.
CONFIG_PATH = ".github/shipshape.yml"


def add_parser(sub: Any) -> None:
    """Declare `shipshape config` on the command line's subparsers."""
    parser = sub.add_parser("config", help="print the effective configuration and where each "
                            "value came from")
    parser.add_argument("--repo", metavar="DIR", help="repository directory (default: .)")
    parser.add_argument("--base", metavar="REV", help=f"read {CONFIG_PATH} at this revision "
                        "(the PR's base), not from the working tree")
    parser.add_argument("--org", metavar="FILE", help="the organisation's shipshape.yml (from "
                        "its .github repository)")
    parser.add_argument("--checkouts", metavar="DIR", help="where extends targets are checked "
                        "out (DIR/owner/repo or DIR/repo)")
    parser.add_argument("--name", metavar="OWNER/REPO", help="the repository's name (default: "
                        "from the origin remote)")
    parser.add_argument("--format", choices=FORMATS, default="yaml",
                        help="yaml: each value followed by a comment naming its layer; json: "
                        "config, origins, layers and refused changes")
    parser.add_argument("--schema", action="store_true",
                        help="print the JSON Schema of the configuration file instead")


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """Print the schema or the effective configuration; raise InputError on bad input."""
    import checks
    from checks.layers import LayerError, resolve_with
    from checks.schema import config_schema

    if args.schema:
        stdout.write(json.dumps(config_schema(checks.REGISTRY), indent=2) + "\n")
        return 0
    repo = Path(args.repo) if args.repo else Path.cwd()
    reader = LocalReader(repo, args.base, Path(args.org) if args.org else None,
                     Path(args.checkouts) if args.checkouts else None)
    try:
        layered = resolve_with(reader.read, args.name or repository_name(repo), args.base or "",
                               checks.REGISTRY)
    except LayerError as exc:
        raise InputError(str(exc)) from exc
    stdout.write(render_json(layered) if args.format == "json" else render_yaml(layered))
    return 0


class LocalReader:
    """Reads each configuration layer from local files and git: --org, the repository (at --base
    or in the working tree) and extends targets checked out under --checkouts."""

    def __init__(self, repo: Path, base: str | None, org: Path | None,
                 checkouts: Path | None) -> None:
        self.repo, self.base, self.org, self.checkouts = repo, base, org, checkouts

    def read(self, ref: FileRef) -> str | None:
        from checks.layers import ORG_PATHS, LayerKind

        if ref.kind is LayerKind.ORGANISATION:
            return _file(self.org) if self.org and ref.path == ORG_PATHS[0] else None
        if ref.kind is LayerKind.REPOSITORY:
            if self.base is not None:
                return _git_show(self.repo, self.base, ref.path, "--base")
            return _file(self.repo / ref.path) if (self.repo / ref.path).is_file() else None
        checkout = self._checkout(ref.repo)
        return _git_show(checkout, ref.ref or "HEAD", ref.path, f"extends {ref.label}") \
            if checkout else None

    def _checkout(self, repo: str) -> Path | None:
        if self.checkouts is None:
            return None
        for place in (self.checkouts / repo, self.checkouts / repo.split("/")[1]):
            if place.is_dir():
                return place
        return None


def _file(path: Path) -> str:
    from cli.local_snapshot import decode_text

    try:
        return decode_text(path.read_bytes(), str(path), "a YAML file")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _git(repo: Path, *argv: str) -> subprocess.CompletedProcess[bytes]:
    import subprocess  # not at import: `shipshape --help` loads this module

    try:
        return subprocess.run(["git", "-C", str(repo), *argv], capture_output=True, check=False)
    except OSError as exc:
        raise InputError(f"cannot run git: {exc.strerror or exc}") from exc


def _git_show(repo: Path, rev: str, path: str, option: str) -> str | None:
    from cli.local_snapshot import config_at

    return config_at(repo, rev, path, option)


def repository_name(repo: Path) -> str:
    """owner/repo from the `origin` remote's URL, else `local/<directory name>`."""
    url = _git(repo, "remote", "get-url", "origin").stdout.decode(errors="replace").strip()
    tail = url.removesuffix(".git").replace(":", "/").split("/")[-2:]
    return "/".join(tail) if len(tail) == 2 and all(tail) else f"local/{repo.resolve().name}"


def _leaves(doc: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in doc.items():
        here = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out += _leaves(value, f"{here}.")
        else:
            out.append((here, value))
    return out


def render_json(layered: Layered) -> str:
    """The effective configuration, each value's layer, the layers and refused changes."""
    doc = {"config": layered.document,
           "origins": {path: layered.origin(path) for path, _ in _leaves(layered.document)},
           "layers": [{"kind": str(layer.kind), "source": layer.source}
                      for layer in layered.layers],
           "refused": list(layered.refused)}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_yaml(layered: Layered) -> str:
    """The effective configuration as YAML, each value followed by `# <layer>`."""
    lines = ["# layers, lowest first: defaults"
             + "".join(f", {layer.source} ({layer.kind})" for layer in layered.layers)]
    lines += [f"# refused: {line}" for line in layered.refused]
    lines += _yaml(layered.document, layered, "", 0)
    return "\n".join(lines) + "\n"


def _yaml(doc: Mapping[str, Any], layered: Layered, prefix: str, depth: int) -> list[str]:
    lines = []
    pad = "  " * depth
    for key, value in doc.items():
        here = f"{prefix}{key}"
        name = json.dumps(key) if not str(key).replace("_", "").replace("-", "").isalnum() \
            else key
        if isinstance(value, Mapping) and value:
            lines.append(f"{pad}{name}:")
            lines += _yaml(value, layered, f"{here}.", depth + 1)
        else:
            # A JSON value is valid YAML flow syntax; the comment names the layer.
            lines.append(f"{pad}{name}: {json.dumps(value, ensure_ascii=False)}"
                         f"  # {layered.origin(here)}")
    return lines
