"""Evaluation of generated images (the paper's Fig. 8 and beyond).

- `similarity`: SSIM, feature distances, FID and KID, high-frequency energy.
- `features`: feature spaces (VGG-16 when its weights are on disk, else a
  classifier the kit trains on real images) and attribute accuracy.
- `detection`: a discriminator's accuracy and ROC AUC on real vs generated
  images (the LSTM-as-discriminator study).
- `evaluation`: per-word evaluation of the text-to-image models, tables and
  the per-word figure.
"""

from lstmgan_tf.metrics.detection import accuracy_at_threshold, roc_auc
from lstmgan_tf.metrics.evaluation import (
    ModelEvaluation,
    evaluate_images,
    evaluate_real,
    evaluate_trained,
    evaluation_captions,
    load_feature_space,
    markdown_table,
    per_word_figure,
    write_tables,
)
from lstmgan_tf.metrics.features import (
    AttributeClassifier,
    FeatureSpace,
    attribute_accuracy,
    caption_mentions,
    vgg16_feature_space,
)
from lstmgan_tf.metrics.similarity import (
    feature_distances,
    frechet_distance,
    high_frequency_energy,
    kernel_distance,
    ssim_scores,
)

__all__ = [
    "AttributeClassifier",
    "FeatureSpace",
    "ModelEvaluation",
    "accuracy_at_threshold",
    "attribute_accuracy",
    "caption_mentions",
    "evaluate_images",
    "evaluate_real",
    "evaluate_trained",
    "evaluation_captions",
    "feature_distances",
    "frechet_distance",
    "high_frequency_energy",
    "kernel_distance",
    "load_feature_space",
    "markdown_table",
    "per_word_figure",
    "roc_auc",
    "ssim_scores",
    "vgg16_feature_space",
    "write_tables",
]
