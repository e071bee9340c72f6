"""The course registry: one record per part, the only place a part's name, title, points and functions are written.

Everything that needs a fact about a part reads it here: the student API, the
graders' chapter pointers, the gradebook's columns, the reports' headings, the
notebooks' titles, the demo. ``python -m autograder new-part NAME`` appends a
record to :data:`PARTS` (see the README, "Adding a part").

This module is pure data and imports nothing of the project: the sandboxed
child and the student bundle may import it.

Example:
    >>> part("validation").heading
    '3. Validation loss'
    >>> [p.name for p in PARTS][:2]
    ['backprop', 'training_loop']
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Curves:
    """What a trainer returns: the curves it records per epoch, and their container.

    ``form`` is "list" (one list), "tuple" (a tuple of lists, in ``names`` order) or "dict" (a dict keyed by ``names``).
    """

    names: tuple[str, ...]
    form: str = "tuple"


@dataclass(frozen=True)
class Part:
    """One part of the course.

    Attributes:
        name: the module students write (``<name>.py``, ``<name>.ipynb``) and the prefix of its graded tests.
        number: its place in the chapter, from 1.
        title: its title, without the number.
        short: a column heading of at most 8 characters.
        section: where the chapter explains it, completing "See the chapter, ...".
        functions: each function students write, with its parameters (``name`` or ``name=default``).
        points: what its graded tests add up to with no course file.
        curves: for each trainer among ``functions``, the curves it returns.
        provided: functions the part's module gives students ready-made.
    """

    name: str
    number: int
    title: str
    short: str
    section: str
    functions: dict[str, tuple[str, ...]]
    points: float
    curves: dict[str, Curves] = field(default_factory=dict)
    provided: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """The title with its number, as reports show it: "2. The training loop"."""
        return f"{self.number}. {self.title}"

    @property
    def notebook_title(self) -> str:
        return f"Part {self.number}: {self.title}"


_TRAIN_VALID = Curves(("train_loss", "valid_loss"))

PARTS: tuple[Part, ...] = (
    Part(
        name="backprop",
        number=1,
        title="Backpropagation by hand",
        short="backprop",
        section="section 1.1 (backpropagation by hand)",
        functions={
            "sigmoid": ("z",),
            "forward_pass": ("x", "y", "params"),
            "backward_pass": ("x", "y", "params"),
            "network_gradients": ("X", "y", "W1", "b1", "W2", "b2"),
            "numerical_gradient": ("f", "x", "h=1e-05"),
            "sgd_step": ("params", "grads", "lr"),
        },
        points=30,
    ),
    Part(
        name="training_loop",
        number=2,
        title="The training loop",
        short="loop",
        section="section 2 (the training loop)",
        functions={
            "train_step": ("model", "criterion", "optimizer", "X", "y"),
            "trainer": ("model", "criterion", "optimizer", "dataloader", "epochs=5"),
        },
        points=12,
        curves={"trainer": Curves(("train_loss",), form="list")},
    ),
    Part(
        name="validation",
        number=3,
        title="Validation loss",
        short="valid",
        section="section 2.1 (validation loss)",
        functions={"trainer": ("model", "criterion", "optimizer", "trainloader", "validloader", "epochs=5")},
        points=12,
        curves={"trainer": _TRAIN_VALID},
    ),
    Part(
        name="early_stopping",
        number=4,
        title="Early stopping",
        short="early",
        section="section 2.2 (early stopping)",
        functions={"trainer": ("model", "criterion", "optimizer", "trainloader", "validloader", "epochs=5", "patience=5")},
        points=14,
        curves={"trainer": _TRAIN_VALID},
    ),
    Part(
        name="regularization",
        number=5,
        title="Dropout and L2 regularisation",
        short="reg",
        section="section 3 (dropout and L2 regularisation)",
        functions={
            "dropout": ("x", "p=0.5", "training=True"),
            "l2_penalty": ("model", "lam"),
            "network": ("input_size", "hidden_size", "output_size", "p=0.5"),
        },
        points=17,
    ),
    Part(
        name="putting_it_together",
        number=6,
        title="Putting it all together",
        short="all",
        section="section 4 (putting it all together)",
        functions={
            "linear_block": ("input_size", "output_size", "p=0.1"),
            "classifier": ("input_size",),
            "trainer": (
                "model",
                "criterion",
                "optimizer",
                "trainloader",
                "validloader",
                "epochs=5",
                "patience=5",
                "verbose=False",
            ),
        },
        points=15,
        curves={"trainer": Curves(("train_loss", "valid_loss", "train_accuracy", "valid_accuracy"), form="dict")},
        provided=("load_data",),
    ),
    # `python -m autograder new-part NAME` adds its record above this line.
)

NAMES: tuple[str, ...] = tuple(p.name for p in PARTS)
_BY_NAME = {p.name: p for p in PARTS}


class UnknownPart(KeyError):
    """A part name that the registry does not hold."""

    def __str__(self) -> str:
        return f"unknown part {self.args[0]!r}; the parts are {', '.join(NAMES)}"


def part(name: str) -> Part:
    """The record of part ``name``; raises :class:`UnknownPart` (a KeyError) for any other name."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownPart(name) from None


def part_of(test_or_target: str) -> str:
    """The part a test name ("module.function: words") or target ("module.function") belongs to."""
    return test_or_target.partition(".")[0]


class UnknownName(ValueError):
    """A name that is neither a part nor one function of one part (its message says what to write instead)."""


def locate(name: str, within: str | None = None) -> tuple[str, str | None]:
    """(part, function or None) that a student's ``name`` means.

    ``name`` is a part ("training_loop"), a function ("train_step"), or both ("validation.trainer");
    ``within`` is the part to take when the function is in several (a notebook knows its part).
    Raises :class:`UnknownName` for anything else, with the names to choose from.

    Example:
        >>> locate("train_step"), locate("trainer", within="validation")
        (('training_loop', 'train_step'), ('validation', 'trainer'))
    """
    name = name.strip()
    if name in _BY_NAME:
        return name, None
    if "." in name:
        owner, _, function = name.partition(".")
        if owner in _BY_NAME and function in _BY_NAME[owner].functions:
            return owner, function
        raise UnknownName(f"{name!r} is no function of a part; write part.function, e.g. training_loop.train_step")
    owners = [p.name for p in PARTS if name in p.functions]
    if within in owners:
        return within, name
    if len(owners) == 1:
        return owners[0], name
    if owners:
        choices = ", ".join(f'"{owner}.{name}"' for owner in owners)
        raise UnknownName(f"{name} is in several parts: say which, one of {choices}")
    known = ", ".join(sorted({f for p in PARTS for f in p.functions}))
    raise UnknownName(f"{name!r} is neither a part ({', '.join(NAMES)}) nor a graded function ({known})")
