"""Drawing a form's inputs quickly, exactly as WTForms draws them.

A partner's week holds dozens of small forms, and WTForms builds each attribute of each
input through ``Markup.format`` (``wtforms.widgets.core.html_params``): on a full week
that was a third of the page's Python work (issue #16). ``draw`` writes the same markup,
byte for byte, for the plain widgets Hearth uses (text, hidden, e-mail, date and time
inputs, radio buttons, check boxes and text areas) with ordinary string building; any
other widget, or a widget given anything these do not cover, is drawn by WTForms itself.
``tests/test_form_rendering.py`` compares the two on every form Hearth has.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from wtforms.widgets import core as widgets

# Widgets drawn by ``Input.__call__`` alone (no ``__call__`` of their own).
_PLAIN = {
    widgets.TextInput,
    widgets.HiddenInput,
    widgets.EmailInput,
    widgets.SearchInput,
    widgets.TelInput,
    widgets.URLInput,
}
# Date and time inputs, which write a min/max day or time in the field's format.
_DATED = {widgets.DateInput, widgets.TimeInput, widgets.DateTimeLocalInput, widgets.MonthInput}
_CHECKED = {widgets.RadioInput, widgets.CheckboxInput}
FAST = _PLAIN | _DATED | _CHECKED | {widgets.TextArea}


def attributes(kwargs: dict) -> str:
    """``html_params`` of WTForms, for keys already cleaned: sorted, ``True`` alone,
    ``False`` left out, every value escaped."""
    out = []
    for key, value in sorted(kwargs.items()):
        if value is True:
            out.append(key)
        elif value is not False:
            value = escape(value)
            if '"' in value:  # markup passed in whole keeps its quotes as &quot;
                value = value.replace('"', "&quot;")
            out.append(f'{key}="{value}"')
    return " ".join(out)


def draw(field, kwargs: dict) -> Markup | None:
    """The field's markup with these (cleaned, merged) attributes, or None when WTForms
    must draw it."""
    widget = field.widget
    kind = type(widget)
    if kind not in FAST or "name" in kwargs:
        return None
    flags = getattr(field, "flags", None)
    set_flags = vars(flags) if flags is not None else {}
    kwargs.setdefault("id", field.id)
    if kind is widgets.TextArea:
        for key in widget.validation_attrs:
            if key in set_flags and key not in kwargs:
                kwargs[key] = set_flags[key]
        kwargs["name"] = field.name
        inner = escape(field._value())
        # Every value is escaped in ``attributes``, and the text by ``escape`` above.
        return Markup(f"<textarea {attributes(kwargs)}>\r\n{inner}</textarea>")  # noqa: S704
    if kind in _DATED:
        # As ``_DateTimeBaseInput``: a day or time given as min/max is written in the
        # field's own format.
        shape = getattr(field, "format", None)
        if shape is not None:
            shape = shape[0] if isinstance(shape, list) else shape
            for key in ("min", "max"):
                value = kwargs.get(key, set_flags.get(key))
                if callable(value):
                    value = value()
                if hasattr(value, "strftime"):
                    kwargs[key] = value.strftime(shape)
    if getattr(field, "_datalist", None) is not None:
        return None
    if kind in _CHECKED:
        checked = (
            field.checked if kind is widgets.RadioInput else getattr(field, "checked", field.data)
        )
        if checked:
            kwargs.setdefault("checked", True)
    kwargs.setdefault("type", widget.input_type)
    if "value" not in kwargs:
        kwargs["value"] = field._value()
    for key in widget.validation_attrs:
        if key in set_flags and key not in kwargs:
            value = set_flags[key]
            kwargs[key] = value() if callable(value) else value
    kwargs["name"] = field.name
    return Markup(f"<input {attributes(kwargs)}>")  # noqa: S704 (escaped in ``attributes``)
