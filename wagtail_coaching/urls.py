"""Site URLs. Include them once: ``path("coaching/", include("wagtail_coaching.urls"))``.

Each domain lists its own URLs; they are joined here into the one ``wagtail_coaching``
namespace, as one flat list.
"""

from .accounts import urls as accounts_urls
from .booking import urls as booking_urls
from .conversations import urls as conversations_urls
from .dashboard import urls as dashboard_urls
from .notifications import urls as notifications_urls
from .privacy import urls as privacy_urls
from .programmes import urls as programmes_urls
from .reporting import urls as reporting_urls
from .sessions import urls as sessions_urls
from .spaces import urls as spaces_urls
from .trials import urls as trials_urls

app_name = "wagtail_coaching"

urlpatterns = [
    *dashboard_urls.urlpatterns,
    *accounts_urls.urlpatterns,
    *spaces_urls.urlpatterns,
    *conversations_urls.urlpatterns,
    *booking_urls.urlpatterns,
    *notifications_urls.urlpatterns,
    *privacy_urls.urlpatterns,
    *programmes_urls.urlpatterns,
    *sessions_urls.urlpatterns,
    *reporting_urls.urlpatterns,
    *trials_urls.urlpatterns,
]
