"""Documents are asked for and generated on the archive pages; the admin only reads them."""

from django.contrib import admin

from civicgrid.documents.models import Document, DocumentSequence


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ["title", "number", "kind", "street", "campaign", "status", "created_by"]
    list_filter = ["kind", "status", "campaign"]
    list_select_related = ["street", "campaign", "created_by"]
    search_fields = ["title"]


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnly):
    list_display = ["street", "kind", "year", "last"]
