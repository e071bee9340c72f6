

# ---- attack: end the process during the import
import os

os._exit(0)
