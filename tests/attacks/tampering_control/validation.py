

# ---- honest control: validation forgets torch.no_grad(), nothing else
from attack_kit import trainer_without_no_grad as trainer  # noqa: E402, F401
