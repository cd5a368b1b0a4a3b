from django.contrib.auth import views as auth_views
from django.urls import path

from apps.users import views
from apps.users.throttle import posted, signed_in_user, throttled_page, url_kwarg

# Django's own account views, throttled: matched before django.contrib.auth.urls (same names).
_login = throttled_page("login", account=posted("username"))(auth_views.LoginView.as_view())
_reset = throttled_page("reset", account=posted("email"))(auth_views.PasswordResetView.as_view())
_reset_confirm = throttled_page("reset-confirm", account=url_kwarg("uidb64"))(
    auth_views.PasswordResetConfirmView.as_view()
)
_change = throttled_page("change", account=signed_in_user)(auth_views.PasswordChangeView.as_view())

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("start-channel/", views.start_channel, name="start-channel"),
    path("login/", _login, name="login"),
    path("password_reset/", _reset, name="password_reset"),
    path("reset/<uidb64>/<token>/", _reset_confirm, name="password_reset_confirm"),
    path("password_change/", _change, name="password_change"),
]
