"""The training runner: strategies, resumable runs, NaN stop, bad input, the CLI.

The slow parts run once: a module fixture trains the smoke DCGAN for three
short epochs (the reference for the kill-and-resume test and the run folder
for the bad-resume tests); subprocesses cover what needs a fresh TensorFlow
(two logical devices, two worker processes, SIGKILL).
"""

import dataclasses
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import cli, training
from lstmgan_tf.models import GAN
from lstmgan_tf.training import callbacks, checkpoints, registry
from lstmgan_tf.training.run_lock import RunInUseError

# Three epochs of 96 / 16 = 6 steps; checkpoints every 2 steps (smoke profile).
RUN = {"dataset": "synthetic_faces", "epochs": 3, "seed": 3, "dataset_size": 96}
STEPS_PER_EPOCH = 6


def _options(**changes):
    return registry.TrainOptions(seed=RUN["seed"], dataset_size=RUN["dataset_size"], **changes)


def _child_env(outputs):
    return {**os.environ, "LSTMGAN_PROFILE": "smoke", "LSTMGAN_OUTPUTS": str(outputs), "TF_CPP_MIN_LOG_LEVEL": "2"}


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    """An uninterrupted smoke run: 3 epochs, 18 steps."""
    folder = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as patch:  # Module-scoped: the autouse fixture is per test.
        patch.setenv("LSTMGAN_OUTPUTS", str(folder / "outputs"))
        result = training.train(
            "dcgan", RUN["dataset"], out_dir=folder / "run", profile="smoke",
            epochs=RUN["epochs"], options=_options(), verbose=0,
        )
    return result


def test_a_run_writes_grids_gif_history_logs_and_checkpoints(reference_run):
    out = reference_run.out_dir
    assert reference_run.final_step == RUN["epochs"] * STEPS_PER_EPOCH
    assert reference_run.steps_per_epoch == STEPS_PER_EPOCH
    assert sorted(os.listdir(os.path.join(out, "samples"))) == ["epoch_001.png", "epoch_002.png", "epoch_003.png"]
    import imageio.v3 as iio

    assert iio.imread(os.path.join(out, "samples.gif")).shape[0] == 3  # one frame per epoch
    assert len(reference_run.history["d_loss"]) == 3
    assert tf.train.latest_checkpoint(os.path.join(out, "checkpoints")).endswith("ckpt-18")
    saved = json.load(open(os.path.join(out, "config.json")))
    assert saved["model"] == "dcgan" and saved["steps_per_epoch"] == STEPS_PER_EPOCH
    events = [f for f in os.listdir(os.path.join(out, "logs")) if f.startswith("events")]
    tags = {value.tag for event in tf.compat.v1.train.summary_iterator(os.path.join(out, "logs", events[0]))
            for value in event.summary.value}
    assert {"epoch_d_loss", "epoch_g_loss", "samples"} <= tags
    model = training.load_trained(out)
    noise = np.zeros((2, model.latent_dim), "float32")
    np.testing.assert_allclose(model.generate(noise), reference_run.model.generate(noise), atol=1e-6)


RESUMABLE_RUN = """
import sys, time
import keras
from lstmgan_tf import training

class SlowSteps(keras.callbacks.Callback):
    # Gives the test time to kill the process between two checkpoints.
    def on_train_batch_end(self, batch, logs=None):
        time.sleep(float(sys.argv[3]))

result = training.train(
    "dcgan", "synthetic_faces", out_dir=sys.argv[1], profile="smoke", epochs=3,
    resume=sys.argv[2] == "resume", verbose=0, callbacks=[SlowSteps()],
    options=training.TrainOptions(seed=3, dataset_size=96),
)
print("RESULT", result.initial_step, result.final_step)
"""


def _latest_step(checkpoint_dir):
    try:
        text = open(os.path.join(checkpoint_dir, "checkpoint")).read()
    except OSError:
        return 0
    match = re.search(r'model_checkpoint_path: "ckpt-(\d+)"', text)
    return int(match.group(1)) if match else 0


def test_a_run_killed_mid_epoch_refuses_a_second_writer_then_resumes_at_the_same_step(tmp_path, reference_run):
    script = tmp_path / "run.py"
    script.write_text(RESUMABLE_RUN)
    out = tmp_path / "run"
    env = _child_env(tmp_path / "outputs")
    process = subprocess.Popen(
        [sys.executable, str(script), str(out), "new", "0.3"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.time() + 120
    # Kill as soon as the checkpoint of step 8 (epoch 2, step 2) is written.
    while _latest_step(out / "checkpoints") < 8:
        assert process.poll() is None, process.communicate()[0][-2000:]
        assert time.time() < deadline, "the training subprocess never reached step 8"
        time.sleep(0.02)
    # One writer per folder: a second one is refused with a line that names the first.
    with pytest.raises(RunInUseError, match=rf"run folder '{re.escape(str(out))}' is being trained by another "
                                            rf"process \(process {process.pid} on "):
        training.train("dcgan", RUN["dataset"], out_dir=out, profile="smoke", epochs=3, resume=True,
                       options=_options(), verbose=0)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = _latest_step(out / "checkpoints")
    assert killed_at % STEPS_PER_EPOCH != 0, "the kill should land in the middle of an epoch"
    # The killed writer left its lock file, but not its lock: the resume below proceeds.
    assert (out / "writer.lock").exists()

    resumed = subprocess.run(
        [sys.executable, str(script), str(out), "resume", "0"], env=env,
        capture_output=True, text=True, timeout=240,
    )
    assert resumed.returncode == 0, resumed.stdout[-2000:] + resumed.stderr[-3000:]
    initial_step, final_step = map(int, re.search(r"RESULT (\d+) (\d+)", resumed.stdout).groups())
    assert initial_step == killed_at
    assert final_step == RUN["epochs"] * STEPS_PER_EPOCH
    history = callbacks.read_history_csv(out / "history.csv")
    assert len(history["d_loss"]) == RUN["epochs"]
    # Same data order, optimizer moments and noise: the resumed run ends
    # with the weights of the run that was never interrupted.
    resumed_values = checkpoints.read_checkpoint(str(out / "checkpoints" / "ckpt-18"))
    reference_values = checkpoints.read_checkpoint(os.path.join(reference_run.out_dir, "checkpoints", "ckpt-18"))
    assert resumed_values.keys() == reference_values.keys()
    for name, value in reference_values.items():
        np.testing.assert_allclose(resumed_values[name], value, rtol=1e-4, atol=1e-6, err_msg=name)


class _PoisonedGAN(GAN):
    """A GAN whose generator weights turn NaN after its third update."""

    def train_step(self, data):
        logs = super().train_step(data)
        kernel = self.generator.trainable_variables[0]
        kernel.assign(tf.where(self.g_optimizer.iterations >= 3, float("nan"), kernel))
        return logs


@registry.register_model("test_poisoned_dcgan")
def _poisoned_job(profile, dataset_name, options):
    job = registry.get_builder("dcgan")(profile, dataset_name, options)
    poisoned = _PoisonedGAN(job.model.generator, job.model.discriminator, job.model.latent_dim, seed=1)
    poisoned.compile(d_optimizer=job.model.d_optimizer, g_optimizer=job.model.g_optimizer)
    return dataclasses.replace(job, model=poisoned)


def test_a_nan_loss_stops_training_and_keeps_the_last_good_checkpoint(tmp_path, capsys):
    result = training.train(
        "test_poisoned_dcgan", RUN["dataset"], out_dir=tmp_path / "run", profile="smoke",
        epochs=2, options=_options(), verbose=0,
    )
    assert result.stopped_on_nan
    assert result.final_step == 4  # step 3 broke the weights, step 4 reported NaN
    assert "StopOnNaN: d_loss=nan" in capsys.readouterr().out
    latest = tf.train.latest_checkpoint(tmp_path / "run" / "checkpoints")
    assert latest.endswith("ckpt-2")
    model = training.load_trained(tmp_path / "run")
    assert all(np.all(np.isfinite(v.numpy())) for v in model.weights)
    assert np.all(np.isfinite(model.generate(np.ones((2, model.latent_dim), "float32"))))


TWO_DEVICES = """
import json
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import keras, numpy as np
from lstmgan_tf.models import build_dcgan

keras.utils.set_random_seed(0)  # The same initial weights on every run and every host.
from lstmgan_tf.training import get_strategy

images = np.random.default_rng(0).uniform(-1, 1, (16, 32, 32, 3)).astype("float32")
initial = None

def one_step(strategy):
    global initial
    with strategy.scope():
        gan = build_dcgan("smoke", seed=1, discriminator_steps=1)
        # Plain SGD: Adam's first step is lr * sign(gradient), which turns float-rounding noise in
        # near-zero gradients into full-size steps and hides what this test checks. A small rate: after
        # a large D step (0.05) G's gradient can hinge on float rounding in D's new weights (1 of 16 seeds
        # on one host, 1e-4 apart; another host's CI drew 1e-3), which is the GAN's sensitivity, not the
        # strategy's.
        gan.compile(d_optimizer=keras.optimizers.SGD(0.01), g_optimizer=keras.optimizers.SGD(0.01))
    if initial is None:
        initial = [v.numpy() for v in gan.weights]
    gan.set_weights(initial)
    logs = gan.fit(tf.data.Dataset.from_tensors(images), epochs=1, verbose=0).history
    return [v.numpy() for v in gan.weights], {k: v[-1] for k, v in logs.items()}

single, single_logs = one_step(get_strategy("default"))
mirrored_strategy = get_strategy("mirrored")
mirrored, mirrored_logs = one_step(mirrored_strategy)
print("RESULT " + json.dumps({
    "replicas": mirrored_strategy.num_replicas_in_sync,
    # Relative to the weights' size (batch-norm variances are large numbers).
    "difference": max(float((np.abs(a - b) / np.maximum(1, np.abs(a))).max()) for a, b in zip(single, mirrored)),
    "moved": max(float((np.abs(a - b) / np.maximum(1, np.abs(a))).max()) for a, b in zip(single, initial)),
    "single": single_logs, "mirrored": mirrored_logs,
}))
"""


def test_one_step_on_two_logical_devices_matches_one_device(tmp_path):
    script = tmp_path / "two_devices.py"
    script.write_text(TWO_DEVICES)
    done = subprocess.run([sys.executable, str(script)], env=_child_env(tmp_path), capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.split("RESULT ", 1)[1])
    assert result["replicas"] == 2
    assert result["moved"] > 1e-4  # the step did change the weights...
    assert result["difference"] < 1e-5  # ...in the same way on two replicas
    for key, value in result["single"].items():
        assert result["mirrored"][key] == pytest.approx(value, rel=1e-4, abs=1e-6), key


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_worker_processes_train_one_epoch_under_tf_config(tmp_path):
    workers = [f"127.0.0.1:{_free_port()}", f"127.0.0.1:{_free_port()}"]
    out = tmp_path / "run"
    processes = []
    for index in range(2):
        env = _child_env(tmp_path / f"outputs_{index}")
        env["TF_CONFIG"] = json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}})
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "lstmgan_tf", "train", "--model", "dcgan", "--dataset", "synthetic_faces",
             "--profile", "smoke", "--epochs", "1", "--dataset-size", "32", "--out", str(out)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        ))
    outputs = []
    try:
        for process in processes:
            outputs.append(process.communicate(timeout=240)[0])
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    for process, output in zip(processes, outputs):
        assert process.returncode == 0, output[-3000:]
        assert "with 2 replica(s)" in output and "trained to step 2" in output
    # Only the chief writes the run folder.
    assert tf.train.latest_checkpoint(out / "checkpoints").endswith("ckpt-2")
    assert os.listdir(out / "samples") == ["epoch_001.png"]


# Bad input: every error comes before the first training step.


def test_resuming_with_other_settings_is_refused(reference_run):
    with pytest.raises(ValueError, match="different run.*seed: saved 3, now 4"):
        training.train("dcgan", RUN["dataset"], out_dir=reference_run.out_dir, profile="smoke",
                       resume=True, options=registry.TrainOptions(seed=4, dataset_size=96), verbose=0)
    with pytest.raises(ValueError, match="different run.*model: saved 'dcgan'"):
        training.train("test_poisoned_dcgan", RUN["dataset"], out_dir=reference_run.out_dir,
                       profile="smoke", resume=True, options=_options(), verbose=0)


def test_a_finished_run_folder_is_not_overwritten(reference_run):
    with pytest.raises(ValueError, match="already holds a run; pass resume=True"):
        training.train("dcgan", RUN["dataset"], out_dir=reference_run.out_dir, profile="smoke",
                       options=_options(), verbose=0)


def test_train_or_load_trains_once_then_loads_and_trains_on_when_asked_for_more(tmp_path, monkeypatch):
    from lstmgan_tf.training import runner

    run_dir = str(tmp_path / "run")
    model, history = training.train_or_load("dcgan", RUN["dataset"], run_dir, "smoke", epochs=1,
                                            options=_options(), verbose=0)
    assert len(history["d_loss"]) == 1
    assert runner.train_unless_finished("dcgan", RUN["dataset"], run_dir, "smoke", epochs=1, options=_options()) is None
    trained_weights = [np.array(weight) for weight in model.generator.get_weights()]

    calls = []
    real_train = runner.train
    monkeypatch.setattr(runner, "train", lambda *args, **kwargs: calls.append(kwargs) or real_train(*args, **kwargs))
    loaded, loaded_history = training.train_or_load("dcgan", RUN["dataset"], run_dir, "smoke", epochs=1,
                                                    options=_options(), verbose=0)
    assert not calls and loaded_history == history
    for expected, actual in zip(trained_weights, loaded.generator.get_weights()):
        np.testing.assert_array_equal(expected, actual)

    _, longer_history = training.train_or_load("dcgan", RUN["dataset"], run_dir, "smoke", epochs=2,
                                               options=_options(), verbose=0)
    assert [call["resume"] for call in calls] == [True] and len(longer_history["d_loss"]) == 2


def test_a_finished_run_with_other_settings_is_not_reused(reference_run):
    with pytest.raises(ValueError, match=r"holds a finished run with other settings \(seed: saved 3, now 4\)"):
        training.train_or_load("dcgan", RUN["dataset"], reference_run.out_dir, "smoke", epochs=RUN["epochs"],
                               options=registry.TrainOptions(seed=4, dataset_size=96), verbose=0)
    with pytest.raises(ValueError, match=r"other settings \(epochs: saved 3, now 2\)"):
        training.train_or_load("dcgan", RUN["dataset"], reference_run.out_dir, "smoke", epochs=2,
                               options=_options(), verbose=0)


def test_resuming_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"holds no run \(config.json is missing\)"):
        training.train("dcgan", RUN["dataset"], out_dir=tmp_path, profile="smoke", resume=True, verbose=0)


def test_unsupported_image_size_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="image size 48 is not supported by dcgan"):
        training.train("dcgan", RUN["dataset"], out_dir=tmp_path / "run", profile="smoke",
                       options=_options(image_size=48), verbose=0)
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_images_that_do_not_match_the_model_are_refused():
    images = tf.data.Dataset.from_tensor_slices(np.zeros((4, 64, 64, 3), "float32"))
    with pytest.raises(ValueError, match=r"'my_photos' yields images of shape \(64, 64, 3\).*\(32, 32, 3\)"):
        training.check_image_size(images, 32, "my_photos")
    training.check_image_size(images.map(lambda image: {"image": image}), 64, "my_photos")


def test_unknown_model_strategy_and_epochs_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown model 'dcgna'; choose one of: .*dcgan"):
        training.train("dcgna", RUN["dataset"], out_dir=tmp_path)
    with pytest.raises(ValueError, match="unknown strategy 'mirorred'"):
        training.get_strategy("mirorred")
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        training.train("dcgan", RUN["dataset"], out_dir=tmp_path, epochs=0)


def test_strategies_need_what_they_name(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert training.get_strategy("auto") is tf.distribute.get_strategy()  # no GPU, TPU or cluster here
    with pytest.raises(ValueError, match="needs the TF_CONFIG environment variable"):
        training.get_strategy("multi_worker")
    with pytest.raises(ValueError, match="no TPU"):
        training.get_strategy("tpu")
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="TF_CONFIG is not valid JSON"):
        training.get_strategy("auto")


def test_the_cli_reports_bad_input_in_one_line(tmp_path, capsys):
    code = cli.main(["train", "--model", "dcgan", "--dataset", "synthetic_faces", "--profile", "smoke",
                     "--out", str(tmp_path / "run"), "--set", "latent_dim"])
    assert code == 2
    assert capsys.readouterr().err.strip() == "error: --set expects KEY=VALUE, got 'latent_dim'."
    with pytest.raises(SystemExit):
        cli.main(["train", "--model", "nope", "--dataset", "synthetic_faces"])
