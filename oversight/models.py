"""What oversight keeps of its own: the secret behind each person's calendar feed."""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CalendarToken(models.Model):
    """The secret behind a person's calendar feed URL (/calendar/<token>.ics).

    `token` holds only the random part; the URL carries it with an HMAC signature made from SECRET_KEY
    (oversight.calendar_feed). So the page can show the address again at any time, while a copy of the database alone
    (a backup, the admin, an SQL console) does not give anyone a working feed. Regenerating replaces the random
    part: the old address then finds no row and answers 404.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    token = models.CharField(_("mã bí mật"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        # The table keeps the name it had when calendar feeds lived in the tasks app.
        db_table = "tasks_calendartoken"
        verbose_name = _("lịch cá nhân")
        verbose_name_plural = _("lịch cá nhân")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("oversight:calendar")
