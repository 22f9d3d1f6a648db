"""ClassifierJudge: a sequence-classification model (a refusal or harm classifier) scores replies.

Any ``AutoModelForSequenceClassification`` (a ``save_pretrained`` folder or a hub id) works with a
*label map* from the model's labels (``config.id2label``) to feature values, e.g. a refusal
classifier whose ``LABEL_1`` means "refuses"::

    ClassifierJudge("protectai/distilroberta-base-rejection-v1",
                    label_map={"REJECTION": {"refusal": 1.0}, "NORMAL": {"refusal": 0.0}})

A feature the map names is the probability-weighted value over the labels (a label that does not
name the feature counts 0): with p(REJECTION) = 0.8, ``refusal`` = 0.8. Features the map does not
name come from the fallback judge (``LexicalJudge`` by default); a ``refusal`` the classifier sets
takes its ``refusal_kind`` from the fallback's reading when that reads soft or hard, else hard.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from oyrl.errors import ConfigError
from oyrl.judges.base import BatchJudge, Context, ResponseJudge, user_messages
from oyrl.judges.combine import judge_batch, overlay
from oyrl.judges.lexical import LexicalJudge
from oyrl.schema import did_you_mean
from oyrl.types import RequestTruth, ResponseFeatures

_SCORES = ResponseFeatures.SCORES


def check_label_map(
    label_map: Mapping[str, Any], labels: Sequence[str], feature: str | None = None
) -> dict[str, dict[str, float]]:
    """The label map in its full form (label -> feature -> value), or ``ConfigError`` naming the
    unknown labels (with the model's labels), unknown features or values outside [0, 1].

    With ``feature`` set, a label may map to a bare number meaning ``{feature: number}``.
    """
    if not label_map:
        raise ConfigError(f"ClassifierJudge label_map is empty; map some of the model's labels "
                          f"({', '.join(labels)}) to feature values")
    unknown = [k for k in label_map if k not in labels]
    if unknown:
        raise ConfigError(f"ClassifierJudge label_map: unknown labels {unknown}"
                          + did_you_mean(unknown[0], labels) + f" (the model's labels: {', '.join(labels)})")
    full: dict[str, dict[str, float]] = {}
    for label, values in label_map.items():
        if feature is not None and isinstance(values, (int, float)) and not isinstance(values, bool):
            values = {feature: values}
        if not isinstance(values, Mapping):
            raise ConfigError(f"ClassifierJudge label_map.{label}: expected a mapping of features "
                              f"to values, e.g. {{'refusal': 1.0}}, got {values!r}")
        for name, value in values.items():
            if name not in _SCORES:
                raise ConfigError(f"ClassifierJudge label_map.{label}: unknown feature {name!r}"
                                  + did_you_mean(name, _SCORES, f" (known: {', '.join(_SCORES)})"))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ConfigError(f"ClassifierJudge label_map.{label}.{name}: expected a number "
                                  f"in [0, 1], got {value!r}")
        full[label] = {k: float(v) for k, v in values.items()}
    return full


class ClassifierJudge(BatchJudge):
    """A judge reading features from a sequence classifier's label probabilities (module docstring).

    Args:
        model: a ``save_pretrained`` folder or hub id of a sequence-classification model.
        label_map: the model's labels -> ``{feature: value}`` (or a bare value, with ``feature``).
        feature: the feature bare values in ``label_map`` stand for.
        device: where the model runs (``"cpu"``, ``"cuda"``...).
        batch_size: replies per forward pass.
        fallback: the judge for the features the map does not name (``LexicalJudge()`` if None).
        text_pair: classify (last user message, reply) as a text pair instead of the reply alone
            (for classifiers trained on prompt-response pairs).
        max_length: most tokens of one input (truncated beyond; also capped by the model's positions).
    """

    def __init__(
        self,
        model: str | Path,
        *,
        label_map: Mapping[str, Any],
        feature: str | None = None,
        device: str = "cpu",
        batch_size: int = 32,
        fallback: ResponseJudge | None = None,
        text_pair: bool = False,
        max_length: int = 512,
    ):
        # Imported here so that ``import oyrl.judges`` stays free of torch for model-free users.
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if feature is not None and feature not in _SCORES:
            raise ConfigError(f"ClassifierJudge feature: unknown feature {feature!r}"
                              + did_you_mean(feature, _SCORES, f" (known: {', '.join(_SCORES)})"))
        try:
            self.model = AutoModelForSequenceClassification.from_pretrained(str(model)).to(device).eval()
            self.tokenizer = AutoTokenizer.from_pretrained(str(model))
        except (OSError, ValueError) as exc:
            first = (str(exc).strip().splitlines() or [""])[0]
            raise ConfigError(f"ClassifierJudge model: cannot load {str(model)!r} as a sequence "
                              f"classifier: {first}") from None
        if self.tokenizer.pad_token is None:  # GPT-style tokenizers: pad with end-of-text
            self.tokenizer.pad_token = self.tokenizer.eos_token
        if self.model.config.pad_token_id is None:
            self.model.config.pad_token_id = self.tokenizer.pad_token_id
        id2label = self.model.config.id2label
        self.labels = [id2label[i] for i in range(len(id2label))]
        self.label_map = check_label_map(label_map, self.labels, feature)
        self.features = tuple(f for f in _SCORES if any(f in v for v in self.label_map.values()))
        self.device = device
        self.batch_size = max(1, int(batch_size))
        self.fallback = fallback if fallback is not None else LexicalJudge()
        self.text_pair = text_pair
        limit = getattr(self.model.config, "max_position_embeddings", None) or max_length
        self.max_length = min(int(max_length), int(limit))
        # Only the inputs the model's forward takes (Llama-style models refuse token_type_ids).
        self._accepts = set(inspect.signature(self.model.forward).parameters) & {
            "input_ids", "attention_mask", "token_type_ids"}

    def probabilities(self, contexts: Sequence[Context], replies: Sequence[str]) -> list[list[float]]:
        """The label probabilities of each reply (``self.labels`` order)."""
        import torch

        texts = [r if isinstance(r, str) else "" for r in replies]
        pairs = [(user_messages(c) or [""])[-1] for c in contexts] if self.text_pair else None
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start:start + self.batch_size]
            args = (pairs[start:start + self.batch_size], chunk) if pairs is not None else (chunk,)
            enc = self.tokenizer(*args, padding=True, truncation=True, max_length=self.max_length,
                                 return_tensors="pt")
            inputs = {k: v.to(self.device) for k, v in enc.items() if k in self._accepts}
            with torch.no_grad():
                logits = self.model(**inputs).logits.float()
            out.extend(torch.softmax(logits, dim=-1).cpu().tolist())
        return out

    def read_batch(self, contexts: Sequence[Context], replies: Sequence[str],
                   truths: Sequence[RequestTruth | None] | None) -> list[ResponseFeatures]:
        """Features of many replies, ``batch_size`` per forward pass."""
        base = judge_batch(self.fallback, contexts, replies, truths)
        out = []
        for features, probs in zip(base, self.probabilities(contexts, replies)):
            values = {f: sum(p * self.label_map.get(label, {}).get(f, 0.0)
                             for label, p in zip(self.labels, probs))
                      for f in self.features}
            out.append(overlay(features, values))
        return out
