"""What the regional administrator may do with the site's pages and their media."""

from accounts.roles import Role, grant_permissions

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "delete_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]


def grant_regional_editing(**kwargs):
    """The regional administrator edits every page (home, listing intro, documentation, legal pages)
    and the images and documents they use (post_migrate, idempotent)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    grant_permissions({Role.REGIONAL_ADMIN: ["wagtailcore." + codename for codename in PAGE_PERMISSIONS]})
    group = Group.objects.get(name=Role.REGIONAL_ADMIN.value)
    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in PAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=permission)
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for perm in COLLECTION_PERMISSIONS:
            app_label, codename = perm.split(".")
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
