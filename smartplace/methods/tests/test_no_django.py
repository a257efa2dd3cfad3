"""The methods layer is plain Python: importing it loads no part of Django."""

import subprocess
import sys


def test_methods_import_no_django():
    """Every module of the methods layer (found by walking the package, tests aside) imports
    in a fresh interpreter without loading Django."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import smartplace.methods\n"
        "names = [m.name for m in pkgutil.walk_packages(smartplace.methods.__path__, "
        "'smartplace.methods.') if '.tests' not in m.name]\n"
        "assert 'smartplace.methods.scoring.score' in names, names\n"
        "for name in names: importlib.import_module(name)\n"
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] == 'django')\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env={"PATH": "/usr/bin:/bin"}, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip() == "[]"
