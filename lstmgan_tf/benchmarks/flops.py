"""Floating-point operations of the kit's networks and training steps, counted from the layers.

A multiply-add counts 2 FLOPs, as in every FLOP count of a convolutional
network; only the layers that do nearly all the work are counted:
convolutions, transposed convolutions, dense layers and the LSTM. Batch norm,
activations and the optimizer's updates are element-wise and cheap in FLOPs
(they still take time: `lstmgan_tf.benchmarks.steps` measures it).

A training step is a list of passes (`Pass`): a network run forward on N
examples, with or without its backward pass. A backward pass costs the
forward FLOPs once for the weights' gradients and once for the gradient with
respect to each layer's input, except the first layer's when the network's
input needs none (D's update on real images).

Example:

>>> from lstmgan_tf.layers import dcgan
>>> discriminator = dcgan.build_discriminator(image_size=32, width=16)
>>> [(layer.name, layer.kind) for layer in network_layers(discriminator)][:2]
[('down_16', 'conv'), ('down_8', 'conv')]
>>> # 4x4 convolutions: 3->16 at 16x16, 16->32 at 8x8, 32->64 at 4x4, 64->1 at 1x1.
>>> forward_flops(discriminator) == 2 * 16 * (256 * 16 * 3 + 64 * 32 * 16 + 16 * 64 * 32 + 64)
True
"""

from __future__ import annotations

import dataclasses

import keras


@dataclasses.dataclass(frozen=True)
class CountedLayer:
    """One layer's work per example.

    Attributes:
        name: the layer's name.
        kind: ``"conv"``, ``"conv_transpose"``, ``"dense"`` or ``"lstm"``.
        flops: forward FLOPs per example (per caption for the LSTM, all its time steps).
        shape: for a convolution, ``(input_size, input_channels, output_channels,
            kernel_size, strides)``, enough to time it alone
            (`lstmgan_tf.benchmarks.steps.attainable_rate`); else `None`.
    """

    name: str
    kind: str
    flops: int
    shape: tuple | None = None


def _conv_layer(layer):
    """The convolution inside a layer (itself, or the one a `SpectralNormalization` wraps), or `None`."""
    inner = getattr(layer, "layer", layer)
    if isinstance(inner, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
        return inner
    return None


def _counted(layer, time_steps: int) -> list[CountedLayer]:
    conv = _conv_layer(layer)
    if conv is not None:
        kernel_h, kernel_w, *_ = conv.kernel.shape
        input_size, input_channels = int(layer.input.shape[1]), int(layer.input.shape[-1])
        output_shape = layer.output.shape
        shape = (input_size, input_channels, conv.filters, kernel_h, conv.strides[0])
        if isinstance(conv, keras.layers.Conv2DTranspose):
            # Each input pixel scatters the kernel: input pixels x kernel x channels.
            multiply_adds = input_size * input_size * kernel_h * kernel_w * input_channels * conv.filters
            return [CountedLayer(layer.name, "conv_transpose", 2 * multiply_adds, shape)]
        multiply_adds = output_shape[1] * output_shape[2] * kernel_h * kernel_w * input_channels * conv.filters
        return [CountedLayer(layer.name, "conv", 2 * int(multiply_adds), shape)]
    if isinstance(layer, keras.layers.LSTM):
        inputs, units = layer.cell.kernel.shape[0], layer.cell.units  # The kernel holds the 4 gates.
        return [CountedLayer(layer.name, "lstm", 2 * 4 * units * (inputs + units) * time_steps)]
    if isinstance(layer, keras.layers.Dense):
        # Every dense layer of the kit's GANs maps one vector per example.
        return [CountedLayer(layer.name, "dense", 2 * int(layer.kernel.shape[0]) * int(layer.kernel.shape[1]))]
    if isinstance(layer, keras.Model):
        return [counted for inner in layer.layers for counted in _counted(inner, time_steps)]
    # A custom layer (conditional batch norm, projection): the dense layers it holds.
    return [counted for inner in layer._flatten_layers(include_self=False, recursive=False)
            for counted in _counted(inner, time_steps)]


def network_layers(network, time_steps: int = 1) -> list[CountedLayer]:
    """The counted layers of a network (a functional model, an LSTM or an embedding), in order."""
    return _counted(network, time_steps)


def forward_flops(network, time_steps: int = 1) -> int:
    """Forward FLOPs of one example (one caption of ``time_steps`` words for an LSTM)."""
    return sum(layer.flops for layer in network_layers(network, time_steps))


@dataclasses.dataclass(frozen=True)
class Pass:
    """A network run on ``examples`` examples in a training step.

    Attributes:
        network: the network (a Keras model or layer).
        examples: how many examples (images, captions) it runs on.
        backward: ``"none"``, ``"weights"`` (weights' gradients, and the
            inputs' of every layer but the first: a network whose input needs
            no gradient), ``"inputs"`` (only the inputs' gradients, all the
            way down: a fixed network G's gradient flows through) or ``"all"``.
        time_steps: words per caption (the LSTM).
    """

    network: object
    examples: int
    backward: str = "none"
    time_steps: int = 1

    def layer_flops(self) -> list[tuple[CountedLayer, int]]:
        """Each counted layer with its FLOPs in this pass (forward and backward, all examples)."""
        if self.backward not in BACKWARD_KINDS:
            raise ValueError(f"backward={self.backward!r} is not supported; choose one of {BACKWARD_KINDS}.")
        counted = []
        for index, layer in enumerate(network_layers(self.network, self.time_steps)):
            times = 1 + {"none": 0, "weights": 1 + (index > 0), "inputs": 1, "all": 2}[self.backward]
            counted.append((layer, self.examples * times * layer.flops))
        return counted

    def flops(self) -> int:
        return sum(flops for _, flops in self.layer_flops())


BACKWARD_KINDS = ("none", "weights", "inputs", "all")


def passes_flops(passes) -> int:
    """The FLOPs of a list of `Pass`."""
    return sum(one_pass.flops() for one_pass in passes)


def dcgan_step_passes(gan, batch_size: int) -> list[Pass]:
    """The passes of one `lstmgan_tf.models.GAN` training step (D ``discriminator_steps`` times, then G)."""
    passes = []
    for _ in range(gan.discriminator_steps):
        passes += [Pass(gan.generator, batch_size), Pass(gan.discriminator, 2 * batch_size, "weights")]
    for _ in range(gan.generator_steps):
        passes += [Pass(gan.generator, batch_size, "all"), Pass(gan.discriminator, batch_size, "inputs")]
    return passes


def text_gan_step_passes(model, batch_size: int, time_steps: int) -> list[Pass]:
    """The passes of one text-to-image training step (`lstmgan_tf.models.text_to_image`), as the default step runs it.

    The number of generated images per step is one per caption (GAN-CLS, the
    last-word baseline, or one sampled word per caption), ``word_positions``
    per caption, or one per word (the paper: every word, counted as
    ``time_steps`` words per caption).
    """
    config = model.config
    images = batch_size
    if getattr(config, "loss_at", "last_word") == "every_word":
        images = batch_size * (config.word_positions or time_steps)
    d_images = 2 * batch_size + images + (batch_size if config.swapped_caption_weight else 0)
    *caption_networks, generator = model.generator_networks()
    # D's images: made once per step, or once per D update when G draws noise;
    # without anything random, G's update reuses them (no extra forward).
    d_fakes = 0 if not model.draws_random_images else (model.discriminator_steps if model.draws_noise else 1)
    passes = [Pass(generator, images) for _ in range(d_fakes)]
    passes += [Pass(model.discriminator, d_images, "weights") for _ in range(model.discriminator_steps)]
    for _ in range(model.generator_steps):
        # The captions are read once per G update (and D's images share the first reading).
        passes += [Pass(network, batch_size, "all", time_steps) for network in caption_networks]
        passes += [Pass(generator, images, "all"), Pass(model.discriminator, images, "inputs")]
        if config.matching_loss_weight:
            passes.append(Pass(model.matching_encoder, images, "inputs"))
    return passes
