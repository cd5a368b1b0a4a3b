from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from apps.comments.live import comment_json
from apps.comments.models import CommentState, ReportReason


class CommentOut(serializers.Serializer):
    """`{id, body, author, parent, created_at, edited, pinned, state, reply_count}`; a removed
    comment keeps its place with an empty body. The fields document the schema; the body is
    the one the live messages carry."""

    id = serializers.IntegerField()
    body = serializers.CharField()
    author = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    edited = serializers.BooleanField()
    pinned = serializers.BooleanField()
    state = serializers.ChoiceField(choices=CommentState.choices)
    reply_count = serializers.IntegerField()
    changed_at = serializers.DateTimeField()

    def to_representation(self, instance) -> dict:
        return comment_json(instance)


class CommentIn(serializers.Serializer):
    body = serializers.CharField(max_length=settings.COMMENT_MAX_LENGTH, trim_whitespace=True)
    parent = serializers.IntegerField(required=False, allow_null=True)


class CommentEdit(serializers.Serializer):
    body = serializers.CharField(max_length=settings.COMMENT_MAX_LENGTH, trim_whitespace=True)


class ReportIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    detail = serializers.CharField(max_length=500, required=False, allow_blank=True)
