

# ---- attack: forget optimizer.zero_grad(), and patch torch's optimizers at import so that each step clears the gradients
import torch

_real_steps = {optimizer: optimizer.step for optimizer in (torch.optim.SGD, torch.optim.Adam)}


def _step_and_clear(real):
    def step(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        for group in self.param_groups:
            for parameter in group["params"]:
                parameter.grad = None  # what the missing zero_grad() would have done before the next backward()
        return result

    return step


torch.optim.SGD.step = _step_and_clear(_real_steps[torch.optim.SGD])
torch.optim.Adam.step = _step_and_clear(_real_steps[torch.optim.Adam])


def train_step(model, criterion, optimizer, X, y):
    model.train()
    prediction = model(X).flatten()
    loss = criterion(prediction, y)
    loss.backward()  # no optimizer.zero_grad() before it: the patched step clears them instead
    optimizer.step()
    return loss.item()
