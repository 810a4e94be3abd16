"""Admin form widgets."""

import html

from django import forms
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def escape(value):
    """`conditional_escape()`, the same text, without its lazy-string wrapper (a few microseconds a
    call, and the list page escapes some 2,000 values) for the plain strings most values are."""
    if isinstance(value, Promise):
        value = str(value)
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def flat_attributes(attrs):
    """Django's `flatatt()` (sorted attributes, then the true booleans), without its two
    `format_html_join()`: Wagtail's buttons write their attributes with it."""
    if not attrs:
        return ""
    pairs = sorted((name, value) for name, value in attrs.items() if not isinstance(value, bool) and value is not None)
    flags = sorted(name for name, value in attrs.items() if value is True)
    return "".join(f' {escape(name)}="{escape(value)}"' for name, value in pairs) + "".join(
        f" {escape(name)}" for name in flags
    )


def attributes_html(attrs):
    """Django's `django/forms/widgets/attrs.html` (and Wagtail's `shared/attrs.html`), in Python."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {escape(name)}")
        elif value is not False:
            parts.append(f' {escape(name)}="{escape(value)}"')
    return "".join(parts)


class Select(forms.Select):
    """Django's <select>, the same HTML byte for byte, built in Python instead of through the
    templates (`select.html`, then one `select_option.html` include per option).

    The admin offers list's structure filter has one option per offerer structure (500 at
    national scale): through the template engine, that <select> was a quarter of the page's time.
    The class keeps Django's name so that Wagtail's field wrapper keeps its `w-field--select` class.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        values = self.format_value(value)
        selected_attribute = attributes_html(self.checked_attribute)
        parts = []
        has_selected = False
        # The loop of `ChoiceWidget.optgroups()`, writing each option instead of a context dictionary.
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            grouped = isinstance(option_label, (list, tuple))
            if grouped:
                parts.append(f'\n  <optgroup label="{escape(option_value)}">')
            for subvalue, sublabel in option_label if grouped else [(option_value, option_label)]:
                selected = (not has_selected or self.allow_multiple_selected) and str(subvalue) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{escape(str(subvalue))}"{selected_attribute if selected else ""}>'
                    f"{escape(sublabel)}</option>\n"
                )
            if grouped:
                parts.append("\n  </optgroup>")
        options = "".join(parts)
        return mark_safe(f'<select name="{escape(name)}"{attributes_html(attrs)}>{options}\n</select>')
