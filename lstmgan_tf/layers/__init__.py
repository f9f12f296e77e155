"""Reusable Keras layers and model builders."""

from lstmgan_tf.layers.dcgan import SpatialCondition, build_discriminator, build_generator
from lstmgan_tf.layers.lstm_discriminator import ImageToSequence, build_lstm_discriminator

__all__ = [
    "ImageToSequence",
    "SpatialCondition",
    "build_discriminator",
    "build_generator",
    "build_lstm_discriminator",
]
