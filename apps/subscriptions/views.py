"""Pages: the channel page with its tabs and Subscribe button, the feed, the owner's channel
settings, and the channel images. The Subscribe button is a form POST that works without
JavaScript; static/js/subscribe.js turns it into a fetch to the API."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from apps.subscriptions import selectors, services
from apps.subscriptions.forms import ChannelSettingsForm, NotifyForm
from apps.users.models import User
from streamsite.public_images import serve_public_image

TABS = ("videos", "playlists", "live")


def channel(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_object_or_404(User, username=username, is_active=True)
    tab = request.GET.get("tab", "videos")
    tab = tab if tab in TABS else "videos"
    videos = selectors.channel_videos(channel=owner)
    page = Paginator(videos, 24).get_page(request.GET.get("page"))
    subscription = selectors.subscription_of(user=request.user, channel=owner)
    profile = selectors.channel_profile(channel=owner)
    context = {
        "owner": owner,
        "profile": profile,
        "avatar_url": selectors.channel_image_url(profile.avatar),
        "banner_url": selectors.channel_image_url(profile.banner),
        "tab": tab,
        "page": page,
        "videos": page.object_list,
        "subscription": subscription,
        "notify_form": NotifyForm(initial={"notify": subscription.notify})
        if subscription
        else None,
        "is_owner": request.user.is_authenticated and request.user.pk == owner.pk,
    }
    if tab == "playlists":
        context["playlists"] = selectors.channel_playlists(channel=owner, viewer=request.user)
    elif tab == "live":
        context["live_streams"] = selectors.channel_live_streams(channel=owner)
    return render(request, "subscriptions/channel.html", context)


def _back(owner: User) -> HttpResponseRedirect:
    return redirect(reverse("channel", kwargs={"username": owner.username}))


@login_required
@require_POST
def subscribe(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_object_or_404(User, username=username, is_active=True)
    try:
        services.subscription_set(user=request.user, channel=owner)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return _back(owner)


@login_required
@require_POST
def unsubscribe(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_object_or_404(User, username=username)
    services.subscription_delete(user=request.user, channel=owner)
    return _back(owner)


@login_required
@require_POST
def notify(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_object_or_404(User, username=username, is_active=True)
    form = NotifyForm(request.POST)
    if form.is_valid():
        try:
            services.subscription_set(
                user=request.user, channel=owner, notify=form.cleaned_data["notify"]
            )
            messages.success(request, "Notification setting saved.")
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    return _back(owner)


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    videos = selectors.feed_videos(user=request.user)
    page = Paginator(videos, 24).get_page(request.GET.get("page"))
    channels = selectors.subscriptions_of(user=request.user)[:50]
    return render(
        request,
        "subscriptions/feed.html",
        {"page": page, "videos": page.object_list, "subscriptions": channels},
    )


@login_required
def channel_settings(request: HttpRequest) -> HttpResponse:
    owner = request.user
    profile = selectors.channel_profile(channel=owner)
    if request.method == "POST":
        form = ChannelSettingsForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.channel_profile_update(
                    channel=owner,
                    by=request.user,
                    description=data["description"],
                    avatar=data["avatar"],
                    banner=data["banner"],
                    remove_avatar=data["remove_avatar"],
                    remove_banner=data["remove_banner"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Channel saved.")
                return redirect("studio-channel")
        status = 400
    else:
        form = ChannelSettingsForm(initial={"description": profile.description})
        status = 200
    return render(
        request,
        "subscriptions/settings.html",
        {
            "form": form,
            "profile": profile,
            "avatar_url": selectors.channel_image_url(profile.avatar),
            "banner_url": selectors.channel_image_url(profile.banner),
        },
        status=status,
    )


_IMAGE_NAME = re.compile(r"^channels/[0-9]+/(avatar|banner)-[0-9a-f]{24}\.webp$")


@require_safe
def channel_image(request: HttpRequest, name: str) -> HttpResponse:
    """A channel's avatar or banner: public, like the channel page. Streamed locally, a
    redirect to the storage's (signed) URL elsewhere."""
    return serve_public_image(name, _IMAGE_NAME)
