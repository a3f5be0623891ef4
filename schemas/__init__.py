# schemas.layouts/legacy/rules load from the Cython build when it matches the sources (infra/compiled.py).
from infra.compiled import activate as _activate

_activate(__name__, __file__)
