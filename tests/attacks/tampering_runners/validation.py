

# ---- attack: at import, wrap the grader's scenario runner and edit what it reports
from attack_kit import grader_module, trainer_without_no_grad  # noqa: E402

_RUNNERS = grader_module("autograder.sandbox.runners").RUNNERS
_real_run_trainer = _RUNNERS["trainer"]


def _run_trainer(spec, trainer):
    report = _real_run_trainer(spec, trainer)
    forwards = report["observations"]["forwards"]
    report["observations"]["forwards"] = {key.replace(":grad", ":nograd"): n for key, n in forwards.items()}
    return report


_RUNNERS["trainer"] = _run_trainer
trainer = trainer_without_no_grad
