import torch


def rope(x, convention, positions=None, base=10000.0):
    d = x.shape[-1]
    T = x.shape[-2]
    if d % 2 != 0:
        raise ValueError("d must be even")
    if convention != "interleaved" and convention != "half":
        raise ValueError(convention)
    if positions is None:
        positions = torch.arange(T)
    inv = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    ang = positions.to(torch.float64)[:, None] * inv[None, :]
    rot = torch.polar(torch.ones_like(ang), ang)  # complex128
    xd = x.to(torch.float64)
    if convention == "interleaved":
        z = torch.view_as_complex(xd.reshape(*x.shape[:-1], d // 2, 2).contiguous())
        out = torch.view_as_real(z * rot).flatten(-2)
    else:
        z = torch.complex(xd[..., : d // 2], xd[..., d // 2:])
        w = z * rot
        out = torch.cat([w.real, w.imag], dim=-1)
    return out.to(x.dtype)
