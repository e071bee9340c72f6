"""What a known mistake is, and the mistakes several parts share (the stopping rule, dividing by the other loader).

A known mistake is a small text patch of a reference solution. Each part lists
its own in ``<part>/mistakes.py`` (``MISTAKES``); :mod:`autograder.graders.material`
collects them and checks, when the graders load, that every patch still applies
to ``solutions/``. Builders here take the exact solution lines they patch as
arguments, so that they know no part by name.

Example:
    >>> Mistake("no_step", "training_loop", "train_step", (("a", "b"),), "no step").functions
    ('train_step',)
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.references import Patch


@dataclass(frozen=True)
class Mistake:
    """A known mistake: patches of ``solutions/<module>.py`` and the words that complete "This looks like ...".

    ``also_in`` names other functions of the module whose results show the mistake too (a trainer
    that calls the patched ``train_step``): they are diagnosed with it as well.
    """

    key: str
    module: str
    function: str
    patches: tuple[Patch, ...]
    says: str
    also_in: tuple[str, ...] = ()

    @property
    def functions(self) -> tuple[str, ...]:
        """Every function whose result can show this mistake."""
        return (self.function, *self.also_in)


def stopping_rule_mistakes(module: str, last_epoch_dropped: Patch) -> list[Mistake]:
    """The early-stopping rule's classic mistakes, for a trainer written like the chapter's.

    ``last_epoch_dropped`` is the patch that removes the stopping epoch from what the trainer returns
    (how it reads depends on whether the trainer returns lists or a dict).
    """
    return [
        Mistake(
            "best_so_far",
            module,
            "trainer",
            (("valid_loss[-1] > valid_loss[-2]:", "valid_loss[-1] > min(valid_loss[:-1]):"),),
            "comparing each validation loss with the best one so far; the chapter's rule compares with the "
            "previous epoch's loss, and a decrease resets the count",
        ),
        Mistake(
            "no_improvement_on_best",
            module,
            "trainer",
            (("valid_loss[-1] > valid_loss[-2]:", "valid_loss[-1] >= min(valid_loss[:-1]):"),),
            "comparing each validation loss with the best one so far and counting every epoch that does not beat it, "
            "an equal loss too; the chapter's rule compares with the previous epoch's loss, and anything but a strict "
            "increase resets the count",
        ),
        Mistake(
            "patience_fixed",
            module,
            "trainer",
            (("if consecutive_increases == patience:", "if consecutive_increases == 3:"),),
            "a patience written as the number 3: compare the count with the patience argument the trainer was given",
        ),
        Mistake(
            "patience_plus_one",
            module,
            "trainer",
            (("if consecutive_increases == patience:", "if consecutive_increases > patience:"),),
            "stopping one epoch late: stop as soon as the count of consecutive increases reaches patience",
        ),
        Mistake(
            "first_epoch_counted",
            module,
            "trainer",
            (("if epoch > 0 and valid_loss[-1] > valid_loss[-2]:", "if valid_loss[-1] > (valid_loss[-2] if epoch > 0 else 0.0):"),),
            "a previous loss that starts at 0 (or below the first loss), so the first epoch already counts as an increase: "
            "the first epoch has nothing to compare with, so start comparing at the second",
        ),
        Mistake(
            "patience_minus_one",
            module,
            "trainer",
            (("if consecutive_increases == patience:", "if consecutive_increases == patience - 1:"),),
            "stopping one epoch early: stop when the count of consecutive increases reaches patience, not patience - 1",
        ),
        Mistake(
            "equal_keeps_count",
            module,
            "trainer",
            (
                (
                    "        else:\n            consecutive_increases = 0\n",
                    "        elif epoch == 0 or valid_loss[-1] < valid_loss[-2]:\n            consecutive_increases = 0\n",
                ),
            ),
            "a count of increases that an equal loss does not reset: anything but a strict increase, an equal loss "
            "included, sets the count back to 0",
        ),
        Mistake(
            "no_reset",
            module,
            "trainer",
            (("        else:\n            consecutive_increases = 0\n", ""),),
            "a count of increases that is never reset: set it back to 0 whenever the validation loss does not go up",
        ),
        Mistake(
            "greater_equal",
            module,
            "trainer",
            (("valid_loss[-1] > valid_loss[-2]:", "valid_loss[-1] >= valid_loss[-2]:"),),
            "counting an equal validation loss as an increase: only a strictly greater loss counts",
        ),
        Mistake(
            "last_epoch_dropped",
            module,
            "trainer",
            (last_epoch_dropped,),
            "leaving the stopping epoch out of the lists: record the epoch's losses first, then decide to stop",
        ),
    ]


def other_loader_mistakes(module: str, lines: dict[str, list[str]]) -> list[Mistake]:
    """Dividing a pass's sum of batch losses by the other loader's number of batches (a copy-paste slip).

    ``lines`` maps "train" and "valid" to the solution lines that divide by ``len(trainloader)`` and
    ``len(validloader)``.
    """
    found = []
    for phase, other, words in (("valid", "train", "the validation sum"), ("train", "valid", "the training sum")):
        found.append(
            Mistake(
                f"{phase}_over_{other}loader",
                module,
                "trainer",
                tuple((line, line.replace(f"len({phase}loader)", f"len({other}loader)")) for line in lines[phase]),
                f"dividing {words} by len({other}loader): each pass's sum is divided by its own loader's "
                f"number of batches, len({phase}loader)",
            )
        )
    return found


NO_EVAL = "running validation in training mode: call model.eval() before the validation loop (dropout must be off there)"


def no_eval(module: str) -> Mistake:
    """Validation run without ``model.eval()``, for a trainer whose solution calls it once per epoch."""
    return Mistake("no_eval", module, "trainer", (("        model.eval()\n", ""),), NO_EVAL)
