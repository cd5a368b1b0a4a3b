from rest_framework import serializers

from apps.broadcasts.models import Display, Severity


class BroadcastSerializer(serializers.Serializer):
    """A broadcast as pages and clients see it (the `/ws/site/` message fields)."""

    id = serializers.IntegerField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    message = serializers.CharField()
    video = serializers.CharField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    live_stream = serializers.CharField(allow_null=True)
    link = serializers.CharField()
    display = serializers.ChoiceField(choices=Display.choices)
    dismissible = serializers.BooleanField()
    starts_at = serializers.DateTimeField()


class BroadcastCreateSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=500)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.INFO)
    display = serializers.ChoiceField(choices=Display.choices, default=Display.BANNER)
    link = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    video = serializers.CharField(max_length=16, required=False, allow_null=True, default=None)
    live_stream = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class BroadcastUpdateSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=500, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    display = serializers.ChoiceField(choices=Display.choices, required=False)
    link = serializers.URLField(max_length=500, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField(required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class ActiveBroadcastsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = BroadcastSerializer(many=True)
    now = serializers.DateTimeField(help_text="The server's clock, for expiry timers.")
