"""Pages: the notification list (seeing it marks everything read) and the email choice."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.notifications import selectors, services
from apps.notifications.models import EmailChoice


class EmailForm(forms.Form):
    email = forms.ChoiceField(choices=EmailChoice.choices, label="Email")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    items = list(page.object_list)  # read before marking: new ones still show as new
    services.notifications_mark_read(user=request.user)
    settings = selectors.notification_settings(user=request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "items": items,
            "email_form": EmailForm(initial={"email": settings.email}),
        },
    )


@login_required
@require_POST
def email_setting(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST)
    if form.is_valid():
        services.notification_settings_update(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Email setting saved.")
        if form.cleaned_data["email"] != EmailChoice.OFF and not request.user.email:
            messages.warning(request, "Add an email address to your profile to receive it.")
    return redirect("notifications")
