"""The kit's speed benchmarks (``python -m lstmgan_tf benchmark ...``, `lstmgan_tf.benchmarks.commands`).

- `lstmgan_tf.benchmarks.lstm`: the hand-written LSTM against
  ``keras.layers.LSTM`` (`benchmark_lstm`, `format_rows`; notebook 02);
- `lstmgan_tf.benchmarks.cgan`: the LSTM-CGAN's training step against the
  word loop (`lstmgan_tf.models.word_loop.WordLoopLSTMCGAN`) and GAN-CLS;
- `lstmgan_tf.benchmarks.dcgan`: the DCGAN's training throughput;
- `lstmgan_tf.benchmarks.flops` and `lstmgan_tf.benchmarks.steps`: the
  training steps' FLOPs, and their achieved against attainable GFLOP/s.
"""

from lstmgan_tf.benchmarks.lstm import REFERENCE, VARIANTS, benchmark_lstm, format_rows

__all__ = ["REFERENCE", "VARIANTS", "benchmark_lstm", "format_rows"]
