"""Which simulated user an environment creates each episode: the user spec and its factory.

An env's ``user=`` argument (``gym.make(..., user={...})``, or ``env.kwargs.user`` in an experiment
config) is a ``UserSpec``: ``None`` or ``"scripted"`` for the scripted user (the default), or a
mapping for a model-written user (``docs/llm_users.md``)::

    {"kind": "llm", "mode": "words", "backend": "transformers", "model": "path/to/model",
     "temperature": 0.7, "max_tokens": 64, "prompts": {"words": "my_words.txt"}}

Keys other than the user's own (``USER_KEYS``) are the backend's (``oyrl.backends.spec.BackendSpec``:
``backend``, ``model``, ``base_url``, ``timeout_s``, ``cache_dir``...). ``make_user_factory`` builds
the backend once; every user the env creates shares it, and so do the envs of one process that
name the same backend settings (a trainer's envs load one model, not one each): the backend is
closed when the last of them closes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from oyrl.backends import BackendSpec, ChatBackend, make_backend, validate_spec
from oyrl.errors import ConfigError
from oyrl.schema import StrictModel, did_you_mean
from oyrl.users.base import UserSimulator
from oyrl.users.llm import LLMUser, UserSimStats
from oyrl.users.persona import UserPersona
from oyrl.users.scripted import ScriptedUser
from oyrl.users.templates import PromptTemplate, resolve_templates


class PromptFiles(StrictModel):
    """Template files that replace the pack's or the built-in ones (paths relative to the working directory)."""

    words: str | None = None
    """The words-mode template (``user_words.txt``)."""
    model_led: str | None = None
    """The model-led template (``user_model_led.txt``)."""


class UserSpec(StrictModel):
    """Which simulated user an env creates; the backend's keys sit beside these (see module doc)."""

    kind: Literal["scripted", "llm"] = "scripted"
    """``scripted``: the reaction model's words from the pack's banks; ``llm``: a model writes them."""
    mode: Literal["words", "model_led"] = "words"
    """llm: ``words`` (the reaction model picks the act, the model writes it) or ``model_led``
    (the model picks the act from the user type's acts, too)."""
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    """llm: sampling temperature of the user's messages (0: greedy)."""
    max_tokens: int = Field(64, ge=1)
    """llm: most new tokens per message (model-led answers hold JSON: give them room, e.g. 128)."""
    max_chars: int = Field(400, ge=1)
    """llm: longest message kept, in characters (cut at a word boundary)."""
    history_chars: int = Field(3000, ge=100)
    """llm: characters of the latest conversation shown in the prompt."""
    prompts: PromptFiles = PromptFiles()
    """llm: template files replacing the pack folder's ``prompts/`` or the built-in ones."""
    backend: BackendSpec | None = None
    """llm: the backend, from the spec's backend keys (``None`` when a backend object is passed)."""


#: The user's own keys; every other key of a spec mapping belongs to its backend.
USER_KEYS = frozenset(UserSpec.model_fields) - {"backend"}
# temperature and max_tokens are the user's (per request); the backend's defaults for them are unused.
_BACKEND_KEYS = frozenset(BackendSpec.model_fields) - USER_KEYS


def parse_user_spec(spec: Any, *, where: str = "user", backend_given: bool = False) -> UserSpec:
    """``spec`` (``None``, ``"scripted"``, ``"llm"`` with nothing else is an error, a mapping or a
    ``UserSpec``) as a validated ``UserSpec``; the backend keys are validated too (nothing is built).

    Args:
        backend_given: a backend object will be supplied, so the spec needs no backend keys.

    Raises:
        ConfigError: one line naming ``<where>.<key>``; an unknown key names the closest known one.
    """
    if isinstance(spec, UserSpec):
        return spec
    if spec is None or spec == "scripted":
        return UserSpec()
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: expected 'scripted' or a mapping such as {{kind: llm, backend: transformers, "
                          f"model: ...}}, got {spec!r}")
    known = sorted(USER_KEYS | _BACKEND_KEYS)
    for key in spec:
        if key not in USER_KEYS and key not in _BACKEND_KEYS:
            raise ConfigError(f"{where}.{key}: unknown key" + did_you_mean(str(key), known, f" (known: {', '.join(known)})"))
    own = {k: v for k, v in spec.items() if k in USER_KEYS}
    rest = {k: v for k, v in spec.items() if k in _BACKEND_KEYS}
    try:
        parsed = UserSpec.model_validate(own)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        hint = did_you_mean(key.split(".")[-1], PromptFiles.model_fields) if err["type"] == "extra_forbidden" else ""
        msg = "unknown key" + hint if err["type"] == "extra_forbidden" else f"{err['msg']}, got {err.get('input')!r}"
        raise ConfigError(f"{where}.{key}: {msg}") from None
    if parsed.kind == "scripted":
        if rest or set(own) - {"kind"}:
            extra = min({*rest, *own} - {"kind"})
            raise ConfigError(f"{where}.{extra}: the scripted user takes no settings (set kind: llm for a model-written user)")
        return parsed
    if backend_given and not rest:
        return parsed
    if "backend" not in rest:
        raise ConfigError(f"{where}.backend: an llm user needs a backend ('transformers' or 'openai') and a model")
    return parsed.model_copy(update={"backend": validate_spec(rest, where=where)})


class ScriptedUsers:
    """The default factory: a ``ScriptedUser`` per persona."""

    kind = "scripted"

    def __call__(self, persona: UserPersona) -> UserSimulator:
        return ScriptedUser(persona)

    def attach(self) -> None:
        """Nothing to count."""

    def close(self) -> None:
        """Nothing to release."""


class LLMUsers:
    """A factory of ``LLMUser``s sharing one backend, one set of templates and one ``stats``.

    Args:
        spec: the validated user spec (``kind: llm``).
        backend: the backend every user calls.
        templates: the checked prompt templates of both modes.
        release: what ``close`` does (default: close the backend).
    """

    kind = "llm"

    def __init__(self, spec: UserSpec, backend: ChatBackend, templates: dict[str, PromptTemplate],
                 release: Callable[[], None] | None = None):
        self.spec, self.backend, self.templates = spec, backend, templates
        self._release = release if release is not None else backend.close
        self.stats = UserSimStats()
        self._holders = 0
        self._closed = False
        self._lock = threading.Lock()

    def __call__(self, persona: UserPersona) -> LLMUser:
        s = self.spec
        return LLMUser(persona, self.backend, self.templates, mode=s.mode, temperature=s.temperature,
                       max_tokens=s.max_tokens, max_chars=s.max_chars, history_chars=s.history_chars,
                       stats=self.stats)

    def attach(self) -> None:
        """An env starts using this factory (``close`` then waits for every env that attached)."""
        with self._lock:
            self._holders += 1

    def close(self) -> None:
        """Release the backend (frees the model or the connection pool) once every env that
        attached has closed; without attached envs, at once. Later calls do nothing."""
        with self._lock:
            if self._closed:
                return
            self._holders = max(0, self._holders - 1)
            if self._holders > 0:
                return
            self._closed = True
        self._release()


def make_user_factory(spec: Any, *, where: str = "user", pack_dir: str | Path | None = None,
                      backend: ChatBackend | None = None) -> ScriptedUsers | LLMUsers:
    """The callable ``persona -> UserSimulator`` an env creates each episode's user with.

    Args:
        spec: a user spec (see ``parse_user_spec``).
        where: the key path errors name (``"user"``, ``"env.kwargs.user"``).
        pack_dir: the scenario pack's folder: its ``prompts/`` templates replace the built-in ones.
        backend: a backend to use instead of building one from the spec's backend keys (tests,
            or one backend shared by several envs; the factory's ``close`` then closes it).

    Raises:
        ConfigError: a bad spec, a template with an unknown placeholder, or a backend that cannot
            be built.
    """
    parsed = parse_user_spec(spec, where=where, backend_given=backend is not None)
    if parsed.kind == "scripted":
        return ScriptedUsers()
    templates = resolve_templates(parsed.prompts.model_dump(), pack_dir)
    if backend is not None:
        return LLMUsers(parsed, backend, templates)
    assert parsed.backend is not None  # parse_user_spec requires it without a backend object
    shared, release = _shared_backend(parsed.backend, where)
    return LLMUsers(parsed, shared, templates, release)


# Backends built from specs, shared by the factories of one process that name the same settings:
# canonical spec JSON -> [backend, factories holding it].
_SHARED: dict[str, list] = {}
_SHARED_LOCK = threading.Lock()


def _shared_backend(spec: BackendSpec, where: str) -> tuple[ChatBackend, Callable[[], None]]:
    """The backend for ``spec`` (built on first use) and the call that gives this hold back."""
    key = spec.model_dump_json()
    with _SHARED_LOCK:
        entry = _SHARED.get(key)
        if entry is None:
            entry = _SHARED[key] = [make_backend(spec, where=where), 0]
        entry[1] += 1

    def release() -> None:
        with _SHARED_LOCK:
            entry[1] -= 1
            if entry[1] > 0:
                return
            if _SHARED.get(key) is entry:
                del _SHARED[key]
        entry[0].close()

    return entry[0], release

