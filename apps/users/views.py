from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.users import services
from apps.users.forms import ProfileForm, SignupForm
from apps.users.selectors import user_is_creator
from apps.users.throttle import posted, throttled_page


@throttled_page("signup", account=posted("username"))
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    if settings.SIGNUP_MODE == "closed":
        context = {"title": "Sign-up is closed", "message": "This site takes no new accounts."}
        return render(request, "users/locked_out.html", context, status=403)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_signup(
            username=form.cleaned_data["username"],
            email=form.cleaned_data.get("email", ""),
            password=form.cleaned_data["password1"],
        )
        if not user.is_active:
            messages.info(request, "Your account is waiting for approval by the site's staff.")
            return redirect("home")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Streamsite, {user.username}!")
        return redirect("home")
    return render(request, "users/signup.html", {"form": form})


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` URL if it stays on this site, else `fallback` (a URL or a route name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else fallback


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("profile")
    context = {"form": form, "is_creator": user_is_creator(request.user)}
    return render(request, "users/profile.html", context)


@login_required
@require_POST
def start_channel(request: HttpRequest) -> HttpResponse:
    services.user_start_channel(user=request.user)
    messages.success(request, "Your channel is ready: you can upload videos now.")
    return redirect(safe_next(request, "profile"))
