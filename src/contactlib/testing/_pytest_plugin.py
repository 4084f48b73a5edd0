"""pytest plugin that makes failures of the contract suite readable.

pytest rewrites ``assert`` statements only in test modules and in the
modules registered before they are imported.  The contract suite is a
module of an installed package, so this plugin registers it.  pytest
loads the plugin through the ``pytest11`` entry point of the package.
"""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("contactlib.testing.contract")
