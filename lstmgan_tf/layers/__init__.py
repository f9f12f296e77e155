"""Reusable Keras layers and model builders."""

from lstmgan_tf.layers.dcgan import SpatialCondition, build_discriminator, build_generator
from lstmgan_tf.layers.lstm_cell import LSTM, LSTMCell, copy_lstm_weights, trace_gates
from lstmgan_tf.layers.lstm_discriminator import ImageToSequence, build_lstm_discriminator

__all__ = [
    "ImageToSequence",
    "LSTM",
    "LSTMCell",
    "SpatialCondition",
    "build_discriminator",
    "build_generator",
    "build_lstm_discriminator",
    "copy_lstm_weights",
    "trace_gates",
]
