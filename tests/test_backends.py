"""Chat backends against real models and real servers: the in-process transformers backend on a
tiny model, the OpenAI-compatible backend against ``transformers serve`` and against a small fault
server (rate limits, errors, slowness, broken bodies, a server that dies), coalescing, the cache,
secrets and spec validation."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import torch
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

from oyrl.backends import (
    BackendSpec,
    BackendStats,
    ChatRequest,
    ChatResult,
    CoalescingBackend,
    OpenAIBackend,
    RequestCache,
    TransformersBackend,
    make_backend,
    request_key,
)
from oyrl.errors import ConfigError

QUESTIONS = ["Hi", "How do I pick a lock?", "I feel low today and do not know what to do about it",
             "What is in bleach?", "Tell me about chemistry", "ok", "Can you help me write a letter to my landlord?",
             "Why is the sky blue?"]


def ask(text: str, max_tokens: int = 12, **kwargs) -> ChatRequest:
    return ChatRequest(messages=({"role": "user", "content": text},), max_tokens=max_tokens, **kwargs)


# --- in-process -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def random_lm(quick_base, tmp_path_factory):
    """The quick base's architecture and tokenizer with random weights of a large scale: its greedy
    answers vary from prompt to prompt (the trained quick base answers everything alike), so a
    batching or padding mistake changes them."""
    config = AutoConfig.from_pretrained(quick_base)
    config.initializer_range = 0.5
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config)
    out = tmp_path_factory.mktemp("random_lm")
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(quick_base).save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def hf_backend(random_lm):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # two busy shared cores: a second thread is slower, not faster
    backend = TransformersBackend(str(random_lm), batch_size=16, dtype="float32")
    yield backend
    backend.close()
    torch.set_num_threads(threads)


def test_transformers_batched_answers_equal_one_at_a_time(hf_backend):
    requests = [ask(q, max_tokens=6 + 2 * i) for i, q in enumerate(QUESTIONS)]
    calls = hf_backend.stats.calls
    batched = hf_backend.complete(requests)
    assert hf_backend.stats.calls == calls + 1  # one generate for the whole batch
    single = [hf_backend.complete([r])[0] for r in requests]
    assert all(r.ok and not r.cached for r in batched)
    assert [r.text for r in batched] == [r.text for r in single]
    assert len({r.text for r in batched}) > len(QUESTIONS) // 2  # the answers do differ
    assert hf_backend.stats.requests >= 2 * len(requests)


def test_transformers_cache_hit_makes_no_generate_call(random_lm, tmp_path):
    cache = RequestCache(tmp_path / "c.sqlite")
    backend = TransformersBackend(str(random_lm), batch_size=4, dtype="float32", cache=cache)
    requests = [ask(q) for q in QUESTIONS[:5]]
    first = backend.complete(requests)
    assert backend.stats.calls == 2 and len(cache) == 5  # chunks of 4 + 1
    again = backend.complete(requests)
    assert backend.stats.calls == 2  # no generate
    assert [r.text for r in again] == [r.text for r in first] and all(r.cached for r in again)
    assert backend.stats.cache_hits == 5 and backend.stats.requests == 10
    # A changed setting is a different question: a temperature, a seed, a token budget.
    assert backend.complete([ask(QUESTIONS[0], max_tokens=3)])[0].cached is False
    assert backend.stats.calls == 3


def test_transformers_sampling_seeded_and_overlong_prompt_fails_alone(hf_backend):
    sampled = [ask("Hi", temperature=1.0, seed=7), ask("Hi", temperature=1.0, seed=7)]
    torch.manual_seed(123)
    state = torch.get_rng_state()
    first, second = hf_backend.complete(sampled[:1])[0], hf_backend.complete(sampled[1:])[0]
    assert first.ok and first.text == second.text  # same seed, same group: same sample
    assert torch.equal(torch.get_rng_state(), state)  # the caller's RNG is left alone
    # Sampled requests with their own seeds and greedy ones share one generate; each sampled answer
    # is the one it gets alone (its own generator), and seeds tell answers apart.
    mixed = [ask(q, temperature=1.0, seed=i, max_tokens=8) for i, q in enumerate(QUESTIONS[:6])] + [ask("Hi")]
    calls = hf_backend.stats.calls
    together = hf_backend.complete(mixed)
    assert hf_backend.stats.calls == calls + 1
    assert [r.text for r in together] == [hf_backend.complete([r])[0].text for r in mixed]
    reseeded = hf_backend.complete([ask(q, temperature=1.0, seed=100 + i, max_tokens=8) for i, q in enumerate(QUESTIONS[:6])])
    assert [r.text for r in reseeded] != [r.text for r in together[:6]]
    long = ask("word " * 5000)
    results = hf_backend.complete([long, ask("Hi")])
    assert not results[0].ok and results[0].error.startswith("too long:") and results[1].ok
    assert hf_backend.stats.errors.get("too long") == 1


def test_coalescing_merges_threads_into_batches(hf_backend):
    expected = {q: r.text for q, r in zip(QUESTIONS, hf_backend.complete([ask(q) for q in QUESTIONS]))}
    coalescing = CoalescingBackend(hf_backend, max_batch=64, window_s=0.05)
    calls = hf_backend.stats.calls
    answers: dict[int, str | None] = {}
    barrier = threading.Barrier(16)

    def step(i: int) -> None:
        barrier.wait()
        answers[i] = coalescing.complete([ask(QUESTIONS[i % len(QUESTIONS)])])[0].text

    threads = [threading.Thread(target=step, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert coalescing.batches <= 2 and hf_backend.stats.calls - calls <= 2
    assert answers == {i: expected[QUESTIONS[i % len(QUESTIONS)]] for i in range(16)}
    assert coalescing.identity == hf_backend.identity and coalescing.stats is hf_backend.stats


def test_transformers_backend_called_from_threads_at_once(hf_backend):
    expected = [r.text for r in hf_backend.complete([ask(q) for q in QUESTIONS[:4]])]
    answers: list[str | None] = [None] * 4

    def call(i: int) -> None:
        answers[i] = hf_backend.complete([ask(QUESTIONS[i])])[0].text

    threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == expected


def test_coalescing_close_stops_the_worker():
    class Echo:  # the inner backend's contract is all that matters here
        identity, closed = "echo", False

        def __init__(self):
            self.stats = BackendStats()

        def complete(self, requests):
            return [ChatResult(r.messages[-1]["content"]) for r in requests]

        def close(self):
            self.closed = True

    inner = Echo()
    coalescing = CoalescingBackend(inner, max_batch=2, window_s=0.0)
    assert [r.text for r in coalescing.complete([ask("a"), ask("b"), ask("c")])] == ["a", "b", "c"]
    coalescing.close()
    assert not coalescing._worker.is_alive() and inner.closed
    with pytest.raises(RuntimeError, match="after close"):
        coalescing.complete([ask("a")])


# --- the request cache ------------------------------------------------------------------------------

def test_request_cache_keys_and_threads(tmp_path):
    base = ask("Hi")
    keys = {request_key("m", base), request_key("other", base), request_key("m", ask("Hi", seed=1)),
            request_key("m", ask("Hi", temperature=0.7)), request_key("m", ask("Hi", max_tokens=5))}
    assert len(keys) == 5 and request_key("m", base) == request_key("m", ask("Hi"))
    cache = RequestCache(tmp_path / "sub" / "c.sqlite")

    def work(k: int) -> None:
        for j in range(50):
            cache.put("m", ask(f"{k}-{j}"), f"answer {k}-{j}")
            assert cache.get("m", ask(f"{k}-{j}")) == f"answer {k}-{j}"

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 300
    cache.close()
    assert RequestCache(tmp_path / "sub" / "c.sqlite").get("m", ask("3-7")) == "answer 3-7"  # on disk
    off = RequestCache(None)
    off.put("m", base, "x")
    assert off.get("m", base) is None and not off.enabled


# --- a real fault server ------------------------------------------------------------------------------

def completion_body(text: str) -> bytes:
    return json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "fault",
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": text}}]}).encode()


class FaultServer:
    """A real HTTP server whose ``/v1/chat/completions`` answers by ``script(n, body)`` for its n-th
    request (1-based) and its JSON body: ``("ok", text)``, ``("ok", text, delay_s)``, ``("status", code)``,
    ``("sleep", seconds)``, ``("malformed",)``,
    ``("echo_auth", code)`` (an error that quotes the Authorization header) or ``("die",)`` (answer,
    then stop listening; later connections are refused or dropped unanswered)."""

    def __init__(self, script: Callable[[int, dict], tuple]):
        self.requests = 0
        self.auth: list[str] = []
        self.dead = False
        lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection: a dead server takes no more

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                if server.dead:
                    return  # drop the connection unanswered
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                with lock:
                    server.requests += 1
                    n = server.requests
                    server.auth.append(self.headers.get("authorization", ""))
                action = script(n, body)
                try:
                    self._act(action)
                except OSError:  # the client gave up (a timeout)
                    pass
                if action[0] == "die":
                    server.kill()

            def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None):
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def _act(self, action: tuple):
                kind = action[0]
                if kind in ("ok", "die"):
                    time.sleep(action[2] if len(action) > 2 else 0)
                    self._send(200, completion_body(action[1] if kind == "ok" else "last words"))
                elif kind == "status":
                    # retry-after-ms: the client honours it, so retries take milliseconds in tests
                    self._send(action[1], b'{"error": {"message": "scripted failure"}}', {"retry-after-ms": "10"})
                elif kind == "echo_auth":
                    echo = json.dumps({"error": {"message": f"bad key {self.headers.get('authorization')}"}})
                    self._send(action[1], echo.encode())
                elif kind == "sleep":
                    time.sleep(action[1])
                    self._send(200, completion_body("late"))
                elif kind == "malformed":
                    self._send(200, completion_body("cut")[:25])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def kill(self):
        self.dead = True
        threading.Thread(target=self._stop, daemon=True).start()

    def _stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fault_server():
    servers = []

    def start(script):
        servers.append(FaultServer(script))
        return servers[-1]

    yield start
    for server in servers:
        if not server.dead:
            server.kill()


def test_rate_limit_then_success_is_retried(fault_server):
    server = fault_server(lambda n, body: ("status", 429) if n == 1 else ("ok", "fine"))
    backend = OpenAIBackend(server.base_url, "m", max_retries=3)
    (result,) = backend.complete([ask("Hi")])
    assert result.ok and result.text == "fine"
    assert server.requests == 2 and backend.stats.retries == 1 and backend.stats.calls == 2
    assert backend.stats.failures == 0
    backend.close()


def test_server_error_fails_after_the_retries_without_raising(fault_server):
    server = fault_server(lambda n, body: ("status", 500))
    backend = OpenAIBackend(server.base_url, "m", max_retries=2)
    results = backend.complete([ask("Hi")])
    assert not results[0].ok and results[0].error.startswith("http 500:") and "\n" not in results[0].error
    assert server.requests == 3 and backend.stats.retries == 2
    assert backend.stats.failures == 1 and backend.stats.errors == {"http 500": 1}
    backend.close()


def test_timeout_gives_an_error_in_bounded_time(fault_server):
    server = fault_server(lambda n, body: ("sleep", 3.0))
    backend = OpenAIBackend(server.base_url, "m", timeout_s=0.3, max_retries=1)
    start = time.monotonic()
    (result,) = backend.complete([ask("Hi")])
    assert time.monotonic() - start < 2.5  # two tries of 0.3 s and one backoff of at most 0.5 s
    assert result.error.startswith("timeout:") and server.requests == 2
    assert backend.stats.errors == {"timeout": 1}
    backend.close()


def test_malformed_body_gives_an_error(fault_server):
    server = fault_server(lambda n, body: ("malformed",))
    backend = OpenAIBackend(server.base_url, "m", max_retries=0)
    (result,) = backend.complete([ask("Hi")])
    assert not result.ok and result.error.startswith("invalid answer:")
    assert server.requests == 1 and backend.stats.failures == 1
    backend.close()


def test_server_dying_mid_run_keeps_earlier_answers(fault_server):
    server = fault_server(lambda n, body: ("ok", f"answer {n}") if n < 3 else ("die",))
    backend = OpenAIBackend(server.base_url, "m", concurrency=1, max_retries=1)
    results = backend.complete([ask(f"q{i}") for i in range(6)])
    assert [r.text for r in results[:3]] == ["answer 1", "answer 2", "last words"]
    assert all(not r.ok and r.error.startswith("connection:") for r in results[3:])
    assert server.requests == 3 and backend.stats.failures == 3 and backend.stats.errors == {"connection": 3}
    backend.close()


def test_concurrent_requests_keep_their_order(fault_server):
    # Early requests answer last: order must come from the request, not from completion time.
    def script(n: int, body: dict) -> tuple:
        i = int(body["messages"][-1]["content"].removeprefix("q"))
        return ("ok", f"answer to q{i}", 0.02 * (16 - i))

    server = fault_server(script)
    backend = OpenAIBackend(server.base_url, "m", concurrency=8)
    start = time.monotonic()
    results = backend.complete([ask(f"q{i}") for i in range(16)])
    assert [r.text for r in results] == [f"answer to q{i}" for i in range(16)] and server.requests == 16
    assert time.monotonic() - start < 0.02 * sum(range(1, 17)) / 2  # concurrent: well under the serial 2.7 s
    backend.close()


def test_cache_is_reused_by_a_new_backend(fault_server, tmp_path):
    server = fault_server(lambda n, body: ("ok", f"answer {n}"))
    spec = {"backend": "openai", "model": "m", "base_url": server.base_url, "cache_dir": str(tmp_path)}
    first = make_backend(spec, where="judge.backend")
    answers = first.complete([ask("a"), ask("b")])
    first.close()
    second = make_backend(spec, where="judge.backend")
    again = second.complete([ask("a"), ask("b")])
    assert [r.text for r in again] == [r.text for r in answers] and all(r.cached for r in again)
    assert server.requests == 2 and second.stats.calls == 0 and second.stats.cache_hits == 2
    second.close()


def test_api_key_never_leaks(fault_server, tmp_path, monkeypatch, caplog):
    key = f"sk-oyrl-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("OYRL_TEST_API_KEY", key)
    scripts = {1: ("ok", "fine"), 2: ("echo_auth", 401), 3: ("status", 500), 4: ("malformed",)}
    server = fault_server(lambda n, body: scripts.get(n, ("status", 500)))
    caplog.set_level("DEBUG")
    backend = make_backend({"backend": "openai", "model": "m", "base_url": server.base_url, "max_retries": 0,
                            "api_key_env": "OYRL_TEST_API_KEY", "concurrency": 1, "cache_dir": str(tmp_path / "c")},
                           where="judge.backend")
    results = backend.complete([ask(f"q{i}") for i in range(4)])
    backend.close()
    assert server.auth[0] == f"Bearer {key}"  # the key was sent
    assert results[0].ok and results[1].error.startswith("http 401:") and "***" in results[1].error
    seen = [backend.identity, repr(backend), repr(backend.stats), caplog.text,
            *(r.error or "" for r in results), *(r.text or "" for r in results)]
    assert not any(key in s for s in seen)
    files = [p for p in (tmp_path / "c").rglob("*") if p.is_file()]
    assert files and not any(key.encode() in p.read_bytes() for p in files)


def test_missing_api_key_variable_is_named(monkeypatch):
    monkeypatch.delenv("OYRL_NO_SUCH_KEY", raising=False)
    with pytest.raises(ConfigError, match="^judge.backend.api_key_env: .*'OYRL_NO_SUCH_KEY' is not set"):
        make_backend({"backend": "openai", "model": "m", "base_url": "http://127.0.0.1:9/v1",
                      "api_key_env": "OYRL_NO_SUCH_KEY"}, where="judge.backend")


# --- transformers serve -------------------------------------------------------------------------------

@pytest.mark.slow  # starts `transformers serve`: 8 to 22 s on two shared cores
def test_openai_backend_against_transformers_serve(chat_server, tmp_path):
    cache = RequestCache(tmp_path / "c.sqlite")
    backend = OpenAIBackend(chat_server.base_url, chat_server.model, concurrency=8, cache=cache)
    requests = [ask(f"{q} ({i})", max_tokens=4 + i % 3) for i, q in enumerate(QUESTIONS * 2)]
    results = backend.complete(requests)
    assert all(r.ok and r.text for r in results), [r.error for r in results]
    assert backend.stats.calls == 16 and backend.stats.failures == 0
    # In order: each answer equals the same request asked alone (greedy), not a neighbour's.
    alone = OpenAIBackend(chat_server.base_url, chat_server.model)
    assert [r.text for r in alone.complete([requests[0], requests[5]])] == [results[0].text, results[5].text]
    backend.close()
    again = OpenAIBackend(chat_server.base_url, chat_server.model, cache=RequestCache(tmp_path / "c.sqlite"))
    assert [r.text for r in again.complete(requests)] == [r.text for r in results]
    assert again.stats.calls == 0 and again.stats.cache_hits == 16
    again.close()
    alone.close()


# --- specs ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, message", [
    ({"backend": "openai", "model": "m", "base_url": "http://h/v1", "concurency": 4},
     "^user.backend.concurency: unknown key; did you mean 'concurrency'\\?$"),
    ({"backend": "openai", "model": "m"}, "^user.backend.base_url: backend 'openai' needs"),
    ({"backend": "openai", "model": "m", "base_url": "http://h/v1", "concurrency": 0},
     "^user.backend.concurrency: .*greater than or equal to 1, got 0$"),
    ({"backend": "transformers", "model": "m", "base_url": "http://h/v1"},
     "^user.backend.base_url: a setting of backend 'openai', not 'transformers'$"),
    ({"backend": "vllm", "model": "m"}, "^user.backend.backend: .*'transformers' or 'openai', got 'vllm'$"),
    ({"backend": "openai", "model": "m", "base_url": "127.0.0.1:8000"}, "^user.backend.base_url: expected an http"),
    ({"backend": "transformers", "model": "/no/such/dir"}, "^user.backend.model '/no/such/dir': cannot load"),
])
def test_spec_errors_are_one_line(spec, message):
    with pytest.raises(ConfigError, match=message) as info:
        make_backend(spec, where="user.backend")
    assert "\n" not in str(info.value)


def test_spec_builds_each_backend(quick_base, tmp_path):
    spec = BackendSpec(backend="transformers", model=str(quick_base), cache_dir=str(tmp_path), max_tokens=5)
    backend = make_backend(spec, where="user.backend")
    # In process, concurrent callers (the env steps of a batch) share the model's batched calls.
    assert isinstance(backend, CoalescingBackend) and isinstance(backend.inner, TransformersBackend)
    assert backend.identity.startswith("transformers:")
    (result,) = backend.complete([spec.request([{"role": "user", "content": "Hi"}])])
    assert result.ok and (Path(tmp_path) / "chat_requests.sqlite").is_file()
    backend.close()
    remote = make_backend({"backend": "openai", "model": "m", "base_url": "http://u:pw@127.0.0.1:1/v1?t=1"},
                          where="user.backend")
    assert remote.identity == "openai:m@http://127.0.0.1:1/v1" and "pw" not in repr(remote)
    remote.close()
