"""Self-checking exercises for the notebooks.

Each topic module (``lstmgan_tf.exercises.lstm``, ...) has checker functions
that run a student's function or layer against the package's reference and
return a `Feedback`: whether it is right and, if not, one sentence saying what
is wrong (wrong shape, wrong gate, wrong sign, ...). In a notebook the feedback
shows itself:

>>> from lstmgan_tf.exercises.core import Feedback
>>> Feedback(True, "forget gate matches the reference")
✅ forget gate matches the reference
"""

from lstmgan_tf.exercises.core import Feedback, check_close

__all__ = ["Feedback", "check_close"]
