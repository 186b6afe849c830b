"""Hearth's forms, by area: ``base`` (what every form is built from), ``accounts``,
``couples``, ``counseling`` and ``confidentiality``. Each kind of homework keeps its own
forms in ``kinds/<key>/forms.py``, built on ``forms.base``."""
