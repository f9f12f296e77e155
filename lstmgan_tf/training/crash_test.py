"""Kill a training run at random moments, resume it each time, compare it with a run never killed.

    python -m lstmgan_tf.training.crash_test --kills 10
    python -m lstmgan_tf.training.crash_test --kills 10 --model lstm_cgan --dataset synthetic_flowers

What a dead laptop battery does to a run, ten times over. The test

1. trains a reference run, uninterrupted (``train --deterministic``), and
   notes how long its start-up (imports, data, model) and its training take;
2. trains the same run again in another folder and sends it ``SIGKILL``
   ``--kills`` times, each at a random moment of one of three kinds: during
   start-up (imports, building, restoring), at a random moment of a training
   step a random number of steps ahead (leaving room for the kills still to
   come), or as soon as TensorFlow starts writing a checkpoint after that step;
   a checkpoint is saved every step (``--checkpoint-every 1``).
   After each kill it starts ``train --resume`` (plain ``train`` while the
   folder holds no ``config.json`` yet), the way a student would;
3. lets the last resume finish, then compares the two runs: every tensor of
   the final checkpoint (weights, optimizer moments, seed states, step), the
   final ``model.weights.h5`` and the rows of ``history.csv`` (an epoch a kill
   cut logs the mean of its resumed part only, so its row may differ).

With deterministic ops on the CPU the two runs should end bit for bit equal.
The report (``report.json`` and ``report.md`` in ``--out``) lists each kill:
when, at which step, whether it landed during a checkpoint write, and how
the resume that followed ended. The command exits with 1 if a resume failed,
the run ended before every planned kill, or the runs differ.
"""

from __future__ import annotations

import argparse
import glob
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import time

from lstmgan_tf import files
from lstmgan_tf.training import checkpoints


def _train_command(args, out_dir: str, resume: bool) -> list[str]:
    command = [
        sys.executable, "-m", "lstmgan_tf", "train", "--model", args.model, "--dataset", args.dataset,
        "--out", out_dir, "--profile", args.profile, "--epochs", str(args.epochs), "--seed", str(args.seed),
        "--checkpoint-every", str(args.checkpoint_every), "--deterministic",
    ]
    for setting in args.set or ():
        command += ["--set", setting]
    return command + (["--resume"] if resume else [])


def _newest_step(out_dir: str) -> int:
    prefixes = checkpoints.checkpoint_prefixes(os.path.join(out_dir, "checkpoints"))
    return max(checkpoints.checkpoint_step(prefixes[0]), 0) if prefixes else 0


def _writing_checkpoint(out_dir: str, since: float) -> bool:
    # TensorFlow writes a checkpoint into "ckpt-N_temp/" and then moves it into
    # place; one left by an earlier kill is older than this attempt.
    for path in glob.glob(os.path.join(out_dir, "checkpoints", "*_temp*")):
        try:
            if os.path.getmtime(path) >= since:
                return True
        except OSError:  # Gone between the glob and the look.
            pass
    return False


def _start(command, env, log_path):
    log = open(log_path, "a", encoding="utf-8")
    log.write(f"\n$ {' '.join(command)}\n")
    log.flush()
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, log


def _tail(path: str, lines: int = 15) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return "".join(handle.readlines()[-lines:])


def run_reference(args, out_dir: str, env) -> dict:
    """Trains the uninterrupted run; returns its steps and its start-up and training seconds."""
    log_path = os.path.join(args.out, "reference.log")
    started = time.perf_counter()
    process, log = _start(_train_command(args, out_dir, resume=False), env, log_path)
    first_checkpoint = None
    while process.poll() is None:
        if first_checkpoint is None and _newest_step(out_dir) > 0:
            first_checkpoint = time.perf_counter() - started
        time.sleep(0.02)
    log.close()
    total = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"the reference run failed (exit {process.returncode}):\n{_tail(log_path)}")
    steps = _newest_step(out_dir)
    startup = first_checkpoint if first_checkpoint is not None else total / 2
    return {"seconds": round(total, 1), "startup_seconds": round(startup, 1), "steps": steps,
            "seconds_per_step": round(max(total - startup, 0.1) / max(steps, 1), 3)}


# Where a kill lands. "start-up": while the process imports, builds and
# restores; "training": at a random moment of a training step (its checkpoint
# write included); "checkpoint write": as soon as TensorFlow's temporary
# checkpoint folder appears.
MOMENTS = ("start-up", "training", "training", "checkpoint write")


def _target_step(step_before: int, total_steps: int, training_kills_left: int, rng: random.Random) -> int | None:
    """The step after which a training kill lands: a random step ahead, leaving room for the kills still to come.

    `None` when fewer than three steps are left (the run could end first).
    """
    room = total_steps - 2 - step_before
    if room < 1:
        return None
    return step_before + rng.randint(1, max(1, 2 * room // (training_kills_left + 1)))


def _wait_and_kill(process, out_dir, moment, step, timing, rng):
    """Waits for the planned moment and sends SIGKILL; returns what the kill interrupted, or None."""
    started, wall_started = time.perf_counter(), time.time()
    if moment == "start-up":
        # A resume may start faster than the reference (cached data, encoders).
        deadline = started + rng.uniform(0.0, 0.8 * timing["startup_seconds"])
        while process.poll() is None and time.perf_counter() < deadline:
            time.sleep(0.005)
    else:
        while process.poll() is None and _newest_step(out_dir) < step:
            time.sleep(0.005)
        if moment == "training":
            deadline = time.perf_counter() + rng.uniform(0.0, timing["seconds_per_step"])
            while process.poll() is None and time.perf_counter() < deadline:
                time.sleep(0.002)
        else:
            deadline = time.perf_counter() + 20 * timing["seconds_per_step"] + 5
            while (process.poll() is None and not _writing_checkpoint(out_dir, wall_started)
                   and time.perf_counter() < deadline):
                time.sleep(0.0005)
    if process.poll() is not None:
        return None
    during_write = _writing_checkpoint(out_dir, wall_started)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return {"after_seconds": round(time.perf_counter() - started, 2), "during_checkpoint_write": during_write}


def run_with_kills(args, out_dir: str, env, timing: dict, rng: random.Random) -> list[dict]:
    """Trains the run, killing it ``args.kills`` times, then lets it finish; one record per attempt."""
    log_path = os.path.join(args.out, "killed.log")
    attempts = []
    plan = [rng.choice(MOMENTS) for _ in range(args.kills)] + [None]
    for number, moment in enumerate(plan):
        resume = os.path.isfile(os.path.join(out_dir, "config.json"))
        step_before = _newest_step(out_dir)
        step = None
        if moment not in (None, "start-up"):
            training_kills_left = sum(kind not in (None, "start-up") for kind in plan[number:])
            step = _target_step(step_before, timing["steps"], training_kills_left, rng)
            if step is None:
                print(f"too few steps left for the {len(plan) - 1 - number} remaining kill(s); "
                      "letting the run finish (train more --epochs).", flush=True)
                moment = None
        process, log = _start(_train_command(args, out_dir, resume), env, log_path)
        kill = _wait_and_kill(process, out_dir, moment, step, timing, rng) if moment else None
        process.wait()
        log.close()
        record = {
            "attempt": number + 1, "resumed": resume, "planned": moment or "finish", "killed": kill is not None,
            "kill_after_seconds": kill["after_seconds"] if kill else None,
            "during_checkpoint_write": bool(kill and kill["during_checkpoint_write"]),
            "step_before": step_before, "step_after": _newest_step(out_dir), "exit_code": process.returncode,
        }
        # A resume works when it trains until it is killed, or to the end.
        record["ok"] = record["killed"] or process.returncode == 0
        if not record["ok"]:
            record["error"] = _tail(log_path)
        attempts.append(record)
        print(
            f"attempt {number + 1:2d}: {'resume' if resume else 'start '} from step {step_before:4d} -> "
            + (f"killed ({moment}) after {kill['after_seconds']:5.2f} s at step {record['step_after']}"
               + (", mid checkpoint write" if kill["during_checkpoint_write"] else "") if kill
               else f"exit {process.returncode} at step {record['step_after']}"),
            flush=True,
        )
        if not record["ok"] or not kill:
            break  # A failed resume, a run that ended before its planned kill, or the end.
    return attempts


def _difference(reference: dict, other: dict) -> dict:
    import numpy as np

    names = sorted(set(reference) | set(other))
    missing = [name for name in names if name not in reference or name not in other]
    equal, largest = 0, 0.0
    for name in names:
        if name in missing:
            continue
        a, b = np.asarray(reference[name]), np.asarray(other[name])
        if a.shape == b.shape and np.array_equal(a, b):
            equal += 1
        elif a.shape == b.shape and a.dtype.kind in "fiu":
            largest = max(largest, float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))))
        else:
            largest = float("inf")
    return {"tensors": len(names), "identical": equal, "missing": missing, "max_abs_difference": largest}


def compare_runs(reference_dir: str, other_dir: str) -> dict:
    """Tensor-by-tensor comparison of two finished run folders."""
    from lstmgan_tf.training.callbacks import read_history_csv

    weights = "model.weights.h5"
    reference_history = read_history_csv(os.path.join(reference_dir, "history.csv"))
    other_history = read_history_csv(os.path.join(other_dir, "history.csv"))
    def newest_checkpoint(run_dir):
        return checkpoints.read_checkpoint(checkpoints.checkpoint_prefixes(os.path.join(run_dir, "checkpoints"))[0])

    return {
        "checkpoint": _difference(newest_checkpoint(reference_dir), newest_checkpoint(other_dir)),
        "weights_file": _difference(checkpoints.read_weights_file(os.path.join(reference_dir, weights)),
                                    checkpoints.read_weights_file(os.path.join(other_dir, weights))),
        "history_epochs": [_epochs(reference_history), _epochs(other_history)],
        # Rows alike to float32 rounding: an epoch a kill cut differs (it logs
        # the mean of its resumed part only).
        "history_rows_equal": sum(
            all(key in other_history and len(other_history[key]) > epoch
                and math.isclose(values[epoch], other_history[key][epoch], rel_tol=1e-6)
                for key, values in reference_history.items())
            for epoch in range(_epochs(reference_history))
        ),
    }


def _epochs(history: dict) -> int:
    return len(next(iter(history.values()), []))


def _markdown(report: dict) -> str:
    lines = [
        f"# Crash test: {report['model']} on {report['dataset']} ({report['profile']}), "
        f"{report['epochs']} epochs, seed {report['seed']}", "",
        f"Reference run: {report['reference']['seconds']} s "
        f"(start-up {report['reference']['startup_seconds']} s). Total: {report['seconds']} s.", "",
        "| attempt | resumed | planned kill | killed after (s) | mid checkpoint write | step before | "
        "step after | exit |",
        "|---:|---|---|---:|---|---:|---:|---:|",
    ]
    for record in report["attempts"]:
        lines.append(
            f"| {record['attempt']} | {'yes' if record['resumed'] else 'no'} | {record['planned']} | "
            f"{record['kill_after_seconds'] if record['killed'] else '-'} | "
            f"{'yes' if record['during_checkpoint_write'] else 'no'} | {record['step_before']} | "
            f"{record['step_after']} | {record['exit_code']} |"
        )
    comparison = report.get("comparison")
    lines += ["", f"Kills: {report['kills_done']} of {report['kills_planned']} planned "
              f"({report['kills_during_checkpoint_writes']} mid checkpoint write); resumes that worked: "
              f"{report['resumes_ok']} / {report['resumes']}."]
    if comparison:
        for part in ("checkpoint", "weights_file"):
            found = comparison[part]
            lines.append(
                f"- {part.replace('_', ' ')}: {found['identical']} / {found['tensors']} tensors identical, "
                f"largest difference {found['max_abs_difference']:.3g}"
                + (f", missing {found['missing']}" if found["missing"] else "")
            )
        lines.append(f"- history.csv: {comparison['history_epochs'][1]} epochs (reference "
                     f"{comparison['history_epochs'][0]}), {comparison['history_rows_equal']} rows equal "
                     "(an epoch a kill cut logs the mean of its resumed part only)")
    lines.append(f"\nVerdict: **{report['verdict']}**")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    # TensorFlow's start-up chatter (here and in every training process) would bury the report.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = argparse.ArgumentParser(
        prog="python -m lstmgan_tf.training.crash_test", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs to send (default: 10)")
    parser.add_argument("--model", default="dcgan", help="a registered model (default: dcgan)")
    parser.add_argument("--dataset", default="synthetic_faces", help="dataset (default: synthetic_faces)")
    parser.add_argument("--profile", default="smoke", help="profile (default: smoke)")
    parser.add_argument("--epochs", type=int, default=8, help="epochs of both runs (default: 8)")
    parser.add_argument("--checkpoint-every", type=int, default=1, help="steps between checkpoints (default: 1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of both runs and of the kill moments")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="model setting, as for train")
    parser.add_argument("--out", default=None, help="work folder (default: outputs/crash_test; emptied first)")
    args = parser.parse_args(argv)
    if args.kills < 0 or args.epochs < 1 or args.checkpoint_every < 1:
        parser.error("--kills must be >= 0, --epochs and --checkpoint-every >= 1")
    from lstmgan_tf import config

    args.out = os.path.abspath(args.out or config.outputs_dir("crash_test"))
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    env = dict(os.environ)
    started = time.perf_counter()
    reference_dir, killed_dir = os.path.join(args.out, "reference"), os.path.join(args.out, "killed")
    print(f"reference run (uninterrupted) into {reference_dir} ...", flush=True)
    timing = run_reference(args, reference_dir, env)
    print(f"  {timing['seconds']} s, of which start-up {timing['startup_seconds']} s", flush=True)
    attempts = run_with_kills(args, killed_dir, env, timing, random.Random(args.seed))
    resumes = [record for record in attempts if record["resumed"]]
    finished = attempts[-1]["exit_code"] == 0
    all_kills = sum(record["killed"] for record in attempts) == args.kills
    report = {
        "model": args.model, "dataset": args.dataset, "profile": args.profile, "epochs": args.epochs,
        "seed": args.seed, "checkpoint_every": args.checkpoint_every, "reference": timing,
        "attempts": attempts, "kills_planned": args.kills,
        "kills_done": sum(record["killed"] for record in attempts),
        "kills_during_checkpoint_writes": sum(record["during_checkpoint_write"] for record in attempts),
        "resumes": len(resumes), "resumes_ok": sum(record["ok"] for record in resumes),
    }
    if finished:
        report["comparison"] = compare_runs(reference_dir, killed_dir)
    same = finished and all(
        report["comparison"][part]["identical"] == report["comparison"][part]["tensors"]
        for part in ("checkpoint", "weights_file")
    )
    report["verdict"] = ("a resume failed" if not finished
                         else "the run ended before every planned kill" if not all_kills
                         else "every resume worked; the runs are identical" if same
                         else "every resume worked; the runs differ")
    same = same and all_kills
    report["seconds"] = round(time.perf_counter() - started, 1)
    files.write_json(os.path.join(args.out, "report.json"), report)
    markdown = _markdown(report)
    files.write_text(os.path.join(args.out, "report.md"), markdown)
    print(markdown)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
