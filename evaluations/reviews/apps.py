from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "evaluations.reviews"
    label = "reviews"
    verbose_name = _("Special work report reviews")
