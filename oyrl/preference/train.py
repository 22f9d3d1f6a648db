"""``kind: dpo | orpo | sft``: train a language model on preference pairs with TRL, then evaluate it
on the held-out users exactly as a ``kind: llm`` run is evaluated (``oyrl.llm.evaluation``).

A run:

1. load the starting model (``model``) and evaluate it (``eval.base``: ``base/...`` in TensorBoard);
2. for each of ``rounds`` rounds: take the round's pairs (``data`` in the first round when given,
   else ``oyrl.preference.pairs.write_pairs`` with the round's starting model as the policy), train
   that model on them with the kind's TRL trainer (``METHODS``), and save it: ``<run>/round<r>/model``,
   the last round's as ``<run>/final/``. Each round starts from the previous round's model, which is
   also its DPO reference (iterated DPO);
3. evaluate ``final/`` (``eval/...``), write ``eval.json`` and the HParams table.

TRL's own scalars (``loss``, ``rewards/margins``...) land in the run's TensorBoard stream under
``train/`` (the names TRL's TensorBoard integration gives them), stepped on across rounds.
``docs/preferences.md``, "Training on pairs with TRL".
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
import yaml
from accelerate.utils import set_seed
from transformers import PreTrainedModel, TrainerCallback, TrainingArguments
from transformers.integrations import rewrite_logs
from transformers.trainer_callback import PrinterCallback

from oyrl.backends.hf import load_causal_lm, load_tokenizer
from oyrl.config import PairsConfig, PreferenceConfig, load_experiment
from oyrl.errors import ConfigError
from oyrl.llm.evaluation import HeldOutEvaluator, log_final
from oyrl.llm.logger import RunLogger
from oyrl.llm.models import lora_config, resolve_model, save_causal_lm
from oyrl.llm.rollout import RolloutEngine
from oyrl.llm.trainer import cpu_only
from oyrl.preference.pairs import write_pairs
from oyrl.progress import library_bars_off, shown
from oyrl.train import naming


@dataclass(frozen=True)
class TrlMethod:
    """What a preference ``kind`` trains with: one entry of ``METHODS``."""

    module: str
    """The module holding the TRL trainer and its config."""
    trainer: str
    """The trainer class, e.g. ``DPOTrainer``."""
    config: str
    """Its config class, e.g. ``DPOConfig``."""
    columns: dict[str, str]
    """Dataset column -> the column TRL reads it as; TRL sees no other column (the saved dataset
    keeps its scores)."""
    beta: bool = True
    """Takes ``train.beta`` as its ``beta``."""
    args: dict[str, Any] = field(default_factory=dict)
    """Fixed arguments of its config."""


_PAIRS = {"prompt": "prompt", "chosen": "chosen", "rejected": "rejected"}

#: ``kind`` -> its TRL trainer. DPO (Rafailov et al. 2023): no ``ref_model`` is passed, so the reference
#: is the starting model as TRL makes it (a second copy loaded from the same directory; under LoRA the
#: adapter-disabled model). ORPO (Hong et al. 2024): no reference, the odds-ratio term (weight ``beta``)
#: beside the chosen reply's NLL. SFT: the chosen replies as conversational prompt-completion examples,
#: the loss on the completion only (the research's SFT stage before ORPO).
METHODS: dict[str, TrlMethod] = {
    "dpo": TrlMethod("trl", "DPOTrainer", "DPOConfig", _PAIRS),
    "orpo": TrlMethod("trl.experimental.orpo", "ORPOTrainer", "ORPOConfig", _PAIRS),
    "sft": TrlMethod("trl", "SFTTrainer", "SFTConfig", {"prompt": "prompt", "chosen": "completion"}, beta=False,
                     args={"completion_only_loss": True}),
}


def run_name(cfg: PreferenceConfig) -> str:
    """The run directory's name under ``cfg.log_dir``: ``cfg.name``, else ``<env>__<design>__<kind>__seed<k>``."""
    return cfg.name or naming.run_name(cfg.env.id, cfg.reward, cfg.kind, cfg.seed)


def _trl(kind: str) -> ModuleType:
    """The module of ``kind``'s TRL trainer (TRL is an extra)."""
    try:
        return import_module(METHODS[kind].module)
    except ImportError:
        raise ConfigError(f"kind {kind}: needs TRL; install it with pip install 'oyrl[trl]'") from None


def load_pairs(path: str | Path, kind: str) -> Any:
    """The preference dataset at ``path`` (``datasets.load_from_disk``), checked for the columns
    ``kind`` trains on and for TRL's conversational format.

    Raises:
        ConfigError: no such directory, not a saved ``Dataset``, a column missing, not conversational.
    """
    method = METHODS[kind]
    _trl(kind)
    from datasets import Dataset, load_from_disk
    from trl.data_utils import is_conversational

    path = Path(path)
    if not path.is_dir():
        raise ConfigError(f"data: {path}: no such dataset directory (write one with `oyrl pairs CONFIG`)")
    try:
        data = load_from_disk(str(path))
    except (FileNotFoundError, ValueError) as exc:
        raise ConfigError(f"data: {path}: not a dataset saved with save_to_disk: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, Dataset):
        raise ConfigError(f"data: {path}: holds splits ({', '.join(data)}); expected one Dataset, as `oyrl pairs` writes")
    missing = [c for c in method.columns if c not in data.column_names]
    if missing:
        raise ConfigError(f"data: {path}: no column {', '.join(missing)} (kind {kind} trains on "
                          f"{', '.join(method.columns)}; `oyrl pairs` writes them)")
    if len(data) == 0:
        raise ConfigError(f"data: {path}: the dataset is empty (no pair cleared the noise rule? see min_gap_z)")
    if not is_conversational(data[0]):
        raise ConfigError(f"data: {path}: prompt and replies must be chat messages ({{role, content}} lists), "
                          "TRL's conversational format")
    return data


def trl_arguments(cfg: PreferenceConfig, output_dir: Path, max_positions: int | None) -> dict[str, Any]:
    """The TRL config's arguments from ``cfg.train`` (the same names in ``DPOConfig``, ``ORPOConfig``
    and ``SFTConfig``, all ``TrainingArguments``)."""
    spec, method = cfg.train, METHODS[cfg.kind]
    # transformers 5 renamed gradient_checkpointing (a deprecated alias there, warned about).
    checkpointing = ("activation_checkpointing" if "activation_checkpointing" in TrainingArguments.__dataclass_fields__
                     else "gradient_checkpointing")
    args = {
        "output_dir": str(output_dir), "learning_rate": spec.learning_rate, "num_train_epochs": spec.epochs,
        "max_steps": spec.max_steps, "per_device_train_batch_size": spec.batch_size,
        "gradient_accumulation_steps": spec.gradient_accumulation_steps, "lr_scheduler_type": spec.lr_schedule,
        "warmup_steps": spec.warmup_ratio,  # a float below 1 is a share of the steps (transformers 5)
        "max_length": spec.max_length or max_positions, "logging_steps": spec.logging_steps,
        "bf16": spec.precision == "bf16", "fp16": spec.precision == "fp16",
        checkpointing: spec.gradient_checkpointing, "use_cpu": cpu_only(), "seed": cfg.seed, "data_seed": cfg.seed,
        # TRL's scalars go into the run's own stream (TrlScalars); its reporters would open their own.
        "report_to": "none", "save_strategy": "no", "push_to_hub": False, "disable_tqdm": not shown(),
        **method.args,
    }
    if method.beta:
        args["beta"] = spec.beta
    return args


class TrlScalars(TrainerCallback):
    """Writes the TRL trainer's logs into the run's TensorBoard stream, named as transformers'
    ``TensorBoardCallback`` names them (``train/loss``, ``train/rewards/margins``...), at step
    ``offset + global_step`` so that rounds follow each other on one axis."""

    def __init__(self, logger: RunLogger, offset: int):
        self.logger, self.offset = logger, offset

    def on_log(self, args, state, control, logs=None, **kwargs):
        """Write ``logs``: numbers only (TRL logs no text here)."""
        if state.is_world_process_zero and logs:
            numbers = {k: float(v) for k, v in rewrite_logs(logs).items() if isinstance(v, (int, float))}
            self.logger.scalars(numbers, self.offset + state.global_step)


def _device() -> torch.device:
    return torch.accelerator.current_accelerator() if torch.accelerator.is_available() else torch.device("cpu")


class PreferenceTrainer:
    """DPO, ORPO or SFT of ``cfg.model`` with TRL, in rounds, with the held-out evaluation of ``kind: llm``.

    Args:
        cfg: the experiment (``kind: dpo | orpo | sft``).
        run_dir: TensorBoard logs, ``config.yaml``, ``eval.json``, ``round<r>/`` and ``final/`` go here.
        log: prints progress messages.

    Raises:
        ConfigError: TRL missing, ``data`` not a usable dataset, ``pairs`` not a ``kind: pairs`` config
            (checked here, before any model is loaded).
    """

    def __init__(self, cfg: PreferenceConfig, run_dir: Path, log: Any = print):
        self.cfg, self.run_dir, self.log = cfg, Path(run_dir), log
        self.method = METHODS[cfg.kind]
        self.trl = _trl(cfg.kind)
        if cfg.data is not None:
            load_pairs(cfg.data, cfg.kind)
        self.pairs = self._pairs_config() if cfg.pairs is not None else None
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        set_seed(cfg.seed)
        self.model_path = resolve_model(cfg.model)
        self.tokenizer = load_tokenizer(self.model_path, cfg.chat_template)
        self.evaluator = HeldOutEvaluator(cfg)
        self.steps = 0
        """Optimizer steps over all rounds so far: the TensorBoard step."""
        self.rounds: list[dict[str, Any]] = []
        """Per round: its data, pairs and TRL's training summary (``eval.json`` keeps them)."""
        self.logger: RunLogger | None = None

    def _pairs_config(self) -> PairsConfig:
        pairs = load_experiment(self.cfg.pairs)
        if not isinstance(pairs, PairsConfig):
            raise ConfigError(f"pairs: {self.cfg.pairs} is a kind {pairs.kind} config; expected kind: pairs")
        return pairs

    # ---- the run -------------------------------------------------------------------------------

    def train(self) -> dict[str, Any]:
        """Evaluate the base, train the rounds, save and evaluate ``final/``; returns ``{"base": ..., "final": ...}``
        held-out summaries (``oyrl.metrics.summarize``; ``base`` is None when ``eval.base`` is off)."""
        cfg = self.cfg
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "config.yaml").write_text(yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False))
        self.logger = RunLogger(self.run_dir)
        try:
            base = None
            if cfg.eval.base:
                base = self.evaluate(self._load(self.model_path), "base")
            model_dir = self.model_path
            for r in range(1, cfg.rounds + 1):
                last = r == cfg.rounds
                out = self.run_dir / "final" if last else self.run_dir / f"round{r}" / "model"
                self.train_round(r, model_dir, out)
                model_dir = str(out)
            final = self.evaluate(self._load(model_dir), "eval")
            (self.run_dir / "eval.json").write_text(json.dumps(
                {"base": base, "final": final, "rounds": self.rounds}, indent=2))
            log_final(self.logger, cfg, base, final)
        finally:
            self.logger.close()
        return {"base": base, "final": final}

    def train_round(self, r: int, model_dir: str, out_dir: Path) -> dict[str, Any]:
        """Round ``r``: its pairs, TRL training from ``model_dir``, the trained model saved to ``out_dir``."""
        cfg = self.cfg
        data_dir = self._round_data(r, model_dir)
        data = load_pairs(data_dir, cfg.kind)
        renamed = {k: v for k, v in self.method.columns.items() if k != v}
        train_set = data.select_columns(list(self.method.columns)).rename_columns(renamed)
        model = self._load(model_dir)
        max_positions = getattr(model.config.get_text_config(), "max_position_embeddings", None)
        args = getattr(self.trl, self.method.config)(**trl_arguments(cfg, self.run_dir / "trl" / f"round{r}",
                                                                     max_positions))
        # Off a terminal, TRL's "Tokenizing train dataset" bars would print; the round's line says it.
        with nullcontext() if shown() else library_bars_off():
            trainer = getattr(self.trl, self.method.trainer)(
                model=model, args=args, train_dataset=train_set, processing_class=self.tokenizer,
                peft_config=lora_config(cfg.lora) if cfg.lora else None, callbacks=[TrlScalars(self.logger, self.steps)],
            )
        if args.disable_tqdm:  # off a terminal: no dict printed per logging step; the summary below says it
            trainer.remove_callback(PrinterCallback)
        self.log(f"round {r}/{cfg.rounds}: {cfg.kind} on {len(train_set)} pairs from {data_dir}")
        result = trainer.train()
        self.steps += result.global_step
        save_causal_lm(trainer.model, self.tokenizer, out_dir)
        summary = {"round": r, "data": str(data_dir), "pairs": len(train_set), "steps": result.global_step,
                   "train_loss": result.training_loss, "model": str(out_dir)}
        self.rounds.append(summary)
        self.log(f"round {r}/{cfg.rounds}: {result.global_step} steps, mean loss {result.training_loss:.4f}; "
                 f"model in {out_dir}")
        return summary

    def _round_data(self, r: int, model_dir: str) -> Path:
        """Round ``r``'s dataset: ``data`` in the first round when given, else pairs written with the
        round's starting model as the policy (``oyrl.preference.pairs.write_pairs``)."""
        if r == 1 and self.cfg.data is not None:
            return Path(self.cfg.data)
        self.log(f"round {r}/{self.cfg.rounds}: writing pairs with {model_dir}")
        return Path(write_pairs(self.pairs, self.run_dir / f"round{r}", model=model_dir, round_=r, log=self.log))

    # ---- the parts -----------------------------------------------------------------------------

    def _load(self, name: str) -> PreTrainedModel:
        """A model in fp32 master weights on this machine's accelerator (TRL autocasts under ``precision``)."""
        return load_causal_lm(name, dtype=torch.float32).to(_device())

    def evaluate(self, model: PreTrainedModel, tag: str) -> dict[str, Any]:
        """``model`` on the held-out seeds, as ``kind: llm`` evaluates (``HeldOutEvaluator``), at the
        current step."""
        what = "the base model" if tag == "base" else "the trained model"
        self.log(f"evaluating {what} on {self.cfg.eval.episodes} held-out episodes")
        engine = RolloutEngine(model, self.tokenizer, self.cfg.rollout)
        return self.evaluator.evaluate(engine, tag, self.steps, self.logger, f"evaluating {what}")
