

# ---- attack: end the import with SystemExit
raise SystemExit(0)
