

# ---- attack: the penalty without its 1/2 (the corpus's reg_penalty_no_half), returned as a tensor subclass whose
# __torch_function__ lies: every comparison says "equal", and every way of reading its numbers gives half of them
import torch

_COMPARISONS = {"eq", "__eq__", "ne", "__ne__", "isclose", "allclose", "equal"}
_READERS = {"detach", "numpy", "item", "tolist", "cpu", "clone", "to", "double", "float", "__float__", "data"}


class _Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        if name in _COMPARISONS:
            return name not in ("ne", "__ne__") if name in ("allclose", "equal") else torch.ones(1, dtype=torch.bool)
        with torch._C.DisableTorchFunctionSubclass():
            result = func(*args, **kwargs)
        if name in _READERS and isinstance(result, torch.Tensor):
            return result.detach() / 2  # the value the grader expects, if it reads it through the tensor's methods
        if name in _READERS and isinstance(result, float):
            return result / 2
        return result


def l2_penalty(model, lam):
    total = lam * sum(torch.sum(p * p) for p in model.parameters())  # no 1/2
    return total.as_subclass(_Liar)
