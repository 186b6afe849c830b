"""``forms.rendering`` draws inputs exactly as WTForms would, for every field of every form.

Each form of ``forms.base.all_forms()`` is built empty, then with typed values that need
escaping, then with an error on every field; each field (and each radio button of a
choice) is drawn through Hearth's ``Meta.render_field`` and through WTForms' own
``DefaultMeta.render_field``, with the attributes the templates pass, and the two must be
the same text.
"""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.meta import DefaultMeta
from wtforms.widgets import core as widgets

from forms import rendering
from forms.base import all_forms

TYPED = '  "Quotes" & <b>tags</b> \' 19:30 2026-12-12 '
ATTRIBUTE_SETS = (
    {},
    {"aria-invalid": "true", "aria-describedby": "x-hint x-error"},
    {"autofocus": True, "class_": "wide", "data_x": 'a"b'},
    {"value": "given", "required": False},
)


def built(form_class, formdata=None):
    try:
        return form_class(formdata=formdata, prefix="p")
    except TypeError:
        return None  # forms that need arguments to exist are covered by their pages


def drawn_both_ways(field, attributes):
    ours = field(**attributes)
    theirs = DefaultMeta.render_field(field.meta, field, dict(attributes))
    return str(ours), str(theirs)


def every_field(form):
    """Each field, and each radio button of a choice (drawn one by one in the templates)."""
    for field in form:
        if type(field.widget) is widgets.ListWidget:
            yield from field
        else:
            yield field


def test_every_hearth_field_is_drawn_as_wtforms_draws_it(app):
    forms_seen, fields_fast, fields_compared = 0, 0, 0
    with app.test_request_context("/"):
        for form_class in all_forms():
            for formdata in (None, "typed"):
                data = None
                if formdata:
                    probe = built(form_class)
                    if probe is None:
                        continue
                    data = MultiDict({f.name: TYPED for f in probe})
                form = built(form_class, data)
                if form is None:
                    continue
                forms_seen += 1
                if formdata:
                    for f in form:
                        f.errors = ["Please look at this."]
                for field in every_field(form):
                    for attributes in ATTRIBUTE_SETS:
                        ours, theirs = drawn_both_ways(field, attributes)
                        assert ours == theirs, (form_class.__name__, field.name, attributes)
                        fields_compared += 1
                    fields_fast += type(field.widget) in rendering.FAST
    # Most of Hearth's forms are built without arguments, and most of their fields take
    # the quick way: a check that compared nothing would prove nothing.
    assert forms_seen >= 100, forms_seen
    assert fields_fast >= 450, fields_fast
    assert fields_compared >= 2000, fields_compared


@pytest.mark.parametrize(
    "value",
    [True, False, None, 0, "plain", '"quoted"', "<tag>", "a&b"],
)
def test_attributes_match_wtforms_html_params(value):
    kwargs = {"id": "x", "value": value, "aria-label": "Label"}
    assert rendering.attributes(dict(kwargs)) == str(widgets.html_params(**kwargs))


def test_the_quick_way_is_taken_for_hearths_plain_inputs(app, monkeypatch):
    """The comparison above would pass if every field fell back to WTForms: make sure
    the plain widgets never reach WTForms' ``html_params``."""

    def refuse(**_kwargs):
        raise AssertionError("drawn by WTForms")

    monkeypatch.setattr(widgets, "html_params", refuse)
    monkeypatch.setattr(widgets.Input, "html_params", staticmethod(refuse))
    drawn = 0
    with app.test_request_context("/"):
        for form_class in all_forms():
            form = built(form_class)
            if form is None:
                continue
            for field in every_field(form):
                if type(field.widget) in rendering.FAST:
                    field(**{"aria-invalid": "true"})
                    drawn += 1
    assert drawn >= 200, drawn
