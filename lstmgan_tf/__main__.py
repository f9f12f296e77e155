"""Lets ``python -m lstmgan_tf ...`` run the command-line interface."""

from lstmgan_tf.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
