"""The admin offers list's table written in Python, with the markup of Wagtail's templates.

Each row of the list rendered a dozen templates (the title cell, then per button `button.html`
and `icon.html`, the "more" menu's `button_with_dropdown.html` and `dropdown.html`, one `cell.html`
per column, the bulk actions checkbox, and `table.html` a `{% component %}` per cell): two thirds
of the page's rendering time with 30 rows. The functions below write the same elements and
attributes (whitespace aside); tests/test_perf3_admin_list.py compares them with Wagtail's
templates for every role, so that a Wagtail upgrade that changes the markup is noticed.
Buttons of another kind (a hook may add any component) are still rendered by their own template.
"""

from functools import lru_cache

from django.contrib.admin.utils import quote
from django.template import Context
from django.template.base import render_value_in_context
from django.templatetags.l10n import unlocalize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, Table, TitleColumn
from wagtail.admin.widgets.button import BaseButton, BaseDropdownMenuButton

from offers.widgets import attributes_html, flat_attributes
from offers.widgets import escape as _escape

BUTTON_TEMPLATE = "wagtailadmin/shared/button.html"
DROPDOWN_TEMPLATE = "wagtailadmin/shared/button_with_dropdown.html"
CHECKBOX_CELL_TEMPLATE = "wagtailadmin/bulk_actions/listing_checkbox_cell.html"


@lru_cache(maxsize=64)
def icon(name, classname="icon"):
    """`{% icon name=… classname=… %}` (`wagtailadmin/shared/icon.html`, without title nor wrapper)."""
    name, classname = _escape(name), _escape(classname)
    return f'<svg class="icon icon-{name} {classname}" aria-hidden="true"><use href="#icon-{name}"></use></svg>'


def _renders_with(button, cls, template_name):
    kind = type(button)
    return (
        isinstance(button, cls)
        and kind.template_name == template_name
        and kind.render_html is Component.render_html
        and kind.get_context_data is cls.get_context_data
        and kind.base_attrs_string is cls.base_attrs_string
    )


def button_html(button, parent_context):
    """A button component as `{% component button %}` renders it."""
    if _renders_with(button, BaseDropdownMenuButton, DROPDOWN_TEMPLATE):
        return dropdown_html(button, parent_context)
    if not _renders_with(button, BaseButton, BUTTON_TEMPLATE):
        return button.render_html(parent_context)
    content = f"{icon(button.icon_name) if button.icon_name else ''}\n{_escape(button.label)}"
    attrs = flat_attributes(button.attrs)  # `button.base_attrs_string`
    if button.url:
        return f'<a href="{_escape(button.url)}" class="{_escape(button.classname)}" {attrs}>\n{content}\n</a>'
    return f'<button class="{_escape(button.classname)}" {attrs}>\n{content}\n</button>'


def dropdown_html(button, parent_context):
    """`button_with_dropdown.html` and the `{% dropdown %}` of `dropdown/dropdown.html` it calls."""
    label, title = button.label, button.aria_label
    toggle_classes = " ".join(
        name.strip()
        for name in ("w-dropdown__toggle", "" if label else "w-dropdown__toggle--icon", button.classname)
        if name
    )
    aria_label = f' aria-label="{_escape(title)}"' if title else ""
    # `button.base_attrs_string`: the aria-label goes on the toggle, not on the wrapper.
    wrapper_attrs = flat_attributes({name: value for name, value in button.attrs.items() if name != "aria-label"})
    items = "\n".join(button_html(item, parent_context) for item in sorted(button.dropdown_buttons))
    return (
        f'<div\n    data-controller="w-dropdown"\n    class="w-dropdown"\n    {wrapper_attrs}\n>\n'
        f'    <button type="button" class="{_escape(toggle_classes)}" data-w-dropdown-target="toggle"{aria_label}>\n'
        f"        {_escape(label)}\n"
        f"        {icon(button.icon_name or 'arrow-down', 'w-dropdown__toggle-icon')}\n"
        f"    </button>\n"
        f'    <div data-w-dropdown-target="content" class="w-dropdown__content" hidden>\n{items}\n    </div>\n</div>'
    )


class ValueColumn(Column):
    """A `Column` whose cell (`wagtailadmin/tables/cell.html`) is written in Python."""

    def cell_value(self, instance):
        """The `value` of `Column.get_cell_context_data()`, without building the rest of its context."""
        value = self.get_value(instance)
        if isinstance(value, int) and not isinstance(value, bool):
            value = unlocalize(value)
        return value if str(value).strip() else self.empty_value_display

    def render_cell_html(self, instance, parent_context):
        if type(self).get_cell_context_data is Column.get_cell_context_data:
            value = self.cell_value(instance)
        else:
            value = self.get_cell_context_data(instance, parent_context)["value"]
        # `{{ value }}`: a plain string is only escaped (no localisation applies to it).
        if value is None:
            value = ""
        elif type(value) is str and parent_context.autoescape:
            value = _escape(value)
        else:
            value = render_value_in_context(value, parent_context)
        classname = f'class="{_escape(self.classname)}"' if self.classname else ""
        return mark_safe(f"<td {classname}>\n    {value}\n</td>")


class OfferTitleColumn(TitleColumn):
    """The title cell with its buttons (`wagtailadmin/tables/title_cell.html`), written in Python."""

    def render_cell_html(self, instance, parent_context):
        context = self.get_cell_context_data(instance, parent_context)
        value = render_value_in_context(context["value"], parent_context)
        title = f'<span id="{_escape(context["title_id"])}">{value}</span>' if context["title_id"] else value
        if context["link_url"]:
            title = f"<a{attributes_html(context['link_attrs'])}>\n{title}\n</a>"
        elif context["label_id"]:
            title = f'<label for="{_escape(context["label_id"])}">\n{title}\n</label>'
        classname = f"{_escape(self.classname)} title" if self.classname else "title"
        html = f'<td class="{classname}">\n    <div class="title-wrapper">\n        {title}\n    </div>\n'
        buttons = context.get("buttons")
        if buttons:
            items = "".join(
                f"\n<li>\n{button_html(button, parent_context)}\n</li>"
                for button in buttons
                if getattr(button, "show", False)
            )
            html += f'    <ul class="actions">{items}\n    </ul>\n'
        return mark_safe(f"{html}</td>")


class BulkActionsCheckboxCellColumn(BulkActionsCheckboxColumn):
    """The bulk actions checkbox (`bulk_actions/listing_checkbox_cell.html`), written in Python."""

    def render_cell_html(self, instance, parent_context):
        if self.obj_type == "page" or self.cell_template_name != CHECKBOX_CELL_TEMPLATE:
            return super().render_cell_html(instance, parent_context)
        # `{{ instance.pk|unlocalize|admin_urlquote }}`, `{% trans "Select" %}`
        return mark_safe(
            '<td class="bulk-action-checkbox-cell">\n    <input type="checkbox"\n'
            f'           data-object-id="{_escape(quote(str(instance.pk)))}" data-bulk-action-checkbox'
            ' class="bulk-action-checkbox"\n'
            f'           aria-label="{_escape(gettext("Select"))}"\n'
            f'           aria-describedby="{_escape(self.get_aria_describedby(instance))}"\n    />\n</td>'
        )


class ListingTable(Table):
    """Wagtail's `Table` whose body is written in Python (`wagtailadmin/tables/table.html`: an
    include per row, a `{% component %}` per cell). The headers keep their templates."""

    def render_html(self, parent_context=None):
        if self.template_name != Table.template_name:
            return super().render_html(parent_context)
        context = Context(self.get_context_data(parent_context))
        parts = [f"<table{attributes_html(self.attrs)}>"]
        caption = self.get_caption()
        if caption:
            parts.append(f'<caption class="w-sr-only">{_escape(caption)}</caption>')
        if self.has_column_widths():
            for column in self.columns.values():
                width = f'width="{_escape(column.width)}"' if column.width else ""
                parts.append(f"<col {width} />")
        header_class = f'class="{_escape(self.header_row_classname)}"' if self.header_row_classname else ""
        parts.append(f"<thead>\n<tr {header_class}>")
        parts.extend(conditional_escape(column.header.render_html(context)) for column in self.columns.values())
        parts.append("</tr>\n</thead>\n<tbody>")
        for row in self.rows:
            parts.append(f"<tr{attributes_html(row.attrs)}>")
            with context.push(row=row):
                parts.extend(conditional_escape(cell.render_html(context)) for cell in row.values())
            parts.append("</tr>")
        parts.append("</tbody>\n</table>")
        return mark_safe("\n".join(parts))
