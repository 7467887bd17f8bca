import math

import torch
from torch import nn


def add_dora(base, r, alpha):
    """Wrap a frozen nn.Linear in DoRA: W' = m * (W0 + s B A) / ||W0 + s B A||_c, s = alpha / r.

    The returned module has nn.Parameters lora_A (r, in), lora_B (out, r), magnitude (out,)
    (one norm per output row, detached in the forward pass), a float `scaling`, forward(x) and
    merged_weight(). ValueError unless r is a positive int.
    """
    raise NotImplementedError("write the DoRA layer here")
