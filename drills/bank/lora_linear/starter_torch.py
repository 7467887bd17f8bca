import math

import torch
from torch import nn


def add_lora(base, r, alpha):
    """Wrap a frozen nn.Linear with a LoRA update: y = base(x) + (alpha / r) * (x A^T) B^T.

    The returned module has nn.Parameters lora_A (r, in) and lora_B (out, r), a float `scaling`,
    a bool `merged`, and methods merge() / unmerge(). ValueError unless r is a positive int.
    """
    raise NotImplementedError("write the LoRA layer here")
