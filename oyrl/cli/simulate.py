"""``oyrl envs``, ``simulate``, ``play`` and ``check``: the environments, baselines in them, a human in them, packs."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

import gymnasium as gym

from oyrl.cli.common import _console, _make_env, _print_outcome_table
from oyrl.errors import OyrlError

if TYPE_CHECKING:
    from oyrl.policies.baselines import StrategyPolicy


def cmd_envs(args: argparse.Namespace) -> int:
    import oyrl  # noqa: F401
    from oyrl.env.registration import DESCRIPTIONS

    if args.json:
        print(json.dumps(DESCRIPTIONS, indent=2))
        return 0
    from rich.table import Table

    table = Table("id", "description", title="oyrl environments")
    for env_id, text in DESCRIPTIONS.items():
        table.add_row(env_id, text)
    _console().print(table)
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from oyrl.policies.baselines import baseline_names, get_baseline

    if args.episodes < 1:
        raise OyrlError(f"--episodes: expected a positive number of episodes, got {args.episodes}")
    names = baseline_names() if args.policy == "all" else [p.strip() for p in args.policy.split(",") if p.strip()]
    env = _make_env(args.env, args.reward)
    policies = [get_baseline(n, env=env) for n in names]  # planners model this env's population
    results = _simulate(env, policies, args.episodes, args.seed)
    if args.json:
        print(json.dumps(results[names[0]] if len(names) == 1 else results, indent=2))
        return 0
    _print_outcome_table(args.env, args.episodes, args.seed, results)
    return 0


def _simulate(env: gym.Env, policies: list[StrategyPolicy], episodes: int, seed: int) -> dict[str, dict]:
    """``summarize`` of ``run_episodes`` per policy, with a bar over all their episodes."""
    from oyrl.metrics import summarize
    from oyrl.progress import PhaseProgress
    from oyrl.simulate import run_episodes

    results = {}
    with PhaseProgress("simulate: episodes", total=len(policies) * episodes) as bar:
        for policy in policies:
            bar.advance(0, policy.name)
            trajectories = []
            for i in range(episodes):  # one at a time, the same episodes as run_episodes(env, policy, episodes, seed)
                trajectories += run_episodes(env, policy, 1, seed + i)
                bar.advance()
            results[policy.name] = summarize(trajectories)
    return results


def cmd_play(args: argparse.Namespace) -> int:
    from oyrl.env.dialogue import DialogueEnv

    env = _make_env(args.env, args.reward)
    if not isinstance(env.unwrapped, DialogueEnv):
        raise OyrlError(f"--env: play needs a text environment (oyrl/<Name>-v0), got {args.env!r}")
    obs, info = env.reset(seed=args.seed)
    print(f"{args.env} (seed {args.seed}). You are the assistant; type your reply, /quit to stop.\n")
    print(f"User: {env.unwrapped.opening}")
    done = False
    while not done:
        try:
            reply = input("Assistant> ")
        except EOFError:
            print()
            break
        if reply.strip() == "/quit":
            break
        obs, reward, terminated, truncated, info = env.step(reply)
        f = info["features"]
        print(
            f"  [judge: refusal={f.refusal_kind.value} empathy={f.empathy:.2f} resources={f.resources:.2f} "
            f"harmful={f.harmful:.2f} informative={f.informative:.2f} | act={info['user_act'].value} "
            f"reward={reward:+.2f}]"
        )
        if info["user_text"]:
            print(f"User: {info['user_text']}")
        done = terminated or truncated
    from oyrl.env.base import format_state

    hidden = {k: info[k] for k in ("user_type", "persona_id", "risk_category")}
    hidden["user_type"] = hidden["user_type"].value
    print(f"\nOutcome: {info['outcome'].value if 'outcome' in info else 'not finished'}")
    print("Hidden user: " + format_state({**hidden, **info["user_state"]}))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from oyrl.scenarios import MIN_TEMPLATES_BUILTIN, load_pack

    for path in args.packs:
        pack = load_pack(path)
        counts: dict[str, int] = {}
        for p in pack.personas:
            counts[p.spec.type.value] = counts.get(p.spec.type.value, 0) + 1
        thin = [
            f"{p.spec.id}.{act.value} ({len(bank)})"
            for p in pack.personas
            for act, bank in p.banks.items()
            if len(bank) < MIN_TEMPLATES_BUILTIN
        ]
        mix = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
        print(f"{path}: ok: pack {pack.name}, {len(pack.personas)} personas ({mix}), max {pack.max_turns} turns")
        if thin:
            print(f"  note: acts with fewer than {MIN_TEMPLATES_BUILTIN} templates (users will repeat themselves): " + ", ".join(thin[:10]) + (" ..." if len(thin) > 10 else ""))
    return 0


def _envs_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("envs", help="list registered environments")
    p.add_argument("--json", action="store_true", help="print id -> description as JSON")
    p.set_defaults(func=cmd_envs)


def _simulate_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("simulate", help="run baseline policies and print outcome rates per user type")
    p.add_argument("--env", default="oyrl/Mixed-v0", help="environment id (default: oyrl/Mixed-v0)")
    p.add_argument(
        "--policy", default="all", help="baseline name (incl. 'stackelberg'), comma-separated names, or 'all' (no planners)"
    )
    p.add_argument("--episodes", type=int, default=500, help="episodes per policy (default: 500)")
    p.add_argument("--seed", type=int, default=0, help="seed of the first episode (default: 0)")
    p.add_argument("--reward", default=None, help="reward design name or YAML (default: constructive)")
    p.add_argument("--json", action="store_true", help="print the rates as JSON")
    p.set_defaults(func=cmd_simulate)


def _play_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("play", help="be the assistant: type replies and watch a simulated user react")
    p.add_argument("--env", default="oyrl/Mixed-v0", help="text environment id (default: oyrl/Mixed-v0)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reward", default=None, help="reward design name or YAML")
    p.set_defaults(func=cmd_play)


def _check_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate scenario packs")
    p.add_argument("packs", nargs="+", help="pack YAML files")
    p.set_defaults(func=cmd_check)
