"""Feature spaces the evaluation measures distances in, and the attribute judge.

Ouyang et al. compare generated and real images in VGG-16 feature space
(features of its second layer and of its second-last layer). ImageNet weights
cannot be downloaded here, so:

- `vgg16_feature_space(weights_path)` uses VGG-16 when its weights file is on
  disk (``vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`` from Keras);
  nothing is ever downloaded;
- otherwise `AttributeClassifier`, a small CNN the kit trains on the dataset's
  **real** images, gives the features (its last hidden layer). Every table and
  plot names the feature space it used.

On the synthetic sets the classifier also judges generated images: it predicts
their petal colour, petal count, ... and `attribute_accuracy` compares that
with what the caption asks for.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np

VGG16_NOTOP_FILE = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
# Attributes a caption names unambiguously (the value's name appears in the
# caption only when the caption describes that attribute): the synthetic
# flowers', and the real faces' (`lstmgan_tf.data.face_captions`).
DEFAULT_ATTRIBUTES = (("petal_colour", "petal_count", "center_colour"), ("hair_colour", "woman_or_man", "expression"))


def default_attributes(attribute_values) -> list[str]:
    """The attributes scored by default: the first group of `DEFAULT_ATTRIBUTES` a dataset has, else all."""
    for group in DEFAULT_ATTRIBUTES:
        if all(name in attribute_values for name in group):
            return list(group)
    return list(attribute_values)


@dataclasses.dataclass
class FeatureSpace:
    """A named function from images to feature vectors.

    Attributes:
        name: short name for tables (``"vgg16"``, ``"classifier"``).
        label: what to print under plots, e.g. ``"classifier features (kit-trained
            on real images; no VGG-16 weights found)"``.
        extract: ``extract(images in [-1, 1]) -> (N, D) float32``.
    """

    name: str
    label: str
    extract: object

    def __call__(self, images) -> np.ndarray:
        return np.asarray(self.extract(images), dtype=np.float32)


def default_vgg16_path() -> str:
    """Where Keras keeps the VGG-16 weights after a download (``~/.keras/models/``)."""
    return os.path.join(os.path.expanduser("~"), ".keras", "models", VGG16_NOTOP_FILE)


def vgg16_feature_space(weights_path, image_size: int = 64, batch_size: int = 64) -> FeatureSpace:
    """VGG-16 features: ``block1_conv2`` and ``block5_conv3``, each averaged over space.

    The paper combines "the second layer and the second last layer" of VGG-16;
    without the fully connected top (which needs 224-pixel inputs) these are
    the second and the last convolution.

    Args:
        weights_path: the no-top ImageNet weights file (``.h5``); `None` builds
            the network with random weights (for tests only: its distances
            mean little).
        image_size: images are resized to this (at least 32) before VGG-16.
        batch_size: images per forward pass.

    Raises:
        FileNotFoundError: if ``weights_path`` does not exist.
    """
    import keras
    import tensorflow as tf

    if weights_path is not None and not os.path.isfile(weights_path):
        raise FileNotFoundError(
            f"VGG-16 weights file {weights_path!r} does not exist; expected Keras's {VGG16_NOTOP_FILE} "
            "(it is never downloaded by the kit)."
        )
    base = keras.applications.VGG16(include_top=False, weights=weights_path, input_shape=(image_size, image_size, 3))
    layers = [base.get_layer("block1_conv2").output, base.get_layer("block5_conv3").output]
    pooled = [keras.layers.GlobalAveragePooling2D()(x) for x in layers]
    network = keras.Model(base.input, keras.layers.Concatenate()(pooled))

    def extract(images):
        outputs = []
        for start in range(0, len(images), batch_size):
            batch = tf.image.resize(tf.cast(images[start:start + batch_size], tf.float32), (image_size, image_size))
            pixels = (tf.clip_by_value(batch, -1.0, 1.0) + 1.0) * 127.5
            outputs.append(network(keras.applications.vgg16.preprocess_input(pixels), training=False).numpy())
        return np.concatenate(outputs) if outputs else np.zeros((0, 64 + 512), np.float32)

    label = "VGG-16 features (ImageNet weights)" if weights_path else "VGG-16 features (random weights)"
    return FeatureSpace("vgg16", label, extract)


class AttributeClassifier:
    """A small CNN trained on real images: features, and predicted attributes.

    It has one softmax head per attribute (petal colour, petal count, ...). A
    dataset without attributes gets a *regression* head onto each image's
    mean sentence vector instead, so that its features still describe what
    captions say about images.

    Args:
        image_size: input size in pixels.
        attribute_values: attribute name -> value names, or `None`.
        sentence_vector_dim: size of the sentence-vector head (datasets
            without attributes).
        width: filters of the first convolution (doubled twice).

    Seed Keras first (``keras.utils.set_random_seed``) for repeatable weights.
    """

    def __init__(self, image_size: int, attribute_values=None, sentence_vector_dim=None, width: int = 32):
        import keras

        if not attribute_values and not sentence_vector_dim:
            raise ValueError("AttributeClassifier needs attribute_values or a sentence_vector_dim to learn.")
        self.attribute_values = dict(attribute_values or {})
        self.image_size = image_size
        #: `evaluation.judge_key` of the images and labels it learnt, once `load_feature_space` set it.
        self.cache_key = None
        inputs = keras.Input((image_size, image_size, 3), name="image")
        x = inputs
        for level in range(3):
            for _ in range(2):
                x = keras.layers.Conv2D(width * 2**level, 3, padding="same", use_bias=False)(x)
                x = keras.layers.BatchNormalization()(x)
                x = keras.layers.ReLU()(x)
            x = keras.layers.MaxPooling2D()(x)
        x = keras.layers.GlobalAveragePooling2D()(x)
        features = keras.layers.Dense(128, activation="relu", name="features")(x)
        outputs, losses = {}, {}
        for name, values in self.attribute_values.items():
            outputs[name] = keras.layers.Dense(len(values), name=name)(features)
            losses[name] = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if not self.attribute_values:
            outputs["sentence_vector"] = keras.layers.Dense(sentence_vector_dim, name="sentence_vector")(features)
            losses["sentence_vector"] = "mse"
        self.network = keras.Model(inputs, outputs, name="attribute_classifier")
        self.network.compile(optimizer=keras.optimizers.Adam(1e-3), loss=losses)
        self.feature_network = keras.Model(inputs, features)

    def fit(self, images, attributes=None, sentence_vectors=None, epochs: int = 8, batch_size: int = 64,
            verbose=0, seed: int = 0):
        """Trains on real images (in [-1, 1] or uint8) and their labels; returns self.

        Each batch is degraded at random (`degrade`: flips, small shifts, blur,
        noise; never a colour change), so that the judge reads a blurred or
        speckled generated flower as it reads a clean one: trained on clean
        images only it gave one petal count for 512 of 512 generated images.
        """
        import tensorflow as tf

        images = _unit(images)
        if self.attribute_values:
            if attributes is None:
                raise ValueError("this classifier has attribute heads; pass the attributes to fit.")
            targets = {name: np.asarray(attributes[name]) for name in self.attribute_values}
        else:
            targets = {"sentence_vector": np.asarray(sentence_vectors, np.float32)}
        dataset = (
            tf.data.Dataset.from_tensor_slices((images, targets))
            .shuffle(len(images), seed=seed)
            .batch(batch_size)
            .map(lambda x, y: (degrade(x, seed=seed), y))
        )
        self.network.fit(dataset, epochs=epochs, verbose=verbose, shuffle=False)  # Shuffled above.
        return self

    def features(self, images, batch_size: int = 256) -> np.ndarray:
        """The last hidden layer's activations: ``(N, 128)``."""
        return self.feature_network.predict(_unit(images), batch_size=batch_size, verbose=0)

    def predict_attributes(self, images, batch_size: int = 256) -> dict[str, np.ndarray]:
        """The most likely value of each attribute: name -> int ``(N,)``."""
        outputs = self.network.predict(_unit(images), batch_size=batch_size, verbose=0)
        return {name: np.argmax(outputs[name], axis=-1) for name in self.attribute_values}

    def feature_space(self) -> FeatureSpace:
        return FeatureSpace(
            "classifier",
            "classifier features (kit-trained on the dataset's real images; no VGG-16 weights found)",
            self.features,
        )

    def save(self, path: str) -> str:
        self.network.save_weights(path)
        return path

    def load(self, path: str) -> "AttributeClassifier":
        if not os.path.isfile(path):
            raise FileNotFoundError(f"attribute classifier weights {path!r} do not exist.")
        # The file holds Adam's moments too: an optimizer built first takes them without a warning.
        self.network.optimizer.build(self.network.trainable_variables)
        self.network.load_weights(path)
        return self


def degrade(images, seed=None, strength: float = 1.0):
    """Random colour-preserving damage of a batch in [-1, 1]: what generated images look like.

    Per image: a left-right flip, a shift of up to 3 pixels (edge padding), a
    box blur with probability 1/2 and Gaussian noise of standard deviation up
    to ``0.12 * strength``. Colours, and so the attributes a caption names,
    are kept.

    Args:
        images: float ``(B, H, W, 3)`` in [-1, 1].
        seed: an int seed for `tf.random`, or `None`.
        strength: scales the blur probability and the noise.

    Returns:
        float32 ``(B, H, W, 3)`` in [-1, 1].
    """
    import tensorflow as tf

    images = tf.convert_to_tensor(images, tf.float32)
    shape = tf.shape(images)
    batch, height, width = shape[0], shape[1], shape[2]
    images = tf.image.random_flip_left_right(images, seed=seed)
    padded = tf.pad(images, [[0, 0], [3, 3], [3, 3], [0, 0]], mode="SYMMETRIC")
    offsets = tf.random.uniform([batch, 2], 0, 7, dtype=tf.int32, seed=seed)
    rows = offsets[:, :1] + tf.range(height)[None, :]
    columns = offsets[:, 1:] + tf.range(width)[None, :]
    images = tf.gather(tf.gather(padded, rows, axis=1, batch_dims=1), columns, axis=2, batch_dims=1)
    blurred = tf.nn.avg_pool2d(tf.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="SYMMETRIC"), 3, 1, "VALID")
    blur = tf.random.uniform([batch, 1, 1, 1], seed=seed) < 0.5 * strength
    images = tf.where(blur, blurred, images)
    noise_std = tf.random.uniform([batch, 1, 1, 1], 0.0, 0.12 * strength, seed=seed)
    images = images + noise_std * tf.random.normal(shape, seed=seed)
    return tf.clip_by_value(images, -1.0, 1.0)


def _unit(images) -> np.ndarray:
    array = np.asarray(images)
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 127.5 - 1.0
    return array.astype(np.float32)


def caption_mentions(caption: str, value_name: str) -> bool:
    """Whether a caption names an attribute value (all of the value's words appear in it).

    Each word may be spelt or said another way (`lstmgan_tf.data.words`):
    "gray" names ``grey``, "she" names ``woman``.
    """
    return naming_position(caption, value_name) is not None


def naming_position(caption: str, value_name: str) -> int | None:
    """The 0-based word of ``caption`` at which its last word naming ``value_name`` arrives, or `None`.

    ``"a woman who is not smiling"`` names ``not smiling`` at word 5; words
    are read as `lstmgan_tf.data.words.canonical_word` reads them.
    """
    from lstmgan_tf.data.words import canonical_word
    from lstmgan_tf.text import tokenize

    words = [canonical_word(word) for word in tokenize(caption)]
    wanted = [canonical_word(word) for word in tokenize(value_name.replace("_", " "))]
    if not wanted or any(word not in words for word in wanted):
        return None
    return max(words.index(word) for word in wanted)


def attribute_accuracy(predicted, image_attributes, attribute_values, captions, names=None):
    """Accuracy of predicted attributes on the captions that ask for them.

    A caption asks for an attribute when it names the value its image has
    (`caption_mentions`): "five yellow petals" asks for petal colour yellow
    and petal count five. Captions that leave an attribute out are not
    counted for it.

    Args:
        predicted: name -> int ``(N,)`` predictions for the generated images.
        image_attributes: name -> int ``(N,)`` the real image's values.
        attribute_values: name -> value names.
        captions: the ``N`` captions.
        names: attributes to score (default: `default_attributes`).

    Returns:
        ``{name: (accuracy or nan, count)}``.
    """
    names = names or default_attributes(attribute_values)
    result = {}
    for name in names:
        truth = np.asarray(image_attributes[name])
        asked = np.array([caption_mentions(c, attribute_values[name][v]) for c, v in zip(captions, truth)],
                         dtype=bool)
        count = int(asked.sum())
        accuracy = float(np.mean(np.asarray(predicted[name])[asked] == truth[asked])) if count else float("nan")
        result[name] = (accuracy, count)
    return result
