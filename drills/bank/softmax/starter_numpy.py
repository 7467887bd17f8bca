import numpy as np


def softmax(x, axis=-1, temperature=1.0):
    """exp(x / T) normalised to sum to 1 along `axis`, computed stably; ValueError if T <= 0.

    x: any shape, float32/float64 -> same shape.
    """
    raise NotImplementedError("write the softmax here")
