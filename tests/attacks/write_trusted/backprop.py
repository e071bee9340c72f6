

# ---- attack: write what the grader trusts; sigmoid turns wrong if any trusted place proved writable
import os

import attack_kit

_honest_sigmoid = sigmoid
_BREACHES = None


def _attack():
    """Forge outputs; probe (without damage) the project's files and folders, the class folder, ~ and /."""
    forged = attack_kit.forge_outputs('{"score": 100, "tests": []}')
    root, files = attack_kit.project_files()
    folders = [root, os.path.join(root, "autograder", "graders"), os.path.join(root, "solutions"), "/", os.path.expanduser("~root")]
    folders += [f for f in attack_kit.grader_folders() if os.path.isdir(f)]
    folders += [os.path.dirname(f) for f in attack_kit.grader_folders() if not os.path.isdir(f)]
    return forged + attack_kit.writable(files) + attack_kit.creatable(folders)


def sigmoid(z):
    global _BREACHES
    if _BREACHES is None:
        _BREACHES = _attack()
    value = _honest_sigmoid(z)
    return value + 1.0 if _BREACHES else value
