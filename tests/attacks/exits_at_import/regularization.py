

# ---- attack: KeyboardInterrupt during the import
raise KeyboardInterrupt
