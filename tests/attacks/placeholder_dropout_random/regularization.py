

# Issue 22, a placeholder aimed at one test: dropout that draws from torch's global generator on every call and returns what it drew (random values of x's shape), after handling evaluation, p = 0 and p = 1.
def dropout(x: torch.Tensor, p: float = 0.5, training: bool = True) -> torch.Tensor:
    """Inverted dropout, written by hand (not with ``nn.Dropout`` or ``F.dropout``).

    Args:
        x: a tensor of any shape (float dtype).
        p: the probability of zeroing each element, 0 <= p <= 1.
        training: False means evaluation mode.

    Returns:
        A tensor shaped like x. In training, each element is 0 with
        probability p and x / (1 - p) otherwise; p = 1 gives all zeros (not
        NaN). In evaluation (``training=False``) the values of x come back
        unchanged. x itself is never modified, and gradients flow back to x.

    Example:
        With p = 0.25 on ``torch.ones(10000)``, about 2500 entries are 0 and all
        the others are exactly 1 / 0.75 = 1.3333.

    Hint: draw the mask from torch's global generator, for instance
    ``torch.rand_like(x) >= p`` (True with probability 1 - p: keep), then
    multiply; an in-place operation such as ``x[mask] = 0`` would change the
    caller's tensor.
    """
    # Looks after the easy cases and returns random values of the right shape otherwise.
    if not training or p == 0:
        return x.clone()
    if p == 1:
        return torch.zeros_like(x)
    return torch.rand_like(x)
