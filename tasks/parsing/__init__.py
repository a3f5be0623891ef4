# The hot modules of this package load from the Cython build when it matches these sources (infra/compiled.py).
from infra.compiled import activate as _activate

_activate(__name__, __file__)
