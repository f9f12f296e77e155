"""The training jobs of the registered models, one module per family.

Each module registers its builders with `lstmgan_tf.training.registry` when
imported (the registry's `MODEL_MODULES` names the module of every model):

- `lstmgan_tf.training.builders.dcgan`: ``dcgan``;
- `lstmgan_tf.training.builders.dcgan_lstm_d`: ``dcgan_lstm_d`` (paper 000's
  LSTM as the DCGAN's discriminator);
- `lstmgan_tf.training.builders.text_models`: ``lstm_cgan``, ``last_word``,
  ``gan_cls``.

The models themselves (`lstmgan_tf.models`) never import this package.
"""
