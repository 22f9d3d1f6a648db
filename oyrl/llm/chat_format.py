"""The token-level view of a chat template (``ChatFormat``): the rollout engine builds every
dialogue's token ids from it, never by re-tokenising decoded text (``oyrl.llm.rollout``)."""

from __future__ import annotations

from typing import Any

from oyrl.errors import ConfigError


class ChatFormat:
    """The token-level view of a chat template: the first prompt, then a delta after each reply.

    Args:
        tokenizer: a Hugging Face tokenizer with a chat template.
        system_prompt: optional system message before the opening.
    """

    SENTINEL = "OYRL_REPLY_SENTINEL"

    def __init__(self, tokenizer: Any, system_prompt: str | None = None):
        self.tokenizer = tokenizer
        self.system = [{"role": "system", "content": system_prompt}] if system_prompt else []
        closing = self._encode(self._after_reply([]))
        #: The template's end-of-turn token: the first token after an assistant message's content.
        self.end_of_turn: int | None = closing[0] if closing else None

    def _encode(self, text: str) -> list[int]:
        # The template text already holds its special tokens (BOS...): add none (as apply_chat_template).
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def _after_reply(self, tail: list[dict[str, str]]) -> str:
        """Template text after an assistant message's content, with ``tail`` messages rendered after it."""
        messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": self.SENTINEL}, *tail]
        text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=bool(tail))
        if text.count(self.SENTINEL) != 1:
            raise ConfigError("chat template alters assistant content, so replies cannot be extended token-wise")
        return text.split(self.SENTINEL, 1)[1]

    def prompt(self, messages: list[dict[str, str]]) -> list[int]:
        """Token ids of the first prompt: the opening messages and the generation prompt."""
        messages = self.system + messages
        return self._encode(self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))

    def delta(self, user_text: str, last_token: int | None) -> list[int]:
        """Token ids that follow a reply ending in ``last_token``: closing, user turn, generation prompt."""
        ids = self._encode(self._after_reply([{"role": "user", "content": user_text}]))
        return ids[1:] if ids and ids[0] == last_token else ids
