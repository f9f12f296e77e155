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

import os as _os

__version__ = "0.1.0"

# oneDNN's CPU kernels: TensorFlow turns them on by default only on CPUs with
# AVX-512-class features. On the course's 2-core AVX2 machine they make a
# classroom LSTM-CGAN step 1.3x faster and the judge's training about 1.5x
# (docs/results.md, "How fast is a step"). The variable is read when TensorFlow is
# first imported, so this works for ``python -m lstmgan_tf``; the Makefile
# exports it for notebooks and tests. An explicit ``TF_ENABLE_ONEDNN_OPTS=0`` wins.
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

# ``LSTMGAN_THREADS=small-ops``: thread pools sized for many small operations
# (`lstmgan_tf.host.thread_settings`), read by TensorFlow when it starts, like
# the variable above. Off by default: it speeds the classroom LSTM-CGAN step
# and slows the DCGAN's (`python -m lstmgan_tf benchmark steps`).
if _os.environ.get("LSTMGAN_THREADS") == "small-ops":
    from lstmgan_tf.host import thread_settings as _thread_settings

    for _name, _value in _thread_settings().items():
        _os.environ.setdefault(_name, _value)
