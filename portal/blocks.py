from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), form_classname="title")
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )
    image = ImageBlock(label=_("Image"))
    document = DocumentChooserBlock(label=_("Document"))
