import pytest


@pytest.fixture(autouse=True)
def fresh_campaign_snapshot():
    """Factories write campaigns without the admin: drop the decision's cached snapshot."""
    from apps.ads.selectors import running_campaigns_forget

    running_campaigns_forget()
    yield
    running_campaigns_forget()
