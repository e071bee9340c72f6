"""The reference solutions reproduce the chapter's printed numbers (issue: exercises and solutions)."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.references import load_solution

backprop = load_solution("backprop")
chapter = load_solution("chapter")
training_loop = load_solution("training_loop")
CHAPTER = backprop.CHAPTER_PARAMS


def test_chapter_params_are_the_chapters():
    assert CHAPTER == {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def test_forward_pass_gives_the_chapters_values():
    values = backprop.forward_pass(1.0, 3.0, CHAPTER)
    rounded = {k: round(v, 4) for k, v in values.items() if k != "loss"}
    assert rounded == {"z1": 2.0, "z2": 1.0, "a1": 0.8808, "a2": 0.7311, "y_hat": 1.3429}
    assert round(values["loss"], 3) == 2.746  # the chapter prints three decimals
    assert round(2 * (values["y_hat"] - 3.0), 4) == -3.3142  # dL/dy_hat


def test_backward_pass_gives_the_chapters_gradients():
    grads = {k: round(v, 4) for k, v in backprop.backward_pass(1.0, 3.0, CHAPTER).items()}
    assert grads == {"b3": -3.3142, "w3": -2.9191, "w4": -2.4229, "b1": -0.348, "b2": -1.3032, "w1": -0.348, "w2": -1.3032}


def chapter_arrays() -> dict[str, np.ndarray]:
    return {
        "hidden.weight": np.array([[1.0], [-1.0]]),
        "hidden.bias": np.array([1.0, 2.0]),
        "output.weight": np.array([[1.0, 2.0]]),
        "output.bias": np.array([-1.0]),
    }


def test_network_gradients_on_the_chapters_point():
    p = chapter_arrays()
    grads = backprop.network_gradients(
        np.array([[1.0]]), np.array([3.0]), p["hidden.weight"], p["hidden.bias"], p["output.weight"], p["output.bias"]
    )
    np.testing.assert_allclose(grads["hidden.bias"], [-0.3480, -1.3032], atol=5e-5)
    np.testing.assert_allclose(grads["hidden.weight"], [[-0.3480], [-1.3032]], atol=5e-5)
    np.testing.assert_allclose(grads["output.bias"], [-3.3142], atol=5e-5)
    np.testing.assert_allclose(grads["output.weight"], [[-2.9191, -2.4229]], atol=5e-5)


def test_one_sgd_step_gives_the_chapters_weights():
    p = chapter_arrays()
    grads = backprop.network_gradients(np.array([[1.0]]), np.array([3.0]), *p.values())
    new = backprop.sgd_step(p, grads, 0.1)
    np.testing.assert_allclose(new["hidden.weight"], [[1.0348], [-0.8697]], atol=5e-5)
    np.testing.assert_allclose(new["hidden.bias"], [1.0348, 2.1303], atol=5e-5)
    np.testing.assert_allclose(new["output.weight"], [[1.2919, 2.2423]], atol=5e-5)
    np.testing.assert_allclose(new["output.bias"], [-0.6686], atol=5e-5)
    np.testing.assert_array_equal(p["output.bias"], [-1.0])  # the input is untouched


def test_train_step_takes_the_chapters_step_and_zero_grad_matters():
    model = chapter.Network(1, 2, 1)
    with torch.no_grad():
        model.hidden.weight.copy_(torch.tensor([[1.0], [-1.0]]))
        model.hidden.bias.copy_(torch.tensor([1.0, 2.0]))
        model.output.weight.copy_(torch.tensor([[1.0, 2.0]]))
        model.output.bias.copy_(torch.tensor([-1.0]))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    X, y = torch.tensor([[1.0]]), torch.tensor([3.0])
    loss = training_loop.train_step(model, torch.nn.MSELoss(), optimizer, X, y)
    assert isinstance(loss, float) and round(loss, 3) == 2.746
    np.testing.assert_allclose(model.output.bias.detach().numpy(), [-0.6686], atol=5e-5)
    # Without zero_grad, k backward passes accumulate k times the gradient (the chapter's five calls).
    criterion = torch.nn.MSELoss()
    model.zero_grad()  # start from zero, then never zero again
    for k in range(1, 6):
        criterion(model(X).flatten(), y).backward()
        np.testing.assert_allclose(model.hidden.bias.grad.numpy(), k * np.array([-0.1991, -0.5976]), atol=5e-4)
    model.zero_grad()
    criterion(model(X).flatten(), y).backward()
    np.testing.assert_allclose(model.hidden.bias.grad.numpy(), [-0.1991, -0.5976], atol=5e-5)


def test_the_chapters_data():
    X, y = chapter.regression_data()
    assert X.shape == (40, 1) and y.shape == (40,)
    assert round(float(y[0]), 4) == 12.3775
    assert round(float(y[-1]), 4) == 12.9864
    X_valid, y_valid = chapter.validation_data()
    assert X_valid.flatten().tolist() == [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0]
    assert y_valid.tolist() == [9.0, 4.0, 1.0, 0.0, 1.0, 4.0]


@st.composite
def network_case(draw):
    n, d = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    h = draw(st.integers(1, 5))
    element = st.floats(-2, 2, allow_nan=False)
    shapes = {"X": (n, d), "y": (n,), "W1": (h, d), "b1": (h,), "W2": (1, h), "b2": (1,)}
    return {k: draw(hnp.arrays(np.float64, s, elements=element)) for k, s in shapes.items()}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(case=network_case())
def test_network_gradients_equal_autograd(case):
    hidden = torch.nn.Linear(case["W1"].shape[1], case["W1"].shape[0]).double()
    output = torch.nn.Linear(case["W1"].shape[0], 1).double()
    with torch.no_grad():
        hidden.weight.copy_(torch.tensor(case["W1"]))
        hidden.bias.copy_(torch.tensor(case["b1"]))
        output.weight.copy_(torch.tensor(case["W2"]))
        output.bias.copy_(torch.tensor(case["b2"]))
    loss = torch.nn.functional.mse_loss(output(torch.sigmoid(hidden(torch.tensor(case["X"])))).flatten(), torch.tensor(case["y"]))
    loss.backward()
    grads = backprop.network_gradients(*case.values())
    for name, layer in (("hidden", hidden), ("output", output)):
        np.testing.assert_allclose(grads[f"{name}.weight"], layer.weight.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(grads[f"{name}.bias"], layer.bias.grad.numpy(), rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(x=hnp.arrays(np.float64, st.sampled_from([(3,), (2, 3), (2, 2, 2)]), elements=st.floats(-1.5, 1.5)))
def test_numerical_gradient_agrees_with_autograd(x):
    def f_torch(t):
        return torch.sum(torch.sin(t) * t.sum()) + torch.prod(torch.cos(t))

    def f_numpy(v):
        return float(np.sum(np.sin(v) * v.sum()) + np.prod(np.cos(v)))

    t = torch.tensor(x, requires_grad=True)
    f_torch(t).backward()
    before = x.copy()
    estimate = backprop.numerical_gradient(f_numpy, x)
    np.testing.assert_allclose(estimate, t.grad.numpy(), rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(x, before)
