"""Configuration layers: built-in defaults <- the organisation's `.github` repository <- `extends`
targets <- the repository's `.github/shipshape.yml`, later layers winning.

Rule 1: this module does no I/O. `resolve()` is a generator that yields each file it needs
(`FileRef`) and is sent back its text (None: absent or unreadable); the bot answers from the
Contents API, the command line from files and git, so both layer the same way.
Rule 2: merging is plain. Mappings merge key by key; a list replaces the list below it unless its
key ends in `+` (`ignore+: [...]` appends); `secrets: false` is `secrets: {enabled: false}`, so a
later `secrets: {level: warn}` does not turn it back on.
Rule 3: `locked:` in the organisation's file names key paths that no later layer may change; a
change is refused (the organisation's value stays) and the refusal is shown, never silent.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.config import (
    APPEND,
    CONFIG_PATH,
    GLOBAL_OPTIONS,
    Config,
    ConfigError,
    check_options,
    load_config,
    parse_yaml,
)
from checks.lazyre import lazy_compile
from checks.mask import safe_key
from checks.spec import CheckSpec

ORG_REPO = ".github"
# Where the organisation's file may live in `<owner>/.github`, in the order they are tried.
ORG_PATHS = ("shipshape.yml", ".github/shipshape.yml")
MAX_EXTENDS_DEPTH = 3
# Keys that shape the layering and are gone once layers are merged.
EXTENDS, LOCKED, OVERRIDES = "extends", "locked", "overrides"
# A ref never starts with `-`: the command line hands it to git, which would read an option.
_REF = lazy_compile(r"^(?P<repo>[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100})"
                    r"(?::(?P<path>[^@\s]+))?(?:@(?P<ref>[^\s:\-][^\s:]*))?$")


class LayerKind(enum.StrEnum):
    """Where a layer comes from, lowest first."""

    DEFAULTS = "defaults"
    ORGANISATION = "organisation"
    EXTENDS = "extends"
    REPOSITORY = "repository"


@dataclass(frozen=True)
class FileRef:
    """One configuration file: repository, path, ref (None: the default branch), layer kind."""

    repo: str
    path: str
    ref: str | None
    kind: LayerKind

    @property
    def label(self) -> str:
        """`owner/repo:path@ref`, as error messages and `shipshape config` name the file."""
        return f"{self.repo}:{self.path}" + (f"@{self.ref}" if self.ref else "")

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity for cycle detection (GitHub's names ignore case)."""
        return (self.repo.lower(), self.path.strip("/"), self.ref or "")


class LayerError(ConfigError):
    """A configuration file is invalid; names the file, the key path and the layer."""

    def __init__(self, source: str, kind: LayerKind, path: str, message: str) -> None:
        super().__init__(path, message)
        self.source, self.kind, self.message = source, kind, message
        where = f"{path}: " if path else ""
        self.args = (f"{source} ({kind} layer): {where}{message}",)


@dataclass(frozen=True)
class Layer:
    """One validated file: its layer settings, without `extends` and `locked`."""

    kind: LayerKind
    source: str
    doc: Mapping[str, Any]
    locked: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Layered:
    """The merged configuration document, where each value came from, and refused changes."""

    layers: tuple[Layer, ...]
    document: Mapping[str, Any]
    origins: Mapping[str, str]
    refused: tuple[str, ...]
    config: Config = field(compare=False)

    def origin(self, dotted: str) -> str:
        """The layer a key path's value came from (the nearest key path that was set)."""
        while dotted:
            if dotted in self.origins:
                return self.origins[dotted]
            dotted = dotted.rpartition(".")[0]
        return LayerKind.DEFAULTS.value


def default_document(registry: Sequence[CheckSpec[Any]]) -> dict[str, Any]:
    """Every key at its built-in default: the lowest layer."""
    doc: dict[str, Any] = {name: copy.deepcopy(opt.default) for name, opt in GLOBAL_OPTIONS.items()}
    for spec in registry:
        doc[spec.id] = {n: copy.deepcopy(o.default) for n, o in check_options(spec).items()}
    return doc


def parse_ref(value: Any) -> FileRef | None:
    """`owner/repo[:path][@ref]` as an extends target; None when it is not one."""
    match = _REF.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    return FileRef(match["repo"], (match["path"] or CONFIG_PATH).strip("/"), match["ref"],
                   LayerKind.EXTENDS)


def _plain(doc: Any, check_ids: set[str], path: str = "") -> Any:
    """The document as the validator reads it: `key+` spelled `key`, `check: false` expanded."""
    if not isinstance(doc, Mapping):
        return doc
    out: dict[str, Any] = {}
    for key, value in doc.items():
        name = key[:-1] if isinstance(key, str) and key.endswith(APPEND) else key
        if name in out:
            raise ConfigError(f"{path}{safe_key(name)}", "given both with and without `+`")
        if not path and name in check_ids and isinstance(value, bool):
            value = {"enabled": value}
        out[name] = _plain(value, check_ids, f"{path}{safe_key(name)}.")
    return out


def _appends_only_lists(doc: Mapping[str, Any], path: str = "") -> None:
    for key, value in doc.items():
        here = f"{path}{safe_key(key)}"
        if isinstance(key, str) and key.endswith(APPEND) and not isinstance(value, list):
            raise ConfigError(here, "`+` appends to a list; give a list, or drop the `+`")
        if isinstance(value, Mapping):
            _appends_only_lists(value, f"{here}.")


def known_paths(doc: Mapping[str, Any], prefix: tuple[str, ...] = ()
                ) -> dict[str, tuple[str, ...]]:
    """Every key path of a document, dotted, mapped to its parts."""
    out: dict[str, tuple[str, ...]] = {}
    for key, value in doc.items():
        here = (*prefix, key)
        out[".".join(here)] = here
        if isinstance(value, Mapping):
            out.update(known_paths(value, here))
    return out


def _locked(value: Any, defaults: Mapping[str, Any]) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(LOCKED, "expected a list of key paths such as [secrets, "
                          "migrations.frameworks]")
    known = {**known_paths(defaults), OVERRIDES: (OVERRIDES,)}
    out = []
    for index, name in enumerate(value):
        if name not in known:
            raise ConfigError(f"{LOCKED}[{index}]", f"unknown key path {safe_key(name)}")
        out.append(known[name])
    return tuple(out)


def load_layer(text: str, ref: FileRef, registry: Sequence[CheckSpec[Any]]
               ) -> tuple[Layer, tuple[FileRef, ...]]:
    """Parse and validate one file; return its layer and the targets it extends."""
    try:
        doc = parse_yaml(text)
        if doc is None:
            doc = {}
        if not isinstance(doc, Mapping):
            raise ConfigError("", "the configuration must be a mapping")
        targets = _extends(doc.get(EXTENDS))
        locked: tuple[tuple[str, ...], ...] = ()
        if LOCKED in doc:
            if ref.kind is not LayerKind.ORGANISATION:
                raise ConfigError(LOCKED, "only the organisation's file (in its `.github` "
                                  "repository) may lock keys")
            locked = _locked(doc[LOCKED], default_document(registry))
        rest = {k: v for k, v in doc.items() if k not in (EXTENDS, LOCKED)}
        _appends_only_lists(rest)
        plain = _plain(rest, {spec.id for spec in registry})
        load_config(plain, registry)  # every layer is valid on its own
    except LayerError:
        raise
    except ConfigError as exc:
        raise LayerError(ref.label, ref.kind, exc.path, _message(exc)) from exc
    except RecursionError as exc:  # parsed, but too deep for the walks that validate it
        raise LayerError(ref.label, ref.kind, "", "collections nested too deeply") from exc
    checks = {spec.id for spec in registry}
    normal = {k: ({"enabled": v} if k in checks and isinstance(v, bool) else v)
              for k, v in rest.items()}
    return Layer(ref.kind, ref.label, normal, locked), targets


def _message(exc: ConfigError) -> str:
    text = str(exc)
    prefix = f"{exc.path}: "
    return text[len(prefix):] if exc.path and text.startswith(prefix) else text


def _extends(value: Any) -> tuple[FileRef, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ConfigError(EXTENDS, "expected `owner/repo:path@ref` or a list of them")
    out = []
    for index, item in enumerate(items):
        ref = parse_ref(item)
        if ref is None:
            raise ConfigError(f"{EXTENDS}[{index}]", f"expected `owner/repo:path@ref`, got "
                              f"{safe_key(item)}")
        out.append(ref)
    return tuple(out)


Request = Generator[FileRef, str | None, tuple[Layer, ...]]


def _owner(repo: str) -> str:
    return repo.partition("/")[0].lower()


def _chain(ref: FileRef, text: str, registry: Sequence[CheckSpec[Any]],
           seen: tuple[FileRef, ...]) -> Request:
    """The file's extends targets (depth first, each under the file naming it), then the file."""
    layer, targets = load_layer(text, ref, registry)
    layers: list[Layer] = []
    for index, target in enumerate(targets):
        where = f"{EXTENDS}[{index}]"
        if target.key in {s.key for s in (*seen, ref)}:
            loop = " -> ".join(s.label for s in (*seen, ref, target))
            raise LayerError(ref.label, ref.kind, where, f"extends a file already in the "
                             f"chain (cycle: {loop})")
        owner = (*seen, ref)[0].repo.partition("/")[0]
        if _owner(target.repo) != owner.lower():
            # An installation is on one account: another owner's files are another
            # installation's, never read for this one.
            raise LayerError(ref.label, ref.kind, where, f"{target.label} belongs to another "
                             f"account; only repositories of {owner} (this installation) can "
                             "be extended")
        depth = sum(1 for s in seen if s.kind is LayerKind.EXTENDS) + (
            ref.kind is LayerKind.EXTENDS)
        if depth >= MAX_EXTENDS_DEPTH:
            raise LayerError(ref.label, ref.kind, where, f"extends more than "
                             f"{MAX_EXTENDS_DEPTH} levels deep")
        target_text = yield target
        if target_text is None:
            raise LayerError(ref.label, ref.kind, where, f"{target.label} was not found or is not "
                             "readable (only repositories of the same installation are)")
        layers += yield from _chain(target, target_text, registry, (*seen, ref))
    return (*layers, layer)


def resolve(repo: str, base_ref: str, registry: Sequence[CheckSpec[Any]]
            ) -> Generator[FileRef, str | None, Layered]:
    """Ask for each file in turn; return the merged layers (raises LayerError on a bad file)."""
    owner = repo.partition("/")[0]
    layers: list[Layer] = []
    for path in ORG_PATHS:
        org = FileRef(f"{owner}/{ORG_REPO}", path, None, LayerKind.ORGANISATION)
        text = yield org
        if text is not None:
            layers += yield from _chain(org, text, registry, ())
            break
    own = FileRef(repo, CONFIG_PATH, base_ref, LayerKind.REPOSITORY)
    text = yield own
    if text is not None:
        layers += yield from _chain(own, text, registry, ())
    return merge(layers, registry)


def merge(layers: Sequence[Layer], registry: Sequence[CheckSpec[Any]]) -> Layered:
    """Merge the layers over the defaults; validate the result (LayerError names the file)."""
    doc = default_document(registry)
    state = _Merge({}, {}, [])
    for layer in layers:
        state.layer(doc, layer)
        if layer.kind is LayerKind.ORGANISATION:
            state.locked.update({path: layer.source for path in layer.locked})
    try:
        config = load_config(doc, registry)
    except ConfigError as exc:  # pragma: no cover - each layer was valid alone; kept for a
        # future rule across keys, which the mix could break
        last = layers[-1] if layers else Layer(LayerKind.DEFAULTS, "defaults", {})
        raise LayerError(last.source, last.kind, exc.path, _message(exc)) from exc
    return Layered(tuple(layers), doc, state.origins, tuple(state.refused), config)


# eq=False: the mutable state of one merge, never compared.
@dataclass(eq=False)
class _Merge:
    locked: dict[tuple[str, ...], str]
    origins: dict[str, str]
    refused: list[str]

    def layer(self, doc: dict[str, Any], layer: Layer) -> None:
        self._into(doc, layer.doc, (), layer)

    def _locks(self, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
        """The locked key paths at, above or below `path`, with the file that locked each."""
        return [(locked, source) for locked, source in self.locked.items()
                if path[:len(locked)] == locked or locked[:len(path)] == path]

    def _into(self, target: dict[str, Any], given: Mapping[str, Any], path: tuple[str, ...],
              layer: Layer) -> None:
        for key, value in given.items():
            append = key.endswith(APPEND)
            name = key[:-1] if append else key
            here = (*path, name)
            current = target.get(name)
            if isinstance(value, Mapping) and isinstance(current, dict):
                self._into(current, value, here, layer)
                continue
            if here == (OVERRIDES,) and (OVERRIDES,) not in self.locked:
                value = self._unlocked_overrides(value, layer)
            new = [*(current or []), *value] if append else copy.deepcopy(value)
            locks = self._locks(here)
            if locks and new != current:
                self._refuse(".".join(here), locks[0][1], layer)
                continue
            target[name] = new
            dotted = ".".join(here)
            for known in [k for k in self.origins if k.startswith(f"{dotted}.")]:
                del self.origins[known]
            before = self.origins.get(dotted, LayerKind.DEFAULTS.value)
            self.origins[dotted] = f"{before} + {layer.source}" if append else layer.source

    def _unlocked_overrides(self, items: Any, layer: Layer) -> list[Any]:
        """A later layer's overrides, without what they would change of a locked key."""
        out = []
        for item in items:
            kept = {}
            for key, value in item.items():
                touched = [source for locked, source in self._locks((key,))
                           if key != "paths" and self._touches(locked, value)]
                if touched:
                    self._refuse(f"{OVERRIDES}: {key}", touched[0], layer)
                    continue
                kept[key] = value
            if set(kept) - {"paths"}:
                out.append(kept)
        return out

    @staticmethod
    def _touches(locked: tuple[str, ...], value: Any) -> bool:
        """True when an override's check settings `value` set the locked key path."""
        if len(locked) == 1 or not isinstance(value, Mapping):
            return True
        node: Any = value
        for part in locked[1:]:
            if not isinstance(node, Mapping) or (part not in node and f"{part}+" not in node):
                return False
            node = node.get(part, node.get(f"{part}+"))
        return True

    def _refuse(self, dotted: str, source: str, layer: Layer) -> None:
        self.refused.append(
            f"`{dotted}` is locked by the organisation ({source}); the change in "
            f"{layer.source} ({layer.kind} layer) was refused and the organisation's value "
            f"kept.")


def resolve_with(read: Callable[[FileRef], str | None], repo: str, base_ref: str,
                 registry: Sequence[CheckSpec[Any]]) -> Layered:
    """Run `resolve` with a synchronous reader (the command line, tests)."""
    requests = resolve(repo, base_ref, registry)
    try:
        ref = next(requests)
        while True:
            ref = requests.send(read(ref))
    except StopIteration as stop:
        result: Layered = stop.value
        return result
