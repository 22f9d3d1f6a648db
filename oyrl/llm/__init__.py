"""The LLM trainer: multi-turn GRPO and PPO of a causal LM on DialogueEnvs, with KL control
against its base model (``trainer.py``), the token-in/token-out rollout engine (``rollout.py``),
transformers compatibility (``compat.py``), scoring passes (``scoring.py``), the losses
(``losses.py``), KL controllers (``kl.py``), models and LoRA (``models.py``), checkpoints and
logging. ``docs/llm_training.md`` is the user's guide."""
