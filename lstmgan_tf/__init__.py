"""lstmgan_tf: a Keras 3 / TensorFlow course kit on LSTMs and GANs.

Subpackages, one home for each thing:

- `lstmgan_tf.config`: run profiles (``smoke``, ``classroom``, ``paper``).
- `lstmgan_tf.data`: built-in synthetic datasets and real-dataset adapters.
- `lstmgan_tf.text`: vocabulary, word2vec and sentence vectors.
- `lstmgan_tf.layers`: Keras layers (the hand-written LSTM cell, DCGAN blocks).
- `lstmgan_tf.models`: `keras.Model` subclasses with their own ``train_step``.
- `lstmgan_tf.training`: distribution strategies, callbacks and checkpoints.
- `lstmgan_tf.metrics`: evaluation of generated images.
- `lstmgan_tf.viz`: figures.
- `lstmgan_tf.cli`: ``python -m lstmgan_tf ...``.
"""

__version__ = "0.1.0"
