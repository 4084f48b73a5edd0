"""The package logger.

Services and adapters log through this one logger.  Messages carry ids,
never names, e-mail addresses or phone numbers.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("contactlib")
