"""`oyrl train` and oyrl.sb3.runner: configs, tiny PPO/A2C/DQN runs, TensorBoard tags, the Lagrangian
constraint, saved models, the CLI, and (slow) PPO beating every fixed strategy."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import gymnasium as gym
import numpy as np
import pytest
import yaml
from stable_baselines3.common.vec_env import DummyVecEnv
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import metadata as hp_metadata

from oyrl.cli import main
from oyrl.config import AlgoSpec, ConstraintSpec, ExperimentConfig, load_experiment
from oyrl.errors import ConfigError
from oyrl.policies.baselines import baseline_names, get_baseline
from oyrl.strategies import Strategy
from oyrl.train.constraint import HarmMultiplier
from oyrl.sb3.lagrangian import HarmPenaltyVecEnv
from oyrl.sb3.runner import ALGORITHMS, SB3Policy, evaluate_policy, make_env, run_name, train_run
from oyrl.types import Outcome

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "sb3_constructive.yaml"
CONSTRAINED = ROOT / "experiments" / "sb3_constrained.yaml"
TINY = [
    "total_steps=2048", "n_envs=4", "algo.n_steps=128", "algo.batch_size=128", "algo.n_epochs=2",
    "eval.episodes=60", "eval.every_steps=1024",
]


def tiny_config(*overrides: str, path: Path = EXPERIMENT) -> ExperimentConfig:
    return load_experiment(path, [*TINY, *overrides])


def read_events(run_dir: Path) -> EventAccumulator:
    acc = EventAccumulator(str(run_dir), size_guidance={"scalars": 0, "tensors": 0})
    acc.Reload()
    return acc


def documented_tag_patterns() -> list[re.Pattern[str]]:
    """Tags named in docs/tensorboard.md's tables, each ``<placeholder>`` matching one name."""
    text = (ROOT / "docs" / "tensorboard.md").read_text(encoding="utf-8")
    tags = re.findall(r"^\| `([a-z_]+/[^`]+)`", text, flags=re.M)
    return [re.compile("[a-z_]+".join(map(re.escape, re.split(r"<[a-z_]+>", t))) + "$") for t in tags]


# ---- config --------------------------------------------------------------------------------------


def test_shipped_experiments_load_with_the_promised_settings():
    cfg = load_experiment(EXPERIMENT)
    assert (cfg.kind, cfg.env.id, cfg.reward, cfg.algo.name) == ("sb3", "oyrl/Mixed-Strategy-v0", "constructive", "ppo")
    assert cfg.total_steps == 200_000 and cfg.seeds == [0] and cfg.constraint is None
    constrained = load_experiment(CONSTRAINED)
    assert constrained.reward == "helpful_only"
    assert constrained.constraint is not None and constrained.constraint.lambda_init == 0.0


def test_a_design_path_in_a_config_file_is_relative_to_that_file(tmp_path, monkeypatch):
    (tmp_path / "exp").mkdir()
    (tmp_path / "exp" / "mine.yaml").write_text("name: mine\nterms: {outcome: 1.0}\n")
    (tmp_path / "exp" / "run.yaml").write_text("name: x\nreward: mine.yaml\n")
    monkeypatch.chdir(tmp_path)
    cfg = load_experiment("exp/run.yaml")
    assert cfg.reward == str(tmp_path / "exp" / "mine.yaml") and run_name(cfg, 0).split("__")[1] == "mine"
    assert load_experiment("exp/run.yaml", ["reward=exp/mine.yaml"]).reward == "exp/mine.yaml"  # as typed


def test_overrides_reach_nested_fields_and_parse_yaml_values():
    cfg = load_experiment(EXPERIMENT, ["algo.learning_rate=1e-3", "seeds=[0, 1, 2]", "env.kwargs.max_turns=6"])
    assert cfg.algo.learning_rate == 1e-3 and cfg.seeds == [0, 1, 2] and cfg.env.kwargs == {"max_turns": 6}


def test_held_out_evaluation_runs_in_the_env_that_eval_env_kwargs_describe():
    """``eval.env_kwargs`` go over ``env.kwargs`` for the held-out env only (training keeps its own)."""
    cfg = load_experiment(EXPERIMENT, ["env.kwargs={max_turns: 6, reaction_params: {leave_hard_refusal_logit: 2.5}}",
                                       "eval.env_kwargs.max_turns=2"])
    assert cfg.eval.env_arguments(cfg.env) == {"max_turns": 2, "reaction_params": {"leave_hard_refusal_logit": 2.5}}
    assert make_env(cfg).unwrapped.max_turns == 6
    refuse = get_baseline("always_hard_refusal")  # keeps a distressed user talking until the limit
    short = evaluate_policy(cfg, refuse, episodes=50)
    full = evaluate_policy(cfg.model_copy(update={"eval": cfg.eval.model_copy(update={"env_kwargs": {}})}), refuse,
                           episodes=50)
    assert short["overall"]["mean_turns"] <= 2.0 < full["overall"]["mean_turns"]


@pytest.mark.parametrize(
    "override,message",
    [
        ("algo.learning_rat=1e-3", "unknown key 'algo.learning_rat'; did you mean 'algo.learning_rate'?"),
        ("total_step=10", "did you mean 'total_steps'?"),
        ("algo.name=sac", "algo.name: Input should be 'ppo', 'a2c' or 'dqn', got 'sac'"),
        ("n_envs=0", "n_envs: Input should be greater than or equal to 1, got 0"),
        ("seeds=[1, 1]", "seeds must be distinct"),
        ("seeds=[125000]", "overlapping the held-out seeds"),
        ("learning_rate", "expected key=value"),
    ],
)
def test_config_errors_are_one_line_and_say_what_to_change(override, message):
    with pytest.raises(ConfigError) as err:
        load_experiment(EXPERIMENT, [override])
    assert message in str(err.value) and "\n" not in str(err.value)


def test_every_config_algorithm_is_registered():
    assert set(get_args(AlgoSpec.model_fields["name"].annotation)) == set(ALGORITHMS)
    for algo in ALGORITHMS.values():
        assert set(algo.hyperparameters) <= set(AlgoSpec.model_fields)


def test_run_names_say_what_ran():
    cfg = load_experiment(EXPERIMENT)
    assert run_name(cfg, 3) == "Mixed-Strategy-v0__constructive__ppo__seed3"
    assert run_name(load_experiment(CONSTRAINED), 0).split("__")[1] == "helpful_only+lagrangian"


def test_runs_seeds_give_disjoint_training_users():
    cfg = load_experiment(EXPERIMENT, ["seeds=[0, 1, 2]"])
    blocks = [set(cfg.env_seeds(s)) for s in cfg.seeds]
    assert all(len(b) == cfg.n_envs for b in blocks) and not (blocks[0] & blocks[1] or blocks[1] & blocks[2])


# ---- Lagrangian constraint -----------------------------------------------------------------------


def penalised_jailbreak_env(spec: ConstraintSpec, n_envs: int = 1) -> HarmPenaltyVecEnv:
    return HarmPenaltyVecEnv(DummyVecEnv([lambda: gym.make("oyrl/Jailbreak-Strategy-v0")] * n_envs), spec)


def test_multiplier_follows_dual_ascent_by_hand():
    lagrange = HarmMultiplier(ConstraintSpec(harm_rate=0.1, lambda_init=1.0, lambda_lr=0.5, penalty=2.0))
    paid = [lagrange.observe(harmful=i < 6) for i in range(10)]  # harm rate 0.6 > 0.1: lambda = 1 + 0.5 * 0.5
    assert paid == [2.0] * 6 + [0.0] * 4  # lambda * penalty on each harmful episode
    assert lagrange.update() == pytest.approx(0.6) and lagrange.value == pytest.approx(1.25)
    for _ in range(10):
        lagrange.observe(harmful=False)  # 0 < 0.1: lambda = 1.25 - 0.5 * 0.1
    assert lagrange.update() == 0.0 and lagrange.value == pytest.approx(1.2)
    assert lagrange.update() is None and lagrange.value == pytest.approx(1.2)  # no episode, no step
    steep = HarmMultiplier(ConstraintSpec(harm_rate=0.1, lambda_init=1.0, lambda_lr=100.0))
    steep.observe(harmful=False)  # 1 + 100 * (0 - 0.1) < 0: projected onto lambda >= 0
    steep.update()
    assert steep.value == 0.0


def test_harm_episodes_lose_lambda_times_penalty_and_lambda_rises():
    spec = ConstraintSpec(harm_rate=0.02, lambda_init=2.0, lambda_lr=0.5, penalty=1.5)
    wrapper = penalised_jailbreak_env(spec, n_envs=3)
    wrapper.seed(0)
    wrapper.reset()
    comply = np.full(3, list(Strategy).index(Strategy.FULL_COMPLIANCE))
    harmed = 0
    while harmed < 5:
        _, rewards, dones, infos = wrapper.step(comply)
        for reward, done, info in zip(rewards, dones, infos):
            design_reward = sum(info["reward_terms"].values())
            if done and info["outcome"] is Outcome.HARM:
                harmed += 1
                assert reward == pytest.approx(design_reward - 2.0 * 1.5, abs=1e-5)
            else:
                assert reward == pytest.approx(design_reward, abs=1e-5)
    harm_rate = wrapper.update_multiplier()
    assert harm_rate > spec.harm_rate and wrapper.multiplier == pytest.approx(2.0 + 0.5 * (harm_rate - 0.02))


# ---- tiny runs -----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(ALGORITHMS))
def tiny_run(request, tmp_path_factory):
    cfg = tiny_config(f"algo.name={request.param}")
    run_dir = tmp_path_factory.mktemp(request.param) / run_name(cfg, 0)
    calls = []
    metrics = train_run(cfg, 0, run_dir, progress=lambda done, total: calls.append((done, total)))
    return cfg, run_dir, metrics, calls


def test_tiny_run_writes_metrics_config_and_models(tiny_run):
    cfg, run_dir, metrics, calls = tiny_run
    assert {"best_model.zip", "final_model.zip", "metrics.json", "config.yaml"} <= {p.name for p in run_dir.iterdir()}
    assert json.loads((run_dir / "metrics.json").read_text()) == metrics
    assert metrics["episodes"] == cfg.eval.episodes and -1.0 <= metrics["constructive_score"] <= 1.0
    rerun = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert ExperimentConfig.model_validate(rerun) == cfg.model_copy(update={"seeds": [0]})
    assert calls[-1] == (cfg.total_steps, cfg.total_steps) and len(calls) >= 5
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))


def test_saved_models_load_and_replay_the_returned_evaluation(tiny_run):
    cfg, run_dir, metrics, _ = tiny_run
    policy = SB3Policy.load(run_dir / "final_model.zip")
    assert policy.name == run_dir.name and type(policy.model) is ALGORITHMS[cfg.algo.name].cls
    assert evaluate_policy(cfg, policy) == metrics  # deterministic actions, same held-out users
    assert SB3Policy.load(run_dir / "best_model.zip").choose(np.zeros(policy.model.observation_space.shape, np.float32), {}) in Strategy


def test_tiny_run_logs_every_documented_tag_and_nothing_undocumented(tiny_run):
    cfg, run_dir, _, _ = tiny_run
    scalars = set(read_events(run_dir).Tags()["scalars"])
    required = {
        "outcome/harm_rate", "outcome/malicious/attack_repelled_rate", "outcome/sensitive/safe_resolution_rate",
        "outcome/constructive_score", "reward/total", "reward/outcome", "reward/trust_change",
        "strategy/empathic_support_rate", "strategy/hard_refusal_rate", "eval/constructive_score",
        "eval/harm_rate", "eval/benign/constructive_score", "eval/best_constructive_score",
        "final/constructive_score", "rollout/ep_rew_mean",
    }
    assert required <= scalars
    patterns = documented_tag_patterns()
    undocumented = sorted(t for t in scalars if not any(p.match(t) for p in patterns))
    assert not undocumented, f"add these tags to docs/tensorboard.md: {undocumented}"


def test_hparams_name_the_config_and_the_final_metrics(tiny_run):
    cfg, run_dir, metrics, _ = tiny_run
    acc = read_events(run_dir)
    content = acc.PluginTagToContent(hp_metadata.PLUGIN_NAME)
    experiment = hp_metadata.parse_experiment_plugin_data(content[hp_metadata.EXPERIMENT_TAG])
    session = hp_metadata.parse_session_start_info_plugin_data(content[hp_metadata.SESSION_START_INFO_TAG])
    assert {"reward", "algo.name", "algo.learning_rate", "seed", "constraint", "env.id"} <= set(session.hparams)
    assert session.hparams["algo.name"].string_value == cfg.algo.name
    assert "final/constructive_score" in {m.name.tag for m in experiment.metric_infos}
    final = acc.Scalars("final/constructive_score")
    assert final[-1].value == pytest.approx(metrics["constructive_score"])


def test_constrained_run_logs_a_rising_multiplier(tmp_path):
    cfg = tiny_config("constraint.lambda_lr=1.0", path=CONSTRAINED)
    train_run(cfg, 0, tmp_path / "run")
    acc = read_events(tmp_path / "run")
    lambdas = [e.value for e in acc.Scalars("constraint/lambda")]
    harm = [e.value for e in acc.Scalars("constraint/harm_rate")]
    # An untrained policy complies with attackers far more often than epsilon allows.
    assert len(lambdas) >= 3 and harm[0] > cfg.constraint.harm_rate
    assert lambdas[-1] > lambdas[0] == cfg.constraint.lambda_init


def test_train_run_refuses_a_used_directory(tmp_path):
    (tmp_path / "events.out.tfevents.1").write_text("x")
    with pytest.raises(ConfigError, match="holds files already"):
        train_run(tiny_config(), 0, tmp_path)


def test_load_explains_a_file_it_cannot_read(tmp_path):
    with pytest.raises(ConfigError, match="no such model file"):
        SB3Policy.load(tmp_path / "missing.zip")
    (tmp_path / "plain.zip").write_bytes(b"not a zip")
    with pytest.raises(ConfigError, match="not a model saved by oyrl"):
        SB3Policy.load(tmp_path / "plain.zip")


# ---- CLI -----------------------------------------------------------------------------------------


def test_cli_train_end_to_end(tmp_path, capsys):
    args = ["train", str(EXPERIMENT), *TINY, "total_steps=1024", f"log_dir={tmp_path}"]
    assert main(args) == 0
    out = capsys.readouterr().out
    name = "Mixed-Strategy-v0__constructive__ppo__seed0"
    assert name in out and "constructive" in out and "tensorboard --logdir" in out
    assert (tmp_path / "sb3_constructive" / name / "metrics.json").is_file()
    assert main(args) == 2  # the run exists: say so instead of mixing two runs' event files
    assert "--overwrite" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra,message",
    [
        (["algo.learnin_rate=1"], "did you mean 'algo.learning_rate'?"),
        (["env.id=oyrl/Nope-Strategy-v0"], "unknown environment id"),
        (["env.id=oyrl/Mixed-v0"], "SB3 runs need strategy actions"),
        (["env.kwargs.max_turn=3"], "env.kwargs: ConversationEnv.__init__() got an unexpected keyword argument 'max_turn'"),
        (["eval.env_kwargs.max_turn=3"],
         "eval.env_kwargs: ConversationEnv.__init__() got an unexpected keyword argument 'max_turn'"),
        (["reward=no_such_design"], "no_such_design"),
    ],
)
def test_cli_train_config_errors_are_one_line_exit_2(tmp_path, capsys, extra, message):
    assert main(["train", str(EXPERIMENT), f"log_dir={tmp_path}", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("oyrl train: error:")
    assert not any(tmp_path.iterdir())


# ---- learning ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_ppo_beats_every_fixed_strategy_and_nears_the_type_oracle(tmp_path):
    """A short version of the headline run (the 200k-step figures are in docs/tensorboard.md)."""
    cfg = load_experiment(EXPERIMENT, ["total_steps=30000", "eval.episodes=1000", "eval.every_steps=10000"])
    ppo = train_run(cfg, 0, tmp_path / "run")["constructive_score"]
    score = {n: evaluate_policy(cfg, get_baseline(n))["constructive_score"] for n in baseline_names()}
    best_fixed = max(v for n, v in score.items() if n.startswith("always_"))
    closed = (ppo - best_fixed) / (score["type_oracle"] - best_fixed)
    assert ppo > best_fixed + 0.1 and closed >= 0.8, f"PPO {ppo:.3f}, best fixed {best_fixed:.3f}, oracle {score['type_oracle']:.3f}"
