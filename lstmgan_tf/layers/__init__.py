"""Reusable Keras layers and model builders."""

from lstmgan_tf.layers.dcgan import SpatialCondition, build_discriminator, build_generator

__all__ = ["SpatialCondition", "build_discriminator", "build_generator"]
