"""Paper experiments run over seeds, with tables and charts.

- `lstmgan_tf.experiments.detector_study`: the LSTM-as-discriminator study of
  paper 000 (LSTM and CNN detectors trained after the fact against the
  generator of several epochs of one DCGAN run, beside the GAN's own
  discriminator), with held-out data, ROC AUC and error bars; its parts:
  `detectors` (sets, detectors, training, scoring), `study_report` (tables,
  figures).
- `lstmgan_tf.experiments.runs`: where an experiment's runs live, the images
  it draws from them (runs are trained or loaded by `lstmgan_tf.training.train_or_load`).
- `lstmgan_tf.experiments.dcgan_recipe`: the DCGAN's recipes, their parts and
  the LSTM discriminator in the loop, side by side (FID / KID, figures).
- `lstmgan_tf.experiments.text_recipe`: the text-to-image recipe ablation.
- The GAN whose discriminator is an LSTM, which `dcgan_recipe` and notebook 04
  train, is a model: `lstmgan_tf.models.lstm_gan` (the runner's ``dcgan_lstm_d``).
- `lstmgan_tf.experiments.commands`: ``python -m lstmgan_tf experiment ...``.
"""

from lstmgan_tf.experiments.detector_study import StudyConfig, evaluate_generator_epoch, prepare_seed, run_seed, run_study
from lstmgan_tf.experiments.detectors import (
    DetectorSets,
    accuracy_by_steps_seen,
    build_detector_sets,
    content_hashes,
    evaluate_discriminator,
)
from lstmgan_tf.experiments.runs import generate_uint8_images
from lstmgan_tf.experiments.study_report import DISCRIMINATORS, PAPER_ACCURACY, summarise, write_report

__all__ = [
    "DISCRIMINATORS",
    "PAPER_ACCURACY",
    "DetectorSets",
    "StudyConfig",
    "accuracy_by_steps_seen",
    "build_detector_sets",
    "content_hashes",
    "evaluate_discriminator",
    "evaluate_generator_epoch",
    "generate_uint8_images",
    "prepare_seed",
    "run_seed",
    "run_study",
    "summarise",
    "write_report",
]
