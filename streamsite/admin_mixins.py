"""Admin behaviour shared by several apps."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """Rows that record what happened (logs, reports of figures): staff read them, nobody adds,
    edits or deletes one through the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
