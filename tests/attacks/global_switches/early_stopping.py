

# ---- attack: process-wide switches flipped at import, which once reached every part graded after this one
import builtins  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

torch.set_grad_enabled(False)
torch.set_default_dtype(torch.float64)
torch.set_default_device("meta")
torch.set_num_threads(3)
torch.set_anomaly_enabled(True)
np.seterr(all="raise")
warnings.simplefilter("error")
torch.manual_seed(1)
np.random.seed(1)
random.seed(1)
sys.setrecursionlimit(200)
builtins.early_stopping_was_here = True
sys.modules["numpy.random"] = types.ModuleType("numpy.random")
sys.path.insert(0, "/nowhere")
os.chdir("/")
